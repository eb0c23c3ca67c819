/* test_checks_cert.c: the per-endpoint findings of checks_cert.c, each
 * triggered and not, on certificates made with support/findings.h's test
 * PKI: reaching the endpoint, its name, the leaf's dates (and an
 * intermediate's), its EKUs, the protocol, revocation pointers and its
 * lifetime. The chain's findings are in test_checks_chain.c, the target's
 * in test_checks_target.c, mutual TLS's in test_checks_mtls.c.
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
			    "expired on 2026-09-16T14:13:20Z (days left: -5)");
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
		"expires on 2026-10-01T14:13:20Z (days left: 10)", NULL);
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
		"expired on 2026-09-20T14:13:20Z (days left: -1)", NULL);
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
	/* A CRL Distribution Point that no partner can fetch counts as none,
	 * and the message says what is there instead. */
	{
		static const struct {
			const char *uri, *why;
		} bad[] = {
			{ "theca.net/crlpoint", "\"theca.net/crlpoint\" (no scheme)" },
			{ "ldap:///CN=Contoso%20CA?certificateRevocationList",
			  "(LDAP without a host: only the issuer's own "
			  "directory answers it)" },
			{ "http:///ca.crl", "\"http:///ca.crl\" (no host)" },
			{ "https://pki.contoso.com/ca.crl",
			  "(neither http nor ldap)" },
		};
		size_t i;

		for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			k->leaf_spec.crl = bad[i].uri;
			tf_pki_reissue(k);
			tf_judge_leaf(k, "FED", 0, NULL, &l);
			tf_assert_ids(&l, "name_match no_crl_distribution_point");
			tf_says(&l, "no_crl_distribution_point",
				"no CRL Distribution Point URL a partner can "
				"fetch: it gives \"", bad[i].why, NULL);
			finding_list_free(&l);
		}
		/* Fetchable: http, and ldap with a host; in any case. */
		k->leaf_spec.crl = "HTTP://pki.contoso.com/ca.crl";
		tf_pki_reissue(k);
		tf_judge_leaf(k, "FED", 0, NULL, &l);
		tf_assert_ids(&l, "name_match");
		finding_list_free(&l);
		k->leaf_spec.crl = "ldap://dc1.contoso.com/CN=Contoso%20CA";
		tf_pki_reissue(k);
		tf_judge_leaf(k, "FED", 0, NULL, &l);
		tf_assert_ids(&l, "name_match");
		finding_list_free(&l);
		/* One fetchable among unusable ones is enough. */
		{
			static const char *const two[] = {
				"crlDistributionPoints",
				"URI:theca.net/crlpoint,URI:http://pki.contoso.com/ca.crl",
				NULL
			};

			k->leaf_spec.crl = NULL;
			k->leaf_spec.exts = two;
			tf_pki_reissue(k);
			tf_judge_leaf(k, "FED", 0, NULL, &l);
			tf_assert_ids(&l, "name_match");
			finding_list_free(&l);
			k->leaf_spec.exts = NULL;
		}
		tf_reset_leaf(*state);
	}
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
		cmocka_unit_test(test_good_leaf),
		cmocka_unit_test(test_connect_failed),
		cmocka_unit_test(test_handshake_failed),
		cmocka_unit_test(test_name_in_san),
		cmocka_unit_test(test_name_mismatch),
		cmocka_unit_test(test_name_long_lists),
		cmocka_unit_test(test_name_common_name),
		cmocka_unit_test(test_wildcard_name),
		cmocka_unit_test(test_name_without_sni),
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
