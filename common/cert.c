/* cert.c: the one certificate decoder (cert.h), by OpenSSL, from an X509
 * already parsed or else from the DER.
 *
 * The store keeps the DER itself (the report can judge a chain again
 * against another trust store) and these facts as columns, so that a user
 * can query certificates with the sqlite3 shell and the report does not
 * parse each certificate again for the common fields; `fedcert inspect`
 * reads a file's certificates through the same functions.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "common/cert.h"
#include "common/hex.h"

/* RFC 2253 as OpenSSL prints it, except that bytes above 0x7f stay the
 * UTF-8 they are instead of becoming \XX escapes: a name in another script
 * stays readable, and each renderer escapes for its own output. Control
 * characters are still escaped. */
#define NAME_FLAGS (XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB)

static int digest_hex(const unsigned char *der, size_t len, const EVP_MD *md,
		      unsigned int want, char *out)
{
	unsigned char buf[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (md == NULL || !EVP_Digest(der, len, buf, &n, md, NULL) || n != want)
		return -1;
	hex_encode(buf, n, out, 0);
	return 0;
}

int cert_facts_digest(const unsigned char *der, size_t len,
		      struct cert_facts *f, char *err, size_t errlen)
{
	if (digest_hex(der, len, EVP_sha256(), 32, f->sha256) != 0 ||
	    digest_hex(der, len, EVP_sha1(), 20, f->sha1) != 0) {
		snprintf(err, errlen, "cannot compute a certificate digest: %s",
			 ERR_reason_error_string(ERR_peek_last_error()) != NULL
				 ? ERR_reason_error_string(ERR_peek_last_error())
				 : "unknown error");
		return -1;
	}
	return 0;
}

/* Returns a malloc'd copy of what bio holds, or NULL. */
static char *bio_to_text(BIO *bio)
{
	char *data = NULL;
	char *text;
	long len = BIO_get_mem_data(bio, &data);

	if (len < 0)
		return NULL;
	text = malloc((size_t)len + 1);
	if (text == NULL)
		return NULL;
	if (len > 0)
		memcpy(text, data, (size_t)len);
	text[len] = '\0';
	return text;
}

/* NULL when OpenSSL cannot print the name (e.g. a UTF8String that is not
 * UTF-8) or memory ran out: the column is then NULL, the DER is kept. */
char *cert_name_text(const X509_NAME *name)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *text = NULL;

	if (bio == NULL || name == NULL)
		goto out;
	if (X509_NAME_print_ex(bio, name, 0, NAME_FLAGS) < 0)
		goto out;
	text = bio_to_text(bio);
out:
	BIO_free(bio);
	return text;
}

/* Uppercase hex, two digits per byte ("0A1B"), "-" before a negative
 * serial (invalid, but seen), "0" for zero. */
static char *serial_to_text(const ASN1_INTEGER *serial)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(serial, NULL);
	char *hex = NULL;
	char *text = NULL;

	if (bn == NULL)
		goto out;
	hex = BN_bn2hex(bn);
	if (hex == NULL)
		goto out;
	text = malloc(strlen(hex) + 1);
	if (text != NULL)
		memcpy(text, hex, strlen(hex) + 1);
out:
	OPENSSL_free(hex);
	BN_free(bn);
	return text;
}

static void time_to_text(const ASN1_TIME *t, char buf[UTC_TEXT_MAX])
{
	struct tm tm;

	buf[0] = '\0';
	if (t != NULL && ASN1_TIME_to_tm(t, &tm) == 1)
		utc_format_tm(&tm, -1, buf);
}

/* The OpenSSL long name, or the dotted OID when OpenSSL has no name for
 * the algorithm: an unknown algorithm is still evidence. */
