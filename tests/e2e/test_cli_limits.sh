#!/usr/bin/env bash
# Every range and default of a command-line flag is the one
# common/fedcert_limits.h defines: `fedcert help` prints it, a value just
# outside is refused (exit 2) with a message naming both ends, and the
# ends themselves are accepted. The help texts are prose written by hand:
# this is what keeps them, and so fedcert(1) (test_manpage), in step with
# the header.
. "$E2E_DIR/lib.sh"

LIMITS=$FEDCERT_SOURCE_DIR/common/fedcert_limits.h

# limit NAME: the value of a plain numeric #define of the header.
limit() {
	local v
	v=$(sed -nE "s/^#define $1 +([0-9]+)( .*)?$/\1/p" "$LIMITS")
	[ -n "$v" ] || fail "no numeric $1 in fedcert_limits.h"
	echo "$v"
}

# ms_as_s MS: milliseconds as the help and the messages write seconds.
ms_as_s() { awk -v ms="$1" 'BEGIN { printf "%g", ms / 1000 }'; }

# help_entry CMD OPTION: OPTION's entry in `fedcert help CMD`, its
# continuation lines joined with single spaces.
help_entry() {
	"$FEDCERT" help "$1" | awk '
		/^  -/ { if (e != "") print e; e = $0; next }
		/^    / { sub(/^ +/, " "); e = e $0; next }
		{ if (e != "") print e; e = "" }
		END { if (e != "") print e }' | grep -E -- "^  $2 "
}

# range CMD OPTION MIN MAX [DEFAULT]: the help shows "(default D, MIN..MAX)"
# (or "MIN..MAX" alone), MIN-1 and MAX+1 are refused naming MIN and MAX,
# MIN and MAX pass the parser (the run then fails on the missing targets
# file: exit 1, not 2).
range() {
	local cmd=$1 opt=$2 min=$3 max=$4 def=${5:-} want v
	want="$min..$max)"
	[ -n "$def" ] && want="(default $def, $want"
	case "$(help_entry "$cmd" "$opt")" in
	*"$want"*) ok ;;
	*) fail "help $cmd $opt: lacks [$want]: $(help_entry "$cmd" "$opt")" ;;
	esac
	for v in $((min - 1)) $((max + 1)); do
		"$FEDCERT" "$cmd" "$T/none.csv" --db "$T/x.db" "$opt" "$v" 2>"$T/err"
		assert_eq "$cmd $opt $v: a usage error" 2 $?
		assert_contains "$cmd $opt $v: the range" "$T/err" "from $min to $max, not \"$v\""
	done
	for v in "$min" "$max"; do
		"$FEDCERT" "$cmd" "$T/none.csv" --db "$T/x.db" "$opt" "$v" 2>/dev/null
		assert_eq "$cmd $opt $v: accepted" 1 $?
	done
}

range scan --timeout "$(limit FC_TIMEOUT_MIN_S)" "$(limit FC_TIMEOUT_MAX_S)" \
	"$(limit FC_TIMEOUT_DEFAULT_S)"
range scan --concurrency "$(limit FC_CONCURRENCY_MIN)" \
	"$(limit FC_CONCURRENCY_MAX)" "$(limit FC_CONCURRENCY_DEFAULT)"
range scan --dns-tries "$(limit FC_DNS_TRIES_MIN)" "$(limit FC_DNS_TRIES_MAX)" \
	"$(limit FC_DNS_TRIES_DEFAULT)"
range scan --max-srv-targets "$(limit FC_SRV_TARGETS_MIN)" \
	"$(limit FC_SRV_TARGETS_MAX)" "$(limit FC_SRV_TARGETS_DEFAULT)"
range scan --max-addresses "$(limit FC_ADDRS_MIN)" "$(limit FC_ADDRS_MAX)" \
	"$(limit FC_ADDRS_DEFAULT)"

