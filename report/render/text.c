/* text.c: the text report, in the layout of the Lync / Skype for Business
 * certificate-check tools ("Checking FQDN", "Checking IP Address", then one
 * "Label: value" line per fact), so administrators find what they know.
 *
 * A DIR target is one "Checking FQDN: host:port (DIR, line N)" block. An
 * SRV target (FED, SIP, SIPINT) opens with "Target: domain (TYPE, line N)",
 * then one "Checking FQDN: srv-target:port" per SRV route, each followed by
 * one "Checking IP Address" block per address of its pool. The DNS answers
 * a target's discovery used come right under its first line ("DNS: ..."),
 * failed ones too, so a missing pool member is visible with its reason.
 *
 * After each endpoint block a "Comments:" section lists the findings shown
 * for that endpoint, "  [severity] id: message"; after the target's last
 * block one lists the target's own, and a "Result:" line gives the
 * target's status with its counts of errors and warnings (of every
 * finding: the filters shape the lists, not the verdict). --advanced adds
 * the leaf's extensions and --chain each chain item (advanced.c), between
 * the leaf's lines and the comments. Each endpoint that got as far as TLS
 * has a "Client certificate:" line (mutual TLS: did the server ask for
 * ours, which CAs it accepts, what it did with ours). The "Our
 * certificate:" block and `fedcert inspect`'s file block are in
 * text_self.c, one layer up, built from the blocks shared here
 * (render.h).
 *
 * Every block starts with a blank line, which puts exactly one blank line
 * between blocks. Each untrusted string (DNS names and resolver messages
 * included) goes through esc_text() in text_value(), the one place a value
 * is written.
 */
#include "report/render/render.h"

#include <ctype.h>
#include <string.h>

#include "common/utc.h"
#include "report/render/escape.h"

static int is(const char *s, const char *want)
{
	return s != NULL && strcmp(s, want) == 0;
}

/* Shown where a fact is missing (NULL column, negative timing). */

/* Writes an untrusted value, or RENDER_MISSING for NULL. */
static void text_value(FILE *out, const char *s)
{
	render_text_value(out, s);
}

static void text_line(FILE *out, const char *label, const char *s)
{
	fprintf(out, "%s: ", label);
	text_value(out, s);
	fputc('\n', out);
}

/* Milliseconds with one decimal, or RENDER_MISSING when the step did not
 * happen (negative, or a NaN read back from the database). */
static void text_ms(FILE *out, double ms)
{
	if (ms >= 0)
		fprintf(out, "%.1f ms", ms);
	else
		fputs(RENDER_MISSING, out);
}

void render_text_self_breaks(FILE *out, const char *message, time_t when)
{
	char iso[UTC_TEXT_MAX];

	utc_format(when, iso);
	fprintf(out, "OUR CERTIFICATE: federation with every partner breaks "
		     "at our renewal, by %.10s at the latest: ", iso);
	text_value(out, message);
	fputs("\n\n", out);
}

void render_text_scan(FILE *out, const struct store_scan_row *scan)
{
	fprintf(out, "fedcert report: scan %lld", (long long)scan->id);
	if (scan->input != NULL) {
		fputs(" of ", out);
		text_value(out, scan->input);
	}
	fputs(", started ", out);
	text_value(out, scan->started);
	if (scan->finished != NULL) {
		fputs(", finished ", out);
		text_value(out, scan->finished);
	} else {
		fputs(", not finished", out);
	}
	fputs(" (", out);
	text_value(out, scan->status);
	fputs(")\n", out);
}

void render_text_profile(FILE *out, enum report_profile p)
{
	fprintf(out, "Profile: %s (%s)\n", report_profile_name(p),
		report_profile_title(p));
}

static int text_is_dir(const struct store_target_row *t)
{
	return t->type != NULL && strcmp(t->type, "DIR") == 0;
}

/* A host or address, bracketed when it is an IPv6 literal so that the
 * ":port" after it stays readable. */
static void text_host(FILE *out, const char *host)
{
	int bracket = host != NULL && strchr(host, ':') != NULL;

	if (bracket)
		fputc('[', out);
	text_value(out, host);
	if (bracket)
		fputc(']', out);
}

