/* report.c: report_run(), which reads one scan through store.h and hands
 * each row to a renderer. No SQL here and no formatting: the store reads,
 * render.h writes.
 */
#include "report/report.h"

#include <errno.h>
#include <string.h>

#include "report/render.h"
#include "store/store.h"

/* Why a walk over the store stopped early. Positive, so that they cannot be
 * mistaken for the store's own -1. */
enum report_stop {
	REPORT_GO_ON = 0,
	REPORT_STOP_WRITE = 1,  /* out's error indicator is set */
	REPORT_STOP_NOMEM = 2   /* a CSV cell could not be built */
};

/* What the callbacks share; everything is borrowed from report_run(). */
struct report_walk {
	FILE *out;
	enum report_format format;
	const char *input; /* the scan's targets file, for input error lines */
	struct render_totals totals;
	int write_errno; /* errno when out's error indicator was first seen */
};

/* Stops a walk once out has failed, keeping errno before the store's own
 * cleanup can overwrite it. */
static int report_check_out(struct report_walk *w)
{
	if (!ferror(w->out))
		return REPORT_GO_ON;
	w->write_errno = errno;
	return REPORT_STOP_WRITE;
}

static int report_on_target(const struct store_target_row *t, void *arg)
{
	struct report_walk *w = arg;

	if (w->format == REPORT_CSV) {
		if (render_csv_target_checked(w->out, t) < 0)
			return REPORT_STOP_NOMEM;
	} else {
		render_text_target(w->out, t);
	}
	render_totals_add_target(&w->totals, t);
	/* A closed pipe (report | head) should end the walk, not read the
	 * rest of a million-target scan into nowhere. */
	return report_check_out(w);
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

int report_run(struct store *st, const struct report_options *opts, FILE *out,
	       char *err, size_t errlen)
{
	struct store_scan_row scan = { 0 };
	struct report_walk w = { .out = out, .format = opts->format };
	int64_t scan_id;
	int walk, rc = -1;

	if (report_resolve_scan(st, opts->scan_id, &scan_id, err, errlen) < 0)
		goto out;
	if (store_scan_get(st, scan_id, &scan) < 0) {
		snprintf(err, errlen, "%s", store_errmsg(st));
		goto out;
	}
	w.input = scan.input;
	if (w.format == REPORT_CSV)
		render_csv_header(out);
	else
		render_text_scan(out, &scan);
	walk = store_each_target(st, scan_id, report_on_target, &w);
	if (report_walk_result(st, &w, walk, err, errlen) < 0)
		goto out;
	/* Input errors are text-only: a CSV of probes has no row shape for a
	 * line that never became a target. */
	if (w.format == REPORT_TEXT) {
		walk = store_each_input_error(st, scan_id,
					      report_on_input_error, &w);
		if (report_walk_result(st, &w, walk, err, errlen) < 0)
			goto out;
		render_text_summary(out, &w.totals);
	}
	if (fflush(out) != 0 || ferror(out)) {
		snprintf(err, errlen, "writing the report: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	/* Zeroed above, and zeroed by the store when it fails: always safe. */
	store_scan_row_free(&scan);
	return rc;
}
