/* main.c: fedcert's command line. Parses arguments and calls the stages;
 * nothing else lives here. The options that several commands share (the
 * scan's, the report's) are parsed by one function each, so that `check`
 * means the same by --timeout as `scan` and by --chain as `report`.
 *
 * Exit codes (usage.c's table): 0 success, 1 a failed run, 2 a usage
 * error, 3 an alert (a finding at or above --fail-on), 4 rows rejected
 * with --fail-on-input-errors.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli_history.h"
#include "fedcert_limits.h"
#include "report/report.h"
#include "scanner/scanner.h"
#include "store/store.h"
#include "usage.h"

#define EXIT_USAGE 2
#define EXIT_FLAGGED 3
#define EXIT_REJECTED 4
#define OPT_HANDLED 0
#define OPT_UNKNOWN 1
#define OPT_BAD 2
#define ONLY_MAX 64

/* Long options without a short form. */
enum {
	O_DB = 256, O_CA_FILE, O_CA_PATH, O_TIMEOUT, O_CONCURRENCY, O_QUIET,
	O_HELP, O_DNS_SERVER, O_DNS_TIMEOUT, O_DNS_TRIES, O_MAX_SRV, O_MAX_ADDR,
	O_NO_POOL, O_IPV4, O_IPV6, O_FORMAT, O_SCAN, O_PER_ENDPOINT,
	O_ADVANCED, O_CHAIN, O_MIN_SEVERITY, O_ONLY, O_FAIL_ON, O_WARN_DAYS,
	O_FED, O_SIP, O_SIPINT, O_RESUME, O_COMPLIANCE, O_CLIENT_CERT,
	O_CLIENT_KEY, O_CLIENT_KEY_PASS, O_NAME, O_TYPE, O_FAIL_ON_INPUT
};

#define SCAN_LONGOPTS                                                        \
	{ "ca-file", required_argument, NULL, O_CA_FILE },                   \
	{ "ca-path", required_argument, NULL, O_CA_PATH },                   \
	{ "timeout", required_argument, NULL, O_TIMEOUT },                   \
	{ "concurrency", required_argument, NULL, O_CONCURRENCY },           \
	{ "dns-server", required_argument, NULL, O_DNS_SERVER },             \
	{ "dns-timeout", required_argument, NULL, O_DNS_TIMEOUT },           \
	{ "dns-tries", required_argument, NULL, O_DNS_TRIES },               \
	{ "max-srv-targets", required_argument, NULL, O_MAX_SRV },           \
	{ "max-addresses", required_argument, NULL, O_MAX_ADDR },            \
	{ "no-pool", no_argument, NULL, O_NO_POOL },                         \
	{ "ipv4-only", no_argument, NULL, O_IPV4 },                          \
	{ "ipv6-only", no_argument, NULL, O_IPV6 },                          \
	{ "client-cert", required_argument, NULL, O_CLIENT_CERT },           \
	{ "client-key", required_argument, NULL, O_CLIENT_KEY },             \
	{ "client-key-pass-file", required_argument, NULL, O_CLIENT_KEY_PASS }

#define REPORT_LONGOPTS                                                      \
	{ "format", required_argument, NULL, O_FORMAT },                     \
	{ "advanced", no_argument, NULL, O_ADVANCED },                       \
	{ "chain", no_argument, NULL, O_CHAIN },                             \
	{ "min-severity", required_argument, NULL, O_MIN_SEVERITY },         \
	{ "only", required_argument, NULL, O_ONLY },                         \
	{ "fail-on", required_argument, NULL, O_FAIL_ON },                   \
	{ "warn-days", required_argument, NULL, O_WARN_DAYS }

/* What one command line says; main's own state, not the stages'. */
struct cli {
	const char *cmd;
	const char *db;
	const char *output;
	int quiet;
	struct scan_options scan;
	const char *servers[FC_DNS_SERVERS_MAX];
	struct report_options report;
	const char *only[ONLY_MAX];
	int one_kind; /* check: O_FED, O_SIP or O_SIPINT; 0: HOST[:PORT] */
	const char *one_domain;
	int compliance;   /* report --compliance */
	int fail_on_input; /* scan --fail-on-input-errors */
	int format_given; /* --format was given */
	struct report_inspect inspect; /* inspect FILE --name --type */
};

