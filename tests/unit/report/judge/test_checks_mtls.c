/* test_checks_mtls.c: the findings of mutual TLS, each triggered and
 * not, on crafted probe rows (the facts the scanner records) over
 * certificates made here (support/findings.h); and our own
 * certificate judged once (findings_judge_self(), findings_verify_chain()).
 * The renderers' side is in render/test_mtls.c.
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

#define OUR_ROOT "CN=Contoso Test Root,O=Contoso Test"
#define OUR_INTER "CN=Contoso Test Issuing CA,O=Contoso Test"
#define OTHER_ROOT "CN=Fabrikam Root,O=Fabrikam"

/* What the scanner recorded of one exchange. */
struct cc {
	int requested, presented;
	const char *outcome, *alert;
	const char *kind, *reason; /* the probe's failure, NULL: none */
	const char *names[4];      /* acceptable CAs, NULL-terminated */
	size_t chain;              /* certificates captured: 0 or 2 */
};

/* Our chain (leaf, intermediate) as store rows; free with self_free(). */
struct self {
	struct store_cert_row rows[2];
	size_t n;
};

static void self_init(struct self *s, struct tf_pki *k)
{
	s->rows[0] = tf_row(k->leaf);
	s->rows[1] = tf_row(k->inter);
	s->n = 2;
}

static void self_free(struct self *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		tf_row_free(&s->rows[i]);
	s->n = 0;
}

/* Judges k's good chain as served by a FED endpoint whose exchange was
 * c, with our chain self (NULL: the scan presented none). */
static void judge_cc(struct tf_pki *k, const struct cc *c,
		     const struct self *self, struct finding_list *l)
{
	X509 *certs[2] = { k->leaf, k->inter };
	struct judge_options o = { .now = TF_NOW, .warn_days = 30 };
	struct tf_probe p;
	struct store_target_row t;
	size_t n = 0;

	tf_probe_init(&p, certs, 2);
	p.row.chain_len = c->chain;
	while (n < 4 && c->names[n] != NULL)
		n++;
	p.row.cc_requested = c->requested;
	p.row.cc_presented = c->presented;
	p.row.cc_outcome = (char *)c->outcome;
	p.row.cc_alert = (char *)c->alert;
	p.row.ca_names = (char **)c->names;
	p.row.ca_count = n;
	p.row.error_kind = (char *)c->kind;
	p.row.error_reason = (char *)c->reason;
	if (c->kind != NULL)
		p.row.tls_version = p.row.cipher = NULL;
	if (self != NULL) {
		o.self_chain = self->rows;
		o.self_count = self->n;
	}
	t = tf_target("FED", "sip.contoso.com", &p.row, 1);
	memset(l, 0, sizeof *l);
	assert_int_equal(findings_judge_target(&o, &t, l), 0);
	p.row.chain_len = 2; /* tf_probe_free() frees both rows */
	tf_probe_free(&p);
}

/* ---- client_cert_requested ---------------------------------------------- */

static void test_not_requested(void **state)
{
	struct cc c = { .chain = 2 };
	struct finding_list l;

	judge_cc(*state, &c, NULL, &l);
	tf_assert_ids(&l, "name_match");
	finding_list_free(&l);
}

static void test_requested_lists_cas(void **state)
{
	struct cc c = { .requested = 1, .outcome = "accepted", .chain = 2,
			.names = { OTHER_ROOT, OUR_ROOT } };
	struct finding_list l;

	judge_cc(*state, &c, NULL, &l);
	tf_assert_ids(&l, "name_match client_cert_requested");
	assert_int_equal(tf_get(&l, "client_cert_requested")->severity,
			 SEVERITY_INFO);
	assert_non_null(tf_get(&l, "client_cert_requested")->probe);
	tf_says(&l, "client_cert_requested", "named 2 acceptable CAs",
		OTHER_ROOT ", " OUR_ROOT, NULL);
	finding_list_free(&l);
}

static void test_requested_empty_list(void **state)
{
	struct cc c = { .requested = 1, .outcome = "accepted", .chain = 2 };
	struct finding_list l;

	judge_cc(*state, &c, NULL, &l);
	tf_assert_ids(&l, "name_match client_cert_requested");
	tf_says(&l, "client_cert_requested", "named no acceptable CA", NULL);
	finding_list_free(&l);
}

