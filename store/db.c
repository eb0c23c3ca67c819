/* db.c: opening and closing the database, and the batch transaction.
 *
 * The writer runs on the scanner's event loop, so a commit per row would
 * stall it on fsync: writes are gathered in one transaction that is
 * committed every FC_BATCH_MAX writes, on store_flush() (the scanner calls
 * it on a timer), when a scan finishes and on close. WAL with
 * synchronous=NORMAL keeps each commit to an append, and lets a report
 * read while a scan writes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

/* Runs a PRAGMA that answers one text value and copies it to out ("" when
 * it answers nothing). */
static int pragma_text(sqlite3 *db, const char *sql, char *out, size_t len)
{
	sqlite3_stmt *s = NULL;
	const unsigned char *v;
	int rc = -1;
	int step;

	out[0] = '\0';
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		goto out;
	step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		v = sqlite3_column_text(s, 0);
		snprintf(out, len, "%s", v != NULL ? (const char *)v : "");
	} else if (step != SQLITE_DONE) {
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	return rc;
}

/* The connection settings every fedcert connection runs with. This is
 * also where a file that is not a database is first noticed: SQLite opens
 * lazily and reads the header at the first statement. */
static int configure(sqlite3 *db, char *err, size_t errlen)
{
	char mode[32];

	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, FC_BUSY_TIMEOUT_MS);
	if (pragma_text(db, "PRAGMA journal_mode = WAL", mode, sizeof(mode)) !=
	    0) {
		if ((sqlite3_errcode(db) & 0xff) == SQLITE_NOTADB)
			snprintf(err, errlen, "not a SQLite database (%s)",
				 sqlite3_errmsg(db));
		else
			snprintf(err, errlen, "cannot open: %s",
				 sqlite3_errmsg(db));
		return -1;
	}
	/* An in-memory database (":memory:", used by tests) cannot be WAL
	 * and does not need to be; any file must be. */
	if (strcmp(mode, "wal") != 0 && strcmp(mode, "memory") != 0) {
		snprintf(err, errlen, "cannot use WAL mode (journal mode is %s)",
			 mode);
		return -1;
	}
	if (sqlite3_exec(db, "PRAGMA synchronous = NORMAL;"
			     "PRAGMA foreign_keys = ON;",
			 NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot configure: %s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

static int prepare_all(struct store *st, char *err, size_t errlen)
{
	enum store_stmt_id i;

	for (i = 0; i < STMT_COUNT; i++) {
		if (sqlite3_prepare_v3(st->db, store_stmt_sql(i), -1,
				       SQLITE_PREPARE_PERSISTENT, &st->stmt[i],
				       NULL) != SQLITE_OK) {
			snprintf(err, errlen, "cannot prepare \"%s\": %s",
				 store_stmt_sql(i), sqlite3_errmsg(st->db));
			return -1;
		}
	}
	return 0;
}

int store_open(const char *path, struct store **out, char *err, size_t errlen)
{
	struct store *st = NULL;
	char why[FC_STORE_ERRMSG_MAX];
	int rc = -1;

	*out = NULL;
	if (path == NULL) {
		snprintf(err, errlen, "no database file given");
		goto out;
	}
	st = calloc(1, sizeof(*st));
	if (st == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	if (sqlite3_open_v2(path, &st->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
			 st->db != NULL ? sqlite3_errmsg(st->db) : "out of memory");
		goto out;
	}
	if (configure(st->db, why, sizeof(why)) != 0 ||
	    store_migrate(st->db, why, sizeof(why)) != 0 ||
	    prepare_all(st, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "%s: %s", path, why);
		goto out;
	}
	*out = st;
	st = NULL;
	rc = 0;
out:
	store_close(st);
	return rc;
}

void store_close(struct store *st)
{
	int i;

	if (st == NULL)
		return;
	/* A failed final commit cannot be reported from here (the contract
	 * returns void); closing then rolls the batch back. Callers who need
	 * to know call store_flush() or store_scan_finish() first. */
	if (st->batch_open)
		store_flush(st);
	for (i = 0; i < STMT_COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	sqlite3_close(st->db);
	free(st);
}

const char *store_errmsg(const struct store *st)
{
	if (st == NULL)
		return "no database";
	return st->errmsg;
}

sqlite3_stmt *store_stmt(struct store *st, enum store_stmt_id id)
{
	sqlite3_stmt *s = st->stmt[id];

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return s;
}

int store_step_done(struct store *st, sqlite3_stmt *s, const char *what)
{
	int rc = 0;

	if (sqlite3_step(s) != SQLITE_DONE) {
		/* Before the reset, which may replace the message. */
		store_db_error(st, what);
		rc = -1;
	}
	/* Bindings are borrowed (SQLITE_STATIC) from the caller: drop them
	 * before the caller's memory goes away. */
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc;
}

int store_batch_begin(struct store *st)
{
	if (st->batch_open)
		return 0;
	/* IMMEDIATE: take the write lock now (waiting up to the busy timeout)
	 * rather than at the first write, where a deferred transaction in WAL
	 * mode would fail with SQLITE_BUSY without waiting. */
	if (store_step_done(st, store_stmt(st, STMT_BEGIN),
			    "cannot start a transaction") != 0)
		return -1;
	st->batch_open = 1;
	st->batch_writes = 0;
	return 0;
}

int store_batch_wrote(struct store *st)
{
	st->batch_writes++;
	if (st->batch_writes < FC_BATCH_MAX)
		return 0;
	return store_flush(st);
}

int store_flush(struct store *st)
{
	if (st == NULL)
		return -1;
	if (!st->batch_open)
		return 0;
	if (store_step_done(st, store_stmt(st, STMT_COMMIT),
			    "cannot commit") != 0)
		return -1;
	st->batch_open = 0;
	st->batch_writes = 0;
	return 0;
}
