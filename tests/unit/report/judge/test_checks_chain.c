/* test_checks_chain.c: the findings about the presented chain:
 * trust (untrusted_chain, self_signed, incomplete_chain), order
 * (chain_misordered, root_sent) and strength (weak_signature, weak_key),
 * each triggered and not, from the stored verification result and again
 * against a trust store.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "support/findings.h"

/* A store with only cert in it (the caller frees it). */
static X509_STORE *store_of(X509 *cert)
{
	X509_STORE *s = X509_STORE_new();

	assert_non_null(s);
	if (cert != NULL)
		assert_int_equal(X509_STORE_add_cert(s, cert), 1);
	return s;
}

/* ---- untrusted_chain --------------------------------------------------- */

static void test_untrusted_stored(void **state)
{
	struct tf_pki *k = *state;
	X509 *certs[3] = { k->leaf, k->inter, k->root };
	struct finding_list l;

	tf_judge_chain(certs, 3, "DIR", X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN,
		       NULL, &l);
	tf_assert_ids(&l, "name_match untrusted_chain root_sent");
	assert_int_equal(tf_get(&l, "untrusted_chain")->severity,
			 SEVERITY_ERROR);
	assert_string_equal(tf_get(&l, "untrusted_chain")->message,
			    "the chain does not verify (as verified at scan "
			    "time): self-signed certificate in certificate "
			    "chain (19)");
	finding_list_free(&l);
	/* Not: verified, or not verified at all (no result to judge). */
	tf_judge_chain(certs, 3, "DIR", X509_V_OK, NULL, &l);
	assert_int_equal(tf_count(&l, "untrusted_chain"), 0);
	finding_list_free(&l);
	tf_judge_chain(certs, 3, "DIR", -1, NULL, &l);
	assert_int_equal(tf_count(&l, "untrusted_chain"), 0);
	finding_list_free(&l);
}

/* Against another trust store, from the DER: the stored result does not
 * count any more. */
static void test_untrusted_again(void **state)
{
	struct tf_pki *k = *state;
	struct tcert_spec other = { .cn = "Fabrikam Root", .org = TF_ORG,
				    .ca = 1, .key = k->int_key };
	X509 *fabrikam = tcert_x509(&other);
	X509_STORE *store = store_of(fabrikam);
	X509 *certs[3] = { k->leaf, k->inter, k->root };
	struct finding_list l;

	tf_judge_chain(certs, 3, "DIR", X509_V_OK, store, &l);
	tf_assert_ids(&l, "name_match untrusted_chain root_sent");
	assert_string_equal(tf_get(&l, "untrusted_chain")->message,
			    "the chain does not verify against the report's "
			    "trust store: self-signed certificate in "
			    "certificate chain (19) at chain certificate 2 "
			    "(CN=Contoso Test Root,O=Contoso Test)");
	finding_list_free(&l);
	/* Not: the store that has the root, whatever the scanner said. */
	tf_judge_chain(certs, 3, "DIR", X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN,
		       k->trust, &l);
	tf_assert_ids(&l, "name_match root_sent");
	finding_list_free(&l);
	X509_STORE_free(store);
	X509_free(fabrikam);
}

/* The chain is judged at the probe's time, not the report's: a leaf that
 * had expired when it was probed did not verify then. */
static void test_verify_at_probe_time(void **state)
{
	struct tf_pki *k = *state;
	X509 *certs[2] = { k->leaf, k->inter };
	struct finding_list l;
	struct tf_probe p;
	struct store_target_row t;

	tf_probe_init(&p, certs, 2);
	p.row.started = "2027-06-01T00:00:00.250Z"; /* after the leaf's end */
	t = tf_target("DIR", "sip.contoso.com", &p.row, 1);
	tf_judge(&t, k->trust, &l);
	/* At TF_NOW the leaf is valid: `expired` does not say it, so the
	 * verification error is not hidden. */
	tf_assert_ids(&l, "name_match untrusted_chain");
	tf_says(&l, "untrusted_chain", "certificate has expired (10)", NULL);
	finding_list_free(&l);
	p.row.started = TF_NOW_TEXT;
	tf_judge(&t, k->trust, &l);
	tf_assert_ids(&l, "name_match");
	finding_list_free(&l);
	tf_probe_free(&p);
}

