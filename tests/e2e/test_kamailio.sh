#!/usr/bin/env bash
# The Kamailio harness (tests/e2e/kamailio.sh) proved with a real client,
# openssl s_client, sending one OPTIONS over TLS to each case: ok,
# forbidden, timeout504 answer with their status line and headers; a
# method other than OPTIONS gets 405; clientcert answers 200 to a client
# with a certificate from the trusted CA, in TLS 1.2 and in TLS 1.3, and
# no 200 to one without a certificate or with one from another CA;
# --tls1.2 and --tls1.3 restrict the server to that version; silent
# completes the handshake and says nothing for 3 s. Kamailio listens on
# its TLS port on 127.0.0.1 and on nothing else.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/kamailio.sh"

if why=$(kamailio_missing); then
	skip "$why: the Kamailio harness (SIP OPTIONS over TLS) was not tested"
fi

CA="$T/ca"; OTHER="$T/other"
make_ca "$CA"; make_ca_named "$OTHER" "Other"
make_leaf "$CA" srv sip.kam.test "DNS:sip.kam.test,IP:127.0.0.1"
make_leaf "$CA" cli edge.client.test "DNS:edge.client.test"
make_leaf "$OTHER" stranger edge.stranger.test "DNS:edge.stranger.test"
cat "$CA/srv.pem" "$CA/inter.pem" >"$T/srv-chain.pem"
cat "$CA/root.pem" "$CA/inter.pem" >"$T/trusted.pem"
CLIENT=(-cert "$CA/cli.pem" -key "$CA/cli.key" -cert_chain "$CA/inter.pem")
STRANGER=(-cert "$OTHER/stranger.pem" -key "$OTHER/stranger.key" -cert_chain "$OTHER/inter.pem")

kam() { # kam VAR CASE [options]: a server with our certificate
	local var=$1 c=$2; shift 2
	start_kamailio "$var" "$c" "$T/srv-chain.pem" "$CA/srv.key" "$T/trusted.pem" "$@" ||
		{ fail "start_kamailio $c $*"; finish; exit 1; }
}

# sip OUT PORT METHOD [s_client args...]: sends one request over TLS
# (s_client -quiet keeps the connection open after its input ends) and
# stops as soon as a whole response (up to its blank line) has come back,
# or after 3 s. OUT gets the response, OUT.err s_client's summary
# (-brief: the handshake, its version, the verification) and errors; the
# Call-ID is harness-NAME@127.0.0.1, NAME being OUT's file name.
sip() {
	local out=$1 port=$2 method=$3 pid i id
	shift 3
	id=$(basename "$out")
	printf '%s sip:sip.kam.test;transport=tls SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bK-harness-%s;rport\r\nMax-Forwards: 70\r\nFrom: <sip:fedcert@edge.client.test>;tag=t%s\r\nTo: <sip:sip.kam.test>\r\nCall-ID: harness-%s@127.0.0.1\r\nCSeq: 1 %s\r\nContact: <sip:edge.client.test;transport=tls>\r\nContent-Length: 0\r\n\r\n' \
		"$method" "$id" "$id" "$id" "$method" >"$out.req"
	timeout 4 openssl s_client -connect "127.0.0.1:$port" -servername sip.kam.test \
		-quiet -brief -CAfile "$CA/root.pem" -verify_return_error "$@" \
		<"$out.req" >"$out" 2>"$out.err" &
	pid=$!
	for i in $(seq 1 60); do
		grep -q $'^\r$' "$out" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	stop_pid "$pid"
}

# status FILE: the response's status line, without its CR.
status() { head -n1 "$1" | tr -d '\r'; }
# header FILE NAME: the lines of header NAME, without CRs.
header() { grep -i "^$2:" "$1" | tr -d '\r'; }

# 1. ok, forbidden, timeout504; 405 for anything but OPTIONS.
kam P_OK ok
sip "$T/ok" "$P_OK" OPTIONS
assert_eq "ok: status" "SIP/2.0 200 OK" "$(status "$T/ok")"
assert_eq "ok: Server" "Server: kamailio-test-200" "$(header "$T/ok" Server)"
assert_eq "ok: Allow" "Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, MESSAGE, INFO, NOTIFY, SUBSCRIBE, BENOTIFY" \
	"$(header "$T/ok" Allow)"
assert_eq "ok: Call-ID echoed" "Call-ID: harness-ok@127.0.0.1" "$(header "$T/ok" Call-ID)"
assert_contains "ok: handshake" "$T/ok.err" "CONNECTION ESTABLISHED"
assert_contains "ok: our chain verified" "$T/ok.err" "Verification: OK"
sip "$T/405" "$P_OK" MESSAGE
assert_eq "MESSAGE: status" "SIP/2.0 405 Method Not Allowed" "$(status "$T/405")"
assert_eq "MESSAGE: Allow" "Allow: OPTIONS" "$(header "$T/405" Allow)"

