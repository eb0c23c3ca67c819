/* The HTML renderer's one escaping function (escape.h's esc_html()):
 * nothing a partner sends can end an element or an attribute or start
 * one, controls and invalid UTF-8 are shown as \xNN, the bidirectional
 * controls as \u202E, and valid UTF-8 is kept. The page itself is tested
 * in Chromium (tests/e2e/test_html.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report/render/escape.h"
#include "support/report.h"

static void assert_html(const char *in, const char *want)
{
	struct capture c;

	capture_open(&c);
	esc_html(c.f, in);
	assert_string_equal(capture_close(&c), want);
	capture_free(&c);
}

static void test_markup(void **state)
{
	(void)state;
	assert_html("<script>alert(1)</script>",
		    "&lt;script&gt;alert(1)&lt;/script&gt;");
	assert_html("\"><img src=x onerror='a()'>",
		    "&quot;&gt;&lt;img src=x onerror=&#39;a()&#39;&gt;");
	assert_html("a & b", "a &amp; b");
	assert_html("&lt;", "&amp;lt;");
	assert_html("", "");
	assert_html(NULL, "");
}

static void test_controls(void **state)
{
	(void)state;
	assert_html("red\x1b[31m\r\n\t", "red\\x1B[31m\\x0D\\x0A\\x09");
	assert_html("\xc2\x9b" "2J", "\\xC2\\x9B2J"); /* C1 CSI */
	assert_html("bad\xff\xfe", "bad\\xFF\\xFE");
	assert_html("\xe2\x80\xae" "cod.exe", "\\u202Ecod.exe");
	assert_html("\xe2\x81\xa6x\xe2\x81\xa9", "\\u2066x\\u2069");
	assert_html("\xd8\x9c", "\\u061C");
	assert_html("M\xc3\xbcnchen \xe6\x9d\xb1\xe4\xba\xac", "M\xc3\xbcnchen \xe6\x9d\xb1\xe4\xba\xac");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_markup),
		cmocka_unit_test(test_controls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
