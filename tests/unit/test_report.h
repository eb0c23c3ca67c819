/* test_report.h: what the report tests share (test_report*.c): output
 * capture, crafted rows, hand-made findings, generated certificates and a
 * strict libcsv reader (the JSON checker is test_json.h, the database
 * test_report_db.h). Each test program is its own executable, so the
 * helpers are static inline: one copy per program, no warning where one is
 * unused.
 *
 * Output is captured with open_memstream(); CSV output is parsed back with
 * libcsv and JSON checked by a recursive-descent reader, so that quoting
 * and encoding are checked by a real parser, not by eye.
 */
#ifndef FEDCERT_TEST_REPORT_H
#define FEDCERT_TEST_REPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <csv.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "report/render/render.h"
#include "store/store.h"

/* The CSV report's columns (csv.c's lists): per endpoint, per target. */
#define TEST_CSV_NCOLUMNS 39
#define TEST_CSV_TARGET_NCOLUMNS 14

/* ---- Capture --------------------------------------------------------- */

struct capture {
	FILE *f;
	char *buf; /* owned; freed by capture_free() */
	size_t len;
};

static inline void capture_open(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
}

/* Closes the stream; c->buf then holds the NUL-terminated output. */
static inline const char *capture_close(struct capture *c)
{
	assert_int_equal(fclose(c->f), 0);
	c->f = NULL;
	return c->buf;
}

static inline void capture_free(struct capture *c)
{
	free(c->buf);
	c->buf = NULL;
}

/* ---- Crafted rows ---------------------------------------------------- */

static inline struct store_cert_row cert_leaf(void)
{
	struct store_cert_row c = {
		.id = 1,
		.sha256 = "9f86d081884c7d659a2feaa0c55ad015"
			  "a3bf4f1b2b0b822cd15d6c15b0f00a08",
		.sha1 = "3f2a9d1e5b7c4a8f0e6d2c1b9a8f7e6d5c4b3a29",
		.subject = "CN=sip.example.com,O=Example",
		.issuer = "CN=Example Intermediate",
		.serial = "0A1B2C",
		.not_before = "2026-01-01T00:00:00Z",
		.not_after = "2027-01-01T00:00:00Z",
		.sig_alg = "sha256WithRSAEncryption",
		.key_type = "RSA",
		.key_bits = 2048,
		.x509_version = 3,
	};
	return c;
}

/* A DIR route's probe. chain must have room for two certificates. */
static inline struct store_probe_row probe_ok(struct store_cert_row *chain)
{
	struct store_probe_row p = {
		.id = 1,
		.address = "127.0.0.1",
		.port = 5061,
		.sni = "sip.example.com",
		.via = "sip.example.com",
		.srv_priority = -1,
		.srv_weight = -1,
		.started = "2026-11-25T09:43:01Z",
		.connect_ms = 0.4,
		.handshake_ms = 3.2,
		.tls_version = "TLSv1.3",
		.cipher = "TLS_AES_256_GCM_SHA384",
		.verify_code = 0,
		.verify_reason = "ok",
		.chain_len = 2,
		.chain = chain,
	};
	chain[0] = cert_leaf();
	chain[1] = cert_leaf();
	chain[1].subject = "CN=Example Intermediate";
	return p;
}

static inline struct store_probe_row probe_refused(void)
{
	struct store_probe_row p = {
		.id = 2,
		.address = "192.0.2.7",
		.port = 5061,
		.sni = "sip.example.com",
		.via = "sip.example.com",
		.srv_priority = -1,
		.srv_weight = -1,
		.connect_ms = -1,
		.handshake_ms = -1,
		.error_kind = "refused",
		.error_reason = "Connection refused",
		.verify_code = -1,
	};
	return p;
}

static inline struct store_target_row target_dir(struct store_probe_row *probes,
						 size_t n)
{
	struct store_target_row t = {
		.id = 1,
		.line = 2,
		.domain = "sip.example.com",
		.type = "DIR",
		.port = 5061,
		.probe_count = n,
		.probes = probes,
	};
	return t;
}

/* ---- A FED target on a DNS load-balanced pool ------------------------- */

#define SRV_NAME "_sipfederationtls._tcp.example.com"
#define SRV_NPROBES 4
#define SRV_NANSWERS 4

/* example.com (FED, line 3): SRV priority 0 weight 100 sip.example.com
 * (A: a 3-address pool, AAAA: no data), priority 10 weight 0
 * sip2.example.com (AAAA: one address). Owns nothing; every string is a
 * literal, the arrays are the caller's. */
