/* test_open.c: what each open mode does to files that are missing,
 * empty, foreign, corrupt, current, in use or on a full disk. The file is
 * looked at from outside (its bytes, the directory beside it, a second
 * sqlite3 connection), the way a user would find it after the command.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store/store.h"

#include "support/store_fixture.h"

static const struct store_scan_info scan_info = {
	.input = "partners.csv", .options = "", .version = "test"
};

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* The whole file, for byte-for-byte comparisons; *len its size. */
static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* How many entries the fixture's directory holds (the database, and any
 * -wal, -shm or -journal beside it). */
static int dir_entries(const struct fixture *fx)
{
	struct dirent *de;
	DIR *d = opendir(fx->dir);
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static int exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

/* A fedcert database with one finished scan and one input error. */
static void make_current(const char *path)
{
	struct store *st = open_ok(path);
	int64_t scan = 0;

	assert_int_equal(store_scan_begin(st, &scan_info, &scan), 0);
	assert_int_equal(store_input_error_add(st, scan, 2, "bad row", "x"), 0);
	assert_int_equal(store_scan_finish(st, scan, "done"), 0);
	store_close(st);
}

/* Opening path in mode fails with a message that names the file and
 * holds want; the handle stays NULL. */
static void assert_refused(const char *path, enum store_mode mode,
			   const char *want)
{
	struct store *st = (struct store *)&st; /* must be reset to NULL */
	char err[512] = "";

	assert_int_equal(store_open_mode(path, mode, &st, err, sizeof(err)), -1);
	assert_null(st);
	if (strncmp(err, path, strlen(path)) != 0 || strstr(err, want) == NULL)
		fail_msg("opening %s: [%s] lacks the path or [%s]", path, err,
			 want);
}

/* The file holds exactly `before` (n bytes), which is then freed. */
static void assert_same_file(const char *path, unsigned char *before, size_t n)
{
	unsigned char *after;
	size_t n1;

	after = slurp(path, &n1);
	assert_int_equal(n, n1);
	assert_memory_equal(before, after, n);
	free(before);
	free(after);
}

/* Every mode refuses the fixture's file with want in the message, and
 * leaves it as it was, alone in its directory. */
static void assert_refused_untouched(const struct fixture *fx, const char *want)
{
	unsigned char *before;
	size_t n;

	before = slurp(fx->path, &n);
	assert_refused(fx->path, STORE_READ, want);
	assert_refused(fx->path, STORE_WRITE, want);
	assert_refused(fx->path, STORE_CREATE, want);
	assert_same_file(fx->path, before, n);
	assert_int_equal(dir_entries(fx), 1);
}

static void test_missing_stays_missing(void **state)
{
	struct fixture *fx = *state;

	assert_refused(fx->path, STORE_READ, "no such file (nothing was created)");
	assert_refused(fx->path, STORE_WRITE, "no such file (nothing was created)");
	assert_false(exists(fx->path));
	assert_int_equal(dir_entries(fx), 0);
	assert_refused(fx->dir, STORE_READ, "is a directory");
}

static void test_empty_file(void **state)
{
	struct fixture *fx = *state;
	struct stat sb;

	write_file(fx->path, "");
	assert_refused(fx->path, STORE_READ, "an empty file, not a fedcert database");
	assert_int_equal(stat(fx->path, &sb), 0);
	assert_int_equal(sb.st_size, 0);
	assert_int_equal(dir_entries(fx), 1);
	/* A scan may use one (made with touch, say). */
	store_close(open_ok(fx->path));
	assert_int_equal(query_int(fx->path, "PRAGMA application_id"), 0x46454443);
}

static void test_not_sqlite(void **state)
{
	struct fixture *fx = *state;

	write_file(fx->path, "Domain,Type,Port\nexample.com,FED,\nthis is a CSV"
			     " file, not a database, long enough for a header\n");
	assert_refused_untouched(fx, "not a SQLite database");
}

/* Another program's database: a scan must not add its tables to it, nor
 * turn it to WAL mode; a reader must not read it as an empty fedcert
 * file. */
static void test_foreign_database(void **state)
{
	struct fixture *fx = *state;
	unsigned char *before;
	char other[160];
	size_t n0;

	exec_sql(fx->path, "CREATE TABLE notes (id INTEGER PRIMARY KEY, text);"
			   "INSERT INTO notes (text) VALUES ('mine');");
	assert_refused_untouched(fx, "not a fedcert database");

	/* Another program's database in WAL mode stays in WAL mode (bytes
	 * 18 and 19 of the header are 2): nothing of ours touches it, not
	 * even on the way out. */
	snprintf(other, sizeof(other), "%s/wal.db", fx->dir);
	exec_sql(other, "PRAGMA journal_mode = WAL; CREATE TABLE notes (x);");
	assert_refused(other, STORE_CREATE, "not a fedcert database");
	assert_refused(other, STORE_WRITE, "not a fedcert database");
	before = slurp(other, &n0);
	assert_true(n0 > 20);
	assert_int_equal(before[18], 2);
	assert_int_equal(before[19], 2);
	free(before);

	/* Another program's id, no tables yet: still not ours. */
	snprintf(other, sizeof(other), "%s/other.db", fx->dir);
	exec_sql(other, "PRAGMA application_id = 1234");
	assert_refused(other, STORE_CREATE, "application id 0x000004d2");
	assert_int_equal(query_int(other, "SELECT count(*) FROM sqlite_master"), 0);
}

/* A reader leaves the file as it found it: the same bytes, nothing
 * beside it, and it cannot write. */
static void test_reader_changes_nothing(void **state)
{
	struct fixture *fx = *state;
	unsigned char *before;
	struct store *st = NULL;
	int64_t latest = 0, scan = 0;
	char err[512] = "";
	size_t n0;

	make_current(fx->path);
	assert_int_equal(dir_entries(fx), 1);
	before = slurp(fx->path, &n0);
	assert_int_equal(store_open_mode(fx->path, STORE_READ, &st, err,
					 sizeof(err)), 0);
	assert_int_equal(store_scan_latest(st, &latest), 0);
	assert_true(latest > 0);
	assert_int_equal(dir_entries(fx), 1);
	assert_int_equal(store_scan_begin(st, &scan_info, &scan), -1);
	assert_non_null(strstr(store_errmsg(st), fx->path));
	store_close(st);
	assert_same_file(fx->path, before, n0);
	assert_int_equal(dir_entries(fx), 1);
}

/* While a scan writes, a report reads what it committed; once the writer
 * closes, the file is at rest again with nothing beside it. */
static void test_reader_beside_writer(void **state)
{
	struct fixture *fx = *state;
	struct store *w = NULL, *r = NULL;
	int64_t scan = 0, latest = 0;
	char err[512] = "";

	make_current(fx->path);
	w = open_ok(fx->path);
	assert_int_equal(store_scan_begin(w, &scan_info, &scan), 0);
	assert_int_equal(store_flush(w), 0);
	assert_int_equal(store_open_mode(fx->path, STORE_READ, &r, err,
					 sizeof(err)), 0);
	assert_int_equal(store_scan_latest(r, &latest), 0);
	assert_int_equal(latest, scan);
	store_close(r);
	assert_int_equal(store_scan_finish(w, scan, "done"), 0);
	store_close(w);
	assert_int_equal(dir_entries(fx), 1);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM scan"), 2);
}

static void test_newer_and_older_for_readers(void **state)
{
	struct fixture *fx = *state;
	char sql[64], want[300];
	struct store *st = NULL;
	char err[512] = "";

	make_current(fx->path);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
		 store_schema_version() + 1);
	exec_sql(fx->path, sql);
	assert_refused(fx->path, STORE_READ, "is newer than this fedcert");

	/* One step behind (as a file of the release before would be): the
	 * reader names the command that upgrades it and changes nothing. */
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
		 store_schema_version() - 1);
	exec_sql(fx->path, sql);
	snprintf(want, sizeof(want), "upgrade it with 'fedcert upgrade --db %s'",
		 fx->path);
	assert_refused(fx->path, STORE_READ, want);
	assert_int_equal(query_int(fx->path, "PRAGMA user_version"),
			 store_schema_version() - 1);
	assert_int_equal(dir_entries(fx), 1);

	/* Back to current: readable again. */
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
		 store_schema_version());
	exec_sql(fx->path, sql);
	assert_int_equal(store_open_mode(fx->path, STORE_READ, &st, err,
					 sizeof(err)), 0);
	assert_int_equal(store_version_found(st), store_schema_version());
	store_close(st);
}

