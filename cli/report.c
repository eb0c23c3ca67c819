/* report.c: the commands that judge without probing: report (a scan of
 * the database), inspect (a certificate file) and findings (what they can
 * say). They parse their words and call the report; nothing else lives
 * here.
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/run.h"
#include "store/store.h"

enum cli_exit cli_cmd_report(const struct cli_command *cmd, int argc,
			     char **argv)
{
	static const struct option longopts[] = {
		CLI_RUN_REPORT_LONGOPTS,
		CLI_RUN_VIEW_LONGOPTS,
		CLI_LONGOPT_DB,
		CLI_LONGOPT_OUTPUT,
		CLI_LONGOPT("scan", required_argument, RUN_SCAN),
		CLI_LONGOPT("per-endpoint", no_argument, RUN_PER_ENDPOINT),
		CLI_LONGOPT("compliance", no_argument, RUN_COMPLIANCE),
		CLI_LONGOPT("judge-afresh", no_argument, RUN_JUDGE_AFRESH),
		CLI_LONGOPT("ca-file", required_argument, RUN_CA_FILE),
		CLI_LONGOPT("ca-path", required_argument, RUN_CA_PATH),
		CLI_LONGOPT_HELP,
		CLI_LONGOPT_END
	};
	struct cli_run r;
	struct store *st = NULL;
	int rc;

	cli_run_init(&r, cmd);
	if ((rc = cli_run_parse(&r, argc, argv, longopts)) != CLI_GO_ON ||
	    (rc = cli_no_words(&r.cli, argc, argv)) != CLI_GO_ON ||
	    (rc = cli_require_db(&r.cli)) != CLI_GO_ON ||
	    (rc = cli_format_is_accepted(&r.cli)) != CLI_GO_ON)
		return rc;
	/* --ca-file here is the trust store the report judges chains
	 * against again; the scan's options hold it as parsed. */
	r.report.ca_file = r.scan.ca_file;
	r.report.ca_path = r.scan.ca_path;
	r.report.notes = stderr;
	if ((rc = cli_open_db(&r.cli, 0, &st)) != CLI_GO_ON)
		return rc;
	rc = cli_run_report(&r, st);
	store_close(st);
	return rc;
}

/* outlook: the scan's foresight findings as a timeline (report.h's
 * outlook view), judged as of --as-of DATE (default now), up to --until
 * DATE. Exit codes as report's. */
enum cli_exit cli_cmd_outlook(const struct cli_command *cmd, int argc,
			      char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPT("format", required_argument, RUN_FORMAT),
		CLI_LONGOPT("min-severity", required_argument, RUN_MIN_SEVERITY),
		CLI_LONGOPT("fail-on", required_argument, RUN_FAIL_ON),
		CLI_LONGOPT("warn-days", required_argument, RUN_WARN_DAYS),
		CLI_LONGOPT("trust-events", required_argument, RUN_TRUST_EVENTS),
		CLI_LONGOPT("as-of", required_argument, RUN_AS_OF),
		CLI_LONGOPT("until", required_argument, RUN_UNTIL),
		CLI_LONGOPT("scan", required_argument, RUN_SCAN),
		CLI_LONGOPT("status", required_argument, RUN_STATUS),
		CLI_LONGOPT("domain", required_argument, RUN_DOMAIN),
		CLI_LONGOPT("bom", no_argument, RUN_BOM),
		CLI_LONGOPT("ca-file", required_argument, RUN_CA_FILE),
		CLI_LONGOPT("ca-path", required_argument, RUN_CA_PATH),
		CLI_LONGOPT_DB,
		CLI_LONGOPT_OUTPUT,
		CLI_LONGOPT_HELP,
		CLI_LONGOPT_END
	};
	struct cli_run r;
	struct store *st = NULL;
	int rc;

	cli_run_init(&r, cmd);
	if ((rc = cli_run_parse(&r, argc, argv, longopts)) != CLI_GO_ON ||
	    (rc = cli_no_words(&r.cli, argc, argv)) != CLI_GO_ON ||
	    (rc = cli_require_db(&r.cli)) != CLI_GO_ON ||
	    (rc = cli_format_is_accepted(&r.cli)) != CLI_GO_ON)
		return rc;
	r.report.outlook = 1;
	r.report.ca_file = r.scan.ca_file;
	r.report.ca_path = r.scan.ca_path;
	r.report.notes = stderr;
	if ((rc = cli_open_db(&r.cli, 0, &st)) != CLI_GO_ON)
		return rc;
	rc = cli_run_report(&r, st);
	store_close(st);
	return rc;
}

/* inspect FILE...: the report's findings on certificate files, no
 * network, no database. CLI_OK, CLI_FAILED (an unreadable file, not a
 * certificate: the others are judged all the same), CLI_USAGE or
 * CLI_ALERT. */
enum cli_exit cli_cmd_inspect(const struct cli_command *cmd, int argc,
			      char **argv)
{
	static const struct option longopts[] = {
		CLI_RUN_REPORT_LONGOPTS,
		CLI_LONGOPT("name", required_argument, RUN_NAME),
		CLI_LONGOPT("type", required_argument, RUN_TYPE),
		CLI_LONGOPT("ca-file", required_argument, RUN_CA_FILE),
		CLI_LONGOPT("ca-path", required_argument, RUN_CA_PATH),
		CLI_LONGOPT_HELP,
		CLI_LONGOPT_END
	};
	struct cli_run r;
	char err[FC_CLI_ERRMSG_MAX];
	size_t failed = 0;
	int rc, flagged = 0;

	cli_run_init(&r, cmd);
	if ((rc = cli_run_parse(&r, argc, argv, longopts)) != CLI_GO_ON)
		return rc;
	if (optind >= argc)
		return cli_usage(&r.cli, "%s", "give a certificate FILE");
	if ((rc = cli_format_is_accepted(&r.cli)) != CLI_GO_ON)
		return rc;
	r.inspect.files = (const char *const *)argv + optind;
	r.inspect.nfiles = (size_t)(argc - optind);
	r.report.ca_file = r.scan.ca_file;
	r.report.ca_path = r.scan.ca_path;
	r.report.notes = stderr;
	if (report_inspect(&r.inspect, &r.report, stdout, &flagged, &failed,
			   err, sizeof(err)) != 0)
		return cli_fail(&r.cli, "%s", err);
	if (failed > 0)
		return CLI_FAILED;
	return flagged ? CLI_ALERT : CLI_OK;
}

/* findings takes no option but --help, and no word. */
enum cli_exit cli_cmd_findings(const struct cli_command *cmd, int argc,
			       char **argv)
{
	struct cli c;

	cli_init(&c, cmd);
	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		fputs(cmd->help, stdout);
		return CLI_OK;
	}
	if (argc > 1)
		return cli_usage(&c, "unexpected argument \"%s\"", argv[1]);
	report_list_findings(stdout);
	return CLI_OK;
}
