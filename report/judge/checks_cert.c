/* checks_cert.c: the per-endpoint checks that read the connection and the
 * leaf: reaching the endpoint, its name, the dates, the EKUs, the protocol,
 * revocation pointers and the lifetime. The chain's own checks are in
 * checks_chain.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/utc.h"
#include "report/judge/findings_int.h"
#include "report/judge/names.h"
#include "report/judge/x509.h"

#define DAY_SECONDS 86400


/* ---- connect_failed, handshake_failed --------------------------------- */

/* A probe that never connected (connect_ms < 0: refused, unreachable, a
 * connect timeout) failed to connect; any error after the connection
 * (timeout during the handshake, reset, closed, alert, not TLS, a TLS
 * error; even fedcert's own local_error) is a failed handshake, except
 * the server's answer to our client certificate. */
int check_connection(struct probe_judge *j)
{
	const struct store_probe_row *p = j->probe;
	const char *kind = p->error_kind;
	const char *reason = p->error_reason ? p->error_reason : "no reason given";
	int bracket = p->address != NULL && strchr(p->address, ':') != NULL;

	if (p->chain_presented > p->chain_len &&
	    finding_add(j->out, "chain_too_large", SEVERITY_ERROR, p,
			"the server presented %zu certificates; the first %zu were kept",
			p->chain_presented, p->chain_len) != 0)
		return -1;
	if (kind == NULL)
		return 0;
	/* OpenSSL's cap on the certificate list ended the handshake: that is
	 * what to say, not that the handshake failed. */
	if (failure_is(kind, FAIL_CHAIN_TOO_LARGE))
		return finding_add(j->out, "chain_too_large", SEVERITY_ERROR, p,
				   "%s", reason);
	/* The server's verdict on our client certificate (or on our having
	 * none) ended the handshake: checks_mtls.c says that, and the
	 * endpoint itself works as a federation Edge should. */
	if (finding_cc_required(p) || finding_cc_refused(p))
		return 0;
	if (p->connect_ms < 0 || failure_is(kind, FAIL_REFUSED) ||
	    failure_is(kind, FAIL_UNREACHABLE) || failure_is(kind, FAIL_CONNECT_ERROR))
		return finding_add(j->out, "connect_failed", SEVERITY_ERROR, p,
				   "could not connect to %s%s%s:%d: %s (%s)",
				   bracket ? "[" : "", p->address,
				   bracket ? "]" : "", p->port, kind, reason);
	return finding_add(j->out, "handshake_failed", SEVERITY_ERROR, p,
			   "the TLS handshake with %s%s%s:%d failed: %s (%s)",
			   bracket ? "[" : "", p->address, bracket ? "]" : "",
			   p->port, kind, reason);
}

/* ---- name_match, name_mismatch, wildcard_name -------------------------- */

/* Which of the certificate's names count, and how, is the profile's
 * (names.h's name_match_cert()); these functions say what it found. */
struct names_judge {
	struct probe_judge *j;
	enum report_profile profile;
	const char *ref;  /* the name the certificate must carry */
	int by_domain;    /* ref is the SIP domain, not the name reached */
	struct name_ids ids;
	const struct cert_strings *ips;
	struct name_verdict v;
};

/* "sip.contoso.com", or under rfc5922 for an endpoint found through SRV
 * "SIP domain contoso.com (reached as sip.contoso.com)". */
static void names_ref(struct msg *m, const struct names_judge *n)
{
	if (n->by_domain)
		msg_add(m, "SIP domain %s (reached as %s)", n->ref,
			n->j->probe->sni);
	else
		msg_add(m, "%s", n->ref);
}

static void names_cn_text(struct msg *m, const char *cn)
{
	msg_add(m, "%s%s%s", cn ? "\"" : "", cn ? cn : "(none)", cn ? "\"" : "");
}

