# lib.sh: helpers for the end-to-end tests. Sourced, not run.
#
# Every server a test starts is on loopback and is killed by PID on exit.
# Environment (set by ctest): FEDCERT, FIXTURE_SERVER, FIXTURE_DNS, E2E_DIR,
# FEDCERT_SOURCE_DIR, FEDCERT_BUILD_DIR.
set -u

: "${FEDCERT:?FEDCERT must name the built fedcert binary}"
: "${FIXTURE_SERVER:?FIXTURE_SERVER must name the built fixture_server}"

T=$(mktemp -d "${TMPDIR:-/tmp}/fedcert-e2e.XXXXXX")
PIDS=()
FAILS=0
PASSES=0

cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	wait 2>/dev/null
	if [ "$FAILS" -eq 0 ]; then
		rm -rf "$T"
	else
		echo "kept $T for a look" >&2
	fi
}
trap cleanup EXIT

ok() { PASSES=$((PASSES + 1)); }
fail() { FAILS=$((FAILS + 1)); echo "FAIL: $*" >&2; }

# assert_eq WHAT EXPECTED ACTUAL
assert_eq() {
	if [ "$2" == "$3" ]; then ok; else fail "$1: expected [$2], got [$3]"; fi
}

# assert_contains WHAT FILE TEXT (a fixed string)
assert_contains() {
	if grep -qF -- "$3" "$2"; then ok; else fail "$1: $2 lacks [$3]"; fi
}

assert_not_contains() {
	if grep -qF -- "$3" "$2"; then fail "$1: $2 has [$3]"; else ok; fi
}

# q DB SQL: one query through the sqlite3 shell, as a user would.
q() { sqlite3 -batch -noheader "$1" "$2"; }

finish() {
	echo "$PASSES passed, $FAILS failed"
	[ "$FAILS" -eq 0 ]
}

# skip WHY: the environment forbids what this test needs (a mount, a
# limit, a privilege). Prints one line, what was not possible and so what
# was not tested, and exits with ctest's skip code (77), unless an
# assertion has already failed. Only for the environment: never for a
# failure of fedcert's.
SKIP_CODE=77
skip() {
	echo "SKIP: $*"
	if [ "$FAILS" -ne 0 ]; then
		finish
		exit 1
	fi
	exit $SKIP_CODE
}

# wait_line FILE PATTERN: waits (bounded, 10 s) until FILE has a line
# matching PATTERN; the server says it is ready, we do not sleep and hope.
wait_line() {
	local i
	for i in $(seq 1 200); do
		grep -qE -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "timed out waiting for '$2' in $1" >&2
	cat "$1" >&2
	return 1
}

# wait_db DB SQL VALUE: waits (bounded, 10 s) until a scan running in the
# background has committed what makes SQL answer VALUE; 1 if it never does.
wait_db() {
	local i
	for i in $(seq 1 200); do
		[ "$(q "$1" "$2" 2>/dev/null)" = "$3" ] && return 0
		sleep 0.05
	done
	return 1
}