static int usage_error(const char *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "fedcert%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nRun 'fedcert %s%s--help' for usage.\n",
		cmd ? cmd : "", cmd ? " " : "");
	return EXIT_USAGE;
}

/* usage_error() for an option parser, which returns OPT_BAD. */
static int option_error(const struct cli *c, const char *fmt, const char *arg)
{
	usage_error(c->cmd, fmt, arg);
	return OPT_BAD;
}

/* A whole decimal number in [min, max]; *ok says whether it was. */
static long parse_number(const char *s, long min, long max, int *ok)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	*ok = errno == 0 && end != s && *end == '\0' && v >= min && v <= max;
	return *ok ? v : -1;
}

/* Seconds with an optional fraction ("0.5", "3") as milliseconds in
 * [min_ms, max_ms]. */
static unsigned parse_seconds_ms(const char *s, long min_ms, long max_ms,
				 int *ok)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	*ok = errno == 0 && end != s && *end == '\0' && v * 1000 >= min_ms &&
	      v * 1000 <= max_ms;
	return *ok ? (unsigned)(v * 1000 + 0.5) : 0;
}

static void cli_defaults(struct cli *c, const char *cmd)
{
	memset(c, 0, sizeof(*c));
	c->cmd = cmd;
	c->scan.timeout_s = FC_TIMEOUT_DEFAULT_S;
	c->scan.concurrency = FC_CONCURRENCY_DEFAULT;
	c->scan.dns_servers = c->servers;
	c->scan.dns_timeout_ms = FC_DNS_TIMEOUT_DEFAULT_MS;
	c->scan.dns_tries = FC_DNS_TRIES_DEFAULT;
	c->scan.max_srv_targets = FC_SRV_TARGETS_DEFAULT;
	c->scan.max_addresses = FC_ADDRS_DEFAULT;
	c->report.format = REPORT_TEXT;
	c->report.min_severity = -1;
	c->report.fail_on = -1;
	c->report.warn_days = 30;
	c->report.only = c->only;
}

/* A range-checked number option: *dst on success, a usage error naming the
 * option otherwise. */
