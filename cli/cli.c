/* cli.c: the command-line framework (cli.h): messages, the getopt walk,
 * value parsers, --format, the database and -o FILE. Nothing here knows a
 * particular command; the command table (main.c) and the command groups
 * say what differs.
 */
#include "cli/cli.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fedcert_limits.h"
#include "store/store.h"

/* "a", "a or b", "a, b or c": the choices of an option, in messages. */
#define CLI_CHOICES_MAX 64

static const char *cli_name(const struct cli *c)
{
	return c && c->command ? c->command->name : NULL;
}

void cli_init(struct cli *c, const struct cli_command *cmd)
{
	memset(c, 0, sizeof(*c));
	c->command = cmd;
	c->format = REPORT_TEXT;
}

enum cli_exit cli_usage(const struct cli *c, const char *fmt, ...)
{
	const char *name = cli_name(c);
	va_list ap;

	fprintf(stderr, "fedcert%s%s: ", name ? " " : "", name ? name : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nRun 'fedcert %s%s--help' for usage.\n",
		name ? name : "", name ? " " : "");
	return CLI_USAGE;
}

enum cli_exit cli_fail(const struct cli *c, const char *fmt, ...)
{
	const char *name = cli_name(c);
	va_list ap;

	fprintf(stderr, "fedcert%s%s: ", name ? " " : "", name ? name : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CLI_FAILED;
}

int cli_parse_options(struct cli *c, int argc, char **argv,
		      const char *shortopts, const struct option *longopts,
		      cli_option_fn *fn)
{
	int opt, rc;

	while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (opt) {
		case CLI_OPT_HELP:
			fputs(c->command->help, stdout);
			return CLI_OK;
		case CLI_OPT_DB:
			c->db = optarg;
			continue;
		case CLI_OPT_OUTPUT:
			c->output = optarg;
			continue;
		default:
			break;
		}
		rc = fn ? fn(c, opt, optarg) : CLI_OPT_UNKNOWN;
		if (rc == CLI_OPT_UNKNOWN)
			return cli_usage(c, "%s", "bad option");
		if (rc != CLI_GO_ON)
			return rc;
	}
	return CLI_GO_ON;
}

int cli_no_words(const struct cli *c, int argc, char **argv)
{
	if (optind != argc)
		return cli_usage(c, "unexpected argument \"%s\"", argv[optind]);
	return CLI_GO_ON;
}

/* ---- Values ------------------------------------------------------------ */

int cli_parse_number(const char *s, long long min, long long max,
		     long long *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return 0;
	*out = v;
	return 1;
}

int cli_parse_scan_id(const char *s, long long *out)
{
	return cli_parse_number(s, 1, LLONG_MAX, out);
}

int cli_parse_seconds_ms(const char *s, long long min_ms, long long max_ms,
			 long long *out_ms)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v * 1000 >= min_ms) ||
	    !(v * 1000 <= max_ms))
		return 0;
	*out_ms = (long long)(v * 1000 + 0.5);
	return 1;
}

int cli_parse_duration(const char *s, long long *out_s)
{
	long long unit = 86400, v;
	char num[32];
	size_t n = strlen(s);

	if (n == 0 || n >= sizeof num)
		return 0;
	memcpy(num, s, n + 1);
	switch (tolower((unsigned char)num[n - 1])) {
	case 'h': unit = 3600; num[--n] = '\0'; break;
	case 'd': num[--n] = '\0'; break;
	case 'w': unit = 7 * 86400; num[--n] = '\0'; break;
	case 'y': unit = 365 * 86400; num[--n] = '\0'; break;
	default: break;
	}
	if (!cli_parse_number(num, 0, FC_EXPIRING_WITHIN_MAX_S, &v) ||
	    v > FC_EXPIRING_WITHIN_MAX_S / unit)
		return 0;
	*out_s = v * unit;
	return 1;
}

