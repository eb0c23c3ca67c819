/* test_checks_cert_leaf.c: the per-endpoint findings about the leaf
 * besides its name: its dates (and an intermediate's), its EKUs, the
 * protocol, revocation pointers and its lifetime, each triggered and not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support/findings.h"

/* ---- expired, not_yet_valid, expires_soon ------------------------------ */

static void judge_validity(void **state, long from, long to,
			   long verify_code, struct finding_list *l)
{
	struct tf_pki *k = *state;

	k->leaf_spec = tf_leaf_spec(k);
	k->leaf_spec.set_validity = 1;
	k->leaf_spec.from_days = from;
	k->leaf_spec.to_days = to;
	tf_pki_reissue(k);
	tf_judge_leaf(k, "FED", verify_code, NULL, l);
}

static void test_expired(void **state)
{
	struct finding_list l;

	judge_validity(state, -400, -5, X509_V_ERR_CERT_HAS_EXPIRED, &l);
	/* The scanner's "certificate has expired" is not repeated. */
	tf_assert_ids(&l, "name_match expired");
	assert_int_equal(tf_get(&l, "expired")->severity, SEVERITY_ERROR);
	assert_string_equal(tf_get(&l, "expired")->message,
			    "the leaf (CN=sip.contoso.com,O=Contoso Test) "
			    "expired on 2026-09-16T14:13:20Z (5 days ago)");
	finding_list_free(&l);
	/* Judged against the trust store at the probe's time: the same. */
	tf_judge_leaf(*state, "FED", 0, ((struct tf_pki *)*state)->trust, &l);
	tf_assert_ids(&l, "name_match expired");
	finding_list_free(&l);
	/* Not: valid for 190 more days. */
	judge_validity(state, -10, 190, 0, &l);
	assert_int_equal(tf_count(&l, "expired") +
				 tf_count(&l, "expires_soon") +
				 tf_count(&l, "not_yet_valid"), 0);
	finding_list_free(&l);
	tf_reset_leaf(*state);
}

static void test_not_yet_valid(void **state)
{
	struct finding_list l;

	judge_validity(state, 3, 300, X509_V_ERR_CERT_NOT_YET_VALID, &l);
	tf_assert_ids(&l, "name_match not_yet_valid");
	tf_says(&l, "not_yet_valid", "the leaf (CN=sip.contoso.com",
		"is not valid before 2026-09-24T14:13:20Z (3 days from now)",
		NULL);
	finding_list_free(&l);
	/* Not: valid since yesterday. */
	judge_validity(state, -1, 300, 0, &l);
	assert_int_equal(tf_count(&l, "not_yet_valid"), 0);
	finding_list_free(&l);
	tf_reset_leaf(*state);
}

static void test_expires_soon(void **state)
{
	struct judge_options o = { .now = TF_NOW, .warn_days = 5 };
	struct tf_pki *k = *state;
	struct finding_list l;
	X509 *certs[2];
	struct tf_probe p;
	struct store_target_row t;

	judge_validity(state, -300, 10, 0, &l);
	tf_assert_ids(&l, "name_match expires_soon");
	assert_int_equal(tf_get(&l, "expires_soon")->severity,
			 SEVERITY_WARNING);
	tf_says(&l, "expires_soon", "the leaf (CN=sip.contoso.com",
		"expires on 2026-10-01T14:13:20Z (10 days left)", NULL);
	finding_list_free(&l);
	/* Not: 10 days left with a 5-day window; yes with 11. */
	certs[0] = k->leaf;
	certs[1] = k->inter;
	tf_probe_init(&p, certs, 2);
	t = tf_target("FED", "contoso.com", &p.row, 1);
	memset(&l, 0, sizeof l);
	assert_int_equal(findings_judge_target(&o, &t, &l), 0);
	assert_int_equal(tf_count(&l, "expires_soon"), 0);
	finding_list_free(&l);
	o.warn_days = 11;
	assert_int_equal(findings_judge_target(&o, &t, &l), 0);
	assert_int_equal(tf_count(&l, "expires_soon"), 1);
	finding_list_free(&l);
	tf_probe_free(&p);
	/* A negative warn_days is the default, 30: 29 days left warn, 31
	 * do not. */
	o.warn_days = -1;
	judge_validity(state, -300, 29, 0, &l);
	finding_list_free(&l);
	certs[0] = k->leaf;
	tf_probe_init(&p, certs, 2);
	t = tf_target("FED", "contoso.com", &p.row, 1);
	assert_int_equal(findings_judge_target(&o, &t, &l), 0);
	assert_int_equal(tf_count(&l, "expires_soon"), 1);
	finding_list_free(&l);
	tf_probe_free(&p);
	judge_validity(state, -300, 31, 0, &l);
	assert_int_equal(tf_count(&l, "expires_soon"), 0);
	finding_list_free(&l);
	tf_reset_leaf(*state);
}

