/* mtls.c: the mutual TLS facts of one probe. */
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/x509.h>

#include "mtls.h"

/* A distinguished name as one RFC 2253 line; NULL when out of memory. */
static char *mtls_name_text(const X509_NAME *name)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *text = NULL, *data;
	long len;

	if (b == NULL)
		return NULL;
	if (X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0 &&
	    (len = BIO_get_mem_data(b, &data)) >= 0 &&
	    (text = malloc((size_t)len + 1)) != NULL) {
		memcpy(text, data, (size_t)len);
		text[len] = '\0';
	}
	BIO_free(b);
	return text;
}

/* Called by OpenSSL when the server's CertificateRequest has been read,
 * before our answer: the moment to learn what it asked. */
static int mtls_on_request(SSL *ssl, void *arg)
{
	struct mtls_facts *f = arg;
	const STACK_OF(X509_NAME) *names = SSL_get0_peer_CA_list(ssl);
	int i, n = names ? sk_X509_NAME_num(names) : 0;

	if (f->requested)
		return 1; /* a renegotiation asks again: the first list stands */
	f->requested = 1;
	f->presented = SSL_get_certificate(ssl) != NULL;
	if (n > FC_CA_NAMES_MAX)
		n = FC_CA_NAMES_MAX;
	if (n > 0 && (f->ca_names = calloc((size_t)n, sizeof(*f->ca_names))) == NULL)
		n = 0; /* the request is still recorded, without its list */
	for (i = 0; i < n; i++) {
		char *text = mtls_name_text(sk_X509_NAME_value(names, i));

		if (text)
			f->ca_names[f->nca++] = text;
	}
	return 1;
}

void mtls_watch(SSL *ssl, struct mtls_facts *f)
{
	SSL_set_cert_cb(ssl, mtls_on_request, f);
}

const char *mtls_alert_name(int alert)
{
	const char *name = SSL_alert_desc_string_long(alert);

	/* OpenSSL 3.0 names no alert newer than TLS 1.2's, and TLS 1.3's
	 * "certificate required" is the one a federation Edge sends. */
	if (alert == 116)
		return "certificate required";
	if (alert == 120)
		return "no application protocol";
	return name;
}

void mtls_settle(struct mtls_facts *f, enum failure_kind kind, int alert)
{
	if (!f->requested || f->outcome)
		return;
	if (kind == FAIL_NONE) {
		f->outcome = "accepted";
	} else if (kind == FAIL_TLS_ALERT) {
		f->outcome = "alert";
		f->alert = mtls_alert_name(alert);
	} else if (kind == FAIL_CLOSED || kind == FAIL_RESET) {
		f->outcome = "closed";
	} else {
		f->outcome = "unknown";
	}
}

void mtls_fill(const struct mtls_facts *f, struct store_probe *r)
{
	r->cc_requested = f->requested;
	r->cc_presented = f->presented;
	r->ca_names = (const char *const *)f->ca_names;
	r->ca_count = f->nca;
	r->cc_outcome = f->outcome;
	r->cc_alert = f->alert;
}

void mtls_free(struct mtls_facts *f)
{
	size_t i;

	for (i = 0; i < f->nca; i++)
		free(f->ca_names[i]);
	free(f->ca_names);
	f->ca_names = NULL;
	f->nca = 0;
}