/* A file whose pages are damaged: the message says which file. */
static void test_corrupt_names_the_file(void **state)
{
	struct fixture *fx = *state;
	struct store *st = NULL;
	char err[512] = "", junk[4096];
	int64_t latest = 0;
	FILE *f;
	long page;

	make_current(fx->path);
	/* Every page but the first (the header and the schema) becomes
	 * noise. */
	memset(junk, 0x5a, sizeof(junk));
	f = fopen(fx->path, "r+b");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	page = (long)query_int(fx->path, "PRAGMA page_size");
	for (long off = page; off < ftell(f); off += page) {
		assert_int_equal(fseek(f, off, SEEK_SET), 0);
		assert_int_equal(fwrite(junk, 1, (size_t)page, f), (size_t)page);
		assert_int_equal(fseek(f, 0, SEEK_END), 0);
	}
	fclose(f);
	if (store_open_mode(fx->path, STORE_READ, &st, err, sizeof(err)) != 0) {
		assert_non_null(strstr(err, fx->path));
		return;
	}
	assert_int_equal(store_scan_latest(st, &latest), -1);
	assert_non_null(strstr(store_errmsg(st), fx->path));
	assert_non_null(strstr(store_errmsg(st), "malformed"));
	store_close(st);
}

/* FEDCERT_STORE_MAX_PAGES: a full disk as SQLite sees one (SQLITE_FULL),
 * without a small file system to mount. What was committed before stays. */
