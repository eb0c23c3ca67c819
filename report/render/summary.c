/* summary.c: `fedcert report --summary`, one line per target, worst
 * first: what an administrator of thousands of partners reads each
 * morning before opening any target's details.
 *
 *   STATUS       DOMAIN                 TYPE    PORT  NOT_AFTER   DAYS  ENDPOINTS  WORST FINDING
 *   FAIL         expired.example.test   FED        -  2026-11-28    -4  2/2        expired: ...
 *
 * ENDPOINTS is "answered/probed": the target's endpoints whose handshake
 * went through, of those it reached. NOT_AFTER and DAYS are of the leaf
 * that expires first (days left as every output counts them,
 * utc_days_left()). WORST FINDING is the worst shown finding with its
 * message, and "(+N)" for the other shown ones. The values are kept as
 * they came (a few hundred bytes per target), sorted, and escaped for the
 * terminal as each line is written; the DOMAIN column is as wide as the
 * longest domain as it came, up to SUMMARY_DOMAIN_WIDTH.
 */
#include "report/render/render.h"

#include <stdlib.h>
#include <string.h>

#include "common/fedcert_limits.h"
#include "common/utc.h"
#include "report/render/escape.h"

/* The room a domain takes before the columns after it move right. */
#define SUMMARY_DOMAIN_WIDTH 32

struct summary_row {
	int rank;          /* sort key: the status, worst first */
	int worst;         /* worst shown severity, -1 none */
	int has_expiry;
	long long days;    /* days left, when has_expiry */
	long line;
	enum report_status status;
	char *domain;      /* as stored: escaped when written */
	char type[8];      /* FED, SIP, SIPINT, DIR, or "-" */
	int port;          /* -1: none given */
	char not_after[11];
	size_t answered, probed;
	const char *finding_id; /* the registry's, or "input error" */
	char *reason;      /* the finding's message or the row's reason */
	size_t more;       /* other shown findings */
};

struct render_summary {
	struct summary_row *rows;
	size_t count, cap;
	time_t now;
	size_t domain_width;
};

struct render_summary *render_summary_new(time_t now)
{
	struct render_summary *s = calloc(1, sizeof(*s));

	if (s != NULL)
		s->now = now;
	return s;
}

void render_summary_free(struct render_summary *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->count; i++) {
		free(s->rows[i].domain);
		free(s->rows[i].reason);
	}
	free(s->rows);
	free(s);
}

/* Worst first: FAIL, then rows that never became targets, then WARN,
 * then PASS. */
static int summary_rank(enum report_status st)
{
	switch (st) {
	case REPORT_STATUS_FAIL: return 0;
	case REPORT_STATUS_INPUT_ERROR: return 1;
	case REPORT_STATUS_WARN: return 2;
	default: return 3;
	}
}

static char *summary_dup(const char *s)
{
	return strdup(s != NULL ? s : RENDER_MISSING);
}

static struct summary_row *summary_add(struct render_summary *s)
{
	struct summary_row *r;
	size_t cap;

	if (s->count == s->cap) {
		cap = s->cap ? s->cap * 2 : 256;
		r = realloc(s->rows, cap * sizeof(*r));
		if (r == NULL)
			return NULL;
		s->rows = r;
		s->cap = cap;
	}
	r = &s->rows[s->count];
	memset(r, 0, sizeof(*r));
	r->worst = -1;
	r->port = -1;
	snprintf(r->type, sizeof(r->type), "%s", RENDER_MISSING);
	return r;
}

/* The leaf that expires first among the target's endpoints. */
static void summary_expiry(struct render_summary *s, struct summary_row *r,
			   const struct store_target_row *t)
{
	char iso[UTC_TEXT_MAX];
	time_t na, first = 0;
	size_t i;

	for (i = 0; i < t->probe_count; i++) {
		if (t->probes[i].chain_len == 0 ||
		    utc_parse(t->probes[i].chain[0].not_after, &na) != 0)
			continue;
		if (!r->has_expiry || na < first)
			first = na;
		r->has_expiry = 1;
	}
	if (!r->has_expiry)
		return;
	r->days = utc_days_left(first, s->now);
	utc_format(first, iso);
	memcpy(r->not_after, iso, 10); /* the date: YYYY-MM-DD */
	r->not_after[10] = '\0';
}

/* The worst shown finding (the first of the worst, in report order) and
 * how many others are shown. */
static int summary_finding(struct summary_row *r,
			   const struct render_target *rt)
{
	const struct finding *worst = NULL;
	size_t i;

	for (i = 0; i < rt->nshown; i++)
		if (worst == NULL || rt->shown[i]->severity > worst->severity)
			worst = rt->shown[i];
	if (worst == NULL)
		return 0;
	r->worst = (int)worst->severity;
	r->finding_id = worst->def != NULL ? worst->def->id : RENDER_MISSING;
	r->more = rt->nshown - 1;
	r->reason = summary_dup(worst->message);
	return r->reason != NULL ? 0 : -1;
}

