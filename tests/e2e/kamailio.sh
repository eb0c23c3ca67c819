# kamailio.sh: a real SIP server for the end-to-end tests, Debian's
# Kamailio (packages kamailio and kamailio-tls-modules), started on
# loopback with TLS only and configured per test case. Sourced after
# lib.sh, like lib.sh itself; not a test.
#
#   kamailio_missing         prints why Kamailio cannot be started here
#                            (for lib.sh's skip) and returns 0, or returns 1
#                            when it can
#   start_kamailio VAR CASE CERT KEY CA [--tls1.2|--tls1.3]
#
# start_kamailio starts kamailio in the foreground (-DD -E), listening on
# tls:127.0.0.1:PORT only (a free port; no UDP, no TCP, no other address),
# with its working and runtime directory, pid file, configuration and log
# under $T (no ctl socket or FIFO: those modules are not loaded; no DNS:
# dns, rev_dns and auto_aliases off); it waits until the first SIP worker
# has initialised its modules (its log says so; bounded), puts its PID in
# PIDS (lib.sh's cleanup stops it and its children with it), sets VAR to
# the port, KAM_PID to the PID and KAM_LOG to its log (stderr; no syslog).
#
# CERT is the server's certificate (PEM, the leaf and, to be sent along, its
# intermediates), KEY its key, CA the certificates trusted for clients'
# certificates (PEM; the clientcert case). The routing script answers an
# OPTIONS statelessly (sl_send_reply; headers added with append_to_reply;
# server_signature off, so the only Server header is ours):
#   ok          200 OK, "Server: kamailio-test-200" and an Allow header
#   forbidden   403 Forbidden, "ms-diagnostics-public: 1047;reason="Failed
#               to complete TLS negotiation with a federated peer
#               server";source="sip.partner.test""
#   timeout504  504 Server time-out, "Server: RTC/6.0.9319.0"
#   clientcert  the handshake requires a client certificate that CA
#               verifies (verify_certificate and require_certificate);
#               200 OK as in ok when is_peer_verified(), else 403
#   silent      accepts TLS, reads the OPTIONS and never answers (drop)
# Any other method: 405 Method Not Allowed with "Allow: OPTIONS".
#
# TLS versions: TLS 1.2 and 1.3 by default (tls.cfg method = TLSv1.2+).
# --tls1.2: TLS 1.2 only (method = TLSv1.2). --tls1.3: TLS 1.3 only.
# Kamailio 5.6 (Debian 12) knows no TLSv1.3 method (5.6's are up to
# TLSv1.2 and TLSv1.2+), so for --tls1.3 the domain's method is SSLv23
# (which leaves OpenSSL's versions alone) and kamailio runs with an
# OPENSSL_CONF of ours under $T whose system_default section says
# MinProtocol = TLSv1.3 (and Debian's own CipherString); libssl applies
# that section to every SSL_CTX it creates.

# kamailio_bin: the kamailio binary (/usr/sbin may be missing from PATH).
kamailio_bin() {
	command -v kamailio 2>/dev/null ||
		{ [ -x /usr/sbin/kamailio ] && echo /usr/sbin/kamailio; }
}

# kamailio_modules_dir: the module directory of the installed package
# (e.g. /usr/lib/x86_64-linux-gnu/kamailio/modules), from dpkg's list of
# the package's files, else the first of the usual places that has sl.so.
kamailio_modules_dir() {
	local f
	f=$(dpkg -L kamailio 2>/dev/null | grep -m1 '/kamailio/modules/sl\.so$')
	if [ -z "$f" ]; then
		for f in /usr/lib/*/kamailio/modules/sl.so /usr/lib*/kamailio/modules/sl.so \
			/usr/local/lib*/kamailio/modules/sl.so ""; do
			[ -n "$f" ] && [ -f "$f" ] && break
		done
	fi
	[ -n "$f" ] || return 1
	dirname "$f"
}

kamailio_missing() {
	local dir m
	if [ -z "$(kamailio_bin)" ]; then
		echo "kamailio is not installed (scripts/deps installs it)"
		return 0
	fi
	if ! dir=$(kamailio_modules_dir); then
		echo "kamailio's module directory was not found"
		return 0
	fi
	for m in sl textops xlog pv tls; do
		if [ ! -f "$dir/$m.so" ]; then
			if [ "$m" = tls ]; then
				echo "kamailio-tls-modules is not installed (scripts/deps installs it)"
			else
				echo "kamailio's module $m.so is not in $dir"
			fi
			return 0
		fi
	done
	return 1
}

