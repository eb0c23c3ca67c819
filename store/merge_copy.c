/* merge_copy.c: the SQL of fedcert merge. The rows a shard scan owns are
 * first gathered from each shard file into a private temporary database
 * (the stage), one shard file attached at a time (SQLite attaches a few
 * files at once, a merge may have thousands); then one transaction on the
 * merged file writes them, ids remapped in SQL, set by set.
 *
 * Folding: shards of one file can probe one endpoint (a hosted pool named
 * by partners of several shards) and ask one DNS question each. Probes of
 * one endpoint whose facts are the same (every column but the timings,
 * the chain's certificates in order, the CA names, the SIP answer but its
 * round trip) are one probe, as the single scan made it: the first
 * shard's, its timings kept, and every target linked to it. Probes whose
 * facts differ are all kept, each target linked to its own shard's: what
 * was seen is never dropped, and each target reads what its shard saw.
 * DNS answers alike (their TTLs are not compared).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/merge_int.h"

static const char sql_stage[] =
	"PRAGMA stage.journal_mode = OFF;"
	"PRAGMA stage.synchronous = OFF;"
	"CREATE TABLE stage.target (shard INTEGER, id INTEGER, line INTEGER,"
	" domain TEXT, type TEXT, port INTEGER, error_kind TEXT,"
	" error_reason TEXT, complete INTEGER, new_id INTEGER,"
	" PRIMARY KEY (shard, id)) WITHOUT ROWID;"
	"CREATE TABLE stage.input_error (shard INTEGER, line INTEGER,"
	" reason TEXT, raw TEXT);"
	"CREATE TABLE stage.endpoint (shard INTEGER, id INTEGER, address TEXT,"
	" port INTEGER, sni TEXT, new_id INTEGER,"
	" PRIMARY KEY (shard, id)) WITHOUT ROWID;"
	"CREATE TABLE stage.certificate (shard INTEGER, id INTEGER,"
	" sha256 TEXT, sha1 TEXT, der BLOB, subject TEXT, issuer TEXT,"
	" serial TEXT, not_before TEXT, not_after TEXT, sig_alg TEXT,"
	" key_type TEXT, key_bits INTEGER, x509_version INTEGER,"
	" new_id INTEGER, PRIMARY KEY (shard, id)) WITHOUT ROWID;"
	"CREATE TABLE stage.probe (shard INTEGER, id INTEGER,"
	" endpoint_id INTEGER, started TEXT, connect_ms REAL,"
	" handshake_ms REAL, error_kind TEXT, error_reason TEXT,"
	" tls_version TEXT, cipher TEXT, verify_code INTEGER,"
	" verify_reason TEXT, chain_presented INTEGER, cc_requested INTEGER,"
	" cc_presented INTEGER, cc_outcome TEXT, cc_alert TEXT,"
	" endpoint_new INTEGER, fp TEXT, new_id INTEGER, rep INTEGER,"
	" PRIMARY KEY (shard, id)) WITHOUT ROWID;"
	"CREATE TABLE stage.chain_link (shard INTEGER, probe_id INTEGER,"
	" position INTEGER, certificate_id INTEGER,"
	" PRIMARY KEY (shard, probe_id, position)) WITHOUT ROWID;"
	"CREATE TABLE stage.probe_ca_name (shard INTEGER, probe_id INTEGER,"
	" position INTEGER, name TEXT,"
	" PRIMARY KEY (shard, probe_id, position)) WITHOUT ROWID;"
	"CREATE TABLE stage.probe_sip (shard INTEGER, probe_id INTEGER,"
	" status INTEGER, reason TEXT, server TEXT, user_agent TEXT,"
	" allow TEXT, supported TEXT, contact TEXT, ms_diagnostics TEXT,"
	" ms_diagnostics_public TEXT, warning TEXT, headers TEXT,"
	" provisional INTEGER, other_call_id INTEGER, rtt_ms REAL,"
	" error TEXT, error_reason TEXT,"
	" PRIMARY KEY (shard, probe_id)) WITHOUT ROWID;"
	"CREATE TABLE stage.target_probe (shard INTEGER, target_id INTEGER,"
	" probe_id INTEGER, via TEXT, srv_name TEXT, srv_priority INTEGER,"
	" srv_weight INTEGER);"
	"CREATE TABLE stage.dns_answer (shard INTEGER, id INTEGER, name TEXT,"
	" type TEXT, rcode TEXT, source TEXT, reason TEXT, fp TEXT,"
	" new_id INTEGER, rep INTEGER,"
	" PRIMARY KEY (shard, id)) WITHOUT ROWID;"
	"CREATE TABLE stage.dns_record (shard INTEGER, answer_id INTEGER,"
	" position INTEGER, priority INTEGER, weight INTEGER, port INTEGER,"
	" target TEXT, address TEXT, ttl INTEGER,"
	" PRIMARY KEY (shard, answer_id, position)) WITHOUT ROWID;"
	"CREATE TABLE stage.target_dns (shard INTEGER, target_id INTEGER,"
	" answer_id INTEGER);"
	"CREATE TABLE stage.client_cert (shard INTEGER, position INTEGER,"
	" certificate_id INTEGER);"
	/* The merged scan's own probes and answers (a merge that adds
	 * shards to it), by their facts, and the new ids handed out. */
	"CREATE TABLE stage.old_probe (fp TEXT PRIMARY KEY, id INTEGER);"
	"CREATE TABLE stage.old_answer (fp TEXT PRIMARY KEY, id INTEGER);"
	"CREATE TABLE stage.rank (what TEXT, shard INTEGER, id INTEGER,"
	" nid INTEGER, PRIMARY KEY (what, shard, id)) WITHOUT ROWID;";

