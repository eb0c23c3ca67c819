/* cli.h: the command-line framework every command of fedcert uses: exit
 * codes, the usage error, the parsers of option values, --format, the
 * database and -o FILE. cli/main.c holds the command table; one file per
 * command group (scan.c, report.c, history.c) parses its commands' words
 * with these and calls the stages.
 *
 * Return values, one convention for the whole folder:
 *  - a command's handler returns an enum cli_exit, the process's exit code;
 *  - a step of a command (parsing its options, checking its words, opening
 *    its database, one option's value) returns an int: CLI_GO_ON when the
 *    command goes on, else the enum cli_exit to end it with (CLI_OK after
 *    --help, CLI_USAGE after the usage error it printed, CLI_FAILED);
 *  - a parser of a value (cli_parse_number(), cli_parse_date(), ...)
 *    prints nothing and returns 1 when the text is one (*out set), 0 when
 *    it is not: the option's step words the usage error.
 * Messages go to standard error and start "fedcert COMMAND: "; data goes
 * to standard output or -o FILE.
 */
#ifndef FEDCERT_CLI_H
#define FEDCERT_CLI_H

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "report/report.h"

struct store;

/* The exit codes (the table of `fedcert help`). */
enum cli_exit {
	CLI_OK = 0,       /* success */
	CLI_FAILED = 1,   /* a failed run: a file, the database, a write */
	CLI_USAGE = 2,    /* a usage error */
	CLI_ALERT = 3,    /* --fail-on: something at or above it was shown */
	CLI_REJECTED = 4  /* scan --fail-on-input-errors: rows were rejected */
};

/* A step's "parsed, go on": not an exit code. */
enum { CLI_GO_ON = -1 };

/* What a command does with --db FILE (the command table says it once). */
enum cli_db {
	CLI_DB_NONE,    /* no database (findings, inspect) */
	CLI_DB_READ,    /* required; read only, never created nor changed */
	CLI_DB_WRITE,   /* required; written, never created */
	CLI_DB_CREATE,  /* required; created when missing */
	CLI_DB_SCRATCH  /* optional, created when missing; without it the
			   command works in a database in memory (check) */
};

/* The --format values, as a set: CLI_FORMAT(REPORT_CSV) | ... */
#define CLI_FORMAT(f) (1u << (f))
#define CLI_FORMATS_ALL \
	(CLI_FORMAT(REPORT_TEXT) | CLI_FORMAT(REPORT_CSV) | CLI_FORMAT(REPORT_JSON))
/* ... and every format a report of one scan writes (report, check). */
#define CLI_FORMATS_ANY (CLI_FORMATS_ALL | CLI_FORMAT(REPORT_PROMETHEUS) | \
			 CLI_FORMAT(REPORT_HTML))

/* One command of the table (cli/main.c). */
struct cli_command {
	const char *name;
	/* Runs the command; argv[0] is its name. Returns the exit code. */
	enum cli_exit (*run)(const struct cli_command *cmd, int argc,
			     char **argv);
	const char *help;  /* its --help and `fedcert help NAME`; NULL: none
			      (help and version have no page of their own) */
	enum cli_db db;
	unsigned formats;  /* the --format values it writes; 0: no --format */
};

/* What every command's line says, whatever the command. A group embeds it
 * in its own options and recovers them with container_of() in its option
 * callback. Every string is borrowed from argv. */
struct cli {
	const struct cli_command *command;
	const char *db;      /* --db FILE; NULL: not given */
	const char *output;  /* -o FILE; NULL: standard output */
	char *output_tmp;    /* the temporary file written in its place until
				cli_output_close() renames it; owned */
	enum report_format format; /* --format (default text) */
	int format_given;
};

#define container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

/* Long options the framework handles itself in cli_parse_options(). A
 * group's own option ids start at CLI_OPT_OWN. */
enum cli_option {
	CLI_OPT_OUTPUT = 'o',
	CLI_OPT_HELP = 256,
	CLI_OPT_DB,
	CLI_OPT_OWN
};

#define CLI_LONGOPT(name, has_arg, id) { name, has_arg, NULL, id }
#define CLI_LONGOPT_DB CLI_LONGOPT("db", required_argument, CLI_OPT_DB)
#define CLI_LONGOPT_HELP CLI_LONGOPT("help", no_argument, CLI_OPT_HELP)
#define CLI_LONGOPT_OUTPUT CLI_LONGOPT("output", required_argument, CLI_OPT_OUTPUT)
#define CLI_LONGOPT_END { NULL, 0, NULL, 0 }

/* A group's own options: called by cli_parse_options() with each option
 * it does not handle itself, arg the option's value (NULL when it has
 * none). Returns CLI_GO_ON, an exit code, or CLI_OPT_UNKNOWN. */
enum { CLI_OPT_UNKNOWN = -2 };
typedef int cli_option_fn(struct cli *c, int opt, char *arg);

/* A command's state before parsing: cmd's, nothing given, text format. */
void cli_init(struct cli *c, const struct cli_command *cmd);

/* Prints "fedcert CMD: <message>" and "Run 'fedcert CMD --help' for
 * usage." to standard error (without CMD when c is NULL: the words
 * before a command). Returns CLI_USAGE. */
