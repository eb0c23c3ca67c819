#!/usr/bin/env bash
# Every finding, end to end: certificates made with exactly one defect each,
# served by real TLS servers on loopback behind real SRV records (dnsmasq);
# fedcert scans them and the JSON report must name the defect on its target
# and nothing of the kind on the good one.
. "$E2E_DIR/lib.sh"

CA="$T/ca"
make_ca "$CA"
now=$(days_from 0); past=$(days_from -30); soon=$(days_from 10); later=$(days_from 90)
EXT=("${GOOD_EXT[@]}")
san() { echo "subjectAltName = DNS:$1"; }
# Extensions without one line that matches $1.
ext_without() { local l; for l in "${EXT[@]}"; do [[ "$l" == *"$1"* ]] || echo "$l"; done; }
mapfile -t NOCRL < <(ext_without crlDistributionPoints)
mapfile -t NOOCSP < <(ext_without authorityInfoAccess)
NOOCSP+=("authorityInfoAccess = caIssuers;URI:http://pki.fedcert.test/inter.crt")
mapfile -t NOEKU < <(ext_without extendedKeyUsage)

issue "$CA" good sip.good.test ec sha256 "$past" "$later" "${EXT[@]}" "$(san sip.good.test)"
issue "$CA" expired sip.expired.test ec sha256 "$(days_from -100)" "$(days_from -1)" "${EXT[@]}" "$(san sip.expired.test)"
issue "$CA" future sip.future.test ec sha256 "$(days_from 10)" "$(days_from 100)" "${EXT[@]}" "$(san sip.future.test)"
issue "$CA" soon sip.soon.test ec sha256 "$past" "$soon" "${EXT[@]}" "$(san sip.soon.test)"
issue "$CA" mismatch sip.mismatch.test ec sha256 "$past" "$later" "${EXT[@]}" "$(san other.mismatch.test)"
issue "$CA" wild sip.wild.test ec sha256 "$past" "$later" "${EXT[@]}" "$(san '*.wild.test')"
issue "$CA" cnonly sip.cnonly.test ec sha256 "$past" "$later" "${EXT[@]}"
issue "$CA" noclient sip.noclient.test ec sha256 "$past" "$later" "${NOEKU[@]}" \
	"extendedKeyUsage = serverAuth" "$(san sip.noclient.test)"
issue "$CA" noclientsip sip.noclientsip.test ec sha256 "$past" "$later" "${NOEKU[@]}" \
	"extendedKeyUsage = serverAuth" "$(san sip.noclientsip.test)"
issue "$CA" noserver sip.noserver.test ec sha256 "$past" "$later" "${NOEKU[@]}" \
	"extendedKeyUsage = clientAuth" "$(san sip.noserver.test)"
issue "$CA" sha1 sip.sha1.test rsa2048 sha1 "$past" "$later" "${EXT[@]}" "$(san sip.sha1.test)"
issue "$CA" weakkey sip.weakkey.test rsa1024 sha256 "$past" "$later" "${EXT[@]}" "$(san sip.weakkey.test)"
issue "$CA" nocrl sip.nocrl.test ec sha256 "$past" "$later" "${NOCRL[@]}" "$(san sip.nocrl.test)"
issue "$CA" noocsp sip.noocsp.test ec sha256 "$past" "$later" "${NOOCSP[@]}" "$(san sip.noocsp.test)"
issue "$CA" long sip.long.test ec sha256 "$past" "$(days_from 800)" "${EXT[@]}" "$(san sip.long.test)"
issue "$CA" renewed sip.pool.test ec sha256 "$past" "$later" "${EXT[@]}" "$(san sip.pool.test)"
issue "$CA" stale sip.pool.test ec sha256 "$(days_from -60)" "$soon" "${EXT[@]}" "$(san sip.pool.test)"
# A healthy pool: each node renewed on its own day, both fine.
issue "$CA" twin1 sip.twin.test ec sha256 "$past" "$later" "${EXT[@]}" "$(san sip.twin.test)"
issue "$CA" twin2 sip.twin.test ec sha256 "$(days_from -20)" "$(days_from 100)" "${EXT[@]}" "$(san sip.twin.test)"
issue "$CA" partial sip.partial.test ec sha256 "$past" "$later" "${EXT[@]}" "$(san sip.partial.test)"
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$CA/self.key" -out "$CA/self.pem" -days 90 -subj /CN=sip.self.test \
	-addext "subjectAltName=DNS:sip.self.test" -addext "extendedKeyUsage=serverAuth,clientAuth" 2>/dev/null
