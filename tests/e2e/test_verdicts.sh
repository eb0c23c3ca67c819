#!/usr/bin/env bash
# Kept verdicts end to end: a scan keeps its judgement beside its facts,
# and every command that reads it says exactly what judging afresh says
# (text, --summary, JSON, CSV, --per-endpoint, --by-finding, Prometheus,
# --compliance, scans, scans --trend, diff), target for target. The kept
# verdicts are really read (a kept message changed in the file shows,
# until `fedcert judge` puts it right); options that judge otherwise
# (--ca-file, --warn-days) and verdicts of another judge are not used and
# the command says so; `fedcert judge` fills scans that have none;
# prune removes what no scan keeps; reading never writes.
. "$E2E_DIR/lib.sh"

CA="$T/ca"
make_ca "$CA"
past=$(days_from -30); later=$(days_from 200)
issue "$CA" good sip.good.test ec sha256 "$past" "$later" "${GOOD_EXT[@]}" \
	"subjectAltName = DNS:sip.good.test"
issue "$CA" good2 sip.good.test ec sha256 "$past" "$(days_from 300)" "${GOOD_EXT[@]}" \
	"subjectAltName = DNS:sip.good.test"
# Expired 3 days and 12 hours ago: a kept "days left" holds until the
# count changes, 12 hours off. Expired 3 days to the second, it held one
# second (the count says -4 from the next), and a report in the next
# second judged afresh: the test failed when the certificate was made in
# the scan's very second.
issue "$CA" expired sip.expired.test ec sha256 "$(days_from -100)" \
	"$(date -u -d '-3 days -12 hours' +%Y%m%d%H%M%SZ)" \
	"${GOOD_EXT[@]}" "subjectAltName = DNS:sip.expired.test"
issue "$CA" soon sip.soon.test ec sha256 "$past" "$(days_from 45)" \
	"${GOOD_EXT[@]}" "subjectAltName = DNS:sip.soon.test"
issue "$CA" pool sip.pool.test ec sha256 "$past" "$later" "${GOOD_EXT[@]}" \
	"subjectAltName = DNS:sip.pool.test"
issue "$CA" other sip.other.test ec sha256 "$past" "$later" "${GOOD_EXT[@]}" \
	"subjectAltName = DNS:sip.other.test"
start_tls GOOD 127.0.0.1 "$CA/good.pem" "$CA/good.key" "$CA/inter.pem" || exit 1
PID_GOOD=${PIDS[-1]}
start_tls EXPIRED 127.0.0.1 "$CA/expired.pem" "$CA/expired.key" "$CA/inter.pem" || exit 1
start_tls SOON 127.0.0.1 "$CA/soon.pem" "$CA/soon.key" "$CA/inter.pem" || exit 1
# A pool: two members alike, one with a certificate for another name.
start_tls POOL 127.0.0.1 "$CA/pool.pem" "$CA/pool.key" "$CA/inter.pem" || exit 1
start_tls P2 "127.0.0.2:$POOL" "$CA/pool.pem" "$CA/pool.key" "$CA/inter.pem" || exit 1
start_tls P3 "127.0.0.3:$POOL" "$CA/other.pem" "$CA/other.key" "$CA/inter.pem" || exit 1
cat >"$T/dns.conf" <<CONF
srv-host=_sipfederationtls._tcp.good.test,sip.good.test,$GOOD,0,100
host-record=sip.good.test,127.0.0.1
srv-host=_sipfederationtls._tcp.expired.test,sip.expired.test,$EXPIRED,0,100
host-record=sip.expired.test,127.0.0.1
srv-host=_sipfederationtls._tcp.soon.test,sip.soon.test,$SOON,0,100
host-record=sip.soon.test,127.0.0.1
srv-host=_sipfederationtls._tcp.pool.test,sip.pool.test,$POOL,0,100
srv-host=_sipfederationtls._tcp.pool2.test,sip.pool.test,$POOL,0,100
host-record=sip.pool.test,127.0.0.1
host-record=sip.pool.test,127.0.0.2
host-record=sip.pool.test,127.0.0.3
CONF
start_dnsmasq "$T/dns.conf" || exit 1
printf 'Domain,Type,Port\ngood.test,FED,\nexpired.test,FED,\nbroken.test,BOGUS,\nsoon.test,FED,\npool.test,FED,\npool2.test,FED,\nnothing.test,FED,\nsip.good.test,DIR,%s\n' \
	"$GOOD" >"$T/partners.csv"