# kamailio_route CASE: the request_route for CASE.
kamailio_route() {
	local allow='Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, MESSAGE, INFO, NOTIFY, SUBSCRIBE, BENOTIFY\r\n'
	local answer
	case "$1" in
	ok)
		answer="append_to_reply(\"Server: kamailio-test-200\\r\\n$allow\");
	sl_send_reply(\"200\", \"OK\");" ;;
	forbidden)
		answer='append_to_reply("ms-diagnostics-public: 1047;reason=\"Failed to complete TLS negotiation with a federated peer server\";source=\"sip.partner.test\"\r\n");
	sl_send_reply("403", "Forbidden");' ;;
	timeout504)
		answer='append_to_reply("Server: RTC/6.0.9319.0\r\n");
	sl_send_reply("504", "Server time-out");' ;;
	clientcert)
		answer="if (is_peer_verified()) {
		append_to_reply(\"Server: kamailio-test-200\\r\\n$allow\");
		sl_send_reply(\"200\", \"OK\");
	} else {
		sl_send_reply(\"403\", \"Client certificate not verified\");
	}" ;;
	silent)
		answer='xlog("L_NOTICE", "kamailio-harness: dropped $rm $ci\n");
	drop;' ;;
	*)
		echo "start_kamailio: unknown case '$1'" >&2
		return 1 ;;
	esac
	cat <<CFG
request_route {
	if (!is_method("OPTIONS")) {
		append_to_reply("Allow: OPTIONS\r\n");
		sl_send_reply("405", "Method Not Allowed");
		exit;
	}
	$answer
}
CFG
}

start_kamailio() {
	local var=$1 kcase=$2 cert=$3 key=$4 ca=$5
	shift 5
	local method="TLSv1.2+" tls13=""
	while [ $# -gt 0 ]; do
		case "$1" in
		--tls1.2) method="TLSv1.2" ;;
		--tls1.3) method="SSLv23"; tls13=1 ;;
		*) echo "start_kamailio: unknown option '$1'" >&2; return 1 ;;
		esac
		shift
	done
	local bin mods route
	bin=$(kamailio_bin) || { echo "start_kamailio: no kamailio" >&2; return 1; }
	mods=$(kamailio_modules_dir) || { echo "start_kamailio: no module directory" >&2; return 1; }
	route=$(kamailio_route "$kcase") || return 1

	local dir verify=no
	dir=$(mktemp -d "$T/kamailio.$kcase.XXXXXX")
	mkdir -p "$dir/run"
	[ "$kcase" = clientcert ] && verify=yes
	cat >"$dir/tls.cfg" <<CFG
[server:default]
method = $method
certificate = $cert
private_key = $key
ca_list = $ca
verify_certificate = $verify
require_certificate = $verify

# Kamailio never connects anywhere here; its client side trusts nothing.
[client:default]
method = TLSv1.2+
verify_certificate = yes
require_certificate = yes
CFG
	local env=()
	if [ -n "$tls13" ]; then
		cat >"$dir/openssl.cnf" <<'CNF'
openssl_conf = openssl_init
[openssl_init]
ssl_conf = ssl_sect
[ssl_sect]
system_default = system_default_sect
[system_default_sect]
MinProtocol = TLSv1.3
CipherString = DEFAULT:@SECLEVEL=2
CNF
		env=(OPENSSL_CONF="$dir/openssl.cnf")
	fi

	local try port log pid i
	for try in 1 2 3 4 5; do
		port=$((20000 + RANDOM % 30000))
		[ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ] && continue
		cat >"$dir/kamailio.cfg" <<CFG
#!KAMAILIO
# start_kamailio case $kcase (tests/e2e/kamailio.sh)
debug=2
log_stderror=yes
fork=yes
children=1
tcp_children=2
disable_sctp=yes
disable_tcp=no
enable_tls=yes
auto_aliases=no
dns=no
rev_dns=no
use_dns_cache=off
listen=tls:127.0.0.1:$port
server_signature=no

loadpath "$mods/"
loadmodule "tls.so"
loadmodule "sl.so"
loadmodule "textops.so"
loadmodule "xlog.so"
loadmodule "pv.so"
modparam("tls", "config", "$dir/tls.cfg")

# The first SIP worker has initialised every module: ready.
event_route[core:worker-one-init] {
	xlog("L_NOTICE", "kamailio-harness: ready on tls:127.0.0.1:$port\n");
}

$route
CFG
		log="$dir/kamailio.$port.log"
		env "${env[@]}" "$bin" -f "$dir/kamailio.cfg" -DD -E -w "$dir" \
			-Y "$dir/run" -P "$dir/run/kamailio.pid" -m 32 -M 4 \
			</dev/null >"$log" 2>&1 &
		pid=$!
		PIDS+=("$pid")
		for i in $(seq 1 200); do
			if grep -q 'kamailio-harness: ready' "$log" 2>/dev/null; then
				printf -v "$var" '%s' "$port"
				KAM_PID=$pid
				KAM_LOG=$log
				return 0
			fi
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		stop_pid "$pid"
		if ! grep -q 'Address already in use' "$log"; then
			echo "start_kamailio: kamailio ($kcase) did not start:" >&2
			cat "$log" >&2
			return 1
		fi
	done
	echo "start_kamailio: no free port found" >&2
	return 1
}
