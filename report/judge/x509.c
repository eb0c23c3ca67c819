/* x509.c: certificate facts for the report, decoded by OpenSSL from the
 * stored DER. See x509.h for what each function promises.
 */
#include "report/judge/x509.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>


void cert_strings_free(struct cert_strings *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->count; i++)
		free(s->items[i]);
	free(s->items);
	s->items = NULL;
	s->count = 0;
}

/* Appends a copy of the len bytes at text. Bytes with an embedded NUL, and
 * anything past CERT_LIST_MAX, are skipped (0). -1 when memory ran out. */
static int strings_add(struct cert_strings *s, const char *text, size_t len)
{
	char **items;
	char *copy;

	if (s->count >= CERT_LIST_MAX || memchr(text, '\0', len) != NULL)
		return 0;
	copy = malloc(len + 1);
	if (copy == NULL)
		return -1;
	memcpy(copy, text, len);
	copy[len] = '\0';
	items = realloc(s->items, (s->count + 1) * sizeof *items);
	if (items == NULL) {
		free(copy);
		return -1;
	}
	items[s->count++] = copy;
	s->items = items;
	return 0;
}

static int strings_add_asn1(struct cert_strings *s, const ASN1_STRING *a)
{
	if (a == NULL || ASN1_STRING_length(a) < 0)
		return 0;
	return strings_add(s, (const char *)ASN1_STRING_get0_data(a),
			   (size_t)ASN1_STRING_length(a));
}

X509 *cert_from_row(const struct store_cert_row *c)
{
	const unsigned char *p;
	X509 *x;

	if (c == NULL || c->der == NULL || c->der_len == 0 ||
	    c->der_len > (size_t)LONG_MAX)
		return NULL;
	p = c->der;
	x = d2i_X509(NULL, &p, (long)c->der_len);
	if (x != NULL && p != c->der + c->der_len) {
		X509_free(x);
		x = NULL;
	}
	return x;
}

/* ---- The cache ----------------------------------------------------------- */

/* Open addressing over twice the entries it may hold, so that a probe
 * sequence stays short; a slot is free when its X509 is NULL. */
#define CERT_CACHE_SLOTS (2 * CERT_CACHE_MAX)

struct cert_cache_slot {
	char sha256[65];
	X509 *x;
};

struct cert_cache {
	struct cert_cache_slot *slots;
	size_t count;
};

struct cert_cache *cert_cache_new(void)
{
	struct cert_cache *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->slots = calloc(CERT_CACHE_SLOTS, sizeof(*c->slots));
	if (c->slots == NULL) {
		free(c);
		return NULL;
	}
	return c;
}

void cert_cache_free(struct cert_cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < CERT_CACHE_SLOTS; i++)
		X509_free(c->slots[i].x);
	free(c->slots);
	free(c);
}

/* FNV-1a of the hex digest: already uniform, any mix will do. */
static size_t cert_cache_hash(const char *sha256)
{
	size_t h = 2166136261u;

	for (; *sha256 != '\0'; sha256++)
		h = (h ^ (unsigned char)*sha256) * 16777619u;
	return h % CERT_CACHE_SLOTS;
}

X509 *cert_cache_get(struct cert_cache *c, const struct store_cert_row *row)
{
	struct cert_cache_slot *slot;
	size_t i;
	X509 *x;

	if (c == NULL || row == NULL || strlen(row->sha256) != 64)
		return cert_from_row(row);
	for (i = cert_cache_hash(row->sha256);; i = (i + 1) % CERT_CACHE_SLOTS) {
		slot = &c->slots[i];
		if (slot->x == NULL)
			break;
		if (strcmp(slot->sha256, row->sha256) == 0) {
			X509_up_ref(slot->x);
			return slot->x;
		}
	}
	x = cert_from_row(row);
	if (x == NULL || c->count == CERT_CACHE_MAX || !X509_up_ref(x))
		return x;
	memcpy(slot->sha256, row->sha256, sizeof(slot->sha256));
	slot->x = x;
	c->count++;
	return x;
}

/* Walks the SAN entries of one type; add() appends one entry. */
static int san_each(const X509 *x, int type,
		    int (*add)(struct cert_strings *, const GENERAL_NAME *),
		    struct cert_strings *out)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL,
					       NULL);
	int i, rc = 0;

	for (i = 0; gens != NULL && i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);

		if (g->type == type && add(out, g) != 0) {
			rc = -1;
			break;
		}
	}
	GENERAL_NAMES_free(gens);
	if (rc != 0)
		cert_strings_free(out);
	return rc;
}