/* "Checking FQDN: sip.example.com:5061 (DIR, line 2)" for a DIR target,
 * which names its port; "Target: example.com (FED, line 3)" for an SRV
 * type, whose hosts and ports come from DNS and get their own "Checking
 * FQDN" lines. */
static void text_target_head(FILE *out, const struct store_target_row *t)
{
	if (text_is_dir(t)) {
		fputs("\nChecking FQDN: ", out);
		text_host(out, t->domain);
		fprintf(out, ":%d", t->port);
	} else {
		fputs("\nTarget: ", out);
		text_value(out, t->domain);
	}
	fputs(" (", out);
	text_value(out, t->type);
	fprintf(out, ", line %ld)\n", t->line);
}

/* An SRV number, RENDER_MISSING when unused (-1). */
static void text_dns_number(FILE *out, const char *label, int v)
{
	if (v >= 0)
		fprintf(out, "%s %d", label, v);
	else
		fprintf(out, "%s " RENDER_MISSING, label);
}

/* "  priority 0 weight 100 port 5061 sip.example.com". RFC 2782's "."
 * target (the root name, which a resolver may also hand over as "") says
 * the service is decidedly not available there: say so in words. */
static void text_dns_srv_record(FILE *out, const struct store_dns_record_row *r)
{
	int root = r->target != NULL &&
		   (strcmp(r->target, ".") == 0 || r->target[0] == '\0');

	text_dns_number(out, "  priority", r->priority);
	text_dns_number(out, " weight", r->weight);
	text_dns_number(out, " port", r->port);
	fputc(' ', out);
	if (root)
		fputs(". (service decidedly not available)", out);
	else
		text_value(out, r->target);
	if (r->ttl >= 0)
		fprintf(out, " (ttl %ld)", r->ttl);
	fputc('\n', out);
}

/* " 127.0.0.2, 127.0.0.3 (ttl 300)": one TTL for the set when the records
 * share it (an RRset should), else each address with its own. */
static void text_dns_addresses(FILE *out, const struct store_dns_answer_row *a)
{
	long ttl = a->count > 0 ? a->records[0].ttl : -1;
	int shared = 1;
	size_t i;

	for (i = 1; i < a->count; i++)
		if (a->records[i].ttl != ttl)
			shared = 0;
	for (i = 0; i < a->count; i++) {
		fputs(i == 0 ? " " : ", ", out);
		text_value(out, a->records[i].address);
		if (!shared && a->records[i].ttl >= 0)
			fprintf(out, " (ttl %ld)", a->records[i].ttl);
	}
	if (shared && ttl >= 0)
		fprintf(out, " (ttl %ld)", ttl);
}

/* "DNS: name TYPE RCODE", then the addresses (A, AAAA) on the same line or
 * the SRV records one per line under it; "(no data)" for an empty NOERROR,
 * the resolver's reason for a failure, "(from hosts)" when DNS was not
 * asked. */
static void text_dns(FILE *out, const struct store_dns_answer_row *a)
{
	int is_srv = a->type != NULL && strcmp(a->type, "SRV") == 0;
	size_t i;

	fputs("DNS: ", out);
	text_value(out, a->name);
	fputc(' ', out);
	text_value(out, a->type);
	fputc(' ', out);
	text_value(out, a->rcode);
	if (a->count == 0 && render_dns_is_answer(a))
		fputs(" (no data)", out);
	else if (!is_srv)
		text_dns_addresses(out, a);
	if (a->reason != NULL) {
		fputs(" (", out);
		text_value(out, a->reason);
		fputc(')', out);
	}
	if (a->source != NULL && strcmp(a->source, "dns") != 0) {
		fputs(" (from ", out);
		text_value(out, a->source);
		fputc(')', out);
	}
	fputc('\n', out);
	for (i = 0; is_srv && i < a->count; i++)
		text_dns_srv_record(out, &a->records[i]);
}

/* The target's own error: its reason, or its kind in parentheses when no
 * reason was recorded. */
static void text_target_error(FILE *out, const struct store_target_row *t)
{
	fputs("Error: ", out);
	if (t->error_reason != NULL) {
		text_value(out, t->error_reason);
	} else if (t->error_kind != NULL) {
		fputc('(', out);
		text_value(out, t->error_kind);
		fputc(')', out);
	} else {
		fputs(RENDER_NO_PROBE_REASON, out);
	}
	fputc('\n', out);
}

