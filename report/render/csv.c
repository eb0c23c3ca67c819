/* csv.c: the CSV report, RFC 4180, "\r\n" line ends, a header row first.
 *
 * Two layouts. By default one row per target, the spreadsheet an auditor
 * filters and sorts; with --per-endpoint one row per probe of a target (a
 * target without probes gets one row with status "error", the target's
 * error_kind and error_reason, and the probe and certificate columns
 * empty). Every field is quoted by libcsv's csv_fwrite() (which always
 * quotes) after esc_csv_cell() has escaped control bytes and invalid UTF-8
 * and disarmed formulas (a leading apostrophe before '=', '+', '-', '@',
 * TAB, CR). Numbers are written the same way, so that one path writes
 * every cell. Missing values (SQL NULL, negative timings, verify_code -1)
 * are empty cells. Both column lists are contracts (docs/formats.md copies them; test_docs holds it to this):
 * later versions add columns at the end only.
 *
 * Per target:
 *   domain               target domain (or address literal)
 *   type                 FED, SIP, SIPINT or DIR
 *   port                 target port as given
 *   line                 input line of the target
 *   status               PASS, WARN or FAIL: of every finding (an error
 *                        fails, a warning warns), whatever is shown
 *   worst_severity       the worst severity among the findings shown
 *                        (info, warning, error); empty when none is shown
 *   finding_ids          the ids of the findings shown, each once, in
 *                        report order, space-separated
 *   earliest_expiry      the earliest not_after among the leaves presented
 *   leaf_subject         the leaves' subjects, each distinct one once,
 *                        joined with " | " (a pool whose members differ)
 *   issuer               the leaves' issuers, likewise
 *   thumbprints          the leaves' SHA-1 thumbprints (40 uppercase hex),
 *                        each once, space-separated
 *   endpoints_tested     probes of the target
 *   endpoints_failed     those that ended with an error kind
 *   client_cert_outcomes mutual TLS across the endpoints that got as
 *                        far as TLS, each state once, space-separated, in
 *                        probe order: not_requested, requested (asked; we
 *                        presented none and it went on), required (it ended
 *                        the handshake when we presented none), accepted
 *                        (ours kept), rejected (ours refused), unknown
 *
 * Per endpoint (--per-endpoint):
 *   line                 input line of the target
 *   domain               target domain (or address literal)
 *   type                 FED, SIP, SIPINT or DIR
 *   port                 target port as given
 *   address              probed IP address (IPv6 without brackets)
 *   endpoint_port        probed port
 *   sni                  SNI sent; empty when none was sent
 *   via                  how the target reached the endpoint
 *   status               ok | error (error: probe or target failed)
 *   error_kind           failure kind name (refused, timeout, ...)
 *   error_reason         the library's reason string
 *   tls_version          TLSv1.3, ...
 *   cipher               negotiated cipher suite
 *   verify_code          X509_V_OK (0) or X509_V_ERR_*; empty: not verified
 *   verify_result        OK, or the verification error's reason
 *   connect_ms           TCP connect time, 1 decimal
 *   handshake_ms         TLS handshake time, 1 decimal
 *   chain_length         certificates presented
 *   subject              leaf subject, RFC 2253
 *   issuer               leaf issuer, RFC 2253
 *   not_before           ISO 8601 UTC
 *   not_after            ISO 8601 UTC
 *   serial               uppercase hex
 *   signature_algorithm  Windows naming (sha256RSA, sha384ECDSA, ...)
 *   thumbprint           leaf SHA-1, 40 uppercase hex (as Windows shows it)
 *   sha256               leaf SHA-256, 64 lowercase hex (as stored)
 *   key_type             RSA, EC, ED25519, ...
 *   key_bits             public key size in bits
 *   srv_name             SRV name the route came from; empty for DIR
 *   srv_target           SRV target (host) of the route; empty for DIR
 *   srv_priority         that SRV record's priority; empty for DIR
 *   srv_weight           that SRV record's weight; empty for DIR
 *   result               PASS, WARN or FAIL of every finding about this
 *                        endpoint; on the row of a target without probes,
 *                        the target's status
 *   worst_severity       the worst severity among this endpoint's findings
 *                        shown; empty when none is shown
 *   finding_ids          the ids of this endpoint's findings shown, each
 *                        once, space-separated
 *   target_finding_ids   the ids of the target's own findings shown (not
 *                        about one endpoint: pool_partial_failure,
 *                        srv_missing, ...), the same on each of its rows
 *   client_cert_requested  true when the server asked for our certificate
 *                       , else false
 *   client_cert_outcome  accepted | closed | alert | unknown: what the
 *                        server did after our answer; empty when it did not
 *                        ask
 *   client_cert_alert    the alert it sent (OpenSSL's long name, "unknown
 *                        CA"); empty when none
 *
 * The srv_* columns are empty too on the row of a target without probes;
 * that row's worst_severity and finding_ids are of the target's own
 * findings.
 */
