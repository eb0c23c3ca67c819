/* schema.c: the schema, as an ordered list of forward migrations.
 *
 * PRAGMA user_version holds how many steps a database has had. Opening it
 * applies the missing steps in order, all in one transaction, so a
 * database is never left half-migrated. A step, once released, is never
 * edited: a change to the schema is a new step appended to the list (and a
 * note in store/SCHEMA.md). A column added to a table a scan owns must
 * also be copied by fedcert merge (store/merge_copy.c names its columns;
 * test_shard_merge fails when a column the scan fills is not merged).
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

/* Step 2 (SRV discovery): the DNS answers a scan used, and the route
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

/* Step 3 (resume): whether all of a target's work (its lookups, its
 * probes, their links) is stored. The scanner inserts 0 and sets 1 at the
 * end; a resumed scan redoes the targets still at 0. Rows of older scans
 * were finished by definition: the default 1. */
static const char migration_3[] =
	"ALTER TABLE target ADD COLUMN complete INTEGER NOT NULL DEFAULT 1;";

/* Step 4 (hostile peers): how many certificates the server presented,
 * when more than the FC_CHAIN_MAX that chain_link keeps. NULL on older
 * rows: they kept everything they saw. */
static const char migration_4[] =
	"ALTER TABLE probe ADD COLUMN chain_presented INTEGER;";

/* Step 5 (many scans in one database): indexes and views for the
 * questions asked across scans. A target's identity across scans is
 * (domain, type, port), the CSV row as written. target_by_identity finds
 * every scan of one target (history) and each target's newest complete
 * row (the views) from the index alone. probe_by_endpoint_scan answers
 * "this endpoint's newest probe"; it starts with endpoint_id, so it also
 * serves the foreign key probe_by_endpoint served, which goes. fedcert's
 * own readers query these views (store/history.c), so what SCHEMA.md shows
 * a user is what fedcert answers with. Only complete targets count (step
 * 3): a scan stopped before reaching a target must not hide what the scan
 * before it saw. The root of a chain is the issuer of the last certificate
 * presented (a self-signed root sent along is its own issuer). */
static const char migration_5[] =
	"CREATE INDEX target_by_identity"
	" ON target(domain, type, port, scan_id, complete);"
	"DROP INDEX probe_by_endpoint;"
	"CREATE INDEX probe_by_endpoint_scan ON probe(endpoint_id, scan_id);"

	"CREATE VIEW chain_root AS"
	" SELECT l.probe_id, c.issuer AS root"
	" FROM chain_link l JOIN certificate c ON c.id = l.certificate_id"
	" WHERE l.position = (SELECT max(l2.position) FROM chain_link l2"
	" WHERE l2.probe_id = l.probe_id);"

	"CREATE VIEW latest_target AS"
	" WITH k AS (SELECT domain, type, port, max(scan_id) AS scan_id"
	" FROM target WHERE complete = 1 GROUP BY domain, type, port)"
	" SELECT t.id AS target_id, t.scan_id, s.started AS scan_started,"
	" t.line, t.domain, t.type, t.port, t.error_kind, t.error_reason"
	" FROM k JOIN target t ON t.id = (SELECT min(t2.id) FROM target t2"
	" WHERE t2.domain = k.domain AND t2.type = k.type"
	" AND t2.port = k.port AND t2.scan_id = k.scan_id"
	" AND t2.complete = 1)"
	" JOIN scan s ON s.id = t.scan_id;"

	"CREATE VIEW latest_probe AS"
	" SELECT e.id AS endpoint_id, e.address, e.port, e.sni,"
	" p.id AS probe_id, p.scan_id, p.started, p.error_kind, p.error_reason,"
	" p.tls_version, p.cipher, p.verify_code, p.verify_reason"
	" FROM endpoint e JOIN probe p ON p.id = (SELECT p2.id FROM probe p2"
	" WHERE p2.endpoint_id = e.id ORDER BY p2.scan_id DESC, p2.id DESC"
	" LIMIT 1);"

	"CREATE VIEW latest_leaf AS"
	" SELECT lt.target_id, lt.scan_id, lt.scan_started, lt.line, lt.domain,"
	" lt.type, lt.port, e.address, e.port AS endpoint_port, e.sni,"
	" p.id AS probe_id, p.error_kind, c.id AS certificate_id, c.sha256,"
	" upper(c.sha1) AS thumbprint, c.subject, c.issuer,"
	" (SELECT r.root FROM chain_root r WHERE r.probe_id = p.id) AS root,"
	" c.not_before, c.not_after, c.key_type, c.key_bits, c.sig_alg"
	" FROM latest_target lt"
	" JOIN target_probe tp ON tp.target_id = lt.target_id"
	" JOIN probe p ON p.id = tp.probe_id"
	" JOIN endpoint e ON e.id = p.endpoint_id"
	" JOIN chain_link l ON l.probe_id = p.id AND l.position = 0"
	" JOIN certificate c ON c.id = l.certificate_id;"

	"CREATE VIEW expiring AS"
	" SELECT *, round(julianday(not_after) - julianday('now'), 1)"
	" AS days_left"
	" FROM latest_leaf;";

