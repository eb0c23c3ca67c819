/* test_map.c: the scanner's string-keyed map (map.c: separate chaining,
 * doubled when the entries outnumber the buckets): lookups, its own copy
 * of each key, growth, many keys, and what map_destroy() frees; retired
 * entries let go by map_trim(), least recently used first. */
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

static int release_all(void *value, const char *key, void *arg)
{
	(void)value;
	(void)key;
	(void)arg;
	return 0;
}

/* map_trim's release: records the order, frees nothing (the values are
 * the test's); stops at a key named "keep". */
struct released {
	char keys[16][32];
	size_t n;
};

static int record_release(void *value, const char *key, void *arg)
{
	struct released *r = arg;

	(void)value;
	if (strcmp(key, "keep") == 0)
		return 1;
	assert_true(r->n < 16);
	snprintf(r->keys[r->n++], sizeof r->keys[0], "%s", key);
	return 0;
}

/* Only retired entries go, the least recently used first: retired order,
 * changed by a lookup that finds one; an entry not retired (in flight)
 * stays however old. */
static void test_trim_lru(void **state)
{
	static const char *const keys[] = { "a", "b", "c", "d", "e" };
	int v[5];
	struct released r = { .n = 0 };
	struct map m;
	size_t i;

	(void)state;
	map_init(&m);
	for (i = 0; i < 5; i++)
		assert_int_equal(map_put(&m, keys[i], &v[i]), 0);
	/* "b" stays in flight; the others retire a, c, d, e. */
	map_retire(&m, "a");
	map_retire(&m, "c");
	map_retire(&m, "d");
	map_retire(&m, "e");
	map_retire(&m, "a");     /* twice: nothing */
	map_retire(&m, "absent"); /* not there: nothing */
	assert_int_equal(m.ndone, 4);
	/* Using "a" makes it the most recent: c goes first. */
	assert_ptr_equal(map_get(&m, "a"), &v[0]);
	assert_int_equal(map_trim(&m, 2, record_release, &r), 2);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.keys[0], "c");
	assert_string_equal(r.keys[1], "d");
	assert_int_equal(m.ndone, 2);
	assert_int_equal(m.count, 3);
	assert_null(map_get(&m, "c"));
	assert_null(map_get(&m, "d"));
	assert_ptr_equal(map_get(&m, "b"), &v[1]);
	/* Down to none: e, then a (used last). b is not retired: it stays. */
	assert_int_equal(map_trim(&m, 0, record_release, &r), 2);
	assert_string_equal(r.keys[2], "e");
	assert_string_equal(r.keys[3], "a");
	assert_int_equal(m.count, 1);
	assert_ptr_equal(map_get(&m, "b"), &v[1]);
	/* A key gone may be put again, and retired again. */
	assert_int_equal(map_put(&m, "c", &v[2]), 0);
	map_retire(&m, "c");
	assert_int_equal(m.ndone, 1);
	map_destroy(&m, NULL);
	assert_int_equal(m.ndone, 0);
	assert_null(m.done_head);
}

/* A release that keeps its entry ends the trim, and the entry stays the
 * least recently used. */
static void test_trim_kept(void **state)
{
	int v[3];
	struct released r = { .n = 0 };
	struct map m;

	(void)state;
	map_init(&m);
	assert_int_equal(map_put(&m, "keep", &v[0]), 0);
	assert_int_equal(map_put(&m, "x", &v[1]), 0);
	map_retire(&m, "keep");
	map_retire(&m, "x");
	assert_int_equal(map_trim(&m, 0, record_release, &r), 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(m.ndone, 2);
	assert_ptr_equal(map_get(&m, "keep"), &v[0]); /* now the most recent */
	assert_int_equal(map_trim(&m, 0, record_release, &r), 1);
	assert_string_equal(r.keys[0], "x");
	map_destroy(&m, NULL);
}

/* Many entries retired and trimmed in bulk: every key stays findable
 * until it goes, and the chains stay whole (a key removed from the middle
 * of a bucket's chain). */
static void test_trim_many(void **state)
{
	static int v[20000];
	struct map m;
	char key[32];
	size_t i;

	(void)state;
	map_init(&m);
	for (i = 0; i < 20000; i++) {
		snprintf(key, sizeof key, "h%zu.example.com", i);
		assert_int_equal(map_put(&m, key, &v[i]), 0);
		if (i % 2 == 0)
			map_retire(&m, key);
	}
	assert_int_equal(map_trim(&m, 1000, release_all, NULL), 9000);
	assert_int_equal(m.count, 11000);
	for (i = 0; i < 20000; i++) {
		snprintf(key, sizeof key, "h%zu.example.com", i);
		if (i % 2 == 1 || i >= 18000)
			assert_ptr_equal(map_get(&m, key), &v[i]);
		else
			assert_null(map_get(&m, key));
	}
	map_destroy(&m, NULL);
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
		cmocka_unit_test(test_trim_lru),
		cmocka_unit_test(test_trim_kept),
		cmocka_unit_test(test_trim_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
