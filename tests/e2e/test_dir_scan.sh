#!/usr/bin/env bash
# End to end for DIR targets: real TLS servers (openssl s_server) with a
# generated root, intermediate and leaves, and misbehaving peers (silent,
# not TLS, refused, reset) on loopback; the built fedcert scans them; the
# test asserts what landed in the database and in both reports.
. "$E2E_DIR/lib.sh"

make_ca "$T/ca"
make_leaf "$T/ca" leaf sip.example.test "DNS:sip.example.test,DNS:localhost"
make_self_signed "$T/ca" self self.example.test

start_tls GOOD 127.0.0.1 "$T/ca/leaf.pem" "$T/ca/leaf.key" "$T/ca/inter.pem" || exit 1
# Another loopback address (IPv6 literals are test_ipv6's: a machine may
# have no ::1).
start_tls GOOD5 127.0.0.5 "$T/ca/leaf.pem" "$T/ca/leaf.key" "$T/ca/inter.pem" || exit 1
start_tls SELF 127.0.0.1 "$T/ca/self.pem" "$T/ca/self.key" || exit 1
# A TLS 1.2 server that requires a client certificate: it alerts after our
# empty Certificate message, once its own chain is already sent.
start_tls REQ 127.0.0.1 "$T/ca/leaf.pem" "$T/ca/leaf.key" "$T/ca/inter.pem" \
	-tls1_2 -Verify 1 -CAfile "$T/ca/root.pem" || exit 1
start_fixture silent plain refused reset halfreset || exit 1
# No name here needs DNS ("localhost" is in the hosts file), but a resolver
# on loopback is named all the same: nothing may leave the machine.
: >"$T/dns.conf"
start_dnsmasq "$T/dns.conf" || exit 1

# Line numbers matter: the bad rows are asserted by line.
printf '\xef\xbb\xbfDomain,Type,Port,\r\n' >"$T/partners.csv"
cat >>"$T/partners.csv" <<CSV
"127.0.0.1","DIR","$GOOD",
127.0.0.1,dir,$SELF,

127.0.0.5,DIR,$GOOD5,
localhost,DIR,$GOOD,
127.0.0.1,DIR,$FIX_SILENT,
127.0.0.1,DIR,$FIX_PLAIN,
127.0.0.1,DIR,$FIX_REFUSED,
127.0.0.1,DIR,$FIX_RESET,
example.test,FED,,
bad.example,FEDX,5061,
127.0.0.1,DIR,99999,
"127.0.0.1",DIR,$GOOD
127.0.0.1,DIR,$REQ
127.0.0.1,DIR,$FIX_HALFRESET
CSV

DB="$T/audit.db"
"$FEDCERT" scan "$T/partners.csv" --db "$DB" --ca-file "$T/ca/root.pem" \
	--dns-server "$DNS" --timeout 2 --concurrency 4 2>"$T/scan.err"
assert_eq "scan exit code" 0 $?
assert_contains "bad type on stderr" "$T/scan.err" "partners.csv:12: unknown type \"FEDX\""
assert_contains "bad port on stderr" "$T/scan.err" "partners.csv:13: bad port \"99999\""

assert_eq "scan status" done "$(q "$DB" "select status from scan")"
assert_eq "scan has an end" 1 "$(q "$DB" "select count(*) from scan where finished is not null")"
assert_eq "targets" 12 "$(q "$DB" "select count(*) from target")"
assert_eq "input errors" "12|13" "$(q "$DB" "select group_concat(line, '|') from (select line from input_error order by line)")"

# probe_of PORT [SNI]: the columns of the probe of 127.0.0.1:PORT.
probe_of() {
	q "$DB" "select coalesce(p.error_kind,'ok') || '|' || coalesce(p.tls_version,'') || '|' ||
		coalesce(p.verify_code,'') || '|' || (select count(*) from chain_link c where c.probe_id = p.id)
		from probe p join endpoint e on e.id = p.endpoint_id
		where e.address = '${2:-127.0.0.1}' and e.port = $1 and coalesce(e.sni,'') = '${3:-}'"
}

good=$(probe_of "$GOOD")
assert_eq "good server: ok, verified, chain of 2" "ok|0|2" "${good%%|*}|$(echo "$good" | cut -d'|' -f3-)"
case "$good" in ok\|TLSv1.[23]\|*) ok ;; *) fail "good server TLS version: $good" ;; esac
assert_eq "another loopback address" "ok|0|2" "$(probe_of "$GOOD5" 127.0.0.5 | cut -d'|' -f1,3,4)"
assert_eq "self-signed: handshake done, verify 18" "ok|18|1" "$(probe_of "$SELF" | cut -d'|' -f1,3,4)"
assert_eq "silent peer" "timeout" "$(probe_of "$FIX_SILENT" | cut -d'|' -f1)"
assert_eq "plain peer" "not_tls" "$(probe_of "$FIX_PLAIN" | cut -d'|' -f1)"
assert_eq "refused port" "refused" "$(probe_of "$FIX_REFUSED" | cut -d'|' -f1)"
assert_eq "reset peer" "reset" "$(probe_of "$FIX_RESET" | cut -d'|' -f1)"
assert_eq "a reset right after some data is still a reset" "reset" "$(probe_of "$FIX_HALFRESET" | cut -d'|' -f1)"
req=$(q "$DB" "select p.error_kind || '|' || p.error_reason || '|' || (select count(*) from chain_link c where c.probe_id = p.id)
	from probe p join endpoint e on e.id = p.endpoint_id where e.port = $REQ")
case "$req" in
tls_alert\|*alert\ 40\)\|2 | tls_alert\|*alert\ 116\)\|2) ok ;;
*) fail "client certificate required: alert named and chain kept: $req" ;;
esac
assert_eq "timeout reason" "handshake timed out after 2 s (0 bytes received)" \
	"$(q "$DB" "select p.error_reason from probe p join endpoint e on e.id = p.endpoint_id where e.port = $FIX_SILENT")"

