#!/usr/bin/env bash
# The nightly audit exactly as shipped (dist/nightly/fedcert-nightly, run
# by the example systemd service and cron line), night after night over a
# local federation that changes: each night's exit code, files and
# summary line, the diff against the night before, pruning, and the
# nights that must not look like all clear (an expired partner, a broken
# export, a missing partner list).
. "$E2E_DIR/lib.sh"

NIGHTLY="$FEDCERT_SOURCE_DIR/dist/nightly/fedcert-nightly"

CA="$T/ca"
make_ca "$CA"
issue "$CA" a sip.a.test ec sha256 "$(days_from -10)" "$(days_from 300)" "${GOOD_EXT[@]}" \
	"subjectAltName = DNS:sip.a.test" || exit 1
issue "$CA" b sip.b.test ec sha256 "$(days_from -10)" "$(days_from 300)" "${GOOD_EXT[@]}" \
	"subjectAltName = DNS:sip.b.test" || exit 1
issue "$CA" b_expired sip.b.test ec sha256 "$(days_from -100)" "$(days_from -3)" "${GOOD_EXT[@]}" \
	"subjectAltName = DNS:sip.b.test" || exit 1
issue "$CA" b_renewed sip.b.test ec sha256 "$(days_from -1)" "$(days_from 200)" "${GOOD_EXT[@]}" \
	"subjectAltName = DNS:sip.b.test" || exit 1

start_tls A 127.0.0.1 "$CA/a.pem" "$CA/a.key" "$CA/inter.pem" || exit 1
start_tls B 127.0.0.1 "$CA/b.pem" "$CA/b.key" "$CA/inter.pem" || exit 1
B_PID=${PIDS[-1]}
cat >"$T/dns.conf" <<EOF
srv-host=_sipfederationtls._tcp.a.test,sip.a.test,$A,0,100
srv-host=_sipfederationtls._tcp.b.test,sip.b.test,$B,0,100
host-record=sip.a.test,127.0.0.1
host-record=sip.b.test,127.0.0.1
EOF
start_dnsmasq "$T/dns.conf" || exit 1

# b.test's Edge presents CERT from now on (the same port, a new server).
b_presents() {
	stop_pid "$B_PID"
	start_tls B "127.0.0.1:$B" "$CA/$1.pem" "$CA/$1.key" "$CA/inter.pem" || exit 1
	B_PID=${PIDS[-1]}
}

STATE="$T/state"
cat >"$T/nightly.conf" <<EOF
FEDCERT=$FEDCERT
TARGETS=$T/partners.csv
STATE_DIR=$STATE
SCAN_OPTIONS=(--ca-file "$CA/root.pem" --dns-server "$DNS" --timeout 3)
KEEP=2
EOF
printf 'Domain,Type,Port\na.test,FED,\nb.test,FED,\n' >"$T/partners.csv"

# night N: runs the job; sets RC and OUT (the night's folder), and keeps
# its standard output in $T/night.N.
night() {
	"$NIGHTLY" "$T/nightly.conf" >"$T/night.$1" 2>"$T/night.$1.err"
	RC=$?
	OUT=$(readlink -f "$STATE/reports/latest")
}

# ---- Night 1: all clear. -------------------------------------------------
night 1
assert_eq "night 1: exit 0" 0 "$RC"
assert_contains "night 1: the summary line" "$T/night.1" "exit 0; scan 1: 2 targets, 2 endpoints probed, 0 failed, 0 rows rejected"
assert_contains "night 1: and the report's totals" "$T/night.1" "2 targets shown: 2 PASS; the scan probed 2 endpoints, 0 failed"
for f in scan.log report.txt report.jsonl diff.txt expiring.txt expiring.csv compliance.csv prune.txt; do
	[ -s "$OUT/$f" ] && ok || fail "night 1: $f is missing or empty"
done
assert_eq "night 1: the database" "$STATE/audit.db" "$(ls "$STATE"/*.db)"
assert_eq "night 1: report.jsonl, a line per partner" 2 "$(wc -l <"$OUT/report.jsonl")"
assert_contains "night 1: diff on the first night" "$OUT/diff.txt" "nothing to compare yet"
assert_contains "night 1: nothing expires" "$OUT/expiring.txt" "0 expire"
assert_eq "night 1: compliance, a row per partner" "3|PASS PASS" \
	"$(wc -l <"$OUT/compliance.csv")|$(tail -n +2 "$OUT/compliance.csv" | cut -d, -f5 | tr -d '"' | paste -sd' ')"