static void text_verify(FILE *out, const struct store_probe_row *p)
{
	fputs("Chain Verification: ", out);
	if (p->verify_code == 0) {
		fputs("OK", out);
	} else if (p->verify_code < 0) {
		fputs("not verified", out);
	} else {
		fputs("Failed: ", out);
		text_value(out, p->verify_reason);
		fprintf(out, " (%ld)", p->verify_code);
	}
	fputc('\n', out);
}

/* The leaf's facts. The thumbprint is Windows' SHA-1, in its uppercase. */
static void text_cert(FILE *out, const struct store_cert_row *c)
{
	char thumb[sizeof c->sha1];

	hex_thumbprint(c->sha1, thumb);
	text_line(out, "Subject", c->subject);
	text_line(out, "Issuer", c->issuer);
	text_line(out, "Not Before", c->not_before);
	text_line(out, "Not After", c->not_after);
	text_line(out, "Serial Number", c->serial);
	text_line(out, "Signature Algorithm",
		  render_sigalg_windows(c->sig_alg));
	text_line(out, "Thumbprint", thumb[0] != '\0' ? thumb : NULL);
	if (c->x509_version > 0)
		fprintf(out, "Version: V%d\n", c->x509_version);
	else
		fputs("Version: " RENDER_MISSING "\n", out);
	fputs("Public Key: ", out);
	text_value(out, c->key_type);
	if (c->key_bits > 0)
		fprintf(out, " %d bits", c->key_bits);
	fputc('\n', out);
}

/* "Checking IP Address", the SNI and, for a failed probe, its error right
 * under them, where the administrator looks first. */
static void text_probe_address(FILE *out, const struct store_probe_row *p)
{
	fputs("\nChecking IP Address: ", out);
	text_host(out, p->address);
	fprintf(out, ":%d\n", p->port);
}

static void text_probe_head(FILE *out, const struct store_probe_row *p)
{
	fputs("SNI: ", out);
	if (p->sni != NULL)
		text_value(out, p->sni);
	else
		fputs("(none)", out);
	fputc('\n', out);
	if (p->error_kind == NULL)
		return;
	fputs("Error: ", out);
	text_value(out, p->error_kind);
	if (p->error_reason != NULL) {
		fputs(" (", out);
		text_value(out, p->error_reason);
		fputc(')', out);
	}
	fputc('\n', out);
}

/* "  [error] name_mismatch: message" for each shown finding about probe
 * (NULL: the target's own), under "Comments:"; nothing when none. lead is
 * written before the heading (a blank line for the target's section). */
void render_text_comments(FILE *out, const struct render_target *rt,
			  const struct store_probe_row *probe, const char *lead)
{
	const struct finding *f;
	int any = 0;
	size_t i;

	for (i = 0; i < rt->nshown; i++) {
		f = rt->shown[i];
		if (f->probe != probe)
			continue;
		if (!any++)
			fprintf(out, "%sComments:\n", lead);
		fprintf(out, "  [%s] ", finding_severity_name(f->severity));
		text_value(out, f->def != NULL ? f->def->id : NULL);
		fputs(": ", out);
		text_value(out, f->message);
		fputc('\n', out);
	}
}

void render_text_chain_facts(FILE *out, const struct render_text_options *o,
			     const struct store_probe_row *p)
{
	text_verify(out, p);
	fprintf(out, "Chain Length: %zu\n", p->chain_len);
	if (p->chain_len == 0)
		return;
	text_cert(out, &p->chain[0]);
	if (o->advanced)
		render_text_extensions(out, &p->chain[0]);
	if (o->chain)
		render_text_chain(out, p, o->trust);
}

/* ---- Pool members alike ------------------------------------------------ */

/* The same chain, certificate by certificate. */
static int text_same_chain(const struct store_probe_row *p,
			   const struct store_probe_row *q)
{
	size_t i;

	if (p->chain_len != q->chain_len)
		return 0;
	for (i = 0; i < p->chain_len; i++)
		if (strcmp(p->chain[i].sha256, q->chain[i].sha256) != 0)
			return 0;
	return 1;
}

