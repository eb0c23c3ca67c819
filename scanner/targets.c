/* targets.c: the streaming reader of the targets CSV (Domain,Type,Port).
 *
 * libcsv does all CSV parsing. This file only decides where to cut the input
 * before handing it over, so that it can tell on which line a row starts,
 * receive at most one row per csv_parse() call (no queue of rows), and keep
 * memory bounded however long a line or a field is.
 *
 * Memory per reader, whatever the file: the struct below (about 21 KB) and
 * libcsv's field buffer, which targets_cap_field() keeps under
 * FC_CSV_FIELD_MAX + TARGETS_SLICE + libcsv's 128-byte step (about 2.2 KB).
 *
 * Decisions the input format leaves open:
 * - CSV_STRICT: a quote inside a bare field (ab"c) or text after a closing
 *   quote ("ab"c) makes the row bad ("misplaced quote"), because the field
 *   boundaries are then a guess; the row still ends where libcsv says.
 * - CSV_STRICT_FINI: a file ending inside a quoted field gives one bad row
 *   ("unterminated quoted field"), never a silently completed one.
 * - Spaces and tabs around a field are trimmed, inside quotes too.
 * - A row whose fields are all empty (",,", as spreadsheets export empty
 *   rows) is skipped like a blank line; its lines still count.
 * - A row with only Domain and Type gets the default port, as an empty Port
 *   field does; a row with only a Domain is "missing type".
 * - A port may have leading zeros ("05061"): it is still decimal.
 */
#include "scanner.h"

#include <arpa/inet.h>
#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fedcert_limits.h"
#include "names.h"

/* Domain, Type, Port, and the one empty trailing field we tolerate. */
#define TARGETS_FIELDS_KEPT 4
#define TARGETS_FIELDS_EXPECTED 3
/* Bytes given to one csv_parse() call at most: how far libcsv's field buffer
 * may run past FC_CSV_FIELD_MAX before targets_cap_field() trims it. */
#define TARGETS_SLICE FC_CSV_FIELD_MAX
#define TARGETS_REASON_MAX (64 + FC_CSV_QUOTE_MAX)
#define TARGETS_DOMAIN_MAX (FC_DNS_NAME_MAX + 1 > INET6_ADDRSTRLEN ? \
			    FC_DNS_NAME_MAX + 1 : INET6_ADDRSTRLEN)

/* Defects noticed while a row is parsed, before its fields are judged. */
enum {
	ROW_TOO_LONG = 1 << 0,     /* a field passed FC_CSV_FIELD_MAX */
	ROW_NUL = 1 << 1,          /* a NUL byte in a field */
	ROW_BAD_QUOTE = 1 << 2,    /* a quote where RFC 4180 allows none */
	ROW_UNTERMINATED = 1 << 3  /* end of file inside a quoted field */
};

/* Everything one reader owns; targets_close() frees it all. */
struct targets_reader {
	FILE *fp;
	char *path;                 /* owned copy, for messages */
	struct csv_parser csv;
	int csv_ready;              /* csv_init() done, csv_free() due */

	unsigned char chunk[FC_CSV_READ_CHUNK];
	size_t chunk_len, chunk_pos;
	int at_start;               /* nothing read yet: a BOM may come */
	int at_eof;                 /* fread() found the end of the file */
	int finished;               /* csv_fini() done: nothing more */

	long line;                  /* line of the next byte fed to libcsv */
	long open_line;             /* line where the open row began, 0: none */

	/* The row being assembled by the libcsv callbacks. */
	int row_ready;
	long row_line;
	long nfields;               /* fields seen, kept or not */
	unsigned flags;             /* ROW_* */
	int has_content;            /* a field is more than blanks */
	int field_capped;           /* current field trimmed, already in raw */
	char field[TARGETS_FIELDS_KEPT][FC_CSV_FIELD_MAX + 1]; /* trimmed */
	size_t field_len[TARGETS_FIELDS_KEPT];
	char raw[FC_CSV_RAW_MAX + 1];
	size_t raw_len;

	/* Strings the last target_row points to. */
	char domain[TARGETS_DOMAIN_MAX];
	char reason[TARGETS_REASON_MAX];
};

static const char *const targets_type_names[] = {
	[TARGET_FED] = "FED",
	[TARGET_SIP] = "SIP",
	[TARGET_SIPINT] = "SIPINT",
	[TARGET_DIR] = "DIR"
};
#define TARGETS_NTYPES \
	(sizeof(targets_type_names) / sizeof(targets_type_names[0]))

