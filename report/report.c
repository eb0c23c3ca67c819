/* report.c: report_run(), which reads one scan through store.h, has each
 * target judged (findings.h), applies the filters and hands the target,
 * its findings and its status to a renderer. No SQL here and no
 * formatting: the store reads, findings judge, render.h writes.
 *
 * Status and filters: a target's status (PASS, WARN, FAIL) reflects every
 * finding judged; --min-severity and --only shape only the list shown
 * (and what --fail-on looks at), so that a report narrowed to one finding
 * id still says which targets fail.
 *
 * Our own certificate (the chain the scan presented, if any) is
 * judged once, before the targets, and shown first (text, JSON).
 *
 * Which targets: the target filters (--status, --finding, --domain)
 * select whole targets, in every format and view; a target they leave
 * out is not shown, not counted and does not alert. Rows rejected as
 * input errors are shown as targets of status INPUT_ERROR, so that every
 * row of the targets file is accounted for.
 *
 * The views: the text report is written to a temporary file while the
 * targets are walked, so that it can open with the totals; --summary and
 * --by-finding gather their rows and write them sorted at the end, as
 * Prometheus gathers each family's samples.
 */
#include "report/report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include "common/fedcert_limits.h"
#include "report/judge/events.h"
#include "report/judge/findings.h"
#include "report/judge/x509.h"
#include "report/history/history_int.h"
#include "report/render/render.h"
#include "report/judge/verdicts.h"
#include "store/store.h"


/* The scans the HTML report's trend draws, the newest up to the one
 * reported. */
#define REPORT_HTML_TREND_SCANS 30

/* Why a walk over the store stopped early. Positive, so that they cannot be
 * mistaken for the store's own -1. */
enum report_stop {
	REPORT_GO_ON = 0,
	REPORT_STOP_WRITE = 1,  /* out's error indicator is set */
	REPORT_STOP_NOMEM = 2   /* findings or a CSV cell could not be built */
};

/* What the callbacks share; everything is borrowed from report_run()
 * unless it says owned. */
struct report_walk {
	/* Where the targets are written: the report itself, or (text) the
	 * temporary body written after the totals. */
	FILE *out;
	FILE *report;
	const struct report_options *opts;
	struct judge_options judge;
	struct verdicts verdicts; /* the scan's kept judgement */
	struct render_text_options text;
	int64_t scan_id;
	const char *input; /* the scan's targets file, for input error lines */
	struct render_totals totals;             /* owned */
	struct store_scan_summary counts;        /* the scan's, as `scans` */
	struct render_summary *summary;          /* owned; --summary */
	struct render_pivot *pivot;              /* owned; --by-finding */
	struct render_outlook *outlook;          /* owned; outlook */
	struct render_outlook *html_outlook;     /* owned; html's section */
	/* Our certificate's client_auth_lost_at_renewal, said first by the
	 * text report; owned. */
	char *self_breaks;
	time_t self_breaks_when;
	struct render_prom *prom;                /* owned; prometheus */
	struct render_html *html;                /* owned; html */
	struct render_trend trend;               /* owned; html */
	FILE *diff; /* owned; html: what changed since the scan before */
	/* Our certificate chain (store_scan_client_chain()), owned: freed by
	 * report_run(); judge.self_chain points at it. */
	struct store_cert_row *self;
	size_t nself;
	int flagged;
	int write_errno; /* errno when out's error indicator was first seen */
};

/* The command line reads severities as report.h numbers them, and the
 * statuses as render.h does: one numbering. */
_Static_assert(REPORT_SEVERITY_INFO == SEVERITY_INFO &&
	       REPORT_SEVERITY_WARNING == SEVERITY_WARNING &&
	       REPORT_SEVERITY_ERROR == SEVERITY_ERROR,
	       "report.h's severities are findings.h's");
_Static_assert((int)REPORT_STATUS_PASS == (int)RENDER_PASS &&
	       (int)REPORT_STATUS_WARN == (int)RENDER_WARN &&
	       (int)REPORT_STATUS_FAIL == (int)RENDER_FAIL,
	       "report.h's statuses are render.h's");

const char *report_status_name(enum report_status s)
{
	return render_status_label(s);
}

