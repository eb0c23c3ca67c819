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
 */
#include "report/report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include "report/judge/findings.h"
#include "report/render/render.h"
#include "store/store.h"


/* Why a walk over the store stopped early. Positive, so that they cannot be
 * mistaken for the store's own -1. */
enum report_stop {
	REPORT_GO_ON = 0,
	REPORT_STOP_WRITE = 1,  /* out's error indicator is set */
	REPORT_STOP_NOMEM = 2   /* findings or a CSV cell could not be built */
};

/* What the callbacks share; everything is borrowed from report_run(). */
struct report_walk {
	FILE *out;
	const struct report_options *opts;
	struct judge_options judge;
	struct render_text_options text;
	int64_t scan_id;
	const char *input; /* the scan's targets file, for input error lines */
	struct render_totals totals;
	/* Our certificate chain (store_scan_client_chain()), owned: freed by
	 * report_run(); judge.self_chain points at it. */
	struct store_cert_row *self;
	size_t nself;
	int flagged;
	int write_errno; /* errno when out's error indicator was first seen */
};

/* ---- Status and filters (render.h) -------------------------------------- */

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

static int report_render(struct report_walk *w, const struct render_target *rt)
{
	switch (w->opts->format) {
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
	struct render_target rt = { .row = t, .all = &all };
	const struct finding **shown = NULL;
	int rc = REPORT_STOP_NOMEM;

	if (findings_judge_target(&w->judge, t, &all) < 0 ||
	    render_select_shown(w->opts, &all, &shown, &rt.nshown,
				&w->flagged) < 0)
		goto out;
	rt.shown = shown;
	rt.status = render_status_of(&all, NULL);
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

	if (w->totals.input_errors++ == 0)
		render_text_input_error_heading(w->out);
	render_text_input_error(w->out, w->input, e);
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

/* The scan's heading (text) or header row (CSV); JSON has none: every
 * line is a target (or, first, our certificate). */
static void report_open(const struct report_walk *w,
			const struct store_scan_row *scan)
{
	if (w->opts->format == REPORT_CSV)
		render_csv_header(w->out, w->opts->per_endpoint);
	else if (w->opts->format == REPORT_TEXT)
		render_text_scan(w->out, scan);
}

/* Our certificate, judged once: against the report's trust store,
 * else the system's (the scanner never verified our own chain). Judged in
 * every format, so that --fail-on sees it; shown in text and JSON (a CSV
 * row stands for a target). */
static int report_self(struct report_walk *w, X509_STORE *trust, char *err,
		       size_t errlen)
{
	struct judge_options judge = w->judge;
	struct finding_list all = { 0 };
	struct render_self self = { .chain = w->self, .count = w->nself,
				    .all = &all };
	const struct finding **shown = NULL;
	X509_STORE *system = NULL;
	int rc = -1;

	if (trust == NULL &&
	    judge_load_trust(NULL, NULL, 1, &system, err, errlen) < 0)
		return -1;
	judge.trust = trust != NULL ? trust : system;
	if (findings_judge_self(&judge, &all) < 0 ||
	    render_select_shown(w->opts, &all, &shown, &self.nshown,
				&w->flagged) < 0) {
		snprintf(err, errlen, "judging our certificate: out of memory");
		goto out;
	}
	self.shown = shown;
	self.status = render_status_of(&all, NULL);
	self.verify_code = findings_verify_chain(judge.trust, w->self,
						 w->nself, judge.now,
						 &self.verify_reason);
	if (w->opts->format == REPORT_JSON)
		render_json_self(w->out, &self);
	else if (w->opts->format == REPORT_TEXT)
		render_text_self(w->out, &w->text, &self);
	rc = 0;
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

/* Input errors and the summary line: text only. A CSV or JSON line stands
 * for a target, and a line that never became one has no such shape. */
static int report_close(struct store *st, struct report_walk *w,
			char *err, size_t errlen)
{
	int walk;

	if (w->opts->format != REPORT_TEXT)
		return 0;
	walk = store_each_input_error(st, w->scan_id, report_on_input_error,
				      w);
	if (report_walk_result(st, w, walk, err, errlen) < 0)
		return -1;
	render_text_summary(w->out, &w->totals);
	return 0;
}

int report_run(struct store *st, const struct report_options *opts, FILE *out,
	       int *flagged, char *err, size_t errlen)
{
	struct store_scan_row scan = { 0 };
	struct report_walk w = { .out = out, .opts = opts };
	X509_STORE *trust = NULL;
	int walk, rc = -1;

	*flagged = 0;
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
	w.text.advanced = opts->advanced;
	w.text.chain = opts->chain;
	w.text.trust = trust;
	report_open(&w, &scan);
	if (report_open_self(st, &w, trust, err, errlen) < 0)
		goto out;
	walk = store_each_target(st, w.scan_id, report_on_target, &w);
	if (report_walk_result(st, &w, walk, err, errlen) < 0 ||
	    report_close(st, &w, err, errlen) < 0)
		goto out;
	if (fflush(out) != 0 || ferror(out)) {
		snprintf(err, errlen, "writing the report: %s",
			 strerror(errno));
		goto out;
	}
	*flagged = (w.flagged ? REPORT_FLAGGED_FINDING : 0) |
		   render_unfinished(opts, &scan);
	rc = 0;
out:
	/* Zeroed above, and zeroed by the store when it fails: always safe. */
	store_scan_row_free(&scan);
	if (w.self != NULL)
		store_cert_rows_free(w.self, w.nself);
	X509_STORE_free(trust);
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
