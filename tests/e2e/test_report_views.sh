#!/usr/bin/env bash
# The report's views of one real scan for an administrator of many
# partners: the totals it opens with, --summary (a line per target, worst
# first), the target filters (--status, --finding, --domain) in every
# format, --by-finding, pool members alike collapsed into one block, the
# rejected rows accounted for, the counts `fedcert scans` agrees with,
# options that do not go with the format refused by name, and -o written
# whole or not at all.
. "$E2E_DIR/lib.sh"

CA="$T/ca"
make_ca "$CA"
past=$(days_from -30); later=$(days_from 90)
issue "$CA" good sip.good.test ec sha256 "$past" "$later" "${GOOD_EXT[@]}" \
	"subjectAltName = DNS:sip.good.test"
# Expired 3 days and 12 hours ago (not 3 days to the second: a report in
# the certificate's own second would count -3, the next second -4).
issue "$CA" expired sip.expired.test ec sha256 "$(days_from -100)" \
	"$(date -u -d '-3 days -12 hours' +%Y%m%d%H%M%SZ)" \
	"${GOOD_EXT[@]}" "subjectAltName = DNS:sip.expired.test"
issue "$CA" soon sip.soon.test ec sha256 "$past" "$(days_from 10)" \
	"${GOOD_EXT[@]}" "subjectAltName = DNS:sip.soon.test"
issue "$CA" pool sip.pool.test ec sha256 "$past" "$later" "${GOOD_EXT[@]}" \
	"subjectAltName = DNS:sip.pool.test"
start_tls GOOD 127.0.0.1 "$CA/good.pem" "$CA/good.key" "$CA/inter.pem" || exit 1
start_tls EXPIRED 127.0.0.1 "$CA/expired.pem" "$CA/expired.key" "$CA/inter.pem" || exit 1
start_tls SOON 127.0.0.1 "$CA/soon.pem" "$CA/soon.key" "$CA/inter.pem" || exit 1
# A pool of three members presenting one certificate: one port, three
# loopback addresses.
start_tls POOL 127.0.0.1 "$CA/pool.pem" "$CA/pool.key" "$CA/inter.pem" || exit 1
start_tls P2 "127.0.0.2:$POOL" "$CA/pool.pem" "$CA/pool.key" "$CA/inter.pem" || exit 1
start_tls P3 "127.0.0.3:$POOL" "$CA/pool.pem" "$CA/pool.key" "$CA/inter.pem" || exit 1
cat >"$T/dns.conf" <<CONF
srv-host=_sipfederationtls._tcp.good.test,sip.good.test,$GOOD,0,100
host-record=sip.good.test,127.0.0.1
srv-host=_sipfederationtls._tcp.expired.test,sip.expired.test,$EXPIRED,0,100
host-record=sip.expired.test,127.0.0.1
srv-host=_sipfederationtls._tcp.soon.test,sip.soon.test,$SOON,0,100
host-record=sip.soon.test,127.0.0.1
srv-host=_sipfederationtls._tcp.pool.test,sip.pool.test,$POOL,0,100
host-record=sip.pool.test,127.0.0.1
host-record=sip.pool.test,127.0.0.2
host-record=sip.pool.test,127.0.0.3
CONF
start_dnsmasq "$T/dns.conf" || exit 1
# Line 4 is rejected (an unknown type): it must still be accounted for.
printf 'Domain,Type,Port\ngood.test,FED,\nexpired.test,FED,\nbroken.test,BOGUS,\nsoon.test,FED,\npool.test,FED,\n' \
	>"$T/partners.csv"
DB="$T/audit.db"
"$FEDCERT" scan "$T/partners.csv" --db "$DB" --ca-file "$CA/root.pem" --dns-server "$DNS" \
	--ipv4-only --quiet
assert_eq "scan" 0 $?
R=("$FEDCERT" report --db "$DB" --ca-file "$CA/root.pem")

# ---- The text report opens with the totals -----------------------------
"${R[@]}" >"$T/report.txt"
assert_eq "text report" 0 $?
head -n 6 "$T/report.txt" >"$T/head.txt"
assert_contains "targets by status, worst first, at the top" "$T/head.txt" \
	"Targets: 5 (1 FAIL, 1 INPUT_ERROR, 1 WARN, 2 PASS)"
assert_contains "findings by targets at the top" "$T/head.txt" "expired 1 (error)"
assert_contains "expires_soon counted" "$T/head.txt" "expires_soon 1 (warning)"
assert_not_contains "info findings are not problems in the totals" "$T/head.txt" "name_match"
assert_contains "the rejected row is listed" "$T/report.txt" "partners.csv:4:"

