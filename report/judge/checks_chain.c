/* checks_chain.c: the per-endpoint checks of the presented chain: trust
 * (untrusted_chain, self_signed, incomplete_chain), order (chain_misordered,
 * root_sent) and strength (weak_signature, weak_key).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "report/judge/findings_int.h"
#include "report/judge/x509.h"


/* ---- Verification ----------------------------------------------------- */

/* The outcome of verifying the chain, at scan time or again here. */
struct verdict {
	long code;          /* X509_V_OK, an X509_V_ERR_*, -1: not verified */
	const char *reason; /* OpenSSL's words for code */
	int depth;          /* where it failed; -1 when unknown */
	int again;          /* 1: verified here against judge_options.trust */
};

/* The one verification of a chain (findings_int.h): the trust checks and
 * findings_verify_chain() (our chain, inspect) agree by construction. */
int chain_verify(X509_STORE *trust, X509 *const *certs, size_t n, time_t at,
		 long *code, int *depth)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509) *untrusted = sk_X509_new_null();
	X509_VERIFY_PARAM *param;
	size_t i;
	int rc = -1;

	*depth = -1;
	if (ctx == NULL || untrusted == NULL)
		goto out;
	for (i = 1; i < n; i++)
		if (certs[i] != NULL && !sk_X509_push(untrusted, certs[i]))
			goto out;
	if (!X509_STORE_CTX_init(ctx, trust, certs[0], untrusted))
		goto out;
	param = X509_STORE_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_clear_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
	X509_VERIFY_PARAM_set_time(param, at);
	if (X509_verify_cert(ctx) == 1) {
		*code = X509_V_OK;
	} else {
		*code = X509_STORE_CTX_get_error(ctx);
		if (*code == X509_V_OK)
			*code = X509_V_ERR_UNSPECIFIED;
		*depth = X509_STORE_CTX_get_error_depth(ctx);
	}
	rc = 0;
out:
	X509_STORE_CTX_free(ctx);
	sk_X509_free(untrusted); /* the certificates stay the caller's */
	return rc;
}

/* Verifies the presented chain against opts->trust the way the scanner
 * did (chain_verify()), at the time of the probe when the store recorded
 * it, else at judge time. 0, or -1 when memory ran out. */
static int verify_again(struct probe_judge *j, struct verdict *v)
{
	time_t at = j->now;

	(void)utc_parse(j->probe->started, &at);
	if (chain_verify(j->opts->trust, j->certs, j->ncerts, at, &v->code,
			 &v->depth) != 0)
		return -1;
	v->again = 1;
	v->reason = X509_verify_cert_error_string(v->code);
	return 0;
}

long findings_verify_chain(X509_STORE *trust,
			   const struct store_cert_row *chain, size_t n,
			   time_t at, const char **reason)
{
	X509 *certs[FC_CHAIN_MAX] = { NULL };
	long code = -1;
	size_t i;
	int depth;

	*reason = NULL;
	if (n > FC_CHAIN_MAX)
		n = FC_CHAIN_MAX;
	for (i = 0; i < n; i++)
		certs[i] = cert_from_row(&chain[i]);
	if (trust != NULL && n > 0 && certs[0] != NULL &&
	    chain_verify(trust, certs, n, at, &code, &depth) == 0)
		*reason = X509_verify_cert_error_string(code);
	else
		code = -1;
	for (i = 0; i < n; i++)
		X509_free(certs[i]);
	ERR_clear_error();
	return code;
}

static void verify_stored(const struct probe_judge *j, struct verdict *v)
{
	v->code = j->probe->verify_code;
	v->reason = j->probe->verify_reason;
	if (v->reason == NULL && v->code >= 0)
		v->reason = X509_verify_cert_error_string(v->code);
}

/* The presented certificate whose issuer the server did not send: follow
 * issuers (by name) from the leaf through the presented certificates; the
 * index of the last one reached when it is not a root, or -1 when the
 * walk ends at a self-signed certificate. */
static long missing_issuer_of(const struct probe_judge *j)
{
	unsigned char seen[FC_CHAIN_MAX] = { 0 };
	size_t cur = 0, k;

	for (;;) {
		seen[cur] = 1;
		if (j->self_signed[cur])
			return -1;
		for (k = 0; k < j->ncerts; k++)
			if (!seen[k] && j->certs[k] != NULL &&
			    cert_is_issued_by_name(j->certs[cur], j->certs[k]))
				break;
		if (k == j->ncerts)
			return (long)cur;
		cur = k;
	}
}

/* Appends "missing issuer "DN" of LABEL: not sent by the server and not
 * in the trust store; download it from URL" for presented certificate
 * at. 0, or -1 when memory ran out. */
