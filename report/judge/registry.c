/* registry.c: the registry of findings (every id, its severity, whether
 * it is about a target or an endpoint, and why it matters), the finding
 * list, and the messages the checks build: the bottom of judge/, which
 * every check writes into and the judge above them never re-enters.
 */
#include "report/judge/findings.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report/judge/findings_int.h"
#include "report/judge/x509.h"

#define E SEVERITY_ERROR
#define W SEVERITY_WARNING
#define I SEVERITY_INFO

/* The order here is the order of `fedcert findings` and of the findings of
 * one endpoint (then of one target) in every report. Ids are a contract:
 * add, never rename. */
static const struct finding_def registry[] = {
	/* Per endpoint: reaching it. */
	{ "connect_failed", E, 0,
	  "No TCP connection could be made to the endpoint, so partners' servers cannot reach it either: check the firewall, the published address and that the Edge service listens on the port." },
	{ "handshake_failed", E, 0,
	  "The TCP connection opened but the TLS handshake did not complete (an alert, a reset, a timeout, or something other than TLS on the port), so no SIP traffic can flow." },
	/* Per endpoint: the name. */
	{ "name_match", I, 0,
	  "The name partners connect to (the SRV target or host name) is on the certificate, which is what their TLS name check requires." },
	{ "name_mismatch", E, 0,
	  "The certificate does not carry the name it was reached by (in its Subject Alternative Names, or in its Common Name when it has no DNS name at all; under --profile rfc5922 the SIP domain itself, from a sip: URI first), so every federating server rejects it." },
	{ "wildcard_name", W, 0,
	  "The name is matched only through a wildcard, and the Skype for Business / Lync Access Edge does not support wildcard certificates for federation: use a certificate that lists the FQDN (--profile sfb; Direct Routing accepts it, RFC 5922 does not)." },
	/* Per endpoint: the dates. */
	{ "expired", E, 0,
	  "An expired certificate fails validation at every partner: federation with this endpoint is down until it is renewed." },
	{ "not_yet_valid", E, 0,
	  "A certificate whose validity has not begun fails validation exactly like an expired one (often a premature installation or a wrong clock on the CA)." },
	{ "expires_soon", W, 0,
	  "The certificate expires within the warning window: renew it and install the new one before partners start failing the handshake." },
	/* Per endpoint: what the leaf may be used for. */
	{ "no_server_auth_eku", E, 0,
	  "The leaf restricts its Enhanced Key Usage and leaves out Server Authentication, so TLS clients (Schannel, OpenSSL) refuse it as a server certificate." },
	{ "no_client_auth_eku", E, 0,
	  "Federation is mutual TLS: the Edge presents the same certificate as a client when it connects out, which needs Client Authentication in the EKU, and many public CAs stopped including it by default in 2025-26." },
	/* Per endpoint: the chain. */
	{ "untrusted_chain", E, 0,
	  "The chain does not verify to a trusted root, so partners (who all validate it) refuse the connection; OpenSSL's reason says what failed." },
	{ "self_signed", E, 0,
	  "A self-signed certificate is trusted only where someone imported it by hand; federation needs a certificate from a CA the partners trust." },
	{ "incomplete_chain", E, 0,
	  "The server does not send the intermediate certificate between its own and the root, and a partner that does not happen to have it cannot build the chain: install the intermediate on the server." },
	{ "chain_misordered", W, 0,
	  "The certificates are not sent in order (each followed by its issuer); most clients cope, but stricter ones fail to build the chain." },
	{ "root_sent", I, 0,
	  "The server sends the root certificate itself, which a partner must already trust anyway: it only makes every handshake larger." },
	{ "chain_too_large", E, 0,
	  "The server sends more certificates, or more bytes of them, than any real chain needs (fedcert keeps 32 certificates and accepts 256 KB): a misconfigured or hostile server, and clients with smaller limits fail the handshake." },
	{ "weak_signature", E, 0,
	  "A certificate below the root is signed with SHA-1 or MD5, which can be forged and which current clients reject." },
	{ "weak_key", E, 0,
	  "A key under 2048-bit RSA (or 256-bit EC) can be broken, and current TLS libraries refuse it at their default security level." },
	/* Per endpoint: the protocol and revocation. */
	{ "legacy_tls", W, 0,
	  "The server negotiated TLS 1.0 or 1.1, which are deprecated (RFC 8996) and disabled by default on current Windows and OpenSSL, so partners may fail to connect: enable TLS 1.2." },
	{ "no_crl_distribution_point", W, 0,
	  "Without a CRL Distribution Point a partner can fetch (an http URL, or ldap with a host), partners that check revocation (Schannel does by default) cannot, and may delay or refuse the connection." },
	{ "no_ocsp", I, 0,
	  "Without an OCSP responder in the Authority Information Access, revocation can only be checked by downloading CRLs." },
	{ "long_validity", I, 0,
	  "The leaf is valid for more than 398 days, longer than the public root programs allow for a publicly trusted certificate: clients may reject it." },
	/* Per endpoint: what is scheduled (data/trust-events.csv). */
	{ "client_auth_lost_at_renewal", W, 0,
	  "The leaf carries Client Authentication, but its CA has announced that it stops issuing it on a date: the first renewal after that date comes without it, and mutual TLS federation with this Edge stops that day although the scan says PASS until then." },
	{ "chain_distrust_scheduled", W, 0,
	  "A root program has announced that it distrusts this CA's certificates issued after a date, or removes the chain's root, so this chain (or its next renewal from the same CA) fails validation from that date on." },
	{ "issuer_expires_before_leaf", W, 0,
	  "A CA certificate of the chain expires before the leaf does: from that day the chain no longer verifies unless the server is given the CA's renewed certificate." },
	/* Per endpoint: mutual TLS. */
	{ "client_cert_requested", I, 0,
	  "The server asks connecting servers for their certificate, as a federation Edge does (mutual TLS): the CAs it names are those whose certificates it accepts, and an empty list means any CA it trusts." },
	{ "client_cert_required", I, 0,
	  "The server ends the handshake when a connecting server presents no certificate, as a federation Edge should; its own chain was captured and judged: scan with --client-cert to test ours against it." },
	{ "partner_rejects_our_certificate", E, 0,
	  "The partner refused the certificate our Edge presents, so federation from us to it fails however good its own certificate is: the alert it sent says why (often a root it lacks, or our missing Client Authentication EKU)." },
	{ "partner_ca_list_excludes_our_root", W, 0,
	  "The partner names the CAs it accepts client certificates from and none of them is in our chain, so a partner that enforces its list (Schannel does when it sends one) refuses our certificate: it has to add our root." },
	/* Per endpoint: SIP over the session (scan --sip-options). */
	{ "sip_not_answering", E, 0,
	  "The TLS session came up but nothing answered our SIP OPTIONS before the deadline (or the connection closed): a TLS terminator or load balancer in front of no SIP service, or an Edge that drops what it will not serve, so federation fails although the certificate is fine." },
	{ "sip_not_sip", E, 0,
	  "What came back over the federation TLS session is not SIP (a web server, binary, a request instead of a response): the port does not lead to a SIP server." },
	{ "sip_rejected", E, 0,
	  "The partner's server answered our OPTIONS with a failure: its ms-diagnostics code (only the -public one crosses a federation boundary) usually says why, such as 1047 when it does not trust our certificate's CA." },
	{ "sip_server", I, 0,
	  "The product and version the partner's SIP server names in its Server or User-Agent header: what to name on the phone with its administrator." },
	{ "sip_product_out_of_support", W, 0,
	  "The partner's SIP server names a product whose vendor support has ended (Lync Server 2010 and 2013, Skype for Business Server 2015): it gets no security updates, and federation with it is at the mercy of its next failure." },
	/* Per target: DNS. */
	{ "srv_missing", E, 1,
	  "The domain publishes no SRV record for the service (or does not exist), so partners that use DNS discovery cannot find its Edge." },
	{ "srv_not_available", W, 1,
	  "The SRV record's target is \".\", the domain's way of saying the service is decidedly not offered (RFC 2782): discovery-based federation will not reach it." },
	{ "dns_error", E, 1,
	  "A DNS lookup failed instead of answering (SERVFAIL, timeout, refused, ...), so partners' discovery fails too, or works only by luck of their resolver." },
	{ "host_unresolved", E, 1,
	  "An SRV target or host name has no A or AAAA record, so nothing can connect to it." },
	{ "srv_target_outside_domain", W, 1,
	  "Discovery trusts an SRV target only within the SIP domain (sip.contoso.com for contoso.com); a target elsewhere works only where our Edge is configured for it: on a known hosting provider's pool (Microsoft 365's sipfed.online.lync.com) an info naming the provider and that configuration (--profile sfb)." },
	/* Per target: the pool. */
	{ "pool_inconsistent", W, 1,
	  "The members of one DNS load-balanced pool differ in a way that changes what partners get (a node not renewed, a name or an error on some nodes only, another root, different SIP answers), so whether a partner connects depends on which node it reaches; nodes that each hold a different but equally good certificate are said at info level." },
	{ "pool_partial_failure", E, 1,
	  "Some members of one pool fail while others answer, so partners' connections fail intermittently, depending on the address they pick." },
	/* Per target: what the scan did not get to. */
	{ "not_probed", W, 1,
	  "The target was read but nothing about it was learned (the scan was interrupted before it, our resolver or our network failed, or this version could not look it up): it has not been checked, whatever its status says otherwise; not the partner's failure." },
};

