/* test_rows.c: store_cert_row_of() hands over exactly the row the
 * reader gives for the same certificate once a scan stored it, whether the
 * DER decodes, was parsed already, or has bytes after the certificate
 * (kept, fingerprinted whole, undecoded). `fedcert inspect` relies on it to
 * describe a file's certificate as the report describes a captured one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "store/store.h"

#include "support/cert.h"
#include "support/store_fixture.h"

/* A self-signed P-256 certificate with serial 5EED, CN sip.row.test and a
 * validity of a year; tcert_free(). */
static void make_cert(struct tcert *c)
{
	static const struct tcert_spec spec = {
		.cn = "sip.row.test", .serial = 0x5eed, .bare = 1,
		.set_validity = 1, .from_days = 0, .to_days = 365,
	};

	tcert_make(c, &spec);
}

struct got {
	struct store_cert_row row;
	int seen;
};

static int copy_leaf(const struct store_target_row *t, void *arg)
{
	struct got *g = arg;
	const struct store_cert_row *c = &t->probes[0].chain[0];

	/* A copy of what the reader read, to outlive the walk. */
	g->row = *c;
	g->row.subject = c->subject ? strdup(c->subject) : NULL;
	g->row.issuer = c->issuer ? strdup(c->issuer) : NULL;
	g->row.serial = c->serial ? strdup(c->serial) : NULL;
	g->row.not_before = c->not_before ? strdup(c->not_before) : NULL;
	g->row.not_after = c->not_after ? strdup(c->not_after) : NULL;
	g->row.sig_alg = c->sig_alg ? strdup(c->sig_alg) : NULL;
	g->row.key_type = c->key_type ? strdup(c->key_type) : NULL;
	g->row.der = NULL;
	g->seen = 1;
	return 0;
}

/* The row the reader hands over for der once stored. */
static void stored_row(const char *path, const unsigned char *der, size_t len,
		       struct store_cert_row *out)
{
	struct store_scan_info info = { "t.csv", "", "test" };
	struct store_target t = { 2, "sip.row.test", "DIR", 5061 };
	struct store_der chain = { der, len, NULL };
	struct store_probe p = {
		.address = "192.0.2.1", .port = 5061, .sni = "sip.row.test",
		.connect_ms = 1, .handshake_ms = 2, .verify_code = -1,
		.chain = &chain, .chain_len = 1,
	};
	struct store_route route = { NULL, "sip.row.test", -1, -1 };
	struct store *st = open_ok(path);
	int64_t scan, tid, pid;
	struct got g = { 0 };

	assert_int_equal(store_scan_begin(st, &info, &scan), 0);
	assert_int_equal(store_target_add(st, scan, &t, &tid), 0);
	assert_int_equal(store_probe_add(st, scan, &p, &pid), 0);
	assert_int_equal(store_target_probe_link(st, tid, pid, &route), 0);
	assert_int_equal(store_target_complete(st, tid), 0);
	assert_int_equal(store_scan_finish(st, scan, "done"), 0);
	assert_int_equal(store_each_target(st, scan, copy_leaf, &g), 0);
	assert_true(g.seen);
	store_close(st);
	*out = g.row;
}

#define SAME_TEXT(a, b)                                                      \
	do {                                                                 \
		if ((a) == NULL || (b) == NULL)                              \
			assert_ptr_equal((a), (b));                          \
		else                                                         \
			assert_string_equal((a), (b));                       \
	} while (0)

static void assert_same_row(const struct store_cert_row *a,
			    const struct store_cert_row *b)
{
	assert_string_equal(a->sha256, b->sha256);
	assert_string_equal(a->sha1, b->sha1);
	SAME_TEXT(a->subject, b->subject);
	SAME_TEXT(a->issuer, b->issuer);
	SAME_TEXT(a->serial, b->serial);
	SAME_TEXT(a->not_before, b->not_before);
	SAME_TEXT(a->not_after, b->not_after);
	SAME_TEXT(a->sig_alg, b->sig_alg);
	SAME_TEXT(a->key_type, b->key_type);
	assert_int_equal(a->key_bits, b->key_bits);
	assert_int_equal(a->x509_version, b->x509_version);
}

static void test_decoded(void **state)
{
	struct fixture *fx = *state;
	struct store_cert_row stored, mine, parsed;
	struct tcert c;
	const unsigned char *der;
	size_t len;

	make_cert(&c);
	der = c.der;
	len = c.der_len;
	stored_row(fx->path, der, len, &stored);
	assert_int_equal(store_cert_row_of(der, len, NULL, &mine), 0);
	assert_int_equal(store_cert_row_of(der, len, c.x, &parsed), 0);
	assert_same_row(&stored, &mine);
	assert_same_row(&stored, &parsed);
	assert_string_equal(mine.subject, "CN=sip.row.test");
	assert_string_equal(mine.serial, "5EED");
	assert_string_equal(mine.key_type, "EC");
	assert_int_equal(mine.key_bits, 256);
	assert_int_equal(mine.der_len, len);
	assert_memory_equal(mine.der, der, len);
	store_cert_row_clear(&stored);
	store_cert_row_clear(&mine);
	store_cert_row_clear(&parsed);
	tcert_free(&c);
}

/* Bytes after the certificate: the columns would describe only a prefix
 * of what is kept, so neither side decodes it. */
static void test_trailing_bytes(void **state)
{
	struct fixture *fx = *state;
	struct store_cert_row stored, mine;
	struct tcert c;
	unsigned char *longer;
	size_t len;

	make_cert(&c);
	len = c.der_len;
	longer = malloc(len + 4);
	assert_non_null(longer);
	memcpy(longer, c.der, len);
	memcpy(longer + len, "junk", 4);
	stored_row(fx->path, longer, len + 4, &stored);
	assert_int_equal(store_cert_row_of(longer, len + 4, NULL, &mine), 0);
	assert_same_row(&stored, &mine);
	assert_null(mine.subject);
	assert_null(mine.not_after);
	assert_null(mine.key_type);
	assert_int_equal(mine.x509_version, 0);
	assert_int_equal(strlen(mine.sha256), 64);
	store_cert_row_clear(&stored);
	store_cert_row_clear(&mine);
	free(longer);
	tcert_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_decoded, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_trailing_bytes, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
