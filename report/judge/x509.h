/* x509.h: the certificate facts the report judges, read with OpenSSL
 * (folder-private to report/).
 *
 * The store keeps every certificate's DER; these helpers decode it again
 * and answer the questions the findings (and the renderers) ask: which
 * names, which EKUs, where to fetch the CRL and the issuer, how strong the
 * key and the signature, when it is valid. Nothing here parses X.509 by
 * hand, nothing judges: a check decides what the facts mean.
 *
 * Every string handed out is UTF-8 or ASCII as the certificate held it:
 * untrusted, to be escaped by whoever writes it. Names with an embedded NUL
 * are left out (they cannot be compared or shown faithfully, and a NUL is
 * the classic trick to make "good.com\0.evil.com" look like good.com).
 */
#ifndef FEDCERT_REPORT_X509_H
#define FEDCERT_REPORT_X509_H

#include <stddef.h>
#include <time.h>

#include <openssl/x509.h>

#include "common/cert.h"
#include "common/utc.h"
#include "store/store.h"

/* At most this many entries are read from one list in a certificate (SAN
 * names, EKUs, URLs): a certificate is outside input, and a report only
 * ever shows a handful of them. */
#define CERT_LIST_MAX 256

/* Room for the longest dotted OID shown, and its NUL (a longer one is
 * truncated; "1.3.6.1.4.1.311.10.3.4" is 22). */
#define CERT_OID_MAX 128

/* A list of strings; items and each item are owned, freed with
 * cert_strings_free(). Zero-initialise before use. */
struct cert_strings {
	char **items;
	size_t count;
};

void cert_strings_free(struct cert_strings *s);

/* Decodes a stored certificate. NULL when the row has no DER, when OpenSSL
 * cannot parse it or when bytes follow the certificate (the store keeps
 * such DER with NULL decoded columns). The caller frees it with
 * X509_free(). */
X509 *cert_from_row(const struct store_cert_row *c);

/* Certificates decoded once per command. A hosted pool's chain is
 * presented to every partner that points at it, and a nightly scan holds
 * each leaf and intermediate many times over; decoding is most of what
 * judging a stored chain costs (OpenSSL 3 decodes the public key through
 * its provider framework). The cache keys a decoded certificate by its
 * SHA-256 and holds at most CERT_CACHE_MAX of them, about 2 KB each
 * (RSA-2048 or P-256; 32 MB at most); past that, certificates are
 * decoded each time, as without a cache. */
#define CERT_CACHE_MAX 16384

struct cert_cache;

/* NULL when out of memory (the caller then decodes without one). */
struct cert_cache *cert_cache_new(void);
void cert_cache_free(struct cert_cache *cache);

/* cert_from_row() through cache (NULL: no cache): a reference of the
 * caller's own, freed with X509_free() as cert_from_row()'s. */
X509 *cert_cache_get(struct cert_cache *cache, const struct store_cert_row *c);

/* The SAN dNSName entries, in certificate order, as written (case kept).
 * 0, or -1 when memory ran out (out is then empty). A certificate without
 * the extension gives an empty list. */
int cert_san_dns(const X509 *x, struct cert_strings *out);

/* The SAN iPAddress entries as text ("192.0.2.1", "2001:db8::1"); an entry
 * of another length is shown as "invalid (N bytes)". 0, or -1. */
int cert_san_ip(const X509 *x, struct cert_strings *out);

/* The SAN uniformResourceIdentifier entries as written ("sip:contoso.com"
 * for RFC 5922's SIP domain identities). 0, or -1. */
int cert_san_uri(const X509 *x, struct cert_strings *out);

/* The subject's most specific (last) commonName as UTF-8, malloc'd; NULL
 * when there is none, it cannot be converted, or memory ran out. */
char *cert_common_name(const X509 *x);

/* The Extended Key Usage extension. */
struct cert_eku {
	int present;     /* the extension is there (absent: any purpose) */
	int server_auth; /* id-kp-serverAuth listed */
	int client_auth; /* id-kp-clientAuth listed */
	int any;         /* anyExtendedKeyUsage listed */
	/* Each purpose as an administrator reads it, with its OID:
	 * "Server Authentication (1.3.6.1.5.5.7.3.1)"; an extension that
	 * does not decode is one item, "undecodable". Owned. */
	struct cert_strings names;
};

/* Reads the EKU extension. 0, or -1 when memory ran out. Free out with
 * cert_eku_free(). */
int cert_eku_get(const X509 *x, struct cert_eku *out);
void cert_eku_free(struct cert_eku *e);

/* The URIs of the CRL Distribution Points (fullName entries that are URIs;
 * relative names and directory names are not URLs). 0, or -1. */
int cert_crl_urls(const X509 *x, struct cert_strings *out);

/* The Authority Information Access URIs of one method: OCSP responders or
 * caIssuers (where to download the issuer's certificate). 0, or -1. */
int cert_ocsp_urls(const X509 *x, struct cert_strings *out);
int cert_ca_issuers_urls(const X509 *x, struct cert_strings *out);

/* The NID of the digest the certificate was signed with (NID_sha1,
 * NID_md5, NID_sha256, ...; RSA-PSS reads its parameters), or NID_undef
 * for a signature without a separate digest (Ed25519) or one OpenSSL does
 * not know. Non-const: OpenSSL caches what it decodes. */
int cert_sig_digest(X509 *x);

/* 1 when the digest is one no CA may sign with any more: MD2, MD4, MD5,
 * MD5-SHA1 or SHA-1. */
int cert_digest_is_weak(int digest_nid);

/* 1 when the certificate is self-signed: issuer equals subject, its key
 * identifiers (if any) agree, and its own key verifies its signature. */
int cert_is_self_signed(X509 *x);

/* 1 when subject issued x by name: x's issuer equals subject's subject
 * (X509_NAME_cmp), which is how a presented chain is meant to be ordered. */
int cert_is_issued_by_name(const X509 *x, const X509 *issuer);

/* The validity period as Unix time. 0, or -1 when a date does not decode
 * (the outputs are then 0). */
int cert_validity(const X509 *x, time_t *not_before, time_t *not_after);

#endif
