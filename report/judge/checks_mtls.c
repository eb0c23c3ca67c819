/* checks_mtls.c: the per-endpoint findings of mutual TLS: the server
 * asked for our certificate (client_cert_requested), required one when we
 * sent none (client_cert_required), refused ours
 * (partner_rejects_our_certificate), or names acceptable CAs none of which
 * is in our chain (partner_ca_list_excludes_our_root).
 *
 * The facts are the scanner's (store.h, struct store_probe_row): whether a
 * CertificateRequest came, its CA names (RFC 2253, as the store writes
 * certificate subjects), whether we presented a certificate, and how the
 * server answered (cc_outcome, cc_alert: OpenSSL's long alert name).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report/judge/findings_int.h"
#include "report/judge/x509.h"

static int is(const char *s, const char *want)
{
	return s != NULL && strcmp(s, want) == 0;
}

/* The server's answer ended the exchange: an alert, or a close. */
static int outcome_ended(const struct store_probe_row *p)
{
	return is(p->cc_outcome, "alert") || is(p->cc_outcome, "closed");
}

/* A probe recorded before the outcome was known (or by a scanner that
 * could not tell) still shows the ending in its failure kind; it counts
 * only once the server's chain was captured, i.e. the server got past its
 * own Certificate message and then ended the handshake. */
static int kind_ended_after_chain(const struct store_probe_row *p)
{
	return p->chain_len > 0 &&
	       (failure_is(p->error_kind, FAIL_TLS_ALERT) || failure_is(p->error_kind, FAIL_CLOSED) ||
		failure_is(p->error_kind, FAIL_RESET));
}

int finding_cc_required(const struct store_probe_row *p)
{
	return p->cc_requested && !p->cc_presented &&
	       (outcome_ended(p) || kind_ended_after_chain(p));
}

int finding_cc_refused(const struct store_probe_row *p)
{
	return p->cc_requested && p->cc_presented && outcome_ended(p);
}

/* ---- client_cert_requested --------------------------------------------- */

static int say_requested(struct probe_judge *j)
{
	const struct store_probe_row *p = j->probe;
	struct msg m = { 0 };

	msg_add(&m, "the server asked for a client certificate and ");
	if (p->ca_count == 0) {
		msg_add(&m, "named no acceptable CA (an empty list: any CA it "
			    "trusts)");
	} else {
		msg_add(&m, "named %zu acceptable CA%s: ", p->ca_count,
			p->ca_count == 1 ? "" : "s");
		msg_add_list(&m, p->ca_names, p->ca_count);
	}
	return finding_add_msg(j->out, "client_cert_requested", SEVERITY_INFO,
			       p, &m);
}

/* ---- client_cert_required ---------------------------------------------- */

/* "sent the alert "handshake failure"", "closed the connection", or the
 * recorded failure when the outcome itself was not recorded. */
static void add_ending(struct msg *m, const struct store_probe_row *p)
{
	if (is(p->cc_outcome, "alert"))
		msg_add(m, "sent the alert \"%s\"",
			p->cc_alert ? p->cc_alert : "unknown");
	else if (is(p->cc_outcome, "closed"))
		msg_add(m, "closed the connection");
	else
		msg_add(m, "ended the handshake (%s: %s)", p->error_kind,
			p->error_reason ? p->error_reason : "no reason given");
}

static int say_required(struct probe_judge *j)
{
	const struct store_probe_row *p = j->probe;
	struct msg m = { 0 };

	msg_add(&m, "the server requires a client certificate: when we "
		    "presented none it ");
	add_ending(&m, p);
	if (p->chain_len > 0)
		msg_add(&m, "; its chain (%zu certificate%s) was captured and "
			    "is judged as usual", p->chain_len,
			p->chain_len == 1 ? "" : "s");
	else
		msg_add(&m, "; no chain was captured before it did");
	return finding_add_msg(j->out, "client_cert_required", SEVERITY_INFO,
			       p, &m);
}

/* ---- partner_rejects_our_certificate ----------------------------------- */

/* What an alert about a client certificate usually means. The names are
 * OpenSSL's long names (SSL_alert_desc_string_long()), as the scanner
 * stores them, with RFC 8446's. */
static const struct {
	const char *name;
	const char *rfc;
	const char *meaning;
} alert_meanings[] = {
	{ "unknown CA", "unknown_ca",
	  "the partner does not trust the CA our certificate chains to: it "
	  "needs our root CA certificate in its trusted roots (and we must "
	  "send our intermediates)" },
	{ "unsupported certificate", "unsupported_certificate",
	  "the partner refuses what our certificate may be used for: its "
	  "Enhanced Key Usage lacks Client Authentication (1.3.6.1.5.5.7.3.2)" },
	{ "certificate expired", "certificate_expired",
	  "our certificate or one of our intermediates has expired (or the "
	  "partner's clock is wrong)" },
	{ "bad certificate", "bad_certificate",
	  "the partner could not verify our certificate (a signature, an "
	  "extension or a chain it rejects): its logs name the reason" },
	{ "certificate revoked", "certificate_revoked",
	  "the partner found our certificate revoked" },
	{ "certificate unknown", "certificate_unknown",
	  "the partner refused our certificate without naming a reason: its "
	  "logs say which" },
	{ "access denied", "access_denied",
	  "the partner verified our certificate but does not let us in: "
	  "check that our domain is an allowed partner on its side" },
	{ "decrypt error", "decrypt_error",
	  "our signature did not verify: our key does not match the "
	  "certificate, or the partner refuses our signature algorithm" },
	{ "handshake failure", "handshake_failure",
	  "the partner refused our certificate without a specific reason: "
	  "its logs say which" },
	{ "certificate required", "certificate_required",
	  "the partner got no certificate it could use from us" },
};

