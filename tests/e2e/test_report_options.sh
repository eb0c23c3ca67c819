#!/usr/bin/env bash
# The report's options and `fedcert check` against real servers: Comments
# in the text report, --advanced, --chain, the filters, --fail-on's exit
# code, CSV per target and per endpoint, `fedcert findings`.
. "$E2E_DIR/lib.sh"

CA="$T/ca"
make_ca "$CA"
past=$(days_from -30); later=$(days_from 90)
issue "$CA" good sip.good.test ec sha256 "$past" "$later" "${GOOD_EXT[@]}" \
	"subjectAltName = DNS:sip.good.test"
issue "$CA" expired sip.expired.test ec sha256 "$(days_from -100)" "$(days_from -1)" \
	"${GOOD_EXT[@]}" "subjectAltName = DNS:sip.expired.test"
start_tls GOOD 127.0.0.1 "$CA/good.pem" "$CA/good.key" "$CA/inter.pem" || exit 1
start_tls EXPIRED 127.0.0.1 "$CA/expired.pem" "$CA/expired.key" "$CA/inter.pem" || exit 1
cat >"$T/dns.conf" <<CONF
srv-host=_sipfederationtls._tcp.good.test,sip.good.test,$GOOD,0,100
host-record=sip.good.test,127.0.0.1
srv-host=_sipfederationtls._tcp.expired.test,sip.expired.test,$EXPIRED,0,100
host-record=sip.expired.test,127.0.0.1
CONF
start_dnsmasq "$T/dns.conf" || exit 1
printf 'Domain,Type,Port\ngood.test,FED,\nexpired.test,FED,\n' >"$T/partners.csv"
DB="$T/audit.db"
"$FEDCERT" scan "$T/partners.csv" --db "$DB" --ca-file "$CA/root.pem" --dns-server "$DNS" --quiet
assert_eq "scan" 0 $?

# `fedcert findings` lists every id of the issue, with why.
"$FEDCERT" findings >"$T/findings.txt"
assert_eq "findings exit" 0 $?
for id in connect_failed handshake_failed name_match name_mismatch wildcard_name expired \
	not_yet_valid expires_soon no_server_auth_eku no_client_auth_eku untrusted_chain \
	self_signed incomplete_chain chain_misordered root_sent weak_signature weak_key \
	legacy_tls no_crl_distribution_point no_ocsp long_validity srv_missing \
	srv_not_available dns_error host_unresolved srv_target_outside_domain \
	pool_inconsistent pool_partial_failure; do
	assert_contains "findings lists $id" "$T/findings.txt" "$id"
done

# Text: Comments after the endpoint, the result line per target.
"$FEDCERT" report --db "$DB" >"$T/report.txt"
assert_eq "text exit (no --fail-on)" 0 $?
assert_contains "Comments section" "$T/report.txt" "Comments:"
assert_contains "expired comment" "$T/report.txt" "[error] expired"
assert_contains "name comment" "$T/report.txt" "[info] name_match"

# --fail-on: 3 when a shown finding is at or above it; filters shape it.
"$FEDCERT" report --db "$DB" --fail-on error >/dev/null
assert_eq "--fail-on error with an expired partner" 3 $?
"$FEDCERT" report --db "$DB" --fail-on error --only name_match >/dev/null
assert_eq "--fail-on error, only name_match shown" 0 $?
"$FEDCERT" report --db "$DB" --fail-on bogus >/dev/null 2>&1
assert_eq "--fail-on bogus" 2 $?
"$FEDCERT" report --db "$DB" --only no_such_finding >/dev/null 2>"$T/err"
assert_eq "--only an unknown id" 2 $?
assert_contains "names it" "$T/err" "no_such_finding"

"$FEDCERT" report --db "$DB" --format json --only expired >"$T/only.jsonl"
assert_eq "--only keeps only that id" "expired" "$(jq -r '.findings[].id' "$T/only.jsonl" | sort -u | paste -sd' ')"
assert_eq "--only does not change the status" "PASS FAIL" "$(jq -r '.status' "$T/only.jsonl" | paste -sd' ')"
"$FEDCERT" report --db "$DB" --format json --min-severity error >"$T/min.jsonl"
assert_eq "--min-severity error" "error" "$(jq -r '.findings[].severity' "$T/min.jsonl" | sort -u | paste -sd' ')"

# CSV per target, and per endpoint.
"$FEDCERT" report --db "$DB" --format csv -o "$T/targets.csv"
sqlite3 "$T/c.db" ".import --csv '$T/targets.csv' t"
assert_eq "one row per target" 2 "$(q "$T/c.db" "select count(*) from t")"
assert_eq "status column" "PASS FAIL" "$(q "$T/c.db" "select status from t order by domain desc" | paste -sd' ')"
case "$(q "$T/c.db" "select finding_ids from t where domain = 'expired.test'")" in
*expired*) ok ;; *) fail "finding_ids of expired.test" ;; esac
"$FEDCERT" report --db "$DB" --format csv --per-endpoint -o "$T/probes.csv"
sqlite3 "$T/c.db" ".import --csv '$T/probes.csv' p"
assert_eq "one row per probe" 2 "$(q "$T/c.db" "select count(*) from p")"
"$FEDCERT" report --db "$DB" --per-endpoint >/dev/null 2>&1
assert_eq "--per-endpoint without csv" 2 $?

# --advanced and --chain.
"$FEDCERT" report --db "$DB" --advanced --chain >"$T/adv.txt"
assert_eq "advanced exit" 0 $?
assert_contains "EKU OID" "$T/adv.txt" "1.3.6.1.5.5.7.3.2"
assert_contains "CRL DP" "$T/adv.txt" "http://crl.fedcert.test/inter.crl"
assert_contains "chain ends with where to get the root" "$T/adv.txt" "http://pki.fedcert.test/inter.crt"

# check: one server, now, with comments; nothing kept without --db.
"$FEDCERT" check "127.0.0.1:$EXPIRED" --ca-file "$CA/root.pem" --dns-server "$DNS" >"$T/check.txt" 2>&1
assert_eq "check HOST:PORT" 0 $?
assert_contains "check prints the block" "$T/check.txt" "Checking IP Address: 127.0.0.1:$EXPIRED"
assert_contains "check prints comments" "$T/check.txt" "[error] expired"
"$FEDCERT" check --fed good.test --ca-file "$CA/root.pem" --dns-server "$DNS" --fail-on warning >"$T/check2.txt" 2>&1
assert_eq "check --fed on a good partner" 0 $?
assert_contains "check --fed follows SRV" "$T/check2.txt" "Checking FQDN: sip.good.test:$GOOD"
"$FEDCERT" check --fed expired.test --dns-server "$DNS" --db "$T/check.db" --quiet >/dev/null 2>&1
assert_eq "check keeps results with --db" 1 "$(q "$T/check.db" "select count(*) from probe")"
"$FEDCERT" check "bad..name" --dns-server "$DNS" >/dev/null 2>"$T/err"
assert_eq "check with a bad name" 2 $?
assert_contains "says why" "$T/err" "invalid domain name"

finish
