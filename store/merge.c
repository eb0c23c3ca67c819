/* merge.c: fedcert merge, the shard scans of one targets file (`scan
 * --shard I/N`, one database each) into one scan of another database.
 *
 * A shard file is recognised by its newest sharded scan, whose options
 * name its index and the targets file's SHA-256. The shards of one merge
 * must agree on everything but the index; the merged scan is the newest
 * scan of the output file with the shards' options (shard= replaced by
 * shards=N), and merge_shard (schema step 10) says which shard scans it
 * was built from: merging again adds the shards it lacks, or nothing.
 * Everything read first, into a private temporary database; then one
 * write transaction on the output file (merge_copy.c): a merge stopped at
 * any point leaves the output file as it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "store/merge_int.h"

enum src_state { SRC_NEW, SRC_SAME, SRC_CHANGED, SRC_CONFLICT, SRC_DUP };

/* One shard file and its newest sharded scan; strings owned. */
struct merge_src {
	const char *path; /* borrowed from the caller */
	int64_t scan_id;
	char *started, *finished, *status, *options, *input, *version;
	char *rest;       /* options without " shard=I/N" */
	unsigned index, count;
	char sha[65];
	enum src_state state;
};

/* What the merged scan recorded of one shard. */
struct merge_rec {
	int have;
	int64_t source_scan;
	char started[32], finished[32], status[16];
};

static char *dup_col(sqlite3_stmt *s, int i)
{
	const unsigned char *v = sqlite3_column_text(s, i);

	return strdup(v ? (const char *)v : "");
}

static void src_clear(struct merge_src *m)
{
	free(m->started);
	free(m->finished);
	free(m->status);
	free(m->options);
	free(m->input);
	free(m->version);
	free(m->rest);
}

/* The index, N and digest the options record; rest: the options
 * without " shard=I/N". */
static int src_parse(struct merge_src *m)
{
	const char *p = strstr(m->options, " shard=");
	const char *h = strstr(m->options, " input-sha256=");
	const char *end;

	if (p == NULL || sscanf(p, " shard=%u/%u", &m->index, &m->count) != 2 ||
	    m->count < 1 || m->index >= m->count || h == NULL)
		return -1;
	snprintf(m->sha, sizeof(m->sha), "%.64s", h + strlen(" input-sha256="));
	end = strchr(p + 1, ' ');
	if ((m->rest = malloc(strlen(m->options) + 1)) == NULL)
		return -1;
	memcpy(m->rest, m->options, (size_t)(p - m->options));
	strcpy(m->rest + (p - m->options), end ? end : "");
	return 0;
}

/* Opens the shard file read-only (every check a report makes of a file)
 * and reads its newest sharded scan. */