/* One shard's rows: ?1 the shard index, ?2 its scan id in the file. */
static const char *const sql_gather[] = {
	"INSERT INTO stage.target SELECT ?1, id, line, domain, type, port,"
	" error_kind, error_reason, complete, NULL"
	" FROM src.target WHERE scan_id = ?2",
	"INSERT INTO stage.input_error SELECT ?1, line, reason, raw"
	" FROM src.input_error WHERE scan_id = ?2",
	"INSERT INTO stage.endpoint SELECT ?1, e.id, e.address, e.port, e.sni,"
	" NULL FROM src.endpoint e WHERE e.id IN"
	" (SELECT endpoint_id FROM src.probe WHERE scan_id = ?2)",
	"INSERT INTO stage.certificate SELECT ?1, c.id, c.sha256, c.sha1,"
	" c.der, c.subject, c.issuer, c.serial, c.not_before, c.not_after,"
	" c.sig_alg, c.key_type, c.key_bits, c.x509_version, NULL"
	" FROM src.certificate c WHERE c.id IN"
	" (SELECT l.certificate_id FROM src.chain_link l"
	"  JOIN src.probe p ON p.id = l.probe_id WHERE p.scan_id = ?2"
	"  UNION SELECT certificate_id FROM src.scan_client_cert"
	"  WHERE scan_id = ?2)",
	"INSERT INTO stage.probe SELECT ?1, id, endpoint_id, started,"
	" connect_ms, handshake_ms, error_kind, error_reason, tls_version,"
	" cipher, verify_code, verify_reason, chain_presented, cc_requested,"
	" cc_presented, cc_outcome, cc_alert, NULL, NULL, NULL, 0"
	" FROM src.probe WHERE scan_id = ?2",
	"INSERT INTO stage.chain_link SELECT ?1, l.probe_id, l.position,"
	" l.certificate_id FROM src.chain_link l"
	" JOIN src.probe p ON p.id = l.probe_id WHERE p.scan_id = ?2",
	"INSERT INTO stage.probe_ca_name SELECT ?1, n.probe_id, n.position,"
	" n.name FROM src.probe_ca_name n"
	" JOIN src.probe p ON p.id = n.probe_id WHERE p.scan_id = ?2",
	"INSERT INTO stage.probe_sip SELECT ?1, s.probe_id, s.status, s.reason,"
	" s.server, s.user_agent, s.allow, s.supported, s.contact,"
	" s.ms_diagnostics, s.ms_diagnostics_public, s.warning, s.headers,"
	" s.provisional, s.other_call_id, s.rtt_ms, s.error, s.error_reason"
	" FROM src.probe_sip s JOIN src.probe p ON p.id = s.probe_id"
	" WHERE p.scan_id = ?2",
	"INSERT INTO stage.target_probe SELECT ?1, tp.target_id, tp.probe_id,"
	" tp.via, tp.srv_name, tp.srv_priority, tp.srv_weight"
	" FROM src.target_probe tp JOIN src.target t ON t.id = tp.target_id"
	" WHERE t.scan_id = ?2",
	"INSERT INTO stage.dns_answer SELECT ?1, id, name, type, rcode, source,"
	" reason, NULL, NULL, 0 FROM src.dns_answer WHERE scan_id = ?2",
	"INSERT INTO stage.dns_record SELECT ?1, r.answer_id, r.position,"
	" r.priority, r.weight, r.port, r.target, r.address, r.ttl"
	" FROM src.dns_record r JOIN src.dns_answer a ON a.id = r.answer_id"
	" WHERE a.scan_id = ?2",
	"INSERT INTO stage.target_dns SELECT ?1, td.target_id, td.answer_id"
	" FROM src.target_dns td JOIN src.target t ON t.id = td.target_id"
	" WHERE t.scan_id = ?2",
	"INSERT INTO stage.client_cert SELECT ?1, position, certificate_id"
	" FROM src.scan_client_cert WHERE scan_id = ?2",
};

