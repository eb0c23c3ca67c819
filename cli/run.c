/* run.c: the options of a scan and of a report, and the two steps every
 * run is made of (run.h). scan.c and report.c parse their words and call
 * these; nothing here knows which command it serves but by its options.
 */
#include "cli/run.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "store/store.h"

void cli_run_init(struct cli_run *r, const struct cli_command *cmd)
{
	memset(r, 0, sizeof(*r));
	cli_init(&r->cli, cmd);
	r->scan.timeout_s = FC_TIMEOUT_DEFAULT_S;
	r->scan.concurrency = FC_CONCURRENCY_DEFAULT;
	r->scan.dns_servers = r->servers;
	r->scan.dns_timeout_ms = FC_DNS_TIMEOUT_DEFAULT_MS;
	r->scan.dns_tries = FC_DNS_TRIES_DEFAULT;
	r->scan.max_srv_targets = FC_SRV_TARGETS_DEFAULT;
	r->scan.max_addresses = FC_ADDRS_DEFAULT;
	r->report.format = REPORT_TEXT;
	r->report.min_severity = -1;
	r->report.fail_on = -1;
	r->report.warn_days = FC_WARN_DAYS_DEFAULT;
	r->report.only = r->only;
	r->report.finding = r->finding;
}

/* A range-checked count of the scan's (timeouts, limits) into *dst. */
static int run_unsigned(struct cli_run *r, const char *name, const char *arg,
			long long min, long long max, unsigned *dst)
{
	long long v;
	int rc = cli_number_option(&r->cli, name, arg, min, max, &v);

	if (rc == CLI_GO_ON)
		*dst = (unsigned)v;
	return rc;
}

static int run_dns_timeout(struct cli_run *r, const char *arg)
{
	long long ms;

	if (!cli_parse_seconds_ms(arg, FC_DNS_TIMEOUT_MIN_MS,
				  FC_DNS_TIMEOUT_MAX_MS, &ms))
		return cli_usage(&r->cli, "--dns-timeout must be a number of seconds from %g to %g, not \"%s\"",
				 FC_DNS_TIMEOUT_MIN_MS / 1000.0,
				 FC_DNS_TIMEOUT_MAX_MS / 1000.0, arg);
	r->scan.dns_timeout_ms = (unsigned)ms;
	return CLI_GO_ON;
}

static int run_dns_server(struct cli_run *r, const char *arg)
{
	struct scan_options *s = &r->scan;

	if (!scan_dns_server_is_valid(arg))
		return cli_usage(&r->cli, "--dns-server takes an IP address and an optional port (127.0.0.1:5353, [::1]:53), not \"%s\"", arg);
	if (s->ndns_servers == FC_DNS_SERVERS_MAX)
		return cli_usage(&r->cli, "at most %d --dns-server, not more (\"%s\")",
				 FC_DNS_SERVERS_MAX, arg);
	r->servers[s->ndns_servers++] = arg;
	return CLI_GO_ON;
}

/* --resume[=SCAN]: without a number, the newest unfinished scan (the
 * number may also come as the next word: see scan.c). */
static int run_resume(struct cli_run *r, const char *arg)
{
	long long id;

	r->scan.resume = 1;
	if (arg == NULL)
		return CLI_GO_ON;
	if (!cli_parse_scan_id(arg, &id))
		return cli_usage(&r->cli, "--resume takes a scan number, not \"%s\"", arg);
	r->scan.resume_scan = id;
	return CLI_GO_ON;
}

/* --sip-domain, --sip-contact: a plain host name, what may stand in a
 * SIP URI that reaches a partner's server. */
static int run_sip_name(struct cli_run *r, const char *name, const char *arg,
			const char **dst)
{
	if (!scan_sip_name_is_valid(arg))
		return cli_usage(&r->cli, "%s takes a host name of letters, digits, dots and hyphens (sip.example.com), not \"%s\"", name, arg);
	*dst = arg;
	return CLI_GO_ON;
}

