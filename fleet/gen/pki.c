/* pki.c: the CA hierarchy and the leaf certificates, cached.
 *
 * A leaf is cached under the hash of everything that goes into it (name,
 * key file, issuer certificate, dates, signature hash, EKU), so a cached
 * file is reused exactly when it would come out the same. Leaf dates are
 * anchored at the first day of the month: the leaves are re-signed (never
 * re-keyed) once a month, and an expired one is always expired at scan time
 * while a valid one has months left. The CAs have fixed dates and are made
 * once; an intermediate that its root no longer signs is made again.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "gen.h"

#define DAY 86400
#define CA_NOT_BEFORE 1577836800  /* 2020-01-01 */
#define CA_NOT_AFTER 2398377600   /* 2046-01-01 */
#define INTER_NOT_BEFORE 1609459200 /* 2021-01-01 */
#define INTER_NOT_AFTER 2240611200  /* 2041-01-01 */
#define SERIAL_LEN 16
#define LEAF_EXTS_MAX 10

struct ca_def {
	const char *file, *cn, *key;
	int parent;                 /* index of the signing CA; -1: a root */
};

static const struct ca_def ca_defs[GEN_CAS] = {
	{ "root-a", "Fleet Root CA A", "rsa2048", -1 },
	{ "root-b", "Fleet Root CA B", "ec384", -1 },
	{ "inter-a1", "Fleet Issuing CA A1", "ec256", 0 },
	{ "inter-a2", "Fleet Issuing CA A2", "rsa2048", 0 },
	{ "inter-b1", "Fleet Issuing CA B1", "ec256", 1 },
	{ "inter-b2", "Fleet Issuing CA B2", "rsa2048", 1 },
};

struct ext {
	int nid;
	const char *value;
};

static const struct ext root_exts[] = {
	{ NID_basic_constraints, "critical,CA:TRUE" },
	{ NID_key_usage, "critical,keyCertSign,cRLSign" },
	{ NID_subject_key_identifier, "hash" },
	{ 0, NULL },
};

static const struct ext inter_exts[] = {
	{ NID_basic_constraints, "critical,CA:TRUE,pathlen:0" },
	{ NID_key_usage, "critical,keyCertSign,cRLSign" },
	{ NID_subject_key_identifier, "hash" },
	{ NID_authority_key_identifier, "keyid:always" },
	{ 0, NULL },
};

/* The CAs in memory while leaves are signed; freed by pki_free(). */
struct pki {
	X509 *cert[GEN_CAS];
	EVP_PKEY *key[GEN_CAS];
	char sha256[GEN_CAS][65];
};

struct cert_req {
	const char *org, *cn;
	EVP_PKEY *pubkey;           /* the subject's key */
	X509 *issuer;               /* NULL: self-signed */
	EVP_PKEY *signer;
	time_t not_before, not_after;
	const EVP_MD *md;
	unsigned char serial[SERIAL_LEN];
	const struct ext *exts;     /* ends with nid 0 */
};

static void hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int cert_sha256(X509 *x, char out[65])
{
	unsigned char *der = NULL, md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int len = i2d_X509(x, &der), rc = -1;

	if (len > 0 && EVP_Digest(der, (size_t)len, md, &mdlen, EVP_sha256(), NULL)) {
		hex(md, mdlen, out);
		rc = 0;
	}
	OPENSSL_free(der);
	return rc;
}

static int cert_add_ext(X509 *x, X509 *issuer, const struct ext *e)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, e->nid, e->value);
	if (ext == NULL)
		return -1;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok ? 0 : -1;
}

static X509_NAME *cert_name(const char *org, const char *cn)
{
	X509_NAME *n = X509_NAME_new();

	if (n == NULL ||
	    (org && !X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC,
						(const unsigned char *)org, -1, -1, 0)) ||
	    !X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
					(const unsigned char *)cn, -1, -1, 0)) {
		X509_NAME_free(n);
		return NULL;
	}
	return n;
}

