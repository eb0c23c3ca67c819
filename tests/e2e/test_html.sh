#!/usr/bin/env bash
# The HTML report in a real browser (headless Chromium through its
# DevTools protocol, tests/e2e/browser.py): a scan of a small federation
# in which one partner's certificate carries hostile text in every name
# (a <script>, an attribute break-out with onerror, </script>, an SVG
# foreignObject, a javascript: URL, a bidirectional override and an ANSI
# escape) renders into one self-contained page that loads with no console
# message and no request, runs none of the payloads (each would set a
# value the test reads), shows them as text, has one row per target
# worst first, and sorts and filters in the page. Over two nights (a
# partner added, another rotated to the hostile leaf) it draws the trend
# by status and by error finding and says what changed; a root named like
# a well-known one links to its CA's repository, the hostile AIA URL is
# text. Screenshots of the
# overview and of one opened partner are written to
# $FEDCERT_BUILD_DIR/artifacts for a person to look at.
. "$E2E_DIR/lib.sh"

command -v "${CHROMIUM:=chromium}" >/dev/null ||
	skip "chromium is not installed (scripts/deps installs it): the HTML report was not tested in a browser"
/usr/bin/python3 -c 'import websocket' 2>/dev/null ||
	skip "python3-websocket is not installed (scripts/deps installs it): the HTML report was not tested in a browser"
export CHROMIUM

CA="$T/ca"
make_ca "$CA"
past=$(days_from -30); later=$(days_from 200)
issue "$CA" good sip.good.test ec sha256 "$past" "$later" "${GOOD_EXT[@]}" \
	"subjectAltName = DNS:sip.good.test"
issue "$CA" expired sip.expired.test ec sha256 "$(days_from -100)" "$(days_from -3)" \
	"${GOOD_EXT[@]}" "subjectAltName = DNS:sip.expired.test"
# The hostile leaf: made with python3-cryptography, signed by the test
# intermediate, every name a payload.
/usr/bin/python3 - "$CA" <<'PY' || exit 1
import datetime, sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID, ExtendedKeyUsageOID
d = sys.argv[1]
inter = x509.load_pem_x509_certificate(open(d + "/inter.pem", "rb").read())
ikey = serialization.load_pem_private_key(open(d + "/inter.key", "rb").read(), None)
key = ec.generate_private_key(ec.SECP256R1())
name = x509.Name([
    x509.NameAttribute(NameOID.COMMON_NAME, "<script>window.__pwned='cn'</script>"),
    x509.NameAttribute(NameOID.ORGANIZATION_NAME, '"><img src=x onerror="window.__pwned=\'o\'">'),
    x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME,
                       "</script><svg><foreignObject><img src=x onerror=window.__pwned='ou'></foreignObject></svg>"),
    x509.NameAttribute(NameOID.LOCALITY_NAME, "javascript:window.__pwned='l'"),
    x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "\u202eevil\x1b[31mred"),
])
now = datetime.datetime.now(datetime.timezone.utc)
cert = (x509.CertificateBuilder().subject_name(name).issuer_name(inter.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=90))
        .add_extension(x509.SubjectAlternativeName([
            x509.DNSName("<img src=x onerror=window.__pwned='san'>"),
            x509.DNSName("\"><script>window.__pwned='san2'</script>")]), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityInformationAccess([x509.AccessDescription(
            x509.oid.AuthorityInformationAccessOID.CA_ISSUERS,
            x509.UniformResourceIdentifier("javascript:window.__pwned='aia'"))]), critical=False)
        .sign(ikey, hashes.SHA256()))
