/* scans.c: `fedcert scans`, every scan of the database with its counts
 * and its findings.
 *
 * The findings of a scan are what its report would have said that night:
 * each target judged at the scan's start, with the verification the scan
 * recorded. A scan whose kept verdicts hold (verdicts.h) gives its totals
 * from them, no target read. Another is judged, the slow part (OpenSSL
 * decodes every chain again); a nightly database holds the same targets
 * night after night, mostly unchanged: the scans are walked in pairs (the scan listed before, this
 * one), and a target whose facts have the same digest as the night before
 * and whose certificates crossed no date boundary in between keeps the
 * night before's verdict (history_int.h). The verdicts kept from one scan
 * to the next are a few dozen bytes per target, at most
 * FC_HISTORY_MEMO_MAX of them; past that, targets are judged.
 */
#include "report/report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fedcert_limits.h"
#include "report/history/history_int.h"


/* One target's verdict, kept for the next scan, in identity order. */
struct memo_entry {
	uint64_t ident; /* FNV-1a of domain, type and port: a check */
	unsigned char digest[HIST_DIGEST_LEN];
	struct hist_verdict v;
};

struct memo {
	struct memo_entry *items; /* owned */
	size_t count, cap;
	size_t next; /* the next entry to match, while it is the previous */
};

struct scans_walk {
	struct store *st;
	const struct report_scans_options *o;
	FILE *out;
	int warn_days;
	int64_t prev_scan; /* the scan listed before; 0 for the first */
	time_t prev_at, at;
	struct memo prev, cur;
	struct hist_judging judging;
	/* Scans judged because no kept verdicts held; why the first of those
	 * that had some could not use them. */
	unsigned long long unkept;
	char why[200];
	/* This scan's totals. */
	unsigned long long findings[SEVERITY_ERROR + 1];
	unsigned long long status[3];
	int nomem;
};

static uint64_t ident_hash(const struct store_target_row *t)
{
	uint64_t h = 1469598103934665603ULL;
	const char *parts[2] = { t->domain, t->type };
	const unsigned char *s;
	size_t i;

	for (i = 0; i < 2; i++) {
		for (s = (const unsigned char *)(parts[i] ? parts[i] : "");
		     *s != '\0'; s++)
			h = (h ^ *s) * 1099511628211ULL;
		h = (h ^ 0xff) * 1099511628211ULL;
	}
	return (h ^ (uint64_t)t->port) * 1099511628211ULL;
}

static void memo_push(struct memo *m, uint64_t ident,
		      const unsigned char *digest, const struct hist_verdict *v)
{
	struct memo_entry *bigger;
	size_t want;

	if (m->count == m->cap) {
		if (m->cap >= FC_HISTORY_MEMO_MAX)
			return; /* bounded: later targets are judged */
		want = m->cap ? m->cap * 2 : 1024;
		if (want > FC_HISTORY_MEMO_MAX)
			want = FC_HISTORY_MEMO_MAX;
		bigger = realloc(m->items, want * sizeof(*bigger));
		if (bigger == NULL)
			return; /* a memo that stops is only slower */
		m->items = bigger;
		m->cap = want;
	}
	m->items[m->count].ident = ident;
	memcpy(m->items[m->count].digest, digest, HIST_DIGEST_LEN);
	m->items[m->count].v = *v;
	m->count++;
}

/* The verdict of the previous scan for a, if it was kept. */
static const struct memo_entry *memo_match(struct memo *m,
					   const struct store_target_row *a)
{
	const struct memo_entry *e;

	if (a == NULL || m->next >= m->count)
		return NULL;
	e = &m->items[m->next++];
	return e->ident == ident_hash(a) ? e : NULL;
}

static int scans_verdict(struct scans_walk *w, const struct memo_entry *prev,
			 const struct store_target_row *b,
			 const unsigned char *digest, int have_digest,
			 struct hist_verdict *v)
{
	struct finding_list l = { 0 };

	if (prev != NULL && have_digest &&
	    memcmp(prev->digest, digest, HIST_DIGEST_LEN) == 0 &&
	    !hist_dates_between(b, w->prev_at, w->at, w->warn_days)) {
		*v = prev->v;
		return 0;
	}
	if (hist_judge(&w->judging, b, &l) != 0) {
		finding_list_free(&l);
		return -1;
	}
	hist_verdict_of(&l, v);
	finding_list_free(&l);
	return 0;
}

