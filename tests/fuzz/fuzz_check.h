/* fuzz_check.h: the output invariants the fuzz targets hold the report to
 * (fuzz_escape.c, fuzz_cert.c). Static inline: one copy per fuzzer
 * program.
 *
 * What the report promises (README, report/escape.h), checked by readers
 * written apart from the code under test:
 * - text is valid UTF-8 without a control: no C0 byte but the line feeds
 *   the renderer writes itself, no DEL, no C1 (U+0080-U+009F);
 * - JSON is valid (the unit tests' strict RFC 8259 checker) and, as text,
 *   obeys the same rule (a file that is cat'ed must not drive a terminal);
 * - CSV parses back with libcsv in strict mode, and no cell begins with
 *   '=', '+', '-', '@', TAB or CR.
 * A broken invariant aborts with the reason: libFuzzer saves the input.
 */
#ifndef FEDCERT_FUZZ_CHECK_H
#define FEDCERT_FUZZ_CHECK_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "tests/support/json.h"

#define FUZZ_CHECK(cond)                                                   \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "%s:%d: invariant broken: %s\n",   \
				__FILE__, __LINE__, #cond);                \
			abort();                                           \
		}                                                          \
	} while (0)

/* As FUZZ_CHECK, showing the output around the offending offset. */
#define FUZZ_CHECK_AT(cond, buf, len, at)                                  \
	do {                                                               \
		if (!(cond)) {                                             \
			fuzz_show((buf), (len), (at));                     \
			fprintf(stderr, "%s:%d: invariant broken: %s\n",   \
				__FILE__, __LINE__, #cond);                \
			abort();                                           \
		}                                                          \
	} while (0)

/* Prints the bytes around at, escaped by hand (not by the code under
 * test), to stderr. */
static inline void fuzz_show(const char *buf, size_t len, size_t at)
{
	size_t from = at > 60 ? at - 60 : 0, to = at + 60 < len ? at + 60 : len;
	size_t i;

	fprintf(stderr, "output near byte %zu of %zu: ", at, len);
	for (i = from; i < to; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c >= 0x20 && c < 0x7f)
			fputc(c, stderr);
		else
			fprintf(stderr, "<%02X>", c);
	}
	fputc('\n', stderr);
}

/* ---- Output capture ------------------------------------------------------ */

struct fuzz_out {
	FILE *f;
	char *buf; /* owned, NUL-terminated after fuzz_out_close() */
	size_t len;
};

static inline void fuzz_out_open(struct fuzz_out *o)
{
	o->buf = NULL;
	o->len = 0;
	o->f = open_memstream(&o->buf, &o->len);
	FUZZ_CHECK(o->f != NULL);
}

static inline void fuzz_out_close(struct fuzz_out *o)
{
	FUZZ_CHECK(fclose(o->f) == 0);
	o->f = NULL;
}

static inline void fuzz_out_free(struct fuzz_out *o)
{
	free(o->buf);
	o->buf = NULL;
}

/* ---- Text ---------------------------------------------------------------- */

/* Length of the RFC 3629 character at s (n > 0 bytes left), 0 when s does
 * not start one: the unit tests' checker, reused. */
static inline size_t fuzz_utf8_len(const char *s, size_t n)
{
	return json_utf8_len(s, n);
}

/* Whether the character of len bytes at s is a control a reader must not
 * get raw: C0 (but the bytes in allowed), DEL, and C1 unless c1_ok. */
static inline int fuzz_is_control(const char *s, size_t len,
				  const char *allowed, int c1_ok)
{
	unsigned char c = (unsigned char)s[0];

	if (len == 1)
		return (c < 0x20 || c == 0x7f) &&
		       (c == '\0' || strchr(allowed, c) == NULL);
	return !c1_ok && len == 2 && c == 0xC2 &&
	       (unsigned char)s[1] <= 0x9F;
}

/* len bytes of output are valid UTF-8 holding no control but those in
 * allowed (and C1 when c1_ok). */
