/* history.c: `fedcert history DOMAIN`, one domain's certificates and
 * failures over time.
 *
 * The store hands over one row per (target, endpoint, scan) in identity,
 * endpoint and scan order; consecutive scans in which an endpoint showed
 * the same thing (the same leaf, or the same failure) are folded into one
 * run with its first and last scan. A leaf that comes back after another
 * (a rollback) is a new run, so the runs read as a timeline. Only the run
 * being built is in memory.
 *
 * JSON Lines, one object per run (docs/formats.md lists the keys; the
 * names are every output's, format version 2):
 *   format_version, domain, type, port, endpoint {address, port, sni} |
 *   null (the target's own runs: it reached no endpoint), first_scan,
 *   last_scan, first_seen, last_seen (the scans' starts), scans,
 *   leaf {thumbprint, sha256, subject, issuer, root, not_after} | null,
 *   error_kind, reason (null when the run did not fail)
 */
#include "report/report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report/history/history_int.h"
#include "report/render/render.h"

/* Why a target reached no endpoint in a scan it did not finish. */

/* A run of scans; its strings are owned copies (the store's die with the
 * callback). */
struct run {
	int open;
	char *domain, *type;
	int port;
	char *address, *sni; /* address NULL: the target's own run */
	int endpoint_port;
	char *sha256, *sha1, *subject, *issuer, *root, *not_after;
	char *error_kind, *error_reason;
	int64_t first_scan, last_scan, scans;
	char *first_seen, *last_seen;
};

struct hist_walk {
	FILE *out;
	enum report_format format;
	struct run run;
	/* The identity whose heading was written last (text). */
	char *head_domain, *head_type;
	int head_port;
	int64_t runs;
	int nomem;
};

static int same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	       (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static char *dup_or_null(const char *s, int *nomem)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	if (d == NULL)
		*nomem = 1;
	return d;
}

static void run_clear(struct run *r)
{
	free(r->domain);
	free(r->type);
	free(r->address);
	free(r->sni);
	free(r->sha256);
	free(r->sha1);
	free(r->subject);
	free(r->issuer);
	free(r->root);
	free(r->not_after);
	free(r->error_kind);
	free(r->error_reason);
	free(r->first_seen);
	free(r->last_seen);
	memset(r, 0, sizeof(*r));
}

/* The failure a row shows: the probe's, or for a row without an
 * endpoint the target's own (or "not_probed" when it has none). */
static const char *row_kind(const struct store_history_row *h)
{
	if (h->address != NULL)
		return h->error_kind;
	if (h->target_error_kind != NULL)
		return h->target_error_kind;
	return failure_name(FAIL_NOT_PROBED);
}

static const char *row_reason(const struct store_history_row *h)
{
	if (h->address != NULL)
		return h->error_reason;
	if (h->target_error_kind != NULL)
		return h->target_error_reason;
	return h->complete ? "the target reached no endpoint"
			   : "the scan stopped before this target";
}

/* Whether row h continues the open run. */
static int run_continues(const struct run *r, const struct store_history_row *h)
{
	return r->open && same(r->domain, h->domain) && same(r->type, h->type) &&
	       r->port == h->port && same(r->address, h->address) &&
	       r->endpoint_port == (h->address ? h->endpoint_port : 0) &&
	       same(r->sni, h->sni) && same(r->sha256, h->sha256) &&
	       same(r->error_kind, row_kind(h));
}

static int run_start(struct run *r, const struct store_history_row *h)
{
	int nomem = 0;

	r->open = 1;
	r->domain = dup_or_null(h->domain, &nomem);
	r->type = dup_or_null(h->type, &nomem);
	r->port = h->port;
	r->address = dup_or_null(h->address, &nomem);
	r->endpoint_port = h->address ? h->endpoint_port : 0;
	r->sni = dup_or_null(h->sni, &nomem);
	r->sha256 = dup_or_null(h->sha256, &nomem);
	r->sha1 = dup_or_null(h->sha1, &nomem);
	r->subject = dup_or_null(h->subject, &nomem);
	r->issuer = dup_or_null(h->issuer, &nomem);
	r->root = dup_or_null(h->root, &nomem);
	r->not_after = dup_or_null(h->not_after, &nomem);
	r->error_kind = dup_or_null(row_kind(h), &nomem);
	r->error_reason = dup_or_null(row_reason(h), &nomem);
	r->first_scan = r->last_scan = h->scan_id;
	r->first_seen = dup_or_null(h->scan_started, &nomem);
	r->last_seen = dup_or_null(h->scan_started, &nomem);
	r->scans = 1;
	return nomem ? -1 : 0;
}

static int run_extend(struct run *r, const struct store_history_row *h)
{
	char *seen;

	if (h->scan_id == r->last_scan)
		return 0; /* the same scan again: a repeated CSV row */
	seen = h->scan_started != NULL ? strdup(h->scan_started) : NULL;
	if (h->scan_started != NULL && seen == NULL)
		return -1;
	free(r->last_seen);
	r->last_seen = seen;
	r->last_scan = h->scan_id;
	r->scans++;
	return 0;
}

/* ---- Text ---------------------------------------------------------------- */