struct srv_fixture {
	struct store_cert_row chain[2];
	struct store_dns_record_row srv[2];
	struct store_dns_record_row pool[3];
	struct store_dns_record_row pool2[1];
	struct store_dns_answer_row dns[SRV_NANSWERS];
	struct store_probe_row probes[SRV_NPROBES];
	struct store_target_row target;
};

static inline struct store_probe_row srv_probe(const char *address,
					       const char *via, int priority,
					       int weight)
{
	struct store_probe_row p = probe_refused();

	p.address = (char *)address;
	p.sni = (char *)via;
	p.via = (char *)via;
	p.srv_name = SRV_NAME;
	p.srv_priority = priority;
	p.srv_weight = weight;
	return p;
}

static inline struct store_dns_record_row srv_record(int priority, int weight,
						     const char *target)
{
	struct store_dns_record_row r = {
		.priority = priority, .weight = weight, .port = 5061,
		.target = (char *)target, .ttl = -1,
	};
	return r;
}

static inline struct store_dns_record_row addr_record(const char *address,
						      long ttl)
{
	struct store_dns_record_row r = {
		.priority = -1, .weight = -1, .port = -1,
		.address = (char *)address, .ttl = ttl,
	};
	return r;
}

static inline struct store_dns_answer_row
dns_answer(const char *name, const char *type, const char *rcode,
	   struct store_dns_record_row *r, size_t n)
{
	struct store_dns_answer_row a = {
		.name = (char *)name, .type = (char *)type,
		.rcode = (char *)rcode, .source = "dns",
		.count = n, .records = r,
	};
	return a;
}

/* Probes in the store's order: priority, weight desc, host, address; the
 * first one succeeded, the others were refused. */
static inline void srv_fixture_init(struct srv_fixture *f)
{
	struct store_target_row t = {
		.id = 7, .line = 3, .domain = "example.com", .type = "FED",
		.port = 5061, .dns_count = SRV_NANSWERS, .dns = f->dns,
		.probe_count = SRV_NPROBES, .probes = f->probes,
	};

	memset(f, 0, sizeof *f);
	f->srv[0] = srv_record(0, 100, "sip.example.com");
	f->srv[1] = srv_record(10, 0, "sip2.example.com");
	f->pool[0] = addr_record("127.0.0.2", 300);
	f->pool[1] = addr_record("127.0.0.3", 300);
	f->pool[2] = addr_record("127.0.0.4", 300);
	f->pool2[0] = addr_record("2001:db8::5", 60);
	f->dns[0] = dns_answer(SRV_NAME, "SRV", "NOERROR", f->srv, 2);
	f->dns[1] = dns_answer("sip.example.com", "A", "NOERROR", f->pool, 3);
	f->dns[2] = dns_answer("sip.example.com", "AAAA", "NOERROR", NULL, 0);
	f->dns[3] = dns_answer("sip2.example.com", "AAAA", "NOERROR",
			       f->pool2, 1);
	f->probes[0] = probe_ok(f->chain);
	f->probes[0].address = "127.0.0.2";
	f->probes[0].srv_name = SRV_NAME;
	f->probes[0].srv_priority = 0;
	f->probes[0].srv_weight = 100;
	f->probes[1] = srv_probe("127.0.0.3", "sip.example.com", 0, 100);
	f->probes[2] = srv_probe("127.0.0.4", "sip.example.com", 0, 100);
	f->probes[3] = srv_probe("2001:db8::5", "sip2.example.com", 10, 0);
	f->target = t;
}

/* ---- Findings crafted by hand ------------------------------------------ */

/* Registry entries for the renderer tests, independent of the real
 * registry (findings.c): the renderers show whatever def they are given. */
static inline const struct finding_def *test_def(const char *id)
{
	static const struct finding_def defs[] = {
		{ "name_match", SEVERITY_INFO, 0, "why" },
		{ "name_mismatch", SEVERITY_ERROR, 0, "why" },
		{ "expires_soon", SEVERITY_WARNING, 0, "why" },
		{ "connect_failed", SEVERITY_ERROR, 0, "why" },
		{ "no_ocsp", SEVERITY_INFO, 0, "why" },
		{ "pool_partial_failure", SEVERITY_ERROR, 1, "why" },
		{ "pool_inconsistent", SEVERITY_WARNING, 1, "why" },
		{ "srv_missing", SEVERITY_ERROR, 1, "why" },
	};
	size_t i;

	for (i = 0; i < sizeof defs / sizeof defs[0]; i++)
		if (strcmp(defs[i].id, id) == 0)
			return &defs[i];
	fail_msg("no test finding %s", id);
	return NULL;
}

#define TEST_FINDINGS_MAX 16

