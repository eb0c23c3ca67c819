#!/usr/bin/env bash
# `fedcert report --format prometheus` on a real scan on loopback, read by
# promtool, Prometheus' own checker: servers whose certificates have
# subjects with quotes, backslashes, a newline and non-ASCII text; a FED
# target whose two SRV records lead to the same endpoint, and a row given
# twice (one series each, never two); a target DNS does not know, a peer
# that closes, our own certificate. Then: the file passes `promtool check
# metrics` with nothing to say, holds the samples and the escaped labels
# expected, lists exactly the families docs/metrics.md documents; -o
# replaces the file whole by a rename and a failing report leaves it as it
# was; `fedcert check --format prometheus`; the example alert rules of
# dist/prometheus and of docs/metrics.md pass `promtool check rules`, and
# `promtool test rules` shows that two of them fire when they should.
. "$E2E_DIR/lib.sh"

# scripts/deps installs promtool (Debian's prometheus package): where it
# ran, this test runs. Only a machine without it skips.
command -v promtool >/dev/null || skip "promtool is not installed (Debian: apt-get install prometheus)"

SRC=$FEDCERT_SOURCE_DIR
CA="$T/ca"
OURS="$T/ours"
make_ca "$CA"; make_ca_named "$OURS" "Ours"

# hostile NAME SUBJECT: a leaf for sip.NAME.test with the subject given
# (openssl's -subj syntax, UTF-8), signed by the intermediate, 40 days.
hostile() {
	openssl req -new -utf8 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$CA/$1.key" -out "$CA/$1.csr" -subj "$2" 2>/dev/null &&
	printf '[leaf]\nbasicConstraints = critical, CA:false\n%s\n%s\n' \
		"extendedKeyUsage = serverAuth, clientAuth" \
		"subjectAltName = DNS:sip.$1.test" >"$CA/$1.ext" &&
	openssl x509 -req -in "$CA/$1.csr" -CA "$CA/inter.pem" -CAkey "$CA/inter.key" \
		-CAcreateserial -days 40 -sha256 -extfile "$CA/$1.ext" -extensions leaf \
		-out "$CA/$1.pem" 2>/dev/null
}
# A quote and a brace that would close the label and start a sample, and a
# backslash; a newline (OpenSSL writes it \0A: a backslash again) and
# non-ASCII text, which is kept.
hostile quote '/CN=evil"} 1\\x/O=fedcert tests' || exit 1
hostile newline "/CN=two
lines/O=Café ™" || exit 1
make_leaf "$CA" pool sip.pool.test "DNS:sip.pool.test,DNS:sip2.pool.test" || exit 1
past=$(days_from -10); later=$(days_from 200)
issue "$OURS" edge edge.ours.test ec sha256 "$past" "$later" "${GOOD_EXT[@]}" \
	"subjectAltName = DNS:edge.ours.test" || exit 1
cat "$OURS/edge.pem" "$OURS/inter.pem" >"$T/edge-chain.pem"

start_tls QUOTE 127.0.0.1 "$CA/quote.pem" "$CA/quote.key" "$CA/inter.pem" || exit 1
start_tls NEWLINE 127.0.0.1 "$CA/newline.pem" "$CA/newline.key" "$CA/inter.pem" || exit 1
start_tls POOL 127.0.0.1 "$CA/pool.pem" "$CA/pool.key" "$CA/inter.pem" || exit 1
start_fixture close || exit 1

# pool.test: two SRV records to the same host and port (one endpoint
# reached by two routes) and one to a second name of the same address
# (another SNI: another endpoint).
cat >"$T/dns.conf" <<CONF
host-record=sip.quote.test,127.0.0.1
host-record=sip.newline.test,127.0.0.1
host-record=sip.closed.test,127.0.0.1
host-record=sip.pool.test,127.0.0.1
host-record=sip2.pool.test,127.0.0.1
srv-host=_sipfederationtls._tcp.pool.test,sip.pool.test,$POOL,0,100
srv-host=_sipfederationtls._tcp.pool.test,sip.pool.test,$POOL,10,0
srv-host=_sipfederationtls._tcp.pool.test,sip2.pool.test,$POOL,20,0
CONF
start_dnsmasq "$T/dns.conf" || exit 1