/* ---- client_cert_required ----------------------------------------------- */

/* TLS 1.2: the server alerts in the handshake; the probe failed, with
 * the chain captured. Not handshake_failed; the chain is judged. */
static void test_required_tls12(void **state)
{
	struct cc c = { .requested = 1, .outcome = "alert",
			.alert = "handshake failure", .kind = "tls_alert",
			.reason = "handshake failure (alert 40)", .chain = 2 };
	struct finding_list l;

	judge_cc(*state, &c, NULL, &l);
	tf_assert_ids(&l, "name_match client_cert_requested "
			  "client_cert_required");
	assert_int_equal(tf_get(&l, "client_cert_required")->severity,
			 SEVERITY_INFO);
	tf_says(&l, "client_cert_required", "presented none",
		"\"handshake failure\"", "2 certificates", NULL);
	finding_list_free(&l);
}

/* TLS 1.3: the verdict comes after the handshake completed. */
static void test_required_tls13(void **state)
{
	struct cc c = { .requested = 1, .outcome = "alert",
			.alert = "certificate required", .chain = 2 };
	struct finding_list l;

	judge_cc(*state, &c, NULL, &l);
	tf_assert_ids(&l, "name_match client_cert_requested "
			  "client_cert_required");
	tf_says(&l, "client_cert_required", "certificate required", NULL);
	finding_list_free(&l);
}

static void test_required_closed(void **state)
{
	struct cc c = { .requested = 1, .outcome = "closed", .kind = "reset",
			.reason = "connection reset by peer", .chain = 2 };
	struct finding_list l;

	judge_cc(*state, &c, NULL, &l);
	assert_int_equal(tf_count(&l, "client_cert_required"), 1);
	assert_int_equal(tf_count(&l, "handshake_failed"), 0);
	tf_says(&l, "client_cert_required", "closed the connection", NULL);
	finding_list_free(&l);
}

/* No outcome recorded: the failure kind after the chain says it; without
 * a chain the server never got that far, and the handshake failed. */
static void test_required_from_kind(void **state)
{
	struct cc c = { .requested = 1, .kind = "tls_alert",
			.reason = "handshake failure (alert 40)", .chain = 2 };
	struct finding_list l;

	judge_cc(*state, &c, NULL, &l);
	assert_int_equal(tf_count(&l, "client_cert_required"), 1);
	assert_int_equal(tf_count(&l, "handshake_failed"), 0);
	tf_says(&l, "client_cert_required", "ended the handshake (tls_alert",
		NULL);
	finding_list_free(&l);
	c.chain = 0;
	judge_cc(*state, &c, NULL, &l);
	tf_assert_ids(&l, "handshake_failed client_cert_requested");
	finding_list_free(&l);
}

/* A timeout after the request is not the server's verdict. */
static void test_failure_not_mtls(void **state)
{
	struct cc c = { .requested = 1, .outcome = "unknown",
			.kind = "timeout", .reason = "no answer", .chain = 2 };
	struct finding_list l;

	judge_cc(*state, &c, NULL, &l);
	assert_int_equal(tf_count(&l, "handshake_failed"), 1);
	assert_int_equal(tf_count(&l, "client_cert_required"), 0);
	assert_int_equal(tf_count(&l, "partner_rejects_our_certificate"), 0);
	finding_list_free(&l);
}

/* ---- partner_rejects_our_certificate ------------------------------------ */

static void test_refused_alerts(void **state)
{
	static const struct {
		const char *alert, *says, *also;
	} cases[] = {
		{ "unknown CA", "(unknown_ca)", "root CA certificate" },
		{ "unsupported certificate", "(unsupported_certificate)",
		  "Client Authentication" },
		{ "certificate expired", "(certificate_expired)", "expired" },
		{ "bad certificate", "(bad_certificate)", "logs" },
		{ "no renegotiation", "\"no renegotiation\"", "logs say why" },
	};
	struct tf_pki *k = *state;
	struct self self;
	struct finding_list l;
	size_t i;

	self_init(&self, k);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct cc c = { .requested = 1, .presented = 1,
				.outcome = "alert", .alert = cases[i].alert,
				.kind = "tls_alert", .reason = "alert",
				.chain = 2 };

		judge_cc(k, &c, &self, &l);
		tf_assert_ids(&l, "name_match client_cert_requested "
				  "partner_rejects_our_certificate");
		assert_int_equal(
			tf_get(&l, "partner_rejects_our_certificate")->severity,
			SEVERITY_ERROR);
		tf_says(&l, "partner_rejects_our_certificate",
			"refused our certificate (CN=sip.contoso.com",
			cases[i].says, cases[i].also, NULL);
		finding_list_free(&l);
	}
	self_free(&self);
}