/* A leaf OpenSSL cannot decode cannot be verified. */
static void test_undecodable_leaf(void **state)
{
	struct tf_pki *k = *state;
	X509 *certs[2] = { k->leaf, k->inter };
	struct finding_list l;
	struct tf_probe p;
	struct store_target_row t;

	tf_probe_init(&p, certs, 2);
	p.chain[0].der_len -= 10;
	t = tf_target("DIR", "sip.contoso.com", &p.row, 1);
	tf_judge(&t, NULL, &l);
	tf_assert_ids(&l, "untrusted_chain");
	tf_says(&l, "untrusted_chain", "cannot be decoded", NULL);
	/* The decoding error is judged, not left on OpenSSL's queue. */
	assert_int_equal(ERR_peek_error(), 0);
	finding_list_free(&l);
	p.chain[0].der_len += 10;
	tf_probe_free(&p);
}

/* ---- self_signed ------------------------------------------------------- */

static void test_self_signed(void **state)
{
	struct tf_pki *k = *state;
	struct tcert_spec s = k->leaf_spec;
	X509 *self, *certs[1];
	struct finding_list l;

	s.issuer = NULL;
	s.issuer_key = NULL;
	s.crl = s.ocsp = s.ca_issuers = NULL; /* nobody to revoke it */
	self = tcert_x509(&s);
	certs[0] = self;
	tf_judge_chain(certs, 1, "DIR", X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT,
		       NULL, &l);
	/* Nothing about its chain or its revocation pointers besides. */
	tf_assert_ids(&l, "name_match self_signed");
	assert_string_equal(tf_get(&l, "self_signed")->message,
			    "the leaf (CN=sip.contoso.com,O=Contoso Test) is "
			    "self-signed (its issuer is its subject and its "
			    "own key signed it)");
	finding_list_free(&l);
	tf_judge_chain(certs, 1, "DIR", X509_V_OK, k->trust, &l);
	tf_assert_ids(&l, "name_match self_signed");
	finding_list_free(&l);
	X509_free(self);
}

/* Issuer and subject the same name, but another key signed it: not
 * self-signed, just untrusted. */
static void test_self_issued_not_self_signed(void **state)
{
	struct tf_pki *k = *state;
	struct tcert_spec s = k->leaf_spec;
	struct tcert_spec twin = s;
	X509 *twin_cert, *forged, *certs[1];
	struct finding_list l;

	twin.key = k->int_key;
	twin.issuer = NULL;
	twin_cert = tcert_x509(&twin); /* same name, the intermediate's key */
	s.issuer = twin_cert;
	s.issuer_key = k->int_key;
	forged = tcert_x509(&s);
	certs[0] = forged;
	tf_judge_chain(certs, 1, "DIR", X509_V_ERR_CERT_SIGNATURE_FAILURE, NULL, &l);
	assert_int_equal(tf_count(&l, "self_signed"), 0);
	assert_int_equal(tf_count(&l, "untrusted_chain"), 1);
	finding_list_free(&l);
	X509_free(forged);
	X509_free(twin_cert);
}

/* ---- incomplete_chain -------------------------------------------------- */

static void test_incomplete_chain(void **state)
{
	struct tf_pki *k = *state;
	X509 *leaf_only[1] = { k->leaf };
	X509 *full[2] = { k->leaf, k->inter };
	struct finding_list l;

	tf_judge_chain(leaf_only, 1, "DIR", X509_V_OK, k->trust, &l);
	/* incomplete_chain, not untrusted_chain as well. */
	tf_assert_ids(&l, "name_match incomplete_chain");
	assert_string_equal(tf_get(&l, "incomplete_chain")->message,
			    "missing issuer \"CN=Contoso Test Issuing CA,"
			    "O=Contoso Test\" of the leaf (CN=sip.contoso.com,"
			    "O=Contoso Test): not sent by the server and not "
			    "in the trust store; download it from "
			    "http://pki.contoso.test/int.crt (unable to get "
			    "local issuer certificate)");
	finding_list_free(&l);
	/* From the stored result just the same. */
	tf_judge_chain(leaf_only, 1, "DIR",
		       X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, NULL, &l);
	tf_assert_ids(&l, "name_match incomplete_chain");
	finding_list_free(&l);
	/* Not: the intermediate sent. */
	tf_judge_chain(full, 2, "DIR", X509_V_OK, k->trust, &l);
	tf_assert_ids(&l, "name_match");
	finding_list_free(&l);
}

/* The top presented certificate's issuer is missing, and it is a CA: a
 * root the trust store lacks (as here: the server need not send it) and a
 * second intermediate left out look the same. untrusted_chain, naming the
 * missing issuer and the top certificate's caIssuers URL. */
