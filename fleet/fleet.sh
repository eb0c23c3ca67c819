#!/usr/bin/env bash
# fleet.sh: the local federation on loopback (fleet/README.md), started and
# stopped by PID.
#
#   fleet/fleet.sh start [options]         build, generate (cached), start; prints the env file
#   fleet/fleet.sh run [options] -- CMD..  start, run CMD with the env file exported, stop
#   fleet/fleet.sh stats [options]         SIGUSR1 to the fleet server; prints its stats line
#   fleet/fleet.sh stop [options]          stop what start started (by PID)
#   fleet/with-fleet N [options] -- CMD..  the same as: fleet.sh run --domains N [options] -- CMD..
#
# Options:
#   --domains N     partner domains (default 10000)     --seed S        (default 1)
#   --delay MS      fleet server's delay per write (50)  --dns-delay MS  per DNS answer (20)
#   --defects PCT   (10)  --faults PCT (3)  --dir-rows M (0)  --port P (5061, else a free one)
#   --dns-shards K  dnsmasq instances the SRV records are split over (16; 1: one dnsmasq)
#   --dir DIR       where the fleet's files go (default $FLEET_BUILD/fleet-N-sS)
# Environment: FLEET_BUILD (build directory, default <repo>/build-fleet),
#   FLEET_CACHE (keys and certificates, default ${XDG_CACHE_HOME:-~/.cache}/fedcert-fleet,
#   or ${TMPDIR:-/tmp}/fedcert-fleet-UID where that cannot be created or written;
#   made with its parents; start says on stderr which one it uses).
#
# Everything listens on loopback only: the fleet on 127.1.0.0/16, 127.2.0.0/16
# and ::1; dnsmasq (--no-resolv --no-hosts, authoritative for fleet.test) and
# the DNS delay forwarder on 127.0.0.1. dnsmasq reads every srv-host= record
# on every query (0.3 ms of CPU per query at 10,000 domains), so the SRV
# records are split over --dns-shards instances by a hash of their name and
# the forwarder asks the one that holds a name (fleet/dns/dnsshard.c);
# one more instance holds the whole zone, for TCP and for $DNSMASQ.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FLEET_BUILD=${FLEET_BUILD:-$ROOT/build-fleet}
FLEET_CACHE=${FLEET_CACHE:-}
READY_TIMEOUT_S=300   # a 10,000-domain fleet loads ~6,000 certificates first
STOP_TIMEOUT_S=10

DOMAINS=10000 SEED=1 DELAY=50 DNS_DELAY=20 DEFECTS=10 FAULTS=3 DIR_ROWS=0
DNS_SHARDS=16 PORT="" DIR="" DNSMASQ_PIDS=""

die() { echo "fleet: $*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

parse_options() {
	while [ $# -gt 0 ]; do
		case "$1" in
		--domains) DOMAINS=$2; shift 2 ;;
		--seed) SEED=$2; shift 2 ;;
		--delay) DELAY=$2; shift 2 ;;
		--dns-delay) DNS_DELAY=$2; shift 2 ;;
		--defects) DEFECTS=$2; shift 2 ;;
		--faults) FAULTS=$2; shift 2 ;;
		--dir-rows) DIR_ROWS=$2; shift 2 ;;
		--dns-shards) DNS_SHARDS=$2; shift 2 ;;
		--port) PORT=$2; shift 2 ;;
		--dir) DIR=$2; shift 2 ;;
		--) shift; CMD=("$@"); return 0 ;;
		*) die "unknown option $1 (see the top of $0)" ;;
		esac
	done
}

