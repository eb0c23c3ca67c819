/* usage.c: what `fedcert help` and each command's --help print (the
 * command table in main.c names each command's text). docs/usage.md and
 * fedcert(1) say the same at more length; keep them in step. The numbers
 * are common/fedcert_limits.h's: tests/e2e/test_cli_limits.sh holds them
 * to it. */
#include "cli/usage.h"

#define SCAN_OPTIONS \
	"  --ca-file FILE       trusted roots (PEM) to verify chains against\n" \
	"  --ca-path DIR        a hashed directory of trusted roots\n" \
	"                       (default for both: the system trust store)\n" \
	"  --timeout SECONDS    connect timeout, and separately handshake\n" \
	"                       timeout (default 10, 1..3600)\n" \
	"  --concurrency N      endpoints in flight at most (default 256,\n" \
	"                       1..100000)\n" \
	"  --dns-server ADDR[:PORT]\n" \
	"                       a resolver to ask (repeatable, at most 8; IPv6\n" \
	"                       in brackets: [::1]:53); default: the system's\n" \
	"  --dns-timeout SECONDS  per DNS try (default 3, 0.1..60)\n" \
	"  --dns-tries N        DNS tries per query (default 2, 1..10)\n" \
	"  --max-srv-targets N  SRV targets followed per name (default 32,\n" \
	"                       1..256)\n" \
	"  --max-addresses N    addresses probed per host (default 32, 1..256)\n" \
	"  --no-pool            probe only the first address of each host\n" \
	"  --ipv4-only          ask only for A records\n" \
	"  --ipv6-only          ask only for AAAA records\n" \
	"  --client-cert FILE   present our Edge's certificate (PEM; our\n" \
	"                       intermediates may follow the leaf) when asked\n" \
	"  --client-key FILE    its key (PEM; default: in --client-cert)\n" \
	"  --client-key-pass-file FILE  the passphrase of an encrypted key\n" \
	"  --sip-options        after each handshake, send one SIP OPTIONS over\n" \
	"                       the session and record the answer (off: it is a\n" \
	"                       message to a partner's production server)\n" \
	"  --sip-domain DOMAIN  our SIP domain, for From (with --sip-options)\n" \
	"  --sip-contact FQDN   our Edge's name, for Contact and Via (default:\n" \
	"                       --sip-domain)\n" \
	"  --sip-pace MS        at least MS milliseconds between two OPTIONS to\n" \
	"                       one address (default 0, 0..600000)\n"

#define REPORT_OPTIONS \
	"  --format FORMAT      text (default), csv (one row per target),\n" \
	"                       json (JSON Lines, one object per target),\n" \
	"                       (report, check) prometheus (metrics for\n" \
	"                       node_exporter's textfile collector) or html\n" \
	"                       (one self-contained page for a browser)\n" \
	"  --advanced           text: every extension of each leaf, decoded\n" \
	"  --chain              text: each chain item, and where to get the root\n" \
	"  --min-severity SEV   show findings of SEV or worse (info, warning,\n" \
	"                       error)\n" \
	"  --only ID[,ID...]    show only these findings (repeatable)\n" \
	"  --fail-on SEV        exit 3 when a finding shown is SEV or worse\n" \
	"                       (info, warning, error; default none), and\n" \
	"                       when the scan did not run to its end\n" \
	"  --warn-days N        expires_soon below N days left (default 30)\n" \
	"  --profile NAME       whose rules judge the names: sfb (Skype for\n" \
	"                       Business / Lync Edge, default), teams-dr (Teams\n" \
	"                       Direct Routing) or rfc5922 (SIP domain\n" \
	"                       certificates)\n" \
	"  --as-of DATE         judge as if on DATE (2027-03-15): what the\n" \
	"                       scheduled findings will say then\n" \
	"  --trust-events FILE  more dated trust events, in the form of the\n" \
	"                       built-in table (data/trust-events.csv;\n" \
	"                       repeatable)\n"

/* The views of a scan's report and the filters that pick its targets
 * (report and check). */
#define VIEW_OPTIONS \
	"  --summary            text: one line per target, worst first, under\n" \
	"                       the totals\n" \
	"  --by-finding         one row per finding with the targets that\n" \
	"                       have it (text, csv, json)\n" \
	"  --status LIST        only targets of these statuses: PASS, WARN,\n" \
	"                       FAIL, INPUT_ERROR (comma-separated)\n" \
	"  --finding ID[,ID...] only targets that have any of these findings\n" \
	"  --domain GLOB        only targets whose domain matches GLOB (any\n" \
	"                       case: '*.contoso.com')\n" \
	"  --bom                csv: a UTF-8 byte order mark first (Excel)\n"

