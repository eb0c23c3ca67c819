/* test_options.c: report_run()'s options through a real database:
 * --min-severity and --only shape what is shown, --fail-on's flag looks at
 * what is shown, --now and --warn-days reach the judge, --ca-file and
 * --ca-path are read (or refused, naming the file); and `fedcert
 * findings`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <openssl/pem.h>

#include "report/report.h"
#include "support/cert.h"
#include "support/report_db.h"

/* Whether a "  [severity] id: " comment line is in the text report. */
static int has_comment(const char *s, const char *severity, const char *id)
{
	char line[96];

	snprintf(line, sizeof line, "\n  [%s] %s: ", severity, id);
	return strstr(s, line) != NULL;
}

/* --min-severity and --only shape the list; --fail-on looks at what is
 * shown; the Result line keeps every finding. */
static void test_run_filters_and_flagged(void **state)
{
	static const char *const connect[] = { "connect_failed" };
	static const char *const name[] = { "name_match" };
	struct report_options opts = run_options(REPORT_TEXT);
	char thumb[THUMB_LINE_MAX];
	struct run_db db;
	struct capture c;
	const char *s;
	int64_t scan_id;
	int flagged;
	(void)state;

	run_db_open(&db);
	run_db_fill(db.st, &scan_id, thumb);
	s = run_report(&db, &opts, &c, &flagged);
	assert_true(has_comment(s, "info", "name_match"));
	assert_true(has_comment(s, "warning", "expires_soon"));
	assert_true(has_comment(s, "error", "connect_failed"));
	assert_int_equal(flagged, 0);
	capture_free(&c);

	opts.only = connect;
	opts.nonly = 1;
	opts.fail_on = SEVERITY_ERROR;
	s = run_report(&db, &opts, &c, &flagged);
	assert_true(has_comment(s, "error", "connect_failed"));
	assert_false(has_comment(s, "info", "name_match"));
	assert_false(has_comment(s, "error", "self_signed"));
	assert_false(has_comment(s, "error", "srv_missing"));
	assert_non_null(strstr(s, "\nResult: FAIL (3 errors, 1 warning) "));
	assert_int_equal(flagged, 1);
	capture_free(&c);

	/* An info finding alone does not fail an error threshold... */
	opts.only = name;
	s = run_report(&db, &opts, &c, &flagged);
	assert_true(has_comment(s, "info", "name_match"));
	assert_null(strstr(s, "[error]"));
	assert_int_equal(flagged, 0);
	capture_free(&c);
	/* ...but does fail an info one. */
	opts.fail_on = SEVERITY_INFO;
	run_report(&db, &opts, &c, &flagged);
	assert_int_equal(flagged, 1);
	capture_free(&c);

	/* Nothing shown, nothing flagged, whatever the threshold. */
	opts.min_severity = SEVERITY_ERROR;
	s = run_report(&db, &opts, &c, &flagged);
	assert_null(strstr(s, "Comments:"));
	assert_int_equal(flagged, 0);
	capture_free(&c);

	opts.only = NULL;
	opts.nonly = 0;
	opts.fail_on = SEVERITY_WARNING;
	s = run_report(&db, &opts, &c, &flagged);
	assert_null(strstr(s, "[info]"));
	assert_null(strstr(s, "[warning]"));
	assert_true(has_comment(s, "error", "self_signed"));
	assert_int_equal(flagged, 1);
	capture_free(&c);
	run_db_close(&db);
}

/* The time and the warning window reach the judge: a year later the leaf
 * has expired; with a window shorter than its day left nothing is soon. */
static void test_run_now_and_warn_days(void **state)
{
	struct report_options opts = run_options(REPORT_TEXT);
	char thumb[THUMB_LINE_MAX];
	struct run_db db;
	struct capture c;
	const char *s;
	int64_t scan_id;
	int flagged;
	(void)state;

	run_db_open(&db);
	run_db_fill(db.st, &scan_id, thumb);
	opts.now = time(NULL) + 365L * 86400;
	s = run_report(&db, &opts, &c, &flagged);
	assert_true(has_comment(s, "error", "expired"));
	assert_false(has_comment(s, "warning", "expires_soon"));
	capture_free(&c);
	opts.now = time(NULL) - 3 * 86400;
	opts.warn_days = 2;
	s = run_report(&db, &opts, &c, &flagged);
	assert_true(has_comment(s, "error", "not_yet_valid"));
	assert_false(has_comment(s, "warning", "expires_soon"));
	capture_free(&c);
	run_db_close(&db);
}

