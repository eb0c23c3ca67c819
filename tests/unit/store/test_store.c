/* test_store.c: the store against real SQLite files and real certificates.
 *
 * Every test gets its own temporary directory. Certificates are made with
 * support/cert.h, so each decoded column can be compared with a value the
 * test chose; row counts are checked with a second, plain sqlite3
 * connection, the way a user would see the file.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <sqlite3.h>

#include "fedcert_limits.h"
#include "store/store.h"

#include "support/cert.h"
#include "support/store_fixture.h"

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A DER certificate of spec holding key, signed by signer with md (Ed25519
 * needs none). The caller frees it with OPENSSL_free(). */
static unsigned char *der_of(const struct tcert_spec *spec, EVP_PKEY *key,
			     EVP_PKEY *signer, const EVP_MD *md, size_t *len)
{
	struct tcert_spec s = *spec;

	s.key = key;
	s.issuer_key = signer;
	s.md = md;
	return tcert_der(&s, len);
}

/* The two-certificate chain most tests store: an EC leaf under an RSA CA. */
struct chain {
	unsigned char *der[2];
	struct store_der links[2];
};

/* No extensions: each decoded column is one the test chose. The issuer is
 * a name (issuer_cn) whatever key signs. */
static const struct tcert_spec leaf_spec = {
	.org = "M\xc3\xbcller GmbH", .cn = "sip.example.com",
	.issuer_cn = "Example Root", .serial = INT64_C(0x0A1B2C3D4E),
	.not_before = "20250101000000Z", .not_after = "20271231235959Z",
	.version = 3, .bare = 1,
};
static const struct tcert_spec ca_spec = {
	.cn = "Example Root", .issuer_cn = "Example Root", .serial = -5,
	.not_before = "200102030405Z", .not_after = "400102030405Z",
	.version = 1, .bare = 1,
};

static void chain_make(struct chain *c)
{
	EVP_PKEY *ca_key = tcert_key("RSA2048");
	EVP_PKEY *leaf_key = tcert_key("EC");
	int i;

	assert_non_null(ca_key);
	assert_non_null(leaf_key);
	memset(c, 0, sizeof(*c)); /* no X509s: the store parses the DER */
	c->der[0] = der_of(&leaf_spec, leaf_key, ca_key, EVP_sha256(),
			   &c->links[0].len);
	c->der[1] = der_of(&ca_spec, ca_key, ca_key, EVP_sha256(),
			   &c->links[1].len);
	for (i = 0; i < 2; i++)
		c->links[i].der = c->der[i];
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(leaf_key);
}

static void chain_free(struct chain *c)
{
	OPENSSL_free(c->der[0]);
	OPENSSL_free(c->der[1]);
}

/* A DIR route through host: no SRV name, priority or weight. */
#define DIR_ROUTE(host) (&(const struct store_route){ NULL, (host), -1, -1 })

static const struct store_scan_info scan_info = {
	"targets.csv", "--timeout 10", FEDCERT_VERSION
};

static int64_t add_target(struct store *st, int64_t scan, long line,
			  const char *domain)
{
	struct store_target t = { line, domain, "DIR", 5061 };
	int64_t id = 0;

	assert_int_equal(store_target_add(st, scan, &t, &id), 0);
	assert_true(id > 0);
	return id;
}

static struct store_probe probe_ok(const char *address, int port,
				   const char *sni, const struct chain *c)
{
	struct store_probe p = {
		.address = address, .port = port, .sni = sni,
		.started_ms = INT64_C(1764063780123), .connect_ms = 1.5,
		.handshake_ms = 12.25, .tls_version = "TLSv1.3",
		.cipher = "TLS_AES_256_GCM_SHA384", .verify_code = 0,
		.verify_reason = "ok",
		.chain_len = c != NULL ? 2 : 0,
		.chain = c != NULL ? c->links : NULL,
	};
	return p;
}

static int64_t add_probe(struct store *st, int64_t scan,
			 const struct store_probe *p)
{
	int64_t id = 0;

	if (store_probe_add(st, scan, p, &id) != 0)
		fail_msg("store_probe_add: %s", store_errmsg(st));
	assert_true(id > 0);
	return id;
}

/* Collects what store_each_target() hands out, checking as it goes. */
struct walk {
	int targets;
	long last_line;
	size_t probes;
	int (*check)(const struct store_target_row *t, struct walk *w);
	void *data;
};

static int walk_cb(const struct store_target_row *t, void *arg)
{
	struct walk *w = arg;

	assert_true(t->line >= w->last_line);
	w->last_line = t->line;
	w->targets++;
	w->probes += t->probe_count;
	return w->check != NULL ? w->check(t, w) : 0;
}

static void walk_scan(struct store *st, int64_t scan, struct walk *w)
{
	if (store_each_target(st, scan, walk_cb, w) != 0)
		fail_msg("store_each_target: %s", store_errmsg(st));
}

/* ---- Schema and opening ------------------------------------------------ */

static const char *const tables[] = {
	"scan", "target", "input_error", "endpoint", "probe",
	"target_probe", "certificate", "chain_link",
	"dns_answer", "dns_record", "target_dns",
};

