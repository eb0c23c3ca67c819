#!/usr/bin/env bash
# The commands that only read never create or change a database: a missing,
# unreadable, empty, corrupt or foreign file, or one too old or too new, is
# an error (exit 1) that names it, and the file (or its absence) is exactly
# as it was. The writers that must not create one (prune, upgrade, scan
# --resume) refuse a missing file too. A real database is read without a
# byte of it, or a file beside it, changing.
. "$E2E_DIR/lib.sh"

start_fixture udpsilent || exit 1
NODNS="--dns-server 127.0.0.1:$FIX_UDPSILENT"

# Every command that only reads, as a nightly job would run it; the
# database comes last.
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
# Writers that must find the file there.
NO_CREATE=(
	"prune --keep 1 --db"
	"prune --keep 1 --dry-run --db"
	"upgrade --db"
	"scan --resume --db"
)

# state DIR: what a user would see of a directory: names, sizes, hashes.
state() { (cd "$1" && find . -type f -exec sha256sum {} + | sort); }

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
assert_eq "at rest: nothing beside the database" "audit.db" "$(ls "$T/real")"

# A missing file stays missing.
mkdir -p "$T/none"
for cmd in "${READERS[@]}" "${NO_CREATE[@]}"; do
	read -ra words <<<"$cmd"
	refused "$cmd (missing)" "$T/none/typo.db" "no such file (nothing was created)" \
		"$FEDCERT" "${words[@]}"
	assert_eq "$cmd (missing): still nothing there" "" "$(ls -A "$T/none")"
done

# Files that are not a fedcert database: each refused, each unchanged.
mkdir -p "$T/bad"
echo "Domain,Type,Port and other text that is certainly not SQLite" >"$T/bad/text.db"
: >"$T/bad/empty.db"
sqlite3 "$T/bad/other.db" "create table notes (id integer primary key, body text); insert into notes (body) values ('mine');"
sqlite3 "$T/bad/newer.db" ".restore $T/real/audit.db" "pragma user_version = 99;"
# The file as fedcert 0.1.0 left it (schema 5, before mutual TLS and kept
# verdicts): the objects of steps 6 to 10 removed, no application id.
sqlite3 "$T/bad/older.db" ".restore $T/real/audit.db" \
	"drop table merge_shard; drop table probe_sip; drop index target_failed_by_scan; drop index target_incomplete_by_scan;
	 drop index probe_failed_by_scan;
	 drop table verdict_scan_finding; drop table verdict_scan;
	 drop table verdict_target; drop table verdict_findings;
	 drop index scan_client_cert_by_certificate; drop table scan_client_cert;
	 drop table probe_ca_name; alter table probe drop column cc_alert;
	 alter table probe drop column cc_outcome; alter table probe drop column cc_presented;
	 alter table probe drop column cc_requested;
	 pragma user_version = 5; pragma application_id = 0; pragma journal_mode = delete;"
before=$(state "$T/bad")
for cmd in "${READERS[@]}"; do
	read -ra words <<<"$cmd"
	refused "$cmd (text)" "$T/bad/text.db" "not a SQLite database" "$FEDCERT" "${words[@]}"
	refused "$cmd (empty)" "$T/bad/empty.db" "an empty file, not a fedcert database" "$FEDCERT" "${words[@]}"
	refused "$cmd (foreign)" "$T/bad/other.db" "not a fedcert database" "$FEDCERT" "${words[@]}"
	refused "$cmd (newer)" "$T/bad/newer.db" "is newer than this fedcert" "$FEDCERT" "${words[@]}"
	refused "$cmd (older)" "$T/bad/older.db" "upgrade it with 'fedcert upgrade --db $T/bad/older.db'" \
		"$FEDCERT" "${words[@]}"
	refused "$cmd (directory)" "$T/bad" "is a directory" "$FEDCERT" "${words[@]}"
done
for cmd in "prune --keep 1 --db" "upgrade --db"; do
	read -ra words <<<"$cmd"
	refused "$cmd (text)" "$T/bad/text.db" "not a SQLite database" "$FEDCERT" "${words[@]}"
	refused "$cmd (foreign)" "$T/bad/other.db" "not a fedcert database" "$FEDCERT" "${words[@]}"
	refused "$cmd (newer)" "$T/bad/newer.db" "is newer than this fedcert" "$FEDCERT" "${words[@]}"
done
refused "scan into another program's database" "$T/bad/other.db" "not a fedcert database" \
	"$FEDCERT" scan $NODNS "$T/one.csv" --timeout 2 --db
assert_eq "the refused files are as they were" "$before" "$(state "$T/bad")"

# A corrupt database: its pages overwritten behind the header.
cp "$T/real/audit.db" "$T/bad/corrupt.db"
size=$(stat -c %s "$T/bad/corrupt.db")
head -c $((size - 4096)) /dev/zero | tr '\0' 'Z' |
	dd of="$T/bad/corrupt.db" bs=4096 seek=1 conv=notrunc status=none
before=$(state "$T/bad")
for cmd in "${READERS[@]}"; do
	read -ra words <<<"$cmd"
	"$FEDCERT" "${words[@]}" "$T/bad/corrupt.db" >/dev/null 2>"$T/err"
	assert_eq "$cmd (corrupt): exit" 1 $?
	assert_contains "$cmd (corrupt): names the file" "$T/err" "$T/bad/corrupt.db"
done
assert_eq "the corrupt file is as it was" "$before" "$(state "$T/bad")"

# Unreadable: in test_readonly_unreadable, which skips where root cannot
# become nobody (root reads a mode-000 file anyway).

# The real database, read by every command: not a byte changes, nothing
# appears beside it.
before=$(state "$T/real")
for cmd in "${READERS[@]}"; do
	read -ra words <<<"$cmd"
	"$FEDCERT" "${words[@]}" "$T/real/audit.db" >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" = 0 ] || [ "$rc" = 3 ] && ok || fail "$cmd (real): exit $rc: $(cat "$T/err")"
	assert_eq "$cmd (real): the file and its directory are unchanged" "$before" "$(state "$T/real")"
done
# Made read-only, it still reads (an auditor's copy).
chmod 444 "$T/real/audit.db"
"$FEDCERT" report --db "$T/real/audit.db" --format json >"$T/out" 2>"$T/err"
assert_eq "a read-only file reads" 0 $?
chmod 644 "$T/real/audit.db"

# upgrade: the older file becomes current and readable, once; readers
# then see its scans.
"$FEDCERT" upgrade --db "$T/bad/older.db" >"$T/out" 2>"$T/err"
assert_eq "upgrade exit" 0 $?
assert_contains "upgrade says what it did" "$T/out" "upgraded from schema version 5 to 10"
"$FEDCERT" upgrade --db "$T/bad/older.db" >"$T/out"
assert_contains "upgrade again: nothing to do" "$T/out" "nothing to do"
"$FEDCERT" scans --db "$T/bad/older.db" --format json >"$T/out"
assert_eq "the upgraded file reads" 2 "$(jq -s 'length' "$T/out")"
assert_eq "and is marked fedcert's" 1178944579 "$(q "$T/bad/older.db" "pragma application_id")"

finish