/* Two messages alike but for the endpoint each names ("could not connect
 * to 192.0.2.1:5061"): ea and eb, each non-empty, as
 * render_endpoint_text() writes them. */
static int text_same_message(const char *a, const char *ea, const char *b,
			     const char *eb)
{
	const char *xa, *xb;

	if (a == NULL || b == NULL)
		return a == b;
	for (;;) {
		xa = strstr(a, ea);
		xb = strstr(b, eb);
		if (xa == NULL || xb == NULL)
			return xa == xb && strcmp(a, b) == 0;
		if (xa - a != xb - b || strncmp(a, b, (size_t)(xa - a)) != 0)
			return 0;
		a = xa + strlen(ea);
		b = xb + strlen(eb);
	}
}

/* The same shown findings, in the same order, with the same words but
 * for the endpoint they name. */
static int text_same_findings(const struct render_target *rt,
			      const struct store_probe_row *p,
			      const struct store_probe_row *q)
{
	char ep[RENDER_ENDPOINT_MAX], eq[RENDER_ENDPOINT_MAX];
	size_t i = 0, j = 0;

	render_endpoint_text(p->address, p->port, ep);
	render_endpoint_text(q->address, q->port, eq);

	for (;;) {
		while (i < rt->nshown && rt->shown[i]->probe != p)
			i++;
		while (j < rt->nshown && rt->shown[j]->probe != q)
			j++;
		if (i == rt->nshown || j == rt->nshown)
			return i == rt->nshown && j == rt->nshown;
		if (rt->shown[i]->def != rt->shown[j]->def ||
		    rt->shown[i]->severity != rt->shown[j]->severity ||
		    !text_same_message(rt->shown[i]->message, ep,
				       rt->shown[j]->message, eq))
			return 0;
		i++;
		j++;
	}
}

/* Two members of one pool that an administrator would read as one: the
 * same name sent, the same chain, the same outcome of the handshake and
 * of our certificate, and the same findings said the same way. Only the
 * address and the timings differ, so they share one block. */
static int text_same_result(const struct render_target *rt,
			    const struct store_probe_row *p,
			    const struct store_probe_row *q)
{
	return p->port == q->port && render_same_str(p->via, q->via) &&
	       render_same_str(p->sni, q->sni) &&
	       render_same_str(p->error_kind, q->error_kind) &&
	       render_same_str(p->error_reason, q->error_reason) &&
	       render_same_str(p->tls_version, q->tls_version) &&
	       render_same_str(p->cipher, q->cipher) &&
	       p->verify_code == q->verify_code &&
	       p->cc_requested == q->cc_requested &&
	       p->cc_presented == q->cc_presented &&
	       render_same_str(p->cc_outcome, q->cc_outcome) &&
	       render_same_str(p->cc_alert, q->cc_alert) &&
	       render_same_sip(p->sip, q->sip) &&
	       text_same_chain(p, q) && text_same_findings(rt, p, q);
}

/* Whether an earlier probe of the target already showed p in its block. */
static int text_shown_before(const struct render_target *rt, size_t i)
{
	const struct store_probe_row *probes = rt->row->probes;
	size_t j;

	for (j = 0; j < i; j++)
		if (text_same_result(rt, &probes[j], &probes[i]))
			return 1;
	return 0;
}

/* "Same chain and result: 192.0.2.2:5061, 192.0.2.3:5061 (3 pool
 * members)" under the block of the i-th probe, naming the later members
 * it stands for; nothing when there are none. */
static void text_members(FILE *out, const struct render_target *rt, size_t i)
{
	const struct store_probe_row *probes = rt->row->probes;
	size_t j, n = 0;

	for (j = i + 1; j < rt->row->probe_count; j++) {
		if (!text_same_result(rt, &probes[i], &probes[j]))
			continue;
		fputs(n++ == 0 ? "Same chain and result: " : ", ", out);
		text_host(out, probes[j].address);
		fprintf(out, ":%d", probes[j].port);
	}
	if (n > 0)
		fprintf(out, " (%zu pool members in this block)\n", n + 1);
}

/* "SIP OPTIONS: 200 OK, 12.3 ms (Server: ...)", or what came instead;
 * nothing when none was sent (scan without --sip-options). */
