/* test_dns.c: the store's DNS facts and routes, against real
 * SQLite files.
 *
 * Answers go in through store.h and come back through store_each_target();
 * what is on disk is checked with a second, plain sqlite3 connection, the
 * way a user of SCHEMA.md's queries would see it.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "fedcert_limits.h"
#include "store/store.h"

#include "support/store_fixture.h"

static const struct store_scan_info scan_info = {
	"targets.csv", "--timeout 10", FEDCERT_VERSION
};

static int64_t begin_scan(struct store *st)
{
	int64_t scan = 0;

	assert_int_equal(store_scan_begin(st, &scan_info, &scan), 0);
	assert_true(scan > 0);
	return scan;
}

static int64_t add_target(struct store *st, int64_t scan, long line,
			  const char *domain, const char *type)
{
	struct store_target t = { line, domain, type, 5061 };
	int64_t id = 0;

	assert_int_equal(store_target_add(st, scan, &t, &id), 0);
	assert_true(id > 0);
	return id;
}

static int64_t add_answer(struct store *st, int64_t scan,
			  const struct store_dns_answer *a)
{
	int64_t id = 0;

	if (store_dns_answer_add(st, scan, a, &id) != 0)
		fail_msg("store_dns_answer_add: %s", store_errmsg(st));
	assert_true(id > 0);
	return id;
}

/* A probe that connected and got no chain: the route is what is tested. */
static int64_t add_probe(struct store *st, int64_t scan, const char *address,
			 int port)
{
	struct store_probe p = {
		.address = address, .port = port, .sni = "sip.example.com",
		.started_ms = INT64_C(1764063780000), .connect_ms = 1.0,
		.handshake_ms = -1, .error_kind = FAIL_TIMEOUT,
		.error_reason = "handshake timed out", .verify_code = -1,
	};
	int64_t id = 0;

	if (store_probe_add(st, scan, &p, &id) != 0)
		fail_msg("store_probe_add: %s", store_errmsg(st));
	assert_true(id > 0);
	return id;
}

static void link_ok(struct store *st, int64_t target, int64_t probe,
		    const char *srv_name, const char *host, int prio, int weight)
{
	struct store_route r = { srv_name, host, prio, weight };

	if (store_target_probe_link(st, target, probe, &r) != 0)
		fail_msg("store_target_probe_link: %s", store_errmsg(st));
}

/* store_each_target() with a per-test check on each target. */
struct walk {
	int targets;
	int (*check)(const struct store_target_row *t, struct walk *w);
	void *data;
};

static int walk_cb(const struct store_target_row *t, void *arg)
{
	struct walk *w = arg;

	w->targets++;
	return w->check(t, w);
}

static void walk_scan(struct store *st, int64_t scan, struct walk *w)
{
	if (store_each_target(st, scan, walk_cb, w) != 0)
		fail_msg("store_each_target: %s", store_errmsg(st));
}

/* ---- Answers ----------------------------------------------------------- */

#define SRV_NAME "_sipfederationtls._tcp.example.com"

static const struct store_dns_record srv_records[] = {
	{ 10, 60, 5061, "sip1.example.com", NULL, -1 },
	{ 20, 0, 5062, "sip2.example.com", NULL, -1 },
	{ 0, 0, 0, ".", NULL, -1 },
};
static const struct store_dns_record a_records[] = {
	{ -1, -1, -1, NULL, "192.0.2.10", 300 },
	{ -1, -1, -1, NULL, "192.0.2.11", 86400 },
};
static const struct store_dns_record hosts_records[] = {
	{ -1, -1, -1, NULL, "2001:db8::5", -1 },
};
static const struct store_dns_answer answers[] = {
	{ SRV_NAME, "SRV", "NOERROR", "dns", NULL, 3, srv_records },
	{ "sip1.example.com", "A", "NOERROR", "dns", NULL, 2, a_records },
	{ "_sip._tls.example.com", "SRV", "NXDOMAIN", "dns",
	  "Domain name not found", 0, NULL },
	{ "sip2.example.com", "AAAA", "NOERROR", "hosts", NULL, 1,
	  hosts_records },
};
#define ANSWER_COUNT (sizeof(answers) / sizeof(answers[0]))

