/* history_fixture.c: the five nights (history_fixture.h). */
#include "history_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store_fixture.h"

void hf_time(time_t t, char out[21])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A P-256 certificate for cn (a SAN dNSName too, unless a CA), valid from
 * 30 days before the fixture's now until `days` after it, issued by
 * issuer (NULL: self-signed, a CA). */
static void hf_make(struct hf *f, struct hf_cert *c, const char *cn,
		    const struct hf_cert *issuer, long days)
{
	static int64_t serial = 0x6000;
	struct tcert_spec s = {
		.cn = cn, .serial = serial++, .now = f->now,
		.set_validity = 1, .from_days = -30, .to_days = days,
		.bare = 1, .ca = issuer == NULL,
		.dns = { issuer != NULL ? cn : NULL },
		.issuer = issuer != NULL ? issuer->cert.x : NULL,
		.issuer_key = issuer != NULL ? issuer->cert.key : NULL,
	};

	tcert_make(&c->cert, &s);
	tcert_digest_hex(c->cert.der, c->cert.der_len, EVP_sha1(), c->sha1);
	tcert_digest_hex(c->cert.der, c->cert.der_len, EVP_sha256(),
			 c->sha256);
}

/* One complete DIR (or FED) target; returns its id. */
static int64_t hf_target(struct hf *f, int64_t scan, long line,
			 const char *domain, const char *type)
{
	struct store_target t = { line, domain, type, 5061 };
	int64_t id;

	assert_int_equal(store_target_add(f->st, scan, &t, &id), 0);
	return id;
}

/* A probe of address (SNI sni) presenting [leaf, root], or failing with
 * "refused" when leaf is NULL; linked to target tid. Returns its id. */
static int64_t hf_probe(struct hf *f, int64_t scan, int64_t tid,
			const char *address, const char *sni,
			const struct hf_cert *leaf, const struct hf_cert *root)
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
		chain[0].der = leaf->cert.der;
		chain[0].len = leaf->cert.der_len;
		chain[1].der = root->cert.der;
		chain[1].len = root->cert.der_len;
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
static void hf_night(struct hf *f, int64_t scan)
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

void hf_open(struct hf *f)
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
	hf_make(f, &f->root_a, "History Root A", NULL, 3650);
	hf_make(f, &f->root_b, "History Root B", NULL, 3650);
	hf_make(f, &f->leaf1, "sip.a.test", &f->root_a, 200);
	hf_make(f, &f->leaf2, "sip.a.test", &f->root_a, 300);
	hf_make(f, &f->leaf3, "sip.a.test", &f->root_b, HF_LEAF3_DAYS);
	hf_make(f, &f->leaf_b, "sip.b.test", &f->root_a, HF_LEAF_B_DAYS);
	hf_make(f, &f->leaf_d, "sip.d.test", &f->root_a, HF_LEAF_D_DAYS);
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

void hf_close(struct hf *f)
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
	tcert_free(&f->root_a.cert);
	tcert_free(&f->root_b.cert);
	tcert_free(&f->leaf1.cert);
	tcert_free(&f->leaf2.cert);
	tcert_free(&f->leaf3.cert);
	tcert_free(&f->leaf_b.cert);
	tcert_free(&f->leaf_d.cert);
}

/* cmocka setup and teardown around an hf. */
int hf_setup(void **state)
{
	struct hf *f = malloc(sizeof(*f));

	if (f == NULL)
		return -1;
	hf_open(f);
	*state = f;
	return 0;
}

int hf_teardown(void **state)
{
	hf_close(*state);
	free(*state);
	return 0;
}