# make_ca_subjects DIR ROOT_CN INTER_CN [ORG]: a root and an intermediate
# (ECDSA P-256) in DIR (root.pem/key, inter.pem/key), O=ORG (default
# fedcert tests).
make_ca_subjects() {
	local d=$1 org=${4:-fedcert tests}
	mkdir -p "$d"
	cat >"$d/ext.cnf" <<'CNF'
[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[inter]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
	openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$d/root.key" -out "$d/root.pem" -days 3650 \
		-subj "/O=$org/CN=$2" \
		-config "$d/ext.cnf" -extensions ca 2>/dev/null &&
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$d/inter.key" -out "$d/inter.csr" \
		-subj "/O=$org/CN=$3" 2>/dev/null &&
	openssl x509 -req -in "$d/inter.csr" -CA "$d/root.pem" -CAkey "$d/root.key" \
		-CAcreateserial -days 1825 -extfile "$d/ext.cnf" -extensions inter \
		-out "$d/inter.pem" 2>/dev/null
}

# make_ca_org DIR NAME ORG: like make_ca_named, with O=ORG instead of
# "fedcert tests" (a CA that another organisation runs).
make_ca_org() {
	make_ca_subjects "$1" "$2 Root" "$2 Issuing CA" "$3"
}

# make_ca DIR: a root and an intermediate in DIR, "fedcert Test Root" and
# "fedcert Test Intermediate".
make_ca() {
	make_ca_subjects "$1" "fedcert Test Root" "fedcert Test Intermediate"
}

# make_leaf CADIR NAME CN SAN [KEYALG]: NAME.pem/NAME.key signed by the
# intermediate; SAN like "DNS:sip.example.test,IP:127.0.0.1".
make_leaf() {
	local d=$1 name=$2 cn=$3 san=$4 alg=${5:-ec}
	local keyopt=(-newkey ec -pkeyopt ec_paramgen_curve:P-256)
	[ "$alg" = rsa ] && keyopt=(-newkey rsa:2048)
	cat >"$d/$name.cnf" <<CNF
[leaf]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = $san
CNF
	openssl req -new "${keyopt[@]}" -nodes -keyout "$d/$name.key" \
		-out "$d/$name.csr" -subj "/CN=$cn" 2>/dev/null
	openssl x509 -req -in "$d/$name.csr" -CA "$d/inter.pem" \
		-CAkey "$d/inter.key" -CAcreateserial -days 90 -sha256 \
		-extfile "$d/$name.cnf" -extensions leaf -out "$d/$name.pem" 2>/dev/null
}

# make_self_signed DIR NAME CN: an RSA-2048 self-signed certificate.
make_self_signed() {
	openssl req -x509 -new -newkey rsa:2048 -nodes -keyout "$1/$2.key" \
		-out "$1/$2.pem" -days 30 -subj "/CN=$3" 2>/dev/null
}

# start_tls VAR ADDR CERT KEY [CHAIN] [extra s_server args]: starts
# openssl s_server on ADDR (127.0.0.1, [::1], or with a port: 127.0.0.3:4433)
# and sets VAR to its port (a free one when ADDR has none).
start_tls() {
	local var=$1 addr=$2 cert=$3 key=$4 chain=${5:-}
	shift 4; [ $# -gt 0 ] && shift
	local log="$T/s_server.$RANDOM.$RANDOM.log" port=""
	case "$addr" in
	*]:*|[0-9]*.*:*) port=${addr##*:} ;;
	*) addr="$addr:0" ;;
	esac
	local args=(-accept "$addr" -cert "$cert" -key "$key" -www)
	[ -n "$chain" ] && args+=(-cert_chain "$chain")
	openssl s_server "${args[@]}" "$@" </dev/null >"$log" 2>&1 &
	PIDS+=($!)
	wait_line "$log" '^ACCEPT' || return 1
	[ -n "$port" ] || port=$(sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' "$log" | head -n1)
	printf -v "$var" '%s' "$port"
}

# start_fixture MODE...: starts the fixture server; sets FIX_<MODE> ports.
start_fixture() {
	local log="$T/fixture.$RANDOM.log" mode port
	"$FIXTURE_SERVER" --lifetime 300 "$@" >"$log" 2>&1 &
	PIDS+=($!)
	wait_line "$log" '^ready$' || return 1
	while read -r mode port; do
		[ "$mode" = ready ] && break
		printf -v "FIX_${mode^^}" '%s' "$port"
	done <"$log"
}

# sha1_upper CERT: the thumbprint as Windows shows it.
sha1_upper() {
	openssl x509 -in "$1" -noout -fingerprint -sha1 | sed 's/.*=//; s/://g' |
		tr 'a-f' 'A-F'
}

# start_dnsmasq CONF: a real DNS server on 127.0.0.1 at a free port,
# authoritative for .test, serving the records in CONF (dnsmasq syntax:
# srv-host=, host-record=). Sets DNS to "127.0.0.1:PORT" and DNSMASQ_LOG
# to its log (a try on a port that was taken leaves a log of its own).
start_dnsmasq() {
	local conf=$1 log port try
	for try in 1 2 3 4 5; do
		port=$((20000 + RANDOM % 30000))
		log="$T/dnsmasq.$port.log"
		dnsmasq -k --conf-file=/dev/null --port="$port" \
			--listen-address=127.0.0.1 --bind-interfaces --no-resolv \
			--no-hosts --local=/test/ --local-ttl=300 --log-facility=- \
			--pid-file= --user=root --conf-file="$conf" >"$log" 2>&1 &
		PIDS+=($!)
		if wait_line "$log" 'started, version|failed|cannot|Address already' &&
			grep -q 'started, version' "$log" && ! grep -q 'failed\|cannot' "$log"; then
			DNS="127.0.0.1:$port"
			DNSMASQ_LOG=$log
			return 0
		fi
	done
	echo "cannot start dnsmasq" >&2
	return 1
}

# days_from N: an `openssl ca` date N days from now (N may be negative).
days_from() {
	date -u -d "$1 days" +%Y%m%d%H%M%SZ
}

# issue CADIR NAME CN KEY MD START END EXTENSIONS...: a leaf signed by
# CADIR's intermediate with exactly the defects asked for, through
# `openssl ca` (OpenSSL 3.0's x509 command cannot backdate). KEY is ec,
# rsa1024 or rsa2048; MD sha256 or sha1; START and END from days_from;
# each EXTENSIONS argument is one line of the [leaf] section.
issue() {
	local d=$1 name=$2 cn=$3 key=$4 md=$5 start=$6 end=$7
	shift 7
	local keyopt=(-newkey ec -pkeyopt ec_paramgen_curve:P-256)
	case "$key" in
	rsa1024) keyopt=(-newkey rsa:1024) ;;
	rsa2048) keyopt=(-newkey rsa:2048) ;;
	esac
	if [ ! -f "$d/ca.cnf" ]; then
		mkdir -p "$d/newcerts"
		: >"$d/index.txt"
		echo 1000 >"$d/serial"
		cat >"$d/ca.cnf" <<CNF