static void text_sip(FILE *out, const struct store_sip_row *s)
{
	if (s == NULL)
		return;
	fputs("SIP OPTIONS: ", out);
	if (s->status > 0) {
		fprintf(out, "%d ", s->status);
		render_text_value(out, s->reason);
		fputs(", ", out);
		text_ms(out, s->rtt_ms);
	} else {
		fputs("no final response (", out);
		render_text_value(out, s->error);
		fputc(')', out);
	}
	if (s->server != NULL || s->user_agent != NULL) {
		fputs(s->server ? " (Server: " : " (User-Agent: ", out);
		render_text_value(out, s->server ? s->server : s->user_agent);
		fputc(')', out);
	}
	fputc('\n', out);
}

/* A failed probe shows only what it still got: the connect time once the
 * connection was made, whether the server asked for our certificate, and
 * the chain when one was captured before the failure (an alert after the
 * Certificate message). */
static void text_probe_facts(FILE *out, const struct render_text_options *o,
			     const struct render_target *rt, size_t i)
{
	const struct store_probe_row *p = &rt->row->probes[i];
	int failed = p->error_kind != NULL;

	text_probe_address(out, p);
	text_members(out, rt, i);
	text_probe_head(out, p);
	if (!failed || p->connect_ms >= 0) {
		fputs("Connect: ", out);
		text_ms(out, p->connect_ms);
		fputs(", Handshake: ", out);
		text_ms(out, p->handshake_ms);
		fputc('\n', out);
	}
	if (failed && p->chain_len == 0) {
		if (p->cc_requested)
			render_text_client_cert(out, p);
		return;
	}
	text_line(out, "TLS Version", p->tls_version);
	text_line(out, "Cipher", p->cipher);
	render_text_client_cert(out, p);
	text_sip(out, p->sip);
	render_text_chain_facts(out, o, p);
}

/* The i-th probe's block, standing for the later members of its pool
 * alike (text_same_result()); nothing when an earlier block stands for
 * it. */
static void text_probe(FILE *out, const struct render_text_options *o,
		       const struct render_target *rt, size_t i)
{
	const struct store_probe_row *p = &rt->row->probes[i];

	if (text_shown_before(rt, i))
		return;
	text_probe_facts(out, o, rt, i);
	render_text_comments(out, rt, p, "");
}

/* Whether p reached its endpoint the way q did: same host, same port. */
static int text_same_route(const struct store_probe_row *p,
			   const struct store_probe_row *q)
{
	if (p->port != q->port)
		return 0;
	if (p->via == NULL || q->via == NULL)
		return p->via == q->via;
	return strcmp(p->via, q->via) == 0;
}

/* "Checking FQDN: sip.example.com:5061 (SRV priority 0, weight 100)". */
static void text_route_head(FILE *out, const struct store_probe_row *p)
{
	fputs("\nChecking FQDN: ", out);
	text_host(out, p->via);
	fprintf(out, ":%d", p->port);
	if (p->srv_name != NULL && p->srv_priority >= 0)
		fprintf(out, " (SRV priority %d, weight %d)", p->srv_priority,
			p->srv_weight);
	fputc('\n', out);
}

/* One "Checking FQDN" per distinct (host, port), in the store's order
 * (priority, weight, host, ...), then that route's pool. The store keeps a
 * route's probes together except when one host serves several ports at the
 * same priority and weight; the look-back handles that. It is quadratic
 * in a target's probes, which the scanner caps (SRV targets per name times
 * addresses per host, fedcert_limits.h). */
static void text_srv_probes(FILE *out, const struct render_text_options *o,
			    const struct render_target *rt)
{
	const struct store_target_row *t = rt->row;
	size_t i, j;
	int seen;

	for (i = 0; i < t->probe_count; i++) {
		seen = 0;
		for (j = 0; j < i && !seen; j++)
			seen = text_same_route(&t->probes[j], &t->probes[i]);
		if (seen)
			continue;
		text_route_head(out, &t->probes[i]);
		for (j = i; j < t->probe_count; j++)
			if (text_same_route(&t->probes[i], &t->probes[j]))
				text_probe(out, o, rt, j);
	}
}