/* A probe's facts as one text: everything but its timings (started,
 * connect_ms, handshake_ms, the SIP round trip). P names the probe's
 * columns' table, EP its column of the endpoint's id in the main file
 * (the stage's endpoint_new), CHAIN, CA and SIP the subqueries over its rows: the
 * stage's (keyed by shard) and the main file's share one shape. The
 * rows of a WITHOUT ROWID table's key are visited in key order, so the
 * group_concat()s follow position. */
#define FP_PROBE(P, EP, CHAIN, CA, SIP)                                      \
	P "." EP " || '|' || quote(" P ".error_kind) ||"                   \
	" quote(" P ".error_reason) || quote(" P ".tls_version) ||"         \
	" quote(" P ".cipher) || quote(" P ".verify_code) ||"               \
	" quote(" P ".verify_reason) || quote(" P ".chain_presented) ||"    \
	" quote(" P ".cc_requested) || quote(" P ".cc_presented) ||"        \
	" quote(" P ".cc_outcome) || quote(" P ".cc_alert) || '|' ||"       \
	" ifnull((" CHAIN "), '') || '|' || ifnull((" CA "), '') || '|' ||" \
	" ifnull((" SIP "), '')"

#define FP_SIP(S)                                                            \
	"quote(" S ".status) || quote(" S ".reason) || quote(" S ".server) ||" \
	" quote(" S ".user_agent) || quote(" S ".allow) ||"                   \
	" quote(" S ".supported) || quote(" S ".contact) ||"                  \
	" quote(" S ".ms_diagnostics) || quote(" S ".ms_diagnostics_public) ||" \
	" quote(" S ".warning) || quote(" S ".headers) ||"                    \
	" quote(" S ".provisional) || quote(" S ".other_call_id) ||"          \
	" quote(" S ".error) || quote(" S ".error_reason)"

#define FP_ANSWER(A, RECORDS)                                                \
	"quote(" A ".name) || quote(" A ".type) || quote(" A ".rcode) ||"     \
	" quote(" A ".source) || quote(" A ".reason) || '|' ||"               \
	" ifnull((" RECORDS "), '')"

#define FP_RECORD(R)                                                         \
	"quote(" R ".priority) || quote(" R ".weight) || quote(" R ".port) ||" \
	" quote(" R ".target) || quote(" R ".address)"

