/* select.c: which findings a report shows and whether they alert: the
 * filters (--min-severity, --only) and --fail-on, the same for every
 * format and for `fedcert inspect` and `report --compliance`. A target's
 * status comes from all its findings; the filters shape only what is
 * shown, and what --fail-on looks at.
 */
#include "report/render/render.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "common/fedcert_limits.h"

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

/* ---- Which targets --------------------------------------------------- */

static int select_status_wanted(const struct report_options *o,
				enum report_status s)
{
	return o->status == 0 || (o->status & REPORT_STATUS_BIT(s)) != 0;
}

static int select_domain_wanted(const struct report_options *o,
				const char *domain)
{
	return o->domain == NULL ||
	       (domain != NULL && fnmatch(o->domain, domain, 0) == 0);
}

/* --finding: any of the ids among every finding judged (not only those
 * --min-severity shows: the filter picks targets, the other shapes
 * lists). */
static int select_finding_wanted(const struct report_options *o,
				 const struct finding_list *all)
{
	size_t i, j;

	if (o->nfinding == 0)
		return 1;
	for (i = 0; i < all->count; i++)
		for (j = 0; j < o->nfinding; j++)
			if (all->items[i].def != NULL &&
			    strcmp(all->items[i].def->id, o->finding[j]) == 0)
				return 1;
	return 0;
}

int render_target_wanted(const struct report_options *o,
				const struct store_target_row *t,
				const struct finding_list *all,
				enum render_status status)
{
	return select_status_wanted(o, (enum report_status)status) &&
	       select_domain_wanted(o, t->domain) &&
	       select_finding_wanted(o, all);
}

/* A rejected row has no finding, and its domain is the row's first field
 * as written. */
int render_input_error_wanted(const struct report_options *o,
				     const struct store_input_error_row *e)
{
	char first[FC_CSV_RAW_MAX + 1];
	size_t i, n;

	if (!select_status_wanted(o, REPORT_STATUS_INPUT_ERROR) ||
	    o->nfinding > 0)
		return 0;
	if (o->domain == NULL)
		return 1;
	n = render_input_error_domain(e, first, sizeof(first));
	if (n >= sizeof(first))
		return 0;
	for (i = 0; i < n; i++)
		first[i] = (char)tolower((unsigned char)first[i]);
	return select_domain_wanted(o, first);
}
