/* test_diff.c: report_diff() on the five nights of
 * support/history_fixture.h: JSON and text, the default scans, a failure
 * and a recovery, a rotation with a CA change, findings that appear, and
 * the pairs of scans it refuses. JSON is checked by a real parser
 * (support/json.h).
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

static void test_diff_default_json(void **state)
{
	struct hf *f = *state;
	struct report_diff_options o = { .format = REPORT_JSON };
	struct capture c;
	char line[2048], want[400], t2[41], t3[41];

	RUN(&c, report_diff(f->st, &o, c.f, ERR));
	/* Scan 5 did not finish: 3 -> 4, one object per change. */
	assert_int_equal(assert_json_lines(c.buf), 6);
	thumb_upper(f->leaf2.sha1, t2);
	thumb_upper(f->leaf3.sha1, t3);
	nth_line(c.buf, 0, line, sizeof line);
	snprintf(want, sizeof want, "{\"format_version\":2,"
		 "\"change\":\"rotated\",\"from_scan\":3,"
		 "\"to_scan\":4,\"domain\":\"a.test\",\"type\":\"DIR\",\"port\":5061,"
		 "\"endpoint\":{\"address\":\"192.0.2.1\",\"port\":5061,"
		 "\"sni\":\"sip.a.test\"},\"before\":{\"thumbprint\":\"%s\"", t2);
	assert_has(line, want);
	snprintf(want, sizeof want, "\"after\":{\"thumbprint\":\"%s\"", t3);
	assert_has(line, want);
	assert_has(nth_line(c.buf, 1, line, sizeof line),
		   "\"change\":\"issuer_changed\"");
	assert_has(line, "\"before\":\"CN=History Root A\",\"after\":\"CN=History Root B\"");
	assert_has(nth_line(c.buf, 2, line, sizeof line),
		   "\"change\":\"root_changed\"");
	assert_has(line, "\"note\":\"the partner's new root may need installing on our Edge\"");
	/* leaf3 has 11 days left at scan 4's start. */
	assert_has(nth_line(c.buf, 3, line, sizeof line),
		   "\"change\":\"finding_appeared\"");
	assert_has(line, "\"finding\":{\"id\":\"expires_soon\",\"severity\":\"warning\"");
	assert_has(nth_line(c.buf, 4, line, sizeof line),
		   "{\"format_version\":2,"
		   "\"change\":\"target_removed\",\"from_scan\":3,\"to_scan\":4,"
		   "\"domain\":\"c.test\",\"type\":\"FED\"");
	assert_has(nth_line(c.buf, 5, line, sizeof line),
		   "{\"format_version\":2,"
		   "\"change\":\"target_added\",\"from_scan\":3,\"to_scan\":4,"
		   "\"domain\":\"d.test\"");
	assert_has(line, "\"after\":{\"status\":\"FAIL\",\"finding_ids\":[");
	assert_has(line, "\"expired\"");
	capture_free(&c);
}

static void test_diff_default_text(void **state)
{
	struct hf *f = *state;
	struct report_diff_options o = { .format = REPORT_TEXT };
	struct capture c;
	char want[200];

	RUN(&c, report_diff(f->st, &o, c.f, ERR));
	snprintf(want, sizeof want, "diff: scan 3 (%s, done) -> scan 4 (%s, done)\n"
		 "(scan 5 is newer but did not finish: --to 5 compares it)\n",
		 f->started[3], f->started[4]);
	assert_true(strncmp(c.buf, want, strlen(want)) == 0);
	assert_has(c.buf, "! root changed: a.test DIR 192.0.2.1:5061 (sip.a.test): "
		   "CN=History Root A -> CN=History Root B (the partner's new root "
		   "may need installing on our Edge)\n");
	assert_has(c.buf, "- target removed: c.test FED\n");
	assert_has(c.buf, "+ target added: d.test DIR: FAIL expired");
	assert_has(c.buf, "summary: 1 target added, 1 target removed, 1 rotated, "
		   "1 issuer changed, 1 root changed, 1 finding appeared\n");
	capture_free(&c);
}

static void test_diff_failure_and_recovery(void **state)
{
	struct hf *f = *state;
	struct report_diff_options o = { .format = REPORT_JSON, .from = 1, .to = 2 };
	struct capture c;
	char line[2048];

	RUN(&c, report_diff(f->st, &o, c.f, ERR));
	/* b.test's second member is gone, its first refuses; a.test and
	 * c.test are the same as the night before: nothing about them. */
	assert_int_equal(assert_json_lines(c.buf), 2);
	assert_has(nth_line(c.buf, 0, line, sizeof line),
		   "\"change\":\"new_failure\"");
	assert_has(line, "\"address\":\"192.0.2.2\"");
	assert_has(line, "\"before\":null,\"after\":{\"error_kind\":\"refused\","
		   "\"reason\":\"Connection refused\"}");
	assert_has(nth_line(c.buf, 1, line, sizeof line),
		   "\"change\":\"endpoint_removed\"");
	assert_has(line, "\"address\":\"192.0.2.3\"");
	capture_free(&c);

	o.from = 2;
	o.to = 3;
	RUN(&c, report_diff(f->st, &o, c.f, ERR));
	assert_int_equal(assert_json_lines(c.buf), 2);
	assert_has(nth_line(c.buf, 0, line, sizeof line), "\"change\":\"rotated\"");
	assert_has(nth_line(c.buf, 1, line, sizeof line), "\"change\":\"recovered\"");
	assert_has(line, "\"before\":{\"error_kind\":\"refused\"");
	assert_has(line, "\"after\":{\"status\":\"WARN\",\"finding_ids\":[");
	capture_free(&c);
}

static void test_diff_scans_refused(void **state)
{
	struct hf *f = *state;
	struct report_diff_options o = { .format = REPORT_TEXT, .to = 1 };
	char err[256] = "";
	FILE *out = fopen("/dev/null", "w");

	assert_non_null(out);
	assert_int_equal(report_diff(f->st, &o, out, err, sizeof err), -1);
	assert_string_equal(err, "no finished scan before scan 1 to compare it "
			    "with (give --from)");
	o.to = 0;
	o.from = 4;
	assert_int_equal(report_diff(f->st, &o, out, err, sizeof err), -1);
	assert_string_equal(err, "scan 4 is the newest finished scan: nothing "
			    "to compare it with (give --to)");
	o.from = 1;
	o.to = 9;
	assert_int_equal(report_diff(f->st, &o, out, err, sizeof err), -1);
	assert_string_equal(err, "no scan 9");
	/* An unfinished scan can be compared when asked for. */
	o.from = 4;
	o.to = 5;
	assert_int_equal(report_diff(f->st, &o, out, err, sizeof err), 0);
	fclose(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_diff_default_json, hf_setup,
						hf_teardown),
		cmocka_unit_test_setup_teardown(test_diff_default_text, hf_setup,
						hf_teardown),
		cmocka_unit_test_setup_teardown(test_diff_failure_and_recovery, hf_setup,
						hf_teardown),
		cmocka_unit_test_setup_teardown(test_diff_scans_refused, hf_setup,
						hf_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