/* The options of a scan (scan and check). */
static int run_scan_option(struct cli_run *r, int opt, char *arg)
{
	struct scan_options *s = &r->scan;

	switch (opt) {
	case RUN_CA_FILE: s->ca_file = arg; break;
	case RUN_CA_PATH: s->ca_path = arg; break;
	case RUN_TIMEOUT:
		return run_unsigned(r, "timeout", arg, FC_TIMEOUT_MIN_S,
				    FC_TIMEOUT_MAX_S, &s->timeout_s);
	case RUN_CONCURRENCY:
		return run_unsigned(r, "concurrency", arg, FC_CONCURRENCY_MIN,
				    FC_CONCURRENCY_MAX, &s->concurrency);
	case RUN_DNS_TRIES:
		return run_unsigned(r, "dns-tries", arg, FC_DNS_TRIES_MIN,
				    FC_DNS_TRIES_MAX, &s->dns_tries);
	case RUN_MAX_SRV:
		return run_unsigned(r, "max-srv-targets", arg, FC_SRV_TARGETS_MIN,
				    FC_SRV_TARGETS_MAX, &s->max_srv_targets);
	case RUN_MAX_ADDR:
		return run_unsigned(r, "max-addresses", arg, FC_ADDRS_MIN,
				    FC_ADDRS_MAX, &s->max_addresses);
	case RUN_DNS_TIMEOUT: return run_dns_timeout(r, arg);
	case RUN_DNS_SERVER: return run_dns_server(r, arg);
	case RUN_RESUME: return run_resume(r, arg);
	case RUN_NO_POOL: s->no_pool = 1; break;
	case RUN_IPV4: s->ipv4_only = 1; break;
	case RUN_IPV6: s->ipv6_only = 1; break;
	case RUN_CLIENT_CERT: s->client_cert = arg; break;
	case RUN_CLIENT_KEY: s->client_key = arg; break;
	case RUN_CLIENT_KEY_PASS: s->client_key_pass_file = arg; break;
	case RUN_SIP_OPTIONS: s->sip_options = 1; break;
	case RUN_SIP_DOMAIN: return run_sip_name(r, "--sip-domain", arg, &s->sip_domain);
	case RUN_SIP_CONTACT: return run_sip_name(r, "--sip-contact", arg, &s->sip_contact);
	case RUN_SIP_PACE:
		return run_unsigned(r, "sip-pace", arg, 0, FC_SIP_PACE_MAX_MS,
				    &s->sip_pace_ms);
	default: return CLI_OPT_UNKNOWN;
	}
	return CLI_GO_ON;
}

/* --only and --finding: one finding id or several separated by commas,
 * into ids (*n of FC_ONLY_MAX used); given again, the lists add up. */
static int run_ids(struct cli_run *r, const char *name, char *list,
		   const char **ids, size_t *n)
{
	char *save = NULL, *id;

	for (id = strtok_r(list, ",", &save); id; id = strtok_r(NULL, ",", &save)) {
		if (!report_is_finding_id(id))
			return cli_usage(&r->cli, "--%s: no such finding \"%s\" (see 'fedcert findings')", name, id);
		if (*n == FC_ONLY_MAX)
			return cli_usage(&r->cli, "too many --%s", name);
		ids[(*n)++] = id;
	}
	return CLI_GO_ON;
}

/* --status PASS,WARN,FAIL,INPUT_ERROR, in any case; given again, the
 * sets add up. */
static int run_status(struct cli_run *r, char *list)
{
	char *save = NULL, *word, *p;
	int st;

	for (word = strtok_r(list, ",", &save); word;
	     word = strtok_r(NULL, ",", &save)) {
		for (p = word; *p != '\0'; p++)
			*p = (char)toupper((unsigned char)*p);
		st = report_status_of_name(word);
		if (st < 0)
			return cli_usage(&r->cli, "--status must be PASS, WARN, FAIL or INPUT_ERROR (comma-separated), not \"%s\"", word);
		r->report.status |= REPORT_STATUS_BIT(st);
	}
	if (r->report.status == 0)
		return cli_usage(&r->cli, "%s", "--status needs PASS, WARN, FAIL or INPUT_ERROR");
	return CLI_GO_ON;
}