const char *target_type_name(enum target_type type)
{
	if ((unsigned)type < TARGETS_NTYPES)
		return targets_type_names[type];
	return "?";
}

/* ---- Small text helpers ---------------------------------------------- */

static int is_blank(unsigned char c)
{
	return c == ' ' || c == '\t';
}

/* Spaces, tabs and line ends only: what libcsv skips between rows. */
static int is_blank_run(const unsigned char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!is_blank(s[i]) && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

/* ASCII only on purpose: the locale's tolower() folds 'I' differently in
 * Turkish, and DNS names and our keywords are ASCII. */
static char ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static int ascii_eq_nocase(const char *a, const char *b)
{
	for (; *a && ascii_lower(*a) == ascii_lower(*b); a++, b++)
		;
	return ascii_lower(*a) == ascii_lower(*b);
}

/* What gets printed to a terminal: control bytes become '?'. */
static char printable(unsigned char c)
{
	return (c < 0x20 || c == 0x7f) ? '?' : (char)c;
}

/* ---- libcsv callbacks: assemble one row ------------------------------ */

/* Appends field number idx to the bad-row evidence, truncated at
 * FC_CSV_RAW_MAX. */
static void row_raw_append(struct targets_reader *r, long idx, const char *s,
			   size_t len)
{
	size_t i;

	if (idx > 0 && r->raw_len < FC_CSV_RAW_MAX)
		r->raw[r->raw_len++] = ',';
	for (i = 0; i < len && r->raw_len < FC_CSV_RAW_MAX; i++)
		r->raw[r->raw_len++] = printable((unsigned char)s[i]);
	r->raw[r->raw_len] = '\0';
}

static void row_reset(struct targets_reader *r)
{
	int i;

	r->row_ready = 0;
	r->nfields = 0;
	r->flags = 0;
	r->has_content = 0;
	r->field_capped = 0;
	for (i = 0; i < TARGETS_FIELDS_KEPT; i++) {
		r->field[i][0] = '\0';
		r->field_len[i] = 0;
	}
	r->raw_len = 0;
	r->raw[0] = '\0';
}

static void targets_on_field(void *buf, size_t len, void *data)
{
	struct targets_reader *r = data;
	const char *s = buf;
	long idx = r->nfields++;

	if (r->field_capped) {
		/* targets_cap_field() kept its start and flagged the row. */
		r->field_capped = 0;
		return;
	}
	if (len > FC_CSV_FIELD_MAX) {
		r->flags |= ROW_TOO_LONG;
		r->has_content = 1;
		row_raw_append(r, idx, s, FC_CSV_FIELD_MAX);
		return;
	}
	row_raw_append(r, idx, s, len);
	if (memchr(s, '\0', len))
		r->flags |= ROW_NUL;
	while (len > 0 && is_blank((unsigned char)s[0])) {
		s++;
		len--;
	}
	while (len > 0 && is_blank((unsigned char)s[len - 1]))
		len--;
	if (len > 0)
		r->has_content = 1;
	if (idx < TARGETS_FIELDS_KEPT) {
		memcpy(r->field[idx], s, len);
		r->field[idx][len] = '\0';
		r->field_len[idx] = len;
	}
}

static void targets_on_row(int c, void *data)
{
	struct targets_reader *r = data;

	(void)c;
	/* targets_feed_segment() set open_line when this row began. */
	r->row_line = r->open_line;
	r->open_line = 0;
	r->row_ready = 1;
}

/* ---- Feeding libcsv --------------------------------------------------- */

/* libcsv grows its field buffer without limit (a realloc hook cannot refuse
 * without leaving the parser stuck), so after every slice we look at the
 * field it is holding. Past FC_CSV_FIELD_MAX, we keep the start as evidence,
 * flag the row and cut the buffer back to its last two bytes. Two bytes with
 * `spaces` clamped to 1 is all libcsv's states still use: after a closing
 * quote it drops `spaces + 1` bytes (the quote and the blanks after it), and
 * otherwise it only asks whether `spaces` is zero. This uses the fields that
 * csv.h (3.0) documents in struct csv_parser. */
static void targets_cap_field(struct targets_reader *r)
{
	struct csv_parser *p = &r->csv;

	if (p->entry_pos <= FC_CSV_FIELD_MAX)
		return;
	if (!r->field_capped) {
		row_raw_append(r, r->nfields, (const char *)p->entry_buf,
			       FC_CSV_FIELD_MAX);
		r->field_capped = 1;
		r->flags |= ROW_TOO_LONG;
		r->has_content = 1;
	}
	memmove(p->entry_buf, p->entry_buf + p->entry_pos - 2, 2);
	p->entry_pos = 2;
	if (p->spaces > 1)
		p->spaces = 1;
}

/* Hands len bytes to libcsv, TARGETS_SLICE at a time. -1: libcsv could not
 * grow its buffer (out of memory). */
static int targets_feed(struct targets_reader *r, const unsigned char *s,
			size_t len)
{
	while (len > 0) {
		size_t n = len < TARGETS_SLICE ? len : TARGETS_SLICE;
		size_t used = csv_parse(&r->csv, s, n, targets_on_field,
					targets_on_row, r);

		if (used < n) {
			if (csv_error(&r->csv) != CSV_EPARSE)
				return -1;
			/* CSV_STRICT stopped before a misplaced quote or
			 * the text after a closing quote, state unchanged:
			 * stepping over that byte lets the row run on to
			 * its real end. It is never a line end. */
			r->flags |= ROW_BAD_QUOTE;
			r->csv.status = CSV_SUCCESS;
			used++;
		}
		targets_cap_field(r);
		s += used;
		len -= used;
	}
	return 0;
}

/* Feeds the chunk up to and including its first CR or LF. A row can only
 * end at a CR or LF, so at most one row ends per call, at its last byte; and
 * counting LFs here gives the line of every byte. */
static int targets_feed_segment(struct targets_reader *r)
{
	const unsigned char *s = r->chunk + r->chunk_pos;
	size_t len = r->chunk_len - r->chunk_pos;
	const unsigned char *end;

	end = memchr(s, '\n', len);
	if (end)
		len = (size_t)(end - s) + 1;
	end = memchr(s, '\r', len);
	if (end)
		len = (size_t)(end - s) + 1;
	/* Between rows libcsv skips blanks and line ends, so the first other
	 * byte is where the next row starts. */
	if (r->open_line == 0 && !is_blank_run(s, len))
		r->open_line = r->line;
	if (targets_feed(r, s, len) != 0)
		return -1;
	r->chunk_pos += len;
	if (s[len - 1] == '\n')
		r->line++;
	return 0;
}

/* Reads the next chunk: 1 with bytes, 0 at the end of the file, -1 on a read
 * error (message in err). */
static int targets_fill(struct targets_reader *r, char *err, size_t errlen)
{
	size_t n = fread(r->chunk, 1, sizeof(r->chunk), r->fp);

	if (n == 0) {
		if (ferror(r->fp)) {
			snprintf(err, errlen, "%s: %s", r->path,
				 strerror(errno));
			return -1;
		}
		r->at_eof = 1;
		return 0;
	}
	r->chunk_len = n;
	r->chunk_pos = 0;
	if (r->at_start) {
		/* A whole first chunk always holds a whole BOM. */
		r->at_start = 0;
		if (n >= 3 && memcmp(r->chunk, "\xEF\xBB\xBF", 3) == 0)
			r->chunk_pos = 3;
	}
	return 1;
}

/* End of file: let libcsv submit a last row that has no line end. */
static void targets_finish(struct targets_reader *r)
{
	const struct csv_parser *p = &r->csv;
	size_t len;

	r->finished = 1;
	if (csv_fini(&r->csv, targets_on_field, targets_on_row, r) == 0)
		return;
	/* CSV_STRICT_FINI: inside a quoted field. libcsv submits nothing, so
	 * the row is made bad here, with the text it had. */
	if (!r->field_capped && p->entry_buf) {
		len = p->entry_pos < FC_CSV_FIELD_MAX ? p->entry_pos :
							 FC_CSV_FIELD_MAX;
		row_raw_append(r, r->nfields, (const char *)p->entry_buf, len);
	}
	r->nfields++;
	r->flags |= ROW_UNTERMINATED;
	r->has_content = 1;
	targets_on_row(-1, r);
}

/* Runs libcsv until one row is complete: 1 a row is ready, 0 end of file,
 * -1 error (message in err). */
static int targets_pull(struct targets_reader *r, char *err, size_t errlen)
{
	row_reset(r);
	while (!r->row_ready) {
		if (r->finished)
			return 0;
		if (r->chunk_pos < r->chunk_len) {
			if (targets_feed_segment(r) != 0) {
				snprintf(err, errlen, "%s: line %ld: %s",
					 r->path, r->line,
					 csv_strerror(csv_error(&r->csv)));
				return -1;
			}
		} else if (r->at_eof) {
			targets_finish(r);
		} else if (targets_fill(r, err, errlen) < 0) {
			return -1;
		}
	}
	return 1;
}

/* Like targets_pull(), skipping rows with nothing in them. */
static int targets_pull_nonblank(struct targets_reader *r, char *err,
				 size_t errlen)
{
	int rc;

	do
		rc = targets_pull(r, err, errlen);
	while (rc == 1 && !r->has_content && !r->flags);
	return rc;
}

/* ---- Judging a row ---------------------------------------------------- */

/* Sets the reason; returns -1 so callers can `return row_fail(...)`. */
static int row_fail(struct targets_reader *r, const char *reason)
{
	snprintf(r->reason, sizeof(r->reason), "%s", reason);
	return -1;
}

/* As row_fail(), quoting the offending value: printable, and cut at
 * FC_CSV_QUOTE_MAX bytes with "..." (raw has more of it). */
static int row_fail_value(struct targets_reader *r, const char *what,
			  const char *value)
{
	char quoted[FC_CSV_QUOTE_MAX + 4];
	size_t i;

	for (i = 0; value[i] && i < FC_CSV_QUOTE_MAX; i++)
		quoted[i] = printable((unsigned char)value[i]);
	quoted[i] = '\0';
	if (value[i])
		memcpy(quoted + i, "...", 4);
	snprintf(r->reason, sizeof(r->reason), "%s \"%s\"", what, quoted);
	return -1;
}

static int row_check_shape(struct targets_reader *r)
{
	if (r->flags & ROW_NUL)
		return row_fail(r, "NUL byte in row");
	if (r->flags & ROW_TOO_LONG)
		return row_fail(r, "field too long");
	if (r->flags & ROW_UNTERMINATED)
		return row_fail(r, "unterminated quoted field");
	if (r->flags & ROW_BAD_QUOTE)
		return row_fail(r, "misplaced quote");
	/* One empty field after Port is a trailing comma, not a column. */
	if (r->nfields > TARGETS_FIELDS_EXPECTED + 1 ||
	    (r->nfields == TARGETS_FIELDS_EXPECTED + 1 &&
	     r->field_len[TARGETS_FIELDS_EXPECTED] > 0)) {
		snprintf(r->reason, sizeof(r->reason),
			 "too many fields (%ld, expected %d)", r->nfields,
			 TARGETS_FIELDS_EXPECTED);
		return -1;
	}
	if (r->field_len[0] == 0)
		return row_fail(r, "empty domain");
	return 0;
}

static int row_check_type(struct targets_reader *r, enum target_type *type)
{
	if (r->field_len[1] == 0)
		return row_fail(r, "missing type");
	if (target_type_from_name(r->field[1], type))
		return 0;
	return row_fail_value(r, "unknown type", r->field[1]);
}

static int row_check_port(struct targets_reader *r, int *port)
{
	if (r->field_len[2] == 0) {
		*port = FC_DEFAULT_PORT;
		return 0;
	}
	if (!names_parse_port(r->field[2], port))
		return row_fail_value(r, "bad port", r->field[2]);
	return 0;
}

static int row_check_domain(struct targets_reader *r, struct target_row *row)
{
	const char *d = r->field[0];
	size_t len = r->field_len[0]; /* > 0: row_check_shape() saw to it */
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)d[i] >= 0x80)
			return row_fail(r, "non-ASCII domain name "
					   "(use the A-label xn-- form)");
	if (names_canon_ip_literal(d, r->domain, sizeof(r->domain))) {
		if (row->type != TARGET_DIR)
			return row_fail(r, "an IP address is not a SIP domain");
		row->is_literal = 1;
		return 0;
	}
	if (d[len - 1] == '.')
		len--;
	if (len > FC_DNS_NAME_MAX)
		return row_fail_value(r, "invalid domain name", d);
	for (i = 0; i < len; i++)
		r->domain[i] = ascii_lower(d[i]);
	r->domain[len] = '\0';
	if (!names_is_valid_host(r->domain))
		return row_fail_value(r, "invalid domain name", d);
	return 0;
}

