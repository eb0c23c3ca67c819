#!/usr/bin/env bash
# fedcert scan --sip-options: one SIP OPTIONS over each TLS session, and
# what it comes to. Against Kamailio (kamailio.sh): a 200 with a Server
# header (sip_server), a 403 with ms-diagnostics-public 1047
# (sip_rejected, saying what 1047 usually means), a 504 from "RTC/6.0"
# (sip_rejected and sip_product_out_of_support), a server that requires
# our client certificate and answers only when it is presented (TLS 1.2
# and 1.3), one that never answers (sip_not_answering). Against the
# project's hostile SIP peers (sip_fixture.py): a response that dribbles,
# 1 MB of headers, binary garbage, no CRLF, 100 provisional responses
# then silence, a 200 for another Call-ID, a close, a reset, an HTTP
# response and a SIP request: each ends by the probe's deadline with its
# facts stored (probe_sip) and judged, in text, CSV and JSON (the "sip"
# object of each endpoint). Without the option nothing is sent.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/kamailio.sh"
. "$E2E_DIR/sip_fixture.sh"

have_python_ssl ||
	skip "/usr/bin/python3 with ssl is missing: the SIP OPTIONS were not tested"

CA="$T/ca"
make_ca "$CA"
make_leaf "$CA" srv sip.kam.test "DNS:sip.kam.test,IP:127.0.0.1"
make_leaf "$CA" cli edge.example.test "DNS:edge.example.test"
cat "$CA/srv.pem" "$CA/inter.pem" >"$T/srv-chain.pem"
cat "$CA/root.pem" "$CA/inter.pem" >"$T/trusted.pem"
cat "$CA/cli.pem" "$CA/inter.pem" >"$T/cli-chain.pem"

MODES="ok dribble huge garbage nocrlf provisional othercallid close reset http request evil"
# shellcheck disable=SC2086
start_sip_fixture "$T/srv-chain.pem" "$CA/srv.key" $MODES || exit 1
{
	echo "Domain,Type,Port"
	for m in $MODES; do
		v="SIP_${m^^}"
		echo "127.0.0.1,DIR,${!v}"
	done
} >"$T/hostile.csv"

scan() { # scan DB CSV [options]
	local db=$1 csv=$2
	shift 2
	"$FEDCERT" scan "$csv" --db "$db" --ca-file "$CA/root.pem" --timeout 4 --quiet \
		--sip-options --sip-domain example.test "$@"
}
# sipq DB PORT COLUMNS: the probe_sip row of the endpoint at PORT.
sipq() {
	sqlite3 -separator '|' "$1" "SELECT $3 FROM probe_sip s JOIN probe p ON p.id = s.probe_id
		JOIN endpoint e ON e.id = p.endpoint_id WHERE e.port = $2"
}

# ---- The hostile peers: each ends by the deadline, facts stored ---------
start=$(date +%s)
scan "$T/h.db" "$T/hostile.csv"
assert_eq "the scan of hostile SIP peers" 0 $?
took=$(($(date +%s) - start))
[ "$took" -le 10 ] && ok || fail "every hostile peer ends by the 4 s deadline (took $took s)"
assert_eq "ok: 200, its Server" "200|OK|fixture-sip/1.0|" "$(sipq "$T/h.db" "$SIP_OK" "status, reason, server, error")"
[ "$(sipq "$T/h.db" "$SIP_OK" "rtt_ms > 0")" = 1 ] && ok || fail "ok: a round trip"
assert_eq "dribble: timeout" "|timeout" "$(sipq "$T/h.db" "$SIP_DRIBBLE" "status, error")"
assert_eq "huge: too big" "too_big" "$(sipq "$T/h.db" "$SIP_HUGE" "error")"
assert_eq "garbage: not SIP" "not_sip" "$(sipq "$T/h.db" "$SIP_GARBAGE" "error")"
assert_eq "no CRLF: timeout" "timeout" "$(sipq "$T/h.db" "$SIP_NOCRLF" "error")"
assert_eq "100 provisional: too many, counted" "too_big|33" \
	"$(sipq "$T/h.db" "$SIP_PROVISIONAL" "error, provisional")"
assert_eq "another Call-ID: ignored, counted, then timeout" "timeout|1" \
	"$(sipq "$T/h.db" "$SIP_OTHERCALLID" "error, other_call_id")"