#define NUMBER_OPT(dst, name, lo, hi)                                        \
	do {                                                                 \
		long v_ = parse_number(optarg, lo, hi, &ok);                 \
		if (!ok)                                                     \
			return option_error(c, "--" name " must be a whole number from " #lo " to " #hi ", not \"%s\"", optarg); \
		dst = (unsigned)v_;                                          \
	} while (0)

/* The options of a scan (scan and check). */
static int cli_scan_option(struct cli *c, int opt)
{
	struct scan_options *s = &c->scan;
	int ok;

	switch (opt) {
	case O_CA_FILE: s->ca_file = optarg; break;
	case O_CA_PATH: s->ca_path = optarg; break;
	case O_TIMEOUT: NUMBER_OPT(s->timeout_s, "timeout", 1, 3600); break;
	case O_CONCURRENCY: NUMBER_OPT(s->concurrency, "concurrency", 1, 100000); break;
	case O_DNS_TRIES: NUMBER_OPT(s->dns_tries, "dns-tries", 1, 10); break;
	case O_MAX_SRV: NUMBER_OPT(s->max_srv_targets, "max-srv-targets", 1, 256); break;
	case O_MAX_ADDR: NUMBER_OPT(s->max_addresses, "max-addresses", 1, 256); break;
	case O_NO_POOL: s->no_pool = 1; break;
	case O_CLIENT_CERT: s->client_cert = optarg; break;
	case O_CLIENT_KEY: s->client_key = optarg; break;
	case O_CLIENT_KEY_PASS: s->client_key_pass_file = optarg; break;
	case O_RESUME:
		s->resume = 1;
		if (optarg) {
			s->resume_scan = parse_number(optarg, 1, LONG_MAX, &ok);
			if (!ok)
				return option_error(c, "--resume takes a scan number, not \"%s\"", optarg);
		}
		break;
	case O_IPV4: s->ipv4_only = 1; break;
	case O_IPV6: s->ipv6_only = 1; break;
	case O_DNS_TIMEOUT:
		s->dns_timeout_ms = parse_seconds_ms(optarg, 100, FC_DNS_TIMEOUT_MAX_MS, &ok);
		if (!ok)
			return option_error(c, "--dns-timeout must be a number of seconds from 0.1 to 60, not \"%s\"", optarg);
		break;
	case O_DNS_SERVER:
		if (!scan_dns_server_is_valid(optarg))
			return option_error(c, "--dns-server takes an IP address and an optional port (127.0.0.1:5353, [::1]:53), not \"%s\"", optarg);
		if (s->ndns_servers == FC_DNS_SERVERS_MAX)
			return option_error(c, "at most 8 --dns-server, not more (\"%s\")", optarg);
		c->servers[s->ndns_servers++] = optarg;
		break;
	default: return OPT_UNKNOWN;
	}
	return OPT_HANDLED;
}

static int cli_severity(struct cli *c, const char *name, int *dst)
{
	if (strcmp(optarg, "none") == 0 && strcmp(name, "fail-on") == 0)
		*dst = -1;
	else if (strcmp(optarg, "info") == 0)
		*dst = 0;
	else if (strcmp(optarg, "warning") == 0)
		*dst = 1;
	else if (strcmp(optarg, "error") == 0)
		*dst = 2;
	else if (strcmp(name, "fail-on") == 0)
		return option_error(c, "--fail-on must be info, warning, error or none, not \"%s\"", optarg);
	else
		return option_error(c, "--min-severity must be info, warning or error, not \"%s\"", optarg);
	return OPT_HANDLED;
}

/* --only takes one id or several separated by commas, and may repeat. */
static int cli_only(struct cli *c, char *list)
{
	char *save = NULL, *id;

	for (id = strtok_r(list, ",", &save); id; id = strtok_r(NULL, ",", &save)) {
		if (!report_is_finding_id(id))
			return option_error(c, "no such finding \"%s\" (see 'fedcert findings')", id);
		if (c->report.nonly == ONLY_MAX)
			return option_error(c, "%s", "too many --only");
		c->only[c->report.nonly++] = id;
	}
	return OPT_HANDLED;
}

/* The options of a report (report and check). */
static int cli_report_option(struct cli *c, int opt)
{
	struct report_options *r = &c->report;
	int ok;

	switch (opt) {
	case O_FORMAT:
		c->format_given = 1;
		if (strcmp(optarg, "text") == 0)
			r->format = REPORT_TEXT;
		else if (strcmp(optarg, "csv") == 0)
			r->format = REPORT_CSV;
		else if (strcmp(optarg, "json") == 0)
			r->format = REPORT_JSON;
		else
			return option_error(c, "--format must be text, csv or json, not \"%s\"", optarg);
		break;
	case O_ADVANCED: r->advanced = 1; break;
	case O_CHAIN: r->chain = 1; break;
	case O_PER_ENDPOINT: r->per_endpoint = 1; break;
	case O_COMPLIANCE: c->compliance = 1; break;
	case O_MIN_SEVERITY: return cli_severity(c, "min-severity", &r->min_severity);
	case O_FAIL_ON: return cli_severity(c, "fail-on", &r->fail_on);
	case O_ONLY: return cli_only(c, optarg);
	case O_WARN_DAYS: NUMBER_OPT(r->warn_days, "warn-days", 1, 3650); break;
	case O_SCAN:
		r->scan_id = parse_number(optarg, 1, LONG_MAX, &ok);
		if (!ok)
			return option_error(c, "--scan must be a scan number, not \"%s\"", optarg);
		break;
	default: return OPT_UNKNOWN;
	}
	return OPT_HANDLED;
}

/* Parses argv with longopts, handing each option to the groups in turn.
 * Returns -1 when parsed, else the exit code (0 after --help). */
static int cli_parse(struct cli *c, int argc, char **argv,
		     const struct option *longopts, const char *help,
		     int scan_group, int report_group)
{
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		if (opt == O_HELP) {
			fputs(help, stdout);
			return 0;
		}
		if (opt == O_DB) { c->db = optarg; continue; }
		if (opt == O_QUIET) { c->quiet = 1; continue; }
		if (opt == O_FAIL_ON_INPUT) { c->fail_on_input = 1; continue; }
		if (opt == 'o') { c->output = optarg; continue; }
		if (opt == O_NAME) { c->inspect.name = optarg; continue; }
		if (opt == O_TYPE) { c->inspect.type = optarg; continue; }
		if (opt == O_FED || opt == O_SIP || opt == O_SIPINT) {
			if (c->one_kind)
				return usage_error(c->cmd, "%s", "one of --fed, --sip, --sipint, once");
			c->one_kind = opt;
			c->one_domain = optarg;
			continue;
		}
		rc = scan_group ? cli_scan_option(c, opt) : OPT_UNKNOWN;
		if (rc == OPT_UNKNOWN && report_group)
			rc = cli_report_option(c, opt);
		if (rc == OPT_BAD)
			return EXIT_USAGE;
		if (rc == OPT_UNKNOWN)
			return usage_error(c->cmd, "%s", "bad option");
	}
	if (c->scan.ipv4_only && c->scan.ipv6_only)
		return usage_error(c->cmd, "%s", "--ipv4-only and --ipv6-only exclude each other");
	if ((c->scan.client_key || c->scan.client_key_pass_file) && !c->scan.client_cert)
		return usage_error(c->cmd, "%s", "--client-key and --client-key-pass-file go with --client-cert");
	return -1;
}