static void test_refused_closed(void **state)
{
	struct cc c = { .requested = 1, .presented = 1, .outcome = "closed",
			.chain = 2 };
	struct finding_list l;

	judge_cc(*state, &c, NULL, &l);
	tf_assert_ids(&l, "name_match client_cert_requested "
			  "partner_rejects_our_certificate");
	tf_says(&l, "partner_rejects_our_certificate", "without an alert",
		"logs", NULL);
	finding_list_free(&l);
}

static void test_presented_accepted(void **state)
{
	struct tf_pki *k = *state;
	struct cc c = { .requested = 1, .presented = 1, .outcome = "accepted",
			.chain = 2, .names = { OUR_ROOT } };
	struct self self;
	struct finding_list l;

	self_init(&self, k);
	judge_cc(k, &c, &self, &l);
	tf_assert_ids(&l, "name_match client_cert_requested");
	finding_list_free(&l);
	self_free(&self);
}

/* ---- partner_ca_list_excludes_our_root ---------------------------------- */

static void test_ca_list_excludes(void **state)
{
	struct tf_pki *k = *state;
	struct cc c = { .requested = 1, .presented = 1, .outcome = "accepted",
			.chain = 2, .names = { OTHER_ROOT } };
	struct self self;
	struct finding_list l;

	self_init(&self, k);
	judge_cc(k, &c, &self, &l);
	tf_assert_ids(&l, "name_match client_cert_requested "
			  "partner_ca_list_excludes_our_root");
	assert_int_equal(
		tf_get(&l, "partner_ca_list_excludes_our_root")->severity,
		SEVERITY_WARNING);
	tf_says(&l, "partner_ca_list_excludes_our_root", OTHER_ROOT,
		"ends at \"" OUR_ROOT "\"", NULL);
	finding_list_free(&l);
	self_free(&self);
}

/* Our root (the issuer of our intermediate), our intermediate, in any
 * case: in our chain. */
static void test_ca_list_includes(void **state)
{
	static const char *const names[] = {
		OUR_ROOT, OUR_INTER, "cn=contoso test root,o=contoso test",
	};
	struct tf_pki *k = *state;
	struct self self;
	struct finding_list l;
	size_t i;

	self_init(&self, k);
	for (i = 0; i < 3; i++) {
		struct cc c = { .requested = 1, .outcome = "accepted",
				.chain = 2, .names = { OTHER_ROOT, names[i] } };

		judge_cc(k, &c, &self, &l);
		tf_assert_ids(&l, "name_match client_cert_requested");
		finding_list_free(&l);
	}
	self_free(&self);
}

/* Nothing to compare: no list, or no chain of ours. */
static void test_ca_list_not_judged(void **state)
{
	struct tf_pki *k = *state;
	struct cc named = { .requested = 1, .outcome = "accepted", .chain = 2,
			    .names = { OTHER_ROOT } };
	struct cc empty = { .requested = 1, .outcome = "accepted", .chain = 2 };
	struct self self;
	struct finding_list l;

	judge_cc(k, &named, NULL, &l);
	assert_int_equal(tf_count(&l, "partner_ca_list_excludes_our_root"), 0);
	finding_list_free(&l);
	self_init(&self, k);
	judge_cc(k, &empty, &self, &l);
	assert_int_equal(tf_count(&l, "partner_ca_list_excludes_our_root"), 0);
	finding_list_free(&l);
	self_free(&self);
}

/* The list names our root, yet the partner says unknown CA: it trusts
 * another certificate of that name. */
