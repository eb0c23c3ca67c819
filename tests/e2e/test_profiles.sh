#!/usr/bin/env bash
# --profile sfb|teams-dr|rfc5922: whose rules judge, on real servers on
# loopback found through a real dnsmasq:
#   wild.test   SRV -> sip.wild.test, a certificate for *.wild.test only;
#   sipdom.test SRV -> sip.sipdom.test, SANs URI:sip:sipdom.test and
#               DNS:sip.sipdom.test (a SIP domain certificate);
#   m365.test   SRV -> sipfed.online.lync.com (answered here by our own
#               dnsmasq with 127.0.0.1), a certificate for that name only.
# report, check and inspect with each profile: the JSON names the profile
# on every line; the findings differ as the rules say (a wildcard: a
# warning for sfb, accepted by teams-dr, a mismatch for rfc5922; a sip:
# URI read first by rfc5922, which checks the SIP domain itself; the
# hosted pool: an info naming Microsoft 365 and New-CsHostingProvider under
# sfb, nothing under teams-dr, the domain missing from its certificate
# under rfc5922); the text heading and the HTML overview say which profile
# judged; kept verdicts (sfb's) are read under sfb, and another profile
# judges afresh and says so; an unknown profile is a usage error naming
# the option.
. "$E2E_DIR/lib.sh"

CA="$T/ca"
make_ca "$CA"
past=$(days_from -10); later=$(days_from 200)
leaf() { # NAME CN SAN: a leaf with what a federation Edge should have
	issue "$CA" "$1" "$2" ec sha256 "$past" "$later" "${GOOD_EXT[@]}" \
		"subjectAltName = $3" || exit 1
}
leaf wild "Contoso Edge" "DNS:*.wild.test"
leaf sipdom sip.sipdom.test "URI:sip:sipdom.test,DNS:sip.sipdom.test"
leaf m365 sipfed.online.lync.com "DNS:sipfed.online.lync.com"
start_tls WILD 127.0.0.1 "$CA/wild.pem" "$CA/wild.key" "$CA/inter.pem" || exit 1
start_tls SIPDOM 127.0.0.1 "$CA/sipdom.pem" "$CA/sipdom.key" "$CA/inter.pem" || exit 1
start_tls M365 127.0.0.1 "$CA/m365.pem" "$CA/m365.key" "$CA/inter.pem" || exit 1
cat >"$T/dns.conf" <<CONF
srv-host=_sipfederationtls._tcp.wild.test,sip.wild.test,$WILD,0,100
host-record=sip.wild.test,127.0.0.1
srv-host=_sipfederationtls._tcp.sipdom.test,sip.sipdom.test,$SIPDOM,0,100
host-record=sip.sipdom.test,127.0.0.1
srv-host=_sipfederationtls._tcp.m365.test,sipfed.online.lync.com,$M365,0,100
host-record=sipfed.online.lync.com,127.0.0.1
CONF
start_dnsmasq "$T/dns.conf" || exit 1
printf 'Domain,Type,Port\nwild.test,FED,\nsipdom.test,FED,\nm365.test,FED,\n' >"$T/partners.csv"

DB="$T/audit.db"
"$FEDCERT" scan "$T/partners.csv" --db "$DB" --ca-file "$CA/root.pem" \
	--dns-server "$DNS" --timeout 5 --quiet 2>"$T/scan.err"
assert_eq "scan" 0 $?

# ids FILE DOMAIN: the finding ids of DOMAIN's line, in order.
ids() { jq -r --arg d "$2" 'select(.domain == $d) | [.findings[].id] | join(" ")' "$1"; }
# finding FILE DOMAIN ID: "severity: message" of that finding.
finding() {
	jq -r --arg d "$2" --arg id "$3" 'select(.domain == $d) | .findings[] |
		select(.id == $id) | "\(.severity): \(.message)"' "$1"
}
report() { # PROFILE: the JSON report into $T/report.PROFILE.json
	"$FEDCERT" report --db "$DB" --format json --profile "$1" \
		>"$T/report.$1.json" 2>"$T/report.$1.err"
	assert_eq "report --profile $1: exit 0" 0 $?
	assert_eq "report --profile $1: every line names it" "$1" \
		"$(jq -r .profile "$T/report.$1.json" | sort -u)"
}

