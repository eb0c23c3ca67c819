/* test_history.c: the store's readers across scans on a database of
 * five nights built through the writer (support/history_fixture.h):
 * the views of schema step 5, the list of scans, the latest finished scan,
 * the pair walk, one domain's history, the expiring leaves, first seen,
 * and prune.
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
#include "support/history_fixture.h"
#include "support/store_fixture.h"

/* ---- Views --------------------------------------------------------------- */

static void test_views_latest(void **state)
{
	struct hf *f = *state;
	char sql[300];

	/* a.test's newest complete row is scan 4's first (line 2): scan 5
	 * stopped before it, and must not hide what scan 4 saw. */
	assert_int_equal(query_int(f->path, "SELECT scan_id FROM latest_target"
				" WHERE domain = 'a.test'"), 4);
	assert_int_equal(query_int(f->path, "SELECT line FROM latest_target"
				" WHERE domain = 'a.test'"), 2);
	assert_int_equal(query_int(f->path, "SELECT scan_id FROM latest_target"
				" WHERE domain = 'c.test'"), 3);
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM latest_target"), 4);
	/* One leaf per latest target and endpoint; c.test has none. */
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM latest_leaf"), 3);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM latest_leaf WHERE"
		 " domain = 'a.test' AND sha256 = '%s' AND thumbprint = upper('%s')"
		 " AND root = 'CN=History Root B'", f->leaf3.sha256, f->leaf3.sha1);
	assert_int_equal(query_int(f->path, sql), 1);
	/* latest_probe: 192.0.2.3 was last probed in scan 1. */
	assert_int_equal(query_int(f->path, "SELECT scan_id FROM latest_probe"
				" WHERE address = '192.0.2.3'"), 1);
	assert_int_equal(query_int(f->path, "SELECT scan_id FROM latest_probe"
				" WHERE address = '192.0.2.2'"), 4);
	/* expiring's days_left, from now. */
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM expiring"
				" WHERE days_left < 30"), 2);
	assert_int_equal(query_int(f->path, "SELECT CAST(round(days_left) AS INT)"
				" FROM expiring WHERE domain = 'd.test'"),
			 HF_LEAF_D_DAYS);
}

static void test_views_use_indexes(void **state)
{
	struct hf *f = *state;

	/* The history lookup goes through target_by_identity. */
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM sqlite_master"
		" WHERE type = 'index' AND name IN ('target_by_identity',"
		" 'probe_by_endpoint_scan')"), 2);
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM sqlite_master"
		" WHERE name = 'probe_by_endpoint'"), 0);
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM sqlite_master"
		" WHERE type = 'view' AND name IN ('chain_root', 'latest_target',"
		" 'latest_probe', 'latest_leaf', 'expiring')"), 5);
}

/* ---- Scans --------------------------------------------------------------- */

struct scans_seen {
	int64_t ids[8];
	struct store_scan_summary sums[8];
	size_t n;
};

static int on_scan(const struct store_scan_summary *s, void *arg)
{
	struct scans_seen *seen = arg;

	assert_true(seen->n < 8);
	seen->ids[seen->n] = s->scan->id;
	seen->sums[seen->n] = *s;
	seen->sums[seen->n].scan = NULL; /* borrowed: gone after the call */
	seen->n++;
	return 0;
}

static void test_each_scan(void **state)
{
	struct hf *f = *state;
	struct scans_seen seen = { 0 };
	int64_t id = -1;

	assert_int_equal(store_each_scan(f->st, 0, on_scan, &seen), 0);
	assert_int_equal(seen.n, 5);
	assert_int_equal(seen.ids[0], 1);
	assert_int_equal(seen.ids[4], 5);
	/* Scan 1: 3 targets, 3 probes; scan 2: b.test refused, c.test
	 * failed; scan 4: a.test twice; scan 5: one incomplete target. */
	assert_int_equal(seen.sums[0].targets, 3);
	assert_int_equal(seen.sums[0].endpoints, 3);
	assert_int_equal(seen.sums[1].endpoints_failed, 1);
	assert_int_equal(seen.sums[1].targets_failed, 1);
	assert_int_equal(seen.sums[3].targets, 4);
	assert_int_equal(seen.sums[3].targets_failed, 0);
	assert_int_equal(seen.sums[4].targets, 1);
	assert_int_equal(seen.sums[4].incomplete, 1);

	memset(&seen, 0, sizeof seen);
	assert_int_equal(store_each_scan(f->st, 2, on_scan, &seen), 0);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.ids[0], 4);

	assert_int_equal(store_scan_latest_done(f->st, 0, &id), 0);
	assert_int_equal(id, 4); /* 5 was interrupted */
	assert_int_equal(store_scan_latest_done(f->st, 4, &id), 0);
	assert_int_equal(id, 3);
	assert_int_equal(store_scan_latest_done(f->st, 1, &id), 0);
	assert_int_equal(id, 0);
}

