/* run.h: what scan, check, report and inspect share (run.c): the options
 * of a scan and of a report, parsed by one function each, so that `check`
 * means the same by --timeout as `scan` and by --chain as `report`; and
 * the two steps check is made of, a scan and its report.
 */
#ifndef FEDCERT_CLI_RUN_H
#define FEDCERT_CLI_RUN_H

#include "cli/cli.h"
#include "common/fedcert_limits.h"
#include "report/report.h"
#include "scanner/scanner.h"

struct store;

/* The option ids of a run (long options without a short form). */
enum cli_run_option {
	/* a scan's */
	RUN_CA_FILE = CLI_OPT_OWN, RUN_CA_PATH, RUN_TIMEOUT, RUN_CONCURRENCY,
	RUN_DNS_SERVER, RUN_DNS_TIMEOUT, RUN_DNS_TRIES, RUN_MAX_SRV,
	RUN_MAX_ADDR, RUN_NO_POOL, RUN_IPV4, RUN_IPV6, RUN_CLIENT_CERT,
	RUN_CLIENT_KEY, RUN_CLIENT_KEY_PASS, RUN_RESUME, RUN_SIP_OPTIONS,
	RUN_SIP_DOMAIN, RUN_SIP_CONTACT, RUN_SIP_PACE,
	/* a report's */
	RUN_FORMAT, RUN_ADVANCED, RUN_CHAIN, RUN_MIN_SEVERITY, RUN_ONLY,
	RUN_FAIL_ON, RUN_WARN_DAYS, RUN_SCAN, RUN_PER_ENDPOINT, RUN_COMPLIANCE,
	RUN_SUMMARY, RUN_BY_FINDING, RUN_STATUS, RUN_FINDING, RUN_DOMAIN,
	RUN_BOM, RUN_JUDGE_AFRESH, RUN_PROFILE, RUN_TRUST_EVENTS, RUN_AS_OF,
	RUN_UNTIL,
	/* one command's */
	RUN_QUIET, RUN_FAIL_ON_INPUT, RUN_FED, RUN_SIP, RUN_SIPINT, RUN_NAME,
	RUN_TYPE, RUN_SNI, RUN_CONNECT_TO, RUN_SHARD
};

/* The options of a scan (scan and check). */
#define CLI_RUN_SCAN_LONGOPTS                                                \
	CLI_LONGOPT("ca-file", required_argument, RUN_CA_FILE),              \
	CLI_LONGOPT("ca-path", required_argument, RUN_CA_PATH),              \
	CLI_LONGOPT("timeout", required_argument, RUN_TIMEOUT),              \
	CLI_LONGOPT("concurrency", required_argument, RUN_CONCURRENCY),      \
	CLI_LONGOPT("dns-server", required_argument, RUN_DNS_SERVER),        \
	CLI_LONGOPT("dns-timeout", required_argument, RUN_DNS_TIMEOUT),      \
	CLI_LONGOPT("dns-tries", required_argument, RUN_DNS_TRIES),          \
	CLI_LONGOPT("max-srv-targets", required_argument, RUN_MAX_SRV),      \
	CLI_LONGOPT("max-addresses", required_argument, RUN_MAX_ADDR),       \
	CLI_LONGOPT("no-pool", no_argument, RUN_NO_POOL),                    \
	CLI_LONGOPT("ipv4-only", no_argument, RUN_IPV4),                     \
	CLI_LONGOPT("ipv6-only", no_argument, RUN_IPV6),                     \
	CLI_LONGOPT("client-cert", required_argument, RUN_CLIENT_CERT),      \
	CLI_LONGOPT("client-key", required_argument, RUN_CLIENT_KEY),        \
	CLI_LONGOPT("client-key-pass-file", required_argument, RUN_CLIENT_KEY_PASS), \
	CLI_LONGOPT("sip-options", no_argument, RUN_SIP_OPTIONS),            \
	CLI_LONGOPT("sip-domain", required_argument, RUN_SIP_DOMAIN),        \
	CLI_LONGOPT("sip-contact", required_argument, RUN_SIP_CONTACT),      \
	CLI_LONGOPT("sip-pace", required_argument, RUN_SIP_PACE)

