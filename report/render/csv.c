/* csv.c: the CSV report, RFC 4180, "\r\n" line ends, a header row first.
 *
 * Two layouts. By default one row per target, the spreadsheet an auditor
 * filters and sorts; with --per-endpoint one row per probe of a target (a
 * target without probes gets one row with the target's status, its
 * error_kind and reason, and the probe and certificate columns empty).
 * Every cell goes through the emit layer (emit.h): text from outside
 * escaped and disarmed (a leading apostrophe before '=', '+', '-', '@',
 * TAB, CR), numbers of ours as numbers, dates as "2026-12-02 10:00:00"
 * (UTC), which a spreadsheet reads as a date. Missing values (SQL NULL,
 * negative timings, verify_code -1) are empty cells. A row of the
 * targets file rejected as an input error is a row too, status
 * INPUT_ERROR, its line and reason (render_csv_input_error()).
 *
 * Both layouts begin with the columns every CSV of targets begins with
 * (facts.h), under the names every output gives the same facts (format
 * version 2). Both column lists are contracts (docs/formats.md copies
 * them; test_docs holds it to the header rows): later versions add
 * columns at the end only.
 *
 * Per target (the first 23 are the compliance report's too):
 *   domain               target domain (or address literal)
 *   type                 FED, SIP, SIPINT or DIR
 *   port                 target port as given
 *   line                 input line of the target
 *   status               PASS, WARN or FAIL: of every finding (an error
 *                        fails, a warning warns), whatever is shown;
 *                        INPUT_ERROR for a rejected row
 *   worst_severity       the worst severity among the findings shown
 *                        (info, warning, error); empty when none is shown
 *   finding_ids          the ids of the findings shown, each once, in
 *                        report order, space-separated
 *   error_kind           the target's own failure kind (DNS, ...)
 *   reason               its reason, or an input error's
 *   not_after            of the leaves presented, the one that expires
 *                        first: its expiry (UTC)
 *   days_left            whole days from the report's time to not_after,
 *                        rounded down (negative once expired)
 *   subject              that leaf's subject, RFC 2253
 *   issuer               its issuer
 *   root                 the root of its chain: the issuer of the last
 *                        certificate the endpoint sent
 *   thumbprint           its SHA-1, 40 uppercase hex
 *   sha256               its SHA-256, 64 lowercase hex
 *   key_type             RSA, EC, ED25519, ...
 *   key_bits             public key size in bits
 *   signature_algorithm  Windows naming (sha256RSA, sha384ECDSA, ...)
 *   tls_version          the lowest TLS version any endpoint negotiated
 *   leaves               how many different leaves the endpoints presented
 *   endpoints            endpoints probed for the target
 *   endpoints_failed     those that ended with a failure kind
 *   client_cert_outcomes mutual TLS across the endpoints that got as
 *                        far as TLS, each state once, space-separated, in
 *                        probe order: not_requested, requested (asked; we
 *                        presented none and it went on), required (it ended
 *                        the handshake when we presented none), accepted
 *                        (ours kept), rejected (ours refused), unknown
 *
 * Per endpoint (--per-endpoint):
 *   domain, type, port, line   the target's, as above
 *   status               PASS, WARN or FAIL of every finding about this
 *                        endpoint; on the row of a target without probes,
 *                        the target's status
 *   worst_severity       the worst severity among this endpoint's findings
 *                        shown; empty when none is shown
 *   finding_ids          the ids of this endpoint's findings shown, each
 *                        once, space-separated
 *   error_kind           failure kind name (refused, timeout, ...)
 *   reason               the library's reason string
 *   not_after .. tls_version   the endpoint's leaf, as above (root: of
 *                        its chain; tls_version: negotiated)
 *   address              probed IP address (IPv6 without brackets)
 *   endpoint_port        probed port
 *   sni                  SNI sent; empty when none was sent
 *   host                 the host the target reached it through (the DIR
 *                        host, or the SRV target)
 *   srv_name             SRV name the route came from; empty for DIR
 *   srv_target           SRV target (host) of the route; empty for DIR
 *   srv_priority         that SRV record's priority; empty for DIR
 *   srv_weight           that SRV record's weight; empty for DIR
 *   cipher               negotiated cipher suite
 *   verify_code          X509_V_OK (0) or X509_V_ERR_*; empty: not verified
 *   verify_reason        the verification's result, as the library says it
 *   started              when the probe started (UTC)
 *   connect_ms           TCP connect time, 1 decimal
 *   handshake_ms         TLS handshake time, 1 decimal
 *   chain_length         certificates presented
 *   not_before           the leaf's start of validity (UTC)
 *   serial               the leaf's serial, uppercase hex
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
#include <stdlib.h>
#include <string.h>

#include "report/render/emit.h"
#include "report/render/facts.h"

static const char *const csv_probe_columns[] = {
	RENDER_LEAD_COLUMNS, RENDER_CERT_COLUMNS,
	"address", "endpoint_port", "sni", "host", "srv_name", "srv_target",
	"srv_priority", "srv_weight", "cipher", "verify_code",
	"verify_reason", "started", "connect_ms", "handshake_ms",
	"chain_length", "not_before", "serial", "target_finding_ids",
	"client_cert_requested", "client_cert_outcome", "client_cert_alert",
	NULL
};

static const char *const csv_target_columns[] = {
	RENDER_TARGET_COLUMNS, "client_cert_outcomes", NULL
};

#define CSV_NPROBE_COLUMNS                                                   \
	(sizeof csv_probe_columns / sizeof csv_probe_columns[0] - 1)
#define CSV_NTARGET_COLUMNS                                                  \
	(sizeof csv_target_columns / sizeof csv_target_columns[0] - 1)
#define CSV_EMPTY NULL

/* Column groups that a row can leave empty together. */
#define CSV_ROUTE_COLUMNS 8     /* address .. srv_weight */
#define CSV_HANDSHAKE_COLUMNS 9 /* cipher .. serial */
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

