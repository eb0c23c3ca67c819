#!/usr/bin/env bash
# One fact, one name, one number, in every CSV and JSON output (format
# version 2, docs/formats.md "The names"):
#   1. one scan of an expired leaf (3.5 days ago) and one that expires in
#      10.5 days: report CSV (per target and per endpoint), report JSON,
#      the compliance report (CSV and JSON) and expiring (CSV and JSON)
#      give each certificate the same not_after, days_left (rounded down:
#      -4 and 10, where rounding toward zero says -3), thumbprint, subject,
#      issuer, root, sha256 and key facts, under the same names; no old
#      name is left; every JSON line begins with format_version 2; CSV
#      dates are "YYYY-MM-DD HH:MM:SS";
#   2. a targets file of 10 rows of which 8 are rejected: every CSV and
#      JSON of the report accounts for all 10, the 8 with status
#      INPUT_ERROR, their line and their reason;
#   3. --bom puts the UTF-8 byte order mark first, and only --bom does.
# CSV is read with python3's csv module, as a spreadsheet would read it.
. "$E2E_DIR/lib.sh"

CA="$T/ca"
make_ca "$CA"
hours() { date -u -d "$1 hours" +%Y%m%d%H%M%SZ; }
issue "$CA" expired sip.expired.test ec sha256 "$(days_from -100)" "$(hours -84)" \
	"${GOOD_EXT[@]}" "subjectAltName = DNS:sip.expired.test" || exit 1
issue "$CA" soon sip.soon.test rsa2048 sha256 "$(days_from -30)" "$(hours 252)" \
	"${GOOD_EXT[@]}" "subjectAltName = DNS:sip.soon.test" || exit 1
start_tls EXPIRED 127.0.0.1 "$CA/expired.pem" "$CA/expired.key" "$CA/inter.pem" || exit 1
start_tls SOON 127.0.0.1 "$CA/soon.pem" "$CA/soon.key" "$CA/inter.pem" || exit 1
cat >"$T/dns.conf" <<CONF
host-record=sip.expired.test,127.0.0.1
host-record=sip.soon.test,127.0.0.1
CONF
start_dnsmasq "$T/dns.conf" || exit 1

# Ten rows: two partners, eight rows the scan rejects (lines 3, 4, 6-11).
cat >"$T/partners.csv" <<EOF
Domain,Type,Port
sip.expired.test,DIR,$EXPIRED
x.test,FEDX,
,FED,
sip.soon.test,DIR,$SOON
a.test
b.test,DIR,99999
c.test,FED,5061,extra
bad..name,DIR,5061
127.0.0.1,FED,
d.test,DIR,abc
EOF
DB="$T/audit.db"
"$FEDCERT" scan "$T/partners.csv" --db "$DB" --ca-file "$CA/root.pem" \
	--dns-server "$DNS" --timeout 10 --quiet 2>"$T/scan.err"
assert_eq "scan" 0 $?
assert_eq "8 rows rejected" 8 "$(q "$DB" "select count(*) from input_error")"
assert_eq "both partners answered with their chain" 2 \
	"$(q "$DB" "select count(*) from probe where error_kind is null and verify_code is not null")"

# Every output, written once.
out() { # NAME ARGS...: fedcert ARGS... into $T/NAME
	local name=$1
	shift
	"$FEDCERT" "$@" --db "$DB" >"$T/$name"
	assert_eq "$name: exit" 0 $?
}
out report.csv report --format csv --min-severity info
out endpoint.csv report --format csv --per-endpoint --min-severity info
out report.json report --format json
out compliance.csv report --compliance
out compliance.json report --compliance --format json
out expiring.csv expiring --within 30d --format csv
out expiring.json expiring --within 30d --format json

# The certificates as OpenSSL reads them, apart from fedcert.
for c in expired soon; do
	openssl x509 -in "$CA/$c.pem" -noout -enddate -subject -nameopt RFC2253 |
		sed -n 's/^notAfter=//p' >"$T/$c.enddate"
	sha1_upper "$CA/$c.pem" >"$T/$c.thumb"
done

# One check per line on stdout: "ok" or "FAIL: what".
python3 - "$T" "$(sha1_upper "$CA/expired.pem")" "$(sha1_upper "$CA/soon.pem")" \
	>"$T/checks" 2>&1 <<'PY'
import csv, json, math, re, sys, time
from datetime import datetime, timezone

T, thumb_expired, thumb_soon = sys.argv[1:4]
domains = {"sip.expired.test": thumb_expired, "sip.soon.test": thumb_soon}