#include "report/render/render.h"

#include <assert.h>
#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "report/render/emit.h"

static const char *const csv_probe_columns[] = {
	"line", "domain", "type", "port", "address", "endpoint_port", "sni",
	"via", "status", "error_kind", "error_reason", "tls_version", "cipher",
	"verify_code", "verify_result", "connect_ms", "handshake_ms",
	"chain_length", "subject", "issuer", "not_before", "not_after",
	"serial", "signature_algorithm", "thumbprint", "sha256", "key_type",
	"key_bits", "srv_name", "srv_target", "srv_priority", "srv_weight",
	"result", "worst_severity", "finding_ids", "target_finding_ids",
	"client_cert_requested", "client_cert_outcome", "client_cert_alert",
	NULL
};

static const char *const csv_target_columns[] = {
	"domain", "type", "port", "line", "status", "worst_severity",
	"finding_ids", "earliest_expiry", "leaf_subject", "issuer",
	"thumbprints", "endpoints_tested", "endpoints_failed",
	"client_cert_outcomes", NULL
};

#define CSV_NPROBE_COLUMNS                                                   \
	(sizeof csv_probe_columns / sizeof csv_probe_columns[0] - 1)
#define CSV_NTARGET_COLUMNS                                                  \
	(sizeof csv_target_columns / sizeof csv_target_columns[0] - 1)
#define CSV_EMPTY NULL

/* Column groups that a row can leave empty together. */
#define CSV_CERT_COLUMNS 10     /* subject .. key_bits */
#define CSV_ENDPOINT_COLUMNS 4  /* address, endpoint_port, sni, via */
#define CSV_HANDSHAKE_COLUMNS 7 /* tls_version .. chain_length */
#define CSV_ROUTE_COLUMNS 4     /* srv_name .. srv_weight */
#define CSV_CC_COLUMNS 3        /* client_cert_requested .. _alert */
#define CSV_CC_STATES 6         /* render_client_cert_state()'s words */

/* One row being written: its cells through the emit layer (emit.h), and
 * a joined value being built, reused by every row and owned here (freed
 * with csv_row_free()). */
struct csv_row {
	struct emit_csv e;
	struct esc_buf list;
	size_t ncols; /* what a row of this layout holds */
};

static void csv_row_free(struct csv_row *r)
{
	emit_csv_free(&r->e);
	esc_buf_free(&r->list);
}

static void csv_cell(struct csv_row *r, const char *s)
{
	emit_csv_cell(&r->e, s);
}

static void csv_end_row(struct csv_row *r)
{
	assert(r->e.col == r->ncols);
	emit_csv_end_row(&r->e);
}

static void csv_long(struct csv_row *r, long long v)
{
	emit_csv_number(&r->e, v);
}

static void csv_ms(struct csv_row *r, double ms)
{
	emit_csv_ms(&r->e, ms);
}

/* A number that is -1 when unused: empty then. */
static void csv_optional(struct csv_row *r, long long v)
{
	emit_csv_optional(&r->e, v);
}

void render_csv_header(FILE *out, int per_endpoint)
{
	struct emit_csv e = { .out = out };

	emit_csv_header(&e, per_endpoint ? csv_probe_columns
					 : csv_target_columns);
	emit_csv_free(&e);
}

/* ---- Joined values ------------------------------------------------------ */

/* Appends sep (unless the list is empty) and s to r->list, which stays a
 * NUL-terminated string. */