# A host name: every address it resolves to is probed, with SNI. That
# needs localhost in /etc/hosts, which a bare root lacks: asserted in
# test_dir_localhost, which skips there; the row stays here as a target.

# Work once: the repeated row links the same probe; the leaf is stored once.
assert_eq "one probe for a repeated endpoint" 1 "$(q "$DB" "select count(*) from probe p join endpoint e on e.id = p.endpoint_id where e.address = '127.0.0.1' and e.port = $GOOD and e.sni is null")"
assert_eq "linked to both rows" 2 "$(q "$DB" "select count(*) from target_probe tp join probe p on p.id = tp.probe_id join endpoint e on e.id = p.endpoint_id where e.address = '127.0.0.1' and e.port = $GOOD and e.sni is null")"
leaf_sha1=$(sha1_upper "$T/ca/leaf.pem")
assert_eq "the leaf is one certificate row" 1 "$(q "$DB" "select count(*) from certificate where upper(sha1) = '$leaf_sha1'")"
assert_eq "leaf subject" "CN=sip.example.test" "$(q "$DB" "select subject from certificate where upper(sha1) = '$leaf_sha1'")"
assert_eq "FED target without SRV" "dns_nxdomain" "$(q "$DB" "select error_kind from target where type = 'FED'")"

# The text report.
"$FEDCERT" report --db "$DB" >"$T/report.txt" 2>"$T/report.err"
assert_eq "report exit code" 0 $?
R="$T/report.txt"
assert_contains "FQDN block" "$R" "Checking FQDN: 127.0.0.1:$GOOD"
assert_contains "IP block" "$R" "Checking IP Address: 127.0.0.1:$GOOD"
assert_contains "its block" "$R" "Checking IP Address: 127.0.0.5:$GOOD5"
assert_contains "its FQDN line" "$R" "Checking FQDN: 127.0.0.5:$GOOD5 (DIR, line 5)"
assert_contains "subject" "$R" "Subject: CN=sip.example.test"
assert_contains "issuer" "$R" "Issuer: CN=fedcert Test Intermediate,O=fedcert tests"
assert_contains "thumbprint" "$R" "Thumbprint: $leaf_sha1"
assert_contains "Windows signature name" "$R" "Signature Algorithm: sha256ECDSA"
assert_contains "self-signed RSA" "$R" "Signature Algorithm: sha256RSA"
assert_contains "version" "$R" "Version: V3"
not_after=$(date -u -d "$(openssl x509 -in "$T/ca/leaf.pem" -noout -enddate | sed 's/.*=//')" +%Y-%m-%dT%H:%M:%SZ)
assert_contains "ISO 8601 expiry" "$R" "Not After: $not_after"
assert_contains "timeout shown" "$R" "Error: timeout"
assert_contains "refused shown" "$R" "Error: refused"
assert_contains "not TLS shown" "$R" "Error: not_tls"
assert_contains "input error in report" "$R" "partners.csv:12: unknown type \"FEDX\""

# The CSV report, read back by SQLite's own CSV importer.
"$FEDCERT" report --db "$DB" --format csv --per-endpoint -o "$T/audit.csv"
assert_eq "csv exit code" 0 $?
C="$T/audit.db.csv.db"
sqlite3 "$C" ".import --csv '$T/audit.csv' r"
assert_eq "csv rows: one per probe, plus targets without one, plus rows rejected" \
	"$(q "$DB" "select (select count(*) from target_probe) + (select count(*) from target t where not exists (select 1 from target_probe tp where tp.target_id = t.id)) + (select count(*) from input_error)")" \
	"$(q "$C" "select count(*) from r")"
assert_eq "csv: the rejected rows, their lines and reasons" \
	"12|unknown type \"FEDX\" 13|bad port \"99999\"" \
	"$(q "$C" "select line || '|' || reason from r where status = 'INPUT_ERROR' and line in ('12', '13') order by line" | paste -sd' ')"
assert_eq "csv thumbprint column" "$leaf_sha1" "$(q "$C" "select thumbprint from r where port = '$GOOD' and address = '127.0.0.1' and sni = '' limit 1")"
assert_eq "csv status and kind" "FAIL|refused" "$(q "$C" "select status || '|' || error_kind from r where endpoint_port = '$FIX_REFUSED'")"
# A date as a spreadsheet reads one: the report's instant, UTC, without T and Z.
assert_eq "csv not_after" "$(echo "$not_after" | tr 'T' ' ' | tr -d 'Z')" \
	"$(q "$C" "select not_after from r where port = '$GOOD' and address = '127.0.0.1' and sni = '' limit 1")"

finish