static int scans_on_pair(const struct store_target_pair *pr, void *arg)
{
	struct scans_walk *w = arg;
	const struct store_target_row *b = pr->to;
	const struct memo_entry *prev = memo_match(&w->prev, pr->from);
	unsigned char digest[HIST_DIGEST_LEN];
	struct hist_verdict v;
	int have_digest, i;

	if (b == NULL)
		return 0;
	have_digest = hist_target_digest(b, digest) == 0;
	if (scans_verdict(w, prev, b, digest, have_digest, &v) != 0) {
		w->nomem = 1;
		return 1;
	}
	/* A repeated CSV row is a target of its own in the scan's report:
	 * the same facts, the same verdict, counted again. */
	for (i = 0; i <= SEVERITY_ERROR; i++)
		w->findings[i] += (unsigned long long)pr->to_rows * v.findings[i];
	w->status[v.status] += (unsigned long long)pr->to_rows;
	if (have_digest)
		memo_push(&w->cur, ident_hash(b), digest, &v);
	return 0;
}

/* Judges scan s into w's totals, keeping its verdicts for the next. */
static int scans_judge(struct scans_walk *w, const struct store_scan_row *s)
{
	struct memo swap;
	int rc;

	memset(w->findings, 0, sizeof(w->findings));
	memset(w->status, 0, sizeof(w->status));
	if (utc_parse(s->started, &w->at) != 0)
		w->at = time(NULL);
	w->cur.count = 0;
	w->prev.next = 0;
	if (hist_judging_scan(&w->judging, w->st, s, w->at, w->warn_days,
			      w->o->judge_afresh) != 0)
		return -1;
	if (w->judging.verdicts.state == VERDICTS_READ) {
		/* Kept when the scan was judged: its totals, no target read.
		 * The next scan has no verdicts of this one to compare. */
		for (rc = 0; rc < 3; rc++) {
			w->status[rc] = (unsigned long long)
				w->judging.verdicts.status[rc];
			w->findings[rc] = (unsigned long long)
				w->judging.verdicts.findings[rc];
		}
		w->prev.count = 0;
		w->prev_scan = s->id;
		w->prev_at = w->at;
		return 0;
	}
	w->unkept++;
	if (w->judging.verdicts.state != VERDICTS_NONE &&
	    w->judging.verdicts.state != VERDICTS_AFRESH && w->why[0] == '\0')
		snprintf(w->why, sizeof w->why, "%s", w->judging.verdicts.why);
	rc = store_each_target_pair(w->st, w->prev_scan, s->id, scans_on_pair,
				    w);
	swap = w->prev;
	w->prev = w->cur;
	w->cur = swap;
	w->prev_scan = s->id;
	w->prev_at = w->at;
	return rc;
}

/* "1:02:03", "2:03", or "-" while the scan has no end. */
static void scans_duration(const struct store_scan_row *s, char *buf,
			   size_t len, long long *secs)
{
	time_t a, b;

	*secs = -1;
	snprintf(buf, len, "-");
	if (utc_parse(s->started, &a) != 0 ||
	    utc_parse(s->finished, &b) != 0 || b < a)
		return;
	*secs = (long long)(b - a);
	if (*secs >= 3600)
		snprintf(buf, len, "%lld:%02lld:%02lld", *secs / 3600,
			 *secs / 60 % 60, *secs % 60);
	else
		snprintf(buf, len, "%lld:%02lld", *secs / 60, *secs % 60);
}

/* The counts, each under the name of what it counts: targets (rows of
 * the targets file that became targets), endpoints (distinct endpoints
 * probed: one probe each), endpoints_failed (of those, the probes that
 * ended with a failure kind), targets_failed (targets that failed
 * themselves, before reaching an endpoint: a DNS failure), input_errors
 * (rows rejected). The JSON keys are the same names. */
static void scans_text_head(FILE *out, int findings)
{
	fprintf(out, "%5s  %-20s  %8s  %-11s  %7s  %9s  %16s  %14s  %12s",
		"scan", "started", "duration", "status", "targets",
		"endpoints", "endpoints_failed", "targets_failed",
		"input_errors");
	if (findings)
		fprintf(out, "  %6s  %8s  %5s  %5s  %5s", "errors", "warnings",
			"FAIL", "WARN", "PASS");
	fputs("  input\n", out);
}

static void scans_text(struct scans_walk *w, const struct store_scan_summary *s)
{
	char dur[32];
	long long secs;
	size_t pad;

	scans_duration(s->scan, dur, sizeof dur, &secs);
	fprintf(w->out, "%5lld  ", (long long)s->scan->id);
	esc_text(w->out, s->scan->started);
	fprintf(w->out, "  %8s  ", dur);
	esc_text(w->out, s->scan->status);
	pad = s->scan->status != NULL ? strlen(s->scan->status) : 0;
	fprintf(w->out, "%*s  %7lld  %9lld  %16lld  %14lld  %12lld",
		pad < 11 ? (int)(11 - pad) : 0, "", (long long)s->targets,
		(long long)s->endpoints, (long long)s->endpoints_failed,
		(long long)s->targets_failed, (long long)s->input_errors);
	if (w->o->findings)
		fprintf(w->out, "  %6llu  %8llu  %5llu  %5llu  %5llu",
			w->findings[SEVERITY_ERROR], w->findings[SEVERITY_WARNING],
			w->status[2], w->status[1], w->status[0]);
	fputs("  ", w->out);
	esc_text(w->out, s->scan->input ? s->scan->input : "-");
	fputc('\n', w->out);
}

