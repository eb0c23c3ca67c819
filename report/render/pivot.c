/* pivot.c: `fedcert report --by-finding`, the auditor's pivot: one row
 * per finding id shown, with its severity and the targets that have it,
 * most targets first (then the worst severity, then the id). A finding
 * whose severity depends on the target (no_client_auth_eku: an error for
 * FED, a warning otherwise) has the worst one seen.
 *
 * Text: "expired (error): 2 targets" and one indented line per target.
 * CSV: finding_id, severity, targets (a count), domains (the targets as
 * "domain (TYPE)", "host:port (DIR)", joined with ", ").
 * JSON Lines: {"format_version", "finding_id", "severity", "targets",
 * "domains": [{"domain", "type", "port", "line"}]}.
 *
 * The targets are kept (their domain, type, port and line) until the
 * report's end: a few dozen bytes per finding per target.
 */
#include "report/render/render.h"

#include <stdlib.h>
#include <string.h>

#include "report/render/emit.h"
#include "report/render/escape.h"

struct pivot_target {
	char *domain;
	char *type;
	int port;
	long line;
};

struct pivot_row {
	const struct finding_def *def;
	int severity; /* the worst seen; -1: no target has it */
	struct pivot_target *targets;
	size_t count, cap;
};

struct render_pivot {
	struct pivot_row *rows; /* indexed like findings_registry() */
	size_t nrows;
};

struct render_pivot *render_pivot_new(void)
{
	const struct finding_def *defs;
	struct render_pivot *p = calloc(1, sizeof(*p));
	size_t i, n;

	if (p == NULL)
		return NULL;
	defs = findings_registry(&n);
	p->rows = calloc(n, sizeof(*p->rows));
	if (p->rows == NULL) {
		free(p);
		return NULL;
	}
	p->nrows = n;
	for (i = 0; i < n; i++) {
		p->rows[i].def = &defs[i];
		p->rows[i].severity = -1;
	}
	return p;
}

void render_pivot_free(struct render_pivot *p)
{
	size_t i, j;

	if (p == NULL)
		return;
	for (i = 0; i < p->nrows; i++) {
		for (j = 0; j < p->rows[i].count; j++) {
			free(p->rows[i].targets[j].domain);
			free(p->rows[i].targets[j].type);
		}
		free(p->rows[i].targets);
	}
	free(p->rows);
	free(p);
}

static int pivot_add(struct pivot_row *r, const struct store_target_row *t,
		     int severity)
{
	struct pivot_target *pt;
	size_t cap;

	if (severity > r->severity)
		r->severity = severity;
	if (r->count == r->cap) {
		cap = r->cap ? r->cap * 2 : 16;
		pt = realloc(r->targets, cap * sizeof(*pt));
		if (pt == NULL)
			return -1;
		r->targets = pt;
		r->cap = cap;
	}
	pt = &r->targets[r->count];
	pt->domain = strdup(t->domain != NULL ? t->domain : "");
	pt->type = strdup(t->type != NULL ? t->type : "");
	pt->port = t->port;
	pt->line = t->line;
	if (pt->domain == NULL || pt->type == NULL) {
		free(pt->domain);
		free(pt->type);
		return -1;
	}
	r->count++;
	return 0;
}

int render_pivot_target(struct render_pivot *p,
			const struct render_target *rt)
{
	const struct finding_def *defs;
	size_t i, j, k, n;
	int worst;

	defs = findings_registry(&n);
	for (i = 0; i < rt->nshown; i++) {
		if (rt->shown[i]->def == NULL)
			continue;
		for (j = 0; j < i; j++)
			if (rt->shown[j]->def == rt->shown[i]->def)
				break;
		if (j < i)
			continue; /* counted with the first */
		worst = (int)rt->shown[i]->severity;
		for (j = i + 1; j < rt->nshown; j++)
			if (rt->shown[j]->def == rt->shown[i]->def &&
			    (int)rt->shown[j]->severity > worst)
				worst = (int)rt->shown[j]->severity;
		k = render_finding_index(rt->shown[i]->def, defs, n);
		if (k < p->nrows && pivot_add(&p->rows[k], rt->row, worst) < 0)
			return -1;
	}
	return 0;
}

