/* escape.h: output escaping, private to report/.
 *
 * Everything a certificate or a peer sent us is untrusted: a subject can hold
 * an ESC sequence that recolours (or retitles, or types into) the terminal,
 * and a cell that starts with '=' is a formula to a spreadsheet. Renderers
 * pass every such string through here, at the one place they write it.
 *
 * A byte that is shown escaped becomes the four characters \xNN (uppercase
 * hex). Valid UTF-8 is kept; a byte that is not part of valid UTF-8
 * (stray continuation, overlong form, surrogate, beyond U+10FFFF, truncated
 * sequence) is escaped on its own.
 */
#ifndef FEDCERT_REPORT_ESCAPE_H
#define FEDCERT_REPORT_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/* Writes s for a terminal: C0 controls (0x00-0x1F, newline and tab too),
 * DEL, the C1 controls U+0080-U+009F (which some terminals honour as CSI,
 * OSC, ...) and invalid UTF-8 are escaped. NULL writes nothing. Write
 * errors are left on out's error indicator. */
void esc_text(FILE *out, const char *s);

/* As esc_text(), for n bytes that may hold NUL (escaped as \x00): what
 * OpenSSL prints into a memory BIO is not a C string. */
void esc_text_n(FILE *out, const char *s, size_t n);

/* Writes s as one JSON string, quotes included (RFC 8259): '"' and '\\'
 * backslash-escaped; C0 controls, DEL and the C1 controls as \u00XX (valid
 * JSON either way, but a file that is cat'ed must not drive the terminal);
 * each byte that is not part of valid UTF-8 as \ufffd, so that the output
 * is always valid JSON. Valid UTF-8 is kept. NULL writes null. */
void esc_json(FILE *out, const char *s);

/* Writes s as one label value of the Prometheus text exposition format
 * (version 0.0.4), quotes included: a backslash as two, '"' as \" and a
 * newline as \n, the only escapes the format has. The format wants valid
 * UTF-8 (its parsers refuse a file with a stray byte), so each byte that
 * is not part of valid UTF-8 becomes U+FFFD, as in esc_json(); so does
 * every other control (C0, DEL, C1), which the format has no escape for
 * and would carry raw to whoever cats the file. Valid UTF-8 is kept. At
 * most max bytes of s are read, cut at a character's boundary and followed
 * by U+2026 when s is longer: the subject of a hostile certificate may be
 * most of its 256 KB. NULL writes the empty value (""). Write errors are
 * left on out's error indicator. */
void esc_prom_label(FILE *out, const char *s, size_t max);

/* Writes s as HTML text or as the value of a double-quoted attribute
 * (also inside inline SVG, which the HTML parser reads the same way): '&',
 * '<', '>', '"' and '\'' as character references, so that nothing ends an
 * element or an attribute or starts one; the controls and the invalid
 * UTF-8 of esc_text() as \xNN, and the bidirectional controls (U+202E and
 * its kind) as \u202E, so that a subject shows what it holds. Valid UTF-8
 * is kept. NULL writes nothing. */
void esc_html(FILE *out, const char *s);

/* A growable byte buffer; data is owned by the buffer and freed with
 * esc_buf_free(). Zero-initialise before first use. */
struct esc_buf {
	char *data;
	size_t len;
	size_t cap;
};

void esc_buf_free(struct esc_buf *b);

/* Replaces b's content with s made safe as one spreadsheet cell: C0
 * controls other than TAB, LF and CR (which CSV quoting carries), DEL and
 * invalid UTF-8 are escaped; then a cell that starts with '=', '+', '-', '@',
 * TAB or CR gets a leading apostrophe so that no spreadsheet evaluates it.
 * NULL is the empty cell. Quoting is left to the CSV writer. Returns 0, or
 * -1 when memory ran out (b then holds no cell). */
int esc_csv_cell(struct esc_buf *b, const char *s);

#endif
