#!/usr/bin/env bash
# Certificates made by others: every file of Debian's
# python3-cryptography-vectors x509/ directory (1,743 files: certificates in
# PEM and DER, the NIST PKITS suite, CRLs, PKCS#12, S/MIME, odd real-world
# certificates) through `fedcert inspect`: no crash, no hang, every JSON line
# parses and names its file, every other file is refused with a message
# naming it, and a file refused is one OpenSSL cannot read a certificate
# from either. Under scripts/test this runs again in the sanitizer build.
#
# Then the NIST PKITS path validation tests whose verdict needs neither
# revocation nor policy processing (tests/e2e/pkits_chains.py says which and
# why): fedcert's chain verdict (the verification inspect shows, and the
# chain findings beside it) agrees with Valid/Invalid in the test's name.
. "$E2E_DIR/lib.sh"

V=/usr/lib/python3/dist-packages/cryptography_vectors/x509
[ -d "$V" ] || { fail "python3-cryptography-vectors is not installed (scripts/deps installs it)"; finish; exit 1; }

mkdir -p "$T/pkits"
python3 "$E2E_DIR/pkits_chains.py" "$V/PKITS_data/certs" "$T/pkits" >"$T/pkits.counts" ||
	{ fail "pkits_chains.py"; finish; exit 1; }
ANCHOR=$T/pkits/anchor.pem

# ---- 1. Every file --------------------------------------------------------

# Batches of 100 files, one inspect each, two at a time; a batch that
# neither ends in time nor exits 0, 1 or 3 is run again file by file to name
# the culprit.
BATCH_TIMEOUT=240
FILE_TIMEOUT=30
find "$V" -type f | LC_ALL=C sort >"$T/files"
total=$(wc -l <"$T/files")
mkdir -p "$T/all"
split -l 100 -d -a 3 "$T/files" "$T/all/batch."
export FEDCERT ANCHOR BATCH_TIMEOUT
ls "$T"/all/batch.* | xargs -P 2 -n 1 bash -c '
	mapfile -t files <"$1"
	timeout "$BATCH_TIMEOUT" "$FEDCERT" inspect "${files[@]}" --format json \
		--ca-file "$ANCHOR" >"$1.json" 2>"$1.err"
	echo $? >"$1.rc"' _

for b in "$T"/all/batch.???; do
	rc=$(cat "$b.rc")
	case "$rc" in
	0 | 1 | 3) ok ;;
	*)
		fail "$(basename "$b"): exit $rc (124: a hang)"
		while read -r f; do
			timeout "$FILE_TIMEOUT" "$FEDCERT" inspect "$f" --format json \
				--ca-file "$ANCHOR" >/dev/null 2>&1
			frc=$?
			case "$frc" in 0 | 1 | 3) ;; *) fail "$f: exit $frc (124: a hang)" ;; esac
		done <"$b"
		;;
	esac
done

# Every file is accounted for once: judged (a JSON line naming it) or
# refused (one message naming it); nothing else is written.
python3 - "$T/all" >"$T/accounts" 2>&1 <<'PY'
import glob, json, os, sys
judged, refused, bad = [], [], []
for b in sorted(glob.glob(os.path.join(sys.argv[1], "batch.???"))):
    files = open(b).read().split("\n")[:-1]
    seen = {}
    for n, line in enumerate(open(b + ".json", encoding="utf-8", errors="replace")):
        try:
            o = json.loads(line)
            f = o["file"]
            chain = o["probes"][0]["chain"]
            assert isinstance(chain, list) and len(chain) >= 1
            assert isinstance(o["findings"], list)
        except Exception as e:
            bad.append(f"{b}.json line {n + 1}: not a judged file's JSON ({e!r})")
            continue
        seen[f] = seen.get(f, 0) + 1
        judged.append((f, len(chain)))
    for line in open(b + ".err", encoding="utf-8", errors="replace"):
        line = line.rstrip("\n")
        f = next((f for f in files if line.startswith(f"fedcert inspect: {f}: ")), None)
        if f is None:
            bad.append(f"{b}.err: a line naming no file of the batch: {line!r}")
            continue
        seen[f] = seen.get(f, 0) + 1
        refused.append(f)
    for f in files:
        if seen.get(f, 0) != 1:
            bad.append(f"{f}: accounted for {seen.get(f, 0)} times")
for line in bad:
    print("BAD " + line)
for f, n in judged:
    print(f"JUDGED {n} {f}")
for f in refused:
    print(f"REFUSED {f}")
PY
assert_eq "the accounts were made" 0 $?
while read -r line; do fail "$line"; done < <(sed -n 's/^BAD //p' "$T/accounts")
njudged=$(grep -c '^JUDGED ' "$T/accounts")
nrefused=$(grep -c '^REFUSED ' "$T/accounts")
assert_eq "every file judged or refused" "$total" $((njudged + nrefused))
# The 405 PKITS certificates (DER) are certificates: all judged.
ncrt=$(grep -c '/PKITS_data/certs/.*\.crt$' "$T/files")
assert_eq "every PKITS certificate judged" "$ncrt" \
	"$(grep -c '^JUDGED .*/PKITS_data/certs/.*\.crt$' "$T/accounts")"
