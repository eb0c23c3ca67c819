/* test_expiring.c: report_expiring() on the five nights of
 * support/history_fixture.h: the leaves that expire within a window or
 * by a date, as JSON (support/json.h), CSV (read back with
 * support/csv_read.h) and text, and --fail-on.
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

static void test_expiring_json(void **state)
{
	struct hf *f = *state;
	struct report_expiring_options o = { REPORT_JSON, 30LL * 86400, f->now, 0, -1, 0 };
	struct capture c;
	int flagged = 0;
	char line[1024], want[300], t[41];

	RUN(&c, report_expiring(f->st, &o, c.f, &flagged, ERR));
	assert_int_equal(assert_json_lines(c.buf), 2);
	nth_line(c.buf, 0, line, sizeof line);
	assert_has(line, "{\"format_version\":2,\"domain\":\"d.test\","
		   "\"type\":\"DIR\",\"port\":5061,");
	assert_has(line, "\"days_left\":-5,");
	assert_has(line, "\"addresses\":[\"192.0.2.4:5061\"],\"scan\":4,");
	thumb_upper(f->leaf3.sha1, t);
	nth_line(c.buf, 1, line, sizeof line);
	snprintf(want, sizeof want, "\"days_left\":%d,", HF_LEAF3_DAYS);
	assert_has(line, want);
	snprintf(want, sizeof want, "\"root\":\"CN=History Root B\","
		 "\"thumbprint\":\"%s\"", t);
	assert_has(line, want);
	assert_has(line, "\"key_type\":\"EC\",\"key_bits\":256,"
		   "\"signature_algorithm\":\"sha256ECDSA\"");
	capture_free(&c);

	/* --within 0: the expired one only. */
	o.within_s = 0;
	RUN(&c, report_expiring(f->st, &o, c.f, &flagged, ERR));
	assert_int_equal(assert_json_lines(c.buf), 1);
	assert_has(c.buf, "\"domain\":\"d.test\"");
	assert_has(c.buf, "\"role\":\"leaf\",");
	capture_free(&c);
}

/* --fail-on: an expired certificate listed is an error, anything listed
 * at least a warning; --before a date lists what expires by then. */
static void test_expiring_fail_on_before(void **state)
{
	struct hf *f = *state;
	struct report_expiring_options o = { .format = REPORT_JSON,
					     .within_s = 30LL * 86400,
					     .now = f->now, .fail_on = -1 };
	struct capture c;
	int flagged = 1;

	RUN(&c, report_expiring(f->st, &o, c.f, &flagged, ERR));
	assert_int_equal(flagged, 0);
	capture_free(&c);
	o.fail_on = 2;
	RUN(&c, report_expiring(f->st, &o, c.f, &flagged, ERR));
	assert_int_equal(flagged, 1);
	capture_free(&c);

	/* By 6 days ago, before d.test expired: nothing had expired by then,
	 * so nothing is listed and nothing flags. */
	o.until = f->now - 6 * 86400;
	RUN(&c, report_expiring(f->st, &o, c.f, &flagged, ERR));
	assert_int_equal(assert_json_lines(c.buf), 0);
	assert_int_equal(flagged, 0);
	capture_free(&c);

	/* By a date 11 days from now: both, one of them expired; a warning
	 * is enough to flag, an error too. */
	o.until = f->now + 11 * 86400;
	o.fail_on = 1;
	RUN(&c, report_expiring(f->st, &o, c.f, &flagged, ERR));
	assert_int_equal(assert_json_lines(c.buf), 2);
	assert_int_equal(flagged, 1);
	capture_free(&c);
	o.until = f->now + 9 * 86400;
	o.within_s = 365LL * 86400; /* until wins */
	o.fail_on = 2;
	RUN(&c, report_expiring(f->st, &o, c.f, &flagged, ERR));
	assert_int_equal(assert_json_lines(c.buf), 1);
	assert_int_equal(flagged, 1);
	capture_free(&c);
}

static void test_expiring_csv_text(void **state)
{
	struct hf *f = *state;
	struct report_expiring_options o = { REPORT_CSV, 200LL * 86400, f->now, 0, -1, 0 };
	struct capture c;
	int flagged = 0;
	struct parsed p;
	char t[41], d[20];

	RUN(&c, report_expiring(f->st, &o, c.f, &flagged, ERR));
	parse_csv_n(c.buf, &p, 18);
	assert_int_equal(p.nrows, 4);
	/* The report's names, in the report's order where they are the same
	 * facts. */
	assert_int_equal(csv_col(&p, "domain"), 0);
	assert_int_equal(csv_col(&p, "line"), 3);
	assert_int_equal(csv_col(&p, "days_left"), csv_col(&p, "not_after") + 1);
	/* A negative number stays a number (no apostrophe): ours, not a
	 * formula. */
	assert_string_equal(CELL(&p, 1, "days_left"), "-5");
	assert_string_equal(CELL(&p, 1, "addresses"), "192.0.2.4:5061");
	assert_string_equal(CELL(&p, 2, "domain"), "a.test");
	assert_string_equal(CELL(&p, 3, "domain"), "b.test");
	assert_string_equal(CELL(&p, 3, "issuer"), "CN=History Root A");
	thumb_upper(f->leaf_b.sha1, t);
	assert_string_equal(CELL(&p, 3, "thumbprint"), t);
	/* A date a spreadsheet reads as one. */
	snprintf(d, sizeof d, "%.10s %.8s", f->started[4], f->started[4] + 11);
	assert_string_equal(CELL(&p, 3, "scanned"), d);
	assert_string_equal(CELL(&p, 3, "role"), "leaf");
	parsed_free(&p);
	capture_free(&c);

	/* --bom: the byte order mark, then the same CSV. */
	RUN(&c, report_expiring(f->st, &o, c.f, &flagged, ERR));
	o.bom = 1;
	{
		struct capture b;

		RUN(&b, report_expiring(f->st, &o, b.f, &flagged, ERR));
		assert_memory_equal(b.buf, "\xEF\xBB\xBF", 3);
		assert_string_equal(b.buf + 3, c.buf);
		capture_free(&b);
	}
	assert_int_equal((unsigned char)c.buf[0], '"');
	capture_free(&c);

	o.format = REPORT_TEXT;
	o.within_s = 30LL * 86400;
	RUN(&c, report_expiring(f->st, &o, c.f, &flagged, ERR));
	assert_has(c.buf, "expired 5 days ago  ");
	assert_has(c.buf, "  d.test DIR\n  leaf    CN=sip.d.test  ");
	assert_has(c.buf, "\n  on      192.0.2.4:5061 (scan 4, ");
	assert_has(c.buf, "10 days left  ");
	assert_has(c.buf, "\n2 expire (a target and a certificate it presented)"
		   " by ");
	assert_has(c.buf, ", 1 already expired\n");
	capture_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_expiring_fail_on_before, hf_setup,
						hf_teardown),
		cmocka_unit_test_setup_teardown(test_expiring_json, hf_setup,
						hf_teardown),
		cmocka_unit_test_setup_teardown(test_expiring_csv_text, hf_setup,
						hf_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
