/* outlook.c: `fedcert outlook`, the timeline of what is scheduled: each
 * foresight finding (client_auth_lost_at_renewal, chain_distrust_scheduled,
 * issuer_expires_before_leaf) of each target shown, and of our own
 * certificate, on the day federation can start failing (struct finding's
 * when), the earliest day first and the worst first within a day; the
 * text opens with how many targets each event concerns.
 *
 * Text: the counts, then one line per finding and its message indented.
 * CSV: date, severity, finding_id, domain, type, port, line, endpoint,
 * event, event_date, source, message.
 * JSON Lines: the same keys ("domain" null and "ours" true for our own
 * certificate, "event" null for a finding without one).
 */
#include "report/render/render.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "common/utc.h"
#include "report/judge/events.h"
#include "report/render/emit.h"
#include "report/render/escape.h"

struct outlook_row {
	time_t when;
	int severity;
	const struct finding_def *def;
	const struct trust_event *event; /* borrowed from the judge's table */
	int ours;
	char *domain, *type, *endpoint, *message;
	int port;
	long line;
	size_t target; /* which target, for the counts */
};

struct render_outlook {
	time_t until; /* 0: everything */
	struct outlook_row *rows;
	size_t count, cap;
	size_t targets;
	int nomem;
};

struct render_outlook *render_outlook_new(time_t until)
{
	struct render_outlook *o = calloc(1, sizeof(*o));

	/* A day (its midnight) means the whole of it. */
	if (o != NULL)
		o->until = until != 0 && until % UTC_DAY_SECONDS == 0
				   ? until + UTC_DAY_SECONDS - 1 : until;
	return o;
}

int render_outlook_worst(const struct render_outlook *o)
{
	size_t i;
	int worst = -1;

	for (i = 0; i < o->count; i++)
		if (o->rows[i].severity > worst)
			worst = o->rows[i].severity;
	return worst;
}

void render_outlook_free(struct render_outlook *o)
{
	size_t i;

	if (o == NULL)
		return;
	for (i = 0; i < o->count; i++) {
		free(o->rows[i].domain);
		free(o->rows[i].type);
		free(o->rows[i].endpoint);
		free(o->rows[i].message);
	}
	free(o->rows);
	free(o);
}

static char *dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static int outlook_add(struct render_outlook *o, const struct finding *f,
		       const struct store_target_row *t)
{
	struct outlook_row *r;
	char ep[RENDER_ENDPOINT_MAX];

	if (f->when == 0 || (o->until != 0 && f->when > o->until))
		return 0;
	if (o->count == o->cap) {
		size_t cap = o->cap ? 2 * o->cap : 64;

		r = realloc(o->rows, cap * sizeof(*r));
		if (r == NULL)
			return -1;
		o->rows = r;
		o->cap = cap;
	}
	r = &o->rows[o->count];
	memset(r, 0, sizeof(*r));
	r->when = f->when;
	r->severity = (int)f->severity;
	r->def = f->def;
	r->event = f->event;
	r->ours = t == NULL;
	r->target = o->targets;
	r->message = strdup(f->message != NULL ? f->message : "");
	if (t != NULL) {
		r->domain = strdup(t->domain != NULL ? t->domain : "");
		r->type = strdup(t->type != NULL ? t->type : "");
		r->port = t->port;
		r->line = t->line;
		if (r->domain == NULL || r->type == NULL)
			goto nomem;
	}
	if (f->probe != NULL && f->probe->address != NULL) {
		/* As the report's findings name it (json.c). */
		render_endpoint_text(f->probe->address, f->probe->port, ep);
		if ((r->endpoint = dup_or_null(ep)) == NULL)
			goto nomem;
	}
	if (r->message == NULL)
		goto nomem;
	o->count++;
	return 0;
nomem:
	free(r->domain);
	free(r->type);
	free(r->endpoint);
	free(r->message);
	return -1;
}

int render_outlook_target(struct render_outlook *o,
			  const struct render_target *rt)
{
	size_t i;

	for (i = 0; i < rt->nshown; i++)
		if (outlook_add(o, rt->shown[i], rt->row) < 0)
			return -1;
	o->targets++;
	return 0;
}

int render_outlook_self(struct render_outlook *o,
			const struct finding *const *shown, size_t nshown)
{
	size_t i;

	for (i = 0; i < nshown; i++)
		if (outlook_add(o, shown[i], NULL) < 0)
			return -1;
	o->targets++;
	return 0;
}

