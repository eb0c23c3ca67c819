#!/usr/bin/env bash
# contrib/: the Kubernetes Indexed Job and the Slurm job array of a
# sharded scan (docs/sharding.md). No cluster runs here, so:
#   1. their syntax and structure: the manifests parse and are what an
#      Indexed Job of `fedcert scan --shard auto/N` and its merge Job need
#      (tests/e2e/contrib_check.py); the Slurm scripts pass bash -n (and
#      the shell linter, where installed), their #SBATCH lines come before any
#      command, and the array's range is 0..N-1 for the N of auto/N; a
#      manifest and a script that break these are caught;
#   2. the same flow, locally, over a small federation on loopback: the
#      Slurm script once per SLURM_ARRAY_TASK_ID, as the array's tasks,
#      then its merge script; the scan pods' command, as the manifest
#      has it, once per JOB_COMPLETION_INDEX, then the merge Job's. Each
#      merged report equals a single-process scan's of the same file,
#      target for target; a missing shard is named and the merged scan
#      is incomplete until it is merged too; a shard whose scan failed is
#      resumed and the merge completes; merging again changes nothing; the
#      next run is a second scan of the same audit database; shards that
#      do not belong together are refused and leave no report.
. "$E2E_DIR/lib.sh"

CONTRIB=$FEDCERT_SOURCE_DIR/contrib
SLURM_SCAN=$CONTRIB/slurm/fedcert-array.sh
SLURM_MERGE=$CONTRIB/slurm/fedcert-merge.sh
K8S_SCAN=$CONTRIB/kubernetes/fedcert-indexed-job.yaml
K8S_MERGE=$CONTRIB/kubernetes/fedcert-merge-job.yaml
CHECK=$E2E_DIR/contrib_check.py

# ---- 1. Syntax and structure. ----------------------------------------------

# slurm_n SCRIPT: the N of the array, from its #SBATCH --array=0-M line
# (empty when there is none, or it does not start at 0).
slurm_n() {
	sed -n 's/^#SBATCH[[:space:]]\{1,\}--array=0-\([0-9]\{1,\}\)\([%[:space:]].*\)\{0,1\}$/\1/p' "$1" |
		awk 'NR == 1 { print $1 + 1 }'
}

# slurm_checks SCRIPT: bash -n; every #SBATCH line before the first
# command (sbatch reads none after it); an array script's range is 0..N-1
# for the N its --shard auto/N defaults to. Prints what is wrong, if
# anything.
slurm_checks() {
	local f=$1 n default
	bash -n "$f" 2>&1 || echo "$f: bash -n failed"
	awk '/^#SBATCH/ && seen { print FILENAME ":" NR ": #SBATCH after the first command: sbatch ignores it" }
		!/^#/ && !/^[[:space:]]*$/ { seen = 1 }' "$f"
	grep -q -- '--shard' "$f" || return 0
	n=$(slurm_n "$f")
	default=$(sed -n 's/.*FEDCERT_SHARDS=\${SLURM_ARRAY_TASK_COUNT:-\([0-9]\{1,\}\)}.*/\1/p' "$f")
	grep -qF -- '--shard "auto/$FEDCERT_SHARDS"' "$f" ||
		echo "$f: the scan is not --shard \"auto/\$FEDCERT_SHARDS\""
	[ -n "$n" ] || echo "$f: no #SBATCH --array=0-M line"
	[ -n "$n" ] && [ "$n" = "$default" ] ||
		echo "$f: the array is 0..$((${n:-0} - 1)), N $n, but auto/N defaults to $default"
}

for f in "$SLURM_SCAN" "$SLURM_MERGE"; do
	slurm_checks "$f" >"$T/slurm.check" 2>&1
	[ ! -s "$T/slurm.check" ] && ok || fail "$(basename "$f"): $(cat "$T/slurm.check")"