/* Which names the rules read and did not find ref among. */
static void names_mismatch_why(struct msg *m, const struct names_judge *n)
{
	const struct name_ids *ids = &n->ids;

	switch (n->v.source) {
	case NAME_SOURCE_SIP_URI:
		msg_add(m, " is not the SIP domain of any sip: URI in the SAN "
			   "list (URIs: ");
		msg_add_list(m, ids->uris, ids->nuris);
		msg_add(m, "), which RFC 5922 reads before any DNS name");
		return;
	case NAME_SOURCE_DNS:
		msg_add(m, " is not in the SAN list (DNS names: ");
		msg_add_list(m, ids->dns, ids->ndns);
		msg_add(m, ")");
		if (n->profile == REPORT_PROFILE_TEAMS_DR) {
			msg_add(m, " nor the Common Name ");
			names_cn_text(m, ids->cn);
		}
		return;
	default:
		msg_add(m, " does not match the Common Name ");
		names_cn_text(m, ids->cn);
		msg_add(m, " and the certificate has no %sSAN DNS name",
			n->profile == REPORT_PROFILE_RFC5922 ? "sip: URI or " : "");
	}
}

static int names_mismatch(struct names_judge *n)
{
	struct msg m = { 0 };

	names_ref(&m, n);
	names_mismatch_why(&m, n);
	if (n->v.near != NULL)
		msg_add(&m, "; RFC 5922 matches no wildcard and no suffix (%s)",
			n->v.near);
	if (n->ips->count > 0) {
		msg_add(&m, "; SAN IP addresses never match a name: ");
		msg_add_list(&m, n->ips->items, n->ips->count);
	}
	return finding_add_msg(n->j->out, "name_mismatch", SEVERITY_ERROR,
			       n->j->probe, &m);
}

/* Matched through a wildcard: the Access Edge does not accept it (a
 * warning); Direct Routing does (RFC 2818). rfc5922 never gets here. */
static int names_wildcard(struct names_judge *n)
{
	const char *sni = n->j->probe->sni, *w = n->v.presented;
	int cn = n->v.source == NAME_SOURCE_CN;

	if (n->profile == REPORT_PROFILE_TEAMS_DR)
		return finding_add(n->j->out, "name_match", SEVERITY_INFO,
				   n->j->probe, "%s is matched by the wildcard "
				   "%s%s, which Direct Routing accepts (RFC "
				   "2818)", sni, cn ? "Common Name " : "", w);
	if (cn)
		return finding_add(n->j->out, "wildcard_name", SEVERITY_WARNING,
				   n->j->probe,
				   "%s is matched only by the wildcard Common "
				   "Name %s; the certificate has no SAN DNS name",
				   sni, w);
	return finding_add(n->j->out, "wildcard_name", SEVERITY_WARNING,
			   n->j->probe, "%s is matched only by the wildcard %s "
			   "in the SAN list", sni, w);
}

static int names_exact(struct names_judge *n)
{
	struct finding_list *out = n->j->out;
	const struct store_probe_row *p = n->j->probe;

	switch (n->v.source) {
	case NAME_SOURCE_SIP_URI:
		return finding_add(out, "name_match", SEVERITY_INFO, p,
				   "SIP domain %s is in the SAN list as %s",
				   n->ref, n->v.presented);
	case NAME_SOURCE_DNS:
		return finding_add(out, "name_match", SEVERITY_INFO, p,
				   "%s is in SAN list (%s)",
				   n->by_domain ? "SIP domain" : "FQDN", n->ref);
	default:
		return finding_add(out, "name_match", SEVERITY_INFO, p,
				   "Common Name match found (%s); %s",
				   n->v.presented, n->ids.ndns > 0 ?
				   "Direct Routing accepts the FQDN in the "
				   "Common Name" : n->profile ==
				   REPORT_PROFILE_RFC5922 ? "the certificate "
				   "has no sip: URI or SAN DNS name" :
				   "the certificate has no SAN DNS name");
	}
}

