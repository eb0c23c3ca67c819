/* prune.c: `fedcert prune --keep N`, the newest N scans and what they
 * reference, nothing else.
 *
 * Deleting a scan row is enough for everything that belongs to it: the
 * foreign keys cascade (store_open() turns them on) to targets, probes,
 * links, chains, DNS answers and records and input errors, through the
 * indexes on every foreign key. Certificates and endpoints are shared by
 * scans and belong to none: they go when nothing references them any
 * more (no chain link, no probe, nor any other reference the schema
 * declares). One transaction: a prune that fails half-way removes
 * nothing.
 */
#include <stdio.h>
#include <string.h>

#include "store/store_int.h"

/* The scans that go: all but the newest ?1. */
#define PRUNE_GONE "(SELECT id FROM scan WHERE id NOT IN" \
	" (SELECT id FROM scan ORDER BY id DESC LIMIT ?1))"

static const char sql_count_scans[] =
	"SELECT count(*) FROM scan WHERE id IN " PRUNE_GONE;
static const char sql_count_targets[] =
	"SELECT count(*) FROM target WHERE scan_id IN " PRUNE_GONE;
static const char sql_count_probes[] =
	"SELECT count(*) FROM probe WHERE scan_id IN " PRUNE_GONE;
static const char sql_delete_scans[] =
	"DELETE FROM scan WHERE id IN " PRUNE_GONE;

/* Every column of the schema that references ?1's id: the references are
 * read from the schema itself, so that a table a later step adds (the
 * client certificate of a scan) keeps what it points at. */
static const char sql_references[] =
	"SELECT m.name, f.\"from\" FROM sqlite_master m"
	" JOIN pragma_foreign_key_list(m.name) f"
	" WHERE m.type = 'table' AND f.\"table\" = ?1 ORDER BY m.name";

/* Runs sql with ?1 bound to keep (when it has a parameter); a SELECT's
 * one number goes to *n, a DELETE's changed rows likewise. */
static int prune_run(struct store *st, const char *sql, int64_t keep,
		     int64_t *n, const char *what)
{
	sqlite3_stmt *s = NULL;
	int step, rc = -1;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		store_db_error(st, what);
		goto out;
	}
	if (sqlite3_bind_parameter_count(s) > 0)
		sqlite3_bind_int64(s, 1, keep);
	step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		*n = sqlite3_column_int64(s, 0);
	} else if (step == SQLITE_DONE) {
		*n = sqlite3_changes(st->db);
	} else {
		store_db_error(st, what);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	return rc;
}

/* "DELETE FROM table WHERE id NOT IN (SELECT col FROM referrer) AND ..."
 * for every reference to table; NULL (with a message) when memory ran out
 * or nothing references it (which would delete every row). The caller
 * frees the text with sqlite3_free(). */
static char *prune_unreferenced_sql(struct store *st, const char *table)
{
	sqlite3_str *q = sqlite3_str_new(st->db);
	sqlite3_stmt *s = NULL;
	int refs = 0;

	sqlite3_str_appendf(q, "DELETE FROM \"%w\" WHERE 1", table);
	if (sqlite3_prepare_v2(st->db, sql_references, -1, &s, NULL) != SQLITE_OK) {
		store_db_error(st, "cannot read the schema");
		goto fail;
	}
	sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW) {
		sqlite3_str_appendf(q, " AND id NOT IN (SELECT \"%w\" FROM \"%w\""
				    " WHERE \"%w\" IS NOT NULL)",
				    (const char *)sqlite3_column_text(s, 1),
				    (const char *)sqlite3_column_text(s, 0),
				    (const char *)sqlite3_column_text(s, 1));
		refs++;
	}
	sqlite3_finalize(s);
	if (refs == 0 || sqlite3_str_errcode(q) != SQLITE_OK) {
		store_set_error(st, "cannot work out what references %s", table);
		goto fail;
	}
	return sqlite3_str_finish(q);
fail:
	sqlite3_free(sqlite3_str_finish(q));
	return NULL;
}

/* Deletes the rows of table that nothing references; *n of them. */
static int prune_unreferenced(struct store *st, const char *table, int64_t *n)
{
	char *sql = prune_unreferenced_sql(st, table);
	char what[64];
	int rc;

	if (sql == NULL)
		return -1;
	snprintf(what, sizeof what, "cannot delete the unused %s rows", table);
	rc = prune_run(st, sql, 0, n, what);
	sqlite3_free(sql);
	return rc;
}

static int prune_exec(struct store *st, const char *sql, const char *what)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	store_db_error(st, what);
	return -1;
}

/* The file's size as SQLite counts it: pages in use and free. */
static int prune_size(struct store *st, int64_t *bytes)
{
	int64_t pages = 0, size = 0;

	if (prune_run(st, "SELECT page_count FROM pragma_page_count", 0, &pages,
		      "cannot read the page count") != 0 ||
	    prune_run(st, "SELECT page_size FROM pragma_page_size", 0, &size,
		      "cannot read the page size") != 0)
		return -1;
	*bytes = pages * size;
	return 0;
}

int store_prune(struct store *st, int64_t keep, int dry_run,
		struct store_prune_result *out)
{
	int64_t verdicts = 0;
	int in_tx = 0, rc = -1;

	memset(out, 0, sizeof(*out));
	if (keep < 1) {
		store_set_error(st, "keep at least one scan");
		return -1;
	}
	if (store_flush(st) != 0 || prune_size(st, &out->bytes_before) != 0)
		return -1;
	out->bytes_after = out->bytes_before;
	/* IMMEDIATE: a scan that writes meanwhile waits for us (or we for
	 * it, up to the busy timeout) instead of failing half-way. */
	if (prune_exec(st, "BEGIN IMMEDIATE", "cannot start the prune") != 0)
		return -1;
	in_tx = 1;
	if (prune_run(st, sql_count_scans, keep, &out->scans,
		      "cannot count the scans") != 0 ||
	    prune_run(st, sql_count_targets, keep, &out->targets,
		      "cannot count the targets") != 0 ||
	    prune_run(st, sql_count_probes, keep, &out->probes,
		      "cannot count the probes") != 0 ||
	    prune_run(st, sql_delete_scans, keep, &out->scans,
		      "cannot delete the scans") != 0 ||
	    prune_unreferenced(st, "certificate", &out->certificates) != 0 ||
	    prune_unreferenced(st, "endpoint", &out->endpoints) != 0 ||
	    prune_unreferenced(st, "verdict_findings", &verdicts) != 0)
		goto out;
	if (prune_exec(st, dry_run ? "ROLLBACK" : "COMMIT",
		       "cannot commit the prune") != 0)
		goto out;
	in_tx = 0;
	rc = 0;
out:
	if (in_tx)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int store_vacuum(struct store *st, struct store_prune_result *out)
{
	if (store_flush(st) != 0 ||
	    prune_exec(st, "VACUUM", "cannot vacuum") != 0 ||
	    prune_exec(st, "PRAGMA wal_checkpoint(TRUNCATE)",
		       "cannot checkpoint") != 0)
		return -1;
	return prune_size(st, &out->bytes_after);
}
