/* store_int.h: private to store/. The handle, its prepared statements and
 * the helpers the store's files share. Nothing outside store/ includes it.
 */
#ifndef FEDCERT_STORE_INT_H
#define FEDCERT_STORE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <sqlite3.h>

#include "fedcert_limits.h"
#include "store/store.h"
#include "common/cert.h"
#include "common/utc.h"

/* Every writer statement, prepared once in store_open() and reused with
 * sqlite3_reset()/sqlite3_clear_bindings(). Their SQL is in writer.c. */
enum store_stmt_id {
	STMT_BEGIN,
	STMT_COMMIT,
	STMT_SAVEPOINT,
	STMT_RELEASE,
	STMT_ROLLBACK_TO,
	STMT_SCAN_BEGIN,
	STMT_SCAN_FINISH,
	STMT_TARGET_ADD,
	STMT_TARGET_SET_ERROR,
	STMT_TARGET_COMPLETE,
	STMT_INPUT_ERROR_ADD,
	STMT_ENDPOINT_FIND,
	STMT_ENDPOINT_ADD,
	STMT_PROBE_ADD,
	STMT_CERT_FIND,
	STMT_CERT_ADD,
	STMT_CHAIN_LINK_ADD,
	STMT_TARGET_PROBE_ADD,
	STMT_DNS_ANSWER_ADD,
	STMT_DNS_RECORD_ADD,
	STMT_TARGET_DNS_ADD,
	STMT_CA_NAME_ADD,
	STMT_CLIENT_CERT_ADD,
	STMT_VERDICT_TARGET_GET,
	STMT_VERDICT_FINDINGS_ADD,
	STMT_VERDICT_FINDINGS_FIND,
	STMT_VERDICT_FINDINGS_SET,
	STMT_VERDICT_TARGET_ADD,
	STMT_CERT_FIRST_SEEN,
	STMT_SIP_ADD,
	STMT_RECALL_PROBE,
	STMT_RECALL_ANSWERS,
	STMT_RECALL_RECORDS,
	STMT_COUNT
};

/* One open database. Owns the connection and every prepared statement;
 * store_close() frees all of it. */
struct store {
	sqlite3 *db;
	enum store_mode mode;
	char *path; /* as given to store_open_mode(); owned */
	int version_found; /* the schema version the file had when opened */
	int wal_mode;      /* we switched it to WAL: back to rollback on close */
	sqlite3_stmt *stmt[STMT_COUNT];
	int batch_open;   /* a BEGIN of ours is waiting for its COMMIT */
	int batch_writes; /* writes made in that transaction */
	char errmsg[FC_STORE_ERRMSG_MAX];
};

/* ---- util.c ---------------------------------------------------------- */