/* A target with hand-made findings, all shown unless a test says
 * otherwise. The messages are literals: the list is never freed with
 * finding_list_free(). */
struct test_findings {
	struct finding items[TEST_FINDINGS_MAX];
	struct finding_list list;
	const struct finding *shown[TEST_FINDINGS_MAX];
	struct render_target rt;
};

static inline void tf_init(struct test_findings *tf,
			   const struct store_target_row *t)
{
	memset(tf, 0, sizeof *tf);
	tf->list.items = tf->items;
	tf->list.cap = TEST_FINDINGS_MAX;
	tf->rt.row = t;
	tf->rt.all = &tf->list;
	tf->rt.shown = tf->shown;
	tf->rt.status = RENDER_PASS;
}

/* Adds a finding (probe NULL: the target's own), shown, and updates the
 * target's status. */
static inline void tf_add(struct test_findings *tf, const char *id,
			  enum finding_severity severity, const char *message,
			  const struct store_probe_row *probe)
{
	struct finding *f;

	assert_true(tf->list.count < TEST_FINDINGS_MAX);
	f = &tf->items[tf->list.count++];
	f->def = test_def(id);
	f->severity = severity;
	f->message = (char *)message;
	f->probe = probe;
	tf->shown[tf->rt.nshown++] = f;
	tf->rt.status = render_status_of(&tf->list, NULL);
}

/* Hides the n-th finding (as a filter would), keeping the order. */
static inline void tf_hide(struct test_findings *tf, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < tf->rt.nshown; i++)
		if (tf->shown[i] != &tf->items[n])
			tf->shown[k++] = tf->shown[i];
	tf->rt.nshown = k;
}

/* No views, no trust store. */
static inline const struct render_text_options *text_plain(void)
{
	static const struct render_text_options o = { .trust = NULL };

	return &o;
}

/* tf's target rendered as text, without --advanced or --chain. */
static inline const char *render_findings_text(struct capture *c,
					       const struct test_findings *tf)
{
	capture_open(c);
	render_text_target(c->f, text_plain(), &tf->rt);
	return capture_close(c);
}

/* probe_ok()'s block after its SNI line. */
#define OK_BLOCK_TAIL                                                   \
	"Connect: 0.4 ms, Handshake: 3.2 ms\n"                          \
	"TLS Version: TLSv1.3\n"                                        \
	"Cipher: TLS_AES_256_GCM_SHA384\n"                              \
	"Client certificate: not requested\n"                           \
	"Chain Verification: OK\n"                                      \
	"Chain Length: 2\n"                                             \
	"Subject: CN=sip.example.com,O=Example\n"                       \
	"Issuer: CN=Example Intermediate\n"                             \
	"Not Before: 2026-01-01T00:00:00Z\n"                            \
	"Not After: 2027-01-01T00:00:00Z\n"                             \
	"Serial Number: 0A1B2C\n"                                       \
	"Signature Algorithm: sha256RSA\n"                              \
	"Thumbprint: 3F2A9D1E5B7C4A8F0E6D2C1B9A8F7E6D5C4B3A29\n"        \
	"Version: V3\n"                                                 \
	"Public Key: RSA 2048 bits\n"

/* The Result line of a target without errors or warnings. */
#define RESULT_PASS(domain)                                             \
	"\nResult: PASS (0 errors, 0 warnings) \xE2\x80\x94 " domain "\n"

/* ---- Generated certificates ---------------------------------------------- */

/* A certificate and its key. Freed with pki_free(). */
struct pki {
	EVP_PKEY *key;
	X509 *x;
	unsigned char *der; /* i2d_X509(x), OPENSSL_free() */
	int der_len;
};

static inline void pki_free(struct pki *k)
{
	OPENSSL_free(k->der);
	X509_free(k->x);
	EVP_PKEY_free(k->key);
}

/* Adds each "name", "value" pair of exts (NULL-terminated) to x, issued by
 * issuer (x itself when self-signed). */
static inline void pki_add_exts(X509 *x, X509 *issuer,
				const char *const *exts)
{
	CONF *conf = NCONF_new(NULL); /* empty: certificatePolicies wants one */
	X509_EXTENSION *ext;
	X509V3_CTX ctx;

	assert_non_null(conf);
	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	X509V3_set_nconf(&ctx, conf);
	for (; exts != NULL && exts[0] != NULL; exts += 2) {
		ext = X509V3_EXT_nconf(conf, &ctx, exts[0], exts[1]);
		if (ext == NULL)
			fail_msg("extension %s = %s", exts[0], exts[1]);
		assert_int_equal(X509_add_ext(x, ext, -1), 1);
		X509_EXTENSION_free(ext);
	}
	NCONF_free(conf);
}

