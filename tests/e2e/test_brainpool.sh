#!/usr/bin/env bash
# Chains on brainpool curves (BSI TR-02102-2, found in European public-sector
# SIP) are captured and judged, not lost to alert 40. A TLS 1.2 server may
# only use an ECDSA certificate whose curve the client named in
# supported_groups (RFC 8422, 4 and 5.3); OpenSSL's default list names no
# brainpool curve, so a scanner offering only the defaults never saw these
# chains. Three servers: a chain brainpool from end to end (leaf P256r1,
# issuing CA P384r1, root P512r1) whose server takes only brainpoolP256r1 for
# the key exchange; a brainpoolP384r1 leaf under the usual P-256 test CA,
# TLS 1.2 only; and an ordinary P-256 server, where the ClientHello still
# names X25519 then P-256 first, sends one key share (X25519), and X25519 is
# what is negotiated.
. "$E2E_DIR/lib.sh"

# make_bp_ca DIR: root (brainpoolP512r1) and issuing CA (brainpoolP384r1).
make_bp_ca() {
	local d=$1
	mkdir -p "$d"
	cat >"$d/ext.cnf" <<'CNF'
[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[inter]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
	openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:brainpoolP512r1 \
		-nodes -keyout "$d/root.key" -out "$d/root.pem" -days 3650 -sha512 \
		-subj "/O=fedcert tests/CN=fedcert Brainpool Root" \
		-config "$d/ext.cnf" -extensions ca 2>/dev/null &&
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:brainpoolP384r1 -nodes \
		-keyout "$d/inter.key" -out "$d/inter.csr" \
		-subj "/O=fedcert tests/CN=fedcert Brainpool Issuing CA" 2>/dev/null &&
	openssl x509 -req -in "$d/inter.csr" -CA "$d/root.pem" -CAkey "$d/root.key" \
		-CAcreateserial -days 1825 -sha512 -extfile "$d/ext.cnf" -extensions inter \
		-out "$d/inter.pem" 2>/dev/null
}

# make_curve_leaf CADIR NAME CURVE HOST: NAME.pem/NAME.key, a leaf on CURVE
# for HOST, signed by CADIR's issuing CA.
make_curve_leaf() {
	local d=$1 name=$2 curve=$3 host=$4
	cat >"$d/$name.cnf" <<CNF
[leaf]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:$host
crlDistributionPoints = URI:http://crl.fedcert.test/inter.crl
authorityInfoAccess = OCSP;URI:http://ocsp.fedcert.test
CNF
	openssl req -new -newkey ec -pkeyopt "ec_paramgen_curve:$curve" -nodes \
		-keyout "$d/$name.key" -out "$d/$name.csr" -subj "/CN=$host" 2>/dev/null &&
	openssl x509 -req -in "$d/$name.csr" -CA "$d/inter.pem" -CAkey "$d/inter.key" \
		-CAcreateserial -days 200 -sha384 -extfile "$d/$name.cnf" -extensions leaf \
		-out "$d/$name.pem" 2>/dev/null
}

make_bp_ca "$T/bp" || { fail "cannot make the brainpool CA"; finish; exit 1; }
make_curve_leaf "$T/bp" leaf brainpoolP256r1 sip.bp.test || exit 1
make_ca "$T/ca"
make_curve_leaf "$T/ca" bp384 brainpoolP384r1 sip.bp384.test || exit 1
make_curve_leaf "$T/ca" plain P-256 sip.plain.test || exit 1
cat "$T/bp/root.pem" "$T/ca/root.pem" >"$T/roots.pem"
assert_contains "the leaf is on brainpoolP256r1" \
	<(openssl x509 -in "$T/bp/leaf.pem" -noout -text) "brainpoolP256r1"
assert_contains "its issuer signs with a brainpoolP384r1 key" \
	<(openssl x509 -in "$T/bp/inter.pem" -noout -text) "brainpoolP384r1"

start_tls BP 127.0.0.1 "$T/bp/leaf.pem" "$T/bp/leaf.key" "$T/bp/inter.pem" \
	-groups brainpoolP256r1 || exit 1
start_tls BP384 127.0.0.1 "$T/ca/bp384.pem" "$T/ca/bp384.key" "$T/ca/inter.pem" \
	-tls1_2 -groups brainpoolP384r1 || exit 1
# The ordinary server traces the one handshake it takes, then exits, so
# that its trace is complete when we read it.
start_tls PLAIN 127.0.0.1 "$T/ca/plain.pem" "$T/ca/plain.key" "$T/ca/inter.pem" \
	-naccept 1 -trace -msgfile "$T/plain.trace" || exit 1
PLAIN_PID=${PIDS[-1]}

cat >"$T/dns.conf" <<CONF
host-record=sip.bp.test,127.0.0.1
host-record=sip.bp384.test,127.0.0.1
host-record=sip.plain.test,127.0.0.1
CONF
start_dnsmasq "$T/dns.conf" || exit 1
printf 'Domain,Type,Port\nsip.bp.test,DIR,%s\nsip.bp384.test,DIR,%s\nsip.plain.test,DIR,%s\n' \
	"$BP" "$BP384" "$PLAIN" >"$T/partners.csv"
DB="$T/audit.db"
"$FEDCERT" scan "$T/partners.csv" --db "$DB" --ca-file "$T/roots.pem" \
	--dns-server "$DNS" --ipv4-only --timeout 5 --quiet 2>"$T/scan.err"
assert_eq "scan exit code" 0 $?
"$FEDCERT" report --db "$DB" --format json >"$T/report.json"

# probe HOST JQ: one field of the probe of HOST in the JSON report.
probe() { jq -r --arg h "$1" ".probes[] | select(.host == \$h) | $2" "$T/report.json"; }

for h in sip.bp.test sip.bp384.test; do
	assert_eq "$h: no handshake failure" "null|null" "$(probe $h .error_kind)|$(probe $h .reason)"
	assert_eq "$h: TLS 1.2 (OpenSSL 3.0 has no brainpool for TLS 1.3)" TLSv1.2 "$(probe $h .tls_version)"
	assert_eq "$h: leaf and issuing CA captured" 2 "$(probe $h '.chain | length')"
	assert_eq "$h: the chain verifies" "0|ok" "$(probe $h '"\(.verify.code)|\(.verify.reason)"')"
	assert_eq "$h: judged, it passes" "PASS|name_match" \
		"$(probe $h '"\(.status)|\(.finding_ids | join(","))"')"
	assert_eq "$h: the leaf is $h's" "CN=$h" "$(probe $h '.chain[0].subject')"
done
assert_eq "sip.bp.test: its brainpool root" "CN=fedcert Brainpool Root,O=fedcert tests" \
	"$(probe sip.bp.test .root)"
assert_eq "sip.bp.test: the leaf's key" "EC|256" "$(probe sip.bp.test '"\(.chain[0].key_type)|\(.chain[0].key_bits)"')"
assert_eq "sip.bp384.test: the leaf's key" "EC|384" "$(probe sip.bp384.test '"\(.chain[0].key_type)|\(.chain[0].key_bits)"')"
assert_eq "sip.plain.test: judged, it passes" "PASS|TLSv1.3" "$(probe sip.plain.test '"\(.status)|\(.tls_version)"')"

# The ordinary server's view of our ClientHello: X25519 then P-256 first,
# brainpool offered, one key share and it is X25519's; and X25519 chosen.
wait "$PLAIN_PID" 2>/dev/null
hello=$(sed -n '/ClientHello, Length/,/^Sent Record/p' "$T/plain.trace")
groups=$(printf '%s\n' "$hello" | sed -n '/supported_groups/,/extension_type/p' |
	sed -n 's/^ *\([a-zA-Z0-9_]*\) .*(\([0-9]*\))$/\1/p' | paste -sd' ')
assert_eq "X25519 and P-256 are offered first" "ecdh_x25519 secp256r1" "$(echo "$groups" | cut -d' ' -f1-2)"
for g in brainpoolP256r1 brainpoolP384r1 brainpoolP512r1 ecdh_x448 secp384r1 secp521r1 ffdhe2048; do
	case " $groups " in *" $g "*) ok ;; *) fail "$g not offered: [$groups]" ;; esac
done
assert_eq "one key share, X25519's" "ecdh_x25519" \
	"$(printf '%s\n' "$hello" | sed -n 's/^ *NamedGroup: \([a-z0-9_]*\) .*/\1/p' | paste -sd' ')"
assert_eq "X25519 is negotiated" "ecdh_x25519" \
	"$(sed -n '/ServerHello, Length/,/^Sent Record\|^Received Record/p' "$T/plain.trace" |
		sed -n 's/^ *NamedGroup: \([a-z0-9_]*\) .*/\1/p' | head -n1)"

finish