static const char sql_fp_stage[] =
	"UPDATE stage.probe AS p SET fp = " FP_PROBE("p", "endpoint_new",
	"SELECT group_concat(c.sha256, ',') FROM stage.chain_link l"
	" JOIN stage.certificate c ON c.shard = l.shard AND c.id = l.certificate_id"
	" WHERE l.shard = p.shard AND l.probe_id = p.id",
	"SELECT group_concat(quote(n.name), ',') FROM stage.probe_ca_name n"
	" WHERE n.shard = p.shard AND n.probe_id = p.id",
	"SELECT " FP_SIP("s") " FROM stage.probe_sip s"
	" WHERE s.shard = p.shard AND s.probe_id = p.id") ";"
	"CREATE INDEX stage.probe_by_fp ON probe(fp, rep);"
	"UPDATE stage.dns_answer AS a SET fp = " FP_ANSWER("a",
	"SELECT group_concat(" FP_RECORD("r") ", ',') FROM stage.dns_record r"
	" WHERE r.shard = a.shard AND r.answer_id = a.id") ";"
	"CREATE INDEX stage.answer_by_fp ON dns_answer(fp, rep);";

static const char sql_fp_main[] =
	"INSERT OR IGNORE INTO stage.old_probe SELECT " FP_PROBE("p", "endpoint_id",
	"SELECT group_concat(c.sha256, ',') FROM main.chain_link l"
	" JOIN main.certificate c ON c.id = l.certificate_id"
	" WHERE l.probe_id = p.id",
	"SELECT group_concat(quote(n.name), ',') FROM main.probe_ca_name n"
	" WHERE n.probe_id = p.id",
	"SELECT " FP_SIP("s") " FROM main.probe_sip s WHERE s.probe_id = p.id")
	", p.id FROM main.probe p WHERE p.scan_id = ?1;"
	"INSERT OR IGNORE INTO stage.old_answer SELECT " FP_ANSWER("a",
	"SELECT group_concat(" FP_RECORD("r") ", ',') FROM main.dns_record r"
	" WHERE r.answer_id = a.id") ", a.id FROM main.dns_answer a"
	" WHERE a.scan_id = ?1;";