static void assert_schema_current(const char *path)
{
	char sql[200];
	size_t i;

	assert_true(store_schema_version() >= 1);
	assert_int_equal(query_int(path, "PRAGMA user_version"),
			 store_schema_version());
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM sqlite_master"
			 " WHERE type = 'table' AND name = '%s'", tables[i]);
		assert_int_equal(query_int(path, sql), 1);
	}
	assert_int_equal(query_int(path, "SELECT count(*) FROM sqlite_master"
		" WHERE type = 'index' AND name IN ('target_by_scan',"
		" 'probe_by_scan', 'target_probe_by_probe',"
		" 'chain_link_by_certificate', 'endpoint_key',"
		" 'dns_answer_by_scan', 'target_dns_by_answer')"), 7);
	/* Closed, the file is at rest in rollback mode (a reader then needs
	 * nothing beside it; store_open() makes it WAL again), and it says
	 * whose it is. */
	assert_int_equal(query_int(path, "SELECT journal_mode = 'delete'"
				   " FROM pragma_journal_mode"), 1);
	assert_int_equal(query_int(path, "PRAGMA application_id"), 0x46454443);
}

static void test_open_creates_schema(void **state)
{
	struct fixture *fx = *state;
	char empty[160];
	struct store *st;

	st = open_ok(fx->path); /* no file yet */
	store_close(st);
	assert_schema_current(fx->path);

	snprintf(empty, sizeof(empty), "%s/empty.db", fx->dir);
	write_file(empty, ""); /* an empty file is an empty database */
	st = open_ok(empty);
	store_close(st);
	assert_schema_current(empty);
}

static void test_reopen_is_noop(void **state)
{
	struct fixture *fx = *state;
	const char *schema_sql = "SELECT length(group_concat(sql, ';'))"
				 " FROM (SELECT sql FROM sqlite_master ORDER BY name)";
	struct store *st = open_ok(fx->path);
	int64_t scan = 0, latest = 0;
	int64_t schema_len;

	assert_int_equal(store_scan_begin(st, &scan_info, &scan), 0);
	store_close(st);
	schema_len = query_int(fx->path, schema_sql);
	assert_true(schema_len > 100);

	st = open_ok(fx->path);
	assert_int_equal(store_scan_latest(st, &latest), 0);
	assert_int_equal(latest, scan);
	store_close(st);
	assert_int_equal(query_int(fx->path, schema_sql), schema_len);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM scan"), 1);
	assert_int_equal(query_int(fx->path, "PRAGMA user_version"),
			 store_schema_version());
}

static void test_newer_schema_refused(void **state)
{
	struct fixture *fx = *state;
	struct store *st = (struct store *)fx; /* must be reset to NULL */
	char sql[64], want[300], err[512] = "";
	int newer = store_schema_version() + 5;

	int64_t objects;

	/* A fedcert file, as a newer fedcert would leave it. */
	store_close(open_ok(fx->path));
	objects = query_int(fx->path, "SELECT count(*) FROM sqlite_master");
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", newer);
	exec_sql(fx->path, sql);
	assert_int_equal(store_open(fx->path, &st, err, sizeof(err)), -1);
	assert_null(st);
	snprintf(want, sizeof(want),
		 "%s: schema version %d is newer than this fedcert (%d)",
		 fx->path, newer, store_schema_version());
	assert_string_equal(err, want);
	/* Refused without touching it. */
	assert_int_equal(query_int(fx->path, "PRAGMA user_version"), newer);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM sqlite_master"),
			 objects);
	assert_int_equal(query_int(fx->path, "SELECT journal_mode = 'delete'"
				   " FROM pragma_journal_mode"), 1);
}

static void test_bad_files_refused(void **state)
{
	struct fixture *fx = *state;
	struct store *st = NULL;
	char path[200], err[512] = "";

	snprintf(path, sizeof(path), "%s/targets.csv", fx->dir);
	write_file(path, "Domain,Type,Port\nexample.com,FED,\n"
			 "this is not a database, it is a CSV file that"
			 " happens to be long enough to hold a header\n");
	assert_int_equal(store_open(path, &st, err, sizeof(err)), -1);
	assert_null(st);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "not a SQLite database"));

	snprintf(path, sizeof(path), "%s/no/such/dir/audit.db", fx->dir);
	err[0] = '\0';
	assert_int_equal(store_open(path, &st, err, sizeof(err)), -1);
	assert_null(st);
	assert_int_equal(strncmp(err, path, strlen(path)), 0);
	assert_non_null(strstr(err, "cannot open"));
}

/* ---- Migration from version 1 ------------------------------------------ */

/* The version-1 schema as store/schema.c's migration_1 creates it: a copy,
 * so that this test keeps describing the files fedcert 0.1.0 wrote even if
 * someone edits the released step (which test_migrate_v1_same_schema would
 * then catch). */
static const char v1_ddl[] =
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

/* What a version-1 scan left behind: a probed DIR target, a FED target
 * with the "srv_unsupported" error fedcert 0.1.0 wrote before it could ask
 * for SRV records (kept as written: old files have it), and a bad CSV row. */
static const char v1_rows[] =
	"INSERT INTO scan VALUES (1, '2025-11-25T09:43:00Z',"
	" '2025-11-25T09:44:00Z', 'done', 'targets.csv', '', '0.1.0');"
	"INSERT INTO target VALUES (1, 1, 3, 'sip.example.com', 'DIR', 5061,"
	" NULL, NULL);"
	"INSERT INTO target VALUES (2, 1, 4, 'nx.example', 'FED', 5061,"
	" 'srv_unsupported', 'SRV lookup is not implemented');"
	"INSERT INTO input_error VALUES (1, 1, 5, 'unknown type \"X\"', 'a,X,');"
	"INSERT INTO endpoint VALUES (1, '192.0.2.10', 5061, 'sip.example.com');"
	"INSERT INTO probe VALUES (1, 1, 1, '2025-11-25T09:43:00.123Z', 1.5,"
	" 12.25, NULL, NULL, 'TLSv1.3', 'TLS_AES_256_GCM_SHA384', 0, 'ok');"
	"INSERT INTO target_probe VALUES (1, 1, 'sip.example.com');"
	"INSERT INTO certificate VALUES (1, '00aa', '00bb', x'3003020100',"
	" 'CN=sip.example.com', 'CN=Example Root', '0A', '2025-01-01T00:00:00Z',"
	" '2027-01-01T00:00:00Z', 'sha256WithRSAEncryption', 'RSA', 2048, 3);"
	"INSERT INTO chain_link VALUES (1, 0, 1);"
	"PRAGMA user_version = 1;";