/* ---- Pairs --------------------------------------------------------------- */

struct pairs_seen {
	char line[8][80];
	size_t n;
};

static int on_pair(const struct store_target_pair *p, void *arg)
{
	struct pairs_seen *seen = arg;
	const struct store_target_row *t = p->to ? p->to : p->from;

	assert_true(seen->n < 8);
	snprintf(seen->line[seen->n++], 80, "%s %s %lld/%lld %zu/%zu", t->domain,
		 p->from ? (p->to ? "both" : "from") : "to",
		 (long long)p->from_rows, (long long)p->to_rows,
		 p->from ? p->from->probe_count : 0, p->to ? p->to->probe_count : 0);
	return 0;
}

static void test_pair_walk(void **state)
{
	struct hf *f = *state;
	struct pairs_seen seen = { 0 };

	assert_int_equal(store_each_target_pair(f->st, 3, 4, on_pair, &seen), 0);
	assert_int_equal(seen.n, 4);
	/* Identity order; a.test's repeated row counted, not walked twice. */
	assert_string_equal(seen.line[0], "a.test both 1/2 1/1");
	assert_string_equal(seen.line[1], "b.test both 1/1 1/1");
	assert_string_equal(seen.line[2], "c.test from 1/0 0/0");
	assert_string_equal(seen.line[3], "d.test to 0/1 0/1");

	memset(&seen, 0, sizeof seen);
	assert_int_equal(store_each_target_pair(f->st, 0, 1, on_pair, &seen), 0);
	assert_int_equal(seen.n, 3);
	assert_string_equal(seen.line[1], "b.test to 0/1 0/2");
}

static int stop_at_first(const struct store_target_pair *p, void *arg)
{
	(void)p;
	(void)arg;
	return 7;
}

static void test_pair_walk_stops(void **state)
{
	struct hf *f = *state;

	assert_int_equal(store_each_target_pair(f->st, 1, 2, stop_at_first, NULL),
			 7);
}

/* ---- History ------------------------------------------------------------- */

struct history_seen {
	char line[24][160];
	size_t n;
};

static int on_history(const struct store_history_row *r, void *arg)
{
	struct history_seen *seen = arg;

	assert_true(seen->n < 24);
	snprintf(seen->line[seen->n++], 160, "%s %s %lld %lld %s %s %s %s %s",
		 r->type, r->address ? r->address : "-", (long long)r->scans,
		 (long long)r->scan_id, r->sha1 ? r->sha1 : "-",
		 r->error_kind ? r->error_kind : "-",
		 r->target_error_kind ? r->target_error_kind : "-",
		 r->root ? r->root : "-", r->complete ? "complete" : "incomplete");
	return 0;
}