def check(ok, what):
    print("ok" if ok else "FAIL: " + what)

def read_csv(name):
    with open(f"{T}/{name}", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))

def read_json(name):
    lines = open(f"{T}/{name}", encoding="utf-8").read().splitlines()
    rows = [json.loads(l) for l in lines]
    for i, (l, r) in enumerate(zip(lines, rows)):
        check(l.startswith('{"format_version":2,') and r["format_version"] == 2,
              f"{name} line {i + 1}: format_version 2 is not its first key")
    return rows

CSV_DATE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
ISO_DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

def iso(v, where):
    """A CSV date back to ISO 8601 UTC, checking its form."""
    check(CSV_DATE.match(v) is not None, f"{where}: CSV date {v!r} is not YYYY-MM-DD HH:MM:SS")
    return v.replace(" ", "T") + "Z"

# What openssl says the expiry is, and days_left from it, rounded down.
def expected(domain):
    name = "expired" if "expired" in domain else "soon"
    end = open(f"{T}/{name}.enddate").read().strip()
    t = datetime.strptime(end, "%b %d %H:%M:%S %Y GMT").replace(tzinfo=timezone.utc)
    days = math.floor((t.timestamp() - time.time()) / 86400)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ"), days

FACTS = ["not_after", "days_left", "subject", "issuer", "root", "thumbprint",
         "sha256", "key_type", "key_bits", "signature_algorithm"]
seen = {d: [] for d in domains}  # (output, facts) per certificate

def record(output, domain, facts):
    if domain in seen:
        seen[domain].append((output, facts))

# The per-target CSV, per-endpoint CSV, compliance CSV: names and values.
for name in ["report.csv", "endpoint.csv", "compliance.csv"]:
    rows = read_csv(name)
    check(rows and all(k in rows[0] for k in ["domain", "type", "port", "line", "status"] + FACTS),
          f"{name}: lacks one of the vocabulary's columns: {list(rows[0]) if rows else None}")
    for r in rows:
        if r["domain"] in domains:
            f = {k: r[k] for k in FACTS}
            f["not_after"] = iso(f["not_after"], name)
            record(name, r["domain"], f)
for name in ["expiring.csv"]:
    rows = read_csv(name)
    for r in rows:
        if r["role"] == "leaf":
            f = {k: r[k] for k in FACTS}
            f["not_after"] = iso(f["not_after"], name)
            record(name, r["domain"], f)
            check(r["addresses"].startswith("127.0.0.1:"), f"{name}: addresses {r['addresses']!r}")

def as_text(v):
    return "" if v is None else str(v)

for name in ["report.json"]:
    for r in read_json(name):
        if r.get("domain") not in domains:
            continue
        record(name, r["domain"], {k: as_text(r[k]) for k in FACTS})
        for p in r["probes"]:
            leaf = dict(p["chain"][0])
            leaf["root"] = p["root"]
            leaf["tls_version"] = p["tls_version"]
            record(name + " probes[].chain[0]", r["domain"], {k: as_text(leaf[k]) for k in FACTS})
            check(p["status"] in ("PASS", "WARN", "FAIL"), f"{name}: probe status {p['status']!r}")
            check(ISO_DATE.match(leaf["not_after"]) is not None, f"{name}: not_after {leaf['not_after']!r}")
        check(r["endpoints"] == len(r["probes"]), f"{name}: endpoints is the count of probes")
for name in ["compliance.json", "expiring.json"]:
    for r in read_json(name):
        if r.get("domain") in domains and r.get("role", "leaf") == "leaf":
            record(name, r["domain"], {k: as_text(r[k]) for k in FACTS})

outputs = {"report.csv", "endpoint.csv", "compliance.csv", "expiring.csv", "report.json",
           "report.json probes[].chain[0]", "compliance.json", "expiring.json"}
for domain, thumb in domains.items():
    got = seen[domain]
    check({o for o, _ in got} == outputs,
          f"{domain}: in {sorted({o for o, _ in got})}, not in all of {sorted(outputs)}")
    want_after, want_days = expected(domain)
    for o, f in got:
        check(f["thumbprint"] == thumb, f"{domain} in {o}: thumbprint {f['thumbprint']!r}, not {thumb}")
        check(f["not_after"] == want_after, f"{domain} in {o}: not_after {f['not_after']!r}, not {want_after}")
        check(f["days_left"] == str(want_days), f"{domain} in {o}: days_left {f['days_left']!r}, not {want_days}")
        check(len(f["sha256"]) == 64 and f["sha256"] == f["sha256"].lower(), f"{domain} in {o}: sha256")
        for k in FACTS:
            check(f[k] == got[0][1][k], f"{domain}: {k} is {got[0][1][k]!r} in {got[0][0]}, {f[k]!r} in {o}")
