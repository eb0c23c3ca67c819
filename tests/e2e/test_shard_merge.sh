#!/usr/bin/env bash
# Shards and merge (scan --shard I/N, fedcert merge): a fleet (fleet/: the
# benchmark's generator, hosted pools shared by partners of every shard)
# scanned in one process and as 4 shards (4 processes at once), merged;
# the merged report equals the single one target for target and finding
# for finding (JSON lines sorted; timings, TTLs, the scan id, the order of
# a round-robin answer's records and the bytes a dribbling server sent
# before our timeout aside), and the comparison fails without a shard.
# Every row of the file is in exactly one shard, one partner's rows in one.
# Then: merging again changes nothing; 0, 1, 3 then 2 equals all four; a
# missing shard is named and its scan failed; a kill -9 in the middle of a
# merge's write leaves the output as it was; merge refuses shards of
# another file, other options, another N, and two scans of one index, and
# never changes a shard file; --shard auto/N from both variables, and its
# usage errors.
#
# The fleet has SHARD_FLEET domains: by default 10,000, the benchmark's
# size, and 2,000 under the sanitizers (where 10,000 would take some ten
# minutes) or when the descriptor limit is too low for 10,000. Its keys
# come from the fleet's cache (the first run on a machine makes them).
. "$E2E_DIR/lib.sh"

command -v dnsmasq >/dev/null ||
	skip "dnsmasq is not installed (scripts/deps installs it): no fleet, so shards and merge were not tested"
command -v jq >/dev/null ||
	skip "jq is not installed: the merged and single reports were not compared"
# The fleet's server listens on some 0.6 ports per domain; each of the 5
# scans opens up to 256 connections.
hard=$(ulimit -Hn)
fits() { [ "$hard" = unlimited ] || [ "$hard" -ge $(($1 + 2048)) ]; }
if [ -n "${SHARD_FLEET:-}" ]; then
	N=$SHARD_FLEET
elif ldd "$FEDCERT" 2>/dev/null | grep -qE 'libasan|libubsan'; then
	N=2000
	echo "sanitizers: the 2,000-domain fleet (the 10,000-domain one is tested in the plain build)"
elif fits 10000; then
	N=10000
else
	N=2000
	echo "the descriptor limit (ulimit -Hn $hard) is below the 12,048 the 10,000-domain fleet needs: the 2,000-domain fleet is tested instead"
fi
if ! fits "$N"; then
	skip "the descriptor limit (ulimit -Hn $hard) is below the $((N + 2048)) a $N-domain fleet and 5 scans need: shards and merge were not tested"
fi
F=$FEDCERT

# ---- the fleet: one process, and 4 shards at once ----
# Under the sanitizers a handshake costs many times the CPU: 4 scans at
# once on 2 cores would time out where one does not, and the reports would
# differ for that alone. There the shards run one after another, with a
# longer timeout.
together=1 timeout=5
if ldd "$F" 2>/dev/null | grep -qE 'libasan|libubsan'; then
	together=0 timeout=20
	echo "sanitizers: the 4 shards run one after another, --timeout $timeout"
fi
cat >"$T/inside.sh" <<'SH'
set -u
cp "$TARGETS" "$OUT/targets.csv"
common="--ca-file $CA --dns-server $DNS --timeout $TIMEOUT --concurrency 256 --quiet"
"$FEDCERT" scan "$TARGETS" --db "$OUT/single.db" $common || echo "single: $?" >>"$OUT/rcs"
for i in 0 1 2 3; do
	( "$FEDCERT" scan "$TARGETS" --db "$OUT/s$i.db" $common --shard "$i/4" ||
		echo "shard $i: $?" >>"$OUT/rcs" ) &
	[ "$TOGETHER" = 1 ] || wait
done
wait
SH
OUT=$T FEDCERT=$F TOGETHER=$together TIMEOUT=$timeout \
	"$FEDCERT_SOURCE_DIR/fleet/with-fleet" "$N" --dir "$T/fleet" \
	-- bash "$T/inside.sh" >"$T/fleet.log" 2>&1
rc=$?
if [ $rc -ne 0 ] || [ -s "$T/rcs" ] || [ ! -s "$T/s3.db" ]; then
	cat "$T/fleet.log" "$T/rcs" >&2 2>/dev/null
	fail "the $N-domain fleet started and was scanned whole and in 4 shards ($rc)"
	finish
	exit 1
fi
ok
grep '^fleet: [0-9]' "$T/fleet.log"

