/* compliance.c: `fedcert report --compliance`, one row per target for
 * auditors.
 *
 * The scan's targets are judged as `fedcert report` judges them (now,
 * --warn-days, --ca-file), and each row names the one leaf that matters
 * most: of the leaves its endpoints presented, the one that expires first
 * (a pool whose members differ shows pool_inconsistent among the findings,
 * and `leaves` counts them). The TLS version is the lowest its endpoints
 * negotiated: the weakest link is what an audit asks about.
 *
 * CSV columns (a contract, docs/formats.md copies them, test_docs holds it to this; added at the end only):
 *   domain, type, port, line, status, finding_ids, not_after, days_left,
 *   thumbprint, subject, issuer, root, key_type, key_bits,
 *   signature_algorithm, tls_version, last_scanned, first_seen, leaves,
 *   endpoints, endpoints_failed
 * JSON Lines: the same keys; numbers as numbers, finding_ids an array,
 * null for an empty cell.
 */
#include "report/report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include "report/history/history_int.h"
#include "report/render/render.h"


static const char *const comp_columns[] = {
	"domain", "type", "port", "line", "status", "finding_ids", "not_after",
	"days_left", "thumbprint", "subject", "issuer", "root", "key_type",
	"key_bits", "signature_algorithm", "tls_version", "last_scanned",
	"first_seen", "leaves", "endpoints", "endpoints_failed", NULL
};

struct comp_walk {
	struct store *st;
	FILE *out;
	const struct report_options *o;
	struct judge_options judge;
	const struct store_scan_row *scan;
	struct emit_csv csv;
	struct esc_buf ids;
	int flagged, nomem;
};

/* What one row says beyond the target's own columns. */
struct comp_row {
	const struct store_cert_row *leaf; /* expiring first; NULL: none */
	const char *root;
	const char *tls_version;           /* the lowest negotiated */
	char last_scanned[UTC_TEXT_MAX];
	char first_seen[UTC_TEXT_MAX];
	long long days_left;
	size_t leaves, failed;
};

