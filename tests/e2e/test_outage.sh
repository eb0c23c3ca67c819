#!/usr/bin/env bash
# Our resolver failing is not the partners' failure (issue 20, part 2):
# with its port closed from the start, or stopped in the middle of a scan,
# the targets that needed it are not_probed with our reason, no partner is
# blamed, the scan is failed (exit 1) and `scan --resume` completes it once
# the resolver is back; a resolver that comes back within the scan is
# asked again and the scan recovers (done, exit 0); a partner's own name
# that times out while our resolver answers stays the partner's timeout.
. "$E2E_DIR/lib.sh"

make_ca "$T/ca"
SAN=$(printf 'DNS:h%d.test,' $(seq 1 8))
make_leaf "$T/ca" leaf h1.test "${SAN%,}"
start_tls GOOD 127.0.0.1 "$T/ca/leaf.pem" "$T/ca/leaf.key" "$T/ca/inter.pem" || exit 1
start_fixture silent || exit 1
{
	for i in $(seq 1 8); do echo "host-record=h$i.test,127.0.0.1"; done
	echo "host-record=slow.test,127.0.0.1"
	for i in 1 2; do echo "srv-host=_sipfederationtls._tcp.fed$i.test,h$i.test,$GOOD"; done
} >"$T/dns.conf"

: >"$T/empty.conf" # not /etc/dnsmasq.conf
# dnsmasq_at: dnsmasq on PORT, logging the questions it is asked; our
# resolver, stopped and started again on the same port.
dnsmasq_at() {
	local log="$T/dnsmasq.at.$RANDOM.log"
	dnsmasq -k --conf-file="$T/empty.conf" --port="$PORT" \
		--listen-address=127.0.0.1 --bind-interfaces --no-resolv \
		--no-hosts --local=/test/ --local-ttl=300 --log-facility=- \
		--log-queries --pid-file= --user=root --conf-file="$T/dns.conf" \
		>"$log" 2>&1 &
	DNSMASQ_PID=$!
	PIDS+=($!)
	DNSMASQ_LOG=$log
	wait_line "$log" 'started, version|failed|cannot' &&
		! grep -q 'failed\|cannot' "$log" && return 0
	stop_pid "$DNSMASQ_PID"
	return 1
}

# resolver_up: our resolver back on PORT, or the test cannot go on.
resolver_up() {
	dnsmasq_at && return 0
	fail "dnsmasq cannot listen on 127.0.0.1:$PORT again: $(cat "$DNSMASQ_LOG")"
	finish
	exit 1
}

# A port for our resolver below the kernel's ephemeral range, so that no
# socket of this machine takes it while our resolver is stopped.
read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || low=32768
[ "$low" -gt 11000 ] || low=32768
for try in 1 2 3 4 5; do
	PORT=$((10000 + RANDOM % (low - 10000)))
	dnsmasq_at && break
done
grep -q 'started, version' "$DNSMASQ_LOG" || { echo "cannot start dnsmasq" >&2; exit 1; }
DNS="127.0.0.1:$PORT"

# ---- 1. The resolver's port closed from the start ----------------------
cat >"$T/partners.csv" <<CSV
Domain,Type,Port
fed1.test,FED,
fed2.test,FED,
h3.test,DIR,$GOOD
h4.test,DIR,$GOOD
127.0.0.1,DIR,$GOOD
CSV
DB="$T/audit.db"
ARGS=(--db "$DB" --ca-file "$T/ca/root.pem" --dns-server "$DNS" --timeout 5)

# Scan 1, a good night, to compare with.
"$FEDCERT" scan "$T/partners.csv" "${ARGS[@]}" 2>"$T/scan1.err"
assert_eq "the good night's scan" 0 $?
stop_pid "$DNSMASQ_PID"

# `fedcert check` keeps no scan to resume: its heading says to check again.
"$FEDCERT" check --fed fed1.test --ca-file "$T/ca/root.pem" --dns-server "$DNS" \
	--timeout 5 >"$T/check.txt" 2>"$T/check.err"
assert_eq "check without our resolver exits 1" 1 $?
assert_contains "check: our side, said" "$T/check.txt" "This scan is incomplete: "
assert_contains "check: to check again" "$T/check.txt" "check again once our side works"
assert_not_contains "check: no scan to resume" "$T/check.txt" "--resume"

start=$(date +%s)
"$FEDCERT" scan "$T/partners.csv" "${ARGS[@]}" 2>"$T/scan2.err"
assert_eq "a scan without our resolver exits 1" 1 $?
elapsed=$(($(date +%s) - start))
[ "$elapsed" -lt 30 ] && ok || fail "the scan took ${elapsed}s to give our resolver up"
assert_contains "says our resolver is not answering" "$T/scan2.err" \
	"our resolver $DNS is not answering (Could not contact DNS servers)"
