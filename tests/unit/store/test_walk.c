/* test_walk.c: a walk over a scan's targets reads a probe's chain and
 * acceptable CA names once and hands them to every target that reaches
 * the probe (a hosted pool's members are linked to thousands of targets):
 * each target sees exactly the facts stored for its probes, a probe of its
 * own keeps its own, and clearing the rows frees each fact once (the
 * sanitizer build would see a double free or a leak).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/store.h"

#include "support/cert.h"
#include "support/store_fixture.h"

struct seen {
	size_t targets;
	const struct store_cert_row *first_chain; /* the shared probe's */
	int shared_same;  /* the second target got the same facts */
	char sha256[3][65];
	size_t ca_count[3];
	char ca0[3][64];
};

static int on_target(const struct store_target_row *t, void *arg)
{
	struct seen *s = arg;
	const struct store_probe_row *p;
	size_t i = s->targets++;

	assert_true(i < 3);
	assert_int_equal(t->probe_count, 1);
	p = &t->probes[0];
	assert_int_equal(p->chain_len, 1);
	snprintf(s->sha256[i], sizeof s->sha256[i], "%s", p->chain[0].sha256);
	s->ca_count[i] = p->ca_count;
	if (p->ca_count > 0)
		snprintf(s->ca0[i], sizeof s->ca0[i], "%s", p->ca_names[0]);
	if (i == 0)
		s->first_chain = p->chain;
	if (i == 1)
		s->shared_same = p->chain == s->first_chain && p->shared_facts;
	return 0;
}

static void test_shared_probe(void **state)
{
	struct fixture *fx = *state;
	static const struct tcert_spec pool_spec = {
		.cn = "sip.pool.test", .serial = 1, .bare = 1,
	};
	static const struct tcert_spec own_spec = {
		.cn = "sip.own.test", .serial = 2, .bare = 1,
	};
	static const char *const cas[] = { "CN=Pool CA", "CN=Other CA" };
	struct store_scan_info info = { "t.csv", "", "test" };
	struct store_target targets[3] = {
		{ 2, "a.test", "FED", 5061 },
		{ 3, "b.test", "FED", 5061 },
		{ 4, "sip.own.test", "DIR", 5061 },
	};
	struct tcert pool, own;
	struct store_der pool_der, own_der;
	struct store_probe p = {
		.address = "192.0.2.1", .port = 5061, .sni = "sip.pool.test",
		.connect_ms = 1, .handshake_ms = 2, .verify_code = -1,
		.chain_len = 1, .cc_requested = 1, .ca_names = cas,
		.ca_count = 2, .cc_outcome = "unknown",
	};
	struct store_route route = { "_sipfederationtls._tcp.a.test",
				     "sip.pool.test", 0, 100 };
	struct store *st = open_ok(fx->path);
	int64_t scan, tid[3], pool_id, own_id;
	struct seen s = { 0 };
	size_t i;

	tcert_make(&pool, &pool_spec);
	tcert_make(&own, &own_spec);
	pool_der = (struct store_der){ pool.der, pool.der_len, NULL };
	own_der = (struct store_der){ own.der, own.der_len, NULL };
	assert_int_equal(store_scan_begin(st, &info, &scan), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(store_target_add(st, scan, &targets[i], &tid[i]), 0);
	p.chain = &pool_der;
	assert_int_equal(store_probe_add(st, scan, &p, &pool_id), 0);
	p.address = "192.0.2.2";
	p.sni = "sip.own.test";
	p.chain = &own_der;
	p.ca_count = 0;
	p.cc_requested = 0;
	p.cc_outcome = NULL;
	assert_int_equal(store_probe_add(st, scan, &p, &own_id), 0);
	/* a.test and b.test both reach the pool's member. */
	assert_int_equal(store_target_probe_link(st, tid[0], pool_id, &route), 0);
	route.srv_name = "_sipfederationtls._tcp.b.test";
	assert_int_equal(store_target_probe_link(st, tid[1], pool_id, &route), 0);
	route = (struct store_route){ NULL, "sip.own.test", -1, -1 };
	assert_int_equal(store_target_probe_link(st, tid[2], own_id, &route), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(store_target_complete(st, tid[i]), 0);
	assert_int_equal(store_scan_finish(st, scan, "done"), 0);

	assert_int_equal(store_each_target(st, scan, on_target, &s), 0);
	assert_int_equal(s.targets, 3);
	/* The pool's facts, read once, handed to both partners. */
	assert_true(s.shared_same);
	assert_string_equal(s.sha256[0], s.sha256[1]);
	assert_int_equal(s.ca_count[0], 2);
	assert_int_equal(s.ca_count[1], 2);
	assert_string_equal(s.ca0[1], "CN=Pool CA");
	/* The other probe keeps its own. */
	assert_string_not_equal(s.sha256[2], s.sha256[0]);
	assert_int_equal(s.ca_count[2], 0);
	/* A second walk reads them again, as the first did. */
	memset(&s, 0, sizeof s);
	assert_int_equal(store_each_target(st, scan, on_target, &s), 0);
	assert_true(s.shared_same);
	store_close(st);
	tcert_free(&pool);
	tcert_free(&own);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_shared_probe, fx_setup,
						fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
