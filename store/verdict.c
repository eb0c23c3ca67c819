/* verdict.c: the report's verdicts on a scan, kept beside the facts
 * (schema step 7). The store only keeps and hands back what the report
 * wrote: it neither judges nor reads these rows as facts. */
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

static const char sql_scan_get[] =
	"SELECT judge, trust, warn_days, judged_at, scan_status,"
	" scan_finished, pass, warn, fail, infos, warnings, errors"
	" FROM verdict_scan WHERE scan_id = ?1";

static const char sql_counts[] =
	"SELECT finding, severity, targets FROM verdict_scan_finding"
	" WHERE scan_id = ?1 ORDER BY finding, severity";

static const char sql_forget_scan[] =
	"DELETE FROM verdict_scan WHERE scan_id = ?1";

static const char sql_forget_counts[] =
	"DELETE FROM verdict_scan_finding WHERE scan_id = ?1";

static const char sql_forget_targets[] =
	"DELETE FROM verdict_target WHERE target_id IN"
	" (SELECT id FROM target WHERE scan_id = ?1)";

static const char sql_scan_add[] =
	"INSERT INTO verdict_scan(scan_id, judge, trust, warn_days, judged_at,"
	" scan_status, scan_finished, pass, warn, fail, infos, warnings,"
	" errors) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
	" ?13)";

static const char sql_count_add[] =
	"INSERT INTO verdict_scan_finding(scan_id, finding, severity, targets)"
	" VALUES (?1, ?2, ?3, ?4)";

static char *dup_col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t != NULL ? strdup((const char *)t) : NULL;
}

void store_verdict_scan_clear(struct store_verdict_scan *v)
{
	free(v->judge);
	free(v->trust);
	free(v->scan_status);
	free(v->scan_finished);
	memset(v, 0, sizeof(*v));
}

int store_verdict_scan_get(struct store *st, int64_t scan_id,
			   struct store_verdict_scan *out)
{
	sqlite3_stmt *s;
	int rc, i;

	memset(out, 0, sizeof(*out));
	if (store_prepare_query(st, sql_scan_get, &s) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, scan_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		rc = 0;
	} else if (rc != SQLITE_ROW) {
		store_db_error(st, "cannot read the verdicts");
		rc = -1;
	} else {
		out->judge = dup_col(s, 0);
		out->trust = dup_col(s, 1);
		out->warn_days = sqlite3_column_int(s, 2);
		out->judged_at = sqlite3_column_int64(s, 3);
		out->scan_status = dup_col(s, 4);
		out->scan_finished = dup_col(s, 5);
		for (i = 0; i < 3; i++) {
			out->status[i] = sqlite3_column_int64(s, 6 + i);
			out->findings[i] = sqlite3_column_int64(s, 9 + i);
		}
		rc = 1;
		if (out->judge == NULL || out->trust == NULL) {
			store_verdict_scan_clear(out);
			store_set_error(st, "out of memory");
			rc = -1;
		}
	}
	sqlite3_finalize(s);
	return rc;
}

int store_each_verdict_count(struct store *st, int64_t scan_id,
			     store_verdict_count_cb cb, void *arg)
{
	struct store_verdict_count c;
	sqlite3_stmt *s;
	int rc = 0, step;

	if (store_prepare_query(st, sql_counts, &s) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, scan_id);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		c.finding = (const char *)sqlite3_column_text(s, 0);
		c.severity = sqlite3_column_int(s, 1);
		c.targets = sqlite3_column_int64(s, 2);
		if (c.finding != NULL && (rc = cb(&c, arg)) != 0)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE) {
		store_db_error(st, "cannot read the verdicts");
		rc = -1;
	}
	sqlite3_finalize(s);
	return rc;
}

int store_verdict_target_get(struct store *st, int64_t target_id,
			     int *status, int64_t *valid_until,
			     unsigned char **findings, size_t *len)
{
	sqlite3_stmt *s = store_stmt(st, STMT_VERDICT_TARGET_GET);
	const void *blob;
	int rc;

	*findings = NULL;
	*len = 0;
	sqlite3_bind_int64(s, 1, target_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		rc = 0;
	} else if (rc != SQLITE_ROW) {
		store_db_error(st, "cannot read a verdict");
		rc = -1;
	} else {
		*status = sqlite3_column_int(s, 0);
		*valid_until = sqlite3_column_int64(s, 1);
		blob = sqlite3_column_blob(s, 2);
		*len = (size_t)sqlite3_column_bytes(s, 2);
		rc = 1;
		if (blob != NULL && *len > 0) {
			*findings = malloc(*len);
			if (*findings == NULL) {
				store_set_error(st, "out of memory");
				rc = -1;
			} else {
				memcpy(*findings, blob, *len);
			}
		} else {
			*len = 0;
		}
	}
	sqlite3_reset(s);
	return rc;
}

