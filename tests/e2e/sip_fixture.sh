# sip_fixture.sh: starts tests/e2e/sip_fixture.py, hostile SIP-over-TLS
# peers. Sourced after lib.sh, not run.

# have_python_ssl: whether /usr/bin/python3 exists and has its ssl module.
have_python_ssl() {
	[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import ssl' 2>/dev/null
}

# start_sip_fixture CERT KEY [--client-ca FILE] [--lifetime S] MODE...:
# one TLS listener per MODE on 127.0.0.1 (ok dribble huge garbage nocrlf
# provisional othercallid close reset http request evil; see sip_fixture.py).
# Sets SIP_<MODE> to each port (SIP_OK, SIP_OTHERCALLID, ...), records the
# PID in PIDS, and sets SIP_FIXTURE_PID and SIP_FIXTURE_LOG (its stdout and
# stderr: the ports, "ready", then one "sip_fixture: MODE PEER read=N
# sent=M client_cert=yes|no WHAT" line per connection). Waits at most 10 s
# for "ready"; returns 1, showing the log, if it never comes.
start_sip_fixture() {
	local cert=$1 key=$2 log="$T/sip_fixture.$RANDOM.$RANDOM.log" pid i mode port
	shift 2
	/usr/bin/python3 "$E2E_DIR/sip_fixture.py" --cert "$cert" --key "$key" \
		--lifetime 300 "$@" >"$log" 2>&1 &
	pid=$!
	PIDS+=("$pid")
	SIP_FIXTURE_PID=$pid
	SIP_FIXTURE_LOG=$log
	for i in $(seq 1 200); do
		grep -qx ready "$log" 2>/dev/null && break
		kill -0 "$pid" 2>/dev/null || break   # it died: no use waiting
		sleep 0.05
	done
	if ! grep -qx ready "$log" 2>/dev/null; then
		echo "sip_fixture.py never said ready:" >&2
		cat "$log" >&2
		return 1
	fi
	while read -r mode port; do
		[ "$mode" = ready ] && break
		printf -v "SIP_${mode^^}" '%s' "$port"
	done <"$log"
}