static int add_missing(struct probe_judge *j, size_t at, struct msg *m)
{
	struct cert_strings urls = { 0 };
	char label[JUDGE_LABEL_MAX];
	char *issuer = cert_name_text(X509_get_issuer_name(j->certs[at]));
	int rc = -1;

	if (cert_ca_issuers_urls(j->certs[at], &urls) != 0)
		goto out;
	judge_cert_label(j, at, label, sizeof label);
	msg_add(m, "missing issuer \"%s\" of %s: not sent by the server and "
		   "not in the trust store",
		issuer ? issuer : "(unprintable name)", label);
	if (urls.count > 0) {
		msg_add(m, "; download it from ");
		msg_add_list(m, urls.items, urls.count);
	} else {
		msg_add(m, "; the certificate has no AIA caIssuers URL");
	}
	rc = 0;
out:
	free(issuer);
	cert_strings_free(&urls);
	return rc;
}

static int say_incomplete(struct probe_judge *j, size_t at,
			  const struct verdict *v)
{
	struct msg m = { 0 };

	if (add_missing(j, at, &m) != 0) {
		msg_free(&m);
		return -1;
	}
	msg_add(&m, " (%s)", v->reason);
	return finding_add_msg(j->out, "incomplete_chain", SEVERITY_ERROR,
			       j->probe, &m);
}

/* missing: the presented certificate whose issuer is nowhere, or -1. */
static int say_untrusted(struct probe_judge *j, const struct verdict *v,
			 long missing)
{
	char label[JUDGE_LABEL_MAX] = "";
	struct msg m = { 0 };

	if (v->depth >= 0 && (size_t)v->depth < j->ncerts)
		judge_cert_label(j, (size_t)v->depth, label, sizeof label);
	msg_add(&m, "the chain does not verify%s: %s (%ld)%s%s",
		v->again ? " against the report's trust store"
			 : " (as verified at scan time)",
		v->reason ? v->reason : "unknown reason", v->code,
		label[0] ? " at " : "", label);
	if (missing >= 0) {
		msg_add(&m, "; ");
		if (add_missing(j, (size_t)missing, &m) != 0) {
			msg_free(&m);
			return -1;
		}
	}
	return finding_add_msg(j->out, "untrusted_chain", SEVERITY_ERROR,
			       j->probe, &m);
}

/* An error another finding already states is not repeated as
 * untrusted_chain: an expired (or not yet valid) presented certificate,
 * and a leaf whose EKU leaves out serverAuth (the scanner verifies with
 * the SSL server purpose). OpenSSL reports these only after the chain
 * reached a trusted root, so nothing about trust is hidden. */
static int already_said(const struct probe_judge *j, long code)
{
	return (code == X509_V_ERR_CERT_HAS_EXPIRED && j->said_expired) ||
	       (code == X509_V_ERR_CERT_NOT_YET_VALID && j->said_not_yet) ||
	       (code == X509_V_ERR_INVALID_PURPOSE && j->said_server_eku);
}

/* A self-signed leaf is self_signed and nothing else: that it does not
 * chain to a root, or that its "issuer" was not sent, are the same fact.
 * A leaf OpenSSL cannot decode cannot be verified by anyone:
 * untrusted_chain.
 *
 * incomplete_chain replaces untrusted_chain when the issuer that is
 * neither sent nor in the trust store is that of an end-entity
 * certificate (the leaf): a CA issued it, which is an intermediate the
 * server must send (a root issuing server certificates directly is rare).
 * When it is the issuer of a presented CA certificate, the facts cannot
 * tell a root the trust store lacks (the server need not send roots: the
 * usual reason, e.g. judging against another --ca-file) from a second
 * intermediate the server left out: untrusted_chain, which is true either
 * way, names the missing issuer and its caIssuers URL. */
int check_trust(struct probe_judge *j)
{
	struct verdict v = { .code = -1, .depth = -1 };
	long missing = -1;

	if (j->certs[0] == NULL)
		return finding_add(j->out, "untrusted_chain", SEVERITY_ERROR,
				   j->probe, "the leaf certificate cannot be "
				   "decoded, so it cannot be verified");
	if (j->self_signed[0]) {
		char label[JUDGE_LABEL_MAX];

		judge_cert_label(j, 0, label, sizeof label);
		return finding_add(j->out, "self_signed", SEVERITY_ERROR,
				   j->probe, "%s is self-signed (its issuer is "
				   "its subject and its own key signed it)",
				   label);
	}
	if (j->opts->trust != NULL) {
		if (verify_again(j, &v) != 0)
			return -1;
	} else {
		verify_stored(j, &v);
	}
	if (v.code < 0)
		return 0; /* not verified: nothing to say */
	if (v.code == X509_V_OK) {
		j->verified = 1;
		return 0;
	}
	if (already_said(j, v.code))
		return 0;
	if (v.code == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
	    v.code == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT) {
		missing = missing_issuer_of(j);
		if (missing >= 0 && X509_check_ca(j->certs[missing]) == 0)
			return say_incomplete(j, (size_t)missing, &v);
	}
	return say_untrusted(j, &v, missing);
}

