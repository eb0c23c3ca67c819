/* cli_history.c: the commands across scans: scans, history, expiring,
 * diff, prune, upgrade. Parses arguments and calls the store and the
 * report; nothing else lives here (main.c does the same for scan, report,
 * check).
 *
 * Exit codes, as every command: 0 success, 1 a failed run (no such scan or
 * domain, a database or write error), 2 a usage error, 3 expiring's
 * --fail-on.
 */
#include "cli_history.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fedcert_limits.h"
#include "report/report.h"
#include "store/store.h"
#include "usage.h"

#define EXIT_USAGE 2
#define EXIT_FLAGGED 3
#define WITHIN_MAX_S (100LL * 366 * 86400)

enum {
	H_DB = 256, H_FORMAT, H_LAST, H_NO_FINDINGS, H_WARN_DAYS, H_WITHIN,
	H_FROM, H_TO, H_KEEP, H_VACUUM, H_DRY_RUN, H_HELP, H_BEFORE, H_FAIL_ON
};

/* What one command line says. */
struct hcli {
	const char *cmd;
	const char *db;
	const char *output;
	enum report_format format;
	int format_given;
	long long last, warn_days, keep;
	long long from, to;
	long long within_s;
	int within_given;
	time_t before; /* expiring --before; 0: not given */
	int fail_on;   /* expiring --fail-on: -1 none, 0 info, 1 warning, 2 error */
	int no_findings, vacuum, dry_run;
};

static int husage(const char *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "fedcert %s: ", cmd);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nRun 'fedcert %s --help' for usage.\n", cmd);
	return EXIT_USAGE;
}

/* A whole decimal number in [min, max], or -1 (every range here is >= 0). */
static long long hnumber(const char *s, long long min, long long max)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return -1;
	return v;
}

long long cli_parse_within(const char *s)
{
	long long unit = 86400, v;
	char num[32];
	size_t n = strlen(s);

	if (n == 0 || n >= sizeof num)
		return -1;
	memcpy(num, s, n + 1);
	switch (tolower((unsigned char)num[n - 1])) {
	case 'h': unit = 3600; num[--n] = '\0'; break;
	case 'd': num[--n] = '\0'; break;
	case 'w': unit = 7 * 86400; num[--n] = '\0'; break;
	case 'y': unit = 365 * 86400; num[--n] = '\0'; break;
	default: break;
	}
	v = hnumber(num, 0, WITHIN_MAX_S);
	if (v < 0 || v > WITHIN_MAX_S / unit)
		return -1;
	return v * unit;
}

