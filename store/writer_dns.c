/* writer_dns.c: the scanner's DNS facts, beside writer.c.
 *
 * An answer is stored as the resolver gave it, records in answer order,
 * whatever the scanner then did with it: the report can tell "the SRV
 * lookup failed" from "the SRV target had no address" from "the service
 * is decidedly not available" (a "." target) only if all of it is kept.
 * Statements and bind helpers are writer.c's (store_int.h).
 */
#include <string.h>

#include "store/store_int.h"

/* The closed sets of store.h. A value outside them is a caller's bug and
 * is refused, so that a report's "rcode = 'NXDOMAIN'" finds every one. */
static const char *const dns_types[] = { "SRV", "A", "AAAA", NULL };
static const char *const dns_rcodes[] = {
	"NOERROR", "NXDOMAIN", "SERVFAIL", "REFUSED", "FORMERR", "NOTIMP",
	"TIMEOUT", "ERROR", NULL
};
static const char *const dns_sources[] = { "dns", "hosts", NULL };

static int is_one_of(const char *v, const char *const *set)
{
	size_t i;

	for (i = 0; v != NULL && set[i] != NULL; i++) {
		if (strcmp(v, set[i]) == 0)
			return 1;
	}
	return 0;
}

/* The scanner's own bound, and what a record of this type cannot be
 * without. */
static int check_records(struct store *st, const struct store_dns_answer *a)
{
	int is_srv = strcmp(a->type, "SRV") == 0;
	const struct store_dns_record *r;
	size_t i;

	if (a->count > FC_DNS_RECORDS_MAX ||
	    (a->count > 0 && a->records == NULL)) {
		store_set_error(st, "store_dns_answer_add: bad records (%zu,"
				" at most %d)", a->count, FC_DNS_RECORDS_MAX);
		return -1;
	}
	for (i = 0; i < a->count; i++) {
		r = &a->records[i];
		if (is_srv ? r->target == NULL : r->address == NULL) {
			store_set_error(st, "store_dns_answer_add: %s record %zu"
					" of %s has no %s", a->type, i, a->name,
					is_srv ? "target" : "address");
			return -1;
		}
	}
	return 0;
}

static int check_answer(struct store *st, const struct store_dns_answer *a)
{
	if (a == NULL || a->name == NULL) {
		store_set_error(st, "store_dns_answer_add: no question name");
		return -1;
	}
	if (!is_one_of(a->type, dns_types) || !is_one_of(a->rcode, dns_rcodes) ||
	    !is_one_of(a->source, dns_sources)) {
		store_set_error(st, "store_dns_answer_add: %s: bad type, rcode"
				" or source (\"%s\", \"%s\", \"%s\")", a->name,
				a->type != NULL ? a->type : "(null)",
				a->rcode != NULL ? a->rcode : "(null)",
				a->source != NULL ? a->source : "(null)");
		return -1;
	}
	return check_records(st, a);
}

static int insert_answer(struct store *st, int64_t scan_id,
			 const struct store_dns_answer *a, int64_t *id)
{
	const char *what = "cannot record the DNS answer";
	sqlite3_stmt *s = store_stmt(st, STMT_DNS_ANSWER_ADD);
	int binds;

	binds = sqlite3_bind_int64(s, 1, scan_id) |
		store_bind_text(s, 2, a->name) |
		store_bind_text(s, 3, a->type) |
		store_bind_text(s, 4, a->rcode) |
		store_bind_text(s, 5, a->source) |
		store_bind_text(s, 6, a->reason);
	if (store_bind_check(st, binds, what) != 0 ||
	    store_step_done(st, s, what) != 0)
		return -1;
	*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

/* -1 (unused, or a TTL c-ares or the hosts file did not give) is NULL. */
static int insert_records(struct store *st, int64_t answer_id,
			  const struct store_dns_answer *a)
{
	const char *what = "cannot record the DNS records";
	const struct store_dns_record *r;
	sqlite3_stmt *s;
	int binds;
	size_t i;

	for (i = 0; i < a->count; i++) {
		r = &a->records[i];
		s = store_stmt(st, STMT_DNS_RECORD_ADD);
		binds = sqlite3_bind_int64(s, 1, answer_id) |
			sqlite3_bind_int64(s, 2, (int64_t)i) |
			store_bind_nonneg(s, 3, r->priority) |
			store_bind_nonneg(s, 4, r->weight) |
			store_bind_nonneg(s, 5, r->port) |
			store_bind_text(s, 6, r->target) |
			store_bind_text(s, 7, r->address) |
			store_bind_nonneg(s, 8, r->ttl);
		if (store_bind_check(st, binds, what) != 0 ||
		    store_step_done(st, s, what) != 0)
			return -1;
	}
	return 0;
}

int store_dns_answer_add(struct store *st, int64_t scan_id,
			 const struct store_dns_answer *a, int64_t *answer_id)
{
	int64_t id = 0;
	int in_savepoint = 0;
	int rc = -1;

	if (check_answer(st, a) != 0 || store_batch_begin(st) != 0)
		goto out;
	/* The answer and its records are one write, like a probe. */
	if (store_savepoint_begin(st, "cannot start the DNS answer") != 0)
		goto out;
	in_savepoint = 1;
	if (insert_answer(st, scan_id, a, &id) != 0 ||
	    insert_records(st, id, a) != 0 ||
	    store_savepoint_release(st, "cannot finish the DNS answer") != 0)
		goto out;
	in_savepoint = 0;
	if (answer_id != NULL)
		*answer_id = id;
	rc = store_batch_wrote(st);
out:
	if (in_savepoint)
		store_savepoint_undo(st);
	return rc;
}

int store_target_dns_link(struct store *st, int64_t target_id,
			  int64_t answer_id)
{
	const char *what = "cannot link the target to the DNS answer";
	sqlite3_stmt *s;
	int binds;
	int rc = -1;

	if (store_batch_begin(st) != 0)
		goto out;
	s = store_stmt(st, STMT_TARGET_DNS_ADD);
	binds = sqlite3_bind_int64(s, 1, target_id) |
		sqlite3_bind_int64(s, 2, answer_id);
	if (store_bind_check(st, binds, what) != 0 ||
	    store_step_done(st, s, what) != 0)
		goto out;
	rc = store_batch_wrote(st);
out:
	return rc;
}