#undef E
#undef W
#undef I

#define REGISTRY_COUNT (sizeof registry / sizeof registry[0])

const struct finding_def *findings_registry(size_t *count)
{
	*count = REGISTRY_COUNT;
	return registry;
}

const struct finding_def *findings_lookup(const char *id)
{
	size_t i;

	for (i = 0; id != NULL && i < REGISTRY_COUNT; i++)
		if (strcmp(registry[i].id, id) == 0)
			return &registry[i];
	return NULL;
}

static const char *const severity_names[] = { "info", "warning", "error" };

const char *finding_severity_name(enum finding_severity s)
{
	if ((int)s < 0 || (size_t)s >= sizeof severity_names / sizeof *severity_names)
		return "unknown";
	return severity_names[s];
}

int finding_severity_parse(const char *name, enum finding_severity *out)
{
	size_t i;

	for (i = 0; name != NULL && i < 3; i++) {
		if (strcasecmp(name, severity_names[i]) == 0) {
			*out = (enum finding_severity)i;
			return 0;
		}
	}
	return -1;
}

/* ---- The profiles ----------------------------------------------------- */

static const char *const profile_names[REPORT_NPROFILES] = {
	"sfb", "teams-dr", "rfc5922"
};

const char *report_profile_title(enum report_profile p)
{
	static const char *const titles[REPORT_NPROFILES] = {
		"Skype for Business / Lync Edge federation",
		"Teams Direct Routing", "RFC 5922 SIP domain certificates"
	};

	if ((int)p < 0 || (int)p >= REPORT_NPROFILES)
		return "unknown";
	return titles[p];
}