# `scans` and the report count the scan's endpoints alike.
"$FEDCERT" scans --db "$DB" --format json >"$T/scans.jsonl"
ep=$(jq -r '.endpoints' "$T/scans.jsonl")
epf=$(jq -r '.endpoints_failed' "$T/scans.jsonl")
assert_eq "six endpoints (three pool members)" 6 "$ep"
assert_contains "report's endpoints = scans'" "$T/head.txt" "Endpoints: $ep probed, $epf failed"
assert_contains "closing line, same counts" "$T/report.txt" "the scan probed $ep endpoints, $epf failed"

# ---- Pool members alike share one block --------------------------------
assert_eq "one block for the pool of three" 1 \
	"$(grep -c "^Checking IP Address: 127.0.0.[123]:$POOL" "$T/report.txt")"
assert_contains "the block names the other members" "$T/report.txt" \
	"Same chain and result: 127.0.0.2:$POOL, 127.0.0.3:$POOL (3 pool members in this block)"
# Judged against another root, every member fails alike: still one block.
make_ca_named "$T/other" "Other"
"$FEDCERT" report --db "$DB" --ca-file "$T/other/root.pem" >"$T/untrusted.txt" 2>&1
assert_contains "judged against the other root" "$T/untrusted.txt" "untrusted_chain"
assert_eq "alike when failing alike" 1 \
	"$(grep -c "^Checking IP Address: 127.0.0.[123]:$POOL" "$T/untrusted.txt")"

# ---- --summary: one line per target, worst first -----------------------
"${R[@]}" --summary >"$T/summary.txt"
assert_eq "summary" 0 $?
sed -n '/^STATUS /,$p' "$T/summary.txt" | sed '1d;/^$/,$d' | awk '{print $1, $2}' >"$T/order.txt"
assert_eq "worst first" "FAIL expired.test|INPUT_ERROR broken.test|WARN soon.test|PASS good.test|PASS pool.test" \
	"$(paste -sd'|' "$T/order.txt")"
assert_contains "the worst finding with its reason" "$T/summary.txt" "expired: the leaf"
assert_contains "the rejected row's reason" "$T/summary.txt" "input error:"
assert_contains "pool: 3 endpoints answered of 3" "$T/summary.txt" "3/3"
assert_contains "totals in the summary too" "$T/summary.txt" "Targets: 5 (1 FAIL"
lines=$(wc -l <"$T/summary.txt")
[ "$lines" -lt 20 ] && ok || fail "summary of 5 targets is $lines lines"

# days_left: one number for one certificate, the summary's and expiring's.
sum_days=$(awk '$1 == "FAIL" && $2 == "expired.test" {print $6}' "$T/summary.txt")
"$FEDCERT" expiring --db "$DB" --within 30d --format json >"$T/exp.jsonl"
exp_days=$(jq -r 'select(.domain == "expired.test") | .days_left' "$T/exp.jsonl")
# It expired 3 days and 12 hours ago: floor(-3.5) is -4, as expiry
# monitors count (the first day after expiry is -1).
assert_eq "days_left of the expired leaf" -4 "$sum_days"
assert_eq "summary and expiring agree" "$sum_days" "$exp_days"
assert_contains "the finding says the same number" "$T/report.txt" "(days left: -4)"

# ---- Target filters, in every format and view --------------------------
"${R[@]}" --summary --status fail >"$T/f1.txt"
assert_contains "--status FAIL keeps the failing" "$T/f1.txt" "expired.test"
assert_not_contains "--status FAIL drops the others" "$T/f1.txt" "good.test"
assert_contains "says how many of the scan's" "$T/f1.txt" "Targets: 1 shown of 5"
"${R[@]}" --format json --status WARN,FAIL >"$T/f2.jsonl"
assert_eq "--status WARN,FAIL in JSON" "expired.test soon.test" \
	"$(jq -r 'select(.domain) | .domain' "$T/f2.jsonl" | sort | paste -sd' ')"
"${R[@]}" --format csv --finding expires_soon -o "$T/f3.csv"
assert_eq "--finding in CSV: one data row" 2 "$(wc -l <"$T/f3.csv")"
assert_contains "--finding: the target with it" "$T/f3.csv" "soon.test"
"${R[@]}" --domain 'P*.TEST' >"$T/f4.txt"
assert_contains "--domain, any case" "$T/f4.txt" "Target: pool.test"
assert_not_contains "--domain leaves the others out" "$T/f4.txt" "Target: good.test"
"${R[@]}" --format json --status INPUT_ERROR >"$T/f5.jsonl"
assert_eq "--status INPUT_ERROR: the rejected row alone" "INPUT_ERROR 4" \
	"$(jq -r '"\(.status) \(.line)"' "$T/f5.jsonl" | paste -sd' ')"