enum cli_exit cli_usage(const struct cli *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prints "fedcert CMD: <message>" to standard error. Returns CLI_FAILED. */
enum cli_exit cli_fail(const struct cli *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Walks argv with getopt_long(): --help prints the command's help to
 * standard output (CLI_OK), --db and -o/--output are kept in c, every
 * other option goes to fn; an option neither knows is "bad option".
 * Returns CLI_GO_ON when every option was parsed (optind then points at
 * the first word), else the exit code. */
int cli_parse_options(struct cli *c, int argc, char **argv,
		      const char *shortopts, const struct option *longopts,
		      cli_option_fn *fn);

/* The words after the options: none. CLI_GO_ON, or the usage error
 * naming the first one. */
int cli_no_words(const struct cli *c, int argc, char **argv);

/* ---- Values ------------------------------------------------------------ */

/* A whole decimal number in [min, max] (strtoll's syntax: leading blanks
 * and a sign allowed, nothing after the digits). 1 and *out, or 0. */
int cli_parse_number(const char *s, long long min, long long max,
		     long long *out);

/* A scan number: the store numbers scans from 1. 1 and *out, or 0. */
int cli_parse_scan_id(const char *s, long long *out);

/* Seconds with an optional fraction ("0.5", "3") as milliseconds in
 * [min_ms, max_ms], rounded. 1 and *out_ms, or 0. */
int cli_parse_seconds_ms(const char *s, long long min_ms, long long max_ms,
			 long long *out_ms);

/* A duration: "30d", "12h", "2w", "1y" (365 days), "90" (days), the unit
 * in either case, as seconds in [0, FC_EXPIRING_WITHIN_MAX_S]. 1 and
 * *out_s, or 0. */
int cli_parse_duration(const char *s, long long *out_s);

/* An ISO 8601 date ("2027-01-31", midnight UTC) or date-time
 * ("2027-01-31T12:00:00Z", "2027-01-31T12:00", "2027-01-31 13:00+01:00";
 * UTC unless an offset is given) as a Unix time. A day that the month
 * does not have (2027-02-30) is not a date. 1 and *out, or 0. */
int cli_parse_date(const char *s, time_t *out);

/* The number option --NAME: *out on success, else the usage error
 * "--NAME must be a whole number from MIN to MAX". CLI_GO_ON or
 * CLI_USAGE. */
int cli_number_option(const struct cli *c, const char *name, const char *arg,
		      long long min, long long max, long long *out);

/* --format ARG, among formats (a CLI_FORMAT set): c->format and
 * c->format_given, or the usage error listing them. CLI_GO_ON or
 * CLI_USAGE. */
int cli_format_option(struct cli *c, const char *arg, unsigned formats);

/* The word --format takes for f: "text", "csv", "json", "prometheus". */
const char *cli_format_name(enum report_format f);

/* The format given is one the command writes (its table entry), else the
 * usage error "--format must be ...". CLI_GO_ON or CLI_USAGE. */
int cli_format_is_accepted(const struct cli *c);

/* --NAME SEV: "info", "warning", "error" as 0, 1, 2 (the report's
 * severities), and "none" as -1 where allow_none. CLI_GO_ON or the usage
 * error listing them. */
int cli_severity_option(const struct cli *c, const char *name,
			const char *arg, int allow_none, int *out);

/* ---- The database ------------------------------------------------------ */

/* --db FILE was given, or the command does not need it: CLI_GO_ON, else
 * the usage error "--db FILE is required". */
int cli_require_db(const struct cli *c);

/* Opens c->db in the mode of the command's table entry (CLI_DB_SCRATCH
 * without --db: a database in memory). must_exist turns a command that
 * creates its database into one that only writes it (scan --resume).
 * CLI_GO_ON and *st, which the caller closes with store_close(); else
 * CLI_FAILED after the store's message, which names the file. */
int cli_open_db(const struct cli *c, int must_exist, struct store **st);

/* ---- Output ------------------------------------------------------------ */

/* Standard output, or for -o FILE a temporary file beside FILE, which
 * cli_output_close() renames over it when the command succeeds (or
 * alerts): FILE is replaced whole or left as it was. NULL after a message
 * naming the file. */
FILE *cli_output_open(struct cli *c);

/* Removes the temporary file of -o FILE, if any (a command that fails
 * before cli_output_close()). */
void cli_output_discard(struct cli *c);

/* Flushes out: CLI_OK, or CLI_FAILED after a message naming the file (or
 * "standard output"). */
enum cli_exit cli_output_flush(const struct cli *c, FILE *out);

/* Ends the output of a command whose run came to rc: unless rc is
 * CLI_FAILED or CLI_USAGE, flushes it, closes it and renames -o FILE's
 * temporary file into place; a write error then makes it CLI_FAILED,
 * with a message naming the file. Otherwise the temporary file is
 * removed and FILE left as it was. out may be NULL (the open failed:
 * CLI_FAILED). Returns the command's exit code. */
enum cli_exit cli_output_close(struct cli *c, FILE *out, enum cli_exit rc);

#endif