# Kamailio's sockets: its TLS port on 127.0.0.1 and nothing else, in any
# of its processes (no UDP, no TCP, no other address).
# (ss, from iproute2, with the processes behind each socket: a bare root
# may lack it or not show them; then that is said, not failed.)
if ! command -v ss >/dev/null || ! command -v pgrep >/dev/null; then
	echo "SKIP (part): ss or pgrep is missing: kamailio's sockets were not listed"
elif ! ss -Hlntup 2>/dev/null | grep -q 'users:'; then
	echo "SKIP (part): ss shows no process behind any socket here: kamailio's sockets were not listed"
else
	pids=$(pgrep -P "$KAM_PID" | paste -sd'|')
	ss -Hlntup 2>/dev/null | grep -E "pid=($KAM_PID|$pids)," | awk '{print $1, $5}' | sort -u >"$T/sockets"
	assert_eq "kamailio listens on its TLS port only" "tcp 127.0.0.1:$P_OK" "$(cat "$T/sockets")"
fi

kam P_403 forbidden
sip "$T/403" "$P_403" OPTIONS
assert_eq "forbidden: status" "SIP/2.0 403 Forbidden" "$(status "$T/403")"
assert_eq "forbidden: ms-diagnostics-public" \
	'ms-diagnostics-public: 1047;reason="Failed to complete TLS negotiation with a federated peer server";source="sip.partner.test"' \
	"$(header "$T/403" ms-diagnostics-public)"
assert_eq "forbidden: no Server" "" "$(header "$T/403" Server)"

kam P_504 timeout504
sip "$T/504" "$P_504" OPTIONS
assert_eq "timeout504: status" "SIP/2.0 504 Server time-out" "$(status "$T/504")"
assert_eq "timeout504: Server" "Server: RTC/6.0.9319.0" "$(header "$T/504" Server)"

# 2. silent: started now, its 3 s of silence awaited while clientcert runs.
kam P_SILENT silent
SILENT_LOG=$KAM_LOG
sip "$T/silent" "$P_SILENT" OPTIONS &
silent_job=$!

# 3. clientcert, TLS 1.2 and 1.3, each on a server restricted to it.
for v in 1.2 1.3; do
	other=1.3; [ $v = 1.3 ] && other=1.2
	kam P_CC clientcert "--tls$v"
	sip "$T/cc$v" "$P_CC" OPTIONS "-tls${v/./_}" "${CLIENT[@]}"
	assert_eq "clientcert TLS $v: status" "SIP/2.0 200 OK" "$(status "$T/cc$v")"
	assert_eq "clientcert TLS $v: Server" "Server: kamailio-test-200" "$(header "$T/cc$v" Server)"
	assert_contains "clientcert TLS $v: version" "$T/cc$v.err" "Protocol version: TLSv$v"
	sip "$T/cc$v-none" "$P_CC" OPTIONS "-tls${v/./_}"
	assert_eq "clientcert TLS $v, no certificate: nothing" "" "$(status "$T/cc$v-none")"
	sip "$T/cc$v-stranger" "$P_CC" OPTIONS "-tls${v/./_}" "${STRANGER[@]}"
	assert_eq "clientcert TLS $v, another CA's certificate: nothing" "" \
		"$(status "$T/cc$v-stranger")"
	sip "$T/cc$v-other" "$P_CC" OPTIONS "-tls${other/./_}" "${CLIENT[@]}"
	assert_eq "server restricted to TLS $v, client in $other: nothing" "" \
		"$(status "$T/cc$v-other")"
	assert_not_contains "server restricted to TLS $v, client in $other: no handshake" \
		"$T/cc$v-other.err" "CONNECTION ESTABLISHED"
	# Kamailio's log says why it refused each (wait_line: it may write
	# after the client has read the alert).
	for why in "peer did not return a certificate" "certificate verify failed" \
		"unsupported protocol"; do
		if wait_line "$KAM_LOG" "TLS accept:.*$why"; then ok; else
			fail "clientcert TLS $v: kamailio did not log [$why]"; fi
	done
	stop_pid "$KAM_PID"
done
# What a client without a certificate sees: in TLS 1.2 the handshake
# fails; in TLS 1.3 it completes on the client's side and the server's
# alert (certificate required) comes with the first read.
assert_not_contains "clientcert TLS 1.2, no certificate: no handshake" \
	"$T/cc1.2-none.err" "CONNECTION ESTABLISHED"
assert_contains "clientcert TLS 1.3, no certificate: alert" "$T/cc1.3-none.err" \
	"certificate required"

# The default server (no option) speaks both versions.
for v in 1.2 1.3; do
	sip "$T/ok$v" "$P_OK" OPTIONS "-tls${v/./_}"
	assert_eq "ok in TLS $v: status" "SIP/2.0 200 OK" "$(status "$T/ok$v")"
	assert_contains "ok in TLS $v: version" "$T/ok$v.err" "Protocol version: TLSv$v"
done

wait "$silent_job"
assert_contains "silent: handshake" "$T/silent.err" "CONNECTION ESTABLISHED"
assert_eq "silent: nothing within 3 s" "0" "$(wc -c <"$T/silent")"
assert_contains "silent: the OPTIONS was read" "$SILENT_LOG" "kamailio-harness: dropped OPTIONS"

finish
