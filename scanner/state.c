/* state.c: what every part of a scan may do to the scan as a whole, at the
 * bottom of scanner/: fail it (the first reason is kept), and wake its
 * loop when a lookup or a probe has finished, so that the window refills,
 * and say whether the database may hold what the maps let go of.
 * How it refills is scan.c's business (scan_pump(), installed as
 * scan->wake when the scan starts): discover.c, probe.c and inflight.c
 * only say that something finished, and so never call up into scan.c.
 */
#include <stdarg.h>
#include <stdio.h>

#include "scan_int.h"

void scan_fail(struct scan *s, const char *fmt, ...)
{
	va_list ap;

	if (s->failed)
		return;
	s->failed = 1;
	va_start(ap, fmt);
	vsnprintf(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
}

void scan_wake(struct scan *s)
{
	s->wake(s);
}

int scan_may_recall(const struct scan *s, enum scan_gone_kind kind,
		    const char *key)
{
	return s->recall_all || seen_maybe(&s->gone, (int)kind, key);
}