/* ", N rows already done" for a resumed scan, else "". */
static const char *resumed_text(const struct scan_summary *sum)
{
	static char buf[64];

	if (sum->resumed_rows == 0)
		return "";
	snprintf(buf, sizeof(buf), ", %ld rows already done", sum->resumed_rows);
	return buf;
}

/* The scan's closing line, or why it did not close well. 0, 1, 2 (check:
 * a bad HOST) or 4 (rows rejected, with --fail-on-input-errors). */
static int cli_run_scan(struct cli *c, struct store *st)
{
	struct scan_summary sum;
	char err[1024];

	if (scan_run(&c->scan, st, &sum, err, sizeof(err)) != 0) {
		fprintf(stderr, "fedcert %s: %s\n", c->cmd, err);
		return 1;
	}
	if (sum.interrupted) {
		fprintf(stderr, "fedcert %s: scan %lld interrupted; what was stored is kept\n",
			c->cmd, (long long)sum.scan_id);
		return 1;
	}
	c->report.scan_id = sum.scan_id;
	if (!c->quiet)
		fprintf(stderr, "fedcert %s: scan %lld%s: %ld targets, %ld endpoints probed, %ld failed, %ld row%s rejected%s, peak %u in flight, %.1f s\n",
			c->cmd, (long long)sum.scan_id,
			c->scan.resume ? " resumed" : "", sum.targets,
			sum.probes, sum.probe_failures, sum.input_errors,
			sum.input_errors == 1 ? "" : "s",
			resumed_text(&sum), sum.peak_inflight, sum.elapsed_s);
	if (sum.input_errors > 0 && c->scan.one_host)
		return EXIT_USAGE;
	if (sum.input_errors > 0 && c->fail_on_input) {
		fprintf(stderr, "fedcert %s: %ld row%s of %s %s rejected (--fail-on-input-errors)\n",
			c->cmd, sum.input_errors, sum.input_errors == 1 ? "" : "s",
			c->scan.input ? c->scan.input : "the targets file",
			sum.input_errors == 1 ? "was" : "were");
		return EXIT_REJECTED;
	}
	return 0;
}