static void assert_record(const struct store_dns_record_row *got,
			  const struct store_dns_record *want)
{
	assert_int_equal(got->priority, want->priority);
	assert_int_equal(got->weight, want->weight);
	assert_int_equal(got->port, want->port);
	assert_int_equal(got->ttl, want->ttl);
	if (want->target == NULL)
		assert_null(got->target);
	else
		assert_string_equal(got->target, want->target);
	if (want->address == NULL)
		assert_null(got->address);
	else
		assert_string_equal(got->address, want->address);
}

static void assert_answer(const struct store_dns_answer_row *got,
			  const struct store_dns_answer *want)
{
	size_t i;

	assert_string_equal(got->name, want->name);
	assert_string_equal(got->type, want->type);
	assert_string_equal(got->rcode, want->rcode);
	assert_string_equal(got->source, want->source);
	if (want->reason == NULL)
		assert_null(got->reason);
	else
		assert_string_equal(got->reason, want->reason);
	assert_int_equal(got->count, want->count);
	if (want->count == 0)
		assert_null(got->records);
	for (i = 0; i < want->count; i++)
		assert_record(&got->records[i], &want->records[i]);
}

/* data: the answer ids, in the order they were stored. */
static int check_answers(const struct store_target_row *t, struct walk *w)
{
	const int64_t *ids = w->data;
	size_t i;

	if (t->line == 2) { /* linked to nothing */
		assert_int_equal(t->dns_count, 0);
		assert_null(t->dns);
		return 0;
	}
	assert_int_equal(t->line, 1);
	assert_int_equal(t->dns_count, ANSWER_COUNT);
	assert_int_equal(t->probe_count, 0);
	for (i = 0; i < ANSWER_COUNT; i++) {
		assert_int_equal(t->dns[i].id, ids[i]);
		assert_answer(&t->dns[i], &answers[i]);
	}
	return 0;
}

static void test_answer_roundtrip(void **state)
{
	struct fixture *fx = *state;
	struct store *st = open_ok(fx->path);
	struct walk w = { 0, check_answers, NULL };
	int64_t ids[ANSWER_COUNT];
	int64_t scan = begin_scan(st), target;
	size_t i;

	target = add_target(st, scan, 1, "example.com", "FED");
	add_target(st, scan, 2, "other.example", "FED");
	for (i = 0; i < ANSWER_COUNT; i++)
		ids[i] = add_answer(st, scan, &answers[i]);
	/* Linked in another order than stored: the reader orders by id. */
	for (i = ANSWER_COUNT; i-- > 0;)
		assert_int_equal(store_target_dns_link(st, target, ids[i]), 0);
	store_close(st);

	st = open_ok(fx->path);
	w.data = ids;
	walk_scan(st, scan, &w);
	assert_int_equal(w.targets, 2);
	store_close(st);

	/* Unknown and unused numbers are NULL on disk, not -1. */
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM dns_record"), 6);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM dns_record"
		" WHERE ttl IS NULL"), 4);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM dns_record"
		" WHERE priority IS NULL AND weight IS NULL AND port IS NULL"
		" AND target IS NULL"), 3);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM dns_record"
		" WHERE address IS NULL AND priority = 0 AND weight = 0"
		" AND port = 0 AND target = '.' AND position = 2"), 1);
	assert_int_equal(query_int(fx->path, "SELECT ttl FROM dns_record"
		" WHERE address = '192.0.2.11'"), 86400);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM dns_answer"
		" WHERE rcode = 'NXDOMAIN' AND reason = 'Domain name not found'"
		" AND NOT EXISTS (SELECT 1 FROM dns_record"
		"  WHERE answer_id = dns_answer.id)"), 1);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM dns_answer"
		" WHERE source = 'hosts' AND reason IS NULL"), 1);
}

/* data: the shared answer's id. */
static int check_shared(const struct store_target_row *t, struct walk *w)
{
	assert_int_equal(t->dns_count, 1);
	assert_int_equal(t->dns[0].id, *(const int64_t *)w->data);
	assert_answer(&t->dns[0], &answers[0]);
	return 0;
}

static void test_answer_shared(void **state)
{
	struct fixture *fx = *state;
	struct store *st = open_ok(fx->path);
	struct walk w = { 0, check_shared, NULL };
	int64_t scan = begin_scan(st), a, b, answer;

	/* Two partners on one hosted pool: one question, asked once. */
	a = add_target(st, scan, 1, "example.com", "FED");
	b = add_target(st, scan, 2, "example.com", "FED");
	answer = add_answer(st, scan, &answers[0]);
	assert_int_equal(store_target_dns_link(st, a, answer), 0);
	assert_int_equal(store_target_dns_link(st, b, answer), 0);
	assert_int_equal(store_target_dns_link(st, a, answer), 0); /* again */
	assert_int_equal(store_flush(st), 0);

	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM dns_answer"), 1);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM dns_record"), 3);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM target_dns"), 2);
	w.data = &answer;
	walk_scan(st, scan, &w);
	assert_int_equal(w.targets, 2);
	store_close(st);
}