static int src_read(struct store *out, struct merge_src *m)
{
	struct store *st = NULL;
	sqlite3_stmt *s = NULL;
	char err[FC_STORE_ERRMSG_MAX];
	int rc = -1;

	if (store_open_mode(m->path, STORE_READ, &st, err, sizeof(err)) != 0) {
		store_set_error(out, "%s", err);
		return -1;
	}
	if (sqlite3_prepare_v2(st->db, "SELECT id, started, finished, status,"
			       " options, input, version FROM scan"
			       " WHERE options LIKE '% shard=%'"
			       " ORDER BY id DESC LIMIT 1", -1, &s, NULL) !=
	    SQLITE_OK) {
		store_set_error(out, "%s: cannot read: %s", m->path,
				sqlite3_errmsg(st->db));
		goto out;
	}
	if (sqlite3_step(s) != SQLITE_ROW) {
		store_set_error(out, "%s: no sharded scan in it (fedcert scan"
				" --shard I/N)", m->path);
		rc = STORE_MERGE_REFUSED;
		goto out;
	}
	m->scan_id = sqlite3_column_int64(s, 0);
	m->started = dup_col(s, 1);
	m->finished = dup_col(s, 2);
	m->status = dup_col(s, 3);
	m->options = dup_col(s, 4);
	m->input = dup_col(s, 5);
	m->version = dup_col(s, 6);
	if (!m->started || !m->finished || !m->status || !m->options ||
	    !m->input || !m->version) {
		store_set_error(out, "out of memory");
		goto out;
	}
	if (src_parse(m) != 0) {
		store_set_error(out, "%s: scan %lld names no shard and"
				" targets digest that merge can read (\"%s\")",
				m->path, (long long)m->scan_id, m->options);
		rc = STORE_MERGE_REFUSED;
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	store_close(st);
	return rc;
}

/* The first word of a that b does not have ("" when none). */
static void first_word_missing(const char *a, const char *b, char *out,
			       size_t len)
{
	const char *w = a;

	out[0] = '\0';
	while (*w) {
		size_t n;
		const char *p;
		int found = 0;

		while (*w == ' ')
			w++;
		n = strcspn(w, " ");
		for (p = b; n && (p = strstr(p, w)) != NULL; p++)
			if ((p == b || p[-1] == ' ') &&
			    (p[n] == ' ' || p[n] == '\0') &&
			    strncmp(p, w, n) == 0) {
				found = 1;
				break;
			}
		if (n && !found) {
			snprintf(out, len, "%.*s", (int)n, w);
			return;
		}
		w += n;
	}
}

/* Whether b belongs with a (the first shard): refuses, naming both, when
 * not; marks b a duplicate when it is a's very scan (the same file
 * given twice, or a copy). */
static int src_match(struct store *out, const struct merge_src *a,
		     struct merge_src *b)
{
	char wa[256], wb[256];

	if (strcmp(a->sha, b->sha) != 0) {
		store_set_error(out, "%s and %s are shards of different targets"
				" files (SHA-256 %.16s... and %.16s...;"
				" %s and %s)", a->path, b->path, a->sha,
				b->sha, a->input, b->input);
		return STORE_MERGE_REFUSED;
	}
	if (a->count != b->count) {
		store_set_error(out, "%s is shard %u/%u and %s is shard %u/%u:"
				" the shards of one scan share N", a->path,
				a->index, a->count, b->path, b->index,
				b->count);
		return STORE_MERGE_REFUSED;
	}
	if (strcmp(a->rest, b->rest) != 0) {
		first_word_missing(a->rest, b->rest, wa, sizeof(wa));
		first_word_missing(b->rest, a->rest, wb, sizeof(wb));
		store_set_error(out, "%s and %s were scanned with different"
				" options: \"%s\" and \"%s\"", a->path, b->path,
				wa[0] ? wa : "(none)", wb[0] ? wb : "(none)");
		return STORE_MERGE_REFUSED;
	}
	if (a->index == b->index) {
		if (a->scan_id == b->scan_id &&
		    strcmp(a->started, b->started) == 0) {
			b->state = SRC_DUP;
			return 0;
		}
		store_set_error(out, "%s and %s both hold shard %u/%u, from"
				" different scans (started %s and %s)", a->path,
				b->path, a->index, a->count, a->started,
				b->started);
		return STORE_MERGE_REFUSED;
	}
	return 0;
}

/* The output file is not one of the shards. */
static int src_not_out(struct store *out, const struct merge_src *m)
{
	struct stat a, b;

	if (stat(out->path, &a) == 0 && stat(m->path, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
		store_set_error(out, "%s is the output file (--db), not a shard",
				m->path);
		return STORE_MERGE_REFUSED;
	}
	return 0;
}

/* The merged scan of these shards already in out (0: none), and what it
 * recorded of each shard into recs[0..count-1]; *nrec: its rows. */
static int merged_find(struct store *out, const char *options, unsigned count,
		       int64_t *scan_id, struct merge_rec *recs,
		       unsigned *nrec)
{
	sqlite3_stmt *s = NULL;
	int rc = -1, step;

	*scan_id = 0;
	*nrec = 0;
	memset(recs, 0, count * sizeof(*recs));
	if (store_prepare_query(out, "SELECT id FROM scan WHERE options = ?1"
				" ORDER BY id DESC LIMIT 1", &s) != 0)
		return -1;
	sqlite3_bind_text(s, 1, options, -1, SQLITE_STATIC);
	step = sqlite3_step(s);
	if (step == SQLITE_ROW)
		*scan_id = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	s = NULL;
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		store_db_error(out, "cannot read the merged scan");
		return -1;
	}
	if (*scan_id == 0)
		return 0;
	if (store_prepare_query(out, "SELECT shard, source_scan, source_started,"
				" ifnull(source_finished, ''), source_status"
				" FROM merge_shard WHERE scan_id = ?1"
				" AND source_scan IS NOT NULL", &s) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, *scan_id);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		unsigned i = (unsigned)sqlite3_column_int(s, 0);

		if (i >= count)
			continue;
		recs[i].have = 1;
		recs[i].source_scan = sqlite3_column_int64(s, 1);
		snprintf(recs[i].started, sizeof(recs[i].started), "%s",
			 (const char *)sqlite3_column_text(s, 2));
		snprintf(recs[i].finished, sizeof(recs[i].finished), "%s",
			 (const char *)sqlite3_column_text(s, 3));
		snprintf(recs[i].status, sizeof(recs[i].status), "%s",
			 (const char *)sqlite3_column_text(s, 4));
		(*nrec)++;
	}
	if (step != SQLITE_DONE)
		store_db_error(out, "cannot read the merged scan");
	else
		rc = 0;
	sqlite3_finalize(s);
	return rc;
}

