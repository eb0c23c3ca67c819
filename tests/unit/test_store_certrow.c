/* test_store_certrow.c: store_cert_row_of() hands over exactly the row the
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

#include "test_store_fixture.h"

/* A self-signed P-256 certificate with serial, CN, and a validity of a
 * year; DER in *der (OPENSSL_free()). */
static int make_der(unsigned char **der, X509 **out)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *name;
	int len;

	assert_non_null(key);
	assert_non_null(x);
	assert_int_equal(X509_set_version(x, 2), 1);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 0x5eed);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 365L * 86400);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
				   (const unsigned char *)"sip.row.test", -1, -1, 0);
	X509_set_issuer_name(x, name);
	X509_set_pubkey(x, key);
	assert_true(X509_sign(x, key, EVP_sha256()) > 0);
	*der = NULL;
	len = i2d_X509(x, der);
	assert_true(len > 0);
	EVP_PKEY_free(key);
	*out = x;
	return len;
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
	unsigned char *der;
	X509 *x;
	int len = make_der(&der, &x);

	stored_row(fx->path, der, (size_t)len, &stored);
	assert_int_equal(store_cert_row_of(der, (size_t)len, NULL, &mine), 0);
	assert_int_equal(store_cert_row_of(der, (size_t)len, x, &parsed), 0);
	assert_same_row(&stored, &mine);
	assert_same_row(&stored, &parsed);
	assert_string_equal(mine.subject, "CN=sip.row.test");
	assert_string_equal(mine.serial, "5EED");
	assert_string_equal(mine.key_type, "EC");
	assert_int_equal(mine.key_bits, 256);
	assert_int_equal(mine.der_len, (size_t)len);
	assert_memory_equal(mine.der, der, (size_t)len);
	store_cert_row_clear(&stored);
	store_cert_row_clear(&mine);
	store_cert_row_clear(&parsed);
	X509_free(x);
	OPENSSL_free(der);
}

/* Bytes after the certificate: the columns would describe only a prefix
 * of what is kept, so neither side decodes it. */
static void test_trailing_bytes(void **state)
{
	struct fixture *fx = *state;
	struct store_cert_row stored, mine;
	unsigned char *der, *longer;
	X509 *x;
	int len = make_der(&der, &x);

	longer = malloc((size_t)len + 4);
	assert_non_null(longer);
	memcpy(longer, der, (size_t)len);
	memcpy(longer + len, "junk", 4);
	stored_row(fx->path, longer, (size_t)len + 4, &stored);
	assert_int_equal(store_cert_row_of(longer, (size_t)len + 4, NULL, &mine), 0);
	assert_same_row(&stored, &mine);
	assert_null(mine.subject);
	assert_null(mine.not_after);
	assert_null(mine.key_type);
	assert_int_equal(mine.x509_version, 0);
	assert_int_equal(strlen(mine.sha256), 64);
	store_cert_row_clear(&stored);
	store_cert_row_clear(&mine);
	free(longer);
	X509_free(x);
	OPENSSL_free(der);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_decoded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trailing_bytes, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