# Each row in exactly one shard (targets and rejected rows, by line); one
# domain's rows in one shard.
for i in 0 1 2 3; do
	q "$T/s$i.db" "SELECT line FROM target UNION ALL SELECT line FROM input_error"
done | sort -n >"$T/shard-lines"
q "$T/single.db" "SELECT line FROM target UNION ALL SELECT line FROM input_error" |
	sort -n >"$T/single-lines"
assert_eq "lines in no shard or in two" "" "$(sort -n "$T/shard-lines" | uniq -d | head -3)"
cmp -s "$T/shard-lines" "$T/single-lines" && ok ||
	fail "the 4 shards' rows are the file's rows ($(wc -l <"$T/shard-lines") and $(wc -l <"$T/single-lines"))"
rows=$(($(wc -l <"$T/targets.csv") - 1))
assert_eq "every row of the file scanned once" "$rows" "$(wc -l <"$T/single-lines")"
for i in 0 1 2 3; do
	q "$T/s$i.db" "SELECT DISTINCT domain FROM target WHERE type <> 'DIR'" | sed "s/\$/ $i/"
done | sort -u | awk '{print $1}' | uniq -d >"$T/split"
assert_eq "a domain's rows split over shards" "" "$(head -3 "$T/split")"
for i in 0 1 2 3; do
	n=$(q "$T/s$i.db" "SELECT count(*) FROM target")
	[ "$n" -gt $((rows / 8)) ] && ok || fail "shard $i has a share of the rows ($n of $rows)"
done
probes_single=$(q "$T/single.db" "SELECT count(*) FROM probe")
probes_shards=0
for i in 0 1 2 3; do
	probes_shards=$((probes_shards + $(q "$T/s$i.db" "SELECT count(*) FROM probe")))
done
echo "probes: one process $probes_single, 4 shards $probes_shards (repeated: $((probes_shards - probes_single)))"

# ---- merge, and the reports compared ----
# norm DB: the JSON report, one line per target, without what differs
# between two scans of the same fleet whoever runs them.
norm() {
	"$F" report --db "$1" --format json | jq -c 'del(.scan) |
		walk(if type == "object" then del(.started, .connect_ms, .handshake_ms, .rtt_ms, .ttl)
		     elif type == "string" then gsub("[0-9]+ bytes received"; "N bytes received")
		     else . end) |
		if .dns then .dns |= (map(if .records then .records |= sort else . end) | sort) else . end' |
		sort
}
md5sum "$T"/s?.db >"$T/shards.md5"
"$F" merge --db "$T/m.db" "$T/s0.db" "$T/s1.db" "$T/s2.db" "$T/s3.db" 2>"$T/merge.err"
assert_eq "merge of 4 shards exits" 0 $?
assert_contains "merge says what it made" "$T/merge.err" "made from 4 shards"
assert_eq "the merged scan" "done" "$(q "$T/m.db" "SELECT status FROM scan")"
assert_eq "merged probes: one per endpoint, as one process" "$probes_single" \
	"$(q "$T/m.db" "SELECT count(*) FROM probe")"