static void test_history_rows(void **state)
{
	struct hf *f = *state;
	struct history_seen seen = { 0 };
	char want[160];
	int64_t found = 0;

	assert_int_equal(store_each_history(f->st, "a.test", on_history, &seen,
					    &found), 0);
	/* Endpoint rows by scan (scan 4 twice: the repeated row), then the
	 * row of scan 5, which reached no endpoint. 5 scans hold a.test. */
	assert_int_equal(found, 6);
	snprintf(want, sizeof want, "DIR 192.0.2.1 5 1 %s - - CN=History Root A complete",
		 f->leaf1.sha1);
	assert_string_equal(seen.line[0], want);
	snprintf(want, sizeof want, "DIR 192.0.2.1 5 3 %s - - CN=History Root A complete",
		 f->leaf2.sha1);
	assert_string_equal(seen.line[2], want);
	snprintf(want, sizeof want, "DIR 192.0.2.1 5 4 %s - - CN=History Root B complete",
		 f->leaf3.sha1);
	assert_string_equal(seen.line[3], want);
	assert_string_equal(seen.line[4], want);
	assert_string_equal(seen.line[5], "DIR - 5 5 - - - - incomplete");

	memset(&seen, 0, sizeof seen);
	assert_int_equal(store_each_history(f->st, "b.test", on_history, &seen,
					    &found), 0);
	assert_int_equal(found, 5);
	assert_string_equal(seen.line[1], "DIR 192.0.2.2 4 2 - refused - - complete");
	assert_non_null(strstr(seen.line[4], "DIR 192.0.2.3 4 1 "));

	memset(&seen, 0, sizeof seen);
	assert_int_equal(store_each_history(f->st, "c.test", on_history, &seen,
					    &found), 0);
	assert_int_equal(found, 3);
	assert_string_equal(seen.line[0], "FED - 3 1 - - dns_nxdomain - complete");

	assert_int_equal(store_each_history(f->st, "nowhere.test", on_history,
					    &seen, &found), 0);
	assert_int_equal(found, 0);
}

/* ---- Expiring and first seen -------------------------------------------- */

struct leaves_seen {
	char line[8][120];
	size_t n;
};

static int on_leaf(const struct store_leaf_row *r, void *arg)
{
	struct leaves_seen *seen = arg;

	assert_true(seen->n < 8);
	snprintf(seen->line[seen->n++], 120, "%s %lld %s %s %s", r->domain,
		 (long long)r->scan_id, r->address, r->sha1, r->root);
	return 0;
}

static void test_expiring_rows(void **state)
{
	struct hf *f = *state;
	struct leaves_seen seen = { 0 };
	char until[21], want[120];

	hf_time(f->now + 30L * 86400, until);
	assert_int_equal(store_each_expiring(f->st, until, on_leaf, &seen), 0);
	/* Soonest first: d.test expired, a.test's newest complete scan (4)
	 * has leaf3; b.test's leaf has 100 days left. */
	assert_int_equal(seen.n, 2);
	snprintf(want, sizeof want, "d.test 4 192.0.2.4 %s CN=History Root A",
		 f->leaf_d.sha1);
	assert_string_equal(seen.line[0], want);
	snprintf(want, sizeof want, "a.test 4 192.0.2.1 %s CN=History Root B",
		 f->leaf3.sha1);
	assert_string_equal(seen.line[1], want);

	memset(&seen, 0, sizeof seen);
	hf_time(f->now + 200L * 86400, until);
	assert_int_equal(store_each_expiring(f->st, until, on_leaf, &seen), 0);
	assert_int_equal(seen.n, 3);
	assert_non_null(strstr(seen.line[2], "b.test 4 192.0.2.2 "));
}

static void test_first_seen(void **state)
{
	struct hf *f = *state;
	char sql[200], seen[32];
	int64_t id;

	snprintf(sql, sizeof sql, "SELECT id FROM certificate WHERE sha256 = '%s'",
		 f->leaf_b.sha256);
	id = query_int(f->path, sql);
	assert_int_equal(store_cert_first_seen(f->st, id, seen, sizeof seen), 0);
	assert_string_equal(seen, f->started[1]);
	snprintf(sql, sizeof sql, "SELECT id FROM certificate WHERE sha256 = '%s'",
		 f->leaf3.sha256);
	id = query_int(f->path, sql);
	assert_int_equal(store_cert_first_seen(f->st, id, seen, sizeof seen), 0);
	assert_string_equal(seen, f->started[4]);
	/* A root is never a leaf: never "first seen" as one. */
	snprintf(sql, sizeof sql, "SELECT id FROM certificate WHERE sha256 = '%s'",
		 f->root_a.sha256);
	id = query_int(f->path, sql);
	assert_int_equal(store_cert_first_seen(f->st, id, seen, sizeof seen), 0);
	assert_string_equal(seen, "");
}

