/* facts.c: a target's facts under the names every CSV and JSON output
 * gives them (facts.h).
 */
#include "report/render/facts.h"

#include <string.h>

#include "common/hex.h"
#include "common/utc.h"
#include "report/render/render.h"

const char *render_chain_root(const struct store_probe_row *p)
{
	if (p == NULL || p->chain_len == 0)
		return NULL;
	return p->chain[p->chain_len - 1].issuer;
}

int render_days_left(const char *not_after, time_t now, long long *days)
{
	time_t t;

	if (utc_parse(not_after, &t) != 0)
		return -1;
	*days = utc_days_left(t, now != 0 ? now : time(NULL));
	return 0;
}

/* Whether the i-th probe's leaf is the first of its kind among t's. */
static int facts_new_leaf(const struct store_target_row *t, size_t i)
{
	size_t k;

	for (k = 0; k < i; k++)
		if (t->probes[k].chain_len > 0 &&
		    strcmp(t->probes[k].chain[0].sha256,
			   t->probes[i].chain[0].sha256) == 0)
			return 0;
	return 1;
}

/* Whether leaf a expires before b (one without a date never does, and is
 * only taken when there is nothing else). ISO 8601 UTC in one form sorts
 * as time. */
static int facts_expires_first(const struct store_cert_row *a,
			       const struct store_cert_row *b)
{
	if (b == NULL)
		return 1;
	if (a->not_after == NULL)
		return 0;
	return b->not_after == NULL || strcmp(a->not_after, b->not_after) < 0;
}

void render_facts_of(const struct store_target_row *t, time_t now,
		     struct render_facts *f)
{
	const struct store_probe_row *p;
	size_t i;

	f->t = t;
	f->status = NULL;
	f->worst = -1;
	f->finding_ids = NULL;
	f->rt = NULL;
	f->now = now != 0 ? now : time(NULL);
	f->leaf = NULL;
	f->root = NULL;
	f->tls_version = NULL;
	f->leaves = 0;
	f->endpoints = t->probe_count;
	f->endpoints_failed = 0;
	f->error_kind = t->error_kind;
	f->reason = t->error_reason;
	if (t->probe_count == 0 && t->error_kind == NULL && f->reason == NULL)
		f->reason = RENDER_NO_PROBE_REASON;
	for (i = 0; i < t->probe_count; i++) {
		p = &t->probes[i];
		f->endpoints_failed += p->error_kind != NULL;
		if (p->tls_version != NULL &&
		    (f->tls_version == NULL ||
		     strcmp(p->tls_version, f->tls_version) < 0))
			f->tls_version = p->tls_version;
		if (p->chain_len == 0)
			continue;
		f->leaves += facts_new_leaf(t, i);
		if (facts_expires_first(&p->chain[0], f->leaf)) {
			f->leaf = &p->chain[0];
			f->root = render_chain_root(p);
		}
	}
}

/* ---- CSV ------------------------------------------------------------- */

static void facts_csv_positive(struct emit_csv *c, long long v)
{
	if (v > 0)
		emit_csv_number(c, v);
	else
		emit_csv_cell(c, NULL);
}

void render_lead_csv(struct emit_csv *c, const struct store_target_row *t,
		     const char *status, int worst, const char *ids,
		     const char *error_kind, const char *reason)
{
	emit_csv_cell(c, t->domain);
	emit_csv_cell(c, t->type);
	facts_csv_positive(c, t->port);
	emit_csv_number(c, t->line);
	emit_csv_cell(c, status);
	emit_csv_cell(c, worst >= 0 ? finding_severity_name(worst) : NULL);
	emit_csv_cell(c, ids);
	emit_csv_cell(c, error_kind);
	emit_csv_cell(c, reason);
}

void render_cert_csv(struct emit_csv *c, const struct store_cert_row *cert,
		     const char *root, const char *tls_version, time_t now)
{
	char thumb[HEX_SHA1_MAX];
	long long days;
	size_t i;

	if (cert == NULL) {
		for (i = 0; i + 1 < RENDER_CERT_NCOLUMNS; i++)
			emit_csv_cell(c, NULL);
		emit_csv_cell(c, tls_version);
		return;
	}
	hex_thumbprint(cert->sha1, thumb);
	emit_csv_date(c, cert->not_after);
	if (render_days_left(cert->not_after, now, &days) == 0)
		emit_csv_number(c, days);
	else
		emit_csv_cell(c, NULL);
	emit_csv_cell(c, cert->subject);
	emit_csv_cell(c, cert->issuer);
	emit_csv_cell(c, root);
	emit_csv_cell(c, thumb[0] != '\0' ? thumb : NULL);
	emit_csv_cell(c, cert->sha256[0] != '\0' ? cert->sha256 : NULL);
	emit_csv_cell(c, cert->key_type);
	facts_csv_positive(c, cert->key_bits);
	emit_csv_cell(c, cert->sig_alg != NULL
				 ? render_sigalg_windows(cert->sig_alg) : NULL);
	emit_csv_cell(c, tls_version);
}

void render_facts_csv(struct emit_csv *c, const struct render_facts *f)
{
	render_lead_csv(c, f->t, f->status, f->worst, f->finding_ids,
			f->error_kind, f->reason);
	render_cert_csv(c, f->leaf, f->root, f->tls_version, f->now);
	emit_csv_number(c, (long long)f->leaves);
	emit_csv_number(c, (long long)f->endpoints);
	emit_csv_number(c, (long long)f->endpoints_failed);
}

