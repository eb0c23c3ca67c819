#!/usr/bin/env bash
# Mutual TLS as federation does it, against openssl s_server in TLS 1.2 and
# TLS 1.3: a server that requests but does not require our certificate;
# one that requires it and trusts our CA; one that requires it and does not
# (unknown_ca, its chain still captured); one that names its acceptable CAs;
# one that requires and gets none; and our certificate without the Client
# Authentication EKU presented to a server that checks it (the 2026 failure).
. "$E2E_DIR/lib.sh"

CA="$T/ca"                 # the partners' CA
OURS="$T/ours"             # our Edge's CA
OTHER="$T/other"           # a CA nobody here uses
make_ca "$CA"; make_ca "$OURS"; make_ca_named "$OTHER" "Other"
make_leaf "$CA" srv sip.partner.test "DNS:sip.partner.test"
past=$(days_from -10); later=$(days_from 200)
issue "$OURS" edge edge.ours.test ec sha256 "$past" "$later" "${GOOD_EXT[@]}" \
	"subjectAltName = DNS:edge.ours.test"
issue "$OURS" noclient edge.ours.test ec sha256 "$past" "$later" \
	"basicConstraints = critical, CA:false" "keyUsage = critical, digitalSignature" \
	"extendedKeyUsage = serverAuth" "subjectAltName = DNS:edge.ours.test"
cat "$OURS/edge.pem" "$OURS/inter.pem" >"$T/edge-chain.pem"
cat "$OURS/noclient.pem" "$OURS/inter.pem" >"$T/noclient-chain.pem"
cat "$OURS/root.pem" >"$T/ours-roots.pem"

# srv VAR S_SERVER_ARGS...: a partner server on 127.0.0.1.
srv() {
	local var=$1; shift
	start_tls "$var" 127.0.0.1 "$CA/srv.pem" "$CA/srv.key" "$CA/inter.pem" "$@"
}
for v in 12 13; do
	flag=-tls1_2; [ $v = 13 ] && flag=-tls1_3
	srv "REQ$v" $flag -verify 1 -CAfile "$OURS/root.pem" || exit 1
	srv "TRUST$v" $flag -Verify 1 -CAfile "$OURS/root.pem" -verify_return_error || exit 1
	srv "DISTRUST$v" $flag -Verify 1 -CAfile "$OTHER/root.pem" -verify_return_error || exit 1
	srv "NONE$v" $flag || exit 1
done
start_dnsmasq /dev/null || exit 1

{
	echo "Domain,Type,Port"
	for v in 12 13; do
		for s in REQ TRUST DISTRUST NONE; do var="$s$v"; echo "127.0.0.1,DIR,${!var}"; done
	done
} >"$T/partners.csv"

scan() { # DB [client options...]
	local db=$1; shift
	"$FEDCERT" scan "$T/partners.csv" --db "$db" --ca-file "$CA/root.pem" \
		--dns-server "$DNS" --timeout 5 --quiet "$@"
}
# cc DB PORT: requested|presented|outcome|alert|ca count of a probe.
cc() {
	jq -r --argjson p "$2" '.probes[]? | select(.port == $p) | .client_cert |
		"\(.requested)|\(.presented)|\(.outcome)|\(.alert // "")|\(.acceptable_cas | length)"' "$1"
}
ids_at() { jq -r --arg e "127.0.0.1:$2" '.findings[] | select(.endpoint == $e) | .id' "$1" | sort -u | paste -sd' '; }

# 1. Without our certificate: an empty Certificate message.
scan "$T/none.db"; assert_eq "scan without a client certificate" 0 $?
"$FEDCERT" report --db "$T/none.db" --format json >"$T/none.jsonl"
for v in 12 13; do
	r="REQ$v"; t="TRUST$v"; n="NONE$v"
	assert_eq "TLS $v: requested, not required" "true|false|accepted||1" "$(cc "$T/none.jsonl" "${!r}")"
	case "$(ids_at "$T/none.jsonl" "${!r}")" in *client_cert_requested*) ok ;; *) fail "TLS $v: client_cert_requested" ;; esac
	assert_eq "TLS $v: not asked" "false|false|null||0" "$(cc "$T/none.jsonl" "${!n}")"
	case "$(cc "$T/none.jsonl" "${!t}")" in true\|false\|alert\|*|true\|false\|closed\|*) ok ;; *) fail "TLS $v: required: $(cc "$T/none.jsonl" "${!t}")" ;; esac
	ids=$(ids_at "$T/none.jsonl" "${!t}")
	case "$ids" in *client_cert_required*) ok ;; *) fail "TLS $v: client_cert_required ($ids)" ;; esac
	case "$ids" in *handshake_failed*) fail "TLS $v: handshake_failed for a required certificate" ;; *) ok ;; esac
	assert_eq "TLS $v: its chain is still captured" 2 \
		"$(jq -r --argjson p "${!t}" '.probes[]? | select(.port == $p) | .chain | length' "$T/none.jsonl")"
