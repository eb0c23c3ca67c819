/* escape.c: output escaping for the terminal, JSON strings, Prometheus
 * label values and spreadsheet cells. */
#include "report/render/escape.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum esc_mode {
	ESC_TEXT,
	ESC_CSV
};

/* "\xNN" is four bytes for every byte escaped. */
#define ESC_WIDTH 4

/* U+FFFD, for what cannot be written as it is; U+2026, after a value cut
 * short. */
#define ESC_REPLACEMENT "\xEF\xBF\xBD"
#define ESC_ELLIPSIS "\xE2\x80\xA6"

/* Length of the well-formed UTF-8 sequence that starts at s (n > 0 bytes
 * left), or 0 when s[0] does not start one. The ranges are those of
 * RFC 3629 section 4, which exclude overlong forms, surrogates and code
 * points beyond U+10FFFF. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xBF;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		len = 2;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		len = 3;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		len = 4;
	else
		return 0;
	if (s[0] == 0xE0)
		lo = 0xA0;
	else if (s[0] == 0xED)
		hi = 0x9F;
	else if (s[0] == 0xF0)
		lo = 0x90;
	else if (s[0] == 0xF4)
		hi = 0x8F;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return len;
}

/* Splits s into units (one character, or one stray byte) and says whether
 * the unit at s must be escaped. Returns the unit's length (>= 1). */
static size_t esc_unit(const unsigned char *s, size_t n, enum esc_mode mode,
		       int *escape)
{
	size_t len = utf8_len(s, n);

	if (len == 0) {
		*escape = 1;
		return 1;
	}
	if (len == 1) {
		/* CSV quoting carries TAB, LF and CR faithfully; the terminal
		 * would act on them. */
		int carried = mode == ESC_CSV &&
			      (s[0] == '\t' || s[0] == '\n' || s[0] == '\r');
		*escape = (s[0] < 0x20 || s[0] == 0x7F) && !carried;
		return 1;
	}
	/* U+0080-U+009F (C2 80 - C2 9F): C1 controls; U+009B is a one-byte
	 * CSI for terminals that accept 8-bit controls. */
	*escape = mode == ESC_TEXT && s[0] == 0xC2 && s[1] <= 0x9F;
	return len;
}

static const char esc_hex[] = "0123456789ABCDEF";

/* Writes the escaped form of n bytes into dst (ESC_WIDTH * n bytes). */
static void esc_bytes(char *dst, const unsigned char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		dst[ESC_WIDTH * i] = '\\';
		dst[ESC_WIDTH * i + 1] = 'x';
		dst[ESC_WIDTH * i + 2] = esc_hex[s[i] >> 4];
		dst[ESC_WIDTH * i + 3] = esc_hex[s[i] & 0x0F];
	}
}

void esc_text(FILE *out, const char *s)
{
	if (s != NULL)
		esc_text_n(out, s, strlen(s));
}

void esc_text_n(FILE *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0, len;
	char tmp[ESC_WIDTH * 4];
	int escape;

	/* Safe bytes are written in runs; only escaped units are formatted. */
	while (run < n) {
		len = esc_unit(p + run, n - run, ESC_TEXT, &escape);
		if (!escape) {
			run += len;
			continue;
		}
		fwrite(p, 1, run, out);
		esc_bytes(tmp, p + run, len);
		fwrite(tmp, 1, ESC_WIDTH * len, out);
		p += run + len;
		n -= run + len;
		run = 0;
	}
	fwrite(p, 1, run, out);
}

/* How a JSON string carries the unit at s (n > 0 bytes left): returns its
 * length and sets *cp to the code point to write as \uXXXX, or to -1 when
 * the unit is written as it is ('"' and '\\' get their own escapes, and
 * are told apart by the caller). A control is escaped by the terminal rule
 * of esc_unit(): C0, DEL, C1; a stray byte becomes U+FFFD. */
static size_t esc_json_unit(const unsigned char *s, size_t n, int *cp)
{
	size_t len = utf8_len(s, n);

	*cp = -1;
	if (len == 0) {
		*cp = 0xFFFD;
		return 1;
	}
	if (len == 1 && (s[0] < 0x20 || s[0] == 0x7F))
		*cp = s[0];
	else if (len == 2 && s[0] == 0xC2 && s[1] <= 0x9F)
		*cp = s[1];
	return len;
}

void esc_json(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, run = 0, len;
	int cp;

	if (s == NULL) {
		fputs("null", out);
		return;
	}
	n = strlen(s);
	fputc('"', out);
	while (run < n) {
		len = esc_json_unit(p + run, n - run, &cp);
		if (cp < 0 && p[run] != '"' && p[run] != '\\') {
			run += len;
			continue;
		}
		fwrite(p, 1, run, out);
		if (cp >= 0)
			fprintf(out, "\\u%04x", (unsigned)cp);
		else
			fprintf(out, "\\%c", p[run]);
		p += run + len;
		n -= run + len;
		run = 0;
	}
	fwrite(p, 1, run, out);
	fputc('"', out);
}

