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
#include <time.h>

#include "store/merge_int.h"

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
 * rows, the shards recorded, its status. seen_id and nrec: the newest
 * merged scan of these options and its shards as read before (checked
 * again under the write lock); old_id: the scan added to or rebuilt, 0
 * for a new one (another night's shards). */
static int merge_write(struct store *out, struct merge_src *srcs, size_t n,
		       const char *options, int64_t seen_id, int64_t old_id,
		       int rebuild, unsigned nrec,
		       struct store_merge_result *res)
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
	if (merge_find(out, options, srcs[0].count, &found, again,
			&nagain) != 0)
		goto rollback;
	if (found != seen_id || nagain != nrec) {
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

int store_merge(struct store *out, const char *const *paths, size_t n,
		store_merge_note_fn *note, void *arg,
		struct store_merge_result *res)
{
	struct merge_src *srcs = NULL;
	struct merge_rec *recs = NULL;
	char *options = NULL, line[FC_STORE_ERRMSG_MAX];
	int64_t scan_id = 0, seen_id;
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
	if (merge_find(out, options, res->shards, &scan_id, recs, &nrec) != 0)
		goto out;
	seen_id = scan_id;
	for (i = 0; i < n; i++)
		if (scan_id)
			merge_classify(&srcs[i], &recs[srcs[i].index]);
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
	rc = merge_write(out, srcs, n, options, seen_id, scan_id, rebuild, nrec,
			 res);
out:
	if (staged)
		merge_stage_close(out);
	for (i = 0; srcs && i < n; i++)
		merge_src_clear(&srcs[i]);
	free(srcs);
	free(recs);
	free(options);
	return rc;
}
