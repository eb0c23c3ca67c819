#!/usr/bin/env bash
# The hostile SIP-over-TLS peers (sip_fixture.py) proved with a real client
# before fedcert's --sip-options is tested against them: for each mode,
# openssl s_client sends a minimal OPTIONS and reads for 3 s, and we check
# what arrived. All the clients run at once (20 of them on `ok`, which
# holds each connection open, so the fixture must serve them together);
# then a client certificate, both unrequested and requested; then SIGTERM,
# --lifetime and an unknown mode.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/sip_fixture.sh"

have_python_ssl || skip "/usr/bin/python3 with its ssl module is missing: the SIP fixture cannot run, nothing tested"

CA="$T/ca"
make_ca "$CA"
make_leaf "$CA" srv sip.fixture.test "DNS:sip.fixture.test,IP:127.0.0.1"
make_leaf "$CA" client edge.client.test "DNS:edge.client.test"
cat "$CA/srv.pem" "$CA/inter.pem" >"$T/srv-chain.pem"
cat "$CA/root.pem" "$CA/inter.pem" >"$T/client-ca.pem"

ALL=(ok dribble huge garbage nocrlf provisional othercallid close reset http request)
start_sip_fixture "$T/srv-chain.pem" "$CA/srv.key" "${ALL[@]}" || exit 1
FIXLOG=$SIP_FIXTURE_LOG FIRST_OK=$SIP_OK
for m in "${ALL[@]}"; do
	v="SIP_${m^^}"
	[ -n "${!v:-}" ] && ok || fail "no port for $m in $FIXLOG"
done

# sip_client PORT CALLID OUT [s_client args]: in the background, one
# OPTIONS through `openssl s_client -quiet` (which keeps reading after its
# input ends), read for at most 3 s; what arrived in OUT, its stderr in
# OUT.err, its exit status in OUT.rc (124: still open after 3 s).
CLIENTS=()
sip_client() {
	local port=$1 cid=$2 out=$3
	shift 3
	{
		printf 'OPTIONS sip:ping@127.0.0.1:%s;transport=tls SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bK-%s\r\nMax-Forwards: 70\r\nFrom: <sip:fedcert@client.test>;tag=from-%s\r\nTo: <sip:ping@127.0.0.1>\r\nCall-ID: %s\r\nCSeq: 7 OPTIONS\r\nContent-Length: 0\r\n\r\n' \
			"$port" "$cid" "$cid" "$cid" |
			timeout 3 openssl s_client -connect "127.0.0.1:$port" -quiet \
				-CAfile "$CA/root.pem" -verify_return_error -verify_ip 127.0.0.1 \
				"$@" >"$out" 2>"$out.err"
		echo $? >"$out.rc"
	} &
	CLIENTS+=($!)
}
wait_clients() {
	local pid
	for pid in "${CLIENTS[@]}"; do wait "$pid"; done
	CLIENTS=()
}
bytes() { wc -c <"$1" | tr -d ' '; }
rc() { cat "$1.rc"; }
# count TEXT FILE: how many lines of FILE hold the fixed string TEXT.
count() { grep -acF -- "$1" "$2" || true; }
# ends_with_blank FILE: whether FILE ends with the blank line after Content-Length: 0.
ends_with_blank() {
	tail -c 21 "$1" | cmp -s - <(printf 'Content-Length: 0\r\n\r\n')
}

t0=$SECONDS
for m in "${ALL[@]}"; do
	v="SIP_${m^^}"
	sip_client "${!v}" "cid-$m-$$@client.test" "$T/out.$m"
done
for i in $(seq 1 20); do
	sip_client "$SIP_OK" "cid-many$i-$$@client.test" "$T/out.many$i"
done
wait_clients

# ok: a proper 200 OK echoing ours, the connection then held open.
o="$T/out.ok"; cid="cid-ok-$$@client.test"
assert_eq "ok: status line" "SIP/2.0 200 OK" "$(head -n1 "$o" | tr -d '\r')"
assert_contains "ok: Call-ID" "$o" "Call-ID: $cid"$'\r'
assert_contains "ok: Via" "$o" "Via: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bK-$cid"$'\r'
assert_contains "ok: From" "$o" "From: <sip:fedcert@client.test>;tag=from-$cid"$'\r'
assert_contains "ok: To with a tag" "$o" "To: <sip:ping@127.0.0.1>;tag="
assert_contains "ok: CSeq" "$o" "CSeq: 7 OPTIONS"$'\r'
assert_contains "ok: Server" "$o" "Server: fixture-sip/1.0"$'\r'
ends_with_blank "$o" && ok || fail "ok: does not end with Content-Length: 0 and the blank line"
assert_eq "ok: held open" 124 "$(rc "$o")"
assert_not_contains "ok: the server chain verified" "$o.err" "verify error"