/* Fills *row from the assembled row: a target, or a bad row. */
static void row_judge(struct targets_reader *r, struct target_row *row)
{
	memset(row, 0, sizeof(*row));
	row->line = r->row_line;
	if (row_check_shape(r) == 0 && row_check_type(r, &row->type) == 0 &&
	    row_check_port(r, &row->port) == 0 &&
	    row_check_domain(r, row) == 0) {
		row->domain = r->domain;
		return;
	}
	/* A bad row carries only its line, reason and raw text. */
	memset(row, 0, sizeof(*row));
	row->line = r->row_line;
	row->is_error = 1;
	row->reason = r->reason;
	row->raw = r->raw;
}

static int targets_is_header(const struct targets_reader *r)
{
	static const char *const want[TARGETS_FIELDS_EXPECTED] = {
		"domain", "type", "port"
	};
	int i;

	if (r->flags || r->nfields < TARGETS_FIELDS_EXPECTED ||
	    r->nfields > TARGETS_FIELDS_EXPECTED + 1)
		return 0;
	if (r->nfields > TARGETS_FIELDS_EXPECTED &&
	    r->field_len[TARGETS_FIELDS_EXPECTED] > 0)
		return 0;
	for (i = 0; i < TARGETS_FIELDS_EXPECTED; i++)
		if (!ascii_eq_nocase(r->field[i], want[i]))
			return 0;
	return 1;
}

