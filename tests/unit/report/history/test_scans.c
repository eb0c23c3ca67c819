/* test_scans.c: report_scans() on the five nights of
 * support/history_fixture.h, as JSON (support/json.h) and text: whose
 * per-scan verdicts kept from the night before must equal a full
 * judging.
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
#include "support/history_fixture.h"
#include "support/json.h"
#include "support/report.h"

static void test_scans_json(void **state)
{
	struct hf *f = *state;
	struct report_scans_options o = { .format = REPORT_JSON, .findings = 1,
					  .warn_days = 30 };
	struct capture all, last;
	char line[1024], line4[1024];

	RUN(&all, report_scans(f->st, &o, all.f, ERR));
	assert_int_equal(assert_json_lines(all.buf), 5);
	assert_true(strncmp(all.buf, "{\"format_version\":2,\"scan\":1,", 29) == 0);
	assert_has(nth_line(all.buf, 0, line, sizeof line),
		   "\"targets\":3,\"targets_failed\":1,\"incomplete\":0,"
		   "\"endpoints\":3,\"endpoints_failed\":0,");
	assert_has(line, "\"status_counts\":{\"FAIL\":1,\"WARN\":2,\"PASS\":0}");
	assert_has(nth_line(all.buf, 1, line, sizeof line),
		   "\"endpoints_failed\":1,");
	/* Scan 4: a.test twice (WARN), b.test (WARN), d.test (FAIL). */
	assert_has(nth_line(all.buf, 3, line4, sizeof line4),
		   "\"status_counts\":{\"FAIL\":1,\"WARN\":3,\"PASS\":0}");
	assert_has(nth_line(all.buf, 4, line, sizeof line),
		   "\"status\":\"interrupted\"");
	assert_has(line, "\"incomplete\":1,");

	/* The verdicts kept from night to night are what judging scan 4
	 * alone gives. */
	o.last = 2;
	RUN(&last, report_scans(f->st, &o, last.f, ERR));
	assert_int_equal(assert_json_lines(last.buf), 2);
	nth_line(last.buf, 0, line, sizeof line);
	assert_string_equal(line, line4);
	capture_free(&all);
	capture_free(&last);
}

static void test_scans_text(void **state)
{
	struct hf *f = *state;
	struct report_scans_options o = { .format = REPORT_TEXT,
					  .warn_days = 30 };
	struct capture c;
	char want[200];
	/* Each count under the name of what it counts, the JSON's keys:
	 * scan 2 probed 2 endpoints, 1 of which failed, and c.test failed
	 * itself (DNS); none counted in another's column. */
	const char *head = " scan  started               duration  status"
			   "       targets  endpoints  endpoints_failed"
			   "  targets_failed  input_errors  input\n";

	RUN(&c, report_scans(f->st, &o, c.f, ERR));
	assert_true(strncmp(c.buf, head, strlen(head)) == 0);
	snprintf(want, sizeof want, "    2  %s      1:00  done               3"
		 "          2                 1               1             0"
		 "  partners.csv\n", f->started[2]);
	assert_has(c.buf, want);
	capture_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_scans_json, hf_setup,
						hf_teardown),
		cmocka_unit_test_setup_teardown(test_scans_text, hf_setup,
						hf_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
