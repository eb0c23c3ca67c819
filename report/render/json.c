/* json.c: the JSON Lines report, one object per target and line, for jq
 * and scripts. No JSON library: the output is written, never parsed, and
 * every value goes through the emit layer (emit.h), strings through
 * esc_json() (escape.c). Numbers are integers or one-decimal timings written
 * with integer arithmetic (no locale's decimal comma); a missing value is
 * null, never "" or -1; dates are ISO 8601 UTC ("2026-12-02T10:00:00Z").
 * Keys keep their order, and every line begins with "format_version" (2;
 * absent: version 1). Every line is a target object but the first when
 * the scan presented our certificate: {"format_version": 2, "profile",
 * "self": {status, worst_severity, verify, chain, findings}}; and a row of the
 * targets file rejected as an input error is a line too, status
 * INPUT_ERROR, with its line, reason, input and raw. scan, line and the
 * ports are null in `fedcert inspect`'s object, which judged a file, not
 * a scan.
 *
 * A target line begins with the keys every CSV of targets begins with
 * (facts.h), under the same names; an endpoint object uses the names of
 * the per-endpoint CSV (its verify {code, reason} is the CSV's
 * verify_code and verify_reason). The keys are a contract
 * (docs/formats.md lists them with their types): add keys, rename none.
 *
 *   format_version, [file (inspect only),] scan, profile, domain, type,
 *   port, line,
 *   status, worst_severity, finding_ids [], error_kind, reason,
 *   not_after, days_left, subject, issuer, root, thumbprint, sha256,
 *   key_type, key_bits, signature_algorithm, tls_version, leaves,
 *   endpoints, endpoints_failed,
 *   probes [{address, port, sni, host, srv_name, srv_target,
 *            srv_priority, srv_weight, started, connect_ms, handshake_ms,
 *            status, worst_severity, finding_ids [], error_kind, reason,
 *            tls_version, cipher, verify {code, reason} | null, root,
 *            chain [{thumbprint, sha256, subject, issuer, not_before,
 *                    not_after, days_left, serial, signature_algorithm,
 *                    key_type, key_bits, x509_version}],
 *            client_cert {requested, acceptable_cas [], presented,
 *                         outcome, alert},
 *            sip {status, reason, server, ms_diagnostics,
 *                 ms_diagnostics_public, rtt_ms, error} | null}],
 *   dns [{name, type, rcode, source, reason,
 *         records [{priority, weight, port, target, ttl} (SRV)
 *                  | {address, ttl} (A, AAAA)]}],
 *   findings [{id, severity, message, endpoint}]
 *
 * profile: whose rules judged (--profile: "sfb", "teams-dr", "rfc5922").
 * An input error's line: format_version, scan, profile, the keys from domain to
 * endpoints_failed (status INPUT_ERROR, line, reason; the others null,
 * finding_ids []), input, raw, probes [], dns [], findings [].
 */
#include "report/render/render.h"

#include <string.h>

#include "report/render/emit.h"
#include "report/render/facts.h"

/* "verify": {code, reason}, or null when the chain was not verified. */
static void json_verify(struct emit_json *j, long code, const char *reason)
{
	struct emit_json v;

	if (code < 0) {
		emit_json_null(j, "verify");
		return;
	}
	emit_json_key(j, "verify");
	emit_json_open(&v, j->out);
	emit_json_int(&v, "code", code);
	emit_json_str(&v, "reason", reason);
	emit_json_close(&v);
}

static void json_cert(FILE *out, const struct store_cert_row *c, time_t now)
{
	char thumb[HEX_SHA1_MAX];
	struct emit_json j;
	long long days;

	hex_thumbprint(c->sha1, thumb);
	emit_json_open(&j, out);
	emit_json_str(&j, "thumbprint", thumb[0] != '\0' ? thumb : NULL);
	emit_json_str(&j, "sha256", c->sha256[0] != '\0' ? c->sha256 : NULL);
	emit_json_str(&j, "subject", c->subject);
	emit_json_str(&j, "issuer", c->issuer);
	emit_json_str(&j, "not_before", c->not_before);
	emit_json_str(&j, "not_after", c->not_after);
	if (render_days_left(c->not_after, now, &days) == 0)
		emit_json_int(&j, "days_left", days);
	else
		emit_json_null(&j, "days_left");
	emit_json_str(&j, "serial", c->serial);
	emit_json_str(&j, "signature_algorithm",
		      c->sig_alg != NULL ? render_sigalg_windows(c->sig_alg)
					 : NULL);
	emit_json_str(&j, "key_type", c->key_type);
	emit_json_opt(&j, "key_bits", c->key_bits > 0 ? c->key_bits : -1);
	emit_json_opt(&j, "x509_version",
		      c->x509_version > 0 ? c->x509_version : -1);
	emit_json_close(&j);
}

