#!/usr/bin/env bash
# A DIR host name from the hosts file (moved out of test_dir_scan, which
# still scans the row): every address "localhost" has there is probed, with
# SNI. A machine without a hosts file naming localhost (a bare debootstrap
# root has no /etc/hosts) cannot resolve it, so this part skips there.
. "$E2E_DIR/lib.sh"

# The addresses the system gives localhost, as fedcert's resolver reads
# them from /etc/hosts before asking DNS.
grep -Eqs '^[^#]*[[:space:]]localhost([[:space:]]|$)' /etc/hosts ||
	skip "/etc/hosts does not name localhost: a DIR host name's addresses from the hosts file not tested"
want=$(getent ahosts localhost | awk '{print $1}' | sort -u | paste -sd' ')
[ -n "$want" ] ||
	skip "getent finds no address for localhost: a DIR host name's addresses from the hosts file not tested"

make_ca "$T/ca"
make_leaf "$T/ca" leaf sip.example.test "DNS:sip.example.test,DNS:localhost"
start_tls GOOD 127.0.0.1 "$T/ca/leaf.pem" "$T/ca/leaf.key" "$T/ca/inter.pem" || exit 1
# No name here needs DNS, but a resolver on loopback is named all the
# same: nothing may leave the machine.
: >"$T/dns.conf"
start_dnsmasq "$T/dns.conf" || exit 1

printf 'Domain,Type,Port\nlocalhost,DIR,%s\n' "$GOOD" >"$T/partners.csv"
DB="$T/audit.db"
"$FEDCERT" scan "$T/partners.csv" --db "$DB" --ca-file "$T/ca/root.pem" \
	--dns-server "$DNS" --timeout 2 --quiet 2>"$T/scan.err"
assert_eq "scan exit code" 0 $?

got=$(q "$DB" "select e.address from target t join target_probe tp on tp.target_id = t.id
	join probe p on p.id = tp.probe_id join endpoint e on e.id = p.endpoint_id
	where t.domain = 'localhost' and e.sni = 'localhost' and tp.via = 'localhost' order by 1" | sort -u | paste -sd' ')
assert_eq "every address of localhost probed with SNI" "$want" "$got"
assert_eq "localhost via 127.0.0.1 is ok" ok \
	"$(q "$DB" "select coalesce(p.error_kind,'ok') from probe p join endpoint e on e.id = p.endpoint_id
		where e.address = '127.0.0.1' and e.port = $GOOD and e.sni = 'localhost'")"

finish