/* The write, statement by statement; ?1 is the merged scan. */
static const char *const sql_write[] = {
	/* Endpoints and certificates: once by their key, shared by every
	 * scan of the file. */
	"INSERT OR IGNORE INTO main.endpoint (address, port, sni)"
	" SELECT address, port, sni FROM stage.endpoint ORDER BY shard, id",
	"UPDATE stage.endpoint AS s SET new_id = (SELECT e.id"
	" FROM main.endpoint e WHERE e.address = s.address"
	" AND e.port = s.port AND ifnull(e.sni, '') = ifnull(s.sni, ''))",
	"INSERT OR IGNORE INTO main.certificate (sha256, sha1, der, subject,"
	" issuer, serial, not_before, not_after, sig_alg, key_type, key_bits,"
	" x509_version) SELECT sha256, sha1, der, subject, issuer, serial,"
	" not_before, not_after, sig_alg, key_type, key_bits, x509_version"
	" FROM stage.certificate ORDER BY shard, id",
	"UPDATE stage.certificate AS s SET new_id = (SELECT c.id"
	" FROM main.certificate c WHERE c.sha256 = s.sha256)",
	"UPDATE stage.probe AS p SET endpoint_new = (SELECT e.new_id"
	" FROM stage.endpoint e WHERE e.shard = p.shard"
	" AND e.id = p.endpoint_id)",
	NULL, /* sql_fp_stage, sql_fp_main */
	/* Probes: the merged scan's own of the same facts, else the first
	 * shard's (its representative), numbered after the file's last. */
	"UPDATE stage.probe AS p SET new_id = (SELECT o.id"
	" FROM stage.old_probe o WHERE o.fp = p.fp)",
	"INSERT INTO stage.rank SELECT 'probe', k / 1099511627776,"
	" k % 1099511627776, (SELECT ifnull(max(id), 0) FROM main.probe)"
	" + row_number() OVER (ORDER BY k) FROM (SELECT"
	" min(shard * 1099511627776 + id) AS k FROM stage.probe"
	" WHERE new_id IS NULL GROUP BY fp)",
	"UPDATE stage.probe AS p SET rep = 1, new_id = (SELECT r.nid"
	" FROM stage.rank r WHERE r.what = 'probe' AND r.shard = p.shard"
	" AND r.id = p.id) WHERE new_id IS NULL AND EXISTS (SELECT 1"
	" FROM stage.rank r WHERE r.what = 'probe' AND r.shard = p.shard"
	" AND r.id = p.id)",
	"UPDATE stage.probe AS p SET new_id = (SELECT q.new_id"
	" FROM stage.probe q WHERE q.fp = p.fp AND q.rep = 1)"
	" WHERE new_id IS NULL",
	"INSERT INTO main.probe (id, scan_id, endpoint_id, started, connect_ms,"
	" handshake_ms, error_kind, error_reason, tls_version, cipher,"
	" verify_code, verify_reason, chain_presented, cc_requested,"
	" cc_presented, cc_outcome, cc_alert) SELECT new_id, ?1, endpoint_new,"
	" started, connect_ms, handshake_ms, error_kind, error_reason,"
	" tls_version, cipher, verify_code, verify_reason, chain_presented,"
	" cc_requested, cc_presented, cc_outcome, cc_alert FROM stage.probe"
	" WHERE rep = 1 ORDER BY new_id",
	"INSERT INTO main.chain_link (probe_id, position, certificate_id)"
	" SELECT p.new_id, l.position, c.new_id FROM stage.chain_link l"
	" JOIN stage.probe p ON p.shard = l.shard AND p.id = l.probe_id"
	" JOIN stage.certificate c ON c.shard = l.shard"
	" AND c.id = l.certificate_id WHERE p.rep = 1",
	"INSERT INTO main.probe_ca_name (probe_id, position, name)"
	" SELECT p.new_id, n.position, n.name FROM stage.probe_ca_name n"
	" JOIN stage.probe p ON p.shard = n.shard AND p.id = n.probe_id"
	" WHERE p.rep = 1",
	"INSERT INTO main.probe_sip (probe_id, status, reason, server,"
	" user_agent, allow, supported, contact, ms_diagnostics,"
	" ms_diagnostics_public, warning, headers, provisional, other_call_id,"
	" rtt_ms, error, error_reason) SELECT p.new_id, s.status, s.reason,"
	" s.server, s.user_agent, s.allow, s.supported, s.contact,"
	" s.ms_diagnostics, s.ms_diagnostics_public, s.warning, s.headers,"
	" s.provisional, s.other_call_id, s.rtt_ms, s.error, s.error_reason"
	" FROM stage.probe_sip s JOIN stage.probe p ON p.shard = s.shard"
	" AND p.id = s.probe_id WHERE p.rep = 1",
	/* DNS answers: as probes. */
	"UPDATE stage.dns_answer AS a SET new_id = (SELECT o.id"
	" FROM stage.old_answer o WHERE o.fp = a.fp)",
	"INSERT INTO stage.rank SELECT 'answer', k / 1099511627776,"
	" k % 1099511627776, (SELECT ifnull(max(id), 0) FROM main.dns_answer)"
	" + row_number() OVER (ORDER BY k) FROM (SELECT"
	" min(shard * 1099511627776 + id) AS k FROM stage.dns_answer"
	" WHERE new_id IS NULL GROUP BY fp)",
	"UPDATE stage.dns_answer AS a SET rep = 1, new_id = (SELECT r.nid"
	" FROM stage.rank r WHERE r.what = 'answer' AND r.shard = a.shard"
	" AND r.id = a.id) WHERE new_id IS NULL AND EXISTS (SELECT 1"
	" FROM stage.rank r WHERE r.what = 'answer' AND r.shard = a.shard"
	" AND r.id = a.id)",
	"UPDATE stage.dns_answer AS a SET new_id = (SELECT q.new_id"
	" FROM stage.dns_answer q WHERE q.fp = a.fp AND q.rep = 1)"
	" WHERE new_id IS NULL",
	"INSERT INTO main.dns_answer (id, scan_id, name, type, rcode, source,"
	" reason) SELECT new_id, ?1, name, type, rcode, source, reason"
	" FROM stage.dns_answer WHERE rep = 1 ORDER BY new_id",
	"INSERT INTO main.dns_record (answer_id, position, priority, weight,"
	" port, target, address, ttl) SELECT a.new_id, r.position, r.priority,"
	" r.weight, r.port, r.target, r.address, r.ttl FROM stage.dns_record r"
	" JOIN stage.dns_answer a ON a.shard = r.shard AND a.id = r.answer_id"
	" WHERE a.rep = 1",
	/* Targets, in the file's line order, and what they reached. */
	"INSERT INTO stage.rank SELECT 'target', shard, id,"
	" (SELECT ifnull(max(id), 0) FROM main.target)"
	" + row_number() OVER (ORDER BY line, shard, id) FROM stage.target",
	"UPDATE stage.target AS t SET new_id = (SELECT r.nid FROM stage.rank r"
	" WHERE r.what = 'target' AND r.shard = t.shard AND r.id = t.id)",
	"INSERT INTO main.target (id, scan_id, line, domain, type, port,"
	" error_kind, error_reason, complete) SELECT new_id, ?1, line, domain,"
	" type, port, error_kind, error_reason, complete FROM stage.target"
	" ORDER BY new_id",
	"INSERT INTO main.input_error (scan_id, line, reason, raw)"
	" SELECT ?1, line, reason, raw FROM stage.input_error"
	" ORDER BY line, shard",
	"INSERT OR IGNORE INTO main.target_probe (target_id, probe_id, via,"
	" srv_name, srv_priority, srv_weight) SELECT t.new_id, p.new_id,"
	" tp.via, tp.srv_name, tp.srv_priority, tp.srv_weight"
	" FROM stage.target_probe tp"
	" JOIN stage.target t ON t.shard = tp.shard AND t.id = tp.target_id"
	" JOIN stage.probe p ON p.shard = tp.shard AND p.id = tp.probe_id"
	" ORDER BY t.new_id",
	"INSERT OR IGNORE INTO main.target_dns (target_id, answer_id)"
	" SELECT t.new_id, a.new_id FROM stage.target_dns td"
	" JOIN stage.target t ON t.shard = td.shard AND t.id = td.target_id"
	" JOIN stage.dns_answer a ON a.shard = td.shard AND a.id = td.answer_id"
	" ORDER BY t.new_id",
	/* Our chain, as the first shard that has one recorded it. */
	"INSERT OR IGNORE INTO main.scan_client_cert (scan_id, position,"
	" certificate_id) SELECT ?1, k.position, c.new_id"
	" FROM stage.client_cert k JOIN stage.certificate c"
	" ON c.shard = k.shard AND c.id = k.certificate_id"
	" WHERE k.shard = (SELECT min(shard) FROM stage.client_cert)",
	/* Verdicts are the report's, of the scan as it was: judged afresh. */
	"DELETE FROM main.verdict_target WHERE target_id IN"
	" (SELECT id FROM main.target WHERE scan_id = ?1)",
	"DELETE FROM main.verdict_scan WHERE scan_id = ?1",
};

