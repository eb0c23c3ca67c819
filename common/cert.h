/* cert.h: the one certificate decoder. What fedcert shows of a certificate
 * (fingerprints, subject, issuer, serial, validity, signature algorithm,
 * key type and size, version) is read here, by OpenSSL, whether the
 * certificate comes from a handshake (the store keeps these as columns) or
 * from a file (`fedcert inspect`): one certificate is described the same
 * way everywhere.
 *
 * Strings are UTF-8 as the certificate holds them: untrusted, to be
 * escaped by whoever writes them.
 */
#ifndef FEDCERT_CERT_H
#define FEDCERT_CERT_H

#include <stddef.h>

#include <openssl/x509.h>

#include "common/utc.h"

/* What is known of one DER certificate. Text fields are "" (and pointers
 * NULL, numbers 0) when the DER does not decode or OpenSSL cannot express
 * that field: unknown, stored as NULL. subject, issuer and serial are
 * malloc'd; cert_facts_free() frees them. */
struct cert_facts {
	char sha256[65]; /* lowercase hex of the DER's SHA-256 */
	char sha1[41];
	int decoded; /* 1: OpenSSL parsed exactly these bytes as X.509 */
	char *subject;  /* RFC 2253, non-ASCII kept as UTF-8 */
	char *issuer;
	char *serial;   /* uppercase hex, "-" before a negative one */
	char not_before[UTC_TEXT_MAX];
	char not_after[UTC_TEXT_MAX];
	char sig_alg[80]; /* OpenSSL's long name, else the dotted OID */
	char key_type[32]; /* "RSA", "EC", ..., else OpenSSL's name */
	int key_bits;
	int x509_version; /* 1..3; 0 for a version outside them */
};

/* Sets f's fingerprints (f zeroed by the caller). Returns -1 with a message
 * in err when the digests cannot be computed. */
int cert_facts_digest(const unsigned char *der, size_t len,
		      struct cert_facts *f, char *err, size_t errlen);

/* Fills f's decoded fields. DER that OpenSSL cannot parse, or that has
 * bytes after the certificate, is not an error: decoded stays 0 and the
 * fields stay empty. */
void cert_facts_decode(const unsigned char *der, size_t len,
		       struct cert_facts *f);

/* Fills f's decoded fields from x (borrowed), which the caller vouches is
 * exactly the DER it describes: cert_facts_decode() after its parse, a
 * certificate the TLS handshake already parsed, or one read from a file.
 * Sets decoded. */
void cert_facts_from_x509(const X509 *x, struct cert_facts *f);

/* Frees what cert_facts_decode() and cert_facts_from_x509() allocated; f
 * may be zeroed. */
void cert_facts_free(struct cert_facts *f);

/* A name as the facts write it: RFC 2253 order and escaping, non-ASCII
 * kept as UTF-8. malloc'd; NULL when OpenSSL cannot print it or memory ran
 * out. */
char *cert_name_text(const X509_NAME *name);

/* The key's type and size as the facts write them: type "" and bits 0
 * when the key does not decode (an algorithm OpenSSL does not know). */
void cert_key_facts(const X509 *x, char type[32], int *bits);

#endif