# Every column the single scan filled, the merge filled too: merge_copy.c
# names the columns it copies, so a column a later schema step adds to a
# table a scan owns must be added there, or this fails (the scan's own
# row, the kept verdicts and merge's own table aside).
for table in $(q "$T/single.db" "SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT IN ('scan', 'merge_shard') AND name NOT LIKE 'verdict%'
		AND name NOT LIKE 'sqlite%'"); do
	for col in $(q "$T/single.db" "SELECT name FROM pragma_table_info('$table')"); do
		filled="SELECT count(\"$col\") > 0 FROM \"$table\""
		[ "$(q "$T/single.db" "$filled")" = "$(q "$T/m.db" "$filled")" ] && ok ||
			fail "$table.$col: filled in the single scan, not in the merged one (store/merge_copy.c copies it?)"
	done
done
norm "$T/single.db" >"$T/single.json"
norm "$T/m.db" >"$T/merged.json"
assert_eq "report lines" "$(wc -l <"$T/single.json")" "$(wc -l <"$T/merged.json")"
if cmp -s "$T/single.json" "$T/merged.json"; then ok; else
	diff "$T/single.json" "$T/merged.json" | head -4 | cut -c1-400 >&2
	fail "the merged report equals the single process's"
fi
"$F" report --db "$T/m.db" --format json | jq -e 'select(.incomplete)' >/dev/null &&
	fail "a full merge is not incomplete" || ok

# Idempotent: the same merge again adds nothing.
sqlite3 "$T/m.db" .dump >"$T/m.dump1"
"$F" merge --db "$T/m.db" "$T/s0.db" "$T/s1.db" "$T/s2.db" "$T/s3.db" 2>"$T/merge2.err"
assert_eq "merge again exits" 0 $?
assert_contains "merge again says so" "$T/merge2.err" "nothing to add"
sqlite3 "$T/m.db" .dump >"$T/m.dump2"
cmp -s "$T/m.dump1" "$T/m.dump2" && ok || fail "merging again leaves the output as it was"

# A missing shard: named, the scan failed, and the comparison fails.
"$F" merge --db "$T/m013.db" "$T/s0.db" "$T/s1.db" "$T/s3.db" 2>"$T/m013.err"
assert_eq "merge without shard 2 exits" 1 $?
assert_contains "merge names the missing shard" "$T/m013.err" "shard 2 of 4 missing"
assert_eq "a merged scan without a shard" "failed" "$(q "$T/m013.db" "SELECT status FROM scan")"
"$F" report --db "$T/m013.db" >"$T/m013.txt" 2>&1
assert_contains "the report's heading names it" "$T/m013.txt" \
	"This scan is incomplete: shard 2 of 4 was not merged"
norm "$T/m013.db" >"$T/m013.json"
cmp -s "$T/single.json" "$T/m013.json" && fail "the comparison sees a missing shard" || ok
"$F" diff --db "$T/m013.db" >/dev/null 2>&1
[ $? -ne 0 ] && ok || fail "diff does not take a merged scan missing a shard for a night"

# Atomic: a kill -9 in the middle of a merge's write leaves the output as
# it was. A big shard 2 (its targets repeated, as a file of many times the
# rows would give) makes the write last long enough to be hit.
cp "$T/m013.db" "$T/k.db"
cp "$T/s2.db" "$T/big2.db"
sqlite3 "$T/big2.db" "CREATE TEMP TABLE k AS WITH RECURSIVE k(i) AS (SELECT 1
	UNION ALL SELECT i + 1 FROM k WHERE i < 100) SELECT i FROM k;
	INSERT INTO target (id, scan_id, line, domain, type, port, error_kind, error_reason, complete)
	SELECT t.id + 1000000 * k.i, t.scan_id, t.line + 1000000 * k.i, t.domain, t.type, t.port,
	t.error_kind, t.error_reason, t.complete FROM target t, k WHERE t.id < 1000000;
	INSERT INTO target_probe SELECT tp.target_id + 1000000 * k.i, tp.probe_id, tp.via, tp.srv_name,
	tp.srv_priority, tp.srv_weight FROM target_probe tp, k WHERE tp.target_id < 1000000;
	INSERT INTO target_dns SELECT td.target_id + 1000000 * k.i, td.answer_id
	FROM target_dns td, k WHERE td.target_id < 1000000;" || fail "big2.db"
sqlite3 "$T/k.db" .dump >"$T/k.before"
"$F" merge --db "$T/k.db" "$T/big2.db" 2>"$T/kill.err" &
pid=$!
wait_line "$T/kill.err" "writing the merged scan" || fail "the merge started writing"
sleep 0.2
if kill -0 "$pid" 2>/dev/null && kill -9 "$pid"; then
	wait "$pid"
	assert_eq "the merge was killed by the kill" 137 $?
	assert_not_contains "the merge had not finished" "$T/kill.err" "shards now"
else
	wait "$pid"
	fail "the merge was still writing 0.2 s after it began (make big2.db bigger)"
fi
sqlite3 "$T/k.db" .dump >"$T/k.after"
cmp -s "$T/k.before" "$T/k.after" && ok || fail "a merge killed in its write leaves the output as it was"

# Resumable: 0, 1, 3, then 2 (into the file the kill left) equals all four.
"$F" merge --db "$T/k.db" "$T/s2.db" 2>"$T/resume.err"
assert_eq "merge of the missing shard exits" 0 $?
assert_contains "it is added to the merged scan" "$T/resume.err" "added 1 shard"
assert_eq "the merged scan, complete" "1|done" "$(q "$T/k.db" "SELECT count(*), status FROM scan")"
norm "$T/k.db" >"$T/k.json"
cmp -s "$T/merged.json" "$T/k.json" && ok || fail "0, 1, 3 then 2 equals all four at once"
"$F" merge --db "$T/k.db" "$T/s3.db" "$T/s2.db" "$T/s1.db" "$T/s0.db" 2>/dev/null
assert_eq "all four again after a resume" 0 $?
assert_eq "still one scan" 1 "$(q "$T/k.db" "SELECT count(*) FROM scan")"
md5sum -c --quiet "$T/shards.md5" && ok || fail "merge never changes a shard file"

