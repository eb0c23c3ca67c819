/* reader.c: the report's side of the store.
 *
 * Reads go through the same connection as the writer, so they would see a
 * pending batch anyway; each reader still commits it first, so that what
 * the report shows is also what is on disk.
 *
 * The readers prepare their statements per call rather than in
 * store_open(): a report runs them a handful of times, and per-call
 * statements let a callback start another walk without sharing state.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

static const char sql_targets[] =
	"SELECT id, line, domain, type, port, error_kind, error_reason"
	" FROM target WHERE scan_id = ?1 ORDER BY line, id";
static const char sql_targets_slice[] =
	"SELECT id, line, domain, type, port, error_kind, error_reason"
	" FROM target WHERE scan_id = ?1 AND (line > ?2 OR (line = ?2 AND id > ?3))"
	" ORDER BY line, id LIMIT ?4";

/* The order store.h promises: SRV routes first, by priority (lowest
 * first, as a client tries them), weight (heaviest first), host, address,
 * port; then DIR routes (srv_name NULL) by host, address, port. NULL sorts
 * lowest in SQLite: the IS NULL keys put an unknown priority after the
 * known ones, as DESC already does for weight. sni and p.id only make
 * ties deterministic. */
static const char sql_probes[] =
	"SELECT p.id, e.address, e.port, e.sni, tp.via, p.started,"
	" p.connect_ms, p.handshake_ms, p.error_kind, p.error_reason,"
	" p.tls_version, p.cipher, p.verify_code, p.verify_reason,"
	" tp.srv_name, tp.srv_priority, tp.srv_weight, p.chain_presented,"
	" p.cc_requested, p.cc_presented, p.cc_outcome, p.cc_alert,"
	" ps.probe_id, ps.status, ps.reason, ps.server, ps.user_agent,"
	" ps.allow, ps.supported, ps.contact, ps.ms_diagnostics,"
	" ps.ms_diagnostics_public, ps.warning, ps.headers, ps.provisional,"
	" ps.other_call_id, ps.rtt_ms, ps.error, ps.error_reason"
	" FROM target_probe tp"
	" JOIN probe p ON p.id = tp.probe_id"
	" JOIN endpoint e ON e.id = p.endpoint_id"
	" LEFT JOIN probe_sip ps ON ps.probe_id = p.id"
	" WHERE tp.target_id = ?1"
	" ORDER BY tp.srv_name IS NULL, tp.srv_priority IS NULL,"
	" tp.srv_priority, tp.srv_weight DESC,"
	" tp.via, e.address, e.port, e.sni, p.id";

static const char sql_dns[] =
	"SELECT a.id, a.name, a.type, a.rcode, a.source, a.reason"
	" FROM target_dns td JOIN dns_answer a ON a.id = td.answer_id"
	" WHERE td.target_id = ?1 ORDER BY a.id";

static const char sql_dns_records[] =
	"SELECT priority, weight, port, target, address, ttl"
	" FROM dns_record WHERE answer_id = ?1 ORDER BY position";

static const char sql_chain[] =
	"SELECT c.id, c.sha256, c.sha1, c.subject, c.issuer, c.serial,"
	" c.not_before, c.not_after, c.sig_alg, c.key_type, c.key_bits,"
	" c.x509_version, c.der"
	" FROM chain_link l JOIN certificate c ON c.id = l.certificate_id"
	" WHERE l.probe_id = ?1 ORDER BY l.position";

static int prepare(struct store *st, const char *sql, sqlite3_stmt **s)
{
	if (sqlite3_prepare_v2(st->db, sql, -1, s, NULL) == SQLITE_OK)
		return 0;
	store_db_error(st, "cannot prepare a query");
	return -1;
}

/* NULL (did not happen) reads back as the writer's "negative". */
static double col_double_or_neg(sqlite3_stmt *s, int i)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return -1.0;
	return sqlite3_column_double(s, i);
}

/* NULL (unknown, unused) reads back as store.h's -1. */
static int64_t col_int_or_neg(sqlite3_stmt *s, int i)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return -1;
	return sqlite3_column_int64(s, i);
}