/* How a Prometheus label value carries the unit at s (n > 0 bytes left):
 * returns its length and sets *rep to what is written instead of it, or
 * to NULL when the unit is written as it is. */
static size_t esc_prom_unit(const unsigned char *s, size_t n, const char **rep)
{
	int cp;
	size_t len = esc_json_unit(s, n, &cp);

	/* The format's three escapes; JSON's rule finds the controls and
	 * the stray bytes, for which the format has no escape at all. */
	if (s[0] == '\\')
		*rep = "\\\\";
	else if (s[0] == '"')
		*rep = "\\\"";
	else if (s[0] == '\n')
		*rep = "\\n";
	else
		*rep = cp >= 0 ? ESC_REPLACEMENT : NULL;
	return len;
}

void esc_prom_label(FILE *out, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p), run = 0, len;
	const char *rep;
	int cut = 0;

	fputc('"', out);
	while (run < n) {
		len = esc_prom_unit(p + run, n - run, &rep);
		if (len > max) {
			cut = 1;
			break;
		}
		max -= len;
		if (rep == NULL) {
			run += len;
			continue;
		}
		fwrite(p, 1, run, out);
		fputs(rep, out);
		p += run + len;
		n -= run + len;
		run = 0;
	}
	fwrite(p, 1, run, out);
	if (cut)
		fputs(ESC_ELLIPSIS, out);
	fputc('"', out);
}

void esc_buf_free(struct esc_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/* Makes room for need bytes in all; the old content need not survive. */
static int esc_buf_reserve(struct esc_buf *b, size_t need)
{
	char *p;

	if (need <= b->cap)
		return 0;
	p = realloc(b->data, need);
	if (p == NULL)
		return -1;
	b->data = p;
	b->cap = need;
	return 0;
}

/* The first characters that make a spreadsheet evaluate a cell (OWASP's
 * "CSV injection" list). */
static int csv_is_formula_lead(unsigned char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' ||
	       c == '\r';
}

int esc_csv_cell(struct esc_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p), i = 0, len;
	int escape;

	b->len = 0;
	if (n > (SIZE_MAX - 1) / ESC_WIDTH)
		return -1;
	/* Worst case: every byte escaped, plus the apostrophe. */
	if (esc_buf_reserve(b, ESC_WIDTH * n + 1) < 0)
		return -1;
	/* None of the lead characters is ever escaped in a cell, and an
	 * escaped lead starts with '\\': testing the input's first byte is
	 * testing the cell's. */
	if (n > 0 && csv_is_formula_lead(p[0]))
		b->data[b->len++] = '\'';
	while (i < n) {
		len = esc_unit(p + i, n - i, ESC_CSV, &escape);
		if (escape) {
			esc_bytes(b->data + b->len, p + i, len);
			b->len += ESC_WIDTH * len;
		} else {
			memcpy(b->data + b->len, p + i, len);
			b->len += len;
		}
		i += len;
	}
	return 0;
}

/* ---- HTML --------------------------------------------------------------- */

/* The bidirectional controls (U+061C, U+200E, U+200F, U+202A-U+202E,
 * U+2066-U+2069): text that reorders what follows it, so that a subject
 * can show another name than it holds. Valid UTF-8, written visibly. */
static int esc_is_bidi(const unsigned char *s, size_t len)
{
	if (len == 2)
		return s[0] == 0xD8 && s[1] == 0x9C;
	if (len != 3 || s[0] != 0xE2)
		return 0;
	if (s[1] == 0x80)
		return s[2] == 0x8E || s[2] == 0x8F ||
		       (s[2] >= 0xAA && s[2] <= 0xAE);
	return s[1] == 0x81 && s[2] >= 0xA6 && s[2] <= 0xA9;
}

void esc_html(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, run = 0, len;
	char tmp[ESC_WIDTH * 4];
	const char *ent;
	int escape;

	if (s == NULL)
		return;
	n = strlen(s);
	while (run < n) {
		len = esc_unit(p + run, n - run, ESC_TEXT, &escape);
		ent = NULL;
		if (len == 1) {
			switch (p[run]) {
			case '&': ent = "&amp;"; break;
			case '<': ent = "&lt;"; break;
			case '>': ent = "&gt;"; break;
			case '"': ent = "&quot;"; break;
			case '\'': ent = "&#39;"; break;
			default: break;
			}
		}
		if (!escape && ent == NULL && !esc_is_bidi(p + run, len)) {
			run += len;
			continue;
		}
		fwrite(p, 1, run, out);
		if (ent != NULL) {
			fputs(ent, out);
		} else if (escape) {
			esc_bytes(tmp, p + run, len);
			fwrite(tmp, 1, ESC_WIDTH * len, out);
		} else {
			/* \u202E: seen, not obeyed */
			fprintf(out, "\\u%04X",
				len == 2 ? 0x061Cu
					 : (unsigned)(((p[run] & 0x0F) << 12) |
						      ((p[run + 1] & 0x3F) << 6) |
						      (p[run + 2] & 0x3F)));
		}
		p += run + len;
		n -= run + len;
		run = 0;
	}
	fwrite(p, 1, run, out);
}
