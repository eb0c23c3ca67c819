/* scan.c: the commands that probe: scan (a targets file into a database)
 * and check (one server or one SIP domain, now, with its report). They
 * parse their words and call run.c's steps; nothing else lives here.
 */
#include <string.h>

#include "cli/commands.h"
#include "cli/run.h"
#include "store/store.h"

/* A flag may not ask for more records than the DNS stage parses from one
 * answer. */
_Static_assert(FC_SRV_TARGETS_MAX <= FC_DNS_RECORDS_MAX,
	       "--max-srv-targets beyond the records of one answer");
_Static_assert(FC_ADDRS_MAX <= FC_DNS_RECORDS_MAX,
	       "--max-addresses beyond the records of one answer");

/* scan's words: TARGETS.csv, and with --resume an optional scan number
 * ("--resume 7" as well as "--resume=7"); the file may then be left out. */
static int scan_words(struct cli_run *r, int argc, char **argv)
{
	long long id;
	int i;

	for (i = optind; i < argc; i++) {
		if (r->scan.resume && r->scan.resume_scan == 0 &&
		    cli_parse_scan_id(argv[i], &id))
			r->scan.resume_scan = id;
		else if (r->scan.input == NULL)
			r->scan.input = argv[i];
		else
			return cli_usage(&r->cli, "%s", "exactly one targets file, please");
	}
	if (r->scan.input == NULL && !r->scan.resume)
		return cli_usage(&r->cli, "%s", "a targets file is required");
	return CLI_GO_ON;
}

enum cli_exit cli_cmd_scan(const struct cli_command *cmd, int argc,
			   char **argv)
{
	static const struct option longopts[] = {
		CLI_RUN_SCAN_LONGOPTS,
		CLI_LONGOPT_DB,
		CLI_LONGOPT("resume", optional_argument, RUN_RESUME),
		CLI_LONGOPT("fail-on-input-errors", no_argument, RUN_FAIL_ON_INPUT),
		CLI_LONGOPT("quiet", no_argument, RUN_QUIET),
		CLI_LONGOPT_HELP,
		CLI_LONGOPT_END
	};
	struct cli_run r;
	struct store *st = NULL;
	char err[FC_CLI_ERRMSG_MAX];
	int rc;

	cli_run_init(&r, cmd);
	if ((rc = cli_run_parse(&r, argc, argv, longopts)) != CLI_GO_ON ||
	    (rc = scan_words(&r, argc, argv)) != CLI_GO_ON ||
	    (rc = cli_require_db(&r.cli)) != CLI_GO_ON)
		return rc;
	r.scan.quiet = r.quiet;
	/* A file that cannot start a scan leaves no database behind; a
	 * resumed scan's database must exist already. */
	if (r.scan.input && targets_check(r.scan.input, err, sizeof(err)) != 0)
		return cli_fail(&r.cli, "%s", err);
	if ((rc = cli_open_db(&r.cli, r.scan.resume, &st)) != CLI_GO_ON)
		return rc;
	rc = cli_run_scan(&r, st);
	store_close(st);
	return rc;
}

/* HOST, HOST:PORT, [V6]:PORT or a bare IPv6 address: host and port (NULL
 * for the default) in place. */
static void check_split_host_port(char *arg, const char **host,
				  const char **port)
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

/* check's words: HOST[:PORT], or none after --fed/--sip/--sipint. */
static int check_words(struct cli_run *r, int argc, char **argv)
{
	if (r->scan.one_type)
		return cli_no_words(&r->cli, argc, argv);
	if (optind != argc - 1)
		return cli_usage(&r->cli, "%s", "give one HOST[:PORT], or --fed/--sip/--sipint DOMAIN");
	r->scan.one_type = "DIR";
	check_split_host_port(argv[optind], &r->scan.one_host, &r->scan.one_port);
	return CLI_GO_ON;
}

enum cli_exit cli_cmd_check(const struct cli_command *cmd, int argc,
			    char **argv)
{
	static const struct option longopts[] = {
		CLI_RUN_SCAN_LONGOPTS,
		CLI_RUN_REPORT_LONGOPTS,
		CLI_LONGOPT_DB,
		CLI_LONGOPT("fed", required_argument, RUN_FED),
		CLI_LONGOPT("sip", required_argument, RUN_SIP),
		CLI_LONGOPT("sipint", required_argument, RUN_SIPINT),
		CLI_LONGOPT("quiet", no_argument, RUN_QUIET),
		CLI_LONGOPT_HELP,
		CLI_LONGOPT_END
	};
	struct cli_run r;
	struct store *st = NULL;
	int rc;

	cli_run_init(&r, cmd);
	if ((rc = cli_run_parse(&r, argc, argv, longopts)) != CLI_GO_ON ||
	    (rc = check_words(&r, argc, argv)) != CLI_GO_ON)
		return rc;
	r.scan.input = "fedcert check";
	r.scan.quiet = 1;
	r.quiet = 1;
	/* The quick look keeps nothing unless asked to (--db). */
	if ((rc = cli_open_db(&r.cli, 0, &st)) != CLI_GO_ON)
		return rc;
	rc = cli_run_scan(&r, st);
	if (rc == CLI_OK)
		rc = cli_run_report(&r, st);
	store_close(st);
	return rc;
}
