/* fuzz_escape.c: libFuzzer target for the report's escaping
 * (report/escape.h).
 *
 * The input is any bytes, as a certificate field or a peer's reason string
 * could hold them. Each escaper is held to what escape.h promises:
 * - esc_text_n() (all the bytes, NULs included) and esc_text() (up to the
 *   first NUL): the output is safe on a terminal (fuzz_check.h) and is the
 *   input with some bytes replaced by their "\xNN" form, printable ASCII
 *   never; input that is already safe comes out unchanged;
 * - esc_json(): one valid JSON string, safe on a terminal, that decodes to
 *   the input with each byte that is not part of valid UTF-8 replaced by
 *   U+FFFD;
 * - esc_prom_label(): one quoted label value of the Prometheus text
 *   format, with no escape but \\, \" and \n, safe on a terminal, that
 *   decodes to the input with each byte that is not part of valid UTF-8
 *   and each control but newline replaced by U+FFFD; read up to a bound
 *   (cut between characters, then U+2026), the input's first byte's
 *   value;
 * - esc_csv_cell(): never begins with '=', '+', '-', '@', TAB or CR; is
 *   an apostrophe (exactly when the input begins with one of those) and
 *   the input with some bytes \xNN-escaped; holds no C0 byte but TAB, CR
 *   and LF, no DEL, no invalid UTF-8. The buffer is reused for a second
 *   cell, as the CSV writer reuses it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/render/escape.h"
#include "tests/fuzz/fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char hexdigits[] = "0123456789ABCDEF";

/* out (olen bytes) is in (ilen bytes) after `prefix`, with some bytes
 * written as "\xNN". Printable ASCII is never escaped: the escapers only
 * touch controls and bytes of invalid UTF-8 (and, for text, C1). */
static void check_is_escaped_copy(const char *in, size_t ilen,
				  const char *out, size_t olen,
				  size_t prefix)
{
	size_t i = 0, j = prefix;

	while (i < ilen) {
		unsigned char c = (unsigned char)in[i];

		FUZZ_CHECK_AT(j < olen, out, olen, j);
		if ((unsigned char)out[j] == c) {
			/* Raw. A backslash is never escaped, so "\x.." in
			 * the output is the escape only when the input
			 * byte is not itself a backslash. */
			i++;
			j++;
			continue;
		}
		FUZZ_CHECK_AT(c < 0x20 || c >= 0x7f, out, olen, j);
		FUZZ_CHECK_AT(olen - j >= 4 && out[j] == '\\' &&
				      out[j + 1] == 'x' &&
				      out[j + 2] == hexdigits[c >> 4] &&
				      out[j + 3] == hexdigits[c & 0x0f],
			      out, olen, j);
		i++;
		j += 4;
	}
	FUZZ_CHECK_AT(j == olen, out, olen, j);
}

/* Whether the escapers have nothing to do for the terminal: valid UTF-8
 * without a control. */
static int is_terminal_safe(const char *s, size_t n)
{
	size_t i = 0, len;

	while (i < n) {
		len = fuzz_utf8_len(s + i, n - i);
		if (len == 0 || fuzz_is_control(s + i, len, "", 0))
			return 0;
		i += len;
	}
	return 1;
}

static void check_text(const char *s, size_t n, int with_nul)
{
	struct fuzz_out o;

	fuzz_out_open(&o);
	if (with_nul)
		esc_text_n(o.f, s, n);
	else
		esc_text(o.f, s);
	fuzz_out_close(&o);
	fuzz_check_terminal_safe(o.buf, o.len, "");
	check_is_escaped_copy(s, n, o.buf, o.len, 0);
	if (is_terminal_safe(s, n))
		FUZZ_CHECK(o.len == n && memcmp(o.buf, s, n) == 0);
	fuzz_out_free(&o);
}