/* Step 6 (mutual TLS): what a probe learned of the server's request
 * for our certificate, the CA names it listed, and the certificate chain
 * we presented in a scan (stored once per fingerprint, like any other).
 * NULL on older probes: not recorded then. */
static const char migration_6[] =
	"ALTER TABLE probe ADD COLUMN cc_requested INTEGER;"
	"ALTER TABLE probe ADD COLUMN cc_presented INTEGER;"
	"ALTER TABLE probe ADD COLUMN cc_outcome TEXT;"
	"ALTER TABLE probe ADD COLUMN cc_alert TEXT;"

	"CREATE TABLE probe_ca_name ("
	" probe_id INTEGER NOT NULL REFERENCES probe(id) ON DELETE CASCADE,"
	" position INTEGER NOT NULL,"
	" name TEXT NOT NULL,"
	" PRIMARY KEY (probe_id, position)) WITHOUT ROWID;"

	"CREATE TABLE scan_client_cert ("
	" scan_id INTEGER NOT NULL REFERENCES scan(id) ON DELETE CASCADE,"
	" position INTEGER NOT NULL,"
	" certificate_id INTEGER NOT NULL REFERENCES certificate(id),"
	" PRIMARY KEY (scan_id, position)) WITHOUT ROWID;"
	"CREATE INDEX scan_client_cert_by_certificate"
	" ON scan_client_cert(certificate_id);";

/* Step 7 (a year of nights): what the report judged, kept beside the
 * facts so that a question across many scans need not judge them again.
 * Written by the report (`scan` when it ends, `fedcert judge` for older
 * scans), never by the scanner, and never read as a fact: a reader uses
 * them only when the judge's version, the trust and --warn-days they were
 * judged with, and the scan's own end are what it would judge with now,
 * and a target's row only up to valid_until (the first time a date of its
 * certificates would change what is said). verdict_scan is written last:
 * a scan without it has no verdicts, whatever target rows it has.
 * verdict_findings holds each distinct list of findings once (a
 * target unchanged for a year has one). */
static const char migration_7[] =
	"CREATE TABLE verdict_findings ("
	" id INTEGER PRIMARY KEY,"
	" digest BLOB NOT NULL UNIQUE,"
	" findings BLOB NOT NULL);"

	"CREATE TABLE verdict_target ("
	" target_id INTEGER PRIMARY KEY REFERENCES target(id) ON DELETE CASCADE,"
	" status INTEGER NOT NULL,"
	" valid_until INTEGER NOT NULL,"
	" findings_id INTEGER REFERENCES verdict_findings(id));"
	"CREATE INDEX verdict_target_by_findings ON verdict_target(findings_id);"

	"CREATE TABLE verdict_scan ("
	" scan_id INTEGER PRIMARY KEY REFERENCES scan(id) ON DELETE CASCADE,"
	" judge TEXT NOT NULL,"
	" trust TEXT NOT NULL,"
	" warn_days INTEGER NOT NULL,"
	" judged_at INTEGER NOT NULL,"
	" scan_status TEXT,"
	" scan_finished TEXT,"
	" pass INTEGER NOT NULL, warn INTEGER NOT NULL, fail INTEGER NOT NULL,"
	" errors INTEGER NOT NULL, warnings INTEGER NOT NULL,"
	" infos INTEGER NOT NULL);"

	"CREATE TABLE verdict_scan_finding ("
	" scan_id INTEGER NOT NULL REFERENCES verdict_scan(scan_id)"
	"  ON DELETE CASCADE,"
	" finding TEXT NOT NULL,"
	" severity INTEGER NOT NULL,"
	" targets INTEGER NOT NULL,"
	" PRIMARY KEY (scan_id, finding, severity)) WITHOUT ROWID;";

/* Step 8 (a year of nights): the counts `fedcert scans` shows for every
 * scan (targets that failed, targets a stopped scan did not finish,
 * probes that failed) from partial indexes that hold only those rows,
 * instead of reading every target and probe row of every scan (365
 * nights of 13,060 targets: 1.2 s of the listing). */
static const char migration_8[] =
	"CREATE INDEX target_failed_by_scan ON target(scan_id)"
	" WHERE error_kind IS NOT NULL;"
	"CREATE INDEX target_incomplete_by_scan ON target(scan_id)"
	" WHERE complete = 0;"
	"CREATE INDEX probe_failed_by_scan ON probe(scan_id)"
	" WHERE error_kind IS NOT NULL;";

/* Step 9 (does the partner's Edge answer SIP?): the SIP OPTIONS a probe
 * sent over its TLS session when the scan ran with --sip-options, and what
 * came back, one row per probe that sent one (none for the others, and for
 * every probe stored before this step). */
static const char migration_9[] =
	"CREATE TABLE probe_sip ("
	" probe_id INTEGER PRIMARY KEY REFERENCES probe(id) ON DELETE CASCADE,"
	" status INTEGER,"
	" reason TEXT,"
	" server TEXT,"
	" user_agent TEXT,"
	" allow TEXT,"
	" supported TEXT,"
	" contact TEXT,"
	" ms_diagnostics TEXT,"
	" ms_diagnostics_public TEXT,"
	" warning TEXT,"
	" headers TEXT,"
	" provisional INTEGER NOT NULL,"
	" other_call_id INTEGER NOT NULL,"
	" rtt_ms REAL,"
	" error TEXT,"
	" error_reason TEXT);";

