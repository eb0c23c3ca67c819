#!/usr/bin/env bash
# Each exit code of the table (`fedcert help`, README "Exit codes",
# fedcert(1) EXIT STATUS), as a nightly job meets it. Code 1 for a scan
# stopped by a signal is test_interrupt's, for a full disk
# test_hostile_peers', for each unusable database test_readonly's.
. "$E2E_DIR/lib.sh"

CA="$T/ca"
make_ca "$CA"
make_leaf "$CA" leaf sip.partner.test "DNS:sip.partner.test"
# Valid 10 more days: expires_soon (a warning) and nothing worse.
issue "$CA" soon sip.soon.test ec sha256 "$(days_from -80)" "$(days_from 10)" "${GOOD_EXT[@]}" \
	"subjectAltName = DNS:sip.soon.test" || exit 1
start_tls GOOD 127.0.0.1 "$CA/leaf.pem" "$CA/leaf.key" "$CA/inter.pem" || exit 1
start_tls SOON 127.0.0.1 "$CA/soon.pem" "$CA/soon.key" "$CA/inter.pem" || exit 1
cat >"$T/dns.conf" <<EOF
host-record=sip.partner.test,127.0.0.1
host-record=sip.soon.test,127.0.0.1
EOF
start_dnsmasq "$T/dns.conf" || exit 1
SCAN=(--ca-file "$CA/root.pem" --dns-server "$DNS" --timeout 3)

cat >"$T/good.csv" <<EOF
Domain,Type,Port
sip.partner.test,DIR,$GOOD
sip.soon.test,DIR,$SOON
EOF
{ cat "$T/good.csv"; echo "sip.partner.test,FEDX,"; } >"$T/onebad.csv"
printf 'Domain,Type,Port\nbad name!,DIR,\nalso bad,FED,99999\n' >"$T/allbad.csv"
printf 'Domain,Type,Port\n' >"$T/header.csv"
DB="$T/audit.db"

# ---- 0: success ----------------------------------------------------------
"$FEDCERT" scan "$T/good.csv" --db "$DB" "${SCAN[@]}" 2>"$T/err"
assert_eq "0: a scan" 0 $?
assert_contains "0: the summary counts rows rejected" "$T/err" "0 rows rejected"
"$FEDCERT" report --db "$DB" >/dev/null
assert_eq "0: a report" 0 $?
"$FEDCERT" diff --db "$DB" >"$T/out" 2>"$T/err"
assert_eq "0: diff on the first night" 0 $?
assert_contains "0: diff says there is nothing to compare yet" "$T/out" "nothing to compare yet"
"$FEDCERT" diff --db "$DB" --format json >"$T/out" 2>"$T/err"
assert_eq "0: diff --format json on the first night" "0||1" "$?|$(cat "$T/out")|$(grep -c 'nothing to compare yet' "$T/err")"
"$FEDCERT" report --db "$DB" --fail-on error >/dev/null
assert_eq "0: --fail-on error, no error" 0 $?
# A scan whose peers fail is a successful run: the failures are facts.
printf 'Domain,Type,Port\n127.0.0.1,DIR,1\n' >"$T/refused.csv"
"$FEDCERT" scan "$T/refused.csv" --db "$T/refused.db" "${SCAN[@]}" --quiet
assert_eq "0: a scan whose peer refuses" 0 $?