cat "$CA/root.pem" "$CA/inter.pem" >"$CA/reversed.pem"
cat "$CA/inter.pem" "$CA/root.pem" >"$CA/withroot.pem"

# serve VAR NAME [CHAIN] [s_server args...]: the leaf NAME on 127.0.0.1.
serve() {
	local var=$1 name=$2 chain=${3-$CA/inter.pem}
	shift 2; [ $# -gt 0 ] && shift
	start_tls "$var" 127.0.0.1 "$CA/$name.pem" "$CA/$name.key" "$chain" "$@"
}
LEGACY=(-cipher 'DEFAULT:@SECLEVEL=0')
serve P_GOOD good || exit 1
for n in expired future soon mismatch wild cnonly noclient noclientsip noserver \
	nocrl noocsp long; do
	serve "P_${n^^}" "$n" || exit 1
done
serve P_SHA1 sha1 "$CA/inter.pem" "${LEGACY[@]}" || exit 1
serve P_WEAKKEY weakkey "$CA/inter.pem" "${LEGACY[@]}" || exit 1
serve P_TLS10 good "$CA/inter.pem" -tls1 "${LEGACY[@]}" || exit 1
serve P_INCOMPLETE good "" || exit 1
serve P_MISORDERED good "$CA/reversed.pem" || exit 1
serve P_ROOTSENT good "$CA/withroot.pem" || exit 1
start_tls P_SELF 127.0.0.1 "$CA/self.pem" "$CA/self.key" || exit 1
start_tls P_POOL 127.0.2.1 "$CA/renewed.pem" "$CA/renewed.key" "$CA/inter.pem" || exit 1
start_tls P_POOL2 "127.0.2.2:$P_POOL" "$CA/stale.pem" "$CA/stale.key" "$CA/inter.pem" || exit 1
start_tls P_TWIN 127.0.2.5 "$CA/twin1.pem" "$CA/twin1.key" "$CA/inter.pem" || exit 1
start_tls P_TWIN2 "127.0.2.6:$P_TWIN" "$CA/twin2.pem" "$CA/twin2.key" "$CA/inter.pem" || exit 1
start_tls P_PARTIAL 127.0.2.3 "$CA/partial.pem" "$CA/partial.key" "$CA/inter.pem" || exit 1
start_fixture plain refused udpsilent || exit 1

# srv DOMAIN PORT [HOST]: a FED SRV record for DOMAIN to HOST (default
# sip.DOMAIN) on 127.0.0.1.
{
	srv() { echo "srv-host=_sipfederationtls._tcp.$1,${3:-sip.$1},$2,0,100"; [ -n "${3:-}" ] || echo "host-record=sip.$1,127.0.0.1"; }
	srv good.test "$P_GOOD"
	for n in expired future soon mismatch wild cnonly noclient noserver nocrl noocsp long \
		sha1 weakkey tls10 incomplete misordered rootsent self; do
		v="P_${n^^}"; srv "$n.test" "${!v}"
	done
	echo "srv-host=_sip._tls.noclientsip.test,sip.noclientsip.test,$P_NOCLIENTSIP,0,100"
	echo "host-record=sip.noclientsip.test,127.0.0.1"
	srv refused.test "$FIX_REFUSED"
	srv plain.test "$FIX_PLAIN"
	echo "srv-host=_sipfederationtls._tcp.dot.test"
	echo "srv-host=_sipfederationtls._tcp.ghost.test,sip.ghost.test,5061,0,100"
	srv outside.test "$P_GOOD" sip.good.test
	echo "srv-host=_sipfederationtls._tcp.pool.test,sip.pool.test,$P_POOL,0,100"
	echo "host-record=sip.pool.test,127.0.2.1"
	echo "host-record=sip.pool.test,127.0.2.2"
	echo "srv-host=_sipfederationtls._tcp.twin.test,sip.twin.test,$P_TWIN,0,100"
	echo "host-record=sip.twin.test,127.0.2.5"
	echo "host-record=sip.twin.test,127.0.2.6"
	echo "srv-host=_sipfederationtls._tcp.partial.test,sip.partial.test,$P_PARTIAL,0,100"
	echo "host-record=sip.partial.test,127.0.2.3"
	echo "host-record=sip.partial.test,127.0.2.4"
} >"$T/dns.conf"
start_dnsmasq "$T/dns.conf" || exit 1

{
	echo "Domain,Type,Port"
	for d in good expired future soon mismatch wild cnonly noclient noserver nocrl noocsp \
		long sha1 weakkey tls10 incomplete misordered rootsent self refused plain dot \
		ghost outside pool twin partial nx; do
		echo "$d.test,FED,"
	done
	echo "noclientsip.test,SIP,"
} >"$T/partners.csv"

DB="$T/audit.db"
"$FEDCERT" scan "$T/partners.csv" --db "$DB" --ca-file "$CA/root.pem" \
	--dns-server "$DNS" --timeout 3 --quiet
assert_eq "scan" 0 $?
"$FEDCERT" report --db "$DB" --format json >"$T/report.jsonl"
assert_eq "report" 0 $?
jq -e . "$T/report.jsonl" >/dev/null
assert_eq "every line is JSON" 0 $?

# ids DOMAIN: the finding ids of a target, sorted, space-separated.
ids() { jq -r --arg d "$1" 'select(.domain == $d) | .findings[].id' "$T/report.jsonl" | sort -u | paste -sd' '; }
# has DOMAIN ID [SEVERITY]: the target carries the finding (at that severity).
has() {
	local got
	got=$(jq -r --arg d "$1" --arg id "$2" 'select(.domain == $d) | .findings[] | select(.id == $id) | .severity' "$T/report.jsonl" | head -n1)
	if [ -z "$got" ]; then fail "$1 lacks $2 (has: $(ids "$1"))"; return; fi
	if [ -n "${3:-}" ] && [ "$got" != "$3" ]; then fail "$1: $2 is $got, not $3"; return; fi
	ok
}
hasnt() { if ids "$1" | grep -qw -- "$2"; then fail "$1 has $2"; else ok; fi; }

# The good one: nothing but the name matching.
assert_eq "good.test: only name_match" "name_match" "$(ids good.test)"
assert_eq "good.test: PASS" "PASS" "$(jq -r 'select(.domain == "good.test") | .status' "$T/report.jsonl")"

has expired.test expired error;            hasnt soon.test expired
has future.test not_yet_valid error;       hasnt expired.test not_yet_valid
has soon.test expires_soon warning;        hasnt long.test expires_soon
has mismatch.test name_mismatch error;     hasnt wild.test name_mismatch
has wild.test wildcard_name warning;       hasnt cnonly.test wildcard_name
has cnonly.test name_match info
jq -r 'select(.domain == "cnonly.test") | .findings[] | select(.id == "name_match") | .message' "$T/report.jsonl" >"$T/cn.txt"
assert_contains "CN match named as such" "$T/cn.txt" "Common Name"
has noclient.test no_client_auth_eku error
has noclientsip.test no_client_auth_eku warning
hasnt noserver.test no_client_auth_eku
has noserver.test no_server_auth_eku error; hasnt noclient.test no_server_auth_eku
has sha1.test weak_signature error;        hasnt weakkey.test weak_signature
has weakkey.test weak_key error;           hasnt sha1.test weak_key
has tls10.test legacy_tls warning;         hasnt sha1.test legacy_tls
has nocrl.test no_crl_distribution_point warning; hasnt noocsp.test no_crl_distribution_point
has noocsp.test no_ocsp info;              hasnt nocrl.test no_ocsp
has long.test long_validity info;          hasnt soon.test long_validity
has incomplete.test incomplete_chain error; hasnt rootsent.test incomplete_chain
jq -r 'select(.domain == "incomplete.test") | .findings[] | select(.id == "incomplete_chain") | .message' "$T/report.jsonl" >"$T/inc.txt"
assert_contains "the missing issuer is named" "$T/inc.txt" "fedcert Test Intermediate"
assert_contains "with its AIA URL" "$T/inc.txt" "http://pki.fedcert.test/inter.crt"
has misordered.test chain_misordered warning; hasnt rootsent.test chain_misordered
has rootsent.test root_sent info;          hasnt incomplete.test root_sent
has self.test self_signed error;           hasnt good.test self_signed
has refused.test connect_failed error;     hasnt plain.test connect_failed
has plain.test handshake_failed error;     hasnt refused.test handshake_failed
has nx.test srv_missing;                   hasnt dot.test srv_missing
has dot.test srv_not_available;            hasnt nx.test srv_not_available
has ghost.test host_unresolved error;      hasnt pool.test host_unresolved
has outside.test srv_target_outside_domain warning; hasnt good.test srv_target_outside_domain
has pool.test pool_inconsistent warning;   hasnt partial.test pool_inconsistent
has partial.test pool_partial_failure error; hasnt pool.test pool_partial_failure
# A pool whose node was not renewed warns, saying which; one whose nodes
# each hold a different good certificate is said at info level and PASSes.
assert_contains_text() { case "$2" in *"$3"*) ok ;; *) fail "$1: no '$3' in: $2" ;; esac; }
assert_contains_text "pool.test: the node inside the warning window" \
	"$(jq -r 'select(.domain == "pool.test") | .findings[] | select(.id == "pool_inconsistent") | .message' "$T/report.jsonl")" \
	"depends on the member it reaches: expires_soon on 127.0.2.2 only"