static void test_full_seam(void **state)
{
	struct fixture *fx = *state;
	struct store *st;
	int64_t scan = 0;
	char raw[200];
	long i;
	int rc = 0;

	assert_int_equal(setenv("FEDCERT_STORE_MAX_PAGES", "40", 1), 0);
	st = open_ok(fx->path);
	assert_int_equal(store_scan_begin(st, &scan_info, &scan), 0);
	assert_int_equal(store_flush(st), 0);
	memset(raw, 'r', sizeof(raw) - 1);
	raw[sizeof(raw) - 1] = '\0';
	for (i = 1; i < 100000 && rc == 0; i++)
		rc = store_input_error_add(st, scan, i, "bad row", raw);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(store_errmsg(st), "full"));
	assert_non_null(strstr(store_errmsg(st), fx->path));
	store_close(st);
	unsetenv("FEDCERT_STORE_MAX_PAGES");
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM scan"), 1);
	assert_int_equal(query_int(fx->path, "SELECT count(*) FROM sqlite_master"
				   " WHERE name = 'scan'"), 1);

	assert_int_equal(setenv("FEDCERT_STORE_MAX_PAGES", "many", 1), 0);
	assert_refused(fx->path, STORE_WRITE, "FEDCERT_STORE_MAX_PAGES must be");
	unsetenv("FEDCERT_STORE_MAX_PAGES");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_missing_stays_missing, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_empty_file, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_not_sqlite, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_foreign_database, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_reader_changes_nothing, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_reader_beside_writer, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_newer_and_older_for_readers, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_names_the_file, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_full_seam, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
