/* test_checks_cert.c: the registry, the list, and the per-endpoint
 * findings about reaching the endpoint and its name, each triggered and
 * not, on certificates made here (support/findings.h). The leaf's
 * other findings are in test_checks_cert_leaf.c, the chain's in
 * test_checks_chain.c, the target's in test_checks_target.c.
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
	{ "client_cert_requested", SEVERITY_INFO, 0 },
	{ "client_cert_required", SEVERITY_INFO, 0 },
	{ "partner_rejects_our_certificate", SEVERITY_ERROR, 0 },
	{ "partner_ca_list_excludes_our_root", SEVERITY_WARNING, 0 },
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

/* ---- Judging one DIR endpoint ------------------------------------------ */

/* The good certificate: only the name match, judged either way. */
static void test_good_leaf(void **state)
{
	struct tf_pki *k = *state;
	struct finding_list l;

	tf_judge_leaf(k, "FED", 0, NULL, &l);
	tf_assert_ids(&l, "name_match");
	assert_string_equal(l.items[0].message,
			    "FQDN is in SAN list (sip.contoso.com)");
	assert_int_equal(l.items[0].severity, SEVERITY_INFO);
	assert_int_equal(finding_list_worst(&l), SEVERITY_INFO);
	finding_list_free(&l);
	tf_judge_leaf(k, "FED", 0, k->trust, &l);
	tf_assert_ids(&l, "name_match");
	finding_list_free(&l);
}

/* ---- connect_failed, handshake_failed ----------------------------------- */

static void judge_failed(const char *kind, const char *reason,
			 double connect_ms, const char *address,
			 struct finding_list *l)
{
	struct tf_probe p;
	struct store_target_row t;

	tf_probe_init(&p, NULL, 0);
	p.row.error_kind = (char *)kind;
	p.row.error_reason = (char *)reason;
	p.row.connect_ms = connect_ms;
	p.row.address = (char *)address;
	p.row.tls_version = NULL;
	p.row.verify_code = -1;
	t = tf_target("DIR", "sip.contoso.com", &p.row, 1);
	tf_judge(&t, NULL, l);
}

static void test_connect_failed(void **state)
{
	struct finding_list l;

	(void)state;
	judge_failed("refused", "connection refused", -1, "192.0.2.10", &l);
	tf_assert_ids(&l, "connect_failed");
	assert_string_equal(l.items[0].message,
			    "could not connect to 192.0.2.10:5061: refused "
			    "(connection refused)");
	finding_list_free(&l);
	judge_failed("timeout", "connect timed out after 10 s", -1,
		     "2001:db8::10", &l);
	tf_assert_ids(&l, "connect_failed");
	tf_says(&l, "connect_failed", "[2001:db8::10]:5061", "timeout",
		"connect timed out", NULL);
	finding_list_free(&l);
	/* Not: a handshake timeout after the connection. */
	judge_failed("timeout", "handshake timed out after 10 s", 0.7,
		     "192.0.2.10", &l);
	tf_assert_ids(&l, "handshake_failed");
	finding_list_free(&l);
}

static void test_handshake_failed(void **state)
{
	struct tf_pki *k = *state;
	X509 *certs[2] = { k->leaf, k->inter };
	struct finding_list l;
	struct tf_probe p;
	struct store_target_row t;

	judge_failed("not_tls", "the peer does not speak TLS", 0.5,
		     "192.0.2.10", &l);
	tf_assert_ids(&l, "handshake_failed");
	tf_says(&l, "handshake_failed", "192.0.2.10:5061", "not_tls",
		"does not speak TLS", NULL);
	finding_list_free(&l);
	/* An alert after the Certificate message: the chain is still
	 * judged. */
	tf_probe_init(&p, certs, 2);
	p.row.error_kind = "tls_alert";
	p.row.error_reason = "handshake failure (alert 40)";
	p.row.tls_version = NULL;
	t = tf_target("DIR", "sip.contoso.com", &p.row, 1);
	tf_judge(&t, NULL, &l);
	tf_assert_ids(&l, "handshake_failed name_match");
	tf_says(&l, "handshake_failed", "tls_alert",
		"handshake failure (alert 40)", NULL);
	assert_ptr_equal(l.items[0].probe, &t.probes[0]);
	finding_list_free(&l);
	tf_probe_free(&p);
	/* Not: a probe without an error. */
	tf_judge_leaf(k, "DIR", 0, NULL, &l);
	assert_int_equal(tf_count(&l, "handshake_failed") +
				 tf_count(&l, "connect_failed"), 0);
	finding_list_free(&l);
}