static void test_missing_issuer_of_ca(void **state)
{
	struct tf_pki *k = *state;
	X509 *full[2] = { k->leaf, k->inter };
	X509_STORE *empty = store_of(NULL);
	struct finding_list l;

	tf_judge_chain(full, 2, "DIR", X509_V_OK, empty, &l);
	tf_assert_ids(&l, "name_match untrusted_chain");
	assert_string_equal(tf_get(&l, "untrusted_chain")->message,
			    "the chain does not verify against the report's "
			    "trust store: unable to get local issuer "
			    "certificate (20) at chain certificate 1 "
			    "(CN=Contoso Test Issuing CA,O=Contoso Test); "
			    "missing issuer \"CN=Contoso Test Root,O=Contoso "
			    "Test\" of chain certificate 1 (CN=Contoso Test "
			    "Issuing CA,O=Contoso Test): not sent by the "
			    "server and not in the trust store; download it "
			    "from http://pki.contoso.test/root.crt");
	finding_list_free(&l);
	X509_STORE_free(empty);
}

/* A trust store that holds the intermediate and allows partial chains
 * must still lead to a root: partners' stores hold roots. */
static void test_no_partial_chain(void **state)
{
	struct tf_pki *k = *state;
	X509 *full[2] = { k->leaf, k->inter };
	X509_STORE *partial = store_of(k->inter);
	struct finding_list l;

	assert_int_equal(X509_STORE_set_flags(partial,
					      X509_V_FLAG_PARTIAL_CHAIN), 1);
	tf_judge_chain(full, 2, "DIR", X509_V_OK, partial, &l);
	tf_assert_ids(&l, "name_match untrusted_chain");
	tf_says(&l, "untrusted_chain", "missing issuer \"CN=Contoso Test Root",
		NULL);
	finding_list_free(&l);
	X509_STORE_free(partial);
}

static void test_incomplete_chain_no_aia(void **state)
{
	struct tf_pki *k = *state;
	X509 *certs[1];
	struct finding_list l;

	k->leaf_spec.ca_issuers = NULL;
	tf_pki_reissue(k);
	certs[0] = k->leaf;
	tf_judge_chain(certs, 1, "DIR", X509_V_OK, k->trust, &l);
	tf_says(&l, "incomplete_chain", "CN=Contoso Test Issuing CA",
		"the certificate has no AIA caIssuers URL", NULL);
	finding_list_free(&l);
	k->leaf_spec = tf_leaf_spec(k);
	tf_pki_reissue(k);
}

/* ---- chain_misordered, root_sent --------------------------------------- */

static void test_chain_misordered(void **state)
{
	struct tf_pki *k = *state;
	X509 *skip[3] = { k->leaf, k->root, k->inter };
	X509 *swapped[2] = { k->inter, k->leaf };
	struct finding_list l;

	tf_judge_chain(skip, 3, "DIR", X509_V_OK, NULL, &l);
	assert_int_equal(tf_count(&l, "chain_misordered"), 1);
	assert_int_equal(tf_get(&l, "chain_misordered")->severity,
			 SEVERITY_WARNING);
	assert_string_equal(tf_get(&l, "chain_misordered")->message,
			    "chain certificate 2 (CN=Contoso Test Issuing CA,"
			    "O=Contoso Test) is issued by chain certificate 1 "
			    "(CN=Contoso Test Root,O=Contoso Test), which is "
			    "sent before it; each certificate should be "
			    "followed by its issuer");
	finding_list_free(&l);
	/* The leaf not first. */
	tf_judge_chain(swapped, 2, "DIR", X509_V_OK, NULL, &l);
	tf_says(&l, "chain_misordered", "chain certificate 1 (CN=sip.contoso.com",
		"which is sent before it", NULL);
	finding_list_free(&l);
}

static void test_chain_misordered_not_next(void **state)
{
	struct tf_pki *k = *state;
	struct tcert_spec s = { .cn = "Unrelated", .org = TF_ORG,
				.key = k->leaf_key, .issuer = k->root,
				.issuer_key = k->root_key };
	X509 *stray = tcert_x509(&s);
	X509 *gap[3] = { k->leaf, stray, k->inter };
	X509 *extra[3] = { k->leaf, k->inter, stray };
	struct finding_list l;

	tf_judge_chain(gap, 3, "DIR", X509_V_OK, NULL, &l);
	tf_says(&l, "chain_misordered", "the leaf (CN=sip.contoso.com",
		"issued by chain certificate 2 (CN=Contoso Test Issuing CA",
		"sent later but not next to it", NULL);
	finding_list_free(&l);
	/* Not: in order, an extra certificate at the end is no disorder. */
	tf_judge_chain(extra, 3, "DIR", X509_V_OK, NULL, &l);
	assert_int_equal(tf_count(&l, "chain_misordered"), 0);
	finding_list_free(&l);
	X509_free(stray);
}