static void probe_row_free(struct store_probe_row *p)
{
	size_t i;

	free(p->address);
	free(p->sni);
	free(p->via);
	free(p->srv_name);
	free(p->started);
	free(p->error_kind);
	free(p->error_reason);
	free(p->tls_version);
	free(p->cipher);
	free(p->verify_reason);
	free(p->cc_outcome);
	free(p->cc_alert);
	store_sip_row_free(p->sip);
	p->sip = NULL;
	if (p->shared_facts)
		return;
	for (i = 0; i < p->ca_count; i++)
		free(p->ca_names[i]);
	free(p->ca_names);
	for (i = 0; i < p->chain_len; i++)
		store_cert_row_clear(&p->chain[i]);
	free(p->chain);
}

static void dns_answer_row_free(struct store_dns_answer_row *a)
{
	size_t i;

	free(a->name);
	free(a->type);
	free(a->rcode);
	free(a->source);
	free(a->reason);
	for (i = 0; i < a->count; i++) {
		free(a->records[i].target);
		free(a->records[i].address);
	}
	free(a->records);
}

void store_target_row_clear(struct store_target_row *t)
{
	size_t i;

	free(t->domain);
	free(t->type);
	free(t->error_kind);
	free(t->error_reason);
	for (i = 0; i < t->dns_count; i++)
		dns_answer_row_free(&t->dns[i]);
	free(t->dns);
	for (i = 0; i < t->probe_count; i++)
		probe_row_free(&t->probes[i]);
	free(t->probes);
	memset(t, 0, sizeof(*t));
}

/* Makes room for one more of count items of size elem in arr (cap
 * allocated), doubling. Returns the possibly moved array, or NULL with arr
 * untouched. */
static void *reserve_one(void *arr, size_t count, size_t *cap, size_t elem)
{
	size_t want = *cap != 0 ? *cap * 2 : 4;
	void *bigger;

	if (count < *cap)
		return arr;
	bigger = realloc(arr, want * elem);
	if (bigger != NULL)
		*cap = want;
	return bigger;
}

static int load_chain(struct target_walk *w, struct store_probe_row *p)
{
	sqlite3_stmt *s = w->chain;
	struct store_cert_row *chain;
	struct store_cert_row *c;
	size_t cap = 0;
	int step;

	sqlite3_reset(s);
	sqlite3_bind_int64(s, 1, p->id);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		chain = reserve_one(p->chain, p->chain_len, &cap, sizeof(*c));
		if (chain == NULL)
			goto oom;
		p->chain = chain;
		/* Counted before it is filled, zeroed: a half-filled row is
		 * still freed by probe_row_free(). */
		c = &p->chain[p->chain_len++];
		memset(c, 0, sizeof(*c));
		if (store_fill_cert(s, c) != 0)
			goto oom;
	}
	if (step != SQLITE_DONE) {
		store_db_error(w->st, "cannot read a chain");
		return -1;
	}
	return 0;
oom:
	store_set_error(w->st, "out of memory reading a chain");
	return -1;
}

void store_sip_row_free(struct store_sip_row *x)
{
	if (x == NULL)
		return;
	free(x->reason);
	free(x->server);
	free(x->user_agent);
	free(x->allow);
	free(x->supported);
	free(x->contact);
	free(x->ms_diagnostics);
	free(x->ms_diagnostics_public);
	free(x->warning);
	free(x->headers);
	free(x->error);
	free(x->error_reason);
	free(x);
}

/* The probe_sip columns from column at on: status, reason, server,
 * user_agent, allow, supported, contact, ms_diagnostics,
 * ms_diagnostics_public, warning, headers, provisional, other_call_id,
 * rtt_ms, error, error_reason. NULL with *oom set when memory ran out. */
static struct store_sip_row *fill_sip(sqlite3_stmt *s, int at, int *oom)
{
	struct store_sip_row *x = calloc(1, sizeof(*x));