/* --domain GLOB, matched against the stored (lowercase) domain. */
static int run_domain(struct cli_run *r, const char *glob)
{
	size_t i, n = strlen(glob);

	if (n == 0 || n >= sizeof(r->domain))
		return cli_usage(&r->cli, "--domain must be a pattern of 1 to %d characters",
				 (int)sizeof(r->domain) - 1);
	for (i = 0; i <= n; i++)
		r->domain[i] = (char)tolower((unsigned char)glob[i]);
	r->report.domain = r->domain;
	return CLI_GO_ON;
}

static int run_warn_days(struct cli_run *r, const char *arg)
{
	long long days;
	int rc = cli_number_option(&r->cli, "warn-days", arg, FC_WARN_DAYS_MIN,
				   FC_WARN_DAYS_MAX, &days);

	if (rc == CLI_GO_ON)
		r->report.warn_days = (int)days;
	return rc;
}

/* --profile NAME: whose rules judge (report.h), in any case. */
static int run_profile(struct cli_run *r, const char *arg)
{
	if (report_profile_parse(arg, &r->report.profile) != 0)
		return cli_usage(&r->cli, "--profile must be sfb, teams-dr or rfc5922, not \"%s\"", arg);
	return CLI_GO_ON;
}

static int run_scan_id(struct cli_run *r, const char *arg)
{
	long long id;

	if (!cli_parse_scan_id(arg, &id))
		return cli_usage(&r->cli, "--scan must be a scan number, not \"%s\"", arg);
	r->report.scan_id = id;
	return CLI_GO_ON;
}

/* The options of a report (report, check and inspect). --format knows
 * every format here; a command that writes fewer says so after its words
 * (cli_format_is_accepted()). */
static int run_report_option(struct cli_run *r, int opt, char *arg)
{
	struct report_options *o = &r->report;

	switch (opt) {
	case RUN_FORMAT: return cli_format_option(&r->cli, arg, CLI_FORMATS_ANY);
	case RUN_ADVANCED: o->advanced = 1; break;
	case RUN_CHAIN: o->chain = 1; break;
	case RUN_PER_ENDPOINT: o->per_endpoint = 1; break;
	case RUN_COMPLIANCE: r->compliance = 1; break;
	case RUN_MIN_SEVERITY:
		r->min_severity_given = 1;
		return cli_severity_option(&r->cli, "min-severity", arg, 0,
					   &o->min_severity);
	case RUN_SUMMARY: o->summary = 1; break;
	case RUN_BY_FINDING: o->by_finding = 1; break;
	case RUN_BOM: o->bom = 1; break;
	case RUN_JUDGE_AFRESH: o->judge_afresh = 1; break;
	case RUN_STATUS: return run_status(r, arg);
	case RUN_FINDING:
		return run_ids(r, "finding", arg, r->finding, &o->nfinding);
	case RUN_DOMAIN: return run_domain(r, arg);
	case RUN_FAIL_ON:
		return cli_severity_option(&r->cli, "fail-on", arg, 1, &o->fail_on);
	case RUN_ONLY: return run_ids(r, "only", arg, r->only, &o->nonly);
	case RUN_WARN_DAYS: return run_warn_days(r, arg);
	case RUN_PROFILE: return run_profile(r, arg);
	case RUN_SCAN: return run_scan_id(r, arg);
	case RUN_TRUST_EVENTS:
		if (o->ntrust_events >= FC_TRUST_EVENTS_MAX)
			return cli_usage(&r->cli, "%s", "at most 16 --trust-events files");
		r->trust_events[o->ntrust_events++] = arg;
		o->trust_events = r->trust_events;
		break;
	case RUN_AS_OF:
		/* 0 means "now" to the report: the epoch cannot be asked. */
		if (!cli_parse_date(arg, &o->now) || o->now <= 0)
			return cli_usage(&r->cli, "--as-of takes an ISO 8601 date or date-time (2027-03-15, 2027-03-15T12:00:00Z), not \"%s\"", arg);
		break;
	case RUN_UNTIL:
		if (!cli_parse_date(arg, &o->outlook_until) || o->outlook_until <= 0)
			return cli_usage(&r->cli, "--until takes an ISO 8601 date or date-time (2027-06-30), not \"%s\"", arg);
		break;
	default: return CLI_OPT_UNKNOWN;
	}
	return CLI_GO_ON;
}