static void test_root_sent(void **state)
{
	struct tf_pki *k = *state;
	X509 *with_root[3] = { k->leaf, k->inter, k->root };
	X509 *without[2] = { k->leaf, k->inter };
	struct finding_list l;

	tf_judge_chain(with_root, 3, "DIR", X509_V_OK, k->trust, &l);
	tf_assert_ids(&l, "name_match root_sent");
	assert_int_equal(l.items[1].severity, SEVERITY_INFO);
	assert_string_equal(l.items[1].message,
			    "the server sends the root certificate, chain "
			    "certificate 2 (CN=Contoso Test Root,O=Contoso "
			    "Test)");
	finding_list_free(&l);
	tf_judge_chain(without, 2, "DIR", X509_V_OK, k->trust, &l);
	assert_int_equal(tf_count(&l, "root_sent"), 0);
	assert_int_equal(tf_count(&l, "chain_misordered"), 0);
	finding_list_free(&l);
	/* Not: a self-signed certificate that is no CA is no root. */
	{
		struct tcert_spec s = { .cn = "Stray Self-Signed",
					.org = TF_ORG, .key = k->int_key };
		X509 *stray = tcert_x509(&s);
		X509 *certs[3] = { k->leaf, k->inter, stray };

		tf_judge_chain(certs, 3, "DIR", X509_V_OK, NULL, &l);
		assert_int_equal(tf_count(&l, "root_sent"), 0);
		finding_list_free(&l);
		X509_free(stray);
	}
}

/* ---- weak_signature ---------------------------------------------------- */

static void test_weak_signature_sha1(void **state)
{
	struct tf_pki *k = *state;
	struct tcert_spec rs = { .cn = "SHA1 Root", .org = TF_ORG, .ca = 1,
				 .md = EVP_sha1(), .key = k->root_key };
	X509 *sha1_root = tcert_x509(&rs);
	X509 *certs[3];
	struct finding_list l;

	k->leaf_spec.md = EVP_sha1();
	tf_pki_reissue(k);
	certs[0] = k->leaf;
	certs[1] = k->inter;
	tf_judge_chain(certs, 2, "DIR", X509_V_OK, k->trust, &l);
	tf_assert_ids(&l, "name_match weak_signature");
	assert_string_equal(tf_get(&l, "weak_signature")->message,
			    "the leaf (CN=sip.contoso.com,O=Contoso Test) is "
			    "signed with ecdsa-with-SHA1 (SHA1)");
	finding_list_free(&l);
	k->leaf_spec = tf_leaf_spec(k);
	tf_pki_reissue(k);
	/* Not: a self-signed root's own SHA-1 signature. */
	certs[0] = k->leaf;
	certs[2] = sha1_root;
	tf_judge_chain(certs, 3, "DIR", X509_V_OK, NULL, &l);
	assert_int_equal(tf_count(&l, "weak_signature"), 0);
	assert_int_equal(tf_count(&l, "root_sent"), 1);
	finding_list_free(&l);
	X509_free(sha1_root);
}

static void test_weak_signature_md5(void **state)
{
	struct tf_pki *k = *state;
	EVP_PKEY *rsa = tcert_key("RSA2048");
	struct tcert_spec cas = { .cn = "RSA CA", .org = TF_ORG, .ca = 1,
				  .key = rsa };
	X509 *ca = tcert_x509(&cas), *leaf, *certs[2];
	struct finding_list l;

	k->leaf_spec.issuer = ca;
	k->leaf_spec.issuer_key = rsa;
	k->leaf_spec.md = EVP_md5();
	leaf = tcert_x509(&k->leaf_spec);
	certs[0] = leaf;
	certs[1] = ca;
	tf_judge_chain(certs, 2, "DIR", X509_V_OK, NULL, &l);
	tf_says(&l, "weak_signature", "the leaf (CN=sip.contoso.com",
		"md5WithRSAEncryption (MD5)", NULL);
	finding_list_free(&l);
	X509_free(leaf);
	/* Not: SHA-256 from the same CA. */
	k->leaf_spec.md = NULL;
	leaf = tcert_x509(&k->leaf_spec);
	certs[0] = leaf;
	tf_judge_chain(certs, 2, "DIR", X509_V_OK, NULL, &l);
	assert_int_equal(tf_count(&l, "weak_signature"), 0);
	finding_list_free(&l);
	X509_free(leaf);
	X509_free(ca);
	EVP_PKEY_free(rsa);
	k->leaf_spec = tf_leaf_spec(k);
}

