# html_fleet.sh: sourced by test_html_demo.sh and test_html_fleet.sh (after
# lib.sh): scans a fleet (fleet/) of N domains and opens the HTML report of
# the scan in headless Chromium (tests/e2e/browser.py), checking it against
# the JSON report of the same scan. For each: the page loads with no
# console message and no request; it has one row per target of the JSON
# report, worst first; filtering by status, finding and text shows as many
# targets as the JSON report has of each; sorting by days left orders the
# rows shown; "show all" shows every row, each with its details (made when
# the row is shown, past the first 200 of a status); a hosted-pool
# partner's details open and link to its pool, whose members alike are on
# one line with their chain; each target whose chain our store does not
# trust says where to get its root. The load time is printed, not asserted
# (bench/html-load measures it). A screenshot of the overview goes to
# $FEDCERT_BUILD_DIR/artifacts.

command -v "${CHROMIUM:=chromium}" >/dev/null ||
	skip "chromium is not installed (scripts/deps installs it): the fleet's HTML report was not tested in a browser"
/usr/bin/python3 -c 'import websocket' 2>/dev/null ||
	skip "python3-websocket is not installed (scripts/deps installs it): the fleet's HTML report was not tested in a browser"
command -v dnsmasq >/dev/null ||
	skip "dnsmasq is not installed (scripts/deps installs it): the fleet was not started"
export CHROMIUM FEDCERT
mkdir -p "$FEDCERT_BUILD_DIR/artifacts"

cat >"$T/page.js" <<'JS'
var t = document.getElementById('partners');
var bodies = function () { return Array.prototype.slice.call(t.tBodies); };
var visible = function () { return bodies().filter(function (b) { return !b.hidden; }); };
var shown = function () { return document.getElementById('shown').textContent; };
var r = {};
r.rows = bodies().length;
var ranks = bodies().map(function (b) { return Number(b.rows[0].cells[0].getAttribute('data-v')); });
r.worstFirst = ranks.every(function (v, i) { return i === 0 || ranks[i - 1] <= v; });
r.firstShown = visible().length;
r.shown = shown();
var set = function (id, v, ev) {
	var e = document.getElementById(id); e.value = v; e.dispatchEvent(new Event(ev)); };
set('f-status', 'FAIL', 'change'); r.fail = shown();
r.failOnly = visible().every(function (b) { return b.getAttribute('data-status') === 'FAIL'; });
set('f-status', '', 'change');
set('f-finding', 'expired', 'change'); r.expired = shown();
set('f-finding', '', 'change');
set('f-text', 'partner00042.fleet.test', 'input');
r.text = visible().map(function (b) { return b.rows[0].cells[1].textContent; }).join(' ');
// a row shown has its details, made when it is shown (the page writes
// most rows' details as a hidden div)
r.textDetails = visible().every(function (b) { return b.querySelector('details') !== null &&
	b.querySelector('div.dd') === null; });
r.lateRows = bodies().filter(function (b) { return b.querySelector('div.dd') !== null; }).length;
set('f-text', '', 'input');
// days left, ascending: the rows shown are in order (an empty cell last)
var head = t.tHead.rows[0].cells[6].querySelector('button');
head.click();
var days = visible().map(function (b) { var v = b.rows[0].cells[6].textContent; return v === '' ? Infinity : Number(v); });
r.sortedAsc = days.every(function (v, i) { return i === 0 || days[i - 1] <= v; });
r.soonest = days[0];
head.click();
days = visible().map(function (b) { var v = b.rows[0].cells[6].textContent; return v === '' ? Infinity : Number(v); });
r.sortedDesc = days.every(function (v, i) { return i === 0 || days[i - 1] >= v; });
document.getElementById('more').click();
r.all = visible().length;
r.allDetails = document.querySelectorAll('#partners details').length;
// the targets told where to get a root their chain lacks
r.roots = bodies().filter(function (b) { return /\nRoot: /.test(b.textContent); }).length;
// a hosted-pool partner, opened from the keyboard's control, and its pool
var pool = bodies().filter(function (b) {
	return /sipfed\.hosted-[a-z]\.fleet\.test: pool [0-9]+, [0-9]+ endpoints/.test(b.textContent); })[0];
if (pool) {
	var s = pool.querySelector('summary');
	s.focus(); s.click();
	r.poolOpen = pool.querySelector('details').open;
	var a = pool.querySelector('details a[href^="#p"]');
	var entry = a && document.getElementById(a.getAttribute('href').slice(1));
	r.poolText = entry ? entry.textContent : '';
}
window.scrollTo(0, 0);
return r;
JS

