/* statements.c: the SQL of every statement the writer prepares once
 * (store_int.h, enum store_stmt_id), beside the enum it is indexed by;
 * db.c prepares them when a database opens, writer.c runs them. */
#include "store/store_int.h"

static const char *const stmt_sql[STMT_COUNT] = {
	[STMT_BEGIN] = "BEGIN IMMEDIATE",
	[STMT_COMMIT] = "COMMIT",
	[STMT_SAVEPOINT] = "SAVEPOINT one_write",
	[STMT_RELEASE] = "RELEASE one_write",
	[STMT_ROLLBACK_TO] = "ROLLBACK TO one_write",
	[STMT_SCAN_BEGIN] =
		"INSERT INTO scan(started, status, input, options, version)"
		" VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'running',"
		" ?1, ?2, ?3)",
	[STMT_SCAN_FINISH] =
		"UPDATE scan SET finished = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),"
		" status = ?2 WHERE id = ?1",
	[STMT_TARGET_ADD] =
		"INSERT INTO target(scan_id, line, domain, type, port, complete)"
		" VALUES (?1, ?2, ?3, ?4, ?5, 0)",
	[STMT_TARGET_COMPLETE] = "UPDATE target SET complete = 1 WHERE id = ?1",
	[STMT_TARGET_SET_ERROR] =
		"UPDATE target SET error_kind = ?2, error_reason = ?3"
		" WHERE id = ?1",
	[STMT_INPUT_ERROR_ADD] =
		"INSERT INTO input_error(scan_id, line, reason, raw)"
		" VALUES (?1, ?2, ?3, ?4)",
	/* Written as the index expression so that endpoint_key serves it. */
	[STMT_ENDPOINT_FIND] =
		"SELECT id FROM endpoint WHERE address = ?1 AND port = ?2"
		" AND ifnull(sni, '') = ifnull(?3, '')",
	[STMT_ENDPOINT_ADD] =
		"INSERT INTO endpoint(address, port, sni) VALUES (?1, ?2, ?3)",
	[STMT_PROBE_ADD] =
		"INSERT INTO probe(scan_id, endpoint_id, started, connect_ms,"
		" handshake_ms, error_kind, error_reason, tls_version, cipher,"
		" verify_code, verify_reason, chain_presented, cc_requested,"
		" cc_presented, cc_outcome, cc_alert)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
		" ?13, ?14, ?15, ?16)",
	[STMT_CA_NAME_ADD] =
		"INSERT INTO probe_ca_name(probe_id, position, name)"
		" VALUES (?1, ?2, ?3)",
	[STMT_CLIENT_CERT_ADD] =
		"INSERT INTO scan_client_cert(scan_id, position, certificate_id)"
		" VALUES (?1, ?2, ?3)",
	[STMT_VERDICT_TARGET_GET] =
		"SELECT v.status, v.valid_until, f.findings FROM verdict_target v"
		" LEFT JOIN verdict_findings f ON f.id = v.findings_id"
		" WHERE v.target_id = ?1",
	[STMT_VERDICT_FINDINGS_ADD] =
		"INSERT INTO verdict_findings(digest, findings) VALUES (?1, ?2)"
		" ON CONFLICT(digest) DO NOTHING",
	[STMT_VERDICT_FINDINGS_FIND] =
		"SELECT id, findings = ?2 FROM verdict_findings WHERE digest = ?1",
	[STMT_VERDICT_FINDINGS_SET] =
		"UPDATE verdict_findings SET findings = ?2 WHERE id = ?1",
	[STMT_VERDICT_TARGET_ADD] =
		"INSERT OR REPLACE INTO verdict_target(target_id, status,"
		" valid_until, findings_id) VALUES (?1, ?2, ?3, ?4)",
	/* The first probe that had it as its leaf: chain_link_by_certificate
	 * holds a certificate's links in probe id order, and probes are numbered
	 * as they are stored, so this is one index seek, not a walk over every
	 * night a hosted pool's certificate was seen. */
	[STMT_CERT_FIRST_SEEN] =
		"SELECT s.started FROM scan s WHERE s.id = (SELECT p.scan_id"
		" FROM chain_link l JOIN probe p ON p.id = l.probe_id"
		" WHERE l.certificate_id = ?1 AND l.position = 0"
		" ORDER BY l.probe_id LIMIT 1)",
	[STMT_SIP_ADD] =
		"INSERT INTO probe_sip(probe_id, status, reason, server,"
		" user_agent, allow, supported, contact, ms_diagnostics,"
		" ms_diagnostics_public, warning, headers, provisional,"
		" other_call_id, rtt_ms, error, error_reason)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
		" ?13, ?14, ?15, ?16, ?17)",
	[STMT_CERT_FIND] = "SELECT id FROM certificate WHERE sha256 = ?1",
	[STMT_CERT_ADD] =
		"INSERT INTO certificate(sha256, sha1, der, subject, issuer,"
		" serial, not_before, not_after, sig_alg, key_type, key_bits,"
		" x509_version)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
	[STMT_CHAIN_LINK_ADD] =
		"INSERT INTO chain_link(probe_id, position, certificate_id)"
		" VALUES (?1, ?2, ?3)",
	/* A target reaching the same probe twice (two SRV records naming
	 * one address) keeps its first route. */
	[STMT_TARGET_PROBE_ADD] =
		"INSERT INTO target_probe(target_id, probe_id, via, srv_name,"
		" srv_priority, srv_weight)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
	[STMT_DNS_ANSWER_ADD] =
		"INSERT INTO dns_answer(scan_id, name, type, rcode, source, reason)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[STMT_DNS_RECORD_ADD] =
		"INSERT INTO dns_record(answer_id, position, priority, weight,"
		" port, target, address, ttl)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	/* ON CONFLICT rather than OR IGNORE: only the duplicate link is
	 * skipped; a NOT NULL or foreign-key failure is still an error. */
	[STMT_TARGET_DNS_ADD] =
		"INSERT INTO target_dns(target_id, answer_id) VALUES (?1, ?2)"
		" ON CONFLICT DO NOTHING",
	/* recall.c: what this scan stored, found again by the scanner.
	 * endpoint_key, then probe_by_endpoint_scan; dns_answer_by_scan,
	 * then dns_record's key. */
	[STMT_RECALL_PROBE] =
		"SELECT p.id FROM endpoint e JOIN probe p ON p.endpoint_id = e.id"
		" WHERE e.address = ?1 AND e.port = ?2"
		" AND ifnull(e.sni, '') = ifnull(?3, '') AND p.scan_id = ?4"
		" ORDER BY p.id LIMIT 1",
	[STMT_RECALL_ANSWERS] =
		"SELECT id, type, rcode, source, reason FROM dns_answer"
		" WHERE scan_id = ?1 AND name = ?2 AND type IN (?3, ?4)"
		" ORDER BY id",
	[STMT_RECALL_RECORDS] =
		"SELECT priority, weight, port, target, address, ttl"
		" FROM dns_record WHERE answer_id = ?1 ORDER BY position",
};

const char *store_stmt_sql(enum store_stmt_id id)
{
	return stmt_sql[id];
}
