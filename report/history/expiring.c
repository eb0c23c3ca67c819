/* expiring.c: `fedcert expiring --within 30d`, the renewals to chase.
 *
 * For each target, the leaves of its newest complete scan (view
 * latest_leaf: a scan stopped before reaching a target does not hide what
 * the one before saw) that expire before now + within (or --before a
 * date), the expired ones included: they are the most urgent; and the
 * intermediates of those chains that expire before their leaf (the chain
 * breaks on their date, not the leaf's). Soonest first. One entry per
 * target and certificate, with the endpoints that presented it (a pool
 * whose members share the certificate is one entry). The store hands over
 * the rows of one entry consecutively, so one entry is in memory at a
 * time.
 *
 * CSV columns (a contract, docs/formats.md copies them, test_docs holds it to this; added at the end only):
 *   days_left, not_after, domain, type, port, subject, issuer, root,
 *   thumbprint, sha256, key_type, key_bits, signature_algorithm,
 *   endpoints (address:port, space-separated), scan, scanned, role
 *   (leaf or intermediate)
 * JSON Lines keys: the same, with endpoints [{address, port, sni}] and
 *   port, days_left, key_bits, scan as numbers.
 */
#include "report/report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report/history/history_int.h"
#include "report/render/render.h"

/* One entry: the first row's facts (copied) and its endpoints. */
struct entry {
	int open;
	int64_t target_id, certificate_id, scan_id;
	char *domain, *type, *subject, *issuer, *root, *sha256, *sha1;
	char *not_after, *key_type, *sig_alg, *scanned;
	int port, key_bits, intermediate;
	struct esc_buf endpoints; /* "a:p a:p" (CSV and text) */
	struct esc_buf json;      /* [{...},{...}] without the brackets */
	size_t nendpoints;
};

struct exp_walk {
	FILE *out;
	const struct report_expiring_options *o;
	time_t now;
	struct entry e;
	struct emit_csv csv;
	size_t entries, expired;
	int nomem;
};

static const char *const exp_columns[] = {
	"days_left", "not_after", "domain", "type", "port", "subject",
	"issuer", "root", "thumbprint", "sha256", "key_type", "key_bits",
	"signature_algorithm", "endpoints", "scan", "scanned", "role", NULL
};

static char *edup(const char *s, int *nomem)
{
	char *d = s != NULL ? strdup(s) : NULL;

	if (s != NULL && d == NULL)
		*nomem = 1;
	return d;
}