/* check --fed/--sip/--sipint DOMAIN: one SIP domain instead of one host. */
static int run_one_domain(struct cli_run *r, int opt, char *arg)
{
	if (r->scan.one_type)
		return cli_usage(&r->cli, "%s", "one of --fed, --sip, --sipint, once");
	r->scan.one_type = opt == RUN_FED ? "FED" : opt == RUN_SIP ? "SIP" : "SIPINT";
	r->scan.one_host = arg;
	return CLI_GO_ON;
}

/* --type TYPE (inspect, check HOST): a target type in any case, kept as
 * the scanner names it. */
static int run_type(struct cli_run *r, const char *arg)
{
	enum target_type type;

	if (!target_type_from_name(arg, &type))
		return cli_usage(&r->cli, "--type must be FED, SIP, SIPINT or DIR, not \"%s\"",
				 arg);
	r->inspect.type = target_type_name(type);
	return CLI_GO_ON;
}

/* cli_option_fn for a run: the options of no group, then each group. */
static int run_option(struct cli *c, int opt, char *arg)
{
	struct cli_run *r = container_of(c, struct cli_run, cli);
	int rc;

	switch (opt) {
	case RUN_QUIET: r->quiet = 1; return CLI_GO_ON;
	case RUN_FAIL_ON_INPUT: r->fail_on_input = 1; return CLI_GO_ON;
	case RUN_NAME: r->inspect.name = arg; return CLI_GO_ON;
	case RUN_TYPE: return run_type(r, arg);
	case RUN_SNI: r->scan.sni = arg; return CLI_GO_ON;
	case RUN_CONNECT_TO: r->scan.connect_to = arg; return CLI_GO_ON;
	case RUN_SHARD: r->shard = arg; return CLI_GO_ON;
	case RUN_FED:
	case RUN_SIP:
	case RUN_SIPINT: return run_one_domain(r, opt, arg);
	default: break;
	}
	rc = run_scan_option(r, opt, arg);
	return rc == CLI_OPT_UNKNOWN ? run_report_option(r, opt, arg) : rc;
}

/* ---- Options that go together ------------------------------------------ */

/* The report's views and the options that shape one of them, each by the
 * name given on the command line. */
struct run_view_option {
	const char *name;
	int given;
};

/* The first of opts that was given, or NULL. */
static const char *run_first_given(const struct run_view_option *opts,
				   size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (opts[i].given)
			return opts[i].name;
	return NULL;
}

/* An option that shapes one format only (--advanced and --chain the text
 * report's details, --per-endpoint and --bom a CSV's rows) given with
 * another: a usage error naming it, rather than an option silently
 * ignored. */
static int run_format_options(struct cli_run *r)
{
	const struct report_options *o = &r->report;
	const struct run_view_option text_only[] = {
		{ "--advanced", o->advanced }, { "--chain", o->chain },
		{ "--summary", o->summary },
	};
	const struct run_view_option csv_only[] = {
		{ "--per-endpoint", o->per_endpoint }, { "--bom", o->bom },
	};
	const char *name;

	if (o->format != REPORT_TEXT &&
	    (name = run_first_given(text_only, 3)) != NULL)
		return cli_usage(&r->cli, "%s goes with --format text, not %s",
				 name, cli_format_name(o->format));
	if (o->format != REPORT_CSV &&
	    (name = run_first_given(csv_only, 2)) != NULL)
		return cli_usage(&r->cli, "%s goes with --format csv, not %s",
				 name, cli_format_name(o->format));
	return CLI_GO_ON;
}

