/* history.c: the commands across scans: scans, history, expiring, diff,
 * prune, upgrade. They parse their words and call the store and the
 * report; nothing else lives here.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/commands.h"
#include "common/fedcert_limits.h"
#include "report/report.h"
#include "store/store.h"

/* The option ids of the commands across scans. */
enum {
	H_LAST = CLI_OPT_OWN, H_NO_FINDINGS, H_WARN_DAYS, H_WITHIN, H_FROM,
	H_TO, H_KEEP, H_VACUUM, H_DRY_RUN, H_BEFORE, H_FAIL_ON, H_FORMAT,
	H_BOM, H_JUDGE_AFRESH, H_TREND, H_SCAN, H_PROFILE
};

#define H_LONGOPT_FORMAT CLI_LONGOPT("format", required_argument, H_FORMAT)

/* What one command line across scans says. */
struct hist {
	struct cli cli;
	long long last, warn_days, keep;
	long long from, to;
	long long within_s;
	int within_given;
	time_t before; /* expiring --before; 0: not given */
	int fail_on;   /* expiring --fail-on: -1 none, 0 info, 1 warning, 2 error */
	int no_findings, vacuum, dry_run;
	int bom;       /* expiring --bom: CSV only */
	int judge_afresh, trend;
	enum report_profile profile; /* scans --findings, diff: --profile */
	long long scan; /* judge --scan */
};

static void hist_init(struct hist *h, const struct cli_command *cmd)
{
	memset(h, 0, sizeof(*h));
	cli_init(&h->cli, cmd);
	h->warn_days = FC_WARN_DAYS_DEFAULT;
	h->within_s = FC_EXPIRING_WITHIN_DEFAULT_S;
	h->fail_on = -1;
}

static int hist_before(struct hist *h, const char *arg)
{
	/* The report reads an `until` of 0 as "not given": the epoch itself
	 * cannot be asked for, nor anything before it. */
	if (!cli_parse_date(arg, &h->before) || h->before <= 0)
		return cli_usage(&h->cli, "--before takes an ISO 8601 date or date-time (2027-01-31, 2027-01-31T12:00:00Z, 2027-01-31T13:00+01:00), not \"%s\"", arg);
	return CLI_GO_ON;
}

/* cli_option_fn of the commands across scans. */
static int hist_option(struct cli *c, int opt, char *arg)
{
	struct hist *h = container_of(c, struct hist, cli);

	switch (opt) {
	case H_FORMAT: return cli_format_option(c, arg, c->command->formats);
	case H_NO_FINDINGS: h->no_findings = 1; break;
	case H_VACUUM: h->vacuum = 1; break;
	case H_DRY_RUN: h->dry_run = 1; break;
	case H_BOM: h->bom = 1; break;
	case H_JUDGE_AFRESH: h->judge_afresh = 1; break;
	case H_PROFILE:
		if (report_profile_parse(arg, &h->profile) != 0)
			return cli_usage(c, "--profile must be sfb, teams-dr or rfc5922, not \"%s\"", arg);
		break;
	case H_TREND: h->trend = 1; break;
	case H_SCAN:
		if (!cli_parse_scan_id(arg, &h->scan))
			return cli_usage(c, "--scan takes a scan number, not \"%s\"", arg);
		break;
	case H_WITHIN:
		h->within_given = 1;
		if (!cli_parse_duration(arg, &h->within_s))
			return cli_usage(c, "--within takes a duration like 30d, 12h, 2w, 1y or 30 (days), not \"%s\"", arg);
		break;
	case H_BEFORE: return hist_before(h, arg);
	case H_FAIL_ON: return cli_severity_option(c, "fail-on", arg, 1, &h->fail_on);
	case H_LAST:
		if (!cli_parse_number(arg, 1, LLONG_MAX, &h->last))
			return cli_usage(c, "--last must be a number of scans, not \"%s\"", arg);
		break;
	case H_KEEP:
		if (!cli_parse_number(arg, FC_PRUNE_KEEP_MIN, LLONG_MAX, &h->keep))
			return cli_usage(c, "--keep must be a number of scans, at least %d, not \"%s\"",
					 FC_PRUNE_KEEP_MIN, arg);
		break;
	case H_WARN_DAYS:
		return cli_number_option(c, "warn-days", arg, FC_WARN_DAYS_MIN,
					 FC_WARN_DAYS_MAX, &h->warn_days);
	case H_FROM:
	case H_TO:
		if (!cli_parse_scan_id(arg, opt == H_FROM ? &h->from : &h->to))
			return cli_usage(c, "--from and --to take a scan number, not \"%s\"", arg);
		break;
	default: return CLI_OPT_UNKNOWN;
	}
	return CLI_GO_ON;
}

