/* commands.h: the handlers of the command table (cli/main.c), one file per
 * group: scan.c (scan, check), report.c (report, inspect, findings),
 * history.c (scans, history, expiring, diff, prune, upgrade). Each runs
 * its command with argv[0] its name and returns the exit code; cmd is its
 * table entry (name, help text, database mode, formats).
 */
#ifndef FEDCERT_CLI_COMMANDS_H
#define FEDCERT_CLI_COMMANDS_H

#include "cli/cli.h"

#define CLI_HANDLER(name) \
	enum cli_exit name(const struct cli_command *cmd, int argc, char **argv)

/* scan.c */
CLI_HANDLER(cli_cmd_scan);     /* TARGETS.csv into --db: 0, 1, 2 or 4 */
CLI_HANDLER(cli_cmd_check);    /* one server or SIP domain now: 0-3 */

/* report.c */
CLI_HANDLER(cli_cmd_report);   /* a scan's report: 0-3 */
CLI_HANDLER(cli_cmd_inspect);  /* a certificate file's findings: 0-3 */
CLI_HANDLER(cli_cmd_findings); /* every finding, and why: 0 or 2 */
CLI_HANDLER(cli_cmd_outlook);  /* what is scheduled to break: 0-3 */

/* history.c: 0, 1 or 2 (expiring also 3 with --fail-on) */
CLI_HANDLER(cli_cmd_scans);    /* the scans, with counts and findings */
CLI_HANDLER(cli_cmd_history);  /* one domain over time */
CLI_HANDLER(cli_cmd_expiring); /* certificates expiring soon */
CLI_HANDLER(cli_cmd_diff);     /* what changed between two scans */
CLI_HANDLER(cli_cmd_prune);    /* keeps the newest N scans */
CLI_HANDLER(cli_cmd_upgrade);  /* an older database to this schema */
CLI_HANDLER(cli_cmd_judge);    /* keep the verdicts of older scans */

/* merge.c */
CLI_HANDLER(cli_cmd_merge);    /* shard databases into one scan: 0, 1, 2 */

#endif