"${R[@]}" --format csv -o "$T/all.csv"
assert_contains "the rejected row in the CSV" "$T/all.csv" "INPUT_ERROR"
"${R[@]}" --compliance --status FAIL,INPUT_ERROR -o "$T/f6.csv"
python3 - "$T/f6.csv" <<'PY' && ok || fail "--status in the compliance report"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")))
got = sorted((r["status"], r["domain"], r["line"]) for r in rows)
assert got == [("FAIL", "expired.test", "3"), ("INPUT_ERROR", "", "4")], got
PY
"${R[@]}" --compliance --format json --domain 'soon.*' >"$T/f7.jsonl"
assert_eq "--domain in the compliance report" "soon.test" "$(jq -r '.domain' "$T/f7.jsonl")"
# --fail-on looks at the targets shown only.
"${R[@]}" --status PASS --fail-on error >/dev/null
assert_eq "--fail-on with only passing targets shown" 0 $?
"${R[@]}" --status FAIL --fail-on error >/dev/null
assert_eq "--fail-on with the failing one shown" 3 $?
"${R[@]}" --status MAYBE >/dev/null 2>"$T/err"
assert_eq "--status MAYBE" 2 $?
assert_contains "names the value" "$T/err" "MAYBE"
"${R[@]}" --finding no_such_id >/dev/null 2>"$T/err"
assert_eq "--finding no_such_id" 2 $?

# Info findings join the CSV's problem list only when asked for.
python3 - "$T/all.csv" <<'PY' && ok || fail "name_match in finding_ids by default"
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig"))]
sys.exit(any("name_match" in (r.get("finding_ids") or "") for r in rows))
PY
"${R[@]}" --format csv --min-severity info -o "$T/info.csv"
assert_contains "--min-severity info brings them back" "$T/info.csv" "name_match"

# ---- --by-finding: the auditor's pivot ---------------------------------
"${R[@]}" --by-finding --format csv -o "$T/pivot.csv"
assert_eq "by-finding csv" 0 $?
python3 - "$T/pivot.csv" <<'PY' && ok || fail "by-finding rows"
import csv, sys
rows = {r["finding_id"]: r for r in csv.DictReader(open(sys.argv[1]))}
assert rows["expired"]["severity"] == "error", rows
assert rows["expired"]["targets"] == "1"
assert rows["expired"]["domains"] == "expired.test (FED)", rows["expired"]
assert rows["expires_soon"]["domains"] == "soon.test (FED)"
assert "name_match" not in rows
PY
"${R[@]}" --by-finding --format json >"$T/pivot.jsonl"
assert_eq "by-finding json" "expired.test" \
	"$(jq -r 'select(.finding_id == "expired") | .domains[].domain' "$T/pivot.jsonl")"
"${R[@]}" --by-finding >"$T/pivot.txt"
assert_contains "by-finding text" "$T/pivot.txt" "expired (error): 1 target"

# ---- Options that do not go with the format: usage errors --------------
usage() {
	local want=$1; shift
	"$@" >/dev/null 2>"$T/err"
	assert_eq "usage: $*" 2 $?
	assert_contains "names $want: $*" "$T/err" "$want"
}
usage --chain "${R[@]}" --chain --format json
usage --advanced "${R[@]}" --advanced --format csv
usage --advanced "${R[@]}" --advanced --summary
usage --summary "${R[@]}" --summary --format csv
usage --bom "${R[@]}" --bom --format json
usage --by-finding "${R[@]}" --summary --by-finding
usage --per-endpoint "${R[@]}" --per-endpoint --format json
usage --per-endpoint "${R[@]}" --by-finding --per-endpoint --format csv
usage --compliance "${R[@]}" --compliance --summary
usage --by-finding "${R[@]}" --by-finding --format prometheus
usage --compliance "${R[@]}" --compliance --format text
usage --chain "$FEDCERT" inspect "$CA/good.pem" --chain --format json
usage --bom "$FEDCERT" expiring --db "$DB" --bom
usage prometheus "$FEDCERT" expiring --db "$DB" --format prometheus

# ---- -o: the whole report or the file left as it was -------------------
echo "yesterday's report" >"$T/keep.txt"
"${R[@]}" --scan 999 -o "$T/keep.txt" 2>/dev/null
assert_eq "a failed report" 1 $?
assert_eq "leaves the file as it was" "yesterday's report" "$(cat "$T/keep.txt")"
"${R[@]}" --summary -o "$T/keep.txt"
assert_contains "a good one replaces it" "$T/keep.txt" "STATUS"
assert_eq "no temporary file left behind" "" "$(ls "$T" | grep 'keep.txt.tmp' || true)"
# Not a file (a pipe here; /dev/null alike): written to where it is, never
# replaced by a file renamed over it.
mkfifo "$T/pipe"
timeout 20 cat "$T/pipe" >"$T/from-pipe" &
reader=$!
"${R[@]}" --summary -o "$T/pipe"
assert_eq "-o a pipe" 0 $?
wait "$reader"
[ -p "$T/pipe" ] && ok || fail "-o a pipe: it is a pipe still"
assert_contains "-o a pipe: the report went through it" "$T/from-pipe" "STATUS"

finish