/* ---- Prune --------------------------------------------------------------- */

static void test_prune_dry_run(void **state)
{
	struct hf *f = *state;
	struct store_prune_result r;

	assert_int_equal(store_prune(f->st, 2, 1, &r), 0);
	assert_int_equal(r.scans, 3);
	assert_int_equal(r.targets, 9);
	assert_int_equal(r.probes, 7);
	assert_int_equal(r.certificates, 2);  /* leaf1, leaf2 */
	assert_int_equal(r.endpoints, 1);     /* 192.0.2.3 */
	assert_true(r.bytes_before > 0);
	/* Nothing went. */
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM scan"), 5);
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM certificate"), 7);
}

static void test_prune(void **state)
{
	struct hf *f = *state;
	struct store_prune_result r;
	char sql[200];

	assert_int_equal(store_prune(f->st, 2, 0, &r), 0);
	assert_int_equal(r.scans, 3);
	assert_int_equal(r.targets, 9);
	assert_int_equal(r.probes, 7);
	assert_int_equal(r.certificates, 2);
	assert_int_equal(r.endpoints, 1);
	assert_int_equal(query_int(f->path, "SELECT group_concat(id, '') FROM scan"), 45);
	/* The cascades ran: nothing of scans 1-3 is left anywhere. */
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM target"
				" WHERE scan_id < 4"), 0);
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM chain_link"
		" WHERE probe_id NOT IN (SELECT id FROM probe)"), 0);
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM target_probe"
		" WHERE target_id NOT IN (SELECT id FROM target)"), 0);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM certificate WHERE"
		 " sha256 IN ('%s', '%s')", f->leaf1.sha256, f->leaf3.sha256);
	assert_int_equal(query_int(f->path, sql), 1); /* leaf3 stays */
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM endpoint"), 3);
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM pragma_foreign_key_check"), 0);

	assert_int_equal(store_vacuum(f->st, &r), 0);
	assert_true(r.bytes_after > 0 && r.bytes_after <= r.bytes_before);
	assert_int_equal(store_prune(f->st, 0, 0, &r), -1);
	assert_non_null(strstr(store_errmsg(f->st), "keep at least one"));
}

static void test_prune_keeps_referenced(void **state)
{
	struct hf *f = *state;
	struct store_prune_result r;
	char sql[300];

	/* Another table that references certificates (as a later schema step
	 * may add): what it points at stays, whatever chain_link says. */
	snprintf(sql, sizeof sql, "CREATE TABLE pin (certificate_id INTEGER"
		 " REFERENCES certificate(id)); INSERT INTO pin SELECT id FROM"
		 " certificate WHERE sha256 = '%s';", f->leaf1.sha256);
	exec_sql(f->path, sql);
	assert_int_equal(store_prune(f->st, 2, 0, &r), 0);
	assert_int_equal(r.certificates, 1); /* leaf2 only */
	snprintf(sql, sizeof sql, "SELECT count(*) FROM certificate WHERE"
		 " sha256 = '%s'", f->leaf1.sha256);
	assert_int_equal(query_int(f->path, sql), 1);
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_views_latest, hf_setup, hf_teardown),
		cmocka_unit_test_setup_teardown(test_views_use_indexes, hf_setup, hf_teardown),
		cmocka_unit_test_setup_teardown(test_each_scan, hf_setup, hf_teardown),
		cmocka_unit_test_setup_teardown(test_pair_walk, hf_setup, hf_teardown),
		cmocka_unit_test_setup_teardown(test_pair_walk_stops, hf_setup, hf_teardown),
		cmocka_unit_test_setup_teardown(test_history_rows, hf_setup, hf_teardown),
		cmocka_unit_test_setup_teardown(test_expiring_rows, hf_setup, hf_teardown),
		cmocka_unit_test_setup_teardown(test_first_seen, hf_setup, hf_teardown),
		cmocka_unit_test_setup_teardown(test_prune_dry_run, hf_setup, hf_teardown),
		cmocka_unit_test_setup_teardown(test_prune, hf_setup, hf_teardown),
		cmocka_unit_test_setup_teardown(test_prune_keeps_referenced, hf_setup, hf_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
