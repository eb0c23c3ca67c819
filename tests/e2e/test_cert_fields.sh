#!/usr/bin/env bash
# One certificate, one description: `fedcert inspect FILE` and `fedcert
# report` on a scan that captured the same certificate give the same value
# for every certificate field both show (fingerprints, subject, issuer,
# serial, validity, signature algorithm, key type and size, version). Over
# certificates made by others (Debian's python3-cryptography-vectors) that
# are odd in the ways real partners' are: an unknown key type, a negative
# serial, version 1 without extensions, an invalid version, MD2 and MD5,
# RSA-PSS, Ed448, DSA, explicit EC parameters, UTF-8 names, an alternate
# SHA-1 OID, and an unknown signature algorithm (made here from one of
# them). The scan captures them as a server's chain: OpenSSL at security
# level 0 sends them as they are.
. "$E2E_DIR/lib.sh"

V=/usr/lib/python3/dist-packages/cryptography_vectors/x509
[ -d "$V" ] || { fail "python3-cryptography-vectors is not installed (scripts/deps installs it)"; finish; exit 1; }

ODD=(custom/unsupported_subject_public_key_info.pem custom/negative_serial.pem
	v1_cert.pem custom/invalid_version.pem verisign_md2_root.pem
	custom/rsa_pss_cert.pem ed448/root-ed448.pem custom/dsa_selfsigned_ca.pem
	custom/ec_no_named_curve.pem custom/utf8_common_name.pem)
mkdir -p "$T/odd"
n=0
for f in "${ODD[@]}"; do
	n=$((n + 1))
	cp "$V/$f" "$T/odd/$n.pem"
done
n=$((n + 1))
openssl x509 -inform DER -in "$V/custom/alternate-rsa-sha1-oid.der" -out "$T/odd/$n.pem"
# sha256WithRSAEncryption (1.2.840.113549.1.1.11) becomes 1.2.840.113549.1.1.127,
# an algorithm nobody knows, in both places the certificate names it.
n=$((n + 1))
openssl x509 -in "$V/custom/negative_serial.pem" -outform DER |
	perl -0777 -pe 's/\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0b/\x2a\x86\x48\x86\xf7\x0d\x01\x01\x7f/g' |
	openssl x509 -inform DER -out "$T/odd/$n.pem"
assert_contains "the unknown algorithm is there" <(openssl x509 -in "$T/odd/$n.pem" -noout -text) \
	"Signature Algorithm: 1.2.840.113549.1.1.127"
for i in $(seq 1 "$n"); do cat "$T/odd/$i.pem"; done >"$T/chain.pem"

make_self_signed "$T" leaf sip.odd.test
start_tls ODD 127.0.0.1 "$T/leaf.pem" "$T/leaf.key" "$T/chain.pem" -cipher 'DEFAULT:@SECLEVEL=0' || exit 1
start_fixture udpsilent || exit 1
printf 'Domain,Type,Port\n127.0.0.1,DIR,%s\n' "$ODD" >"$T/odd.csv"
"$FEDCERT" scan "$T/odd.csv" --db "$T/odd.db" --dns-server "127.0.0.1:$FIX_UDPSILENT" --timeout 3 --quiet
assert_eq "scan" 0 $?
"$FEDCERT" report --db "$T/odd.db" --format json >"$T/report.json"
assert_eq "every certificate captured, after the leaf" $((n + 1)) \
	"$(jq '.probes[0].chain | length' "$T/report.json")"

# The fields of a chain item, one per line, in a fixed order.
FIELDS='[.sha256, .thumbprint, .subject, .issuer, .not_before, .not_after, .serial,
	.signature_algorithm, .key_type, .key_bits, .x509_version] | map(tostring) | .[]'
for i in $(seq 1 "$n"); do
	jq -r --argjson i "$i" ".probes[0].chain[\$i] | $FIELDS" "$T/report.json" >"$T/report.$i"
	"$FEDCERT" inspect "$T/odd/$i.pem" --format json >"$T/inspect.$i.json"
	rc=$?
	[ "$rc" = 0 ] || [ "$rc" = 3 ] && ok || fail "inspect $i.pem: exit $rc"
	jq -r ".probes[0].chain[0] | $FIELDS" "$T/inspect.$i.json" >"$T/inspect.$i"
	assert_eq "${ODD[$((i - 1))]:-the certificate $i}: inspect and report agree" \
		"$(cat "$T/report.$i")" "$(cat "$T/inspect.$i")"
done

# What the odd ones are, as both show them.
field() { jq -r --argjson i "$1" ".probes[0].chain[\$i].$2" "$T/report.json"; }
assert_eq "an unknown key type: no type, no size" "null|null" "$(field 1 key_type)|$(field 1 key_bits)"
assert_eq "a negative serial" "-04316693ED" "$(field 2 serial)"
assert_eq "version 1" 1 "$(field 3 x509_version)"
assert_eq "an invalid version: unknown" null "$(field 4 x509_version)"
assert_eq "an unknown signature algorithm: its OID" "1.2.840.113549.1.1.127" "$(field "$n" signature_algorithm)"
assert_eq "UTF-8 kept" "CN=We heart UTF8!™" "$(field 10 subject)"

# And the text report says the same of them as inspect's text.
"$FEDCERT" report --db "$T/odd.db" --chain >"$T/report.txt"
"$FEDCERT" inspect "$T/odd/$n.pem" --chain >"$T/inspect.txt"
for line in "Signature Algorithm: 1.2.840.113549.1.1.127" "Serial Number: -04316693ED"; do
	assert_contains "report text: $line" "$T/report.txt" "$line"
	assert_contains "inspect text: $line" "$T/inspect.txt" "$line"
done

finish