int render_csv_input_error(FILE *out, int per_endpoint, const char *input,
			   const struct store_input_error_row *e)
{
	struct emit_csv c = { .out = out };

	(void)input; /* the row's own line says where it was */
	render_input_error_csv(&c, e, per_endpoint ? CSV_NPROBE_COLUMNS
						   : CSV_NTARGET_COLUMNS);
	emit_csv_free(&c);
	return c.failed ? -1 : 0;
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
 * each once, space-separated, into r->list; returns it, NULL when none
 * (or when building it ran out of memory). Valid until the list is built
 * again. */
static const char *csv_ids(struct csv_row *r, const struct render_target *rt,
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
	return r->list.data != NULL && r->list.len > 0 ? r->list.data : NULL;
}

/* ---- Per endpoint ------------------------------------------------------- */

/* domain .. reason of p's row (p NULL: the row of a target without
 * probes, which stands for the target). */
static void csv_probe_lead(struct csv_row *r, const struct render_target *rt,
			   const struct store_probe_row *p)
{
	const struct store_target_row *t = rt->row;
	enum render_status s = p != NULL ? render_status_of(rt->all, p)
					 : rt->status;
	const char *reason;

	if (p != NULL) {
		render_lead_csv(&r->e, t, render_status_name(s),
				render_worst_shown_of(rt, p),
				csv_ids(r, rt, p, 0), p->error_kind,
				p->error_reason);
		return;
	}
	reason = t->error_reason;
	if (t->error_kind == NULL && reason == NULL)
		reason = RENDER_NO_PROBE_REASON;
	render_lead_csv(&r->e, t, render_status_name(s),
			render_worst_shown_of(rt, NULL), csv_ids(r, rt, NULL, 0),
			t->error_kind, reason);
}

/* address .. srv_weight; empty when p is NULL, the srv_* ones for a DIR
 * route (no SRV name). */
static void csv_route_cells(struct csv_row *r, const struct store_probe_row *p)
{
	size_t i;

	if (p == NULL) {
		for (i = 0; i < CSV_ROUTE_COLUMNS; i++)
			csv_cell(r, CSV_EMPTY);
		return;
	}
	csv_cell(r, p->address);
	csv_long(r, p->port);
	csv_cell(r, p->sni);
	csv_cell(r, p->via);
	if (p->srv_name == NULL) {
		for (i = 4; i < CSV_ROUTE_COLUMNS; i++)
			csv_cell(r, CSV_EMPTY);
		return;
	}
	csv_cell(r, p->srv_name);
	csv_cell(r, p->via);
	csv_optional(r, p->srv_priority);
	csv_optional(r, p->srv_weight);
}

/* cipher .. serial; empty when p is NULL. */
static void csv_handshake_cells(struct csv_row *r,
				const struct store_probe_row *p)
{
	const struct store_cert_row *leaf;
	size_t i;

	if (p == NULL) {
		for (i = 0; i < CSV_HANDSHAKE_COLUMNS; i++)
			csv_cell(r, CSV_EMPTY);
		return;
	}
	leaf = p->chain_len > 0 ? &p->chain[0] : NULL;
	csv_cell(r, p->cipher);
	if (p->verify_code >= 0) {
		csv_long(r, p->verify_code);
		csv_cell(r, p->verify_reason);
	} else {
		csv_cell(r, CSV_EMPTY);
		csv_cell(r, CSV_EMPTY);
	}
	emit_csv_date(&r->e, p->started);
	emit_csv_ms(&r->e, p->connect_ms);
	emit_csv_ms(&r->e, p->handshake_ms);
	csv_long(r, (long long)p->chain_len);
	emit_csv_date(&r->e, leaf != NULL ? leaf->not_before : NULL);
	csv_cell(r, leaf != NULL ? leaf->serial : NULL);
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

/* One row: p's, or (p NULL) the one of a target without probes. */
static void csv_probe_row(struct csv_row *r, const struct render_target *rt,
			  const struct store_probe_row *p)
{
	const struct store_cert_row *leaf =
		p != NULL && p->chain_len > 0 ? &p->chain[0] : NULL;

	csv_probe_lead(r, rt, p);
	render_cert_csv(&r->e, leaf, render_chain_root(p),
			p != NULL ? p->tls_version : NULL, rt->now);
	csv_route_cells(r, p);
	csv_handshake_cells(r, p);
	csv_cell(r, csv_ids(r, rt, NULL, 0));
	csv_cc_cells(r, p);
	csv_end_row(r);
}

static void csv_probe_rows(struct csv_row *r, const struct render_target *rt)
{
	const struct store_target_row *t = rt->row;
	size_t i;

	if (t->probe_count == 0)
		csv_probe_row(r, rt, NULL);
	for (i = 0; i < t->probe_count; i++)
		csv_probe_row(r, rt, &t->probes[i]);
}

/* ---- Per target --------------------------------------------------------- */

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
	struct render_facts f;

	render_facts_of(rt->row, rt->now, &f);
	f.status = render_status_name(rt->status);
	f.worst = render_worst_shown(rt);
	f.finding_ids = csv_ids(r, rt, NULL, 1);
	render_facts_csv(&r->e, &f);
	csv_cc_states_cell(r, rt->row);
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
