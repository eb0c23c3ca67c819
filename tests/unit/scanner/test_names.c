/* test_names.c: the host name and address literal rules of names.c, which
 * the targets reader and the SRV answers share: labels and their
 * characters, the length limits of common/fedcert_limits.h, names that
 * an address parser would read as an address, A-labels, either case, and
 * the canonical form of IPv4 and IPv6 literals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>

#include "fedcert_limits.h"
#include "scanner/names.h"

static void test_names_module(void **state)
{
	char out[64];

	(void)state;
	assert_true(names_is_valid_host("a"));
	assert_true(names_is_valid_host("Mixed-Case.example"));
	assert_true(names_is_valid_host("_sip._tls.example.com"));
	assert_true(names_is_valid_host("123.example.com"));
	assert_false(names_is_valid_host(""));
	assert_false(names_is_valid_host("a-.example"));
	assert_false(names_is_valid_host("a.-b"));
	assert_false(names_is_valid_host("a.example."));
	assert_false(names_is_valid_host("example.123"));
	assert_false(names_is_valid_host("2130706433"));
	assert_false(names_is_valid_host("*.example.com"));
	assert_true(names_is_ip_literal("192.0.2.1"));
	assert_true(names_is_ip_literal("[::1]"));
	assert_true(names_is_ip_literal("::1"));
	assert_false(names_is_ip_literal("[192.0.2.1]"));
	assert_false(names_is_ip_literal("192.0.2.256"));
	assert_false(names_is_ip_literal("[::1"));
	assert_false(names_is_ip_literal("example.com"));
	assert_int_equal(names_canon_ip_literal("[0:0::0:1]", out, sizeof(out)),
			 AF_INET6);
	assert_string_equal(out, "::1");
	assert_int_equal(names_canon_ip_literal("::1", out, 3), 0);
}

/* A name of labels of label bytes ('a'), dots between, total bytes in all
 * (the last label may be shorter). */
static void make_name(char *out, size_t total, size_t label)
{
	size_t i, run = 0;

	for (i = 0; i < total; i++) {
		if (run == label && i + 1 < total) {
			out[i] = '.';
			run = 0;
		} else {
			out[i] = 'a';
			run++;
		}
	}
	out[total] = '\0';
}

/* What a label may hold: letters, digits, '-' inside, '_' anywhere (SRV
 * owner names); nothing else, no empty label, no dot at either end. */
static void test_label_characters(void **state)
{
	static const char *const valid[] = {
		"example.com", "a-b.example", "a--b.example", "_sip._tls.example",
		"a_.example", "sip_1.example", "0.example", "a.b.c.d.e.f.example",
		"x1",
	};
	static const char *const invalid[] = {
		"-a.example", "a-.example", "a..example", ".example",
		"example.", "a b.example", "a\tb.example", "a/b.example",
		"a:b.example", "a@b.example", "a%b.example", "a*b.example",
		"b\xC3\xBC" "cher.example", "\xE4.example", "a\x7f.example",
		".", "..",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof valid / sizeof valid[0]; i++)
		if (!names_is_valid_host(valid[i]))
			fail_msg("refused \"%s\"", valid[i]);
	for (i = 0; i < sizeof invalid / sizeof invalid[0]; i++)
		if (names_is_valid_host(invalid[i]))
			fail_msg("accepted \"%s\"", invalid[i]);
}

/* FC_DNS_LABEL_MAX bytes a label, FC_DNS_NAME_MAX the name (no trailing
 * dot): the last byte that fits passes, one more does not. */
static void test_length_limits(void **state)
{
	char name[FC_DNS_NAME_MAX + 80];

	(void)state;
	assert_int_equal(FC_DNS_LABEL_MAX, 63);
	assert_int_equal(FC_DNS_NAME_MAX, 253);
	make_name(name, FC_DNS_LABEL_MAX, FC_DNS_LABEL_MAX);
	assert_true(names_is_valid_host(name));
	make_name(name, FC_DNS_LABEL_MAX + 1, FC_DNS_LABEL_MAX + 1);
	assert_false(names_is_valid_host(name));
	/* A long label inside a name, not only alone. */
	make_name(name, FC_DNS_LABEL_MAX, FC_DNS_LABEL_MAX);
	strcat(name, ".example");
	assert_true(names_is_valid_host(name));
	make_name(name, FC_DNS_LABEL_MAX + 1, FC_DNS_LABEL_MAX + 1);
	strcat(name, ".example");
	assert_false(names_is_valid_host(name));
	make_name(name, FC_DNS_NAME_MAX, FC_DNS_LABEL_MAX);
	assert_int_equal(strlen(name), FC_DNS_NAME_MAX);
	assert_true(names_is_valid_host(name));
	make_name(name, FC_DNS_NAME_MAX + 1, FC_DNS_LABEL_MAX);
	assert_false(names_is_valid_host(name));
	/* Short labels do not make a long name pass. */
	make_name(name, FC_DNS_NAME_MAX + 1, 1);
	assert_false(names_is_valid_host(name));
}

