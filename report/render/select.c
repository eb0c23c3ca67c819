/* select.c: which findings a report shows and whether they alert: the
 * filters (--min-severity, --only) and --fail-on, the same for every
 * format and for `fedcert inspect` and `report --compliance`. A target's
 * status comes from all its findings; the filters shape only what is
 * shown, and what --fail-on looks at.
 */
#include "report/render/render.h"

#include <stdlib.h>
#include <string.h>

/* Whether the filters let f through: at or above min_severity (-1: all)
 * and, when ids are given, one of them. */
int render_is_shown(const struct report_options *o,
			   const struct finding *f)
{
	size_t i;

	if (o->min_severity >= 0 && (int)f->severity < o->min_severity)
		return 0;
	if (o->nonly == 0)
		return 1;
	for (i = 0; i < o->nonly; i++)
		if (f->def != NULL && strcmp(o->only[i], f->def->id) == 0)
			return 1;
	return 0;
}

int render_select_shown(const struct report_options *o,
			const struct finding_list *all,
			const struct finding ***shown, size_t *nshown,
			int *flagged)
{
	size_t i;

	*shown = NULL;
	*nshown = 0;
	if (all->count == 0)
		return 0;
	*shown = calloc(all->count, sizeof **shown);
	if (*shown == NULL)
		return -1;
	for (i = 0; i < all->count; i++) {
		if (!render_is_shown(o, &all->items[i]))
			continue;
		(*shown)[(*nshown)++] = &all->items[i];
		if (o->fail_on >= 0 && (int)all->items[i].severity >= o->fail_on)
			*flagged = 1;
	}
	return 0;
}

int render_unfinished(const struct report_options *opts,
		      const struct store_scan_row *scan)
{
	if (opts->fail_on < 0 || scan->status == NULL ||
	    strcmp(scan->status, "done") == 0)
		return 0;
	return REPORT_FLAGGED_UNFINISHED;
}