# ---- small files: auto/N, usage errors, refusals ----
# DIR rows of addresses where nothing listens (refused at once), on
# loopback, and a bad row.
{
	echo "Domain,Type,Port"
	for i in $(seq 1 40); do echo "127.0.0.$i,DIR,1"; done
	echo "bad..name,DIR,5061"
} >"$T/small.csv"
cp "$T/small.csv" "$T/small2.csv"
echo "127.0.0.41,DIR,1" >>"$T/small2.csv"
sc() { "$F" scan "$1" --db "$2" --dns-server 127.0.0.1:1 --timeout 1 --quiet "${@:3}"; }
for i in 0 1 2 3; do sc "$T/small.csv" "$T/t$i.db" --shard "$i/4" 2>/dev/null; done
assert_eq "the small file's rows over 4 shards" 40 \
	"$(for i in 0 1 2 3; do q "$T/t$i.db" "SELECT count(*) FROM target"; done | paste -sd+ | bc)"
assert_eq "a bad row is shard 0's" "1 0 0 0" \
	"$(for i in 0 1 2 3; do q "$T/t$i.db" "SELECT count(*) FROM input_error"; done | paste -sd' ')"
env -u SLURM_ARRAY_TASK_ID JOB_COMPLETION_INDEX=1 "$F" scan "$T/small.csv" --db "$T/auto-k.db" \
	--dns-server 127.0.0.1:1 --timeout 1 --quiet --shard auto/4 2>/dev/null
assert_eq "auto/4 from JOB_COMPLETION_INDEX" "$(q "$T/t1.db" "SELECT group_concat(line) FROM target")" \
	"$(q "$T/auto-k.db" "SELECT group_concat(line) FROM target")"
env -u JOB_COMPLETION_INDEX SLURM_ARRAY_TASK_ID=2 "$F" scan "$T/small.csv" --db "$T/auto-s.db" \
	--dns-server 127.0.0.1:1 --timeout 1 --quiet --shard auto/4 2>/dev/null
assert_eq "auto/4 from SLURM_ARRAY_TASK_ID" "$(q "$T/t2.db" "SELECT group_concat(line) FROM target")" \
	"$(q "$T/auto-s.db" "SELECT group_concat(line) FROM target")"
assert_contains "auto/4 records its index" <(q "$T/auto-s.db" "SELECT options FROM scan") " shard=2/4 input-sha256="
usage() { # usage WHAT EXPECTED-TEXT CMD...
	local what=$1 text=$2
	shift 2
	"$@" >"$T/u.out" 2>"$T/u.err"
	assert_eq "$what: exit" 2 $?
	assert_contains "$what: message" "$T/u.err" "$text"
}
usage "auto/4, no variable" "neither JOB_COMPLETION_INDEX" \
	env -u JOB_COMPLETION_INDEX -u SLURM_ARRAY_TASK_ID "$F" scan "$T/small.csv" --db "$T/u.db" --shard auto/4
usage "auto/4, index 4" 'JOB_COMPLETION_INDEX is "4", not an index from 0 to 3' \
	env JOB_COMPLETION_INDEX=4 "$F" scan "$T/small.csv" --db "$T/u.db" --shard auto/4
usage "auto/4, not a number" 'SLURM_ARRAY_TASK_ID is "x"' \
	env -u JOB_COMPLETION_INDEX SLURM_ARRAY_TASK_ID=x "$F" scan "$T/small.csv" --db "$T/u.db" --shard auto/4
usage "--shard 4/4" "from 0 to 3" "$F" scan "$T/small.csv" --db "$T/u.db" --shard 4/4
usage "--shard 0/4097" "N from 1 to 4096" "$F" scan "$T/small.csv" --db "$T/u.db" --shard 0/4097
[ -e "$T/u.db" ] && fail "a usage error creates no database" || ok
usage "check --shard" "bad option" "$F" check 127.0.0.1:1 --shard 0/2
sc "$T/small.csv" "$T/plain.db" 2>/dev/null
usage "--resume --shard of a scan not sharded" "scan 1 was not sharded" \
	"$F" scan --db "$T/plain.db" --resume --shard 0/2

