/* findings.c: the judge tests' PKI, rows and looking at findings
 * (findings.h). */
#include "findings.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/x509_vfy.h>

#include "common/cert.h"

struct tcert_spec tf_leaf_spec(struct tf_pki *k)
{
	struct tcert_spec s = {
		.cn = "sip.contoso.com",
		.org = TF_ORG,
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

void tf_pki_reissue(struct tf_pki *k)
{
	X509_free(k->leaf);
	k->leaf = tcert_x509(&k->leaf_spec);
}

void tf_pki_init(struct tf_pki *k)
{
	struct tcert_spec root = {
		.cn = "Contoso Test Root", .org = TF_ORG, .ca = 1,
		.set_validity = 1, .from_days = -1000, .to_days = 3000,
	};
	struct tcert_spec inter = {
		.cn = "Contoso Test Issuing CA", .org = TF_ORG, .ca = 1,
		.set_validity = 1, .from_days = -500, .to_days = 1500,
		.serial = 2, .ca_issuers = "http://pki.contoso.test/root.crt",
	};

	memset(k, 0, sizeof *k);
	k->root_key = tcert_key("EC");
	k->int_key = tcert_key("EC");
	k->leaf_key = tcert_key("EC");
	root.key = k->root_key;
	k->root = tcert_x509(&root);
	inter.key = k->int_key;
	inter.issuer = k->root;
	inter.issuer_key = k->root_key;
	k->inter = tcert_x509(&inter);
	k->leaf_spec = tf_leaf_spec(k);
	tf_pki_reissue(k);
	k->trust = X509_STORE_new();
	assert_non_null(k->trust);
	assert_int_equal(X509_STORE_add_cert(k->trust, k->root), 1);
}

void tf_pki_free(struct tf_pki *k)
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

struct store_cert_row tf_row(X509 *x)
{
	struct store_cert_row r = { 0 };
	struct cert_facts f = { 0 };
	unsigned char *der = NULL;
	int len = i2d_X509(x, &der);

	assert_true(len > 0);
	r.der = der;
	r.der_len = (size_t)len;
	tcert_digest_hex(der, (size_t)len, EVP_sha256(), r.sha256);
	tcert_digest_hex(der, (size_t)len, EVP_sha1(), r.sha1);
	/* The columns the store keeps, as the scanner decodes them. */
	cert_facts_from_x509(x, &f);
	r.subject = f.subject;
	r.issuer = f.issuer;
	r.serial = f.serial;
	r.not_before = strdup(f.not_before);
	r.not_after = strdup(f.not_after);
	r.sig_alg = strdup(f.sig_alg);
	r.key_type = strdup(f.key_type);
	r.key_bits = f.key_bits;
	r.x509_version = f.x509_version;
	assert_non_null(r.subject);
	assert_true(r.not_before && r.not_after && r.sig_alg && r.key_type);
	return r;
}

void tf_row_free(struct store_cert_row *r)
{
	OPENSSL_free((void *)r->der);
	free(r->subject);
	free(r->issuer);
	free(r->serial);
	free(r->not_before);
	free(r->not_after);
	free(r->sig_alg);
	free(r->key_type);
	memset(r, 0, sizeof *r);
}

void tf_probe_init(struct tf_probe *p, X509 *const *certs, size_t n)
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

void tf_probe_free(struct tf_probe *p)
{
	size_t i;

	for (i = 0; i < p->row.chain_len; i++)
		tf_row_free(&p->chain[i]);
}

struct store_target_row tf_target(const char *type, const char *domain,
				  struct store_probe_row *rows, size_t n)
{
	struct store_target_row t = {
		.id = 1, .line = 2, .domain = (char *)domain,
		.type = (char *)type, .port = 5061,
		.probe_count = n, .probes = rows,
	};
	return t;
}

/* ---- Judging and looking at the result -------------------------------- */

void tf_judge(const struct store_target_row *t, X509_STORE *trust,
	      struct finding_list *out)
{
	struct judge_options o = { .now = TF_NOW, .warn_days = 30,
				   .trust = trust };

	memset(out, 0, sizeof *out);
	assert_int_equal(findings_judge_target(&o, t, out), 0);
}

void tf_judge_profile(const struct store_target_row *t, X509_STORE *trust,
		      enum report_profile profile, struct finding_list *out)
{
	struct judge_options o = { .now = TF_NOW, .warn_days = 30,
				   .trust = trust, .profile = profile };

	memset(out, 0, sizeof *out);
	assert_int_equal(findings_judge_target(&o, t, out), 0);
}

size_t tf_count(const struct finding_list *l, const char *id)
{
	size_t i, n = 0;

	for (i = 0; i < l->count; i++)
		if (strcmp(l->items[i].def->id, id) == 0)
			n++;
	return n;
}

const struct finding *tf_get(const struct finding_list *l, const char *id)
{
	size_t i;

	for (i = 0; i < l->count; i++)
		if (strcmp(l->items[i].def->id, id) == 0)
			return &l->items[i];
	fail_msg("no finding %s", id);
	return NULL;
}

void tf_says(const struct finding_list *l, const char *id, ...)
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

void tf_ids(const struct finding_list *l, char *buf, size_t len)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < l->count && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? " " : "",
				      l->items[i].def->id);
}

/* ---- Shared fixtures ---------------------------------------------------- */

int tf_setup(void **state)
{
	struct tf_pki *k = malloc(sizeof *k);

	assert_non_null(k);
	tf_pki_init(k);
	*state = k;
	return 0;
}

int tf_teardown(void **state)
{
	tf_pki_free(*state);
	free(*state);
	return 0;
}

void tf_reset_leaf(struct tf_pki *k)
{
	k->leaf_spec = tf_leaf_spec(k);
	tf_pki_reissue(k);
}

void tf_judge_chain(X509 *const *certs, size_t n, const char *type,
		    long verify_code, X509_STORE *trust, struct finding_list *l)
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

void tf_judge_leaf(struct tf_pki *k, const char *type, long verify_code,
		   X509_STORE *trust, struct finding_list *l)
{
	X509 *certs[2] = { k->leaf, k->inter };

	tf_judge_chain(certs, 2, type, verify_code, trust, l);
}

void tf_assert_ids(const struct finding_list *l, const char *want)
{
	char ids[1024];

	tf_ids(l, ids, sizeof ids);
	assert_string_equal(ids, want);
}