/* Digits of exactly width characters at s, as a number; -1 otherwise. */
static int hdigits(const char *s, int width)
{
	int v = 0, i;

	for (i = 0; i < width; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

time_t cli_parse_date(const char *s)
{
	struct tm tm = { 0 };
	int y = hdigits(s, 4), mo, d, h = 0, mi = 0, sec = 0, off = 0, oh, om;
	const char *p = s + 10;
	time_t t;

	if (y < 0 || s[4] != '-' || (mo = hdigits(s + 5, 2)) < 1 || mo > 12 ||
	    s[7] != '-' || (d = hdigits(s + 8, 2)) < 1 || d > 31)
		return -1;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		if ((h = hdigits(p + 1, 2)) < 0 || h > 23 || p[3] != ':' ||
		    (mi = hdigits(p + 4, 2)) < 0 || mi > 59)
			return -1;
		p += 6;
		if (*p == ':') {
			if ((sec = hdigits(p + 1, 2)) < 0 || sec > 60)
				return -1;
			p += 3;
		}
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			if ((oh = hdigits(p + 1, 2)) < 0 || oh > 23)
				return -1;
			om = p[3] == ':' ? hdigits(p + 4, 2) : hdigits(p + 3, 2);
			if (om < 0 || om > 59)
				return -1;
			off = (oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
			p += p[3] == ':' ? 6 : 5;
		}
	}
	if (*p != '\0')
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	/* timegm() folds 2027-02-30 into March: not a date. */
	if (t == (time_t)-1 || tm.tm_mday != d || tm.tm_mon != mo - 1)
		return -1;
	return t - off;
}

static int hformat(struct hcli *c, const char *arg, int csv_ok)
{
	c->format_given = 1;
	if (strcmp(arg, "text") == 0)
		c->format = REPORT_TEXT;
	else if (strcmp(arg, "json") == 0)
		c->format = REPORT_JSON;
	else if (csv_ok && strcmp(arg, "csv") == 0)
		c->format = REPORT_CSV;
	else
		return husage(c->cmd, csv_ok ? "--format must be text, csv or json, not \"%s\""
				     : "--format must be text or json, not \"%s\"", arg);
	return -1;
}

/* One option; -1 when handled, else the exit code. */
static int hoption(struct hcli *c, int opt, const char *help)
{
	switch (opt) {
	case H_HELP: fputs(help, stdout); return 0;
	case H_DB: c->db = optarg; break;
	case 'o': c->output = optarg; break;
	case H_FORMAT: return hformat(c, optarg, strcmp(c->cmd, "expiring") == 0);
	case H_NO_FINDINGS: c->no_findings = 1; break;
	case H_VACUUM: c->vacuum = 1; break;
	case H_DRY_RUN: c->dry_run = 1; break;
	case H_WITHIN:
		c->within_given = 1;
		if ((c->within_s = cli_parse_within(optarg)) < 0)
			return husage(c->cmd, "--within takes a duration like 30d, 12h, 2w, 1y or 30 (days), not \"%s\"", optarg);
		break;
	case H_BEFORE:
		if ((c->before = cli_parse_date(optarg)) <= 0)
			return husage(c->cmd, "--before takes an ISO 8601 date or date-time (2027-01-31, 2027-01-31T12:00:00Z, 2027-01-31T13:00+01:00), not \"%s\"", optarg);
		break;
	case H_FAIL_ON:
		if (strcmp(optarg, "none") == 0)
			c->fail_on = -1;
		else if (strcmp(optarg, "info") == 0)
			c->fail_on = 0;
		else if (strcmp(optarg, "warning") == 0)
			c->fail_on = 1;
		else if (strcmp(optarg, "error") == 0)
			c->fail_on = 2;
		else
			return husage(c->cmd, "--fail-on must be info, warning, error or none, not \"%s\"", optarg);
		break;
	case H_LAST:
		if ((c->last = hnumber(optarg, 1, LLONG_MAX)) < 0)
			return husage(c->cmd, "--last must be a number of scans, not \"%s\"", optarg);
		break;
	case H_KEEP:
		if ((c->keep = hnumber(optarg, 1, LLONG_MAX)) < 0)
			return husage(c->cmd, "--keep must be a number of scans, at least 1, not \"%s\"", optarg);
		break;
	case H_WARN_DAYS:
		if ((c->warn_days = hnumber(optarg, 1, 3650)) < 0)
			return husage(c->cmd, "--warn-days must be a whole number from 1 to 3650, not \"%s\"", optarg);
		break;
	case H_FROM:
	case H_TO:
		if ((*(opt == H_FROM ? &c->from : &c->to) = hnumber(optarg, 1, LLONG_MAX)) < 0)
			return husage(c->cmd, "--from and --to take a scan number, not \"%s\"", optarg);
		break;
	default: return husage(c->cmd, "%s", "bad option");
	}
	return -1;
}

/* Parses argv; -1 when parsed, else the exit code. --db is required. */
static int hparse(struct hcli *c, int argc, char **argv,
		  const struct option *longopts, const char *help)
{
	/* -o FILE only where the command writes a file worth keeping. */
	const char *shortopts = strcmp(c->cmd, "expiring") == 0 ? "o:" : "";
	int opt, rc;

	while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		rc = hoption(c, opt, help);
		if (rc >= 0)
			return rc;
	}
	if (c->db == NULL)
		return husage(c->cmd, "%s", "--db FILE is required");
	return -1;
}

/* The commands that only read open the database read-only: a mistyped
 * --db is an error naming it, never a new empty database that says "all
 * clear". */
static int hopen(const struct hcli *c, enum store_mode mode, struct store **st)
{
	char err[1024];

	if (store_open_mode(c->db, mode, st, err, sizeof(err)) == 0)
		return 0;
	fprintf(stderr, "fedcert %s: %s\n", c->cmd, err);
	return 1;
}

/* Opens -o FILE (or takes standard output). */
static FILE *hout(const struct hcli *c)
{
	FILE *out = c->output ? fopen(c->output, "w") : stdout;

	if (out == NULL)
		fprintf(stderr, "fedcert %s: %s: %s\n", c->cmd, c->output,
			strerror(errno));
	return out;
}

/* Closes what hout() opened; the exit code for a run that went as rc
 * says, 1 when the output could not be written. */
static int hclose(const struct hcli *c, FILE *out, int rc)
{
	if (out == NULL)
		return 1;
	if (rc == 0 && (fflush(out) != 0 || ferror(out))) {
		fprintf(stderr, "fedcert %s: %s: %s\n", c->cmd,
			c->output ? c->output : "standard output", strerror(errno));
		rc = 1;
	}
	if (out != stdout && fclose(out) != 0 && rc == 0) {
		fprintf(stderr, "fedcert %s: %s: %s\n", c->cmd, c->output,
			strerror(errno));
		rc = 1;
	}
	return rc;
}

