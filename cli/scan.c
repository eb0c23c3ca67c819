/* scan.c: the commands that probe: scan (a targets file into a database)
 * and check (one server or one SIP domain, now, with its report). They
 * parse their words and call run.c's steps; nothing else lives here.
 */
#include <stdio.h>
#include <stdlib.h>
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

static const char *scan_getenv(const char *name)
{
	return getenv(name);
}

/* --shard of a new scan: the index (the scheduler's, with auto/N) and
 * the file's digest, recorded with the scan for merge. */
static int scan_shard_new(struct cli_run *r)
{
	char err[FC_CLI_ERRMSG_MAX];

	if (r->shard == NULL)
		return CLI_GO_ON;
	if (shard_parse(r->shard, scan_getenv, &r->scan.shard, err,
			sizeof(err)) != 0)
		return cli_usage(&r->cli, "%s", err);
	if (r->scan.resume)
		return CLI_GO_ON; /* scan_shard_resume() */
	if (shard_file_sha256(r->scan.input, r->input_sha256, err,
			      sizeof(err)) != 0)
		return cli_fail(&r->cli, "%s", err);
	r->scan.input_sha256 = r->input_sha256;
	return CLI_GO_ON;
}

/* The shard a scan recorded in its options (" shard=I/N
 * input-sha256=HEX"); count 0 when it was not sharded. */
static void scan_recorded_shard(const char *options, struct scan_shard *sh,
				char sha[65])
{
	const char *p = options ? strstr(options, " shard=") : NULL;
	const char *h = options ? strstr(options, " input-sha256=") : NULL;

	sh->index = sh->count = 0;
	sha[0] = '\0';
	if (p == NULL || sscanf(p, " shard=%u/%u", &sh->index, &sh->count) != 2)
		sh->count = 0;
	if (h != NULL)
		snprintf(sha, 65, "%.64s", h + strlen(" input-sha256="));
}

/* --resume of a sharded scan goes on with its own shard, whether or not
 * --shard is given again, and only over the file it started with; one
 * that was not sharded takes no --shard. */