open(d + "/evil.pem", "wb").write(cert.public_bytes(serialization.Encoding.PEM))
open(d + "/evil.key", "wb").write(key.private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
PY
# A partner whose root is a well-known public one's namesake: its details
# link to that CA's repository.
WK="$T/wk"
make_ca_subjects "$WK" "ISRG Root X1" "fedcert Test WK Intermediate" || exit 1
make_leaf "$WK" wk sip.wk.test "DNS:sip.wk.test" || exit 1
cat "$CA/root.pem" "$WK/root.pem" >"$T/roots.pem"
start_tls GOOD 127.0.0.1 "$CA/good.pem" "$CA/good.key" "$CA/inter.pem" || exit 1
start_tls EXPIRED 127.0.0.1 "$CA/expired.pem" "$CA/expired.key" "$CA/inter.pem" || exit 1
start_tls WKS 127.0.0.1 "$WK/wk.pem" "$WK/wk.key" "$WK/inter.pem" || exit 1
# The first night evil.test's server presents good.test's chain; the
# second night the hostile leaf alone (its AIA names a javascript: URL),
# on the same port: what changed quotes the hostile subject.
start_tls EVIL 127.0.0.1 "$CA/good.pem" "$CA/good.key" "$CA/inter.pem" || exit 1
EVIL_PID=${PIDS[-1]}
cat >"$T/dns.conf" <<CONF
srv-host=_sipfederationtls._tcp.good.test,sip.good.test,$GOOD,0,100
host-record=sip.good.test,127.0.0.1
srv-host=_sipfederationtls._tcp.expired.test,sip.expired.test,$EXPIRED,0,100
host-record=sip.expired.test,127.0.0.1
srv-host=_sipfederationtls._tcp.evil.test,sip.evil.test,$EVIL,0,100
host-record=sip.evil.test,127.0.0.1
srv-host=_sipfederationtls._tcp.wk.test,sip.wk.test,$WKS,0,100
host-record=sip.wk.test,127.0.0.1
CONF
start_dnsmasq "$T/dns.conf" || exit 1
printf 'Domain,Type,Port\ngood.test,FED,\nexpired.test,FED,\n"<b>bad</b>",BOGUS,\nevil.test,FED,\nnothing.test,FED,\n' \
	>"$T/night1.csv"
{ cat "$T/night1.csv"; echo 'wk.test,FED,'; } >"$T/partners.csv"
DB="$T/audit.db"
"$FEDCERT" scan "$T/night1.csv" --db "$DB" --ca-file "$T/roots.pem" \
	--dns-server "$DNS" --ipv4-only --quiet 2>/dev/null
assert_eq "scan" 0 $?
kill "$EVIL_PID"; wait "$EVIL_PID" 2>/dev/null
start_tls EVIL "127.0.0.1:$EVIL" "$CA/evil.pem" "$CA/evil.key" || exit 1

"$FEDCERT" report --db "$DB" --format html -o "$T/one.html"
assert_not_contains "one scan: no trend" "$T/one.html" "Over the last"
# A second night, with wk.test added: the page then draws the trend of
# both and says what changed.
"$FEDCERT" scan "$T/partners.csv" --db "$DB" --ca-file "$T/roots.pem" \
	--dns-server "$DNS" --ipv4-only --quiet 2>/dev/null
assert_eq "scan 2" 0 $?
"$FEDCERT" report --db "$DB" --format html -o "$T/audit.html"
assert_eq "report --format html" 0 $?
assert_contains "two scans: the trend" "$T/audit.html" "Over the last 2 scans"
assert_contains "a Content Security Policy that allows nothing from outside" "$T/audit.html" \
	"default-src 'none'"
assert_not_contains "no raw payload in the file" "$T/audit.html" "<script>window"
assert_not_contains "no raw attribute break-out" "$T/audit.html" '"><img'
assert_eq "one script element, ours" 1 "$(grep -o '<script' "$T/audit.html" | wc -l)"
"$FEDCERT" report --db "$DB" --format html --summary >/dev/null 2>"$T/err"
assert_eq "--summary does not go with html" 2 $?

# ---- In the browser ------------------------------------------------------
cat >"$T/page.js" <<'JS'
var t = document.getElementById('partners');
var bodies = function () { return Array.prototype.slice.call(t.tBodies); };
var visible = function () { return bodies().filter(function (b) { return !b.hidden; }); };
var first = function () { return visible()[0].rows[0].cells[1].textContent; };
var r = {};
r.pwned = window.__pwned === undefined ? null : String(window.__pwned);
r.rows = bodies().length;
r.statuses = bodies().map(function (b) { return b.getAttribute('data-status'); }).join(' ');
r.imgs = document.querySelectorAll('img').length;
r.svgs = document.querySelectorAll('svg foreignObject').length;
r.scripts = document.querySelectorAll('script').length;
r.text = document.body.textContent;
var charts = document.querySelectorAll('svg.chart');
r.trendBars = charts[0].querySelectorAll('rect').length;
var trend = charts[0].parentNode.querySelector('details table');
r.trendRows = Array.prototype.map.call(trend.tBodies[0].rows, function (row) {
	return row.cells[2].textContent + '/' + row.cells[3].textContent + '/' +
		row.cells[4].textContent; }).join(' ');
r.bars = charts[1].querySelectorAll('rect').length;
var weeks = charts[1].parentNode.querySelector('details table');
r.expiredTargets = weeks.tBodies[0].rows[0].cells[1].textContent;
r.weekSum = Array.prototype.slice.call(weeks.tBodies[0].rows).reduce(function (a, row) {
	return a + Number(row.cells[1].textContent); }, 0);
// what changed since the scan before: its counts by kind, its items
var changed = Array.prototype.filter.call(document.querySelectorAll('h2'),
	function (h) { return /^What changed/.test(h.textContent); })[0];
r.changed = changed ? changed.textContent : null;
r.changes = changed ? Array.prototype.map.call(changed.parentNode.querySelector('table').tBodies[0].rows,
	function (row) { return row.cells[0].textContent + ':' + row.cells[1].textContent; }).join(' ') : null;
r.changeItems = changed ? Array.prototype.map.call(changed.parentNode.querySelectorAll('li'),
	function (li) { return li.textContent; }).join('\n') : null;
// each error finding over the scans: first, highest, now
var spark = document.querySelector('table.spark');
r.errorTrend = spark ? Array.prototype.map.call(spark.tBodies[0].rows, function (row) {
	return row.cells[0].textContent + ':' + row.cells[2].textContent + '/' +
		row.cells[3].textContent + '/' + row.cells[4].textContent; }).join(' ') : null;
r.sparks = spark ? spark.querySelectorAll('svg polyline').length : 0;
// where to get the root: links only to our table's repositories
r.links = Array.prototype.map.call(document.querySelectorAll('a[href]'), function (a) {
	return a.getAttribute('href'); }).filter(function (h) { return h.charAt(0) !== '#'; }).join(' ');
r.sections = Array.prototype.map.call(document.querySelectorAll('h2, h3'),
	function (h) { return h.textContent; }).join('|');
// sorting: by domain, then again (descending)
var head = t.tHead.rows[0].cells[1].querySelector('button');
head.click(); r.sortedAsc = first();
head.click(); r.sortedDesc = first();
r.ariaSort = t.tHead.rows[0].cells[1].getAttribute('aria-sort');
// filtering
var st = document.getElementById('f-status');
st.value = 'FAIL'; st.dispatchEvent(new Event('change'));
r.failShown = visible().length;
st.value = ''; st.dispatchEvent(new Event('change'));
var fi = document.getElementById('f-finding');
fi.value = 'expired'; fi.dispatchEvent(new Event('change'));
r.expiredShown = visible().map(function (b) { return b.rows[0].cells[1].textContent; }).join(' ');
fi.value = ''; fi.dispatchEvent(new Event('change'));
var tx = document.getElementById('f-text');
tx.value = 'good.test'; tx.dispatchEvent(new Event('input'));
r.textShown = visible().length;
tx.value = ''; tx.dispatchEvent(new Event('input'));
r.allShown = visible().length;
// a partner's details, opened as a person would (keyboard: the summary
// is a focusable control)
var evil = bodies().filter(function (b) { return b.rows[0].cells[1].textContent === 'evil.test'; })[0];
var sum = evil.querySelector('summary');
sum.focus(); r.focused = document.activeElement === sum;
sum.click(); r.opened = evil.querySelector('details').open;
evil.scrollIntoView();
r.pwnedAfter = window.__pwned === undefined ? null : String(window.__pwned);
return r;
JS
mkdir -p "$FEDCERT_BUILD_DIR/artifacts"
/usr/bin/python3 "$E2E_DIR/browser.py" "$T/audit.html" "$T/page.js" "$T/page.json" \
	"$FEDCERT_BUILD_DIR/artifacts/html-partner.png"
assert_eq "the page was driven in Chromium" 0 $?
j() { jq -r "$1" "$T/page.json"; }
assert_eq "no console message (a CSP violation would be one)" "[]" "$(j '.console')"
assert_eq "no request left the page" "[]" "$(j '.requests')"
assert_eq "no payload ran" "null" "$(j '.result.pwned')"
assert_eq "no payload ran after opening the partner" "null" "$(j '.result.pwnedAfter')"
assert_eq "no image element was made" 0 "$(j '.result.imgs')"
assert_eq "no foreignObject was made" 0 "$(j '.result.svgs')"
assert_eq "one script element" 1 "$(j '.result.scripts')"
assert_eq "the trend: FAIL, WARN and PASS for each of 2 scans" 6 "$(j '.result.trendBars')"
assert_eq "the trend's numbers, newest first (FAIL/WARN/PASS)" "3/1/1 3/0/1" "$(j '.result.trendRows')"
assert_eq "the timeline: a bar for what expired and one per week" 53 "$(j '.result.bars')"
assert_eq "the timeline: expired.test has expired" 1 "$(j '.result.expiredTargets')"
assert_eq "the timeline counts each target with a certificate once" 4 "$(j '.result.weekSum')"
for h in "Targets by status" "Over the last 2 scans" "Error findings" "What changed since scan 1" \
	"When certificates expire" "Roots" "Issuing CAs" \
	"TLS versions" "Client certificate" "Partners" "Chains presented"; do
	case "|$(j '.result.sections')|" in *"|$h|"*) ok ;; *) fail "a section: $h" ;; esac