/* Writes the report to -o FILE or standard output. 0, 1 or 3. */
static int cli_run_report(struct cli *c, struct store *st)
{
	FILE *out = stdout;
	char err[1024];
	int flagged = 0, rc = 1;

	if (c->output && (out = fopen(c->output, "w")) == NULL) {
		fprintf(stderr, "fedcert %s: %s: %s\n", c->cmd, c->output, strerror(errno));
		return 1;
	}
	if ((c->compliance ? report_compliance : report_run)(st, &c->report, out,
		&flagged, err, sizeof(err)) != 0) {
		fprintf(stderr, "fedcert %s: %s\n", c->cmd, err);
		goto out;
	}
	if (fflush(out) != 0 || ferror(out)) {
		fprintf(stderr, "fedcert %s: %s: %s\n", c->cmd,
			c->output ? c->output : "standard output", strerror(errno));
		goto out;
	}
	if (flagged & REPORT_FLAGGED_UNFINISHED)
		fprintf(stderr, "fedcert %s: the scan reported did not run to its end"
			" (its status is in the text report's heading): the targets it"
			" did not reach were not checked, an alert for --fail-on\n",
			c->cmd);
	rc = flagged ? EXIT_FLAGGED : 0;
out:
	if (out != stdout && fclose(out) != 0 && rc != 1) {
		fprintf(stderr, "fedcert %s: %s: %s\n", c->cmd, c->output, strerror(errno));
		rc = 1;
	}
	return rc;
}

static int cli_open_store(struct cli *c, const char *path,
			  enum store_mode mode, struct store **st)
{
	char err[1024];

	if (store_open_mode(path, mode, st, err, sizeof(err)) != 0) {
		fprintf(stderr, "fedcert %s: %s\n", c->cmd, err);
		return 1;
	}
	return 0;
}

/* scan's words: TARGETS.csv, and with --resume an optional scan number
 * ("--resume 7" as well as "--resume=7"); the file may then be left out. */
static int cli_scan_words(struct cli *c, int argc, char **argv)
{
	int i, ok;

	for (i = optind; i < argc; i++) {
		long id = c->scan.resume && c->scan.resume_scan == 0 ?
			  parse_number(argv[i], 1, LONG_MAX, &ok) : (ok = 0);

		if (ok)
			c->scan.resume_scan = id;
		else if (c->scan.input == NULL)
			c->scan.input = argv[i];
		else
			return usage_error("scan", "%s", "exactly one targets file, please");
	}
	if (c->scan.input == NULL && !c->scan.resume)
		return usage_error("scan", "%s", "a targets file is required");
	return -1;
}

static int cmd_scan(int argc, char **argv)
{
	static const struct option longopts[] = {
		SCAN_LONGOPTS,
		{ "db", required_argument, NULL, O_DB },
		{ "resume", optional_argument, NULL, O_RESUME },
		{ "fail-on-input-errors", no_argument, NULL, O_FAIL_ON_INPUT },
		{ "quiet", no_argument, NULL, O_QUIET },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 }
	};
	struct cli c;
	struct store *st = NULL;
	char err[1024];
	int rc;

	cli_defaults(&c, "scan");
	rc = cli_parse(&c, argc, argv, longopts, usage_scan, 1, 0);
	if (rc >= 0)
		return rc;
	if ((rc = cli_scan_words(&c, argc, argv)) >= 0)
		return rc;
	if (c.db == NULL)
		return usage_error("scan", "%s", "--db FILE is required");
	c.scan.quiet = c.quiet;
	/* A file that cannot start a scan leaves no database behind; a
	 * resumed scan's database must exist already. */
	if (c.scan.input && targets_check(c.scan.input, err, sizeof(err)) != 0) {
		fprintf(stderr, "fedcert scan: %s\n", err);
		return 1;
	}
	if (cli_open_store(&c, c.db, c.scan.resume ? STORE_WRITE : STORE_CREATE,
			   &st) != 0)
		return 1;
	rc = cli_run_scan(&c, st);
	store_close(st);
	return rc;
}