const char *report_profile_name(enum report_profile p)
{
	if ((int)p < 0 || (int)p >= REPORT_NPROFILES)
		return "unknown";
	return profile_names[p];
}

int report_profile_parse(const char *name, enum report_profile *out)
{
	int i;

	for (i = 0; name != NULL && i < REPORT_NPROFILES; i++) {
		if (strcasecmp(name, profile_names[i]) == 0) {
			*out = (enum report_profile)i;
			return 0;
		}
	}
	return -1;
}

/* ---- The list --------------------------------------------------------- */

void finding_list_free(struct finding_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->count; i++)
		free(l->items[i].message);
	free(l->items);
	l->items = NULL;
	l->count = l->cap = 0;
}

int finding_list_worst(const struct finding_list *l)
{
	int worst = -1;
	size_t i;

	for (i = 0; l != NULL && i < l->count; i++)
		if ((int)l->items[i].severity > worst)
			worst = (int)l->items[i].severity;
	return worst;
}

static int list_push(struct finding_list *l, const struct finding_def *def,
		     enum finding_severity sev,
		     const struct store_probe_row *probe, char *message)
{
	if (l->count == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct finding *items = realloc(l->items, cap * sizeof *items);

		if (items == NULL)
			return -1;
		l->items = items;
		l->cap = cap;
	}
	l->items[l->count++] = (struct finding){ .def = def, .severity = sev,
						  .message = message,
						  .probe = probe };
	return 0;
}

