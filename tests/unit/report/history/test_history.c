/* test_history.c: report_history() on the five nights of
 * support/history_fixture.h: one domain's runs of the same leaf or the
 * same failure, as JSON (checked by support/json.h) and text, and a
 * domain the database does not have.
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

static void test_history_json(void **state)
{
	struct hf *f = *state;
	struct capture c;
	char line[1024], want[400], t[41];

	RUN(&c, report_history(f->st, "a.test", REPORT_JSON, c.f, ERR));
	/* leaf1 (scans 1-2), leaf2 (3), leaf3 (4, listed twice that night,
	 * one scan), then scan 5's stop before a.test. */
	assert_int_equal(assert_json_lines(c.buf), 4);
	thumb_upper(f->leaf1.sha1, t);
	nth_line(c.buf, 0, line, sizeof line);
	snprintf(want, sizeof want, "{\"format_version\":2,"
		 "\"domain\":\"a.test\",\"type\":\"DIR\","
		 "\"port\":5061,\"endpoint\":{\"address\":\"192.0.2.1\","
		 "\"port\":5061,\"sni\":\"sip.a.test\"},\"first_scan\":1,"
		 "\"last_scan\":2,\"first_seen\":\"%s\",\"last_seen\":\"%s\","
		 "\"scans\":2,\"leaf\":{\"thumbprint\":\"%s\"", f->started[1],
		 f->started[2], t);
	assert_has(line, want);
	assert_has(line, "\"issuer\":\"CN=History Root A\",\"root\":\"CN=History Root A\"");
	assert_has(line, "\"error_kind\":null,\"reason\":null}");
	assert_has(nth_line(c.buf, 2, line, sizeof line),
		   "\"first_scan\":4,\"last_scan\":4,");
	assert_has(line, "\"scans\":1,");
	assert_has(line, "\"root\":\"CN=History Root B\"");
	assert_has(nth_line(c.buf, 3, line, sizeof line),
		   "\"endpoint\":null,\"first_scan\":5");
	assert_has(line, "\"leaf\":null,\"error_kind\":\"not_probed\",\"reason\":");
	capture_free(&c);

	/* A failure between two runs of the same leaf: three runs. */
	RUN(&c, report_history(f->st, "b.test", REPORT_JSON, c.f, ERR));
	assert_int_equal(assert_json_lines(c.buf), 4);
	assert_has(nth_line(c.buf, 1, line, sizeof line),
		   "\"first_scan\":2,\"last_scan\":2,");
	assert_has(line, "\"leaf\":null,\"error_kind\":\"refused\","
		   "\"reason\":\"Connection refused\"}");
	assert_has(nth_line(c.buf, 2, line, sizeof line),
		   "\"first_scan\":3,\"last_scan\":4,");
	capture_free(&c);
}

static void test_history_text(void **state)
{
	struct hf *f = *state;
	struct capture c;
	char want[200], t[41];
	char err[256] = "";
	FILE *out;

	RUN(&c, report_history(f->st, "c.test", REPORT_TEXT, c.f, ERR));
	snprintf(want, sizeof want, "c.test FED (port 5061): in 3 scans, %s .. %s\n"
		 "  (no endpoint)\n    scans 1..3 (3): ", f->started[1], f->started[3]);
	assert_has(c.buf, want);
	assert_has(c.buf, "    failed: dns_nxdomain (c.test: Domain name not found)\n");
	capture_free(&c);

	RUN(&c, report_history(f->st, "b.test", REPORT_TEXT, c.f, ERR));
	thumb_upper(f->leaf_b.sha1, t);
	snprintf(want, sizeof want, "    leaf %s, expires ", t);
	assert_has(c.buf, want);
	assert_has(c.buf, "  192.0.2.2:5061 SNI sip.b.test\n    scans 2..2 (1): ");
	assert_has(c.buf, "    failed: refused (Connection refused)\n");
	capture_free(&c);

	out = fopen("/dev/null", "w");
	assert_non_null(out);
	assert_int_equal(report_history(f->st, "nowhere.test", REPORT_TEXT, out,
					err, sizeof err), -1);
	assert_string_equal(err, "no target \"nowhere.test\" in the database");
	fclose(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_history_json, hf_setup,
						hf_teardown),
		cmocka_unit_test_setup_teardown(test_history_text, hf_setup,
						hf_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
