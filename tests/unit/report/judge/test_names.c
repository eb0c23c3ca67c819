/* test_names.c: RFC 6125 host name matching (report/judge/names.c), as a
 * table: wildcards, IDN A-labels, case, trailing dots, what never matches.
 * How CN-only certificates and SAN IP addresses are treated is judged on
 * real certificates in test_checks_cert.c (test_name_*).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "report/judge/names.h"

#define X NAME_MATCH_EXACT
#define W NAME_MATCH_WILDCARD
#define N NAME_NO_MATCH

static const struct {
	const char *presented; /* from the certificate */
	const char *host;      /* what we connected to */
	enum name_match want;
} cases[] = {
	/* Exact, any case, one trailing dot on either side. */
	{ "sip.contoso.com", "sip.contoso.com", X },
	{ "SIP.Contoso.COM", "sip.contoso.com", X },
	{ "sip.contoso.com", "SIP.CONTOSO.COM", X },
	{ "sip.contoso.com.", "sip.contoso.com", X },
	{ "sip.contoso.com", "sip.contoso.com.", X },
	{ "sip.contoso.com.", "sip.contoso.com.", X },
	{ "sip.contoso.com..", "sip.contoso.com", N },
	{ "sip.contoso.com", "sip.contoso.co", N },
	{ "sip.contoso.com", "ip.contoso.com", N },
	{ "sip.contoso.com", "sip.contoso.com.au", N },
	{ "contoso.com", "sip.contoso.com", N },
	{ "localhost", "localhost", X },
	/* Wildcards: one whole left-most label, exactly one label. */
	{ "*.contoso.com", "sip.contoso.com", W },
	{ "*.Contoso.COM", "SIP.contoso.com", W },
	{ "*.contoso.com.", "sip.contoso.com", W },
	{ "*.contoso.com", "contoso.com", N },
	{ "*.contoso.com", "a.b.contoso.com", N },
	{ "*.contoso.com", ".contoso.com", N },
	{ "*.sip.contoso.com", "edge.sip.contoso.com", W },
	/* Not in a public-suffix position: two labels after it at least. */
	{ "*.com", "contoso.com", N },
	{ "*.com.", "contoso.com", N },
	{ "*.local", "sip.local", N },
	{ "*", "contoso", N },
	{ "*.", "contoso.com", N },
	/* Partial and misplaced wildcards match nothing. */
	{ "f*.contoso.com", "foo.contoso.com", N },
	{ "*oo.contoso.com", "foo.contoso.com", N },
	{ "f*o.contoso.com", "foo.contoso.com", N },
	{ "*xb.contoso.com", "q.b.contoso.com", N },
	{ "sip.*.com", "sip.contoso.com", N },
	{ "*.*.contoso.com", "a.b.contoso.com", N },
	{ "**.contoso.com", "sip.contoso.com", N },
	{ "*.contoso.*", "sip.contoso.com", N },
	/* IDN in A-label form: compared as ASCII; a wildcard never stands
	 * for an A-label (RFC 6125 6.4.3: SHOULD NOT; we do not). */
	{ "xn--bcher-kva.example.com", "xn--bcher-kva.example.com", X },
	{ "XN--BCHER-KVA.example.com", "xn--bcher-kva.example.com", X },
	{ "*.example.com", "xn--bcher-kva.example.com", N },
	{ "*.example.com", "XN--bcher-kva.example.com", N },
	{ "*.xn--bcher-kva.example", "sip.xn--bcher-kva.example", W },
	{ "xn--bcher-kva.example.com", "bücher.example.com", N },
	{ "bücher.example.com", "xn--bcher-kva.example.com", N },
	/* A SAN that looks like an address, against a name: only as text. */
	{ "*.0.2.10", "192.0.2.10", N },
	{ "*.0.0.127", "127.0.0.127", N },
	/* Empty and broken inputs. */
	{ "", "sip.contoso.com", N },
	{ ".", "sip.contoso.com", N },
	{ "sip.contoso.com", "", N },
	{ "sip..contoso.com", "sip..contoso.com", N },
	{ "*.contoso.com", "*.contoso.com", N },
	{ NULL, "sip.contoso.com", N },
	{ "sip.contoso.com", NULL, N },
};

static void test_match_table(void **state)
{
	size_t i, failed = 0;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		enum name_match got = name_match_dns(cases[i].presented,
						     cases[i].host);

		if (got != cases[i].want) {
			print_error("%s vs %s: got %d, want %d\n",
				    cases[i].presented ? cases[i].presented : "NULL",
				    cases[i].host ? cases[i].host : "NULL",
				    got, cases[i].want);
			failed++;
		}
	}
	assert_int_equal(failed, 0);
}

/* Longer than a DNS name can be: never a match, even when equal. */
static void test_match_too_long(void **state)
{
	char name[300];

	(void)state;
	memset(name, 'a', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	name[63] = name[127] = name[191] = '.';
	assert_int_equal(name_match_dns(name, name), N);
	name[253] = '\0'; /* 253 bytes: the longest name */
	assert_int_equal(name_match_dns(name, name), X);
}

static void test_equal(void **state)
{
	(void)state;
	assert_true(name_equal("sip.contoso.com", "SIP.contoso.com."));
	assert_false(name_equal("sip.contoso.com", "sip2.contoso.com"));
	assert_false(name_equal("sip.contoso.com", NULL));
	assert_false(name_equal("", ""));
}

static void test_within(void **state)
{
	(void)state;
	assert_true(name_is_within("sip.contoso.com", "contoso.com"));
	assert_true(name_is_within("contoso.com", "contoso.com"));
	assert_true(name_is_within("SIP.Contoso.com.", "contoso.COM"));
	assert_true(name_is_within("a.b.contoso.com", "contoso.com."));
	assert_false(name_is_within("sip.hosted.net", "contoso.com"));
	assert_false(name_is_within("badcontoso.com", "contoso.com"));
	assert_false(name_is_within("contoso.com", "sip.contoso.com"));
	assert_false(name_is_within(".contoso.com", "contoso.com"));
	assert_false(name_is_within("sip.contoso.com", ""));
	assert_false(name_is_within(NULL, "contoso.com"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match_table),
		cmocka_unit_test(test_match_too_long),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_within),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