static void scans_json(struct scans_walk *w, const struct store_scan_summary *s)
{
	struct emit_json j, f;
	char dur[32];
	long long secs;

	scans_duration(s->scan, dur, sizeof dur, &secs);
	emit_json_open_line(&j, w->out);
	emit_json_int(&j, "scan", s->scan->id);
	emit_json_str(&j, "started", s->scan->started);
	emit_json_str(&j, "finished", s->scan->finished);
	if (secs >= 0)
		emit_json_int(&j, "duration_s", secs);
	else
		emit_json_null(&j, "duration_s");
	emit_json_str(&j, "status", s->scan->status);
	emit_json_str(&j, "input", s->scan->input);
	emit_json_str(&j, "version", s->scan->version);
	emit_json_int(&j, "targets", s->targets);
	emit_json_int(&j, "targets_failed", s->targets_failed);
	emit_json_int(&j, "incomplete", s->incomplete);
	emit_json_int(&j, "endpoints", s->endpoints);
	emit_json_int(&j, "endpoints_failed", s->endpoints_failed);
	emit_json_int(&j, "input_errors", s->input_errors);
	if (!w->o->findings) {
		emit_json_null(&j, "findings");
		emit_json_null(&j, "status_counts");
	} else {
		emit_json_key(&j, "findings");
		emit_json_open(&f, w->out);
		emit_json_int(&f, "error", (long long)w->findings[SEVERITY_ERROR]);
		emit_json_int(&f, "warning", (long long)w->findings[SEVERITY_WARNING]);
		emit_json_int(&f, "info", (long long)w->findings[SEVERITY_INFO]);
		emit_json_close(&f);
		emit_json_key(&j, "status_counts");
		emit_json_open(&f, w->out);
		emit_json_int(&f, "FAIL", (long long)w->status[2]);
		emit_json_int(&f, "WARN", (long long)w->status[1]);
		emit_json_int(&f, "PASS", (long long)w->status[0]);
		emit_json_close(&f);
	}
	emit_json_close(&j);
	fputc('\n', w->out);
}

static int scans_on_scan(const struct store_scan_summary *s, void *arg)
{
	struct scans_walk *w = arg;

	if (w->o->findings && scans_judge(w, s->scan) != 0)
		return w->nomem ? 1 : -1;
	if (w->o->format == REPORT_JSON)
		scans_json(w, s);
	else
		scans_text(w, s);
	/* A closed pipe ends the walk rather than judging on into nowhere. */
	return ferror(w->out) ? 2 : 0;
}

int report_scans(struct store *st, const struct report_scans_options *o,
		 FILE *out, char *err, size_t errlen)
{
	struct scans_walk w = { .st = st, .o = o, .out = out };
	int rc;

	if (o->trend)
		return report_trend(st, o, out, err, errlen);
	w.warn_days = judge_warn_days(o->warn_days);
	if (o->format != REPORT_JSON)
		scans_text_head(out, o->findings);
	hist_judging_init(&w.judging);
	w.judging.profile = o->profile;
	rc = store_each_scan(st, o->last, scans_on_scan, &w);
	hist_judging_free(&w.judging);
	free(w.prev.items);
	free(w.cur.items);
	if (rc == 0 && o->findings && o->notes != NULL && w.unkept > 0 &&
	    !o->judge_afresh) {
		if (w.why[0] != '\0')
			fprintf(o->notes, "fedcert scans: some scans judged "
				"afresh: their kept verdicts do not apply "
				"(%s)\n", w.why);
		else if (w.unkept > 1)
			fprintf(o->notes, "fedcert scans: %llu scans have no "
				"kept verdicts and were judged; `fedcert judge` "
				"keeps them\n", w.unkept);
	}
	if (rc == 1)
		snprintf(err, errlen, "judging the scans: out of memory");
	else if (rc == 2 || (rc == 0 && (fflush(out) != 0 || ferror(out))))
		snprintf(err, errlen, "writing the list: %s", strerror(errno));
	else if (rc != 0)
		snprintf(err, errlen, "reading the scans: %s", store_errmsg(st));
	else
		return 0;
	return -1;
}