# A build directory configured for another source tree (the fleet's sources
# lived in bench/ before, and a copy of the repository elsewhere has its
# own) is configured afresh: CMake refuses to build it from this one.
build() {
	local log=$FLEET_BUILD/build.log home
	mkdir -p "$FLEET_BUILD"
	home=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$FLEET_BUILD/CMakeCache.txt" 2>/dev/null || true)
	if [ -n "$home" ] && ! [ "$home" -ef "$ROOT/fleet" ]; then
		rm -rf -- "$FLEET_BUILD/CMakeCache.txt" "$FLEET_BUILD/CMakeFiles"
	fi
	if ! { [ -f "$FLEET_BUILD/CMakeCache.txt" ] ||
		cmake -S "$ROOT/fleet" -B "$FLEET_BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo; } \
		>"$log" 2>&1 || ! cmake --build "$FLEET_BUILD" --target fleet -j >>"$log" 2>&1; then
		cat "$log" >&2
		die "build failed"
	fi
}

# Running, not a zombie: kill -0 succeeds on a zombie, and an orphan's
# zombie may wait seconds for init to reap it.
pid_running() {
	local st
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
	[ -n "$st" ] && [ "$st" != Z ]
}

# launch LOG CMD...: CMD in its own session, output to LOG; sets PID. LOG
# is emptied here, not by the child's redirection: a child that is slow to
# start would leave the last run's "ready" line for wait_for to find.
launch() {
	local log=$1
	shift
	: >"$log"
	setsid "$@" >>"$log" 2>&1 </dev/null &
	PID=$!
}

# wait_for LOG PATTERN PID: until LOG matches, bounded; fails if PID dies.
wait_for() {
	local i
	for ((i = 0; i < READY_TIMEOUT_S * 20; i++)); do
		grep -qE -- "$2" "$1" 2>/dev/null && return 0
		pid_running "$3" || return 1
		sleep 0.05
	done
	return 1
}

# Whether the loopback has ::1 (a container may run without IPv6): the
# kernel lists every configured IPv6 address in /proc/net/if_inet6.
have_ipv6_loopback() {
	grep -qi '^00000000000000000000000000000001 ' /proc/net/if_inet6 2>/dev/null
}

generate() {
	local v6=()
	if ! have_ipv6_loopback; then
		v6=(--no-ipv6)
		echo "fleet: no ::1 on this machine's loopback: the fleet has no IPv6 hosts" >&2
	fi
	"$FLEET_BUILD/fleet-gen" --out "$DIR" --cache "$FLEET_CACHE" --domains "$DOMAINS" \
		--seed "$SEED" --port "$1" --defects "$DEFECTS" --faults "$FAULTS" \
		--dir-rows "$DIR_ROWS" "${v6[@]}" 2>"$DIR/gen.log" || { cat "$DIR/gen.log" >&2; die "generation failed"; }
}

# The fleet on the realistic port 5061 if it is free, else on another one:
# fleet-server exits 3 when an address is in use, and the plan is cheap to
# write again for another port (keys and certificates come from the cache).
start_fleet_server() {
	local try port=${PORT:-5061} t0 rc
	for ((try = 0; try < 6; try++)); do
		t0=$(now)
		generate "$port"
		GEN_S=$(since "$t0")
		t0=$(now)
		launch "$DIR/fleet-server.log" "$FLEET_BUILD/fleet-server" --config "$DIR/fleet.conf" \
			--delay "$DELAY" --stats "$DIR/fleet-stats.txt"
		FLEET_PID=$PID
		if wait_for "$DIR/fleet-server.log" '^ready ' "$FLEET_PID"; then
			SERVER_S=$(since "$t0")
			FLEET_PORT=$port
			return 0
		fi
		rc=0
		wait "$FLEET_PID" 2>/dev/null || rc=$?
		if [ "$rc" -ne 3 ] || [ -n "$PORT" ]; then
			cat "$DIR/fleet-server.log" >&2
			die "fleet server did not start"
		fi
		port=$((10000 + RANDOM % 20000))
	done
	die "no free port for the fleet"
}

# start_dnsmasq_one CONF LOG: one dnsmasq serving CONF on a free port; sets
# PID and DNSMASQ_PORT, and adds the PID to DNSMASQ_PIDS.
start_dnsmasq_one() {
	local try port
	for ((try = 0; try < 6; try++)); do
		port=$((10000 + RANDOM % 20000))
		launch "$2" dnsmasq -k --conf-file=/dev/null --port="$port" \
			--listen-address=127.0.0.1 --bind-interfaces --no-resolv --no-hosts \
			--local=/fleet.test/ --local-ttl=300 --log-facility=- --pid-file= \
			--user="$(id -un)" --conf-file="$1"
		if wait_for "$2" 'started, version' "$PID" && ! grep -q 'failed\|cannot' "$2"; then
			DNSMASQ_PORT=$port
			DNSMASQ_PIDS="$DNSMASQ_PIDS $PID"
			return 0
		fi
		kill "$PID" 2>/dev/null || true
		wait "$PID" 2>/dev/null || true
	done
	cat "$2" >&2
	die "dnsmasq did not start"
}

# The whole zone in one instance (DNSMASQ, and TCP), then the SRV shards;
# UPSTREAMS are the forwarder's --upstream arguments.
start_dnsmasq() {
	local i
	[[ $DNS_SHARDS =~ ^[0-9]+$ ]] && [ "$DNS_SHARDS" -ge 1 ] && [ "$DNS_SHARDS" -le 64 ] ||
		die "--dns-shards must be 1..64"
	start_dnsmasq_one "$DIR/dnsmasq.conf" "$DIR/dnsmasq.log"
	DNSMASQ=127.0.0.1:$DNSMASQ_PORT DNSMASQ_PID=$PID
	UPSTREAMS=(--upstream "$DNSMASQ")
	[ "$DNS_SHARDS" -gt 1 ] || return 0
	"$FLEET_BUILD/fleet-dns-delay" --split "$DIR/dnsmasq.conf" --shards "$DNS_SHARDS" ||
		die "cannot split dnsmasq.conf"
	UPSTREAMS=()
	for ((i = 0; i < DNS_SHARDS; i++)); do
		start_dnsmasq_one "$DIR/dnsmasq.conf.shard$i" "$DIR/dnsmasq.shard$i.log"
		UPSTREAMS+=(--upstream "127.0.0.1:$DNSMASQ_PORT")
	done
}

start_dns_delay() {
	launch "$DIR/dns-delay.log" "$FLEET_BUILD/fleet-dns-delay" --listen 127.0.0.1:0 \
		"${UPSTREAMS[@]}" --tcp-upstream "$DNSMASQ" --delay "$DNS_DELAY"
	DNSDELAY_PID=$PID
	wait_for "$DIR/dns-delay.log" '^ready ' "$DNSDELAY_PID" ||
		{ cat "$DIR/dns-delay.log" >&2; die "the DNS delay forwarder did not start"; }
	DNS=$(sed -n 's/^ready //p' "$DIR/dns-delay.log" | head -n1)
}

summary() { sed -n "s/^$1 //p" "$DIR/summary.txt"; }

# dir_writable DIR: DIR exists or is made (with its parents), and a file
# can be created in it (not just the mode bits: a read-only mount).
dir_writable() {
	local probe
	mkdir -p -- "$1" 2>/dev/null && [ -d "$1" ] &&
		probe=$(mktemp "$1/.fleet-write-test.XXXXXX" 2>/dev/null) && rm -f -- "$probe"
}

# choose_cache: sets FLEET_CACHE and says on stderr where it is. A fresh
# machine may have no ~/.cache (or no HOME, or a read-only one): the
# default is the XDG cache directory (XDG_CACHE_HOME only if absolute, as
# the XDG spec says), then a directory of this user's own under TMPDIR.
choose_cache() {
	local xdg=${XDG_CACHE_HOME:-} tmp
	if [ -n "$FLEET_CACHE" ]; then
		dir_writable "$FLEET_CACHE" ||
			die "FLEET_CACHE=$FLEET_CACHE cannot be created or written"
		echo "fleet: keys and certificates cached in $FLEET_CACHE (FLEET_CACHE)" >&2
		return 0
	fi
	[[ $xdg == /* ]] || xdg=${HOME:+$HOME/.cache}
	if [ -n "$xdg" ] && dir_writable "$xdg/fedcert-fleet"; then
		FLEET_CACHE=$xdg/fedcert-fleet
		echo "fleet: keys and certificates cached in $FLEET_CACHE" >&2
		return 0
	fi
	# Mode 700 and ours: /tmp is shared, and the keys are reused.
	tmp=${TMPDIR:-/tmp}/fedcert-fleet-$(id -u)
	(umask 077 && mkdir -p -- "$tmp") 2>/dev/null
	if [ -L "$tmp" ] || { [ -e "$tmp" ] && [ ! -O "$tmp" ]; }; then
		die "no cache directory: $tmp is not this user's own (set FLEET_CACHE)"
	fi
	dir_writable "$tmp" ||
		die "no cache directory: ${xdg:-\$HOME/.cache}/fedcert-fleet and $tmp cannot be created or written (set FLEET_CACHE)"
	FLEET_CACHE=$tmp
	echo "fleet: keys and certificates cached in $FLEET_CACHE" \
		"(${xdg:-\$HOME/.cache}/fedcert-fleet cannot be created or written)" >&2
}

# cmd_start sets what this names indirectly (hence its SC2034 disable).
write_env() {
	local v
	{
		for v in FLEET_DIR DNS TARGETS CA MANIFEST TARGETS_MANIFEST TARGETS_DIR \
			FLEET_PORT FLEET_DELAY_MS DNS_DELAY_MS DNSMASQ FLEET_STATS FLEET_DOMAINS \
			FLEET_ENDPOINTS FLEET_LISTENERS FLEET_PID DNSMASQ_PID DNSMASQ_PIDS \
			DNS_SHARDS DNSDELAY_PID; do
			printf '%s=%q\n' "$v" "${!v}"
		done
	} >"$DIR/fleet.env"
}

# shellcheck disable=SC2034
cmd_start() {
	local t0
	[ -n "$DIR" ] || DIR=$FLEET_BUILD/fleet-$DOMAINS-s$SEED
	mkdir -p "$DIR"
	DIR=$(cd "$DIR" && pwd)
	if [ -f "$DIR/fleet.env" ] && env_pids_alive; then
		die "a fleet is already running in $DIR (fleet/fleet.sh stop --dir $DIR)"
	fi
	rm -f "$DIR/fleet.env" "$DIR/fleet-stats.txt"
	# Whatever fails from here on, what was started is stopped again.
	trap 'stop_pids' EXIT
	t0=$(now)
	choose_cache
	build
	start_fleet_server
	start_dnsmasq
	start_dns_delay
	FLEET_DIR=$DIR TARGETS=$DIR/targets.csv CA=$DIR/roots.pem MANIFEST=$DIR/manifest.tsv
	TARGETS_MANIFEST=$DIR/targets.tsv TARGETS_DIR=""
	if [ "$DIR_ROWS" -gt 0 ]; then TARGETS_DIR=$DIR/targets-dir.csv; fi
	FLEET_DELAY_MS=$DELAY DNS_DELAY_MS=$DNS_DELAY FLEET_STATS=$DIR/fleet-stats.txt
	FLEET_DOMAINS=$DOMAINS FLEET_ENDPOINTS=$(summary endpoints) FLEET_LISTENERS=$(summary listeners)
	write_env
	trap - EXIT
	echo "fleet: $DOMAINS domains, $FLEET_ENDPOINTS endpoints ($FLEET_LISTENERS listeners on port" \
		"$FLEET_PORT); generated in $GEN_S s, server ready in $SERVER_S s; DNS $DNS" \
		"(+${DNS_DELAY} ms) -> dnsmasq $DNSMASQ; total $(since "$t0") s" >&2
	echo "$DIR/fleet.env"
}

# Is this PID still the process we started (not a recycled number)?
pid_is_ours() {
	local pid=$1 name=$2
	[ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] &&
		tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$name"
}

env_pids_alive() {
	# shellcheck disable=SC1091
	(. "$DIR/fleet.env" && { pid_is_ours "$FLEET_PID" fleet-server ||
		pid_is_ours "$DNSDELAY_PID" fleet-dns-delay ||
		for pid in ${DNSMASQ_PIDS:-$DNSMASQ_PID}; do
			pid_is_ours "$pid" dnsmasq && exit 0
		done
		exit 1; })
}

# TERM each, then wait; KILL what is left after STOP_TIMEOUT_S.
stop_pids() {
	local pid name i pid_name dns=()
	for pid in ${DNSMASQ_PIDS:-${DNSMASQ_PID:-}}; do dns+=("$pid:dnsmasq"); done
	for pid_name in "${DNSDELAY_PID:-}:fleet-dns-delay" ${dns[@]+"${dns[@]}"} \
		"${FLEET_PID:-}:fleet-server"; do
		pid=${pid_name%%:*} name=${pid_name#*:}
		pid_is_ours "$pid" "$name" || continue
		kill -TERM "$pid" 2>/dev/null || continue
		for ((i = 0; i < STOP_TIMEOUT_S * 100; i++)); do
			pid_running "$pid" || break
			sleep 0.01
		done
		if pid_running "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
	done
	return 0
}

load_env() {
	[ -n "$DIR" ] || DIR=$FLEET_BUILD/fleet-$DOMAINS-s$SEED
	[ -f "$DIR/fleet.env" ] || die "no fleet in $DIR (no fleet.env)"
	# shellcheck disable=SC1091
	. "$DIR/fleet.env"
}

cmd_stop() {
	load_env
	stop_pids
	[ -f "$DIR/fleet-stats.txt" ] && cat "$DIR/fleet-stats.txt" >&2
	rm -f "$DIR/fleet.env"
}

cmd_stats() {
	local before i
	load_env
	pid_is_ours "$FLEET_PID" fleet-server || die "the fleet server is not running"
	before=$(cat "$FLEET_STATS" 2>/dev/null || true)
	kill -USR1 "$FLEET_PID"
	for ((i = 0; i < 100; i++)); do
		[ -f "$FLEET_STATS" ] && [ "$(cat "$FLEET_STATS")" != "$before" ] && break
		sleep 0.05
	done
	cat "$FLEET_STATS"
}

# Stops the fleet if the script that ran it is gone (killed outright).
watch_parent() {
	while pid_running "$1"; do sleep 1; done
	stop_pids
}

# RUN_ENV, WATCH_PID and CMD_PID are global: the traps run after
# cmd_run's locals are gone.
cmd_run() {
	local rc=0
	[ ${#CMD[@]} -gt 0 ] || die "run: no command after --"
	RUN_ENV=$(cmd_start)
	trap 'kill "$WATCH_PID" 2>/dev/null; DIR=$(dirname "$RUN_ENV"); cmd_stop' EXIT
	set -a
	# shellcheck disable=SC1090
	. "$RUN_ENV"
	set +a
	watch_parent "$$" >/dev/null 2>&1 </dev/null &
	WATCH_PID=$!
	# CMD runs in the background so that a signal to this script is acted
	# on at once (bash runs traps only between foreground commands); it
	# keeps stdin, and gets a TERM when this script does.
	"${CMD[@]}" <&0 &
	CMD_PID=$!
	trap 'kill -TERM "$CMD_PID" 2>/dev/null; wait "$CMD_PID" || true; exit 130' INT
	trap 'kill -TERM "$CMD_PID" 2>/dev/null; wait "$CMD_PID" || true; exit 143' TERM
	wait "$CMD_PID" || rc=$?
	exit "$rc"
}

CMD=()
sub=${1:-}
[ $# -gt 0 ] && shift
parse_options "$@"
case "$sub" in
start) cmd_start ;;
stop) cmd_stop ;;
stats) cmd_stats ;;
run) cmd_run ;;
*) sed -n '2,20p' "$0" >&2; exit 2 ;;
esac
