#!/usr/bin/env bash
# fedcert check --connect-to, --sni and --type, against openssl s_server on
# loopback: a name probed at an address DNS is not asked for is judged
# exactly as if DNS had answered it; --sni sends a name to an address;
# --type FED makes a missing Client Authentication EKU an error; with
# --fed the SRV record is asked and its target probed at the address
# given; --ca-file judges our own certificate too; and a target that is
# not one is a usage error naming the argument, never the scanner's file
# in memory. DNS is dnsmasq on loopback, which logs every question.
. "$E2E_DIR/lib.sh"

CA="$T/ca"      # the partners' CA
OURS="$T/ours"  # our Edge's CA
make_ca "$CA"; make_ca_named "$OURS" "Ours"
past=$(days_from -10); later=$(days_from 200)
issue "$CA" good sip.example.test ec sha256 "$past" "$later" "${GOOD_EXT[@]}" \
	"subjectAltName = DNS:sip.example.test"
issue "$CA" other other.example.test ec sha256 "$past" "$later" "${GOOD_EXT[@]}" \
	"subjectAltName = DNS:other.example.test"
issue "$CA" noclient sip.example.test ec sha256 "$past" "$later" \
	"basicConstraints = critical, CA:false" \
	"keyUsage = critical, digitalSignature" \
	"extendedKeyUsage = serverAuth" \
	"crlDistributionPoints = URI:http://crl.fedcert.test/inter.crl" \
	"authorityInfoAccess = OCSP;URI:http://ocsp.fedcert.test,caIssuers;URI:http://pki.fedcert.test/inter.crt" \
	"subjectAltName = DNS:sip.example.test"
issue "$OURS" edge edge.ours.test ec sha256 "$past" "$later" "${GOOD_EXT[@]}" \
	"subjectAltName = DNS:edge.ours.test"
cat "$OURS/edge.pem" "$OURS/inter.pem" >"$T/edge-chain.pem"
cat "$CA/root.pem" "$OURS/root.pem" >"$T/roots.pem"
for f in good other noclient; do
	[ -s "$CA/$f.pem" ] || { fail "cannot issue $f"; finish; exit 1; }
done

srv() { # VAR ADDR LEAF [s_server args...]
	local var=$1 addr=$2 leaf=$3; shift 3
	start_tls "$var" "$addr" "$CA/$leaf.pem" "$CA/$leaf.key" "$CA/inter.pem" "$@"
}
srv GOOD 127.0.0.1 good || exit 1
srv OTHER 127.0.0.1 other || exit 1
srv NOCLIENT 127.0.0.1 noclient || exit 1
# The second Edge of the pool, on another address: its leaf lacks the
# Client Authentication EKU, so that a probe of it is told from one of
# the first.
srv EDGE2 127.0.0.2 noclient || exit 1
# Without SNI (or with another name) other.example.test; with SNI
# sip.example.test, the good leaf: which one comes back says what was sent.
srv SNI 127.0.0.1 other -servername sip.example.test \
	-cert2 "$CA/good.pem" -key2 "$CA/good.key" || exit 1
start_fixture udpsilent || exit 1