static const struct store_dns_record boom_records[] = {
	{ 10, 60, 5061, "sip1.example.com", NULL, -1 },
	{ 10, 60, 5061, "sip2.example.com", NULL, -1 },
	{ 10, 60, 5061, "boom.example.com", NULL, -1 },
};

static void test_answer_refused(void **state)
{
	struct fixture *fx = *state;
	struct store *st;
	struct store_dns_answer bad = answers[0];
	struct store_dns_record no_target = srv_records[0];
	int64_t scan, target, id = 0;

	store_close(open_ok(fx->path));
	exec_sql(fx->path, "CREATE TRIGGER boom BEFORE INSERT ON dns_record"
		 " WHEN NEW.target = 'boom.example.com'"
		 " BEGIN SELECT RAISE(ABORT, 'injected'); END;");
	st = open_ok(fx->path);
	scan = begin_scan(st);
	target = add_target(st, scan, 1, "example.com", "FED");
	bad.rcode = "NODATA"; /* not one of store.h's names */
	assert_int_equal(store_dns_answer_add(st, scan, &bad, &id), -1);
	assert_non_null(strstr(store_errmsg(st), "NODATA"));
	bad = answers[1];
	bad.source = "cache";
	assert_int_equal(store_dns_answer_add(st, scan, &bad, &id), -1);
	bad = answers[0];
	bad.records = NULL;
	assert_int_equal(store_dns_answer_add(st, scan, &bad, &id), -1);
	bad.records = srv_records; /* not read: the count is refused first */
	bad.count = FC_DNS_RECORDS_MAX + 1;
	assert_int_equal(store_dns_answer_add(st, scan, &bad, &id), -1);
	assert_non_null(strstr(store_errmsg(st), "bad records"));
	no_target.target = NULL;
	bad.records = &no_target;
	bad.count = 1;
	assert_int_equal(store_dns_answer_add(st, scan, &bad, &id), -1);
	assert_non_null(strstr(store_errmsg(st), "has no target"));
	bad = answers[1];
	bad.records = &srv_records[0]; /* an A record with no address */
	bad.count = 1;
	assert_int_equal(store_dns_answer_add(st, scan, &bad, &id), -1);
	assert_non_null(strstr(store_errmsg(st), "A record 0 of sip1.example.com"
			       " has no address"));
	assert_int_equal(store_dns_answer_add(st, scan, NULL, &id), -1);

	/* A record that fails half-way (the trigger is the seam: SQLite's
	 * own way to make an insert fail) takes its answer and the records
	 * before it along; the batch around it survives. */
	bad = answers[0];
	bad.records = boom_records;
	assert_int_equal(store_dns_answer_add(st, scan, &bad, &id), -1);
	assert_non_null(strstr(store_errmsg(st), "injected"));
	/* A missing scan fails on the answer row itself. */
	assert_int_equal(store_dns_answer_add(st, scan + 100, &answers[0], &id),
			 -1);
	assert_non_null(strstr(store_errmsg(st), "FOREIGN KEY"));
	assert_int_equal(store_target_dns_link(st, target, 999), -1);
	assert_non_null(strstr(store_errmsg(st), "FOREIGN KEY"));
	assert_int_equal(store_flush(st), 0);
	assert_int_equal(id, 0);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM dns_answer"), 0);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM dns_record"), 0);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM target"), 1);
	store_close(st);
}

static void test_answer_is_one_write(void **state)
{
	struct fixture *fx = *state;
	const char *count = "SELECT count(*) FROM dns_answer";
	struct store *st = open_ok(fx->path);
	int64_t scan = begin_scan(st);
	int i;

	/* Three records each, yet the batch fills after FC_BATCH_MAX
	 * answers, not FC_BATCH_MAX rows. */
	for (i = 0; i < FC_BATCH_MAX; i++) {
		add_answer(st, scan, &answers[0]);
		if (i == FC_BATCH_MAX - 2)
			assert_int_equal(query_int(fx->path, count), 0);
	}
	assert_int_equal(query_int(fx->path, count), FC_BATCH_MAX);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM dns_record"),
			 3 * FC_BATCH_MAX);
	store_close(st);
}