/* --compliance is a CSV (or JSON) of its own: the text views do not
 * apply. -1 when the options agree, else the exit code. */
static int cli_compliance_options(struct cli *c)
{
	if (!c->format_given)
		c->report.format = REPORT_CSV;
	if (c->report.format == REPORT_TEXT)
		return usage_error("report", "%s", "--compliance writes csv or json");
	if (c->report.per_endpoint || c->report.advanced || c->report.chain)
		return usage_error("report", "%s", "--compliance is one row per target: no --per-endpoint, --advanced or --chain");
	return -1;
}

static int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		REPORT_LONGOPTS,
		{ "db", required_argument, NULL, O_DB },
		{ "output", required_argument, NULL, 'o' },
		{ "scan", required_argument, NULL, O_SCAN },
		{ "per-endpoint", no_argument, NULL, O_PER_ENDPOINT },
		{ "compliance", no_argument, NULL, O_COMPLIANCE },
		{ "ca-file", required_argument, NULL, O_CA_FILE },
		{ "ca-path", required_argument, NULL, O_CA_PATH },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 }
	};
	struct cli c;
	struct store *st = NULL;
	int rc;

	cli_defaults(&c, "report");
	/* --ca-file here is the trust store the report judges chains against
	 * again; the scan group parses it into scan options, copied below. */
	rc = cli_parse(&c, argc, argv, longopts, usage_report, 1, 1);
	if (rc >= 0)
		return rc;
	if (optind != argc)
		return usage_error("report", "unexpected argument \"%s\"", argv[optind]);
	if (c.db == NULL)
		return usage_error("report", "%s", "--db FILE is required");
	if (c.compliance && (rc = cli_compliance_options(&c)) >= 0)
		return rc;
	if (c.report.per_endpoint && c.report.format != REPORT_CSV)
		return usage_error("report", "%s", "--per-endpoint goes with --format csv");
	c.report.ca_file = c.scan.ca_file;
	c.report.ca_path = c.scan.ca_path;
	if (cli_open_store(&c, c.db, STORE_READ, &st) != 0)
		return 1;
	rc = cli_run_report(&c, st);
	store_close(st);
	return rc;
}

/* HOST, HOST:PORT, [V6]:PORT or a bare IPv6 address: host and port (NULL
 * for the default) in place. */
static void cli_split_host_port(char *arg, const char **host, const char **port)
{
	char *colon = strrchr(arg, ':');

	*host = arg;
	*port = NULL;
	if (arg[0] == '[' && colon && colon[-1] == ']') {
		*colon = '\0';
		*port = colon + 1;
	} else if (colon && strchr(arg, ':') == colon) {
		*colon = '\0';
		*port = colon + 1;
	}
}

static int cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		SCAN_LONGOPTS,
		REPORT_LONGOPTS,
		{ "db", required_argument, NULL, O_DB },
		{ "fed", required_argument, NULL, O_FED },
		{ "sip", required_argument, NULL, O_SIP },
		{ "sipint", required_argument, NULL, O_SIPINT },
		{ "quiet", no_argument, NULL, O_QUIET },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const kinds[] = { "FED", "SIP", "SIPINT" };
	struct cli c;
	struct store *st = NULL;
	int rc;

	cli_defaults(&c, "check");
	rc = cli_parse(&c, argc, argv, longopts, usage_check, 1, 1);
	if (rc >= 0)
		return rc;
	if (c.one_kind) {
		if (optind != argc)
			return usage_error("check", "unexpected argument \"%s\"", argv[optind]);
		c.scan.one_type = kinds[c.one_kind - O_FED];
		c.scan.one_host = c.one_domain;
	} else {
		if (optind != argc - 1)
			return usage_error("check", "%s", "give one HOST[:PORT], or --fed/--sip/--sipint DOMAIN");
		c.scan.one_type = "DIR";
		cli_split_host_port(argv[optind], &c.scan.one_host, &c.scan.one_port);
	}
	c.scan.input = "fedcert check";
	c.scan.quiet = 1;
	c.quiet = 1;
	/* The quick look keeps nothing unless asked to. */
	if (cli_open_store(&c, c.db ? c.db : ":memory:", STORE_CREATE, &st) != 0)
		return 1;
	rc = cli_run_scan(&c, st);
	if (rc == 0)
		rc = cli_run_report(&c, st);
	store_close(st);
	return rc;
}

