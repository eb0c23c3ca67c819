#!/usr/bin/env bash
# Our network failing is not the partners' failure (issue 20, part 2): a
# connect that our own kernel refuses before any packet leaves (no route,
# the network down) leaves its targets not_probed with our reason, the
# scan failed (exit 1), and `scan --resume` completes it once the network
# is back; an address no server can have (multicast) stays the partner's.
# The network is taken away in a network namespace of our own (unshare
# -rn), which has nothing but a loopback interface: no packet can leave
# the machine, and the errors are the kernel's, not a mock's.
. "$E2E_DIR/lib.sh"

unshare -rn sh -c 'ip link set lo up' 2>/dev/null ||
	skip "unshare -rn (a user and network namespace) and ip(8) in it are not available here: our network failing was not tested"

make_ca "$T/ca"
make_leaf "$T/ca" leaf h1.test "DNS:h1.test"
start_tls GOOD 127.0.0.1 "$T/ca/leaf.pem" "$T/ca/leaf.key" "$T/ca/inter.pem" || exit 1
echo "host-record=h1.test,127.0.0.1" >"$T/dns.conf"
start_dnsmasq "$T/dns.conf" || exit 1

# ---- 1. The network down: loopback itself is down -----------------------
cat >"$T/partners.csv" <<CSV
Domain,Type,Port
127.0.0.1,DIR,$GOOD
h1.test,DIR,$GOOD
CSV
DB="$T/audit.db"
ARGS=(--db "$DB" --ca-file "$T/ca/root.pem" --dns-server "$DNS" --timeout 5)
unshare -rn "$FEDCERT" scan "$T/partners.csv" "${ARGS[@]}" 2>"$T/down.err"
assert_eq "a scan with the network down exits 1" 1 $?
assert_contains "says our network could not send" "$T/down.err" \
	"our network could not send to 127.0.0.1 port $GOOD (connect: network is unreachable)"
assert_eq "failed, both targets not_probed, no probe stored" "failed|2|0" \
	"$(q "$DB" "select (select status from scan), sum(error_kind = 'not_probed' and complete = 0), (select count(*) from probe) from target")"
assert_eq "each with its reason" \
	"our network could not send to 127.0.0.1 port $GOOD (connect: network is unreachable)
our resolver $DNS did not answer (Could not contact DNS servers)" \
	"$(q "$DB" "select error_reason from target order by line")"
"$FEDCERT" report --db "$DB" --format json >"$T/down.jsonl"
assert_eq "no partner is blamed" "WARN not_probed
WARN not_probed" \
	"$(jq -r 'select(.domain) | .status + " " + (.finding_ids | join(","))' "$T/down.jsonl")"

# The network is back: --resume finishes the scan.
"$FEDCERT" scan "${ARGS[@]}" --resume 2>"$T/resume.err"
assert_eq "the resume exits 0" 0 $?
assert_eq "done, both complete and probed" "done|2|2" \
	"$(q "$DB" "select (select status from scan), sum(complete), (select count(*) from target_probe) from target")"

# ---- 2. No route: loopback up, nothing else ----------------------------
# 192.0.2.1 (TEST-NET-1) has no route in the namespace: ours. 224.0.0.1 is
# multicast, no server's address: the kernel refuses it the same way, but
# the partner's DNS is at fault, so it stays the partner's failure.
cat >"$T/noroute.csv" <<CSV
Domain,Type,Port
192.0.2.1,DIR,5061
224.0.0.1,DIR,5061
CSV
DB2="$T/noroute.db"
unshare -rn sh -c 'ip link set lo up && exec "$@"' sh \
	"$FEDCERT" scan "$T/noroute.csv" --db "$DB2" --dns-server 127.0.0.1:53 \
	--timeout 5 2>"$T/noroute.err"
assert_eq "a scan without a route exits 1" 1 $?
assert_eq "no route: ours; multicast: the partner's" \
	"192.0.2.1|not_probed|0|
224.0.0.1||1|connect_error" \
	"$(q "$DB2" "select t.domain, ifnull(t.error_kind, ''), t.complete, ifnull(p.error_kind, '') from target t left join target_probe tp on tp.target_id = t.id left join probe p on p.id = tp.probe_id order by t.line")"

finish
