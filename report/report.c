/* report.c: report_run(), which reads one scan through store.h, has each
 * target judged (findings.h), applies the filters and hands the target,
 * its findings and its status to a renderer. No SQL here and no
 * formatting: the store reads, findings judge, render.h writes.
 *
 * Status and filters: a target's status (PASS, WARN, FAIL) reflects every
 * finding judged; --min-severity and --only shape only the list shown
 * (and what --fail-on looks at), so that a report narrowed to one finding
 * id still says which targets fail.
 */
#include "report/report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include "report/findings.h"
#include "report/render.h"
#include "store/store.h"

/* expires_soon's threshold when the caller gives none (report.h). */
#define REPORT_WARN_DAYS_DEFAULT 30

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
	int flagged;
	int write_errno; /* errno when out's error indicator was first seen */
};

/* ---- Status and filters (render.h) -------------------------------------- */

const char *render_status_name(enum render_status s)
{
	switch (s) {
	case RENDER_FAIL:
		return "FAIL";
	case RENDER_WARN:
		return "WARN";
	default:
		return "PASS";
	}
}

enum render_status render_status_of(const struct finding_list *l,
				    const struct store_probe_row *probe)
{
	enum render_status s = RENDER_PASS;
	size_t i;

	for (i = 0; i < l->count; i++) {
		if (probe != NULL && l->items[i].probe != probe)
			continue;
		if (l->items[i].severity == SEVERITY_ERROR)
			return RENDER_FAIL;
		if (l->items[i].severity == SEVERITY_WARNING)
			s = RENDER_WARN;
	}
	return s;
}

int render_worst_shown(const struct render_target *rt)
{
	int worst = -1;
	size_t i;

	for (i = 0; i < rt->nshown; i++)
		if ((int)rt->shown[i]->severity > worst)
			worst = (int)rt->shown[i]->severity;
	return worst;
}

int render_worst_shown_of(const struct render_target *rt,
			  const struct store_probe_row *probe)
{
	int worst = -1;
	size_t i;

	for (i = 0; i < rt->nshown; i++)
		if (rt->shown[i]->probe == probe &&
		    (int)rt->shown[i]->severity > worst)
			worst = (int)rt->shown[i]->severity;
	return worst;
}

/* Whether the filters let f through: at or above min_severity (-1: all)
 * and, when ids are given, one of them. */
static int report_is_shown(const struct report_options *o,
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
	size_t i;

	if (findings_judge_target(&w->judge, t, &all) < 0)
		goto out;
	if (all.count > 0) {
		shown = calloc(all.count, sizeof *shown);
		if (shown == NULL)
			goto out;
	}
	for (i = 0; i < all.count; i++) {
		if (!report_is_shown(w->opts, &all.items[i]))
			continue;
		shown[rt.nshown++] = &all.items[i];
		if (w->opts->fail_on >= 0 &&
		    (int)all.items[i].severity >= w->opts->fail_on)
			w->flagged = 1;
	}
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

/* OpenSSL's reason for the last failure, or a fallback. */
static const char *report_ssl_reason(void)
{
	unsigned long e = ERR_peek_last_error();
	const char *r = e != 0 ? ERR_reason_error_string(e) : NULL;

	return r != NULL ? r : "no certificate could be read";
}

/* Adds the hashed directory path to st. It is read lazily, at each
 * lookup: check now that it is a directory. */
static int report_load_path(X509_STORE *st, const char *path, char *err,
			    size_t errlen)
{
	struct stat sb;

	if (stat(path, &sb) != 0) {
		snprintf(err, errlen, "reading the trust store %s: %s", path,
			 strerror(errno));
		return -1;
	}
	if (!S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "reading the trust store %s: not a "
			 "directory", path);
		return -1;
	}
	if (X509_STORE_load_path(st, path) != 1) {
		snprintf(err, errlen, "reading the trust store %s: %s", path,
			 report_ssl_reason());
		return -1;
	}
	return 0;
}

/* The trust store of --ca-file / --ca-path, or NULL in *out when neither
 * is given. An unreadable one is an error naming it: judging against a
 * store that silently holds nothing would call every chain untrusted. */
static int report_load_trust(const struct report_options *o, X509_STORE **out,
			     char *err, size_t errlen)
{
	X509_STORE *st = NULL;

	*out = NULL;
	if (o->ca_file == NULL && o->ca_path == NULL)
		return 0;
	ERR_clear_error();
	st = X509_STORE_new();
	if (st == NULL) {
		snprintf(err, errlen, "loading the trust store: out of memory");
		return -1;
	}
	if (o->ca_file != NULL && X509_STORE_load_file(st, o->ca_file) != 1) {
		snprintf(err, errlen, "reading the trust store %s: %s",
			 o->ca_file, report_ssl_reason());
		goto fail;
	}
	if (o->ca_path != NULL &&
	    report_load_path(st, o->ca_path, err, errlen) < 0)
		goto fail;
	*out = st;
	return 0;
fail:
	X509_STORE_free(st);
	ERR_clear_error();
	return -1;
}

/* The scan's heading (text) or header row (CSV); JSON has none: every
 * line is a target. */
static void report_open(const struct report_walk *w,
			const struct store_scan_row *scan)
{
	if (w->opts->format == REPORT_CSV)
		render_csv_header(w->out, w->opts->per_endpoint);
	else if (w->opts->format == REPORT_TEXT)
		render_text_scan(w->out, scan);
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
	if (report_load_trust(opts, &trust, err, errlen) < 0)
		goto out;
	w.input = scan.input;
	w.judge.now = opts->now != 0 ? opts->now : time(NULL);
	w.judge.warn_days = opts->warn_days > 0 ? opts->warn_days
						: REPORT_WARN_DAYS_DEFAULT;
	w.judge.trust = trust;
	w.text.advanced = opts->advanced;
	w.text.chain = opts->chain;
	w.text.trust = trust;
	report_open(&w, &scan);
	walk = store_each_target(st, w.scan_id, report_on_target, &w);
	if (report_walk_result(st, &w, walk, err, errlen) < 0 ||
	    report_close(st, &w, err, errlen) < 0)
		goto out;
	if (fflush(out) != 0 || ferror(out)) {
		snprintf(err, errlen, "writing the report: %s",
			 strerror(errno));
		goto out;
	}
	*flagged = w.flagged;
	rc = 0;
out:
	/* Zeroed above, and zeroed by the store when it fails: always safe. */
	store_scan_row_free(&scan);
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