static void csv_list_add(struct csv_row *r, const char *sep, const char *s)
{
	struct esc_buf *b = &r->list;
	size_t nsep, ns = strlen(s), need;
	char *p;

	if (b->len == 0)
		sep = "";
	nsep = strlen(sep);
	need = b->len + nsep + ns + 1;
	if (need > b->cap) {
		p = realloc(b->data, need * 2);
		if (p == NULL) {
			r->e.failed = 1;
			return;
		}
		b->data = p;
		b->cap = need * 2;
	}
	memcpy(b->data + b->len, sep, nsep);
	memcpy(b->data + b->len + nsep, s, ns + 1);
	b->len += nsep + ns;
}

static void csv_list_start(struct csv_row *r)
{
	r->list.len = 0;
	csv_list_add(r, "", "");
}

/* The list as a cell: empty when building it ran out of memory. */
static void csv_list_cell(struct csv_row *r)
{
	csv_cell(r, r->list.data != NULL && r->list.len > 0 ? r->list.data
							    : CSV_EMPTY);
}

/* Whether a shown finding before the i-th, about the same probe (when
 * same_probe), has the i-th's id: each id is listed once. */
static int csv_id_seen(const struct render_target *rt, size_t i,
		       int same_probe)
{
	const struct finding *f = rt->shown[i];
	size_t j;

	for (j = 0; j < i; j++)
		if (rt->shown[j]->def == f->def &&
		    (!same_probe || rt->shown[j]->probe == f->probe))
			return 1;
	return 0;
}

/* The ids of the shown findings about probe (every shown one when all),
 * each once, space-separated, as one cell. */
static void csv_ids_cell(struct csv_row *r, const struct render_target *rt,
			 const struct store_probe_row *probe, int all)
{
	const struct finding *f;
	size_t i;

	csv_list_start(r);
	for (i = 0; i < rt->nshown; i++) {
		f = rt->shown[i];
		if ((!all && f->probe != probe) || f->def == NULL ||
		    csv_id_seen(rt, i, !all))
			continue;
		csv_list_add(r, " ", f->def->id);
	}
	csv_list_cell(r);
}

/* A severity's name, empty for -1 (nothing shown). */
static void csv_severity_cell(struct csv_row *r, int severity)
{
	csv_cell(r, severity >= 0 ? finding_severity_name(severity)
				  : CSV_EMPTY);
}

/* ---- Per endpoint ------------------------------------------------------- */

static void csv_target_cells(struct csv_row *r,
			     const struct store_target_row *t)
{
	csv_long(r, t->line);
	csv_cell(r, t->domain);
	csv_cell(r, t->type);
	if (t->port > 0)
		csv_long(r, t->port);
	else
		csv_cell(r, CSV_EMPTY);
}

/* subject .. key_bits; c NULL writes them empty. */
static void csv_cert_cells(struct csv_row *r, const struct store_cert_row *c)
{
	char thumb[sizeof c->sha1];
	size_t i;

	if (c == NULL) {
		for (i = 0; i < CSV_CERT_COLUMNS; i++)
			csv_cell(r, CSV_EMPTY);
		return;
	}
	hex_thumbprint(c->sha1, thumb);
	csv_cell(r, c->subject);
	csv_cell(r, c->issuer);
	csv_cell(r, c->not_before);
	csv_cell(r, c->not_after);
	csv_cell(r, c->serial);
	csv_cell(r, c->sig_alg ? render_sigalg_windows(c->sig_alg) : NULL);
	csv_cell(r, thumb);
	csv_cell(r, c->sha256);
	csv_cell(r, c->key_type);
	if (c->key_bits > 0)
		csv_long(r, c->key_bits);
	else
		csv_cell(r, CSV_EMPTY);
}

/* address .. chain_length of one probe. */
static void csv_probe_cells(struct csv_row *r, const struct store_probe_row *p)
{
	csv_cell(r, p->address);
	csv_long(r, p->port);
	csv_cell(r, p->sni);
	csv_cell(r, p->via);
	csv_cell(r, p->error_kind != NULL ? "error" : "ok");
	csv_cell(r, p->error_kind);
	csv_cell(r, p->error_reason);
	csv_cell(r, p->tls_version);
	csv_cell(r, p->cipher);
	if (p->verify_code >= 0) {
		csv_long(r, p->verify_code);
		csv_cell(r, p->verify_code == 0 ? "OK" : p->verify_reason);
	} else {
		csv_cell(r, CSV_EMPTY);
		csv_cell(r, CSV_EMPTY);
	}
	csv_ms(r, p->connect_ms);
	csv_ms(r, p->handshake_ms);
	csv_long(r, (long long)p->chain_len);
}

