/* merge.c: fedcert merge --db OUT.db SHARD.db...: the shard databases of
 * one sharded scan (`scan --shard I/N`) into one scan of OUT, which a
 * report then reads as it reads a scan of the whole file. The store does
 * the work (store_merge()); this file says what it did.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "store/store.h"

enum { MERGE_QUIET = CLI_OPT_OWN };

struct merge_cli {
	struct cli cli;
	int quiet;
};

static int merge_option(struct cli *c, int opt, char *arg)
{
	struct merge_cli *m = container_of(c, struct merge_cli, cli);

	(void)arg;
	if (opt != MERGE_QUIET)
		return CLI_OPT_UNKNOWN;
	m->quiet = 1;
	return CLI_GO_ON;
}

static void merge_note(const char *note, void *arg)
{
	const struct merge_cli *m = arg;

	if (!m->quiet)
		fprintf(stderr, "fedcert merge: %s\n", note);
}

/* What the merge did, on standard error: the merged scan, the shards it
 * has, the probes folded; a missing shard always (also with --quiet). */
static void merge_say(const struct merge_cli *m,
		      const struct store_merge_result *r)
{
	if (!m->quiet && r->added == 0)
		fprintf(stderr, "fedcert merge: nothing to add: scan %lld of %s"
			" has every shard given already (%u of %u)\n",
			(long long)r->scan_id, m->cli.db, r->present, r->shards);
	else if (!m->quiet)
		fprintf(stderr, "fedcert merge: scan %lld of %s: %s %u shard%s"
			" (%lld targets, %lld probes; %lld probes of endpoints"
			" that several shards probed folded into one, the"
			" facts being the same), %u of %u shards now, %s\n",
			(long long)r->scan_id, m->cli.db,
			r->rebuilt ? "rebuilt from" : r->created ?
			"made from" : "added", r->added,
			r->added == 1 ? "" : "s", (long long)r->targets,
			(long long)r->probes, (long long)r->folded,
			r->present, r->shards, r->status);
	if (r->missing[0])
		fprintf(stderr, "fedcert merge: scan %lld is incomplete: shard%s"
			" %s of %u missing; merge %s later and it completes\n",
			(long long)r->scan_id,
			r->present + 1 < r->shards ? "s" : "", r->missing,
			r->shards, r->present + 1 < r->shards ? "them" : "it");
	else if (strcmp(r->status, "done") != 0)
		fprintf(stderr, "fedcert merge: scan %lld is %s: a shard's scan"
			" was not done; resume it (fedcert scan --resume) and"
			" merge again\n", (long long)r->scan_id, r->status);
}

static void merge_remove_new(const char *db)
{
	static const char *const tails[] = { "", "-wal", "-shm", "-journal" };
	char path[4096];
	size_t i;

	for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++)
		if ((size_t)snprintf(path, sizeof(path), "%s%s", db, tails[i]) <
		    sizeof(path))
			unlink(path);
}

enum cli_exit cli_cmd_merge(const struct cli_command *cmd, int argc,
			    char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPT_DB, CLI_LONGOPT_HELP,
		CLI_LONGOPT("quiet", no_argument, MERGE_QUIET),
		CLI_LONGOPT_END
	};
	struct store_merge_result r;
	struct merge_cli m = { .quiet = 0 };
	struct store *st = NULL;
	int rc, existed, merged;

	cli_init(&m.cli, cmd);
	if ((rc = cli_parse_options(&m.cli, argc, argv, "", longopts,
				    merge_option)) != CLI_GO_ON ||
	    (rc = cli_require_db(&m.cli)) != CLI_GO_ON)
		return rc;
	if (optind >= argc)
		return cli_usage(&m.cli, "%s", "give the shard databases to merge (SHARD.db...)");
	existed = access(m.cli.db, F_OK) == 0;
	if ((rc = cli_open_db(&m.cli, 0, &st)) != CLI_GO_ON)
		return rc;
	rc = store_merge(st, (const char *const *)argv + optind,
			 (size_t)(argc - optind), merge_note, &m, &r);
	merged = rc == 0;
	if (rc == STORE_MERGE_REFUSED) {
		fprintf(stderr, "fedcert merge: %s: nothing merged\n",
			store_errmsg(st));
		rc = CLI_USAGE;
	} else if (rc != 0) {
		rc = cli_fail(&m.cli, "%s", store_errmsg(st));
	} else {
		merge_say(&m, &r);
		/* A merged scan without all its shards, or with one whose
		 * scan was not done, is written, and is not a full night:
		 * the exit says so, as a scan's would. */
		rc = r.missing[0] || strcmp(r.status, "done") != 0 ?
		     CLI_FAILED : CLI_OK;
	}
	store_close(st);
	/* Nothing merged into a file this command made: no empty database
	 * is left behind. */
	if (!existed && !merged)
		merge_remove_new(m.cli.db);
	return rc;
}