NIGHT1=$OUT

# ---- Night 2: b.test's certificate has expired. --------------------------
b_presents b_expired
night 2
assert_eq "night 2: exit 3, an alert" 3 "$RC"
assert_contains "night 2: the summary says what alerted" "$T/night.2" "exit 3 (report: alert, expiring: alert)"
assert_contains "night 2: the report" "$OUT/report.txt" "[error] expired:"
assert_contains "night 2: diff: b.test rotated" "$OUT/diff.txt" "rotated"
assert_contains "night 2: diff: expired appeared" "$OUT/diff.txt" "expired"
assert_eq "night 2: expiring lists b.test's expired leaf, only" 1 \
	"$(python3 -c 'import csv, sys
print(sum(1 for r in csv.DictReader(open(sys.argv[1], newline=""))
          if r["domain"] == "b.test" and r["type"] == "FED" and r["role"] == "leaf"
          and int(r["days_left"]) < 0))' "$OUT/expiring.csv")"
assert_eq "night 2: and nothing else" 2 "$(wc -l <"$OUT/expiring.csv")"
[ "$OUT" != "$NIGHT1" ] && [ -d "$NIGHT1" ] && ok || fail "night 2: its own folder, night 1's kept"

# ---- Night 3: renewed, but the export broke a row. -------------------------
b_presents b_renewed
printf 'Domain,Type,Port\na.test,FED,\nb.test,FED,\nc.test,FEDERATION,\n' >"$T/partners.csv"
night 3
assert_eq "night 3: exit 4, rows rejected" 4 "$RC"
assert_contains "night 3: the summary names it" "$T/night.3" "rows of $T/partners.csv rejected"
assert_contains "night 3: scan.log names the row" "$OUT/scan.log" "partners.csv:4: unknown type"
assert_contains "night 3: the rejected row is in the report" "$OUT/report.txt" "FEDERATION"
assert_contains "night 3: diff: b.test's expired cleared" "$OUT/diff.txt" "finding cleared: b.test"
assert_eq "night 3: pruned to the newest 2 scans" "2|3" "$(q "$STATE/audit.db" "select group_concat(id, '|') from scan")"
assert_eq "night 3: and to 2 report folders" 2 "$(ls -d "$STATE"/reports/????-??-??T* | wc -l)"
[ ! -d "$NIGHT1" ] && ok || fail "night 3: night 1's folder was not pruned"

# ---- A night whose partner list is missing: broken, and it says so. --------
mv "$T/partners.csv" "$T/partners.csv.away"
night 4
assert_eq "night 4: exit 1" 1 "$RC"
assert_contains "night 4: says the scan failed" "$T/night.4" "the scan failed (exit 1); nothing else was done"
assert_contains "night 4: scan.log names the file" "$OUT/scan.log" "partners.csv"
[ ! -e "$OUT/report.txt" ] && ok || fail "night 4: a report was written for a scan that did not run"
assert_eq "night 4: the database is as night 3 left it" "2|3" "$(q "$STATE/audit.db" "select group_concat(id, '|') from scan")"
mv "$T/partners.csv.away" "$T/partners.csv"

# A CONF that is not there is an error, not a night with the defaults.
"$NIGHTLY" "$T/no-such.conf" >/dev/null 2>"$T/err"
assert_eq "missing CONF: exit 1" 1 $?
assert_contains "missing CONF: named" "$T/err" "no-such.conf: no such file"

# The examples name the script where it is installed, and the settings
# file it reads.
assert_contains "the service runs the job" "$FEDCERT_SOURCE_DIR/dist/nightly/fedcert-nightly.service.in" \
	"ExecStart=@FEDCERT_LIBEXECDIR@/fedcert-nightly /etc/fedcert/nightly.conf"
assert_contains "the cron line runs the job" "$FEDCERT_SOURCE_DIR/dist/nightly/fedcert-nightly.cron.in" \
	"@FEDCERT_LIBEXECDIR@/fedcert-nightly /etc/fedcert/nightly.conf"
bash -n "$FEDCERT_SOURCE_DIR/dist/nightly/nightly.conf" && ok || fail "nightly.conf is not bash"

finish
