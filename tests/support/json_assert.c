/* json_assert.c: the cmocka side of json.h. */
#include "json.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

size_t assert_json_lines(const char *text)
{
	const char *nl;
	size_t lines = 0;

	while (*text != '\0') {
		nl = strchr(text, '\n');
		assert_non_null(nl);
		assert_int_equal(text[0], '{');
		if (!json_is_valid(text, (size_t)(nl - text)))
			fail_msg("not JSON: %.*s", (int)(nl - text), text);
		lines++;
		text = nl + 1;
	}
	return lines;
}