DB="$T/audit.db"
scan() {
	"$FEDCERT" scan "$T/partners.csv" --db "$DB" --ca-file "$CA/root.pem" \
		--dns-server "$DNS" --ipv4-only --quiet 2>"$T/scan.err"
	assert_eq "scan $1" 0 $?
	assert_not_contains "scan $1 keeps its verdicts" "$T/scan.err" "verdicts"
}
scan 1
# Night 2: good.test rotates its certificate.
stop_pid "$PID_GOOD"
start_tls GOOD2 "127.0.0.1:$GOOD" "$CA/good2.pem" "$CA/good2.key" "$CA/inter.pem" || exit 1
scan 2

# ---- Kept when the scan ended ---------------------------------------------
assert_eq "each scan has its verdicts" "2" "$(q "$DB" "SELECT count(*) FROM verdict_scan")"
assert_eq "one verdict per target" "$(q "$DB" "SELECT count(*) FROM target")" \
	"$(q "$DB" "SELECT count(*) FROM verdict_target")"
assert_eq "kept as fedcert's judge" "recorded|30" \
	"$(q "$DB" "SELECT DISTINCT trust || '|' || warn_days FROM verdict_scan")"

# ---- Read, or judged afresh: the same, target for target -----------------
same() { # NAME ARGS...: the output with kept verdicts and judged afresh
	local name=$1; shift
	"$FEDCERT" "$@" >"$T/kept.out" 2>"$T/kept.err"
	local a=$?
	"$FEDCERT" "$@" --judge-afresh >"$T/afresh.out" 2>"$T/afresh.err"
	local b=$?
	assert_eq "$name: exit codes" "$b" "$a"
	# The report's own time (Prometheus) is the only line that may differ.
	if cmp -s <(grep -v '_report_timestamp_seconds ' "$T/kept.out") \
		<(grep -v '_report_timestamp_seconds ' "$T/afresh.out"); then
		ok
	else
		fail "$name: kept and afresh differ"
		diff "$T/kept.out" "$T/afresh.out" | head -5 >&2
	fi
	[ -s "$T/kept.out" ] && ok || fail "$name: printed nothing"
	assert_eq "$name: no note when the verdicts apply" "" "$(cat "$T/kept.err")"
}
R=(report --db "$DB")
same "text" "${R[@]}"
same "text --advanced --chain" "${R[@]}" --advanced --chain
same "summary" "${R[@]}" --summary
same "by-finding" "${R[@]}" --by-finding --format json
same "json" "${R[@]}" --format json
same "csv" "${R[@]}" --format csv
same "per-endpoint" "${R[@]}" --format csv --per-endpoint
same "prometheus" "${R[@]}" --format prometheus
same "compliance" "${R[@]}" --compliance
same "compliance json" "${R[@]}" --compliance --format json
same "older scan" "${R[@]}" --scan 1 --format json
same "filtered" "${R[@]}" --status FAIL --min-severity info --format json
same "scans" scans --db "$DB"
same "scans json" scans --db "$DB" --format json
same "trend" scans --db "$DB" --trend
same "trend csv" scans --db "$DB" --trend --format csv
same "trend json" scans --db "$DB" --trend --format json
same "diff" diff --db "$DB"
same "diff json" diff --db "$DB" --format json

# The trend says what the nights were.
"$FEDCERT" scans --db "$DB" --trend --format json >"$T/trend.json"
assert_eq "trend: one object per scan" "2" "$(jq -c 'select(.kind == "scan")' "$T/trend.json" | wc -l)"
assert_eq "trend: expired counted each night" "1 1" \
	"$(jq -r 'select(.kind == "scan") | .error_findings.expired' "$T/trend.json" | xargs)"
assert_eq "trend: expired first and last seen" "1 2 2" \
	"$(jq -r 'select(.finding == "expired") | "\(.first_scan) \(.last_scan) \(.scans)"' "$T/trend.json")"
assert_eq "trend: statuses add up to the targets" "true true" \
	"$(jq -r 'select(.kind == "scan") | (.status_counts.PASS + .status_counts.WARN + .status_counts.FAIL == .targets)' "$T/trend.json" | xargs)"
"$FEDCERT" scans --db "$DB" --trend --format csv >"$T/trend.csv"
assert_eq "trend csv: header" '"scan","started","targets","PASS","WARN","FAIL"' \
	"$(head -1 "$T/trend.csv" | cut -d, -f1-6)"
"$FEDCERT" scans --db "$DB" --format csv >/dev/null 2>"$T/err"
assert_eq "csv without --trend is a usage error" 2 $?

