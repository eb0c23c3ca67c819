/* test_targets.c: the streaming targets CSV reader: rows, quoting, bad
 * rows, memory bounds, and the domains and literals a row may hold (the
 * rules themselves, names.c, are in test_names.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fedcert_limits.h"
#include "scanner/scanner.h"

#define HEADER "Domain,Type,Port\n"

/* Per-test state: the temporary file and the reader, both released by the
 * teardown even when an assertion fails. */
struct fixture {
	char path[PATH_MAX];
	struct targets_reader *r;
	char err[512];
	pid_t writer;          /* child feeding a FIFO at path, or 0 */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	targets_close(f->r);
	if (f->writer > 0)
		waitpid(f->writer, NULL, 0);
	if (f->path[0])
		unlink(f->path);
	free(f);
	return 0;
}

/* Writes len bytes to a fresh temporary file named in f->path. */
static void write_file(struct fixture *f, const char *data, size_t len)
{
	FILE *fp;
	int fd;

	snprintf(f->path, sizeof(f->path), "/tmp/test_targets_XXXXXX");
	fd = mkstemp(f->path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

/* Writes text and opens it; the open must succeed. */
static struct targets_reader *open_text(struct fixture *f, const char *text)
{
	write_file(f, text, strlen(text));
	f->r = targets_open(f->path, f->err, sizeof(f->err));
	if (f->r == NULL)
		fail_msg("targets_open: %s", f->err);
	return f->r;
}

/* Writes text and expects the open to fail with "<path>: <suffix>". */
static void open_fails(struct fixture *f, const char *data, size_t len,
		       const char *suffix)
{
	char want[PATH_MAX + 256];

	write_file(f, data, len);
	f->r = targets_open(f->path, f->err, sizeof(f->err));
	assert_null(f->r);
	snprintf(want, sizeof(want), "%s: %s", f->path, suffix);
	assert_string_equal(f->err, want);
}

static void expect_ok(struct fixture *f, long line, enum target_type type,
		      const char *domain, int port, int is_literal)
{
	struct target_row row;

	assert_int_equal(targets_next(f->r, &row, f->err, sizeof(f->err)), 1);
	if (row.is_error)
		fail_msg("line %ld: unexpected bad row: %s [%s]", row.line,
			 row.reason, row.raw);
	assert_int_equal(row.line, line);
	assert_int_equal(row.type, type);
	assert_string_equal(row.domain, domain);
	assert_int_equal(row.port, port);
	assert_int_equal(row.is_literal, is_literal);
	assert_null(row.reason);
	assert_null(row.raw);
}

/* raw may be NULL: not checked. */
static void expect_bad(struct fixture *f, long line, const char *reason,
		       const char *raw)
{
	struct target_row row;

	assert_int_equal(targets_next(f->r, &row, f->err, sizeof(f->err)), 1);
	if (!row.is_error)
		fail_msg("line %ld: expected bad row (%s), got %s", row.line,
			 reason, row.domain);
	assert_int_equal(row.line, line);
	assert_string_equal(row.reason, reason);
	assert_non_null(row.raw);
	assert_null(row.domain);
	if (raw)
		assert_string_equal(row.raw, raw);
}

static void expect_end(struct fixture *f)
{
	struct target_row row;

	assert_int_equal(targets_next(f->r, &row, f->err, sizeof(f->err)), 0);
	/* And it stays at the end. */
	assert_int_equal(targets_next(f->r, &row, f->err, sizeof(f->err)), 0);
}

/* ---- Format tolerance ------------------------------------------------- */

static void test_bom_crlf_quoted_bare(void **state)
{
	struct fixture *f = *state;

	open_text(f, "\xEF\xBB\xBF\"Domain\",\"Type\",\"Port\"\r\n"
		     "\"sip.example.com\",\"FED\",\"5061\"\r\n"
		     "bare.example.org,SIP,443\r\n"
		     "  spaced.example.net ,  sipint ,  5062  \r\n"
		     "\" quoted-spaces.example \" ,\"DIR\", \"5070\"\r\n"
		     "last.example.com,dir,80");
	expect_ok(f, 2, TARGET_FED, "sip.example.com", 5061, 0);
	expect_ok(f, 3, TARGET_SIP, "bare.example.org", 443, 0);
	expect_ok(f, 4, TARGET_SIPINT, "spaced.example.net", 5062, 0);
	expect_ok(f, 5, TARGET_DIR, "quoted-spaces.example", 5070, 0);
	expect_ok(f, 6, TARGET_DIR, "last.example.com", 80, 0);
	expect_end(f);
}

static void test_trailing_empty_field(void **state)
{
	struct fixture *f = *state;

	open_text(f, "Domain,Type,Port,\n"
		     "\"sip.example.com\",\"DIR\",\"5061\",\n"
		     "a.example.com,FED,,\n"
		     "b.example.com,FED,5061,\"\"\n");
	expect_ok(f, 2, TARGET_DIR, "sip.example.com", 5061, 0);
	expect_ok(f, 3, TARGET_FED, "a.example.com", FC_DEFAULT_PORT, 0);
	expect_ok(f, 4, TARGET_FED, "b.example.com", 5061, 0);
	expect_end(f);
}

static void test_blank_lines_keep_line_numbers(void **state)
{
	struct fixture *f = *state;

	open_text(f, "\n\r\n  \n" HEADER
		     "\n"
		     "a.example.com,FED,\n"
		     "\r\n"
		     " \t \n"
		     ",,\n"
		     "b.example.com,SIP,5061\n"
		     "\n\n");
	expect_ok(f, 6, TARGET_FED, "a.example.com", FC_DEFAULT_PORT, 0);
	expect_ok(f, 10, TARGET_SIP, "b.example.com", 5061, 0);
	expect_end(f);
}

static void test_lone_cr_line_ends(void **state)
{
	struct fixture *f = *state;

	/* Old Mac files: libcsv ends rows at CR; we count lines at LF. */
	open_text(f, "Domain,Type,Port\ra.example.com,FED,\rb.example.com,"
		     "SIP,\r\nc.example.com,DIR,1\n");
	expect_ok(f, 1, TARGET_FED, "a.example.com", FC_DEFAULT_PORT, 0);
	expect_ok(f, 1, TARGET_SIP, "b.example.com", FC_DEFAULT_PORT, 0);
	expect_ok(f, 2, TARGET_DIR, "c.example.com", 1, 0);
	expect_end(f);
}

static void test_header_case_insensitive(void **state)
{
	struct fixture *f = *state;

	open_text(f, " domain , TYPE ,\"pOrT\"\na.example.com,FED,5061\n");
	expect_ok(f, 2, TARGET_FED, "a.example.com", 5061, 0);
	expect_end(f);
}

static void test_header_only(void **state)
{
	struct fixture *f = *state;

	open_text(f, HEADER);
	expect_end(f);
}

/* ---- Open failures ---------------------------------------------------- */

static void test_header_missing(void **state)
{
	struct fixture *f = *state;
	const char *text = "a.example.com,FED,5061\n";

	open_fails(f, text, strlen(text),
		   "line 1: no valid header (expected Domain,Type,Port)");
}

static void test_header_wrong_after_blank_lines(void **state)
{
	struct fixture *f = *state;
	const char *text = "\n\nDomain,Type\n";

	open_fails(f, text, strlen(text),
		   "line 3: no valid header (expected Domain,Type,Port)");
}

static void test_header_two_trailing_fields(void **state)
{
	struct fixture *f = *state;
	const char *text = "Domain,Type,Port,,\n";

	open_fails(f, text, strlen(text),
		   "line 1: no valid header (expected Domain,Type,Port)");
}

static void test_missing_file(void **state)
{
	char err[256];

	(void)state;
	assert_null(targets_open("/nonexistent/partners.csv", err,
				 sizeof(err)));
	assert_string_equal(err, "/nonexistent/partners.csv: "
				 "No such file or directory");
}

static void test_directory(void **state)
{
	char err[256];

	(void)state;
	assert_null(targets_open("/tmp", err, sizeof(err)));
	assert_string_equal(err, "/tmp: Is a directory");
}

static void test_empty_file(void **state)
{
	struct fixture *f = *state;

	open_fails(f, "", 0, "empty file, no header");
}

static void test_blank_file(void **state)
{
	struct fixture *f = *state;
	const char *text = "\xEF\xBB\xBF\r\n \n\n";

	open_fails(f, text, strlen(text), "empty file, no header");
}

/* ---- Bad rows --------------------------------------------------------- */

static void test_bad_rows_and_scan_continues(void **state)
{
	struct fixture *f = *state;

	open_text(f, HEADER
		  "a.example.com,FEDX,5061\n"                 /* 2 */
		  "a.example.com,FED,99999\n"
		  "a.example.com,FED,0\n"
		  "a.example.com,FED,+5061\n"                 /* 5 */
		  "a.example.com,FED,0x13c5\n"
		  "a.example.com,FED,50 61\n"
		  ",FED,5061\n"
		  "a..b,FED,5061\n"
		  "a.example.com,FED,5061,x,y\n"              /* 10 */
		  "a.example.com,FED,5061,x\n"
		  "a.example.com,FED,5061,,\n"
		  "a.example.com\n"
		  "a.example.com,,5061\n"
		  "1.2.3.4,FED,5061\n"                        /* 15 */
		  "[::1],SIPINT,5061\n"
		  "b\xC3\xBC" "cher.example,FED,5061\n"
		  "ok.example.com,SIP,5061\n"                 /* 18 */
		  "ab\"c.example.com,FED,5061\n"
		  "\"ab\"c.example.com,FED,5061\n"            /* 20 */
		  "-a.example.com,FED,5061\n"
		  "a\tb.example.com,FED\n"
		  "last.example.com,FED,5061\n");
	expect_bad(f, 2, "unknown type \"FEDX\"", "a.example.com,FEDX,5061");
	expect_bad(f, 3, "bad port \"99999\"", NULL);
	expect_bad(f, 4, "bad port \"0\"", NULL);
	expect_bad(f, 5, "bad port \"+5061\"", NULL);
	expect_bad(f, 6, "bad port \"0x13c5\"", NULL);
	expect_bad(f, 7, "bad port \"50 61\"", NULL);
	expect_bad(f, 8, "empty domain", ",FED,5061");
	expect_bad(f, 9, "invalid domain name \"a..b\"", NULL);
	expect_bad(f, 10, "too many fields (5, expected 3)",
		   "a.example.com,FED,5061,x,y");
	expect_bad(f, 11, "too many fields (4, expected 3)", NULL);
	expect_bad(f, 12, "too many fields (5, expected 3)", NULL);
	expect_bad(f, 13, "missing type", "a.example.com");
	expect_bad(f, 14, "missing type", NULL);
	expect_bad(f, 15, "an IP address is not a SIP domain", NULL);
	expect_bad(f, 16, "an IP address is not a SIP domain", NULL);
	expect_bad(f, 17, "non-ASCII domain name (use the A-label xn-- form)",
		   NULL);
	expect_ok(f, 18, TARGET_SIP, "ok.example.com", 5061, 0);
	expect_bad(f, 19, "misplaced quote", NULL);
	expect_bad(f, 20, "misplaced quote", NULL);
	expect_bad(f, 21, "invalid domain name \"-a.example.com\"", NULL);
	expect_bad(f, 22, "invalid domain name \"a?b.example.com\"",
		   "a?b.example.com,FED");
	expect_ok(f, 23, TARGET_FED, "last.example.com", 5061, 0);
	expect_end(f);
}

static void test_nul_byte(void **state)
{
	struct fixture *f = *state;
	static const char text[] = HEADER "a.exa\0mple.com,FED,5061\n"
				   "b.example.com,FED,5061\n";

	write_file(f, text, sizeof(text) - 1);
	f->r = targets_open(f->path, f->err, sizeof(f->err));
	assert_non_null(f->r);
	expect_bad(f, 2, "NUL byte in row", "a.exa?mple.com,FED,5061");
	expect_ok(f, 3, TARGET_FED, "b.example.com", 5061, 0);
	expect_end(f);
}

static void test_unterminated_quote_at_eof(void **state)
{
	struct fixture *f = *state;

	open_text(f, HEADER "a.example.com,FED,5061\n"
		     "b.example.com,FED,\"5061\nc.example.com,SIP,5061\n");
	expect_ok(f, 2, TARGET_FED, "a.example.com", 5061, 0);
	expect_bad(f, 3, "unterminated quoted field",
		   "b.example.com,FED,5061?c.example.com,SIP,5061?");
	expect_end(f);
}

static void test_quoted_newline_reports_start_line(void **state)
{
	struct fixture *f = *state;

	open_text(f, HEADER "\"a.example.com\nb\",FED,5061\n"
		     "\n"
		     "c.example.com,FED,\"50\r\n61\"\n"
		     "d.example.com,SIP,5061\n");
	expect_bad(f, 2, "invalid domain name \"a.example.com?b\"",
		   "a.example.com?b,FED,5061");
	expect_bad(f, 5, "bad port \"50??61\"", NULL);
	expect_ok(f, 7, TARGET_SIP, "d.example.com", 5061, 0);
	expect_end(f);
}

/* Writes HEADER, then a field of len bytes (quoted or not, with a newline
 * every 100 bytes when quoted) as a Domain, then a valid row. */
static void write_long_field(struct fixture *f, size_t len, int quoted)
{
	size_t total = len + 200, pos = 0, i;
	char *buf = malloc(total);

	assert_non_null(buf);
	pos += (size_t)sprintf(buf + pos, "%s%s", HEADER, quoted ? "\"" : "");
	for (i = 0; i < len; i++)
		buf[pos++] = (quoted && i % 100 == 99) ? '\n' : 'a';
	pos += (size_t)sprintf(buf + pos, "%s,FED,5061\nz.example.com,DIR,1\n",
			       quoted ? "\"" : "");
	write_file(f, buf, pos);
	free(buf);
	f->r = targets_open(f->path, f->err, sizeof(f->err));
	assert_non_null(f->r);
}

static void test_field_too_long(void **state)
{
	struct fixture *f = *state;
	struct target_row row;
	char want[FC_CSV_RAW_MAX + 1];

	write_long_field(f, FC_CSV_FIELD_MAX + 1, 0);
	memset(want, 'a', FC_CSV_RAW_MAX);
	want[FC_CSV_RAW_MAX] = '\0';
	expect_bad(f, 2, "field too long", want);
	expect_ok(f, 3, TARGET_DIR, "z.example.com", 1, 0);
	expect_end(f);
	targets_close(f->r);
	f->r = NULL;
	unlink(f->path);

	/* Exactly at the limit it is a field, here an invalid name. */
	write_long_field(f, FC_CSV_FIELD_MAX, 0);
	assert_int_equal(targets_next(f->r, &row, f->err, sizeof(f->err)), 1);
	assert_int_equal(row.is_error, 1);
	memset(want, 'a', FC_CSV_QUOTE_MAX);
	want[FC_CSV_QUOTE_MAX] = '\0';
	assert_true(strncmp(row.reason, "invalid domain name \"", 21) == 0);
	assert_memory_equal(row.reason + 21, want, FC_CSV_QUOTE_MAX);
	assert_string_equal(row.reason + 21 + FC_CSV_QUOTE_MAX, "...\"");
}

static void test_ten_megabyte_fields(void **state)
{
	struct fixture *f = *state;
	const size_t ten_mb = 10u * 1024 * 1024;

	write_long_field(f, ten_mb, 0);
	expect_bad(f, 2, "field too long", NULL);
	expect_ok(f, 3, TARGET_DIR, "z.example.com", 1, 0);
	expect_end(f);
	targets_close(f->r);
	f->r = NULL;
	unlink(f->path);

	/* Quoted, spanning 100,000 lines: the row still starts on line 2. */
	write_long_field(f, ten_mb, 1);
	expect_bad(f, 2, "field too long", NULL);
	expect_ok(f, 2 + (long)(ten_mb / 100) + 1, TARGET_DIR,
		  "z.example.com", 1, 0);
	expect_end(f);
}

/* Blanks after a closing quote also grow libcsv's buffer; trimming it then
 * must keep the quote it will drop, or libcsv would index below zero. */
static void test_long_blanks_after_quote(void **state)
{
	struct fixture *f = *state;
	char *text = malloc(6 * FC_CSV_FIELD_MAX + 200);
	size_t pos;

	assert_non_null(text);
	pos = (size_t)sprintf(text, HEADER "\"a.example.com\"");
	memset(text + pos, ' ', 3 * FC_CSV_FIELD_MAX);
	pos += 3 * FC_CSV_FIELD_MAX;
	pos += (size_t)sprintf(text + pos, ",FED,5061\n\"b\"");
	memset(text + pos, ' ', 3 * FC_CSV_FIELD_MAX);
	pos += 3 * FC_CSV_FIELD_MAX;
	pos += (size_t)sprintf(text + pos, "\"x\nc.example.com,SIP,\n");
	write_file(f, text, pos);
	free(text);
	f->r = targets_open(f->path, f->err, sizeof(f->err));
	assert_non_null(f->r);
	expect_bad(f, 2, "field too long", NULL);
	expect_bad(f, 3, "field too long", NULL);
	expect_ok(f, 4, TARGET_SIP, "c.example.com", FC_DEFAULT_PORT, 0);
	expect_end(f);
}

static long peak_rss_kb(void)
{
	struct rusage ru;

	assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
	return ru.ru_maxrss;
}

/* Makes f->path a FIFO and forks a child that writes HEADER, a quoted
 * field of mb megabytes, then one valid row into it. No disk, no big
 * buffer: whatever memory grows is the reader's. */
static void fifo_with_huge_field(struct fixture *f, size_t mb)
{
	static char block[1024 * 1024];
	FILE *fp;
	size_t i;

	snprintf(f->path, sizeof(f->path), "/tmp/test_targets_fifo_%ld",
		 (long)getpid());
	unlink(f->path);
	assert_int_equal(mkfifo(f->path, 0600), 0);
	f->writer = fork();
	assert_true(f->writer >= 0);
	if (f->writer > 0)
		return;
	fp = fopen(f->path, "wb");
	if (fp == NULL)
		_exit(1);
	memset(block, 'a', sizeof(block));
	fputs(HEADER "\"", fp);
	for (i = 0; i < mb; i++)
		fwrite(block, 1, sizeof(block), fp);
	fputs("\",FED,5061\nz.example.com,DIR,1\n", fp);
	fclose(fp);
	_exit(0);
}

/* Runs first, while the peak RSS is still the baseline: a 64 MB field
 * must not raise it by anything near 64 MB. */
static void test_huge_field_memory_bounded(void **state)
{
	struct fixture *f = *state;
	long before;

	fifo_with_huge_field(f, 64);
	before = peak_rss_kb();
	f->r = targets_open(f->path, f->err, sizeof(f->err));
	assert_non_null(f->r);
	expect_bad(f, 2, "field too long", NULL);
	expect_ok(f, 3, TARGET_DIR, "z.example.com", 1, 0);
	expect_end(f);
	assert_true(peak_rss_kb() - before < 16 * 1024);
}

static void test_raw_truncated_and_printable(void **state)
{
	struct fixture *f = *state;
	struct target_row row;
	char text[1024];
	char longtype[300];

	memset(longtype, 'X', sizeof(longtype) - 1);
	longtype[sizeof(longtype) - 1] = '\0';
	snprintf(text, sizeof(text), HEADER "a\x1b[31m.com,%s,5061\n",
		 longtype);
	open_text(f, text);
	assert_int_equal(targets_next(f->r, &row, f->err, sizeof(f->err)), 1);
	assert_int_equal(row.is_error, 1);
	assert_int_equal(strlen(row.raw), FC_CSV_RAW_MAX);
	assert_memory_equal(row.raw, "a?[31m.com,XXX", 14);
	/* The quoted value is cut too. */
	assert_int_equal(strlen(row.reason),
			 strlen("unknown type \"\"") + FC_CSV_QUOTE_MAX + 3);
}

/* ---- Domains ---------------------------------------------------------- */

static void test_dir_hosts_and_literals(void **state)
{
	struct fixture *f = *state;

	open_text(f, HEADER "host.example.com,DIR,5061\n"
		     "192.0.2.10,DIR,5061\n"
		     "2001:DB8:0:0:0:0:0:1,DIR,443\n"
		     "[2001:db8::2],DIR,\n"
		     "\"[::FFFF:192.0.2.1]\",dir,5061\n"
		     "[192.0.2.10],DIR,5061\n"
		     "127.1,DIR,5061\n"
		     "0x7f000001,DIR,5061\n"
		     "fe80::1%eth0,DIR,5061\n"
		     "localhost,DIR,5061\n");
	expect_ok(f, 2, TARGET_DIR, "host.example.com", 5061, 0);
	expect_ok(f, 3, TARGET_DIR, "192.0.2.10", 5061, 1);
	expect_ok(f, 4, TARGET_DIR, "2001:db8::1", 443, 1);
	expect_ok(f, 5, TARGET_DIR, "2001:db8::2", FC_DEFAULT_PORT, 1);
	expect_ok(f, 6, TARGET_DIR, "::ffff:192.0.2.1", 5061, 1);
	expect_bad(f, 7, "invalid domain name \"[192.0.2.10]\"", NULL);
	expect_bad(f, 8, "invalid domain name \"127.1\"", NULL);
	expect_bad(f, 9, "invalid domain name \"0x7f000001\"", NULL);
	expect_bad(f, 10, "invalid domain name \"fe80::1%eth0\"", NULL);
	expect_ok(f, 11, TARGET_DIR, "localhost", 5061, 0);
	expect_end(f);
}

static void test_domain_normalised(void **state)
{
	struct fixture *f = *state;

	open_text(f, HEADER "SIP.Example.COM,FED,\n"
		     "sip.example.com.,SIP,5061\n"
		     "_sipfederationtls._tcp.example.com,SIP,5061\n"
		     "xn--bcher-kva.example,FED,5061\n"
		     "sip.example.com..,FED,5061\n"
		     ".,FED,5061\n");
	expect_ok(f, 2, TARGET_FED, "sip.example.com", FC_DEFAULT_PORT, 0);
	expect_ok(f, 3, TARGET_SIP, "sip.example.com", 5061, 0);
	expect_ok(f, 4, TARGET_SIP, "_sipfederationtls._tcp.example.com", 5061,
		  0);
	expect_ok(f, 5, TARGET_FED, "xn--bcher-kva.example", 5061, 0);
	expect_bad(f, 6, "invalid domain name \"sip.example.com..\"", NULL);
	expect_bad(f, 7, "invalid domain name \".\"", NULL);
	expect_end(f);
}

/* Builds a name of total bytes from labels of at most label bytes. */
static void make_name(char *out, size_t total, size_t label)
{
	size_t i, run = 0;

	for (i = 0; i < total; i++) {
		if (run == label && i + 1 < total) {
			out[i] = '.';
			run = 0;
		} else {
			out[i] = 'a';
			run++;
		}
	}
	out[total] = '\0';
}

static void test_name_lengths(void **state)
{
	struct fixture *f = *state;
	char n253[300], n254[300], l63[80], l64[80], text[1200];
	struct target_row row;

	make_name(n253, 253, 63);
	make_name(n254, 254, 63);
	make_name(l63, 63, 63);
	make_name(l64, 64, 64);
	snprintf(text, sizeof(text), HEADER "%s,FED,\n%s.,FED,\n%s,FED,\n"
		 "%s.example.com,FED,\n%s.example.com,FED,\n",
		 n253, n253, n254, l63, l64);
	open_text(f, text);
	expect_ok(f, 2, TARGET_FED, n253, FC_DEFAULT_PORT, 0);
	expect_ok(f, 3, TARGET_FED, n253, FC_DEFAULT_PORT, 0);
	assert_int_equal(targets_next(f->r, &row, f->err, sizeof(f->err)), 1);
	assert_int_equal(row.is_error, 1);
	assert_int_equal(row.line, 4);
	assert_true(strncmp(row.reason, "invalid domain name \"aaa", 24) == 0);
	snprintf(text, sizeof(text), "%s.example.com", l63);
	expect_ok(f, 5, TARGET_FED, text, FC_DEFAULT_PORT, 0);
	assert_int_equal(targets_next(f->r, &row, f->err, sizeof(f->err)), 1);
	assert_int_equal(row.is_error, 1);
	assert_int_equal(row.line, 6);
	expect_end(f);
}

static void test_type_names(void **state)
{
	(void)state;
	assert_string_equal(target_type_name(TARGET_FED), "FED");
	assert_string_equal(target_type_name(TARGET_SIP), "SIP");
	assert_string_equal(target_type_name(TARGET_SIPINT), "SIPINT");
	assert_string_equal(target_type_name(TARGET_DIR), "DIR");
}

/* ---- Streaming -------------------------------------------------------- */

static void test_stream_many_rows(void **state)
{
	struct fixture *f = *state;
	const long rows = 200000;
	struct target_row row;
	char name[64];
	FILE *fp;
	long i, n = 0, last = 0;
	int fd, rc;

	snprintf(f->path, sizeof(f->path), "/tmp/test_targets_XXXXXX");
	fd = mkstemp(f->path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "wb");
	assert_non_null(fp);
	fputs("Domain,Type,Port\r\n", fp);
	for (i = 0; i < rows; i++)
		fprintf(fp, "\"host%ld.example.com\",%s,%ld\r\n", i,
			i % 2 ? "FED" : "DIR", 1 + i % 65535);
	assert_int_equal(fclose(fp), 0);

	f->r = targets_open(f->path, f->err, sizeof(f->err));
	assert_non_null(f->r);
	while ((rc = targets_next(f->r, &row, f->err, sizeof(f->err))) == 1) {
		if (row.is_error)
			fail_msg("line %ld: %s", row.line, row.reason);
		snprintf(name, sizeof(name), "host%ld.example.com", n);
		assert_string_equal(row.domain, name);
		assert_int_equal(row.port, 1 + n % 65535);
		assert_int_equal(row.line, n + 2);
		last = row.line;
		n++;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(n, rows);
	assert_int_equal(last, rows + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		/* First: it measures the peak RSS against a baseline. */
		T(test_huge_field_memory_bounded),
		T(test_bom_crlf_quoted_bare),
		T(test_trailing_empty_field),
		T(test_blank_lines_keep_line_numbers),
		T(test_lone_cr_line_ends),
		T(test_header_case_insensitive),
		T(test_header_only),
		T(test_header_missing),
		T(test_header_wrong_after_blank_lines),
		T(test_header_two_trailing_fields),
		T(test_missing_file),
		T(test_directory),
		T(test_empty_file),
		T(test_blank_file),
		T(test_bad_rows_and_scan_continues),
		T(test_nul_byte),
		T(test_unterminated_quote_at_eof),
		T(test_quoted_newline_reports_start_line),
		T(test_field_too_long),
		T(test_ten_megabyte_fields),
		T(test_long_blanks_after_quote),
		T(test_raw_truncated_and_printable),
		T(test_dir_hosts_and_literals),
		T(test_domain_normalised),
		T(test_name_lengths),
		T(test_type_names),
		T(test_stream_many_rows),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