const char usage_main[] =
	"usage: fedcert COMMAND [options]\n"
	"\n"
	"Audits the TLS certificates of SIP federation endpoints.\n"
	"\n"
	"Commands:\n"
	"  scan TARGETS.csv --db FILE   probe targets, store what they present\n"
	"  report --db FILE             the text, CSV or JSON report of a scan\n"
	"  check HOST[:PORT]            check one server now and print the report\n"
	"  check --fed DOMAIN           ... or one SIP domain (--sip, --sipint)\n"
	"  findings                     every finding, and why it matters\n"
	"  inspect FILE...              judge a certificate file (will it work\n"
	"                               on our Edge?), no network\n"
	"  scans --db FILE              the scans in the database, with counts\n"
	"  history --db FILE DOMAIN     one domain's certificates and failures\n"
	"                               over time\n"
	"  expiring --db FILE           leaves expiring soon (--within 30d)\n"
	"  outlook --db FILE            when partners will start failing, and\n"
	"                               why: dated trust events, issuers that\n"
	"                               expire before their leaf\n"
	"  diff --db FILE               what changed between two scans\n"
	"  prune --db FILE --keep N     keep the newest N scans only\n"
	"  upgrade --db FILE            bring an older database to this version\n"
	"  judge --db FILE              keep the verdicts of scans an older\n"
	"                               fedcert stored (scan keeps them)\n"
	"  merge --db OUT SHARD.db...   the shard databases of one sharded scan\n"
	"                               (scan --shard I/N) into one scan\n"
	"  help [COMMAND]               this text, or a command's options\n"
	"\n"
	"  --version                    the version, and the libraries'\n"
	"\n"
	"Exit codes:\n"
	"  0  success (also a scan whose peers fail: their failures are in the\n"
	"     report)\n"
	"  1  a failed run: an unreadable or empty targets file, a database that\n"
	"     is missing, unreadable, corrupt, not fedcert's or too old to read,\n"
	"     no such scan or domain, a write error or a full disk, a scan\n"
	"     stopped by Ctrl-C or SIGTERM, a scan our resolver or our network\n"
	"     left incomplete (scan --resume finishes it)\n"
	"  2  a usage error\n"
	"  3  an alert: a finding shown at or above --fail-on (report, check,\n"
	"     inspect), or a report with --fail-on of a scan that did not run\n"
	"     to its end; a certificate listed at or above expiring --fail-on,\n"
	"     a finding listed at or above outlook --fail-on\n"
	"  4  scan --fail-on-input-errors: rows of the targets file were\n"
	"     rejected (the others were scanned and stored)\n"
	"Run 'fedcert COMMAND --help' for a command's options.\n";

const char usage_scan[] =
	"usage: fedcert scan TARGETS.csv --db FILE [options]\n"
	"       fedcert scan [TARGETS.csv] --db FILE --resume [SCAN]\n"
	"       fedcert scan TARGETS.csv --db SHARD.db --shard I/N|auto/N [options]\n"
	"\n"
	"Probes every target of TARGETS.csv (rows Domain,Type,Port) and records\n"
	"the DNS answers, certificates, chains and failures in the database.\n"
	"\n"
	"  --db FILE            the SQLite database (created if missing)\n"
	"  --resume [SCAN]      continue an unfinished scan (default: the newest)\n"
	"                       where it stopped: rows it stored are not read\n"
	"                       again, endpoints it probed not probed again\n"
	"  --shard I/N|auto/N   scan only shard I (0..N-1) of N (1..4096) of\n"
	"                       the file: the rows whose organisational domain\n"
	"                       hashes to I; auto/N: I from JOB_COMPLETION_INDEX\n"
	"                       (Kubernetes), else SLURM_ARRAY_TASK_ID (Slurm);\n"
	"                       fedcert merge joins the shards\n"
	SCAN_OPTIONS
	"  --fail-on-input-errors  exit 4 when rows of TARGETS.csv were rejected\n"
	"                       (the others are scanned and stored all the same)\n"
	"  --quiet              no summary on stderr\n"
	"  --help               this text\n";