done

# 2. With our certificate.
scan "$T/ours.db" --client-cert "$T/edge-chain.pem" --client-key "$OURS/edge.key"
assert_eq "scan with our certificate" 0 $?
"$FEDCERT" report --db "$T/ours.db" --format json >"$T/ours.jsonl"
for v in 12 13; do
	t="TRUST$v"; d="DISTRUST$v"
	assert_eq "TLS $v: the partner trusts our CA" "true|true|accepted||1" "$(cc "$T/ours.jsonl" "${!t}")"
	case "$(ids_at "$T/ours.jsonl" "${!t}")" in *partner_rejects*) fail "TLS $v: rejected by a trusting partner" ;; *) ok ;; esac
	case "$(cc "$T/ours.jsonl" "${!d}")" in "true|true|alert|unknown CA|1") ok ;; *) fail "TLS $v: unknown_ca: $(cc "$T/ours.jsonl" "${!d}")" ;; esac
	case "$(ids_at "$T/ours.jsonl" "${!d}")" in *partner_rejects_our_certificate*) ok ;; *) fail "TLS $v: partner_rejects_our_certificate" ;; esac
	case "$(ids_at "$T/ours.jsonl" "${!d}")" in *partner_ca_list_excludes_our_root*) ok ;; *) fail "TLS $v: partner_ca_list_excludes_our_root" ;; esac
	case "$(ids_at "$T/ours.jsonl" "${!t}")" in *partner_ca_list_excludes_our_root*) fail "TLS $v: our root is in that list" ;; *) ok ;; esac
	assert_eq "TLS $v: the rejecting partner's chain is captured" 2 \
		"$(jq -r --argjson p "${!d}" '.probes[]? | select(.port == $p) | .chain | length' "$T/ours.jsonl")"
	assert_eq "TLS $v: the CA list names the partner's choice" "CN=Other Root,O=fedcert tests" \
		"$(jq -r --argjson p "${!d}" '.probes[]? | select(.port == $p) | .client_cert.acceptable_cas[0]' "$T/ours.jsonl")"
done
assert_eq "our own certificate, judged once, in self" "edge.ours.test" \
	"$(jq -r 'select(.self) | .self.chain[0].subject' "$T/ours.jsonl" | sed 's/^CN=//' | head -n1)"
"$FEDCERT" report --db "$T/ours.db" >"$T/ours.txt"
assert_contains "text: a Client certificate line" "$T/ours.txt" "Client certificate:"

# 3. Our renewed certificate without Client Authentication: refused by a
#    partner that checks it, and judged an error at the top of the report.
scan "$T/noclient.db" --client-cert "$T/noclient-chain.pem" --client-key "$OURS/noclient.key"
"$FEDCERT" report --db "$T/noclient.db" --format json >"$T/noclient.jsonl"
for v in 12 13; do
	t="TRUST$v"
	case "$(cc "$T/noclient.jsonl" "${!t}")" in "true|true|alert|unsupported certificate|1") ok ;; *) fail "TLS $v: no clientAuth: $(cc "$T/noclient.jsonl" "${!t}")" ;; esac
done
assert_eq "self: no_client_auth_eku is an error" "error" \
	"$(jq -r 'select(.self) | .self.findings[] | select(.id == "no_client_auth_eku") | .severity' "$T/noclient.jsonl" | head -n1)"

# 4. Bad client options: clear errors before the scan starts.
scan "$T/x.db" --client-cert "$T/edge-chain.pem" --client-key "$OURS/noclient.key" 2>"$T/err"
assert_eq "a key of another certificate" 1 $?
assert_contains "says so" "$T/err" "does not belong"
scan "$T/x.db" --client-cert "$T/nope.pem" 2>"$T/err"
assert_eq "an unreadable certificate" 1 $?
assert_contains "names it" "$T/err" "nope.pem"
openssl pkey -in "$OURS/edge.key" -aes256 -passout pass:s3cret -out "$T/enc.key" 2>/dev/null
scan "$T/x.db" --client-cert "$T/edge-chain.pem" --client-key "$T/enc.key" 2>"$T/err"
assert_eq "an encrypted key without a passphrase" 1 $?
assert_contains "asks for the pass file" "$T/err" "client-key-pass-file"
echo s3cret >"$T/pass.txt"
scan "$T/x.db" --client-cert "$T/edge-chain.pem" --client-key "$T/enc.key" --client-key-pass-file "$T/pass.txt"
assert_eq "an encrypted key with its passphrase" 0 $?
"$FEDCERT" scan "$T/partners.csv" --db "$T/x.db" --client-key "$T/enc.key" 2>/dev/null
assert_eq "--client-key alone" 2 $?

finish