static void test_answer_cascade(void **state)
{
	struct fixture *fx = *state;
	struct store *st = open_ok(fx->path);
	int64_t scan = begin_scan(st), keep = begin_scan(st), target;

	target = add_target(st, scan, 1, "example.com", "FED");
	assert_int_equal(store_target_dns_link(st, target,
		add_answer(st, scan, &answers[0])), 0);
	add_answer(st, keep, &answers[1]);
	store_close(st);

	/* SCHEMA.md's "keep only the latest scan" must take DNS facts too. */
	exec_sql(fx->path, "PRAGMA foreign_keys = ON;"
			   "DELETE FROM scan WHERE id < (SELECT max(id) FROM scan);");
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM target_dns"), 0);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM dns_answer"), 1);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM dns_record"), 2);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM dns_record r"
		" JOIN dns_answer a ON a.id = r.answer_id AND a.scan_id = 2"), 2);
}

/* ---- Routes and probe order -------------------------------------------- */

struct want_probe {
	const char *srv_name; /* NULL: a DIR route */
	int priority, weight;
	const char *via;
	const char *address;
	int port;
};

/* What store.h promises: priority ascending, weight descending, host,
 * address, port. Where store.h is silent: an SRV route of unknown priority
 * after the known ones, and a DIR route (a fallback, say) after every SRV
 * one. The probes are added in another order (see test_probe_order). */
static const struct want_probe srv_order[] = {
	{ SRV_NAME, 10, 60, "a.example.com", "192.0.2.9", 5061 },
	{ SRV_NAME, 10, 60, "c.example.com", "192.0.2.0", 5061 },
	{ SRV_NAME, 10, 60, "c.example.com", "192.0.2.0", 5062 },
	{ SRV_NAME, 10, 60, "c.example.com", "192.0.2.3", 5061 },
	{ SRV_NAME, 10, 5, "b.example.com", "192.0.2.2", 5061 },
	{ SRV_NAME, 20, 60, "a.example.com", "192.0.2.1", 5061 },
	{ SRV_NAME, -1, -1, "sip.example.com", "192.0.2.7", 5061 },
	{ NULL, -1, -1, "example.com", "192.0.2.8", 5061 },
};
#define SRV_ORDER_COUNT (sizeof(srv_order) / sizeof(srv_order[0]))

/* DIR routes: host, then address, then port. */
static const struct want_probe dir_order[] = {
	{ NULL, -1, -1, "a.example.net", "198.51.100.4", 5061 },
	{ NULL, -1, -1, "a.example.net", "198.51.100.5", 5061 },
	{ NULL, -1, -1, "b.example.net", "198.51.100.1", 5061 },
};
#define DIR_ORDER_COUNT (sizeof(dir_order) / sizeof(dir_order[0]))

static void assert_route(const struct store_probe_row *p,
			 const struct want_probe *want)
{
	assert_string_equal(p->via, want->via);
	assert_string_equal(p->address, want->address);
	assert_int_equal(p->port, want->port);
	assert_int_equal(p->srv_priority, want->priority);
	assert_int_equal(p->srv_weight, want->weight);
	if (want->srv_name == NULL)
		assert_null(p->srv_name);
	else
		assert_string_equal(p->srv_name, want->srv_name);
}

static int check_order(const struct store_target_row *t, struct walk *w)
{
	const struct want_probe *want = t->line == 1 ? srv_order : dir_order;
	size_t n = t->line == 1 ? SRV_ORDER_COUNT : DIR_ORDER_COUNT;
	size_t i;

	(void)w;
	assert_int_equal(t->probe_count, n);
	for (i = 0; i < n; i++)
		assert_route(&t->probes[i], &want[i]);
	return 0;
}

static void link_want(struct store *st, int64_t scan, int64_t target,
		      const struct want_probe *p)
{
	/* A zero-initialised DIR route: srv_name NULL decides, the zeros
	 * must not be stored as priority 0. */
	int prio = p->srv_name != NULL ? p->priority : 0;
	int weight = p->srv_name != NULL ? p->weight : 0;

	link_ok(st, target, add_probe(st, scan, p->address, p->port),
		p->srv_name, p->via, prio, weight);
}