done
N=$(slurm_n "$SLURM_SCAN")
assert_eq "slurm: the array's N" 4 "$N"
# The checks catch an array that does not fit auto/N, and a directive
# after the first command.
sed 's/^#SBATCH --array=0-3$/#SBATCH --array=0-2/' "$SLURM_SCAN" >"$T/bad-array.sh"
slurm_checks "$T/bad-array.sh" >"$T/slurm.check" 2>&1
assert_contains "slurm: a 0-2 array for auto/4 is caught" "$T/slurm.check" "N 3, but auto/N defaults to 4"
{ sed -n '1p' "$SLURM_SCAN"; echo 'set -u'; sed -n '2,$p' "$SLURM_SCAN"; } >"$T/bad-order.sh"
slurm_checks "$T/bad-order.sh" >"$T/slurm.check" 2>&1
assert_contains "slurm: a directive after a command is caught" "$T/slurm.check" "after the first command"
if command -v shellcheck >/dev/null; then
	shellcheck "$SLURM_SCAN" "$SLURM_MERGE" >"$T/shellcheck.out" 2>&1 && ok ||
		fail "shellcheck: $(cat "$T/shellcheck.out")"
else
	echo "note: shellcheck is not installed: the Slurm scripts were checked with bash -n only"
fi

K8S=$T/k8s
mkdir -p "$K8S"
if ! /usr/bin/python3 -c 'import yaml' 2>/dev/null; then
	skip "python3-yaml is not installed (scripts/deps installs it): the Kubernetes manifests were not parsed nor run (the Slurm scripts' syntax was checked)"
fi
/usr/bin/python3 "$CHECK" k8s "$K8S_SCAN" "$K8S_MERGE" "$K8S" >"$T/k8s.check" 2>&1
assert_eq "kubernetes: the manifests' checks ($(grep FAIL "$T/k8s.check" | head -n 3))" 0 $?
grep -q '^ok: scan Job: completions (4) == the N of --shard auto/N (4)$' "$T/k8s.check" && ok ||
	fail "kubernetes: completions and auto/N were not compared: $(cat "$T/k8s.check")"
assert_eq "kubernetes: N" "$N" "$(cat "$K8S/n" 2>/dev/null)"
# The checks catch completions that do not fit auto/N, and a merge Job
# that mounts the shards elsewhere.
sed 's/^  completions: 4$/  completions: 3/' "$K8S_SCAN" >"$T/bad-scan.yaml"
mkdir -p "$T/bad"
/usr/bin/python3 "$CHECK" k8s "$T/bad-scan.yaml" "$K8S_MERGE" "$T/bad" >"$T/bad.check" 2>&1
assert_eq "kubernetes: completions 3 for auto/4 fails the checks" 1 $?
assert_contains "kubernetes: and says why" "$T/bad.check" "FAIL: scan Job: completions (3) == the N of --shard auto/N (4)"
sed 's|mountPath: /shards$|mountPath: /data|' "$K8S_MERGE" >"$T/bad-merge.yaml"
/usr/bin/python3 "$CHECK" k8s "$K8S_SCAN" "$T/bad-merge.yaml" "$T/bad" >"$T/bad.check" 2>&1
assert_eq "kubernetes: a merge Job that mounts the shards elsewhere fails the checks" 1 $?
assert_contains "kubernetes: and says why" "$T/bad.check" "FAIL: merge Job: /shards/shard-*.db is on a mounted volume"

# ---- 2. The same flow, locally. ---------------------------------------------

command -v dnsmasq >/dev/null ||
	skip "dnsmasq is not installed (scripts/deps installs it): the contrib files' flow was not run (only their syntax was checked)"

# The federation: partners under fed.test (their organisational domain,
# the shard key, is x.fed.test, which their hosts share), own Edges and a
# hosted pool three partners share, an expired and a misnamed
# certificate, a refused and a non-TLS endpoint, a domain without
# records, and a row the scan rejects.
CA=$T/ca
make_ca "$CA"
for h in a c e i; do
	issue "$CA" "$h" "sip.$h.fed.test" ec sha256 "$(days_from -10)" "$(days_from 300)" "${GOOD_EXT[@]}" \
		"subjectAltName = DNS:sip.$h.fed.test" || exit 1