# Rounded down: 3.5 days past is -4 (toward zero would say -3), 10.5
# days ahead is 10.
check(expected("sip.expired.test")[1] == -4, "the expired leaf is not 3.5 days past")
check(expected("sip.soon.test")[1] == 10, "the soon leaf is not 10.5 days ahead")

# No name of format version 1 is left in a header or a key.
OLD = {"earliest_expiry", "leaf_subject", "thumbprints", "endpoints_tested", "sha1",
       "error_reason", "result", "via", "verify_result", "error"}
def keys(v, acc):
    if isinstance(v, dict):
        for k, x in v.items():
            acc.add(k)
            keys(x, acc)
    elif isinstance(v, list):
        for x in v:
            keys(x, acc)
    return acc
for name in ["report.csv", "endpoint.csv", "compliance.csv", "expiring.csv"]:
    with open(f"{T}/{name}", newline="") as f:
        header = next(csv.reader(f))
    check(not OLD & set(header), f"{name}: old names {sorted(OLD & set(header))}")
for name in ["report.json", "compliance.json", "expiring.json"]:
    names = set()
    for r in read_json(name):
        keys(r, names)
    check(not OLD & names, f"{name}: old keys {sorted(OLD & names)}")
check("endpoints" not in read_csv("expiring.csv")[0], "expiring.csv: a list named endpoints")

# Every row of the targets file, in every output of the report.
REJECTED = {3: "unknown type", 4: "empty domain", 6: "missing type", 7: "bad port",
            8: "too many fields", 9: "invalid domain name",
            10: "an IP address is not a SIP domain", 11: "bad port"}
def accounted(name, rows, per_target):
    errs = [r for r in rows if r["status"] == "INPUT_ERROR"]
    lines = sorted(int(r["line"]) for r in errs)
    check(lines == sorted(REJECTED), f"{name}: INPUT_ERROR lines {lines}")
    for r in errs:
        want = REJECTED.get(int(r["line"]), "?")
        check(want in (r["reason"] or ""), f"{name} line {r['line']}: reason {r['reason']!r} lacks {want!r}")
        check(not r["domain"] and not r["days_left"], f"{name} line {r['line']}: other cells not empty: {r}")
    if per_target:
        check(len(rows) == 10, f"{name}: {len(rows)} rows for the 10 of the targets file")
        check(sorted(int(r["line"]) for r in rows) == list(range(2, 12)),
              f"{name}: lines {sorted(int(r['line']) for r in rows)}")
accounted("report.csv", read_csv("report.csv"), True)
accounted("endpoint.csv", read_csv("endpoint.csv"), False)
accounted("compliance.csv", read_csv("compliance.csv"), True)
for name in ["report.json", "compliance.json"]:
    rows = read_json(name)
    accounted(name, rows, True)
    for r in rows:
        if r["status"] == "INPUT_ERROR":
            check(r["raw"] is not None and r["input"].endswith("partners.csv"),
                  f"{name} line {r['line']}: raw {r.get('raw')!r}, input {r.get('input')!r}")
PY
[ -s "$T/checks" ] || fail "the checks printed nothing"
while read -r line; do
	case $line in
	ok) ok ;;
	*) fail "${line#FAIL: }" ;;
	esac
done <"$T/checks"

# --bom: EF BB BF before the header row, and only with --bom.
bom() { head -c3 "$1" | od -An -tx1 | tr -d ' \n'; }
for args in "report --format csv" "report --format csv --per-endpoint" \
	"report --compliance" "expiring --within 30d --format csv"; do
	read -ra words <<<"$args"
	"$FEDCERT" "${words[@]}" --db "$DB" --bom >"$T/bom.csv"
	assert_eq "$args --bom: exit" 0 $?
	assert_eq "$args --bom: the mark first" efbbbf "$(bom "$T/bom.csv")"
	assert_eq "$args --bom: then the header" '"domain"' "$(tail -c +4 "$T/bom.csv" | head -n1 | cut -d, -f1)"
	"$FEDCERT" "${words[@]}" --db "$DB" >"$T/nobom.csv"
	assert_eq "$args: no mark without --bom" '"domain"' "$(head -n1 "$T/nobom.csv" | cut -d, -f1)"
	assert_eq "$args: the rest the same" "$(md5sum <"$T/nobom.csv")" "$(tail -c +4 "$T/bom.csv" | md5sum)"
done

finish