/* The views exclude each other: --compliance and --by-finding are tables
 * of their own, --summary a line per target; --per-endpoint, --advanced
 * and --chain shape the report's own rows and blocks. */
static int run_view_options(struct cli_run *r)
{
	const struct report_options *o = &r->report;
	const struct run_view_option views[] = {
		{ "--compliance", r->compliance }, { "--summary", o->summary },
		{ "--by-finding", o->by_finding },
	};
	const struct run_view_option shaping[] = {
		{ "--per-endpoint", o->per_endpoint },
		{ "--advanced", o->advanced }, { "--chain", o->chain },
	};
	const char *view = NULL, *other;
	size_t i;

	for (i = 0; i < 3; i++) {
		if (!views[i].given)
			continue;
		if (view != NULL)
			return cli_usage(&r->cli, "%s and %s exclude each other",
					 view, views[i].name);
		view = views[i].name;
	}
	if (view != NULL && (other = run_first_given(shaping, 3)) != NULL)
		return cli_usage(&r->cli, "%s does not go with %s", other, view);
	if (view != NULL && (o->format == REPORT_PROMETHEUS ||
			     o->format == REPORT_HTML))
		return cli_usage(&r->cli, "%s does not go with --format %s",
				 view, cli_format_name(o->format));
	if (r->compliance && o->format == REPORT_TEXT)
		return cli_usage(&r->cli, "%s", "--compliance writes csv or json, not text");
	return CLI_GO_ON;
}

/* The report's options, checked together once parsed: the defaults that
 * depend on the view, then what goes with what. */
static int run_report_options(struct cli_run *r)
{
	struct report_options *o = &r->report;
	int rc;

	/* The compliance table is a CSV unless asked otherwise. */
	if (r->compliance && !r->cli.format_given)
		r->cli.format = REPORT_CSV;
	o->format = r->cli.format;
	if ((rc = run_view_options(r)) != CLI_GO_ON ||
	    (rc = run_format_options(r)) != CLI_GO_ON)
		return rc;
	/* A list of finding ids is read as a list of problems: the info
	 * findings (name_match on a PASS row) join it only when asked for
	 * with --min-severity info. The text report's comments and the JSON
	 * findings, which carry each severity, show them all. */
	if (!r->min_severity_given &&
	    (o->format == REPORT_CSV || o->format == REPORT_HTML ||
	     r->compliance || o->summary || o->by_finding))
		o->min_severity = REPORT_SEVERITY_WARNING;
	return CLI_GO_ON;
}

int cli_run_parse(struct cli_run *r, int argc, char **argv,
		  const struct option *longopts)
{
	/* -o FILE is known to every run; only report and check write it. */
	int rc = cli_parse_options(&r->cli, argc, argv, "o:", longopts,
				   run_option);

	if (rc != CLI_GO_ON || (rc = run_report_options(r)) != CLI_GO_ON)
		return rc;
	if (r->scan.ipv4_only && r->scan.ipv6_only)
		return cli_usage(&r->cli, "%s", "--ipv4-only and --ipv6-only exclude each other");
	if ((r->scan.client_key || r->scan.client_key_pass_file) &&
	    !r->scan.client_cert)
		return cli_usage(&r->cli, "%s", "--client-key and --client-key-pass-file go with --client-cert");
	if (r->scan.sip_options && !r->scan.sip_domain)
		return cli_usage(&r->cli, "%s", "--sip-options needs --sip-domain (our SIP domain, for From)");
	if (!r->scan.sip_options &&
	    (r->scan.sip_domain || r->scan.sip_contact || r->scan.sip_pace_ms))
		return cli_usage(&r->cli, "%s", "--sip-domain, --sip-contact and --sip-pace go with --sip-options");
	return CLI_GO_ON;
}