done
issue "$CA" b sip.b.fed.test ec sha256 "$(days_from -100)" "$(days_from -3)" "${GOOD_EXT[@]}" \
	"subjectAltName = DNS:sip.b.fed.test" || exit 1
issue "$CA" w www.w.fed.test ec sha256 "$(days_from -10)" "$(days_from 300)" "${GOOD_EXT[@]}" \
	"subjectAltName = DNS:www.w.fed.test" || exit 1
issue "$CA" pool sip.hosted.fed.test ec sha256 "$(days_from -10)" "$(days_from 300)" "${GOOD_EXT[@]}" \
	"subjectAltName = DNS:sip.hosted.fed.test" || exit 1
for h in a b c e i w pool; do
	start_tls "PORT_$h" 127.0.0.1 "$CA/$h.pem" "$CA/$h.key" "$CA/inter.pem" || exit 1
done
start_fixture refused plain || exit 1
{
	for h in a b c e i; do
		p=PORT_$h
		echo "srv-host=_sipfederationtls._tcp.$h.fed.test,sip.$h.fed.test,${!p},0,100"
		echo "host-record=sip.$h.fed.test,127.0.0.1"
	done
	echo "srv-host=_sip._tls.a.fed.test,sip.a.fed.test,$PORT_a,0,100"
	echo "srv-host=_sipfederationtls._tcp.w.fed.test,sip.w.fed.test,$PORT_w,0,100"
	echo "host-record=sip.w.fed.test,127.0.0.1"
	for d in p q r; do
		echo "srv-host=_sipfederationtls._tcp.$d.fed.test,sip.hosted.fed.test,$PORT_pool,0,100"
	done
	echo "host-record=sip.hosted.fed.test,127.0.0.1"
	echo "srv-host=_sipfederationtls._tcp.f.fed.test,sip.f.fed.test,$FIX_REFUSED,0,100"
	echo "host-record=sip.f.fed.test,127.0.0.1"
	echo "srv-host=_sipfederationtls._tcp.j.fed.test,sip.j.fed.test,$FIX_PLAIN,0,100"
	echo "host-record=sip.j.fed.test,127.0.0.1"
} >"$T/dns.conf"
start_dnsmasq "$T/dns.conf" || exit 1
DNSMASQ_PID=${PIDS[-1]}

# dnsmasq_again: dnsmasq back on the port it had (after stop_pid), as
# start_dnsmasq starts it.
dnsmasq_again() {
	local log="$T/dnsmasq.again.$RANDOM.log"
	dnsmasq -k --conf-file=/dev/null --port="${DNS##*:}" \
		--listen-address=127.0.0.1 --bind-interfaces --no-resolv \
		--no-hosts --local=/test/ --local-ttl=300 --log-facility=- \
		--pid-file= --user=root --conf-file="$T/dns.conf" >"$log" 2>&1 &
	DNSMASQ_PID=$!
	PIDS+=("$DNSMASQ_PID")
	wait_line "$log" 'started, version'
}

# The targets file where the scan pods find it (the ConfigMap's volume,
# moved under $K8S), the one file every scan here reads: a rejected row's
# report names it.
mkdir -p "$K8S/targets"
TARGETS=$K8S/targets/targets.csv
cat >"$TARGETS" <<EOF2
Domain,Type,Port
a.fed.test,FED,
a.fed.test,SIP,
sip.a.fed.test,DIR,$PORT_a
b.fed.test,FED,
c.fed.test,FED,
e.fed.test,FED,
i.fed.test,FED,
w.fed.test,FED,
p.fed.test,FED,
q.fed.test,FED,
r.fed.test,FED,
sip.hosted.fed.test,DIR,$PORT_pool
f.fed.test,FED,
j.fed.test,FED,
nx.fed.test,FED,
k.fed.test,FEDX,
EOF2
ROWS=16 # 15 targets and a rejected row

# The options: the manifest's own, and the loopback federation's.
# shellcheck source=/dev/null
. "$K8S/scan.env"
OPTS="$FEDCERT_SCAN_OPTIONS --ca-file $CA/root.pem --dns-server $DNS"
unset FEDCERT_SCAN_OPTIONS