static void make_v1(const char *path, const char *extra)
{
	char sql[sizeof(v1_ddl) + sizeof(v1_rows) + 200];

	snprintf(sql, sizeof(sql), "%s%s%s", v1_ddl, v1_rows, extra);
	exec_sql(path, sql);
	assert_int_equal(query_int(path, "PRAGMA user_version"), 1);
}

static int check_migrated(const struct store_target_row *t, struct walk *w)
{
	const struct store_probe_row *p;

	(void)w;
	assert_int_equal(t->dns_count, 0);
	if (t->line == 4) {
		assert_string_equal(t->domain, "nx.example");
		assert_string_equal(t->error_kind, "srv_unsupported");
		assert_int_equal(t->probe_count, 0);
		return 0;
	}
	assert_int_equal(t->line, 3);
	assert_int_equal(t->probe_count, 1);
	p = &t->probes[0];
	assert_string_equal(p->address, "192.0.2.10");
	assert_string_equal(p->via, "sip.example.com");
	assert_null(p->srv_name);
	assert_int_equal(p->srv_priority, -1);
	assert_int_equal(p->srv_weight, -1);
	assert_string_equal(p->started, "2025-11-25T09:43:00.123Z");
	assert_string_equal(p->tls_version, "TLSv1.3");
	assert_int_equal(p->chain_len, 1);
	assert_string_equal(p->chain[0].sha256, "00aa");
	assert_string_equal(p->chain[0].subject, "CN=sip.example.com");
	assert_int_equal(p->chain[0].der_len, 5);
	return 0;
}

static void test_migrate_v1(void **state)
{
	struct fixture *fx = *state;
	static const struct store_dns_answer nx = {
		"_sipfederationtls._tcp.nx.example", "SRV", "NXDOMAIN", "dns",
		"Domain name not found", 0, NULL,
	};
	struct store *st;
	struct walk w = { 0 };
	int64_t answer = 0;

	make_v1(fx->path, "");
	st = open_ok(fx->path);
	store_close(st);
	assert_true(store_schema_version() >= 4);
	assert_schema_current(fx->path);
	/* Step 3: rows of a finished version-1 scan count as complete. */
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM target"
		" WHERE complete = 1"), 2);

	/* Every version-1 row is still there, and the new columns are NULL:
	 * version 1 only ever linked DIR routes. */
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM scan"
		" WHERE status = 'done' AND version = '0.1.0'"), 1);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM target"), 2);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM input_error"
		" WHERE line = 5 AND raw = 'a,X,'"), 1);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM target_probe"
		" WHERE via = 'sip.example.com' AND srv_name IS NULL"
		" AND srv_priority IS NULL AND srv_weight IS NULL"), 1);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM chain_link"), 1);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM certificate"
		" WHERE der = x'3003020100' AND key_bits = 2048"), 1);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM dns_answer"), 0);

	/* Read back through the reader, and written to as version 2. */
	st = open_ok(fx->path);
	w.check = check_migrated;
	walk_scan(st, 1, &w);
	assert_int_equal(w.targets, 2);
	assert_int_equal(store_dns_answer_add(st, 1, &nx, &answer), 0);
	assert_int_equal(store_target_dns_link(st, 2, answer), 0);
	store_close(st);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM target_dns"
		" WHERE target_id = 2"), 1);
	assert_int_equal(query_int(fx->path, "PRAGMA user_version"),
			 store_schema_version());
}

/* The whole schema, as text, from sqlite_master. */
static char *schema_text(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	char *text;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT group_concat(sql, ';')"
		" FROM (SELECT sql FROM sqlite_master ORDER BY name)", -1, &s,
		NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	text = strdup((const char *)sqlite3_column_text(s, 0));
	assert_non_null(text);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return text;
}

static void test_migrate_v1_same_schema(void **state)
{
	struct fixture *fx = *state;
	char fresh[160];
	char *migrated_sql, *fresh_sql;
	struct store *st;

	/* A migrated file and a new one must not differ: the report cannot
	 * tell them apart, so their schemas must not be told apart either.
	 * This also checks v1_ddl above against schema.c's step 1. */
	make_v1(fx->path, "");
	store_close(open_ok(fx->path));
	snprintf(fresh, sizeof(fresh), "%s/fresh.db", fx->dir);
	st = open_ok(fresh);
	store_close(st);
	migrated_sql = schema_text(fx->path);
	fresh_sql = schema_text(fresh);
	assert_string_equal(migrated_sql, fresh_sql);
	assert_non_null(strstr(fresh_sql, "srv_weight"));
	free(migrated_sql);
	free(fresh_sql);
}

