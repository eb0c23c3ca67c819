/* emit.h: the one place a CSV cell or a JSON value is written, for every
 * format of one scan (csv.c, json.c) and every command across scans
 * (history/). Text a partner or a certificate sent is escaped here
 * (escape.h): a CSV cell is spreadsheet-safe and always quoted, a JSON
 * string is valid UTF-8 with every control escaped. A number fedcert
 * formatted itself is not escaped (-3 days left is a number to sort by,
 * not a formula), and is still quoted in CSV, like every cell.
 */
#ifndef FEDCERT_REPORT_EMIT_H
#define FEDCERT_REPORT_EMIT_H

#include <stddef.h>
#include <stdio.h>

#include "report/render/escape.h"

/* The version of the CSV columns and JSON keys (docs/formats.md): every
 * JSON object line starts with "format_version" (absent: version 1). */
#define EMIT_FORMAT_VERSION 2

/* ---- CSV: RFC 4180, every field quoted, "\r\n" line ends. -------------- */

/* One row at a time. buf is owned (emit_csv_free()); failed is set when a
 * cell could not be built (out of memory: the cell is then empty). */
struct emit_csv {
	FILE *out;
	struct esc_buf buf;
	size_t col;
	int failed;
};

/* An untrusted value (NULL: an empty cell), escaped. */
void emit_csv_cell(struct emit_csv *c, const char *s);
/* A number of ours. */
void emit_csv_number(struct emit_csv *c, long long v);
/* A number that is negative when unused: an empty cell then. */
void emit_csv_optional(struct emit_csv *c, long long v);
/* A time of ours, stored as ISO 8601 UTC ("2026-12-02T10:00:00Z"), as
 * "2026-12-02 10:00:00" (UTC, fractions dropped): the form Excel and
 * LibreOffice read as a date and time, where the T and Z make it text.
 * NULL: an empty cell; text of another form is written as text,
 * escaped. */
void emit_csv_date(struct emit_csv *c, const char *iso);
/* Milliseconds with one decimal (formatted with integers: a locale's
 * decimal comma never reaches the file); empty when negative or beyond a
 * year of milliseconds (not a timing). */
void emit_csv_ms(struct emit_csv *c, double ms);
void emit_csv_end_row(struct emit_csv *c);
/* The header row, from a NULL-terminated list of plain names. */
void emit_csv_header(struct emit_csv *c, const char *const *names);
void emit_csv_free(struct emit_csv *c);
/* The UTF-8 byte order mark (EF BB BF), before the header row of a CSV
 * meant for Excel (--bom): without it Excel reads the file in the
 * machine's code page and garbles a subject that is not ASCII. */
void emit_csv_bom(FILE *out);

/* ---- JSON: one object, keys in the order written. -------------------- */

struct emit_json {
	FILE *out;
	int first;
};

void emit_json_open(struct emit_json *j, FILE *out);  /* "{" */
/* The "{" of an object that is a line of its own (JSON Lines), with
 * "format_version": EMIT_FORMAT_VERSION as its first key. */
void emit_json_open_line(struct emit_json *j, FILE *out);
void emit_json_close(struct emit_json *j);            /* "}" */
/* ,"key": (the key is ours: plain ASCII). */
void emit_json_key(struct emit_json *j, const char *key);
/* An untrusted string (NULL: null), escaped. */
void emit_json_str(struct emit_json *j, const char *key, const char *s);
void emit_json_int(struct emit_json *j, const char *key, long long v);
/* A number that is negative when missing: null then. */
void emit_json_opt(struct emit_json *j, const char *key, long long v);
/* Milliseconds with one decimal; null as emit_csv_ms() leaves a cell
 * empty. */
void emit_json_ms(struct emit_json *j, const char *key, double ms);
void emit_json_bool(struct emit_json *j, const char *key, int v);
void emit_json_null(struct emit_json *j, const char *key);
/* key: the space-separated words of s as an array of strings ([] for
 * NULL or ""). The words are ours (finding ids: plain ASCII), written
 * as they are. */
void emit_json_words(struct emit_json *j, const char *key, const char *s);

#endif