[ca]
default_ca = ca_default
[ca_default]
dir = $d
database = $d/index.txt
new_certs_dir = $d/newcerts
serial = $d/serial
default_md = sha256
policy = policy_any
unique_subject = no
email_in_dn = no
[policy_any]
commonName = supplied
CNF
	fi
	printf '[leaf]\n' >"$d/$name.ext"
	printf '%s\n' "$@" >>"$d/$name.ext"
	openssl req -new "${keyopt[@]}" -nodes -keyout "$d/$name.key" \
		-out "$d/$name.csr" -subj "/CN=$cn" 2>/dev/null
	openssl ca -batch -notext -config "$d/ca.cnf" -cert "$d/inter.pem" \
		-keyfile "$d/inter.key" -in "$d/$name.csr" -out "$d/$name.pem" \
		-md "$md" -startdate "$start" -enddate "$end" \
		-extfile "$d/$name.ext" -extensions leaf 2>"$d/$name.err" ||
		{ cat "$d/$name.err" >&2; return 1; }
}

# A leaf a federation Edge should have: both EKUs, CRL and OCSP.
GOOD_EXT=("basicConstraints = critical, CA:false"
	"keyUsage = critical, digitalSignature, keyEncipherment"
	"extendedKeyUsage = serverAuth, clientAuth"
	"crlDistributionPoints = URI:http://crl.fedcert.test/inter.crl"
	"authorityInfoAccess = OCSP;URI:http://ocsp.fedcert.test,caIssuers;URI:http://pki.fedcert.test/inter.crt")

# start_fixture_dns [ARGS...]: the hostile DNS fixture (tests/e2e/fixture_dns.c)
# on 127.0.0.1, UDP and TCP on one free port; ARGS such as --srv-port PORT.
# Sets FIX_DNS to "127.0.0.1:PORT" and FIX_DNS_LOG to its log, where it
# writes "query udp|tcp TYPE NAME" for each question it reads.
start_fixture_dns() {
	: "${FIXTURE_DNS:?FIXTURE_DNS must name the built fixture_dns}"
	local log="$T/fixture_dns.$RANDOM.log" port
	"$FIXTURE_DNS" --lifetime 300 "$@" >"$log" 2>&1 &
	PIDS+=($!)
	wait_line "$log" '^ready$' || return 1
	port=$(sed -n 's/^dns \([0-9]*\)$/\1/p' "$log")
	[ -n "$port" ] || return 1
	FIX_DNS="127.0.0.1:$port"
	FIX_DNS_LOG=$log
}

# make_ca_named DIR NAME: like make_ca, a root and an intermediate (ECDSA
# P-256) in DIR, named "NAME Root" and "NAME Issuing CA" (O=fedcert tests),
# so that two hierarchies can be told apart by name (a root that
# changed). Their RFC 2253 names: "CN=NAME Root,O=fedcert tests".
make_ca_named() {
	make_ca_subjects "$1" "$2 Root" "$2 Issuing CA"
}

# have_ipv6_loopback: whether ::1 is configured on this machine (a
# container may run without IPv6; the kernel lists every configured IPv6
# address in /proc/net/if_inet6).
have_ipv6_loopback() {
	grep -qi '^00000000000000000000000000000001 ' /proc/net/if_inet6 2>/dev/null
}

# stop_pid PID: stops one server this test started (by its PID, as cleanup
# does) and waits for it, so that its port is free again.
stop_pid() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}
