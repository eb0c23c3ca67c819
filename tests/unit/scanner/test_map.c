/* test_map.c: the scanner's string-keyed map (map.c: separate chaining,
 * doubled when the entries outnumber the buckets): lookups, its own copy
 * of each key, growth, many keys, and what map_destroy() frees. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scanner/map.h"

/* The buckets the map starts with on its first key (map.c). */
#define INITIAL_BUCKETS 64

static void test_empty(void **state)
{
	struct map m;

	(void)state;
	map_init(&m);
	assert_null(map_get(&m, "sip.example.com"));
	assert_null(map_get(&m, ""));
	assert_int_equal(m.count, 0);
	assert_int_equal(m.nbuckets, 0);
	map_destroy(&m, NULL);
	assert_null(m.buckets);
}

/* Keys are compared whole and byte for byte: case, a prefix, an empty
 * key and the strings the scanner uses ("address|port|sni") differ. */
static void test_put_get(void **state)
{
	static const char *const keys[] = {
		"sip.example.com", "SIP.example.com", "sip.example.co",
		"sip.example.com.", "", "192.0.2.1|5061|sip.example.com",
		"192.0.2.1|5061|", "_sipfederationtls._tcp.example.com",
	};
	int values[sizeof keys / sizeof keys[0]];
	struct map m;
	size_t i;

	(void)state;
	map_init(&m);
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
		assert_int_equal(map_put(&m, keys[i], &values[i]), 0);
	assert_int_equal(m.count, sizeof keys / sizeof keys[0]);
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
		assert_ptr_equal(map_get(&m, keys[i]), &values[i]);
	assert_null(map_get(&m, "sip.example"));
	assert_null(map_get(&m, "sip.example.com "));
	assert_null(map_get(&m, "192.0.2.1|5061"));
	map_destroy(&m, NULL);
	assert_int_equal(m.count, 0);
}

/* map_put_key answers the map's own copy: equal to the key, not the
 * caller's buffer, alive until map_destroy() whatever came after. */
static void test_own_copy_of_key(void **state)
{
	char buf[64];
	const char *copy;
	int value = 7;
	struct map m;
	int i;

	(void)state;
	map_init(&m);
	strcpy(buf, "pool.example.net");
	copy = map_put_key(&m, buf, &value);
	assert_non_null(copy);
	assert_ptr_not_equal(copy, buf);
	assert_string_equal(copy, "pool.example.net");
	strcpy(buf, "overwritten.example");
	assert_string_equal(copy, "pool.example.net");
	assert_ptr_equal(map_get(&m, "pool.example.net"), &value);
	assert_null(map_get(&m, buf));
	/* Growth moves entries between buckets, not the keys. */
	for (i = 0; i < 10 * INITIAL_BUCKETS; i++) {
		snprintf(buf, sizeof buf, "host%d.example", i);
		assert_int_equal(map_put(&m, buf, NULL), 0);
	}
	assert_string_equal(copy, "pool.example.net");
	assert_ptr_equal(map_get(&m, copy), &value);
	map_destroy(&m, NULL);
}

/* The buckets: none before the first key, INITIAL_BUCKETS with it, then
 * doubled each time the entries would outnumber them. */
static void test_growth(void **state)
{
	char key[32];
	struct map m;
	size_t i, want;

	(void)state;
	map_init(&m);
	for (i = 0; i < 4 * INITIAL_BUCKETS + 1; i++) {
		snprintf(key, sizeof key, "k%zu", i);
		assert_int_equal(map_put(&m, key, NULL), 0);
		/* i + 1 keys: the smallest power of two >= INITIAL_BUCKETS
		 * that holds them one per bucket. */
		for (want = INITIAL_BUCKETS; want < i + 1; want *= 2)
			;
		if (m.nbuckets != want)
			fail_msg("%zu keys: %zu buckets, not %zu", i + 1,
				 m.nbuckets, want);
		assert_int_equal(m.count, i + 1);
	}
	assert_int_equal(m.nbuckets, 8 * INITIAL_BUCKETS);
	map_destroy(&m, NULL);
	assert_int_equal(m.nbuckets, 0);
}

/* Many keys, as a large scan has endpoints: every one found with its
 * value after all the growing, none that was not put. */
static void test_many_keys(void **state)
{
	const size_t n = 100000;
	size_t *values = calloc(n, sizeof *values);
	char key[64];
	struct map m;
	size_t i;

	(void)state;
	assert_non_null(values);
	map_init(&m);
	for (i = 0; i < n; i++) {
		values[i] = i;
		snprintf(key, sizeof key, "192.0.%zu.%zu|5061|sip%zu.example",
			 i / 256, i % 256, i);
		assert_int_equal(map_put(&m, key, &values[i]), 0);
	}
	assert_int_equal(m.count, n);
	assert_true(m.nbuckets >= n);
	assert_int_equal(m.nbuckets & (m.nbuckets - 1), 0);
	for (i = 0; i < n; i++) {
		size_t *v;

		snprintf(key, sizeof key, "192.0.%zu.%zu|5061|sip%zu.example",
			 i / 256, i % 256, i);
		v = map_get(&m, key);
		if (v == NULL || *v != i)
			fail_msg("%s: %s", key, v == NULL ? "missing"
							  : "another value");
	}
	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof key, "192.0.%zu.%zu|5061|sip%zu.example",
			 i / 256, i % 256, i + 1);
		assert_null(map_get(&m, key));
	}
	map_destroy(&m, NULL);
	free(values);
}

static void count_free(void *value)
{
	(*(int *)value)++;
}

/* map_destroy() hands every value to free_value once, frees the keys and
 * the buckets, and leaves an empty map that can be used again. */
static void test_destroy(void **state)
{
	int freed[300] = { 0 };
	char key[32];
	struct map m;
	size_t i;

	(void)state;
	map_init(&m);
	for (i = 0; i < 300; i++) {
		snprintf(key, sizeof key, "target-%zu", i);
		assert_int_equal(map_put(&m, key, &freed[i]), 0);
	}
	map_destroy(&m, count_free);
	for (i = 0; i < 300; i++)
		if (freed[i] != 1)
			fail_msg("value %zu freed %d times", i, freed[i]);
	assert_null(m.buckets);
	assert_int_equal(m.count, 0);
	assert_int_equal(m.nbuckets, 0);
	assert_null(map_get(&m, "target-0"));
	assert_int_equal(map_put(&m, "target-0", &freed[0]), 0);
	assert_ptr_equal(map_get(&m, "target-0"), &freed[0]);
	map_destroy(&m, count_free);
	assert_int_equal(freed[0], 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_put_get),
		cmocka_unit_test(test_own_copy_of_key),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_many_keys),
		cmocka_unit_test(test_destroy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