# ---- 1: a failed run -----------------------------------------------------
"$FEDCERT" scan "$T/missing.csv" --db "$T/x.db" "${SCAN[@]}" 2>"$T/err"
assert_eq "1: a missing targets file" 1 $?
assert_contains "1: named" "$T/err" "missing.csv"
"$FEDCERT" scan "$T/header.csv" --db "$T/x.db" "${SCAN[@]}" 2>"$T/err"
assert_eq "1: a header without rows" 1 $?
assert_contains "1: says so" "$T/err" "header.csv: no target rows after the header"
[ ! -e "$T/x.db" ] && ok || fail "1: a database was left behind"
# A file of bad rows only, into a copy of the night's database: the scan
# fails and is marked so; diff does not compare with it; a report of it
# with --fail-on is an alert, not all clear.
cp "$DB" "$T/copy.db"
"$FEDCERT" scan "$T/allbad.csv" --db "$T/copy.db" "${SCAN[@]}" 2>"$T/err"
assert_eq "1: every row rejected" 1 $?
assert_contains "1: says so" "$T/err" "allbad.csv: no valid target row: all 2 rows were rejected"
assert_eq "1: that scan is marked failed" failed "$(q "$T/copy.db" "select status from scan order by id desc limit 1")"
"$FEDCERT" diff --db "$T/copy.db" >"$T/out"
assert_contains "and diff does not compare with it" "$T/out" "nothing to compare yet"
"$FEDCERT" report --db "$T/copy.db" >/dev/null
assert_eq "0: its report, without --fail-on" 0 $?
"$FEDCERT" report --db "$T/copy.db" --fail-on error --format json >"$T/out" 2>"$T/err"
assert_eq "3: its report with --fail-on: the scan did not run to its end" 3 $?
assert_contains "3: says why" "$T/err" "the scan reported did not run to its end"
"$FEDCERT" report --db "$T/copy.db" --compliance --fail-on error -o "$T/c.csv" 2>"$T/err"
assert_eq "3: the same for --compliance" 3 $?
"$FEDCERT" report --db "$T/typo.db" 2>"$T/err"
assert_eq "1: a mistyped database" 1 $?
assert_contains "1: named" "$T/err" "typo.db: no such file"
"$FEDCERT" report --db "$DB" --scan 99 2>"$T/err"
assert_eq "1: no such scan" 1 $?
"$FEDCERT" history --db "$DB" nowhere.test 2>"$T/err"
assert_eq "1: no such domain" 1 $?
"$FEDCERT" report --db "$DB" -o "$T/no/dir/report.txt" 2>"$T/err"
assert_eq "1: a write error" 1 $?
"$FEDCERT" inspect "$T/missing.pem" 2>"$T/err"
assert_eq "1: inspect of a missing file" 1 $?

# ---- 2: a usage error ----------------------------------------------------
"$FEDCERT" scan "$T/good.csv" --db "$DB" --bogus 2>/dev/null
assert_eq "2: an unknown option" 2 $?
"$FEDCERT" report 2>/dev/null
assert_eq "2: no --db" 2 $?
"$FEDCERT" expiring --db "$DB" --within 30d --before 2027-01-31 2>/dev/null
assert_eq "2: --within and --before" 2 $?
"$FEDCERT" frobnicate 2>/dev/null
assert_eq "2: no such command" 2 $?

# ---- 3: an alert ---------------------------------------------------------
"$FEDCERT" report --db "$DB" --fail-on warning >/dev/null
assert_eq "3: report --fail-on warning, expires_soon shown" 3 $?
"$FEDCERT" report --db "$DB" --fail-on warning --only name_mismatch >/dev/null
assert_eq "0: the same, the warning not shown" 0 $?
"$FEDCERT" report --db "$DB" --compliance --fail-on warning -o "$T/c.csv"
assert_eq "3: report --compliance --fail-on warning" 3 $?
"$FEDCERT" expiring --db "$DB" --within 30d --fail-on warning >/dev/null
assert_eq "3: expiring --fail-on warning, one listed" 3 $?
"$FEDCERT" expiring --db "$DB" --within 30d --fail-on error >/dev/null
assert_eq "0: expiring --fail-on error, none expired" 0 $?
"$FEDCERT" check "sip.soon.test:$SOON" "${SCAN[@]}" --fail-on warning >/dev/null
assert_eq "3: check --fail-on warning" 3 $?
"$FEDCERT" inspect "$CA/soon.pem" --name sip.soon.test --ca-file "$CA/root.pem" --fail-on warning >/dev/null
assert_eq "3: inspect --fail-on warning" 3 $?

# ---- 4: rows rejected, with --fail-on-input-errors -------------------------
"$FEDCERT" scan "$T/onebad.csv" --db "$T/four.db" "${SCAN[@]}" 2>"$T/err"
assert_eq "0: a rejected row without the option" 0 $?
assert_contains "the summary says how many" "$T/err" ", 1 row rejected,"
assert_contains "and which" "$T/err" "onebad.csv:4: unknown type"
"$FEDCERT" scan "$T/onebad.csv" --db "$T/four.db" "${SCAN[@]}" --fail-on-input-errors 2>"$T/err"
assert_eq "4: a rejected row with --fail-on-input-errors" 4 $?
assert_contains "4: says why" "$T/err" "1 row of $T/onebad.csv was rejected (--fail-on-input-errors)"
assert_eq "4: the other rows were scanned and stored, the scan done" "2|done" \
	"$(q "$T/four.db" "select count(*) || '|' || (select status from scan where id = 2) from target where scan_id = 2")"

finish
