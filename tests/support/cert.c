/* cert.c: the unit tests' one certificate factory (cert.h). */
#include "cert.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/conf.h>
#include <openssl/x509v3.h>

EVP_PKEY *tcert_key(const char *type)
{
	EVP_PKEY *k = NULL;

	if (strcmp(type, "EC") == 0)
		k = EVP_EC_gen("P-256");
	else if (strcmp(type, "EC-P192") == 0)
		k = EVP_EC_gen("P-192");
	else if (strcmp(type, "RSA1024") == 0)
		k = EVP_RSA_gen(1024);
	else if (strcmp(type, "RSA2048") == 0)
		k = EVP_RSA_gen(2048);
	else if (strcmp(type, "ED25519") == 0)
		k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	else
		fail_msg("no key type %s", type);
	assert_non_null(k);
	return k;
}

/* One extension as openssl.cnf would write it, issued by issuer (x itself
 * when self-signed, which only the key identifiers look at). The
 * configuration is empty: certificatePolicies wants one. */
static void add_ext(X509 *x, X509 *issuer, CONF *conf, const char *name,
		    const char *value)
{
	X509_EXTENSION *ext;
	X509V3_CTX ctx;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	X509V3_set_nconf(&ctx, conf);
	ext = X509V3_EXT_nconf(conf, &ctx, name, value);
	if (ext == NULL)
		fail_msg("extension %s = %s", name, value);
	assert_int_equal(X509_add_ext(x, ext, -1), 1);
	X509_EXTENSION_free(ext);
}

static void add_san(X509 *x, CONF *conf, const struct tcert_spec *s)
{
	char buf[4096] = "";
	size_t i, n = 0;

	for (i = 0; i < TCERT_SANS_MAX && s->dns[i]; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%sDNS:%s",
				      n ? "," : "", s->dns[i]);
	for (i = 0; i < TCERT_SANS_MAX && s->ip[i]; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%sIP:%s",
				      n ? "," : "", s->ip[i]);
	for (i = 0; i < TCERT_SANS_MAX && s->uri[i]; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%sURI:%s",
				      n ? "," : "", s->uri[i]);
	assert_true(n < sizeof buf);
	if (n > 0)
		add_ext(x, x, conf, "subjectAltName", buf);
}

static void add_aia(X509 *x, CONF *conf, const struct tcert_spec *s)
{
	char buf[512] = "";
	size_t n = 0;

	if (s->ocsp)
		n += (size_t)snprintf(buf, sizeof buf, "OCSP;URI:%s", s->ocsp);
	if (s->ca_issuers)
		n += (size_t)snprintf(buf + n, sizeof buf - n,
				      "%scaIssuers;URI:%s", n ? "," : "",
				      s->ca_issuers);
	assert_true(n < sizeof buf);
	if (n > 0)
		add_ext(x, x, conf, "authorityInfoAccess", buf);
}

/* The extensions of s, in cert.h's order. */
static void add_exts(X509 *x, X509 *issuer, const struct tcert_spec *s)
{
	CONF *conf = NCONF_new(NULL);
	const char *const *e;
	char url[300];

	assert_non_null(conf);
	if (s->ca)
		add_ext(x, x, conf, "basicConstraints", "critical,CA:TRUE");
	else if (!s->bare)
		add_ext(x, x, conf, "basicConstraints", "CA:FALSE");
	if (!s->bare) {
		add_ext(x, x, conf, "subjectKeyIdentifier", "hash");
		if (s->issuer)
			add_ext(x, issuer, conf, "authorityKeyIdentifier",
				"keyid:always");
	}
	add_san(x, conf, s);
	if (s->eku)
		add_ext(x, x, conf, "extendedKeyUsage", s->eku);
	if (s->crl) {
		snprintf(url, sizeof url, "URI:%s", s->crl);
		add_ext(x, x, conf, "crlDistributionPoints", url);
	}
	add_aia(x, conf, s);
	for (e = s->exts; e != NULL && e[0] != NULL; e += 2)
		add_ext(x, issuer, conf, e[0], e[1]);
	NCONF_free(conf);
}

static void set_validity(X509 *x, const struct tcert_spec *s)
{
	time_t now = s->now ? s->now : TCERT_NOW;

	if (s->not_before || s->not_after) {
		assert_non_null(s->not_before);
		assert_non_null(s->not_after);
		assert_int_equal(ASN1_TIME_set_string(X509_getm_notBefore(x),
						      s->not_before), 1);
		assert_int_equal(ASN1_TIME_set_string(X509_getm_notAfter(x),
						      s->not_after), 1);
		return;
	}
	assert_non_null(X509_time_adj_ex(X509_getm_notBefore(x),
		s->set_validity ? (int)s->from_days : -10, 0, &now));
	assert_non_null(X509_time_adj_ex(X509_getm_notAfter(x),
		s->set_validity ? (int)s->to_days : 190, 0, &now));
}