int finding_add_msg(struct finding_list *l, const char *id,
		    enum finding_severity sev,
		    const struct store_probe_row *probe, struct msg *m)
{
	const struct finding_def *def = findings_lookup(id);
	char *text = msg_take(m);

	if (def == NULL || text == NULL || list_push(l, def, sev, probe, text)) {
		free(text);
		return -1;
	}
	return 0;
}

int finding_add_copy(struct finding_list *l, const struct finding_def *def,
		     enum finding_severity sev,
		     const struct store_probe_row *probe, const char *message)
{
	char *text = strdup(message != NULL ? message : "");

	if (text == NULL || list_push(l, def, sev, probe, text) != 0) {
		free(text);
		return -1;
	}
	return 0;
}

int finding_add(struct finding_list *l, const char *id,
		enum finding_severity sev, const struct store_probe_row *probe,
		const char *fmt, ...)
{
	struct msg m = { 0 };
	va_list ap;

	va_start(ap, fmt);
	msg_vadd(&m, fmt, ap);
	va_end(ap);
	return finding_add_msg(l, id, sev, probe, &m);
}

/* ---- Messages --------------------------------------------------------- */

void msg_vadd(struct msg *m, const char *fmt, va_list ap)
{
	char buf[FINDING_MESSAGE_MAX + 1];
	size_t room, n;
	int len;

	if (m->oom || m->truncated)
		return;
	len = vsnprintf(buf, sizeof buf, fmt, ap);
	if (len < 0)
		return;
	if (m->data == NULL) {
		m->data = malloc(FINDING_MESSAGE_MAX + 4);
		if (m->data == NULL) {
			m->oom = 1;
			return;
		}
		m->cap = FINDING_MESSAGE_MAX + 4;
		m->data[0] = '\0';
	}
	room = FINDING_MESSAGE_MAX - m->len;
	n = (size_t)len < sizeof buf ? (size_t)len : sizeof buf - 1;
	if (n > room) {
		n = room;
		m->truncated = 1;
	}
	memcpy(m->data + m->len, buf, n);
	m->len += n;
	if (m->truncated) {
		memcpy(m->data + m->len, "...", 3);
		m->len += 3;
	}
	m->data[m->len] = '\0';
}

void msg_add(struct msg *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vadd(m, fmt, ap);
	va_end(ap);
}

void msg_add_list(struct msg *m, char *const *items, size_t count)
{
	size_t i;

	for (i = 0; i < count && i < FINDING_LIST_SHOWN; i++)
		msg_add(m, "%s%s", i ? ", " : "", items[i]);
	if (count > FINDING_LIST_SHOWN)
		msg_add(m, " (%zu more)", count - FINDING_LIST_SHOWN);
}

char *msg_take(struct msg *m)
{
	char *text = m->oom ? NULL : m->data;
	char *fit;

	if (!m->oom && text == NULL)
		text = calloc(1, 1);
	/* Built in room for the longest message; kept at its own size (a
	 * report holds tens of thousands). */
	if (!m->oom && m->data != NULL &&
	    (fit = realloc(m->data, m->len + 1)) != NULL)
		text = fit;
	if (m->oom)
		free(m->data);
	memset(m, 0, sizeof *m);
	return text;
}

void msg_free(struct msg *m)
{
	free(m->data);
	memset(m, 0, sizeof *m);
}

/* ---- Judging ---------------------------------------------------------- */

void judge_cert_label(const struct probe_judge *j, size_t i, char *buf,
		      size_t len)
{
	const char *subject = i < j->probe->chain_len ?
				      j->probe->chain[i].subject : NULL;
	char *decoded = NULL;

	if (subject == NULL && i < j->ncerts && j->certs[i] != NULL)
		subject = decoded = cert_name_text(
			X509_get_subject_name(j->certs[i]));
	if (i == 0)
		snprintf(buf, len, "the leaf (%s)",
			 subject ? subject : "subject unknown");
	else
		snprintf(buf, len, "chain certificate %zu (%s)", i,
			 subject ? subject : "subject unknown");
	free(decoded);
}

int judge_warn_days(int asked)
{
	return asked > 0 ? asked : FC_WARN_DAYS_DEFAULT;
}