/* Each shard against what the merged scan has: new, the same scan
 * (nothing to add), the same scan changed since (resumed), or another
 * scan's (another night's) shard. */
static void src_classify(struct merge_src *m, const struct merge_rec *r)
{
	if (m->state == SRC_DUP)
		return;
	if (!r->have)
		m->state = SRC_NEW;
	else if (r->source_scan != m->scan_id ||
		 strcmp(r->started, m->started) != 0)
		m->state = SRC_CONFLICT;
	else if (strcmp(r->finished, m->finished) != 0 ||
		 strcmp(r->status, m->status) != 0)
		m->state = SRC_CHANGED;
	else
		m->state = SRC_SAME;
}

/* What to do with the merged scan found: add to it, make a new one (none
 * found; or every shard given is another night's), or rebuild it (a
 * shard of it changed since, and every shard it has is given again).
 * Marks the shards to add SRC_NEW. */
static int merge_decide(struct store *out, struct merge_src *srcs, size_t n,
			int64_t *scan_id, const struct merge_rec *recs,
			int *rebuild)
{
	size_t i, given = 0, same = 0, changed = 0, conflict = 0;
	const struct merge_src *c = NULL, *ch = NULL;
	unsigned k, count = srcs[0].count;

	*rebuild = 0;
	for (i = 0; i < n; i++) {
		if (srcs[i].state == SRC_DUP)
			continue;
		given++;
		same += srcs[i].state == SRC_SAME;
		if (srcs[i].state == SRC_CHANGED && ch == NULL)
			ch = &srcs[i];
		changed += srcs[i].state == SRC_CHANGED;
		if (srcs[i].state == SRC_CONFLICT && c == NULL)
			c = &srcs[i];
		conflict += srcs[i].state == SRC_CONFLICT;
	}
	if (conflict && !same && !changed) {
		*scan_id = 0; /* another night's shards: a scan of their own */
	} else if (conflict) {
		store_set_error(out, "%s holds shard %u/%u from scan %lld"
				" (started %s), but scan %lld of %s has that shard"
				" from another scan (started %s) and the other"
				" shards given from its own: merge one night's"
				" shards together", c->path, c->index, c->count,
				(long long)c->scan_id, c->started,
				(long long)*scan_id, out->path,
				recs[c->index].started);
		return STORE_MERGE_REFUSED;
	} else if (changed) {
		for (k = 0; k < count; k++) {
			int in = !recs[k].have;

			for (i = 0; i < n && !in; i++)
				in = srcs[i].state != SRC_DUP &&
				     srcs[i].index == k;
			if (!in) {
				store_set_error(out, "%s: shard %u/%u changed"
						" since it was merged into scan"
						" %lld (it was %s, it is %s now):"
						" give every shard of that scan"
						" again to rebuild it", ch->path,
						ch->index, ch->count,
						(long long)*scan_id,
						recs[ch->index].status,
						ch->status);
				return STORE_MERGE_REFUSED;
			}
		}
		*rebuild = 1;
	}
	for (i = 0; i < n; i++)
		if (srcs[i].state != SRC_DUP &&
		    (*scan_id == 0 || *rebuild || srcs[i].state == SRC_NEW))
			srcs[i].state = SRC_NEW;
		else if (srcs[i].state != SRC_DUP)
			srcs[i].state = SRC_SAME;
	(void)given;
	return 0;
}

