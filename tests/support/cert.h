/* support/cert.h: the unit tests' one certificate factory. Keys and
 * certificates made with OpenSSL's own APIs, each with exactly what a test
 * asks for, so that every value a test compares is one it chose.
 *
 * A certificate is described by a struct tcert_spec in which zero means
 * "the usual": a version 3 certificate with serial 1, valid from 10 days
 * before TCERT_NOW to 190 days after it, signed with SHA-256, carrying
 * basicConstraints (CA:FALSE), a subject key identifier and, when an
 * issuer is given, an authority key identifier; no subject name but the
 * fields given, no SAN, EKU, CRL or AIA. Failures fail the test (cmocka).
 */
#ifndef FEDCERT_TEST_SUPPORT_CERT_H
#define FEDCERT_TEST_SUPPORT_CERT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

/* The instant validity counts from unless a spec says otherwise: a fixed
 * one, so that a test judges the same certificates every day it runs. */
#define TCERT_NOW ((time_t)1790000000) /* 2026-09-21T14:13:20Z */
#define TCERT_DAY 86400L
#define TCERT_SANS_MAX 12

/* A new key: "EC" (P-256), "EC-P192" (a weak curve), "RSA1024",
 * "RSA2048" or "ED25519". The caller frees it with EVP_PKEY_free(). */
EVP_PKEY *tcert_key(const char *type);

/* What one certificate should be; zero is the usual (above). Every pointer
 * is borrowed for the call. */
struct tcert_spec {
	/* The subject: O first, then CN, so that RFC 2253 prints
	 * "CN=...,O=...". */
	const char *cn;  /* NULL: no CN */
	const char *org; /* NULL: no O */
	EVP_PKEY *key;   /* the subject's key; NULL: a new P-256 key */

	/* The issuer: self-signed unless issuer or issuer_cn is given. */
	X509 *issuer;           /* its subject is the issuer name */
	const char *issuer_cn;  /* or just a name, CN=issuer_cn */
	EVP_PKEY *issuer_key;   /* the signer when issued; NULL: key */

	int version;    /* 1, 2 or 3 as X.509 counts; 0: 3 */
	int64_t serial; /* 0: 1 */

	/* Validity: not_before and not_after as ASN.1 time text
	 * ("20250101000000Z", "400102030405Z") when given; else from_days
	 * to to_days around now when set_validity; else -10 to 190. */
	time_t now; /* 0: TCERT_NOW */
	int set_validity;
	long from_days, to_days;
	const char *not_before, *not_after;

	const EVP_MD *md; /* NULL: SHA-256 (none for an Ed25519 signer) */

	/* Extensions, added in this order. */
	int bare; /* without the usual basicConstraints and key ids */
	int ca;   /* basicConstraints critical,CA:TRUE (bare or not) */
	const char *dns[TCERT_SANS_MAX]; /* SAN dNSNames */
	const char *ip[TCERT_SANS_MAX];  /* SAN iPAddresses */
	const char *uri[TCERT_SANS_MAX]; /* SAN URIs ("sip:contoso.com") */
	const char *eku; /* "serverAuth,clientAuth"; NULL: none */
	const char *crl; /* CRL distribution point URL */
	const char *ocsp;       /* AIA OCSP URL */
	const char *ca_issuers; /* AIA caIssuers URL */
	/* Any others, as openssl.cnf writes them: "name", "value" pairs,
	 * NULL-terminated ("certificatePolicies", "2.23.140.1.2.2"). */
	const char *const *exts;
};

/* The certificate s describes. The caller frees it with X509_free(). */
X509 *tcert_x509(const struct tcert_spec *s);

/* Its DER: *len bytes, freed with OPENSSL_free(). */
unsigned char *tcert_der(const struct tcert_spec *s, size_t *len);

/* A certificate with its key and its DER, all owned; tcert_free(). */
struct tcert {
	EVP_PKEY *key; /* the subject's: the spec's (a reference) or new */
	X509 *x;
	unsigned char *der;
	size_t der_len;
};

void tcert_make(struct tcert *c, const struct tcert_spec *s);

/* Encodes c->x again into c->der, after a test changed it. */
void tcert_update_der(struct tcert *c);

void tcert_free(struct tcert *c);

/* The digest md of the n bytes at der as lowercase hex, as the store keeps
 * fingerprints (out: 2 * EVP_MD_get_size(md) + 1 bytes). Written here,
 * apart from the code under test. */
void tcert_digest_hex(const unsigned char *der, size_t n, const EVP_MD *md,
		      char *out);

#endif