cat >"$T/partners.csv" <<CSV
Domain,Type,Port
sip.quote.test,DIR,$QUOTE
sip.newline.test,DIR,$NEWLINE
pool.test,FED,
sip.closed.test,DIR,$FIX_CLOSE
nowhere.test,DIR,5061
sip.quote.test,DIR,$QUOTE
this row is not a target
CSV
# The partners' root and ours: our own chain is judged against it too.
cat "$CA/root.pem" "$OURS/root.pem" >"$T/roots.pem"
DB="$T/audit.db"
"$FEDCERT" scan "$T/partners.csv" --db "$DB" --ca-file "$T/roots.pem" --dns-server "$DNS" \
	--timeout 5 --quiet --client-cert "$T/edge-chain.pem" --client-key "$OURS/edge.key" 2>/dev/null
assert_eq "the scan" 0 $?

# 1. The metrics, through promtool.
OUT="$T/fedcert.prom"
"$FEDCERT" report --db "$DB" --ca-file "$T/roots.pem" --format prometheus -o "$OUT"
assert_eq "report --format prometheus" 0 $?
promtool check metrics <"$OUT" >"$T/lint" 2>&1
assert_eq "promtool check metrics" 0 $?
assert_eq "promtool has nothing to say" "" "$(cat "$T/lint")"

# No series twice (promtool does not look): a sample's line without its
# value is the series.
assert_eq "no series twice" "" "$(grep -v '^#' "$OUT" | sed 's/ [^ ]*$//' | sort | uniq -d)"
# Each family's samples together, under one HELP and one TYPE.
assert_eq "each family once" "" "$(grep '^# TYPE ' "$OUT" | awk '{print $3}' | sort | uniq -d)"
assert_eq "each family together" "" \
	"$(grep -v '^#' "$OUT" | sed 's/[{ ].*//' | uniq | sort | uniq -d)"

# 2. What it says.
tq="domain=\"sip.quote.test\",type=\"DIR\",port=\"$QUOTE\""
eq="$tq,address=\"127.0.0.1\",endpoint_port=\"$QUOTE\",sni=\"sip.quote.test\""
tn="domain=\"sip.newline.test\",type=\"DIR\",port=\"$NEWLINE\""
en="$tn,address=\"127.0.0.1\",endpoint_port=\"$NEWLINE\",sni=\"sip.newline.test\""
tp='domain="pool.test",type="FED",port="5061"'
# The subjects as the store keeps them (RFC 2253): CN=evil\"} 1\\x and
# CN=two\0Alines; in a label every backslash and quote escaped again.
assert_contains "the quote's subject, escaped" "$OUT" \
	"fedcert_endpoint_certificate_info{$eq,subject=\"O=fedcert tests,CN=evil\\\\\\\"} 1\\\\\\\\x\",issuer=\"CN=fedcert Test Intermediate,O=fedcert tests\","
assert_contains "the newline's subject, escaped, non-ASCII kept" "$OUT" \
	"fedcert_endpoint_certificate_info{$en,subject=\"O=Café ™,CN=two\\\\0Alines\","
