#!/usr/bin/env bash
# Many scans in one database, end to end: a small federation on
# loopback (dnsmasq for SRV and A records, openssl s_server for the TLS
# servers) is scanned three times, and the test changes it between scans:
#   rot.test  (DIR)  rotates its certificate (scan 2), then moves to another
#                    CA (scan 3: another issuer, another root)
#   brk.test  (FED)  works, then its server goes away (scans 2 and 3)
#   fix.test  (FED)  has no server, then gets one (scans 2 and 3)
#   exp.test  (DIR)  presents a certificate that expires in 10 days
#   gone.test (DIR)  is in the partner list of scans 1 and 2 only
#   new.test  (DIR)  joins it in scan 3
# and asserts what diff, history, expiring, scans, report --compliance and
# prune say about it (JSON through jq; CSV through python3's csv module).
. "$E2E_DIR/lib.sh"

# csv_cells FILE COLUMN...: the named cells of each data row, joined by |.
csv_cells() {
	python3 -c 'import csv, sys
for r in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")):
    print("|".join(r[c] for c in sys.argv[2:]))' "$@"
}

make_ca_named "$T/ca" "History A" || exit 1
make_ca_named "$T/cb" "History B" || exit 1
cat "$T/ca/root.pem" "$T/cb/root.pem" >"$T/roots.pem"
ROOT_A="CN=History A Root,O=fedcert tests"
ROOT_B="CN=History B Root,O=fedcert tests"

leaf() { # CADIR NAME CN DAYS
	issue "$1" "$2" "$3" ec sha256 "$(days_from -1)" "$(days_from "$4")" \
		"${GOOD_EXT[@]}" "subjectAltName = DNS:$3" || exit 1
}
leaf "$T/ca" rot1 sip.rot.test 200
leaf "$T/ca" rot2 sip.rot.test 300
leaf "$T/cb" rot3 sip.rot.test 365
leaf "$T/ca" brk sip.brk.test 200
leaf "$T/ca" fix sip.fix.test 200
leaf "$T/ca" exp sip.exp.test 10
leaf "$T/ca" gone sip.gone.test 200
leaf "$T/ca" new sip.new.test 200

# The servers: each on its own loopback address, ports picked free.
serve() { # VAR ADDR CADIR NAME: starts it, sets VAR to its port, PID_VAR
	start_tls "$1" "$2" "$3/$4.pem" "$3/$4.key" "$3/inter.pem" || exit 1
	printf -v "PID_$1" '%s' "${PIDS[-1]}"
}
serve ROT 127.0.0.1 "$T/ca" rot1
serve BRK 127.0.0.2 "$T/ca" brk
serve EXP 127.0.0.4 "$T/ca" exp
serve GONE 127.0.0.5 "$T/ca" gone
serve NEW 127.0.0.6 "$T/ca" new
# fix.test's port: taken now, freed for its server to come later.
serve FIX 127.0.0.3 "$T/ca" fix
stop_pid "$PID_FIX"

cat >"$T/dns.conf" <<CONF
host-record=sip.rot.test,127.0.0.1
srv-host=_sipfederationtls._tcp.brk.test,sip.brk.test,$BRK,0,100
host-record=sip.brk.test,127.0.0.2
srv-host=_sipfederationtls._tcp.fix.test,sip.fix.test,$FIX,0,100
host-record=sip.fix.test,127.0.0.3
host-record=sip.exp.test,127.0.0.4
host-record=sip.gone.test,127.0.0.5
host-record=sip.new.test,127.0.0.6
CONF
start_dnsmasq "$T/dns.conf" || exit 1

targets() { # the rows of one night
	printf 'Domain,Type,Port,\n'
	printf 'sip.rot.test,DIR,%s,\nbrk.test,FED,,\nfix.test,FED,,\n' "$ROT"
	printf 'sip.exp.test,DIR,%s,\n' "$EXP"
	printf '%s\n' "$@"
}