# report_json DB OUT: the JSON report of DB's newest scan.
report_json() {
	"$FEDCERT" report --db "$1" --format json -o "$2" 2>"$2.err" ||
		fail "report of $1: exit $? ($(cat "$2.err"))"
}

# same_report WHAT A B: A's and B's JSON reports say the same, target for
# target.
same_report() {
	if /usr/bin/python3 "$CHECK" same-report "$2" "$3" >"$T/same.out" 2>&1; then
		ok
	else
		fail "$1: $(cat "$T/same.out")"
	fi
}

# The single-process scan, what the shards must add up to.
# shellcheck disable=SC2086 # OPTS is a list of words
"$FEDCERT" scan "$TARGETS" --db "$T/single.db" $OPTS --quiet 2>"$T/single.err"
assert_eq "the single-process scan: exit 0 ($(cat "$T/single.err"))" 0 $?
report_json "$T/single.db" "$T/single.jsonl"
assert_eq "the single-process report: a line per row" "$ROWS" "$(grep -c '"domain"' "$T/single.jsonl")"

# ---- Slurm: the array's tasks, then the merge script. ----
# run_tasks DIR I...: fedcert-array.sh as the array's tasks I..., all at
# once, as Slurm would start them; sets TASK_RC to their exit codes.
run_tasks() {
	local dir=$1 i pids=() rc
	shift
	TASK_RC=""
	for i in "$@"; do
		env SLURM_JOB_ID=$((1000 + i)) SLURM_ARRAY_JOB_ID=1000 SLURM_ARRAY_TASK_ID="$i" \
			SLURM_ARRAY_TASK_COUNT="$N" SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_MAX=$((N - 1)) \
			FEDCERT="$FEDCERT" FEDCERT_TARGETS="$TARGETS" FEDCERT_SHARD_DIR="$dir" \
			FEDCERT_SCAN_OPTIONS="$OPTS" \
			bash "$SLURM_SCAN" --quiet >"$dir.task$i.out" 2>&1 &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i"
		rc=$?
		TASK_RC="$TASK_RC${TASK_RC:+ }$rc"
	done
}

# slurm_merge DIR DB REPORTS [REPORT OPTIONS...]: fedcert-merge.sh; sets
# MERGE_RC.
slurm_merge() {
	local dir=$1 db=$2 reports=$3
	shift 3
	FEDCERT="$FEDCERT" FEDCERT_SHARD_DIR="$dir" FEDCERT_DB="$db" FEDCERT_REPORT_DIR="$reports" \
		bash "$SLURM_MERGE" "$@" >"$reports.out" 2>&1
	MERGE_RC=$?
}

S=$T/slurm
mkdir -p "$S"
run_tasks "$S/shards" $(seq 0 $((N - 1)))
assert_eq "slurm: the $N tasks exit 0 ($(cat "$S"/shards.task*.out))" "$(printf '0 %.0s' $(seq 1 "$N") | sed 's/ $//')" "$TASK_RC"
assert_eq "slurm: a shard file per task" "$N" "$(ls "$S"/shards/shard-*.db | wc -l)"
# Each row is in one shard; more than one shard has rows (else this
# federation would not test the merge).
busy=0 total=0 BUSY_SHARD=""
for i in $(seq 0 $((N - 1))); do
	report_json "$S/shards/shard-$i.db" "$S/shard-$i.jsonl"
	rows=$(grep -c '"domain"' "$S/shard-$i.jsonl")
	total=$((total + rows))
	[ "$rows" -gt 0 ] && { busy=$((busy + 1)); BUSY_SHARD=$i; }
done
assert_eq "slurm: every row in one shard" "$ROWS" "$total"
[ "$busy" -ge 2 ] && ok || fail "slurm: $busy of $N shards have rows: the federation does not test the merge"
slurm_merge "$S/shards" "$S/audit.db" "$S/reports"
assert_eq "slurm: the merge script exits 0 ($(cat "$S/reports.out"))" 0 "$MERGE_RC"
same_report "slurm: the merged report is the single scan's" "$T/single.jsonl" "$S/reports/report.jsonl"
assert_contains "slurm: and the text report" "$S/reports/report.txt" "targets shown"
assert_eq "slurm: the shards moved aside once merged" "0 $N" \
	"$(ls "$S"/shards/shard-*.db 2>/dev/null | wc -l) $(ls "$S"/shards/merged/shard-*.db | wc -l)"

