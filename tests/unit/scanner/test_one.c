/* test_one.c: fedcert check's one target (one.c), without a network: the
 * row judged as a targets file's would be but with no file or line in its
 * reason, the range a bad port misses; what --connect-to and --sni
 * accept; the type names --type and the Type column share. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "scanner/scanner.h"

/* check_one TYPE HOST PORT: 0 or -1, the reason in err. */
static int check_one(const char *type, const char *host, const char *port,
		     int *literal, char *err, size_t errlen)
{
	err[0] = '\0';
	return targets_check_one(type, host, port, literal, err, errlen);
}

static void test_one_valid(void **state)
{
	char err[512];
	int literal = -1;

	(void)state;
	assert_int_equal(check_one("DIR", "sip.example.test", "5061", &literal,
				   err, sizeof(err)), 0);
	assert_int_equal(literal, 0);
	assert_int_equal(check_one("DIR", "127.0.0.1", NULL, &literal, err,
				   sizeof(err)), 0);
	assert_int_equal(literal, 1);
	assert_int_equal(check_one("DIR", "[::1]", "05061", &literal, err,
				   sizeof(err)), 0);
	assert_int_equal(literal, 1);
	assert_int_equal(check_one("FED", "Example.TEST.", NULL, NULL, err,
				   sizeof(err)), 0);
}

/* Each reason is a bad row's, with no "fedcert check:2:" before it: the
 * command line says which argument it was. */
static void test_one_refused(void **state)
{
	static const struct {
		const char *type, *host, *port, *reason;
	} bad[] = {
		{ "DIR", "127.0.0.1", "99999", "bad port \"99999\" (1-65535)" },
		{ "DIR", "127.0.0.1", "0", "bad port \"0\" (1-65535)" },
		{ "DIR", "127.0.0.1", "+5061", "bad port \"+5061\" (1-65535)" },
		{ "DIR", "127.0.0.1", "50 61", "bad port \"50 61\" (1-65535)" },
		{ "DIR", "", "5061", "empty domain" },
		{ "DIR", "a..b", NULL, "invalid domain name \"a..b\"" },
		{ "DIR", "bad,host", NULL, "invalid domain name \"bad,host\"" },
		{ "DIR", "two\nlines", NULL, "invalid domain name \"two?lines\"" },
		{ "DIR", "h\xc3\xa9.test", NULL,
		  "non-ASCII domain name (use the A-label xn-- form)" },
		{ "FED", "192.0.2.1", NULL, "an IP address is not a SIP domain" },
	};
	char err[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (check_one(bad[i].type, bad[i].host, bad[i].port, NULL, err,
			      sizeof(err)) != -1)
			fail_msg("accepted %s %s:%s", bad[i].type, bad[i].host,
				 bad[i].port ? bad[i].port : "");
		assert_string_equal(err, bad[i].reason);
	}
}

/* The reader of the one row is the file reader: one valid row, then the
 * end; its messages name the label given. */
static void test_one_reader(void **state)
{
	struct targets_reader *r;
	struct target_row row;
	char err[512], *mem = NULL;

	(void)state;
	r = targets_open_one("DIR", "Sip.Example.Test", "5062", "the target",
			     &mem, err, sizeof(err));
	assert_non_null(r);
	assert_non_null(mem);
	assert_int_equal(targets_next(r, &row, err, sizeof(err)), 1);
	assert_int_equal(row.is_error, 0);
	assert_int_equal(row.type, TARGET_DIR);
	assert_string_equal(row.domain, "sip.example.test");
	assert_int_equal(row.port, 5062);
	assert_int_equal(targets_next(r, &row, err, sizeof(err)), 0);
	targets_close(r);
	free(mem);
}

static void test_connect_to(void **state)
{
	static const char *const ok[] = {
		"127.0.0.1", "192.0.2.10:5061", "127.0.0.2:1", "127.0.0.2:65535",
		"::1", "[::1]", "[::1]:5061", "2001:db8::10",
		"[2001:db8::10]:5061", "::ffff:192.0.2.1", "127.0.0.1:05061",
	};
	static const char *const bad[] = {
		"", "sip.example.test", "sip.example.test:5061", "127.0.0.1:",
		"127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:+5061",
		"127.0.0.1: 5061", "127.0.0.1:x", ":5061", "127.0.0.256",
		"127.1", "[::1", "[::1]x", "[::1]:", "[::1]:0", "[]", "[]:5061",
		"[127.0.0.1]:5061", "[sip.example.test]:5061", "::1:5061:x",
		"2001:db8::10%eth0", "1.2.3.4:5061:5061",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (!scan_connect_to_is_valid(ok[i]))
			fail_msg("refused --connect-to %s", ok[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (scan_connect_to_is_valid(bad[i]))
			fail_msg("accepted --connect-to \"%s\"", bad[i]);
}

static void test_sni(void **state)
{
	static const char *const ok[] = {
		"sip.example.test", "SIP.Example.Test", "sip.example.test.",
		"localhost", "xn--bcher-kva.test", "_sip.example.test",
	};
	static const char *const bad[] = {
		"", ".", "127.0.0.1", "::1", "[::1]", "a..b", "-a.test",
		"h\xc3\xa9.test", "sip example.test", "sip.example.test..",
		"10.1", "2130706433",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (!scan_sni_is_valid(ok[i]))
			fail_msg("refused --sni %s", ok[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (scan_sni_is_valid(bad[i]))
			fail_msg("accepted --sni \"%s\"", bad[i]);
}

static void test_type_from_name(void **state)
{
	static const struct {
		const char *name;
		enum target_type type;
	} ok[] = {
		{ "FED", TARGET_FED }, { "fed", TARGET_FED },
		{ "Sip", TARGET_SIP }, { "sipint", TARGET_SIPINT },
		{ "SIPINT", TARGET_SIPINT }, { "dir", TARGET_DIR },
	};
	static const char *const bad[] = { "", "FEDX", "FE", "PSTN", "SIP ",
					   " DIR" };
	enum target_type type;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		type = (enum target_type)-1;
		assert_int_equal(target_type_from_name(ok[i].name, &type), 1);
		assert_int_equal(type, ok[i].type);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (target_type_from_name(bad[i], &type))
			fail_msg("accepted the type \"%s\"", bad[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_valid),
		cmocka_unit_test(test_one_refused),
		cmocka_unit_test(test_one_reader),
		cmocka_unit_test(test_connect_to),
		cmocka_unit_test(test_sni),
		cmocka_unit_test(test_type_from_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