/* key: [certificate, ...], leaf first. */
static void json_chain(struct emit_json *j, const struct store_cert_row *chain,
		       size_t n, time_t now)
{
	size_t i;

	emit_json_key(j, "chain");
	fputc('[', j->out);
	for (i = 0; i < n; i++) {
		if (i > 0)
			fputc(',', j->out);
		json_cert(j->out, &chain[i], now);
	}
	fputc(']', j->out);
}

/* "client_cert": {requested, acceptable_cas, presented, outcome, alert}:
 * on every endpoint, requested false when no certificate was asked for. */
static void json_client_cert(struct emit_json *j,
			     const struct store_probe_row *p)
{
	struct emit_json c;
	size_t i;

	emit_json_key(j, "client_cert");
	emit_json_open(&c, j->out);
	emit_json_bool(&c, "requested", p->cc_requested);
	emit_json_key(&c, "acceptable_cas");
	fputc('[', j->out);
	for (i = 0; i < p->ca_count; i++) {
		if (i > 0)
			fputc(',', j->out);
		esc_json(j->out, p->ca_names[i]);
	}
	fputc(']', j->out);
	emit_json_bool(&c, "presented", p->cc_presented);
	emit_json_str(&c, "outcome", p->cc_outcome);
	emit_json_str(&c, "alert", p->cc_alert);
	emit_json_close(&c);
}

/* "sip": what our OPTIONS came to (scan --sip-options), null when none
 * was sent. */
static void json_sip(struct emit_json *j, const struct store_probe_row *p)
{
	const struct store_sip_row *s = p->sip;
	struct emit_json c;

	if (s == NULL) {
		emit_json_null(j, "sip");
		return;
	}
	emit_json_key(j, "sip");
	emit_json_open(&c, j->out);
	emit_json_opt(&c, "status", s->status > 0 ? s->status : -1);
	emit_json_str(&c, "reason", s->reason);
	emit_json_str(&c, "server", s->server ? s->server : s->user_agent);
	emit_json_str(&c, "ms_diagnostics", s->ms_diagnostics);
	emit_json_str(&c, "ms_diagnostics_public", s->ms_diagnostics_public);
	emit_json_ms(&c, "rtt_ms", s->rtt_ms);
	emit_json_str(&c, "error", s->error);
	emit_json_close(&c);
}

/* address, port, SNI, route and timings of one endpoint. */
static void json_probe_route(struct emit_json *j,
			     const struct store_probe_row *p)
{
	int srv = p->srv_name != NULL;

	emit_json_str(j, "address", p->address);
	emit_json_opt(j, "port", p->port > 0 ? p->port : -1);
	emit_json_str(j, "sni", p->sni);
	emit_json_str(j, "host", p->via);
	emit_json_str(j, "srv_name", p->srv_name);
	emit_json_str(j, "srv_target", srv ? p->via : NULL);
	emit_json_opt(j, "srv_priority", srv ? p->srv_priority : -1);
	emit_json_opt(j, "srv_weight", srv ? p->srv_weight : -1);
	emit_json_str(j, "started", p->started);
	emit_json_ms(j, "connect_ms", p->connect_ms);
	emit_json_ms(j, "handshake_ms", p->handshake_ms);
}

static void json_probe(FILE *out, const struct render_target *rt,
		       const struct store_probe_row *p)
{
	int worst = render_worst_shown_of(rt, p);
	struct emit_json j;

	emit_json_open(&j, out);
	json_probe_route(&j, p);
	emit_json_str(&j, "status",
		      render_status_name(render_status_of(rt->all, p)));
	emit_json_str(&j, "worst_severity",
		      worst >= 0 ? finding_severity_name(worst) : NULL);
	render_json_ids(&j, rt, p, 0);
	emit_json_str(&j, "error_kind", p->error_kind);
	emit_json_str(&j, "reason", p->error_reason);
	emit_json_str(&j, "tls_version", p->tls_version);
	emit_json_str(&j, "cipher", p->cipher);
	json_verify(&j, p->verify_code, p->verify_reason);
	emit_json_str(&j, "root", render_chain_root(p));
	json_chain(&j, p->chain, p->chain_len, rt->now);
	json_client_cert(&j, p);
	json_sip(&j, p);
	emit_json_close(&j);
}

static void json_dns_record(FILE *out, const struct store_dns_answer_row *a,
			    const struct store_dns_record_row *r)
{
	struct emit_json j;

	emit_json_open(&j, out);
	if (a->type != NULL && strcmp(a->type, "SRV") == 0) {
		emit_json_opt(&j, "priority", r->priority);
		emit_json_opt(&j, "weight", r->weight);
		emit_json_opt(&j, "port", r->port);
		emit_json_str(&j, "target", r->target);
	} else {
		emit_json_str(&j, "address", r->address);
	}
	emit_json_opt(&j, "ttl", r->ttl);
	emit_json_close(&j);
}