cat >"$T/dns.conf" <<EOF
log-queries
host-record=sip.example.test,127.0.0.1
srv-host=_sipfederationtls._tcp.example.test,sip.example.test,$GOOD
EOF
start_dnsmasq "$T/dns.conf" || exit 1
DNSLOG=$T/dnsmasq.${DNS##*:}.log

check() { # check ARGS...: JSON on stdout, exit code in $?
	"$FEDCERT" check --dns-server "$DNS" --timeout 5 --format json "$@"
}
# The target's endpoints: "endpoints" in the first JSON format, "probes"
# from the second on (where "endpoints" counts them).
EPS='def eps: if (.probes | type) == "array" then .probes else .endpoints end;'
# The probe of a target: address|port|sni|host of each endpoint.
probes() { jq -r "$EPS"' select(.domain) | eps[] | "\(.address)|\(.port)|\(.sni)|\(.host)"' "$1"; }
# leaf FILE: the subject of the first endpoint's leaf.
leaf() { jq -r "$EPS"' select(.domain) | eps[0].chain[0].subject' "$1"; }
# severity ID FILE: the severity of a finding of the target, or nothing.
severity() { jq -r --arg id "$1" 'select(.domain) | .findings[] | select(.id == $id) | .severity' "$2" | head -n1; }
# The target's findings, as id severity endpoint lines, sorted.
findings() { jq -r 'select(.domain) | .findings[] | "\(.id) \(.severity) \(.endpoint)"' "$1" | sort; }
# asked NAME TYPE: how many times dnsmasq was asked TYPE of NAME so far.
asked() { grep -cF "query[$2] $1 from" "$DNSLOG"; }
# mark WORD: a question dnsmasq logs after every one asked before it, so
# that a count read after the mark has seen them all.
mark() {
	"$FEDCERT" check "$1.example.test:1" --dns-server "$DNS" --timeout 1 >/dev/null 2>&1
	wait_line "$DNSLOG" "query\[A\] $1\.example\.test from"
}

# 1. The name at an address, without DNS: judged as if DNS had said it.
check "sip.example.test:$GOOD" --type FED --ca-file "$T/roots.pem" >"$T/dns.json"
assert_eq "through DNS" 0 $?
mark one || fail "dnsmasq logs no question"
a_before=$(asked sip.example.test A)
assert_eq "DNS was asked for the name" 1 "$a_before"
check "sip.example.test:$GOOD" --connect-to 127.0.0.1 --type FED \
	--ca-file "$T/roots.pem" >"$T/ct.json"
assert_eq "--connect-to" 0 $?
mark two
assert_eq "--connect-to asks DNS nothing for the name" "$a_before" \
	"$(asked sip.example.test A)"
assert_eq "... nor AAAA" 1 "$(asked sip.example.test AAAA)"
assert_eq "probed at the address, under the name" \
	"127.0.0.1|$GOOD|sip.example.test|sip.example.test" "$(probes "$T/ct.json")"
assert_eq "type FED" FED "$(jq -r 'select(.domain) | .type' "$T/ct.json")"
assert_eq "the domain is the name" sip.example.test "$(jq -r 'select(.domain) | .domain' "$T/ct.json")"
assert_eq "no DNS answer stored" 0 "$(jq -r 'select(.domain) | .dns | length' "$T/ct.json")"
assert_eq "the name matches" info "$(severity name_match "$T/ct.json")"
assert_eq "no name_mismatch" "" "$(severity name_mismatch "$T/ct.json")"
assert_eq "trusted through --ca-file" "" "$(severity untrusted_chain "$T/ct.json")"
assert_eq "PASS" PASS "$(jq -r 'select(.domain) | .status' "$T/ct.json")"
findings "$T/dns.json" >"$T/dns.findings"
findings "$T/ct.json" >"$T/ct.findings"
assert_eq "the same findings as through DNS" "$(cat "$T/dns.findings")" "$(cat "$T/ct.findings")"
[ -s "$T/ct.findings" ] || fail "no findings at all"
assert_eq "the same endpoint as through DNS" "$(probes "$T/dns.json")" "$(probes "$T/ct.json")"

# No resolver at all: a DNS server that never answers is never asked.
"$FEDCERT" check "sip.example.test:$GOOD" --connect-to 127.0.0.1 --format json \
	--dns-server "127.0.0.1:$FIX_UDPSILENT" --dns-timeout 2 --dns-tries 1 \
	--ca-file "$T/roots.pem" >"$T/silent.json"
assert_eq "with a silent DNS server" 0 $?
assert_eq "... PASS" PASS "$(jq -r 'select(.domain) | .status' "$T/silent.json")"
"$FEDCERT" check "sip.example.test:$GOOD" --format json --dns-server "127.0.0.1:$FIX_UDPSILENT" \
	--dns-timeout 0.2 --dns-tries 1 >"$T/silent-dns.json"
# (and, nothing coming back to any question, found our resolver down:
# not the partner's failure, issue 20).
assert_eq "without --connect-to it would have asked" warning \
	"$(severity not_probed "$T/silent-dns.json")"

# ADDR:PORT: that port instead of HOST's.
check "sip.example.test:1" --connect-to "127.0.0.1:$GOOD" >"$T/port.json"
assert_eq "--connect-to ADDR:PORT" \
	"127.0.0.1|$GOOD|sip.example.test|sip.example.test" "$(probes "$T/port.json")"
assert_eq "... reaches the server" "" "$(severity connect_failed "$T/port.json")"

# 2. Another name's certificate: the name asked for is judged.
check "sip.example.test:$OTHER" --connect-to 127.0.0.1 >"$T/other.json"
assert_eq "name_mismatch" error "$(severity name_mismatch "$T/other.json")"
assert_contains "it names the name asked" "$T/other.json" "sip.example.test is not in the SAN list"

# 3. --type: no Client Authentication EKU is an error for FED, a warning
#    for DIR (the default).
check "sip.example.test:$NOCLIENT" --connect-to 127.0.0.1 --type fed >"$T/fed.json"
assert_eq "--type fed: FED" FED "$(jq -r 'select(.domain) | .type' "$T/fed.json")"
assert_eq "--type FED: no_client_auth_eku is an error" error \
	"$(severity no_client_auth_eku "$T/fed.json")"
assert_eq "... and the target fails" FAIL "$(jq -r 'select(.domain) | .status' "$T/fed.json")"
assert_eq "--type FED is probed at HOST: no SRV question" 0 \
	"$(asked _sipfederationtls._tcp.sip.example.test SRV)"
check "sip.example.test:$NOCLIENT" --connect-to 127.0.0.1 >"$T/dir.json"
assert_eq "no --type: DIR" DIR "$(jq -r 'select(.domain) | .type' "$T/dir.json")"
assert_eq "DIR: no_client_auth_eku is a warning" warning \
	"$(severity no_client_auth_eku "$T/dir.json")"
check "127.0.0.1:$NOCLIENT" --type FED >"$T/fedaddr.json"
assert_eq "--type FED on an address" error "$(severity no_client_auth_eku "$T/fedaddr.json")"
# A name that does not resolve, checked as FED: its host is unresolved,
# not its SRV record missing (none was asked).
check "nowhere.example.test:$GOOD" --type FED >"$T/nowhere.json"
assert_eq "FED host unresolved" error "$(severity host_unresolved "$T/nowhere.json")"
assert_eq "... no srv_missing" "" "$(severity srv_missing "$T/nowhere.json")"

# 4. --sni on an address: the server answers the name sent.
check "127.0.0.1:$SNI" --sni Sip.Example.Test. >"$T/sni.json"
assert_eq "--sni" 0 $?
assert_eq "the name is sent (lowercase, no dot)" "127.0.0.1|$SNI|sip.example.test|127.0.0.1" \
	"$(probes "$T/sni.json")"
assert_eq "the server chose the name's certificate" "CN=sip.example.test" \
	"$(leaf "$T/sni.json")"
assert_eq "and it matches" info "$(severity name_match "$T/sni.json")"
check "127.0.0.1:$SNI" >"$T/nosni.json"
assert_eq "without --sni, no name: the other certificate" "CN=other.example.test" \
	"$(leaf "$T/nosni.json")"
check "127.0.0.1:$SNI" --sni other.example.test >"$T/sni-other.json"
assert_eq "--sni another name" "CN=other.example.test" \
	"$(leaf "$T/sni-other.json")"
check "sip.example.test:$SNI" --connect-to 127.0.0.1 >"$T/sni-ct.json"
assert_eq "--connect-to sends the name too" "CN=sip.example.test" \
	"$(leaf "$T/sni-ct.json")"

# 5. --fed with --connect-to: the SRV record is asked, as a partner asks
#    it; its target is probed at the address given, not at its own.
srv_before=$(asked _sipfederationtls._tcp.example.test SRV)
check --fed example.test >"$T/fed-dns.json"
assert_eq "--fed through DNS" "127.0.0.1|$GOOD|sip.example.test|sip.example.test" \
	"$(probes "$T/fed-dns.json")"
mark three
a_before=$(asked sip.example.test A)
check --fed example.test --connect-to "127.0.0.2:$EDGE2" >"$T/fed-ct.json"
assert_eq "--fed --connect-to" 0 $?
mark four
assert_eq "the SRV record is asked each time" $((srv_before + 2)) \
	"$(asked _sipfederationtls._tcp.example.test SRV)"
assert_eq "its target's address is not" "$a_before" "$(asked sip.example.test A)"
assert_eq "the SRV target at the address given" \
	"127.0.0.2|$EDGE2|sip.example.test|sip.example.test" "$(probes "$T/fed-ct.json")"
assert_eq "the SRV answer is kept" _sipfederationtls._tcp.example.test \
	"$(jq -r 'select(.domain) | .dns[] | select(.type == "SRV") | .name' "$T/fed-ct.json")"
assert_eq "judged as FED: that Edge's missing EKU is an error" error \
	"$(severity no_client_auth_eku "$T/fed-ct.json")"
check --fed example.test --connect-to 127.0.0.1 >"$T/fed-ct1.json"
assert_eq "without a port, the SRV record's" \
	"127.0.0.1|$GOOD|sip.example.test|sip.example.test" "$(probes "$T/fed-ct1.json")"

# 6. Our own certificate is judged against --ca-file too, as report does.
check "sip.example.test:$GOOD" --connect-to 127.0.0.1 --ca-file "$T/roots.pem" \
	--client-cert "$T/edge-chain.pem" --client-key "$OURS/edge.key" \
	--db "$T/self.db" >"$T/self.json"
assert_eq "check with our certificate" 0 $?
assert_eq "self: PASS" PASS "$(jq -r 'select(.self) | .self.status' "$T/self.json")"
assert_eq "self: no untrusted_chain" "" \
	"$(jq -r 'select(.self) | .self.findings[] | select(.id == "untrusted_chain") | .id' "$T/self.json")"
"$FEDCERT" report --db "$T/self.db" --ca-file "$T/roots.pem" --format json >"$T/self-report.json"
assert_eq "report --ca-file says the same of it" \
	"$(jq -c 'select(.self) | .self | {status, findings}' "$T/self-report.json")" \
	"$(jq -c 'select(.self) | .self | {status, findings}' "$T/self.json")"

# 7. A target that is not one: a usage error naming the argument; nothing
#    probed, no database created, no internal file name.
bad() { # WHAT EXPECTED-TEXT ARGS...
	local what=$1 text=$2; shift 2
	rm -f "$T/bad.db"
	"$FEDCERT" check "$@" --db "$T/bad.db" >"$T/bad.out" 2>"$T/bad.err"
	assert_eq "$what: exit 2" 2 $?
	assert_contains "$what: says why" "$T/bad.err" "$text"
	if grep -qE 'fedcert check:[0-9]' "$T/bad.err"; then
		fail "$what: an internal file name: $(cat "$T/bad.err")"
	else
		ok
	fi
	[ -e "$T/bad.db" ] && fail "$what: a database was created" || ok
}
bad "bad port" 'fedcert check: "127.0.0.1:99999": bad port "99999" (1-65535)' 127.0.0.1:99999
bad "port 0" 'bad port "0" (1-65535)' sip.example.test:0
bad "empty host" '":5061": empty domain' :5061
bad "bad host" '"a..b": invalid domain name "a..b"' a..b
bad "bad IPv6 port" '"[::1]:x": bad port "x" (1-65535)' '[::1]:x'
bad "an address after --fed" '--fed "192.0.2.1": an IP address is not a SIP domain' --fed 192.0.2.1
bad "--connect-to a name" '--connect-to takes an IP address' sip.example.test --connect-to sip.example.test
bad "--connect-to a bad port" '--connect-to takes an IP address' sip.example.test --connect-to 127.0.0.1:99999
bad "--connect-to to an address" '"127.0.0.1" is an address already' 127.0.0.1 --connect-to 127.0.0.2
bad "--sni an address" '--sni takes a host name' 127.0.0.1 --sni 127.0.0.2
bad "--sni with --fed" '--sni goes with HOST' --fed example.test --sni sip.example.test
bad "--type with --fed" '--type goes with HOST' --fed example.test --type FED
bad "--type unknown" '--type must be FED, SIP, SIPINT or DIR, not "PSTN"' sip.example.test --type PSTN

finish