int report_status_of_name(const char *name)
{
	int s;

	for (s = 0; s < REPORT_NSTATUS; s++)
		if (strcmp(name, report_status_name((enum report_status)s)) == 0)
			return s;
	return -1;
}

/* ---- The walk ----------------------------------------------------------- */

/* Stops a walk once out has failed, keeping errno before the store's own
 * cleanup can overwrite it. */
static int report_check_out(struct report_walk *w)
{
	if (!ferror(w->out))
		return REPORT_GO_ON;
	w->write_errno = errno;
	return REPORT_STOP_WRITE;
}

/* The HTML report's outlook section: the target's foresight findings
 * judged with their days (kept verdicts keep none). */
static int report_html_outlook(struct report_walk *w,
			       const struct render_target *rt)
{
	struct finding_list dated = { 0 };
	const struct finding **shown = NULL;
	struct render_target r = { .row = rt->row, .all = &dated,
				   .now = rt->now };
	size_t i;
	int rc = -1;

	if (findings_judge_foresight(&w->judge, rt->row, &dated) < 0)
		goto out;
	if (dated.count > 0 &&
	    (shown = malloc(dated.count * sizeof(*shown))) == NULL)
		goto out;
	for (i = 0; i < dated.count; i++)
		shown[i] = &dated.items[i];
	r.shown = shown;
	r.nshown = dated.count;
	rc = render_outlook_target(w->html_outlook, &r);
out:
	free(shown);
	finding_list_free(&dated);
	return rc;
}

static int report_render(struct report_walk *w, const struct render_target *rt)
{
	if (w->outlook != NULL)
		return render_outlook_target(w->outlook, rt) < 0
			       ? REPORT_STOP_NOMEM : REPORT_GO_ON;
	if (w->pivot != NULL)
		return render_pivot_target(w->pivot, rt) < 0 ? REPORT_STOP_NOMEM
							   : REPORT_GO_ON;
	if (w->summary != NULL)
		return render_summary_target(w->summary, rt) < 0
			       ? REPORT_STOP_NOMEM : REPORT_GO_ON;
	switch (w->opts->format) {
	case REPORT_PROMETHEUS:
		if (render_prom_target(w->prom, rt) < 0)
			return REPORT_STOP_NOMEM;
		break;
	case REPORT_HTML:
		if (render_html_target(w->html, rt) < 0 ||
		    (w->html_outlook != NULL &&
		     report_html_outlook(w, rt) < 0))
			return REPORT_STOP_NOMEM;
		break;
	case REPORT_CSV:
		if (render_csv_target(w->out, w->opts->per_endpoint, rt) < 0)
			return REPORT_STOP_NOMEM;
		break;
	case REPORT_JSON:
		render_json_target(w->out, w->scan_id, rt);
		break;
	default:
		render_text_target(w->out, &w->text, rt);
		break;
	}
	return REPORT_GO_ON;
}

static int report_on_target(const struct store_target_row *t, void *arg)
{
	struct report_walk *w = arg;
	struct finding_list all = { 0 };
	struct render_target rt = { .row = t, .all = &all,
				    .now = w->judge.now,
				    .profile = w->judge.profile };
	const struct finding **shown = NULL;
	int rc = REPORT_STOP_NOMEM;

	if (verdicts_findings(&w->verdicts, &w->judge, t, &all) < 0)
		goto out;
	rt.status = render_status_of(&all, NULL);
	rc = REPORT_GO_ON;
	if (!render_target_wanted(w->opts, t, &all, rt.status))
		goto out;
	rc = REPORT_STOP_NOMEM;
	if (render_select_shown(w->opts, &all, &shown, &rt.nshown,
				&w->flagged) < 0)
		goto out;
	rt.shown = shown;
	rc = report_render(w, &rt);
	if (rc != REPORT_GO_ON)
		goto out;
	render_totals_add_target(&w->totals, &rt);
	/* A closed pipe (report | head) should end the walk, not read the
	 * rest of a million-target scan into nowhere. */
	rc = report_check_out(w);
out:
	free(shown);
	finding_list_free(&all);
	return rc;
}

