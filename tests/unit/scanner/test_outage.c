/* test_outage.c: how outage.c tells our failures from the partners',
 * without a network: which c-ares statuses are ours (refused; a timeout
 * while the resolver set answered nothing since the question was sent),
 * what is parked and asked again once the resolver answers, what is given
 * up when it never comes back; which connect errors are ours (the kernel's
 * own refusal, for an address a server can have). The end-to-end tests
 * (test_outage, test_outage_net) run the same against real servers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>

#include "scanner/scan_int.h"

/* ---- Connect errors ------------------------------------------------------ */

static int connect_is_ours(int uverr, const char *address)
{
	struct sockaddr_storage sa;

	memset(&sa, 0, sizeof sa);
	if (strchr(address, ':'))
		assert_int_equal(uv_ip6_addr(address, 5061,
					     (struct sockaddr_in6 *)&sa), 0);
	else
		assert_int_equal(uv_ip4_addr(address, 5061,
					     (struct sockaddr_in *)&sa), 0);
	return outage_connect_is_ours(uverr, (const struct sockaddr *)&sa);
}

static void test_connect_errors(void **state)
{
	(void)state;
	/* The kernel's refusal to send, to an address a server can have. */
	assert_true(connect_is_ours(UV_ENETUNREACH, "192.0.2.1"));
	assert_true(connect_is_ours(UV_ENETUNREACH, "2001:db8::1"));
	assert_true(connect_is_ours(UV_EHOSTUNREACH, "192.0.2.1"));
	assert_true(connect_is_ours(UV_EADDRNOTAVAIL, "127.0.0.1"));
	assert_true(connect_is_ours(UV_ENETDOWN, "192.0.2.1"));
	assert_true(connect_is_ours(UV_EPERM, "192.0.2.1"));
	assert_true(connect_is_ours(UV_EACCES, "192.0.2.1"));
	/* The peer's answers, or its network's. */
	assert_false(connect_is_ours(UV_ECONNREFUSED, "192.0.2.1"));
	assert_false(connect_is_ours(UV_ETIMEDOUT, "192.0.2.1"));
	assert_false(connect_is_ours(UV_ECONNRESET, "192.0.2.1"));
	/* No server has these: the partner's DNS is wrong. */
	assert_false(connect_is_ours(UV_ENETUNREACH, "224.0.0.1"));
	assert_false(connect_is_ours(UV_ENETUNREACH, "255.255.255.255"));
	assert_false(connect_is_ours(UV_ENETUNREACH, "0.0.0.0"));
	assert_false(connect_is_ours(UV_ENETUNREACH, "ff02::1"));
	assert_false(connect_is_ours(UV_ENETUNREACH, "::"));
}

/* ---- DNS statuses -------------------------------------------------------- */

struct fixture {
	struct scan s;
	struct scan_options o;
	struct scan_summary sum;
	struct dns_ask ask[3];
	int resent[3], given_up[3], theirs[3];
};

static struct fixture *F;

static void no_wake(struct scan *s)
{
	(void)s;
}

static size_t ask_index(const struct dns_ask *a)
{
	return (size_t)(a - F->ask);
}

static void fake_resend(struct scan *s, struct dns_ask *a)
{
	(void)s;
	F->resent[ask_index(a)]++;
}

static void fake_give_up(struct scan *s, struct dns_ask *a, int theirs)
{
	(void)s;
	F->given_up[ask_index(a)]++;
	F->theirs[ask_index(a)] = theirs;
}

static int setup(void **state)
{
	size_t i;

	F = calloc(1, sizeof *F);
	assert_non_null(F);
	F->o.quiet = 1;
	F->s.opts = &F->o;
	F->s.summary = &F->sum;
	F->s.wake = no_wake;
	/* The canary is not sent: there is no channel here. */
	F->s.canary_inflight = 1;
	snprintf(F->s.dns_label, sizeof F->s.dns_label, "127.0.0.1:53");
	for (i = 0; i < 3; i++) {
		F->ask[i].resend = fake_resend;
		F->ask[i].give_up = fake_give_up;
	}
	*state = F;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	F = NULL;
	return 0;
}

static void test_answers_are_theirs(void **state)
{
	static const int answers[] = { ARES_SUCCESS, ARES_ENODATA, ARES_ENOTFOUND,
				       ARES_ESERVFAIL, ARES_EREFUSED,
				       ARES_EFORMERR, ARES_ENOTIMP, ARES_EBADRESP };
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof answers / sizeof answers[0]; i++) {
		outage_sent(&f->s, &f->ask[0]);
		assert_int_equal(outage_dns_take(&f->s, &f->ask[0], answers[i]), 0);
	}
	assert_int_equal(f->s.dns_answers, i);
	assert_int_equal(f->s.nparked, 0);
	/* Not an answer, not ours either: the partner's, as before. */
	assert_int_equal(outage_dns_take(&f->s, &f->ask[0], ARES_ENOMEM), 0);
}