# 1. report, each profile.
report sfb
report teams-dr
report rfc5922
"$FEDCERT" report --db "$DB" --format json >"$T/report.default.json" 2>"$T/report.default.err"
assert_eq "the default is sfb" "sfb" "$(jq -r .profile "$T/report.default.json" | sort -u)"
# same JSON FILE FILE: the same lines but for days_left, which turns when
# a second passes between the two reports.
same() { cmp -s <(jq -c 'del(.. | .days_left?)' "$1") <(jq -c 'del(.. | .days_left?)' "$2"); }
same "$T/report.default.json" "$T/report.sfb.json"
assert_eq "the default and --profile sfb: the same report" 0 $?

# The wildcard: a warning (the Access Edge refuses it), accepted (Direct
# Routing), a mismatch (RFC 5922 matches no wildcard).
assert_eq "wild.test, by profile" "wildcard_name|name_match|name_mismatch" \
	"$(ids "$T/report.sfb.json" wild.test)|$(ids "$T/report.teams-dr.json" wild.test)|$(ids "$T/report.rfc5922.json" wild.test)"
assert_contains "sfb: the wildcard named" <(finding "$T/report.sfb.json" wild.test wildcard_name) \
	"warning: sip.wild.test is matched only by the wildcard *.wild.test"
assert_eq "teams-dr: accepted" "info: sip.wild.test is matched by the wildcard *.wild.test, which Direct Routing accepts (RFC 2818)" \
	"$(finding "$T/report.teams-dr.json" wild.test name_match)"
assert_eq "teams-dr: no wildcard_name" "" "$(finding "$T/report.teams-dr.json" wild.test wildcard_name)"
assert_contains "rfc5922: the SIP domain, no wildcard" <(finding "$T/report.rfc5922.json" wild.test name_mismatch) \
	"error: SIP domain wild.test (reached as sip.wild.test) is not in the SAN list (DNS names: *.wild.test); RFC 5922 matches no wildcard and no suffix (*.wild.test)"
assert_eq "status: WARN, PASS, FAIL" "WARN PASS FAIL" "$(for p in sfb teams-dr rfc5922; do
	jq -r 'select(.domain == "wild.test") | .status' "$T/report.$p.json"; done | tr '\n' ' ' | sed 's/ $//')"

# The sip: URI: RFC 5922 finds the SIP domain there; the others check the
# name reached among the DNS names.
assert_eq "rfc5922: the sip: URI" "info: SIP domain sipdom.test is in the SAN list as sip:sipdom.test" \
	"$(finding "$T/report.rfc5922.json" sipdom.test name_match)"
assert_eq "sfb: the DNS name" "info: FQDN is in SAN list (sip.sipdom.test)" \
	"$(finding "$T/report.sfb.json" sipdom.test name_match)"

# The hosted pool: the provider and the configuration (sfb, info); no SRV
# rule for Direct Routing; RFC 5922 wants the domain on the certificate.
hosted=$(finding "$T/report.sfb.json" m365.test srv_target_outside_domain)
assert_contains "sfb: Microsoft 365 named" <(echo "$hosted") \
	"info: SRV target sipfed.online.lync.com is the federation pool of Microsoft 365 (worldwide), hosting m365.test"
assert_contains "sfb: what to configure" <(echo "$hosted") \
	'New-CsHostingProvider -Identity LyncOnline -ProxyFqdn "sipfed.online.lync.com" -VerificationLevel UseSourceVerification -Enabled $True -EnabledSharedAddressSpace $False -HostsOCSUsers $False -IsLocal $False'
assert_eq "sfb: m365.test passes" "PASS" "$(jq -r 'select(.domain == "m365.test") | .status' "$T/report.sfb.json")"
assert_eq "teams-dr: no SRV finding" "" "$(finding "$T/report.teams-dr.json" m365.test srv_target_outside_domain)"
assert_contains "rfc5922: the domain is not on the pool's certificate" \
	<(finding "$T/report.rfc5922.json" m365.test name_mismatch) \
	"error: SIP domain m365.test (reached as sipfed.online.lync.com) is not in the SAN list"

