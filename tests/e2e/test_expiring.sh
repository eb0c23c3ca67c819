#!/usr/bin/env bash
# fedcert expiring for the nightly job: --before a date, --within 1y,
# --fail-on (exit 3 only when something at or above it is listed), and the
# intermediate that expires before the leaf under it, which no count of
# the leaf's days shows.
. "$E2E_DIR/lib.sh"

# A hierarchy whose intermediate expires in 20 days, under a leaf of 90.
CA="$T/ca"
make_ca "$CA"
openssl x509 -req -in "$CA/inter.csr" -CA "$CA/root.pem" -CAkey "$CA/root.key" \
	-CAcreateserial -days 20 -extfile "$CA/ext.cnf" -extensions inter \
	-out "$CA/inter.pem" 2>/dev/null
make_leaf "$CA" short sip.short.test "DNS:sip.short.test"
# And a healthy one beside it, intermediate of five years, leaf of 90 days.
OK="$T/ok"
make_ca_named "$OK" "Healthy"
make_leaf "$OK" fine sip.fine.test "DNS:sip.fine.test"

start_tls SHORT 127.0.0.1 "$CA/short.pem" "$CA/short.key" "$CA/inter.pem" || exit 1
start_tls FINE 127.0.0.1 "$OK/fine.pem" "$OK/fine.key" "$OK/inter.pem" || exit 1
cat >"$T/dns.conf" <<EOF
host-record=sip.short.test,127.0.0.1
host-record=sip.fine.test,127.0.0.1
EOF
start_dnsmasq "$T/dns.conf" || exit 1
cat >"$T/partners.csv" <<EOF
Domain,Type,Port
sip.short.test,DIR,$SHORT
sip.fine.test,DIR,$FINE
EOF
DB="$T/audit.db"
"$FEDCERT" scan "$T/partners.csv" --db "$DB" --ca-file "$CA/root.pem" \
	--dns-server "$DNS" --timeout 3 --quiet
assert_eq "scan" 0 $?

# Within 30 days: the short intermediate, not its 90-day leaf.
"$FEDCERT" expiring --db "$DB" --within 30d --format json >"$T/exp.json"
assert_eq "within 30d: exit" 0 $?
assert_eq "within 30d: one entry" 1 "$(jq -s length "$T/exp.json")"
assert_eq "it is the intermediate" "intermediate|sip.short.test|CN=fedcert Test Intermediate,O=fedcert tests" \
	"$(jq -r '"\(.role)|\(.domain)|\(.subject)"' "$T/exp.json")"
days=$(jq -r .days_left "$T/exp.json")
[ "$days" -ge 19 ] && [ "$days" -le 20 ] && ok || fail "the intermediate's days_left: $days"
assert_eq "its thumbprint" "$(sha1_upper "$CA/inter.pem")" "$(jq -r .thumbprint "$T/exp.json")"
"$FEDCERT" expiring --db "$DB" --within 30d >"$T/exp.txt"
assert_contains "text says so" "$T/exp.txt" "intermediate, expires before the leaf under it: CN=fedcert Test Intermediate"
"$FEDCERT" expiring --db "$DB" --within 30d --format csv >"$T/exp.csv"
# (It expires 20 days to the second after it was made: days_left, counted
# down, is 20 within that second and 19 after it, so the CSV, read a
# moment after the JSON, may say either; test_vocabulary holds the outputs
# to one number with dates half a day off the boundary.)
assert_eq "csv: intermediate and the endpoints it is on" \
	"intermediate|127.0.0.1:$SHORT" \
	"$(python3 -c 'import csv, sys
r = next(csv.DictReader(open(sys.argv[1], newline="")))
print(r["role"], r["addresses"], sep="|")' "$T/exp.csv")"
csv_days=$(python3 -c 'import csv, sys
print(next(csv.DictReader(open(sys.argv[1], newline="")))["days_left"])' "$T/exp.csv")
[ "$csv_days" -ge 19 ] && [ "$csv_days" -le "$days" ] && ok ||
	fail "csv: the intermediate's days_left $csv_days (JSON said $days)"

# Within a year (1y = 365 days): both leaves too, the intermediate first.
"$FEDCERT" expiring --db "$DB" --within 1y --format json >"$T/year.json"
assert_eq "within 1y" "intermediate sip.short.test|leaf sip.fine.test|leaf sip.short.test" \
	"$(jq -r '"\(.role) \(.domain)"' "$T/year.json" | sort -t' ' -k1,1 | paste -sd'|')"
assert_eq "within 1y: soonest first" "intermediate" "$(jq -r .role "$T/year.json" | head -n1)"

# --before a date (UTC, or with an offset): 25 days from now lists the
# intermediate only; 10 days from now nothing.
d25=$(date -u -d '25 days' +%Y-%m-%d)
d10=$(date -u -d '10 days' +%Y-%m-%dT%H:%M:%SZ)
d100=$(date -u -d '100 days' +%Y-%m-%dT%H:%M:00+02:00)
assert_eq "--before $d25" 1 "$("$FEDCERT" expiring --db "$DB" --before "$d25" --format json | wc -l)"
assert_eq "--before $d10" 0 "$("$FEDCERT" expiring --db "$DB" --before "$d10" --format json | wc -l)"
assert_eq "--before $d100" 3 "$("$FEDCERT" expiring --db "$DB" --before "$d100" --format json | wc -l)"
"$FEDCERT" expiring --db "$DB" --before "$d10" >"$T/none.txt"
assert_contains "nothing listed says so" "$T/none.txt" "0 expire"

# --fail-on: nothing expired yet, so error does not fire; warning does.
"$FEDCERT" expiring --db "$DB" --within 30d --fail-on error >/dev/null
assert_eq "--fail-on error, nothing expired: exit 0" 0 $?
"$FEDCERT" expiring --db "$DB" --within 30d --fail-on warning >/dev/null
assert_eq "--fail-on warning, one listed: exit 3" 3 $?
"$FEDCERT" expiring --db "$DB" --within 10d --fail-on warning >/dev/null
assert_eq "--fail-on warning, none listed: exit 0" 0 $?
"$FEDCERT" expiring --db "$DB" --within 30d --fail-on none >/dev/null
assert_eq "--fail-on none: exit 0" 0 $?
"$FEDCERT" expiring --db "$DB" --within 30d --fail-on warning --format csv -o "$T/alert.csv"
assert_eq "--fail-on with -o: exit 3, and the file written" "3|2" "$?|$(wc -l <"$T/alert.csv")"

# Usage errors.
for bad in "--within 3x" "--before 2027-02-30" "--before 31.01.2027" "--before 2027-01-31T25:00" \
	"--within 30d --before 2027-01-31" "--fail-on maybe"; do
	read -ra words <<<"$bad"
	"$FEDCERT" expiring --db "$DB" "${words[@]}" >/dev/null 2>"$T/err"
	assert_eq "expiring $bad: usage error" 2 $?
done
assert_contains "the date message" "$T/err" "--fail-on must be"

finish
