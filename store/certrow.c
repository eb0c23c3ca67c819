/* certrow.c: a certificate's row as the reader would hand it over, made
 * from the facts the writer would store (store_cert_row_of(), store.h). */
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

/* A copy of s; NULL for NULL, and for "" when empty_is_null (the columns
 * the writer binds with bind_text_or_empty_null()). */
static char *row_text(const char *s, int empty_is_null, int *oom)
{
	char *copy;

	if (s == NULL || (empty_is_null && s[0] == '\0'))
		return NULL;
	if ((copy = strdup(s)) == NULL)
		*oom = 1;
	return copy;
}

int store_cert_row_of(const unsigned char *der, size_t len, const X509 *x,
		      struct store_cert_row *out)
{
	struct cert_facts f;
	unsigned char *copy = NULL;
	char err[128];
	int oom = 0;

	memset(out, 0, sizeof(*out));
	memset(&f, 0, sizeof(f));
	if (len == 0 || cert_facts_digest(der, len, &f, err, sizeof(err)) != 0)
		return -1;
	if (x != NULL)
		cert_facts_from_x509(x, &f);
	else
		cert_facts_decode(der, len, &f);
	memcpy(out->sha256, f.sha256, sizeof(out->sha256));
	memcpy(out->sha1, f.sha1, sizeof(out->sha1));
	out->subject = row_text(f.subject, 0, &oom);
	out->issuer = row_text(f.issuer, 0, &oom);
	out->serial = row_text(f.serial, 0, &oom);
	out->not_before = row_text(f.not_before, 1, &oom);
	out->not_after = row_text(f.not_after, 1, &oom);
	out->sig_alg = row_text(f.sig_alg, 1, &oom);
	out->key_type = row_text(f.key_type, 1, &oom);
	/* The writer stores 0 as NULL, which reads back as 0. */
	out->key_bits = f.key_bits > 0 ? f.key_bits : 0;
	out->x509_version = f.x509_version > 0 ? f.x509_version : 0;
	if ((copy = malloc(len)) == NULL)
		oom = 1;
	else
		memcpy(copy, der, len);
	out->der = copy;
	out->der_len = len;
	cert_facts_free(&f);
	if (!oom)
		return 0;
	store_cert_row_clear(out);
	memset(out, 0, sizeof(*out));
	return -1;
}