/* The options of a report (report, check and inspect). */
#define CLI_RUN_REPORT_LONGOPTS                                              \
	CLI_LONGOPT("format", required_argument, RUN_FORMAT),                \
	CLI_LONGOPT("advanced", no_argument, RUN_ADVANCED),                  \
	CLI_LONGOPT("chain", no_argument, RUN_CHAIN),                        \
	CLI_LONGOPT("min-severity", required_argument, RUN_MIN_SEVERITY),    \
	CLI_LONGOPT("only", required_argument, RUN_ONLY),                    \
	CLI_LONGOPT("fail-on", required_argument, RUN_FAIL_ON),              \
	CLI_LONGOPT("warn-days", required_argument, RUN_WARN_DAYS),          \
	CLI_LONGOPT("profile", required_argument, RUN_PROFILE),              \
	CLI_LONGOPT("trust-events", required_argument, RUN_TRUST_EVENTS),    \
	CLI_LONGOPT("as-of", required_argument, RUN_AS_OF)

/* The views and target filters of a scan's report (report and check). */
#define CLI_RUN_VIEW_LONGOPTS                                                \
	CLI_LONGOPT("summary", no_argument, RUN_SUMMARY),                    \
	CLI_LONGOPT("by-finding", no_argument, RUN_BY_FINDING),              \
	CLI_LONGOPT("status", required_argument, RUN_STATUS),                \
	CLI_LONGOPT("finding", required_argument, RUN_FINDING),              \
	CLI_LONGOPT("domain", required_argument, RUN_DOMAIN),                \
	CLI_LONGOPT("bom", no_argument, RUN_BOM)

/* What one run's command line says: the stages' options, filled in by
 * the parser; every string borrowed from argv. */
struct cli_run {
	struct cli cli;
	struct scan_options scan;
	const char *servers[FC_DNS_SERVERS_MAX]; /* scan.dns_servers */
	struct report_options report;
	const char *only[FC_ONLY_MAX];            /* report.only */
	const char *finding[FC_ONLY_MAX];         /* report.finding */
	const char *trust_events[FC_TRUST_EVENTS_MAX]; /* report.trust_events */
	char domain[FC_DNS_NAME_MAX + 1];         /* report.domain, lowercase */
	int min_severity_given;
	int quiet;          /* --quiet */
	int incomplete;     /* the scan left targets not probed for a reason
			       of ours (cli_run_scan() failed it) */
	int compliance;     /* report --compliance */
	int fail_on_input;  /* scan --fail-on-input-errors */
	const char *shard;  /* scan --shard I/N or auto/N, as given */
	char input_sha256[65]; /* scan.input_sha256 of a sharded scan */
	struct report_inspect inspect; /* inspect FILE --name --type; the
					  --type of check HOST too */
};

/* r for command cmd before parsing: the defaults of common/. */
void cli_run_init(struct cli_run *r, const struct cli_command *cmd);

/* Parses the options of argv that longopts lists (and -o FILE) into r,
 * then checks the ones that go together. CLI_GO_ON (optind at the first
 * word), or the exit code (CLI_OK after --help, CLI_USAGE). */
int cli_run_parse(struct cli_run *r, int argc, char **argv,
		  const struct option *longopts);

/* Runs r's scan into st and prints its closing line, or why it did not
 * close well. Sets r->report.scan_id to the scan. CLI_OK, CLI_FAILED,
 * CLI_USAGE (check: its one target is not a valid row) or CLI_REJECTED
 * (rows rejected, with --fail-on-input-errors). */
enum cli_exit cli_run_scan(struct cli_run *r, struct store *st);

/* Writes the report (or with --compliance the compliance rows) of st to
 * -o FILE or standard output. CLI_OK, CLI_FAILED, or CLI_ALERT when
 * --fail-on is met. */
enum cli_exit cli_run_report(struct cli_run *r, struct store *st);

#endif
