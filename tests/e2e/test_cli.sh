#!/usr/bin/env bash
# The command line contract: exit codes 0 / 1 / 2, messages on stderr that
# name the file, data on stdout.
. "$E2E_DIR/lib.sh"

# These scans read no target that needs DNS; a loopback resolver is named
# anyway, so that nothing could ever leave the machine.
start_fixture udpsilent || exit 1
NODNS="--dns-server 127.0.0.1:$FIX_UDPSILENT"

"$FEDCERT" --version >"$T/out" 2>&1
assert_eq "--version exit" 0 $?
assert_contains "--version text" "$T/out" "fedcert "

for cmd in scan report; do
	"$FEDCERT" $cmd --help >"$T/out" 2>"$T/err"
	assert_eq "$cmd --help exit" 0 $?
	assert_contains "$cmd --help on stdout" "$T/out" "usage: fedcert $cmd"
done
"$FEDCERT" help scan >"$T/out"
assert_contains "help scan" "$T/out" "--concurrency"

"$FEDCERT" >/dev/null 2>&1; assert_eq "no command" 2 $?
"$FEDCERT" frobnicate >/dev/null 2>&1; assert_eq "unknown command" 2 $?
"$FEDCERT" scan $NODNS --db "$T/a.db" >/dev/null 2>&1; assert_eq "scan without a file" 2 $?
"$FEDCERT" scan $NODNS "$T/none.csv" >/dev/null 2>&1; assert_eq "scan without --db" 2 $?
"$FEDCERT" scan $NODNS "$T/none.csv" --db "$T/a.db" --timeout 0 2>"$T/err"
assert_eq "timeout out of range" 2 $?
assert_contains "timeout message" "$T/err" "--timeout must be"
"$FEDCERT" scan $NODNS "$T/none.csv" --db "$T/a.db" --concurrency abc 2>"$T/err"
assert_eq "concurrency not a number" 2 $?
"$FEDCERT" report --db "$T/a.db" --format xml 2>"$T/err"
assert_eq "bad format" 2 $?

"$FEDCERT" scan $NODNS "$T/none.csv" --db "$T/a.db" 2>"$T/err"
assert_eq "missing targets file" 1 $?
assert_contains "missing file named" "$T/err" "none.csv"

printf 'Name,Kind\nexample.com,FED\n' >"$T/nohdr.csv"
"$FEDCERT" scan $NODNS "$T/nohdr.csv" --db "$T/a.db" 2>"$T/err"
assert_eq "no header" 1 $?
assert_contains "no header named" "$T/err" "nohdr.csv"

# A file that is not a database is refused, and named.
echo "not a database, just text that is long enough to be read" >"$T/text.db"
printf 'Domain,Type,Port\n127.0.0.1,DIR,1\n' >"$T/one.csv"
"$FEDCERT" scan $NODNS "$T/one.csv" --db "$T/text.db" 2>"$T/err"
assert_eq "not a database" 1 $?
assert_contains "database named" "$T/err" "text.db"

# Header only: a failed export, not a quiet night. Refused before any
# database is made for it.
printf 'Domain,Type,Port\n' >"$T/empty.csv"
"$FEDCERT" scan $NODNS "$T/empty.csv" --db "$T/b.db" --quiet 2>"$T/err"
assert_eq "header only" 1 $?
assert_contains "header only: says so" "$T/err" "empty.csv: no target rows after the header"
[ ! -e "$T/b.db" ] && ok || fail "header only: a database was left behind"
"$FEDCERT" scan $NODNS "$T/none.csv" --db "$T/b.db" 2>/dev/null
[ ! -e "$T/b.db" ] && ok || fail "missing targets file: a database was left behind"
"$FEDCERT" scan $NODNS "$T/nohdr.csv" --db "$T/b.db" 2>/dev/null
[ ! -e "$T/b.db" ] && ok || fail "no header: a database was left behind"

"$FEDCERT" report --db "$T/c.db" 2>"$T/err"
assert_eq "report with no database" 1 $?
assert_contains "no database named" "$T/err" "c.db: no such file"

"$FEDCERT" scan $NODNS "$T/one.csv" --db "$T/d.db" --timeout 2 --quiet
assert_eq "one refused row" 0 $?
"$FEDCERT" report --db "$T/d.db" -o "$T/nodir/x.csv" 2>"$T/err"
assert_eq "unwritable output" 1 $?
assert_contains "output named" "$T/err" "nodir/x.csv"

finish