/* srv_name .. srv_weight; empty for a DIR route (no SRV name) or when p
 * is NULL. */
static void csv_route_cells(struct csv_row *r, const struct store_probe_row *p)
{
	size_t i;

	if (p == NULL || p->srv_name == NULL) {
		for (i = 0; i < CSV_ROUTE_COLUMNS; i++)
			csv_cell(r, CSV_EMPTY);
		return;
	}
	csv_cell(r, p->srv_name);
	csv_cell(r, p->via);
	csv_optional(r, p->srv_priority);
	csv_optional(r, p->srv_weight);
}

/* address .. chain_length for a target that reached no endpoint. */
static void csv_target_error_cells(struct csv_row *r,
				   const struct store_target_row *t)
{
	const char *reason = t->error_reason;
	size_t i;

	if (t->error_kind == NULL && reason == NULL)
		reason = RENDER_NO_PROBE_REASON;
	for (i = 0; i < CSV_ENDPOINT_COLUMNS; i++)
		csv_cell(r, CSV_EMPTY);
	csv_cell(r, "error");
	csv_cell(r, t->error_kind);
	csv_cell(r, reason);
	for (i = 0; i < CSV_HANDSHAKE_COLUMNS; i++)
		csv_cell(r, CSV_EMPTY);
}

/* result .. target_finding_ids of p's row (p NULL: the row of a target
 * without probes, which stands for the target). */
static void csv_finding_cells(struct csv_row *r,
			      const struct render_target *rt,
			      const struct store_probe_row *p)
{
	enum render_status s = p != NULL ? render_status_of(rt->all, p)
					 : rt->status;

	csv_cell(r, render_status_name(s));
	csv_severity_cell(r, render_worst_shown_of(rt, p));
	csv_ids_cell(r, rt, p, 0);
	csv_ids_cell(r, rt, NULL, 0);
}

/* client_cert_requested .. client_cert_alert; empty when p is NULL. */
static void csv_cc_cells(struct csv_row *r, const struct store_probe_row *p)
{
	size_t i;

	if (p == NULL) {
		for (i = 0; i < CSV_CC_COLUMNS; i++)
			csv_cell(r, CSV_EMPTY);
		return;
	}
	csv_cell(r, p->cc_requested ? "true" : "false");
	csv_cell(r, p->cc_requested ? p->cc_outcome : CSV_EMPTY);
	csv_cell(r, p->cc_alert);
}

static void csv_probe_rows(struct csv_row *r, const struct render_target *rt)
{
	const struct store_target_row *t = rt->row;
	const struct store_probe_row *p;
	size_t i;

	if (t->probe_count == 0) {
		csv_target_cells(r, t);
		csv_target_error_cells(r, t);
		csv_cert_cells(r, NULL);
		csv_route_cells(r, NULL);
		csv_finding_cells(r, rt, NULL);
		csv_cc_cells(r, NULL);
		csv_end_row(r);
	}
	for (i = 0; i < t->probe_count; i++) {
		p = &t->probes[i];
		csv_target_cells(r, t);
		csv_probe_cells(r, p);
		csv_cert_cells(r, p->chain_len > 0 ? &p->chain[0] : NULL);
		csv_route_cells(r, p);
		csv_finding_cells(r, rt, p);
		csv_cc_cells(r, p);
		csv_end_row(r);
	}
}

/* ---- Per target --------------------------------------------------------- */

/* The leaf's value that a per-target cell collects, or NULL. */
enum csv_leaf_field {
	CSV_LEAF_SUBJECT,
	CSV_LEAF_ISSUER,
	CSV_LEAF_THUMBPRINT
};

static const char *csv_leaf_value(const struct store_probe_row *p,
				  enum csv_leaf_field field)
{
	const struct store_cert_row *c = p->chain_len > 0 ? &p->chain[0] : NULL;

	if (c == NULL)
		return NULL;
	switch (field) {
	case CSV_LEAF_SUBJECT:
		return c->subject;
	case CSV_LEAF_ISSUER:
		return c->issuer;
	default:
		return c->sha1[0] != '\0' ? c->sha1 : NULL;
	}
}