/* A P-256 certificate for cn, valid from now for 90 days, issued by
 * issuer (NULL: self-signed). */
static inline void pki_make(struct pki *k, const char *cn,
			    const struct pki *issuer, const char *const *exts)
{
	static long serial = 0x1000;
	X509_NAME *name;

	k->key = EVP_EC_gen("P-256");
	k->x = X509_new();
	assert_non_null(k->key);
	assert_non_null(k->x);
	assert_int_equal(X509_set_version(k->x, 2), 1);
	ASN1_INTEGER_set(X509_get_serialNumber(k->x), serial++);
	X509_gmtime_adj(X509_getm_notBefore(k->x), 0);
	X509_gmtime_adj(X509_getm_notAfter(k->x), 90L * 86400);
	name = X509_get_subject_name(k->x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
				   (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(k->x, issuer != NULL
					   ? X509_get_subject_name(issuer->x)
					   : name);
	X509_set_pubkey(k->x, k->key);
	pki_add_exts(k->x, issuer != NULL ? issuer->x : k->x, exts);
	assert_true(X509_sign(k->x, issuer != NULL ? issuer->key : k->key,
			      EVP_sha256()) > 0);
	k->der = NULL;
	k->der_len = i2d_X509(k->x, &k->der);
	assert_true(k->der_len > 0);
}

/* A crafted row for k: the usual columns, k's DER and SHA-1. */
static inline struct store_cert_row pki_row(const struct pki *k,
					    const char *subject,
					    const char *issuer)
{
	struct store_cert_row c = cert_leaf();
	unsigned char md[20];
	unsigned n = 0;
	size_t i;

	assert_int_equal(X509_digest(k->x, EVP_sha1(), md, &n), 1);
	for (i = 0; i < n; i++)
		snprintf(c.sha1 + 2 * i, 3, "%02x", md[i]);
	c.subject = (char *)subject;
	c.issuer = (char *)issuer;
	c.der = k->der;
	c.der_len = (size_t)k->der_len;
	return c;
}

/* ---- CSV read back ---------------------------------------------------- */

#define PARSED_ROWS 8
#define PARSED_COLS 40

struct parsed {
	char *cell[PARSED_ROWS][PARSED_COLS]; /* owned; parsed_free() */
	size_t ncols[PARSED_ROWS];
	size_t nrows;
	size_t col;
};

static inline void parsed_on_field(void *s, size_t len, void *data)
{
	struct parsed *p = data;
	char *cell;

	assert_true(p->nrows < PARSED_ROWS && p->col < PARSED_COLS);
	cell = malloc(len + 1);
	assert_non_null(cell);
	memcpy(cell, s ? s : "", len);
	cell[len] = '\0';
	p->cell[p->nrows][p->col++] = cell;
}

static inline void parsed_on_row(int c, void *data)
{
	struct parsed *p = data;

	assert_int_equal(c, '\r'); /* rows end in CRLF, the CR first */
	p->ncols[p->nrows++] = p->col;
	p->col = 0;
}

static inline void parsed_free(struct parsed *p)
{
	size_t r, i;

	for (r = 0; r < p->nrows; r++)
		for (i = 0; i < p->ncols[r]; i++)
			free(p->cell[r][i]);
}

/* Parses text strictly; every row must have ncols columns. */
static inline void parse_csv_n(const char *text, struct parsed *p,
			       size_t ncols)
{
	struct csv_parser parser;
	size_t len = strlen(text), r;

	memset(p, 0, sizeof *p);
	assert_int_equal(csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI), 0);
	assert_int_equal(csv_parse(&parser, text, len, parsed_on_field,
				   parsed_on_row, p), len);
	assert_int_equal(csv_fini(&parser, parsed_on_field, parsed_on_row, p),
			 0);
	csv_free(&parser);
	assert_int_equal(p->col, 0); /* the last row ended with CRLF */
	for (r = 0; r < p->nrows; r++)
		assert_int_equal(p->ncols[r], ncols);
}

/* The per-endpoint layout. */
static inline void parse_csv(const char *text, struct parsed *p)
{
	parse_csv_n(text, p, TEST_CSV_NCOLUMNS);
}

/* The column's index, found by name in the parsed header row. */
static inline size_t csv_col(const struct parsed *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->ncols[0]; i++)
		if (strcmp(p->cell[0][i], name) == 0)
			return i;
	fail_msg("no column %s", name);
	return 0;
}

#define CELL(p, row, name) ((p)->cell[(row)][csv_col((p), (name))])

#endif
