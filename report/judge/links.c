/* links.c: whether each item of a presented chain verified, as --chain
 * shows it: an item below the top must be issued by the next one and its
 * signature check with that one's key; the top one is self-signed, or
 * issued by a root of the trust store given to the report. The judging is
 * here; render/advanced.c only says what the verdict is.
 */
#include "report/judge/findings.h"

#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "report/judge/x509.h"

/* The item below the top: is the next item its issuer, and does its
 * signature check with the next item's key? */
static void link_below_top(X509 *x, X509 *next, struct judge_link *out)
{
	EVP_PKEY *key = next != NULL ? X509_get0_pubkey(next) : NULL;
	int rc;

	if (next == NULL || key == NULL) {
		out->verdict = LINK_NEXT_UNDECODABLE;
		return;
	}
	rc = X509_check_issued(next, x);
	if (rc != X509_V_OK) {
		out->verdict = LINK_NOT_ISSUED_BY_NEXT;
		out->reason = X509_verify_cert_error_string(rc);
		return;
	}
	out->verdict = X509_verify(x, key) == 1 ? LINK_SIGNED_BY_NEXT
						 : LINK_NEXT_KEY_MISMATCH;
}

/* The root in trust that issued x: 1 and *root (freed by the caller), 0
 * when there is none, -1 when out of memory. */
static int link_trusted_issuer(X509_STORE *trust, X509 *x, X509 **root)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int rc = -1;

	*root = NULL;
	if (ctx == NULL || X509_STORE_CTX_init(ctx, trust, x, NULL) != 1)
		goto out;
	rc = X509_STORE_CTX_get1_issuer(root, ctx, x) == 1 ? 1 : 0;
out:
	X509_STORE_CTX_free(ctx);
	return rc;
}

/* A self-signed top item: a root, which the trust store holds or not. */
static enum judge_link_verdict link_root(X509 *x, X509_STORE *trust)
{
	X509 *root = NULL;
	int found;

	if (trust == NULL)
		return LINK_ROOT_NO_STORE;
	found = link_trusted_issuer(trust, x, &root);
	found = found > 0 && X509_cmp(root, x) == 0;
	X509_free(root);
	return found ? LINK_ROOT_IN_STORE : LINK_ROOT_NOT_IN_STORE;
}

/* The top item: self-signed, issued by a root of the trust store, or not
 * checked (no trust store, and its issuer not presented). */
static enum judge_link_verdict link_top(X509 *x, X509_STORE *trust)
{
	enum judge_link_verdict v;
	X509 *root = NULL;
	int found;

	if (X509_self_signed(x, 1) == 1)
		return link_root(x, trust);
	if (trust == NULL)
		return LINK_TOP_NO_STORE;
	found = link_trusted_issuer(trust, x, &root);
	if (found < 0)
		v = LINK_TOP_NOMEM;
	else if (found == 0)
		v = LINK_TOP_ISSUER_UNTRUSTED;
	else if (X509_verify(x, X509_get0_pubkey(root)) == 1)
		v = LINK_TOP_TRUSTED;
	else
		v = LINK_TOP_KEY_MISMATCH;
	X509_free(root);
	return v;
}

void judge_chain_link(const struct store_probe_row *p, size_t i,
		      X509_STORE *trust, struct judge_link *out)
{
	X509 *x = cert_from_row(&p->chain[i]), *next = NULL;

	out->verdict = LINK_UNDECODABLE;
	out->reason = NULL;
	if (x == NULL)
		return;
	if (i + 1 < p->chain_len) {
		next = cert_from_row(&p->chain[i + 1]);
		link_below_top(x, next, out);
	} else {
		out->verdict = link_top(x, trust);
	}
	X509_free(next);
	X509_free(x);
}