void render_input_error_csv(struct emit_csv *c,
			    const struct store_input_error_row *e,
			    size_t ncols)
{
	size_t i;

	emit_csv_cell(c, NULL); /* domain */
	emit_csv_cell(c, NULL); /* type */
	emit_csv_cell(c, NULL); /* port */
	emit_csv_number(c, e->line);
	emit_csv_cell(c, RENDER_INPUT_ERROR);
	emit_csv_cell(c, NULL); /* worst_severity */
	emit_csv_cell(c, NULL); /* finding_ids */
	emit_csv_cell(c, NULL); /* error_kind */
	emit_csv_cell(c, e->reason);
	for (i = RENDER_LEAD_NCOLUMNS; i < ncols; i++)
		emit_csv_cell(c, NULL);
	emit_csv_end_row(c);
}

/* ---- JSON ------------------------------------------------------------ */

static void facts_json_positive(struct emit_json *j, const char *key,
				long long v)
{
	emit_json_opt(j, key, v > 0 ? v : -1);
}

/* not_after .. tls_version of cert (NULL: null but tls_version). */
static void facts_json_cert(struct emit_json *j,
			    const struct store_cert_row *cert,
			    const char *root, const char *tls_version,
			    time_t now)
{
	char thumb[HEX_SHA1_MAX];
	long long days;
	int dated;

	hex_thumbprint(cert != NULL ? cert->sha1 : NULL, thumb);
	dated = cert != NULL &&
		render_days_left(cert->not_after, now, &days) == 0;
	emit_json_str(j, "not_after", cert ? cert->not_after : NULL);
	if (dated)
		emit_json_int(j, "days_left", days);
	else
		emit_json_null(j, "days_left");
	emit_json_str(j, "subject", cert ? cert->subject : NULL);
	emit_json_str(j, "issuer", cert ? cert->issuer : NULL);
	emit_json_str(j, "root", root);
	emit_json_str(j, "thumbprint", thumb[0] != '\0' ? thumb : NULL);
	emit_json_str(j, "sha256",
		      cert && cert->sha256[0] != '\0' ? cert->sha256 : NULL);
	emit_json_str(j, "key_type", cert ? cert->key_type : NULL);
	facts_json_positive(j, "key_bits", cert ? cert->key_bits : 0);
	emit_json_str(j, "signature_algorithm",
		      cert && cert->sig_alg
			      ? render_sigalg_windows(cert->sig_alg) : NULL);
	emit_json_str(j, "tls_version", tls_version);
}

void render_json_ids(struct emit_json *j, const struct render_target *rt,
		     const struct store_probe_row *p, int all)
{
	const struct finding *f, *g;
	size_t i, k;
	int first = 1;

	emit_json_key(j, "finding_ids");
	fputc('[', j->out);
	for (i = 0; i < rt->nshown; i++) {
		f = rt->shown[i];
		if ((!all && f->probe != p) || f->def == NULL)
			continue;
		for (k = 0; k < i; k++) {
			g = rt->shown[k];
			if (g->def == f->def && (all || g->probe == p))
				break;
		}
		if (k < i)
			continue;
		if (!first)
			fputc(',', j->out);
		first = 0;
		esc_json(j->out, f->def->id);
	}
	fputc(']', j->out);
}

void render_facts_json(struct emit_json *j, const struct render_facts *f)
{
	const struct store_target_row *t = f->t;

	emit_json_str(j, "domain", t->domain);
	emit_json_str(j, "type", t->type);
	facts_json_positive(j, "port", t->port);
	facts_json_positive(j, "line", t->line);
	emit_json_str(j, "status", f->status);
	emit_json_str(j, "worst_severity",
		      f->worst >= 0 ? finding_severity_name(f->worst) : NULL);
	if (f->rt != NULL)
		render_json_ids(j, f->rt, NULL, 1);
	else
		emit_json_words(j, "finding_ids", f->finding_ids);
	emit_json_str(j, "error_kind", f->error_kind);
	emit_json_str(j, "reason", f->reason);
	facts_json_cert(j, f->leaf, f->root, f->tls_version, f->now);
	emit_json_int(j, "leaves", (long long)f->leaves);
	emit_json_int(j, "endpoints", (long long)f->endpoints);
	emit_json_int(j, "endpoints_failed", (long long)f->endpoints_failed);
}

void render_input_error_json(struct emit_json *j,
			     const struct store_input_error_row *e)
{
	emit_json_null(j, "domain");
	emit_json_null(j, "type");
	emit_json_null(j, "port");
	facts_json_positive(j, "line", e->line);
	emit_json_str(j, "status", RENDER_INPUT_ERROR);
	emit_json_null(j, "worst_severity");
	emit_json_words(j, "finding_ids", NULL);
	emit_json_null(j, "error_kind");
	emit_json_str(j, "reason", e->reason);
	facts_json_cert(j, NULL, NULL, NULL, 0);
	emit_json_null(j, "leaves");
	emit_json_null(j, "endpoints");
	emit_json_null(j, "endpoints_failed");
}

void render_input_error_json_source(struct emit_json *j, const char *input,
				    const struct store_input_error_row *e)
{
	emit_json_str(j, "input", input);
	emit_json_str(j, "raw", e->raw);
}