/* Builds and signs one certificate; the caller frees it. */
static X509 *cert_build(const struct cert_req *r)
{
	X509 *x = X509_new();
	X509_NAME *name = cert_name(r->org, r->cn);
	BIGNUM *bn = BN_bin2bn(r->serial, SERIAL_LEN, NULL);
	int ok = 0, i;

	if (!x || !name || !bn || !X509_set_version(x, X509_VERSION_3) ||
	    !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) ||
	    !X509_set_subject_name(x, name) ||
	    !X509_set_issuer_name(x, r->issuer ? X509_get_subject_name(r->issuer) : name) ||
	    !ASN1_TIME_set(X509_getm_notBefore(x), r->not_before) ||
	    !ASN1_TIME_set(X509_getm_notAfter(x), r->not_after) ||
	    !X509_set_pubkey(x, r->pubkey))
		goto out;
	for (i = 0; r->exts[i].nid != 0; i++)
		if (cert_add_ext(x, r->issuer ? r->issuer : x, &r->exts[i]) != 0)
			goto out;
	if (!X509_sign(x, r->signer, r->md))
		goto out;
	ok = 1;
out:
	X509_NAME_free(name);
	BN_free(bn);
	if (!ok) {
		ERR_print_errors_fp(stderr);
		X509_free(x);
		x = NULL;
	}
	return x;
}

/* A positive serial, never zero, derived from what the certificate is. */
static void serial_from(const char *text, unsigned char serial[SERIAL_LEN])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	EVP_Digest(text, strlen(text), md, &mdlen, EVP_sha256(), NULL);
	memcpy(serial, md, SERIAL_LEN);
	serial[0] = (unsigned char)((serial[0] & 0x7f) | 0x10);
}

static X509 *pem_read_cert(const char *path)
{
	FILE *f = fopen(path, "r");
	X509 *x = NULL;

	if (f) {
		x = PEM_read_X509(f, NULL, NULL, NULL);
		fclose(f);
	}
	return x;
}

static EVP_PKEY *pem_read_key(const char *path)
{
	FILE *f = fopen(path, "r");
	EVP_PKEY *k = NULL;

	if (f) {
		k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
	}
	return k;
}

/* A cached CA is kept if it matches its key and its parent still signs it. */
static int ca_is_current(const struct pki *pki, int i)
{
	int parent = ca_defs[i].parent;
	EVP_PKEY *signer = parent < 0 ? pki->key[i] : pki->key[parent];

	return pki->cert[i] && pki->key[i] &&
	       X509_check_private_key(pki->cert[i], pki->key[i]) == 1 &&
	       X509_verify(pki->cert[i], signer) == 1;
}

static int ca_ensure(struct gen_plan *p, struct pki *pki, int i)
{
	const struct ca_def *d = &ca_defs[i];
	char key_path[GEN_PATH_MAX];
	struct cert_req r = { 0 };
	char *cert_path = p->ca_pem[i];

	snprintf(key_path, sizeof(key_path), "%s/ca/%s.key", p->opt.cache_dir, d->file);
	snprintf(cert_path, GEN_PATH_MAX, "%s/ca/%s.pem", p->opt.cache_dir, d->file);
	pki->key[i] = pem_read_key(key_path);
	pki->cert[i] = pem_read_cert(cert_path);
	if (!ca_is_current(pki, i)) {
		X509_free(pki->cert[i]);
		if (pki->key[i] == NULL) {
			pki->key[i] = gen_key_new(d->key);
			if (!pki->key[i] || gen_write_key(key_path, pki->key[i]) != 0)
				return -1;
		}
		r.org = "fedcert fleet";
		r.cn = d->cn;
		r.pubkey = pki->key[i];
		r.issuer = d->parent < 0 ? NULL : pki->cert[d->parent];
		r.signer = d->parent < 0 ? pki->key[i] : pki->key[d->parent];
		r.md = strcmp(ca_defs[d->parent < 0 ? i : d->parent].key, "ec384") == 0 ?
			       EVP_sha384() : EVP_sha256();
		r.not_before = d->parent < 0 ? CA_NOT_BEFORE : INTER_NOT_BEFORE;
		r.not_after = d->parent < 0 ? CA_NOT_AFTER : INTER_NOT_AFTER;
		r.exts = d->parent < 0 ? root_exts : inter_exts;
		serial_from(d->cn, r.serial);
		pki->cert[i] = cert_build(&r);
		if (!pki->cert[i] || gen_write_cert(cert_path, pki->cert[i]) != 0)
			return -1;
	}
	return cert_sha256(pki->cert[i], pki->sha256[i]);
}