/* ---- name_match, name_mismatch, wildcard_name -------------------------- */

static void judge_names(void **state, const char *cn, const char *dns0,
			const char *dns1, const char *ip0,
			struct finding_list *l)
{
	struct tf_pki *k = *state;

	k->leaf_spec = tf_leaf_spec(k);
	k->leaf_spec.cn = cn;
	k->leaf_spec.dns[0] = dns0;
	k->leaf_spec.dns[1] = dns0 ? dns1 : NULL;
	k->leaf_spec.ip[0] = ip0;
	tf_pki_reissue(k);
	tf_judge_leaf(k, "FED", 0, NULL, l);
}

static void test_name_in_san(void **state)
{
	struct finding_list l;

	judge_names(state, "other.contoso.com", "lync.contoso.com",
		    "SIP.Contoso.COM", NULL, &l);
	tf_assert_ids(&l, "name_match");
	assert_string_equal(l.items[0].message,
			    "FQDN is in SAN list (sip.contoso.com)");
	finding_list_free(&l);
	/* An exact name beside a wildcard: no wildcard finding. */
	judge_names(state, NULL, "*.contoso.com", "sip.contoso.com", NULL, &l);
	tf_assert_ids(&l, "name_match");
	finding_list_free(&l);
}

static void test_name_mismatch(void **state)
{
	struct finding_list l;

	judge_names(state, "sip.contoso.com", "lync.contoso.com",
		    "sip.fabrikam.com", "192.0.2.10", &l);
	tf_assert_ids(&l, "name_mismatch");
	assert_int_equal(l.items[0].severity, SEVERITY_ERROR);
	/* The CN is not looked at when there is a dNSName. */
	assert_string_equal(l.items[0].message,
			    "sip.contoso.com is not in the SAN list (DNS "
			    "names: lync.contoso.com, sip.fabrikam.com); SAN "
			    "IP addresses never match a name: 192.0.2.10");
	finding_list_free(&l);
	/* CN-only certificates. */
	judge_names(state, "lync.contoso.com", NULL, NULL, NULL, &l);
	tf_assert_ids(&l, "name_mismatch");
	tf_says(&l, "name_mismatch", "Common Name \"lync.contoso.com\"",
		"no SAN DNS name", NULL);
	finding_list_free(&l);
	judge_names(state, NULL, NULL, NULL, NULL, &l);
	tf_assert_ids(&l, "name_mismatch");
	tf_says(&l, "name_mismatch", "Common Name (none)", NULL);
	finding_list_free(&l);
	tf_reset_leaf(*state);
}

/* A message names the first FINDING_LIST_SHOWN (8) names and counts the
 * rest; a message never grows past 2048 bytes (then "..."). */