static int report_on_input_error(const struct store_input_error_row *e,
				 void *arg)
{
	struct report_walk *w = arg;

	if (!render_input_error_wanted(w->opts, e))
		return REPORT_GO_ON;
	if (w->pivot != NULL || w->opts->format == REPORT_PROMETHEUS) {
		/* counted, not listed: a rejected row has no finding and no
		 * endpoint */
	} else if (w->summary != NULL) {
		if (render_summary_input_error(w->summary, e) < 0)
			return REPORT_STOP_NOMEM;
	} else if (w->opts->format == REPORT_CSV) {
		if (render_csv_input_error(w->out, w->opts->per_endpoint,
					   w->input, e) < 0)
			return REPORT_STOP_NOMEM;
	} else if (w->opts->format == REPORT_JSON) {
		render_json_input_error(w->out, w->scan_id, w->judge.profile,
					w->input, e);
	} else if (w->opts->format == REPORT_HTML) {
		if (render_html_input_error(w->html, w->input, e) < 0)
			return REPORT_STOP_NOMEM;
	} else {
		if (w->totals.status[REPORT_STATUS_INPUT_ERROR] == 0)
			render_text_input_error_heading(w->out);
		render_text_input_error(w->out, w->input, e);
	}
	render_totals_add_input_error(&w->totals);
	return report_check_out(w);
}

/* Turns a walk's result into a message; returns 0 when it went through. */
static int report_walk_result(struct store *st, const struct report_walk *w,
			      int rc, char *err, size_t errlen)
{
	switch (rc) {
	case REPORT_GO_ON:
		return 0;
	case REPORT_STOP_WRITE:
		snprintf(err, errlen, "writing the report: %s",
			 strerror(w->write_errno));
		return -1;
	case REPORT_STOP_NOMEM:
		snprintf(err, errlen, "writing the report: out of memory");
		return -1;
	default:
		snprintf(err, errlen, "reading the scan: %s", store_errmsg(st));
		return -1;
	}
}

/* Finds the scan to report: the one asked for, or the newest. */
static int report_resolve_scan(struct store *st, int64_t asked,
			       int64_t *scan_id, char *err, size_t errlen)
{
	*scan_id = asked;
	if (asked != 0)
		return 0;
	if (store_scan_latest(st, scan_id) < 0) {
		snprintf(err, errlen, "reading the scans: %s",
			 store_errmsg(st));
		return -1;
	}
	if (*scan_id == 0) {
		snprintf(err, errlen, "no scan in the database");
		return -1;
	}
	return 0;
}

/* The CSV header row, before the first target; the text heading and the
 * gathered views are written by report_close(). */
static void report_open(const struct report_walk *w)
{
	if (w->opts->format != REPORT_CSV || w->pivot != NULL ||
	    w->outlook != NULL)
		return;
	if (w->opts->bom)
		fputs("\xEF\xBB\xBF", w->out);
	render_csv_header(w->out, w->opts->per_endpoint);
}

/* The one line our certificate gets in the summary: its status and its
 * worst shown finding. */
static void report_self_line(FILE *out, const struct render_self *s)
{
	const struct finding *worst = NULL;
	size_t i;

	for (i = 0; i < s->nshown; i++)
		if (worst == NULL || s->shown[i]->severity > worst->severity)
			worst = s->shown[i];
	fprintf(out, "Our certificate: %s", render_status_name(s->status));
	if (worst != NULL && worst->def != NULL) {
		fprintf(out, " (%s: ", worst->def->id);
		render_text_value(out, worst->message);
		fputc(')', out);
	}
	fputc('\n', out);
}

/* Shows our judged certificate as the view asks. */
static int report_show_self(struct report_walk *w,
			    const struct render_self *self)
{
	if (w->pivot != NULL)
		return 0;
	if (w->summary != NULL) {
		report_self_line(w->out, self);
		return 0;
	}
	switch (w->opts->format) {
	case REPORT_PROMETHEUS:
		return render_prom_self(w->prom, self);
	case REPORT_JSON:
		render_json_self(w->out, self);
		return 0;
	case REPORT_TEXT:
		render_text_self(w->out, &w->text, self);
		return 0;
	default:
		return 0; /* a CSV row stands for a target */
	}
}

/* Our certificate, judged once: against the report's trust store,
 * else the system's (the scanner never verified our own chain). Judged in
 * every format, so that --fail-on sees it. */