/* Sets st->errmsg from a printf format. */
void store_set_error(struct store *st, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/* Sets st->errmsg to "what: <file>: <sqlite3_errmsg>". If SQLite rolled the whole
 * transaction back on that error (a full disk, an I/O error), the pending
 * batch is gone: the handle forgets it and the message says so. */
void store_db_error(struct store *st, const char *what);


/* ---- schema.c -------------------------------------------------------- */

/* Brings the schema of db to store_schema_version(), in one transaction.
 * Returns -1 with a message in err (not naming the file; the caller adds
 * it) when the file is newer than this build or a step fails. */
int store_migrate(sqlite3 *db, char *err, size_t errlen);

/* PRAGMA application_id of a fedcert database: "FEDC". */
#define STORE_APPLICATION_ID 0x46454443

/* Tells whether db is fedcert's, before anything is written to it: 0 with
 * its schema version in *version and *empty set for a file with no
 * tables at all (new), or -1 with a message in err (not naming the file)
 * for a file that is not SQLite or is another program's database. */
int store_identify(sqlite3 *db, int *version, int *empty, char *err,
		   size_t errlen);

/* -1 with a message in err when version is newer than this build's. */
int store_check_not_newer(int version, char *err, size_t errlen);

/* Sets our application id, once per file (a write). */
int store_mark_ours(sqlite3 *db, char *err, size_t errlen);

/* 0 when version is the schema this build reads; else -1 with what to do
 * in err (an older file names `fedcert upgrade --db path`). */
int store_check_current(int version, const char *path, char *err,
			size_t errlen);

/* ---- db.c ------------------------------------------------------------ */

/* The statement id, reset and with no bindings, ready to bind. Borrowed. */
sqlite3_stmt *store_stmt(struct store *st, enum store_stmt_id id);

/* Steps a statement that returns no row and resets it. Returns -1 with
 * "what: <sqlite error>" in st->errmsg on failure. */
int store_step_done(struct store *st, sqlite3_stmt *s, const char *what);

/* Prepares a query of one call (finalized by the caller) after committing
 * the pending batch, so that it sees every write: 0, or -1 with the
 * store's message ("cannot prepare a query"). */
int store_prepare_query(struct store *st, const char *sql, sqlite3_stmt **s);

/* Opens the batch transaction if none is open. */
int store_batch_begin(struct store *st);

/* Counts one write; commits when the batch holds FC_BATCH_MAX writes. */
int store_batch_wrote(struct store *st);

/* ---- writer.c -------------------------------------------------------- */

/* The SQL of each writer statement. Static strings. */
const char *store_stmt_sql(enum store_stmt_id id);

/* Binds a borrowed string (SQLITE_STATIC); NULL binds SQL NULL. */
int store_bind_text(sqlite3_stmt *s, int i, const char *v);

/* Binds NULL for a negative number: "unknown" or "unused" is SQL NULL,
 * never a sentinel. */
int store_bind_nonneg(sqlite3_stmt *s, int i, int64_t v);

/* The binds of one statement, OR-ed together: 0 when all succeeded, else
 * -1 with "what: <sqlite error>" in st->errmsg. */
int store_bind_check(struct store *st, int binds, const char *what);

/* A savepoint makes a write of several rows all or nothing without ending
 * the batch. The caller has opened the batch; on failure after the
 * savepoint it calls store_savepoint_undo(), which reports nothing (the
 * caller's message says what failed first). */
int store_savepoint_begin(struct store *st, const char *what);
int store_savepoint_release(struct store *st, const char *what);
void store_savepoint_undo(struct store *st);

/* ---- reader.c: walking targets --------------------------------------- */

/* The statements of one walk over targets (store_each_target(), and the
 * walks of history.c); owned by the walk, freed by store_walk_close(). */
/* The chains and acceptable CA names a walk has read, by probe (a hosted
 * pool's members are linked to thousands of targets: their chains are
 * read once, not once per target). At most STORE_WALK_PROBES_MAX probes
 * are kept, about 3 KB each (a chain of two, DER included): 24 MB at
 * most; past that, each target's rows carry their own. */
#define STORE_WALK_PROBES_MAX 8192

struct walk_probe_facts {
	int64_t probe_id; /* 0: a free slot */
	struct store_cert_row *chain;
	size_t chain_len;
	char **ca_names;
	size_t ca_count;
};

struct target_walk {
	struct store *st;
	struct walk_probe_facts *facts; /* 2 * STORE_WALK_PROBES_MAX slots */
	size_t nfacts;
	sqlite3_stmt *targets;
	sqlite3_stmt *probes;
	sqlite3_stmt *chain;
	sqlite3_stmt *dns;
	sqlite3_stmt *records;
	sqlite3_stmt *ca_names;
};

/* Commits the pending batch and prepares a walk whose targets statement is
 * targets_sql: it must select id, line, domain, type, port, error_kind,
 * error_reason, in that order; the caller binds and steps it. On failure
 * w is closed and st->errmsg says why. */
int store_walk_open(struct store *st, struct target_walk *w,
		    const char *targets_sql);

/* Loads the target on which w->targets stands, with its DNS answers,
 * probes and chains, into t (zeroed, or cleared by the caller). On
 * failure t may hold part of it: clear it either way. */
int store_walk_load(struct target_walk *w, struct store_target_row *t);

/* Frees what a loaded target row holds and zeroes it. */
void store_target_row_clear(struct store_target_row *t);

void store_walk_close(struct target_walk *w);

/* Fills c from a row of reader.c's chain query (id, sha256, sha1, subject,
 * issuer, serial, not_before, not_after, sig_alg, key_type, key_bits,
 * x509_version, der). -1 when out of memory; c is freed by the caller. */
int store_fill_cert(sqlite3_stmt *s, struct store_cert_row *c);

/* A copy of text column i (malloc'd); NULL for SQL NULL, and then *oom
 * stays as it was; NULL with *oom set when memory ran out. (rows.c) */
char *store_col_dup(sqlite3_stmt *s, int i, int *oom);

/* ---- reader_mtls.c --------------------------------------------------- */

/* The acceptable CA names of a probe, by position (?1: probe id). */
extern const char store_sql_ca_names[];

/* Loads p's acceptable CA names with w->ca_names. */
int store_load_ca_names(struct target_walk *w, struct store_probe_row *p);

#endif
