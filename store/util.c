/* util.c: error messages and timestamp formatting shared by store/. */
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

void store_format_tm(const struct tm *tm, int ms, char buf[STORE_TIME_LEN])
{
	/* The callers keep years to four digits (X.509 times, and epoch
	 * times checked below); the modulos only tell the compiler that each
	 * field has a fixed width, so the text always fits. */
	unsigned year = (unsigned)(tm->tm_year + 1900) % 10000u;
	unsigned mon = (unsigned)(tm->tm_mon + 1) % 100u;
	unsigned day = (unsigned)tm->tm_mday % 100u;
	unsigned hour = (unsigned)tm->tm_hour % 100u;
	unsigned min = (unsigned)tm->tm_min % 100u;
	unsigned sec = (unsigned)tm->tm_sec % 100u;

	if (ms >= 0)
		snprintf(buf, STORE_TIME_LEN, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ",
			 year, mon, day, hour, min, sec, (unsigned)ms % 1000u);
	else
		snprintf(buf, STORE_TIME_LEN, "%04u-%02u-%02uT%02u:%02u:%02uZ",
			 year, mon, day, hour, min, sec);
}

int store_format_epoch_ms(int64_t ms, char buf[STORE_TIME_LEN])
{
	/* 253402300799999 is 9999-12-31T23:59:59.999Z: beyond it the year no
	 * longer has four digits and the text would not sort as time. */
	const int64_t max_ms = INT64_C(253402300799999);
	struct tm tm;
	time_t secs;

	if (ms < 0 || ms > max_ms)
		return -1;
	secs = (time_t)(ms / 1000);
	if (gmtime_r(&secs, &tm) == NULL)
		return -1;
	store_format_tm(&tm, (int)(ms % 1000), buf);
	return 0;
}