/* Digits of exactly width characters at s, as a number; -1 otherwise. */
static int cli_digits(const char *s, int width)
{
	int v = 0, i;

	for (i = 0; i < width; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* The time of day and offset after a date: "T12:00", "T12:00:30Z",
 * " 13:00+01:00", "t13:00-0130" or nothing. 1 with the fields (offset in
 * seconds east of UTC), or 0. */
static int cli_parse_time_of_day(const char *p, struct tm *tm, int *off)
{
	int oh, om;

	*off = 0;
	if (*p != 'T' && *p != 't' && *p != ' ')
		return *p == '\0';
	if ((tm->tm_hour = cli_digits(p + 1, 2)) < 0 || tm->tm_hour > 23 ||
	    p[3] != ':' || (tm->tm_min = cli_digits(p + 4, 2)) < 0 ||
	    tm->tm_min > 59)
		return 0;
	p += 6;
	if (*p == ':') {
		if ((tm->tm_sec = cli_digits(p + 1, 2)) < 0 || tm->tm_sec > 60)
			return 0;
		p += 3;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		if ((oh = cli_digits(p + 1, 2)) < 0 || oh > 23)
			return 0;
		om = p[3] == ':' ? cli_digits(p + 4, 2) : cli_digits(p + 3, 2);
		if (om < 0 || om > 59)
			return 0;
		*off = (oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
		p += p[3] == ':' ? 6 : 5;
	}
	return *p == '\0';
}

int cli_parse_date(const char *s, time_t *out)
{
	struct tm tm = { 0 };
	int y = cli_digits(s, 4), mo, d, off;
	time_t t;

	if (y < 0 || s[4] != '-' || (mo = cli_digits(s + 5, 2)) < 1 ||
	    mo > 12 || s[7] != '-' || (d = cli_digits(s + 8, 2)) < 1 || d > 31)
		return 0;
	if (!cli_parse_time_of_day(s + 10, &tm, &off))
		return 0;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	t = timegm(&tm);
	/* timegm() folds 2027-02-30 into March: not a date. */
	if (t == (time_t)-1 || tm.tm_mday != d || tm.tm_mon != mo - 1)
		return 0;
	*out = t - off;
	return 1;
}

int cli_number_option(const struct cli *c, const char *name, const char *arg,
		      long long min, long long max, long long *out)
{
	if (!cli_parse_number(arg, min, max, out))
		return cli_usage(c, "--%s must be a whole number from %lld to %lld, not \"%s\"",
				 name, min, max, arg);
	return CLI_GO_ON;
}

/* words[0..n) as "a", "a or b", "a, b or c" in buf. */
static void cli_choices(char *buf, size_t len, const char *const *words,
			size_t n)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 i == 0 ? "" : i + 1 == n ? " or " : ", ",
					 words[i]);
}

static const char *const cli_format_names[] = {
	[REPORT_TEXT] = "text", [REPORT_CSV] = "csv", [REPORT_JSON] = "json",
	[REPORT_PROMETHEUS] = "prometheus",
	[REPORT_HTML] = "html"
};

#define CLI_NFORMATS (sizeof(cli_format_names) / sizeof(cli_format_names[0]))

const char *cli_format_name(enum report_format f)
{
	return (size_t)f < CLI_NFORMATS ? cli_format_names[f] : "?";
}

/* The names of formats (a CLI_FORMAT set) as choices in buf. */
static void cli_format_choices(char *buf, size_t len, unsigned formats)
{
	const char *words[CLI_NFORMATS];
	size_t f, n = 0;

	for (f = 0; f < CLI_NFORMATS; f++)
		if (formats & CLI_FORMAT(f))
			words[n++] = cli_format_names[f];
	cli_choices(buf, len, words, n);
}

int cli_format_option(struct cli *c, const char *arg, unsigned formats)
{
	char choices[CLI_CHOICES_MAX];
	size_t f;

	c->format_given = 1;
	for (f = 0; f < CLI_NFORMATS; f++) {
		if ((formats & CLI_FORMAT(f)) &&
		    strcmp(arg, cli_format_names[f]) == 0) {
			c->format = (enum report_format)f;
			return CLI_GO_ON;
		}
	}
	cli_format_choices(choices, sizeof choices, formats);
	return cli_usage(c, "--format must be %s, not \"%s\"", choices, arg);
}

int cli_format_is_accepted(const struct cli *c)
{
	char choices[CLI_CHOICES_MAX];

	if (c->command->formats & CLI_FORMAT(c->format))
		return CLI_GO_ON;
	cli_format_choices(choices, sizeof choices, c->command->formats);
	return cli_usage(c, "--format must be %s", choices);
}

int cli_severity_option(const struct cli *c, const char *name,
			const char *arg, int allow_none, int *out)
{
	/* The report's severities, by value; "none" (-1) after them. */
	static const char *const names[] = { "info", "warning", "error", "none" };
	char choices[CLI_CHOICES_MAX];
	size_t n = allow_none ? 4 : 3, i;

	for (i = 0; i < n; i++) {
		if (strcmp(arg, names[i]) == 0) {
			*out = i == 3 ? -1 : (int)i;
			return CLI_GO_ON;
		}
	}
	cli_choices(choices, sizeof choices, names, n);
	return cli_usage(c, "--%s must be %s, not \"%s\"", name, choices, arg);
}

/* ---- The database ------------------------------------------------------ */

int cli_require_db(const struct cli *c)
{
	enum cli_db db = c->command->db;

	if (c->db == NULL && db != CLI_DB_NONE && db != CLI_DB_SCRATCH)
		return cli_usage(c, "%s", "--db FILE is required");
	return CLI_GO_ON;
}

int cli_open_db(const struct cli *c, int must_exist, struct store **st)
{
	const char *path = c->db;
	char err[FC_CLI_ERRMSG_MAX];
	enum store_mode mode = STORE_CREATE;

	switch (c->command->db) {
	case CLI_DB_READ: mode = STORE_READ; break;
	case CLI_DB_WRITE: mode = STORE_WRITE; break;
	case CLI_DB_CREATE: mode = must_exist ? STORE_WRITE : STORE_CREATE; break;
	case CLI_DB_SCRATCH:
		if (path == NULL)
			path = ":memory:";
		break;
	case CLI_DB_NONE: /* a command table error: it says no database */
		return cli_fail(c, "%s", "this command takes no database");
	}
	if (store_open_mode(path, mode, st, err, sizeof(err)) != 0)
		return cli_fail(c, "%s", err);
	return CLI_GO_ON;
}

/* ---- Output ------------------------------------------------------------ */

/* -o FILE is written whole or not at all: into a temporary file beside it
 * (same directory, so that rename() is atomic), renamed over FILE when
 * the command succeeded, removed when it did not. A reader (a monitoring
 * agent's textfile collector, a job picking up last night's CSV) never
 * sees half a report, and a failed run leaves the previous file as it
 * was. The file gets the mode a plain fopen() would give it (0666 less
 * the umask) rather than mkstemp()'s 0600. */
FILE *cli_output_open(struct cli *c)
{
	struct stat st;
	size_t len;
	mode_t mask;
	FILE *out;
	int fd;

	if (c->output == NULL)
		return stdout;
	/* Something other than a file (/dev/null, a pipe, a terminal) is
	 * written to where it is: renamed over, it would be replaced by a
	 * file (as root, /dev/null itself). */
	if (stat(c->output, &st) == 0 && !S_ISREG(st.st_mode)) {
		out = fopen(c->output, "w");
		if (out == NULL)
			cli_fail(c, "%s: %s", c->output, strerror(errno));
		return out;
	}
	len = strlen(c->output) + sizeof(".tmp.XXXXXX");
	c->output_tmp = malloc(len);
	if (c->output_tmp == NULL) {
		cli_fail(c, "%s: %s", c->output, strerror(ENOMEM));
		return NULL;
	}
	snprintf(c->output_tmp, len, "%s.tmp.XXXXXX", c->output);
	fd = mkstemp(c->output_tmp);
	if (fd < 0) {
		cli_fail(c, "%s: %s", c->output, strerror(errno));
		free(c->output_tmp);
		c->output_tmp = NULL;
		return NULL;
	}
	mask = umask(0);
	umask(mask);
	(void)fchmod(fd, 0666 & ~mask);
	out = fdopen(fd, "w");
	if (out == NULL) {
		cli_fail(c, "%s: %s", c->output, strerror(errno));
		close(fd);
		cli_output_discard(c);
	}
	return out;
}

void cli_output_discard(struct cli *c)
{
	if (c->output_tmp == NULL)
		return;
	(void)unlink(c->output_tmp);
	free(c->output_tmp);
	c->output_tmp = NULL;
}

enum cli_exit cli_output_flush(const struct cli *c, FILE *out)
{
	if (fflush(out) != 0 || ferror(out))
		return cli_fail(c, "%s: %s",
				c->output ? c->output : "standard output",
				strerror(errno));
	return CLI_OK;
}

/* A command whose report was written but alerts (CLI_ALERT, CLI_REJECTED)
 * keeps its file: the report is whole, and it is what the alert is
 * about. Only a failure (CLI_FAILED, CLI_USAGE) leaves the old file. */
enum cli_exit cli_output_close(struct cli *c, FILE *out, enum cli_exit rc)
{
	if (out == NULL) {
		cli_output_discard(c);
		return CLI_FAILED;
	}
	if (rc != CLI_FAILED && rc != CLI_USAGE)
		rc = cli_output_flush(c, out) == CLI_OK ? rc : CLI_FAILED;
	if (out != stdout && fclose(out) != 0 && rc != CLI_FAILED) {
		rc = cli_fail(c, "%s: %s", c->output, strerror(errno));
	}
	if (c->output_tmp == NULL)
		return rc;
	if (rc != CLI_FAILED && rc != CLI_USAGE &&
	    rename(c->output_tmp, c->output) != 0)
		rc = cli_fail(c, "%s: %s", c->output, strerror(errno));
	cli_output_discard(c);
	return rc;
}
