/* trend.c: `fedcert scans --trend`, how a federation's health moved from
 * night to night: per scan, its targets by status (PASS, WARN, FAIL) and
 * by error finding (how many targets had it as an error), then each
 * warning or error finding's first and last scan over the scans listed.
 *
 * Each scan is judged as `scans` judges it (at its start, history_int.h):
 * its kept verdicts when they hold, read as counts without a target
 * (store_each_verdict_count()), else every target judged. The scans are
 * gathered first (a few hundred bytes each per finding of the registry),
 * so that the CSV's columns are the error findings that occur in them.
 */
#include "report/report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report/history/history_int.h"

struct trend_scan {
	int64_t id;
	char *started;  /* owned */
	int64_t targets;
	int64_t status[3];
	int64_t *errors; /* per registry entry: targets with it as an error */
	unsigned char *worst; /* per registry entry: 0 none, 1 warning,
				 2 error (the worst any target had) */
};

struct trend_walk {
	struct store *st;
	const struct report_scans_options *o;
	const struct finding_def *defs;
	size_t ndefs;
	struct trend_scan *scans;
	size_t count, cap;
	struct hist_judging judging;
	struct trend_scan *cur;
	unsigned long long judged; /* scans judged target by target */
	int kept_only; /* a scan without kept verdicts is left out, not judged */
	int64_t upto;  /* scans after this one are left out; 0: none */
	size_t left_out;
	int nomem;
};

static size_t def_index(const struct trend_walk *w, const char *id)
{
	const struct finding_def *d = findings_lookup(id);

	return d != NULL ? (size_t)(d - w->defs) : w->ndefs;
}

/* One kept count: (finding, severity, targets). */
static int trend_on_count(const struct store_verdict_count *c, void *arg)
{
	struct trend_walk *w = arg;
	size_t i = def_index(w, c->finding);

	if (i >= w->ndefs || c->severity < SEVERITY_WARNING)
		return 0;
	if (c->severity == SEVERITY_ERROR)
		w->cur->errors[i] += c->targets;
	if (c->targets > 0 && w->cur->worst[i] < (unsigned char)c->severity)
		w->cur->worst[i] = (unsigned char)c->severity;
	return 0;
}

/* One target judged: its status, its error findings (each once). */
static int trend_on_target(const struct store_target_row *t, void *arg)
{
	struct trend_walk *w = arg;
	struct finding_list l = { 0 };
	unsigned char *had;
	size_t i, k;
	int worst;

	had = calloc(w->ndefs, 1);
	if (had == NULL || hist_judge(&w->judging, t, &l) != 0) {
		free(had);
		finding_list_free(&l);
		w->nomem = 1;
		return 1;
	}
	worst = finding_list_worst(&l);
	w->cur->status[worst < 0 ? 0 : worst]++;
	for (i = 0; i < l.count; i++) {
		k = (size_t)(l.items[i].def - w->defs);
		if (k >= w->ndefs || l.items[i].severity < SEVERITY_WARNING)
			continue;
		if (w->cur->worst[k] < (unsigned char)l.items[i].severity)
			w->cur->worst[k] = (unsigned char)l.items[i].severity;
		if (l.items[i].severity == SEVERITY_ERROR && !had[k]) {
			had[k] = 1;
			w->cur->errors[k]++;
		}
	}
	free(had);
	finding_list_free(&l);
	return 0;
}

static struct trend_scan *trend_add(struct trend_walk *w,
				    const struct store_scan_summary *s)
{
	struct trend_scan *bigger, *n;

	if (w->count == w->cap) {
		bigger = realloc(w->scans, (w->cap ? w->cap * 2 : 64) *
					   sizeof(*bigger));
		if (bigger == NULL)
			return NULL;
		w->scans = bigger;
		w->cap = w->cap ? w->cap * 2 : 64;
	}
	n = &w->scans[w->count];
	memset(n, 0, sizeof(*n));
	n->id = s->scan->id;
	n->targets = s->targets;
	n->started = strdup(s->scan->started ? s->scan->started : "");
	n->errors = calloc(w->ndefs, sizeof(*n->errors));
	n->worst = calloc(w->ndefs, 1);
	w->count++;
	if (n->started == NULL || n->errors == NULL || n->worst == NULL)
		return NULL;
	return n;
}

static int trend_on_scan(const struct store_scan_summary *s, void *arg)
{
	struct trend_walk *w = arg;
	time_t at;
	int i;

	if (w->upto > 0 && s->scan->id > w->upto)
		return 0;

	if ((w->cur = trend_add(w, s)) == NULL) {
		w->nomem = 1;
		return 1;
	}
	if (utc_parse(s->scan->started, &at) != 0)
		at = time(NULL);
	if (hist_judging_scan(&w->judging, w->st, s->scan, at,
			      judge_warn_days(w->o->warn_days),
			      w->o->judge_afresh) != 0)
		return -1;
	if (w->judging.verdicts.state == VERDICTS_READ) {
		for (i = 0; i < 3; i++)
			w->cur->status[i] = w->judging.verdicts.status[i];
		return store_each_verdict_count(w->st, s->scan->id,
						trend_on_count, w);
	}
	if (w->kept_only) {
		free(w->cur->started);
		free(w->cur->errors);
		free(w->cur->worst);
		w->count--;
		w->left_out++;
		return 0;
	}
	w->judged++;
	return store_each_target(w->st, s->scan->id, trend_on_target, w);
}

