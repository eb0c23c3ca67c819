/* test_failure.c: the failure kinds' stored names are a contract
 * (the database and every report carry them): each kind has one name, no
 * two kinds share one, and a name reads back as its kind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "common/failure.h"

static void test_names_round_trip(void **state)
{
	int k, j;

	(void)state;
	assert_null(failure_name(FAIL_NONE));
	assert_null(failure_name(FAIL_KINDS));
	for (k = FAIL_NONE + 1; k < FAIL_KINDS; k++) {
		const char *n = failure_name((enum failure_kind)k);

		assert_non_null(n);
		assert_int_equal(failure_from_name(n), k);
		assert_true(failure_is(n, (enum failure_kind)k));
		for (j = k + 1; j < FAIL_KINDS; j++)
			assert_string_not_equal(n, failure_name((enum failure_kind)j));
	}
}

/* The names written before the enum existed, which old databases hold. */
static void test_stored_names(void **state)
{
	(void)state;
	assert_string_equal(failure_name(FAIL_REFUSED), "refused");
	assert_string_equal(failure_name(FAIL_CHAIN_TOO_LARGE), "chain_too_large");
	assert_string_equal(failure_name(FAIL_LOCAL_ERROR), "local_error");
	assert_string_equal(failure_name(FAIL_DNS_NOADDRESS), "dns_noaddress");
	assert_string_equal(failure_name(FAIL_SRV_NOT_AVAILABLE), "srv_not_available");
	assert_string_equal(failure_name(FAIL_INVALID_NAME), "invalid_name");
	assert_string_equal(failure_name(FAIL_NOT_PROBED), "not_probed");
}

static void test_unknown_and_none(void **state)
{
	(void)state;
	assert_int_equal(failure_from_name(NULL), FAIL_NONE);
	assert_int_equal(failure_from_name("srv_unsupported"), FAIL_KINDS);
	assert_true(failure_is(NULL, FAIL_NONE));
	assert_false(failure_is(NULL, FAIL_REFUSED));
	assert_false(failure_is("refused", FAIL_NONE));
	assert_false(failure_is("Refused", FAIL_REFUSED));
	assert_true(failure_is_probe_kind(FAIL_TIMEOUT));
	assert_false(failure_is_probe_kind(FAIL_DNS_TIMEOUT));
	assert_false(failure_is_probe_kind(FAIL_NONE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_round_trip),
		cmocka_unit_test(test_stored_names),
		cmocka_unit_test(test_unknown_and_none),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
