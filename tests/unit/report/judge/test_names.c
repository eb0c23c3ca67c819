/* test_names.c: RFC 6125 host name matching (report/judge/names.c), as a
 * table: wildcards, IDN A-labels, case, trailing dots, what never matches;
 * and which of a certificate's names count under each --profile.
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

/* ---- Which names count, per profile (name_match_cert()) ---------------- */

static void test_sip_uri_host(void **state)
{
	char buf[300];

	(void)state;
	assert_true(name_sip_uri_host("sip:contoso.com", buf, sizeof buf));
	assert_string_equal(buf, "contoso.com");
	assert_true(name_sip_uri_host("SIP:Contoso.com;transport=tls", buf,
				      sizeof buf));
	assert_string_equal(buf, "Contoso.com");
	assert_true(name_sip_uri_host("sip:contoso.com:5061", buf, sizeof buf));
	assert_string_equal(buf, "contoso.com");
	assert_false(name_sip_uri_host("sip:alice@contoso.com", buf, sizeof buf));
	assert_false(name_sip_uri_host("sips:contoso.com", buf, sizeof buf));
	assert_false(name_sip_uri_host("https://contoso.com/", buf, sizeof buf));
	assert_false(name_sip_uri_host("sip:", buf, sizeof buf));
	assert_false(name_sip_uri_host(NULL, buf, sizeof buf));
	assert_false(name_sip_uri_host("sip:contoso.com", buf, 5));
}

static const char *source_name(enum name_source s)
{
	static const char *const n[] = { "none", "sip", "dns", "cn" };

	return n[s];
}

/* One certificate's names (NULL-terminated lists) against ref, and what
 * each profile says: "X/dns" an exact match among the DNS names, "W/cn"
 * a wildcard CN, "N/sip" no match among the sip: URIs. */
static const struct {
	const char *dns[3], *uris[3], *cn, *ref;
	const char *sfb, *teams, *rfc;
} profile_cases[] = {
	/* Plain: every profile, among the DNS names. */
	{ { "sip.contoso.com" }, { NULL }, NULL, "sip.contoso.com",
	  "X/dns", "X/dns", "X/dns" },
	/* Wildcards: sfb says so, teams-dr accepts, rfc5922 never. */
	{ { "*.contoso.com" }, { NULL }, NULL, "sip.contoso.com",
	  "W/dns", "W/dns", "N/dns" },
	{ { NULL }, { NULL }, "*.contoso.com", "sip.contoso.com",
	  "W/cn", "W/cn", "N/cn" },
	{ { "*.contoso.com" }, { NULL }, NULL, "sbc.test.contoso.com",
	  "N/dns", "N/dns", "N/dns" },
	/* The CN beside DNS names: teams-dr only. */
	{ { "other.contoso.com" }, { NULL }, "sip.contoso.com",
	  "sip.contoso.com", "N/dns", "X/cn", "N/dns" },
	{ { "*.contoso.com" }, { NULL }, "sip.contoso.com",
	  "sip.contoso.com", "W/dns", "X/cn", "N/dns" },
	{ { NULL }, { NULL }, "sip.contoso.com", "sip.contoso.com",
	  "X/cn", "X/cn", "X/cn" },
	{ { NULL }, { NULL }, NULL, "sip.contoso.com",
	  "N/none", "N/none", "N/none" },
	/* sip: URIs: read first by rfc5922 only. */
	{ { "contoso.com" }, { "sip:contoso.com" }, NULL, "contoso.com",
	  "X/dns", "X/dns", "X/sip" },
	{ { "contoso.com" }, { "sip:fabrikam.com" }, NULL, "contoso.com",
	  "X/dns", "X/dns", "N/sip" },
	{ { NULL }, { "sip:contoso.com" }, "edge", "contoso.com",
	  "N/cn", "N/cn", "X/sip" },
	{ { "contoso.com" }, { "sip:bob@fabrikam.com", "http://x.example/" },
	  NULL, "contoso.com", "X/dns", "X/dns", "X/dns" },
	/* Suffixes match nowhere. */
	{ { "contoso.com" }, { NULL }, NULL, "sip.contoso.com",
	  "N/dns", "N/dns", "N/dns" },
	{ { "sip.contoso.com" }, { NULL }, NULL, "contoso.com",
	  "N/dns", "N/dns", "N/dns" },
	/* No name to check. */
	{ { "contoso.com" }, { NULL }, NULL, NULL,
	  "N/dns", "N/dns", "N/dns" },
};

static size_t count(const char *const *l)
{
	size_t n = 0;

	while (n < 3 && l[n] != NULL)
		n++;
	return n;
}

static void test_profile_table(void **state)
{
	static const enum report_profile profiles[] = {
		REPORT_PROFILE_SFB, REPORT_PROFILE_TEAMS_DR,
		REPORT_PROFILE_RFC5922 };
	struct name_verdict v;
	char got[16];
	size_t i, k, failed = 0;

	(void)state;
	for (i = 0; i < sizeof profile_cases / sizeof profile_cases[0]; i++) {
		const char *want[3] = { profile_cases[i].sfb,
					profile_cases[i].teams,
					profile_cases[i].rfc };
		struct name_ids ids = {
			.dns = (char *const *)profile_cases[i].dns,
			.ndns = count(profile_cases[i].dns),
			.uris = (char *const *)profile_cases[i].uris,
			.nuris = count(profile_cases[i].uris),
			.cn = profile_cases[i].cn,
		};

		for (k = 0; k < 3; k++) {
			name_match_cert(profiles[k], &ids, profile_cases[i].ref,
					&v);
			snprintf(got, sizeof got, "%c/%s",
				 "NXW"[v.match], source_name(v.source));
			if (strcmp(got, want[k]) != 0 ||
			    (v.match != NAME_NO_MATCH) != (v.presented != NULL)) {
				print_error("case %zu, --profile %s: got %s, "
					    "want %s\n", i,
					    report_profile_name(profiles[k]),
					    got, want[k]);
				failed++;
			}
		}
	}
	assert_int_equal(failed, 0);
}

static void test_profile_names(void **state)
{
	enum report_profile p = REPORT_PROFILE_SFB;

	(void)state;
	assert_int_equal(report_profile_parse("Teams-DR", &p), 0);
	assert_int_equal(p, REPORT_PROFILE_TEAMS_DR);
	assert_string_equal(report_profile_name(p), "teams-dr");
	assert_int_equal(report_profile_parse("rfc5922", &p), 0);
	assert_int_equal(p, REPORT_PROFILE_RFC5922);
	assert_int_equal(report_profile_parse("lync", &p), -1);
	assert_int_equal(report_profile_parse(NULL, &p), -1);
	assert_int_equal(p, REPORT_PROFILE_RFC5922);
	assert_string_equal(report_profile_name(REPORT_PROFILE_SFB), "sfb");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match_table),
		cmocka_unit_test(test_match_too_long),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_within),
		cmocka_unit_test(test_sip_uri_host),
		cmocka_unit_test(test_profile_table),
		cmocka_unit_test(test_profile_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