/* Whether finding k was an error in any scan listed (a CSV column). */
static int trend_was_error(const struct trend_walk *w, size_t k)
{
	size_t i;

	for (i = 0; i < w->count; i++)
		if (w->scans[i].worst[k] >= SEVERITY_ERROR)
			return 1;
	return 0;
}

/* Where finding k was a warning or an error among the scans listed: the
 * first and last (indexes into w->scans), in how many, how bad at worst.
 * 0 when never. */
struct trend_span {
	size_t first, last, scans;
	int worst;
};

static int trend_span(const struct trend_walk *w, size_t k,
		      struct trend_span *sp)
{
	size_t i;

	memset(sp, 0, sizeof(*sp));
	for (i = 0; i < w->count; i++) {
		if (w->scans[i].worst[k] < SEVERITY_WARNING)
			continue;
		if (sp->scans == 0)
			sp->first = i;
		sp->last = i;
		sp->scans++;
		if (w->scans[i].worst[k] > sp->worst)
			sp->worst = w->scans[i].worst[k];
	}
	return sp->scans > 0;
}

static void trend_text(const struct trend_walk *w, FILE *out)
{
	const struct trend_scan *s;
	struct trend_span sp;
	size_t i, k;
	int sep;

	fprintf(out, "%5s  %-20s  %7s  %6s  %6s  %6s  %s\n", "scan", "started",
		"targets", "PASS", "WARN", "FAIL",
		"targets by error finding");
	for (i = 0; i < w->count; i++) {
		s = &w->scans[i];
		fprintf(out, "%5lld  ", (long long)s->id);
		esc_text(out, s->started);
		fprintf(out, "  %7lld  %6lld  %6lld  %6lld  ",
			(long long)s->targets, (long long)s->status[0],
			(long long)s->status[1], (long long)s->status[2]);
		sep = 0;
		for (k = 0; k < w->ndefs; k++) {
			if (s->errors[k] == 0)
				continue;
			fprintf(out, "%s%s %lld", sep ? ", " : "", w->defs[k].id,
				(long long)s->errors[k]);
			sep = 1;
		}
		fputs(sep ? "\n" : "-\n", out);
	}
	fprintf(out, "\n%-34s  %-7s  %-26s  %-26s  %5s\n", "finding", "worst",
		"first seen (scan, start)", "last seen (scan, start)", "scans");
	for (k = 0; k < w->ndefs; k++) {
		if (!trend_span(w, k, &sp))
			continue;
		fprintf(out, "%-34s  %-7s  %5lld ", w->defs[k].id,
			finding_severity_name((enum finding_severity)sp.worst),
			(long long)w->scans[sp.first].id);
		esc_text(out, w->scans[sp.first].started);
		fprintf(out, "  %5lld ", (long long)w->scans[sp.last].id);
		esc_text(out, w->scans[sp.last].started);
		fprintf(out, "  %5zu\n", sp.scans);
	}
}

static void trend_csv(const struct trend_walk *w, FILE *out)
{
	struct emit_csv c = { .out = out };
	static const char *const head[] = { "scan", "started", "targets",
					    "PASS", "WARN", "FAIL" };
	size_t i, k;

	if (w->o->bom)
		emit_csv_bom(out);
	for (i = 0; i < sizeof head / sizeof head[0]; i++)
		emit_csv_cell(&c, head[i]);
	for (k = 0; k < w->ndefs; k++)
		if (trend_was_error(w, k))
			emit_csv_cell(&c, w->defs[k].id);
	emit_csv_end_row(&c);
	for (i = 0; i < w->count; i++) {
		emit_csv_number(&c, w->scans[i].id);
		emit_csv_date(&c, w->scans[i].started);
		emit_csv_number(&c, w->scans[i].targets);
		emit_csv_number(&c, w->scans[i].status[0]);
		emit_csv_number(&c, w->scans[i].status[1]);
		emit_csv_number(&c, w->scans[i].status[2]);
		for (k = 0; k < w->ndefs; k++)
			if (trend_was_error(w, k))
				emit_csv_number(&c, w->scans[i].errors[k]);
		emit_csv_end_row(&c);
	}
	emit_csv_free(&c);
}