static void test_migrate_failure_keeps_v1(void **state)
{
	struct fixture *fx = *state;
	struct store *st = NULL;
	char err[512] = "";

	/* A table in the way makes step 2 fail half-way, after it created
	 * dns_answer and dns_record: nothing of the step may stay, and the
	 * file stays a usable version 1. */
	make_v1(fx->path, "CREATE TABLE target_dns (x);");
	assert_int_equal(store_open(fx->path, &st, err, sizeof(err)), -1);
	assert_null(st);
	assert_non_null(strstr(err, "migration to schema version 2 failed"));
	assert_int_equal(query_int(fx->path, "PRAGMA user_version"), 1);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM sqlite_master"
		" WHERE name IN ('dns_answer', 'dns_record',"
		" 'dns_answer_by_scan')"), 0);
	assert_int_equal(query_int(fx->path, "SELECT count(*)"
		" FROM pragma_table_info('target_probe')"), 3);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM target_probe"), 1);
}

/* ---- Round trips ------------------------------------------------------- */

static void assert_cert_row(const struct store_cert_row *c,
			    const struct store_der *d)
{
	char sha256[65], sha1[41];

	tcert_digest_hex(d->der, d->len, EVP_sha256(), sha256);
	tcert_digest_hex(d->der, d->len, EVP_sha1(), sha1);
	assert_string_equal(c->sha256, sha256);
	assert_string_equal(c->sha1, sha1);
	assert_int_equal(c->der_len, d->len);
	assert_memory_equal(c->der, d->der, d->len);
}

static int check_roundtrip(const struct store_target_row *t, struct walk *w)
{
	const struct chain *c = w->data;
	const struct store_probe_row *p;
	const struct store_cert_row *leaf, *ca;

	assert_int_equal(t->line, 7);
	assert_string_equal(t->domain, "sip.example.com");
	assert_string_equal(t->type, "DIR");
	assert_int_equal(t->port, 5061);
	assert_null(t->error_kind);
	assert_int_equal(t->probe_count, 1);
	p = &t->probes[0];
	assert_string_equal(p->address, "192.0.2.10");
	assert_int_equal(p->port, 5061);
	assert_string_equal(p->sni, "sip.example.com");
	assert_string_equal(p->via, "sip.example.com");
	assert_null(p->srv_name); /* a DIR route */
	assert_int_equal(p->srv_priority, -1);
	assert_int_equal(p->srv_weight, -1);
	assert_int_equal(t->dns_count, 0);
	assert_null(t->dns);
	assert_string_equal(p->started, "2025-11-25T09:43:00.123Z");
	assert_true(p->connect_ms == 1.5 && p->handshake_ms == 12.25);
	assert_null(p->error_kind);
	assert_null(p->error_reason);
	assert_string_equal(p->tls_version, "TLSv1.3");
	assert_string_equal(p->cipher, "TLS_AES_256_GCM_SHA384");
	assert_int_equal(p->verify_code, 0);
	assert_string_equal(p->verify_reason, "ok");
	assert_int_equal(p->chain_len, 2);

	leaf = &p->chain[0];
	assert_cert_row(leaf, &c->links[0]);
	assert_string_equal(leaf->subject, "CN=sip.example.com,O=M\xc3\xbcller GmbH");
	assert_string_equal(leaf->issuer, "CN=Example Root");
	assert_string_equal(leaf->serial, "0A1B2C3D4E");
	assert_string_equal(leaf->not_before, "2025-01-01T00:00:00Z");
	assert_string_equal(leaf->not_after, "2027-12-31T23:59:59Z");
	assert_string_equal(leaf->sig_alg, "sha256WithRSAEncryption");
	assert_string_equal(leaf->key_type, "EC");
	assert_int_equal(leaf->key_bits, 256);
	assert_int_equal(leaf->x509_version, 3);

	ca = &p->chain[1];
	assert_cert_row(ca, &c->links[1]);
	assert_string_equal(ca->subject, "CN=Example Root");
	assert_string_equal(ca->issuer, "CN=Example Root");
	assert_string_equal(ca->serial, "-05");
	assert_string_equal(ca->not_before, "2020-01-02T03:04:05Z");
	assert_string_equal(ca->not_after, "2040-01-02T03:04:05Z");
	assert_string_equal(ca->sig_alg, "sha256WithRSAEncryption");
	assert_string_equal(ca->key_type, "RSA");
	assert_int_equal(ca->key_bits, 2048);
	assert_int_equal(ca->x509_version, 1);
	assert_true(leaf->id != ca->id);
	return 0;
}

static void test_probe_chain_roundtrip(void **state)
{
	struct fixture *fx = *state;
	struct store *st = open_ok(fx->path);
	struct chain c;
	struct store_probe p;
	struct store_scan_row row;
	struct walk w = { 0 };
	int64_t scan = 0, target;

	chain_make(&c);
	assert_int_equal(store_scan_begin(st, &scan_info, &scan), 0);
	target = add_target(st, scan, 7, "sip.example.com");
	p = probe_ok("192.0.2.10", 5061, "sip.example.com", &c);
	assert_int_equal(store_target_probe_link(st, target, add_probe(st, scan, &p),
						 DIR_ROUTE("sip.example.com")), 0);

	assert_int_equal(store_scan_get(st, scan, &row), 0);
	assert_string_equal(row.status, "running");
	assert_null(row.finished);
	assert_int_equal(strlen(row.started), 20);
	assert_true(row.started[10] == 'T' && row.started[19] == 'Z');
	assert_string_equal(row.input, "targets.csv");
	assert_string_equal(row.options, "--timeout 10");
	assert_string_equal(row.version, FEDCERT_VERSION);
	store_scan_row_free(&row);
	assert_int_equal(store_scan_finish(st, scan, "done"), 0);
	store_close(st);

	/* Read back from a fresh connection: what is on disk. */
	st = open_ok(fx->path);
	w.check = check_roundtrip;
	w.data = &c;
	walk_scan(st, scan, &w);
	assert_int_equal(w.targets, 1);
	assert_int_equal(store_scan_get(st, scan, &row), 0);
	assert_string_equal(row.status, "done");
	assert_non_null(row.finished);
	assert_true(strcmp(row.finished, row.started) >= 0);
	store_scan_row_free(&row);
	store_close(st);
	chain_free(&c);
}