/* inspect FILE: the report's findings on a certificate file, no network,
 * no database. 0, 1 (an unreadable file, not a certificate), 2 or 3. */
static int cmd_inspect(int argc, char **argv)
{
	static const struct option longopts[] = {
		REPORT_LONGOPTS,
		{ "name", required_argument, NULL, O_NAME },
		{ "type", required_argument, NULL, O_TYPE },
		{ "ca-file", required_argument, NULL, O_CA_FILE },
		{ "ca-path", required_argument, NULL, O_CA_PATH },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const types[] = { "FED", "SIP", "SIPINT", "DIR" };
	struct cli c;
	char err[1024];
	int rc, flagged = 0;
	size_t i;

	cli_defaults(&c, "inspect");
	if ((rc = cli_parse(&c, argc, argv, longopts, usage_inspect, 1, 1)) >= 0)
		return rc;
	if (optind != argc - 1)
		return usage_error("inspect", "%s", "give one certificate FILE");
	if (c.report.format == REPORT_CSV)
		return usage_error("inspect", "%s", "--format must be text or json");
	for (i = 0; c.inspect.type && i < 4 && strcasecmp(c.inspect.type, types[i]); i++)
		;
	if (i == 4)
		return usage_error("inspect", "--type must be FED, SIP, SIPINT or DIR, not \"%s\"", c.inspect.type);
	if (c.inspect.type)
		c.inspect.type = types[i];
	c.inspect.file = argv[optind];
	c.report.ca_file = c.scan.ca_file;
	c.report.ca_path = c.scan.ca_path;
	if (report_inspect(&c.inspect, &c.report, stdout, &flagged, err, sizeof(err)) != 0) {
		fprintf(stderr, "fedcert inspect: %s\n", err);
		return 1;
	}
	return flagged ? EXIT_FLAGGED : 0;
}

static int cmd_findings(int argc, char **argv)
{
	(void)argv;
	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		fputs(usage_findings, stdout);
		return 0;
	}
	if (argc > 1)
		return usage_error("findings", "unexpected argument \"%s\"", argv[1]);
	report_list_findings(stdout);
	return 0;
}

static int cmd_help(int argc, char **argv)
{
	const char *text = usage_for(argc < 2 ? NULL : argv[1]);

	if (text == NULL)
		return usage_error(NULL, "no such command \"%s\"", argv[1]);
	fputs(text, stdout);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;
	int rc;

	if (cmd == NULL) {
		fputs(usage_main, stderr);
		return EXIT_USAGE;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
		printf("fedcert %s\n", FEDCERT_VERSION);
		scan_print_versions(stdout);
		printf("SQLite %s\n", store_sqlite_version());
		return 0;
	}
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 ||
	    strcmp(cmd, "-h") == 0)
		return cmd_help(argc - 1, argv + 1);
	if (strcmp(cmd, "scan") == 0)
		return cmd_scan(argc - 1, argv + 1);
	if (strcmp(cmd, "report") == 0)
		return cmd_report(argc - 1, argv + 1);
	if (strcmp(cmd, "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (strcmp(cmd, "findings") == 0)
		return cmd_findings(argc - 1, argv + 1);
	if (strcmp(cmd, "inspect") == 0)
		return cmd_inspect(argc - 1, argv + 1);
	if ((rc = cli_history_command(cmd, argc - 1, argv + 1)) >= 0)
		return rc;
	return usage_error(NULL, "no such command \"%s\"", cmd);
}
