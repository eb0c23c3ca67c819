/* recall.c: what this scan already stored, found again by the scanner
 * (store.h, "What this scan stored, found again"). A scanner that keeps
 * only its work in flight in memory asks here when a row names a host,
 * an SRV name or an endpoint it has let go of. The statements are
 * statements.c's; each query is one walk down an index.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

int store_recall_probe(struct store *st, int64_t scan_id, const char *address,
		       int port, const char *sni, int64_t *probe_id)
{
	sqlite3_stmt *s = store_stmt(st, STMT_RECALL_PROBE);
	int binds, step;

	binds = store_bind_text(s, 1, address) |
		sqlite3_bind_int(s, 2, port) |
		store_bind_text(s, 3, sni) |
		sqlite3_bind_int64(s, 4, scan_id);
	if (store_bind_check(st, binds, "cannot find the stored probe") != 0)
		return -1;
	step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		*probe_id = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
		return 1;
	}
	sqlite3_reset(s);
	if (step != SQLITE_DONE) {
		store_db_error(st, "cannot find the stored probe");
		return -1;
	}
	return 0;
}

/* One stored answer, its strings copied out of the statement. */
struct recalled {
	int64_t id;
	char *type, *rcode, *source, *reason;
};

static char *dup_column(sqlite3_stmt *s, int col, int *oom)
{
	const char *v = (const char *)sqlite3_column_text(s, col);
	char *c;

	if (v == NULL)
		return NULL;
	if ((c = strdup(v)) == NULL)
		*oom = 1;
	return c;
}

static void recalled_free(struct recalled *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(r[i].type);
		free(r[i].rcode);
		free(r[i].source);
		free(r[i].reason);
	}
}

/* The answers' own rows, read whole before their records are: one
 * statement steps at a time. */
static int recall_answers(struct store *st, int64_t scan_id, const char *name,
			  int srv, struct recalled *out, size_t *n)
{
	const char *what = "cannot find the stored DNS answers";
	sqlite3_stmt *s = store_stmt(st, STMT_RECALL_ANSWERS);
	int binds, step = SQLITE_DONE, oom = 0;

	*n = 0;
	binds = sqlite3_bind_int64(s, 1, scan_id) |
		store_bind_text(s, 2, name) |
		store_bind_text(s, 3, srv ? "SRV" : "A") |
		store_bind_text(s, 4, srv ? "SRV" : "AAAA");
	if (store_bind_check(st, binds, what) != 0)
		return -1;
	while (*n < FC_DNS_RECALL_MAX && (step = sqlite3_step(s)) == SQLITE_ROW) {
		struct recalled *r = &out[(*n)++];

		r->id = sqlite3_column_int64(s, 0);
		r->type = dup_column(s, 1, &oom);
		r->rcode = dup_column(s, 2, &oom);
		r->source = dup_column(s, 3, &oom);
		r->reason = dup_column(s, 4, &oom);
		if (oom || !r->type || !r->rcode || !r->source) {
			sqlite3_reset(s);
			store_set_error(st, "%s: out of memory", what);
			return -1;
		}
	}
	if (*n < FC_DNS_RECALL_MAX && step != SQLITE_DONE) {
		sqlite3_reset(s);
		store_db_error(st, what);
		return -1;
	}
	sqlite3_reset(s);
	return 0;
}

/* NULL in an integer column: -1, as store_dns_record has it. */
static long int_or_unset(sqlite3_stmt *s, int col)
{
	return sqlite3_column_type(s, col) == SQLITE_NULL ? -1 :
	       (long)sqlite3_column_int64(s, col);
}

/* One answer's records, then cb. The records' strings are the statement's
 * until the next step: copied into owned, freed after cb. */
static int recall_one(struct store *st, const struct recalled *r,
		      const char *name, store_recall_dns_cb cb, void *arg)
{
	const char *what = "cannot read the stored DNS records";
	struct store_dns_record *recs;
	struct store_dns_answer a = { name, r->type, r->rcode, r->source,
				      r->reason, 0, NULL };
	sqlite3_stmt *s = store_stmt(st, STMT_RECALL_RECORDS);
	char **owned;
	size_t i;
	int step = SQLITE_DONE, oom = 0, rc = -1;

	recs = calloc(FC_DNS_RECORDS_MAX, sizeof(*recs));
	owned = calloc(FC_DNS_RECORDS_MAX * 2, sizeof(*owned));
	if (recs == NULL || owned == NULL) {
		store_set_error(st, "%s: out of memory", what);
		goto out;
	}
	a.records = recs;
	sqlite3_bind_int64(s, 1, r->id);
	while (a.count < FC_DNS_RECORDS_MAX &&
	       (step = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_dns_record *d = &recs[a.count];

		d->priority = (int)int_or_unset(s, 0);
		d->weight = (int)int_or_unset(s, 1);
		d->port = (int)int_or_unset(s, 2);
		d->target = owned[a.count * 2] = dup_column(s, 3, &oom);
		d->address = owned[a.count * 2 + 1] = dup_column(s, 4, &oom);
		d->ttl = int_or_unset(s, 5);
		a.count++;
		if (oom) {
			store_set_error(st, "%s: out of memory", what);
			goto out;
		}
	}
	if (a.count < FC_DNS_RECORDS_MAX && step != SQLITE_DONE) {
		store_db_error(st, what);
		goto out;
	}
	sqlite3_reset(s);
	if ((rc = cb(r->id, &a, arg)) != 0)
		store_set_error(st, "%s: out of memory", what);
out:
	sqlite3_reset(s);
	for (i = 0; owned && i < FC_DNS_RECORDS_MAX * 2; i++)
		free(owned[i]);
	free(owned);
	free(recs);
	return rc;
}

int store_recall_dns(struct store *st, int64_t scan_id, const char *name,
		     int srv, store_recall_dns_cb cb, void *arg)
{
	struct recalled r[FC_DNS_RECALL_MAX];
	size_t n = 0, i;
	int rc = -1;

	memset(r, 0, sizeof(r));
	if (recall_answers(st, scan_id, name, srv, r, &n) != 0)
		goto out;
	for (i = 0; i < n; i++)
		if (recall_one(st, &r[i], name, cb, arg) != 0)
			goto out;
	rc = (int)n;
out:
	recalled_free(r, FC_DNS_RECALL_MAX);
	return rc;
}