/* ---- Public ----------------------------------------------------------- */

int target_type_from_name(const char *name, enum target_type *type)
{
	size_t i;

	for (i = 0; i < TARGETS_NTYPES; i++) {
		if (ascii_eq_nocase(name, targets_type_names[i])) {
			*type = (enum target_type)i;
			return 1;
		}
	}
	return 0;
}

struct targets_reader *targets_open_stream(FILE *fp, const char *path,
					   char *err, size_t errlen)
{
	struct targets_reader *r = NULL, *ret = NULL;
	int rc;

	r = calloc(1, sizeof(*r));
	if (r == NULL || (r->path = strdup(path)) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		if (fp)
			fclose(fp);
		goto out;
	}
	r->fp = fp;
	if (r->fp == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (csv_init(&r->csv, CSV_STRICT | CSV_STRICT_FINI |
			      CSV_APPEND_NULL) != 0) {
		snprintf(err, errlen, "%s: cannot start the CSV parser", path);
		goto out;
	}
	r->csv_ready = 1;
	r->line = 1;
	r->at_start = 1;
	rc = targets_pull_nonblank(r, err, errlen);
	if (rc < 0)
		goto out;
	if (rc == 0) {
		snprintf(err, errlen, "%s: empty file, no header", path);
		goto out;
	}
	if (!targets_is_header(r)) {
		snprintf(err, errlen, "%s: line %ld: no valid header "
			 "(expected Domain,Type,Port)", path, r->row_line);
		goto out;
	}
	ret = r;
	r = NULL;
out:
	targets_close(r);
	return ret;
}

struct targets_reader *targets_open(const char *path, char *err,
				    size_t errlen)
{
	return targets_open_stream(fopen(path, "rb"), path, err, errlen);
}

int targets_check(const char *path, char *err, size_t errlen)
{
	struct targets_reader *r;
	struct target_row row;
	struct stat sb;
	int rc = -1;

	/* A pipe (`scan <(export)`) can be read only once: the scan itself
	 * finds out, as it reads. */
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode))
		return 0;
	if ((r = targets_open(path, err, errlen)) == NULL)
		return -1;
	switch (targets_next(r, &row, err, errlen)) {
	case 1:
		rc = 0;
		break;
	case 0:
		snprintf(err, errlen, "%s: no target rows after the header "
			 "(an empty export?)", path);
		break;
	default:
		break;
	}
	targets_close(r);
	return rc;
}

int targets_next(struct targets_reader *r, struct target_row *row, char *err,
		 size_t errlen)
{
	int rc = targets_pull_nonblank(r, err, errlen);

	if (rc == 1)
		row_judge(r, row);
	return rc;
}

void targets_close(struct targets_reader *r)
{
	if (r == NULL)
		return;
	if (r->csv_ready)
		csv_free(&r->csv);
	if (r->fp)
		fclose(r->fp);
	free(r->path);
	free(r);
}