static void summary_width(struct render_summary *s, const char *domain)
{
	size_t n = strlen(domain);

	if (n > s->domain_width)
		s->domain_width = n;
}

int render_summary_target(struct render_summary *s,
			  const struct render_target *rt)
{
	const struct store_target_row *t = rt->row;
	struct summary_row *r = summary_add(s);
	size_t i;

	if (r == NULL)
		return -1;
	r->status = (enum report_status)rt->status;
	r->rank = summary_rank(r->status);
	r->line = t->line;
	snprintf(r->type, sizeof(r->type), "%s",
		 t->type != NULL ? t->type : RENDER_MISSING);
	r->port = t->port > 0 ? t->port : -1;
	r->probed = t->probe_count;
	for (i = 0; i < t->probe_count; i++)
		if (t->probes[i].error_kind == NULL)
			r->answered++;
	summary_expiry(s, r, t);
	r->domain = summary_dup(t->domain);
	s->count++; /* from here on, render_summary_free() frees it */
	if (r->domain == NULL || summary_finding(r, rt) < 0)
		return -1;
	summary_width(s, r->domain);
	return 0;
}

/* The domain is the row's first field as written (it names the partner
 * the auditor expected); the reason takes the finding's place. */
int render_summary_input_error(struct render_summary *s,
			       const struct store_input_error_row *e)
{
	struct summary_row *r = summary_add(s);
	char first[FC_CSV_RAW_MAX + 1];

	if (r == NULL)
		return -1;
	r->status = REPORT_STATUS_INPUT_ERROR;
	r->rank = summary_rank(r->status);
	r->line = e->line;
	r->domain = summary_dup(render_input_error_domain(e, first,
							  sizeof(first)) > 0
					? first : NULL);
	s->count++;
	if (r->domain == NULL)
		return -1;
	r->finding_id = "input error";
	r->reason = summary_dup(e->reason);
	summary_width(s, r->domain);
	return r->reason != NULL ? 0 : -1;
}

static int summary_cmp(const void *pa, const void *pb)
{
	const struct summary_row *a = pa, *b = pb;

	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	if (a->worst != b->worst)
		return a->worst > b->worst ? -1 : 1;
	if (a->has_expiry != b->has_expiry)
		return a->has_expiry ? -1 : 1;
	if (a->has_expiry && a->days != b->days)
		return a->days < b->days ? -1 : 1;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return 0;
}

static void summary_line(FILE *out, const struct summary_row *r, int width)
{
	size_t len = strlen(r->domain);

	fprintf(out, "%-11s  ", render_status_label(r->status));
	esc_text(out, r->domain);
	fprintf(out, "%*s  %-6s  ", len < (size_t)width ? (int)(width - len) : 0,
		"", r->type);
	if (r->port > 0)
		fprintf(out, "%5d  ", r->port);
	else
		fprintf(out, "%5s  ", RENDER_MISSING);
	if (r->has_expiry)
		fprintf(out, "%-10s  %5lld  ", r->not_after, r->days);
	else
		fprintf(out, "%-10s  %5s  ", RENDER_MISSING, RENDER_MISSING);
	if (r->status == REPORT_STATUS_INPUT_ERROR)
		fprintf(out, "%-9s  ", RENDER_MISSING);
	else
		fprintf(out, "%4zu/%-4zu  ", r->answered, r->probed);
	if (r->finding_id == NULL) {
		fputs(RENDER_MISSING "\n", out);
		return;
	}
	fprintf(out, "%s: ", r->finding_id);
	esc_text(out, r->reason);
	if (r->more > 0)
		fprintf(out, " (+%zu)", r->more);
	fputc('\n', out);
}

void render_summary_write(struct render_summary *s, FILE *out)
{
	int width = (int)(s->domain_width < SUMMARY_DOMAIN_WIDTH
				  ? s->domain_width : SUMMARY_DOMAIN_WIDTH);
	size_t i;

	if (width < 6)
		width = 6;
	if (s->count > 1)
		qsort(s->rows, s->count, sizeof(s->rows[0]), summary_cmp);
	fprintf(out, "\n%-11s  %-*s  %-6s  %5s  %-10s  %5s  %-9s  %s\n",
		"STATUS", width, "DOMAIN", "TYPE", "PORT", "NOT_AFTER", "DAYS",
		"ENDPOINTS", "WORST FINDING");
	for (i = 0; i < s->count && !ferror(out); i++)
		summary_line(out, &s->rows[i], width);
}
