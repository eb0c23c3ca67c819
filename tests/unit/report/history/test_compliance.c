/* test_compliance.c: report --compliance (report_compliance()) on the
 * five nights of support/history_fixture.h, as CSV read back with
 * support/csv_read.h; and the flag of a scan that did not run to its end,
 * from report_run() and report_compliance().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report/report.h"
#include "support/csv_read.h"
#include "support/history_fixture.h"
#include "support/json.h"
#include "support/report.h"

/* A report of a scan that did not run to its end is an alert when the job
 * asks for alerts: the targets it did not reach were not checked. */
static void test_unfinished_scan_flags(void **state)
{
	struct hf *f = *state;
	struct report_options o = { .format = REPORT_JSON, .scan_id = 5,
				    .min_severity = -1, .fail_on = -1,
				    .now = f->now };
	struct capture c;
	int flagged = -1;

	RUN(&c, report_run(f->st, &o, c.f, &flagged, ERR));
	assert_int_equal(flagged, 0);
	capture_free(&c);
	o.fail_on = 2;
	RUN(&c, report_run(f->st, &o, c.f, &flagged, ERR));
	assert_int_equal(flagged, REPORT_FLAGGED_UNFINISHED);
	capture_free(&c);
	RUN(&c, report_compliance(f->st, &o, c.f, &flagged, ERR));
	assert_int_equal(flagged, REPORT_FLAGGED_UNFINISHED);
	capture_free(&c);
	/* Scan 4 ran to its end; d.test's expired leaf is an error. */
	o.scan_id = 4;
	RUN(&c, report_run(f->st, &o, c.f, &flagged, ERR));
	assert_int_equal(flagged, REPORT_FLAGGED_FINDING);
	capture_free(&c);
	RUN(&c, report_compliance(f->st, &o, c.f, &flagged, ERR));
	assert_int_equal(flagged, REPORT_FLAGGED_FINDING);
	capture_free(&c);
}

/* ISO 8601 UTC as the CSV writes a date: "2026-12-02 10:00:00". */
static const char *csv_date(const char *iso, char out[20])
{
	snprintf(out, 20, "%.10s %.8s", iso, iso + 11);
	return out;
}

static void test_compliance_csv(void **state)
{
	struct hf *f = *state;
	struct report_options o = { .format = REPORT_CSV, .scan_id = 4,
				    .min_severity = -1, .fail_on = 2,
				    .now = f->now };
	struct capture c;
	struct parsed p;
	int flagged = -1;
	char t[41], d[20];

	/* A row the scan rejected: a row of the report too. */
	assert_int_equal(store_input_error_add(f->st, 4, 7, "unknown type \"X\"",
					       "e.test,X,"), 0);
	assert_int_equal(store_flush(f->st), 0);
	capture_open(&c);
	{
		char err[256] = "";

		if (report_compliance(f->st, &o, c.f, &flagged, err, sizeof err) != 0)
			fail_msg("%s", err);
	}
	capture_close(&c);
	parse_csv_n(c.buf, &p, 25);
	/* The report's CSV's columns, then the compliance report's own. */
	assert_int_equal(csv_col(&p, "endpoints_failed"), 22);
	assert_int_equal(csv_col(&p, "first_seen"), 24);
	assert_int_equal(p.nrows, 6); /* a, b, d, a again (line 9), line 7 */
	assert_string_equal(CELL(&p, 1, "domain"), "a.test");
	assert_string_equal(CELL(&p, 1, "status"), "WARN");
	assert_has(CELL(&p, 1, "finding_ids"), "expires_soon");
	assert_string_equal(CELL(&p, 1, "days_left"), "10");
	thumb_upper(f->leaf3.sha1, t);
	assert_string_equal(CELL(&p, 1, "thumbprint"), t);
	assert_string_equal(CELL(&p, 1, "root"), "CN=History Root B");
	assert_string_equal(CELL(&p, 1, "key_type"), "EC");
	assert_string_equal(CELL(&p, 1, "key_bits"), "256");
	assert_string_equal(CELL(&p, 1, "signature_algorithm"), "sha256ECDSA");
	assert_string_equal(CELL(&p, 1, "tls_version"), "TLSv1.3");
	assert_string_equal(CELL(&p, 1, "first_seen"),
			    csv_date(f->started[4], d));
	assert_string_equal(CELL(&p, 1, "worst_severity"), "warning");
	assert_string_equal(CELL(&p, 1, "leaves"), "1");
	assert_string_equal(CELL(&p, 1, "endpoints"), "1");
	assert_string_equal(CELL(&p, 2, "domain"), "b.test");
	assert_string_equal(CELL(&p, 2, "first_seen"),
			    csv_date(f->started[1], d));
	assert_string_equal(CELL(&p, 3, "status"), "FAIL");
	assert_string_equal(CELL(&p, 3, "days_left"), "-5");
	assert_string_equal(CELL(&p, 4, "line"), "9");
	assert_string_equal(CELL(&p, 5, "status"), "INPUT_ERROR");
	assert_string_equal(CELL(&p, 5, "line"), "7");
	assert_string_equal(CELL(&p, 5, "reason"), "unknown type \"X\"");
	assert_string_equal(CELL(&p, 5, "domain"), "");
	assert_string_equal(CELL(&p, 5, "days_left"), "");
	assert_int_equal(flagged, 1); /* d.test's expired is an error */
	parsed_free(&p);
	capture_free(&c);
}

/* JSON Lines: the same keys, dates as ISO 8601 UTC, the rejected row a
 * line with where it came from. */
static void test_compliance_json(void **state)
{
	struct hf *f = *state;
	struct report_options o = { .format = REPORT_JSON, .scan_id = 4,
				    .min_severity = -1, .fail_on = -1,
				    .now = f->now };
	struct capture c;
	char line[4096], want[128];
	int flagged = -1;

	assert_int_equal(store_input_error_add(f->st, 4, 7, "unknown type \"X\"",
					       "e.test,X,"), 0);
	assert_int_equal(store_flush(f->st), 0);
	RUN(&c, report_compliance(f->st, &o, c.f, &flagged, ERR));
	assert_int_equal(assert_json_lines(c.buf), 5);
	nth_line(c.buf, 0, line, sizeof line);
	assert_true(strncmp(line, "{\"format_version\":2,\"domain\":\"a.test\"",
			    37) == 0);
	assert_json_eq(line, "days_left", "10");
	assert_json_eq(line, "worst_severity", "\"warning\"");
	snprintf(want, sizeof want, "\"%s\"", f->started[4]);
	assert_json_eq(line, "first_seen", want);
	nth_line(c.buf, 4, line, sizeof line);
	assert_json_eq(line, "status", "\"INPUT_ERROR\"");
	assert_json_eq(line, "line", "7");
	assert_json_eq(line, "reason", "\"unknown type \\\"X\\\"\"");
	assert_json_eq(line, "raw", "\"e.test,X,\"");
	assert_json_eq(line, "days_left", "null");
	assert_json_eq(line, "finding_ids", "[]");
	capture_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_unfinished_scan_flags, hf_setup,
						hf_teardown),
		cmocka_unit_test_setup_teardown(test_compliance_csv, hf_setup,
						hf_teardown),
		cmocka_unit_test_setup_teardown(test_compliance_json, hf_setup,
						hf_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