# ---- The kept verdicts are what is read -----------------------------------
# Change a kept message in the file: the report shows it, judged afresh
# does not; `fedcert judge --scan 2` puts it right.
sqlite3 "$DB" "UPDATE verdict_findings SET findings = CAST(replace(CAST(findings AS TEXT), 'expired on', 'EXPIRED ON') AS BLOB)"
"$FEDCERT" report --db "$DB" >"$T/tampered.txt" 2>"$T/tampered.err"
assert_contains "the kept message is read" "$T/tampered.txt" "EXPIRED ON"
# (Seen once under load, not reproduced: what the report said of it.)
grep -qF "EXPIRED ON" "$T/tampered.txt" ||
	{ echo "the report said on stderr:"; cat "$T/tampered.err"; "$FEDCERT" scans --db "$DB"; } >&2
"$FEDCERT" report --db "$DB" --judge-afresh >"$T/afresh.txt"
assert_not_contains "afresh judges" "$T/afresh.txt" "EXPIRED ON"
"$FEDCERT" judge --db "$DB" --scan 2 >"$T/judge.out"
assert_eq "judge --scan" 0 $?
assert_contains "judge says what it judged" "$T/judge.out" "scan 2: 7 targets judged"
"$FEDCERT" report --db "$DB" >"$T/fixed.txt"
assert_not_contains "judged again" "$T/fixed.txt" "EXPIRED ON"

# ---- Options that judge otherwise, another judge: afresh, and said ------
"$FEDCERT" report --db "$DB" --ca-file "$CA/root.pem" >/dev/null 2>"$T/err"
assert_contains "--ca-file judges afresh and says so" "$T/err" "judged afresh"
assert_contains "... and why" "$T/err" "--ca-file"
"$FEDCERT" report --db "$DB" --warn-days 60 --format json >"$T/w60.json" 2>"$T/err"
assert_contains "--warn-days judges afresh and says so" "$T/err" "--warn-days 30"
assert_eq "--warn-days 60 is judged with 60 days" "1" \
	"$(jq -r 'select(.domain == "soon.test") | [.finding_ids[] | select(. == "expires_soon")] | length' "$T/w60.json")"
"$FEDCERT" diff --db "$DB" --warn-days 60 >/dev/null 2>"$T/err"
assert_contains "diff says it too" "$T/err" "judged afresh"
sqlite3 "$DB" "UPDATE verdict_scan SET judge = '0.0.1/1/00000000' WHERE scan_id = 1"
sqlite3 "$DB" "UPDATE verdict_findings SET findings = CAST(replace(CAST(findings AS TEXT), 'expired on', 'EXPIRED ON') AS BLOB)"
"$FEDCERT" report --db "$DB" --scan 1 >"$T/stale.txt" 2>"$T/err"
assert_not_contains "another judge's verdicts are never trusted" "$T/stale.txt" "EXPIRED ON"
assert_contains "... and it says so" "$T/err" "another version of fedcert"
"$FEDCERT" judge --db "$DB" >"$T/judge.out"
assert_contains "judge fills what is out of date" "$T/judge.out" "scan 1: 7 targets judged"
assert_contains "... and leaves what is current" "$T/judge.out" "1 scan judged, 1 already current"
"$FEDCERT" judge --db "$DB" >"$T/judge.out"
assert_contains "judge again: nothing to do" "$T/judge.out" "0 scans judged, 2 already current"
"$FEDCERT" judge --db "$DB" --scan 2 >/dev/null
same "after judge" report --db "$DB" --format json

# A scan without verdicts (as an older fedcert kept it) is judged.
sqlite3 "$DB" "DELETE FROM verdict_scan WHERE scan_id = 1"
same "no verdicts" scans --db "$DB" --format json
"$FEDCERT" judge --db "$DB" >"$T/judge.out"
assert_contains "judge fills a scan that has none" "$T/judge.out" "scan 1: 7 targets judged"

# ---- Reading never writes -------------------------------------------------
before=$(sha256sum "$DB")
"$FEDCERT" report --db "$DB" >/dev/null
"$FEDCERT" scans --db "$DB" --trend >/dev/null
"$FEDCERT" diff --db "$DB" >/dev/null
assert_eq "the commands that read leave the file as it was" "$before" "$(sha256sum "$DB")"

# ---- prune keeps what the remaining scans keep ------------------------------
"$FEDCERT" prune --db "$DB" --keep 1 >/dev/null
assert_eq "prune" 0 $?
assert_eq "prune: one scan's verdicts left" "1" "$(q "$DB" "SELECT count(*) FROM verdict_scan")"
assert_eq "prune: no kept findings that no target uses" "0" \
	"$(q "$DB" "SELECT count(*) FROM verdict_findings WHERE id NOT IN (SELECT findings_id FROM verdict_target WHERE findings_id IS NOT NULL)")"
same "after prune" report --db "$DB" --format json

finish
