#!/usr/bin/env bash
# SRV discovery end to end: a real dnsmasq on loopback serves SRV, A and
# AAAA records; real TLS servers answer on 127.0.0.x. Every SRV kind, RFC
# 2782 order, a pool where every member is probed, two domains sharing one
# pool (resolved and probed once, linked twice), NXDOMAIN, an SRV target
# without an address, the "." target, the pool flags, and a resolver that
# never answers. Dual-stack hosts and the family flags are test_ipv6's (a
# machine may have no ::1).
. "$E2E_DIR/lib.sh"

make_ca "$T/ca"
make_leaf "$T/ca" leaf sip.pool.test "DNS:sip.pool.test,DNS:sip.b.test,DNS:sipint.c.test,DNS:sip.dual.test"

# The pool: one port on three addresses.
start_tls P 127.0.0.2 "$T/ca/leaf.pem" "$T/ca/leaf.key" "$T/ca/inter.pem" || exit 1
start_tls P3 "127.0.0.3:$P" "$T/ca/leaf.pem" "$T/ca/leaf.key" "$T/ca/inter.pem" || exit 1
start_tls P4 "127.0.0.4:$P" "$T/ca/leaf.pem" "$T/ca/leaf.key" "$T/ca/inter.pem" || exit 1
start_tls GOOD 127.0.0.1 "$T/ca/leaf.pem" "$T/ca/leaf.key" "$T/ca/inter.pem" || exit 1
start_fixture udpsilent || exit 1

cat >"$T/dns.conf" <<CONF
srv-host=_sipfederationtls._tcp.a.test,sip.pool.test,$P,0,100
srv-host=_sipfederationtls._tcp.shared.test,SIP.Pool.test,$P,0,100
host-record=sip.pool.test,127.0.0.2
host-record=sip.pool.test,127.0.0.3
host-record=sip.pool.test,127.0.0.4
srv-host=_sip._tls.b.test,sip.b.test,$GOOD,0,0
host-record=sip.b.test,127.0.0.1
srv-host=_sipinternaltls._tcp.c.test,sipint.c.test,$GOOD,0,0
host-record=sipint.c.test,127.0.0.1
srv-host=_sipfederationtls._tcp.order.test,low.order.test,$GOOD,20,0
srv-host=_sipfederationtls._tcp.order.test,heavy.order.test,$GOOD,10,60
srv-host=_sipfederationtls._tcp.order.test,light.order.test,$GOOD,10,5
host-record=low.order.test,127.0.0.1
host-record=heavy.order.test,127.0.0.1
host-record=light.order.test,127.0.0.1
srv-host=_sipfederationtls._tcp.noaddr.test,ghost.noaddr.test,5061,0,0
srv-host=_sipfederationtls._tcp.dot.test
CONF
start_dnsmasq "$T/dns.conf" || exit 1

cat >"$T/partners.csv" <<CSV
Domain,Type,Port,
a.test,FED,5061,
shared.test,FED,,
b.test,SIP,,
c.test,SIPINT,,
order.test,FED,,
noaddr.test,FED,,
dot.test,FED,,
nx.test,FED,,
CSV

DB="$T/audit.db"
"$FEDCERT" scan "$T/partners.csv" --db "$DB" --ca-file "$T/ca/root.pem" \
	--dns-server "$DNS" --timeout 3 2>"$T/scan.err"
assert_eq "scan exit code" 0 $?

# probes_of DOMAIN: "address:port:sni:error" of each probe the target reached.
probes_of() {
	q "$DB" "select e.address || ':' || e.port || ':' || coalesce(e.sni,'') || ':' || coalesce(p.error_kind,'ok')
		from target t join target_probe tp on tp.target_id = t.id join probe p on p.id = tp.probe_id
		join endpoint e on e.id = p.endpoint_id where t.domain = '$1' order by e.address" | paste -sd' '
}

assert_eq "the pool: every member probed with SNI, on the SRV's port" \
	"127.0.0.2:$P:sip.pool.test:ok 127.0.0.3:$P:sip.pool.test:ok 127.0.0.4:$P:sip.pool.test:ok" "$(probes_of a.test)"
assert_eq "a shared pool is the same endpoints" "$(probes_of a.test)" "$(probes_of shared.test)"
assert_eq "a shared host is resolved once" 1 "$(q "$DB" "select count(*) from dns_answer where name = 'sip.pool.test' and type = 'A'")"
assert_eq "a shared endpoint is probed once" 3 "$(q "$DB" "select count(*) from probe p join endpoint e on e.id = p.endpoint_id where e.sni = 'sip.pool.test'")"
assert_eq "and linked to both targets" 6 "$(q "$DB" "select count(*) from target_probe tp join probe p on p.id = tp.probe_id join endpoint e on e.id = p.endpoint_id where e.sni = 'sip.pool.test'")"
assert_eq "the route is kept" "_sipfederationtls._tcp.a.test|sip.pool.test|0|100" \
	"$(q "$DB" "select distinct tp.srv_name || '|' || tp.via || '|' || tp.srv_priority || '|' || tp.srv_weight from target t join target_probe tp on tp.target_id = t.id where t.domain = 'a.test'")"