/* Parses argv (shortopts: "o:" where the command writes a file worth
 * keeping), then requires --db. CLI_GO_ON, or the exit code. */
static int hist_parse(struct hist *h, int argc, char **argv,
		      const char *shortopts, const struct option *longopts)
{
	int rc = cli_parse_options(&h->cli, argc, argv, shortopts, longopts,
				   hist_option);

	return rc != CLI_GO_ON ? rc : cli_require_db(&h->cli);
}

/* The end of a report call: its message on failure. CLI_OK or
 * CLI_FAILED. */
static enum cli_exit hist_result(const struct hist *h, int rc,
				 const char *err)
{
	return rc == 0 ? CLI_OK : cli_fail(&h->cli, "%s", err);
}

enum cli_exit cli_cmd_scans(const struct cli_command *cmd, int argc,
			    char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPT_DB, CLI_LONGOPT_HELP, H_LONGOPT_FORMAT,
		CLI_LONGOPT("last", required_argument, H_LAST),
		CLI_LONGOPT("no-findings", no_argument, H_NO_FINDINGS),
		CLI_LONGOPT("warn-days", required_argument, H_WARN_DAYS),
		CLI_LONGOPT("trend", no_argument, H_TREND),
		CLI_LONGOPT("bom", no_argument, H_BOM),
		CLI_LONGOPT("judge-afresh", no_argument, H_JUDGE_AFRESH),
		CLI_LONGOPT("profile", required_argument, H_PROFILE),
		CLI_LONGOPT_END
	};
	struct report_scans_options o = { 0 };
	struct store *st = NULL;
	char err[FC_CLI_ERRMSG_MAX];
	struct hist h;
	int rc;

	hist_init(&h, cmd);
	if ((rc = hist_parse(&h, argc, argv, "", longopts)) != CLI_GO_ON ||
	    (rc = cli_no_words(&h.cli, argc, argv)) != CLI_GO_ON)
		return rc;
	o.format = h.cli.format;
	o.last = h.last;
	o.findings = !h.no_findings;
	o.warn_days = (int)h.warn_days;
	o.trend = h.trend;
	o.bom = h.bom;
	o.judge_afresh = h.judge_afresh;
	o.profile = h.profile;
	o.notes = stderr;
	if (h.trend && h.no_findings)
		return cli_usage(&h.cli, "%s", "--trend counts findings: it cannot go with --no-findings");
	if (h.cli.format == REPORT_CSV && !h.trend)
		return cli_usage(&h.cli, "%s", "--format csv is the trend's (--trend); the list of scans is text or json");
	if (h.bom && h.cli.format != REPORT_CSV)
		return cli_usage(&h.cli, "%s", "--bom goes with --format csv");
	if ((rc = cli_open_db(&h.cli, 0, &st)) != CLI_GO_ON)
		return rc;
	rc = hist_result(&h, report_scans(st, &o, stdout, err, sizeof err), err);
	store_close(st);
	return cli_output_close(&h.cli, stdout, rc);
}

/* DOMAIN as the store keeps it: lowercase, no brackets, no trailing dot. */
static void hist_domain(char *d)
{
	size_t n;
	char *p;

	if (d[0] == '[' && (p = strchr(d, ']')) != NULL && p[1] == '\0') {
		*p = '\0';
		memmove(d, d + 1, strlen(d));
	}
	n = strlen(d);
	if (n > 1 && d[n - 1] == '.')
		d[n - 1] = '\0';
	for (p = d; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
}

enum cli_exit cli_cmd_history(const struct cli_command *cmd, int argc,
			      char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPT_DB, CLI_LONGOPT_HELP, H_LONGOPT_FORMAT, CLI_LONGOPT_END
	};
	struct store *st = NULL;
	char err[FC_CLI_ERRMSG_MAX];
	struct hist h;
	int rc;

	hist_init(&h, cmd);
	if ((rc = hist_parse(&h, argc, argv, "", longopts)) != CLI_GO_ON)
		return rc;
	if (optind != argc - 1 || argv[optind][0] == '\0')
		return cli_usage(&h.cli, "%s", "give one DOMAIN");
	hist_domain(argv[optind]);
	if ((rc = cli_open_db(&h.cli, 0, &st)) != CLI_GO_ON)
		return rc;
	rc = hist_result(&h, report_history(st, argv[optind], h.cli.format,
					    stdout, err, sizeof err), err);
	store_close(st);
	return cli_output_close(&h.cli, stdout, rc);
}