/* Nothing an address parser would read as an address passes as a name:
 * an all-digit last label, or anything inet_aton() takes (shortened,
 * octal, hexadecimal forms); digits elsewhere are fine. */
static void test_not_an_address(void **state)
{
	static const char *const addresses[] = {
		"192.0.2.1", "127.1", "10.1", "2130706433", "0x7f000001",
		"0x7f.1", "0177.0.0.1", "0x7f", "1.2.3", "example.com.99",
		"0",
	};
	static const char *const names[] = {
		"1.example", "192.0.2.1.example", "x.0x7f", "0x7g", "1a",
		"a1", "192-0-2-1.example", "0x", "example.c0m",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof addresses / sizeof addresses[0]; i++)
		if (names_is_valid_host(addresses[i]))
			fail_msg("took the address \"%s\" for a name",
				 addresses[i]);
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!names_is_valid_host(names[i]))
			fail_msg("refused the name \"%s\"", names[i]);
}

/* IDN: only the A-label (xn--) form, which is plain ASCII, in either case;
 * callers lowercase, the rule neither needs nor does it. */
static void test_a_labels_and_case(void **state)
{
	char name[] = "XN--Bcher-KVA.Example";

	(void)state;
	assert_true(names_is_valid_host("xn--bcher-kva.example"));
	assert_true(names_is_valid_host("sip.xn--mller-kva.example"));
	assert_true(names_is_valid_host(name));
	assert_string_equal(name, "XN--Bcher-KVA.Example"); /* untouched */
	assert_true(names_is_valid_host("SIP.EXAMPLE.COM"));
	/* The U-label and a label that ends in '-' are not names. */
	assert_false(names_is_valid_host("b\xC3\xBC" "cher.example"));
	assert_false(names_is_valid_host("xn--.example"));
}

/* Literals and their canonical inet_ntop() form: brackets only around
 * IPv6, no zone, no port, no shortened IPv4. */
static void test_ip_literals(void **state)
{
	static const struct {
		const char *in;
		int family;
		const char *canon;
	} cases[] = {
		{ "192.0.2.1", AF_INET, "192.0.2.1" },
		{ "0.0.0.0", AF_INET, "0.0.0.0" },
		{ "255.255.255.255", AF_INET, "255.255.255.255" },
		{ "2001:DB8:0:0:0:0:0:1", AF_INET6, "2001:db8::1" },
		{ "2001:0db8:0000:0000:0000:0000:0000:0001", AF_INET6,
		  "2001:db8::1" },
		{ "[2001:db8::2]", AF_INET6, "2001:db8::2" },
		{ "[::FFFF:192.0.2.1]", AF_INET6, "::ffff:192.0.2.1" },
		{ "::", AF_INET6, "::" },
		{ "192.0.2.01", 0, NULL },
		{ "127.1", 0, NULL },
		{ "0x7f000001", 0, NULL },
		{ "192.0.2.1:5061", 0, NULL },
		{ "[192.0.2.1]", 0, NULL },
		{ "[::1]:5061", 0, NULL },
		{ "fe80::1%eth0", 0, NULL },
		{ "::1]", 0, NULL },
		{ "[::1", 0, NULL },
		{ "[2001:db8::2", 0, NULL },
		{ "[]", 0, NULL },
		{ "", 0, NULL },
		{ " 192.0.2.1", 0, NULL },
		{ "1:2:3:4:5:6:7:8:9", 0, NULL },
		/* Longer than any address: refused before parsing. */
		{ "0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000", 0,
		  NULL },
	};
	char out[INET6_ADDRSTRLEN];
	size_t i;
	int family;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		strcpy(out, "unchanged");
		family = names_canon_ip_literal(cases[i].in, out, sizeof out);
		if (family != cases[i].family)
			fail_msg("\"%s\": family %d, not %d", cases[i].in,
				 family, cases[i].family);
		assert_int_equal(names_is_ip_literal(cases[i].in),
				 cases[i].family != 0);
		if (cases[i].canon != NULL)
			assert_string_equal(out, cases[i].canon);
	}
	/* out too small for the canonical form: 0, whatever the input. */
	assert_int_equal(names_canon_ip_literal("192.0.2.1", out, 9), 0);
	assert_int_equal(names_canon_ip_literal("192.0.2.1", out, 10), AF_INET);
	assert_string_equal(out, "192.0.2.1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_module),
		cmocka_unit_test(test_label_characters),
		cmocka_unit_test(test_length_limits),
		cmocka_unit_test(test_not_an_address),
		cmocka_unit_test(test_a_labels_and_case),
		cmocka_unit_test(test_ip_literals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
