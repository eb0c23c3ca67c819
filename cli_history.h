/* cli_history.h: the command line of the commands across scans:
 * scans, history, expiring, diff, prune, upgrade (cli_history.c). main.c hands
 * them their arguments; like main.c, they parse and call, nothing else.
 */
#ifndef FEDCERT_CLI_HISTORY_H
#define FEDCERT_CLI_HISTORY_H

#include <time.h>

/* Runs command cmd with argv[0] == cmd: the exit code (0, 1 a failed run,
 * 2 a usage error, 3 expiring's --fail-on), or -1 when cmd is not one of
 * these commands. */
int cli_history_command(const char *cmd, int argc, char **argv);

/* "30d", "12h", "2w", "1y" (365 days), "90" (days) as seconds; -1 when it
 * is none of these or beyond 100 years. */
long long cli_parse_within(const char *s);

/* An ISO 8601 date ("2027-01-31", midnight UTC) or date-time
 * ("2027-01-31T12:00:00Z", "2027-01-31T12:00", "2027-01-31 13:00+01:00";
 * UTC unless an offset is given) as a Unix time; -1 when it is not one. */
time_t cli_parse_date(const char *s);

#endif