const char usage_report[] =
	"usage: fedcert report --db FILE [options]\n"
	"\n"
	"Writes the report of a scan (by default the newest), with the findings\n"
	"judged from what the scan stored.\n"
	"\n"
	"  --db FILE            the SQLite database (read only: it must exist)\n"
	REPORT_OPTIONS
	VIEW_OPTIONS
	"  --per-endpoint       with --format csv: one row per probe\n"
	"  --compliance         one row per target for auditors (status,\n"
	"                       findings, expiry, issuer, root, key, TLS\n"
	"                       version, first seen); csv (default) or json\n"
	"  -o, --output FILE    write to FILE instead of standard output\n"
	"  --scan ID            the scan to report (default: the newest)\n"
	"  --ca-file FILE       judge chains again against these roots (PEM)\n"
	"  --ca-path DIR        ... or this hashed directory (default: the\n"
	"                       verification the scan recorded)\n"
	"  --judge-afresh       judge every target again, ignoring the\n"
	"                       verdicts kept when the scan ended (they are\n"
	"                       read only where these options would judge\n"
	"                       the same, and the dates allow)\n"
	"  --help               this text\n";

const char usage_check[] =
	"usage: fedcert check HOST[:PORT] [options]\n"
	"       fedcert check --fed|--sip|--sipint DOMAIN [options]\n"
	"\n"
	"Checks one server, or every server of one SIP domain, now, and prints\n"
	"the report with its comments. Nothing is kept unless --db is given.\n"
	"--ca-file and --ca-path judge our own certificate too.\n"
	"\n"
	"  --fed DOMAIN         SRV _sipfederationtls._tcp.DOMAIN\n"
	"  --sip DOMAIN         SRV _sip._tls.DOMAIN\n"
	"  --sipint DOMAIN      SRV _sipinternaltls._tcp.DOMAIN\n"
	"  --type TYPE          judge HOST as FED (a missing Client\n"
	"                       Authentication EKU is an error), SIP, SIPINT\n"
	"                       or DIR (default); HOST is still probed itself\n"
	"  --sni NAME           send NAME (and match the certificate against\n"
	"                       it) instead of HOST; needs HOST\n"
	"  --connect-to ADDR[:PORT]\n"
	"                       probe ADDR (IPv6 in brackets with a port)\n"
	"                       instead of asking DNS for HOST's address, as\n"
	"                       if DNS had answered ADDR; with --fed, --sip or\n"
	"                       --sipint the SRV record is still asked and\n"
	"                       every SRV target is probed at ADDR (one Edge\n"
	"                       of a pool); PORT replaces HOST's or the SRV\n"
	"                       record's port\n"
	"  --db FILE            keep the results in this database\n"
	SCAN_OPTIONS
	REPORT_OPTIONS
	VIEW_OPTIONS
	"  --help               this text\n";

const char usage_findings[] =
	"usage: fedcert findings\n"
	"\n"
	"Lists every finding the report can make: its id (used in JSON, CSV and\n"
	"--only), its severity, and why it matters.\n";

const char usage_inspect[] =
	"usage: fedcert inspect FILE... [options]\n"
	"\n"
	"Judges a certificate file (PEM or DER; the leaf first, its\n"
	"intermediates after it) with the report's findings, as partners would\n"
	"judge it on our Edge: will this renewed certificate work? No network,\n"
	"no database. Several files are judged in turn. Exit 1 when a FILE\n"
	"cannot be read or is not a certificate (the others are judged).\n"
	"\n"
	"  --name FQDN          the name partners reach the Edge by (its SRV\n"
	"                       target); without it names are not checked\n"
	"  --type TYPE          FED (default: a missing Client Authentication\n"
	"                       EKU is an error), SIP, SIPINT or DIR\n"
	"  --format FORMAT      text (default) or json (one object a file)\n"
	"  --advanced           text: every extension of the leaf, decoded\n"
	"  --chain              text: each chain item, and where to get the root\n"
	"  --min-severity SEV   show findings of SEV or worse\n"
	"  --only ID[,ID...]    show only these findings (repeatable)\n"
	"  --fail-on SEV        exit 3 when a finding shown is SEV or worse\n"
	"  --warn-days N        expires_soon below N days left (default 30)\n"
	"  --profile NAME       whose rules judge the names: sfb (Skype for\n"
	"                       Business / Lync Edge, default), teams-dr (Teams\n"
	"                       Direct Routing) or rfc5922 (SIP domain\n"
	"                       certificates)\n"
	"  --as-of DATE         judge as if on DATE (2027-03-15): what the\n"
	"                       scheduled findings will say then\n"
	"  --trust-events FILE  more dated trust events, in the form of the\n"
	"                       built-in table (data/trust-events.csv;\n"
	"                       repeatable)\n"
	"  --ca-file FILE       verify against these roots (PEM)\n"
	"  --ca-path DIR        ... or this hashed directory (default: the\n"
	"                       system's trust store)\n"
	"  --help               this text\n";

