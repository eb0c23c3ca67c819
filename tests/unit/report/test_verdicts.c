/* Kept verdicts (report/verdicts.h): the encoding of a target's findings
 * gives back exactly what was judged (hostile bytes in a message
 * included) and refuses what does not fit the target; a verdict's
 * valid_until holds every finding and message the same until then, and
 * is not later than the first second at which they change. Keeping the
 * verdicts of a large scan leaves SQLite's WAL empty behind it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include <openssl/asn1.h>

#include "common/utc.h"
#include "report/judge/verdicts.h"
#include "report/report.h"
#include "support/findings.h"
#include "support/store_fixture.h"

/* A leaf of k valid from..to days around TF_NOW, with the intermediate,
 * as one probe of a FED target; the rows carry the dates as the store
 * does. */
struct vt {
	struct tf_probe p[2];
	struct store_target_row t;
	char nb[2][2][UTC_TEXT_MAX], na[2][2][UTC_TEXT_MAX];
};

static void row_dates(struct store_cert_row *r, X509 *x, char *nb, char *na)
{
	struct tm tm;

	assert_int_equal(ASN1_TIME_to_tm(X509_get0_notBefore(x), &tm), 1);
	utc_format(timegm(&tm), nb);
	assert_int_equal(ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm), 1);
	utc_format(timegm(&tm), na);
	/* tf_row() wrote the store's columns already: the same. */
	assert_string_equal(r->not_before, nb);
	assert_string_equal(r->not_after, na);
}

static void vt_make(struct tf_pki *k, struct vt *v, long from, long to)
{
	X509 *certs[2];
	size_t i;

	k->leaf_spec = tf_leaf_spec(k);
	k->leaf_spec.set_validity = 1;
	k->leaf_spec.from_days = from;
	k->leaf_spec.to_days = to;
	tf_pki_reissue(k);
	certs[0] = k->leaf;
	certs[1] = k->inter;
	for (i = 0; i < 2; i++) {
		tf_probe_init(&v->p[i], certs, 2);
		row_dates(&v->p[i].chain[0], k->leaf, v->nb[i][0], v->na[i][0]);
		row_dates(&v->p[i].chain[1], k->inter, v->nb[i][1], v->na[i][1]);
	}
	/* A second member of the pool, on another address. */
	v->p[1].row.id = 2;
	v->p[1].row.address = "192.0.2.11";
	v->t = tf_target("FED", "contoso.com", &v->p[0].row, 1);
	v->t.probes = NULL;
	v->t.probe_count = 0;
	/* tf_target borrows one array of rows: lay the two out side by
	 * side. */
}

static void vt_free(struct vt *v)
{
	size_t i;

	for (i = 0; i < 2; i++)
		tf_probe_free(&v->p[i]);
}

/* The findings of t at `at`, as "id|severity|position|message" lines. */
static char *said(const struct store_target_row *t, time_t at)
{
	struct judge_options o = { .now = at, .warn_days = 30 };
	struct finding_list l = { 0 };
	size_t i, len = 0;
	char *out = NULL, line[2048];
	int n;

	assert_int_equal(findings_judge_target(&o, t, &l), 0);
	for (i = 0; i < l.count; i++) {
		n = snprintf(line, sizeof line, "%s|%d|%ld|%s\n",
			     l.items[i].def->id, (int)l.items[i].severity,
			     l.items[i].probe ? (long)(l.items[i].probe - t->probes)
					      : -1L, l.items[i].message);
		out = realloc(out, len + (size_t)n + 1);
		assert_non_null(out);
		memcpy(out + len, line, (size_t)n + 1);
		len += (size_t)n;
	}
	finding_list_free(&l);
	return out != NULL ? out : strdup("");
}

static void test_round_trip(void **state)
{
	struct tf_pki *k = *state;
	struct store_probe_row rows[2];
	struct judge_options o = { .now = TF_NOW, .warn_days = 30 };
	struct finding_list l = { 0 }, back = { 0 };
	unsigned char *blob = NULL;
	size_t len = 0, i;
	struct vt v;

	/* Expired, on both members, with a subject of hostile bytes. */
	k->leaf_spec = tf_leaf_spec(k);
	vt_make(k, &v, -100, -3);
	rows[0] = v.p[0].row;
	rows[1] = v.p[1].row;
	v.t.probes = rows;
	v.t.probe_count = 2;
	free(v.p[0].chain[0].subject);
	v.p[0].chain[0].subject = strdup("CN=evil\n\"\t\x1b[31m\xff,O=x");
	assert_int_equal(findings_judge_target(&o, &v.t, &l), 0);
	assert_true(l.count >= 2);
	assert_int_equal(verdicts_encode(&l, &v.t, &blob, &len), 0);
	assert_non_null(blob);
	assert_int_equal(verdicts_decode(blob, len, &v.t, &back), 0);
	assert_int_equal(back.count, l.count);
	for (i = 0; i < l.count; i++) {
		assert_ptr_equal(back.items[i].def, l.items[i].def);
		assert_int_equal(back.items[i].severity, l.items[i].severity);
		assert_ptr_equal(back.items[i].probe, l.items[i].probe);
		assert_string_equal(back.items[i].message, l.items[i].message);
	}
	finding_list_free(&back);

	/* What does not fit is refused, never half read. */
	assert_int_equal(verdicts_decode(blob, len - 1, &v.t, &back), -1);
	finding_list_free(&back);
	v.t.probe_count = 1; /* a position past the target's probes */
	assert_int_equal(verdicts_decode(blob, len, &v.t, &back), -1);
	finding_list_free(&back);
	v.t.probe_count = 2;
	blob[1] = 'X'; /* an id the registry does not know */
	assert_int_equal(verdicts_decode(blob, len, &v.t, &back), -1);
	finding_list_free(&back);

	/* No findings: nothing kept. */
	free(blob);
	finding_list_free(&l);
	memset(&l, 0, sizeof l);
	assert_int_equal(verdicts_encode(&l, &v.t, &blob, &len), 0);
	assert_null(blob);
	assert_int_equal(len, 0);
	vt_free(&v);
}