	if (x == NULL) {
		*oom = 1;
		return NULL;
	}
	x->status = sqlite3_column_int(s, at);
	x->reason = store_col_dup(s, at + 1, oom);
	x->server = store_col_dup(s, at + 2, oom);
	x->user_agent = store_col_dup(s, at + 3, oom);
	x->allow = store_col_dup(s, at + 4, oom);
	x->supported = store_col_dup(s, at + 5, oom);
	x->contact = store_col_dup(s, at + 6, oom);
	x->ms_diagnostics = store_col_dup(s, at + 7, oom);
	x->ms_diagnostics_public = store_col_dup(s, at + 8, oom);
	x->warning = store_col_dup(s, at + 9, oom);
	x->headers = store_col_dup(s, at + 10, oom);
	x->provisional = (unsigned)sqlite3_column_int64(s, at + 11);
	x->other_call_id = (unsigned)sqlite3_column_int64(s, at + 12);
	x->rtt_ms = col_double_or_neg(s, at + 13);
	x->error = store_col_dup(s, at + 14, oom);
	x->error_reason = store_col_dup(s, at + 15, oom);
	return x;
}

static int fill_probe(sqlite3_stmt *s, struct store_probe_row *p)
{
	int oom = 0;

	p->id = sqlite3_column_int64(s, 0);
	p->address = store_col_dup(s, 1, &oom);
	p->port = sqlite3_column_int(s, 2);
	p->sni = store_col_dup(s, 3, &oom);
	p->via = store_col_dup(s, 4, &oom);
	p->started = store_col_dup(s, 5, &oom);
	p->connect_ms = col_double_or_neg(s, 6);
	p->handshake_ms = col_double_or_neg(s, 7);
	p->error_kind = store_col_dup(s, 8, &oom);
	p->error_reason = store_col_dup(s, 9, &oom);
	p->tls_version = store_col_dup(s, 10, &oom);
	p->cipher = store_col_dup(s, 11, &oom);
	p->verify_code = sqlite3_column_type(s, 12) == SQLITE_NULL
				 ? -1
				 : (long)sqlite3_column_int64(s, 12);
	p->verify_reason = store_col_dup(s, 13, &oom);
	p->srv_name = store_col_dup(s, 14, &oom);
	p->srv_priority = (int)col_int_or_neg(s, 15);
	p->srv_weight = (int)col_int_or_neg(s, 16);
	p->chain_presented = sqlite3_column_type(s, 17) == SQLITE_NULL ? 0 :
			     (size_t)sqlite3_column_int64(s, 17);
	p->cc_requested = sqlite3_column_int(s, 18) != 0;
	p->cc_presented = sqlite3_column_int(s, 19) != 0;
	p->cc_outcome = store_col_dup(s, 20, &oom);
	p->cc_alert = store_col_dup(s, 21, &oom);
	if (!oom && sqlite3_column_type(s, 22) != SQLITE_NULL)
		p->sip = fill_sip(s, 23, &oom);
	return oom ? -1 : 0;
}

/* ---- A probe's chain and CA names, read once per walk ------------------ */

#define WALK_FACTS_SLOTS (2 * STORE_WALK_PROBES_MAX)

/* The slot of probe id, or the free one where it goes. */
static struct walk_probe_facts *walk_facts_slot(struct target_walk *w,
						int64_t id)
{
	size_t i = (size_t)(((uint64_t)id * 0x9E3779B97F4A7C15ull) >> 20) %
		   WALK_FACTS_SLOTS;

	for (;; i = (i + 1) % WALK_FACTS_SLOTS)
		if (w->facts[i].probe_id == 0 || w->facts[i].probe_id == id)
			return &w->facts[i];
}

static void walk_facts_free(struct target_walk *w)
{
	struct store_probe_row p;
	size_t i;

	if (w->facts == NULL)
		return;
	for (i = 0; i < WALK_FACTS_SLOTS; i++) {
		if (w->facts[i].probe_id == 0)
			continue;
		memset(&p, 0, sizeof(p));
		p.chain = w->facts[i].chain;
		p.chain_len = w->facts[i].chain_len;
		p.ca_names = w->facts[i].ca_names;
		p.ca_count = w->facts[i].ca_count;
		probe_row_free(&p);
	}
	free(w->facts);
	w->facts = NULL;
}

/* p's chain and acceptable CA names: those the walk read for an earlier
 * target that reaches the same probe, or read now and kept for the next
 * (the row then borrows them: shared_facts). */