/* The name the certificate must carry: the name the endpoint was reached
 * by (the SNI), except under rfc5922 for an endpoint found through an SRV
 * record: the SIP domain itself, since the SRV answer is not secured and
 * the domain is the identity (RFC 5922 sections 4 and 7.3). */
static void names_reference(struct names_judge *n)
{
	const struct store_target_row *t = n->j->target;

	n->ref = n->j->probe->sni;
	if (n->profile == REPORT_PROFILE_RFC5922 &&
	    n->j->probe->srv_name != NULL && t != NULL && t->domain != NULL) {
		n->ref = t->domain;
		n->by_domain = !name_equal(t->domain, n->j->probe->sni);
	}
}

/* Without SNI (a DIR target given as an address) no name was asked for,
 * so there is nothing to match. */
int check_names(struct probe_judge *j)
{
	struct cert_strings dns = { 0 }, ips = { 0 }, uris = { 0 };
	struct names_judge n = { .j = j, .profile = j->opts->profile,
				 .ips = &ips };
	char *cn = NULL;
	int rc = -1;

	if (j->probe->sni == NULL || j->certs[0] == NULL)
		return 0;
	if (cert_san_dns(j->certs[0], &dns) != 0 ||
	    cert_san_ip(j->certs[0], &ips) != 0 ||
	    cert_san_uri(j->certs[0], &uris) != 0)
		goto out;
	cn = cert_common_name(j->certs[0]);
	n.ids = (struct name_ids){ .dns = dns.items, .ndns = dns.count,
				   .uris = uris.items, .nuris = uris.count,
				   .cn = cn };
	names_reference(&n);
	name_match_cert(n.profile, &n.ids, n.ref, &n.v);
	if (n.v.match == NAME_MATCH_EXACT)
		rc = names_exact(&n);
	else if (n.v.match == NAME_MATCH_WILDCARD)
		rc = names_wildcard(&n);
	else
		rc = names_mismatch(&n);
out:
	free(cn);
	cert_strings_free(&dns);
	cert_strings_free(&ips);
	cert_strings_free(&uris);
	return rc;
}

/* ---- expired, not_yet_valid, expires_soon ------------------------------ */

static const char *days(long long n)
{
	return n == 1 ? "day" : "days";
}

static int validity_one(struct probe_judge *j, size_t i)
{
	char label[JUDGE_LABEL_MAX], nb[UTC_TEXT_MAX], na[UTC_TEXT_MAX];
	time_t not_before, not_after;
	long long n;

	if (cert_validity(j->certs[i], &not_before, &not_after) != 0)
		return 0;
	utc_format(not_before, nb);
	utc_format(not_after, na);
	judge_cert_label(j, i, label, sizeof label);
	if (j->now > not_after) {
		j->said_expired = 1;
		/* Days left as every output counts them (utc_days_left():
		 * -1 on the first day after), so that the message, the CSVs
		 * and `expiring` give one certificate one number. */
		return finding_add(j->out, "expired", SEVERITY_ERROR, j->probe,
				   "%s expired on %s (days left: %lld)", label,
				   na, utc_days_left(not_after, j->now));
	}
	if (j->now < not_before) {
		j->said_not_yet = 1;
		n = (long long)((not_before - j->now) / DAY_SECONDS);
		return finding_add(j->out, "not_yet_valid", SEVERITY_ERROR,
				   j->probe, "%s is not valid before %s (%lld "
				   "%s from now)", label, nb, n, days(n));
	}
	if (not_after - j->now < (time_t)j->warn_days * DAY_SECONDS)
		return finding_add(j->out, "expires_soon", SEVERITY_WARNING,
				   j->probe, "%s expires on %s (days left: %lld)",
				   label, na, utc_days_left(not_after, j->now));
	return 0;
}

/* Every presented certificate but a root the server sent: an expired
 * intermediate breaks the chain as surely as an expired leaf, while the
 * copy of a root that counts is the one in the partner's trust store. */