static int row_cmp(const void *pa, const void *pb)
{
	const struct outlook_row *a = pa, *b = pb;
	int c;

	/* By day, then the worst first within it. */
	if (a->when / UTC_DAY_SECONDS != b->when / UTC_DAY_SECONDS)
		return a->when < b->when ? -1 : 1;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if (a->ours != b->ours)
		return a->ours ? -1 : 1;
	if ((c = strcmp(a->domain ? a->domain : "", b->domain ? b->domain : "")))
		return c;
	return a->line < b->line ? -1 : a->line > b->line;
}

static void day_of(time_t t, char out[11])
{
	char iso[UTC_TEXT_MAX];

	utc_format(t, iso);
	snprintf(out, 11, "%.10s", iso);
}

/* ---- Text ----------------------------------------------------------------- */

/* One line of the counts: an event (or a finding without one) and how
 * many targets it concerns. */
struct outlook_count {
	const struct trust_event *event;
	const struct finding_def *def;
	time_t day; /* the event's, or the first row's */
	size_t targets;
};

static int count_cmp(const void *pa, const void *pb)
{
	const struct outlook_count *a = pa, *b = pb;

	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	return strcmp(a->def->id, b->def->id);
}

static int pair_cmp(const void *pa, const void *pb)
{
	const size_t *a = pa, *b = pb; /* group, then target */

	if (a[0] != b[0])
		return a[0] < b[0] ? -1 : 1;
	return (a[1] > b[1]) - (a[1] < b[1]);
}

/* How many targets each event (or finding without one) concerns, by its
 * day, into *out (free()d by the caller); how many lines. The rows are
 * by date, so a group's first row is its first day. */
static size_t outlook_count(const struct outlook_row *rows, size_t n,
			    struct outlook_count **out)
{
	struct outlook_count *c = calloc(n ? n : 1, sizeof(*c));
	struct pair { size_t group, target; } *p = calloc(n ? n : 1, sizeof(*p));
	size_t i, k, nc = 0;

	*out = NULL;
	if (c == NULL || p == NULL) {
		free(c);
		free(p);
		return 0;
	}
	for (i = 0; i < n; i++) {
		for (k = 0; k < nc; k++)
			if (c[k].event == rows[i].event &&
			    c[k].def == rows[i].def)
				break;
		if (k == nc) {
			c[nc].event = rows[i].event;
			c[nc].def = rows[i].def;
			c[nc].day = rows[i].event ? rows[i].event->date
						  : rows[i].when;
			nc++;
		}
		p[i].group = k;
		p[i].target = rows[i].target;
	}
	/* Targets, not endpoints: each (group, target) once. */
	if (n > 1)
		qsort(p, n, sizeof(*p), pair_cmp);
	for (i = 0; i < n; i++)
		if (i == 0 || p[i].group != p[i - 1].group ||
		    p[i].target != p[i - 1].target)
			c[p[i].group].targets++;
	free(p);
	if (nc > 1)
		qsort(c, nc, sizeof(*c), count_cmp);
	*out = c;
	return nc;
}

static void outlook_counts(FILE *out, const struct outlook_row *rows,
			   size_t n)
{
	struct outlook_count *c;
	size_t k, nc = outlook_count(rows, n, &c);
	char day[11];

	fputs("\nBy event (targets concerned):\n", out);
	for (k = 0; k < nc; k++) {
		day_of(c[k].day, day);
		if (c[k].event != NULL) {
			fprintf(out, "  %s  ", day);
			esc_text(out, c[k].event->id);
			fprintf(out, " (%s): %zu\n", c[k].def->id, c[k].targets);
		} else {
			fprintf(out, "  from %s  %s: %zu\n", day, c[k].def->id,
				c[k].targets);
		}
	}
	free(c);
}

