#!/usr/bin/env bash
# `fedcert inspect FILE` on certificate files made with the openssl
# CLI: the question before installing a renewed certificate on the Edge.
# Text and JSON output, the finding ids, exit codes (0, 1 for a file that
# is not a certificate, 2 for usage, 3 with --fail-on), PEM and DER, with
# no network and no database.
. "$E2E_DIR/lib.sh"

CA="$T/ca"
make_ca "$CA"
past=$(days_from -10); later=$(days_from 200)
SAN="subjectAltName = DNS:sip.contoso.test"
issue "$CA" good sip.contoso.test ec sha256 "$past" "$later" "${GOOD_EXT[@]}" "$SAN"
issue "$CA" noclient sip.contoso.test ec sha256 "$past" "$later" \
	"basicConstraints = critical, CA:false" "keyUsage = critical, digitalSignature" \
	"extendedKeyUsage = serverAuth" \
	"crlDistributionPoints = URI:http://crl.fedcert.test/inter.crl" \
	"authorityInfoAccess = OCSP;URI:http://ocsp.fedcert.test" "$SAN"
issue "$CA" expired sip.contoso.test ec sha256 "$(days_from -100)" "$(days_from -1)" \
	"${GOOD_EXT[@]}" "$SAN"
issue "$CA" weak sip.contoso.test rsa1024 sha1 "$past" "$later" "${GOOD_EXT[@]}" "$SAN"
for n in good noclient expired weak; do
	cat "$CA/$n.pem" "$CA/inter.pem" >"$T/$n-chain.pem"
done
openssl x509 -in "$CA/good.pem" -outform DER -out "$T/good.der"
openssl x509 -in "$CA/inter.pem" -outform DER -out "$T/inter.der"
cat "$T/good.der" "$T/inter.der" >"$T/good-chain.der"

inspect() { "$FEDCERT" inspect "$@" --ca-file "$CA/root.pem"; }
ids() { jq -r '[.findings[].id] | join(" ")' "$1"; }
sev() { jq -r --arg id "$2" '.findings[] | select(.id == $id) | .severity' "$1"; }

# 1. The good certificate: PASS, nothing to say but the name.
inspect "$T/good-chain.pem" --name sip.contoso.test >"$T/good.txt"
assert_eq "good: exit 0" 0 $?
assert_contains "good: the file's block" "$T/good.txt" "Checking certificate file: $T/good-chain.pem"
assert_contains "good: judged as FED" "$T/good.txt" "Judged as: FED, name sip.contoso.test"
assert_contains "good: verified" "$T/good.txt" "Chain Verification: OK"
assert_contains "good: PASS" "$T/good.txt" "Result: PASS (0 errors, 0 warnings)"
assert_not_contains "good: no network block" "$T/good.txt" "Checking IP Address"
inspect "$T/good-chain.pem" --name sip.contoso.test --format json --fail-on warning >"$T/good.json"
assert_eq "good: --fail-on warning, nothing to fail on" 0 $?
assert_eq "good: one JSON line" 1 "$(wc -l <"$T/good.json")"
assert_eq "good: ids" "name_match" "$(ids "$T/good.json")"
assert_eq "good: keys" "$T/good-chain.pem|null|sip.contoso.test|FED|PASS|2|0" \
	"$(jq -r '"\(.file)|\(.scan)|\(.domain)|\(.type)|\(.status)|\(.probes[0].chain | length)|\(.probes[0].verify.code)"' "$T/good.json")"

# 2. DER, one certificate after the other: the same verdict.
inspect "$T/good-chain.der" --name sip.contoso.test --format json >"$T/der.json"
assert_eq "DER: exit 0" 0 $?
assert_eq "DER: same status" "PASS" "$(jq -r .status "$T/der.json")"
assert_eq "DER: same leaf" "$(jq -r '.probes[0].chain[0].sha256' "$T/good.json")" \
	"$(jq -r '.probes[0].chain[0].sha256' "$T/der.json")"

# 3. The 2026 failure: no Client Authentication. An error for FED (the
#    default), a warning for SIP; --fail-on error exits 3.
inspect "$T/noclient-chain.pem" --name sip.contoso.test --format json --fail-on error >"$T/noclient.json"
assert_eq "no clientAuth: --fail-on error exits 3" 3 $?
assert_eq "no clientAuth: an error for FED" "error" "$(sev "$T/noclient.json" no_client_auth_eku)"
inspect "$T/noclient-chain.pem" --name sip.contoso.test --type SIP --format json --fail-on error >"$T/noclient-sip.json"
assert_eq "no clientAuth, SIP: nothing at error" 0 $?
assert_eq "no clientAuth, SIP: a warning" "warning" "$(sev "$T/noclient-sip.json" no_client_auth_eku)"
inspect "$T/noclient-chain.pem" --name sip.contoso.test >"$T/noclient.txt"
assert_contains "no clientAuth: text comment" "$T/noclient.txt" "[error] no_client_auth_eku:"
assert_contains "no clientAuth: FAIL" "$T/noclient.txt" "Result: FAIL"

