/* util.c: error messages shared by store/. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "store/store_int.h"

void store_set_error(struct store *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->errmsg, sizeof(st->errmsg), fmt, ap);
	va_end(ap);
}

void store_db_error(struct store *st, const char *what)
{
	/* SQLite ends the transaction itself on some errors (SQLITE_FULL,
	 * SQLITE_IOERR, SQLITE_NOMEM): the writes of the batch are then lost,
	 * and a later COMMIT of ours would fail with a confusing message. */
	int lost = st->batch_open && sqlite3_get_autocommit(st->db);

	/* The file is named: "database disk image is malformed" alone does
	 * not say which of a job's files to restore. */
	if (st->path != NULL && strcmp(st->path, ":memory:") != 0)
		store_set_error(st, "%s: %s: %s%s", what, st->path,
				sqlite3_errmsg(st->db),
				lost ? " (the pending batch was rolled back)" : "");
	else
		store_set_error(st, "%s: %s%s", what, sqlite3_errmsg(st->db),
				lost ? " (the pending batch was rolled back)" : "");
	if (lost) {
		st->batch_open = 0;
		st->batch_writes = 0;
	}
}
