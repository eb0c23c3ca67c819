/* fuzz_targets.c: libFuzzer target for the targets CSV reader.
 *
 * The input is a whole targets file: it is opened as a stream
 * (targets_open_stream() on an fmemopen() of the bytes) and read row by row
 * to the end, valid rows and bad ones alike. Besides what ASan and UBSan
 * catch, each row is held to what scanner.h promises its caller (the
 * scanner stores and prints these strings as they are):
 * - lines start at 1 and never go back;
 * - a valid row has a lowercase ASCII domain of at most FC_DNS_NAME_MAX
 *   bytes without a trailing dot (or an address literal) and a port in
 *   1..65535;
 * - a bad row has a reason and raw evidence of at most FC_CSV_RAW_MAX bytes,
 *   neither holding a control byte (both reach the terminal).
 * A broken promise aborts, which libFuzzer reports as a crash.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fedcert_limits.h"
#include "scanner/scanner.h"

/* Stops the run with the reason on stderr; libFuzzer saves the input. */
#define FUZZ_CHECK(cond)                                                   \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "fuzz_targets: %s:%d: %s\n",       \
				__FILE__, __LINE__, #cond);                \
			abort();                                           \
		}                                                          \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int has_control_byte(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			return 1;
	return 0;
}

static void check_valid_row(const struct target_row *row)
{
	const char *d = row->domain;
	size_t len, i;

	FUZZ_CHECK(d != NULL);
	FUZZ_CHECK(row->reason == NULL && row->raw == NULL);
	FUZZ_CHECK(row->port >= 1 && row->port <= 65535);
	FUZZ_CHECK(row->type >= TARGET_FED && row->type <= TARGET_DIR);
	len = strlen(d);
	FUZZ_CHECK(len > 0 && len <= FC_DNS_NAME_MAX);
	FUZZ_CHECK(!row->is_literal || row->type == TARGET_DIR);
	if (row->is_literal)
		return; /* an address's canonical text: ':' and hex in it */
	FUZZ_CHECK(d[len - 1] != '.');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)d[i];

		FUZZ_CHECK(c > 0x20 && c < 0x7f);
		FUZZ_CHECK(!(c >= 'A' && c <= 'Z'));
	}
}

static void check_bad_row(const struct target_row *row)
{
	FUZZ_CHECK(row->domain == NULL);
	FUZZ_CHECK(row->reason != NULL && row->reason[0] != '\0');
	FUZZ_CHECK(row->raw != NULL);
	FUZZ_CHECK(strlen(row->raw) <= FC_CSV_RAW_MAX);
	FUZZ_CHECK(!has_control_byte(row->reason));
	FUZZ_CHECK(!has_control_byte(row->raw));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct targets_reader *r;
	struct target_row row;
	char err[512];
	long last_line = 0;
	FILE *fp;
	int rc;

	/* fmemopen() refuses an empty buffer; an empty file is the same
	 * stream as one that is at its end at once. */
	fp = size > 0 ? fmemopen((void *)data, size, "rb")
		      : fopen("/dev/null", "rb");
	FUZZ_CHECK(fp != NULL);
	r = targets_open_stream(fp, "fuzz.csv", err, sizeof err);
	if (r == NULL) {
		FUZZ_CHECK(err[0] != '\0');
		return 0;
	}
	while ((rc = targets_next(r, &row, err, sizeof err)) == 1) {
		FUZZ_CHECK(row.line >= 1 && row.line >= last_line);
		last_line = row.line;
		if (row.is_error)
			check_bad_row(&row);
		else
			check_valid_row(&row);
	}
	/* A memory stream cannot fail to read. */
	FUZZ_CHECK(rc == 0);
	targets_close(r);
	return 0;
}