assert_eq "SIP kind" "127.0.0.1:$GOOD:sip.b.test:ok" "$(probes_of b.test)"
assert_eq "SIPINT kind" "127.0.0.1:$GOOD:sipint.c.test:ok" "$(probes_of c.test)"
assert_eq "SIP query name" 1 "$(q "$DB" "select count(*) from dns_answer where name = '_sip._tls.b.test' and type = 'SRV' and rcode = 'NOERROR'")"
assert_eq "SIPINT query name" 1 "$(q "$DB" "select count(*) from dns_answer where name = '_sipinternaltls._tcp.c.test' and type = 'SRV'")"
assert_eq "A records with their TTL" "127.0.0.2:300 127.0.0.3:300 127.0.0.4:300" \
	"$(q "$DB" "select r.address || ':' || r.ttl from dns_answer a join dns_record r on r.answer_id = a.id where a.name = 'sip.pool.test' and a.type = 'A' order by r.address" | paste -sd' ')"
assert_eq "no AAAA is NOERROR without data" "NOERROR|0" \
	"$(q "$DB" "select a.rcode || '|' || (select count(*) from dns_record r where r.answer_id = a.id) from dns_answer a where a.name = 'sip.pool.test' and a.type = 'AAAA'")"

assert_eq "NXDOMAIN" "dns_nxdomain|NXDOMAIN" "$(q "$DB" "select t.error_kind || '|' || a.rcode from target t join target_dns td on td.target_id = t.id join dns_answer a on a.id = td.answer_id where t.domain = 'nx.test'")"
assert_eq "the . target" "srv_not_available" "$(q "$DB" "select error_kind from target where domain = 'dot.test'")"
assert_eq "an SRV target without an address: no probe" "" "$(probes_of noaddr.test)"
assert_eq "... and its answer is linked to the target" "NXDOMAIN" \
	"$(q "$DB" "select distinct a.rcode from target t join target_dns td on td.target_id = t.id join dns_answer a on a.id = td.answer_id where t.domain = 'noaddr.test' and a.name = 'ghost.noaddr.test'")"

# RFC 2782 order: priority first, then the heavier weight.
"$FEDCERT" report --db "$DB" >"$T/report.txt"
assert_eq "report exit code" 0 $?
order=$(grep -oE 'Checking FQDN: [a-z]+\.order\.test' "$T/report.txt" | sed 's/Checking FQDN: //' | paste -sd' ')
assert_eq "SRV targets in priority, then weight order" "heavy.order.test light.order.test low.order.test" "$order"
assert_contains "pool block" "$T/report.txt" "Checking FQDN: sip.pool.test:$P"
# The members present one chain with one result: one block names them all.
assert_contains "pool members in one block" "$T/report.txt" \
	"Same chain and result: 127.0.0.3:$P, 127.0.0.4:$P (3 pool members in this block)"
for a in 2 3 4; do
	assert_contains "pool member $a" "$T/report.txt" "127.0.0.$a:$P"
done
assert_contains "DNS path shown" "$T/report.txt" "_sipfederationtls._tcp.a.test"
assert_contains "NXDOMAIN shown" "$T/report.txt" "NXDOMAIN"

"$FEDCERT" report --db "$DB" --format csv --per-endpoint -o "$T/audit.csv"
C="$T/csv.db"
sqlite3 "$C" ".import --csv '$T/audit.csv' r"
assert_eq "CSV SRV columns" "_sipfederationtls._tcp.a.test|sip.pool.test|127.0.0.3" \
	"$(q "$C" "select srv_name || '|' || srv_target || '|' || address from r where domain = 'a.test' and address = '127.0.0.3'")"

# The flags: one address, the first SRV target.
"$FEDCERT" scan "$T/partners.csv" --db "$T/one.db" --dns-server "$DNS" --no-pool --quiet
assert_eq "--no-pool probes one member" 1 "$(q "$T/one.db" "select count(*) from endpoint where sni = 'sip.pool.test'")"
"$FEDCERT" scan "$T/partners.csv" --db "$T/max.db" --dns-server "$DNS" --max-srv-targets 1 --quiet
assert_eq "--max-srv-targets 1 keeps the first in order" "heavy.order.test" \
	"$(q "$T/max.db" "select distinct tp.via from target t join target_probe tp on tp.target_id = t.id where t.domain = 'order.test'")"

# A resolver that never answers: our outage, not the partners' timeouts
# (issue 20), and not a hang: both targets not_probed, the scan failed.
printf 'Domain,Type,Port\na.test,FED,\nsip.pool.test,DIR,%s\n' "$P" >"$T/silent.csv"
start=$(date +%s)
timeout 60 "$FEDCERT" scan "$T/silent.csv" --db "$T/silent.db" --dns-server "127.0.0.1:$FIX_UDPSILENT" \
	--dns-timeout 0.5 --dns-tries 2 --quiet
assert_eq "silent resolver: the scan failed" 1 $?
elapsed=$(($(date +%s) - start))
[ "$elapsed" -lt 30 ] && ok || fail "silent resolver took ${elapsed}s"
assert_eq "silent resolver: not_probed, no answer stored" "not_probed|0 not_probed|0" \
	"$(q "$T/silent.db" "select t.error_kind || '|' || (select count(*) from target_dns td where td.target_id = t.id) from target t order by t.line" | paste -sd' ')"

"$FEDCERT" scan "$T/silent.csv" --db "$T/x.db" --dns-server "not-an-ip" 2>"$T/err"
assert_eq "bad --dns-server is a usage error" 2 $?
assert_contains "and says why" "$T/err" "--dns-server"

finish
