#!/usr/bin/env bash
# Foresight: the findings of what is scheduled (client_auth_lost_at_renewal,
# chain_distrust_scheduled, issuer_expires_before_leaf), judged from a real
# scan of TLS servers on loopback and a trust events file that names the
# test CAs, before, at and after each event's day (--as-of); the same for
# our own certificate (--client-cert); `fedcert outlook`'s timeline in
# text, CSV and JSON; and the built-in table, every row with its source.
. "$E2E_DIR/lib.sh"

day() { date -u -d "$1 days" +%Y-%m-%d; }

# Three hierarchies: "fedcert tests" (the CA whose Client Authentication
# ends), a root that a store removes, and an intermediate that expires
# 60 days from now, before the leaf under it.
make_ca "$T/ca"
make_ca_org "$T/gone" "Removed" "Removed Trust"
make_ca_org "$T/short" "Short" "Short Lived CA"
openssl x509 -req -in "$T/short/inter.csr" -CA "$T/short/root.pem" \
	-CAkey "$T/short/root.key" -CAcreateserial -days 60 \
	-extfile "$T/short/ext.cnf" -extensions inter -out "$T/short/inter.pem" 2>/dev/null
cat "$T/ca/root.pem" "$T/gone/root.pem" "$T/short/root.pem" >"$T/roots.pem"
san() { echo "subjectAltName = DNS:$1"; }
EXT=("${GOOD_EXT[@]}")
issue "$T/ca" lead sip.lead.test ec sha256 "$(days_from -30)" "$(days_from 90)" "${EXT[@]}" "$(san sip.lead.test)"
issue "$T/gone" gone sip.gone.test ec sha256 "$(days_from -30)" "$(days_from 300)" "${EXT[@]}" "$(san sip.gone.test)"
issue "$T/short" short sip.short.test ec sha256 "$(days_from -30)" "$(days_from 200)" "${EXT[@]}" "$(san sip.short.test)"
# Our own Edge's certificate, from the CA whose Client Authentication ends.
issue "$T/ca" ours edge.ours.test ec sha256 "$(days_from -10)" "$(days_from 120)" "${EXT[@]}" "$(san edge.ours.test)"
cat "$T/ca/ours.pem" "$T/ca/inter.pem" >"$T/ours-chain.pem"

start_tls P_LEAD 127.0.0.1 "$T/ca/lead.pem" "$T/ca/lead.key" "$T/ca/inter.pem" || exit 1
start_tls P_GONE 127.0.0.1 "$T/gone/gone.pem" "$T/gone/gone.key" "$T/gone/inter.pem" || exit 1
start_tls P_SHORT 127.0.0.1 "$T/short/short.pem" "$T/short/short.key" "$T/short/inter.pem" || exit 1
{
	for n in lead gone short; do
		v="P_${n^^}"
		echo "srv-host=_sipfederationtls._tcp.$n.test,sip.$n.test,${!v},0,100"
		echo "host-record=sip.$n.test,127.0.0.1"
	done
} >"$T/dns.conf"
start_dnsmasq "$T/dns.conf" || exit 1
printf 'Domain,Type,Port\nlead.test,FED,\ngone.test,FED,\nshort.test,FED,\n' >"$T/partners.csv"

CA_END=$(day 40)      # the test CA stops issuing Client Authentication
ROOT_GONE=$(day 20)   # the "Removed" root leaves the store
cat >"$T/events.csv" <<EOF
# Trust events of the test: the CAs made above.
id,date,kind,program,match,value,what,keeps,source
test-client-auth,$CA_END,client_auth_removed,ca,issuer_org,fedcert tests,"The test CA issues no certificate with Client Authentication from this date.",the test CA's client profile,https://ca.example/notice
test-root-gone,$ROOT_GONE,root_removed,microsoft,root_name,"CN=Removed Root,O=Removed Trust","The test store removes the Removed Root.",,https://store.example/removals
EOF

DB="$T/audit.db"
"$FEDCERT" scan "$T/partners.csv" --db "$DB" --ca-file "$T/roots.pem" \
	--client-cert "$T/ours-chain.pem" --client-key "$T/ca/ours.key" \
	--dns-server "$DNS" --timeout 3 --quiet
assert_eq "scan" 0 $?

