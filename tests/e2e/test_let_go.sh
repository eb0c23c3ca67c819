#!/usr/bin/env bash
# Memory follows the work in flight: a scan lets go of the lookups and
# endpoints it is done with beyond the 4,096 of each kind it used last
# (FC_SCAN_KEEP_DONE), and finds them again in the database when a row
# names them again. Here every name of the first half of the file comes
# back in the second half, after more than 4,096 others: each must be
# found again, not asked or probed again, and give its target exactly what
# it gave the first time.
#
# fixture_dns's wide.test answers any name (A 127.0.0.9, where nothing
# listens at port P; SRV _sipfederationtls._tcp.X.wide.test to
# sip.X.wide.test), elsewhere.test is NXDOMAIN. The rows: N DIR hosts, N
# FED domains, 300 DIR and 300 FED names that do not exist, and a shared
# host every 50 rows (it stays in memory: the most recently used).
. "$E2E_DIR/lib.sh"

N=5000
NX=300
P=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.9", 0)); print(s.getsockname()[1])')
start_fixture_dns --srv-port "$P" --quiet || { fail "fixture_dns did not start"; finish; exit 1; }

half() {
	awk -v n="$N" -v nx="$NX" -v port="$P" 'BEGIN {
		for (i = 0; i < n; i++) {
			printf "h%d.wide.test,DIR,%d\n", i, port
			printf "d%d.wide.test,FED,\n", i
			if (i < nx) {
				printf "nx%d.elsewhere.test,DIR,%d\n", i, port
				printf "nx%d.elsewhere.test,FED,\n", i
			}
			if (i % 50 == 0)
				printf "pool.wide.test,DIR,%d\n", port
		}
	}'
}
{ echo "Domain,Type,Port"; half; half; } >"$T/targets.csv"
ROWS=$(($(wc -l <"$T/targets.csv") - 1))

timeout 300 "$FEDCERT" scan "$T/targets.csv" --db "$T/s.db" \
	--dns-server "$FIX_DNS" --concurrency 500 --timeout 3 2>"$T/scan.err"
assert_eq "scan exit code" 0 $?
cat "$T/scan.err" >&2
assert_eq "scan status" done "$(q "$T/s.db" "SELECT status FROM scan")"
assert_eq "every row is a target, complete" "$ROWS $ROWS" \
	"$(q "$T/s.db" "SELECT count(*), sum(complete) FROM target" | tr '|' ' ')"

# Each question asked once: SRV of N + NX domains; A and AAAA of N hosts,
# N SRV targets, NX missing hosts and the shared one.
assert_eq "each question stored once" \
	"$((N + NX)) $((2 * (2 * N + NX + 1)))" \
	"$(q "$T/s.db" "SELECT count(*) FILTER (WHERE type = 'SRV'), count(*) FILTER (WHERE type != 'SRV') FROM dns_answer" | tr '|' ' ')"
assert_eq "no question stored twice" 0 \
	"$(q "$T/s.db" "SELECT count(*) FROM (SELECT name, type FROM dns_answer GROUP BY name, type HAVING count(*) > 1)")"
# Each endpoint probed once: N hosts, N SRV targets, the shared host.
assert_eq "each endpoint probed once" "$((2 * N + 1)) $((2 * N + 1))" \
	"$(q "$T/s.db" "SELECT count(*), count(DISTINCT endpoint_id) FROM probe" | tr '|' ' ')"

# The second half was found again, not held: at least the N DIR hosts,
# the N SRV names and their N hosts (the closing line counts hosts, SRV
# names and endpoints found again).
again=$(sed -n 's/.*, \([0-9]*\) found again in the database.*/\1/p' "$T/scan.err")
if [ "${again:-0}" -ge $((3 * N)) ]; then ok; else
	fail "the second half found again in the database: ${again:-none}, at least $((3 * N)) expected"; fi

# What each repeated row gave its target the second time is what it gave
# the first: the same findings, answers and endpoints, line aside.
"$FEDCERT" report --db "$T/s.db" --format json >"$T/report.json"
assert_eq "report exit code" 0 $?
python3 - "$T/report.json" "$N" "$NX" >"$T/compare.out" 2>&1 <<'EOF'
import json, sys
rows = {}
kinds = {}
for text in open(sys.argv[1]):
    o = json.loads(text)
    if "domain" not in o or "line" not in o:
        continue
    key = (o["domain"], o["type"], o["port"])
    line = o.pop("line")
    rows.setdefault(key, []).append((line, json.dumps(o, sort_keys=True)))
n, nx = int(sys.argv[2]), int(sys.argv[3])
bad = [k for k, v in rows.items() if k[0] != "pool.wide.test" and
       (len(v) != 2 or v[0][1] != v[1][1])]
print("targets", len(rows), "differing", len(bad))
for k in bad[:5]:
    print("differs:", k, rows[k])
sys.exit(1 if bad or len(rows) != 2 * n + 2 * nx + 1 else 0)
EOF
assert_eq "each repeated row as the first time (report/compare.out)" 0 $?
cat "$T/compare.out" >&2
# And what they gave is what each kind of name gives.
assert_eq "a host where nothing listens" refused \
	"$(q "$T/s.db" "SELECT p.error_kind FROM probe p JOIN endpoint e ON e.id = p.endpoint_id WHERE e.sni = 'h4999.wide.test'")"
assert_eq "a missing DIR host, both times" "dns_nxdomain dns_nxdomain" \
	"$(q "$T/s.db" "SELECT error_kind FROM target WHERE domain = 'nx7.elsewhere.test' AND type = 'DIR' ORDER BY line" | tr '\n' ' ' | sed 's/ $//')"
assert_eq "a FED domain, both times linked to its SRV answer and its probe" "1 1 1 1" \
	"$(q "$T/s.db" "SELECT (SELECT count(*) FROM target_dns d JOIN dns_answer a ON a.id = d.answer_id WHERE d.target_id = t.id AND a.type = 'SRV'), (SELECT count(*) FROM target_probe WHERE target_id = t.id) FROM target t WHERE domain = 'd17.wide.test' ORDER BY line" | tr '|\n' '  ' | sed 's/ $//')"
finish