static int merge_exec(struct store *out, const char *sql, int64_t a,
		      int64_t b, const char *c, const char *what)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (sqlite3_prepare_v2(out->db, sql, -1, &s, NULL) != SQLITE_OK) {
		store_db_error(out, what);
		return -1;
	}
	if (sqlite3_bind_parameter_count(s) >= 1)
		sqlite3_bind_int64(s, 1, a);
	if (sqlite3_bind_parameter_count(s) >= 2)
		sqlite3_bind_int64(s, 2, b);
	if (sqlite3_bind_parameter_count(s) >= 3)
		sqlite3_bind_text(s, 3, c, -1, SQLITE_STATIC);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
	if (rc != 0)
		store_db_error(out, what);
	sqlite3_finalize(s);
	return rc;
}

/* The merged scan's row: a new one (running until the end of the
 * transaction, which no reader sees). */
static int merge_new_scan(struct store *out, const struct merge_src *m,
			  const char *options, int64_t *scan_id)
{
	sqlite3_stmt *s = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(out->db, "INSERT INTO scan (started, status,"
			       " input, options, version) VALUES (?1,"
			       " 'running', ?2, ?3, ?4)", -1, &s, NULL) ==
	    SQLITE_OK) {
		sqlite3_bind_text(s, 1, m->started, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, m->input, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, options, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 4, m->version, -1, SQLITE_STATIC);
		if (sqlite3_step(s) == SQLITE_DONE) {
			*scan_id = sqlite3_last_insert_rowid(out->db);
			rc = 0;
		}
	}
	if (rc != 0)
		store_db_error(out, "cannot record the merged scan");
	sqlite3_finalize(s);
	return rc;
}

static int merge_record_shard(struct store *out, int64_t scan_id,
			      const struct merge_src *m, const char *now)
{
	sqlite3_stmt *s = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(out->db, "INSERT OR REPLACE INTO merge_shard"
			       " (scan_id, shard, shards, source, source_scan,"
			       " source_started, source_finished, source_status,"
			       " merged) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
			       " nullif(?7, ''), ?8, ?9)", -1, &s, NULL) ==
	    SQLITE_OK) {
		sqlite3_bind_int64(s, 1, scan_id);
		sqlite3_bind_int(s, 2, (int)m->index);
		sqlite3_bind_int(s, 3, (int)m->count);
		sqlite3_bind_text(s, 4, m->path, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 5, m->scan_id);
		sqlite3_bind_text(s, 6, m->started, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 7, m->finished, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 8, m->status, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 9, now, -1, SQLITE_STATIC);
		rc = sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
	}
	if (rc != 0)
		store_db_error(out, "cannot record a merged shard");
	sqlite3_finalize(s);
	return rc;
}

/* A row for each shard that is missing (no source), then the merged
 * scan's start (the first shard's), end (the last shard's) and status:
 * done when every shard is there and each was done, failed
 * otherwise (so that diff, which compares done scans, does not take a
 * part of the night for all of it). */
static const char sql_missing[] =
	"WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k"
	" WHERE i + 1 < ?2) INSERT OR IGNORE INTO merge_shard (scan_id, shard,"
	" shards) SELECT ?1, i, ?2 FROM k";

static const char sql_close[] =
	"UPDATE scan SET"
	" started = (SELECT min(source_started) FROM merge_shard"
	"  WHERE scan_id = ?1),"
	" finished = (SELECT max(source_finished) FROM merge_shard"
	"  WHERE scan_id = ?1),"
	" status = CASE WHEN NOT EXISTS (SELECT 1 FROM merge_shard"
	"  WHERE scan_id = ?1 AND source_status IS NOT 'done')"
	"  THEN 'done' ELSE 'failed' END"
	" WHERE id = ?1";