# The odd ones the issue names are judged, not refused: a bit-string DN, an
# MD2 root, X.400 and EDI party SANs, a UTF-8 DNS name, version 1, unique
# identifiers, bigoid.pem, an undecodable notAfter.
for f in scottishpower-bitstring-dn.pem verisign_md2_root.pem san_x400address.der \
	san_edipartyname.der utf8-dnsname.pem v1_cert.pem unique_identifier.pem bigoid.pem \
	badasn1time.pem; do
	assert_eq "$f judged" 1 "$(grep -c "^JUDGED [0-9]* $V/$f\$" "$T/accounts")"
done
# A refused PEM, DER or CRT file: OpenSSL reads no certificate from it
# either (other kinds, CRLs, PKCS#12, S/MIME, LDIF, are not certificate
# files: inspect refusing them is right).
while read -r f; do
	if grep -q -- '-----BEGIN' "$f"; then
		openssl x509 -in "$f" -noout 2>/dev/null && fail "$f: OpenSSL reads a certificate, inspect refused it"
	else
		openssl x509 -inform DER -in "$f" -noout 2>/dev/null && fail "$f: OpenSSL reads a certificate, inspect refused it"
	fi
done < <(sed -n 's/^REFUSED \(.*\.\(pem\|der\|crt\)\)$/\1/p' "$T/accounts")
echo "x509 vectors: $total files, $njudged judged ($(awk '/^JUDGED /{n += $2} END {print n}' "$T/accounts") certificates), $nrefused refused:" \
	"$(sed -n 's/^REFUSED .*\.\([a-z0-9]*\)$/\1/p' "$T/accounts" | sort | uniq -c | awk '{printf "%s%s %s", s, $1, $2; s=", "}')"

# ---- 2. PKITS: the chain verdict ------------------------------------------

# The tests each section holds (PKITS, sections 4.1 to 4.16): every test of
# a section in scope is either run or left out with its reason.
declare -A SECTION_TESTS=([4.1]=6 [4.2]=8 [4.3]=11 [4.5]=8 [4.6]=17 [4.7]=5 [4.13]=38 [4.16]=2)
# Left out within those sections: the verdict rests on a CRL.
declare -A REVOCATION=([4.5]=3 [4.7]=2)
# Where fedcert (OpenSSL 3.0's verifier) and PKITS differ, and why. DSA
# parameter inheritance (RFC 3279, 2.3.2: a DSA key without parameters takes
# its issuer's) is not implemented by OpenSSL: the end entity's key cannot
# be decoded, `openssl verify` fails the same way. DSA has no place in SIP
# TLS; it is left as it is.
declare -A KNOWN=([ValidDSAParameterInheritanceTest5]="OpenSSL has no DSA parameter inheritance")

mapfile -t chains < <(awk '{print $4}' "$T/pkits/tests")
"$FEDCERT" inspect "${chains[@]}" --format json --ca-file "$ANCHOR" >"$T/pkits.json" 2>"$T/pkits.err"
rc=$?
[ "$rc" = 0 ] || [ "$rc" = 3 ] && ok || fail "inspect of the PKITS chains: exit $rc: $(head -n3 "$T/pkits.err")"
jq -r '[.file, (.probes[0].verify.code | tostring),
	([.findings[].id | select(. == "untrusted_chain" or . == "incomplete_chain" or
		. == "expired" or . == "not_yet_valid")] | length | tostring)] | join(" ")' \
	"$T/pkits.json" >"$T/pkits.verdicts"
declare -A CODE CHAIN_FINDINGS
while read -r f code n; do CODE[$f]=$code; CHAIN_FINDINGS[$f]=$n; done <"$T/pkits.verdicts"

declare -A RUN AGREE
agree=0 all=0
while read -r sec test want f _; do
	all=$((all + 1))
	RUN[$sec]=$(( ${RUN[$sec]:-0} + 1 ))
	code=${CODE[$f]:-none}
	got=Invalid
	[ "$code" = 0 ] && got=Valid
	# The verification and the chain findings tell one story.
	if [ "$code" = 0 ] && [ "${CHAIN_FINDINGS[$f]:-x}" != 0 ]; then
		fail "$test: verified, yet a chain finding"
	elif [ "$code" != 0 ] && [ "${CHAIN_FINDINGS[$f]:-0}" = 0 ]; then
		fail "$test: not verified ($code), yet no chain finding"
	fi
	if [ "$got" = "$want" ]; then
		[ -n "${KNOWN[$test]:-}" ] && fail "$test now agrees: take it off KNOWN"
		agree=$((agree + 1))
		AGREE[$sec]=$(( ${AGREE[$sec]:-0} + 1 ))
	elif [ -n "${KNOWN[$test]:-}" ]; then
		echo "PKITS $sec $test: $want, fedcert says $got (verify code $code): ${KNOWN[$test]}"
	else
		fail "PKITS $sec $test: $want, fedcert says $got (verify code $code)"
	fi
done <"$T/pkits/tests"
for sec in "${!SECTION_TESTS[@]}"; do
	assert_eq "PKITS $sec: every test run or left out for its CRL" "${SECTION_TESTS[$sec]}" \
		$(( ${RUN[$sec]:-0} + ${REVOCATION[$sec]:-0} ))
done
assert_eq "PKITS: agreement but for the known" $((all - ${#KNOWN[@]})) "$agree"
echo "PKITS: $agree of $all agree: $(for s in 4.1 4.2 4.3 4.5 4.6 4.7 4.13 4.16; do
	printf '%s %s/%s  ' "$s" "${AGREE[$s]:-0}" "${RUN[$s]:-0}"; done)"
echo "PKITS left out: $(cat "$T/pkits.counts")"

finish