static void leaf_dates(const struct gen_plan *p, enum gen_validity v,
		       time_t *nb, time_t *na)
{
	switch (v) {
	case GEN_EXPIRED:
		*nb = p->base - 400 * DAY;
		*na = p->base - 35 * DAY;
		break;
	case GEN_STALE: /* the pool's previous certificate, lapsed */
		*nb = p->base - 367 * DAY;
		*na = p->base - 2 * DAY;
		break;
	default:
		*nb = p->base - 30 * DAY;
		*na = p->base + 335 * DAY;
		break;
	}
}

/* Everything the leaf is made of, as text: its cache name and serial. */
static int leaf_spec(const struct gen_plan *p, const struct pki *pki,
		     const struct gen_cert *c, char *spec, size_t len)
{
	struct stat st;
	time_t nb, na;

	if (stat(c->key_path, &st) != 0)
		return -1;
	leaf_dates(p, c->validity, &nb, &na);
	snprintf(spec, len,
		 "fleet-leaf-v2\ncn=%s\nkey=%s %lld.%09ld\nissuer=%s\n"
		 "nb=%lld\nna=%lld\nsha1=%d\nno_clientauth=%d\n",
		 c->cn, c->key_path, (long long)st.st_mtim.tv_sec,
		 (long)st.st_mtim.tv_nsec,
		 c->issuer < 0 ? "self" : pki->sha256[GEN_ROOTS + c->issuer],
		 (long long)nb, (long long)na, c->sha1, c->no_clientauth);
	return 0;
}

static void leaf_exts(const struct gen_cert *c, char *san, size_t san_len,
		      struct ext *e)
{
	int n = 0;

	snprintf(san, san_len, "DNS:%s", c->cn);
	e[n++] = (struct ext){ NID_basic_constraints, "critical,CA:FALSE" };
	e[n++] = (struct ext){ NID_key_usage, c->key == GEN_KEY_EC256 ?
		"critical,digitalSignature" : "critical,digitalSignature,keyEncipherment" };
	e[n++] = (struct ext){ NID_ext_key_usage, c->no_clientauth ?
		"serverAuth" : "serverAuth,clientAuth" };
	e[n++] = (struct ext){ NID_subject_alt_name, san };
	e[n++] = (struct ext){ NID_subject_key_identifier, "hash" };
	if (c->issuer >= 0) {
		e[n++] = (struct ext){ NID_authority_key_identifier, "keyid:always" };
		/* As a public CA's leaves carry them: revocation pointers,
		 * so that the report's findings are the fleet's defects. */
		e[n++] = (struct ext){ NID_crl_distribution_points,
				       "URI:http://crl.fleet.test/issuing.crl" };
		e[n++] = (struct ext){ NID_info_access,
				       "OCSP;URI:http://ocsp.fleet.test,"
				       "caIssuers;URI:http://pki.fleet.test/issuing.crt" };
	}
	e[n] = (struct ext){ 0, NULL };
}

static X509 *leaf_make(const struct gen_plan *p, const struct pki *pki,
		       const struct gen_cert *c, const char *spec)
{
	struct ext exts[LEAF_EXTS_MAX];
	char san[GEN_NAME_MAX + 8];
	struct cert_req r = { 0 };
	EVP_PKEY *key = pem_read_key(c->key_path);
	X509 *x = NULL;

	if (key == NULL) {
		fprintf(stderr, "fleet-gen: cannot read %s\n", c->key_path);
		return NULL;
	}
	leaf_exts(c, san, sizeof(san), exts);
	r.cn = c->cn;
	r.pubkey = key;
	r.issuer = c->issuer < 0 ? NULL : pki->cert[GEN_ROOTS + c->issuer];
	r.signer = c->issuer < 0 ? key : pki->key[GEN_ROOTS + c->issuer];
	r.md = c->sha1 ? EVP_sha1() : EVP_sha256();
	leaf_dates(p, c->validity, &r.not_before, &r.not_after);
	serial_from(spec, r.serial);
	r.exts = exts;
	x = cert_build(&r);
	EVP_PKEY_free(key);
	return x;
}