enum cli_exit cli_cmd_expiring(const struct cli_command *cmd, int argc,
			       char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPT_DB, CLI_LONGOPT_HELP, H_LONGOPT_FORMAT,
		CLI_LONGOPT("within", required_argument, H_WITHIN),
		CLI_LONGOPT("before", required_argument, H_BEFORE),
		CLI_LONGOPT("fail-on", required_argument, H_FAIL_ON),
		CLI_LONGOPT("bom", no_argument, H_BOM),
		CLI_LONGOPT_OUTPUT, CLI_LONGOPT_END
	};
	struct report_expiring_options o = { 0 };
	struct store *st = NULL;
	char err[FC_CLI_ERRMSG_MAX];
	int rc, flagged = 0;
	struct hist h;
	FILE *out;

	hist_init(&h, cmd);
	if ((rc = hist_parse(&h, argc, argv, "o:", longopts)) != CLI_GO_ON ||
	    (rc = cli_no_words(&h.cli, argc, argv)) != CLI_GO_ON)
		return rc;
	if (h.within_given && h.before != 0)
		return cli_usage(&h.cli, "%s", "--within and --before exclude each other");
	if (h.bom && h.cli.format != REPORT_CSV)
		return cli_usage(&h.cli, "%s", "--bom goes with --format csv");
	o.format = h.cli.format;
	o.bom = h.bom;
	o.within_s = h.within_s;
	/* "Before Friday": what expires at Friday 00:00 is not before it. */
	o.until = h.before != 0 ? h.before - 1 : 0;
	o.fail_on = h.fail_on;
	if ((rc = cli_open_db(&h.cli, 0, &st)) != CLI_GO_ON)
		return rc;
	rc = CLI_FAILED;
	if ((out = cli_output_open(&h.cli)) != NULL) {
		rc = hist_result(&h, report_expiring(st, &o, out, &flagged, err,
						     sizeof err), err);
		if (rc == CLI_OK && flagged)
			rc = CLI_ALERT;
	}
	store_close(st);
	return cli_output_close(&h.cli, out, rc);
}

enum cli_exit cli_cmd_diff(const struct cli_command *cmd, int argc,
			   char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPT_DB, CLI_LONGOPT_HELP, H_LONGOPT_FORMAT,
		CLI_LONGOPT("from", required_argument, H_FROM),
		CLI_LONGOPT("to", required_argument, H_TO),
		CLI_LONGOPT("warn-days", required_argument, H_WARN_DAYS),
		CLI_LONGOPT("judge-afresh", no_argument, H_JUDGE_AFRESH),
		CLI_LONGOPT("profile", required_argument, H_PROFILE),
		CLI_LONGOPT_END
	};
	struct report_diff_options o = { 0 };
	struct store *st = NULL;
	char err[FC_CLI_ERRMSG_MAX];
	struct hist h;
	int rc;

	hist_init(&h, cmd);
	if ((rc = hist_parse(&h, argc, argv, "", longopts)) != CLI_GO_ON ||
	    (rc = cli_no_words(&h.cli, argc, argv)) != CLI_GO_ON)
		return rc;
	if (h.from != 0 && h.from == h.to)
		return cli_usage(&h.cli, "%s", "--from and --to name the same scan");
	o.format = h.cli.format;
	o.from = h.from;
	o.to = h.to;
	o.warn_days = (int)h.warn_days;
	o.judge_afresh = h.judge_afresh;
	o.profile = h.profile;
	o.notes = stderr;
	if ((rc = cli_open_db(&h.cli, 0, &st)) != CLI_GO_ON)
		return rc;
	rc = report_diff(st, &o, stdout, err, sizeof err);
	/* The first night is no failure; JSON Lines says nothing of it on
	 * standard output, which stays a stream of changes. */
	if (rc == REPORT_DIFF_FIRST_NIGHT) {
		if (o.format == REPORT_JSON)
			fprintf(stderr, "fedcert diff: %s\n", err);
		rc = 0;
	}
	rc = hist_result(&h, rc, err);
	store_close(st);
	return cli_output_close(&h.cli, stdout, rc);
}

/* "12.5 MB" */
static void hist_bytes(char *buf, size_t len, long long b)
{
	snprintf(buf, len, "%lld.%lld MB", b / 1000000, b % 1000000 / 100000);
}

/* What prune removed (or with --dry-run would remove), on standard
 * output. */