/* Which shards the merged scan has and lacks, and its status. */
static int merge_result(struct store *out, struct store_merge_result *res)
{
	sqlite3_stmt *s = NULL;
	unsigned char *have = calloc(res->shards, 1);
	size_t used = 0;
	unsigned k;
	int rc = -1, step;

	if (have == NULL) {
		store_set_error(out, "out of memory");
		return -1;
	}
	if (sqlite3_prepare_v2(out->db, "SELECT shard FROM merge_shard WHERE"
			       " scan_id = ?1 AND source_scan IS NOT NULL", -1,
			       &s, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(s, 1, res->scan_id);
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		if ((unsigned)sqlite3_column_int(s, 0) < res->shards)
			have[sqlite3_column_int(s, 0)] = 1;
	sqlite3_finalize(s);
	s = NULL;
	if (step != SQLITE_DONE ||
	    sqlite3_prepare_v2(out->db, "SELECT status FROM scan WHERE id = ?1",
			       -1, &s, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(s, 1, res->scan_id);
	if (sqlite3_step(s) != SQLITE_ROW)
		goto out;
	snprintf(res->status, sizeof(res->status), "%s",
		 (const char *)sqlite3_column_text(s, 0));
	res->missing[0] = '\0';
	res->present = 0;
	for (k = 0; k < res->shards; k++) {
		if (have[k]) {
			res->present++;
		} else if (used + 16 < sizeof(res->missing)) {
			used += (size_t)snprintf(res->missing + used,
						 sizeof(res->missing) - used,
						 "%s%u", used ? ", " : "", k);
		} else if (used + 4 < sizeof(res->missing) &&
			   strcmp(res->missing + used - 3, "...") != 0) {
			used += (size_t)snprintf(res->missing + used,
						 sizeof(res->missing) - used,
						 "...");
		}
	}
	rc = 0;
out:
	if (rc != 0)
		store_db_error(out, "cannot read the merged scan back");
	sqlite3_finalize(s);
	free(have);
	return rc;
}

/* The transaction: the merged scan (new, rebuilt or added to), the staged
 * rows, the shards recorded, its status. */
static int merge_write(struct store *out, struct merge_src *srcs, size_t n,
		       const char *options, int64_t old_id, int rebuild,
		       unsigned nrec, struct store_merge_result *res)
{
	const char *what = "cannot write the merged scan";
	struct merge_rec *again = NULL;
	char now[UTC_TEXT_MAX];
	int64_t found = 0;
	unsigned nagain = 0;
	size_t i;
	int rc = -1;

	if ((again = calloc(srcs[0].count, sizeof(*again))) == NULL) {
		store_set_error(out, "out of memory");
		return -1;
	}
	if (merge_exec(out, "BEGIN IMMEDIATE", 0, 0, NULL, what) != 0)
		goto out;
	/* Another merge into the same file since the shards were read. */
	if (merged_find(out, options, srcs[0].count, &found, again,
			&nagain) != 0)
		goto rollback;
	if (found != old_id || nagain != nrec) {
		store_set_error(out, "%s: another merge changed it meanwhile;"
				" run this one again", out->path);
		goto rollback;
	}
	res->scan_id = old_id;
	if (rebuild && merge_exec(out, "DELETE FROM scan WHERE id = ?1",
				  old_id, 0, NULL, what) != 0)
		goto rollback;
	if ((old_id == 0 || rebuild) &&
	    merge_new_scan(out, &srcs[0], options, &res->scan_id) != 0)
		goto rollback;
	if (merge_stage_write(out, res->scan_id, &res->targets, &res->probes,
			      &res->folded) != 0)
		goto rollback;
	utc_format(time(NULL), now);
	for (i = 0; i < n; i++)
		if (srcs[i].state == SRC_NEW &&
		    merge_record_shard(out, res->scan_id, &srcs[i], now) != 0)
			goto rollback;
	if (merge_exec(out, sql_missing, res->scan_id, srcs[0].count, NULL,
		       what) != 0 ||
	    merge_exec(out, sql_close, res->scan_id, 0, NULL, what) != 0 ||
	    merge_result(out, res) != 0 ||
	    merge_exec(out, "COMMIT", 0, 0, NULL, "cannot commit the merge") != 0)
		goto rollback;
	rc = 0;
	goto out;
rollback:
	sqlite3_exec(out->db, "ROLLBACK", NULL, NULL, NULL);
out:
	free(again);
	return rc;
}

/* Reads every shard file and checks that they belong together. */
static int merge_sources(struct store *out, struct merge_src *srcs, size_t n)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		if ((rc = src_not_out(out, &srcs[i])) != 0 ||
		    (rc = src_read(out, &srcs[i])) != 0)
			return rc;
		if (i > 0 && (rc = src_match(out, &srcs[0], &srcs[i])) != 0)
			return rc;
	}
	/* Two scans claiming one index, neither of them the first's. */
	for (i = 1; i < n; i++) {
		size_t j;

		for (j = i + 1; j < n; j++)
			if (srcs[i].state != SRC_DUP &&
			    srcs[j].state != SRC_DUP &&
			    (rc = src_match(out, &srcs[i], &srcs[j])) != 0)
				return rc;
	}
	return 0;
}

int store_merge(struct store *out, const char *const *paths, size_t n,
		store_merge_note_fn *note, void *arg,
		struct store_merge_result *res)
{
	struct merge_src *srcs = NULL;
	struct merge_rec *recs = NULL;
	char *options = NULL, line[FC_STORE_ERRMSG_MAX];
	int64_t scan_id = 0;
	unsigned nrec = 0;
	int rebuild = 0, staged = 0, rc = -1;
	size_t i;

	memset(res, 0, sizeof(*res));
	if (n == 0 || n > FC_MERGE_SHARDS_MAX) {
		store_set_error(out, "give from 1 to %d shard files",
				FC_MERGE_SHARDS_MAX);
		return STORE_MERGE_REFUSED;
	}
	if (store_flush(out) != 0 ||
	    (srcs = calloc(n, sizeof(*srcs))) == NULL) {
		store_set_error(out, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++)
		srcs[i].path = paths[i];
	if ((rc = merge_sources(out, srcs, n)) != 0)
		goto out;
	rc = -1;
	res->shards = srcs[0].count;
	if ((options = malloc(strlen(srcs[0].rest) + 32)) == NULL ||
	    (recs = calloc(res->shards, sizeof(*recs))) == NULL) {
		store_set_error(out, "out of memory");
		goto out;
	}
	sprintf(options, "%s shards=%u", srcs[0].rest, res->shards);
	if (merged_find(out, options, res->shards, &scan_id, recs, &nrec) != 0)
		goto out;
	for (i = 0; i < n; i++)
		if (scan_id)
			src_classify(&srcs[i], &recs[srcs[i].index]);
	if ((rc = merge_decide(out, srcs, n, &scan_id, recs, &rebuild)) != 0)
		goto out;
	rc = -1;
	res->created = scan_id == 0 || rebuild;
	res->rebuilt = rebuild;
	for (i = 0; i < n; i++) {
		res->added += srcs[i].state == SRC_NEW;
		res->already += srcs[i].state == SRC_SAME;
	}
	if (res->added == 0) {
		/* Everything given is in the merged scan already. */
		res->scan_id = scan_id;
		rc = merge_result(out, res);
		goto out;
	}
	if (merge_stage_open(out) != 0)
		goto out;
	staged = 1;
	for (i = 0; i < n; i++) {
		if (srcs[i].state != SRC_NEW)
			continue;
		snprintf(line, sizeof(line), "reading shard %u/%u: %s (scan %lld,"
			 " %s)", srcs[i].index, srcs[i].count, srcs[i].path,
			 (long long)srcs[i].scan_id, srcs[i].status);
		if (note)
			note(line, arg);
		if (merge_stage_shard(out, srcs[i].path, srcs[i].index,
				      srcs[i].scan_id) != 0)
			goto out;
	}
	snprintf(line, sizeof(line), "writing the merged scan into %s", out->path);
	if (note)
		note(line, arg);
	rc = merge_write(out, srcs, n, options, scan_id, rebuild, nrec, res);
out:
	if (staged)
		merge_stage_close(out);
	for (i = 0; srcs && i < n; i++)
		src_clear(&srcs[i]);
	free(srcs);
	free(recs);
	free(options);
	return rc;
}
