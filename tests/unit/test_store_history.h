/* test_store_history.h: a database of five nights, built through the
 * store's writer as the scanner would, for the tests of the readers across
 * scans (test_store_history.c) and of their reports
 * (test_report_history.c). Static inline: one copy per test program.
 *
 * Night k (scan k) started HF_DAYS_BEFORE(k) days before the fixture's
 * "now"; every certificate is generated here, so each expected value is
 * one the test chose:
 *
 *   target          scan 1        scan 2        scan 3        scan 4
 *   a.test DIR      leaf1 (A)     leaf1 (A)     leaf2 (A)     leaf3 (B), twice
 *   b.test DIR .2   leaf_b (A)    refused       leaf_b (A)    leaf_b (A)
 *   b.test DIR .3   leaf_b (A)    -             -             -
 *   c.test FED      dns_nxdomain  dns_nxdomain  dns_nxdomain  -
 *   d.test DIR      -             -             -             leaf_d (A), expired
 *
 * (A) and (B): issued by root A or root B, chain [leaf, root]. leaf3
 * expires HF_LEAF3_DAYS days after now (expires_soon from scan 4 on),
 * leaf_d expired 5 days before now. a.test is listed twice in scan 4
 * (lines 2 and 9: a repeated CSV row). Scan 5 was interrupted: it holds
 * a.test, incomplete, without probes.
 */
#ifndef FEDCERT_TEST_STORE_HISTORY_H
#define FEDCERT_TEST_STORE_HISTORY_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>
#include <sqlite3.h>

#include "store/store.h"
#include "test_store_fixture.h"

#define HF_SCANS 5
#define HF_DAYS_BEFORE(k) (HF_SCANS - (k))
#define HF_LEAF3_DAYS 10
#define HF_LEAF_B_DAYS 100
#define HF_LEAF_D_DAYS (-5)

struct hf_cert {
	EVP_PKEY *key;
	X509 *x;
	unsigned char *der; /* OPENSSL_free() */
	int len;
	char sha1[41];      /* lowercase, as stored */
	char sha256[65];
};

struct hf {
	char dir[64];
	char path[128];
	struct store *st;
	time_t now;
	char started[HF_SCANS + 1][21]; /* scan k's start, 1-based */
	struct hf_cert root_a, root_b, leaf1, leaf2, leaf3, leaf_b, leaf_d;
};

