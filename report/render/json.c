/* json.c: the JSON Lines report, one object per target and line, for jq
 * and scripts. No JSON library: the output is written, never parsed, and
 * the one hard part, strings, is esc_json() (escape.c), through which
 * every string goes. Numbers are integers or one-decimal timings written
 * with integer arithmetic (no locale's decimal comma); a missing value is
 * null, never "" or -1. Keys keep their order. Every line is a target
 * object but the first when the scan presented our certificate:
 * {"self": {status, worst_severity, verify, chain, findings}}. Bad input
 * rows are not in the JSON (they are in the text report and the
 * database's input_error table). scan, line and the ports are null in
 * `fedcert inspect`'s object, which judged a file, not a scan.
 *
 * The keys are a contract (README lists them with their types): add keys,
 * rename none.
 *
 *   [file (inspect only),] scan, domain, type, port, line, status,
 *   worst_severity,
 *   error {kind, reason} | null,
 *   endpoints [{address, port, sni, host, srv_name, srv_target,
 *               srv_priority, srv_weight, started, connect_ms,
 *               handshake_ms, error {kind, reason} | null, tls_version,
 *               cipher, verify {code, reason} | null, result,
 *               chain [{sha256, sha1, subject, issuer, not_before,
 *                       not_after, serial, signature_algorithm,
 *                       key_type, key_bits, x509_version}],
 *               client_cert {requested, acceptable_cas [], presented,
 *                            outcome, alert}}],
 *   dns [{name, type, rcode, source, reason,
 *         records [{priority, weight, port, target, ttl} (SRV)
 *                  | {address, ttl} (A, AAAA)]}],
 *   findings [{id, severity, message, endpoint}]
 */
#include "report/render/render.h"

#include <string.h>

#include "report/render/escape.h"

/* Room for "[" + an IPv6 address + "]:" + a port. */
#define JSON_ENDPOINT_MAX 96

/* Writes ,"key": (no comma before the first member of an object). */
static void json_key(FILE *out, int *first, const char *key)
{
	if (!*first)
		fputc(',', out);
	*first = 0;
	fprintf(out, "\"%s\":", key); /* keys are ours: plain ASCII */
}

static void json_str(FILE *out, int *first, const char *key, const char *s)
{
	json_key(out, first, key);
	esc_json(out, s);
}

static void json_int(FILE *out, int *first, const char *key, long long v)
{
	json_key(out, first, key);
	fprintf(out, "%lld", v);
}

/* A number that is negative when missing (-1 port, TTL, verify code). */
static void json_opt(FILE *out, int *first, const char *key, long long v)
{
	json_key(out, first, key);
	if (v >= 0)
		fprintf(out, "%lld", v);
	else
		fputs("null", out);
}

/* Milliseconds with one decimal; null when the step did not happen. */
static void json_ms(FILE *out, int *first, const char *key, double ms)
{
	long long tenths;

	json_key(out, first, key);
	if (!(ms >= 0 && ms < 1e12)) {
		fputs("null", out);
		return;
	}
	tenths = (long long)(ms * 10 + 0.5);
	fprintf(out, "%lld.%lld", tenths / 10, tenths % 10);
}

/* {"kind": ..., "reason": ...}, or null when neither is known. */
static void json_error(FILE *out, int *first, const char *kind,
		       const char *reason)
{
	int f = 1;

	json_key(out, first, "error");
	if (kind == NULL && reason == NULL) {
		fputs("null", out);
		return;
	}
	fputc('{', out);
	json_str(out, &f, "kind", kind);
	json_str(out, &f, "reason", reason);
	fputc('}', out);
}

static void json_cert(FILE *out, const struct store_cert_row *c)
{
	int f = 1;

	fputc('{', out);
	json_str(out, &f, "sha256", c->sha256[0] != '\0' ? c->sha256 : NULL);
	json_str(out, &f, "sha1", c->sha1[0] != '\0' ? c->sha1 : NULL);
	json_str(out, &f, "subject", c->subject);
	json_str(out, &f, "issuer", c->issuer);
	json_str(out, &f, "not_before", c->not_before);
	json_str(out, &f, "not_after", c->not_after);
	json_str(out, &f, "serial", c->serial);
	json_str(out, &f, "signature_algorithm",
		 c->sig_alg != NULL ? render_sigalg_windows(c->sig_alg) : NULL);
	json_str(out, &f, "key_type", c->key_type);
	json_opt(out, &f, "key_bits", c->key_bits > 0 ? c->key_bits : -1);
	json_opt(out, &f, "x509_version",
		 c->x509_version > 0 ? c->x509_version : -1);
	fputc('}', out);
}