# Merging the same shards again changes nothing.
sqlite3 "$S/audit.db" .dump >"$S/dump.1"
"$FEDCERT" merge --db "$S/audit.db" "$S"/shards/merged/shard-*.db >"$S/again.out" 2>&1
assert_eq "slurm: merging again: exit 0 ($(cat "$S/again.out"))" 0 $?
sqlite3 "$S/audit.db" .dump >"$S/dump.2"
cmp -s "$S/dump.1" "$S/dump.2" && ok || fail "slurm: merging again changed the database"

# A task that did not run: its shard is named, the merged scan is
# incomplete; once it has run, merging again completes the same scan.
M=$BUSY_SHARD
mkdir -p "$T/late"
others=()
for i in $(seq 0 $((N - 1))); do [ "$i" != "$M" ] && others+=("$i"); done
run_tasks "$T/late/shards" "${others[@]}"
slurm_merge "$T/late/shards" "$T/late/audit.db" "$T/late/reports"
[ "$MERGE_RC" -ne 0 ] && ok || fail "slurm: a merge without shard $M/$N exits 0"
grep -qE "shard $M (of|/) ?$N" "$T/late/reports.out" && ok ||
	fail "slurm: the merge does not name the missing shard $M of $N: $(cat "$T/late/reports.out")"
grep -qE "shard $M (of|/) ?$N" "$T/late/reports/report.txt" && ok ||
	fail "slurm: the report of the merge does not name the missing shard $M of $N: $(head -n 3 "$T/late/reports/report.txt")"
assert_eq "slurm: the JSON report's incomplete line names it" "$M" \
	"$(jq -r 'select(.incomplete) | .incomplete.shards_missing' "$T/late/reports/report.jsonl")"
assert_eq "slurm: the shards stay where they are" "$((N - 1))" "$(ls "$T"/late/shards/shard-*.db | wc -l)"
# The late shard as `sbatch --array=M` runs it, with FEDCERT_SHARDS=N.
env SLURM_JOB_ID=2000 SLURM_ARRAY_JOB_ID=2000 SLURM_ARRAY_TASK_ID="$M" \
	SLURM_ARRAY_TASK_COUNT=1 SLURM_ARRAY_TASK_MIN="$M" SLURM_ARRAY_TASK_MAX="$M" \
	FEDCERT="$FEDCERT" FEDCERT_TARGETS="$TARGETS" FEDCERT_SHARD_DIR="$T/late/shards" \
	FEDCERT_SCAN_OPTIONS="$OPTS" FEDCERT_SHARDS="$N" \
	bash "$SLURM_SCAN" --quiet >"$T/late/task$M.out" 2>&1
assert_eq "slurm: the late shard, alone (--array=$M): exit 0 ($(cat "$T/late/task$M.out"))" 0 $?
slurm_merge "$T/late/shards" "$T/late/audit.db" "$T/late/reports"
assert_eq "slurm: with the late shard, the merge exits 0 ($(cat "$T/late/reports.out"))" 0 "$MERGE_RC"
same_report "slurm: the completed merge's report is the single scan's" "$T/single.jsonl" "$T/late/reports/report.jsonl"
assert_eq "slurm: one merged scan, not two" 1 "$(q "$T/late/audit.db" 'select count(*) from scan')"

# The next run: its shards start afresh (the last run's were moved
# aside), and its merge is a scan of its own in the same audit database.
run_tasks "$S/shards" $(seq 0 $((N - 1)))
slurm_merge "$S/shards" "$S/audit.db" "$S/reports"
assert_eq "slurm: the next run's merge exits 0 ($(cat "$S/reports.out"))" 0 "$MERGE_RC"
assert_eq "slurm: the next run is the audit database's second scan" 2 "$(q "$S/audit.db" 'select count(*) from scan')"
same_report "slurm: the next run's report is the single scan's" "$T/single.jsonl" "$S/reports/report.jsonl"