assert_eq "one certificate line each" 1 "$(grep -c "^fedcert_endpoint_certificate_info{$eq," "$OUT")"
assert_eq "no sample but fedcert's" "" "$(grep -v '^#' "$OUT" | grep -v '^fedcert_[a-z_]*[{ ]')"

na=$(date -u -d "$(openssl x509 -in "$CA/quote.pem" -noout -enddate | cut -d= -f2)" +%s)
assert_contains "the leaf's notAfter, in seconds" "$OUT" \
	"fedcert_endpoint_leaf_not_after_timestamp_seconds{$eq} $na"
assert_contains "the chain's earliest is the leaf's" "$OUT" \
	"fedcert_endpoint_chain_not_after_timestamp_seconds{$eq} $na"
assert_contains "probe success" "$OUT" "fedcert_endpoint_probe_success{$eq} 1"
assert_contains "TLS" "$OUT" "fedcert_endpoint_tls_info{$eq,version=\"TLSv1.3\","
assert_contains "client certificate" "$OUT" \
	"fedcert_endpoint_client_cert_info{$eq,state=\"not_requested\"} 1"
assert_contains "a state set" "$OUT" "fedcert_target_status{$tq,status=\"PASS\"} "
assert_eq "three statuses per target, once each" 15 "$(grep -c '^fedcert_target_status{' "$OUT")"
assert_contains "a closed peer" "$OUT" \
	"fedcert_endpoint_probe_success{domain=\"sip.closed.test\",type=\"DIR\",port=\"$FIX_CLOSE\",address=\"127.0.0.1\",endpoint_port=\"$FIX_CLOSE\",sni=\"sip.closed.test\"} 0"
assert_contains "a target DNS does not know" "$OUT" \
	'fedcert_target_error_info{domain="nowhere.test",type="DIR",port="5061",kind="dns_nxdomain"} 1'
assert_contains "nowhere.test is FAIL" "$OUT" \
	'fedcert_target_status{domain="nowhere.test",type="DIR",port="5061",status="FAIL"} 1'
# pool.test: three routes, two endpoints (sip and sip2), each once.
assert_contains "pool: two endpoints" "$OUT" "fedcert_target_endpoints{$tp} 2"
assert_eq "pool: each endpoint once" 2 "$(grep -c "^fedcert_endpoint_probe_success{$tp," "$OUT")"
# The row given twice: one target in the metrics, two in the counts.
assert_eq "a row given twice: its series once" 3 "$(grep -c "^fedcert_target_status{$tq," "$OUT")"
assert_contains "the report counts every row" "$OUT" "fedcert_scan_targets 6"
assert_contains "the row that is not a target" "$OUT" "fedcert_scan_input_errors 1"
assert_contains "the scan is done" "$OUT" "fedcert_scan_done 1"
assert_contains "scan id" "$OUT" "fedcert_scan_id 1"
started=$(date -u -d "$(q "$DB" "select started from scan")" +%s)
assert_contains "the scan's start" "$OUT" "fedcert_scan_start_timestamp_seconds $started"
now=$(date +%s)
made=$(sed -n 's/^fedcert_report_timestamp_seconds //p' "$OUT")
[ -n "$made" ] && [ $((now - made)) -ge 0 ] && [ $((now - made)) -lt 120 ] && ok ||
	fail "the report's time: [$made], now $now"
ours=$(date -u -d "$(openssl x509 -in "$OURS/edge.pem" -noout -enddate | cut -d= -f2)" +%s)
assert_contains "our own certificate" "$OUT" "fedcert_self_leaf_not_after_timestamp_seconds $ours"
assert_contains "our own certificate's status" "$OUT" 'fedcert_self_status{status="PASS"} 1'

# 3. The families are those docs/metrics.md documents, in its tables.
grep '^# TYPE ' "$OUT" | awk '{print $3}' | sort >"$T/families.out"
awk -F'|' '/^\| `fedcert_/ { split($2, w, "`"); print w[2] }' "$SRC/docs/metrics.md" |
	sort >"$T/families.doc"
assert_eq "every family documented, and written" "" "$(diff "$T/families.doc" "$T/families.out")"
assert_eq "every family of the code written here" \
	"$(grep -c '^	\[PROM_[A-Z_]*\] = { "fedcert_' "$SRC/report/render/prometheus.c")" \
	"$(wc -l <"$T/families.out")"

# 4. -o: the file is replaced whole, by a rename; a report that fails
# leaves it as it was, and no temporary file behind.
cp "$OUT" "$T/before.prom"
inode=$(stat -c %i "$OUT")
"$FEDCERT" report --db "$DB" --format prometheus --scan 999 -o "$OUT" 2>"$T/err"
rc=$?
[ "$rc" -ne 0 ] && ok || fail "--scan 999: exit $rc"
assert_contains "--scan 999: says so" "$T/err" "999"
cmp -s "$OUT" "$T/before.prom" && ok || fail "a failing report changed $OUT"
assert_eq "the same file" "$inode" "$(stat -c %i "$OUT")"
assert_eq "no temporary file left" "" "$(ls "$T" | grep -F 'fedcert.prom.' || true)"
(umask 022; "$FEDCERT" report --db "$DB" --format prometheus -o "$OUT")
assert_eq "again" 0 $?
[ "$(stat -c %i "$OUT")" != "$inode" ] && ok || fail "-o wrote into the old file, not a new one renamed over it"
assert_eq "readable by node_exporter's user" 644 "$(stat -c %a "$OUT")"
promtool check metrics <"$OUT" >/dev/null 2>&1 && ok || fail "the file written again fails promtool"

# 5. fedcert check writes the same format.
"$FEDCERT" check "sip.quote.test:$QUOTE" --dns-server "$DNS" --ca-file "$CA/root.pem" \
	--timeout 5 --format prometheus >"$T/check.prom" 2>"$T/check.err"
assert_eq "check --format prometheus" 0 $?
promtool check metrics <"$T/check.prom" >"$T/check.lint" 2>&1
assert_eq "check: promtool" 0 $?
assert_eq "check: nothing to say" "" "$(cat "$T/check.lint")"
assert_contains "check: the escaped subject" "$T/check.prom" 'CN=evil\\\"} 1\\\\x'

# 6. The alert rules: the examples' file, and the doc's block.
promtool check rules "$SRC/dist/prometheus/fedcert-rules.yml" >"$T/rules.out" 2>&1
assert_eq "promtool check rules dist/prometheus/fedcert-rules.yml" 0 $?
awk '/^```yaml$/ { on = 1; next } /^```$/ { on = 0 } on' "$SRC/docs/metrics.md" >"$T/doc-rules.yml"
[ -s "$T/doc-rules.yml" ] && ok || fail "docs/metrics.md has no rules block"
promtool check rules "$T/doc-rules.yml" >"$T/doc-rules.out" 2>&1
assert_eq "promtool check rules, the doc's" 0 $?

# A certificate 10 days from its end fires, one 30 days from it does not
# (time() is 0 when the test starts); a FAIL target fires.
cat >"$T/rules-test.yml" <<YAML
rule_files:
  - $SRC/dist/prometheus/fedcert-rules.yml
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'fedcert_endpoint_chain_not_after_timestamp_seconds{domain="soon.test",type="FED",port="5061",address="127.0.0.1",endpoint_port="5061",sni="sip.soon.test"}'
        values: '864000'
      - series: 'fedcert_endpoint_chain_not_after_timestamp_seconds{domain="later.test",type="FED",port="5061",address="127.0.0.1",endpoint_port="5061",sni="sip.later.test"}'
        values: '2592000'
      - series: 'fedcert_target_status{domain="bad.test",type="FED",port="5061",status="FAIL"}'
        values: '1'
      - series: 'fedcert_target_status{domain="good.test",type="FED",port="5061",status="FAIL"}'
        values: '0'
    alert_rule_test:
      - eval_time: 0m
        alertname: FedcertCertificateExpiresSoon
        exp_alerts:
          - exp_labels:
              severity: warning
              domain: soon.test
              type: FED
              port: "5061"
              address: 127.0.0.1
              endpoint_port: "5061"
              sni: sip.soon.test
            exp_annotations:
              summary: "soon.test: a certificate of 127.0.0.1:5061 (SNI sip.soon.test) expires within 14 days"
              description: "It expires in 10d 0h 0m 0s."
      - eval_time: 0m
        alertname: FedcertTargetFail
        exp_alerts:
          - exp_labels:
              severity: warning
              domain: bad.test
              type: FED
              port: "5061"
              status: FAIL
            exp_annotations:
              summary: "bad.test (FED, port 5061) is FAIL"
              description: "fedcert report --db audit.db says why; fedcert diff says what changed."
YAML
promtool test rules "$T/rules-test.yml" >"$T/rules-test.out" 2>&1
assert_eq "promtool test rules" 0 $?
[ "$FAILS" -eq 0 ] || cat "$T/rules-test.out" >&2

finish