static void json_chain(FILE *out, const struct store_cert_row *chain,
		       size_t n)
{
	size_t i;

	fputc('[', out);
	for (i = 0; i < n; i++) {
		if (i > 0)
			fputc(',', out);
		json_cert(out, &chain[i]);
	}
	fputc(']', out);
}

static void json_bool(FILE *out, int *first, const char *key, int v)
{
	json_key(out, first, key);
	fputs(v ? "true" : "false", out);
}

/* "client_cert": {requested, acceptable_cas, presented, outcome, alert}:
 * on every endpoint, requested false when no certificate was asked for. */
static void json_client_cert(FILE *out, int *first,
			     const struct store_probe_row *p)
{
	int f = 1;
	size_t i;

	json_key(out, first, "client_cert");
	fputc('{', out);
	json_bool(out, &f, "requested", p->cc_requested);
	json_key(out, &f, "acceptable_cas");
	fputc('[', out);
	for (i = 0; i < p->ca_count; i++) {
		if (i > 0)
			fputc(',', out);
		esc_json(out, p->ca_names[i]);
	}
	fputc(']', out);
	json_bool(out, &f, "presented", p->cc_presented);
	json_str(out, &f, "outcome", p->cc_outcome);
	json_str(out, &f, "alert", p->cc_alert);
	fputc('}', out);
}

/* address, port, SNI, route and timings of one endpoint. */
static void json_probe_route(FILE *out, int *f, const struct store_probe_row *p)
{
	int srv = p->srv_name != NULL;

	json_str(out, f, "address", p->address);
	json_opt(out, f, "port", p->port > 0 ? p->port : -1);
	json_str(out, f, "sni", p->sni);
	json_str(out, f, "host", p->via);
	json_str(out, f, "srv_name", p->srv_name);
	json_str(out, f, "srv_target", srv ? p->via : NULL);
	json_opt(out, f, "srv_priority", srv ? p->srv_priority : -1);
	json_opt(out, f, "srv_weight", srv ? p->srv_weight : -1);
	json_str(out, f, "started", p->started);
	json_ms(out, f, "connect_ms", p->connect_ms);
	json_ms(out, f, "handshake_ms", p->handshake_ms);
}

static void json_probe(FILE *out, const struct render_target *rt,
		       const struct store_probe_row *p)
{
	int f = 1, v = 1;

	fputc('{', out);
	json_probe_route(out, &f, p);
	json_error(out, &f, p->error_kind, p->error_reason);
	json_str(out, &f, "tls_version", p->tls_version);
	json_str(out, &f, "cipher", p->cipher);
	json_key(out, &f, "verify");
	if (p->verify_code >= 0) {
		fputc('{', out);
		json_int(out, &v, "code", p->verify_code);
		json_str(out, &v, "reason", p->verify_reason);
		fputc('}', out);
	} else {
		fputs("null", out);
	}
	json_str(out, &f, "result",
		 render_status_name(render_status_of(rt->all, p)));
	json_key(out, &f, "chain");
	json_chain(out, p->chain, p->chain_len);
	json_client_cert(out, &f, p);
	fputc('}', out);
}

static void json_dns_record(FILE *out, const struct store_dns_answer_row *a,
			    const struct store_dns_record_row *r)
{
	int f = 1;

	fputc('{', out);
	if (a->type != NULL && strcmp(a->type, "SRV") == 0) {
		json_opt(out, &f, "priority", r->priority);
		json_opt(out, &f, "weight", r->weight);
		json_opt(out, &f, "port", r->port);
		json_str(out, &f, "target", r->target);
	} else {
		json_str(out, &f, "address", r->address);
	}
	json_opt(out, &f, "ttl", r->ttl);
	fputc('}', out);
}

static void json_dns(FILE *out, const struct store_dns_answer_row *a)
{
	int f = 1;
	size_t i;

	fputc('{', out);
	json_str(out, &f, "name", a->name);
	json_str(out, &f, "type", a->type);
	json_str(out, &f, "rcode", a->rcode);
	json_str(out, &f, "source", a->source);
	json_str(out, &f, "reason", a->reason);
	json_key(out, &f, "records");
	fputc('[', out);
	for (i = 0; i < a->count; i++) {
		if (i > 0)
			fputc(',', out);
		json_dns_record(out, a, &a->records[i]);
	}
	fputs("]}", out);
}

