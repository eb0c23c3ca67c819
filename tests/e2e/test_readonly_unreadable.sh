#!/usr/bin/env bash
# An unreadable database (moved out of test_readonly so that only this part
# skips): every command that only reads refuses it, exit 1, naming it and
# saying why, with nothing created beside it. Root reads a mode-000 file
# anyway, so as root the commands run as nobody; where root cannot become
# nobody (setpriv refused: no CAP_SETUID, or no uid 65534 in this user
# namespace) there is nothing to test, and the test skips.
. "$E2E_DIR/lib.sh"

as_user=()
if [ "$(id -u)" = 0 ]; then
	setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null ||
		skip "root cannot become nobody here (setpriv refused) and reads a mode-000 file: an unreadable database not tested"
	as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi

start_fixture udpsilent || exit 1
NODNS="--dns-server 127.0.0.1:$FIX_UDPSILENT"

# Every command that only reads, as in test_readonly; the database comes
# last.
READERS=(
	"report --db"
	"report --compliance --db"
	"report --format json --db"
	"scans --db"
	"history 127.0.0.1 --db"
	"expiring --within 30d --db"
	"expiring --before 2030-01-01 --fail-on warning --db"
	"diff --db"
)

# refused WHAT DB WANT COMMAND...: the command exits 1, says WANT and
# names DB on stderr.
refused() {
	local what=$1 db=$2 want=$3
	shift 3
	"$@" "$db" >"$T/out" 2>"$T/err"
	assert_eq "$what: exit" 1 $?
	assert_contains "$what: names the file" "$T/err" "$db"
	assert_contains "$what: says why" "$T/err" "$want"
	assert_eq "$what: nothing on stdout" "" "$(cat "$T/out")"
}

# A database from two nights of a refusing loopback port.
printf 'Domain,Type,Port\n127.0.0.1,DIR,1\n' >"$T/one.csv"
mkdir -p "$T/real"
for night in 1 2; do
	"$FEDCERT" scan $NODNS "$T/one.csv" --db "$T/real/audit.db" --timeout 2 --quiet
	assert_eq "night $night" 0 $?
done

mkdir -p "$T/locked" && chmod 755 "$T" "$T/locked"
cp "$T/real/audit.db" "$T/locked/audit.db" && chmod 000 "$T/locked/audit.db"
for cmd in "${READERS[@]}"; do
	read -ra words <<<"$cmd"
	refused "$cmd (unreadable)" "$T/locked/audit.db" "cannot read: Permission denied" \
		"${as_user[@]}" "$FEDCERT" "${words[@]}"
done
assert_eq "unreadable: nothing created beside it" "audit.db" "$(ls "$T/locked")"

finish
