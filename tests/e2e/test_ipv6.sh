#!/usr/bin/env bash
# IPv6 end to end, on ::1: a DIR row given as an IPv6 literal, a
# dual-stack host (A and AAAA) reached through SRV and as a DIR host name,
# and the family flags. Skips where the machine's loopback has no ::1 (a
# container without IPv6); test_dir_scan and test_srv cover the rest on
# IPv4 everywhere.
. "$E2E_DIR/lib.sh"

have_ipv6_loopback ||
	skip "no ::1 on this machine's loopback: IPv6 literals, dual-stack hosts and --ipv4-only/--ipv6-only were not tested"

make_ca "$T/ca"
make_leaf "$T/ca" leaf sip.dual.test "DNS:sip.dual.test"
start_tls GOOD 127.0.0.1 "$T/ca/leaf.pem" "$T/ca/leaf.key" "$T/ca/inter.pem" || exit 1
start_tls GOOD6 "[::1]:$GOOD" "$T/ca/leaf.pem" "$T/ca/leaf.key" "$T/ca/inter.pem" || exit 1
cat >"$T/dns.conf" <<CONF
srv-host=_sipfederationtls._tcp.dual.test,sip.dual.test,$GOOD,0,0
host-record=sip.dual.test,127.0.0.1,::1
CONF
start_dnsmasq "$T/dns.conf" || exit 1

cat >"$T/partners.csv" <<CSV
Domain,Type,Port,
[::1],DIR,$GOOD,
dual.test,FED,,
sip.dual.test,DIR,$GOOD,
::1,DIR,$GOOD,
CSV
DB="$T/audit.db"
"$FEDCERT" scan "$T/partners.csv" --db "$DB" --ca-file "$T/ca/root.pem" \
	--dns-server "$DNS" --timeout 3 --quiet
assert_eq "scan exit code" 0 $?

# probes_of LINE: "address:port:sni:result:verify:chain" of the row's probes.
probes_of() {
	q "$DB" "select e.address || ':' || e.port || ':' || coalesce(e.sni,'') || ':' ||
		coalesce(p.error_kind,'ok') || ':' || coalesce(p.verify_code,'') || ':' ||
		(select count(*) from chain_link c where c.probe_id = p.id)
		from target t join target_probe tp on tp.target_id = t.id join probe p on p.id = tp.probe_id
		join endpoint e on e.id = p.endpoint_id where t.line = $1 order by e.address" | paste -sd' '
}
assert_eq "an IPv6 literal, in brackets: no SNI, verified, chain of 2" "::1:$GOOD::ok:0:2" "$(probes_of 2)"
assert_eq "and bare: the same endpoint, probed once" "::1:$GOOD::ok:0:2" "$(probes_of 5)"
assert_eq "one probe for both rows" 1 "$(q "$DB" "select count(*) from probe p join endpoint e on e.id = p.endpoint_id where e.address = '::1' and e.sni is null")"
assert_eq "both families of a dual-stack host" \
	"127.0.0.1:$GOOD:sip.dual.test:ok:0:2 ::1:$GOOD:sip.dual.test:ok:0:2" "$(probes_of 3)"
assert_eq "a DIR host name through DNS" \
	"127.0.0.1:$GOOD:sip.dual.test:ok:0:2 ::1:$GOOD:sip.dual.test:ok:0:2" "$(probes_of 4)"
assert_eq "the AAAA answer" "::1:300" \
	"$(q "$DB" "select r.address || ':' || r.ttl from dns_answer a join dns_record r on r.answer_id = a.id where a.name = 'sip.dual.test' and a.type = 'AAAA'")"

"$FEDCERT" report --db "$DB" >"$T/report.txt"
assert_eq "report exit code" 0 $?
assert_contains "the literal's FQDN line, bracketed" "$T/report.txt" "Checking FQDN: [::1]:$GOOD (DIR, line 2)"
assert_contains "its block" "$T/report.txt" "Checking IP Address: [::1]:$GOOD"
"$FEDCERT" report --db "$DB" --format json >"$T/report.json"
assert_eq "JSON: the address without brackets" "::1" \
	"$(jq -r 'select(.line == 2) | .probes[0].address' "$T/report.json")"

# The family flags.
"$FEDCERT" scan "$T/partners.csv" --db "$T/v4.db" --dns-server "$DNS" --ipv4-only --quiet
assert_eq "--ipv4-only asks no AAAA" 0 "$(q "$T/v4.db" "select count(*) from dns_answer where type = 'AAAA'")"
assert_eq "--ipv4-only probes no IPv6 name" 0 "$(q "$T/v4.db" "select count(*) from endpoint where address like '%:%' and sni is not null")"
"$FEDCERT" scan "$T/partners.csv" --db "$T/v6.db" --dns-server "$DNS" --ipv6-only --quiet
assert_eq "--ipv6-only" "::1" "$(q "$T/v6.db" "select distinct address from endpoint")"
assert_eq "--ipv6-only asks no A" 0 "$(q "$T/v6.db" "select count(*) from dns_answer where type = 'A'")"

finish