has twin.test pool_inconsistent info
assert_contains_text "twin.test: what differs" \
	"$(jq -r 'select(.domain == "twin.test") | .findings[] | select(.id == "pool_inconsistent") | .message' "$T/report.jsonl")" \
	"alike for partners (the same findings and root); they differ in serial, validity: "
assert_eq "twin.test: a healthy pool PASSes" PASS "$(jq -r 'select(.domain == "twin.test") | .status' "$T/report.jsonl")"
assert_eq "a target-level finding has no endpoint" "null" \
	"$(jq -c 'select(.domain == "pool.test") | .findings[] | select(.id == "pool_inconsistent") | .endpoint' "$T/report.jsonl")"
assert_eq "an endpoint finding names address:port" "127.0.0.1:$P_EXPIRED" \
	"$(jq -r 'select(.domain == "expired.test") | .findings[] | select(.id == "expired") | .endpoint' "$T/report.jsonl")"
for d in expired mismatch self refused partial; do
	assert_eq "$d.test fails" FAIL "$(jq -r --arg d "$d.test" 'select(.domain == $d) | .status' "$T/report.jsonl")"
done
assert_eq "a warning is WARN" WARN "$(jq -r 'select(.domain == "soon.test") | .status' "$T/report.jsonl")"

# Judged again against another trust store, from the stored DER: the good
# chain is then untrusted, without a rescan.
make_ca "$T/other"
"$FEDCERT" report --db "$DB" --format json --ca-file "$T/other/root.pem" >"$T/other.jsonl"
assert_eq "report against another trust store" 0 $?
has_other=$(jq -r 'select(.domain == "good.test") | .findings[].id' "$T/other.jsonl" | grep -c untrusted_chain)
assert_eq "untrusted against another root" 1 "$has_other"

# A resolver that never answers: dns_error, and the scan still ends.
printf 'Domain,Type,Port\ngood.test,FED,\n' >"$T/one.csv"
"$FEDCERT" scan "$T/one.csv" --db "$T/dns.db" --dns-server "127.0.0.1:$FIX_UDPSILENT" \
	--dns-timeout 0.3 --dns-tries 1 --quiet
"$FEDCERT" report --db "$T/dns.db" --format json >"$T/dns.jsonl"
assert_eq "dns_error on a silent resolver" "dns_error" \
	"$(jq -r '.findings[].id' "$T/dns.jsonl" | grep -x dns_error | head -n1)"

finish