/* Runs sql with scan_id as ?1. */
static int run_for_scan(struct store *st, const char *sql, int64_t scan_id,
			const char *what)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		store_db_error(st, what);
		return -1;
	}
	sqlite3_bind_int64(s, 1, scan_id);
	rc = store_step_done(st, s, what);
	sqlite3_finalize(s);
	return rc;
}

int store_verdicts_begin(struct store *st, int64_t scan_id)
{
	if (store_flush(st) != 0 || store_batch_begin(st) != 0)
		return -1;
	/* The counts go with the scan's row (a foreign key), but a file
	 * edited without foreign keys may have kept them. */
	if (run_for_scan(st, sql_forget_scan, scan_id,
			 "cannot remove the old verdicts") != 0 ||
	    run_for_scan(st, sql_forget_counts, scan_id,
			 "cannot remove the old verdicts") != 0 ||
	    run_for_scan(st, sql_forget_targets, scan_id,
			 "cannot remove the old verdicts") != 0)
		return -1;
	return store_batch_wrote(st);
}

/* The id of the stored findings list with this digest, added if new. */
static int findings_id(struct store *st, const unsigned char *digest,
		       const unsigned char *findings, size_t len,
		       int64_t *id)
{
	sqlite3_stmt *s = store_stmt(st, STMT_VERDICT_FINDINGS_FIND);
	int rc, alike = 0;

	sqlite3_bind_blob(s, 1, digest, 32, SQLITE_STATIC);
	sqlite3_bind_blob(s, 2, findings, (int)len, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		alike = sqlite3_column_int(s, 1);
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc == SQLITE_ROW && !alike) {
		/* The row under this digest says something else (the file
		 * was changed by hand): what was judged now replaces it. */
		s = store_stmt(st, STMT_VERDICT_FINDINGS_SET);
		sqlite3_bind_int64(s, 1, *id);
		sqlite3_bind_blob(s, 2, findings, (int)len, SQLITE_STATIC);
		return store_step_done(st, s, "cannot store a verdict");
	}
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE) {
		store_db_error(st, "cannot read the verdicts");
		return -1;
	}
	s = store_stmt(st, STMT_VERDICT_FINDINGS_ADD);
	sqlite3_bind_blob(s, 1, digest, 32, SQLITE_STATIC);
	sqlite3_bind_blob(s, 2, findings, (int)len, SQLITE_STATIC);
	if (store_step_done(st, s, "cannot store a verdict") != 0)
		return -1;
	*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int store_verdict_target_put(struct store *st, int64_t target_id,
			     int status, int64_t valid_until,
			     const unsigned char *digest,
			     const unsigned char *findings, size_t len)
{
	sqlite3_stmt *s;
	int64_t fid = 0;

	if (len > (size_t)FC_VERDICT_FINDINGS_MAX) {
		store_set_error(st, "a verdict of %zu bytes is too long", len);
		return -1;
	}
	if (findings != NULL && len > 0 &&
	    findings_id(st, digest, findings, len, &fid) != 0)
		return -1;
	s = store_stmt(st, STMT_VERDICT_TARGET_ADD);
	sqlite3_bind_int64(s, 1, target_id);
	sqlite3_bind_int(s, 2, status);
	sqlite3_bind_int64(s, 3, valid_until);
	if (fid != 0)
		sqlite3_bind_int64(s, 4, fid);
	if (store_step_done(st, s, "cannot store a verdict") != 0)
		return -1;
	return store_batch_wrote(st);
}

int store_verdicts_end(struct store *st, int64_t scan_id,
		       const struct store_verdict_scan *v,
		       const struct store_verdict_count *counts, size_t n)
{
	sqlite3_stmt *s = NULL;
	size_t i;
	int k;

	if (store_batch_begin(st) != 0)
		return -1;
	if (sqlite3_prepare_v2(st->db, sql_scan_add, -1, &s, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(s, 1, scan_id);
	store_bind_text(s, 2, v->judge);
	store_bind_text(s, 3, v->trust);
	sqlite3_bind_int(s, 4, v->warn_days);
	sqlite3_bind_int64(s, 5, v->judged_at);
	store_bind_text(s, 6, v->scan_status);
	store_bind_text(s, 7, v->scan_finished);
	for (k = 0; k < 3; k++) {
		sqlite3_bind_int64(s, 8 + k, v->status[k]);
		sqlite3_bind_int64(s, 11 + k, v->findings[k]);
	}
	if (store_step_done(st, s, "cannot store the verdicts") != 0)
		goto out;
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(st->db, sql_count_add, -1, &s, NULL) != SQLITE_OK)
		goto fail;
	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(s, 1, scan_id);
		store_bind_text(s, 2, counts[i].finding);
		sqlite3_bind_int(s, 3, counts[i].severity);
		sqlite3_bind_int64(s, 4, counts[i].targets);
		if (store_step_done(st, s, "cannot store the verdicts") != 0)
			goto out;
	}
	sqlite3_finalize(s);
	return store_flush(st);
fail:
	store_db_error(st, "cannot store the verdicts");
out:
	sqlite3_finalize(s);
	return -1;
}