static int check_dedup(const struct store_target_row *t, struct walk *w)
{
	int64_t *leaf_id = w->data;
	size_t i;

	for (i = 0; i < t->probe_count; i++) {
		assert_int_equal(t->probes[i].chain_len, 2);
		if (*leaf_id == 0)
			*leaf_id = t->probes[i].chain[0].id;
		assert_int_equal(t->probes[i].chain[0].id, *leaf_id);
	}
	return 0;
}

static void test_dedup(void **state)
{
	struct fixture *fx = *state;
	struct store *st = open_ok(fx->path);
	struct chain c;
	struct store_probe p;
	struct walk w = { 0 };
	int64_t scan = 0, target, leaf_id = 0;

	chain_make(&c);
	assert_int_equal(store_scan_begin(st, &scan_info, &scan), 0);
	target = add_target(st, scan, 1, "example.com");
	/* Same chain on two endpoints; each endpoint probed twice; the
	 * no-SNI endpoint is where a plain UNIQUE would fail to dedup. */
	p = probe_ok("2001:db8::1", 5061, NULL, &c);
	assert_int_equal(store_target_probe_link(st, target,
		add_probe(st, scan, &p), DIR_ROUTE("a")), 0);
	assert_int_equal(store_target_probe_link(st, target,
		add_probe(st, scan, &p), DIR_ROUTE("b")), 0);
	p = probe_ok("2001:db8::1", 5061, "sip.example.com", &c);
	assert_int_equal(store_target_probe_link(st, target,
		add_probe(st, scan, &p), DIR_ROUTE("c")), 0);
	assert_int_equal(store_target_probe_link(st, target,
		add_probe(st, scan, &p), DIR_ROUTE("d")), 0);
	assert_int_equal(store_flush(st), 0);

	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM certificate"), 2);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM chain_link"), 8);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM probe"), 4);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM endpoint"), 2);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM endpoint"
				   " WHERE sni IS NULL"), 1);
	w.check = check_dedup;
	w.data = &leaf_id;
	walk_scan(st, scan, &w);
	assert_int_equal(w.probes, 4);
	assert_true(leaf_id > 0);
	store_close(st);
	chain_free(&c);
}

static int check_errors(const struct store_target_row *t, struct walk *w)
{
	const struct store_probe_row *p;

	(void)w;
	if (t->line == 2) {
		assert_string_equal(t->domain, "nx.example");
		assert_string_equal(t->error_kind, "dns_nxdomain");
		assert_string_equal(t->error_reason, "Domain name not found");
		assert_int_equal(t->probe_count, 0);
		assert_null(t->probes);
		return 0;
	}
	assert_int_equal(t->line, 3);
	assert_null(t->error_kind);
	assert_int_equal(t->probe_count, 1);
	p = &t->probes[0];
	assert_string_equal(p->error_kind, "refused");
	assert_string_equal(p->error_reason, "connection refused");
	assert_true(p->connect_ms < 0 && p->handshake_ms < 0);
	assert_int_equal(p->verify_code, -1);
	assert_null(p->tls_version);
	assert_null(p->cipher);
	assert_null(p->sni);
	assert_null(p->via);
	assert_int_equal(p->chain_len, 0);
	assert_null(p->chain);
	return 0;
}

static void test_errors_roundtrip(void **state)
{
	struct fixture *fx = *state;
	struct store *st = open_ok(fx->path);
	struct store_probe p = {
		.address = "192.0.2.1", .port = 5061,
		.started_ms = INT64_C(1764063780000), .connect_ms = -1,
		.handshake_ms = -1, .error_kind = FAIL_REFUSED,
		.error_reason = "connection refused", .verify_code = -1,
	};
	struct walk w = { 0 };
	int64_t scan = 0, nx, refused;

	assert_int_equal(store_scan_begin(st, &scan_info, &scan), 0);
	/* Added out of line order: the walk sorts by line. */
	refused = add_target(st, scan, 3, "192.0.2.1");
	nx = add_target(st, scan, 2, "nx.example");
	assert_int_equal(store_target_set_error(st, nx, FAIL_DNS_NXDOMAIN,
						"Domain name not found"), 0);
	assert_int_equal(store_target_set_error(st, nx + 100, FAIL_DNS_ERROR, "y"), -1);
	assert_non_null(strstr(store_errmsg(st), "no target"));
	assert_int_equal(store_target_probe_link(st, refused,
						 add_probe(st, scan, &p), DIR_ROUTE(NULL)), 0);
	store_close(st);

	st = open_ok(fx->path);
	w.check = check_errors;
	walk_scan(st, scan, &w);
	assert_int_equal(w.targets, 2);
	assert_int_equal(w.last_line, 3);
	store_close(st);
	/* "Did not happen" is SQL NULL, not a sentinel number. */
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM probe WHERE"
		" connect_ms IS NULL AND handshake_ms IS NULL"
		" AND verify_code IS NULL"), 1);
}