static void test_name_long_lists(void **state)
{
	static const char *const many[10] = {
		"a.contoso.com", "b.contoso.com", "c.contoso.com",
		"d.contoso.com", "e.contoso.com", "f.contoso.com",
		"g.contoso.com", "h.contoso.com", "i.contoso.com",
		"j.contoso.com" };
	struct tf_pki *k = *state;
	char longname[8][301];
	const char *msg;
	struct finding_list l;
	size_t i;

	k->leaf_spec = tf_leaf_spec(k);
	for (i = 0; i < 10; i++)
		k->leaf_spec.dns[i] = many[i];
	tf_pki_reissue(k);
	tf_judge_leaf(k, "FED", 0, NULL, &l);
	tf_assert_ids(&l, "name_mismatch");
	msg = l.items[0].message;
	assert_non_null(strstr(msg, "a.contoso.com, b.contoso.com"));
	assert_non_null(strstr(msg, "h.contoso.com (2 more))"));
	assert_null(strstr(msg, "i.contoso.com"));
	finding_list_free(&l);
	for (i = 0; i < 8; i++) {
		memset(longname[i], 'x', 300);
		memcpy(longname[i] + 300 - 12, ".contoso.com", 12);
		longname[i][0] = (char)('a' + i);
		longname[i][300] = '\0';
		k->leaf_spec.dns[i] = longname[i];
	}
	k->leaf_spec.dns[8] = k->leaf_spec.dns[9] = NULL;
	tf_pki_reissue(k);
	tf_judge_leaf(k, "FED", 0, NULL, &l);
	msg = l.items[0].message;
	assert_int_equal(strlen(msg), 2048 + 3);
	assert_string_equal(msg + 2048, "...");
	finding_list_free(&l);
	tf_reset_leaf(k);
}

static void test_name_common_name(void **state)
{
	struct finding_list l;

	judge_names(state, "SIP.contoso.com", NULL, NULL, NULL, &l);
	tf_assert_ids(&l, "name_match");
	assert_string_equal(l.items[0].message,
			    "Common Name match found (SIP.contoso.com); the "
			    "certificate has no SAN DNS name");
	finding_list_free(&l);
	/* SAN with only an IP address: the CN still counts. */
	judge_names(state, "sip.contoso.com", NULL, NULL, "192.0.2.10", &l);
	tf_assert_ids(&l, "name_match");
	tf_says(&l, "name_match", "Common Name match found", NULL);
	finding_list_free(&l);
	tf_reset_leaf(*state);
}

static void test_wildcard_name(void **state)
{
	struct finding_list l;

	judge_names(state, "sip.contoso.com", "*.contoso.com", NULL, NULL, &l);
	tf_assert_ids(&l, "wildcard_name");
	assert_int_equal(l.items[0].severity, SEVERITY_WARNING);
	assert_string_equal(l.items[0].message,
			    "sip.contoso.com is matched only by the wildcard "
			    "*.contoso.com in the SAN list");
	finding_list_free(&l);
	judge_names(state, "*.contoso.com", NULL, NULL, NULL, &l);
	tf_assert_ids(&l, "wildcard_name");
	tf_says(&l, "wildcard_name", "wildcard Common Name *.contoso.com",
		NULL);
	finding_list_free(&l);
	/* Not a match at all: a wildcard one level too high. */
	judge_names(state, NULL, "*.com", NULL, NULL, &l);
	tf_assert_ids(&l, "name_mismatch");
	finding_list_free(&l);
	tf_reset_leaf(*state);
}

/* A DIR target given as an address sends no SNI: no name to judge. */
static void test_name_without_sni(void **state)
{
	struct tf_pki *k = *state;
	X509 *certs[2] = { k->leaf, k->inter };
	struct finding_list l;
	struct tf_probe p;
	struct store_target_row t;

	tf_probe_init(&p, certs, 2);
	p.row.sni = NULL;
	p.row.via = "192.0.2.10";
	t = tf_target("DIR", "192.0.2.10", &p.row, 1);
	tf_judge(&t, NULL, &l);
	assert_int_equal(l.count, 0);
	finding_list_free(&l);
	tf_probe_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_severity_names),
		cmocka_unit_test(test_list_worst),
		cmocka_unit_test(test_good_leaf),
		cmocka_unit_test(test_connect_failed),
		cmocka_unit_test(test_handshake_failed),
		cmocka_unit_test(test_name_in_san),
		cmocka_unit_test(test_name_mismatch),
		cmocka_unit_test(test_name_long_lists),
		cmocka_unit_test(test_name_common_name),
		cmocka_unit_test(test_wildcard_name),
		cmocka_unit_test(test_name_without_sni),
	};

	return cmocka_run_group_tests(tests, tf_setup, tf_teardown);
}
