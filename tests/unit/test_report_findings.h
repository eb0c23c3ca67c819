/* test_report_findings.h: a small test CA for the findings tests
 * (test_report_findings*.c): keys, certificates with exactly the defect a
 * test wants, made with OpenSSL's own APIs, and the store rows that carry
 * them (DER in memory), as the report reads them from the database.
 *
 * Each test program is its own executable: the helpers are static inline.
 * Times are relative to TF_NOW, a fixed instant, so that a test judges at
 * the same time every day it runs.
 */
#ifndef FEDCERT_TEST_REPORT_FINDINGS_H
#define FEDCERT_TEST_REPORT_FINDINGS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "fedcert_limits.h"
#include "report/judge/findings.h"
#include "store/store.h"

#define TF_NOW ((time_t)1790000000) /* 2026-09-21T14:13:20Z */
#define TF_NOW_TEXT "2026-09-21T14:13:20.000Z"
#define TF_DAY 86400L
#define TF_SANS_MAX 12

/* ---- Keys ------------------------------------------------------------- */

/* "EC" (P-256), "EC-P192" (a weak curve), "RSA1024", "RSA2048". The
 * caller frees the key with EVP_PKEY_free(). */
static inline EVP_PKEY *tf_key(const char *kind)
{
	EVP_PKEY *k = NULL;

	if (strcmp(kind, "EC") == 0)
		k = EVP_EC_gen("P-256");
	else if (strcmp(kind, "EC-P192") == 0)
		k = EVP_EC_gen("P-192");
	else if (strcmp(kind, "RSA1024") == 0)
		k = EVP_RSA_gen(1024);
	else if (strcmp(kind, "RSA2048") == 0)
		k = EVP_RSA_gen(2048);
	assert_non_null(k);
	return k;
}

/* ---- Certificates ----------------------------------------------------- */

/* What one certificate should be. Zero means "the usual": no SAN, no EKU,
 * no CRL DP or AIA, valid from 10 days ago for 200 days, SHA-256, signed by
 * issuer (NULL: self-signed by key). */
struct tf_spec {
	const char *cn;                /* NULL: no CN */
	const char *dns[TF_SANS_MAX];  /* SAN dNSNames */
	const char *ip[TF_SANS_MAX];   /* SAN iPAddresses */
	const char *eku;               /* "serverAuth,clientAuth"; NULL: none */
	int ca;                        /* basicConstraints CA:TRUE */
	const char *crl;               /* CRL DP URL */
	const char *ocsp;              /* AIA OCSP URL */
	const char *ca_issuers;        /* AIA caIssuers URL */
	int set_validity;              /* use the two below, not the default */
	long from_days, to_days;       /* relative to TF_NOW */
	const EVP_MD *md;              /* NULL: SHA-256 */
	EVP_PKEY *key;                 /* the subject's key (borrowed) */
	X509 *issuer;                  /* NULL: self-signed */
	EVP_PKEY *issuer_key;          /* the issuer's key (borrowed) */
	long serial;
};

static inline void tf_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	assert_non_null(ext);
	assert_int_equal(X509_add_ext(x, ext, -1), 1);
	X509_EXTENSION_free(ext);
}

static inline void tf_san(X509 *x, const struct tf_spec *s)
{
	char buf[4096] = "";
	size_t i, n = 0;

	for (i = 0; i < TF_SANS_MAX && s->dns[i]; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%sDNS:%s",
				      n ? "," : "", s->dns[i]);
	for (i = 0; i < TF_SANS_MAX && s->ip[i]; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%sIP:%s",
				      n ? "," : "", s->ip[i]);
	if (n > 0)
		tf_ext(x, x, NID_subject_alt_name, buf);
}

static inline void tf_aia(X509 *x, const struct tf_spec *s)
{
	char buf[512] = "";
	size_t n = 0;

	if (s->ocsp)
		n += (size_t)snprintf(buf, sizeof buf, "OCSP;URI:%s", s->ocsp);
	if (s->ca_issuers)
		n += (size_t)snprintf(buf + n, sizeof buf - n,
				      "%scaIssuers;URI:%s", n ? "," : "",
				      s->ca_issuers);
	if (n > 0)
		tf_ext(x, x, NID_info_access, buf);
}