assert_eq "close: closed" "closed" "$(sipq "$T/h.db" "$SIP_CLOSE" "error")"
assert_eq "reset: reset" "reset" "$(sipq "$T/h.db" "$SIP_RESET" "error")"
assert_eq "HTTP: not SIP" "not_sip" "$(sipq "$T/h.db" "$SIP_HTTP" "error")"
assert_eq "a request back: not SIP" "not_sip" "$(sipq "$T/h.db" "$SIP_REQUEST" "error")"
[ "$(sipq "$T/h.db" "$SIP_HUGE" "length(headers) <= 4096")" = 1 ] && ok ||
	fail "huge: the header text kept is bounded"
# The handshake itself succeeded everywhere: the probe is no failure.
assert_eq "no probe failed" 0 "$(q "$T/h.db" "select count(*) from probe where error_kind is not null")"
# What the fixture read: one OPTIONS per endpoint, and nothing else.
# (a peer logs its line when its sending ends: the dribbling one when it
# next finds the connection gone, up to 200 ms after the scan)
for _ in $(seq 1 30); do
	[ "$(grep -c '^sip_fixture: ' "$SIP_FIXTURE_LOG")" -ge 12 ] && break
	sleep 0.1
done
assert_eq "one request per endpoint" 12 "$(grep -c '^sip_fixture: ' "$SIP_FIXTURE_LOG")"
grep '^sip_fixture: ' "$SIP_FIXTURE_LOG" | grep -qv 'read=' && fail "a connection without a request" || ok

"$FEDCERT" report --db "$T/h.db" --min-severity info >"$T/h.txt"
for m in dribble nocrlf othercallid close reset huge provisional; do
	v="SIP_${m^^}"
	grep -A30 "Checking IP Address: 127.0.0.1:${!v}\$" "$T/h.txt" | grep -q "\[error\] sip_not_answering" && ok ||
		fail "$m: sip_not_answering in the text report"
done
for m in garbage http request; do
	v="SIP_${m^^}"
	grep -A30 "Checking IP Address: 127.0.0.1:${!v}\$" "$T/h.txt" | grep -q "\[error\] sip_not_sip" && ok ||
		fail "$m: sip_not_sip in the text report"
done
"$FEDCERT" report --db "$T/h.db" --format json --min-severity info >"$T/h.json"
assert_eq "JSON: the sip object of the ok endpoint" \
	'{"status":200,"reason":"OK","server":"fixture-sip/1.0","ms_diagnostics":null,"ms_diagnostics_public":null,"error":null}' \
	"$(jq -c --argjson p "$SIP_OK" 'select(.port == $p) | .probes[0].sip | del(.rtt_ms)' "$T/h.json")"
assert_eq "JSON: the garbage endpoint's error" not_sip \
	"$(jq -r --argjson p "$SIP_GARBAGE" 'select(.port == $p) | .probes[0].sip.error' "$T/h.json")"
"$FEDCERT" report --db "$T/h.db" --format csv --min-severity info >"$T/h.csv"
# The hostile headers (evil): stored as they came, written safely in
# every format: no control byte reaches a terminal, JSON parses, and in
# the HTML page in Chromium nothing runs and they read as text.
assert_eq "evil: stored as they came" 403 "$(sipq "$T/h.db" "$SIP_EVIL" "status")"
grep -A30 "Checking IP Address: 127.0.0.1:$SIP_EVIL\$" "$T/h.txt" | grep -qF '\x1B[31m' && ok ||
	fail "evil: the escape shown as text in the text report"
if LC_ALL=C grep -q $'[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]' "$T/h.txt" "$T/h.csv"; then
	fail "a control byte in the text or CSV report"
else
	ok
fi
jq -e . "$T/h.json" >/dev/null && ok || fail "the JSON report parses"
assert_eq "JSON: the hostile Server as it came" "<script>window.__pwned='sip'</script>" \
	"$(jq -r --argjson p "$SIP_EVIL" 'select(.port == $p) | .probes[0].sip.server' "$T/h.json" | cut -c1-37)"
if command -v "${CHROMIUM:=chromium}" >/dev/null && /usr/bin/python3 -c 'import websocket' 2>/dev/null; then
	export CHROMIUM
	"$FEDCERT" report --db "$T/h.db" --format html --min-severity info -o "$T/h.html"
	cat >"$T/page.js" <<'JS'
