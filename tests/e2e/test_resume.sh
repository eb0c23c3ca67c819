#!/usr/bin/env bash
# A scan killed with SIGKILL in the middle is completed by --resume: every
# row ends with exactly one complete target, nothing stored before the kill
# is lost, and no endpoint is probed twice.
. "$E2E_DIR/lib.sh"

make_ca "$T/ca"
make_leaf "$T/ca" leaf sip.example.test "DNS:sip.example.test"
start_tls GOOD 127.0.0.1 "$T/ca/leaf.pem" "$T/ca/leaf.key" "$T/ca/inter.pem" || exit 1
start_fixture silent || exit 1
# Ten quick hosts, then twenty that never answer: each its own endpoint
# (its own SNI), so the kill lands with some stored and some not.
{
	for i in $(seq 1 10); do echo "host-record=ok$i.test,127.0.0.1"; done
	for i in $(seq 1 20); do echo "host-record=slow$i.test,127.0.0.1"; done
} >"$T/dns.conf"
start_dnsmasq "$T/dns.conf" || exit 1
{
	echo "Domain,Type,Port"
	for i in $(seq 1 10); do echo "ok$i.test,DIR,$GOOD"; done
	for i in $(seq 1 20); do echo "slow$i.test,DIR,$FIX_SILENT"; done
	echo "bad..name,DIR,5061"
} >"$T/partners.csv"
DB="$T/audit.db"
ARGS=(--db "$DB" --ca-file "$T/ca/root.pem" --dns-server "$DNS" --quiet)

"$FEDCERT" scan "$T/partners.csv" "${ARGS[@]}" --timeout 2 --concurrency 2 2>/dev/null &
pid=$!
# Wait (bounded) until the quick ones and a couple of slow ones are stored.
for i in $(seq 1 300); do
	n=$(q "$DB" "select count(*) from probe" 2>/dev/null || echo 0)
	[ "${n:-0}" -ge 12 ] && break
	sleep 0.05
done
kill -9 "$pid"
wait "$pid" 2>/dev/null
assert_eq "killed while running" running "$(q "$DB" "select status from scan")"
q "$DB" "select id from probe order by id" >"$T/probes.before"
q "$DB" "select id || ':' || line from target where complete = 1 order by id" >"$T/targets.before"
before=$(wc -l <"$T/probes.before")
[ "$before" -ge 12 ] && [ "$before" -lt 30 ] && ok || fail "the kill should land mid-scan ($before probes stored)"

# Resume, without naming the file: the scan's own is used.
"$FEDCERT" scan "${ARGS[@]}" --resume --timeout 1 --concurrency 20 2>"$T/resume.err"
assert_eq "resume exit code" 0 $?
assert_eq "one scan, done" "1|done" "$(q "$DB" "select count(*) || '|' || max(status) from scan")"
assert_eq "every row once" "30|30" "$(q "$DB" "select count(*) || '|' || count(distinct line) from target")"
assert_eq "every target complete" 0 "$(q "$DB" "select count(*) from target where complete = 0")"
assert_eq "the bad row once" 1 "$(q "$DB" "select count(*) from input_error")"
assert_eq "no endpoint probed twice" "" "$(q "$DB" "select endpoint_id from probe group by endpoint_id having count(*) > 1")"
assert_eq "every endpoint probed" 30 "$(q "$DB" "select count(*) from probe")"
missing=$(q "$DB" "select id from probe order by id" | comm -23 "$T/probes.before" -)
assert_eq "no probe stored before the kill is lost" "" "$missing"
missing=$(q "$DB" "select id || ':' || line from target where complete = 1 order by id" | comm -23 "$T/targets.before" -)
assert_eq "no complete target stored before the kill is lost" "" "$missing"
assert_eq "every target reached its probe" 0 \
	"$(q "$DB" "select count(*) from target t where not exists (select 1 from target_probe tp where tp.target_id = t.id)")"

"$FEDCERT" scan "${ARGS[@]}" --resume 2>"$T/err"
assert_eq "a done scan cannot be resumed" 1 $?
assert_contains "and says so" "$T/err" "nothing to resume"
"$FEDCERT" scan "${ARGS[@]}" --resume 99 2>"$T/err"
assert_eq "no such scan" 1 $?

finish