static void json_dns(FILE *out, const struct store_dns_answer_row *a)
{
	struct emit_json j;
	size_t i;

	emit_json_open(&j, out);
	emit_json_str(&j, "name", a->name);
	emit_json_str(&j, "type", a->type);
	emit_json_str(&j, "rcode", a->rcode);
	emit_json_str(&j, "source", a->source);
	emit_json_str(&j, "reason", a->reason);
	emit_json_key(&j, "records");
	fputc('[', out);
	for (i = 0; i < a->count; i++) {
		if (i > 0)
			fputc(',', out);
		json_dns_record(out, a, &a->records[i]);
	}
	fputc(']', out);
	emit_json_close(&j);
}

/* "address:port", "[v6]:port", or null for a target-level finding. */
static void json_endpoint(struct emit_json *j, const struct store_probe_row *p)
{
	char buf[RENDER_ENDPOINT_MAX];

	if (p == NULL || p->address == NULL) {
		emit_json_null(j, "endpoint");
		return;
	}
	render_endpoint_text(p->address, p->port, buf);
	emit_json_str(j, "endpoint", buf);
}

static void json_finding(FILE *out, const struct finding *fd)
{
	struct emit_json j;

	emit_json_open(&j, out);
	emit_json_str(&j, "id", fd->def != NULL ? fd->def->id : NULL);
	emit_json_str(&j, "severity", finding_severity_name(fd->severity));
	emit_json_str(&j, "message", fd->message);
	json_endpoint(&j, fd->probe);
	emit_json_close(&j);
}

/* findings: the shown ones, as "findings": [...]. */
static void json_findings(struct emit_json *j,
			  const struct finding *const *shown, size_t n)
{
	size_t i;

	emit_json_key(j, "findings");
	fputc('[', j->out);
	for (i = 0; i < n; i++) {
		if (i > 0)
			fputc(',', j->out);
		json_finding(j->out, shown[i]);
	}
	fputc(']', j->out);
}

/* key: [], for the arrays of a line that has nothing in them. */
static void json_empty(struct emit_json *j, const char *key)
{
	emit_json_key(j, key);
	fputs("[]", j->out);
}

/* file: inspect's certificate file, written after format_version; NULL
 * for a scan's. */
static void json_target(FILE *out, const char *file, int64_t scan_id,
			const struct render_target *rt)
{
	const struct store_target_row *t = rt->row;
	struct render_facts f;
	struct emit_json j;
	size_t i;

	render_facts_of(t, rt->now, &f);
	f.status = render_status_name(rt->status);
	f.worst = render_worst_shown(rt);
	f.rt = rt;
	emit_json_open_line(&j, out);
	if (file != NULL)
		emit_json_str(&j, "file", file);
	emit_json_opt(&j, "scan", scan_id > 0 ? scan_id : -1);
	emit_json_str(&j, "profile", report_profile_name(rt->profile));
	render_facts_json(&j, &f);
	emit_json_key(&j, "probes");
	fputc('[', out);
	for (i = 0; i < t->probe_count; i++) {
		if (i > 0)
			fputc(',', out);
		json_probe(out, rt, &t->probes[i]);
	}
	fputc(']', out);
	emit_json_key(&j, "dns");
	fputc('[', out);
	for (i = 0; i < t->dns_count; i++) {
		if (i > 0)
			fputc(',', out);
		json_dns(out, &t->dns[i]);
	}
	fputc(']', out);
	json_findings(&j, rt->shown, rt->nshown);
	emit_json_close(&j);
	fputc('\n', out);
}

void render_json_target(FILE *out, int64_t scan_id,
			const struct render_target *rt)
{
	json_target(out, NULL, scan_id, rt);
}

void render_json_file_target(FILE *out, const char *file,
			     const struct render_target *rt)
{
	json_target(out, file, 0, rt);
}

void render_json_input_error(FILE *out, int64_t scan_id,
			     enum report_profile profile, const char *input,
			     const struct store_input_error_row *e)
{
	struct emit_json j;

	emit_json_open_line(&j, out);
	emit_json_opt(&j, "scan", scan_id > 0 ? scan_id : -1);
	emit_json_str(&j, "profile", report_profile_name(profile));
	render_input_error_json(&j, e);
	render_input_error_json_source(&j, input, e);
	json_empty(&j, "probes");
	json_empty(&j, "dns");
	json_empty(&j, "findings");
	emit_json_close(&j);
	fputc('\n', out);
}

void render_json_self(FILE *out, const struct render_self *s)
{
	struct emit_json outer, j;
	int worst = -1;
	size_t i;

	for (i = 0; i < s->nshown; i++)
		if ((int)s->shown[i]->severity > worst)
			worst = (int)s->shown[i]->severity;
	emit_json_open_line(&outer, out);
	emit_json_str(&outer, "profile", report_profile_name(s->profile));
	emit_json_key(&outer, "self");
	emit_json_open(&j, out);
	emit_json_str(&j, "status", render_status_name(s->status));
	emit_json_str(&j, "worst_severity",
		      worst >= 0 ? finding_severity_name(worst) : NULL);
	json_verify(&j, s->verify_code, s->verify_reason);
	json_chain(&j, s->chain, s->count, s->now);
	json_findings(&j, s->shown, s->nshown);
	emit_json_close(&j);
	emit_json_close(&outer);
	fputc('\n', out);
}