/* "address:port", "[v6]:port", or null for a target-level finding. */
static void json_endpoint(FILE *out, int *first,
			  const struct store_probe_row *p)
{
	char buf[JSON_ENDPOINT_MAX];
	int v6;

	if (p == NULL || p->address == NULL) {
		json_str(out, first, "endpoint", NULL);
		return;
	}
	v6 = strchr(p->address, ':') != NULL;
	snprintf(buf, sizeof buf, "%s%s%s:%d", v6 ? "[" : "", p->address,
		 v6 ? "]" : "", p->port);
	json_str(out, first, "endpoint", buf);
}

static void json_finding(FILE *out, const struct finding *fd)
{
	int f = 1;

	fputc('{', out);
	json_str(out, &f, "id", fd->def != NULL ? fd->def->id : NULL);
	json_str(out, &f, "severity", finding_severity_name(fd->severity));
	json_str(out, &f, "message", fd->message);
	json_endpoint(out, &f, fd->probe);
	fputc('}', out);
}

/* The target's own members, before its arrays. */
static void json_target_head(FILE *out, int *f, int64_t scan_id,
			     const struct render_target *rt)
{
	const struct store_target_row *t = rt->row;
	int worst = render_worst_shown(rt);

	json_opt(out, f, "scan", scan_id > 0 ? scan_id : -1);
	json_str(out, f, "domain", t->domain);
	json_str(out, f, "type", t->type);
	json_opt(out, f, "port", t->port > 0 ? t->port : -1);
	json_opt(out, f, "line", t->line > 0 ? t->line : -1);
	json_str(out, f, "status", render_status_name(rt->status));
	json_str(out, f, "worst_severity",
		 worst >= 0 ? finding_severity_name(worst) : NULL);
	json_error(out, f, t->error_kind, t->error_reason);
}

/* findings: the shown ones, as "findings": [...]. */
static void json_findings(FILE *out, int *f, const struct finding *const *shown,
			  size_t n)
{
	size_t i;

	json_key(out, f, "findings");
	fputc('[', out);
	for (i = 0; i < n; i++) {
		if (i > 0)
			fputc(',', out);
		json_finding(out, shown[i]);
	}
	fputc(']', out);
}

/* file: inspect's certificate file, written first; NULL for a scan's. */
static void json_target(FILE *out, const char *file, int64_t scan_id,
			const struct render_target *rt)
{
	const struct store_target_row *t = rt->row;
	int f = 1;
	size_t i;

	fputc('{', out);
	if (file != NULL)
		json_str(out, &f, "file", file);
	json_target_head(out, &f, scan_id, rt);
	json_key(out, &f, "endpoints");
	fputc('[', out);
	for (i = 0; i < t->probe_count; i++) {
		if (i > 0)
			fputc(',', out);
		json_probe(out, rt, &t->probes[i]);
	}
	fputc(']', out);
	json_key(out, &f, "dns");
	fputc('[', out);
	for (i = 0; i < t->dns_count; i++) {
		if (i > 0)
			fputc(',', out);
		json_dns(out, &t->dns[i]);
	}
	fputc(']', out);
	json_findings(out, &f, rt->shown, rt->nshown);
	fputs("}\n", out);
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

void render_json_self(FILE *out, const struct render_self *s)
{
	int f = 1, v = 1, worst = -1;
	size_t i;

	for (i = 0; i < s->nshown; i++)
		if ((int)s->shown[i]->severity > worst)
			worst = (int)s->shown[i]->severity;
	fputs("{\"self\":{", out);
	json_str(out, &f, "status", render_status_name(s->status));
	json_str(out, &f, "worst_severity",
		 worst >= 0 ? finding_severity_name(worst) : NULL);
	json_key(out, &f, "verify");
	if (s->verify_code >= 0) {
		fputc('{', out);
		json_int(out, &v, "code", s->verify_code);
		json_str(out, &v, "reason", s->verify_reason);
		fputc('}', out);
	} else {
		fputs("null", out);
	}
	json_key(out, &f, "chain");
	json_chain(out, s->chain, s->count);
	json_findings(out, &f, s->shown, s->nshown);
	fputs("}}\n", out);
}