static int say_refused(struct probe_judge *j)
{
	const struct store_probe_row *p = j->probe;
	const char *ours = j->opts->self_count > 0 ?
				   j->opts->self_chain[0].subject : NULL;
	struct msg m = { 0 };
	size_t i;

	msg_add(&m, "the server refused our certificate%s%s%s",
		ours ? " (" : "", ours ? ours : "", ours ? ")" : "");
	if (!is(p->cc_outcome, "alert")) {
		msg_add(&m, ": it closed the connection without an alert; look "
			    "at the partner's logs (the Schannel events of a "
			    "Windows Edge) for why");
		return finding_add_msg(j->out,
				       "partner_rejects_our_certificate",
				       SEVERITY_ERROR, p, &m);
	}
	msg_add(&m, " with the alert \"%s\"", p->cc_alert ? p->cc_alert
							  : "unknown");
	for (i = 0; i < sizeof alert_meanings / sizeof alert_meanings[0]; i++)
		if (is(p->cc_alert, alert_meanings[i].name))
			break;
	if (i < sizeof alert_meanings / sizeof alert_meanings[0])
		msg_add(&m, " (%s): %s", alert_meanings[i].rfc,
			alert_meanings[i].meaning);
	else
		msg_add(&m, ": the partner's logs say why");
	return finding_add_msg(j->out, "partner_rejects_our_certificate",
			       SEVERITY_ERROR, p, &m);
}

/* ---- partner_ca_list_excludes_our_root --------------------------------- */

/* The subject and issuer of our certificate i as text: the stored
 * columns, or decoded from the DER where a column is missing. Owned by
 * *to_free (free both). */
static void self_names(const struct store_cert_row *c, const char **subject,
		       const char **issuer, char **to_free)
{
	X509 *x = NULL;

	to_free[0] = to_free[1] = NULL;
	*subject = c->subject;
	*issuer = c->issuer;
	if (*subject != NULL && *issuer != NULL)
		return;
	x = cert_from_row(c);
	if (x != NULL && *subject == NULL)
		*subject = to_free[0] = cert_name_text(X509_get_subject_name(x));
	if (x != NULL && *issuer == NULL)
		*issuer = to_free[1] = cert_name_text(X509_get_issuer_name(x));
	X509_free(x);
}

/* The first CA name of p that names a certificate of our chain (as its
 * subject or its issuer), or NULL. DNs are compared as the text the store
 * and the scanner both write (RFC 2253, one printer), ignoring case. */
static const char *ca_list_match(const struct probe_judge *j,
				 const char **our_root, char **root_free)
{
	const struct store_probe_row *p = j->probe;
	const char *found = NULL, *subject, *issuer;
	char *to_free[2];
	size_t i, k;

	*our_root = NULL;
	*root_free = NULL;
	for (i = 0; i < j->opts->self_count && i < FC_CHAIN_MAX; i++) {
		self_names(&j->opts->self_chain[i], &subject, &issuer, to_free);
		for (k = 0; found == NULL && k < p->ca_count; k++)
			if ((subject && strcasecmp(p->ca_names[k], subject) == 0) ||
			    (issuer && strcasecmp(p->ca_names[k], issuer) == 0))
				found = p->ca_names[k];
		if (i + 1 == j->opts->self_count && issuer != NULL) {
			/* our chain ends at the issuer of its last item */
			*root_free = strdup(issuer);
			*our_root = *root_free;
		}
		free(to_free[0]);
		free(to_free[1]);
	}
	return found;
}

/* A list without our root's name, or with it while the partner refuses us
 * as from an unknown CA: then the certificate it trusts under that name is
 * not ours (a CA renewed with a new key, or another CA of the same name),
 * and the list excludes our root as surely. */
static int check_ca_list(struct probe_judge *j)
{
	const struct store_probe_row *p = j->probe;
	const char *match, *root;
	char *root_free;
	struct msg m = { 0 };
	int rc;

	if (p->ca_count == 0 || j->opts->self_count == 0)
		return 0;
	match = ca_list_match(j, &root, &root_free);
	if (match != NULL && !(finding_cc_refused(p) &&
			       is(p->cc_alert, "unknown CA"))) {
		free(root_free);
		return 0;
	}
	if (match != NULL) {
		msg_add(&m, "the server names \"%s\", the name of a CA of our "
			    "chain, among the CAs it accepts, yet refused our "
			    "certificate as from an unknown CA: the certificate "
			    "it trusts under that name is another one (a CA "
			    "renewed with a new key, or another CA of the same "
			    "name)", match);
	} else {
		msg_add(&m, "the server accepts client certificates from ");
		msg_add_list(&m, p->ca_names, p->ca_count);
		msg_add(&m, "; none of them is in our chain, which ends at "
			    "\"%s\"", root ? root : "(unknown)");
	}
	rc = finding_add_msg(j->out, "partner_ca_list_excludes_our_root",
			     SEVERITY_WARNING, p, &m);
	free(root_free);
	return rc;
}

/* ---- The endpoint ------------------------------------------------------ */

int check_mtls(struct probe_judge *j)
{
	const struct store_probe_row *p = j->probe;

	if (!p->cc_requested)
		return 0;
	if (say_requested(j) != 0)
		return -1;
	if (finding_cc_required(p) && say_required(j) != 0)
		return -1;
	if (finding_cc_refused(p) && say_refused(j) != 0)
		return -1;
	return check_ca_list(j);
}