DB="$T/audit.db"
scan() { # N ROWS...: scan night N
	targets "$@" >"$T/night$1.csv"
	"$FEDCERT" scan "$T/night$1.csv" --db "$DB" --ca-file "$T/roots.pem" \
		--dns-server "$DNS" --timeout 3 --quiet 2>"$T/scan$1.err"
	assert_eq "scan $1 exit code" 0 $?
}

scan 1 "sip.gone.test,DIR,$GONE,"
# Night 2: rot.test renews (same CA); brk.test's server goes; fix.test's
# comes.
stop_pid "$PID_ROT"
serve ROT "127.0.0.1:$ROT" "$T/ca" rot2
stop_pid "$PID_BRK"
serve FIX "127.0.0.3:$FIX" "$T/ca" fix
scan 2 "sip.gone.test,DIR,$GONE,"
# Night 3: rot.test moves to CA B; gone.test leaves the list, new.test
# joins it.
stop_pid "$PID_ROT"
serve ROT "127.0.0.1:$ROT" "$T/cb" rot3
scan 3 "sip.new.test,DIR,$NEW,"

T1=$(sha1_upper "$T/ca/rot1.pem")
T2=$(sha1_upper "$T/ca/rot2.pem")
T3=$(sha1_upper "$T/cb/rot3.pem")
started() { q "$DB" "select started from scan where id = $1"; }

# ---- diff ------------------------------------------------------------------
"$FEDCERT" diff --db "$DB" --format json >"$T/diff23.json"
assert_eq "diff exit code" 0 $?
assert_eq "diff: the last two scans by default" "2 3" \
	"$(jq -r '"\(.from_scan) \(.to_scan)"' "$T/diff23.json" | sort -u | paste -sd' ')"
assert_eq "diff 2-3: rot.test rotated" "$T2 $T3" \
	"$(jq -r 'select(.change == "rotated" and .domain == "sip.rot.test") | "\(.before.thumbprint) \(.after.thumbprint)"' "$T/diff23.json")"
assert_eq "diff 2-3: its issuer changed" "CN=History A Issuing CA,O=fedcert tests -> CN=History B Issuing CA,O=fedcert tests" \
	"$(jq -r 'select(.change == "issuer_changed") | "\(.before) -> \(.after)"' "$T/diff23.json")"
assert_eq "diff 2-3: its root changed" "$ROOT_A -> $ROOT_B" \
	"$(jq -r 'select(.change == "root_changed") | "\(.before) -> \(.after)"' "$T/diff23.json")"
assert_eq "diff 2-3: targets removed and added" "target_added sip.new.test PASS,target_removed sip.gone.test null" \
	"$(jq -r 'select(.change | startswith("target_")) | "\(.change) \(.domain) \(.after.status)"' "$T/diff23.json" | sort | paste -sd,)"
assert_eq "diff 2-3: nothing else (brk.test still down, fix.test still up)" 5 \
	"$(wc -l <"$T/diff23.json")"

"$FEDCERT" diff --db "$DB" --from 1 --to 2 --format json >"$T/diff12.json"
assert_eq "diff 1-2 exit code" 0 $?
assert_eq "diff 1-2: a rotation within CA A" "$T1 $T2" \
	"$(jq -r 'select(.change == "rotated") | "\(.before.thumbprint) \(.after.thumbprint)"' "$T/diff12.json")"
assert_eq "diff 1-2: no issuer or root change" "" \
	"$(jq -r 'select(.change == "issuer_changed" or .change == "root_changed") | .domain' "$T/diff12.json")"
assert_eq "diff 1-2: brk.test broke" "brk.test 127.0.0.2 $BRK refused" \
	"$(jq -r 'select(.change == "new_failure") | "\(.domain) \(.endpoint.address) \(.endpoint.port) \(.after.error_kind)"' "$T/diff12.json")"
assert_eq "diff 1-2: fix.test recovered" "fix.test refused PASS" \
	"$(jq -r 'select(.change == "recovered") | "\(.domain) \(.before.error_kind) \(.after.status)"' "$T/diff12.json")"