/* An intermediate counts too; a root the server sends does not. */
static void test_expired_intermediate(void **state)
{
	struct tf_pki *k = *state;
	struct tcert_spec s = { .cn = "Contoso Old CA", .org = TF_ORG, .ca = 1,
				.set_validity = 1, .from_days = -900,
				.to_days = -1, .key = k->int_key,
				.issuer = k->root, .issuer_key = k->root_key };
	struct tcert_spec r = { .cn = "Contoso Old Root", .org = TF_ORG,
				.ca = 1, .set_validity = 1, .from_days = -900,
				.to_days = -2, .key = k->root_key };
	X509 *old = tcert_x509(&s), *old_root = tcert_x509(&r);
	X509 *certs[3] = { k->leaf, old, old_root };
	struct finding_list l;
	struct tf_probe p;
	struct store_target_row t;

	tf_probe_init(&p, certs, 3);
	t = tf_target("DIR", "sip.contoso.com", &p.row, 1);
	tf_judge(&t, NULL, &l);
	assert_int_equal(tf_count(&l, "expired"), 1);
	tf_says(&l, "expired", "chain certificate 1 (CN=Contoso Old CA",
		"expired on 2026-09-20T14:13:20Z (1 day ago)", NULL);
	finding_list_free(&l);
	tf_probe_free(&p);
	X509_free(old);
	X509_free(old_root);
}

/* ---- no_server_auth_eku, no_client_auth_eku ---------------------------- */

static void judge_eku(void **state, const char *eku, const char *type,
		      long verify_code, struct finding_list *l)
{
	struct tf_pki *k = *state;

	k->leaf_spec = tf_leaf_spec(k);
	k->leaf_spec.eku = eku;
	tf_pki_reissue(k);
	tf_judge_leaf(k, type, verify_code, NULL, l);
}

static void test_no_client_auth_eku(void **state)
{
	struct finding_list l;

	judge_eku(state, "serverAuth", "FED", 0, &l);
	tf_assert_ids(&l, "name_match no_client_auth_eku");
	assert_int_equal(tf_get(&l, "no_client_auth_eku")->severity,
			 SEVERITY_ERROR);
	tf_says(&l, "no_client_auth_eku", "lacks Client Authentication",
		"it lists: Server Authentication (1.3.6.1.5.5.7.3.1)", NULL);
	finding_list_free(&l);
	/* A warning for a target that is not FED. */
	judge_eku(state, "serverAuth,codeSigning", "DIR", 0, &l);
	tf_assert_ids(&l, "name_match no_client_auth_eku");
	assert_int_equal(tf_get(&l, "no_client_auth_eku")->severity,
			 SEVERITY_WARNING);
	tf_says(&l, "no_client_auth_eku", "Server Authentication (1.3.6.1.5.5.7.3.1), "
		"Code Signing (1.3.6.1.5.5.7.3.3)", NULL);
	finding_list_free(&l);
	/* Not: both, or no EKU extension at all (any purpose). */
	judge_eku(state, "clientAuth,serverAuth", "FED", 0, &l);
	tf_assert_ids(&l, "name_match");
	finding_list_free(&l);
	judge_eku(state, NULL, "FED", 0, &l);
	tf_assert_ids(&l, "name_match");
	finding_list_free(&l);
	tf_reset_leaf(*state);
}

static void test_no_server_auth_eku(void **state)
{
	struct finding_list l;

	/* The scanner verified with the SSL server purpose: "unsupported
	 * certificate purpose" is this finding, not untrusted_chain. */
	judge_eku(state, "clientAuth", "FED", X509_V_ERR_INVALID_PURPOSE, &l);
	tf_assert_ids(&l, "name_match no_server_auth_eku");
	assert_string_equal(tf_get(&l, "no_server_auth_eku")->message,
			    "the leaf's Enhanced Key Usage lacks Server "
			    "Authentication (1.3.6.1.5.5.7.3.1); it lists: "
			    "Client Authentication (1.3.6.1.5.5.7.3.2)");
	finding_list_free(&l);
	/* anyExtendedKeyUsage does not stand in for either. */
	judge_eku(state, "anyExtendedKeyUsage", "SIP", 0, &l);
	tf_assert_ids(&l, "name_match no_server_auth_eku no_client_auth_eku");
	tf_says(&l, "no_server_auth_eku", "Any Purpose (2.5.29.37.0)", NULL);
	finding_list_free(&l);
	judge_eku(state, "serverAuth,clientAuth", "FED", 0, &l);
	assert_int_equal(tf_count(&l, "no_server_auth_eku"), 0);
	finding_list_free(&l);
	tf_reset_leaf(*state);
}

