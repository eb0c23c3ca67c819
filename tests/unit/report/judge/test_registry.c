/* test_registry.c: the findings' registry (every id, its severity, whether
 * it concerns the target, why it matters), the severity names and the
 * finding list (report/judge/registry.c).
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

/* ---- Registry, severities, list --------------------------------------- */

static const struct {
	const char *id;
	enum finding_severity sev;
	int per_target;
} expected[] = {
	{ "connect_failed", SEVERITY_ERROR, 0 },
	{ "handshake_failed", SEVERITY_ERROR, 0 },
	{ "name_match", SEVERITY_INFO, 0 },
	{ "name_mismatch", SEVERITY_ERROR, 0 },
	{ "wildcard_name", SEVERITY_WARNING, 0 },
	{ "expired", SEVERITY_ERROR, 0 },
	{ "not_yet_valid", SEVERITY_ERROR, 0 },
	{ "expires_soon", SEVERITY_WARNING, 0 },
	{ "no_server_auth_eku", SEVERITY_ERROR, 0 },
	{ "no_client_auth_eku", SEVERITY_ERROR, 0 },
	{ "untrusted_chain", SEVERITY_ERROR, 0 },
	{ "self_signed", SEVERITY_ERROR, 0 },
	{ "incomplete_chain", SEVERITY_ERROR, 0 },
	{ "chain_misordered", SEVERITY_WARNING, 0 },
	{ "root_sent", SEVERITY_INFO, 0 },
	{ "chain_too_large", SEVERITY_ERROR, 0 },
	{ "weak_signature", SEVERITY_ERROR, 0 },
	{ "weak_key", SEVERITY_ERROR, 0 },
	{ "legacy_tls", SEVERITY_WARNING, 0 },
	{ "no_crl_distribution_point", SEVERITY_WARNING, 0 },
	{ "no_ocsp", SEVERITY_INFO, 0 },
	{ "long_validity", SEVERITY_INFO, 0 },
	{ "client_auth_lost_at_renewal", SEVERITY_WARNING, 0 },
	{ "chain_distrust_scheduled", SEVERITY_WARNING, 0 },
	{ "issuer_expires_before_leaf", SEVERITY_WARNING, 0 },
	{ "client_cert_requested", SEVERITY_INFO, 0 },
	{ "client_cert_required", SEVERITY_INFO, 0 },
	{ "partner_rejects_our_certificate", SEVERITY_ERROR, 0 },
	{ "partner_ca_list_excludes_our_root", SEVERITY_WARNING, 0 },
	{ "sip_not_answering", SEVERITY_ERROR, 0 },
	{ "sip_not_sip", SEVERITY_ERROR, 0 },
	{ "sip_rejected", SEVERITY_ERROR, 0 },
	{ "sip_server", SEVERITY_INFO, 0 },
	{ "sip_product_out_of_support", SEVERITY_WARNING, 0 },
	{ "srv_missing", SEVERITY_ERROR, 1 },
	{ "srv_not_available", SEVERITY_WARNING, 1 },
	{ "dns_error", SEVERITY_ERROR, 1 },
	{ "host_unresolved", SEVERITY_ERROR, 1 },
	{ "srv_target_outside_domain", SEVERITY_WARNING, 1 },
	{ "pool_inconsistent", SEVERITY_WARNING, 1 },
	{ "pool_partial_failure", SEVERITY_ERROR, 1 },
	{ "not_probed", SEVERITY_WARNING, 1 },
};

#define NEXPECTED (sizeof expected / sizeof expected[0])

static void test_registry(void **state)
{
	size_t n, i;
	const struct finding_def *r = findings_registry(&n);

	(void)state;
	assert_int_equal(n, NEXPECTED);
	for (i = 0; i < n; i++) {
		size_t len = strlen(r[i].why);

		assert_string_equal(r[i].id, expected[i].id);
		assert_int_equal(r[i].severity, expected[i].sev);
		assert_int_equal(r[i].per_target, expected[i].per_target);
		assert_true(len > 40);
		assert_int_equal(r[i].why[len - 1], '.');
		assert_null(strchr(r[i].why, '\n'));
		assert_ptr_equal(findings_lookup(expected[i].id), &r[i]);
	}
	assert_null(findings_lookup("name_missmatch"));
	assert_null(findings_lookup(NULL));
	assert_non_null(strstr(findings_lookup("no_client_auth_eku")->why,
			       "2025-26"));
}

static void test_severity_names(void **state)
{
	enum finding_severity s = SEVERITY_INFO;

	(void)state;
	assert_string_equal(finding_severity_name(SEVERITY_INFO), "info");
	assert_string_equal(finding_severity_name(SEVERITY_WARNING), "warning");
	assert_string_equal(finding_severity_name(SEVERITY_ERROR), "error");
	assert_int_equal(finding_severity_parse("WARNING", &s), 0);
	assert_int_equal(s, SEVERITY_WARNING);
	assert_int_equal(finding_severity_parse("error", &s), 0);
	assert_int_equal(s, SEVERITY_ERROR);
	assert_int_equal(finding_severity_parse("warn", &s), -1);
	assert_int_equal(finding_severity_parse(NULL, &s), -1);
	assert_int_equal(s, SEVERITY_ERROR);
}

static void test_list_worst(void **state)
{
	struct finding_list l = { 0 };
	struct tf_probe p;
	struct store_target_row t;

	(void)state;
	assert_int_equal(finding_list_worst(&l), -1);
	finding_list_free(&l);
	finding_list_free(NULL);
	tf_probe_init(&p, NULL, 0);
	p.row.tls_version = "TLSv1.1";
	t = tf_target("DIR", "sip.contoso.com", &p.row, 1);
	tf_judge(&t, NULL, &l);
	assert_int_equal(l.count, 1);
	assert_int_equal(finding_list_worst(&l), SEVERITY_WARNING);
	finding_list_free(&l);
	assert_int_equal(l.count, 0);
	assert_null(l.items);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_severity_names),
		cmocka_unit_test(test_list_worst),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