# page N DB: the HTML report of DB, opened in Chromium, checked against
# the JSON report of the same scan.
page() {
	local n=$1 db=$2 html="$T/fleet-$1.html" out="$T/fleet-$1.json" size
	"$FEDCERT" report --db "$db" --format html -o "$html"
	assert_eq "$n: report --format html" 0 $?
	"$FEDCERT" report --db "$db" --format json >"$T/report-$n.json"
	local targets fail expired
	targets=$(jq -s 'length' "$T/report-$n.json")
	fail=$(jq -s 'map(select(.status == "FAIL")) | length' "$T/report-$n.json")
	expired=$(jq -s 'map(select(.finding_ids | index("expired"))) | length' "$T/report-$n.json")
	roots=$(jq -s 'map(select(.finding_ids | (index("untrusted_chain") or index("incomplete_chain") or
		index("self_signed")))) | length' "$T/report-$n.json")
	size=$(stat -c %s "$html")
	echo "$n domains: $targets targets, page of $size bytes"
	/usr/bin/python3 "$E2E_DIR/browser.py" "$html" "$T/page.js" "$out" \
		"$FEDCERT_BUILD_DIR/artifacts/html-fleet-$n.png"
	assert_eq "$n: the page was driven in Chromium" 0 $?
	j() { jq -r "$1" "$out"; }
	echo "$n domains: loaded and laid out in $(j '.load_ms') ms"
	assert_eq "$n: no console message" "[]" "$(j '.console')"
	assert_eq "$n: no request left the page" "[]" "$(j '.requests')"
	assert_eq "$n: one row per target" "$targets" "$(j '.result.rows')"
	assert_eq "$n: worst first" true "$(j '.result.worstFirst')"
	if [ "$targets" -gt 200 ]; then
		assert_eq "$n: a page of rows at first" 200 "$(j '.result.firstShown')"
		assert_eq "$n: the count says so" "200 of $targets" "$(j '.result.shown')"
	else
		assert_eq "$n: every row at first" "$targets" "$(j '.result.firstShown')"
	fi
	[ "$fail" -gt 0 ] && [ "$expired" -gt 0 ] && ok ||
		fail "$n: the fleet has failing and expired partners ($fail, $expired)"
	case "$(j '.result.fail')" in
	"$fail" | *" of $fail") ok ;;
	*) fail "$n: filter by status: $(j '.result.fail'), the JSON report has $fail" ;;
	esac
	assert_eq "$n: only FAIL rows shown" true "$(j '.result.failOnly')"
	case "$(j '.result.expired')" in
	"$expired" | *" of $expired") ok ;;
	*) fail "$n: filter by finding: $(j '.result.expired'), the JSON report has $expired" ;;
	esac
	assert_eq "$n: filter by text" "partner00042.fleet.test" "$(j '.result.text')"
	assert_eq "$n: a row shown has its details" true "$(j '.result.textDetails')"
	if [ "$targets" -gt 200 ]; then
		[ "$(j '.result.lateRows')" -gt 0 ] && ok ||
			fail "$n: rows past the first of each status have their details made when shown"
	fi
	assert_eq "$n: sorted by days left" true "$(j '.result.sortedAsc')"
	assert_eq "$n: the soonest first" \
		"$(jq -s 'map(.days_left | select(. != null)) | min' "$T/report-$n.json")" "$(j '.result.soonest')"
	assert_eq "$n: sorted by days left, descending" true "$(j '.result.sortedDesc')"
	assert_eq "$n: show all" "$targets" "$(j '.result.all')"
	assert_eq "$n: every row shown has its details" "$targets" "$(j '.result.allDetails')"
	[ "$roots" -gt 0 ] && ok || fail "$n: the fleet has partners whose root our store lacks"
	assert_eq "$n: where to get the root, for each target whose chain our store does not trust" \
		"$roots" "$(j '.result.roots')"
	assert_eq "$n: a hosted-pool partner's details open" true "$(j '.result.poolOpen')"
	j '.result.poolText' | grep -qE '^127\.[0-9.]+:[0-9]+, 127\.[0-9.]+:[0-9]+.* via sipfed\.hosted-[a-z]\.fleet\.test: TLSv1\.3, chain [0-9]+$' &&
		ok || fail "$n: the pool's members alike in one line, with their chain: $(j '.result.poolText')"
	PAGE_SIZE=$size
}

# fleet_page N: an N-domain fleet started, scanned, its page checked;
# PAGE_SIZE is the page's size in bytes.
fleet_page() {
	local n=$1 rc
	"$FEDCERT_SOURCE_DIR/fleet/with-fleet" "$n" --dir "$T/fleet-$n" -- sh -c \
		'"$FEDCERT" scan "$TARGETS" --db "$0" --ca-file "$CA" --dns-server "$DNS" --timeout 5 --concurrency 256 --quiet' \
		"$T/fleet-$n.db" >"$T/fleet-$n.log" 2>&1
	rc=$?
	grep '^fleet: [0-9]' "$T/fleet-$n.log"
	if [ "$rc" -ne 0 ]; then
		cat "$T/fleet-$n.log" >&2
		fail "$n: the fleet started and fedcert scanned it ($rc)"
		return
	fi
	page "$n" "$T/fleet-$n.db"
}