int check_validity(struct probe_judge *j)
{
	size_t i;

	for (i = 0; i < j->ncerts; i++) {
		if (j->certs[i] == NULL ||
		    (i > 0 && j->self_signed[i]))
			continue;
		if (validity_one(j, i) != 0)
			return -1;
	}
	return 0;
}

/* ---- no_server_auth_eku, no_client_auth_eku ---------------------------- */

/* A leaf without the EKU extension may be used for any purpose (RFC 5280
 * 4.2.1.12): nothing to say. anyExtendedKeyUsage does not stand in for
 * serverAuth or clientAuth: OpenSSL's purpose check refuses it, as a
 * strict partner would. */
int check_eku(struct probe_judge *j)
{
	struct cert_eku eku;
	struct msg m = { 0 };
	int rc = 0;

	if (j->certs[0] == NULL)
		return 0;
	if (cert_eku_get(j->certs[0], &eku) != 0)
		return -1;
	if (eku.present && !eku.server_auth) {
		j->said_server_eku = 1;
		msg_add(&m, "the leaf's Enhanced Key Usage lacks Server "
			    "Authentication (1.3.6.1.5.5.7.3.1); it lists: ");
		msg_add_list(&m, eku.names.items, eku.names.count);
		rc = finding_add_msg(j->out, "no_server_auth_eku",
				     SEVERITY_ERROR, j->probe, &m);
	}
	if (rc == 0 && eku.present && !eku.client_auth) {
		int fed = j->target->type && strcmp(j->target->type, "FED") == 0;

		msg_add(&m, "the leaf's Enhanced Key Usage lacks Client "
			    "Authentication (1.3.6.1.5.5.7.3.2), which mutual "
			    "TLS federation needs; it lists: ");
		msg_add_list(&m, eku.names.items, eku.names.count);
		rc = finding_add_msg(j->out, "no_client_auth_eku",
				     fed ? SEVERITY_ERROR : SEVERITY_WARNING,
				     j->probe, &m);
	}
	cert_eku_free(&eku);
	return rc;
}

/* ---- legacy_tls -------------------------------------------------------- */

/* The scanner offers up to TLS 1.3, so a server that settles on 1.0 or
 * 1.1 does not offer 1.2 at all. */
int check_tls(struct probe_judge *j)
{
	const char *v = j->probe->tls_version;

	if (v == NULL || (strcmp(v, "TLSv1") != 0 && strcmp(v, "TLSv1.1") != 0 &&
			  strcmp(v, "SSLv3") != 0))
		return 0;
	return finding_add(j->out, "legacy_tls", SEVERITY_WARNING, j->probe,
			   "the server negotiated %s (cipher %s): it does not "
			   "offer TLS 1.2 or later",
			   v, j->probe->cipher ? j->probe->cipher : "unknown");
}

/* ---- no_crl_distribution_point, no_ocsp -------------------------------- */

/* Why a CRL Distribution Point URI is of no use to a partner's revocation
 * check, or NULL when a partner can fetch it. http and ldap count (RFC 5280
 * 4.2.1.13 names HTTP, FTP and LDAP; federation Edges on Windows fetch
 * HTTP and LDAP); an LDAP URI without a host, as Active Directory
 * Certificate Services writes by default, is answered only inside the
 * issuer's own directory. */
static const char *crl_unfetchable(const char *uri)
{
	const char *sep = strstr(uri, "://");
	const char *host;

	if (*uri == '\0')
		return "an empty URI";
	if (sep == NULL || sep == uri)
		return "no scheme";
	host = sep + 3;
	if (strncasecmp(uri, "http://", 7) == 0)
		return *host == '\0' || *host == '/' ? "no host" : NULL;
	if (strncasecmp(uri, "ldap://", 7) == 0)
		return *host == '\0' || *host == '/'
			       ? "LDAP without a host: only the issuer's own "
				 "directory answers it"
			       : NULL;
	return "neither http nor ldap";
}