static void test_probe_order(void **state)
{
	static const int srv_added[] = { 7, 5, 6, 4, 2, 3, 0, 1 };
	static const int dir_added[] = { 2, 1, 0 };
	struct fixture *fx = *state;
	struct store *st = open_ok(fx->path);
	struct walk w = { 0, check_order, NULL };
	int64_t scan = begin_scan(st), fed, dir;
	size_t i;

	fed = add_target(st, scan, 1, "example.com", "FED");
	dir = add_target(st, scan, 2, "example.net", "DIR");
	for (i = 0; i < SRV_ORDER_COUNT; i++)
		link_want(st, scan, fed, &srv_order[srv_added[i]]);
	for (i = 0; i < DIR_ORDER_COUNT; i++)
		link_want(st, scan, dir, &dir_order[dir_added[i]]);
	store_close(st);

	st = open_ok(fx->path);
	walk_scan(st, scan, &w);
	assert_int_equal(w.targets, 2);
	store_close(st);
	/* DIR routes are NULL on disk, in all three columns. */
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM target_probe"
		" WHERE srv_name IS NULL AND srv_priority IS NULL"
		" AND srv_weight IS NULL"), 1 + DIR_ORDER_COUNT);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM target_probe"
		" WHERE srv_name IS NOT NULL AND srv_priority IS NULL"), 1);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM target_probe"
		" WHERE srv_priority = 10 AND srv_weight = 60"), 4);
}

static void test_route_first_link_kept(void **state)
{
	struct fixture *fx = *state;
	struct store *st = open_ok(fx->path);
	int64_t scan = begin_scan(st), target, probe;

	target = add_target(st, scan, 1, "example.com", "FED");
	probe = add_probe(st, scan, "192.0.2.7", 5061);
	/* Two SRV records naming hosts on one address: one link, the first
	 * route. An unknown weight (-1) is NULL. */
	link_ok(st, target, probe, SRV_NAME, "sip1.example.com", 10, -1);
	link_ok(st, target, probe, SRV_NAME, "sip2.example.com", 5, 50);
	assert_int_equal(store_target_probe_link(st, target, probe, NULL), -1);
	assert_string_equal(store_errmsg(st), "store_target_probe_link: no route");
	assert_int_equal(store_flush(st), 0);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM target_probe"), 1);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM target_probe"
		" WHERE via = 'sip1.example.com' AND srv_priority = 10"
		" AND srv_weight IS NULL AND srv_name = '" SRV_NAME "'"), 1);
	store_close(st);
}

/* What store_recall_dns() hands over, copied for the asserts. */
struct recalled {
	size_t n;
	int64_t ids[4];
	struct store_dns_answer a[4];
	struct store_dns_record recs[4][8];
	char strings[4][8][2][64];
	char fields[4][4][64]; /* type, rcode, source, reason */
};

static int keep_recalled(int64_t id, const struct store_dns_answer *a,
			 void *arg)
{
	struct recalled *r = arg;
	size_t i, k = r->n++;

	assert_true(k < 4 && a->count <= 8);
	r->ids[k] = id;
	r->a[k] = *a;
	r->a[k].records = r->recs[k];
	/* Borrowed for the call: copied. */
	snprintf(r->fields[k][0], 64, "%s", a->type);
	snprintf(r->fields[k][1], 64, "%s", a->rcode);
	snprintf(r->fields[k][2], 64, "%s", a->source);
	r->a[k].type = r->fields[k][0];
	r->a[k].rcode = r->fields[k][1];
	r->a[k].source = r->fields[k][2];
	if (a->reason) {
		snprintf(r->fields[k][3], 64, "%s", a->reason);
		r->a[k].reason = r->fields[k][3];
	}
	for (i = 0; i < a->count; i++) {
		r->recs[k][i] = a->records[i];
		if (a->records[i].target) {
			snprintf(r->strings[k][i][0], 64, "%s", a->records[i].target);
			r->recs[k][i].target = r->strings[k][i][0];
		}
		if (a->records[i].address) {
			snprintf(r->strings[k][i][1], 64, "%s", a->records[i].address);
			r->recs[k][i].address = r->strings[k][i][1];
		}
	}
	return 0;
}