assert_eq "diff 1-2: every line one change" 3 "$(wc -l <"$T/diff12.json")"

"$FEDCERT" diff --db "$DB" --from 1 --to 2 >"$T/diff12.txt"
assert_contains "diff text: heading" "$T/diff12.txt" "diff: scan 1 ($(started 1), done) -> scan 2 ($(started 2), done)"
assert_contains "diff text: failure" "$T/diff12.txt" "! new failure: brk.test FED 127.0.0.2:$BRK (sip.brk.test): refused"
assert_contains "diff text: summary" "$T/diff12.txt" "summary: 1 rotated, 1 new failure, 1 recovered"
"$FEDCERT" diff --db "$DB" --from 2 --to 2 2>/dev/null
assert_eq "diff --from X --to X is a usage error" 2 $?
"$FEDCERT" diff --db "$DB" --to 9 2>"$T/err"
assert_eq "diff with no such scan fails" 1 $?
assert_contains "and says so" "$T/err" "no scan 9"

# ---- history ---------------------------------------------------------------
"$FEDCERT" history --db "$DB" SIP.ROT.TEST. --format json >"$T/rot.json"
assert_eq "history exit code (the name folded as stored)" 0 $?
assert_eq "history: each leaf over time, its scans and root" \
	"$T1 1 1 $ROOT_A,$T2 2 2 $ROOT_A,$T3 3 3 $ROOT_B" \
	"$(jq -r '"\(.leaf.thumbprint) \(.first_scan) \(.last_scan) \(.leaf.root)"' "$T/rot.json" | paste -sd,)"
assert_eq "history: first and last seen are scan starts" "$(started 2) $(started 2)" \
	"$(jq -r 'select(.first_scan == 2) | "\(.first_seen) \(.last_seen)"' "$T/rot.json")"
"$FEDCERT" history --db "$DB" brk.test --format json >"$T/brk.json"
assert_eq "history: brk.test worked, then failed two scans" "1 1 null,2 3 refused" \
	"$(jq -r '"\(.first_scan) \(.last_scan) \(.error_kind)"' "$T/brk.json" | paste -sd,)"
"$FEDCERT" history --db "$DB" fix.test >"$T/fix.txt"
assert_contains "history text: heading" "$T/fix.txt" "fix.test FED (port 5061): in 3 scans, $(started 1) .. $(started 3)"
assert_contains "history text: the failure" "$T/fix.txt" "    failed: refused ("
assert_contains "history text: the leaf" "$T/fix.txt" "    leaf $(sha1_upper "$T/ca/fix.pem"), expires "
"$FEDCERT" history --db "$DB" nowhere.test 2>"$T/err"
assert_eq "history of an unknown domain fails" 1 $?
assert_contains "and says so" "$T/err" 'no target "nowhere.test" in the database'

# ---- expiring --------------------------------------------------------------
"$FEDCERT" expiring --db "$DB" --within 30d --format json >"$T/exp.json"
assert_eq "expiring exit code" 0 $?
assert_eq "expiring: exp.test alone, 9 or 10 days left, from scan 3" \
	"sip.exp.test $(sha1_upper "$T/ca/exp.pem") 3 127.0.0.4" \
	"$(jq -r 'select(.days_left == 9 or .days_left == 10) | "\(.domain) \(.thumbprint) \(.scan) \(.addresses[0] | split(":")[0])"' "$T/exp.json")"
assert_eq "expiring: nothing else within 30 days" 1 "$(wc -l <"$T/exp.json")"
assert_eq "expiring --within 2w: the same" 1 \
	"$("$FEDCERT" expiring --db "$DB" --within 2w --format json | wc -l)"
assert_eq "expiring --within 12h: none" 0 \
	"$("$FEDCERT" expiring --db "$DB" --within 12h --format json | wc -l)"