/* The scan's closing line on standard error. */
static void run_print_summary(const struct cli_run *r,
			      const struct scan_summary *sum)
{
	char resumed[64] = "";

	if (sum->resumed_rows != 0)
		snprintf(resumed, sizeof(resumed), ", %ld rows already done",
			 sum->resumed_rows);
	fprintf(stderr, "fedcert %s: scan %lld%s: %ld targets, %ld endpoints probed, %ld failed, %ld row%s rejected%s, peak %u in flight, %.1f s\n",
		r->cli.command->name, (long long)sum->scan_id,
		r->scan.resume ? " resumed" : "", sum->targets, sum->probes,
		sum->probe_failures, sum->input_errors,
		sum->input_errors == 1 ? "" : "s", resumed,
		sum->peak_inflight, sum->elapsed_s);
}

enum cli_exit cli_run_scan(struct cli_run *r, struct store *st)
{
	struct scan_summary sum;
	char err[FC_CLI_ERRMSG_MAX];

	if (scan_run(&r->scan, st, &sum, err, sizeof(err)) != 0)
		return cli_fail(&r->cli, "%s", err);
	if (sum.interrupted)
		return cli_fail(&r->cli, "scan %lld interrupted; what was stored is kept",
				(long long)sum.scan_id);
	/* Our resolver or our network left targets undone: the scan is
	 * failed (judged when resumed or asked about), the partners are not
	 * blamed, and the sentence says what to do. */
	if (sum.incomplete[0] != '\0') {
		if (!r->quiet)
			run_print_summary(r, &sum);
		r->incomplete = 1;
		r->report.scan_id = sum.scan_id;
		return cli_fail(&r->cli, "scan %lld: %s", (long long)sum.scan_id,
				sum.incomplete);
	}
	/* The scan's judgement, kept beside its facts for the questions
	 * asked across scans (check's scratch database has none to ask; an
	 * interrupted scan is judged when it is resumed or asked about). A
	 * failure costs only speed: the facts are stored. */
	if (strcmp(r->cli.command->name, "scan") == 0 &&
	    report_keep_verdicts(st, sum.scan_id, err, sizeof(err)) != 0)
		fprintf(stderr, "fedcert scan: scan %lld is stored, but its "
			"verdicts were not kept (%s); `fedcert judge` keeps "
			"them\n", (long long)sum.scan_id, err);
	r->report.scan_id = sum.scan_id;
	if (!r->quiet)
		run_print_summary(r, &sum);
	if (sum.input_errors > 0 && r->scan.one_host)
		return CLI_USAGE;
	if (sum.input_errors > 0 && r->fail_on_input) {
		cli_fail(&r->cli, "%ld row%s of %s %s rejected (--fail-on-input-errors)",
			 sum.input_errors, sum.input_errors == 1 ? "" : "s",
			 r->scan.input ? r->scan.input : "the targets file",
			 sum.input_errors == 1 ? "was" : "were");
		return CLI_REJECTED;
	}
	return CLI_OK;
}

enum cli_exit cli_run_report(struct cli_run *r, struct store *st)
{
	FILE *out = cli_output_open(&r->cli);
	char err[FC_CLI_ERRMSG_MAX];
	int flagged = 0;
	enum cli_exit rc;

	if (out == NULL)
		return CLI_FAILED;
	if ((r->compliance ? report_compliance : report_run)(st, &r->report, out,
		&flagged, err, sizeof(err)) != 0) {
		rc = cli_fail(&r->cli, "%s", err);
	} else if ((rc = cli_output_flush(&r->cli, out)) == CLI_OK) {
		if (flagged & REPORT_FLAGGED_UNFINISHED)
			fprintf(stderr, "fedcert %s: the scan reported did not run to its end"
				" (its status is in the text report's heading): the targets it"
				" did not reach were not checked, an alert for --fail-on\n",
				r->cli.command->name);
		rc = flagged ? CLI_ALERT : CLI_OK;
	}
	return cli_output_close(&r->cli, out, rc);
}
