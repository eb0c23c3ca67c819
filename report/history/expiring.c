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
 * The columns name the facts as every other output does (format version
 * 2, docs/formats.md), in the same order as the report's CSV where they
 * are the same facts. CSV columns (a contract, docs/formats.md copies
 * them, test_docs holds it to the header row; added at the end only;
 * dates as "2026-12-02 10:00:00", UTC):
 *   domain, type, port, line (of the target in that scan), role (leaf
 *   or intermediate), not_after, days_left (whole days, rounded down:
 *   utc_days_left()), subject, issuer, root, thumbprint, sha256,
 *   key_type, key_bits, signature_algorithm, addresses (the endpoints
 *   that presented it, address:port, space-separated), scan, scanned
 *   (that scan's start)
 * JSON Lines: "format_version" first, then the same keys, with addresses
 *   ["address:port", ...], dates ISO 8601 UTC and port, line, days_left,
 *   key_bits, scan as numbers.
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
	long line;
	int port, key_bits, intermediate;
	struct esc_buf endpoints; /* "a:p a:p" (CSV and text) */
	struct esc_buf json;      /* "a:p","a:p" escaped, without brackets */
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
	"domain", "type", "port", "line", "role", "not_after", "days_left",
	"subject", "issuer", "root", "thumbprint", "sha256", "key_type",
	"key_bits", "signature_algorithm", "addresses", "scan", "scanned",
	NULL
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
	e->line = r->line;
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

/* Adds one endpoint: "address:port" to the text list; as a JSON string,
 * escaped now (through a memory stream: esc_json() writes to a FILE). */
static int entry_add_endpoint(struct entry *e, const struct store_leaf_row *r)
{
	char ep[RENDER_ENDPOINT_MAX];
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
	esc_json(f, ep);
	rc = fclose(f) == 0 ? buf_add(&e->json, mem, len) : -1;
	free(mem);
	e->nendpoints++;
	return rc;
}

/* days_left, or an empty cell (null) when not_after is not a date. */
struct exp_days {
	long long days;
	int known;
};

static void exp_csv(struct exp_walk *w, const struct entry *e,
		    const struct exp_days *d)
{
	struct emit_csv *c = &w->csv;
	char thumb[HEX_SHA1_MAX];

	hex_thumbprint(e->sha1, thumb);
	emit_csv_cell(c, e->domain);
	emit_csv_cell(c, e->type);
	emit_csv_number(c, e->port);
	emit_csv_number(c, e->line);
	emit_csv_cell(c, e->intermediate ? "intermediate" : "leaf");
	emit_csv_date(c, e->not_after);
	if (d->known)
		emit_csv_number(c, d->days);
	else
		emit_csv_cell(c, NULL);
	emit_csv_cell(c, e->subject);
	emit_csv_cell(c, e->issuer);
	emit_csv_cell(c, e->root);
	emit_csv_cell(c, thumb);
	emit_csv_cell(c, e->sha256);
	emit_csv_cell(c, e->key_type);
	if (e->key_bits > 0)
		emit_csv_number(c, e->key_bits);
	else
		emit_csv_cell(c, NULL);
	emit_csv_cell(c, e->sig_alg ? render_sigalg_windows(e->sig_alg) : NULL);
	emit_csv_cell(c, e->endpoints.data);
	emit_csv_number(c, e->scan_id);
	emit_csv_date(c, e->scanned);
	emit_csv_end_row(c);
}

static void exp_json(struct exp_walk *w, const struct entry *e,
		     const struct exp_days *d)
{
	char thumb[HEX_SHA1_MAX];
	struct emit_json j;

	hex_thumbprint(e->sha1, thumb);
	emit_json_open_line(&j, w->out);
	emit_json_str(&j, "domain", e->domain);
	emit_json_str(&j, "type", e->type);
	emit_json_int(&j, "port", e->port);
	emit_json_int(&j, "line", e->line);
	emit_json_str(&j, "role", e->intermediate ? "intermediate" : "leaf");
	emit_json_str(&j, "not_after", e->not_after);
	if (d->known)
		emit_json_int(&j, "days_left", d->days);
	else
		emit_json_null(&j, "days_left");
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
	emit_json_key(&j, "addresses");
	fprintf(w->out, "[%s]", e->json.data != NULL ? e->json.data : "");
	emit_json_int(&j, "scan", e->scan_id);
	emit_json_str(&j, "scanned", e->scanned);
	emit_json_close(&j);
	fputc('\n', w->out);
}

static void exp_text(struct exp_walk *w, const struct entry *e,
		     const struct exp_days *d)
{
	long long days = d->days;
	char thumb[HEX_SHA1_MAX];

	hex_thumbprint(e->sha1, thumb);
	if (!d->known)
		fputs("expiry unknown", w->out);
	else if (days < 0)
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
	struct exp_days d = { 0, 0 };
	time_t na;

	if (!e->open)
		return;
	if (utc_parse(e->not_after, &na) == 0) {
		d.days = utc_days_left(na, w->now);
		d.known = 1;
		w->expired += na <= w->now;
	}
	if (w->o->format == REPORT_CSV)
		exp_csv(w, e, &d);
	else if (w->o->format == REPORT_JSON)
		exp_json(w, e, &d);
	else
		exp_text(w, e, &d);
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
	if (o->format == REPORT_CSV) {
		if (o->bom)
			emit_csv_bom(out);
		emit_csv_header(&w.csv, exp_columns);
	}
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