document.querySelectorAll('details').forEach(function (d) { d.open = true; });
return { pwned: window.__pwned === undefined ? null : String(window.__pwned),
	imgs: document.querySelectorAll('img').length,
	text: document.body.textContent };
JS
	/usr/bin/python3 "$E2E_DIR/browser.py" "$T/h.html" "$T/page.js" "$T/page.json"
	assert_eq "HTML: the page was driven in Chromium" 0 $?
	assert_eq "HTML: no payload ran" null "$(jq -r '.result.pwned' "$T/page.json")"
	assert_eq "HTML: no image made" 0 "$(jq -r '.result.imgs' "$T/page.json")"
	assert_eq "HTML: no console message" "[]" "$(jq -c '.console' "$T/page.json")"
	jq -r '.result.text' "$T/page.json" | grep -qF "Server: <script>window.__pwned='sip'</script>" && ok ||
		fail "HTML: the hostile Server reads as text"
	jq -r '.result.text' "$T/page.json" | grep -qF "TLSv1.3, SIP 200 OK" && ok ||
		fail "HTML: the endpoint's SIP answer in its details"
else
	echo "SKIP (part): chromium or python3-websocket missing: the SIP headers were not checked in a browser"
fi
grep -q "sip_not_sip" "$T/h.csv" && grep -q "sip_not_answering" "$T/h.csv" && ok ||
	fail "CSV: the SIP findings"

# ---- --sip-pace: 3 s between two OPTIONS to one address ------------------
# Three endpoints on 127.0.0.1, a 4 s deadline: the first goes at once, the
# second 3 s later, the third could go only after its deadline: not sent.
printf 'Domain,Type,Port\n127.0.0.1,DIR,%s\n127.0.0.1,DIR,%s\n127.0.0.1,DIR,%s\n' \
	"$SIP_OK" "$SIP_EVIL" "$SIP_HTTP" >"$T/paced.csv"
scan "$T/p.db" "$T/paced.csv" --sip-pace 3000
assert_eq "paced: the scan" 0 $?
assert_eq "paced: two sent, one not" "2|1" "$(q "$T/p.db" "select sum(error is null or error != 'not_sent'), sum(error = 'not_sent') from probe_sip")"
q "$T/p.db" "select error_reason from probe_sip where error = 'not_sent'" | grep -q -- "--sip-pace" && ok ||
	fail "paced: the one not sent says why"

# ---- check --sip-options ---------------------------------------------------
"$FEDCERT" check "127.0.0.1:$SIP_OK" --ca-file "$CA/root.pem" --timeout 4 \
	--sip-options --sip-domain example.test --format json --min-severity info >"$T/check.json"
assert_eq "check --sip-options: the answer in JSON" 200 "$(jq -r '.probes[0].sip.status' "$T/check.json")"

# ---- Without --sip-options: nothing sent --------------------------------
"$FEDCERT" scan "$T/hostile.csv" --db "$T/n.db" --ca-file "$CA/root.pem" --timeout 4 --quiet
assert_eq "without the option: no probe_sip row" 0 "$(q "$T/n.db" "select count(*) from probe_sip")"
"$FEDCERT" scan "$T/hostile.csv" --db "$T/n.db" --sip-options >/dev/null 2>"$T/err"
assert_eq "--sip-options without --sip-domain is a usage error" 2 $?
"$FEDCERT" scan "$T/hostile.csv" --db "$T/n.db" --sip-options --sip-domain 'a b' >/dev/null 2>"$T/err"
assert_eq "a --sip-domain that is no host name is a usage error" 2 $?

# ---- Kamailio -----------------------------------------------------------
if why=$(kamailio_missing); then
	echo "SKIP (part): $why: fedcert's OPTIONS were not tested against Kamailio"
	finish
	exit $?