/* Runs sql (one statement, or several without parameters when nparams
 * is 0) with ?1 = a and ?2 = b. */
static int copy_exec(struct store *out, const char *sql, int nparams,
		     int64_t a, int64_t b, const char *what)
{
	sqlite3_stmt *s = NULL;
	const char *tail = sql;
	int rc = 0;

	while (rc == 0 && tail && *tail) {
		if (sqlite3_prepare_v2(out->db, tail, -1, &s, &tail) != SQLITE_OK) {
			store_db_error(out, what);
			return -1;
		}
		if (s == NULL)
			break;
		if (nparams >= 1 && sqlite3_bind_parameter_count(s) >= 1)
			sqlite3_bind_int64(s, 1, a);
		if (nparams >= 2 && sqlite3_bind_parameter_count(s) >= 2)
			sqlite3_bind_int64(s, 2, b);
		while ((rc = sqlite3_step(s)) == SQLITE_ROW)
			;
		if (rc != SQLITE_DONE) {
			store_db_error(out, what);
			rc = -1;
		} else {
			rc = 0;
		}
		sqlite3_finalize(s);
		s = NULL;
	}
	return rc;
}

int merge_stage_open(struct store *out)
{
	if (copy_exec(out, "ATTACH '' AS stage", 0, 0, 0,
		      "cannot make the merge's temporary database") != 0)
		return -1;
	return copy_exec(out, sql_stage, 0, 0, 0,
			 "cannot make the merge's temporary tables");
}

