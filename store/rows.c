/* rows.c: the rows the readers hand over, filled from a statement and
 * freed; at the bottom of store/, under every reader (reader.c,
 * reader_mtls.c, history.c) and store_cert_row_of(). */
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

/* A malloc'd copy of a text column, NULL for SQL NULL; sets *oom when
 * memory ran out. */
char *store_col_dup(sqlite3_stmt *s, int i, int *oom)
{
	const unsigned char *v;
	char *copy;
	int n;

	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return NULL;
	v = sqlite3_column_text(s, i);
	n = sqlite3_column_bytes(s, i);
	copy = v != NULL ? malloc((size_t)n + 1) : NULL;
	if (copy == NULL) {
		*oom = 1;
		return NULL;
	}
	memcpy(copy, v, (size_t)n);
	copy[n] = '\0';
	return copy;
}

static void copy_hex(sqlite3_stmt *s, int i, char *out, size_t len)
{
	const unsigned char *v = sqlite3_column_text(s, i);

	out[0] = '\0';
	if (v != NULL)
		strncat(out, (const char *)v, len - 1);
}

void store_cert_row_clear(struct store_cert_row *c)
{
	free(c->subject);
	free(c->issuer);
	free(c->serial);
	free(c->not_before);
	free(c->not_after);
	free(c->sig_alg);
	free(c->key_type);
	free((void *)c->der); /* const for the callback, ours to free */
}

int store_fill_cert(sqlite3_stmt *s, struct store_cert_row *c)
{
	const void *der = sqlite3_column_blob(s, 12);
	int der_len = sqlite3_column_bytes(s, 12);
	unsigned char *copy = NULL;
	int oom = 0;

	c->id = sqlite3_column_int64(s, 0);
	copy_hex(s, 1, c->sha256, sizeof(c->sha256));
	copy_hex(s, 2, c->sha1, sizeof(c->sha1));
	c->subject = store_col_dup(s, 3, &oom);
	c->issuer = store_col_dup(s, 4, &oom);
	c->serial = store_col_dup(s, 5, &oom);
	c->not_before = store_col_dup(s, 6, &oom);
	c->not_after = store_col_dup(s, 7, &oom);
	c->sig_alg = store_col_dup(s, 8, &oom);
	c->key_type = store_col_dup(s, 9, &oom);
	c->key_bits = sqlite3_column_int(s, 10);     /* NULL reads as 0 */
	c->x509_version = sqlite3_column_int(s, 11); /* likewise */
	if (der != NULL && der_len > 0) {
		copy = malloc((size_t)der_len);
		if (copy == NULL)
			oom = 1;
		else
			memcpy(copy, der, (size_t)der_len);
	}
	c->der = copy;
	c->der_len = copy != NULL ? (size_t)der_len : 0;
	return oom ? -1 : 0;
}

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