/* ---- legacy_tls -------------------------------------------------------- */

static void test_legacy_tls(void **state)
{
	static const char *const versions[] = { "TLSv1", "TLSv1.1", "TLSv1.2",
						"TLSv1.3" };
	struct finding_list l;
	struct tf_probe p;
	struct store_target_row t;
	size_t i;

	(void)state;
	for (i = 0; i < 4; i++) {
		tf_probe_init(&p, NULL, 0);
		p.row.tls_version = (char *)versions[i];
		p.row.cipher = "ECDHE-RSA-AES128-SHA";
		t = tf_target("DIR", "sip.contoso.com", &p.row, 1);
		tf_judge(&t, NULL, &l);
		assert_int_equal(tf_count(&l, "legacy_tls"), i < 2 ? 1 : 0);
		if (i == 1)
			assert_string_equal(l.items[0].message,
					    "the server negotiated TLSv1.1 "
					    "(cipher ECDHE-RSA-AES128-SHA): it "
					    "does not offer TLS 1.2 or later");
		finding_list_free(&l);
	}
}

/* ---- no_crl_distribution_point, no_ocsp -------------------------------- */

static void test_revocation(void **state)
{
	struct tf_pki *k = *state;
	struct finding_list l;

	k->leaf_spec.crl = NULL;
	tf_pki_reissue(k);
	tf_judge_leaf(k, "FED", 0, NULL, &l);
	tf_assert_ids(&l, "name_match no_crl_distribution_point");
	assert_int_equal(l.items[1].severity, SEVERITY_WARNING);
	tf_says(&l, "no_crl_distribution_point",
		"the leaf (CN=sip.contoso.com", "no CRL Distribution Point",
		NULL);
	finding_list_free(&l);
	tf_reset_leaf(*state);
	/* caIssuers alone is not OCSP. */
	k->leaf_spec.ocsp = NULL;
	tf_pki_reissue(k);
	tf_judge_leaf(k, "FED", 0, NULL, &l);
	tf_assert_ids(&l, "name_match no_ocsp");
	assert_int_equal(l.items[1].severity, SEVERITY_INFO);
	finding_list_free(&l);
	tf_reset_leaf(*state);
}

/* ---- long_validity ----------------------------------------------------- */

static void test_long_validity(void **state)
{
	struct finding_list l;

	judge_validity(state, -10, 400, 0, &l);
	tf_assert_ids(&l, "name_match long_validity");
	assert_string_equal(tf_get(&l, "long_validity")->message,
			    "the leaf (CN=sip.contoso.com,O=Contoso Test) is "
			    "valid for 410 days (2026-09-11T14:13:20Z to "
			    "2027-10-26T14:13:20Z), more than 398");
	finding_list_free(&l);
	/* Checked against a trust store too. */
	tf_judge_leaf(*state, "FED", 0, ((struct tf_pki *)*state)->trust, &l);
	assert_int_equal(tf_count(&l, "long_validity"), 1);
	finding_list_free(&l);
	/* Not: a chain that did not verify is not publicly trusted. */
	judge_validity(state, -10, 400, X509_V_ERR_CERT_SIGNATURE_FAILURE, &l);
	assert_int_equal(tf_count(&l, "long_validity"), 0);
	finding_list_free(&l);
	/* Not: exactly 398 days. */
	judge_validity(state, -10, 388, 0, &l);
	assert_int_equal(tf_count(&l, "long_validity"), 0);
	finding_list_free(&l);
	judge_validity(state, -10, 389, 0, &l);
	assert_int_equal(tf_count(&l, "long_validity"), 1);
	finding_list_free(&l);
	tf_reset_leaf(*state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expired),
		cmocka_unit_test(test_not_yet_valid),
		cmocka_unit_test(test_expires_soon),
		cmocka_unit_test(test_expired_intermediate),
		cmocka_unit_test(test_no_client_auth_eku),
		cmocka_unit_test(test_no_server_auth_eku),
		cmocka_unit_test(test_legacy_tls),
		cmocka_unit_test(test_revocation),
		cmocka_unit_test(test_long_validity),
	};

	return cmocka_run_group_tests(tests, tf_setup, tf_teardown);
}