static int report_self(struct report_walk *w, X509_STORE *trust, char *err,
		       size_t errlen)
{
	struct judge_options judge = w->judge;
	struct finding_list all = { 0 };
	struct render_self self = { .chain = w->self, .count = w->nself,
				    .all = &all, .now = w->judge.now,
				    .profile = w->judge.profile };
	const struct finding **shown = NULL;
	X509_STORE *system = NULL;
	int rc = -1;

	if (trust == NULL &&
	    judge_load_trust(NULL, NULL, 1, &system, err, errlen) < 0)
		return -1;
	judge.trust = trust != NULL ? trust : system;
	if (findings_judge_self(&judge, &all) < 0 ||
	    render_select_shown(w->opts, &all, &shown, &self.nshown,
				&w->flagged) < 0)
		goto nomem;
	self.shown = shown;
	self.status = render_status_of(&all, NULL);
	self.verify_code = findings_verify_chain(judge.trust, w->self,
						 w->nself, judge.now,
						 &self.verify_reason);
	for (size_t i = 0; i < all.count && w->self_breaks == NULL; i++)
		if (strcmp(all.items[i].def->id,
			   "client_auth_lost_at_renewal") == 0) {
			w->self_breaks = strdup(all.items[i].message);
			w->self_breaks_when = all.items[i].when;
			if (w->self_breaks == NULL)
				goto nomem;
		}
	if (w->html_outlook != NULL &&
	    render_outlook_self(w->html_outlook, shown, self.nshown) < 0)
		goto nomem;
	if (w->outlook != NULL) {
		if (render_outlook_self(w->outlook, shown, self.nshown) < 0)
			goto nomem;
	} else if (report_show_self(w, &self) < 0) {
		goto nomem;
	}
	rc = 0;
	goto out;
nomem:
	snprintf(err, errlen, "judging our certificate: out of memory");
out:
	free(shown);
	finding_list_free(&all);
	X509_STORE_free(system);
	return rc;
}

/* Reads the chain the scan presented into w (none: nothing to do) and
 * judges it. */
static int report_open_self(struct store *st, struct report_walk *w,
			    X509_STORE *trust, char *err, size_t errlen)
{
	if (store_scan_client_chain(st, w->scan_id, &w->self, &w->nself) < 0) {
		snprintf(err, errlen, "reading our certificate: %s",
			 store_errmsg(st));
		return -1;
	}
	w->judge.self_chain = w->self;
	w->judge.self_count = w->nself;
	if (w->nself == 0)
		return 0;
	return report_self(w, trust, err, errlen);
}

static int report_keep_counts(const struct store_scan_summary *s, void *arg)
{
	struct report_walk *w = arg;

	w->counts = *s;
	w->counts.scan = NULL; /* the store's, gone after the call */
	return 0;
}

/* What the chosen view needs before the walk: the temporary body of the
 * text report, the gatherers of the others. */
static int report_prepare(struct report_walk *w, char *err, size_t errlen)
{
	const struct report_options *o = w->opts;

	if (render_totals_init(&w->totals) < 0)
		goto nomem;
	/* Without a cache each certificate is decoded where it is judged:
	 * slower, not wrong. */
	w->judge.certs = cert_cache_new();
	w->judge.memo = judge_memo_new();
	w->totals.with_info = o->min_severity == SEVERITY_INFO;
	if (o->by_finding && (w->pivot = render_pivot_new()) == NULL)
		goto nomem;
	if (o->outlook &&
	    (w->outlook = render_outlook_new(o->outlook_until)) == NULL)
		goto nomem;
	if (o->summary && (w->summary = render_summary_new(w->judge.now)) == NULL)
		goto nomem;
	if (o->format == REPORT_PROMETHEUS && (w->prom = render_prom_new()) == NULL)
		goto nomem;
	if (o->format == REPORT_HTML && w->outlook == NULL &&
	    (w->html_outlook = render_outlook_new(0)) == NULL)
		goto nomem;
	if (o->format == REPORT_HTML &&
	    (w->html = render_html_new(w->judge.now, w->judge.profile)) == NULL) {
		snprintf(err, errlen, "temporary files for the report: %s",
			 strerror(errno));
		return -1;
	}
	if (o->format == REPORT_TEXT) {
		w->out = tmpfile();
		if (w->out == NULL) {
			snprintf(err, errlen, "a temporary file for the report: %s",
				 strerror(errno));
			return -1;
		}
	}
	return 0;
nomem:
	snprintf(err, errlen, "preparing the report: out of memory");
	return -1;
}