done
assert_eq "one row per target and rejected row" 6 "$(j '.result.rows')"
assert_eq "worst first" "FAIL FAIL FAIL INPUT_ERROR WARN PASS" \
	"$(j '.result.statuses' | cut -d' ' -f1-6)"
# The subject as the report writes it (RFC 2253: OpenSSL escapes < > "
# and a control with a backslash), the SAN names as they came.
for payload in "CN=\\<script\\>window.__pwned='cn'\\</script\\>" 'O=\"\>\<img src=x onerror=' \
	'\<foreignObject\>' "L=javascript:window.__pwned='l'" '\u202E' '\1B[31m' \
	"<img src=x onerror=window.__pwned='san'>" "\"><script>window.__pwned='san2'</script>" \
	"<b>bad</b>"; do
	if j '.result.text' | grep -qF -- "$payload"; then ok; else
		fail "the payload is shown as text: $payload"; fi
done
assert_eq "sorted by domain" "<b>bad</b>" "$(j '.result.sortedAsc')"
assert_eq "sorted by domain, descending" "wk.test" "$(j '.result.sortedDesc')"
assert_eq "aria-sort says so" "descending" "$(j '.result.ariaSort')"
# What changed: wk.test came, evil.test's server rotated to the hostile
# leaf alone (a new top, so a new root) and its findings quote it.
assert_eq "what changed, by kind" "target added:1 rotated:1 root changed:1 finding appeared:3" \
	"$(j '.result.changes')"