/* Appends n bytes to b. 0, or -1 when memory ran out. */
static int buf_add(struct esc_buf *b, const char *s, size_t n)
{
	size_t want = b->len + n + 1;
	char *bigger;

	if (want > b->cap) {
		bigger = realloc(b->data, want * 2);
		if (bigger == NULL)
			return -1;
		b->data = bigger;
		b->cap = want * 2;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

static void entry_clear(struct entry *e)
{
	free(e->domain);
	free(e->type);
	free(e->subject);
	free(e->issuer);
	free(e->root);
	free(e->sha256);
	free(e->sha1);
	free(e->not_after);
	free(e->key_type);
	free(e->sig_alg);
	free(e->scanned);
	esc_buf_free(&e->endpoints);
	esc_buf_free(&e->json);
	memset(e, 0, sizeof(*e));
}

static int entry_start(struct entry *e, const struct store_leaf_row *r)
{
	int nomem = 0;

	e->open = 1;
	e->target_id = r->target_id;
	e->certificate_id = r->certificate_id;
	e->scan_id = r->scan_id;
	e->domain = edup(r->domain, &nomem);
	e->type = edup(r->type, &nomem);
	e->port = r->port;
	e->subject = edup(r->subject, &nomem);
	e->issuer = edup(r->issuer, &nomem);
	e->root = edup(r->root, &nomem);
	e->sha256 = edup(r->sha256, &nomem);
	e->sha1 = edup(r->sha1, &nomem);
	e->not_after = edup(r->not_after, &nomem);
	e->key_type = edup(r->key_type, &nomem);
	e->key_bits = r->key_bits;
	e->sig_alg = edup(r->sig_alg, &nomem);
	e->scanned = edup(r->scan_started, &nomem);
	e->intermediate = r->intermediate;
	return nomem ? -1 : 0;
}

/* Adds one endpoint: "address:port" to the text list; its JSON object,
 * escaped now (through a memory stream: esc_json() writes to a FILE). */
static int entry_add_endpoint(struct entry *e, const struct store_leaf_row *r)
{
	char ep[RENDER_ENDPOINT_MAX];
	struct emit_json j;
	char *mem = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	render_endpoint_text(r->address, r->endpoint_port, ep);
	if ((e->endpoints.len > 0 && buf_add(&e->endpoints, " ", 1) != 0) ||
	    buf_add(&e->endpoints, ep, strlen(ep)) != 0)
		return -1;
	f = open_memstream(&mem, &len);
	if (f == NULL)
		return -1;
	if (e->json.len > 0)
		fputc(',', f);
	emit_json_open(&j, f);
	emit_json_str(&j, "address", r->address);
	emit_json_int(&j, "port", r->endpoint_port);
	emit_json_str(&j, "sni", r->sni);
	emit_json_close(&j);
	rc = fclose(f) == 0 ? buf_add(&e->json, mem, len) : -1;
	free(mem);
	e->nendpoints++;
	return rc;
}

static void exp_csv(struct exp_walk *w, const struct entry *e, long long days)
{
	char thumb[41];

	hex_thumbprint(e->sha1, thumb);
	emit_csv_number(&w->csv, days);
	emit_csv_cell(&w->csv, e->not_after);
	emit_csv_cell(&w->csv, e->domain);
	emit_csv_cell(&w->csv, e->type);
	emit_csv_number(&w->csv, e->port);
	emit_csv_cell(&w->csv, e->subject);
	emit_csv_cell(&w->csv, e->issuer);
	emit_csv_cell(&w->csv, e->root);
	emit_csv_cell(&w->csv, thumb);
	emit_csv_cell(&w->csv, e->sha256);
	emit_csv_cell(&w->csv, e->key_type);
	if (e->key_bits > 0)
		emit_csv_number(&w->csv, e->key_bits);
	else
		emit_csv_cell(&w->csv, NULL);
	emit_csv_cell(&w->csv, e->sig_alg ? render_sigalg_windows(e->sig_alg) : NULL);
	emit_csv_cell(&w->csv, e->endpoints.data);
	emit_csv_number(&w->csv, e->scan_id);
	emit_csv_cell(&w->csv, e->scanned);
	emit_csv_cell(&w->csv, e->intermediate ? "intermediate" : "leaf");
	emit_csv_end_row(&w->csv);
}

static void exp_json(struct exp_walk *w, const struct entry *e, long long days)
{
	struct emit_json j;
	char thumb[41];

	hex_thumbprint(e->sha1, thumb);
	emit_json_open(&j, w->out);
	emit_json_int(&j, "days_left", days);
	emit_json_str(&j, "not_after", e->not_after);
	emit_json_str(&j, "domain", e->domain);
	emit_json_str(&j, "type", e->type);
	emit_json_int(&j, "port", e->port);
	emit_json_str(&j, "subject", e->subject);
	emit_json_str(&j, "issuer", e->issuer);
	emit_json_str(&j, "root", e->root);
	emit_json_str(&j, "thumbprint", thumb);
	emit_json_str(&j, "sha256", e->sha256);
	emit_json_str(&j, "key_type", e->key_type);
	if (e->key_bits > 0)
		emit_json_int(&j, "key_bits", e->key_bits);
	else
		emit_json_null(&j, "key_bits");
	emit_json_str(&j, "signature_algorithm",
		      e->sig_alg ? render_sigalg_windows(e->sig_alg) : NULL);
	emit_json_key(&j, "endpoints");
	fprintf(w->out, "[%s]", e->json.data != NULL ? e->json.data : "");
	emit_json_int(&j, "scan", e->scan_id);
	emit_json_str(&j, "scanned", e->scanned);
	emit_json_str(&j, "role", e->intermediate ? "intermediate" : "leaf");
	emit_json_close(&j);
	fputc('\n', w->out);
}

static void exp_text(struct exp_walk *w, const struct entry *e, long long days)
{
	char thumb[41];

	hex_thumbprint(e->sha1, thumb);
	if (days < 0)
		fprintf(w->out, "expired %lld day%s ago", -days, days == -1 ? "" : "s");
	else
		fprintf(w->out, "%lld day%s left", days, days == 1 ? "" : "s");
	fputs("  ", w->out);
	render_text_value(w->out, e->not_after);
	fputs("  ", w->out);
	esc_text(w->out, e->domain);
	fputs(" ", w->out);
	esc_text(w->out, e->type);
	fputs(e->intermediate ? "\n  intermediate, expires before the leaf under it: "
		: "\n  leaf    ", w->out);
	render_text_value(w->out, e->subject);
	fprintf(w->out, "  %s\n  issuer  ", thumb);
	render_text_value(w->out, e->issuer);
	fputs("\n  root    ", w->out);
	render_text_value(w->out, e->root);
	fputs("\n  on      ", w->out);
	esc_text(w->out, e->endpoints.data);
	fprintf(w->out, " (scan %lld, ", (long long)e->scan_id);
	render_text_value(w->out, e->scanned);
	fputs(")\n", w->out);
}

static void exp_flush(struct exp_walk *w)
{
	struct entry *e = &w->e;
	time_t na;
	long long days = 0;

	if (!e->open)
		return;
	if (utc_parse(e->not_after, &na) == 0) {
		days = hist_days_left(na, w->now);
		w->expired += na <= w->now;
	}
	if (w->o->format == REPORT_CSV)
		exp_csv(w, e, days);
	else if (w->o->format == REPORT_JSON)
		exp_json(w, e, days);
	else
		exp_text(w, e, days);
	w->entries++;
	entry_clear(e);
}

static int exp_on_leaf(const struct store_leaf_row *r, void *arg)
{
	struct exp_walk *w = arg;

	if (!w->e.open || w->e.target_id != r->target_id ||
	    w->e.certificate_id != r->certificate_id) {
		exp_flush(w);
		if (entry_start(&w->e, r) != 0)
			w->nomem = 1;
	}
	if (!w->nomem && entry_add_endpoint(&w->e, r) != 0)
		w->nomem = 1;
	return w->nomem || w->csv.failed || ferror(w->out) ? 1 : 0;
}

int report_expiring(struct store *st, const struct report_expiring_options *o,
		    FILE *out, int *flagged, char *err, size_t errlen)
{
	struct exp_walk w = { .out = out, .o = o };
	char until[UTC_TEXT_MAX];
	int rc;

	w.now = o->now != 0 ? o->now : time(NULL);
	w.csv.out = out;
	*flagged = 0;
	utc_format(o->until != 0 ? o->until : w.now + (time_t)o->within_s,
		       until);
	if (o->format == REPORT_CSV)
		emit_csv_header(&w.csv, exp_columns);
	rc = store_each_expiring(st, until, exp_on_leaf, &w);
	if (rc == 0)
		exp_flush(&w);
	entry_clear(&w.e);
	emit_csv_free(&w.csv);
	if (o->format == REPORT_TEXT && rc == 0)
		fprintf(out, "%s%zu %s (a target and a certificate it presented)"
			" by %s, %zu already expired\n", w.entries ? "\n" : "",
			w.entries, w.entries == 1 ? "expires" : "expire", until,
			w.expired);
	if (rc < 0)
		snprintf(err, errlen, "reading the leaves: %s", store_errmsg(st));
	else if (w.nomem || w.csv.failed)
		snprintf(err, errlen, "listing the leaves: out of memory");
	else if (rc != 0 || fflush(out) != 0 || ferror(out))
		snprintf(err, errlen, "writing the list: %s", strerror(errno));
	else {
		/* An expired certificate is an error, one about to expire a
		 * warning, as the report's expired and expires_soon. */
		*flagged = o->fail_on >= 0 &&
			   (o->fail_on == 2 ? w.expired > 0 : w.entries > 0);
		return 0;
	}
	return -1;
}