static int scan_shard_resume(struct cli_run *r, struct store *st)
{
	struct store_scan_row row = { 0 };
	struct scan_shard was;
	char err[FC_CLI_ERRMSG_MAX], sha[65];
	int64_t id = r->scan.resume_scan;
	int rc = CLI_GO_ON;

	if (id == 0 && store_scan_latest(st, &id) != 0)
		return CLI_GO_ON; /* the resume says why */
	if (id == 0 || store_scan_get(st, id, &row) != 0)
		return CLI_GO_ON;
	scan_recorded_shard(row.options, &was, sha);
	if (was.count == 0) {
		if (r->shard)
			rc = cli_usage(&r->cli, "--shard goes with a targets file"
				       " or a sharded scan: scan %lld was not"
				       " sharded", (long long)id);
	} else if (r->shard && (was.index != r->scan.shard.index ||
				was.count != r->scan.shard.count)) {
		rc = cli_usage(&r->cli, "scan %lld is shard %u/%u, not %s",
			       (long long)id, was.index, was.count, r->shard);
	} else if (shard_file_sha256(r->scan.input ? r->scan.input : row.input,
				     r->input_sha256, err, sizeof(err)) != 0) {
		rc = cli_fail(&r->cli, "%s", err);
	} else if (strcmp(sha, r->input_sha256) != 0) {
		rc = cli_fail(&r->cli, "%s changed since scan %lld (shard %u/%u)"
			      " began: its shards would not merge; scan it"
			      " afresh", r->scan.input ? r->scan.input :
			      row.input, (long long)id, was.index, was.count);
	} else {
		r->scan.shard = was;
		r->scan.input_sha256 = r->input_sha256;
	}
	store_scan_row_free(&row);
	return rc;
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
		CLI_LONGOPT("shard", required_argument, RUN_SHARD),
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
	if ((rc = scan_shard_new(&r)) != CLI_GO_ON)
		return rc;
	if ((rc = cli_open_db(&r.cli, r.scan.resume, &st)) != CLI_GO_ON)
		return rc;
	if (r.scan.resume && (rc = scan_shard_resume(&r, st)) != CLI_GO_ON) {
		store_close(st);
		return rc;
	}
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

/* The options only a HOST takes: with --fed/--sip/--sipint the type is
 * the flag's, and the name sent to each SRV target is its own. */
static int check_host_options(struct cli_run *r)
{
	int is_domain = strcmp(r->scan.one_type, "DIR") != 0;

	if (is_domain && r->inspect.type)
		return cli_usage(&r->cli, "%s", "--type goes with HOST[:PORT]: --fed, --sip and --sipint are their own type");
	if (is_domain && r->scan.sni)
		return cli_usage(&r->cli, "%s", "--sni goes with HOST[:PORT]: with --fed, --sip or --sipint each SRV target is the name sent to it");
	r->scan.one_stored_type = r->inspect.type;
	return CLI_GO_ON;
}

/* The usage error of a bad target, naming the argument as it was given:
 * "HOST:PORT" (split at its colon), or --fed/--sip/--sipint DOMAIN. */
static int check_bad_target(const struct cli_run *r, const char *why)
{
	const struct scan_options *s = &r->scan;

	if (strcmp(s->one_type, "DIR") == 0)
		return cli_usage(&r->cli, "\"%s%s%s\": %s", s->one_host,
				 s->one_port ? ":" : "",
				 s->one_port ? s->one_port : "", why);
	return cli_usage(&r->cli, "--%s \"%s\": %s",
			 strcmp(s->one_type, "FED") == 0 ? "fed" :
			 strcmp(s->one_type, "SIP") == 0 ? "sip" : "sipint",
			 s->one_host, why);
}

/* The one target, judged by the scanner's own rules before anything is
 * created: no database, no scan, no message naming the scanner's file in
 * memory. */
static int check_target(struct cli_run *r)
{
	const struct scan_options *s = &r->scan;
	char err[FC_CLI_ERRMSG_MAX];
	int literal = 0;

	if (targets_check_one(s->one_type, s->one_host, s->one_port, &literal,
			      err, sizeof(err)) != 0)
		return check_bad_target(r, err);
	if (s->sni && !scan_sni_is_valid(s->sni))
		return cli_usage(&r->cli, "--sni takes a host name (sip.example.com), not \"%s\"", s->sni);
	if (s->connect_to && !scan_connect_to_is_valid(s->connect_to))
		return cli_usage(&r->cli, "--connect-to takes an IP address and an optional port (192.0.2.10, 192.0.2.10:5061, [2001:db8::10]:5061), not \"%s\"",
				 s->connect_to);
	/* An address is where to connect already; the name is --sni's. */
	if (s->connect_to && literal)
		return cli_usage(&r->cli, "--connect-to gives the address of a name, and \"%s\" is an address already (--sni NAME sends a name to it)",
				 s->one_host);
	return CLI_GO_ON;
}

enum cli_exit cli_cmd_check(const struct cli_command *cmd, int argc,
			    char **argv)
{
	static const struct option longopts[] = {
		CLI_RUN_SCAN_LONGOPTS,
		CLI_RUN_REPORT_LONGOPTS,
		CLI_RUN_VIEW_LONGOPTS,
		CLI_LONGOPT_DB,
		CLI_LONGOPT("fed", required_argument, RUN_FED),
		CLI_LONGOPT("sip", required_argument, RUN_SIP),
		CLI_LONGOPT("sipint", required_argument, RUN_SIPINT),
		CLI_LONGOPT("type", required_argument, RUN_TYPE),
		CLI_LONGOPT("sni", required_argument, RUN_SNI),
		CLI_LONGOPT("connect-to", required_argument, RUN_CONNECT_TO),
		CLI_LONGOPT("quiet", no_argument, RUN_QUIET),
		CLI_LONGOPT_HELP,
		CLI_LONGOPT_END
	};
	struct cli_run r;
	struct store *st = NULL;
	int rc;

	cli_run_init(&r, cmd);
	if ((rc = cli_run_parse(&r, argc, argv, longopts)) != CLI_GO_ON ||
	    (rc = check_words(&r, argc, argv)) != CLI_GO_ON ||
	    (rc = check_host_options(&r)) != CLI_GO_ON ||
	    (rc = check_target(&r)) != CLI_GO_ON)
		return rc;
	r.scan.input = "fedcert check";
	r.scan.quiet = 1;
	r.quiet = 1;
	/* Our own chain is judged against the trust store the partner's
	 * is verified against: the scan verified only the partner's, and
	 * without it the report would have none for ours. */
	r.report.ca_file = r.scan.ca_file;
	r.report.ca_path = r.scan.ca_path;
	/* The quick look keeps nothing unless asked to (--db). */
	if ((rc = cli_open_db(&r.cli, 0, &st)) != CLI_GO_ON)
		return rc;
	rc = cli_run_scan(&r, st);
	if (rc == CLI_OK)
		rc = cli_run_report(&r, st);
	else if (r.incomplete)
		/* What could be done is shown, its heading saying what could
		 * not; the exit code stays the failed scan's. */
		cli_run_report(&r, st);
	store_close(st);
	return rc;
}