static int pivot_cmp(const void *pa, const void *pb)
{
	const struct pivot_row *a = pa, *b = pb;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	return strcmp(a->def->id, b->def->id);
}

/* A DIR target is a host and a port; an SRV target's port is the SRV
 * records'. */
static int pivot_is_dir(const struct pivot_target *t)
{
	return strcmp(t->type, "DIR") == 0;
}

/* "contoso.example (FED)", "sip.example:5061 (DIR)". */
static void pivot_target_name(FILE *m, const struct pivot_target *t)
{
	fputs(t->domain, m);
	if (t->port > 0 && pivot_is_dir(t))
		fprintf(m, ":%d", t->port);
	fprintf(m, " (%s)", t->type);
}

static void pivot_text(FILE *out, const struct pivot_row *r)
{
	size_t i;

	fprintf(out, "\n%s (%s): %zu target%s\n", r->def->id,
		finding_severity_name(r->severity), r->count,
		r->count == 1 ? "" : "s");
	for (i = 0; i < r->count; i++) {
		fputs("  ", out);
		esc_text(out, r->targets[i].domain);
		if (r->targets[i].port > 0 && pivot_is_dir(&r->targets[i]))
			fprintf(out, ":%d", r->targets[i].port);
		fputs(" (", out);
		esc_text(out, r->targets[i].type);
		fprintf(out, ", line %ld)\n", r->targets[i].line);
	}
}

static void pivot_csv(struct emit_csv *c, const struct pivot_row *r)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *m = open_memstream(&buf, &len);

	emit_csv_cell(c, r->def->id);
	emit_csv_cell(c, finding_severity_name(r->severity));
	emit_csv_number(c, (long long)r->count);
	if (m != NULL) {
		for (i = 0; i < r->count; i++) {
			if (i > 0)
				fputs(", ", m);
			pivot_target_name(m, &r->targets[i]);
		}
		if (fclose(m) != 0) {
			free(buf);
			buf = NULL;
		}
	}
	if (buf == NULL)
		c->failed = 1;
	emit_csv_cell(c, buf);
	free(buf);
	emit_csv_end_row(c);
}

static void pivot_json(FILE *out, const struct pivot_row *r)
{
	struct emit_json j, t;
	size_t i;

	emit_json_open_line(&j, out);
	emit_json_str(&j, "finding_id", r->def->id);
	emit_json_str(&j, "severity", finding_severity_name(r->severity));
	emit_json_int(&j, "targets", (long long)r->count);
	emit_json_key(&j, "domains");
	fputc('[', out);
	for (i = 0; i < r->count; i++) {
		if (i > 0)
			fputc(',', out);
		emit_json_open(&t, out);
		emit_json_str(&t, "domain", r->targets[i].domain);
		emit_json_str(&t, "type", r->targets[i].type);
		emit_json_opt(&t, "port", r->targets[i].port > 0
						  ? r->targets[i].port : -1);
		emit_json_int(&t, "line", r->targets[i].line);
		emit_json_close(&t);
	}
	fputc(']', out);
	emit_json_close(&j);
	fputc('\n', out);
}

void render_pivot_write(struct render_pivot *p, FILE *out,
			enum report_format format, int bom)
{
	static const char *const columns[] = {
		"finding_id", "severity", "targets", "domains", NULL
	};
	struct emit_csv c = { .out = out };
	size_t i;

	qsort(p->rows, p->nrows, sizeof(p->rows[0]), pivot_cmp);
	if (format == REPORT_CSV) {
		if (bom)
			fputs("\xEF\xBB\xBF", out);
		emit_csv_header(&c, columns);
	}
	for (i = 0; i < p->nrows && p->rows[i].count > 0; i++) {
		if (format == REPORT_CSV)
			pivot_csv(&c, &p->rows[i]);
		else if (format == REPORT_JSON)
			pivot_json(out, &p->rows[i]);
		else
			pivot_text(out, &p->rows[i]);
	}
	if (format == REPORT_TEXT && (p->nrows == 0 || p->rows[0].count == 0))
		fputs("\nNo finding shown.\n", out);
	emit_csv_free(&c);
}