/* The end of a report call: its message on failure. 0 or 1. */
static int hresult(const struct hcli *c, int rc, const char *err)
{
	if (rc == 0)
		return 0;
	fprintf(stderr, "fedcert %s: %s\n", c->cmd, err);
	return 1;
}

#define HOPT(name, has, val) { name, has, NULL, val }
#define HOPT_COMMON HOPT("db", required_argument, H_DB), \
	HOPT("help", no_argument, H_HELP)
#define HOPT_END { NULL, 0, NULL, 0 }

static int cmd_scans(struct hcli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		HOPT_COMMON, HOPT("format", required_argument, H_FORMAT),
		HOPT("last", required_argument, H_LAST),
		HOPT("no-findings", no_argument, H_NO_FINDINGS),
		HOPT("warn-days", required_argument, H_WARN_DAYS), HOPT_END
	};
	struct report_scans_options o = { 0 };
	struct store *st = NULL;
	char err[1024];
	int rc = hparse(c, argc, argv, longopts, usage_scans);

	if (rc >= 0)
		return rc;
	if (optind != argc)
		return husage(c->cmd, "unexpected argument \"%s\"", argv[optind]);
	o.format = c->format;
	o.last = c->last;
	o.findings = !c->no_findings;
	o.warn_days = (int)c->warn_days;
	if (hopen(c, STORE_READ, &st) != 0)
		return 1;
	rc = hresult(c, report_scans(st, &o, stdout, err, sizeof err), err);
	store_close(st);
	return hclose(c, stdout, rc);
}

/* DOMAIN as the store keeps it: lowercase, no brackets, no trailing dot. */
static void hdomain(char *d)
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

static int cmd_history(struct hcli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		HOPT_COMMON, HOPT("format", required_argument, H_FORMAT), HOPT_END
	};
	struct store *st = NULL;
	char err[1024];
	int rc = hparse(c, argc, argv, longopts, usage_history);

	if (rc >= 0)
		return rc;
	if (optind != argc - 1 || argv[optind][0] == '\0')
		return husage(c->cmd, "%s", "give one DOMAIN");
	hdomain(argv[optind]);
	if (hopen(c, STORE_READ, &st) != 0)
		return 1;
	rc = hresult(c, report_history(st, argv[optind], c->format, stdout, err,
				       sizeof err), err);
	store_close(st);
	return hclose(c, stdout, rc);
}

static int cmd_expiring(struct hcli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		HOPT_COMMON, HOPT("format", required_argument, H_FORMAT),
		HOPT("within", required_argument, H_WITHIN),
		HOPT("before", required_argument, H_BEFORE),
		HOPT("fail-on", required_argument, H_FAIL_ON),
		HOPT("output", required_argument, 'o'), HOPT_END
	};
	struct report_expiring_options o = { 0 };
	struct store *st = NULL;
	char err[1024];
	int flagged = 0;
	FILE *out;
	int rc;

	c->within_s = 30LL * 86400;
	c->fail_on = -1;
	rc = hparse(c, argc, argv, longopts, usage_expiring);
	if (rc >= 0)
		return rc;
	if (optind != argc)
		return husage(c->cmd, "unexpected argument \"%s\"", argv[optind]);
	if (c->within_given && c->before != 0)
		return husage(c->cmd, "%s", "--within and --before exclude each other");
	o.format = c->format;
	o.within_s = c->within_s;
	/* "Before Friday": what expires at Friday 00:00 is not before it. */
	o.until = c->before != 0 ? c->before - 1 : 0;
	o.fail_on = c->fail_on;
	if (hopen(c, STORE_READ, &st) != 0)
		return 1;
	out = hout(c);
	rc = out == NULL ? 1 : hresult(c, report_expiring(st, &o, out, &flagged,
							 err, sizeof err), err);
	store_close(st);
	rc = hclose(c, out, rc);
	return rc == 0 && flagged ? EXIT_FLAGGED : rc;
}