/* The certificate s describes. The caller frees it with X509_free(). */
static inline X509 *tf_cert(const struct tf_spec *s)
{
	X509 *x = X509_new();
	X509 *issuer = s->issuer ? s->issuer : x;
	EVP_PKEY *signer = s->issuer ? s->issuer_key : s->key;
	time_t now = TF_NOW;
	char url[300];

	assert_non_null(x);
	assert_int_equal(X509_set_version(x, 2), 1);
	ASN1_INTEGER_set(X509_get_serialNumber(x), s->serial ? s->serial : 1);
	X509_time_adj_ex(X509_getm_notBefore(x),
			 s->set_validity ? (int)s->from_days : -10, 0, &now);
	X509_time_adj_ex(X509_getm_notAfter(x),
			 s->set_validity ? (int)s->to_days : 190, 0, &now);
	/* O first: RFC 2253 prints the last RDN first, "CN=...,O=...". */
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "O", MBSTRING_ASC,
				   (const unsigned char *)"Contoso Test", -1,
				   -1, 0);
	if (s->cn)
		X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN",
					   MBSTRING_UTF8,
					   (const unsigned char *)s->cn, -1, -1,
					   0);
	assert_int_equal(X509_set_issuer_name(x, X509_get_subject_name(issuer)),
			 1);
	assert_int_equal(X509_set_pubkey(x, s->key), 1);
	tf_ext(x, x, NID_basic_constraints, s->ca ? "critical,CA:TRUE"
						 : "CA:FALSE");
	tf_ext(x, x, NID_subject_key_identifier, "hash");
	if (s->issuer)
		tf_ext(x, issuer, NID_authority_key_identifier, "keyid:always");
	tf_san(x, s);
	if (s->eku)
		tf_ext(x, x, NID_ext_key_usage, s->eku);
	if (s->crl) {
		snprintf(url, sizeof url, "URI:%s", s->crl);
		tf_ext(x, x, NID_crl_distribution_points, url);
	}
	tf_aia(x, s);
	assert_true(X509_sign(x, signer, s->md ? s->md : EVP_sha256()) > 0);
	return x;
}

/* ---- A test PKI -------------------------------------------------------- */

/* A root, an intermediate it issued, and a leaf for sip.contoso.com the
 * intermediate issued, with everything a good federation certificate
 * has: both EKUs, a CRL DP, OCSP and caIssuers. Tests change leaf_spec
 * and call tf_pki_reissue(). */
struct tf_pki {
	EVP_PKEY *root_key, *int_key, *leaf_key;
	X509 *root, *inter, *leaf;
	struct tf_spec leaf_spec;
	X509_STORE *trust; /* holds root */
};

static inline struct tf_spec tf_leaf_spec(struct tf_pki *k)
{
	struct tf_spec s = {
		.cn = "sip.contoso.com",
		.dns = { "sip.contoso.com" },
		.eku = "serverAuth,clientAuth",
		.crl = "http://pki.contoso.test/int.crl",
		.ocsp = "http://ocsp.contoso.test",
		.ca_issuers = "http://pki.contoso.test/int.crt",
		.key = k->leaf_key,
		.issuer = k->inter,
		.issuer_key = k->int_key,
		.serial = 3,
	};
	return s;
}

static inline void tf_pki_reissue(struct tf_pki *k)
{
	X509_free(k->leaf);
	k->leaf = tf_cert(&k->leaf_spec);
}