static void test_ca_list_same_name_other_ca(void **state)
{
	struct tf_pki *k = *state;
	struct cc c = { .requested = 1, .presented = 1, .outcome = "alert",
			.alert = "unknown CA", .chain = 2, .names = { OUR_ROOT } };
	struct self self;
	struct finding_list l;

	self_init(&self, k);
	judge_cc(k, &c, &self, &l);
	tf_assert_ids(&l, "name_match client_cert_requested "
			  "partner_rejects_our_certificate "
			  "partner_ca_list_excludes_our_root");
	tf_says(&l, "partner_ca_list_excludes_our_root", OUR_ROOT,
		"another one", NULL);
	finding_list_free(&l);
	c.alert = "bad certificate";
	judge_cc(k, &c, &self, &l);
	assert_int_equal(tf_count(&l, "partner_ca_list_excludes_our_root"), 0);
	finding_list_free(&l);
	self_free(&self);
}

/* ---- The pool ------------------------------------------------------------ */

/* A member that requires our certificate is not a failing member. */
static void test_pool_required_member(void **state)
{
	struct tf_pki *k = *state;
	X509 *certs[2] = { k->leaf, k->inter };
	struct tf_probe p[3];
	struct store_probe_row rows[3];
	struct store_target_row t;
	struct finding_list l;
	size_t i;

	for (i = 0; i < 3; i++)
		tf_probe_init(&p[i], certs, 2);
	p[1].row.address = "192.0.2.11";
	p[1].row.error_kind = "tls_alert";
	p[1].row.cc_requested = 1;
	p[1].row.cc_outcome = "alert";
	p[1].row.cc_alert = "handshake failure";
	p[2].row.address = "192.0.2.12";
	for (i = 0; i < 3; i++)
		rows[i] = p[i].row;
	t = tf_target("FED", "sip.contoso.com", rows, 2);
	tf_judge(&t, NULL, &l);
	assert_int_equal(tf_count(&l, "pool_partial_failure"), 0);
	assert_int_equal(tf_count(&l, "client_cert_required"), 1);
	finding_list_free(&l);
	rows[2].error_kind = "refused";
	rows[2].connect_ms = -1;
	t.probe_count = 3;
	tf_judge(&t, NULL, &l);
	tf_says(&l, "pool_partial_failure", "1 of 3", "192.0.2.12 (refused)",
		NULL);
	assert_null(strstr(tf_get(&l, "pool_partial_failure")->message,
			   "192.0.2.11"));
	finding_list_free(&l);
	for (i = 0; i < 3; i++)
		tf_probe_free(&p[i]);
}

/* ---- Our own certificate ------------------------------------------------- */

static void judge_self(struct tf_pki *k, X509 *const *certs, size_t n,
		       X509_STORE *trust, struct finding_list *l)
{
	struct store_cert_row rows[3];
	struct judge_options o = { .now = TF_NOW, .warn_days = 30,
				   .trust = trust, .self_chain = rows,
				   .self_count = n };
	size_t i;

	(void)k;
	for (i = 0; i < n; i++)
		rows[i] = tf_row(certs[i]);
	memset(l, 0, sizeof *l);
	assert_int_equal(findings_judge_self(&o, l), 0);
	for (i = 0; i < l->count; i++)
		assert_null(l->items[i].probe);
	for (i = 0; i < n; i++)
		tf_row_free(&rows[i]);
}

static void test_self_good(void **state)
{
	struct tf_pki *k = *state;
	X509 *certs[2] = { k->leaf, k->inter };
	struct finding_list l;
	struct judge_options none = { .now = TF_NOW };

	judge_self(k, certs, 2, k->trust, &l);
	tf_assert_ids(&l, "");
	finding_list_free(&l);
	memset(&l, 0, sizeof l);
	assert_int_equal(findings_judge_self(&none, &l), 0);
	assert_int_equal(l.count, 0);
}

/* The 2026 failure: a renewed certificate without Client Authentication
 * is an error for our own, whatever partners we scanned. */
static void test_self_no_client_auth(void **state)
{
	struct tf_pki *k = *state;
	X509 *certs[2];
	struct finding_list l;

	k->leaf_spec.eku = "serverAuth";
	tf_pki_reissue(k);
	certs[0] = k->leaf;
	certs[1] = k->inter;
	judge_self(k, certs, 2, k->trust, &l);
	tf_assert_ids(&l, "no_client_auth_eku");
	assert_int_equal(l.items[0].severity, SEVERITY_ERROR);
	finding_list_free(&l);
	k->leaf_spec.eku = "clientAuth";
	tf_pki_reissue(k);
	certs[0] = k->leaf;
	judge_self(k, certs, 2, k->trust, &l);
	tf_assert_ids(&l, "no_server_auth_eku");
	finding_list_free(&l);
	tf_reset_leaf(k);
}

