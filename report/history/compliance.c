/* compliance.c: `fedcert report --compliance`, one row per target for
 * auditors, and one per row of the targets file rejected as an input
 * error (status INPUT_ERROR, its line and reason): every row of the input
 * is accounted for.
 *
 * The scan's targets are judged as `fedcert report` judges them (now,
 * --warn-days, --ca-file), and each row names the one leaf that matters
 * most: of the leaves its endpoints presented, the one that expires first
 * (a pool whose members differ shows pool_inconsistent among the findings,
 * and `leaves` counts them). The TLS version is the lowest its endpoints
 * negotiated: the weakest link is what an audit asks about. The columns
 * are the report's CSV's (facts.h), the same names in the same order,
 * then this report's own two.
 *
 * CSV columns (a contract, docs/formats.md copies them, test_docs holds it
 * to the header row; added at the end only; dates as "2026-12-02
 * 10:00:00", UTC):
 *   domain, type, port, line, status, worst_severity, finding_ids,
 *   error_kind, reason, not_after, days_left, subject, issuer, root,
 *   thumbprint, sha256, key_type, key_bits, signature_algorithm,
 *   tls_version, leaves, endpoints, endpoints_failed, last_scanned,
 *   first_seen
 * JSON Lines: "format_version" first, then the same keys; numbers as
 * numbers, dates ISO 8601 UTC, finding_ids an array, null for an empty
 * cell; an input error's line adds input and raw.
 */
#include "report/report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include "report/history/history_int.h"
#include "report/judge/events.h"
#include "report/judge/x509.h"
#include "report/judge/verdicts.h"
#include "report/render/facts.h"
#include "report/render/render.h"


static const char *const comp_columns[] = {
	RENDER_TARGET_COLUMNS, "last_scanned", "first_seen", NULL
};

#define COMP_NCOLUMNS (sizeof comp_columns / sizeof comp_columns[0] - 1)

struct comp_walk {
	struct store *st;
	FILE *out;
	const struct report_options *o;
	struct judge_options judge;
	struct verdicts verdicts; /* the scan's kept judgement */
	const struct store_scan_row *scan;
	struct emit_csv csv;
	struct esc_buf ids;
	int worst; /* the worst severity shown of the target; -1: none */
	int flagged, nomem;
};

/* What one row says beyond the facts every target's row says. */
struct comp_row {
	struct render_facts f;
	char last_scanned[UTC_TEXT_MAX];
	char first_seen[UTC_TEXT_MAX];
};

/* The shown ids, each once, space-separated, into w->ids. */
static int comp_ids(struct comp_walk *w, const struct finding_list *l)
{
	size_t i, n, k;
	const char *id;
	char *bigger;

	w->ids.len = 0;
	w->worst = -1;
	for (i = 0; i < l->count; i++) {
		if (!render_is_shown(w->o, &l->items[i]))
			continue;
		if ((int)l->items[i].severity > w->worst)
			w->worst = (int)l->items[i].severity;
		if (w->o->fail_on >= 0 && (int)l->items[i].severity >= w->o->fail_on)
			w->flagged = 1;
		id = l->items[i].def->id;
		for (k = 0; k < i; k++)
			if (l->items[k].def == l->items[i].def &&
			    render_is_shown(w->o, &l->items[k]))
				break;
		if (k < i)
			continue;
		n = strlen(id) + 2;
		if (w->ids.len + n > w->ids.cap) {
			bigger = realloc(w->ids.data, (w->ids.len + n) * 2);
			if (bigger == NULL)
				return -1;
			w->ids.data = bigger;
			w->ids.cap = (w->ids.len + n) * 2;
		}
		w->ids.len += (size_t)sprintf(w->ids.data + w->ids.len, "%s%s",
					      w->ids.len ? " " : "", id);
	}
	return 0;
}

static int comp_facts(struct comp_walk *w, const struct store_target_row *t,
		      struct comp_row *r)
{
	time_t started, last = 0;
	size_t i;

	render_facts_of(t, w->judge.now, &r->f);
	r->f.worst = w->worst;
	r->f.finding_ids = w->ids.len ? w->ids.data : NULL;
	for (i = 0; i < t->probe_count; i++)
		if (utc_parse(t->probes[i].started, &started) == 0 &&
		    started > last)
			last = started;
	if (last != 0)
		utc_format(last, r->last_scanned);
	else
		snprintf(r->last_scanned, sizeof r->last_scanned, "%s",
			 w->scan->started ? w->scan->started : "");
	r->first_seen[0] = '\0';
	if (r->f.leaf != NULL &&
	    store_cert_first_seen(w->st, r->f.leaf->id, r->first_seen,
				  sizeof r->first_seen) != 0)
		return -1;
	return 0;
}

static void comp_csv(struct comp_walk *w, const struct comp_row *r)
{
	struct emit_csv *c = &w->csv;

	render_facts_csv(c, &r->f);
	emit_csv_date(c, r->last_scanned[0] ? r->last_scanned : NULL);
	emit_csv_date(c, r->first_seen[0] ? r->first_seen : NULL);
	emit_csv_end_row(c);
}

static void comp_json(struct comp_walk *w, const struct comp_row *r)
{
	struct emit_json j;

	emit_json_open_line(&j, w->out);
	render_facts_json(&j, &r->f);
	emit_json_str(&j, "last_scanned",
		      r->last_scanned[0] ? r->last_scanned : NULL);
	emit_json_str(&j, "first_seen", r->first_seen[0] ? r->first_seen : NULL);
	emit_json_close(&j);
	fputc('\n', w->out);
}