static void hist_print_pruned(const struct hist *h,
			      const struct store_prune_result *r)
{
	char before[32], after[32];

	hist_bytes(before, sizeof before, r->bytes_before);
	hist_bytes(after, sizeof after, r->bytes_after);
	printf("%s %lld scan%s (%lld targets, %lld probes), %lld certificate%s "
	       "and %lld endpoint%s that nothing references any more; "
	       "kept the newest %lld\n",
	       h->dry_run ? "would remove" : "removed", (long long)r->scans,
	       r->scans == 1 ? "" : "s", (long long)r->targets,
	       (long long)r->probes, (long long)r->certificates,
	       r->certificates == 1 ? "" : "s", (long long)r->endpoints,
	       r->endpoints == 1 ? "" : "s", h->keep);
	if (h->vacuum)
		printf("vacuumed: %s -> %s\n", before, after);
}

enum cli_exit cli_cmd_prune(const struct cli_command *cmd, int argc,
			    char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPT_DB, CLI_LONGOPT_HELP,
		CLI_LONGOPT("keep", required_argument, H_KEEP),
		CLI_LONGOPT("vacuum", no_argument, H_VACUUM),
		CLI_LONGOPT("dry-run", no_argument, H_DRY_RUN),
		CLI_LONGOPT_END
	};
	struct store_prune_result r;
	struct store *st = NULL;
	struct hist h;
	int rc;

	hist_init(&h, cmd);
	if ((rc = hist_parse(&h, argc, argv, "", longopts)) != CLI_GO_ON ||
	    (rc = cli_no_words(&h.cli, argc, argv)) != CLI_GO_ON)
		return rc;
	if (h.keep == 0)
		return cli_usage(&h.cli, "%s", "--keep N is required");
	if (h.vacuum && h.dry_run)
		return cli_usage(&h.cli, "%s", "--vacuum and --dry-run exclude each other");
	/* Writes (--dry-run too: it removes in a transaction it rolls back),
	 * but never creates: a mistyped --db is an error. */
	if ((rc = cli_open_db(&h.cli, 0, &st)) != CLI_GO_ON)
		return rc;
	if (store_prune(st, h.keep, h.dry_run, &r) != 0 ||
	    (h.vacuum && store_vacuum(st, &r) != 0)) {
		rc = cli_fail(&h.cli, "%s", store_errmsg(st));
	} else {
		hist_print_pruned(&h, &r);
		rc = CLI_OK;
	}
	store_close(st);
	return cli_output_close(&h.cli, stdout, rc);
}

/* upgrade: what a scan does to an older database when it opens it, on
 * its own, for the commands that only read (which refuse an older file). */
enum cli_exit cli_cmd_upgrade(const struct cli_command *cmd, int argc,
			      char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPT_DB, CLI_LONGOPT_HELP, CLI_LONGOPT_END
	};
	struct store *st = NULL;
	struct hist h;
	int rc;

	hist_init(&h, cmd);
	if ((rc = hist_parse(&h, argc, argv, "", longopts)) != CLI_GO_ON ||
	    (rc = cli_no_words(&h.cli, argc, argv)) != CLI_GO_ON)
		return rc;
	if ((rc = cli_open_db(&h.cli, 0, &st)) != CLI_GO_ON)
		return rc;
	if (store_version_found(st) == store_schema_version())
		printf("%s: schema version %d, the current one: nothing to do\n",
		       h.cli.db, store_schema_version());
	else
		printf("%s: upgraded from schema version %d to %d\n", h.cli.db,
		       store_version_found(st), store_schema_version());
	store_close(st);
	return cli_output_close(&h.cli, stdout, CLI_OK);
}

/* judge: keeps the verdicts of the scans that have no current ones (or
 * judges --scan N again), so that the questions across scans read them. */
enum cli_exit cli_cmd_judge(const struct cli_command *cmd, int argc,
			    char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPT_DB, CLI_LONGOPT_HELP,
		CLI_LONGOPT("scan", required_argument, H_SCAN),
		CLI_LONGOPT_END
	};
	char err[FC_CLI_ERRMSG_MAX];
	struct store *st = NULL;
	struct hist h;
	int rc;

	hist_init(&h, cmd);
	if ((rc = hist_parse(&h, argc, argv, "", longopts)) != CLI_GO_ON ||
	    (rc = cli_no_words(&h.cli, argc, argv)) != CLI_GO_ON)
		return rc;
	if ((rc = cli_open_db(&h.cli, 0, &st)) != CLI_GO_ON)
		return rc;
	rc = hist_result(&h, report_judge(st, h.scan, stdout, err, sizeof err),
			 err);
	store_close(st);
	return cli_output_close(&h.cli, stdout, rc);
}
