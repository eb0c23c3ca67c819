/* schema.c: the schema, as an ordered list of forward migrations.
 *
 * PRAGMA user_version holds how many steps a database has had. Opening it
 * applies the missing steps in order, all in one transaction, so a
 * database is never left half-migrated. A step, once released, is never
 * edited: a change to the schema is a new step appended to the list (and a
 * note in store/SCHEMA.md).
 */
#include <stdio.h>

#include "store/store_int.h"

/* Step 1: the first schema. Why each shape is what it is: SCHEMA.md. */
static const char migration_1[] =
	"CREATE TABLE scan ("
	" id INTEGER PRIMARY KEY,"
	" started TEXT NOT NULL,"
	" finished TEXT,"
	" status TEXT NOT NULL,"
	" input TEXT,"
	" options TEXT,"
	" version TEXT);"

	"CREATE TABLE target ("
	" id INTEGER PRIMARY KEY,"
	" scan_id INTEGER NOT NULL REFERENCES scan(id) ON DELETE CASCADE,"
	" line INTEGER NOT NULL,"
	" domain TEXT NOT NULL,"
	" type TEXT NOT NULL,"
	" port INTEGER NOT NULL,"
	" error_kind TEXT,"
	" error_reason TEXT);"
	"CREATE INDEX target_by_scan ON target(scan_id, line);"

	"CREATE TABLE input_error ("
	" id INTEGER PRIMARY KEY,"
	" scan_id INTEGER NOT NULL REFERENCES scan(id) ON DELETE CASCADE,"
	" line INTEGER NOT NULL,"
	" reason TEXT NOT NULL,"
	" raw TEXT);"
	"CREATE INDEX input_error_by_scan ON input_error(scan_id, line);"

	/* SQL's UNIQUE treats every NULL as distinct, so UNIQUE(address,
	 * port, sni) would let "no SNI" endpoints repeat; the expression
	 * index folds NULL to '' for uniqueness while the column keeps NULL
	 * (SNI cannot be empty on the wire, RFC 6066 3). */
	"CREATE TABLE endpoint ("
	" id INTEGER PRIMARY KEY,"
	" address TEXT NOT NULL,"
	" port INTEGER NOT NULL,"
	" sni TEXT);"
	"CREATE UNIQUE INDEX endpoint_key"
	" ON endpoint(address, port, ifnull(sni, ''));"

	"CREATE TABLE probe ("
	" id INTEGER PRIMARY KEY,"
	" scan_id INTEGER NOT NULL REFERENCES scan(id) ON DELETE CASCADE,"
	" endpoint_id INTEGER NOT NULL REFERENCES endpoint(id),"
	" started TEXT,"
	" connect_ms REAL,"
	" handshake_ms REAL,"
	" error_kind TEXT,"
	" error_reason TEXT,"
	" tls_version TEXT,"
	" cipher TEXT,"
	" verify_code INTEGER,"
	" verify_reason TEXT);"
	"CREATE INDEX probe_by_scan ON probe(scan_id);"
	"CREATE INDEX probe_by_endpoint ON probe(endpoint_id);"

	"CREATE TABLE target_probe ("
	" target_id INTEGER NOT NULL REFERENCES target(id) ON DELETE CASCADE,"
	" probe_id INTEGER NOT NULL REFERENCES probe(id) ON DELETE CASCADE,"
	" via TEXT,"
	" PRIMARY KEY (target_id, probe_id)) WITHOUT ROWID;"
	"CREATE INDEX target_probe_by_probe ON target_probe(probe_id);"

	"CREATE TABLE certificate ("
	" id INTEGER PRIMARY KEY,"
	" sha256 TEXT NOT NULL UNIQUE,"
	" sha1 TEXT NOT NULL,"
	" der BLOB NOT NULL,"
	" subject TEXT,"
	" issuer TEXT,"
	" serial TEXT,"
	" not_before TEXT,"
	" not_after TEXT,"
	" sig_alg TEXT,"
	" key_type TEXT,"
	" key_bits INTEGER,"
	" x509_version INTEGER);"

	"CREATE TABLE chain_link ("
	" probe_id INTEGER NOT NULL REFERENCES probe(id) ON DELETE CASCADE,"
	" position INTEGER NOT NULL,"
	" certificate_id INTEGER NOT NULL REFERENCES certificate(id),"
	" PRIMARY KEY (probe_id, position)) WITHOUT ROWID;"
	"CREATE INDEX chain_link_by_certificate ON chain_link(certificate_id);";

/* Step 2 (#3, SRV discovery): the DNS answers a scan used, and the route
 * (SRV name, priority, weight) by which a target reached a probe. The new
 * target_probe columns are NULL on version-1 rows, which is right: version
 * 1 probed only DIR targets. dns_record is keyed like chain_link, an
 * answer's records in answer order. */