static int comp_on_target(const struct store_target_row *t, void *arg)
{
	struct comp_walk *w = arg;
	struct finding_list l = { 0 };
	struct comp_row r;
	int rc = 1;

	if (verdicts_findings(&w->verdicts, &w->judge, t, &l) != 0) {
		w->nomem = 1;
		goto out;
	}
	/* The report's target filters pick the rows here too. */
	rc = 0;
	if (!render_target_wanted(w->o, t, &l, render_status_of(&l, NULL)))
		goto out;
	rc = 1;
	if (comp_ids(w, &l) != 0) {
		w->nomem = 1;
		goto out;
	}
	if (comp_facts(w, t, &r) != 0) {
		rc = -1;
		goto out;
	}
	r.f.status = render_status_name(render_status_of(&l, NULL));
	if (w->o->format == REPORT_JSON)
		comp_json(w, &r);
	else
		comp_csv(w, &r);
	rc = w->csv.failed || ferror(w->out) ? 1 : 0;
out:
	finding_list_free(&l);
	return rc;
}

/* A row of the targets file that never became a target: a row of its
 * own, so that the report accounts for every row of the input. */
static int comp_on_input_error(const struct store_input_error_row *e,
			       void *arg)
{
	struct comp_walk *w = arg;
	struct emit_json j;

	if (!render_input_error_wanted(w->o, e))
		return 0;
	if (w->o->format != REPORT_JSON) {
		render_input_error_csv(&w->csv, e, COMP_NCOLUMNS);
	} else {
		emit_json_open_line(&j, w->out);
		render_input_error_json(&j, e);
		emit_json_null(&j, "last_scanned");
		emit_json_null(&j, "first_seen");
		render_input_error_json_source(&j, w->scan->input, e);
		emit_json_close(&j);
		fputc('\n', w->out);
	}
	return w->csv.failed || ferror(w->out) ? 1 : 0;
}

static int comp_walk_scan(struct comp_walk *w, int64_t scan_id, char *err,
			  size_t errlen)
{
	int rc;

	if (w->o->format != REPORT_JSON) {
		if (w->o->bom)
			emit_csv_bom(w->out);
		emit_csv_header(&w->csv, comp_columns);
	}
	rc = store_each_target(w->st, scan_id, comp_on_target, w);
	if (rc == 0)
		rc = store_each_input_error(w->st, scan_id,
					    comp_on_input_error, w);
	if (rc < 0)
		snprintf(err, errlen, "reading the scan: %s", store_errmsg(w->st));
	else if (w->nomem || w->csv.failed)
		snprintf(err, errlen, "writing the report: out of memory");
	else if (rc != 0 || fflush(w->out) != 0 || ferror(w->out))
		snprintf(err, errlen, "writing the report: %s", strerror(errno));
	else
		return 0;
	return -1;
}

int report_compliance(struct store *st, const struct report_options *opts,
		      FILE *out, int *flagged, char *err, size_t errlen)
{
	struct comp_walk w = { .st = st, .out = out, .o = opts };
	struct store_scan_row scan = { 0 };
	int64_t scan_id = opts->scan_id;
	X509_STORE *trust = NULL;
	struct store_cert_row *self = NULL;
	size_t nself = 0;
	int rc = -1;

	*flagged = 0;
	w.csv.out = out;
	if (scan_id == 0 && store_scan_latest(st, &scan_id) != 0) {
		snprintf(err, errlen, "reading the scans: %s", store_errmsg(st));
		return -1;
	}
	if (scan_id == 0) {
		snprintf(err, errlen, "no scan in the database");
		return -1;
	}
	if (store_scan_get(st, scan_id, &scan) != 0) {
		snprintf(err, errlen, "%s", store_errmsg(st));
		return -1;
	}
	if (judge_load_trust(opts->ca_file, opts->ca_path, 0, &trust, err, errlen) != 0)
		goto out;
	w.scan = &scan;
	w.judge.now = opts->now != 0 ? opts->now : time(NULL);
	w.judge.warn_days = judge_warn_days(opts->warn_days);
	w.judge.trust = trust;
	w.judge.profile = opts->profile;
	w.judge.certs = cert_cache_new(); /* NULL: decoded where judged */
	w.judge.memo = judge_memo_new();  /* NULL: judged per target */
	w.judge.events = trust_events_default();
	/* Our chain, as the report judges the targets with it
	 * (partner_ca_list_excludes_our_root). */
	if (store_scan_client_chain(st, scan_id, &self, &nself) != 0 ||
	    verdicts_open(&w.verdicts, st, &scan, &w.judge,
			  opts->judge_afresh) != 0) {
		snprintf(err, errlen, "%s", store_errmsg(st));
		goto out;
	}
	w.judge.self_chain = self;
	w.judge.self_count = nself;
	rc = comp_walk_scan(&w, scan_id, err, errlen);
	if (rc == 0)
		verdicts_note(&w.verdicts, opts->notes, "report --compliance");
	*flagged = rc != 0 ? 0 : (w.flagged ? REPORT_FLAGGED_FINDING : 0) |
				 render_unfinished(opts, &scan);
out:
	emit_csv_free(&w.csv);
	esc_buf_free(&w.ids);
	X509_STORE_free(trust);
	cert_cache_free(w.judge.certs);
	judge_memo_free(w.judge.memo);
	if (self != NULL)
		store_cert_rows_free(self, nself);
	store_scan_row_free(&scan);
	return rc;
}