static void sig_alg_to_text(const X509 *x, char *buf, size_t len)
{
	const X509_ALGOR *alg = NULL;
	const ASN1_OBJECT *obj = NULL;
	int nid = X509_get_signature_nid(x);
	const char *name = nid != NID_undef ? OBJ_nid2ln(nid) : NULL;

	buf[0] = '\0';
	if (name != NULL) {
		snprintf(buf, len, "%s", name);
		return;
	}
	X509_get0_signature(NULL, &alg, x);
	if (alg != NULL)
		X509_ALGOR_get0(&obj, NULL, NULL, alg);
	if (obj == NULL || OBJ_obj2txt(buf, (int)len, obj, 1) <= 0)
		buf[0] = '\0';
}

static const char *key_type_name(int base_id)
{
	switch (base_id) {
	case EVP_PKEY_RSA:
		return "RSA";
	case EVP_PKEY_RSA_PSS:
		return "RSA-PSS";
	case EVP_PKEY_EC:
		return "EC";
	case EVP_PKEY_ED25519:
		return "ED25519";
	case EVP_PKEY_ED448:
		return "ED448";
	case EVP_PKEY_DSA:
		return "DSA";
	default:
		return NULL;
	}
}

void cert_key_facts(const X509 *x, char type[32], int *bits)
{
	EVP_PKEY *key;
	const char *name;

	type[0] = '\0';
	*bits = 0;
	/* Decoding an unknown key leaves errors on the queue (see below). */
	ERR_set_mark();
	key = X509_get0_pubkey(x); /* borrowed from x */
	if (key == NULL)
		goto out; /* a key type or curve OpenSSL does not know */
	name = key_type_name(EVP_PKEY_get_base_id(key));
	if (name == NULL)
		name = EVP_PKEY_get0_type_name(key);
	if (name != NULL)
		snprintf(type, 32, "%s", name);
	if (EVP_PKEY_get_bits(key) > 0)
		*bits = EVP_PKEY_get_bits(key);
out:
	ERR_pop_to_mark();
}

void cert_facts_from_x509(const X509 *x, struct cert_facts *f)
{
	/* Printing a name or a serial can fail and leave errors on the
	 * thread's OpenSSL error queue, where the scanner reads the reasons
	 * of its own failures: take ours off again, and only ours. */
	ERR_set_mark();
	f->decoded = 1;
	f->subject = cert_name_text(X509_get_subject_name(x));
	f->issuer = cert_name_text(X509_get_issuer_name(x));
	f->serial = serial_to_text(X509_get0_serialNumber(x));
	time_to_text(X509_get0_notBefore(x), f->not_before);
	time_to_text(X509_get0_notAfter(x), f->not_after);
	sig_alg_to_text(x, f->sig_alg, sizeof(f->sig_alg));
	cert_key_facts(x, f->key_type, &f->key_bits);
	/* OpenSSL 3.0 accepts any version number; only 1..3 mean something
	 * (found by fuzzing: 0x7FFFFFFF + 1 overflowed). 0 is stored as
	 * unknown. */
	f->x509_version = X509_get_version(x) >= 0 && X509_get_version(x) <= 2 ?
			  (int)X509_get_version(x) + 1 : 0;
	ERR_pop_to_mark();
}

void cert_facts_decode(const unsigned char *der, size_t len,
		       struct cert_facts *f)
{
	const unsigned char *p = der;
	X509 *x = NULL;

	/* A failed parse leaves errors on the queue too (see above). */
	ERR_set_mark();
	if (len == 0 || len > LONG_MAX)
		goto out;
	x = d2i_X509(NULL, &p, (long)len);
	/* Trailing bytes: the columns would describe only a prefix of the
	 * stored DER, so treat the whole as undecodable. */
	if (x == NULL || p != der + len)
		goto out;
	cert_facts_from_x509(x, f);
out:
	X509_free(x);
	ERR_pop_to_mark();
}

void cert_facts_free(struct cert_facts *f)
{
	free(f->subject);
	free(f->issuer);
	free(f->serial);
	f->subject = NULL;
	f->issuer = NULL;
	f->serial = NULL;
}