assert_contains "says the scan is incomplete" "$T/scan2.err" \
	"scan 2: this scan is incomplete: our resolver $DNS did not answer (Could not contact DNS servers); 4 targets not probed; run fedcert scan --resume"
assert_eq "scan 2 is failed" "failed" "$(q "$DB" "select status from scan where id = 2")"
assert_eq "the four DNS targets are not_probed, incomplete, with our reason" \
	"2|not_probed|0|our resolver $DNS did not answer (Could not contact DNS servers)
3|not_probed|0|our resolver $DNS did not answer (Could not contact DNS servers)
4|not_probed|0|our resolver $DNS did not answer (Could not contact DNS servers)
5|not_probed|0|our resolver $DNS did not answer (Could not contact DNS servers)" \
	"$(q "$DB" "select line, error_kind, complete, error_reason from target where scan_id = 2 and line < 6 order by line")"
assert_eq "no answer of our resolver is stored as the partners'" 0 \
	"$(q "$DB" "select count(*) from dns_answer where scan_id = 2")"
assert_eq "the literal address is still probed" "1|1" \
	"$(q "$DB" "select t.complete, count(tp.probe_id) from target t join target_probe tp on tp.target_id = t.id where t.scan_id = 2 and t.line = 6")"

"$FEDCERT" report --db "$DB" >"$T/report2.txt"
assert_eq "the report of an incomplete scan" 0 $?
assert_contains "the report's heading says it" "$T/report2.txt" \
	"This scan is incomplete: our resolver $DNS did not answer (Could not contact DNS servers); 4 targets not probed; run fedcert scan --resume"
"$FEDCERT" report --db "$DB" --format json >"$T/report2.jsonl"
assert_eq "JSON: the first line says it" "4|our resolver $DNS did not answer (Could not contact DNS servers)" \
	"$(head -n1 "$T/report2.jsonl" | jq -r '.incomplete | "\(.not_probed)|\(.reason)"')"
assert_eq "JSON: no partner is blamed" "fed1.test WARN not_probed
fed2.test WARN not_probed
h3.test WARN not_probed
h4.test WARN not_probed" \
	"$(jq -r 'select(.domain and .line < 6) | .domain + " " + .status + " " + (.finding_ids | join(","))' "$T/report2.jsonl")"
"$FEDCERT" report --db "$DB" --format html >"$T/report2.html"
assert_contains "HTML: the header says it" "$T/report2.html" \
	'<p class="incomplete"><strong>This scan is incomplete: our resolver'
"$FEDCERT" report --db "$DB" --format prometheus >"$T/report2.prom"
assert_contains "metrics: not probed, ours" "$T/report2.prom" "fedcert_scan_targets_not_probed 4"
assert_contains "metrics: no partner's DNS failed" "$T/report2.prom" "fedcert_scan_targets_failed 0"
"$FEDCERT" scans --db "$DB" --format json >"$T/scans.jsonl"
assert_eq "scans: no target failed" "0" "$(jq -r 'select(.scan == 2) | .targets_failed' "$T/scans.jsonl")"
"$FEDCERT" diff --db "$DB" --format json >"$T/diff2.jsonl" 2>"$T/diff2.err"
assert_eq "diff: the failed scan is not compared, nobody broke" 0 \
	"$(grep -c 'new_failure' "$T/diff2.jsonl")"
"$FEDCERT" diff --db "$DB" --from 1 --to 2 --format json >"$T/diff12.jsonl"
assert_eq "diff --to the failed scan: its not_probed targets did not break" "" \
	"$(jq -r 'select(.change == "new_failure" or .change == "finding_appeared") | .domain' "$T/diff12.jsonl")"
"$FEDCERT" history h3.test --db "$DB" >"$T/history.txt"
assert_contains "history: our reason, not the partner's" "$T/history.txt" "not_probed"

# Our resolver is back: --resume finishes the scan.
resolver_up
"$FEDCERT" scan "${ARGS[@]}" --resume 2>"$T/resume.err"
assert_eq "the resume exits 0" 0 $?
assert_eq "scan 2 is done, every target complete, none not_probed" "done|0|0" \
	"$(q "$DB" "select status, (select count(*) from target where scan_id = 2 and complete = 0), (select count(*) from target where scan_id = 2 and error_kind is not null) from scan where id = 2")"
assert_eq "every row once" "5|5" \
	"$(q "$DB" "select count(*), count(distinct line) from target where scan_id = 2" | tr '|' '|')"
"$FEDCERT" report --db "$DB" --format json >"$T/report3.jsonl"
assert_eq "the resumed scan has no heading line" "" \
	"$(jq -r 'select(.incomplete) | .incomplete.message' "$T/report3.jsonl")"