/* Writes what was gathered: the text report's heading and totals before
 * its body, the sorted views, the metrics. */
static int report_close(struct report_walk *w, const struct store_scan_row *scan)
{
	struct render_prom_scan ps = {
		.scan = scan, .counts = &w->counts,
		.input_errors = w->totals.status[REPORT_STATUS_INPUT_ERROR],
		.now = w->judge.now
	};
	const struct report_options *o = w->opts;
	int filtered = o->status != 0 || o->nfinding > 0 || o->domain != NULL;

	if (w->outlook != NULL) {
		render_outlook_write(w->outlook, w->report, o->format, o->bom,
				     scan, w->judge.now);
		return 0;
	}
	if (o->format == REPORT_PROMETHEUS && w->pivot == NULL)
		return render_prom_write(w->prom, w->report, &ps);
	if (o->format == REPORT_HTML)
		return render_html_write(w->html, w->report, scan, &w->totals,
					 &w->counts, &w->trend, w->diff,
					 w->html_outlook);
	if (o->format != REPORT_TEXT) {
		if (w->pivot != NULL)
			render_pivot_write(w->pivot, w->report, o->format, o->bom);
		return 0;
	}
	if (w->self_breaks != NULL)
		render_text_self_breaks(w->report, w->self_breaks,
					w->self_breaks_when);
	render_text_scan(w->report, scan);
	render_text_incomplete(w->report, &w->counts, w->input);
	render_text_profile(w->report, w->judge.profile);
	render_text_totals(w->report, &w->totals, &w->counts, filtered);
	if (w->pivot != NULL)
		render_pivot_write(w->pivot, w->report, REPORT_TEXT, 0);
	if (render_copy_file(w->out, w->report) < 0)
		return -1;
	if (w->summary != NULL)
		render_summary_write(w->summary, w->report);
	render_text_summary(w->report, &w->totals, &w->counts);
	return 0;
}

/* The walk: our certificate, the targets, the rejected rows. */
static int report_walk(struct store *st, struct report_walk *w,
		       X509_STORE *trust, char *err, size_t errlen)
{
	int walk;

	if (store_scan_summary_of(st, w->scan_id, report_keep_counts, w) < 0) {
		snprintf(err, errlen, "reading the scan: %s", store_errmsg(st));
		return -1;
	}
	report_open(w);
	if (w->opts->format == REPORT_JSON && w->pivot == NULL)
		render_json_incomplete(w->out, w->scan_id, &w->counts,
				       w->input);
	if (report_open_self(st, w, trust, err, errlen) < 0)
		return -1;
	walk = store_each_target(st, w->scan_id, report_on_target, w);
	if (report_walk_result(st, w, walk, err, errlen) < 0)
		return -1;
	walk = store_each_input_error(st, w->scan_id, report_on_input_error, w);
	return report_walk_result(st, w, walk, err, errlen);
}

static void report_free_walk(struct report_walk *w)
{
	if (w->out != NULL && w->out != w->report)
		fclose(w->out);
	render_totals_free(&w->totals);
	render_summary_free(w->summary);
	render_pivot_free(w->pivot);
	render_outlook_free(w->outlook);
	render_outlook_free(w->html_outlook);
	free(w->self_breaks);
	render_prom_free(w->prom);
	render_html_free(w->html);
	hist_trend_points_free(&w->trend);
	if (w->diff != NULL)
		fclose(w->diff);
	cert_cache_free(w->judge.certs);
	judge_memo_free(w->judge.memo);
	if (w->self != NULL)
		store_cert_rows_free(w->self, w->nself);
}

/* The HTML report's section of what changed since the newest scan before
 * it that finished, judged as `fedcert diff` judges, into a temporary
 * file; none on the first night. */