static int add_dns(struct cert_strings *s, const GENERAL_NAME *g)
{
	return strings_add_asn1(s, g->d.dNSName);
}

static int add_ip(struct cert_strings *s, const GENERAL_NAME *g)
{
	const ASN1_OCTET_STRING *ip = g->d.iPAddress;
	char buf[INET6_ADDRSTRLEN + 32];
	int len = ASN1_STRING_length(ip);

	if (len == 4 || len == 16)
		inet_ntop(len == 4 ? AF_INET : AF_INET6,
			  ASN1_STRING_get0_data(ip), buf, sizeof buf);
	else
		snprintf(buf, sizeof buf, "invalid (%d bytes)", len);
	return strings_add(s, buf, strlen(buf));
}

int cert_san_dns(const X509 *x, struct cert_strings *out)
{
	return san_each(x, GEN_DNS, add_dns, out);
}

int cert_san_ip(const X509 *x, struct cert_strings *out)
{
	return san_each(x, GEN_IPADD, add_ip, out);
}

static int add_uri(struct cert_strings *s, const GENERAL_NAME *g)
{
	return strings_add_asn1(s, g->d.uniformResourceIdentifier);
}

int cert_san_uri(const X509 *x, struct cert_strings *out)
{
	return san_each(x, GEN_URI, add_uri, out);
}

char *cert_common_name(const X509 *x)
{
	const X509_NAME *name = X509_get_subject_name(x);
	unsigned char *utf8 = NULL;
	char *cn = NULL;
	int i, last = -1, len;

	while ((i = X509_NAME_get_index_by_NID(name, NID_commonName, last)) >= 0)
		last = i;
	if (last < 0)
		return NULL;
	len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(
						 X509_NAME_get_entry(name, last)));
	if (len < 0 || memchr(utf8, '\0', (size_t)len) != NULL)
		goto out;
	cn = malloc((size_t)len + 1);
	if (cn != NULL) {
		memcpy(cn, utf8, (size_t)len);
		cn[len] = '\0';
	}
out:
	OPENSSL_free(utf8);
	return cn;
}

/* ---- Extended Key Usage ----------------------------------------------- */

/* The names Windows shows for the purposes administrators meet; OpenSSL's
 * long names ("TLS Web Client Authentication") for the rest. */
static const char *eku_friendly_name(int nid)
{
	switch (nid) {
	case NID_server_auth:
		return "Server Authentication";
	case NID_client_auth:
		return "Client Authentication";
	case NID_code_sign:
		return "Code Signing";
	case NID_email_protect:
		return "Secure Email";
	case NID_time_stamp:
		return "Time Stamping";
	case NID_OCSP_sign:
		return "OCSP Signing";
	case NID_anyExtendedKeyUsage:
		return "Any Purpose";
	default:
		return nid != NID_undef ? OBJ_nid2ln(nid) : NULL;
	}
}

static int eku_add(struct cert_eku *e, const ASN1_OBJECT *obj)
{
	char oid[CERT_OID_MAX], text[CERT_OID_MAX + 96];
	int nid = OBJ_obj2nid(obj);
	const char *name = eku_friendly_name(nid);

	if (OBJ_obj2txt(oid, sizeof oid, obj, 1) <= 0)
		snprintf(oid, sizeof oid, "?");
	if (nid == NID_server_auth)
		e->server_auth = 1;
	else if (nid == NID_client_auth)
		e->client_auth = 1;
	else if (nid == NID_anyExtendedKeyUsage)
		e->any = 1;
	if (name != NULL)
		snprintf(text, sizeof text, "%s (%s)", name, oid);
	else
		snprintf(text, sizeof text, "%s", oid);
	return strings_add(&e->names, text, strlen(text));
}

int cert_eku_get(const X509 *x, struct cert_eku *out)
{
	int crit = -1, i, rc = 0;
	EXTENDED_KEY_USAGE *eku;

	memset(out, 0, sizeof *out);
	eku = X509_get_ext_d2i(x, NID_ext_key_usage, &crit, NULL);
	if (eku == NULL) {
		/* -1: absent. Otherwise there but undecodable, or present
		 * twice (-2): either way it restricts, to nothing we can
		 * name. */
		if (crit == -1)
			return 0;
		out->present = 1;
		return strings_add(&out->names, "undecodable", 11);
	}
	out->present = 1;
	for (i = 0; i < sk_ASN1_OBJECT_num(eku); i++) {
		if (eku_add(out, sk_ASN1_OBJECT_value(eku, i)) != 0) {
			rc = -1;
			break;
		}
	}
	sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
	if (rc != 0)
		cert_eku_free(out);
	return rc;
}