static void text_heading(struct hist_walk *w, const struct store_history_row *h)
{
	if (w->head_domain != NULL && same(w->head_domain, h->domain) &&
	    same(w->head_type, h->type) && w->head_port == h->port)
		return;
	free(w->head_domain);
	free(w->head_type);
	w->head_domain = dup_or_null(h->domain, &w->nomem);
	w->head_type = dup_or_null(h->type, &w->nomem);
	w->head_port = h->port;
	fputs(w->runs > 0 ? "\n" : "", w->out);
	esc_text(w->out, h->domain);
	fputs(" ", w->out);
	esc_text(w->out, h->type);
	fprintf(w->out, " (port %d): in %lld scan%s, ", h->port,
		(long long)h->scans, h->scans == 1 ? "" : "s");
	esc_text(w->out, h->first_started);
	fputs(" .. ", w->out);
	esc_text(w->out, h->last_started);
	fputc('\n', w->out);
}

static void text_run(struct hist_walk *w, const struct run *r)
{
	char ep[RENDER_ENDPOINT_MAX], thumb[41];

	if (r->address != NULL)
		render_endpoint_text(r->address, r->endpoint_port, ep);
	fprintf(w->out, "  %s", r->address != NULL ? ep : "(no endpoint)");
	if (r->sni != NULL) {
		fputs(" SNI ", w->out);
		esc_text(w->out, r->sni);
	}
	fprintf(w->out, "\n    scans %lld..%lld (%lld): ", (long long)r->first_scan,
		(long long)r->last_scan, (long long)r->scans);
	esc_text(w->out, r->first_seen);
	fputs(" .. ", w->out);
	esc_text(w->out, r->last_seen);
	fputc('\n', w->out);
	if (r->sha256 != NULL) {
		hex_thumbprint(r->sha1, thumb);
		fprintf(w->out, "    leaf %s, expires ", thumb);
		render_text_value(w->out, r->not_after);
		fputs("\n    subject ", w->out);
		render_text_value(w->out, r->subject);
		fputs("\n    issuer  ", w->out);
		render_text_value(w->out, r->issuer);
		fputs("\n    root    ", w->out);
		render_text_value(w->out, r->root);
		fputc('\n', w->out);
	}
	if (r->error_kind != NULL) {
		fputs("    failed: ", w->out);
		esc_text(w->out, r->error_kind);
		fputs(" (", w->out);
		render_text_value(w->out, r->error_reason);
		fputs(")\n", w->out);
	}
}

/* ---- JSON ----------------------------------------------------------------- */

static void json_run(struct hist_walk *w, const struct run *r)
{
	struct emit_json j, o;
	char thumb[HEX_SHA1_MAX];

	emit_json_open_line(&j, w->out);
	emit_json_str(&j, "domain", r->domain);
	emit_json_str(&j, "type", r->type);
	emit_json_int(&j, "port", r->port);
	hist_json_endpoint(&j, "endpoint", r->address, r->endpoint_port, r->sni);
	emit_json_int(&j, "first_scan", r->first_scan);
	emit_json_int(&j, "last_scan", r->last_scan);
	emit_json_str(&j, "first_seen", r->first_seen);
	emit_json_str(&j, "last_seen", r->last_seen);
	emit_json_int(&j, "scans", r->scans);
	if (r->sha256 == NULL) {
		emit_json_null(&j, "leaf");
	} else {
		hex_thumbprint(r->sha1, thumb);
		emit_json_key(&j, "leaf");
		emit_json_open(&o, w->out);
		emit_json_str(&o, "thumbprint", thumb);
		emit_json_str(&o, "sha256", r->sha256);
		emit_json_str(&o, "subject", r->subject);
		emit_json_str(&o, "issuer", r->issuer);
		emit_json_str(&o, "root", r->root);
		emit_json_str(&o, "not_after", r->not_after);
		emit_json_close(&o);
	}
	emit_json_str(&j, "error_kind", r->error_kind);
	emit_json_str(&j, "reason", r->error_kind != NULL ? r->error_reason
							  : NULL);
	emit_json_close(&j);
	fputc('\n', w->out);
}

static void run_flush(struct hist_walk *w)
{
	if (!w->run.open)
		return;
	if (w->format == REPORT_JSON)
		json_run(w, &w->run);
	else
		text_run(w, &w->run);
	w->runs++;
	run_clear(&w->run);
}

static int hist_on_row(const struct store_history_row *h, void *arg)
{
	struct hist_walk *w = arg;

	if (run_continues(&w->run, h)) {
		if (run_extend(&w->run, h) != 0)
			w->nomem = 1;
		return w->nomem;
	}
	run_flush(w);
	if (w->format != REPORT_JSON)
		text_heading(w, h);
	if (run_start(&w->run, h) != 0)
		w->nomem = 1;
	return w->nomem || ferror(w->out) ? 1 : 0;
}

int report_history(struct store *st, const char *domain,
		   enum report_format format, FILE *out, char *err,
		   size_t errlen)
{
	struct hist_walk w = { .out = out, .format = format };
	int64_t found = 0;
	int rc;

	rc = store_each_history(st, domain, hist_on_row, &w, &found);
	if (rc == 0)
		run_flush(&w);
	run_clear(&w.run);
	free(w.head_domain);
	free(w.head_type);
	if (rc < 0) {
		snprintf(err, errlen, "reading the history: %s", store_errmsg(st));
		return -1;
	}
	if (w.nomem) {
		snprintf(err, errlen, "reading the history: out of memory");
		return -1;
	}
	if (rc != 0 || fflush(out) != 0 || ferror(out)) {
		snprintf(err, errlen, "writing the history: %s", strerror(errno));
		return -1;
	}
	if (found == 0) {
		snprintf(err, errlen, "no target \"%s\" in the database", domain);
		return -1;
	}
	return 0;
}
