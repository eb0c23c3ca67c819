/* totals.c: what the report counts, and the lines that say it: the
 * totals the text report and its summary open with, and the closing line.
 * Targets are counted as shown (the target filters decide); what the scan
 * probed comes from the store, so that `fedcert report` and `fedcert
 * scans` give one scan the same numbers.
 */
#include "report/render/render.h"

#include <stdlib.h>
#include <string.h>

int render_dns_is_answer(const struct store_dns_answer_row *a)
{
	return a->rcode != NULL && strcmp(a->rcode, "NOERROR") == 0;
}

size_t render_finding_index(const struct finding_def *def,
			    const struct finding_def *defs, size_t n)
{
	const struct finding_def *known;

	if (def >= defs && def < defs + n)
		return (size_t)(def - defs);
	/* A definition of the same id from elsewhere (a test's). */
	known = findings_lookup(def->id);
	return known != NULL ? (size_t)(known - defs) : n;
}

int render_totals_init(struct render_totals *tot)
{
	size_t n;

	memset(tot, 0, sizeof(*tot));
	findings_registry(&n);
	tot->by_finding = calloc(n, sizeof(*tot->by_finding));
	if (tot->by_finding == NULL)
		return -1;
	tot->nfindings = n;
	return 0;
}

void render_totals_free(struct render_totals *tot)
{
	free(tot->by_finding);
	tot->by_finding = NULL;
}

/* Counts each finding id of rt's shown findings once for the target. */
static void totals_add_findings(struct render_totals *tot,
				const struct render_target *rt)
{
	const struct finding_def *defs;
	size_t i, j, k, n;

	defs = findings_registry(&n);

	for (i = 0; i < rt->nshown; i++) {
		if (rt->shown[i]->def == NULL ||
		    (rt->shown[i]->severity == SEVERITY_INFO && !tot->with_info))
			continue;
		for (j = 0; j < i; j++)
			if (rt->shown[j]->def == rt->shown[i]->def)
				break;
		k = render_finding_index(rt->shown[i]->def, defs, n);
		if (j == i && k < tot->nfindings && k < n)
			tot->by_finding[k]++;
	}
}

void render_totals_add_target(struct render_totals *tot,
			      const struct render_target *rt)
{
	const struct store_target_row *t = rt->row;
	size_t i;

	tot->targets++;
	tot->status[rt->status]++;
	for (i = 0; i < t->dns_count; i++)
		if (!render_dns_is_answer(&t->dns[i]))
			tot->dns_failed++;
	if (tot->by_finding != NULL)
		totals_add_findings(tot, rt);
}

void render_totals_add_input_error(struct render_totals *tot)
{
	tot->status[REPORT_STATUS_INPUT_ERROR]++;
}

/* "13 FAIL, 2 INPUT_ERROR, 13 WARN, 38 PASS": worst first, the statuses
 * with none left out ("none" when there is nothing). */
static void totals_by_status(FILE *out, const struct render_totals *tot)
{
	static const enum report_status order[] = {
		REPORT_STATUS_FAIL, REPORT_STATUS_INPUT_ERROR,
		REPORT_STATUS_WARN, REPORT_STATUS_PASS
	};
	size_t i;
	int any = 0;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (tot->status[order[i]] == 0)
			continue;
		fprintf(out, "%s%zu %s", any++ ? ", " : "",
			tot->status[order[i]], render_status_label(order[i]));
	}
	if (!any)
		fputs("none", out);
}

static size_t totals_rows(const struct render_totals *tot)
{
	return tot->targets + tot->status[REPORT_STATUS_INPUT_ERROR];
}

/* The registry's size is known only at run time; the findings line picks
 * the largest count left each time (a few dozen ids: a sort is not worth
 * its memory), with this room for what is written. */
#define TOTALS_FINDINGS_MAX 256

/* "Findings, by targets that have them: expired 2 (error), ..." */
static void totals_findings(FILE *out, const struct render_totals *tot)
{
	const struct finding_def *defs;
	unsigned char done[TOTALS_FINDINGS_MAX] = { 0 };
	size_t i, best, n;
	int any = 0;

	defs = findings_registry(&n);
	if (tot->by_finding == NULL || n > TOTALS_FINDINGS_MAX)
		return;
	fputs("Findings, by targets that have them:", out);
	for (;;) {
		best = n;
		for (i = 0; i < n; i++)
			if (!done[i] && tot->by_finding[i] > 0 &&
			    (best == n ||
			     tot->by_finding[i] > tot->by_finding[best]))
				best = i;
		if (best == n)
			break;
		done[best] = 1;
		fprintf(out, "%s %s %zu (%s)", any++ ? "," : "",
			defs[best].id, tot->by_finding[best],
			finding_severity_name(defs[best].severity));
	}
	fputs(any ? "\n" : " none shown\n", out);
}

void render_text_totals(FILE *out, const struct render_totals *tot,
			const struct store_scan_summary *scan, int filtered)
{
	fprintf(out, "\nTargets: %zu", totals_rows(tot));
	if (filtered && scan != NULL)
		fprintf(out, " shown of %lld",
			(long long)(scan->targets + scan->input_errors));
	fputs(" (", out);
	totals_by_status(out, tot);
	fputs(")\n", out);
	if (scan != NULL)
		fprintf(out, "Endpoints: %lld probed, %lld failed (the scan's"
			" distinct endpoints; one may serve several targets)\n",
			(long long)scan->endpoints,
			(long long)scan->endpoints_failed);
	totals_findings(out, tot);
}

void render_text_summary(FILE *out, const struct render_totals *tot,
			 const struct store_scan_summary *scan)
{
	fprintf(out, "\n%zu target%s shown: ", totals_rows(tot),
		totals_rows(tot) == 1 ? "" : "s");
	totals_by_status(out, tot);
	if (scan != NULL)
		fprintf(out, "; the scan probed %lld endpoint%s, %lld failed",
			(long long)scan->endpoints,
			scan->endpoints == 1 ? "" : "s",
			(long long)scan->endpoints_failed);
	fprintf(out, "; %zu DNS lookup%s failed\n", tot->dns_failed,
		tot->dns_failed == 1 ? "" : "s");
}