struct input_errors {
	int n;
};

static int input_error_cb(const struct store_input_error_row *e, void *arg)
{
	struct input_errors *seen = arg;

	seen->n++;
	if (seen->n == 1) {
		assert_int_equal(e->line, 4);
		assert_string_equal(e->reason, "unknown type \"FEDX\"");
		assert_string_equal(e->raw, "example.com,FEDX,");
	} else {
		assert_int_equal(e->line, 9);
		assert_string_equal(e->reason, "bad port \"0\"");
		assert_null(e->raw);
	}
	return 0;
}

static void test_input_errors(void **state)
{
	struct fixture *fx = *state;
	struct store *st = open_ok(fx->path);
	struct input_errors seen = { 0 };
	int64_t scan = 0, other = 0;

	assert_int_equal(store_scan_begin(st, &scan_info, &scan), 0);
	assert_int_equal(store_scan_begin(st, &scan_info, &other), 0);
	assert_int_equal(store_input_error_add(st, scan, 9, "bad port \"0\"",
					       NULL), 0);
	assert_int_equal(store_input_error_add(st, other, 1, "other scan", "x"), 0);
	assert_int_equal(store_input_error_add(st, scan, 4,
		"unknown type \"FEDX\"", "example.com,FEDX,"), 0);
	assert_int_equal(store_each_input_error(st, scan, input_error_cb, &seen), 0);
	assert_int_equal(seen.n, 2);
	store_close(st);
}

static int check_undecodable(const struct store_target_row *t, struct walk *w)
{
	const struct store_der *d = w->data;
	const struct store_cert_row *c;
	size_t i;

	assert_int_equal(t->probe_count, 1);
	assert_int_equal(t->probes[0].chain_len, 2);
	for (i = 0; i < 2; i++) {
		c = &t->probes[0].chain[i];
		assert_cert_row(c, &d[i]);
		assert_null(c->subject);
		assert_null(c->issuer);
		assert_null(c->serial);
		assert_null(c->not_before);
		assert_null(c->not_after);
		assert_null(c->sig_alg);
		assert_null(c->key_type);
		assert_int_equal(c->key_bits, 0);
		assert_int_equal(c->x509_version, 0);
	}
	return 0;
}

static void test_undecodable_der(void **state)
{
	struct fixture *fx = *state;
	struct store *st = open_ok(fx->path);
	static const unsigned char junk[] = { 0x30, 0x03, 0x02, 0x01, 0x00, 0xff };
	struct chain c;
	unsigned char *trailing;
	struct store_der d[2] = { 0 };
	struct store_probe p;
	struct walk w = { 0 };
	int64_t scan = 0;

	/* Junk, and a good certificate with one byte after it. */
	chain_make(&c);
	trailing = malloc(c.links[0].len + 1);
	assert_non_null(trailing);
	memcpy(trailing, c.der[0], c.links[0].len);
	trailing[c.links[0].len] = 0;
	d[0].der = junk;
	d[0].len = sizeof(junk);
	d[1].der = trailing;
	d[1].len = c.links[0].len + 1;
	assert_int_equal(store_scan_begin(st, &scan_info, &scan), 0);
	p = probe_ok("192.0.2.5", 443, NULL, NULL);
	p.chain = d;
	p.chain_len = 2;
	assert_int_equal(store_target_probe_link(st, add_target(st, scan, 1, "x"),
						 add_probe(st, scan, &p), DIR_ROUTE("x")), 0);
	w.check = check_undecodable;
	w.data = d;
	walk_scan(st, scan, &w);
	assert_int_equal(w.targets, 1);
	store_close(st);
	free(trailing);
	chain_free(&c);
}

static void test_ed25519_columns(void **state)
{
	struct fixture *fx = *state;
	static const struct tcert_spec spec = {
		.cn = "ed.example", .issuer_cn = "ed.example", .serial = 1,
		.not_before = "20250101000000Z", .not_after = "20260101000000Z",
		.version = 3, .bare = 1,
	};
	EVP_PKEY *key = tcert_key("ED25519");
	struct store *st = open_ok(fx->path);
	struct store_der d = { 0 };
	struct store_probe p;
	int64_t scan = 0;

	assert_non_null(key);
	d.der = der_of(&spec, key, key, NULL, &d.len);
	assert_int_equal(store_scan_begin(st, &scan_info, &scan), 0);
	p = probe_ok("192.0.2.6", 5061, NULL, NULL);
	p.chain = &d;
	p.chain_len = 1;
	add_probe(st, scan, &p);
	store_close(st);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM certificate"
		" WHERE key_type = 'ED25519' AND key_bits = 256"
		" AND sig_alg = 'ED25519' AND serial = '01'"
		" AND subject = 'CN=ed.example' AND x509_version = 3"), 1);
	OPENSSL_free((void *)d.der);
	EVP_PKEY_free(key);
}

/* ---- Certificates the handshake parsed ---------------------------------- */

/* An EC leaf and an RSA leaf under a self-signed RSA root, each as DER and
 * as the X509 a TLS client holds for it: OpenSSL's parse of those bytes.
 * with_x509 links carry the X509s, der_only links do not. */
#define TRIO 3

struct trio {
	unsigned char *der[TRIO];
	X509 *x[TRIO];
	struct store_der with_x509[TRIO];
	struct store_der der_only[TRIO];
};

static const struct tcert_spec rsa_leaf_spec = {
	.org = "Example Telecom", .cn = "sip.example.net",
	.issuer_cn = "Example Root", .serial = INT64_C(0x7FEDCBA987654321),
	.not_before = "20250301120000Z", .not_after = "20260301120000Z",
	.version = 3, .bare = 1,
};