/* --ca-file / --ca-path: an unreadable trust store is an error that names
 * it, before anything is written; a readable one is used. */
static void test_run_trust_store(void **state)
{
	struct report_options opts = run_options(REPORT_TEXT);
	char thumb[THUMB_LINE_MAX], pem[128], err[256];
	struct run_db db;
	struct capture c;
	struct tcert_spec root_spec = {
		.cn = "Test Root", .bare = 1, .now = time(NULL),
		.set_validity = 1, .to_days = 90,
	};
	X509 *root;
	int64_t scan_id;
	int flagged;
	FILE *f;
	(void)state;

	run_db_open(&db);
	run_db_fill(db.st, &scan_id, thumb);
	opts.ca_file = "/nonexistent/roots.pem";
	capture_open(&c);
	assert_int_equal(report_run(db.st, &opts, c.f, &flagged, err,
				    sizeof err), -1);
	assert_non_null(strstr(err, "reading the trust store "
				    "/nonexistent/roots.pem: "));
	opts.ca_file = NULL;
	opts.ca_path = db.path; /* a file, not a directory */
	assert_int_equal(report_run(db.st, &opts, c.f, &flagged, err,
				    sizeof err), -1);
	assert_non_null(strstr(err, ": not a directory"));
	assert_string_equal(capture_close(&c), "");
	capture_free(&c);

	root = tcert_x509(&root_spec);
	snprintf(pem, sizeof pem, "%s/roots.pem", db.dir);
	f = fopen(pem, "w");
	assert_non_null(f);
	assert_int_equal(PEM_write_X509(f, root), 1);
	assert_int_equal(fclose(f), 0);
	opts.ca_file = pem;
	opts.ca_path = db.dir;
	opts.chain = 1;
	assert_non_null(strstr(run_report(&db, &opts, &c, &flagged),
			       "\n      Verified: NO (self-signed, not in the "
			       "trust store)\n"));
	capture_free(&c);
	remove(pem);
	X509_free(root);
	run_db_close(&db);
}

/* `fedcert findings`: one line per registry entry, in its order, the
 * severity and the scope each in a column of its own, then the why. */
static void test_list_findings(void **state)
{
	const struct finding_def *defs;
	struct capture c;
	const char *s, *line, *nl, *sev;
	size_t n, i, col = 0, len;
	(void)state;

	defs = findings_registry(&n);
	assert_true(n > 0);
	capture_open(&c);
	report_list_findings(c.f);
	s = capture_close(&c);
	for (i = 0, line = s; i < n; i++, line = nl + 1) {
		nl = strchr(line, '\n');
		assert_non_null(nl);
		len = strlen(defs[i].id);
		assert_true(strncmp(line, defs[i].id, len) == 0);
		assert_int_equal(line[len], ' ');
		sev = finding_severity_name(defs[i].severity);
		if (i == 0)
			col = len + strspn(line + len, " ");
		assert_true(strncmp(line + col, sev, strlen(sev)) == 0);
		assert_non_null(strstr(line, defs[i].per_target
						     ? "  per-target    "
						     : "  per-endpoint  "));
		len = strlen(defs[i].why);
		assert_true((size_t)(nl - line) > len);
		assert_true(strncmp(nl - len, defs[i].why, len) == 0);
	}
	assert_string_equal(line, "");
	capture_free(&c);
	assert_true(report_is_finding_id("name_mismatch"));
	assert_true(report_is_finding_id("pool_partial_failure"));
	assert_false(report_is_finding_id("name_mismatchx"));
	assert_false(report_is_finding_id(""));
	assert_false(report_is_finding_id(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_filters_and_flagged),
		cmocka_unit_test(test_run_now_and_warn_days),
		cmocka_unit_test(test_run_trust_store),
		cmocka_unit_test(test_list_findings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