static void assert_same_answer(const struct store_dns_answer *got,
			       const struct store_dns_answer *want)
{
	size_t i;

	assert_string_equal(got->type, want->type);
	assert_string_equal(got->rcode, want->rcode);
	assert_string_equal(got->source, want->source);
	if (want->reason == NULL)
		assert_null(got->reason);
	else
		assert_string_equal(got->reason, want->reason);
	assert_int_equal(got->count, want->count);
	for (i = 0; i < want->count; i++) {
		const struct store_dns_record *g = &got->records[i];
		const struct store_dns_record *w = &want->records[i];

		assert_int_equal(g->priority, w->priority);
		assert_int_equal(g->weight, w->weight);
		assert_int_equal(g->port, w->port);
		assert_int_equal(g->ttl, w->ttl);
		if (w->target)
			assert_string_equal(g->target, w->target);
		else
			assert_null(g->target);
		if (w->address)
			assert_string_equal(g->address, w->address);
		else
			assert_null(g->address);
	}
}

/* The scanner finds again what its scan stored, in the same batch (not
 * yet committed): each answer whole, records in order, by name and kind
 * (SRV, or A and AAAA), never another scan's; and a probe by endpoint. */
static void test_recall(void **state)
{
	struct fixture *fx = *state;
	struct store *st = open_ok(fx->path);
	struct store_dns_answer aaaa = answers[1];
	struct recalled r;
	int64_t scan = begin_scan(st), other, ids[ANSWER_COUNT], probe, found;
	size_t i;

	for (i = 0; i < ANSWER_COUNT; i++)
		ids[i] = add_answer(st, scan, &answers[i]);
	aaaa.type = "AAAA";
	aaaa.count = 0;
	int64_t aaaa_id = add_answer(st, scan, &aaaa);

	memset(&r, 0, sizeof(r));
	assert_int_equal(store_recall_dns(st, scan, SRV_NAME, 1, keep_recalled, &r), 1);
	assert_int_equal(r.ids[0], ids[0]);
	assert_same_answer(&r.a[0], &answers[0]);
	/* A and AAAA of one host, in the order stored. */
	memset(&r, 0, sizeof(r));
	assert_int_equal(store_recall_dns(st, scan, "sip1.example.com", 0,
					  keep_recalled, &r), 2);
	assert_int_equal(r.ids[0], ids[1]);
	assert_int_equal(r.ids[1], aaaa_id);
	assert_same_answer(&r.a[0], &answers[1]);
	assert_same_answer(&r.a[1], &aaaa);
	/* A failure, its reason; the hosts file's answer, its source. */
	memset(&r, 0, sizeof(r));
	assert_int_equal(store_recall_dns(st, scan, "_sip._tls.example.com", 1,
					  keep_recalled, &r), 1);
	assert_same_answer(&r.a[0], &answers[2]);
	memset(&r, 0, sizeof(r));
	assert_int_equal(store_recall_dns(st, scan, "sip2.example.com", 0,
					  keep_recalled, &r), 1);
	assert_same_answer(&r.a[0], &answers[3]);
	/* The wrong kind, a name never asked, another scan: nothing. */
	memset(&r, 0, sizeof(r));
	assert_int_equal(store_recall_dns(st, scan, SRV_NAME, 0, keep_recalled, &r), 0);
	assert_int_equal(store_recall_dns(st, scan, "sip1.example.com", 1,
					  keep_recalled, &r), 0);
	assert_int_equal(store_recall_dns(st, scan, "sip9.example.com", 0,
					  keep_recalled, &r), 0);
	other = begin_scan(st);
	assert_int_equal(store_recall_dns(st, other, SRV_NAME, 1, keep_recalled, &r), 0);
	assert_int_equal(r.n, 0);

	/* A probe, by its endpoint; not by another port, SNI or scan. */
	probe = add_probe(st, scan, "192.0.2.10", 5061);
	found = 0;
	assert_int_equal(store_recall_probe(st, scan, "192.0.2.10", 5061,
					    "sip.example.com", &found), 1);
	assert_int_equal(found, probe);
	assert_int_equal(store_recall_probe(st, scan, "192.0.2.10", 5062,
					    "sip.example.com", &found), 0);
	assert_int_equal(store_recall_probe(st, scan, "192.0.2.10", 5061,
					    NULL, &found), 0);
	assert_int_equal(store_recall_probe(st, other, "192.0.2.10", 5061,
					    "sip.example.com", &found), 0);
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_answer_roundtrip, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_answer_shared, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_answer_refused, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_answer_is_one_write, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_answer_cascade, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_probe_order, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_route_first_link_kept, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_recall, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