static inline void tf_pki_init(struct tf_pki *k)
{
	struct tf_spec root = { .cn = "Contoso Test Root", .ca = 1,
				.set_validity = 1, .from_days = -1000,
				.to_days = 3000 };
	struct tf_spec inter = { .cn = "Contoso Test Issuing CA", .ca = 1,
				 .set_validity = 1, .from_days = -500,
				 .to_days = 1500, .serial = 2,
				 .ca_issuers = "http://pki.contoso.test/root.crt" };

	memset(k, 0, sizeof *k);
	k->root_key = tf_key("EC");
	k->int_key = tf_key("EC");
	k->leaf_key = tf_key("EC");
	root.key = k->root_key;
	k->root = tf_cert(&root);
	inter.key = k->int_key;
	inter.issuer = k->root;
	inter.issuer_key = k->root_key;
	k->inter = tf_cert(&inter);
	k->leaf_spec = tf_leaf_spec(k);
	tf_pki_reissue(k);
	k->trust = X509_STORE_new();
	assert_non_null(k->trust);
	assert_int_equal(X509_STORE_add_cert(k->trust, k->root), 1);
}

static inline void tf_pki_free(struct tf_pki *k)
{
	X509_STORE_free(k->trust);
	X509_free(k->leaf);
	X509_free(k->inter);
	X509_free(k->root);
	EVP_PKEY_free(k->leaf_key);
	EVP_PKEY_free(k->int_key);
	EVP_PKEY_free(k->root_key);
}

/* ---- Store rows -------------------------------------------------------- */

static inline void tf_hex(const unsigned char *b, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

/* A store_cert_row for x, as the reader hands it: fingerprints, subject
 * and issuer (RFC 2253), the DER. Free with tf_row_free(). */
static inline struct store_cert_row tf_row(X509 *x)
{
	struct store_cert_row r = { 0 };
	unsigned char md[EVP_MAX_MD_SIZE], *der = NULL;
	unsigned int n;
	int len = i2d_X509(x, &der);
	BIO *bio = BIO_new(BIO_s_mem());
	char *text;
	long tlen;

	assert_true(len > 0);
	assert_non_null(bio);
	r.der = der;
	r.der_len = (size_t)len;
	assert_int_equal(EVP_Digest(der, (size_t)len, md, &n, EVP_sha256(),
				    NULL), 1);
	tf_hex(md, n, r.sha256);
	assert_int_equal(EVP_Digest(der, (size_t)len, md, &n, EVP_sha1(),
				    NULL), 1);
	tf_hex(md, n, r.sha1);
	X509_NAME_print_ex(bio, X509_get_subject_name(x), 0, XN_FLAG_RFC2253);
	tlen = BIO_get_mem_data(bio, &text);
	r.subject = strndup(text, (size_t)tlen);
	assert_non_null(r.subject);
	BIO_free(bio);
	return r;
}

static inline void tf_row_free(struct store_cert_row *r)
{
	OPENSSL_free((void *)r->der);
	free(r->subject);
	memset(r, 0, sizeof *r);
}

/* A probe and the chain it was shown; rows are owned (tf_probe_free()). */
struct tf_probe {
	struct store_cert_row chain[FC_CHAIN_MAX];
	struct store_probe_row row;
};

/* A successful probe of sip.contoso.com on 192.0.2.10:5061 (a DIR route)
 * that was shown the n certificates of certs, in that order, and verified
 * them (verify_code 0). */
static inline void tf_probe_init(struct tf_probe *p, X509 *const *certs,
				 size_t n)
{
	size_t i;

	memset(p, 0, sizeof *p);
	for (i = 0; i < n; i++)
		p->chain[i] = tf_row(certs[i]);
	p->row = (struct store_probe_row){
		.id = 1, .address = "192.0.2.10", .port = 5061,
		.sni = "sip.contoso.com", .via = "sip.contoso.com",
		.srv_priority = -1, .srv_weight = -1,
		.started = TF_NOW_TEXT, .connect_ms = 1.5, .handshake_ms = 9.5,
		.tls_version = "TLSv1.3", .cipher = "TLS_AES_256_GCM_SHA384",
		.verify_code = 0, .verify_reason = "ok",
		.chain_len = n, .chain = p->chain,
	};
}

static inline void tf_probe_free(struct tf_probe *p)
{
	size_t i;

	for (i = 0; i < p->row.chain_len; i++)
		tf_row_free(&p->chain[i]);
}

/* A target of type with the n probes of rows (borrowed). */
static inline struct store_target_row tf_target(const char *type,
						const char *domain,
						struct store_probe_row *rows,
						size_t n)
{
	struct store_target_row t = {
		.id = 1, .line = 2, .domain = (char *)domain,
		.type = (char *)type, .port = 5061,
		.probe_count = n, .probes = rows,
	};
	return t;
}

/* ---- Judging and looking at the result -------------------------------- */

/* Judges t at TF_NOW with warn_days 30 and trust (NULL: stored result). */
static inline void tf_judge(const struct store_target_row *t,
			    X509_STORE *trust, struct finding_list *out)
{
	struct judge_options o = { .now = TF_NOW, .warn_days = 30,
				   .trust = trust };

	memset(out, 0, sizeof *out);
	assert_int_equal(findings_judge_target(&o, t, out), 0);
}

static inline size_t tf_count(const struct finding_list *l, const char *id)
{
	size_t i, n = 0;

	for (i = 0; i < l->count; i++)
		if (strcmp(l->items[i].def->id, id) == 0)
			n++;
	return n;
}

/* The first finding with id; fails the test when there is none. */
static inline const struct finding *tf_get(const struct finding_list *l,
					   const char *id)
{
	size_t i;

	for (i = 0; i < l->count; i++)
		if (strcmp(l->items[i].def->id, id) == 0)
			return &l->items[i];
	fail_msg("no finding %s", id);
	return NULL;
}

/* Fails unless the first finding id's message contains each of the
 * NULL-terminated strings. */
static inline void tf_says(const struct finding_list *l, const char *id, ...)
{
	const struct finding *f = tf_get(l, id);
	const char *s;
	va_list ap;

	va_start(ap, id);
	while ((s = va_arg(ap, const char *)) != NULL)
		if (strstr(f->message, s) == NULL)
			fail_msg("%s: \"%s\" not in \"%s\"", id, s, f->message);
	va_end(ap);
}

/* The ids in order, space-separated, for whole-list assertions. */
static inline void tf_ids(const struct finding_list *l, char *buf,
			  size_t len)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < l->count && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? " " : "",
				      l->items[i].def->id);
}