/* ---- weak_key ---------------------------------------------------------- */

static void judge_leaf_key(struct tf_pki *k, EVP_PKEY *key,
			   struct finding_list *l)
{
	X509 *leaf, *certs[2];

	k->leaf_spec.key = key;
	leaf = tcert_x509(&k->leaf_spec);
	certs[0] = leaf;
	certs[1] = k->inter;
	tf_judge_chain(certs, 2, "DIR", X509_V_OK, k->trust, l);
	X509_free(leaf);
	k->leaf_spec = tf_leaf_spec(k);
}

static void test_weak_key(void **state)
{
	struct tf_pki *k = *state;
	EVP_PKEY *rsa1024 = tcert_key("RSA1024"), *rsa2048 = tcert_key("RSA2048");
	EVP_PKEY *p192 = tcert_key("EC-P192");
	struct finding_list l;

	judge_leaf_key(k, rsa1024, &l);
	tf_assert_ids(&l, "name_match weak_key");
	assert_string_equal(tf_get(&l, "weak_key")->message,
			    "the leaf (CN=sip.contoso.com,O=Contoso Test) has "
			    "a 1024-bit RSA key (at least 2048 bits needed)");
	finding_list_free(&l);
	judge_leaf_key(k, p192, &l);
	tf_says(&l, "weak_key", "a 192-bit EC key (at least 256 bits needed)",
		NULL);
	finding_list_free(&l);
	/* Not: RSA 2048, EC P-256. */
	judge_leaf_key(k, rsa2048, &l);
	tf_assert_ids(&l, "name_match");
	finding_list_free(&l);
	judge_leaf_key(k, k->leaf_key, &l);
	tf_assert_ids(&l, "name_match");
	finding_list_free(&l);
	EVP_PKEY_free(rsa1024);
	EVP_PKEY_free(rsa2048);
	EVP_PKEY_free(p192);
}

/* A weak intermediate counts; a weak root the server sends does not. */
static void test_weak_key_in_chain(void **state)
{
	struct tf_pki *k = *state;
	EVP_PKEY *weak = tcert_key("RSA1024");
	struct tcert_spec is = { .cn = "Weak CA", .org = TF_ORG, .ca = 1,
				 .key = weak, .issuer = k->root,
				 .issuer_key = k->root_key };
	struct tcert_spec rs = { .cn = "Weak Root", .org = TF_ORG, .ca = 1,
				 .key = weak };
	X509 *wi = tcert_x509(&is), *wr = tcert_x509(&rs);
	X509 *a[2] = { k->leaf, wi }, *b[3] = { k->leaf, k->inter, wr };
	struct finding_list l;

	tf_judge_chain(a, 2, "DIR", X509_V_OK, NULL, &l);
	assert_int_equal(tf_count(&l, "weak_key"), 1);
	tf_says(&l, "weak_key", "chain certificate 1 (CN=Weak CA",
		"1024-bit RSA", NULL);
	finding_list_free(&l);
	tf_judge_chain(b, 3, "DIR", X509_V_OK, NULL, &l);
	assert_int_equal(tf_count(&l, "weak_key"), 0);
	finding_list_free(&l);
	X509_free(wi);
	X509_free(wr);
	EVP_PKEY_free(weak);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_untrusted_stored),
		cmocka_unit_test(test_untrusted_again),
		cmocka_unit_test(test_verify_at_probe_time),
		cmocka_unit_test(test_undecodable_leaf),
		cmocka_unit_test(test_self_signed),
		cmocka_unit_test(test_self_issued_not_self_signed),
		cmocka_unit_test(test_incomplete_chain),
		cmocka_unit_test(test_missing_issuer_of_ca),
		cmocka_unit_test(test_incomplete_chain_no_aia),
		cmocka_unit_test(test_no_partial_chain),
		cmocka_unit_test(test_chain_misordered),
		cmocka_unit_test(test_chain_misordered_not_next),
		cmocka_unit_test(test_root_sent),
		cmocka_unit_test(test_weak_signature_sha1),
		cmocka_unit_test(test_weak_signature_md5),
		cmocka_unit_test(test_weak_key),
		cmocka_unit_test(test_weak_key_in_chain),
	};

	return cmocka_run_group_tests(tests, tf_setup, tf_teardown);
}
