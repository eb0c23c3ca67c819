/* main.c: fedcert's command table and its one dispatch. Each command is a
 * row: its name, its handler (scan.c, report.c, history.c), its help text
 * (usage.c), what it does with --db FILE and the formats it writes; the
 * framework (cli.h) reads the row, so that a command's words are said
 * once. Nothing else lives here.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/usage.h"
#include "common/fedcert_limits.h"
#include "scanner/scanner.h"
#include "store/store.h"

static enum cli_exit cmd_help(const struct cli_command *cmd, int argc,
			      char **argv);
static enum cli_exit cmd_version(const struct cli_command *cmd, int argc,
				 char **argv);

#define TEXT CLI_FORMAT(REPORT_TEXT)
#define JSON CLI_FORMAT(REPORT_JSON)

static const struct cli_command commands[] = {
	{ "scan", cli_cmd_scan, usage_scan, CLI_DB_CREATE, 0 },
	{ "report", cli_cmd_report, usage_report, CLI_DB_READ, CLI_FORMATS_ANY },
	{ "check", cli_cmd_check, usage_check, CLI_DB_SCRATCH, CLI_FORMATS_ANY },
	{ "findings", cli_cmd_findings, usage_findings, CLI_DB_NONE, 0 },
	{ "inspect", cli_cmd_inspect, usage_inspect, CLI_DB_NONE, TEXT | JSON },
	{ "scans", cli_cmd_scans, usage_scans, CLI_DB_READ, CLI_FORMATS_ALL },
	{ "history", cli_cmd_history, usage_history, CLI_DB_READ, TEXT | JSON },
	{ "expiring", cli_cmd_expiring, usage_expiring, CLI_DB_READ, CLI_FORMATS_ALL },
	{ "outlook", cli_cmd_outlook, usage_outlook, CLI_DB_READ, CLI_FORMATS_ALL },
	{ "diff", cli_cmd_diff, usage_diff, CLI_DB_READ, TEXT | JSON },
	{ "prune", cli_cmd_prune, usage_prune, CLI_DB_WRITE, 0 },
	{ "upgrade", cli_cmd_upgrade, usage_upgrade, CLI_DB_WRITE, 0 },
	{ "judge", cli_cmd_judge, usage_judge, CLI_DB_WRITE, 0 },
	{ "merge", cli_cmd_merge, usage_merge, CLI_DB_CREATE, 0 },
	{ "help", cmd_help, NULL, CLI_DB_NONE, 0 },
	{ "version", cmd_version, NULL, CLI_DB_NONE, 0 },
};

/* Other words for a command, as other tools spell them. */
static const struct {
	const char *word;
	const char *name;
} aliases[] = {
	{ "--help", "help" }, { "-h", "help" }, { "--version", "version" },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The row of the command named name (aliases too when with_aliases);
 * NULL when there is none. */
static const struct cli_command *command_find(const char *name,
					      int with_aliases)
{
	size_t i;

	for (i = 0; with_aliases && i < COUNT(aliases); i++)
		if (strcmp(aliases[i].word, name) == 0)
			name = aliases[i].name;
	for (i = 0; i < COUNT(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* help [COMMAND]: the overview, or a command's help. A word after it is
 * not looked at. */
static enum cli_exit cmd_help(const struct cli_command *cmd, int argc,
			      char **argv)
{
	const struct cli_command *about;

	(void)cmd;
	if (argc < 2) {
		fputs(usage_main, stdout);
		return CLI_OK;
	}
	about = command_find(argv[1], 0);
	if (about == NULL || about->help == NULL)
		return cli_usage(NULL, "no such command \"%s\"", argv[1]);
	fputs(about->help, stdout);
	return CLI_OK;
}

/* version: ours, and the libraries' as loaded. Words after it are not
 * looked at. */
static enum cli_exit cmd_version(const struct cli_command *cmd, int argc,
				 char **argv)
{
	(void)cmd;
	(void)argc;
	(void)argv;
	printf("fedcert %s\n", FEDCERT_VERSION);
	scan_print_versions(stdout);
	printf("SQLite %s\n", store_sqlite_version());
	return CLI_OK;
}

int main(int argc, char **argv)
{
	const struct cli_command *cmd;

	if (argc < 2) {
		fputs(usage_main, stderr);
		return CLI_USAGE;
	}
	cmd = command_find(argv[1], 1);
	if (cmd == NULL)
		return cli_usage(NULL, "no such command \"%s\"", argv[1]);
	return cmd->run(cmd, argc - 1, argv + 1);
}