/* "1 error", "2 warnings". */
static void text_count(FILE *out, size_t n, const char *what)
{
	fprintf(out, "%zu %s%s", n, what, n == 1 ? "" : "s");
}

/* "Result: FAIL (2 errors, 1 warning) — contoso.test": the status and
 * counts of every finding, shown or not. */
void render_text_result(FILE *out, const struct render_target *rt)
{
	size_t i, errors = 0, warnings = 0;

	for (i = 0; i < rt->all->count; i++) {
		if (rt->all->items[i].severity == SEVERITY_ERROR)
			errors++;
		else if (rt->all->items[i].severity == SEVERITY_WARNING)
			warnings++;
	}
	fprintf(out, "Result: %s (", render_status_name(rt->status));
	text_count(out, errors, "error");
	fputs(", ", out);
	text_count(out, warnings, "warning");
	fputs(") \xE2\x80\x94 ", out); /* U+2014, an em dash */
	text_value(out, rt->row->domain);
	fputc('\n', out);
}

void render_text_target(FILE *out, const struct render_text_options *o,
			const struct render_target *rt)
{
	const struct store_target_row *t = rt->row;
	size_t i;

	text_target_head(out, t);
	for (i = 0; i < t->dns_count; i++)
		text_dns(out, &t->dns[i]);
	/* A target can have probes and an error (one address family failed
	 * to resolve); show the error whenever there is one. */
	if (t->probe_count == 0 || t->error_kind != NULL ||
	    t->error_reason != NULL)
		text_target_error(out, t);
	if (!text_is_dir(t)) {
		text_srv_probes(out, o, rt);
	} else {
		for (i = 0; i < t->probe_count; i++)
			text_probe(out, o, rt, i);
	}
	render_text_comments(out, rt, NULL, "\n");
	/* Right under the target's comments, or a block of its own. */
	if (render_worst_shown_of(rt, NULL) < 0)
		fputc('\n', out);
	render_text_result(out, rt);
}

void render_text_input_error_heading(FILE *out)
{
	fputs("\nInput errors:\n", out);
}

void render_text_input_error(FILE *out, const char *input,
			     const struct store_input_error_row *e)
{
	text_value(out, input);
	fprintf(out, ":%ld: ", e->line);
	text_value(out, e->reason);
	fputc('\n', out);
}

/* " (acceptable CAs: CN=A,O=X, CN=B)" or " (no acceptable CA named)". */
static void text_ca_names(FILE *out, const struct store_probe_row *p)
{
	size_t i;

	if (p->ca_count == 0) {
		fputs(" (no acceptable CA named)", out);
		return;
	}
	fputs(" (acceptable CAs: ", out);
	for (i = 0; i < p->ca_count; i++) {
		if (i > 0)
			fputs(", ", out);
		render_text_value(out, p->ca_names[i]);
	}
	fputc(')', out);
}

/* What the server did after our answer: ours refused, or the handshake
 * ended because we sent none, or it went on. */
static void text_cc_outcome(FILE *out, const struct store_probe_row *p)
{
	const char *verb = p->cc_presented ? "refused" : "ended";

	if (is(p->cc_outcome, "accepted")) {
		fputs(p->cc_presented ? "; accepted" : "; went on without one",
		      out);
	} else if (is(p->cc_outcome, "alert")) {
		fprintf(out, "; %s with alert ", verb);
		render_text_value(out, p->cc_alert);
	} else if (is(p->cc_outcome, "closed")) {
		fprintf(out, "; %s: the server closed the connection", verb);
	} else if (finding_cc_required(p)) {
		fputs("; ended: ", out);
		render_text_value(out, p->error_kind);
	} else if (p->cc_outcome != NULL) {
		fputs("; outcome ", out);
		render_text_value(out, p->cc_outcome);
	}
}

void render_text_client_cert(FILE *out, const struct store_probe_row *p)
{
	fputs("Client certificate: ", out);
	if (!p->cc_requested) {
		fputs("not requested\n", out);
		return;
	}
	fputs("requested", out);
	text_ca_names(out, p);
	fputs(p->cc_presented ? "; ours presented" : "; none presented", out);
	text_cc_outcome(out, p);
	fputc('\n', out);
}
