/* test_seen.c: the fingerprints of what a scan let go of (seen.c, a Bloom
 * filter in growing layers): no key added is ever missed, kinds keep equal
 * spellings apart, the false positives stay near the 1% per layer it is
 * sized for, and its size is what seen.h says. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scanner/seen.h"

static void test_empty(void **state)
{
	struct seen f;

	(void)state;
	seen_init(&f);
	assert_int_equal(seen_maybe(&f, 1, "sip.example.com"), 0);
	assert_int_equal(seen_bytes(&f), 0);
	seen_free(&f);
}

/* A million keys across the layers: every one found; of a million
 * others, at most 1% per layer answer "maybe". */
static void test_million(void **state)
{
	struct seen f;
	char key[64];
	size_t i, maybe = 0;

	(void)state;
	seen_init(&f);
	for (i = 0; i < 1000000; i++) {
		snprintf(key, sizeof key, "h%zu.wide.example", i);
		assert_int_equal(seen_add(&f, 1, key), 0);
	}
	assert_int_equal(f.count, 1000000);
	/* 64K, 128K, 256K, 512K, then the 1M layer that is filling. */
	assert_int_equal(f.nlayers, 5);
	for (i = 0; i < 1000000; i++) {
		snprintf(key, sizeof key, "h%zu.wide.example", i);
		if (!seen_maybe(&f, 1, key))
			fail_msg("key %zu added and not found", i);
	}
	for (i = 0; i < 1000000; i++) {
		snprintf(key, sizeof key, "n%zu.other.example", i);
		maybe += (size_t)seen_maybe(&f, 1, key);
	}
	print_message("false positives: %zu of 1,000,000 (%zu bytes)\n", maybe,
		      seen_bytes(&f));
	assert_true(maybe < 5 * 10000);
	/* 10 bits per key of every layer's capacity: (64K + ... + 1M) keys. */
	assert_int_equal(seen_bytes(&f), (size_t)(65536 * 31) * 10 / 8);
	seen_free(&f);
}

/* The kind is part of the key: a host and an endpoint of the same
 * spelling are told apart (but for the filter's false positives). */
static void test_kinds(void **state)
{
	struct seen f;
	char key[64];
	size_t i, both = 0;

	(void)state;
	seen_init(&f);
	for (i = 0; i < 10000; i++) {
		snprintf(key, sizeof key, "192.0.2.%zu|5061|sip%zu.example", i % 256, i);
		assert_int_equal(seen_add(&f, 3, key), 0);
	}
	for (i = 0; i < 10000; i++) {
		snprintf(key, sizeof key, "192.0.2.%zu|5061|sip%zu.example", i % 256, i);
		assert_int_equal(seen_maybe(&f, 3, key), 1);
		both += (size_t)seen_maybe(&f, 1, key);
	}
	assert_true(both < 200);
	seen_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_million),
		cmocka_unit_test(test_kinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