void cert_eku_free(struct cert_eku *e)
{
	if (e != NULL)
		cert_strings_free(&e->names);
}

/* ---- Where to fetch: CRL DP and AIA ----------------------------------- */

int cert_crl_urls(const X509 *x, struct cert_strings *out)
{
	CRL_DIST_POINTS *dps = X509_get_ext_d2i(x, NID_crl_distribution_points,
						NULL, NULL);
	int i, j, rc = 0;

	for (i = 0; dps != NULL && i < sk_DIST_POINT_num(dps) && rc == 0; i++) {
		const DIST_POINT *dp = sk_DIST_POINT_value(dps, i);
		const GENERAL_NAMES *full;

		/* type 0 is fullName; 1 (a name relative to the issuer) is
		 * not a URL. */
		if (dp->distpoint == NULL || dp->distpoint->type != 0)
			continue;
		full = dp->distpoint->name.fullname;
		for (j = 0; j < sk_GENERAL_NAME_num(full) && rc == 0; j++) {
			const GENERAL_NAME *g = sk_GENERAL_NAME_value(full, j);

			if (g->type == GEN_URI)
				rc = strings_add_asn1(out,
						      g->d.uniformResourceIdentifier);
		}
	}
	CRL_DIST_POINTS_free(dps);
	if (rc != 0)
		cert_strings_free(out);
	return rc;
}

static int aia_urls(const X509 *x, int method, struct cert_strings *out)
{
	AUTHORITY_INFO_ACCESS *aia = X509_get_ext_d2i(x, NID_info_access, NULL,
						      NULL);
	int i, rc = 0;

	for (i = 0; aia != NULL && i < sk_ACCESS_DESCRIPTION_num(aia) && rc == 0;
	     i++) {
		const ACCESS_DESCRIPTION *ad = sk_ACCESS_DESCRIPTION_value(aia, i);

		if (OBJ_obj2nid(ad->method) == method &&
		    ad->location->type == GEN_URI)
			rc = strings_add_asn1(out,
					      ad->location->d.uniformResourceIdentifier);
	}
	AUTHORITY_INFO_ACCESS_free(aia);
	if (rc != 0)
		cert_strings_free(out);
	return rc;
}

int cert_ocsp_urls(const X509 *x, struct cert_strings *out)
{
	return aia_urls(x, NID_ad_OCSP, out);
}

int cert_ca_issuers_urls(const X509 *x, struct cert_strings *out)
{
	return aia_urls(x, NID_ad_ca_issuers, out);
}

/* ---- Key, signature, issuer ------------------------------------------- */

int cert_sig_digest(X509 *x)
{
	int mdnid = NID_undef, pknid = NID_undef;

	if (X509_get_signature_info(x, &mdnid, &pknid, NULL, NULL) == 1)
		return mdnid;
	/* OpenSSL could not work out the security bits (an unknown or
	 * legacy digest it cannot fetch): the OID table still knows the
	 * digest. */
	if (!OBJ_find_sigid_algs(X509_get_signature_nid(x), &mdnid, &pknid))
		return NID_undef;
	return mdnid;
}

int cert_digest_is_weak(int nid)
{
	return nid == NID_md2 || nid == NID_md4 || nid == NID_md5 ||
	       nid == NID_md5_sha1 || nid == NID_sha1;
}

int cert_is_self_signed(X509 *x)
{
	return X509_self_signed(x, 1) == 1;
}

int cert_is_issued_by_name(const X509 *x, const X509 *issuer)
{
	return X509_NAME_cmp(X509_get_issuer_name(x),
			     X509_get_subject_name(issuer)) == 0;
}

/* ---- Time ------------------------------------------------------------- */

static int asn1_time_to_unix(const ASN1_TIME *a, time_t *out)
{
	struct tm tm;

	*out = 0;
	if (a == NULL || ASN1_TIME_to_tm(a, &tm) != 1)
		return -1;
	*out = timegm(&tm);
	return 0;
}

int cert_validity(const X509 *x, time_t *not_before, time_t *not_after)
{
	int a = asn1_time_to_unix(X509_get0_notBefore(x), not_before);
	int b = asn1_time_to_unix(X509_get0_notAfter(x), not_after);

	if (a != 0 || b != 0) {
		*not_before = *not_after = 0;
		return -1;
	}
	return 0;
}