static const char migration_2[] =
	"CREATE TABLE dns_answer ("
	" id INTEGER PRIMARY KEY,"
	" scan_id INTEGER NOT NULL REFERENCES scan(id) ON DELETE CASCADE,"
	" name TEXT NOT NULL,"
	" type TEXT NOT NULL,"
	" rcode TEXT NOT NULL,"
	" source TEXT NOT NULL,"
	" reason TEXT);"
	"CREATE INDEX dns_answer_by_scan ON dns_answer(scan_id, name, type);"

	"CREATE TABLE dns_record ("
	" answer_id INTEGER NOT NULL REFERENCES dns_answer(id) ON DELETE CASCADE,"
	" position INTEGER NOT NULL,"
	" priority INTEGER,"
	" weight INTEGER,"
	" port INTEGER,"
	" target TEXT,"
	" address TEXT,"
	" ttl INTEGER,"
	" PRIMARY KEY (answer_id, position)) WITHOUT ROWID;"

	"CREATE TABLE target_dns ("
	" target_id INTEGER NOT NULL REFERENCES target(id) ON DELETE CASCADE,"
	" answer_id INTEGER NOT NULL REFERENCES dns_answer(id) ON DELETE CASCADE,"
	" PRIMARY KEY (target_id, answer_id)) WITHOUT ROWID;"
	"CREATE INDEX target_dns_by_answer ON target_dns(answer_id);"

	"ALTER TABLE target_probe ADD COLUMN srv_name TEXT;"
	"ALTER TABLE target_probe ADD COLUMN srv_priority INTEGER;"
	"ALTER TABLE target_probe ADD COLUMN srv_weight INTEGER;";

/* Step 3 (#6, resume): whether all of a target's work (its lookups, its
 * probes, their links) is stored. The scanner inserts 0 and sets 1 at the
 * end; a resumed scan redoes the targets still at 0. Rows of older scans
 * were finished by definition: the default 1. */
static const char migration_3[] =
	"ALTER TABLE target ADD COLUMN complete INTEGER NOT NULL DEFAULT 1;";

/* Step 4 (#7, hostile peers): how many certificates the server presented,
 * when more than the FC_CHAIN_MAX that chain_link keeps. NULL on older
 * rows: they kept everything they saw. */
static const char migration_4[] =
	"ALTER TABLE probe ADD COLUMN chain_presented INTEGER;";

/* migrations[i] takes a database from user_version i to i + 1. */
static const char *const migrations[] = {
	migration_1,
	migration_2,
	migration_3,
	migration_4,
};

#define MIGRATION_COUNT ((int)(sizeof(migrations) / sizeof(migrations[0])))

int store_schema_version(void)
{
	return MIGRATION_COUNT;
}

static int read_user_version(sqlite3 *db, int *version, char *err,
			     size_t errlen)
{
	sqlite3_stmt *s = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) !=
		    SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_ROW) {
		snprintf(err, errlen, "cannot read the schema version: %s",
			 sqlite3_errmsg(db));
		goto out;
	}
	*version = sqlite3_column_int(s, 0);
	rc = 0;
out:
	sqlite3_finalize(s);
	return rc;
}

/* Applies steps from..latest and sets user_version; inside a transaction
 * opened by the caller. */
static int apply_steps(sqlite3 *db, int from, char *err, size_t errlen)
{
	char sql[64];
	int v;

	for (v = from; v < MIGRATION_COUNT; v++) {
		if (sqlite3_exec(db, migrations[v], NULL, NULL, NULL) !=
		    SQLITE_OK) {
			snprintf(err, errlen,
				 "migration to schema version %d failed: %s",
				 v + 1, sqlite3_errmsg(db));
			return -1;
		}
	}
	/* PRAGMA takes no bound parameters; the value is our own integer. */
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", MIGRATION_COUNT);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot set the schema version: %s",
			 sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

static int check_not_newer(int version, char *err, size_t errlen)
{
	if (version <= MIGRATION_COUNT)
		return 0;
	snprintf(err, errlen, "schema version %d is newer than this fedcert (%d)",
		 version, MIGRATION_COUNT);
	return -1;
}

int store_migrate(sqlite3 *db, char *err, size_t errlen)
{
	int version = 0;
	int in_tx = 0;
	int rc = -1;

	if (read_user_version(db, &version, err, errlen) != 0 ||
	    check_not_newer(version, err, errlen) != 0)
		goto out;
	if (version == MIGRATION_COUNT) {
		rc = 0; /* the common case: no write lock taken */
		goto out;
	}

	/* IMMEDIATE takes the write lock first, so two fedcerts opening the
	 * same new file cannot both migrate it: the second waits, then
	 * re-reads the version below and finds nothing to do. */
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot start the migration: %s",
			 sqlite3_errmsg(db));
		goto out;
	}
	in_tx = 1;
	if (read_user_version(db, &version, err, errlen) != 0 ||
	    check_not_newer(version, err, errlen) != 0 ||
	    apply_steps(db, version, err, errlen) != 0)
		goto out;
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot commit the migration: %s",
			 sqlite3_errmsg(db));
		goto out;
	}
	in_tx = 0;
	rc = 0;
out:
	if (in_tx)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}