# Kept verdicts: the scan kept sfb's; sfb reads them (no note, the same as
# judged afresh), another profile judges afresh and says why.
assert_eq "sfb: kept verdicts read, no note" "" "$(cat "$T/report.sfb.err")"
"$FEDCERT" report --db "$DB" --format json --judge-afresh >"$T/report.afresh.json" 2>/dev/null
same "$T/report.afresh.json" "$T/report.sfb.json"
assert_eq "kept verdicts = judged afresh" 0 $?
assert_contains "teams-dr: judged afresh, and why" "$T/report.teams-dr.err" \
	"fedcert report: scan 1 judged afresh: its kept verdicts do not apply (they were judged with --profile sfb)"

# 2. The text heading and the HTML overview say which profile judged.
"$FEDCERT" report --db "$DB" --profile teams-dr >"$T/report.txt" 2>/dev/null
assert_eq "text: the line after the heading" "Profile: teams-dr (Teams Direct Routing)" "$(sed -n 2p "$T/report.txt")"
"$FEDCERT" report --db "$DB" --profile RFC5922 --format html >"$T/report.html" 2>/dev/null
assert_eq "html: exit 0" 0 $?
assert_contains "html: the overview" "$T/report.html" \
	"Judged by the rules of <code>--profile rfc5922</code> (RFC 5922 SIP domain certificates)."

# 3. check, each profile.
for p in sfb teams-dr rfc5922; do
	"$FEDCERT" check --fed wild.test --ca-file "$CA/root.pem" --dns-server "$DNS" \
		--timeout 5 --quiet --format json --profile "$p" >"$T/check.$p.json" 2>/dev/null
	assert_eq "check --profile $p: the JSON names it" "$p" "$(jq -r .profile "$T/check.$p.json")"
done
assert_eq "check: the wildcard, by profile" "wildcard_name name_match name_mismatch" \
	"$(for p in sfb teams-dr rfc5922; do jq -r '[.findings[].id | select(startswith("name_") or . == "wildcard_name")] | join(" ")' "$T/check.$p.json"; done | tr '\n' ' ' | sed 's/ $//')"

# 4. inspect, each profile: the certificate file of the wildcard.
cat "$CA/wild.pem" "$CA/inter.pem" >"$T/wild-chain.pem"
for p in sfb teams-dr rfc5922; do
	"$FEDCERT" inspect "$T/wild-chain.pem" --name sip.wild.test --ca-file "$CA/root.pem" \
		--format json --profile "$p" >"$T/inspect.$p.json"
	assert_eq "inspect --profile $p: the JSON names it" "$p" "$(jq -r .profile "$T/inspect.$p.json")"
done
assert_eq "inspect: the wildcard, by profile" "wildcard_name name_match name_mismatch" \
	"$(for p in sfb teams-dr rfc5922; do jq -r '[.findings[].id | select(startswith("name_") or . == "wildcard_name")] | join(" ")' "$T/inspect.$p.json"; done | tr '\n' ' ' | sed 's/ $//')"
"$FEDCERT" inspect "$T/wild-chain.pem" --name sip.wild.test --ca-file "$CA/root.pem" \
	--profile teams-dr >"$T/inspect.txt"
assert_contains "inspect: the text says the profile" "$T/inspect.txt" "Profile: teams-dr (Teams Direct Routing)"

# 5. Across scans: scans and diff take it too.
"$FEDCERT" scans --db "$DB" --format json --profile rfc5922 >"$T/scans.json" 2>"$T/scans.err"
assert_eq "scans --profile rfc5922: exit 0" 0 $?
"$FEDCERT" scans --db "$DB" --format json >"$T/scans.sfb.json" 2>/dev/null
assert_eq "scans: 2 targets fail under rfc5922, none under sfb" "2 0" \
	"$(jq -r .status_counts.FAIL "$T/scans.json") $(jq -r .status_counts.FAIL "$T/scans.sfb.json")"

# 6. An unknown profile: a usage error that names the option, for each
#    command that takes it.
for cmd in "report --db $DB" "check --fed wild.test --dns-server $DNS" "inspect $T/wild-chain.pem" \
	"scans --db $DB" "diff --db $DB"; do
	# shellcheck disable=SC2086
	"$FEDCERT" $cmd --profile lync >/dev/null 2>"$T/usage.err"
	assert_eq "${cmd%% *} --profile lync: exit 2" 2 $?
	assert_contains "${cmd%% *}: names the option" "$T/usage.err" \
		'--profile must be sfb, teams-dr or rfc5922, not "lync"'
done

finish
