/* support/findings.h: a small test PKI for the judge's tests
 * (unit/report/judge/, unit/report/test_inspect.c): a root, an
 * intermediate and a leaf made with support/cert.h, the store rows that
 * carry certificates (DER in memory) as the report reads them from the
 * database, and judging them and looking at the findings. Failures fail
 * the test (cmocka).
 *
 * Times are relative to TF_NOW, the factory's fixed instant, so that a
 * test judges at the same time every day it runs.
 */
#ifndef FEDCERT_TEST_SUPPORT_FINDINGS_H
#define FEDCERT_TEST_SUPPORT_FINDINGS_H

#include <stddef.h>

#include <openssl/x509.h>

#include "fedcert_limits.h"
#include "report/judge/findings.h"
#include "store/store.h"
#include "cert.h"

#define TF_NOW TCERT_NOW
#define TF_NOW_TEXT "2026-09-21T14:13:20.000Z"
/* The organisation of every certificate of the test PKI. */
#define TF_ORG "Contoso Test"

/* ---- The test PKI ------------------------------------------------------- */

/* A root, an intermediate it issued, and a leaf for sip.contoso.com the
 * intermediate issued, with everything a good federation certificate
 * has: both EKUs, a CRL DP, OCSP and caIssuers. Tests change leaf_spec
 * and call tf_pki_reissue(). Everything owned; tf_pki_free(). */
struct tf_pki {
	EVP_PKEY *root_key, *int_key, *leaf_key;
	X509 *root, *inter, *leaf;
	struct tcert_spec leaf_spec;
	X509_STORE *trust; /* holds root */
};

void tf_pki_init(struct tf_pki *k);
void tf_pki_free(struct tf_pki *k);

/* The good leaf's spec (borrowing k's keys and intermediate). */
struct tcert_spec tf_leaf_spec(struct tf_pki *k);

/* k->leaf made again from k->leaf_spec. */
void tf_pki_reissue(struct tf_pki *k);

/* Restores the good leaf after a test changed leaf_spec. */
void tf_reset_leaf(struct tf_pki *k);

/* cmocka group setup and teardown: *state is a struct tf_pki. */
int tf_setup(void **state);
int tf_teardown(void **state);

/* ---- Store rows -------------------------------------------------------- */

/* A store_cert_row for x, as the reader hands it: fingerprints, subject
 * (RFC 2253), the DER. Free with tf_row_free(). */
struct store_cert_row tf_row(X509 *x);
void tf_row_free(struct store_cert_row *r);

/* A probe and the chain it was shown; rows are owned (tf_probe_free()). */
struct tf_probe {
	struct store_cert_row chain[FC_CHAIN_MAX];
	struct store_probe_row row;
};

/* A successful probe of sip.contoso.com on 192.0.2.10:5061 (a DIR route)
 * that was shown the n certificates of certs, in that order, and verified
 * them (verify_code 0). */
void tf_probe_init(struct tf_probe *p, X509 *const *certs, size_t n);
void tf_probe_free(struct tf_probe *p);

/* A target of type with the n probes of rows (borrowed). */
struct store_target_row tf_target(const char *type, const char *domain,
				  struct store_probe_row *rows, size_t n);

/* ---- Judging and looking at the result -------------------------------- */

/* Judges t at TF_NOW with warn_days 30 and trust (NULL: stored result). */
void tf_judge(const struct store_target_row *t, X509_STORE *trust,
	      struct finding_list *out);

/* The same, by the rules of profile (--profile). */
void tf_judge_profile(const struct store_target_row *t, X509_STORE *trust,
		      enum report_profile profile, struct finding_list *out);

/* Judges the n certificates as a DIR probe of sip.contoso.com presented
 * them to a target of type, the scanner having recorded verify_code (-1:
 * not verified). */
void tf_judge_chain(X509 *const *certs, size_t n, const char *type,
		    long verify_code, X509_STORE *trust,
		    struct finding_list *l);

/* Judges k's leaf and intermediate, as presented by a probe of a target
 * of type. */
void tf_judge_leaf(struct tf_pki *k, const char *type, long verify_code,
		   X509_STORE *trust, struct finding_list *l);

/* How many findings of l have id. */
size_t tf_count(const struct finding_list *l, const char *id);

/* The first finding with id; fails the test when there is none. */
const struct finding *tf_get(const struct finding_list *l, const char *id);

/* Fails unless the first finding id's message contains each of the
 * NULL-terminated strings. */
void tf_says(const struct finding_list *l, const char *id, ...);

/* The ids in order, space-separated, for whole-list assertions. */
void tf_ids(const struct finding_list *l, char *buf, size_t len);

/* Fails unless the ids, in order and space-separated, are want. */
void tf_assert_ids(const struct finding_list *l, const char *want);

#endif