const char usage_scans[] =
	"usage: fedcert scans --db FILE [options]\n"
	"\n"
	"Lists the scans, oldest first: start, duration, status, targets,\n"
	"endpoints, failures (endpoints that failed, and targets that failed\n"
	"before reaching one), and the findings each scan's report would have\n"
	"shown then (judged at the scan's start; read from the verdicts kept\n"
	"when the scan ended, or judged again where none hold).\n"
	"\n"
	"  --db FILE            the SQLite database (read only: it must exist)\n"
	"  --format FORMAT      text (default), json (JSON Lines, one object\n"
	"                       per scan) or csv (--trend only)\n"
	"  --last N             only the newest N scans\n"
	"  --no-findings        counts only, without judging (fast)\n"
	"  --trend              per scan, targets by status and by error\n"
	"                       finding, then each finding's first and last\n"
	"                       scan (the CSV holds the per-scan table)\n"
	"  --bom                CSV: a UTF-8 byte order mark first (Excel)\n"
	"  --warn-days N        expires_soon below N days left (default 30)\n"
	"  --judge-afresh       judge every scan again, ignoring kept verdicts\n"
	"  --profile NAME       sfb (default), teams-dr or rfc5922: whose rules\n"
	"                       judge the names (kept verdicts are sfb's)\n"
	"  --help               this text\n";

const char usage_history[] =
	"usage: fedcert history --db FILE DOMAIN [--format text|json]\n"
	"\n"
	"For each target of DOMAIN (domain, type, port) and each endpoint it\n"
	"reached: the leaf certificates seen over time, as runs of scans with\n"
	"first and last seen, thumbprint, issuer, root and expiry, and the\n"
	"scans where it failed, with the kind of failure.\n"
	"\n"
	"  --db FILE            the SQLite database (read only: it must exist)\n"
	"  --format FORMAT      text (default) or json (JSON Lines, one object\n"
	"                       per run)\n"
	"  --help               this text\n";

const char usage_expiring[] =
	"usage: fedcert expiring --db FILE [--within DURATION | --before DATE]\n"
	"                        [options]\n"
	"\n"
	"For each target, the leaves it presented in its newest scan that\n"
	"expire within DURATION from now (expired ones included), and the\n"
	"intermediates of those chains that expire before their leaf, soonest\n"
	"first, with the endpoints that presented them.\n"
	"\n"
	"  --db FILE            the SQLite database (read only: it must exist)\n"
	"  --within DURATION    30d (default), 12h, 2w, 1y; a bare number is days\n"
	"  --before DATE        what expires before DATE instead: 2027-01-31, or\n"
	"                       a date-time 2027-01-31T12:00:00Z (UTC unless an\n"
	"                       offset is given: 2027-01-31T13:00+01:00)\n"
	"  --fail-on SEV        exit 3 when a certificate listed is SEV or worse:\n"
	"                       an expired one is an error, one that expires\n"
	"                       within the window a warning (info, warning,\n"
	"                       error; default none)\n"
	"  --format FORMAT      text (default), csv or json (JSON Lines)\n"
	"  --bom                csv: a UTF-8 byte order mark first (Excel)\n"
	"  -o, --output FILE    write to FILE instead of standard output\n"
	"  --help               this text\n";

const char usage_outlook[] =
	"usage: fedcert outlook --db FILE [--until DATE] [--as-of DATE] [options]\n"
	"\n"
	"What is scheduled to break federation, before it does: for the scan\n"
	"(--scan, default the newest), each target's and our own certificate's\n"
	"client_auth_lost_at_renewal, chain_distrust_scheduled and\n"
	"issuer_expires_before_leaf, on the day it can start failing, earliest\n"
	"first and the worst first within a day; the text opens with how many\n"
	"targets each trust event concerns. The events are the built-in table\n"
	"(data/trust-events.csv, with its sources) and --trust-events files.\n"
	"\n"
	"  --db FILE            the SQLite database (read only: it must exist)\n"
	"  --until DATE         only what starts on or before DATE (2027-06-30)\n"
	"  --as-of DATE         judge as if on DATE instead of now\n"
	"  --trust-events FILE  more dated trust events (repeatable)\n"
	"  --scan N             the scan (default: the newest)\n"
	"  --status LIST        only targets of these statuses\n"
	"  --domain GLOB        only targets whose domain matches GLOB\n"
	"  --min-severity SEV   only findings of SEV or worse\n"
	"  --fail-on SEV        exit 3 when a finding listed is SEV or worse\n"
	"  --warn-days N        the renewal window: an error once the CA's date\n"
	"                       has passed and the leaf expires within N days\n"
	"                       (default 30)\n"
	"  --ca-file FILE       judge chains again against these roots (PEM)\n"
	"  --ca-path DIR        ... or this hashed directory\n"
	"  --format FORMAT      text (default), csv or json (JSON Lines)\n"
	"  --bom                csv: a UTF-8 byte order mark first (Excel)\n"
	"  -o, --output FILE    write to FILE instead of standard output\n"
	"  --help               this text\n";