static void trio_make(struct trio *t)
{
	EVP_PKEY *ca_key = tcert_key("RSA2048");
	EVP_PKEY *ec_key = tcert_key("EC");
	EVP_PKEY *rsa_key = tcert_key("RSA2048");
	const unsigned char *p;
	size_t len[TRIO];
	int i;

	assert_non_null(ca_key);
	assert_non_null(ec_key);
	assert_non_null(rsa_key);
	memset(t, 0, sizeof(*t));
	t->der[0] = der_of(&leaf_spec, ec_key, ca_key, EVP_sha256(), &len[0]);
	t->der[1] = der_of(&rsa_leaf_spec, rsa_key, ca_key, EVP_sha384(),
			   &len[1]);
	t->der[2] = der_of(&ca_spec, ca_key, ca_key, EVP_sha256(), &len[2]);
	for (i = 0; i < TRIO; i++) {
		p = t->der[i];
		t->x[i] = d2i_X509(NULL, &p, (long)len[i]);
		assert_non_null(t->x[i]);
		t->der_only[i].der = t->der[i];
		t->der_only[i].len = len[i];
		t->with_x509[i] = t->der_only[i];
		t->with_x509[i].x509 = t->x[i];
	}
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(ec_key);
	EVP_PKEY_free(rsa_key);
}

static void trio_free(struct trio *t)
{
	int i;

	for (i = 0; i < TRIO; i++) {
		X509_free(t->x[i]);
		OPENSSL_free(t->der[i]);
	}
}

/* Stores one probe of address presenting chain[0..n) in the database at
 * path, in a scan of its own. */
static void store_chain(const char *path, const char *address,
			const struct store_der *chain, size_t n)
{
	struct store *st = open_ok(path);
	struct store_probe p = probe_ok(address, 5061, NULL, NULL);
	int64_t scan = 0;

	p.chain = chain;
	p.chain_len = n;
	assert_int_equal(store_scan_begin(st, &scan_info, &scan), 0);
	add_probe(st, scan, &p);
	store_close(st);
}

/* Rows of one database's certificate table that the other's lacks, both
 * ways, every column compared (SELECT *, so a column added later is
 * compared too). */
static int64_t cert_rows_differing(const char *path, const char *other)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	char attach[200];
	int64_t n;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
			 SQLITE_OK);
	snprintf(attach, sizeof(attach), "ATTACH '%s' AS other", other);
	assert_int_equal(sqlite3_exec(db, attach, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT"
		" (SELECT count(*) FROM (SELECT * FROM main.certificate"
		"  EXCEPT SELECT * FROM other.certificate)) +"
		" (SELECT count(*) FROM (SELECT * FROM other.certificate"
		"  EXCEPT SELECT * FROM main.certificate))", -1, &s, NULL),
		SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
}

static const char all_decoded[] = "SELECT count(*) FROM certificate"
	" WHERE subject IS NOT NULL AND issuer IS NOT NULL"
	" AND serial IS NOT NULL AND not_before IS NOT NULL"
	" AND not_after IS NOT NULL AND sig_alg IS NOT NULL"
	" AND key_type IS NOT NULL AND key_bits > 0 AND x509_version > 0";

static void test_x509_row_as_der_row(void **state)
{
	struct fixture *fx = *state;
	char der_db[160];
	struct trio t;

	/* The scanner hands the store the handshake's X509s, the client
	 * chain and older callers only DER: a certificate's row must not
	 * depend on which. */
	trio_make(&t);
	snprintf(der_db, sizeof(der_db), "%s/der.db", fx->dir);
	store_chain(fx->path, "192.0.2.20", t.with_x509, TRIO);
	store_chain(der_db, "192.0.2.20", t.der_only, TRIO);
	assert_int_equal(query_int(fx->path, all_decoded), TRIO);
	assert_int_equal(query_int(der_db, all_decoded), TRIO);
	assert_int_equal(cert_rows_differing(fx->path, der_db), 0);
	unlink(der_db);
	trio_free(&t);
}

static void test_der_then_x509_one_row(void **state)
{
	struct fixture *fx = *state;
	char sha256[65], sql[200];
	struct trio t;

	trio_make(&t);
	store_chain(fx->path, "192.0.2.21", t.der_only, TRIO);
	store_chain(fx->path, "192.0.2.22", t.with_x509, TRIO);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM certificate"),
			 TRIO);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM chain_link"),
			 2 * TRIO);
	assert_int_equal(query_int(fx->path, "SELECT count(DISTINCT"
				   " certificate_id) FROM chain_link"), TRIO);
	tcert_digest_hex(t.der[0], t.der_only[0].len, EVP_sha256(), sha256);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM chain_link JOIN"
		 " certificate c ON c.id = certificate_id WHERE position = 0"
		 " AND c.sha256 = '%s'", sha256);
	assert_int_equal(query_int(fx->path, sql), 2);
	trio_free(&t);
}