# 4. Other certificate defects.
inspect "$T/expired-chain.pem" --name sip.contoso.test --format json >"$T/expired.json"
case " $(ids "$T/expired.json") " in *" expired "*) ok ;; *) fail "expired: $(ids "$T/expired.json")" ;; esac
inspect "$T/weak-chain.pem" --name sip.contoso.test --format json >"$T/weak.json"
case " $(ids "$T/weak.json") " in *" weak_signature weak_key "*) ok ;; *) fail "weak: $(ids "$T/weak.json")" ;; esac
inspect "$CA/good.pem" --name sip.contoso.test --format json >"$T/alone.json"
case " $(ids "$T/alone.json") " in *" incomplete_chain "*) ok ;; *) fail "leaf alone: $(ids "$T/alone.json")" ;; esac
inspect "$T/good-chain.pem" --name sip.fabrikam.test --format json >"$T/name.json"
case " $(ids "$T/name.json") " in *" name_mismatch "*) ok ;; *) fail "wrong name: $(ids "$T/name.json")" ;; esac
cat "$CA/good.pem" "$CA/inter.pem" "$CA/root.pem" >"$T/with-root.pem"
inspect "$T/with-root.pem" --name sip.contoso.test --format json >"$T/root.json"
case " $(ids "$T/root.json") " in *" root_sent "*) ok ;; *) fail "root sent: $(ids "$T/root.json")" ;; esac
inspect "$T/good-chain.pem" --format json >"$T/noname.json"
assert_eq "no --name: names not checked" "" "$(ids "$T/noname.json")"

# 5. The views.
inspect "$T/good-chain.pem" --name sip.contoso.test --advanced --chain >"$T/views.txt"
assert_contains "--advanced" "$T/views.txt" "Extensions:"
assert_contains "--chain" "$T/views.txt" "Chain:"

# 6. Errors: a clear message naming the file (exit 1), usage (exit 2).
"$FEDCERT" inspect "$T/nope.pem" 2>"$T/err"
assert_eq "missing file: exit 1" 1 $?
assert_contains "missing file: named" "$T/err" "$T/nope.pem"
"$FEDCERT" inspect "$CA/good.key" 2>"$T/err"
assert_eq "a key: exit 1" 1 $?
assert_contains "a key: not a certificate" "$T/err" "not a certificate"
assert_contains "a key: named" "$T/err" "$CA/good.key"
"$FEDCERT" inspect "$T/good-chain.pem" --ca-file "$T/no-roots.pem" 2>"$T/err"
assert_eq "missing trust store: exit 1" 1 $?
assert_contains "missing trust store: named" "$T/err" "no-roots.pem"
"$FEDCERT" inspect 2>/dev/null
assert_eq "no file: usage" 2 $?
# Several files: each judged in turn, one JSON line each; one missing is
# named, the next judged all the same, and the exit says one failed.
inspect "$T/good-chain.pem" "$T/nope.pem" "$CA/good.pem" --format json >"$T/several.json" 2>"$T/err"
assert_eq "several files, one missing: exit 1" 1 $?
assert_eq "several files: a line for each judged" "$T/good-chain.pem|$CA/good.pem" \
	"$(jq -r .file "$T/several.json" | paste -sd'|')"
assert_eq "several files: the missing one named, once" 1 "$(grep -c "^fedcert inspect: $T/nope.pem: " "$T/err")"
"$FEDCERT" inspect "$T/good-chain.pem" --format csv 2>/dev/null
assert_eq "csv: usage" 2 $?
"$FEDCERT" inspect "$T/good-chain.pem" --type PSTN 2>/dev/null
assert_eq "bad --type: usage" 2 $?
# A CRL Distribution Point no partner can fetch is none: a certificate made
# by others (python3-cryptography-vectors) whose only one is an LDAP URI
# without a host, as Active Directory writes them.
V=/usr/lib/python3/dist-packages/cryptography_vectors/x509/custom/cdp_empty_hostname.pem
if [ -f "$V" ]; then
	"$FEDCERT" inspect "$V" --format json >"$T/cdp.json"
	assert_eq "an LDAP CRL DP without a host: no_crl_distribution_point" \
		'the leaf (O=PyCA) has no CRL Distribution Point URL a partner can fetch: it gives "ldap:///CN=A,OU=B,dc=C,DC=D?E?F?G?H=I" (LDAP without a host: only the issuer'"'"'s own directory answers it)' \
		"$(jq -r '.. | objects | select(.id? == "no_crl_distribution_point") | .message' "$T/cdp.json" | head -1)"
else
	fail "python3-cryptography-vectors is not installed (scripts/deps installs it)"
fi
"$FEDCERT" inspect --help >"$T/help.txt"
assert_eq "--help" 0 $?
assert_contains "help names --name" "$T/help.txt" "--name FQDN"

finish