static void outlook_text(FILE *out, const struct render_outlook *o,
			 const struct store_scan_row *scan, time_t now)
{
	char asof[11], until[11], day[11];
	size_t i;

	day_of(now, asof);
	fprintf(out, "Outlook of scan %lld, judged as of %s", (long long)scan->id,
		asof);
	if (o->until != 0) {
		day_of(o->until, until);
		fprintf(out, ", until %s", until);
	}
	fprintf(out, ": %zu scheduled finding%s\n", o->count,
		o->count == 1 ? "" : "s");
	for (i = 0; i < o->count; i++) {
		if (!o->rows[i].ours ||
		    strcmp(o->rows[i].def->id, "client_auth_lost_at_renewal") != 0)
			continue;
		day_of(o->rows[i].when, day);
		fprintf(out, "\nOUR CERTIFICATE: federation with every partner "
			     "breaks at our renewal, by %s at the latest:\n  ",
			day);
		esc_text(out, o->rows[i].message);
		fputc('\n', out);
		break;
	}
	if (o->count == 0) {
		fputs("\nNothing scheduled.\n", out);
		return;
	}
	outlook_counts(out, o->rows, o->count);
	fputs("\nTimeline (earliest first, worst first within a day):\n", out);
	for (i = 0; i < o->count; i++) {
		const struct outlook_row *r = &o->rows[i];

		day_of(r->when, day);
		fprintf(out, "  %s  %-7s  ", day,
			finding_severity_name((enum finding_severity)r->severity));
		if (r->ours) {
			fputs("our certificate", out);
		} else {
			esc_text(out, r->domain);
			fputs(" (", out);
			esc_text(out, r->type);
			fputc(')', out);
		}
		fprintf(out, "  %s", r->def->id);
		if (r->endpoint != NULL) {
			fputs("  ", out);
			esc_text(out, r->endpoint);
		}
		fputs("\n      ", out);
		esc_text(out, r->message);
		fputc('\n', out);
	}
}

/* ---- CSV and JSON Lines ---------------------------------------------------- */

static void outlook_csv(FILE *out, const struct render_outlook *o, int bom)
{
	static const char *const columns[] = {
		"date", "severity", "finding_id", "domain", "type", "port",
		"line", "endpoint", "event", "event_date", "source", "message",
		NULL
	};
	struct emit_csv c = { .out = out };
	char day[11];
	size_t i;

	if (bom)
		fputs("\xEF\xBB\xBF", out);
	emit_csv_header(&c, columns);
	for (i = 0; i < o->count; i++) {
		const struct outlook_row *r = &o->rows[i];

		day_of(r->when, day);
		emit_csv_cell(&c, day);
		emit_csv_cell(&c, finding_severity_name(
					  (enum finding_severity)r->severity));
		emit_csv_cell(&c, r->def->id);
		emit_csv_cell(&c, r->ours ? "" : r->domain);
		emit_csv_cell(&c, r->ours ? "" : r->type);
		emit_csv_optional(&c, r->ours || r->port <= 0 ? -1 : r->port);
		emit_csv_optional(&c, r->ours ? -1 : r->line);
		emit_csv_cell(&c, r->endpoint ? r->endpoint : "");
		emit_csv_cell(&c, r->event ? r->event->id : "");
		emit_csv_cell(&c, r->event ? r->event->day : "");
		emit_csv_cell(&c, r->event ? r->event->source : "");
		emit_csv_cell(&c, r->message);
		emit_csv_end_row(&c);
	}
	emit_csv_free(&c);
}

static void outlook_json(FILE *out, const struct render_outlook *o)
{
	struct emit_json j, e;
	char day[11];
	size_t i;

	for (i = 0; i < o->count; i++) {
		const struct outlook_row *r = &o->rows[i];

		day_of(r->when, day);
		emit_json_open_line(&j, out);
		emit_json_str(&j, "date", day);
		emit_json_str(&j, "severity", finding_severity_name(
					   (enum finding_severity)r->severity));
		emit_json_str(&j, "finding_id", r->def->id);
		emit_json_bool(&j, "ours", r->ours);
		if (r->ours) {
			emit_json_null(&j, "domain");
			emit_json_null(&j, "type");
			emit_json_null(&j, "port");
			emit_json_null(&j, "line");
		} else {
			emit_json_str(&j, "domain", r->domain);
			emit_json_str(&j, "type", r->type);
			emit_json_opt(&j, "port", r->port > 0 ? r->port : -1);
			emit_json_int(&j, "line", r->line);
		}
		if (r->endpoint != NULL)
			emit_json_str(&j, "endpoint", r->endpoint);
		else
			emit_json_null(&j, "endpoint");
		if (r->event != NULL) {
			emit_json_key(&j, "event");
			emit_json_open(&e, out);
			emit_json_str(&e, "id", r->event->id);
			emit_json_str(&e, "date", r->event->day);
			emit_json_str(&e, "kind",
				      trust_event_kind_name(r->event->kind));
			emit_json_str(&e, "program", trust_event_program_name(
							     r->event->program));
			emit_json_str(&e, "source", r->event->source);
			emit_json_close(&e);
		} else {
			emit_json_null(&j, "event");
		}
		emit_json_str(&j, "message", r->message);
		emit_json_close(&j);
		fputc('\n', out);
	}
}