# 20 at once on ok, each held open: all answered, each with its Call-ID.
answered=0
for i in $(seq 1 20); do
	grep -qF "Call-ID: cid-many$i-$$@client.test" "$T/out.many$i" &&
		head -n1 "$T/out.many$i" | grep -q '^SIP/2.0 200 OK' && answered=$((answered + 1))
done
assert_eq "20 concurrent clients on ok answered" 20 "$answered"

# dribble: some of the 200 OK within 3 s, far from all of it.
o="$T/out.dribble"; n=$(bytes "$o")
if [ "$n" -gt 0 ] && [ "$n" -lt 100 ]; then ok; else fail "dribble: $n bytes in 3 s, expected 1..99"; fi
cmp -s -n "$n" "$o" "$T/out.ok" && ok || fail "dribble: the $n bytes are not the start of a 200 OK"
assert_not_contains "dribble: never the whole response" "$o" "Content-Length"
assert_eq "dribble: still going after 3 s" 124 "$(rc "$o")"

# huge: the status line, more than 1,000,000 bytes of headers, then the end.
o="$T/out.huge"; n=$(bytes "$o")
if [ "$n" -gt 1000000 ]; then ok; else fail "huge: only $n bytes"; fi
assert_eq "huge: status line" "SIP/2.0 200 OK" "$(head -n1 "$o" | tr -d '\r')"
assert_eq "huge: 1024 padding headers" 1024 "$(grep -ac '^X-Pad-[0-9]*: a*'$'\r''$' "$o")"
assert_contains "huge: its Call-ID after the padding" "$o" "Call-ID: cid-huge-$$@client.test"
ends_with_blank "$o" && ok || fail "huge: does not end with Content-Length: 0 and the blank line"

# garbage: 4 KB, nothing of SIP, held open.
o="$T/out.garbage"
assert_eq "garbage: 4096 bytes" 4096 "$(bytes "$o")"
assert_not_contains "garbage: no SIP/2.0" "$o" "SIP/2.0"
assert_eq "garbage: held open" 124 "$(rc "$o")"

# nocrlf: a 200 OK on one line, no CR or LF anywhere, held open.
o="$T/out.nocrlf"
assert_eq "nocrlf: starts as a 200 OK" "SIP/2.0 200 OK " "$(head -c 15 "$o")"
assert_contains "nocrlf: its Call-ID" "$o" "Call-ID: cid-nocrlf-$$@client.test CSeq: 7 OPTIONS "
assert_eq "nocrlf: no CR or LF" 0 "$(tr -cd '\r\n' <"$o" | wc -c | tr -d ' ')"
assert_eq "nocrlf: held open" 124 "$(rc "$o")"

# provisional: 100 Trying, 100 times, for our Call-ID; no final answer.
o="$T/out.provisional"
assert_eq "provisional: 100 status lines" 100 "$(count "SIP/2.0 100 Trying"$'\r' "$o")"
assert_eq "provisional: each with our Call-ID" 100 "$(count "Call-ID: cid-provisional-$$@client.test"$'\r' "$o")"
assert_eq "provisional: each complete" 100 "$(count "Content-Length: 0"$'\r' "$o")"
assert_not_contains "provisional: no final response" "$o" "SIP/2.0 200"
assert_eq "provisional: then silence, held open" 124 "$(rc "$o")"

# othercallid: a 200 OK for someone else.
o="$T/out.othercallid"
assert_eq "othercallid: status line" "SIP/2.0 200 OK" "$(head -n1 "$o" | tr -d '\r')"
assert_contains "othercallid: another Call-ID" "$o" "Call-ID: other-"
assert_not_contains "othercallid: not ours" "$o" "Call-ID: cid-othercallid"
assert_contains "othercallid: our CSeq still" "$o" "CSeq: 7 OPTIONS"
assert_eq "othercallid: held open" 124 "$(rc "$o")"

# close: nothing, a clean close_notify at once.
o="$T/out.close"
assert_eq "close: no bytes" 0 "$(bytes "$o")"
assert_eq "close: s_client ends cleanly before 3 s" 0 "$(rc "$o")"
assert_not_contains "close: not a reset" "$o.err" "errno=104"

# reset: nothing, a TCP reset at once.
o="$T/out.reset"
assert_eq "reset: no bytes" 0 "$(bytes "$o")"
assert_contains "reset: ECONNRESET" "$o.err" "read:errno=104"
[ "$(rc "$o")" != 124 ] && ok || fail "reset: the connection was still open after 3 s"

