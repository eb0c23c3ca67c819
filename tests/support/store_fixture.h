/* support/store_fixture.h: what the store's unit tests share: a temporary
 * directory per test (fx_setup/fx_teardown, for
 * cmocka_unit_test_setup_teardown) with dir/audit.db as the database path,
 * and a second, plain sqlite3 connection to look at the file the way a
 * user of SCHEMA.md would. Failures fail the test (cmocka).
 */
#ifndef FEDCERT_TEST_SUPPORT_STORE_FIXTURE_H
#define FEDCERT_TEST_SUPPORT_STORE_FIXTURE_H

#include <stdint.h>

#include "store/store.h"

struct fixture {
	char dir[64];
	char path[128]; /* dir/audit.db */
};

/* cmocka setup: *state is a new struct fixture, its directory made.
 * -1 when it cannot be. */
int fx_setup(void **state);

/* cmocka teardown: removes every file of the directory, the directory
 * and the fixture. */
int fx_teardown(void **state);

/* store_open(path), which must succeed. The caller closes it. */
struct store *open_ok(const char *path);

/* One integer from a second connection, as the sqlite3 shell sees it. */
int64_t query_int(const char *path, const char *sql);

/* Runs sql on the file through a second connection; fails the test with
 * SQLite's message. */
void exec_sql(const char *path, const char *sql);

#endif
