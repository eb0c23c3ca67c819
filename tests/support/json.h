/* support/json.h: a strict JSON checker for the report tests and the
 * fuzzers. No JSON library is a dependency, and output must not be
 * checked by eye: a recursive-descent reader that accepts exactly RFC 8259
 * (UTF-8 checked as RFC 3629 says, surrogate escapes paired, no trailing
 * commas, no leading zeros) and finds values by path for the tests'
 * assertions.
 *
 * json.c holds the reader and needs nothing but the C library (the
 * fuzzers compile it alone); json_assert.c the cmocka assertions.
 */
#ifndef FEDCERT_TEST_SUPPORT_JSON_H
#define FEDCERT_TEST_SUPPORT_JSON_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Whether the n bytes at s are exactly one JSON text (nesting at most 32
 * deep). */
int json_is_valid(const char *s, size_t n);

/* The length of the UTF-8 character at s (n > 0 bytes left) by the
 * checker's rule (RFC 3629: no overlong form, no surrogate, nothing above
 * U+10FFFF), 1 for ASCII, 0 when s does not start one. */
size_t json_utf8_len(const char *s, size_t n);

/* The raw text of the value at path ("findings.0.endpoint": keys of
 * objects, indexes of arrays) in the one-line JSON object line, as a
 * malloc'ed string, or NULL when the path is not there. */
char *json_at(const char *line, const char *path);

/* Checks that text is JSON Lines of objects: every line one valid JSON
 * object, ending in "\n". Returns the number of lines; fails the test
 * otherwise (cmocka). */
size_t assert_json_lines(const char *text);

/* The value at path is exactly the JSON text want ("null", "5061",
 * "\"PASS\""); cmocka's fail_msg() otherwise. */
#define assert_json_eq(line, path, want)                                   \
	do {                                                               \
		char *got_ = json_at((line), (path));                      \
		if (got_ == NULL)                                          \
			fail_msg("no %s", (path));                         \
		if (strcmp(got_, (want)) != 0)                             \
			fail_msg("%s: %s, not %s", (path), got_, (want)); \
		free(got_);                                                \
	} while (0)

#endif
