/* cli_history.h: the command line of the commands across scans (#6):
 * scans, history, expiring, diff, prune (cli_history.c). main.c hands
 * them their arguments; like main.c, they parse and call, nothing else.
 */
#ifndef FEDCERT_CLI_HISTORY_H
#define FEDCERT_CLI_HISTORY_H

/* Runs command cmd with argv[0] == cmd: the exit code (0, 1 a failed run,
 * 2 a usage error), or -1 when cmd is not one of these commands. */
int cli_history_command(const char *cmd, int argc, char **argv);

/* "30d", "12h", "2w", "90" (days) as seconds; -1 when it is none of
 * these or beyond 100 years. */
long long cli_parse_within(const char *s);

#endif