/* The subject of s into name, O first. */
static void set_subject(X509_NAME *name, const struct tcert_spec *s)
{
	if (s->org)
		assert_int_equal(X509_NAME_add_entry_by_txt(name, "O",
			MBSTRING_UTF8, (const unsigned char *)s->org, -1, -1,
			0), 1);
	if (s->cn)
		assert_int_equal(X509_NAME_add_entry_by_txt(name, "CN",
			MBSTRING_UTF8, (const unsigned char *)s->cn, -1, -1,
			0), 1);
}

static void set_issuer(X509 *x, const struct tcert_spec *s)
{
	X509_NAME *name;

	if (s->issuer) {
		assert_int_equal(X509_set_issuer_name(x,
			X509_get_subject_name(s->issuer)), 1);
	} else if (s->issuer_cn) {
		name = X509_NAME_new();
		assert_non_null(name);
		assert_int_equal(X509_NAME_add_entry_by_txt(name, "CN",
			MBSTRING_UTF8, (const unsigned char *)s->issuer_cn, -1,
			-1, 0), 1);
		assert_int_equal(X509_set_issuer_name(x, name), 1);
		X509_NAME_free(name);
	} else {
		assert_int_equal(X509_set_issuer_name(x,
			X509_get_subject_name(x)), 1);
	}
}

/* The certificate of s with key as its subject's key. */
static X509 *make_x509(const struct tcert_spec *s, EVP_PKEY *key)
{
	X509 *x = X509_new();
	int issued = s->issuer != NULL || s->issuer_cn != NULL;
	EVP_PKEY *signer = issued && s->issuer_key ? s->issuer_key : key;
	const EVP_MD *md = s->md ? s->md : EVP_sha256();

	assert_non_null(x);
	assert_int_equal(X509_set_version(x, (s->version ? s->version : 3) - 1),
			 1);
	assert_int_equal(ASN1_INTEGER_set_int64(X509_get_serialNumber(x),
						s->serial ? s->serial : 1), 1);
	set_validity(x, s);
	set_subject(X509_get_subject_name(x), s);
	set_issuer(x, s);
	assert_int_equal(X509_set_pubkey(x, key), 1);
	add_exts(x, s->issuer ? s->issuer : x, s);
	/* EdDSA signs the message itself: no digest. */
	if (EVP_PKEY_is_a(signer, "ED25519") || EVP_PKEY_is_a(signer, "ED448"))
		md = NULL;
	assert_true(X509_sign(x, signer, md) > 0);
	return x;
}

X509 *tcert_x509(const struct tcert_spec *s)
{
	struct tcert c;
	X509 *x;

	tcert_make(&c, s);
	x = c.x;
	c.x = NULL;
	tcert_free(&c);
	return x;
}

unsigned char *tcert_der(const struct tcert_spec *s, size_t *len)
{
	struct tcert c;
	unsigned char *der;

	tcert_make(&c, s);
	der = c.der;
	*len = c.der_len;
	c.der = NULL;
	tcert_free(&c);
	return der;
}

void tcert_make(struct tcert *c, const struct tcert_spec *s)
{
	memset(c, 0, sizeof *c);
	if (s->key != NULL) {
		assert_int_equal(EVP_PKEY_up_ref(s->key), 1);
		c->key = s->key;
	} else {
		c->key = tcert_key("EC");
	}
	c->x = make_x509(s, c->key);
	tcert_update_der(c);
}

void tcert_update_der(struct tcert *c)
{
	int len;

	OPENSSL_free(c->der);
	c->der = NULL;
	len = i2d_X509(c->x, &c->der);
	assert_true(len > 0);
	c->der_len = (size_t)len;
}

void tcert_free(struct tcert *c)
{
	OPENSSL_free(c->der);
	X509_free(c->x);
	EVP_PKEY_free(c->key);
	memset(c, 0, sizeof *c);
}

void tcert_digest_hex(const unsigned char *der, size_t n, const EVP_MD *md,
		      char *out)
{
	unsigned char buf[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;

	assert_int_equal(EVP_Digest(der, n, buf, &len, md, NULL), 1);
	for (i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", buf[i]);
	out[2 * len] = '\0';
}
