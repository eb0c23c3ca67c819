/* commands.h: the handlers of the command table (cli/main.c), one file per
 * group: scan.c (scan, check), report.c (report, inspect, findings),
 * history.c (scans, history, expiring, diff, prune, upgrade). Each runs
 * its command with argv[0] its name and returns the exit code; cmd is its
 * table entry (name, help text, database mode, formats).
 */
#ifndef FEDCERT_CLI_COMMANDS_H
#define FEDCERT_CLI_COMMANDS_H

#include "cli/cli.h"

/* scan.c */
enum cli_exit cli_cmd_scan(const struct cli_command *cmd, int argc, char **argv);
enum cli_exit cli_cmd_check(const struct cli_command *cmd, int argc, char **argv);

/* report.c */
enum cli_exit cli_cmd_report(const struct cli_command *cmd, int argc, char **argv);
enum cli_exit cli_cmd_inspect(const struct cli_command *cmd, int argc, char **argv);
enum cli_exit cli_cmd_findings(const struct cli_command *cmd, int argc, char **argv);

/* history.c */
enum cli_exit cli_cmd_scans(const struct cli_command *cmd, int argc, char **argv);
enum cli_exit cli_cmd_history(const struct cli_command *cmd, int argc, char **argv);
enum cli_exit cli_cmd_expiring(const struct cli_command *cmd, int argc, char **argv);
enum cli_exit cli_cmd_diff(const struct cli_command *cmd, int argc, char **argv);
enum cli_exit cli_cmd_prune(const struct cli_command *cmd, int argc, char **argv);
enum cli_exit cli_cmd_upgrade(const struct cli_command *cmd, int argc, char **argv);

#endif