/* ---- chain_misordered, root_sent --------------------------------------- */

/* Index pairs (subject, issuer) breaking the order, or -1. Each certificate
 * should be followed by its issuer. Out of order is: an issuer that comes
 * before what it issued (this covers a leaf that is not first), or one
 * that comes later but not next. A certificate that issues nothing sent
 * (a stray extra) is not disorder. */
static int find_disorder(const struct probe_judge *j, size_t *sub,
			 size_t *iss)
{
	size_t i, k;

	for (i = 1; i < j->ncerts; i++) {
		if (j->certs[i] == NULL || j->self_signed[i])
			continue;
		for (k = 0; k < i; k++)
			if (j->certs[k] != NULL &&
			    cert_is_issued_by_name(j->certs[i], j->certs[k])) {
				*sub = i, *iss = k;
				return 1;
			}
	}
	for (i = 0; i + 2 < j->ncerts; i++) {
		if (j->certs[i] == NULL || j->certs[i + 1] == NULL ||
		    cert_is_issued_by_name(j->certs[i], j->certs[i + 1]))
			continue;
		for (k = i + 2; k < j->ncerts; k++)
			if (j->certs[k] != NULL &&
			    cert_is_issued_by_name(j->certs[i], j->certs[k])) {
				*sub = i, *iss = k;
				return 1;
			}
	}
	return 0;
}

int check_order(struct probe_judge *j)
{
	char a[JUDGE_LABEL_MAX], b[JUDGE_LABEL_MAX];
	size_t sub, iss, i;

	if (find_disorder(j, &sub, &iss)) {
		judge_cert_label(j, sub, a, sizeof a);
		judge_cert_label(j, iss, b, sizeof b);
		if (finding_add(j->out, "chain_misordered", SEVERITY_WARNING,
				j->probe, "%s is issued by %s, which is sent "
				"%s; each certificate should be followed by "
				"its issuer", a, b,
				iss < sub ? "before it" : "later but not next to it"))
			return -1;
	}
	for (i = 1; i < j->ncerts; i++) {
		if (j->certs[i] == NULL || !j->self_signed[i] ||
		    X509_check_ca(j->certs[i]) == 0)
			continue;
		judge_cert_label(j, i, a, sizeof a);
		if (finding_add(j->out, "root_sent", SEVERITY_INFO, j->probe,
				"the server sends the root certificate, %s", a))
			return -1;
	}
	return 0;
}

/* ---- weak_signature, weak_key ------------------------------------------ */

/* The signature of a self-signed certificate proves nothing (a root is
 * trusted because it is in the store, not because of its signature, and a
 * self-signed leaf is self_signed already): it is not judged. */
static int weak_signature_one(struct probe_judge *j, size_t i)
{
	char label[JUDGE_LABEL_MAX];
	int nid = cert_sig_digest(j->certs[i]);
	int sig = X509_get_signature_nid(j->certs[i]);

	if (!cert_digest_is_weak(nid) || j->self_signed[i])
		return 0;
	judge_cert_label(j, i, label, sizeof label);
	return finding_add(j->out, "weak_signature", SEVERITY_ERROR, j->probe,
			   "%s is signed with %s (%s)", label,
			   sig != NID_undef ? OBJ_nid2ln(sig) : "?",
			   OBJ_nid2sn(nid));
}

/* The key of every presented certificate but a root: a root's key is
 * judged by whoever put it into their trust store. A self-signed leaf's
 * key is still the key the TLS session relies on: judged. */
static int weak_key_one(struct probe_judge *j, size_t i)
{
	char label[JUDGE_LABEL_MAX];
	char type[32];
	int bits, min = 0;

	if (i > 0 && j->self_signed[i])
		return 0;
	cert_key_facts(j->certs[i], type, &bits);
	if (strcmp(type, "RSA") == 0 || strcmp(type, "RSA-PSS") == 0 ||
	    strcmp(type, "DSA") == 0)
		min = 2048;
	else if (strcmp(type, "EC") == 0)
		min = 256;
	if (bits <= 0 || bits >= min)
		return 0;
	judge_cert_label(j, i, label, sizeof label);
	return finding_add(j->out, "weak_key", SEVERITY_ERROR, j->probe,
			   "%s has a %d-bit %s key (at least %d bits needed)",
			   label, bits, type, min);
}

int check_strength(struct probe_judge *j)
{
	size_t i;

	for (i = 0; i < j->ncerts; i++)
		if (j->certs[i] != NULL && weak_signature_one(j, i) != 0)
			return -1;
	for (i = 0; i < j->ncerts; i++)
		if (j->certs[i] != NULL && weak_key_one(j, i) != 0)
			return -1;
	return 0;
}
