#!/usr/bin/env bash
# Ctrl-C stops a scan cleanly: what was probed is committed, what was in
# flight is abandoned, the scan is marked interrupted, and fedcert exits 1
# at once rather than at the end of its timeouts.
. "$E2E_DIR/lib.sh"

make_ca "$T/ca"
make_leaf "$T/ca" leaf sip.example.test "DNS:sip.example.test"
start_tls GOOD 127.0.0.1 "$T/ca/leaf.pem" "$T/ca/leaf.key" "$T/ca/inter.pem" || exit 1
start_fixture silent || exit 1
: >"$T/dns.conf"
start_dnsmasq "$T/dns.conf" || exit 1

cat >"$T/partners.csv" <<CSV
Domain,Type,Port
127.0.0.1,DIR,$GOOD
127.0.0.1,DIR,$FIX_SILENT
CSV
DB="$T/audit.db"
start=$(date +%s)
"$FEDCERT" scan "$T/partners.csv" --db "$DB" --ca-file "$T/ca/root.pem" \
	--dns-server "$DNS" --timeout 60 2>"$T/scan.err" &
pid=$!

# Wait (bounded) until the good probe is committed; the silent one is then
# in flight for up to 60 s.
wait_db "$DB" "select count(*) from probe" 1
kill -INT "$pid"
wait "$pid"
assert_eq "exit code of an interrupted scan" 1 $?
elapsed=$(($(date +%s) - start))
[ "$elapsed" -lt 30 ] && ok || fail "the interrupt waited for the timeout (${elapsed}s)"
assert_contains "says so" "$T/scan.err" "interrupted"
assert_eq "scan marked interrupted" "interrupted|1" "$(q "$DB" "select status || '|' || (finished is not null) from scan")"
assert_eq "the finished probe is kept" "1|" "$(q "$DB" "select count(*) || '|' || coalesce(max(p.error_kind), '') from probe p")"
assert_eq "both targets recorded" 2 "$(q "$DB" "select count(*) from target")"
"$FEDCERT" report --db "$DB" >"$T/report.txt"
assert_eq "an interrupted scan is still reported" 0 $?
assert_contains "report says interrupted" "$T/report.txt" "interrupted"
# The target that was in flight was never judged: it must not pass.
"$FEDCERT" report --db "$DB" --format json >"$T/report.jsonl"
assert_eq "the abandoned target is not_probed, not PASS" "WARN not_probed" \
	"$(jq -r 'select(.line == 3) | .status + " " + (.findings | map(.id) | join(","))' "$T/report.jsonl")"

finish
