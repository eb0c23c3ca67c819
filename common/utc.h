/* utc.h: time as fedcert writes and reads it everywhere: ISO 8601 UTC text,
 * "2026-11-25T09:43:00Z", with milliseconds where order within a second
 * matters ("2026-11-25T09:43:00.123Z"). It sorts as time, SQLite's date
 * functions read it, and every output shows it the same way.
 */
#ifndef FEDCERT_UTC_H
#define FEDCERT_UTC_H

#include <stdint.h>
#include <time.h>

/* "YYYY-MM-DDTHH:MM:SS.mmmZ" and its NUL: room for either form. */
#define UTC_TEXT_MAX 25

/* A broken-down UTC time, with milliseconds when ms >= 0. The year is
 * kept to four digits (the callers' times are X.509 times and epoch times
 * checked by utc_format_epoch_ms()). */
void utc_format_tm(const struct tm *tm, int ms, char buf[UTC_TEXT_MAX]);

/* Unix time in seconds, without milliseconds; "?" when it cannot be
 * represented. */
void utc_format(time_t t, char buf[UTC_TEXT_MAX]);

/* Unix epoch milliseconds, with milliseconds. -1 when the time cannot be
 * represented with a four-digit year (buf is then ""). */
int utc_format_epoch_ms(int64_t ms, char buf[UTC_TEXT_MAX]);

/* Reads "YYYY-MM-DDTHH:MM:SSZ" or "...:SS.mmmZ" (the fraction is
 * dropped). 0, or -1 when s is NULL or not that form (*out untouched). */
int utc_parse(const char *s, time_t *out);

/* Whole days from now to t, rounded down (floor, not toward zero), as
 * expiry monitors count them: 0 on the last day, -1 from the moment a
 * certificate has expired until a day later. Every output that shows
 * days_left, and every finding that counts days, uses this one. */
#define UTC_DAY_SECONDS 86400
long long utc_days_left(time_t t, time_t now);

#endif