/* Step 10 (shards, fedcert merge): which shard scans a merged scan was
 * built from, one row per shard index 0..N-1, so that merging again adds
 * only what is new (or nothing), a missing shard is named (its row has
 * no source), and a shard scan that changed since (a resume) is noticed.
 * The source is identified by its scan id and start in its own file (a
 * copy of the file is the same source). */
static const char migration_10[] =
	"CREATE TABLE merge_shard ("
	" scan_id INTEGER NOT NULL REFERENCES scan(id) ON DELETE CASCADE,"
	" shard INTEGER NOT NULL,"
	" shards INTEGER NOT NULL,"
	" source TEXT,"
	" source_scan INTEGER,"
	" source_started TEXT,"
	" source_finished TEXT,"
	" source_status TEXT,"
	" merged TEXT,"
	" PRIMARY KEY (scan_id, shard)) WITHOUT ROWID;";

/* migrations[i] takes a database from user_version i to i + 1. */
static const char *const migrations[] = {
	migration_1,
	migration_2,
	migration_3,
	migration_4,
	migration_5,
	migration_6,
	migration_7,
	migration_8,
	migration_9,
	migration_10,
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

int store_check_not_newer(int version, char *err, size_t errlen)
{
	if (version <= MIGRATION_COUNT)
		return 0;
	snprintf(err, errlen, "schema version %d is newer than this fedcert (%d)",
		 version, MIGRATION_COUNT);
	return -1;
}

/* One number a PRAGMA or a query answers. */
static int query_int(sqlite3 *db, const char *sql, int *v)
{
	sqlite3_stmt *s = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW) {
		*v = sqlite3_column_int(s, 0);
		rc = 0;
	}
	sqlite3_finalize(s);
	return rc;
}

/* A file is fedcert's when it carries our application id (every file a
 * fedcert of this version or later wrote to), or when it has no id but
 * has fedcert's schema (the files of earlier versions, which set none), or
 * when it is empty (a new file, or one made with `touch`). Anything else
 * with tables is some other program's database, which a scan must not
 * fill with its own tables. Reads only. */
int store_identify(sqlite3 *db, int *version, int *empty, char *err,
		   size_t errlen)
{
	int app_id = 0, tables = 0, scan_table = 0;

	if (query_int(db, "PRAGMA application_id", &app_id) != 0 ||
	    query_int(db, "PRAGMA user_version", version) != 0 ||
	    query_int(db, "SELECT count(*) FROM sqlite_master", &tables) != 0 ||
	    query_int(db, "SELECT count(*) FROM sqlite_master"
			  " WHERE type = 'table' AND name = 'scan'",
		      &scan_table) != 0) {
		if ((sqlite3_errcode(db) & 0xff) == SQLITE_NOTADB)
			snprintf(err, errlen, "not a SQLite database (%s)",
				 sqlite3_errmsg(db));
		else
			snprintf(err, errlen, "cannot read: %s",
				 sqlite3_errmsg(db));
		return -1;
	}
	*empty = tables == 0 && *version == 0 && app_id == 0;
	if (app_id == STORE_APPLICATION_ID || *empty ||
	    (app_id == 0 && *version > 0 && scan_table))
		return 0;
	if (app_id != 0)
		snprintf(err, errlen, "not a fedcert database (a SQLite database"
			 " of another program: application id 0x%08x)",
			 (unsigned)app_id);
	else
		snprintf(err, errlen, "not a fedcert database (a SQLite database"
			 " with %d table%s of another program)", tables,
			 tables == 1 ? "" : "s");
	return -1;
}

int store_mark_ours(sqlite3 *db, char *err, size_t errlen)
{
	char sql[64];
	int app_id = 0;

	if (query_int(db, "PRAGMA application_id", &app_id) == 0 &&
	    app_id == STORE_APPLICATION_ID)
		return 0;
	/* PRAGMA takes no bound parameters; the value is our own constant. */
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d",
		 STORE_APPLICATION_ID);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot set the application id: %s",
			 sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

int store_check_current(int version, const char *path, char *err,
			size_t errlen)
{
	if (store_check_not_newer(version, err, errlen) != 0)
		return -1;
	if (version == MIGRATION_COUNT)
		return 0;
	snprintf(err, errlen, "written by an older fedcert (schema version %d;"
		 " this one reads %d): upgrade it with 'fedcert upgrade --db %s'"
		 " (a scan into it upgrades it too)",
		 version, MIGRATION_COUNT, path);
	return -1;
}

int store_migrate(sqlite3 *db, char *err, size_t errlen)
{
	int version = 0;
	int in_tx = 0;
	int rc = -1;

	if (read_user_version(db, &version, err, errlen) != 0 ||
	    store_check_not_newer(version, err, errlen) != 0)
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
	    store_check_not_newer(version, err, errlen) != 0 ||
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