static int cmd_diff(struct hcli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		HOPT_COMMON, HOPT("format", required_argument, H_FORMAT),
		HOPT("from", required_argument, H_FROM),
		HOPT("to", required_argument, H_TO),
		HOPT("warn-days", required_argument, H_WARN_DAYS), HOPT_END
	};
	struct report_diff_options o = { 0 };
	struct store *st = NULL;
	char err[1024];
	int rc = hparse(c, argc, argv, longopts, usage_diff);

	if (rc >= 0)
		return rc;
	if (optind != argc)
		return husage(c->cmd, "unexpected argument \"%s\"", argv[optind]);
	if (c->from != 0 && c->from == c->to)
		return husage(c->cmd, "%s", "--from and --to name the same scan");
	o.format = c->format;
	o.from = c->from;
	o.to = c->to;
	o.warn_days = (int)c->warn_days;
	if (hopen(c, STORE_READ, &st) != 0)
		return 1;
	rc = hresult(c, report_diff(st, &o, stdout, err, sizeof err), err);
	store_close(st);
	return hclose(c, stdout, rc);
}

/* "12.5 MB" */
static void hbytes(char *buf, size_t len, long long b)
{
	snprintf(buf, len, "%lld.%lld MB", b / 1000000, b % 1000000 / 100000);
}

static int cmd_prune(struct hcli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		HOPT_COMMON, HOPT("keep", required_argument, H_KEEP),
		HOPT("vacuum", no_argument, H_VACUUM),
		HOPT("dry-run", no_argument, H_DRY_RUN), HOPT_END
	};
	struct store_prune_result r;
	struct store *st = NULL;
	char before[32], after[32];
	int rc = hparse(c, argc, argv, longopts, usage_prune);

	if (rc >= 0)
		return rc;
	if (optind != argc)
		return husage(c->cmd, "unexpected argument \"%s\"", argv[optind]);
	if (c->keep == 0)
		return husage(c->cmd, "%s", "--keep N is required");
	if (c->vacuum && c->dry_run)
		return husage(c->cmd, "%s", "--vacuum and --dry-run exclude each other");
	/* Writes (--dry-run too: it removes in a transaction it rolls back),
	 * but never creates: a mistyped --db is an error. */
	if (hopen(c, STORE_WRITE, &st) != 0)
		return 1;
	rc = store_prune(st, c->keep, c->dry_run, &r) != 0 ||
	     (c->vacuum && store_vacuum(st, &r) != 0);
	if (rc != 0) {
		fprintf(stderr, "fedcert prune: %s\n", store_errmsg(st));
	} else {
		hbytes(before, sizeof before, r.bytes_before);
		hbytes(after, sizeof after, r.bytes_after);
		printf("%s %lld scan%s (%lld targets, %lld probes), %lld certificate%s "
		       "and %lld endpoint%s that nothing references any more; "
		       "kept the newest %lld\n",
		       c->dry_run ? "would remove" : "removed", (long long)r.scans,
		       r.scans == 1 ? "" : "s", (long long)r.targets,
		       (long long)r.probes, (long long)r.certificates,
		       r.certificates == 1 ? "" : "s", (long long)r.endpoints,
		       r.endpoints == 1 ? "" : "s", c->keep);
		if (c->vacuum)
			printf("vacuumed: %s -> %s\n", before, after);
	}
	store_close(st);
	return hclose(c, stdout, rc);
}

/* upgrade: what a scan does to an older database when it opens it, on
 * its own, for the commands that only read (which refuse an older file). */
static int cmd_upgrade(struct hcli *c, int argc, char **argv)
{
	static const struct option longopts[] = { HOPT_COMMON, HOPT_END };
	struct store *st = NULL;
	int rc = hparse(c, argc, argv, longopts, usage_upgrade);

	if (rc >= 0)
		return rc;
	if (optind != argc)
		return husage(c->cmd, "unexpected argument \"%s\"", argv[optind]);
	if (hopen(c, STORE_WRITE, &st) != 0)
		return 1;
	if (store_version_found(st) == store_schema_version())
		printf("%s: schema version %d, the current one: nothing to do\n",
		       c->db, store_schema_version());
	else
		printf("%s: upgraded from schema version %d to %d\n", c->db,
		       store_version_found(st), store_schema_version());
	store_close(st);
	return hclose(c, stdout, 0);
}

int cli_history_command(const char *cmd, int argc, char **argv)
{
	struct hcli c;

	memset(&c, 0, sizeof(c));
	c.cmd = cmd;
	c.format = REPORT_TEXT;
	if (strcmp(cmd, "scans") == 0)
		return cmd_scans(&c, argc, argv);
	if (strcmp(cmd, "history") == 0)
		return cmd_history(&c, argc, argv);
	if (strcmp(cmd, "expiring") == 0)
		return cmd_expiring(&c, argc, argv);
	if (strcmp(cmd, "diff") == 0)
		return cmd_diff(&c, argc, argv);
	if (strcmp(cmd, "prune") == 0)
		return cmd_prune(&c, argc, argv);
	if (strcmp(cmd, "upgrade") == 0)
		return cmd_upgrade(&c, argc, argv);
	return -1;
}
