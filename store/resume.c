/* resume.c: what a resumed scan needs from the one it continues: the scan
 * itself reopened, the rows already accounted for, and the probes already
 * made (so that they are linked, not made again).
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/store.h"
#include "store_int.h"

static int resume_prepare(struct store *st, const char *sql, sqlite3_stmt **s)
{
	if (sqlite3_prepare_v2(st->db, sql, -1, s, NULL) != SQLITE_OK) {
		store_db_error(st, "cannot read the scan to resume");
		return -1;
	}
	return 0;
}

/* The scan to resume: the given one, or the newest. Its status and input
 * file (owned by the caller). */
static int resume_pick(struct store *st, int64_t want, int64_t *id,
		       char **status, char **input)
{
	sqlite3_stmt *s = NULL;
	int rc = -1;

	if (resume_prepare(st, want ?
			   "SELECT id, status, input FROM scan WHERE id = ?1" :
			   "SELECT id, status, input FROM scan ORDER BY id DESC LIMIT 1",
			   &s) != 0)
		goto out;
	if (want)
		sqlite3_bind_int64(s, 1, want);
	if (sqlite3_step(s) != SQLITE_ROW) {
		if (want)
			store_set_error(st, "no scan %lld to resume", (long long)want);
		else
			store_set_error(st, "no scan to resume: the database has none");
		goto out;
	}
	*id = sqlite3_column_int64(s, 0);
	*status = strdup((const char *)sqlite3_column_text(s, 1));
	*input = strdup((const char *)sqlite3_column_text(s, 2));
	if (*status == NULL || *input == NULL) {
		store_set_error(st, "out of memory");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	return rc;
}

static int resume_exec(struct store *st, const char *sql, int64_t id)
{
	sqlite3_stmt *s = NULL;
	int rc = -1;

	if (resume_prepare(st, sql, &s) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) != SQLITE_DONE)
		store_db_error(st, "cannot reopen the scan");
	else
		rc = 0;
	sqlite3_finalize(s);
	return rc;
}

int store_scan_reopen(struct store *st, int64_t scan_id, int64_t *reopened,
		      char **input)
{
	char *status = NULL;
	int rc = -1;

	*input = NULL;
	if (store_flush(st) != 0 ||
	    resume_pick(st, scan_id, reopened, &status, input) != 0)
		goto out;
	if (strcmp(status, "done") == 0) {
		store_set_error(st, "scan %lld is done: nothing to resume",
				(long long)*reopened);
		goto out;
	}
	/* One transaction: a kill here leaves the scan as it was. */
	if (store_batch_begin(st) != 0 ||
	    resume_exec(st, "DELETE FROM target WHERE scan_id = ?1 AND complete = 0",
			*reopened) != 0 ||
	    resume_exec(st, "UPDATE scan SET status = 'running', finished = NULL"
			" WHERE id = ?1", *reopened) != 0 ||
	    store_flush(st) != 0)
		goto out;
	rc = 0;
out:
	if (rc != 0) {
		free(*input);
		*input = NULL;
	}
	free(status);
	return rc;
}

int store_each_done_line(struct store *st, int64_t scan_id, store_line_cb cb,
			 void *arg)
{
	sqlite3_stmt *s = NULL;
	int step, rc = -1;

	if (store_flush(st) != 0 ||
	    resume_prepare(st, "SELECT line FROM target WHERE scan_id = ?1 AND complete = 1"
			   " UNION SELECT line FROM input_error WHERE scan_id = ?1"
			   " ORDER BY 1", &s) != 0)
		goto out;
	sqlite3_bind_int64(s, 1, scan_id);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		rc = cb((long)sqlite3_column_int64(s, 0), arg);
		if (rc != 0)
			goto out;
	}
	if (step != SQLITE_DONE) {
		store_db_error(st, "cannot read the scan's rows");
		rc = -1;
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	return rc;
}