# http: an HTTP error, then the close.
o="$T/out.http"
assert_eq "http: status line" "HTTP/1.1 400 Bad Request" "$(head -n1 "$o" | tr -d '\r')"
assert_not_contains "http: nothing of SIP" "$o" "SIP/2.0"
assert_eq "http: closed cleanly before 3 s" 0 "$(rc "$o")"

# request: an OPTIONS request back, with our own Call-ID, no response.
o="$T/out.request"
assert_eq "request: request line" "OPTIONS sip:x SIP/2.0" "$(head -n1 "$o" | tr -d '\r')"
assert_contains "request: our Call-ID" "$o" "Call-ID: cid-request-$$@client.test"
assert_contains "request: its own CSeq" "$o" "CSeq: 1 OPTIONS"
assert_not_contains "request: no status line" "$o" "SIP/2.0 200"
assert_eq "request: held open" 124 "$(rc "$o")"

# One log line per connection, with its mode and the bytes read (the
# dribble's line comes when it finds the client gone).
wait_line "$FIXLOG" '^sip_fixture: dribble .* 200 OK dribbled' >/dev/null || fail "no log line for dribble"
for m in "${ALL[@]}"; do
	want=1; [ "$m" = ok ] && want=21
	assert_eq "a log line for each $m connection" "$want" \
		"$(grep -cE "^sip_fixture: $m 127\.0\.0\.1:[0-9]+ read=[1-9][0-9]* sent=[0-9]+ client_cert=no " "$FIXLOG")"
done
assert_contains "huge logged what it sent" "$FIXLOG" "200 OK with 1048576 bytes of padding headers"
t_batch=$((SECONDS - t0))

# A client certificate: unrequested without --client-ca (the client that
# has one still connects); with --client-ca requested, and one that
# verifies is taken, as is no certificate at all.
start_sip_fixture "$T/srv-chain.pem" "$CA/srv.key" --client-ca "$T/client-ca.pem" ok || exit 1
MTLS=$SIP_OK MTLSLOG=$SIP_FIXTURE_LOG MTLSPID=$SIP_FIXTURE_PID
sip_client "$FIRST_OK" "cid-cc1-$$@client.test" "$T/out.cc1" -cert "$CA/client.pem" -key "$CA/client.key"
sip_client "$MTLS" "cid-cc2-$$@client.test" "$T/out.cc2" -cert "$CA/client.pem" -key "$CA/client.key"
sip_client "$MTLS" "cid-cc3-$$@client.test" "$T/out.cc3"
wait_clients
for c in cc1 cc2 cc3; do
	assert_contains "client certificate ($c): answered" "$T/out.$c" "Call-ID: cid-$c-$$@client.test"
done
assert_eq "unrequested certificate not sent" 22 "$(grep -c '^sip_fixture: ok .* client_cert=no ' "$FIXLOG")"
assert_eq "requested certificate offered and taken" 1 "$(grep -c '^sip_fixture: ok .* client_cert=yes ' "$MTLSLOG")"
assert_eq "requested certificate not offered, still answered" 1 "$(grep -c '^sip_fixture: ok .* client_cert=no ' "$MTLSLOG")"

# SIGTERM ends it at once, holding connections or not.
t1=$SECONDS
stop_pid "$MTLSPID"
[ $((SECONDS - t1)) -le 2 ] && ok || fail "SIGTERM took $((SECONDS - t1)) s"
kill -0 "$MTLSPID" 2>/dev/null && fail "still running after SIGTERM" || ok

# --lifetime ends it by itself; an unknown mode is refused.
start_sip_fixture "$T/srv-chain.pem" "$CA/srv.key" --lifetime 1 ok || exit 1
LPID=$SIP_FIXTURE_PID
for i in $(seq 1 60); do kill -0 "$LPID" 2>/dev/null || break; sleep 0.05; done
kill -0 "$LPID" 2>/dev/null && fail "--lifetime 1: still running 3 s after it ended" || ok
/usr/bin/python3 "$E2E_DIR/sip_fixture.py" --cert "$T/srv-chain.pem" --key "$CA/srv.key" \
	--lifetime 5 bogus >"$T/bogus.out" 2>"$T/bogus.err"
assert_eq "unknown mode: exit 2" 2 "$?"
assert_contains "unknown mode: says so" "$T/bogus.err" 'unknown mode "bogus"'

echo "the eleven modes checked in ${t_batch} s, the whole test in ${SECONDS} s"
finish