# A task whose scan failed (our resolver was down while it ran): the
# merge takes it, the merged scan is not done, the script exits 1 and
# leaves the shards; the task run again with FEDCERT_RESUME=yes (as
# `FEDCERT_SHARDS=N sbatch --array=M` would) resumes that scan, and the
# merge completes the same merged scan.
mkdir -p "$T/failed"
run_tasks "$T/failed/shards" "${others[@]}"
stop_pid "$DNSMASQ_PID"
run_tasks "$T/failed/shards" "$M"
assert_eq "slurm: a task without its resolver: exit 1 ($(cat "$T/failed/shards.task$M.out"))" 1 "$TASK_RC"
dnsmasq_again || exit 1
slurm_merge "$T/failed/shards" "$T/failed/audit.db" "$T/failed/reports"
assert_eq "slurm: the merge of a failed shard: exit 1 ($(cat "$T/failed/reports.out"))" 1 "$MERGE_RC"
assert_contains "slurm: its report says it is incomplete" "$T/failed/reports/report.txt" "This scan is incomplete"
assert_eq "slurm: the shards stay where they are" "$N" "$(ls "$T"/failed/shards/shard-*.db | wc -l)"
env SLURM_JOB_ID=3000 SLURM_ARRAY_JOB_ID=3000 SLURM_ARRAY_TASK_ID="$M" \
	SLURM_ARRAY_TASK_COUNT=1 SLURM_ARRAY_TASK_MIN="$M" SLURM_ARRAY_TASK_MAX="$M" \
	FEDCERT="$FEDCERT" FEDCERT_TARGETS="$TARGETS" FEDCERT_SHARD_DIR="$T/failed/shards" \
	FEDCERT_SCAN_OPTIONS="$OPTS" FEDCERT_SHARDS="$N" FEDCERT_RESUME=yes \
	bash "$SLURM_SCAN" --quiet >"$T/failed/resume$M.out" 2>&1
assert_eq "slurm: the failed shard resumed: exit 0 ($(cat "$T/failed/resume$M.out"))" 0 $?
# (with --fail-on error for the report: the federation has errors, 3)
slurm_merge "$T/failed/shards" "$T/failed/audit.db" "$T/failed/reports" --fail-on error
assert_eq "slurm: then the merge, its report --fail-on error: exit 3 ($(cat "$T/failed/reports.out"))" 3 "$MERGE_RC"
assert_eq "slurm: complete: the shards moved aside" "0 $N" \
	"$(ls "$T"/failed/shards/shard-*.db 2>/dev/null | wc -l) $(ls "$T"/failed/shards/merged/shard-*.db | wc -l)"
same_report "slurm: the merge of the resumed shard's report is the single scan's" "$T/single.jsonl" "$T/failed/reports/report.jsonl"
assert_eq "slurm: one merged scan, rebuilt" 1 "$(q "$T/failed/audit.db" 'select count(*) from scan')"

# Shards that do not belong together (one scanned with other options):
# the merge refuses them, and the script writes no report.
mkdir -p "$T/mixed"
run_tasks "$T/mixed/shards" 0
OPTS_SAVED=$OPTS
OPTS="$OPTS --dns-tries 1"
run_tasks "$T/mixed/shards" 1
OPTS=$OPTS_SAVED
slurm_merge "$T/mixed/shards" "$T/mixed/audit.db" "$T/mixed/reports"
assert_eq "slurm: shards of different options: exit 2 ($(cat "$T/mixed/reports.out"))" 2 "$MERGE_RC"
[ ! -e "$T/mixed/reports/report.txt" ] && ok || fail "slurm: a report was written for a merge that merged nothing"

# Outside an array, or an array that does not start at 0: refused.
FEDCERT="$FEDCERT" bash "$SLURM_SCAN" >"$T/noarray.out" 2>&1
assert_eq "slurm: no SLURM_ARRAY_TASK_ID: exit 2" 2 $?
env SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_COUNT=4 FEDCERT="$FEDCERT" \
	bash "$SLURM_SCAN" >"$T/min1.out" 2>&1