# judged AS-OF DOMAIN ID: the severity of finding ID on DOMAIN in the
# report as of day AS-OF ("" when absent).
judged() {
	"$FEDCERT" report --db "$DB" --format json --trust-events "$T/events.csv" \
		--as-of "$1" |
		jq -r --arg d "$2" --arg id "$3" 'select(.domain == $d) | .findings[] | select(.id == $id) | .severity' |
		head -n1
}
message() {
	"$FEDCERT" report --db "$DB" --format json --trust-events "$T/events.csv" \
		--as-of "$1" |
		jq -r --arg d "$2" --arg id "$3" 'select(.domain == $d) | .findings[] | select(.id == $id) | .message' |
		head -n1
}

# Client Authentication: a warning before the CA's day; at and after it a
# warning while the renewal is far; an error for FED once the leaf is
# inside the warning window (its renewal is imminent).
assert_eq "client auth: before the day, a warning" warning "$(judged "$(day 0)" lead.test client_auth_lost_at_renewal)"
assert_eq "client auth: on the day, a warning" warning "$(judged "$CA_END" lead.test client_auth_lost_at_renewal)"
assert_eq "client auth: after, the renewal imminent: an error" error "$(judged "$(day 70)" lead.test client_auth_lost_at_renewal)"
m=$(message "$(day 0)" lead.test client_auth_lost_at_renewal)
case "$m" in
*"renewed on or after $CA_END (it expires $(day 90)), it comes without it"*"test-client-auth, $CA_END: https://ca.example/notice"*) ok ;;
*) fail "client auth: the message names the day, the expiry and the source: $m" ;;
esac
case "$m" in *"(this CA offers: the test CA's client profile)"*) ok ;; *) fail "client auth: what keeps it: $m" ;; esac
assert_eq "client auth: without the table's row, nothing" "" \
	"$("$FEDCERT" report --db "$DB" --format json --as-of "$(day 0)" | jq -r 'select(.domain == "lead.test") | .findings[] | select(.id == "client_auth_lost_at_renewal") | .id')"
assert_eq "client auth: not on another CA's leaf" "" "$(judged "$(day 0)" gone.test client_auth_lost_at_renewal)"

# A root removed from the store: a warning before its day, an error from it.
assert_eq "root removed: before, a warning" warning "$(judged "$(day 0)" gone.test chain_distrust_scheduled)"
assert_eq "root removed: on the day, an error" error "$(judged "$ROOT_GONE" gone.test chain_distrust_scheduled)"
assert_eq "root removed: after, an error" error "$(judged "$(day 30)" gone.test chain_distrust_scheduled)"
assert_eq "root removed: not on another root" "" "$(judged "$(day 30)" lead.test chain_distrust_scheduled)"
# Another root program's removal binds Edges on its list, not Skype for
# Business or Teams (Microsoft's store): a warning, even in force.
sed 's/,root_removed,microsoft,/,root_removed,mozilla,/' "$T/events.csv" >"$T/mozilla.csv"
assert_eq "root removed by Mozilla: after, a warning" warning \
	"$("$FEDCERT" report --db "$DB" --format json --trust-events "$T/mozilla.csv" --as-of "$(day 30)" 2>/dev/null |
		jq -r 'select(.domain == "gone.test") | .findings[] | select(.id == "chain_distrust_scheduled") | .severity')"

# An intermediate that expires before its leaf: a warning until it has
# expired (then the chain's own findings say it).
assert_eq "issuer before leaf: now, a warning" warning "$(judged "$(day 0)" short.test issuer_expires_before_leaf)"
assert_eq "issuer before leaf: the day before" warning "$(judged "$(day 59)" short.test issuer_expires_before_leaf)"
assert_eq "issuer before leaf: after it expired, gone" "" "$(judged "$(day 61)" short.test issuer_expires_before_leaf)"
assert_eq "issuer before leaf: not where it outlives the leaf" "" "$(judged "$(day 0)" lead.test issuer_expires_before_leaf)"

