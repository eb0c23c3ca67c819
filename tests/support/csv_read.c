/* csv_read.c: CSV read back with libcsv (csv_read.h). */
#include "csv_read.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <csv.h>

static void parsed_on_field(void *s, size_t len, void *data)
{
	struct parsed *p = data;
	char *cell;

	assert_true(p->nrows < PARSED_ROWS && p->col < PARSED_COLS);
	cell = malloc(len + 1);
	assert_non_null(cell);
	memcpy(cell, s ? s : "", len);
	cell[len] = '\0';
	p->cell[p->nrows][p->col++] = cell;
}

static void parsed_on_row(int c, void *data)
{
	struct parsed *p = data;

	assert_int_equal(c, '\r'); /* rows end in CRLF, the CR first */
	p->ncols[p->nrows++] = p->col;
	p->col = 0;
}

void parsed_free(struct parsed *p)
{
	size_t r, i;

	for (r = 0; r < p->nrows; r++)
		for (i = 0; i < p->ncols[r]; i++)
			free(p->cell[r][i]);
}

void parse_csv_n(const char *text, struct parsed *p, size_t ncols)
{
	struct csv_parser parser;
	size_t len = strlen(text), r;

	memset(p, 0, sizeof *p);
	assert_int_equal(csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI), 0);
	assert_int_equal(csv_parse(&parser, text, len, parsed_on_field,
				   parsed_on_row, p), len);
	assert_int_equal(csv_fini(&parser, parsed_on_field, parsed_on_row, p),
			 0);
	csv_free(&parser);
	assert_int_equal(p->col, 0); /* the last row ended with CRLF */
	for (r = 0; r < p->nrows; r++)
		assert_int_equal(p->ncols[r], ncols);
}

void parse_csv(const char *text, struct parsed *p)
{
	parse_csv_n(text, p, TEST_CSV_NCOLUMNS);
}

size_t csv_col(const struct parsed *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->ncols[0]; i++)
		if (strcmp(p->cell[0][i], name) == 0)
			return i;
	fail_msg("no column %s", name);
	return 0;
}