static inline void hf_time(time_t t, char out[21])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static inline void hf_hex(const unsigned char *md, unsigned n, char *out)
{
	unsigned i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* A P-256 certificate for cn (a SAN dNSName too, unless a CA), valid from
 * 30 days before the fixture's now until `days` after it, issued by
 * issuer (NULL: self-signed, a CA). */
static inline void hf_make(struct hf_cert *c, const char *cn,
			   const struct hf_cert *issuer, long days)
{
	static long serial = 0x6000;
	char san[300];
	X509_NAME *name;
	X509_EXTENSION *ext;
	X509V3_CTX ctx;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned n;

	c->key = EVP_EC_gen("P-256");
	c->x = X509_new();
	assert_non_null(c->key);
	assert_non_null(c->x);
	assert_int_equal(X509_set_version(c->x, 2), 1);
	ASN1_INTEGER_set(X509_get_serialNumber(c->x), serial++);
	X509_gmtime_adj(X509_getm_notBefore(c->x), -30L * 86400);
	X509_gmtime_adj(X509_getm_notAfter(c->x), days * 86400);
	name = X509_get_subject_name(c->x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
				   (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(c->x, issuer ? X509_get_subject_name(issuer->x) : name);
	X509_set_pubkey(c->x, c->key);
	X509V3_set_ctx(&ctx, issuer ? issuer->x : c->x, c->x, NULL, NULL, 0);
	snprintf(san, sizeof san, "DNS:%s", cn);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, issuer ? NID_subject_alt_name
						     : NID_basic_constraints,
				  issuer ? san : "critical,CA:TRUE");
	assert_non_null(ext);
	assert_int_equal(X509_add_ext(c->x, ext, -1), 1);
	X509_EXTENSION_free(ext);
	assert_true(X509_sign(c->x, issuer ? issuer->key : c->key, EVP_sha256()) > 0);
	c->der = NULL;
	c->len = i2d_X509(c->x, &c->der);
	assert_true(c->len > 0);
	assert_int_equal(X509_digest(c->x, EVP_sha1(), md, &n), 1);
	hf_hex(md, n, c->sha1);
	assert_int_equal(X509_digest(c->x, EVP_sha256(), md, &n), 1);
	hf_hex(md, n, c->sha256);
}

static inline void hf_cert_free(struct hf_cert *c)
{
	OPENSSL_free(c->der);
	X509_free(c->x);
	EVP_PKEY_free(c->key);
}

/* One complete DIR (or FED) target; returns its id. */
static inline int64_t hf_target(struct hf *f, int64_t scan, long line,
				const char *domain, const char *type)
{
	struct store_target t = { line, domain, type, 5061 };
	int64_t id;

	assert_int_equal(store_target_add(f->st, scan, &t, &id), 0);
	return id;
}

/* A probe of address (SNI sni) presenting [leaf, root], or failing with
 * "refused" when leaf is NULL; linked to target tid. Returns its id. */
static inline int64_t hf_probe(struct hf *f, int64_t scan, int64_t tid,
			       const char *address, const char *sni,
			       const struct hf_cert *leaf,
			       const struct hf_cert *root)
{
	struct store_der chain[2] = { 0 };
	struct store_probe p = {
		.address = address, .port = 5061, .sni = sni,
		.connect_ms = 1.0, .handshake_ms = 5.0,
		.tls_version = "TLSv1.3", .cipher = "TLS_AES_128_GCM_SHA256",
		.verify_code = 0, .verify_reason = "ok",
	};
	struct store_route route = { NULL, sni, -1, -1 };
	int64_t pid;

	if (leaf != NULL) {
		chain[0].der = leaf->der;
		chain[0].len = (size_t)leaf->len;
		chain[1].der = root->der;
		chain[1].len = (size_t)root->len;
		p.chain = chain;
		p.chain_len = 2;
	} else {
		p.connect_ms = p.handshake_ms = -1;
		p.error_kind = FAIL_REFUSED;
		p.error_reason = "Connection refused";
		p.tls_version = p.cipher = p.verify_reason = NULL;
		p.verify_code = -1;
	}
	assert_int_equal(store_probe_add(f->st, scan, &p, &pid), 0);
	assert_int_equal(store_target_probe_link(f->st, tid, pid, &route), 0);
	return pid;
}

/* Night k's targets (the table above). */
static inline void hf_night(struct hf *f, int64_t scan)
{
	int64_t a, b, c, a2, pa;

	a = hf_target(f, scan, 2, "a.test", "DIR");
	if (scan == 5)
		return; /* interrupted before a.test was done */
	pa = hf_probe(f, scan, a, "192.0.2.1", "sip.a.test",
		      scan <= 2 ? &f->leaf1 : scan == 3 ? &f->leaf2 : &f->leaf3,
		      scan <= 3 ? &f->root_a : &f->root_b);
	assert_int_equal(store_target_complete(f->st, a), 0);
	b = hf_target(f, scan, 3, "b.test", "DIR");
	hf_probe(f, scan, b, "192.0.2.2", "sip.b.test",
		 scan == 2 ? NULL : &f->leaf_b, &f->root_a);
	if (scan == 1)
		hf_probe(f, scan, b, "192.0.2.3", "sip.b.test", &f->leaf_b,
			 &f->root_a);
	assert_int_equal(store_target_complete(f->st, b), 0);
	if (scan <= 3) {
		c = hf_target(f, scan, 4, "c.test", "FED");
		assert_int_equal(store_target_set_error(f->st, c, FAIL_DNS_NXDOMAIN,
			"c.test: Domain name not found"), 0);
		assert_int_equal(store_target_complete(f->st, c), 0);
	}
	if (scan == 4) {
		int64_t d = hf_target(f, scan, 5, "d.test", "DIR");

		hf_probe(f, scan, d, "192.0.2.4", "sip.d.test", &f->leaf_d,
			 &f->root_a);
		assert_int_equal(store_target_complete(f->st, d), 0);
		/* The repeated row: the same endpoint, the same probe. */
		a2 = hf_target(f, scan, 9, "a.test", "DIR");
		struct store_route route = { NULL, "sip.a.test", -1, -1 };
		assert_int_equal(store_target_probe_link(f->st, a2, pa, &route), 0);
		assert_int_equal(store_target_complete(f->st, a2), 0);
	}
}

static inline void hf_open(struct hf *f)
{
	struct store_scan_info info = { "partners.csv", "-", "test" };
	char err[256], sql[512];
	int64_t scan;
	int k;

	memset(f, 0, sizeof(*f));
	strcpy(f->dir, "/tmp/fedcert_test_history_XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/h.db", f->dir);
	if (store_open(f->path, &f->st, err, sizeof err) != 0)
		fail_msg("store_open: %s", err);
	f->now = time(NULL);
	hf_make(&f->root_a, "History Root A", NULL, 3650);
	hf_make(&f->root_b, "History Root B", NULL, 3650);
	hf_make(&f->leaf1, "sip.a.test", &f->root_a, 200);
	hf_make(&f->leaf2, "sip.a.test", &f->root_a, 300);
	hf_make(&f->leaf3, "sip.a.test", &f->root_b, HF_LEAF3_DAYS);
	hf_make(&f->leaf_b, "sip.b.test", &f->root_a, HF_LEAF_B_DAYS);
	hf_make(&f->leaf_d, "sip.d.test", &f->root_a, HF_LEAF_D_DAYS);
	for (k = 1; k <= HF_SCANS; k++) {
		assert_int_equal(store_scan_begin(f->st, &info, &scan), 0);
		assert_int_equal(scan, k);
		hf_night(f, scan);
		assert_int_equal(store_scan_finish(f->st, scan, k == HF_SCANS ?
						   "interrupted" : "done"), 0);
		hf_time(f->now - HF_DAYS_BEFORE(k) * 86400L, f->started[k]);
	}
	assert_int_equal(store_flush(f->st), 0);
	/* The nights, a day apart: the writer stamps everything "now". */
	for (k = 1; k <= HF_SCANS; k++) {
		snprintf(sql, sizeof sql,
			 "UPDATE scan SET started = '%s', finished = strftime("
			 "'%%Y-%%m-%%dT%%H:%%M:%%SZ', '%s', '+60 seconds')"
			 " WHERE id = %d; UPDATE probe SET started = strftime("
			 "'%%Y-%%m-%%dT%%H:%%M:%%fZ', '%s', '+1 seconds')"
			 " WHERE scan_id = %d;", f->started[k], f->started[k], k,
			 f->started[k], k);
		exec_sql(f->path, sql);
	}
}

static inline void hf_close(struct hf *f)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	char file[160];
	size_t i;

	store_close(f->st);
	for (i = 0; i < 3; i++) {
		snprintf(file, sizeof file, "%s%s", f->path, suffix[i]);
		remove(file);
	}
	assert_int_equal(rmdir(f->dir), 0);
	hf_cert_free(&f->root_a);
	hf_cert_free(&f->root_b);
	hf_cert_free(&f->leaf1);
	hf_cert_free(&f->leaf2);
	hf_cert_free(&f->leaf3);
	hf_cert_free(&f->leaf_b);
	hf_cert_free(&f->leaf_d);
}

/* cmocka setup and teardown around an hf. */
static inline int hf_setup(void **state)
{
	struct hf *f = malloc(sizeof(*f));

	if (f == NULL)
		return -1;
	hf_open(f);
	*state = f;
	return 0;
}

static inline int hf_teardown(void **state)
{
	hf_close(*state);
	free(*state);
	return 0;
}

#endif
