/* reader_mtls.c: what the report reads of mutual TLS: a probe's
 * acceptable CA names, and the chain a scan presented as ours.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/store.h"
#include "store_int.h"

const char store_sql_ca_names[] =
	"SELECT name FROM probe_ca_name WHERE probe_id = ?1 ORDER BY position";

int store_load_ca_names(struct target_walk *w, struct store_probe_row *p)
{
	sqlite3_stmt *s = w->ca_names;
	size_t cap = 0;
	int step;

	sqlite3_reset(s);
	sqlite3_bind_int64(s, 1, p->id);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(s, 0);
		char *copy;

		if (p->ca_count == cap) {
			size_t n = cap ? cap * 2 : 4;
			char **names = realloc(p->ca_names, n * sizeof(*names));

			if (names == NULL)
				goto oom;
			p->ca_names = names;
			cap = n;
		}
		if ((copy = strdup(name ? name : "")) == NULL)
			goto oom;
		p->ca_names[p->ca_count++] = copy;
	}
	if (step != SQLITE_DONE) {
		store_db_error(w->st, "cannot read the acceptable CA names");
		return -1;
	}
	return 0;
oom:
	store_set_error(w->st, "out of memory reading CA names");
	return -1;
}

void store_cert_rows_free(struct store_cert_row *chain, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		store_cert_row_clear(&chain[i]);
	free(chain);
}

int store_scan_client_chain(struct store *st, int64_t scan_id,
			    struct store_cert_row **chain, size_t *n)
{
	sqlite3_stmt *s = NULL;
	struct store_cert_row *rows = NULL;
	size_t count = 0;
	int step, rc = -1;

	*chain = NULL;
	*n = 0;
	if (store_flush(st) != 0)
		return -1;
	if (sqlite3_prepare_v2(st->db,
			       "SELECT c.id, c.sha256, c.sha1, c.subject, c.issuer,"
			       " c.serial, c.not_before, c.not_after, c.sig_alg,"
			       " c.key_type, c.key_bits, c.x509_version, c.der"
			       " FROM scan_client_cert k"
			       " JOIN certificate c ON c.id = k.certificate_id"
			       " WHERE k.scan_id = ?1 ORDER BY k.position",
			       -1, &s, NULL) != SQLITE_OK) {
		store_db_error(st, "cannot read our certificate");
		goto out;
	}
	sqlite3_bind_int64(s, 1, scan_id);
	while ((step = sqlite3_step(s)) == SQLITE_ROW && count < FC_CHAIN_MAX) {
		struct store_cert_row *r = realloc(rows, (count + 1) * sizeof(*r));

		if (r == NULL)
			goto oom;
		rows = r;
		memset(&rows[count], 0, sizeof(rows[count]));
		if (store_fill_cert(s, &rows[count++]) != 0)
			goto oom;
	}
	if (step != SQLITE_DONE && step != SQLITE_ROW) {
		store_db_error(st, "cannot read our certificate");
		goto out;
	}
	*chain = rows;
	*n = count;
	rows = NULL;
	count = 0;
	rc = 0;
	goto out;
oom:
	store_set_error(st, "out of memory reading our certificate");
out:
	store_cert_rows_free(rows, count);
	sqlite3_finalize(s);
	return rc;
}
