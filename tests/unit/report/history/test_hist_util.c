/* test_hist_util.c: what the commands across scans share (hist_util.c)
 * on the five nights of support/history_fixture.h: a target's digest,
 * equal when nothing judged changed, and whether a validity boundary lies
 * between two instants.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "report/history/history_int.h"
#include "store/store.h"
#include "support/history_fixture.h"

struct digests {
	unsigned char d[4][HIST_DIGEST_LEN];
	int crosses[4];
	size_t n;
	time_t a, b;
};

static int on_digest_pair(const struct store_target_pair *p, void *arg)
{
	struct digests *g = arg;
	unsigned char other[HIST_DIGEST_LEN];

	if (p->from == NULL || p->to == NULL)
		return 0;
	assert_int_equal(hist_target_digest(p->to, g->d[g->n]), 0);
	assert_int_equal(hist_target_digest(p->from, other), 0);
	g->crosses[g->n] = hist_dates_between(p->to, g->a, g->b, 30);
	/* Equal digests are 1, different 0, in d[n][0]'s place. */
	g->d[g->n][0] = memcmp(g->d[g->n], other, HIST_DIGEST_LEN) == 0;
	g->n++;
	return 0;
}

static void test_digest(void **state)
{
	struct hf *f = *state;
	struct digests g = { .a = f->now - 4 * 86400L, .b = f->now - 3 * 86400L };

	/* Scans 1 and 2: a.test the same (digests equal), b.test not. */
	assert_int_equal(store_each_target_pair(f->st, 1, 2, on_digest_pair, &g), 0);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.d[0][0], 1);
	assert_int_equal(g.d[1][0], 0);
	assert_int_equal(g.d[2][0], 1); /* c.test */
	assert_int_equal(g.crosses[0], 0);
	/* leaf3 (scan 4) expires 10 days after now: expires_soon's boundary
	 * (20 days before now) lies between 25 and 15 days before now. */
	memset(&g, 0, sizeof g);
	g.a = f->now - 25 * 86400L;
	g.b = f->now - 15 * 86400L;
	assert_int_equal(store_each_target_pair(f->st, 3, 4, on_digest_pair, &g), 0);
	assert_int_equal(g.crosses[0], 1);
	assert_int_equal(g.crosses[1], 0); /* b.test: 100 days */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_digest, hf_setup,
						hf_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
