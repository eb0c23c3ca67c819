/* test_judge.c: judging once per command. The certificate cache (x509.h)
 * and the endpoint memo (findings.h's judge_memo) must change nothing but
 * the time: every target judged with them says exactly what it says
 * judged alone, finding for finding, about its own probe rows; an
 * endpoint reached by a FED target and by a DIR one keeps the severity
 * each type gives; and one reached as another host is judged again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report/judge/x509.h"
#include "support/findings.h"

/* Judges t with the options o (now, warn days and trust of tf_judge()). */
static void judge_with(const struct judge_options *o,
		       const struct store_target_row *t,
		       struct finding_list *out)
{
	memset(out, 0, sizeof *out);
	assert_int_equal(findings_judge_target(o, t, out), 0);
}

/* a and b say the same, each about probe rows of its own target. */
static void assert_same(const struct finding_list *a,
			const struct store_target_row *ta,
			const struct finding_list *b,
			const struct store_target_row *tb)
{
	size_t i;

	assert_int_equal(a->count, b->count);
	for (i = 0; i < a->count; i++) {
		assert_ptr_equal(a->items[i].def, b->items[i].def);
		assert_int_equal(a->items[i].severity, b->items[i].severity);
		assert_string_equal(a->items[i].message, b->items[i].message);
		assert_int_equal(a->items[i].probe == NULL,
				 b->items[i].probe == NULL);
		if (a->items[i].probe != NULL) {
			assert_ptr_equal(a->items[i].probe, ta->probes);
			assert_ptr_equal(b->items[i].probe, tb->probes);
		}
	}
}

/* One endpoint whose leaf lacks the Client Authentication EKU, reached by
 * a FED partner, a DIR row and a second FED partner: the memo judges it
 * once per type and says it again, with the type's severity, about each
 * target's own row. */
static void test_memo_same_findings(void **state)
{
	struct tf_pki *k = *state;
	struct judge_options plain = { .now = TF_NOW, .warn_days = 30,
				       .trust = k->trust };
	struct judge_options fast = plain;
	struct finding_list alone[3], memo[3];
	struct tf_probe p[3];
	struct store_target_row t[3];
	X509 *certs[2];
	const char *types[3] = { "FED", "DIR", "FED" };
	size_t i;

	k->leaf_spec = tf_leaf_spec(k);
	k->leaf_spec.eku = "serverAuth";
	tf_pki_reissue(k);
	certs[0] = k->leaf;
	certs[1] = k->inter;
	fast.certs = cert_cache_new();
	fast.memo = judge_memo_new();
	assert_non_null(fast.certs);
	assert_non_null(fast.memo);
	for (i = 0; i < 3; i++) {
		/* the same endpoint (probe id 1), a row of each target's */
		tf_probe_init(&p[i], certs, 2);
		t[i] = tf_target(types[i], "sip.contoso.com", &p[i].row, 1);
	}
	for (i = 0; i < 3; i++) {
		judge_with(&plain, &t[i], &alone[i]);
		judge_with(&fast, &t[i], &memo[i]);
		assert_same(&alone[i], &t[i], &memo[i], &t[i]);
	}
	assert_int_equal(tf_get(&memo[0], "no_client_auth_eku")->severity,
			 SEVERITY_ERROR);
	assert_int_equal(tf_get(&memo[1], "no_client_auth_eku")->severity,
			 SEVERITY_WARNING);
	assert_int_equal(tf_get(&memo[2], "no_client_auth_eku")->severity,
			 SEVERITY_ERROR);
	for (i = 0; i < 3; i++) {
		finding_list_free(&alone[i]);
		finding_list_free(&memo[i]);
		tf_probe_free(&p[i]);
	}
	judge_memo_free(fast.memo);
	cert_cache_free(fast.certs);
	tf_reset_leaf(k);
}

/* The same endpoint reached as another host name (another SRV target
 * pointing at one address) is judged again: its name check differs. */
static void test_memo_other_host(void **state)
{
	struct tf_pki *k = *state;
	struct judge_options fast = { .now = TF_NOW, .warn_days = 30 };
	struct finding_list a, b;
	struct tf_probe p[2];
	struct store_target_row t[2];
	X509 *certs[2] = { k->leaf, k->inter };

	fast.memo = judge_memo_new();
	assert_non_null(fast.memo);
	tf_probe_init(&p[0], certs, 2);
	tf_probe_init(&p[1], certs, 2);
	p[1].row.via = p[1].row.sni = "sip.fabrikam.com";
	t[0] = tf_target("FED", "contoso.com", &p[0].row, 1);
	t[1] = tf_target("FED", "fabrikam.com", &p[1].row, 1);
	judge_with(&fast, &t[0], &a);
	judge_with(&fast, &t[1], &b);
	assert_int_equal(tf_count(&a, "name_match"), 1);
	assert_int_equal(tf_count(&a, "name_mismatch"), 0);
	assert_int_equal(tf_count(&b, "name_mismatch"), 1);
	finding_list_free(&a);
	finding_list_free(&b);
	tf_probe_free(&p[0]);
	tf_probe_free(&p[1]);
	judge_memo_free(fast.memo);
}

/* The cache hands out a reference of the caller's own: the same decoded
 * certificate for the same SHA-256, alive after the cache is gone. */
static void test_cert_cache(void **state)
{
	struct tf_pki *k = *state;
	struct store_cert_row row = tf_row(k->leaf);
	struct cert_cache *c = cert_cache_new();
	X509 *x1, *x2;

	assert_non_null(c);
	x1 = cert_cache_get(c, &row);
	x2 = cert_cache_get(c, &row);
	assert_non_null(x1);
	assert_ptr_equal(x1, x2);
	assert_int_equal(X509_cmp(x1, k->leaf), 0);
	X509_free(x2);
	cert_cache_free(c);
	assert_int_equal(X509_cmp(x1, k->leaf), 0);
	X509_free(x1);
	/* Without a cache: a fresh decoding each time. */
	x1 = cert_cache_get(NULL, &row);
	x2 = cert_cache_get(NULL, &row);
	assert_true(x1 != x2);
	X509_free(x1);
	X509_free(x2);
	tf_row_free(&row);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memo_same_findings),
		cmocka_unit_test(test_memo_other_host),
		cmocka_unit_test(test_cert_cache),
	};

	return cmocka_run_group_tests(tests, tf_setup, tf_teardown);
}
