/* db.c: opening and closing the database, and the batch transaction.
 *
 * The writer runs on the scanner's event loop, so a commit per row would
 * stall it on fsync: writes are gathered in one transaction that is
 * committed every FC_BATCH_MAX writes, on store_flush() (the scanner calls
 * it on a timer), when a scan finishes and on close. WAL with
 * synchronous=NORMAL keeps each commit to an append, and lets a report
 * read while a scan writes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* The settings every connection runs with, before the file is read. */
static void configure_connection(sqlite3 *db)
{
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, FC_BUSY_TIMEOUT_MS);
}

/* A reader changes nothing: query_only makes SQLite refuse any write of
 * ours, on top of the read-only open. The journal mode is only looked
 * at: a file at rest is in rollback mode (nothing to create beside it),
 * one a scan is writing is in WAL mode (its -wal and -shm exist). */
static int configure_reader(sqlite3 *db, char *err, size_t errlen)
{
	char mode[32];

	if (pragma_text(db, "PRAGMA journal_mode", mode, sizeof(mode)) != 0 ||
	    sqlite3_exec(db, "PRAGMA query_only = ON", NULL, NULL, NULL) !=
		    SQLITE_OK) {
		snprintf(err, errlen, "cannot read: %s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

/* FEDCERT_STORE_MAX_PAGES: the test seam for a full disk. */
static int apply_max_pages(sqlite3 *db, char *err, size_t errlen)
{
	const char *v = getenv("FEDCERT_STORE_MAX_PAGES");
	char sql[64], *end;
	long n;

	if (v == NULL || *v == '\0')
		return 0;
	n = strtol(v, &end, 10);
	if (*end != '\0' || n < 1) {
		snprintf(err, errlen, "FEDCERT_STORE_MAX_PAGES must be a number"
			 " of pages, not \"%s\"", v);
		return -1;
	}
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %ld", n);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot cap the file: %s",
			 sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

/* A writer works in WAL mode, so that a report can read while it writes.
 * Changing a file at rest to WAL needs every reader gone for a moment:
 * wait for them longer than for an ordinary lock, rather than fail a
 * nightly scan because a long report was running. */
static int configure_writer(sqlite3 *db, char *err, size_t errlen)
{
	char mode[32];
	int rc;

	sqlite3_busy_timeout(db, FC_WAL_SWITCH_TIMEOUT_MS);
	rc = pragma_text(db, "PRAGMA journal_mode = WAL", mode, sizeof(mode));
	sqlite3_busy_timeout(db, FC_BUSY_TIMEOUT_MS);
	if (rc != 0) {
		snprintf(err, errlen, "cannot open: %s", sqlite3_errmsg(db));
		return -1;
	}
	/* An in-memory database (":memory:", used by check and the tests)
	 * cannot be WAL and does not need to be; any file must be. */
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
	return apply_max_pages(db, err, errlen);
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

static int is_memory(const char *path)
{
	return strcmp(path, ":memory:") == 0;
}

/* What the file system says of a file that must exist, before SQLite is
 * asked (SQLite's own message for these is "unable to open database
 * file"). The read is tried as a read: root passes every permission
 * bit, a mode 000 file included, and so does fedcert run as root. */
static int check_existing(const char *path, enum store_mode mode, char *err,
			  size_t errlen)
{
	struct stat sb;
	int fd;

	if (stat(path, &sb) != 0) {
		snprintf(err, errlen, "%s", errno == ENOENT ?
			 "no such file (nothing was created)" : strerror(errno));
		return -1;
	}
	if (S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "is a directory, not a database");
		return -1;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "cannot read: %s", strerror(errno));
		return -1;
	}
	close(fd);
	if (mode == STORE_READ && sb.st_size == 0) {
		snprintf(err, errlen, "an empty file, not a fedcert database");
		return -1;
	}
	return 0;
}

/* Everything after the connection is open. A file is identified before
 * anything is written to it: setting WAL mode alone would change another
 * program's database. */
static int open_file(struct store *st, char *why, size_t len)
{
	int empty = 0;

	configure_connection(st->db);
	if (store_identify(st->db, &st->version_found, &empty, why, len) != 0)
		return -1;
	if (st->mode == STORE_READ)
		return configure_reader(st->db, why, len) != 0 ||
		       store_check_current(st->version_found, st->path, why,
					   len) != 0 ||
		       prepare_all(st, why, len) != 0 ? -1 : 0;
	/* A newer file is refused before WAL mode touches its header. */
	if (store_check_not_newer(st->version_found, why, len) != 0 ||
	    configure_writer(st->db, why, len) != 0)
		return -1;
	st->wal_mode = 1;
	return store_migrate(st->db, why, len) != 0 ||
	       store_mark_ours(st->db, why, len) != 0 ||
	       prepare_all(st, why, len) != 0 ? -1 : 0;
}

int store_open_mode(const char *path, enum store_mode mode, struct store **out,
		    char *err, size_t errlen)
{
	static const int flags[] = {
		[STORE_CREATE] = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
		[STORE_WRITE] = SQLITE_OPEN_READWRITE,
		[STORE_READ] = SQLITE_OPEN_READONLY,
	};
	struct store *st = NULL;
	char why[FC_STORE_ERRMSG_MAX];
	int rc = -1;

	*out = NULL;
	if (path == NULL) {
		snprintf(err, errlen, "no database file given");
		goto out;
	}
	if (!is_memory(path) && mode != STORE_CREATE &&
	    check_existing(path, mode, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "%s: %s", path, why);
		goto out;
	}
	st = calloc(1, sizeof(*st));
	if (st == NULL || (st->path = strdup(path)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	st->mode = mode;
	if (sqlite3_open_v2(path, &st->db, flags[mode], NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
			 st->db != NULL ? sqlite3_errmsg(st->db) : "out of memory");
		goto out;
	}
	if (open_file(st, why, sizeof(why)) != 0) {
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

int store_open(const char *path, struct store **out, char *err, size_t errlen)
{
	return store_open_mode(path, STORE_CREATE, out, err, errlen);
}

const char *store_sqlite_version(void)
{
	return sqlite3_libversion();
}

int store_version_found(const struct store *st)
{
	return st->version_found;
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
	/* At rest in rollback mode: the checkpoint empties the WAL into the
	 * file and a reader then needs nothing beside it. While another
	 * connection has the file open SQLite refuses, and the file stays in
	 * WAL mode until the last writer closes. */
	if (st->wal_mode && !is_memory(st->path))
		sqlite3_exec(st->db, "PRAGMA journal_mode = DELETE", NULL,
			     NULL, NULL);
	sqlite3_close(st->db);
	free(st->path);
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

int store_prepare_query(struct store *st, const char *sql, sqlite3_stmt **s)
{
	*s = NULL;
	if (store_flush(st) != 0)
		return -1;
	if (sqlite3_prepare_v2(st->db, sql, -1, s, NULL) == SQLITE_OK)
		return 0;
	store_db_error(st, "cannot prepare a query");
	return -1;
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

int store_wal_reset(struct store *st)
{
	int rc;

	if (store_flush(st) != 0)
		return -1;
	if (!st->wal_mode)
		return 0;
	rc = sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_TRUNCATE,
				       NULL, NULL);
	if (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return 0;
	store_db_error(st, "cannot empty the write-ahead log");
	return -1;
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