# Our own certificate: the text report's first line, and in JSON.
"$FEDCERT" report --db "$DB" --trust-events "$T/events.csv" --as-of "$(day 0)" >"$T/report.txt"
assert_eq "report" 0 $?
case "$(head -n1 "$T/report.txt")" in
"OUR CERTIFICATE: federation with every partner breaks at our renewal, by $(day 120) at the latest: "*) ok ;;
*) fail "the first line is ours: $(head -n1 "$T/report.txt")" ;;
esac
"$FEDCERT" report --db "$DB" --format json --trust-events "$T/events.csv" --as-of "$(day 0)" >"$T/report.json"
assert_eq "our certificate in JSON" 1 \
	"$(jq -r 'select(.self != null) | .self.findings[]? | select(.id == "client_auth_lost_at_renewal") | .id' "$T/report.json" | wc -l)"

# Ours before, at and after the CA's day: a warning, a warning, and an
# error once our renewal (day 120) is inside the warning window.
ours() {
	"$FEDCERT" report --db "$DB" --format json --trust-events "$T/events.csv" --as-of "$1" 2>/dev/null |
		jq -r 'select(.self != null) | .self.findings[]? | select(.id == "client_auth_lost_at_renewal") | .severity'
}
assert_eq "ours: before the day" warning "$(ours "$(day 0)")"
assert_eq "ours: on the day" warning "$(ours "$CA_END")"
assert_eq "ours: after, our renewal imminent" error "$(ours "$(day 100)")"

# The outlook: every dated finding, earliest first, with the counts.
"$FEDCERT" outlook --db "$DB" --trust-events "$T/events.csv" --as-of "$(day 0)" >"$T/outlook.txt"
assert_eq "outlook" 0 $?
assert_contains "outlook: ours first" "$T/outlook.txt" "OUR CERTIFICATE: federation with every partner breaks at our renewal, by $(day 120)"
assert_contains "outlook: per event" "$T/outlook.txt" "  $ROOT_GONE  test-root-gone (chain_distrust_scheduled): 1"
assert_contains "outlook: per event" "$T/outlook.txt" "  $CA_END  test-client-auth (client_auth_lost_at_renewal): 2"
"$FEDCERT" outlook --db "$DB" --trust-events "$T/events.csv" --as-of "$(day 0)" --format json >"$T/outlook.json"
assert_eq "outlook json parses" 0 "$(jq -e . "$T/outlook.json" >/dev/null; echo $?)"
assert_eq "outlook json: dates in order" \
	"$(jq -r .date "$T/outlook.json" | sort | paste -sd,)" "$(jq -r .date "$T/outlook.json" | paste -sd,)"