/* Judged at TF_NOW, the verdict holds until valid_until (checked at the
 * last second, the middle and a spread of seconds in between) and
 * changes at until + slack. */
static void holds_until(void **state, long from, long to, time_t slack)
{
	struct tf_pki *k = *state;
	time_t at = TF_NOW, until, t;
	char *then, *now;
	struct vt v;
	int i;

	vt_make(k, &v, from, to);
	v.t.probes = &v.p[0].row;
	v.t.probe_count = 1;
	until = verdicts_valid_until(&v.t, at, 30, NULL);
	assert_true(until > at);
	then = said(&v.t, at);
	for (i = 0; i <= 16; i++) {
		t = at + (until - 1 - at) / 16 * i;
		if (i == 16)
			t = until - 1;
		now = said(&v.t, t);
		assert_string_equal(now, then);
		free(now);
	}
	now = said(&v.t, until + slack);
	assert_string_not_equal(now, then);
	free(now);
	free(then);
	vt_free(&v);
}

static void test_valid_until_expires_soon(void **state)
{
	/* "days left: 10" says 9 from the next day boundary on. */
	holds_until(state, -10, 10, 0);
}

static void test_valid_until_expired(void **state)
{
	holds_until(state, -100, -3, 0);
}

static void test_valid_until_not_yet_valid(void **state)
{
	holds_until(state, 3, 100, 0);
}

static void test_valid_until_window(void **state)
{
	/* 200 days left: nothing to say until the --warn-days window
	 * opens, a second after its start. */
	holds_until(state, -10, 200, 1);
}

static void test_valid_until_no_certificate(void **state)
{
	struct store_target_row t = { .domain = "contoso.com", .type = "FED" };

	(void)state;
	/* No date can change a target that presented nothing. */
	assert_true(verdicts_valid_until(&t, TF_NOW, 30, NULL) > TF_NOW + 3650L * 86400);
}

/* A scan of n DIR targets, each refused at an endpoint of its own (each
 * verdict a new findings row), its verdicts kept: every one is stored,
 * and the WAL is emptied between slices of the walk, not left to grow
 * with every verdict (some 8 KB a target when the walk was one read). */
static void test_keep_large_scan(void **state)
{
	enum { N = 10000 };
	struct fixture *fx = *state;
	struct store *st = open_ok(fx->path);
	struct store_scan_info info = { "targets.csv", "", "test" };
	char wal[160], host[64], reason[96], err[256];
	struct stat sb;
	int64_t scan, target, probe;
	long i;

	assert_int_equal(store_scan_begin(st, &info, &scan), 0);
	for (i = 0; i < N; i++) {
		struct store_target t = { i + 2, host, "DIR", 5061 };
		struct store_probe p = {
			.address = "192.0.2.9", .port = (int)(1024 + i), .sni = host,
			.started_ms = INT64_C(1764063780000), .connect_ms = -1,
			.handshake_ms = -1, .error_kind = FAIL_REFUSED,
			.error_reason = reason, .verify_code = -1,
		};
		struct store_route r = { NULL, host, -1, -1 };

		snprintf(host, sizeof(host), "h%ld.example.com", i);
		snprintf(reason, sizeof(reason), "connect 192.0.2.9:%ld: refused", 1024 + i);
		assert_int_equal(store_target_add(st, scan, &t, &target), 0);
		assert_int_equal(store_probe_add(st, scan, &p, &probe), 0);
		assert_int_equal(store_target_probe_link(st, target, probe, &r), 0);
		assert_int_equal(store_target_complete(st, target), 0);
	}
	assert_int_equal(store_scan_finish(st, scan, "done"), 0);
	assert_int_equal(store_wal_reset(st), 0);
	if (report_keep_verdicts(st, scan, err, sizeof(err)) != 0)
		fail_msg("report_keep_verdicts: %s", err);
	snprintf(wal, sizeof(wal), "%s-wal", fx->path);
	assert_int_equal(stat(wal, &sb), 0);
	print_message("WAL after keeping %d verdicts: %lld bytes\n", N,
		      (long long)sb.st_size);
	assert_true(sb.st_size < 4 * 1024 * 1024);
	store_close(st);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM verdict_target"), N);
	assert_int_equal(query_int(fx->path, "SELECT count(DISTINCT findings_id) FROM verdict_target"), N);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_valid_until_expires_soon),
		cmocka_unit_test(test_valid_until_expired),
		cmocka_unit_test(test_valid_until_not_yet_valid),
		cmocka_unit_test(test_valid_until_window),
		cmocka_unit_test(test_valid_until_no_certificate),
		cmocka_unit_test_setup_teardown(test_keep_large_scan, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, tf_setup, tf_teardown);
}