static int load_probe_facts(struct target_walk *w, struct store_probe_row *p)
{
	struct walk_probe_facts *f = NULL;

	if (w->facts != NULL && p->id > 0) {
		f = walk_facts_slot(w, p->id);
		if (f->probe_id != 0) {
			p->chain = f->chain;
			p->chain_len = f->chain_len;
			p->ca_names = f->ca_names;
			p->ca_count = f->ca_count;
			p->shared_facts = 1;
			return 0;
		}
	}
	if (load_chain(w, p) != 0 || store_load_ca_names(w, p) != 0)
		return -1;
	if (f == NULL || w->nfacts >= STORE_WALK_PROBES_MAX)
		return 0;
	*f = (struct walk_probe_facts){ p->id, p->chain, p->chain_len,
					p->ca_names, p->ca_count };
	w->nfacts++;
	p->shared_facts = 1;
	return 0;
}

static int load_probes(struct target_walk *w, struct store_target_row *t)
{
	sqlite3_stmt *s = w->probes;
	struct store_probe_row *probes;
	struct store_probe_row *p;
	size_t cap = 0;
	int step;

	sqlite3_reset(s);
	sqlite3_bind_int64(s, 1, t->id);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		probes = reserve_one(t->probes, t->probe_count, &cap,
				     sizeof(*p));
		if (probes == NULL) {
			store_set_error(w->st, "out of memory reading a probe");
			return -1;
		}
		t->probes = probes;
		p = &t->probes[t->probe_count++]; /* as in load_chain() */
		memset(p, 0, sizeof(*p));
		if (fill_probe(s, p) != 0) {
			store_set_error(w->st, "out of memory reading a probe");
			return -1;
		}
		if (load_probe_facts(w, p) != 0)
			return -1;
	}
	if (step != SQLITE_DONE) {
		store_db_error(w->st, "cannot read the probes");
		return -1;
	}
	return 0;
}

static int fill_dns_record(sqlite3_stmt *s, struct store_dns_record_row *r)
{
	int oom = 0;

	r->priority = (int)col_int_or_neg(s, 0);
	r->weight = (int)col_int_or_neg(s, 1);
	r->port = (int)col_int_or_neg(s, 2);
	r->target = store_col_dup(s, 3, &oom);
	r->address = store_col_dup(s, 4, &oom);
	r->ttl = (long)col_int_or_neg(s, 5);
	return oom ? -1 : 0;
}

static int load_dns_records(struct target_walk *w,
			    struct store_dns_answer_row *a)
{
	sqlite3_stmt *s = w->records;
	struct store_dns_record_row *records;
	struct store_dns_record_row *r;
	size_t cap = 0;
	int step;

	sqlite3_reset(s);
	sqlite3_bind_int64(s, 1, a->id);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		records = reserve_one(a->records, a->count, &cap, sizeof(*r));
		if (records == NULL)
			goto oom;
		a->records = records;
		r = &a->records[a->count++]; /* as in load_chain() */
		memset(r, 0, sizeof(*r));
		if (fill_dns_record(s, r) != 0)
			goto oom;
	}
	if (step != SQLITE_DONE) {
		store_db_error(w->st, "cannot read the DNS records");
		return -1;
	}
	return 0;
oom:
	store_set_error(w->st, "out of memory reading DNS records");
	return -1;
}

static int fill_dns_answer(sqlite3_stmt *s, struct store_dns_answer_row *a)
{
	int oom = 0;

	a->id = sqlite3_column_int64(s, 0);
	a->name = store_col_dup(s, 1, &oom);
	a->type = store_col_dup(s, 2, &oom);
	a->rcode = store_col_dup(s, 3, &oom);
	a->source = store_col_dup(s, 4, &oom);
	a->reason = store_col_dup(s, 5, &oom);
	return oom ? -1 : 0;
}