/* Each distinct value of field among t's leaves, in probe order, joined
 * with sep, as one cell. Quadratic in a target's probes, which the
 * scanner caps. */
static void csv_leaves_cell(struct csv_row *r, const struct store_target_row *t,
			    enum csv_leaf_field field, const char *sep)
{
	char thumb[sizeof t->probes->chain->sha1];
	const char *v, *w;
	size_t i, j;
	int seen;

	csv_list_start(r);
	for (i = 0; i < t->probe_count; i++) {
		v = csv_leaf_value(&t->probes[i], field);
		for (j = 0, seen = 0; v != NULL && j < i && !seen; j++) {
			w = csv_leaf_value(&t->probes[j], field);
			seen = w != NULL && strcmp(v, w) == 0;
		}
		if (v == NULL || seen)
			continue;
		if (field == CSV_LEAF_THUMBPRINT) {
			hex_thumbprint(t->probes[i].chain[0].sha1, thumb);
			v = thumb;
		}
		csv_list_add(r, sep, v);
	}
	csv_list_cell(r);
}

/* The earliest not_after among t's leaves: ISO 8601 UTC in one format
 * sorts as text. */
static const char *csv_earliest_expiry(const struct store_target_row *t)
{
	const char *best = NULL, *v;
	size_t i;

	for (i = 0; i < t->probe_count; i++) {
		if (t->probes[i].chain_len == 0)
			continue;
		v = t->probes[i].chain[0].not_after;
		if (v != NULL && (best == NULL || strcmp(v, best) < 0))
			best = v;
	}
	return best;
}

/* The distinct render_client_cert_state() of t's probes that got as far
 * as TLS (a refused connection says nothing about client certificates),
 * each once, space-separated, in probe order. */
static void csv_cc_states_cell(struct csv_row *r,
			       const struct store_target_row *t)
{
	const char *seen[CSV_CC_STATES], *state;
	size_t i, k, nseen = 0;

	csv_list_start(r);
	for (i = 0; i < t->probe_count; i++) {
		const struct store_probe_row *p = &t->probes[i];

		if (p->error_kind != NULL && p->chain_len == 0 &&
		    !p->cc_requested)
			continue;
		state = render_client_cert_state(p);
		for (k = 0; k < nseen && strcmp(seen[k], state) != 0; k++)
			;
		if (k < nseen || nseen == CSV_CC_STATES)
			continue;
		seen[nseen++] = state;
		csv_list_add(r, " ", state);
	}
	csv_list_cell(r);
}

static void csv_target_row(struct csv_row *r, const struct render_target *rt)
{
	const struct store_target_row *t = rt->row;
	size_t i, failed = 0;

	for (i = 0; i < t->probe_count; i++)
		if (t->probes[i].error_kind != NULL)
			failed++;
	csv_cell(r, t->domain);
	csv_cell(r, t->type);
	if (t->port > 0)
		csv_long(r, t->port);
	else
		csv_cell(r, CSV_EMPTY);
	csv_long(r, t->line);
	csv_cell(r, render_status_name(rt->status));
	csv_severity_cell(r, render_worst_shown(rt));
	csv_ids_cell(r, rt, NULL, 1);
	csv_cell(r, csv_earliest_expiry(t));
	csv_leaves_cell(r, t, CSV_LEAF_SUBJECT, " | ");
	csv_leaves_cell(r, t, CSV_LEAF_ISSUER, " | ");
	csv_leaves_cell(r, t, CSV_LEAF_THUMBPRINT, " ");
	csv_long(r, (long long)t->probe_count);
	csv_long(r, (long long)failed);
	csv_cc_states_cell(r, t);
	csv_end_row(r);
}

int render_csv_target(FILE *out, int per_endpoint,
		      const struct render_target *rt)
{
	struct csv_row r = { .e = { .out = out } };

	r.ncols = per_endpoint ? CSV_NPROBE_COLUMNS : CSV_NTARGET_COLUMNS;
	if (per_endpoint)
		csv_probe_rows(&r, rt);
	else
		csv_target_row(&r, rt);
	csv_row_free(&r);
	return r.e.failed ? -1 : 0;
}