assert_eq "outlook json: the rows" \
	"$ROOT_GONE gone.test chain_distrust_scheduled test-root-gone,$(day 60) short.test issuer_expires_before_leaf -,$(day 90) lead.test client_auth_lost_at_renewal test-client-auth,$(day 120) null client_auth_lost_at_renewal test-client-auth" \
	"$(jq -r '"\(.date) \(.domain) \(.finding_id) \(.event.id // "-")"' "$T/outlook.json" | paste -sd,)"
assert_eq "outlook json: ours" true "$(jq -r 'select(.domain == null) | .ours' "$T/outlook.json")"
"$FEDCERT" outlook --db "$DB" --trust-events "$T/events.csv" --as-of "$(day 0)" --until "$(day 65)" --format csv >"$T/outlook.csv"
assert_eq "outlook --until: csv header and two rows" 3 "$(wc -l <"$T/outlook.csv")"
head -n1 "$T/outlook.csv" | grep -q '^"date","severity","finding_id","domain","type","port","line","endpoint","event","event_date","source","message"' && ok ||
	fail "outlook csv header: $(head -n1 "$T/outlook.csv")"
"$FEDCERT" outlook --db "$DB" --trust-events "$T/events.csv" --as-of "$(day 70)" --fail-on error >/dev/null
assert_eq "outlook --fail-on error, as of day 70: exit 3" 3 $?
# It alerts on what it lists: the errors judged of the rest (the removed
# root's chain is not trusted by the scan's store here) are not listed.
"$FEDCERT" outlook --db "$DB" --trust-events "$T/events.csv" --as-of "$(day 0)" --fail-on error >/dev/null
assert_eq "outlook --fail-on error, only warnings listed: exit 0" 0 $?
# --until DAY takes the whole of that day.
assert_eq "outlook --until the day of a row lists it" 1 \
	"$("$FEDCERT" outlook --db "$DB" --trust-events "$T/events.csv" --as-of "$(day 0)" --until "$ROOT_GONE" --format json | jq -r .finding_id | grep -c chain_distrust_scheduled)"

# The HTML report's section, beside its kept verdicts.
"$FEDCERT" report --db "$DB" --format html --trust-events "$T/events.csv" --as-of "$(day 0)" -o "$T/report.html" 2>/dev/null
assert_eq "html report" 0 $?
assert_contains "html: the section" "$T/report.html" '<section id="outlook"><h2>What is scheduled to break</h2>'
assert_contains "html: ours first" "$T/report.html" "<b>Our certificate: federation with every partner breaks at our renewal, by $(day 120) at the latest.</b>"
assert_contains "html: per event" "$T/report.html" "<tr><td>$CA_END</td><td>test-client-auth</td><td>client_auth_lost_at_renewal</td><td class=\"n\">2</td>"
assert_contains "html: the timeline" "$T/report.html" "<tr><td>$ROOT_GONE</td><td>warning</td><td>gone.test (FED)</td><td>chain_distrust_scheduled</td>"

# Reading only: outlook changes nothing in the database.
before=$(sha256sum <"$DB")
"$FEDCERT" outlook --db "$DB" >/dev/null
assert_eq "outlook reads only" "$before" "$(sha256sum <"$DB")"

# A bad events file: the file, the line and the field.
printf 'id,date,kind,program,match,value,what,keeps,source\nx,2027-02-30,client_auth_removed,ca,issuer_org,X,what,,https://x.example\n' >"$T/bad.csv"
"$FEDCERT" report --db "$DB" --trust-events "$T/bad.csv" 2>"$T/err" >/dev/null
assert_eq "bad events: exit 1" 1 $?
assert_contains "bad events: named" "$T/err" "$T/bad.csv:2: date: \"2027-02-30\" is not a day (YYYY-MM-DD)"
printf 'id,date,kind,program,match,value,what,keeps,source\nx,2027-02-01,client_auth_removed,ca,issuer_org,X,what,,\n' >"$T/bad.csv"
"$FEDCERT" inspect "$T/ca/lead.pem" --trust-events "$T/bad.csv" 2>"$T/err" >/dev/null
assert_eq "an event without a source: exit 1" 1 $?
assert_contains "an event without a source: said" "$T/err" "$T/bad.csv:2: source: \"\" is not an http(s) URL"
"$FEDCERT" outlook --db "$DB" --as-of tomorrow 2>"$T/err"
assert_eq "bad --as-of: usage" 2 $?
assert_contains "bad --as-of: named" "$T/err" "--as-of takes an ISO 8601 date"

# inspect takes the table too.
"$FEDCERT" inspect "$T/ca/lead.pem" --trust-events "$T/events.csv" --format json |
	jq -r '.. | objects | select(.id? == "client_auth_lost_at_renewal") | .severity' >"$T/inspect"
assert_eq "inspect: client_auth_lost_at_renewal" warning "$(head -n1 "$T/inspect")"

# The built-in table: it loads, every row has a day, a kind and an
# http(s) source (the loader refuses a row without one), and it holds the
# largest public CAs' Client Authentication ends and the Entrust
# distrust.
TABLE=$FEDCERT_SOURCE_DIR/data/trust-events.csv
"$FEDCERT" inspect "$T/ca/lead.pem" --trust-events /dev/null 2>"$T/err" >/dev/null
grep -q "no header line" "$T/err" && ok || fail "an empty events file is refused: $(cat "$T/err")"
rows=$(grep -v '^#' "$TABLE" | tail -n +2 | grep -c .)
[ "$rows" -ge 20 ] && ok || fail "the built-in table has $rows rows"
for id in digicert-client-auth-end sectigo-client-auth-end letsencrypt-client-auth-end chrome-client-auth-end; do
	grep -q "^$id," "$TABLE" && ok || fail "the built-in table lacks $id"
done
grep -q '^[^#].*,distrust_after,.*Entrust' "$TABLE" && ok || fail "the built-in table lacks the Entrust distrust"
python3 - "$TABLE" <<'PY' && ok || fail "every row of the built-in table has an https source"
import csv, sys
rows = [l for l in open(sys.argv[1], encoding="utf-8") if not l.startswith("#")]
r = list(csv.DictReader(rows))
bad = [x["id"] for x in r if not x["source"].startswith("https://")]
sys.exit(1 if bad or not r else 0)
PY

finish