static void trend_json(const struct trend_walk *w, FILE *out)
{
	const struct trend_scan *s;
	struct trend_span sp;
	struct emit_json j, f;
	size_t i, k;

	for (i = 0; i < w->count; i++) {
		s = &w->scans[i];
		emit_json_open_line(&j, out);
		emit_json_str(&j, "kind", "scan");
		emit_json_int(&j, "scan", s->id);
		emit_json_str(&j, "started", s->started);
		emit_json_int(&j, "targets", s->targets);
		emit_json_key(&j, "status_counts");
		emit_json_open(&f, out);
		emit_json_int(&f, "PASS", s->status[0]);
		emit_json_int(&f, "WARN", s->status[1]);
		emit_json_int(&f, "FAIL", s->status[2]);
		emit_json_close(&f);
		emit_json_key(&j, "error_findings");
		emit_json_open(&f, out);
		for (k = 0; k < w->ndefs; k++)
			if (s->errors[k] > 0)
				emit_json_int(&f, w->defs[k].id, s->errors[k]);
		emit_json_close(&f);
		emit_json_close(&j);
		fputc('\n', out);
	}
	for (k = 0; k < w->ndefs; k++) {
		if (!trend_span(w, k, &sp))
			continue;
		emit_json_open_line(&j, out);
		emit_json_str(&j, "kind", "finding");
		emit_json_str(&j, "finding", w->defs[k].id);
		emit_json_str(&j, "worst",
			      finding_severity_name((enum finding_severity)sp.worst));
		emit_json_int(&j, "first_scan", w->scans[sp.first].id);
		emit_json_str(&j, "first_seen", w->scans[sp.first].started);
		emit_json_int(&j, "last_scan", w->scans[sp.last].id);
		emit_json_str(&j, "last_seen", w->scans[sp.last].started);
		emit_json_int(&j, "scans", (long long)sp.scans);
		emit_json_close(&j);
		fputc('\n', out);
	}
}

static void trend_walk_free(struct trend_walk *w)
{
	size_t i;

	hist_judging_free(&w->judging);
	for (i = 0; i < w->count; i++) {
		free(w->scans[i].started);
		free(w->scans[i].errors);
		free(w->scans[i].worst);
	}
	free(w->scans);
}

int hist_trend_points(struct store *st, int64_t last, int64_t upto,
		      struct render_trend *out, char *err, size_t errlen)
{
	struct report_scans_options o = { .format = REPORT_TEXT };
	/* judged as the report judges: the kept verdicts' defaults */
	struct trend_walk w = { .st = st, .o = &o, .kept_only = 1 };
	struct render_trend_scan *p;
	size_t i, n = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	w.defs = findings_registry(&w.ndefs);
	hist_judging_init(&w.judging);
	/* every scan up to the one reported; the newest `last` are kept */
	w.upto = upto;
	rc = store_each_scan(st, 0, trend_on_scan, &w);
	if (rc != 0) {
		snprintf(err, errlen, "reading the trend: %s", w.nomem ?
			 "out of memory" : store_errmsg(st));
		trend_walk_free(&w);
		return -1;
	}
	p = calloc(w.count + 1, sizeof(*p));
	for (i = w.count > (size_t)last ? w.count - (size_t)last : 0;
	     p != NULL && i < w.count; i++) {
		p[n].id = w.scans[i].id;
		p[n].started = w.scans[i].started;
		w.scans[i].started = NULL;
		memcpy(p[n].status, w.scans[i].status, sizeof p[n].status);
		p[n].errors = w.scans[i].errors;
		w.scans[i].errors = NULL;
		n++;
	}
	out->scans = p;
	out->count = p != NULL ? n : 0;
	out->left_out = w.left_out;
	trend_walk_free(&w);
	return 0;
}

void hist_trend_points_free(struct render_trend *t)
{
	size_t i;

	for (i = 0; i < t->count; i++) {
		free((char *)t->scans[i].started);
		free((void *)t->scans[i].errors);
	}
	free((void *)t->scans);
	memset(t, 0, sizeof(*t));
}

int report_trend(struct store *st, const struct report_scans_options *o,
		 FILE *out, char *err, size_t errlen)
{
	struct trend_walk w = { .st = st, .o = o };
	int rc;

	w.defs = findings_registry(&w.ndefs);
	hist_judging_init(&w.judging);
	w.judging.profile = o->profile;
	rc = store_each_scan(st, o->last, trend_on_scan, &w);
	if (rc == 0) {
		if (o->format == REPORT_JSON)
			trend_json(&w, out);
		else if (o->format == REPORT_CSV)
			trend_csv(&w, out);
		else
			trend_text(&w, out);
		if (o->notes != NULL && w.judged > 1 && !o->judge_afresh)
			fprintf(o->notes, "fedcert scans: %llu scans had no "
				"kept verdicts that apply and were judged; "
				"`fedcert judge` keeps them\n", w.judged);
	}
	trend_walk_free(&w);
	if (rc != 0 && w.nomem)
		snprintf(err, errlen, "judging the scans: out of memory");
	else if (rc == 0 && (fflush(out) != 0 || ferror(out)))
		snprintf(err, errlen, "writing the trend: %s", strerror(errno));
	else if (rc != 0)
		snprintf(err, errlen, "reading the scans: %s", store_errmsg(st));
	else
		return 0;
	return -1;
}