/* The shown ids, each once, space-separated, into w->ids. */
static int comp_ids(struct comp_walk *w, const struct finding_list *l)
{
	size_t i, n, k;
	const char *id;
	char *bigger;

	w->ids.len = 0;
	for (i = 0; i < l->count; i++) {
		if (!render_is_shown(w->o, &l->items[i]))
			continue;
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

/* The root, as the view chain_root says: the issuer of the last
 * certificate presented. */
static const char *top_root(const struct store_probe_row *p)
{
	return p->chain[p->chain_len - 1].issuer;
}

static int comp_distinct_leaf(const struct store_target_row *t, size_t i)
{
	size_t k;

	for (k = 0; k < i; k++)
		if (t->probes[k].chain_len > 0 &&
		    strcmp(t->probes[k].chain[0].sha256,
			   t->probes[i].chain[0].sha256) == 0)
			return 0;
	return 1;
}

static int comp_facts(struct comp_walk *w, const struct store_target_row *t,
		      struct comp_row *r)
{
	const struct store_probe_row *p;
	time_t na, started, last = 0;
	size_t i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < t->probe_count; i++) {
		p = &t->probes[i];
		r->failed += p->error_kind != NULL;
		if (p->tls_version != NULL &&
		    (r->tls_version == NULL || strcmp(p->tls_version, r->tls_version) < 0))
			r->tls_version = p->tls_version;
		if (utc_parse(p->started, &started) == 0 && started > last)
			last = started;
		if (p->chain_len == 0)
			continue;
		r->leaves += comp_distinct_leaf(t, i);
		if (r->leaf == NULL || (p->chain[0].not_after != NULL &&
		    (r->leaf->not_after == NULL ||
		     strcmp(p->chain[0].not_after, r->leaf->not_after) < 0))) {
			r->leaf = &p->chain[0];
			r->root = top_root(p);
		}
	}
	if (last != 0)
		utc_format(last, r->last_scanned);
	else
		snprintf(r->last_scanned, sizeof r->last_scanned, "%s",
			 w->scan->started ? w->scan->started : "");
	if (r->leaf != NULL && utc_parse(r->leaf->not_after, &na) == 0)
		r->days_left = hist_days_left(na, w->judge.now);
	if (r->leaf != NULL &&
	    store_cert_first_seen(w->st, r->leaf->id, r->first_seen,
				  sizeof r->first_seen) != 0)
		return -1;
	return 0;
}

static void comp_csv(struct comp_walk *w, const struct store_target_row *t,
		     const char *status, const struct comp_row *r)
{
	struct emit_csv *c = &w->csv;
	const struct store_cert_row *l = r->leaf;
	char thumb[41];

	hex_thumbprint(l ? l->sha1 : NULL, thumb);
	emit_csv_cell(c, t->domain);
	emit_csv_cell(c, t->type);
	emit_csv_number(c, t->port);
	emit_csv_number(c, t->line);
	emit_csv_cell(c, status);
	emit_csv_cell(c, w->ids.len ? w->ids.data : NULL);
	emit_csv_cell(c, l ? l->not_after : NULL);
	if (l != NULL && l->not_after != NULL)
		emit_csv_number(c, r->days_left);
	else
		emit_csv_cell(c, NULL);
	emit_csv_cell(c, thumb);
	emit_csv_cell(c, l ? l->subject : NULL);
	emit_csv_cell(c, l ? l->issuer : NULL);
	emit_csv_cell(c, r->root);
	emit_csv_cell(c, l ? l->key_type : NULL);
	if (l != NULL && l->key_bits > 0)
		emit_csv_number(c, l->key_bits);
	else
		emit_csv_cell(c, NULL);
	emit_csv_cell(c, l && l->sig_alg ? render_sigalg_windows(l->sig_alg) : NULL);
	emit_csv_cell(c, r->tls_version);
	emit_csv_cell(c, r->last_scanned);
	emit_csv_cell(c, r->first_seen[0] ? r->first_seen : NULL);
	emit_csv_number(c, (long long)r->leaves);
	emit_csv_number(c, (long long)t->probe_count);
	emit_csv_number(c, (long long)r->failed);
	emit_csv_end_row(c);
}

static void comp_json_ids(struct emit_json *j, const struct esc_buf *ids)
{
	const char *s = ids->len ? ids->data : "";
	size_t n;

	emit_json_key(j, "finding_ids");
	fputc('[', j->out);
	while (*s != '\0') {
		n = strcspn(s, " ");
		fprintf(j->out, "\"%.*s\"%s", (int)n, s, s[n] ? "," : "");
		s += n + (s[n] != '\0'); /* ids are ours: plain ASCII */
	}
	fputc(']', j->out);
}

static void comp_json(struct comp_walk *w, const struct store_target_row *t,
		      const char *status, const struct comp_row *r)
{
	const struct store_cert_row *l = r->leaf;
	struct emit_json j;
	char thumb[41];

	hex_thumbprint(l ? l->sha1 : NULL, thumb);
	emit_json_open(&j, w->out);
	emit_json_str(&j, "domain", t->domain);
	emit_json_str(&j, "type", t->type);
	emit_json_int(&j, "port", t->port);
	emit_json_int(&j, "line", t->line);
	emit_json_str(&j, "status", status);
	comp_json_ids(&j, &w->ids);
	emit_json_str(&j, "not_after", l ? l->not_after : NULL);
	if (l != NULL && l->not_after != NULL)
		emit_json_int(&j, "days_left", r->days_left);
	else
		emit_json_null(&j, "days_left");
	emit_json_str(&j, "thumbprint", l ? thumb : NULL);
	emit_json_str(&j, "subject", l ? l->subject : NULL);
	emit_json_str(&j, "issuer", l ? l->issuer : NULL);
	emit_json_str(&j, "root", r->root);
	emit_json_str(&j, "key_type", l ? l->key_type : NULL);
	if (l != NULL && l->key_bits > 0)
		emit_json_int(&j, "key_bits", l->key_bits);
	else
		emit_json_null(&j, "key_bits");
	emit_json_str(&j, "signature_algorithm",
		      l && l->sig_alg ? render_sigalg_windows(l->sig_alg) : NULL);
	emit_json_str(&j, "tls_version", r->tls_version);
	emit_json_str(&j, "last_scanned", r->last_scanned);
	emit_json_str(&j, "first_seen", r->first_seen[0] ? r->first_seen : NULL);
	emit_json_int(&j, "leaves", (long long)r->leaves);
	emit_json_int(&j, "endpoints", (long long)t->probe_count);
	emit_json_int(&j, "endpoints_failed", (long long)r->failed);
	emit_json_close(&j);
	fputc('\n', w->out);
}

static int comp_on_target(const struct store_target_row *t, void *arg)
{
	struct comp_walk *w = arg;
	struct finding_list l = { 0 };
	struct comp_row r;
	const char *status;
	int rc = 1;

	if (findings_judge_target(&w->judge, t, &l) != 0 || comp_ids(w, &l) != 0) {
		w->nomem = 1;
		goto out;
	}
	if (comp_facts(w, t, &r) != 0) {
		rc = -1;
		goto out;
	}
	status = render_status_name(render_status_of(&l, NULL));
	if (w->o->format == REPORT_JSON)
		comp_json(w, t, status, &r);
	else
		comp_csv(w, t, status, &r);
	rc = w->csv.failed || ferror(w->out) ? 1 : 0;
out:
	finding_list_free(&l);
	return rc;
}

static int comp_walk_scan(struct comp_walk *w, int64_t scan_id, char *err,
			  size_t errlen)
{
	int rc;

	if (w->o->format != REPORT_JSON)
		emit_csv_header(&w->csv, comp_columns);
	rc = store_each_target(w->st, scan_id, comp_on_target, w);
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
	rc = comp_walk_scan(&w, scan_id, err, errlen);
	*flagged = rc != 0 ? 0 : (w.flagged ? REPORT_FLAGGED_FINDING : 0) |
				 render_unfinished(opts, &scan);
out:
	emit_csv_free(&w.csv);
	esc_buf_free(&w.ids);
	X509_STORE_free(trust);
	store_scan_row_free(&scan);
	return rc;
}