static int load_dns(struct target_walk *w, struct store_target_row *t)
{
	sqlite3_stmt *s = w->dns;
	struct store_dns_answer_row *dns;
	struct store_dns_answer_row *a;
	size_t cap = 0;
	int step;

	sqlite3_reset(s);
	sqlite3_bind_int64(s, 1, t->id);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		dns = reserve_one(t->dns, t->dns_count, &cap, sizeof(*a));
		if (dns == NULL)
			goto oom;
		t->dns = dns;
		a = &t->dns[t->dns_count++]; /* as in load_chain() */
		memset(a, 0, sizeof(*a));
		if (fill_dns_answer(s, a) != 0)
			goto oom;
		if (load_dns_records(w, a) != 0)
			return -1;
	}
	if (step != SQLITE_DONE) {
		store_db_error(w->st, "cannot read the DNS answers");
		return -1;
	}
	return 0;
oom:
	store_set_error(w->st, "out of memory reading DNS answers");
	return -1;
}

int store_walk_load(struct target_walk *w, struct store_target_row *t)
{
	sqlite3_stmt *s = w->targets;
	int oom = 0;

	t->id = sqlite3_column_int64(s, 0);
	t->line = (long)sqlite3_column_int64(s, 1);
	t->domain = store_col_dup(s, 2, &oom);
	t->type = store_col_dup(s, 3, &oom);
	t->port = sqlite3_column_int(s, 4);
	t->error_kind = store_col_dup(s, 5, &oom);
	t->error_reason = store_col_dup(s, 6, &oom);
	if (oom) {
		store_set_error(w->st, "out of memory reading a target");
		return -1;
	}
	if (load_dns(w, t) != 0)
		return -1;
	return load_probes(w, t);
}

int store_walk_open(struct store *st, struct target_walk *w,
		    const char *targets_sql)
{
	memset(w, 0, sizeof(*w));
	w->st = st;
	/* Without room for them, each row reads its own. */
	w->facts = calloc(WALK_FACTS_SLOTS, sizeof(*w->facts));
	if (store_flush(st) == 0 && prepare(st, targets_sql, &w->targets) == 0 &&
	    prepare(st, sql_probes, &w->probes) == 0 &&
	    prepare(st, sql_chain, &w->chain) == 0 &&
	    prepare(st, sql_dns, &w->dns) == 0 &&
	    prepare(st, sql_dns_records, &w->records) == 0 &&
	    prepare(st, store_sql_ca_names, &w->ca_names) == 0)
		return 0;
	store_walk_close(w);
	return -1;
}

void store_walk_close(struct target_walk *w)
{
	sqlite3_finalize(w->targets);
	sqlite3_finalize(w->probes);
	sqlite3_finalize(w->chain);
	sqlite3_finalize(w->dns);
	sqlite3_finalize(w->records);
	sqlite3_finalize(w->ca_names);
	walk_facts_free(w);
	memset(w, 0, sizeof(*w));
}

/* The walk of store_each_target() and store_each_target_slice(): pos
 * NULL for every target, else at most limit after pos (moved along);
 * *given counts the targets handed to cb. */
static int each_target(struct store *st, int64_t scan_id,
		       struct store_walk_pos *pos, long limit,
		       store_target_cb cb, void *arg, long *given)
{
	struct target_walk w;
	struct store_target_row t;
	int step;
	int rc = -1;

	*given = 0;
	memset(&t, 0, sizeof(t));
	if (store_walk_open(st, &w, pos ? sql_targets_slice : sql_targets) != 0)
		return -1;
	sqlite3_bind_int64(w.targets, 1, scan_id);
	if (pos) {
		sqlite3_bind_int64(w.targets, 2, pos->line);
		sqlite3_bind_int64(w.targets, 3, pos->id);
		sqlite3_bind_int64(w.targets, 4, limit);
	}
	for (;;) {
		step = sqlite3_step(w.targets);
		if (step == SQLITE_DONE)
			break;
		if (step != SQLITE_ROW) {
			store_db_error(st, "cannot read the targets");
			goto out;
		}
		if (store_walk_load(&w, &t) != 0)
			goto out;
		if (pos) {
			pos->line = t.line;
			pos->id = t.id;
		}
		(*given)++;
		rc = cb(&t, arg);
		/* Only one target in memory at a time, whatever the scan's
		 * size: its strings die with the callback (the chains it
		 * shares stay with the walk, bounded). */
		store_target_row_clear(&t);
		if (rc != 0)
			goto out;
		rc = -1;
	}
	rc = 0;
out:
	store_target_row_clear(&t);
	store_walk_close(&w);
	return rc;
}

