/* support/csv_read.h: CSV output read back with libcsv in strict mode, so
 * that quoting is checked by a real parser, not by eye. Failures fail the
 * test (cmocka).
 */
#ifndef FEDCERT_TEST_SUPPORT_CSV_READ_H
#define FEDCERT_TEST_SUPPORT_CSV_READ_H

#include <stddef.h>

/* The CSV report's columns (render/csv.c's lists): per endpoint, per
 * target. */
#define TEST_CSV_NCOLUMNS 41
#define TEST_CSV_TARGET_NCOLUMNS 24

#define PARSED_ROWS 12
#define PARSED_COLS 48

struct parsed {
	char *cell[PARSED_ROWS][PARSED_COLS]; /* owned; parsed_free() */
	size_t ncols[PARSED_ROWS];
	size_t nrows;
	size_t col;
};

/* Parses text strictly into p: rows end in CRLF, every row has ncols
 * columns. */
void parse_csv_n(const char *text, struct parsed *p, size_t ncols);

/* The per-endpoint layout. */
void parse_csv(const char *text, struct parsed *p);

void parsed_free(struct parsed *p);

/* The column's index, found by name in the parsed header row. */
size_t csv_col(const struct parsed *p, const char *name);

#define CELL(p, row, name) ((p)->cell[(row)][csv_col((p), (name))])

#endif