static void test_refused_is_ours(void **state)
{
	struct fixture *f = *state;

	outage_sent(&f->s, &f->ask[0]);
	f->s.dns_answers++; /* even while others are answered */
	assert_int_equal(outage_dns_take(&f->s, &f->ask[0], ARES_ECONNREFUSED), 1);
	assert_int_equal(f->s.nparked, 1);
	assert_true(f->s.dns_down);
	assert_string_equal(f->s.dns_reason, "our resolver 127.0.0.1:53 did not"
			    " answer (Could not contact DNS servers)");
}

static void test_timeout_ours_only_when_nothing_answered(void **state)
{
	struct fixture *f = *state;

	/* Another question answered while it was out: the partner's name. */
	outage_sent(&f->s, &f->ask[0]);
	assert_int_equal(outage_dns_take(&f->s, &f->ask[1], ARES_SUCCESS), 0);
	assert_int_equal(outage_dns_take(&f->s, &f->ask[0], ARES_ETIMEOUT), 0);
	assert_int_equal(f->s.nparked, 0);
	/* Nothing at all came back while it was out: our resolver. */
	outage_sent(&f->s, &f->ask[0]);
	assert_int_equal(outage_dns_take(&f->s, &f->ask[0], ARES_ETIMEOUT), 1);
	assert_int_equal(f->s.nparked, 1);
	assert_true(f->s.dns_down);
}

static void test_parked_asked_again_when_it_answers(void **state)
{
	struct fixture *f = *state;

	outage_sent(&f->s, &f->ask[0]);
	outage_sent(&f->s, &f->ask[1]);
	outage_sent(&f->s, &f->ask[2]);
	assert_int_equal(outage_dns_take(&f->s, &f->ask[0], ARES_ECONNREFUSED), 1);
	assert_int_equal(outage_dns_take(&f->s, &f->ask[1], ARES_ETIMEOUT), 1);
	assert_int_equal(f->s.nparked, 2);
	/* An answer to a question under way: the resolver is back. */
	assert_int_equal(outage_dns_take(&f->s, &f->ask[2], ARES_SUCCESS), 0);
	assert_false(f->s.dns_down);
	assert_int_equal(f->s.nparked, 0);
	assert_int_equal(f->resent[0], 1);
	assert_int_equal(f->resent[1], 1);
	assert_int_equal(f->s.resolving, 2);
	/* Asked again after it answered, and silent again alone: the
	 * partner's timeout after all. */
	assert_int_equal(outage_dns_take(&f->s, &f->ask[1], ARES_ETIMEOUT), 0);
	assert_int_equal(f->s.dns_missed, 2);
}

static void test_given_up(void **state)
{
	struct fixture *f = *state;

	outage_sent(&f->s, &f->ask[0]);
	assert_int_equal(outage_dns_take(&f->s, &f->ask[0], ARES_ECONNREFUSED), 1);
	/* What the last canary's failure does. */
	f->s.dns_gave_up = 1;
	assert_false(outage_dns_usable(&f->s));
	/* A question already under way fails too: given up at once, ours. */
	outage_sent(&f->s, &f->ask[1]);
	assert_int_equal(outage_dns_take(&f->s, &f->ask[1], ARES_ETIMEOUT), 1);
	assert_int_equal(f->given_up[1], 1);
	assert_int_equal(f->theirs[1], 0);
}

static void test_summary(void **state)
{
	struct fixture *f = *state;
	char buf[512];

	outage_summary(&f->s, buf, sizeof buf);
	assert_string_equal(buf, "");
	snprintf(f->s.dns_reason, sizeof f->s.dns_reason,
		 "our resolver 127.0.0.1:53 did not answer (x)");
	f->sum.not_probed = 3;
	outage_summary(&f->s, buf, sizeof buf);
	assert_string_equal(buf, "this scan is incomplete: our resolver"
			    " 127.0.0.1:53 did not answer (x); 3 targets not"
			    " probed; run fedcert scan --resume");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connect_errors),
		cmocka_unit_test_setup_teardown(test_answers_are_theirs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_is_ours, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeout_ours_only_when_nothing_answered,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_parked_asked_again_when_it_answers,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_given_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_summary, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