j '.result.changeItems' | grep -qxF 'wk.test FED: WARN no_crl_distribution_point' && ok ||
	fail "the added target, with its status and findings"
j '.result.changeItems' | grep -qF "CN=\\<script\\>window.__pwned='cn'\\</script\\>" && ok ||
	fail "a change that quotes the hostile subject shows it as text"
# Each error finding over the two scans: first, highest, now.
assert_eq "error findings over the scans" \
	"name_mismatch:1/1/1 expired:1/1/1 no_client_auth_eku:0/1/1 incomplete_chain:0/1/1 srv_missing:1/1/1" \
	"$(j '.result.errorTrend')"
assert_eq "a line drawn for each" 5 "$(j '.result.sparks')"
# Where to get the root: a link only to our table's repository of a
# well-known root; the hostile AIA URL is text, never a link.
assert_eq "the links that leave the page: the well-known root's repository" \
	"https://letsencrypt.org/certificates/" "$(j '.result.links')"
j '.result.text' | grep -qF "its certificate says its CA publishes the root at javascript:window.__pwned='aia'" &&
	ok || fail "the AIA URL shown as text"
j '.result.text' | grep -qF "not a well-known public root, ask the partner or its CA" && ok ||
	fail "whom to ask for a root that is not well known"
assert_eq "filter by status" 3 "$(j '.result.failShown')"
assert_eq "filter by finding" "expired.test" "$(j '.result.expiredShown')"
assert_eq "filter by text" 1 "$(j '.result.textShown')"
assert_eq "filters cleared" 6 "$(j '.result.allShown')"
assert_eq "a partner's details open from the keyboard's control" "true true" \
	"$(j '.result.focused') $(j '.result.opened')"
# A narrow window (500 pixels, Chromium's least): the page does not scroll sideways, the
# partners table drops its two least needed columns, and a partner's
# details still open.
cat >"$T/narrow.js" <<'JS'
var t = document.getElementById('partners');
var row = t.tBodies[0].rows[0];
var shown = function (c) { return getComputedStyle(c).display !== 'none'; };
var s = t.tBodies[0].querySelector('summary');
s.click();
return { width: window.innerWidth, pageWidth: document.documentElement.scrollWidth,
	columns: Array.prototype.filter.call(row.cells, shown).length,
	open: t.tBodies[0].querySelector('details').open };
JS
BROWSER_WINDOW=500,800 /usr/bin/python3 "$E2E_DIR/browser.py" "$T/audit.html" "$T/narrow.js" \
	"$T/narrow.json" "$FEDCERT_BUILD_DIR/artifacts/html-narrow.png"
assert_eq "the page in a narrow window" 0 $?
n() { jq -r "$1" "$T/narrow.json"; }
[ "$(n '.result.width')" -le 520 ] && ok || fail "the window was narrow: $(n '.result.width')"
[ "$(n '.result.pageWidth')" -le "$(n '.result.width')" ] && ok ||
	fail "a narrow window does not scroll sideways: $(n '.result.pageWidth') > $(n '.result.width')"
assert_eq "two columns fewer in a narrow window" 6 "$(n '.result.columns')"
assert_eq "a partner's details open in a narrow window" true "$(n '.result.open')"
echo 'return {};' >"$T/none.js"
/usr/bin/python3 "$E2E_DIR/browser.py" "$T/audit.html" "$T/none.js" "$T/overview.json" \
	"$FEDCERT_BUILD_DIR/artifacts/html-overview.png"
assert_eq "the overview screenshot" 0 $?
[ -s "$FEDCERT_BUILD_DIR/artifacts/html-overview.png" ] && ok || fail "no overview screenshot"

finish