static int report_html_diff(struct store *st, struct report_walk *w,
			    char *err, size_t errlen)
{
	struct report_diff_options o = {
		.format = REPORT_HTML, .to = w->scan_id,
		.warn_days = w->opts->warn_days,
		.judge_afresh = w->opts->judge_afresh,
		.profile = w->opts->profile
	};

	if (store_scan_latest_done(st, w->scan_id, &o.from) != 0) {
		snprintf(err, errlen, "reading the scans: %s", store_errmsg(st));
		return -1;
	}
	if (o.from == 0)
		return 0;
	if ((w->diff = tmpfile()) == NULL) {
		snprintf(err, errlen, "a temporary file: %s", strerror(errno));
		return -1;
	}
	return report_diff(st, &o, w->diff, err, errlen) < 0 ? -1 : 0;
}

int report_run(struct store *st, const struct report_options *opts, FILE *out,
	       int *flagged, char *err, size_t errlen)
{
	struct store_scan_row scan = { 0 };
	struct report_walk w = { .out = out, .report = out, .opts = opts };
	X509_STORE *trust = NULL;
	struct trust_events events;
	int rc = -1;

	*flagged = 0;
	if (trust_events_for(opts->trust_events, opts->ntrust_events, &events,
			     &w.judge.events, err, errlen) < 0)
		return -1;
	if (report_resolve_scan(st, opts->scan_id, &w.scan_id, err, errlen) < 0)
		goto out;
	if (store_scan_get(st, w.scan_id, &scan) < 0) {
		snprintf(err, errlen, "%s", store_errmsg(st));
		goto out;
	}
	if (judge_load_trust(opts->ca_file, opts->ca_path, 0, &trust, err,
			      errlen) < 0)
		goto out;
	w.input = scan.input;
	w.judge.now = opts->now != 0 ? opts->now : time(NULL);
	w.judge.warn_days = judge_warn_days(opts->warn_days);
	w.judge.trust = trust;
	w.judge.profile = opts->profile;
	w.text.advanced = opts->advanced;
	w.text.chain = opts->chain;
	w.text.trust = trust;
	if (verdicts_open(&w.verdicts, st, &scan, &w.judge,
			  opts->judge_afresh || opts->outlook) < 0) {
		snprintf(err, errlen, "reading the verdicts: %s",
			 store_errmsg(st));
		goto out;
	}
	if (report_prepare(&w, err, errlen) < 0 ||
	    report_walk(st, &w, trust, err, errlen) < 0)
		goto out;
	/* The page's trend: the scans before, as they were judged; and what
	 * changed since the last of them that finished. */
	if (opts->format == REPORT_HTML &&
	    (hist_trend_points(st, REPORT_HTML_TREND_SCANS, w.scan_id,
			       &w.trend, err, errlen) < 0 ||
	     report_html_diff(st, &w, err, errlen) < 0))
		goto out;
	verdicts_note(&w.verdicts, opts->notes, "report");
	if (report_close(&w, &scan) < 0 || fflush(out) != 0 || ferror(out)) {
		snprintf(err, errlen, "writing the report: %s",
			 strerror(errno));
		goto out;
	}
	/* The outlook alerts on what it lists, not on the rest judged. */
	if (w.outlook != NULL)
		w.flagged = opts->fail_on >= 0 &&
			    render_outlook_worst(w.outlook) >= opts->fail_on;
	*flagged = (w.flagged ? REPORT_FLAGGED_FINDING : 0) |
		   render_unfinished(opts, &scan);
	rc = 0;
out:
	/* Zeroed above, and zeroed by the store when it fails: always safe. */
	store_scan_row_free(&scan);
	report_free_walk(&w);
	X509_STORE_free(trust);
	trust_events_free(&events);
	return rc;
}

/* ---- The registry ------------------------------------------------------- */

void report_list_findings(FILE *out)
{
	const struct finding_def *defs;
	size_t i, n, width = 0;

	defs = findings_registry(&n);
	for (i = 0; i < n; i++)
		if (strlen(defs[i].id) > width)
			width = strlen(defs[i].id);
	for (i = 0; i < n; i++)
		fprintf(out, "%-*s  %-7s  %-12s  %s\n", (int)width, defs[i].id,
			finding_severity_name(defs[i].severity),
			defs[i].per_target ? "per-target" : "per-endpoint",
			defs[i].why);
}

int report_is_finding_id(const char *id)
{
	return id != NULL && findings_lookup(id) != NULL;
}