# --dns-timeout is in seconds, the header in milliseconds.
min=$(ms_as_s "$(limit FC_DNS_TIMEOUT_MIN_MS)")
max=$(ms_as_s "$(limit FC_DNS_TIMEOUT_MAX_MS)")
def=$(ms_as_s "$(limit FC_DNS_TIMEOUT_DEFAULT_MS)")
case "$(help_entry scan --dns-timeout)" in
*"(default $def, $min..$max)"*) ok ;;
*) fail "help scan --dns-timeout: not (default $def, $min..$max)" ;;
esac
for v in "$(ms_as_s $(($(limit FC_DNS_TIMEOUT_MIN_MS) - 1)))" \
	 "$(ms_as_s $(($(limit FC_DNS_TIMEOUT_MAX_MS) + 1)))"; do
	"$FEDCERT" scan "$T/none.csv" --db "$T/x.db" --dns-timeout "$v" 2>"$T/err"
	assert_eq "--dns-timeout $v: a usage error" 2 $?
	assert_contains "--dns-timeout $v: the range" "$T/err" "from $min to $max, not"
done
for v in "$min" "$max"; do
	"$FEDCERT" scan "$T/none.csv" --db "$T/x.db" --dns-timeout "$v" 2>/dev/null
	assert_eq "--dns-timeout $v: accepted" 1 $?
done

# --dns-server: at most FC_DNS_SERVERS_MAX.
n=$(limit FC_DNS_SERVERS_MAX)
case "$(help_entry scan --dns-server)" in
*"at most $n"*) ok ;;
*) fail "help scan --dns-server: not at most $n" ;;
esac
args=()
for i in $(seq 1 "$n"); do args+=(--dns-server "127.0.0.$i"); done
"$FEDCERT" scan "$T/none.csv" --db "$T/x.db" "${args[@]}" 2>/dev/null
assert_eq "$n --dns-server: accepted" 1 $?
"$FEDCERT" scan "$T/none.csv" --db "$T/x.db" "${args[@]}" --dns-server 127.0.0.99 2>"$T/err"
assert_eq "$((n + 1)) --dns-server: a usage error" 2 $?
assert_contains "$((n + 1)) --dns-server: the limit" "$T/err" "at most $n --dns-server"

# check takes the scan's options with the scan's ranges.
"$FEDCERT" check 127.0.0.1:1 --timeout $(($(limit FC_TIMEOUT_MAX_S) + 1)) 2>"$T/err"
assert_eq "check --timeout: a usage error" 2 $?
assert_contains "check --timeout: the range" "$T/err" \
	"from $(limit FC_TIMEOUT_MIN_S) to $(limit FC_TIMEOUT_MAX_S)"

# --warn-days: every command that judges, one range, one default.
min=$(limit FC_WARN_DAYS_MIN) max=$(limit FC_WARN_DAYS_MAX)
def=$(limit FC_WARN_DAYS_DEFAULT)
for cmd in report check inspect scans diff; do
	case "$(help_entry $cmd --warn-days)" in
	*"(default $def)"*) ok ;;
	*) fail "help $cmd --warn-days: not (default $def)" ;;
	esac
done
for cmd in report scans diff; do
	for v in $((min - 1)) $((max + 1)); do
		"$FEDCERT" $cmd --db "$T/x.db" --warn-days "$v" 2>"$T/err"
		assert_eq "$cmd --warn-days $v: a usage error" 2 $?
		assert_contains "$cmd --warn-days $v: the range" "$T/err" "from $min to $max"
	done
	"$FEDCERT" $cmd --db "$T/x.db" --warn-days "$max" 2>/dev/null
	assert_eq "$cmd --warn-days $max: accepted (no such database)" 1 $?
done

# prune --keep: at least FC_PRUNE_KEEP_MIN.
min=$(limit FC_PRUNE_KEEP_MIN)
"$FEDCERT" prune --db "$T/x.db" --keep $((min - 1)) 2>"$T/err"
assert_eq "prune --keep $((min - 1)): a usage error" 2 $?
assert_contains "prune --keep: the minimum" "$T/err" "at least $min"
case "$(help_entry prune --keep)" in
*"at least $min"*) ok ;;
*) fail "help prune --keep: not at least $min" ;;
esac

# --only: FC_ONLY_MAX ids, not one more.
n=$(limit FC_ONLY_MAX)
ids=$(printf 'expired,%.0s' $(seq 1 "$n"))
"$FEDCERT" report --db "$T/x.db" --only "$ids" 2>/dev/null
assert_eq "$n --only ids: accepted (no such database)" 1 $?
"$FEDCERT" report --db "$T/x.db" --only "${ids}expired" 2>"$T/err"
assert_eq "$((n + 1)) --only ids: a usage error" 2 $?
assert_contains "$((n + 1)) --only ids: says so" "$T/err" "too many --only"

finish