static void test_x509_not_parsed_again(void **state)
{
	struct fixture *fx = *state;
	static const unsigned char junk[] = { 0x30, 0x03, 0x02, 0x01, 0x00 };
	char sha256[65], sql[300];
	struct trio t;
	struct store_der d = { junk, sizeof(junk), NULL };

	/* Junk DER beside a real X509 breaks store.h's contract on purpose:
	 * the row shows which of the two the store read its columns from,
	 * and that the fingerprints are still the DER's. */
	trio_make(&t);
	d.x509 = t.x[0];
	store_chain(fx->path, "192.0.2.23", &d, 1);
	tcert_digest_hex(junk, sizeof(junk), EVP_sha256(), sha256);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM certificate"
		 " WHERE sha256 = '%s' AND der = x'3003020100'"
		 " AND subject = 'CN=sip.example.com,O=M\xc3\xbcller GmbH'"
		 " AND key_type = 'EC' AND x509_version = 3", sha256);
	assert_int_equal(query_int(fx->path, sql), 1);
	trio_free(&t);
}

/* ---- Batching ---------------------------------------------------------- */

static int check_batch(const struct store_target_row *t, struct walk *w)
{
	size_t i;
	int cmp;

	(void)w;
	for (i = 1; i < t->probe_count; i++) {
		cmp = strcmp(t->probes[i - 1].address, t->probes[i].address);
		assert_true(cmp < 0 || (cmp == 0 && t->probes[i - 1].port <=
						    t->probes[i].port));
	}
	return 0;
}

static void test_batching(void **state)
{
	struct fixture *fx = *state;
	const char *count = "SELECT count(*) FROM probe";
	const int n = 2 * FC_BATCH_MAX + 7;
	struct store *st = open_ok(fx->path);
	struct store_probe p = probe_ok(NULL, 5061, NULL, NULL);
	struct walk w = { 0 };
	int64_t scan = 0, target, *ids;
	char addr[32];
	int i;

	ids = calloc((size_t)n, sizeof(*ids));
	assert_non_null(ids);
	assert_int_equal(store_scan_begin(st, &scan_info, &scan), 0);
	for (i = 0; i < n; i++) {
		snprintf(addr, sizeof(addr), "10.0.%d.%d", i / 250, i % 250);
		p.address = addr;
		p.port = 5061 + i % 3;
		ids[i] = add_probe(st, scan, &p);
		/* Another connection sees nothing until a batch is full. */
		if (i == FC_BATCH_MAX - 2)
			assert_int_equal(query_int(fx->path, count), 0);
		if (i == FC_BATCH_MAX - 1)
			assert_int_equal(query_int(fx->path, count), FC_BATCH_MAX);
	}
	assert_int_equal(query_int(fx->path, count), 2 * FC_BATCH_MAX);
	target = add_target(st, scan, 1, "pool.example.com");
	for (i = 0; i < n; i++)
		assert_int_equal(store_target_probe_link(st, target, ids[i],
							 DIR_ROUTE("pool")), 0);
	store_close(st);

	st = open_ok(fx->path);
	w.check = check_batch;
	walk_scan(st, scan, &w);
	assert_int_equal(w.targets, 1);
	assert_int_equal(w.probes, (size_t)n);
	store_close(st);
	assert_int_equal(query_int(fx->path, count), n);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM endpoint"), n);
	free(ids);
}

/* ---- Contract edges ---------------------------------------------------- */

static int stop_cb(const struct store_target_row *t, void *arg)
{
	(void)t;
	(*(int *)arg)++;
	return 42;
}

static void test_contract_edges(void **state)
{
	struct fixture *fx = *state;
	struct store *st = open_ok(fx->path);
	struct store_scan_row row;
	struct store_probe p = probe_ok("192.0.2.9", 5061, NULL, NULL);
	int64_t scan = 0, latest = -1, probe = 0;
	int calls = 0;

	assert_int_equal(store_scan_latest(st, &latest), 0);
	assert_int_equal(latest, 0);
	assert_int_equal(store_scan_get(st, 42, &row), -1);
	assert_string_equal(store_errmsg(st), "no scan 42");
	assert_int_equal(store_scan_begin(st, &scan_info, &scan), 0);
	assert_int_equal(store_scan_finish(st, scan, "running"), -1);
	assert_int_equal(store_scan_finish(st, scan + 1, "done"), -1);
	assert_string_equal(store_errmsg(st), "no scan 2");
	add_target(st, scan, 1, "a.example");
	add_target(st, scan, 2, "b.example");
	/* Foreign keys are enforced, and a probe that fails half-way leaves
	 * no row behind (its endpoint was written before the probe failed),
	 * while the rest of the batch survives. */
	assert_int_equal(store_target_probe_link(st, 999, 999, DIR_ROUTE("x")), -1);
	assert_non_null(strstr(store_errmsg(st), "FOREIGN KEY"));
	assert_int_equal(store_probe_add(st, scan + 100, &p, &probe), -1);
	assert_non_null(strstr(store_errmsg(st), "cannot record the probe"));
	assert_int_equal(store_flush(st), 0);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM endpoint"), 0);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM target"), 2);
	/* The callback's non-zero value stops the walk and is returned. */
	assert_int_equal(store_each_target(st, scan, stop_cb, &calls), 42);
	assert_int_equal(calls, 1);
	assert_int_equal(store_scan_finish(st, scan, "interrupted"), 0);
	assert_int_equal(store_scan_latest(st, &latest), 0);
	assert_int_equal(latest, scan);
	store_close(st);
	store_close(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_creates_schema, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_reopen_is_noop, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_newer_schema_refused, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_bad_files_refused, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_migrate_v1, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_migrate_v1_same_schema, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_migrate_failure_keeps_v1, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_probe_chain_roundtrip, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_dedup, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_errors_roundtrip, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_input_errors, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_undecodable_der, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_ed25519_columns, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_x509_row_as_der_row, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_der_then_x509_one_row, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_x509_not_parsed_again, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_batching, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_contract_edges, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