"$FEDCERT" expiring --db "$DB" --within 250 --format csv -o "$T/exp.csv"
assert_eq "expiring csv exit code" 0 $?
assert_eq "expiring csv: header" '"domain","type","port","line","role","not_after","days_left","subject","issuer","root","thumbprint","sha256","key_type","key_bits","signature_algorithm","addresses","scan","scanned"' \
	"$(head -n1 "$T/exp.csv" | tr -d '\r')"
# Within 250 days, soonest first: exp (10 days), then the 200-day leaves
# of fix.test, gone.test (its newest scan is 2: it left the list, what it
# showed last still counts) and new.test; brk.test's leaf was last seen in
# scan 1, and its newest scan saw none; rot.test's has a year.
assert_eq "expiring csv: soonest first" "sip.exp.test,fix.test,sip.gone.test,sip.new.test" \
	"$(csv_cells "$T/exp.csv" domain | paste -sd,)"
"$FEDCERT" expiring --db "$DB" --within 3x 2>/dev/null
assert_eq "a bad duration is a usage error" 2 $?

# ---- scans and compliance ------------------------------------------------------
"$FEDCERT" scans --db "$DB" --format json >"$T/scans.json"
assert_eq "scans exit code" 0 $?
assert_eq "scans: targets, endpoints, failed endpoints per scan" "1 5 5 1,2 5 5 1,3 5 5 1" \
	"$(jq -r '"\(.scan) \(.targets) \(.endpoints) \(.endpoints_failed)"' "$T/scans.json" | paste -sd,)"
assert_eq "scans: every target judged" "5,5,5" \
	"$(jq -r '.status_counts.PASS + .status_counts.WARN + .status_counts.FAIL' "$T/scans.json" | paste -sd,)"

"$FEDCERT" report --db "$DB" --compliance -o "$T/comp.csv"
assert_eq "compliance exit code" 0 $?
assert_eq "compliance: rot.test's row (status, root, first seen)" \
	"sip.rot.test|DIR|$ROOT_B|$(started 3 | tr T ' ' | tr -d Z)|$T3|TLSv1.3" \
	"$(csv_cells "$T/comp.csv" domain type root first_seen thumbprint tls_version |
		grep '^sip\.rot\.test|')"
assert_eq "compliance: brk.test fails" "FAIL" \
	"$("$FEDCERT" report --db "$DB" --compliance --format json | jq -r 'select(.domain == "brk.test") | .status')"
"$FEDCERT" report --db "$DB" --compliance --format text 2>/dev/null
assert_eq "compliance is csv or json" 2 $?

# ---- prune -------------------------------------------------------------------
# Only scan 1 saw rot.test's first leaf and brk.test's (down since).
RSHA=$(openssl x509 -in "$T/ca/rot1.pem" -outform DER | sha256sum | cut -d' ' -f1)
"$FEDCERT" prune --db "$DB" --keep 2 --dry-run >"$T/prune.txt"
assert_contains "prune --dry-run says what" "$T/prune.txt" "would remove 1 scan (5 targets, 5 probes)"
assert_eq "and removes nothing" 3 "$(q "$DB" "select count(*) from scan")"
"$FEDCERT" prune --db "$DB" --keep 2 --vacuum >"$T/prune.txt"
assert_eq "prune exit code" 0 $?
assert_contains "prune says what it removed" "$T/prune.txt" "removed 1 scan (5 targets, 5 probes), 2 certificates and 0 endpoints that nothing references any more; kept the newest 2"
assert_contains "and the vacuum" "$T/prune.txt" "vacuumed: "
assert_eq "scan 1 is gone" "2,3" "$(q "$DB" "select group_concat(id) from scan")"
assert_eq "rot.test's first leaf is gone with it" 0 "$(q "$DB" "select count(*) from certificate where sha256 = '$RSHA'")"
assert_eq "history starts at scan 2 now" "$T2 2" \
	"$("$FEDCERT" history --db "$DB" sip.rot.test --format json | head -n1 | jq -r '"\(.leaf.thumbprint) \(.first_scan)"')"
"$FEDCERT" prune --db "$DB" 2>/dev/null
assert_eq "prune without --keep is a usage error" 2 $?

finish