static inline void fuzz_check_utf8_controls(const char *buf, size_t len,
					    const char *allowed, int c1_ok)
{
	size_t i = 0, n;

	while (i < len) {
		n = fuzz_utf8_len(buf + i, len - i);
		FUZZ_CHECK_AT(n > 0, buf, len, i);
		FUZZ_CHECK_AT(!fuzz_is_control(buf + i, n, allowed, c1_ok),
			      buf, len, i);
		i += n;
	}
}

/* Safe on a terminal: valid UTF-8, no C0 but allowed, no DEL, no C1. */
static inline void fuzz_check_terminal_safe(const char *buf, size_t len,
					    const char *allowed)
{
	fuzz_check_utf8_controls(buf, len, allowed, 0);
}

/* ---- JSON Lines ----------------------------------------------------------- */

/* Every line one valid JSON object, the last one ended by "\n". */
static inline void fuzz_check_json_lines(const char *buf, size_t len)
{
	size_t start = 0, end;

	FUZZ_CHECK(len > 0 && buf[len - 1] == '\n');
	while (start < len) {
		const char *nl = memchr(buf + start, '\n', len - start);

		end = (size_t)(nl - buf);
		FUZZ_CHECK_AT(buf[start] == '{', buf, len, start);
		FUZZ_CHECK_AT(json_is_valid(buf + start, end - start), buf, len,
			      start);
		start = end + 1;
	}
	fuzz_check_terminal_safe(buf, len, "\n");
}

/* ---- CSV ----------------------------------------------------------------- */

struct fuzz_csv_read {
	size_t fields;
	size_t rows;
	size_t row_fields; /* fields of the row being read */
	size_t width;      /* fields of the first row: every row's */
};

/* A number fedcert wrote itself ("-4" days left): a spreadsheet reads it
 * as a number, never as a formula, so it may start with '-'. Only digits
 * after the sign, and at most one decimal point. */
static inline int fuzz_csv_is_number(const unsigned char *c, size_t len)
{
	size_t i = c[0] == '-' ? 1 : 0;
	int digits = 0, point = 0;

	for (; i < len; i++) {
		if (c[i] >= '0' && c[i] <= '9')
			digits = 1;
		else if (c[i] == '.' && !point && digits)
			point = 1;
		else
			return 0;
	}
	return digits;
}

static inline void fuzz_csv_on_field(void *s, size_t len, void *data)
{
	struct fuzz_csv_read *r = data;
	const unsigned char *c = s;

	r->fields++;
	r->row_fields++;
	if (len > 0 && !fuzz_csv_is_number(c, len))
		FUZZ_CHECK(c[0] != '=' && c[0] != '+' && c[0] != '-' &&
			   c[0] != '@' && c[0] != '\t' && c[0] != '\r');
}

static inline void fuzz_csv_on_row(int term, void *data)
{
	struct fuzz_csv_read *r = data;

	(void)term;
	if (r->rows++ == 0)
		r->width = r->row_fields;
	FUZZ_CHECK(r->row_fields == r->width);
	r->row_fields = 0;
}

/* Parses len bytes of CSV with libcsv in strict mode (a misplaced quote is
 * an error) and checks every cell and that every row is as wide as the
 * first. Returns the number of rows. */
static inline size_t fuzz_check_csv(const char *buf, size_t len)
{
	struct csv_parser p;
	struct fuzz_csv_read r = { 0, 0, 0, 0 };

	FUZZ_CHECK(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) == 0);
	FUZZ_CHECK(csv_parse(&p, buf, len, fuzz_csv_on_field, fuzz_csv_on_row,
			     &r) == len);
	FUZZ_CHECK(csv_fini(&p, fuzz_csv_on_field, fuzz_csv_on_row, &r) == 0);
	csv_free(&p);
	/* Quoted cells carry TAB, CR and LF and a spreadsheet shows C1 as
	 * text; every other C0 byte, DEL and invalid UTF-8 are escaped. */
	fuzz_check_utf8_controls(buf, len, "\t\r\n", 1);
	return r.rows;
}

#endif
