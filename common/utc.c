/* utc.c: ISO 8601 UTC text (utc.h). */
#include "utc.h"

#include <stdio.h>
#include <string.h>

void utc_format_tm(const struct tm *tm, int ms, char buf[UTC_TEXT_MAX])
{
	/* The modulos only tell the compiler that each field has a fixed
	 * width, so that the text always fits. */
	unsigned year = (unsigned)(tm->tm_year + 1900) % 10000u;
	unsigned mon = (unsigned)(tm->tm_mon + 1) % 100u;
	unsigned day = (unsigned)tm->tm_mday % 100u;
	unsigned hour = (unsigned)tm->tm_hour % 100u;
	unsigned min = (unsigned)tm->tm_min % 100u;
	unsigned sec = (unsigned)tm->tm_sec % 100u;

	if (ms >= 0)
		snprintf(buf, UTC_TEXT_MAX, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ",
			 year, mon, day, hour, min, sec, (unsigned)ms % 1000u);
	else
		snprintf(buf, UTC_TEXT_MAX, "%04u-%02u-%02uT%02u:%02u:%02uZ",
			 year, mon, day, hour, min, sec);
}

void utc_format(time_t t, char buf[UTC_TEXT_MAX])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 < 0 ||
	    tm.tm_year + 1900 > 9999)
		snprintf(buf, UTC_TEXT_MAX, "?");
	else
		utc_format_tm(&tm, -1, buf);
}

int utc_format_epoch_ms(int64_t ms, char buf[UTC_TEXT_MAX])
{
	/* 253402300799999 is 9999-12-31T23:59:59.999Z: beyond it the year no
	 * longer has four digits and the text would not sort as time. */
	const int64_t max_ms = INT64_C(253402300799999);
	struct tm tm;
	time_t secs;

	buf[0] = '\0';
	if (ms < 0 || ms > max_ms)
		return -1;
	secs = (time_t)(ms / 1000);
	if (gmtime_r(&secs, &tm) == NULL)
		return -1;
	utc_format_tm(&tm, (int)(ms % 1000), buf);
	return 0;
}

int utc_parse(const char *s, time_t *out)
{
	struct tm tm = { 0 };
	int n = 0;

	if (s == NULL ||
	    sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
		   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 ||
	    n != 19)
		return -1;
	s += n;
	if (*s == '.') {
		s++;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (strcmp(s, "Z") != 0 || tm.tm_mon < 1 || tm.tm_mon > 12 ||
	    tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 60)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = timegm(&tm);
	return 0;
}

long long utc_days_left(time_t t, time_t now)
{
	long long d = (long long)t - (long long)now;

	if (d < 0)
		return -((-d + UTC_DAY_SECONDS - 1) / UTC_DAY_SECONDS);
	return d / UTC_DAY_SECONDS;
}
