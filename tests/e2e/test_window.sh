#!/usr/bin/env bash
# The window: --concurrency bounds probes in flight, and only probes. The
# lookups of the rows that follow run while the slots are held, so that a
# freed slot finds its next endpoint already resolved; the queue of
# resolved endpoints is bounded too. Real dnsmasq (logging its queries),
# the fixture's silent peer holding every slot.
. "$E2E_DIR/lib.sh"

start_fixture silent || exit 1
{
	echo "log-queries"
	for i in 1 2 3 4 5; do
		echo "srv-host=_sipfederationtls._tcp.w$i.test,sip.w$i.test,$FIX_SILENT,0,0"
		echo "host-record=sip.w$i.test,127.0.0.1"
	done
} >"$T/dns.conf"
start_dnsmasq "$T/dns.conf" || exit 1
DNSLOG=$DNSMASQ_LOG

{ echo "Domain,Type,Port"; for i in 1 2 3; do echo "w$i.test,FED,"; done; } >"$T/three.csv"
{ echo "Domain,Type,Port"; for i in 1 2 3 4 5; do echo "w$i.test,FED,"; done; } >"$T/five.csv"

# One slot, held for up to 60 s by a silent peer: the next rows' SRV and
# address lookups are asked meanwhile, not after the slot frees.
"$FEDCERT" scan "$T/three.csv" --db "$T/one.db" --dns-server "$DNS" \
	--concurrency 1 --timeout 60 2>"$T/one.err" &
pid=$!
wait_line "$DNSLOG" 'query\[A\] sip\.w3\.test' &&
	ok || fail "the third row's lookup waited for the first probe's slot"
wait_db "$T/one.db" "select count(*) from dns_answer" 9
kill -TERM "$pid"
wait "$pid"
assert_eq "interrupted scan exits 1" 1 $?
assert_eq "every row's SRV, A and AAAA answer stored while the slot was held" \
	"9|0" "$(q "$T/one.db" "select count(*) || '|' || (select count(*) from probe) from dns_answer")"

# Two slots, five silent peers: never more than two at once, and all five
# probed to their deadline.
"$FEDCERT" scan "$T/five.csv" --db "$T/two.db" --dns-server "$DNS" \
	--concurrency 2 --timeout 1 2>"$T/two.err"
assert_eq "five silent peers: exit 0" 0 $?
assert_contains "two slots, two in flight at the peak" "$T/two.err" "peak 2 in flight"
assert_eq "every endpoint probed to its deadline, every target linked" "5|5|5" \
	"$(q "$T/two.db" "select count(*) || '|' || sum(error_kind = 'timeout') || '|' || (select count(distinct target_id) from target_probe) from probe")"

finish