void merge_stage_close(struct store *out)
{
	sqlite3_exec(out->db, "DETACH stage", NULL, NULL, NULL);
}

/* path as a read-only file: URI (RFC 3986 escapes for what a URI keeps
 * for itself), so that attaching it can never write to it. */
static char *copy_uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t len = strlen(path), i, o = 0;
	char *uri = malloc(len * 3 + 32);

	if (uri == NULL)
		return NULL;
	o += (size_t)sprintf(uri, "file:");
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)path[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("/._-~", c)) {
			uri[o++] = (char)c;
		} else {
			uri[o++] = '%';
			uri[o++] = hex[c >> 4];
			uri[o++] = hex[c & 15];
		}
	}
	strcpy(uri + o, "?mode=ro");
	return uri;
}

int merge_stage_shard(struct store *out, const char *path, unsigned shard,
		      int64_t scan_id)
{
	sqlite3_stmt *s = NULL;
	char *uri = copy_uri(path);
	int attached = 0, rc = -1;
	size_t i;

	if (uri == NULL) {
		store_set_error(out, "out of memory");
		goto out;
	}
	if (sqlite3_prepare_v2(out->db, "ATTACH ?1 AS src", -1, &s, NULL) !=
		    SQLITE_OK ||
	    sqlite3_bind_text(s, 1, uri, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_DONE) {
		store_set_error(out, "%s: cannot read it: %s", path,
				sqlite3_errmsg(out->db));
		goto out;
	}
	attached = 1;
	/* One read transaction over the file: its rows as of one moment. */
	if (copy_exec(out, "BEGIN", 0, 0, 0, "cannot read a shard") != 0)
		goto out;
	for (i = 0; i < sizeof(sql_gather) / sizeof(sql_gather[0]); i++)
		if (copy_exec(out, sql_gather[i], 2, shard, scan_id,
			      "cannot read a shard") != 0) {
			sqlite3_exec(out->db, "ROLLBACK", NULL, NULL, NULL);
			goto out;
		}
	if (copy_exec(out, "COMMIT", 0, 0, 0, "cannot read a shard") != 0)
		goto out;
	rc = 0;
out:
	sqlite3_finalize(s);
	if (attached)
		sqlite3_exec(out->db, "DETACH src", NULL, NULL, NULL);
	free(uri);
	return rc;
}

static int copy_count(struct store *out, const char *sql, int64_t *n)
{
	sqlite3_stmt *s = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(out->db, sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW) {
		*n = sqlite3_column_int64(s, 0);
		rc = 0;
	} else {
		store_db_error(out, "cannot count the merge");
	}
	sqlite3_finalize(s);
	return rc;
}

int merge_stage_write(struct store *out, int64_t scan_id, int64_t *targets,
		      int64_t *probes, int64_t *folded)
{
	const char *what = "cannot write the merged scan";
	size_t i;

	for (i = 0; i < sizeof(sql_write) / sizeof(sql_write[0]); i++) {
		if (sql_write[i] == NULL) {
			if (copy_exec(out, sql_fp_stage, 0, 0, 0, what) != 0 ||
			    copy_exec(out, sql_fp_main, 1, scan_id, 0, what) != 0)
				return -1;
			continue;
		}
		if (copy_exec(out, sql_write[i], 1, scan_id, 0, what) != 0)
			return -1;
	}
	return copy_count(out, "SELECT count(*) FROM stage.target", targets) ||
	       copy_count(out, "SELECT count(*) FROM stage.probe WHERE rep = 1",
			  probes) ||
	       copy_count(out, "SELECT count(*) FROM stage.probe WHERE rep = 0",
			  folded) ? -1 : 0;
}