/* Appends code point cp to buf as UTF-8; returns the bytes written. */
static size_t put_utf8(char *buf, unsigned long cp)
{
	if (cp < 0x80) {
		buf[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		buf[0] = (char)(0xC0 | (cp >> 6));
		buf[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		buf[0] = (char)(0xE0 | (cp >> 12));
		buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		buf[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	buf[0] = (char)(0xF0 | (cp >> 18));
	buf[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	buf[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	buf[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

static unsigned long hex4(const char *s)
{
	char tmp[5];

	memcpy(tmp, s, 4);
	tmp[4] = '\0';
	return strtoul(tmp, NULL, 16);
}

/* Decodes the JSON string at s (len bytes, quotes included, already
 * checked valid) into a malloc'd buffer; *n its length. */
static char *json_decode(const char *s, size_t len, size_t *n)
{
	char *out = malloc(len + 1);
	size_t i = 1, o = 0;
	unsigned long cp, lo;

	FUZZ_CHECK(out != NULL);
	while (i < len - 1) {
		if (s[i] != '\\') {
			out[o++] = s[i++];
			continue;
		}
		i++;
		switch (s[i]) {
		case 'u':
			cp = hex4(s + i + 1);
			i += 5;
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				lo = hex4(s + i + 2);
				cp = 0x10000 + ((cp - 0xD800) << 10) +
				     (lo - 0xDC00);
				i += 6;
			}
			o += put_utf8(out + o, cp);
			break;
		case 'b': out[o++] = '\b'; i++; break;
		case 'f': out[o++] = '\f'; i++; break;
		case 'n': out[o++] = '\n'; i++; break;
		case 'r': out[o++] = '\r'; i++; break;
		case 't': out[o++] = '\t'; i++; break;
		default: out[o++] = s[i++]; break; /* " \ / */
		}
	}
	*n = o;
	return out;
}

/* s with each byte outside valid UTF-8 replaced by U+FFFD; malloc'd. */
static char *utf8_repaired(const char *s, size_t n, size_t *outlen)
{
	char *out = malloc(3 * n + 1);
	size_t i = 0, o = 0, len;

	FUZZ_CHECK(out != NULL);
	while (i < n) {
		len = fuzz_utf8_len(s + i, n - i);
		if (len == 0) {
			memcpy(out + o, "\xEF\xBF\xBD", 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(out + o, s + i, len);
		o += len;
		i += len;
	}
	*outlen = o;
	return out;
}

static void check_json(const char *s)
{
	struct fuzz_out o;
	char *decoded, *want;
	size_t dlen, wlen;

	fuzz_out_open(&o);
	esc_json(o.f, s);
	fuzz_out_close(&o);
	FUZZ_CHECK(o.len >= 2 && o.buf[0] == '"');
	FUZZ_CHECK(json_is_valid(o.buf, o.len));
	fuzz_check_terminal_safe(o.buf, o.len, "");
	decoded = json_decode(o.buf, o.len, &dlen);
	want = utf8_repaired(s, strlen(s), &wlen);
	FUZZ_CHECK(dlen == wlen && memcmp(decoded, want, wlen) == 0);
	free(decoded);
	free(want);
	fuzz_out_free(&o);
}

/* Decodes the label value at s (len bytes, quotes included) into a
 * malloc'd buffer, *n its length; checks that it is quoted and uses the
 * format's three escapes only. */
static char *prom_decode(const char *s, size_t len, size_t *n)
{
	char *out = malloc(len + 1);
	size_t i = 1, o = 0;

	FUZZ_CHECK(out != NULL);
	FUZZ_CHECK(len >= 2 && s[0] == '"' && s[len - 1] == '"');
	while (i < len - 1) {
		FUZZ_CHECK_AT(s[i] != '"' && s[i] != '\n', s, len, i);
		if (s[i] != '\\') {
			out[o++] = s[i++];
			continue;
		}
		FUZZ_CHECK_AT(i + 1 < len - 1, s, len, i);
		if (s[i + 1] == 'n')
			out[o++] = '\n';
		else if (s[i + 1] == '\\' || s[i + 1] == '"')
			out[o++] = s[i + 1];
		else
			FUZZ_CHECK_AT(0, s, len, i);
		i += 2;
	}
	*n = o;
	return out;
}

/* What esc_prom_label() must say of s: each of its characters read
 * within max bytes (stray bytes and controls but newline as U+FFFD),
 * then U+2026 when some were left. Malloc'd. */
static char *prom_expected(const char *s, size_t n, size_t max,
			   size_t *outlen)
{
	char *out = malloc(3 * n + 4);
	size_t i = 0, o = 0, len;

	FUZZ_CHECK(out != NULL);
	while (i < n) {
		len = fuzz_utf8_len(s + i, n - i);
		if (len == 0)
			len = 1;
		if (len > max - i)
			break;
		if (fuzz_utf8_len(s + i, n - i) == 0 ||
		    fuzz_is_control(s + i, len, "\n", 0)) {
			memcpy(out + o, "\xEF\xBF\xBD", 3);
			o += 3;
		} else {
			memcpy(out + o, s + i, len);
			o += len;
		}
		i += len;
	}
	if (i < n) {
		memcpy(out + o, "\xE2\x80\xA6", 3);
		o += 3;
	}
	*outlen = o;
	return out;
}

static void check_prom_label(const char *s, size_t max)
{
	struct fuzz_out o;
	char *decoded, *want;
	size_t dlen, wlen;

	fuzz_out_open(&o);
	esc_prom_label(o.f, s, max);
	fuzz_out_close(&o);
	fuzz_check_terminal_safe(o.buf, o.len, "");
	decoded = prom_decode(o.buf, o.len, &dlen);
	want = prom_expected(s, strlen(s), max, &wlen);
	FUZZ_CHECK(dlen == wlen && memcmp(decoded, want, wlen) == 0);
	free(decoded);
	free(want);
	fuzz_out_free(&o);
}

static int is_formula_lead(char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' ||
	       c == '\r';
}

static void check_csv_cell(struct esc_buf *b, const char *s)
{
	size_t n = strlen(s), lead = is_formula_lead(s[0]) ? 1 : 0;

	FUZZ_CHECK(esc_csv_cell(b, s) == 0);
	FUZZ_CHECK(b->len == 0 || b->data != NULL);
	if (b->len == 0) {
		FUZZ_CHECK(n == 0);
		return;
	}
	FUZZ_CHECK(!is_formula_lead(b->data[0]));
	FUZZ_CHECK(lead == (b->data[0] == '\'' && s[0] != '\''));
	fuzz_check_utf8_controls(b->data, b->len, "\t\r\n", 1);
	check_is_escaped_copy(s, n, b->data, b->len, lead);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct esc_buf cell = { 0 };
	char *s = malloc(size + 1);
	size_t half;

	FUZZ_CHECK(s != NULL);
	memcpy(s, data, size);
	s[size] = '\0';

	check_text(s, size, 1);
	check_text(s, strlen(s), 0);
	check_json(s);
	check_prom_label(s, SIZE_MAX);
	check_prom_label(s, size > 0 ? (unsigned char)data[0] : 0);
	check_csv_cell(&cell, s);
	/* The buffer again, for a shorter cell (the writer reuses it). */
	half = strlen(s) / 2;
	check_csv_cell(&cell, s + half);
	esc_buf_free(&cell);
	free(s);
	return 0;
}
