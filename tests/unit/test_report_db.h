/* test_report_db.h: a real database for the report_run() tests
 * (test_report.c, test_report_filters.c): a temporary SQLite file filled
 * through the store's writer, as the scanner would, and report_run() into
 * a capture. Static inline, as in test_report.h.
 */
#ifndef FEDCERT_TEST_REPORT_DB_H
#define FEDCERT_TEST_REPORT_DB_H

#include <unistd.h>

#include <openssl/sha.h>

#include "report/report.h"
#include "test_report.h"

/* A self-signed P-256 certificate for sip.example.com, as DER. The caller
 * frees *der with OPENSSL_free(). */
static inline void make_cert(unsigned char **der, int *len)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *name;

	assert_non_null(key);
	assert_non_null(x);
	assert_int_equal(X509_set_version(x, 2), 1);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 0x0A1B2C);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
				   (const unsigned char *)"sip.example.com",
				   -1, -1, 0);
	X509_set_issuer_name(x, name);
	X509_set_pubkey(x, key);
	assert_true(X509_sign(x, key, EVP_sha256()) > 0);
	*der = NULL;
	*len = i2d_X509(x, der);
	assert_true(*len > 0);
	X509_free(x);
	EVP_PKEY_free(key);
}

/* "Thumbprint: " and the uppercase SHA-1 of der, as Windows shows it. */
static inline void thumb_line(const unsigned char *der, int len,
		       char out[12 + 2 * SHA_DIGEST_LENGTH + 1])
{
	unsigned char md[SHA_DIGEST_LENGTH];
	size_t i;

	assert_non_null(SHA1(der, (size_t)len, md));
	strcpy(out, "Thumbprint: ");
	for (i = 0; i < sizeof md; i++)
		sprintf(out + 12 + 2 * i, "%02X", md[i]);
}

/* What main passes when no option is given: every finding shown, never
 * flagged, judged now. */
static inline struct report_options run_options(enum report_format format)
{
	struct report_options o = {
		.format = format, .min_severity = -1, .fail_on = -1,
	};

	return o;
}

struct run_db {
	char dir[64];
	char path[96];
	struct store *st;
};

static inline void run_db_open(struct run_db *db)
{
	char err[256];

	strcpy(db->dir, "/tmp/fedcert_test_report_XXXXXX");
	assert_non_null(mkdtemp(db->dir));
	snprintf(db->path, sizeof db->path, "%s/t.db", db->dir);
	assert_int_equal(store_open(db->path, &db->st, err, sizeof err), 0);
}

static inline void run_db_close(struct run_db *db)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	char file[128];
	size_t i;

	store_close(db->st);
	for (i = 0; i < 3; i++) {
		snprintf(file, sizeof file, "%s%s", db->path, suffix[i]);
		remove(file);
	}
	assert_int_equal(rmdir(db->dir), 0);
}

/* report_run() into c; it must succeed. Returns the output. */
static inline const char *run_report(struct run_db *db,
			      const struct report_options *o,
			      struct capture *c, int *flagged)
{
	char err[256] = "";

	capture_open(c);
	*flagged = -1;
	if (report_run(db->st, o, c->f, flagged, err, sizeof err) != 0)
		fail_msg("report_run: %s", err);
	return capture_close(c);
}

/* One DIR target with a good (self-signed, a day left) and a refused
 * probe, one FED target whose domain does not exist, one bad input
 * line. */
static inline void run_db_fill(struct store *st, int64_t *scan_id,
			char thumb[12 + 2 * SHA_DIGEST_LENGTH + 1])
{
	struct store_scan_info info = { "partners.csv", "-", "test" };
	struct store_target dir = { 2, "sip.example.com", "DIR", 5061 };
	struct store_target fed = { 5, "example.org", "FED", 5061 };
	struct store_der der = { 0 };
	struct store_probe ok = {
		.address = "::1", .port = 5061, .sni = "sip.example.com",
		.connect_ms = 0.4, .handshake_ms = 3.2,
		.tls_version = "TLSv1.3", .cipher = "TLS_AES_256_GCM_SHA384",
		.verify_code = 18, .verify_reason = "self-signed certificate",
		.chain_len = 1, .chain = &der,
	};
	struct store_probe refused = {
		.address = "127.0.0.2", .port = 5061, .sni = "sip.example.com",
		.connect_ms = -1, .handshake_ms = -1, .error_kind = FAIL_REFUSED,
		.error_reason = "Connection refused", .verify_code = -1,
	};
	struct store_route route = { NULL, "sip.example.com", -1, -1 };
	int64_t tid, pid;
	unsigned char *buf;
	int len;

	make_cert(&buf, &len);
	thumb_line(buf, len, thumb);
	der.der = buf;
	der.len = (size_t)len;
	assert_int_equal(store_scan_begin(st, &info, scan_id), 0);
	assert_int_equal(store_target_add(st, *scan_id, &dir, &tid), 0);
	assert_int_equal(store_probe_add(st, *scan_id, &ok, &pid), 0);
	assert_int_equal(store_target_probe_link(st, tid, pid, &route), 0);
	assert_int_equal(store_probe_add(st, *scan_id, &refused, &pid), 0);
	assert_int_equal(store_target_probe_link(st, tid, pid, &route), 0);
	assert_int_equal(store_target_add(st, *scan_id, &fed, &tid), 0);
	assert_int_equal(store_target_set_error(st, tid, FAIL_DNS_NXDOMAIN,
						"example.org: no such domain"),
			 0);
	assert_int_equal(store_input_error_add(st, *scan_id, 17,
					       "unknown type \"FEDX\"",
					       "x,FEDX"), 0);
	assert_int_equal(store_scan_finish(st, *scan_id, "done"), 0);
	OPENSSL_free(buf);
}

#endif