const char usage_diff[] =
	"usage: fedcert diff --db FILE [--from SCAN] [--to SCAN] [options]\n"
	"\n"
	"What changed between two scans (default: the two newest that ran to\n"
	"their end): targets added and removed, endpoints added and removed,\n"
	"certificates rotated, issuer or root CA changed, new failures,\n"
	"recoveries, findings that appeared or cleared.\n"
	"\n"
	"  --db FILE            the SQLite database (read only: it must exist)\n"
	"  --from SCAN          the older scan (default: the newest finished\n"
	"                       one before --to)\n"
	"  --to SCAN            the newer scan (default: the newest finished)\n"
	"  --format FORMAT      text (default) or json (JSON Lines, one object\n"
	"                       per change, with a \"change\" key)\n"
	"  --warn-days N        expires_soon below N days left (default 30)\n"
	"  --judge-afresh       judge both scans again, ignoring kept verdicts\n"
	"  --profile NAME       sfb (default), teams-dr or rfc5922: whose rules\n"
	"                       judge the names (kept verdicts are sfb's)\n"
	"  --help               this text\n";

const char usage_prune[] =
	"usage: fedcert prune --db FILE --keep N [--vacuum | --dry-run]\n"
	"\n"
	"Keeps the newest N scans and deletes the others, with the certificates\n"
	"and endpoints no remaining scan references, and says what it removed.\n"
	"\n"
	"  --db FILE            the SQLite database (it must exist)\n"
	"  --keep N             scans to keep (at least 1)\n"
	"  --vacuum             then VACUUM, so that the file shrinks\n"
	"  --dry-run            say what would be removed, remove nothing\n"
	"  --help               this text\n";

const char usage_upgrade[] =
	"usage: fedcert upgrade --db FILE\n"
	"\n"
	"Brings a database written by an older fedcert to this version's\n"
	"schema, as a scan into it does. The commands that only read (report,\n"
	"scans, history, expiring, diff) refuse an older database and name this\n"
	"command: they never change a file.\n"
	"\n"
	"  --db FILE            the SQLite database (it must exist)\n"
	"  --help               this text\n";

const char usage_merge[] =
	"usage: fedcert merge --db OUT.db SHARD.db...\n"
	"\n"
	"Merges the newest sharded scan (scan --shard I/N) of each SHARD.db\n"
	"into one scan of OUT.db (created if missing), which report, diff and\n"
	"the others read as a scan of the whole file. The shards must be of\n"
	"the same targets file (its SHA-256), the same N and the same options;\n"
	"else nothing is merged (exit 2). Merging again adds only the shards\n"
	"the merged scan lacks (nothing, when it has them all). A merged scan\n"
	"without all N shards, or with one that was not done, is marked\n"
	"failed and its report says which shards are missing (exit 1). The\n"
	"shard files are only read; OUT.db is written in one transaction.\n"
	"\n"
	"  --db FILE            the merged database (created if missing)\n"
	"  --quiet              say only what is missing on stderr\n"
	"  --help               this text\n";

const char usage_judge[] =
	"usage: fedcert judge --db FILE [--scan N]\n"
	"\n"
	"Judges scans as `fedcert report` does with its defaults (the\n"
	"verification each scan recorded, --warn-days 30, --profile sfb), at\n"
	"each scan's start, and keeps the verdicts beside the facts: each\n"
	"target's status and findings and the scan's totals. `scan` does this\n"
	"when a scan ends; this command does it for scans kept by an older\n"
	"fedcert. Commands that judge with the same options (report, report\n"
	"--compliance, scans, diff) then read them instead of judging again;\n"
	"other options (--ca-file, --warn-days, --profile, --judge-afresh)\n"
	"judge afresh and say so.\n"
	"\n"
	"  --db FILE            the SQLite database (it must exist)\n"
	"  --scan N             judge scan N again (default: every scan whose\n"
	"                       kept verdicts are missing or out of date)\n"
	"  --help               this text\n";