# A sharded scan resumed goes on with its shard (a kill left its last
# targets incomplete), over the file it began with.
unfinish() {
	q "$1" "UPDATE scan SET status = 'interrupted';
		UPDATE target SET complete = 0 WHERE id IN (SELECT id FROM target ORDER BY id DESC LIMIT 3)"
}
cp "$T/t1.db" "$T/r1.db"
unfinish "$T/r1.db"
usage "--resume --shard of another shard" "scan 1 is shard 1/4, not 2/4" \
	"$F" scan --db "$T/r1.db" --resume --shard 2/4 --dns-server 127.0.0.1:1
"$F" scan --db "$T/r1.db" --resume --dns-server 127.0.0.1:1 --timeout 1 --quiet 2>/dev/null
assert_eq "a sharded scan resumed: exit" 0 $?
assert_eq "a sharded scan resumed keeps its shard" \
	"$(q "$T/t1.db" "SELECT status, group_concat(line) FROM (SELECT line, (SELECT status FROM scan) AS status FROM target ORDER BY line)")" \
	"$(q "$T/r1.db" "SELECT status, group_concat(line) FROM (SELECT line, (SELECT status FROM scan) AS status FROM target ORDER BY line)")"
cp "$T/small.csv" "$T/moving.csv"
sc "$T/moving.csv" "$T/r2.db" --shard 1/4 2>/dev/null
unfinish "$T/r2.db"
echo "127.0.0.99,DIR,1" >>"$T/moving.csv"
"$F" scan --db "$T/r2.db" --resume --dns-server 127.0.0.1:1 --timeout 1 --quiet 2>"$T/r2.err"
assert_eq "a sharded scan of a file that changed, resumed: exit" 1 $?
assert_contains "it says the file changed" "$T/r2.err" "moving.csv changed since scan 1 (shard 1/4) began"

# Refusals: nothing merged, no output file made, each naming both files
# and, for options, the words that differ.
sc "$T/small2.csv" "$T/other-file.db" --shard 1/4 2>/dev/null
sc "$T/small.csv" "$T/other-opts.db" --shard 1/4 --timeout 2 2>/dev/null
sc "$T/small.csv" "$T/other-tries.db" --shard 1/4 --dns-tries 3 2>/dev/null
sc "$T/small.csv" "$T/other-n.db" --shard 1/2 2>/dev/null
# A scan is known by its id and start (whole seconds) in its file: the
# second scan of shard 0 starts a second after the first.
sleep 1
sc "$T/small.csv" "$T/again0.db" --shard 0/4 2>/dev/null
refused() { # refused WHAT EXPECTED-TEXT SHARD.db...
	local what=$1 text=$2
	shift 2
	"$F" merge --db "$T/r.db" "$@" >"$T/r.out" 2>"$T/r.err"
	assert_eq "$what: exit" 2 $?
	assert_contains "$what: message" "$T/r.err" "$text"
	assert_contains "$what: names the first file" "$T/r.err" "$1"
	assert_contains "$what: names the other" "$T/r.err" "${@: -1}"
	if [ -e "$T/r.db" ]; then fail "$what: a refused merge left $T/r.db"; else ok; fi
}
refused "another file" "shards of different targets files" "$T/t0.db" "$T/other-file.db"
refused "other options" '"timeout=1" and "timeout=2"' "$T/t0.db" "$T/other-opts.db"
refused "an option in the middle" '"dns-tries=2" and "dns-tries=3"' "$T/t0.db" "$T/other-tries.db"
refused "another N" "shard 0/4" "$T/t0.db" "$T/other-n.db"
refused "one index twice" "both hold shard 0/4" "$T/t0.db" "$T/t1.db" "$T/again0.db"
"$F" merge --db "$T/r.db" "$T/plain.db" 2>"$T/r.err"
assert_eq "a file without a sharded scan: exit" 2 $?
assert_contains "a file without a sharded scan" "$T/r.err" "no sharded scan in it"
"$F" merge --db "$T/r.db" "$T/nonesuch.db" 2>"$T/r.err"
assert_eq "a missing shard file: exit" 1 $?
assert_contains "a missing shard file is named" "$T/r.err" "$T/nonesuch.db"
# The same shard given twice is merged once.
"$F" merge --db "$T/small-m.db" "$T/t0.db" "$T/t0.db" "$T/t1.db" "$T/t2.db" "$T/t3.db" 2>/dev/null
assert_eq "the same shard twice" "40|1|done" \
	"$(q "$T/small-m.db" "SELECT count(*), (SELECT count(*) FROM input_error), (SELECT status FROM scan) FROM target")"
finish