int store_each_target(struct store *st, int64_t scan_id, store_target_cb cb,
		      void *arg)
{
	long given;

	return each_target(st, scan_id, NULL, 0, cb, arg, &given);
}

int store_each_target_slice(struct store *st, int64_t scan_id,
			    struct store_walk_pos *pos, long limit,
			    store_target_cb cb, void *arg, int *more)
{
	long given;
	int rc = each_target(st, scan_id, pos, limit, cb, arg, &given);

	*more = rc == 0 && given == limit;
	return rc;
}

int store_each_input_error(struct store *st, int64_t scan_id,
			   store_input_error_cb cb, void *arg)
{
	sqlite3_stmt *s = NULL;
	struct store_input_error_row e = { 0, NULL, NULL };
	int oom = 0;
	int step;
	int rc = -1;

	if (store_flush(st) != 0 ||
	    prepare(st, "SELECT line, reason, raw FROM input_error"
			" WHERE scan_id = ?1 ORDER BY line, id", &s) != 0)
		goto out;
	sqlite3_bind_int64(s, 1, scan_id);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		e.line = (long)sqlite3_column_int64(s, 0);
		e.reason = store_col_dup(s, 1, &oom);
		e.raw = store_col_dup(s, 2, &oom);
		if (oom) {
			store_set_error(st, "out of memory reading input errors");
			goto out;
		}
		rc = cb(&e, arg);
		free(e.reason);
		free(e.raw);
		e.reason = e.raw = NULL;
		if (rc != 0)
			goto out;
		rc = -1;
	}
	if (step != SQLITE_DONE) {
		store_db_error(st, "cannot read the input errors");
		goto out;
	}
	rc = 0;
out:
	free(e.reason);
	free(e.raw);
	sqlite3_finalize(s);
	return rc;
}

int store_scan_latest(struct store *st, int64_t *scan_id)
{
	sqlite3_stmt *s = NULL;
	int rc = -1;

	*scan_id = 0;
	if (store_flush(st) != 0 ||
	    prepare(st, "SELECT max(id) FROM scan", &s) != 0)
		goto out;
	if (sqlite3_step(s) != SQLITE_ROW) {
		store_db_error(st, "cannot read the scans");
		goto out;
	}
	*scan_id = sqlite3_column_int64(s, 0); /* NULL, no scan: 0 */
	rc = 0;
out:
	sqlite3_finalize(s);
	return rc;
}

int store_scan_get(struct store *st, int64_t scan_id,
		   struct store_scan_row *out)
{
	sqlite3_stmt *s = NULL;
	int oom = 0;
	int step;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (store_flush(st) != 0 ||
	    prepare(st, "SELECT started, finished, status, input, options,"
			" version FROM scan WHERE id = ?1", &s) != 0)
		goto out;
	sqlite3_bind_int64(s, 1, scan_id);
	step = sqlite3_step(s);
	if (step == SQLITE_DONE) {
		store_set_error(st, "no scan %lld", (long long)scan_id);
		goto out;
	}
	if (step != SQLITE_ROW) {
		store_db_error(st, "cannot read the scan");
		goto out;
	}
	out->id = scan_id;
	out->started = store_col_dup(s, 0, &oom);
	out->finished = store_col_dup(s, 1, &oom);
	out->status = store_col_dup(s, 2, &oom);
	out->input = store_col_dup(s, 3, &oom);
	out->options = store_col_dup(s, 4, &oom);
	out->version = store_col_dup(s, 5, &oom);
	if (oom) {
		store_set_error(st, "out of memory reading the scan");
		store_scan_row_free(out);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	return rc;
}

void store_scan_row_free(struct store_scan_row *row)
{
	if (row == NULL)
		return;
	free(row->started);
	free(row->finished);
	free(row->status);
	free(row->input);
	free(row->options);
	free(row->version);
	memset(row, 0, sizeof(*row));
}