assert_eq "slurm: --array=1-4: exit 2" 2 $?
assert_contains "slurm: and says so" "$T/min1.out" "--array=0-3"

# ---- Kubernetes: the pods' command, once per index, then the merge Job's. ----
mkdir -p "$K8S/bin"
ln -s "$FEDCERT" "$K8S/bin/fedcert"
# pods I...: the scan pods of indexes I..., all at once; sets PODS_RC.
pods() {
	local i p pids=()
	for i in "$@"; do
		(
			# shellcheck source=/dev/null
			. "$K8S/scan.env"
			export FEDCERT_SCAN_OPTIONS="$OPTS --quiet" JOB_COMPLETION_INDEX=$i PATH="$K8S/bin:$PATH"
			exec sh -c "$(cat "$K8S/scan.sh")"
		) >"$K8S/pod$i.out" 2>&1 &
		pids+=($!)
	done
	PODS_RC=""
	for p in "${pids[@]}"; do wait "$p"; PODS_RC="$PODS_RC${PODS_RC:+ }$?"; done
}
# merge_pod: the merge Job's pod; sets MERGE_RC.
merge_pod() {
	(
		# shellcheck source=/dev/null
		. "$K8S/merge.env"
		export PATH="$K8S/bin:$PATH"
		exec sh -c "$(cat "$K8S/merge.sh")"
	) >"$K8S/merge.out" 2>&1
	MERGE_RC=$?
}

mkdir -p "$K8S/shards"
pods $(seq 0 $((N - 1)))
assert_eq "kubernetes: the $N pods exit 0 ($(cat "$K8S"/pod*.out))" "$(printf '0 %.0s' $(seq 1 "$N") | sed 's/ $//')" "$PODS_RC"
merge_pod
assert_eq "kubernetes: the merge Job's command exits 0 ($(cat "$K8S/merge.out"))" 0 "$MERGE_RC"
same_report "kubernetes: the merged report is the single scan's" "$T/single.jsonl" "$K8S/shards/reports/report.jsonl"
assert_eq "kubernetes: the shards moved aside once merged" "0 $N" \
	"$(ls "$K8S"/shards/shard-*.db 2>/dev/null | wc -l) $(ls "$K8S"/shards/merged/shard-*.db | wc -l)"
# On a fresh claim, an index that failed for good: the merge Job fails
# and names its shard; the index run again (a one-off pod), the merge Job
# again completes the merged scan.
rm -r "$K8S/shards"
mkdir -p "$K8S/shards"
pods "${others[@]}"
merge_pod
assert_eq "kubernetes: the merge Job without index $M: exit 1" 1 "$MERGE_RC"
assert_contains "kubernetes: it names the shard" "$K8S/merge.out" "shard $M of $N"
assert_contains "kubernetes: and so does its report" "$K8S/shards/reports/report.txt" "shard $M of $N"
pods "$M"
assert_eq "kubernetes: index $M, late: exit 0 ($(cat "$K8S/pod$M.out"))" 0 "$PODS_RC"
merge_pod
assert_eq "kubernetes: the merge Job again: exit 0 ($(cat "$K8S/merge.out"))" 0 "$MERGE_RC"
same_report "kubernetes: the completed merge's report is the single scan's" "$T/single.jsonl" "$K8S/shards/reports/report.jsonl"

# A pod with an index out of range is a usage error (the Job fails that
# index at once: podFailurePolicy, exit code 2).
(
	# shellcheck source=/dev/null
	. "$K8S/scan.env"
	export FEDCERT_SCAN_OPTIONS="$OPTS" JOB_COMPLETION_INDEX=$N PATH="$K8S/bin:$PATH"
	exec sh -c "$(cat "$K8S/scan.sh")"
) >"$K8S/pod-out-of-range.out" 2>&1
assert_eq "kubernetes: index $N of auto/$N: exit 2" 2 $?

finish