static void test_self_dates_and_key(void **state)
{
	struct tf_pki *k = *state;
	X509 *certs[2];
	struct finding_list l;

	k->leaf_spec.set_validity = 1;
	k->leaf_spec.from_days = -100;
	k->leaf_spec.to_days = -1;
	tf_pki_reissue(k);
	certs[0] = k->leaf;
	certs[1] = k->inter;
	judge_self(k, certs, 2, k->trust, &l);
	tf_assert_ids(&l, "expired");
	finding_list_free(&l);
	k->leaf_spec.to_days = 10;
	tf_pki_reissue(k);
	certs[0] = k->leaf;
	judge_self(k, certs, 2, k->trust, &l);
	tf_assert_ids(&l, "expires_soon");
	finding_list_free(&l);
	tf_reset_leaf(k);
	k->leaf_spec.key = tcert_key("RSA1024");
	k->leaf_spec.md = EVP_sha1();
	tf_pki_reissue(k);
	certs[0] = k->leaf;
	judge_self(k, certs, 2, k->trust, &l);
	tf_assert_ids(&l, "weak_signature weak_key");
	finding_list_free(&l);
	EVP_PKEY_free(k->leaf_spec.key);
	tf_reset_leaf(k);
}

/* Against the trust store: our intermediate left out, or a root nobody
 * has. */
static void test_self_chain_trust(void **state)
{
	struct tf_pki *k = *state;
	X509 *certs[2] = { k->leaf, k->inter };
	X509_STORE *empty = X509_STORE_new();
	struct finding_list l;

	assert_non_null(empty);
	judge_self(k, certs, 1, k->trust, &l);
	tf_assert_ids(&l, "incomplete_chain");
	finding_list_free(&l);
	judge_self(k, certs, 2, empty, &l);
	tf_assert_ids(&l, "untrusted_chain");
	tf_says(&l, "untrusted_chain", OUR_ROOT, NULL);
	finding_list_free(&l);
	X509_STORE_free(empty);
}

static void test_verify_chain(void **state)
{
	struct tf_pki *k = *state;
	struct store_cert_row rows[2] = { tf_row(k->leaf), tf_row(k->inter) };
	const char *reason = NULL;

	assert_int_equal(findings_verify_chain(k->trust, rows, 2, TF_NOW,
					       &reason), X509_V_OK);
	assert_string_equal(reason, "ok");
	assert_int_equal(findings_verify_chain(k->trust, rows, 1, TF_NOW,
					       &reason),
			 X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
	assert_int_equal(findings_verify_chain(k->trust, rows, 2,
					       TF_NOW + 5000 * TCERT_DAY, &reason),
			 X509_V_ERR_CERT_HAS_EXPIRED);
	assert_int_equal(findings_verify_chain(NULL, rows, 2, TF_NOW, &reason),
			 -1);
	assert_null(reason);
	assert_int_equal(findings_verify_chain(k->trust, rows, 0, TF_NOW,
					       &reason), -1);
	tf_row_free(&rows[0]);
	tf_row_free(&rows[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_requested),
		cmocka_unit_test(test_requested_lists_cas),
		cmocka_unit_test(test_requested_empty_list),
		cmocka_unit_test(test_required_tls12),
		cmocka_unit_test(test_required_tls13),
		cmocka_unit_test(test_required_closed),
		cmocka_unit_test(test_required_from_kind),
		cmocka_unit_test(test_failure_not_mtls),
		cmocka_unit_test(test_refused_alerts),
		cmocka_unit_test(test_refused_closed),
		cmocka_unit_test(test_presented_accepted),
		cmocka_unit_test(test_ca_list_excludes),
		cmocka_unit_test(test_ca_list_includes),
		cmocka_unit_test(test_ca_list_not_judged),
		cmocka_unit_test(test_ca_list_same_name_other_ca),
		cmocka_unit_test(test_pool_required_member),
		cmocka_unit_test(test_self_good),
		cmocka_unit_test(test_self_no_client_auth),
		cmocka_unit_test(test_self_dates_and_key),
		cmocka_unit_test(test_self_chain_trust),
		cmocka_unit_test(test_verify_chain),
	};

	return cmocka_run_group_tests(tests, tf_setup, tf_teardown);
}