"$FEDCERT" diff --db "$DB" --format json >"$T/diff3.jsonl"
assert_eq "diff: nobody broke, nobody was repaired" 0 \
	"$(grep -c 'new_failure\|"recovered"' "$T/diff3.jsonl")"
stop_pid "$DNSMASQ_PID"

# ---- 2. The resolver stopped in the middle of a scan -------------------
# One probe at a time: h1.test is asked, the silent server's probe takes
# 4 s and the good address waits for it in the queue, so no more rows are
# read meanwhile; our resolver is stopped once it has answered h1.test.
cat >"$T/middle.csv" <<CSV
Domain,Type,Port
h1.test,DIR,$GOOD
127.0.0.1,DIR,$FIX_SILENT
127.0.0.1,DIR,$GOOD
h2.test,DIR,$GOOD
h3.test,DIR,$GOOD
h4.test,DIR,$GOOD
h5.test,DIR,$GOOD
CSV
# middle_scan DB ERR: starts the scan, stops our resolver once it has
# answered h1.test; sets SCAN_PID.
middle_scan() {
	resolver_up
	"$FEDCERT" scan "$T/middle.csv" --db "$1" --ca-file "$T/ca/root.pem" \
		--dns-server "$DNS" --timeout 4 --concurrency 1 2>"$2" &
	SCAN_PID=$!
	wait_line "$DNSMASQ_LOG" 'h1\.test is NODATA-IPv6' || fail "h1.test was never answered"
	stop_pid "$DNSMASQ_PID"
}
DB2="$T/middle.db"
middle_scan "$DB2" "$T/middle.err"
wait "$SCAN_PID"
assert_eq "a scan whose resolver stopped exits 1" 1 $?
assert_contains "says so" "$T/middle.err" "our resolver $DNS did not come back"
assert_eq "the rows after the stop are not_probed, the ones before done" \
	"h1.test|1|
127.0.0.1|1|
127.0.0.1|1|
h2.test|0|not_probed
h3.test|0|not_probed
h4.test|0|not_probed
h5.test|0|not_probed" \
	"$(q "$DB2" "select domain, complete, ifnull(error_kind, '') from target order by line")"
assert_eq "every stored answer is a real one" "NOERROR" \
	"$(q "$DB2" "select group_concat(distinct rcode) from dns_answer")"
resolver_up
"$FEDCERT" scan --db "$DB2" --ca-file "$T/ca/root.pem" --dns-server "$DNS" \
	--timeout 4 --resume 2>"$T/middle.resume.err"
assert_eq "resume after the resolver is back" 0 $?
assert_eq "done, every row once, all complete" "done|7|7|0" \
	"$(q "$DB2" "select (select status from scan), count(*), count(distinct line), sum(complete = 0) from target")"
assert_eq "no endpoint probed twice" "" \
	"$(q "$DB2" "select endpoint_id from probe group by endpoint_id having count(*) > 1")"
stop_pid "$DNSMASQ_PID"

# ---- 3. A flapping resolver that recovers within the scan --------------
DB3="$T/flap.db"
middle_scan "$DB3" "$T/flap.err"
# Back as soon as the scan has noticed it gone.
wait_line "$T/flap.err" 'is not answering' || fail "the scan did not notice"
resolver_up
wait "$SCAN_PID"
assert_eq "a scan whose resolver came back exits 0" 0 $?
assert_contains "says it recovered" "$T/flap.err" "the scan recovered"
assert_eq "done, all complete, nothing not_probed" "done|7|0|0" \
	"$(q "$DB3" "select (select status from scan), count(*), sum(complete = 0), sum(error_kind is not null) from target")"
assert_eq "every target reached its probe" 0 \
	"$(q "$DB3" "select count(*) from target t where not exists (select 1 from target_probe tp where tp.target_id = t.id)")"
assert_eq "every stored answer is a real one" "NOERROR" \
	"$(q "$DB3" "select group_concat(distinct rcode) from dns_answer")"
stop_pid "$DNSMASQ_PID"

# ---- 4. A partner's silent name, our resolver up: the partner's --------
# The only question of the scan times out; our resolver answers the
# question asked to tell (the root's NS): the timeout is the partner's.
start_fixture_dns || exit 1
printf 'Domain,Type,Port\nsilent.test,FED,\n' >"$T/silent.csv"
"$FEDCERT" scan "$T/silent.csv" --db "$T/silent.db" --dns-server "$FIX_DNS" \
	--dns-timeout 0.5 --dns-tries 1 2>"$T/silent.err"
assert_eq "a partner's timeout is not our outage" 0 $?
assert_eq "stored as the partner's timeout" "done|dns_timeout|TIMEOUT" \
	"$(q "$T/silent.db" "select (select status from scan), t.error_kind, a.rcode from target t join target_dns d on d.target_id = t.id join dns_answer a on a.id = d.answer_id")"

finish