fi
kam() { # kam VAR CASE [options]
	local var=$1 c=$2
	shift 2
	start_kamailio "$var" "$c" "$T/srv-chain.pem" "$CA/srv.key" "$T/trusted.pem" "$@" ||
		{ fail "start_kamailio $c $*"; finish; exit 1; }
}
kam K_OK ok
kam K_403 forbidden
kam K_504 timeout504
kam K_SILENT silent
kam K_CC12 clientcert --tls1.2
kam K_CC13 clientcert --tls1.3
printf 'Domain,Type,Port\n127.0.0.1,DIR,%s\n127.0.0.1,DIR,%s\n127.0.0.1,DIR,%s\n127.0.0.1,DIR,%s\n127.0.0.1,DIR,%s\n127.0.0.1,DIR,%s\n' \
	"$K_OK" "$K_403" "$K_504" "$K_SILENT" "$K_CC12" "$K_CC13" >"$T/kam.csv"
scan "$T/k.db" "$T/kam.csv" --client-cert "$T/cli-chain.pem" --client-key "$CA/cli.key" --sip-contact edge.example.test
assert_eq "the scan of Kamailio" 0 $?
assert_eq "200 with its Server" "200|kamailio-test-200|" "$(sipq "$T/k.db" "$K_OK" "status, server, error")"
assert_eq "403 with ms-diagnostics-public" \
	'403|1047;reason="Failed to complete TLS negotiation with a federated peer server";source="sip.partner.test"' \
	"$(sipq "$T/k.db" "$K_403" "status, ms_diagnostics_public")"
assert_eq "504 from RTC/6.0" "504|RTC/6.0.9319.0" "$(sipq "$T/k.db" "$K_504" "status, server")"
assert_eq "silent: timeout" "|timeout" "$(sipq "$T/k.db" "$K_SILENT" "status, error")"
assert_eq "client certificate required, ours presented (TLS 1.2): 200" 200 "$(sipq "$T/k.db" "$K_CC12" "status")"
assert_eq "client certificate required, ours presented (TLS 1.3): 200" 200 "$(sipq "$T/k.db" "$K_CC13" "status")"
"$FEDCERT" report --db "$T/k.db" --min-severity info >"$T/k.txt"
grep -A30 "Checking IP Address: 127.0.0.1:$K_OK\$" "$T/k.txt" | grep -q "^SIP OPTIONS: 200 OK, .* ms (Server: kamailio-test-200)" && ok ||
	fail "the text report's SIP OPTIONS line"
grep -A30 "Checking IP Address: 127.0.0.1:$K_SILENT\$" "$T/k.txt" | grep -q "^SIP OPTIONS: no final response (timeout)" && ok ||
	fail "the text report's SIP OPTIONS line, no answer"
grep -A30 "Checking IP Address: 127.0.0.1:$K_OK\$" "$T/k.txt" | grep -q "\[info\] sip_server: Server: kamailio-test-200" && ok ||
	fail "sip_server for the 200"
grep -A30 "Checking IP Address: 127.0.0.1:$K_403\$" "$T/k.txt" | grep -q "\[error\] sip_rejected: .*403 Forbidden.*1047.*does not trust our certificate's CA" && ok ||
	fail "sip_rejected with what 1047 usually means"
grep -A30 "Checking IP Address: 127.0.0.1:$K_504\$" "$T/k.txt" | grep -q "\[error\] sip_rejected: .*504" && ok ||
	fail "sip_rejected for the 504"
grep -A30 "Checking IP Address: 127.0.0.1:$K_504\$" "$T/k.txt" | grep -q "\[warning\] sip_product_out_of_support: Microsoft Skype for Business Server 2015" && ok ||
	fail "sip_product_out_of_support for RTC/6.0"
grep -A30 "Checking IP Address: 127.0.0.1:$K_SILENT\$" "$T/k.txt" | grep -q "\[error\] sip_not_answering" && ok ||
	fail "sip_not_answering for the silent server"
# Without our certificate the TLS 1.2 server refuses the handshake, and no
# OPTIONS goes out; the TLS 1.3 one fails after it (certificate required).
printf 'Domain,Type,Port\n127.0.0.1,DIR,%s\n127.0.0.1,DIR,%s\n' "$K_CC12" "$K_CC13" >"$T/cc.csv"
scan "$T/c.db" "$T/cc.csv"
assert_eq "no client certificate, TLS 1.2: no OPTIONS" "" "$(sipq "$T/c.db" "$K_CC12" "status")"
assert_eq "no client certificate, TLS 1.3: no 200" "" "$(sipq "$T/c.db" "$K_CC13" "status")"
finish