/* Reuses the cached leaf or makes it; fills path, fingerprint, expiry. */
static int leaf_ensure(const struct gen_plan *p, const struct pki *pki,
		       struct gen_cert *c, int *made)
{
	char spec[4 * GEN_PATH_MAX], name[65];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	time_t nb;
	X509 *x = NULL;
	int rc = -1;

	if (leaf_spec(p, pki, c, spec, sizeof(spec)) != 0)
		goto out;
	EVP_Digest(spec, strlen(spec), md, &mdlen, EVP_sha256(), NULL);
	hex(md, 16, name);
	snprintf(c->cert_path, sizeof(c->cert_path), "%s/certs/%s.pem",
		 p->opt.cache_dir, name);
	leaf_dates(p, c->validity, &nb, &c->not_after);
	x = pem_read_cert(c->cert_path);
	if (x == NULL) {
		x = leaf_make(p, pki, c, spec);
		if (x == NULL || gen_write_cert(c->cert_path, x) != 0)
			goto out;
		(*made)++;
	}
	rc = cert_sha256(x, c->sha256);
out:
	X509_free(x);
	return rc;
}

static void pki_free(struct pki *pki)
{
	int i;

	for (i = 0; i < GEN_CAS; i++) {
		X509_free(pki->cert[i]);
		EVP_PKEY_free(pki->key[i]);
	}
}

int gen_pki(struct gen_plan *p)
{
	struct pki pki = { 0 };
	char dir[GEN_PATH_MAX];
	int i, made = 0, rc = -1;

	snprintf(dir, sizeof(dir), "%s/ca", p->opt.cache_dir);
	if (gen_mkdir(p->opt.cache_dir) != 0 || gen_mkdir(dir) != 0)
		goto out;
	snprintf(dir, sizeof(dir), "%s/certs", p->opt.cache_dir);
	if (gen_mkdir(dir) != 0)
		goto out;
	for (i = 0; i < GEN_CAS; i++)
		if (ca_ensure(p, &pki, i) != 0) {
			fprintf(stderr, "fleet-gen: cannot make CA %s\n", ca_defs[i].file);
			goto out;
		}
	if (gen_keys_make(p) != 0)
		goto out;
	for (i = 0; i < p->n_certs; i++)
		if (leaf_ensure(p, &pki, &p->certs[i], &made) != 0) {
			fprintf(stderr, "fleet-gen: cannot make the certificate of %s\n",
				p->certs[i].cn);
			goto out;
		}
	if (made > 0)
		fprintf(stderr, "fleet-gen: signed %d certificates (%d cached)\n", made,
			p->n_certs - made);
	rc = 0;
out:
	pki_free(&pki);
	return rc;
}

const char *gen_chain_path(const struct gen_plan *p, const struct gen_endpoint *ep)
{
	const struct gen_cert *c = &p->certs[ep->cert];

	if (gen_chain_sent(p, ep) < 2 || c->issuer < 0)
		return "-";
	return p->ca_pem[GEN_ROOTS + c->issuer];
}

int gen_write_roots(const struct gen_plan *p, const char *path)
{
	FILE *out = fopen(path, "w");
	int i, ch, rc = out ? 0 : -1;

	for (i = 0; out && i < GEN_ROOTS; i++) {
		FILE *in = fopen(p->ca_pem[i], "r");

		if (in == NULL) {
			rc = -1;
			break;
		}
		while ((ch = getc(in)) != EOF)
			putc(ch, out);
		fclose(in);
	}
	if (out && fclose(out) != 0)
		rc = -1;
	if (rc != 0)
		fprintf(stderr, "fleet-gen: cannot write %s\n", path);
	return rc;
}