void render_outlook_write(struct render_outlook *o, FILE *out,
			  enum report_format format, int bom,
			  const struct store_scan_row *scan, time_t now)
{
	if (o->count > 1)
		qsort(o->rows, o->count, sizeof(*o->rows), row_cmp);
	if (format == REPORT_CSV)
		outlook_csv(out, o, bom);
	else if (format == REPORT_JSON)
		outlook_json(out, o);
	else
		outlook_text(out, o, scan, now);
}

/* ---- The HTML report's section --------------------------------------------- */

#define OUTLOOK_HTML_ROWS 500

void render_outlook_html(struct render_outlook *o, FILE *out,
			 const struct store_scan_row *scan, time_t now)
{
	struct outlook_count *c;
	size_t i, nc;
	char day[11];

	if (o->count > 1)
		qsort(o->rows, o->count, sizeof(*o->rows), row_cmp);
	nc = outlook_count(o->rows, o->count, &c);
	fputs("<section id=\"outlook\"><h2>What is scheduled to break</h2>",
	      out);
	if (o->count == 0) {
		fputs("<p>Nothing scheduled: no certificate here is concerned by "
		      "a dated trust event, and no issuer expires before its "
		      "leaf.</p></section>\n", out);
		free(c);
		return;
	}
	for (i = 0; i < o->count; i++)
		if (o->rows[i].ours && strcmp(o->rows[i].def->id,
					      "client_auth_lost_at_renewal") == 0)
			break;
	if (i < o->count) {
		day_of(o->rows[i].when, day);
		fprintf(out, "<p class=\"ours\"><b>Our certificate: federation "
			"with every partner breaks at our renewal, by %s at the "
			"latest.</b> ", day);
		esc_html(out, o->rows[i].message);
		fputs("</p>", out);
	}
	fprintf(out, "<p>%zu findings, by the day federation can start "
		"failing (trust events from the built-in table and "
		"<code>--trust-events</code>; issuers that expire before their "
		"leaf). <code>fedcert outlook --db FILE --scan %lld</code> "
		"lists them all.</p>", o->count, (long long)scan->id);
	fputs("<table><thead><tr><th>from</th><th>event</th><th>finding</th>"
	      "<th class=\"n\">targets</th><th>source</th></tr></thead><tbody>",
	      out);
	for (i = 0; i < nc; i++) {
		day_of(c[i].day, day);
		fprintf(out, "<tr><td>%s</td><td>", day);
		esc_html(out, c[i].event ? c[i].event->id : "-");
		fprintf(out, "</td><td>%s</td><td class=\"n\">%zu</td><td>",
			c[i].def->id, c[i].targets);
		esc_html(out, c[i].event ? c[i].event->source : "");
		fputs("</td></tr>", out);
	}
	fputs("</tbody></table>", out);
	fprintf(out, "<details><summary>the timeline (%s%zu)</summary><table>"
		"<thead><tr><th>day</th><th>severity</th><th>target</th>"
		"<th>finding</th><th>why</th></tr></thead><tbody>",
		o->count > OUTLOOK_HTML_ROWS ? "the first 500 of " : "",
		o->count);
	for (i = 0; i < o->count && i < OUTLOOK_HTML_ROWS; i++) {
		const struct outlook_row *r = &o->rows[i];

		day_of(r->when, day);
		fprintf(out, "<tr><td>%s</td><td>%s</td><td>", day,
			finding_severity_name((enum finding_severity)r->severity));
		if (r->ours) {
			fputs("our certificate", out);
		} else {
			esc_html(out, r->domain);
			fputs(" (", out);
			esc_html(out, r->type);
			fputc(')', out);
		}
		fprintf(out, "</td><td>%s</td><td>", r->def->id);
		esc_html(out, r->message);
		fputs("</td></tr>", out);
	}
	fputs("</tbody></table></details></section>\n", out);
	(void)now;
	free(c);
}