/* ---- Shared fixtures ---------------------------------------------------- */

/* cmocka group setup and teardown: *state is a struct tf_pki. */
static inline int tf_setup(void **state)
{
	struct tf_pki *k = malloc(sizeof *k);

	assert_non_null(k);
	tf_pki_init(k);
	*state = k;
	return 0;
}

static inline int tf_teardown(void **state)
{
	tf_pki_free(*state);
	free(*state);
	return 0;
}

/* Restores the good leaf after a test changed leaf_spec. */
static inline void tf_reset_leaf(struct tf_pki *k)
{
	k->leaf_spec = tf_leaf_spec(k);
	tf_pki_reissue(k);
}

/* Judges the n certificates as a DIR probe of sip.contoso.com presented
 * them to a target of type, the scanner having recorded verify_code (-1:
 * not verified). */
static inline void tf_judge_chain(X509 *const *certs, size_t n,
				  const char *type, long verify_code,
				  X509_STORE *trust, struct finding_list *l)
{
	struct tf_probe p;
	struct store_target_row t;

	tf_probe_init(&p, certs, n);
	p.row.verify_code = verify_code;
	p.row.verify_reason = (char *)(verify_code < 0 ? NULL :
				       X509_verify_cert_error_string(verify_code));
	t = tf_target(type, "sip.contoso.com", &p.row, 1);
	tf_judge(&t, trust, l);
	tf_probe_free(&p);
}

/* Judges k's leaf and intermediate, as presented by a probe of a target
 * of type. */
static inline void tf_judge_leaf(struct tf_pki *k, const char *type,
				 long verify_code, X509_STORE *trust,
				 struct finding_list *l)
{
	X509 *certs[2] = { k->leaf, k->inter };

	tf_judge_chain(certs, 2, type, verify_code, trust, l);
}

/* Fails unless the ids, in order and space-separated, are want. */
static inline void tf_assert_ids(const struct finding_list *l,
				 const char *want)
{
	char ids[1024];

	tf_ids(l, ids, sizeof ids);
	assert_string_equal(ids, want);
}

#endif