/* At most this many unusable URIs are quoted, each up to
 * CRL_QUOTE_MAX bytes. */
#define CRL_QUOTED_MAX 3
#define CRL_QUOTE_MAX 128

static int crl_finding(struct probe_judge *j, const char *label,
		       const struct cert_strings *crl)
{
	struct msg m = { 0 };
	size_t i, quoted = 0;

	if (crl->count == 0)
		return finding_add(j->out, "no_crl_distribution_point",
				   SEVERITY_WARNING, j->probe,
				   "%s has no CRL Distribution Point URL",
				   label);
	for (i = 0; i < crl->count; i++)
		if (crl_unfetchable(crl->items[i]) == NULL)
			return 0;
	msg_add(&m, "%s has no CRL Distribution Point URL a partner can "
		    "fetch: it gives ", label);
	for (i = 0; i < crl->count && quoted < CRL_QUOTED_MAX; i++, quoted++)
		msg_add(&m, "%s\"%.*s%s\" (%s)", quoted ? ", " : "",
			CRL_QUOTE_MAX, crl->items[i],
			strlen(crl->items[i]) > CRL_QUOTE_MAX ? "..." : "",
			crl_unfetchable(crl->items[i]));
	if (crl->count > quoted)
		msg_add(&m, " and %zu more", crl->count - quoted);
	return finding_add_msg(j->out, "no_crl_distribution_point",
			       SEVERITY_WARNING, j->probe, &m);
}

/* Only for a leaf a CA issued: a self-signed leaf has nobody to revoke it
 * (self_signed says what matters). A CRL Distribution Point counts when it
 * gives a URL a partner can fetch (crl_unfetchable()): a name relative to
 * the issuer, a URI without a scheme or an LDAP URI without a host is
 * there but of no use to anyone checking revocation. */
int check_revocation(struct probe_judge *j)
{
	struct cert_strings crl = { 0 }, ocsp = { 0 };
	char label[JUDGE_LABEL_MAX];
	int rc = -1;

	if (j->certs[0] == NULL || j->self_signed[0])
		return 0;
	if (cert_crl_urls(j->certs[0], &crl) != 0 ||
	    cert_ocsp_urls(j->certs[0], &ocsp) != 0)
		goto out;
	judge_cert_label(j, 0, label, sizeof label);
	rc = crl_finding(j, label, &crl);
	if (rc == 0 && ocsp.count == 0)
		rc = finding_add(j->out, "no_ocsp", SEVERITY_INFO, j->probe,
				 "%s has no OCSP URL in its Authority "
				 "Information Access", label);
out:
	cert_strings_free(&crl);
	cert_strings_free(&ocsp);
	return rc;
}

/* ---- long_validity ----------------------------------------------------- */

/* "Publicly trusted" is approximated by "verified against the trust store
 * in use" (the scanner's, or the report's --ca-file): with a private CA
 * in that store the finding is only informational, which it is. */
int check_lifetime(struct probe_judge *j)
{
	char label[JUDGE_LABEL_MAX], nb[UTC_TEXT_MAX], na[UTC_TEXT_MAX];
	time_t not_before, not_after;

	if (j->certs[0] == NULL || !j->verified ||
	    cert_validity(j->certs[0], &not_before, &not_after) != 0 ||
	    not_after - not_before <= (time_t)FINDING_MAX_VALIDITY_DAYS * DAY_SECONDS)
		return 0;
	judge_cert_label(j, 0, label, sizeof label);
	utc_format(not_before, nb);
	utc_format(not_after, na);
	return finding_add(j->out, "long_validity", SEVERITY_INFO, j->probe,
			   "%s is valid for %lld days (%s to %s), more than %d",
			   label,
			   (long long)((not_after - not_before) / DAY_SECONDS),
			   nb, na, FINDING_MAX_VALIDITY_DAYS);
}
