/* test_mtls.c: how mutual TLS and our own certificate
 * are written: the text "Client certificate:" line, the JSON client_cert
 * object and self line (checked by support/json.h's strict reader), the CSV
 * columns, and the blocks of `fedcert inspect` (a file instead of an
 * endpoint), on crafted rows and hand-made findings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support/csv_read.h"
#include "support/json.h"
#include "support/report.h"

static char *ca_two[] = { "CN=Fabrikam Root,O=Fabrikam",
			  "CN=Contoso Root,O=Contoso" };

/* probe_ok() whose server asked, with the exchange given. */
static struct store_probe_row probe_cc(struct store_cert_row *chain,
				       int presented, const char *outcome,
				       const char *alert)
{
	struct store_probe_row p = probe_ok(chain);

	p.cc_requested = 1;
	p.cc_presented = presented;
	p.cc_outcome = (char *)outcome;
	p.cc_alert = (char *)alert;
	p.ca_names = ca_two;
	p.ca_count = 2;
	return p;
}

static const char *cc_line(struct capture *c, const struct store_probe_row *p)
{
	capture_open(c);
	render_text_client_cert(c->f, p);
	return capture_close(c);
}

/* ---- Text ---------------------------------------------------------------- */

static void test_text_client_cert_line(void **state)
{
	struct store_cert_row chain[2];
	struct store_probe_row p = probe_ok(chain);
	struct capture c;
	(void)state;

	assert_string_equal(cc_line(&c, &p), "Client certificate: not requested\n");
	capture_free(&c);
	p = probe_cc(chain, 0, "accepted", NULL);
	assert_string_equal(cc_line(&c, &p),
		"Client certificate: requested (acceptable CAs: "
		"CN=Fabrikam Root,O=Fabrikam, CN=Contoso Root,O=Contoso); "
		"none presented; went on without one\n");
	capture_free(&c);
	p = probe_cc(chain, 1, "alert", "unknown CA");
	p.ca_count = 0;
	assert_string_equal(cc_line(&c, &p),
		"Client certificate: requested (no acceptable CA named); "
		"ours presented; refused with alert unknown CA\n");
	capture_free(&c);
	p = probe_cc(chain, 0, "alert", "handshake failure");
	assert_non_null(strstr(cc_line(&c, &p),
			       "; none presented; ended with alert handshake "
			       "failure\n"));
	capture_free(&c);
	p = probe_cc(chain, 1, "accepted", NULL);
	assert_non_null(strstr(cc_line(&c, &p), "; ours presented; accepted\n"));
	capture_free(&c);
	p = probe_cc(chain, 1, "closed", NULL);
	assert_non_null(strstr(cc_line(&c, &p),
			       "; refused: the server closed the connection\n"));
	capture_free(&c);
}

/* A CA name is the server's text: escaped like any other. */
static void test_text_client_cert_escaped(void **state)
{
	struct store_cert_row chain[2];
	struct store_probe_row p = probe_cc(chain, 0, "accepted", NULL);
	char *evil[] = { "CN=\x1b[2Jx" };
	struct capture c;
	(void)state;

	p.ca_names = evil;
	p.ca_count = 1;
	p.cc_alert = "\xc2\x9b" "31m";
	p.cc_outcome = "alert";
	cc_line(&c, &p);
	assert_null(strchr(c.buf, '\x1b'));
	assert_non_null(strstr(c.buf, "CN=\\x1B[2Jx"));
	assert_non_null(strstr(c.buf, "\\xC2\\x9B31m"));
	capture_free(&c);
}

/* In the endpoint block, after the cipher; a failed probe shows it only
 * when the server asked. */
static void test_text_client_cert_in_block(void **state)
{
	struct store_cert_row chain[2];
	struct store_probe_row p[2] = { probe_cc(chain, 0, "alert",
						 "handshake failure"),
					probe_refused() };
	struct store_target_row t = target_dir(p, 2);
	struct render_fixture rf;
	struct capture c;
	(void)state;

	p[0].error_kind = "tls_alert";
	p[0].chain_len = 0;
	rf_init(&rf, &t);
	render_findings_text(&c, &rf);
	assert_non_null(strstr(c.buf, "Connect: 0.4 ms, Handshake: 3.2 ms\n"
				      "Client certificate: requested"));
	assert_int_equal(strstr(c.buf, "Client certificate:") -
				 strstr(c.buf, "Client certificate: requested"), 0);
	assert_null(strstr(strstr(c.buf, "192.0.2.7"), "Client certificate"));
	capture_free(&c);
	p[0].chain_len = 2;
	p[0].error_kind = NULL;
	render_findings_text(&c, &rf);
	assert_non_null(strstr(c.buf, "Cipher: TLS_AES_256_GCM_SHA384\n"
				      "Client certificate: requested"));
	capture_free(&c);
}

/* ---- JSON ---------------------------------------------------------------- */

static const char *json_of(struct capture *c, const struct render_fixture *rf)
{
	capture_open(c);
	render_json_target(c->f, 7, &rf->rt);
	capture_close(c);
	assert_int_equal(assert_json_lines(c->buf), 1);
	return c->buf;
}

static void test_json_client_cert(void **state)
{
	struct store_cert_row chain[2];
	struct store_probe_row p[2] = { probe_ok(chain), probe_refused() };
	struct store_target_row t = target_dir(p, 2);
	struct render_fixture rf;
	struct capture c;
	char *evil[] = { "CN=\"q\\\x01\xff,O=x" };
	(void)state;

	rf_init(&rf, &t);
	json_of(&c, &rf);
	assert_json_eq(c.buf, "probes.0.client_cert",
		       "{\"requested\":false,\"acceptable_cas\":[],"
		       "\"presented\":false,\"outcome\":null,\"alert\":null}");
	assert_json_eq(c.buf, "probes.1.client_cert.requested", "false");
	capture_free(&c);
	p[0] = probe_cc(chain, 1, "alert", "unknown CA");
	json_of(&c, &rf);
	assert_json_eq(c.buf, "probes.0.client_cert.requested", "true");
	assert_json_eq(c.buf, "probes.0.client_cert.presented", "true");
	assert_json_eq(c.buf, "probes.0.client_cert.outcome", "\"alert\"");
	assert_json_eq(c.buf, "probes.0.client_cert.alert", "\"unknown CA\"");
	assert_json_eq(c.buf, "probes.0.client_cert.acceptable_cas.1",
		       "\"CN=Contoso Root,O=Contoso\"");
	assert_json_eq(c.buf, "scan", "7");
	capture_free(&c);
	p[0].ca_names = evil;
	p[0].ca_count = 1;
	json_of(&c, &rf);
	assert_json_eq(c.buf, "probes.0.client_cert.acceptable_cas.0",
		       "\"CN=\\\"q\\\\\\u0001\\ufffd,O=x\"");
	capture_free(&c);
}

/* ---- CSV ----------------------------------------------------------------- */

static void test_csv_per_endpoint(void **state)
{
	struct store_cert_row chain[2];
	struct store_probe_row p[2] = { probe_cc(chain, 1, "alert",
						 "unknown CA"),
					probe_refused() };
	struct store_target_row t = target_dir(p, 2), none = target_dir(p, 0);
	struct render_fixture rf;
	struct parsed rows;
	struct capture c;
	(void)state;

	rf_init(&rf, &t);
	capture_open(&c);
	render_csv_header(c.f, 1);
	assert_int_equal(render_csv_target(c.f, 1, &rf.rt), 0);
	rf.rt.row = &none;
	assert_int_equal(render_csv_target(c.f, 1, &rf.rt), 0);
	parse_csv(capture_close(&c), &rows);
	assert_int_equal(rows.nrows, 4);
	assert_int_equal(csv_col(&rows, "client_cert_requested"), 38);
	assert_string_equal(CELL(&rows, 1, "client_cert_requested"), "true");
	assert_string_equal(CELL(&rows, 1, "client_cert_outcome"), "alert");
	assert_string_equal(CELL(&rows, 1, "client_cert_alert"), "unknown CA");
	assert_string_equal(CELL(&rows, 2, "client_cert_requested"), "false");
	assert_string_equal(CELL(&rows, 2, "client_cert_outcome"), "");
	assert_string_equal(CELL(&rows, 2, "client_cert_alert"), "");
	assert_string_equal(CELL(&rows, 3, "client_cert_requested"), "");
	parsed_free(&rows);
	capture_free(&c);
}

/* Each state once, in probe order; a refused connection says nothing. */
static void test_csv_per_target(void **state)
{
	struct store_cert_row chain[2];
	struct store_probe_row p[5] = {
		probe_ok(chain), probe_refused(),
		probe_cc(chain, 0, "alert", "handshake failure"),
		probe_cc(chain, 1, "alert", "unknown CA"),
		probe_cc(chain, 0, "alert", "certificate required"),
	};
	struct store_target_row t = target_dir(p, 5);
	struct render_fixture rf;
	struct parsed rows;
	struct capture c;
	(void)state;

	rf_init(&rf, &t);
	capture_open(&c);
	render_csv_header(c.f, 0);
	assert_int_equal(render_csv_target(c.f, 0, &rf.rt), 0);
	parse_csv_n(capture_close(&c), &rows, TEST_CSV_TARGET_NCOLUMNS);
	assert_int_equal(csv_col(&rows, "client_cert_outcomes"), 23);
	assert_string_equal(CELL(&rows, 1, "client_cert_outcomes"),
			    "not_requested required rejected");
	parsed_free(&rows);
	capture_free(&c);
	assert_string_equal(render_client_cert_state(&p[0]), "not_requested");
	p[0] = probe_cc(chain, 0, "accepted", NULL);
	assert_string_equal(render_client_cert_state(&p[0]), "requested");
	p[0].cc_presented = 1;
	assert_string_equal(render_client_cert_state(&p[0]), "accepted");
	p[0].cc_outcome = "unknown";
	assert_string_equal(render_client_cert_state(&p[0]), "unknown");
}

/* ---- Our certificate ----------------------------------------------------- */

static const struct finding_def no_client_auth = {
	"no_client_auth_eku", SEVERITY_ERROR, 0, "why"
};

/* A self with one error finding (shown unless hidden). */
struct self_fixture {
	struct store_cert_row chain[2];
	struct finding item;
	struct finding_list all;
	const struct finding *shown[1];
	struct render_self self;
};

static void self_fixture(struct self_fixture *f, int hidden)
{
	memset(f, 0, sizeof *f);
	f->chain[0] = cert_leaf();
	f->chain[0].subject = "CN=edge.contoso.com";
	f->chain[1] = cert_leaf();
	f->chain[1].subject = "CN=Example Intermediate";
	f->item = (struct finding){
		.def = &no_client_auth, .severity = SEVERITY_ERROR,
		.message = "the leaf lacks Client Authentication" };
	f->all = (struct finding_list){ &f->item, 1, 1 };
	f->shown[0] = &f->item;
	f->self = (struct render_self){
		.chain = f->chain, .count = 2, .verify_code = 20,
		.verify_reason = "unable to get local issuer certificate",
		.all = &f->all, .shown = f->shown, .nshown = hidden ? 0 : 1,
		.status = RENDER_FAIL,
	};
}

static void test_text_self(void **state)
{
	struct self_fixture f;
	struct capture c;
	(void)state;

	self_fixture(&f, 0);
	capture_open(&c);
	render_text_self(c.f, text_plain(), &f.self);
	assert_string_equal(capture_close(&c),
		"\nOur certificate: the chain this scan presented when a "
		"server asked (--client-cert)\n"
		"Chain Verification: Failed: unable to get local issuer "
		"certificate (20)\n"
		"Chain Length: 2\n"
		"Subject: CN=edge.contoso.com\n"
		"Issuer: CN=Example Intermediate\n"
		"Not Before: 2026-01-01T00:00:00Z\n"
		"Not After: 2027-01-01T00:00:00Z\n"
		"Serial Number: 0A1B2C\n"
		"Signature Algorithm: sha256RSA\n"
		"Thumbprint: 3F2A9D1E5B7C4A8F0E6D2C1B9A8F7E6D5C4B3A29\n"
		"Version: V3\n"
		"Public Key: RSA 2048 bits\n"
		"Comments:\n"
		"  [error] no_client_auth_eku: the leaf lacks Client "
		"Authentication\n"
		"\nResult: FAIL (1 error, 0 warnings) \xE2\x80\x94 our "
		"certificate\n");
	capture_free(&c);
}

static void test_json_self(void **state)
{
	struct self_fixture f;
	struct capture c;
	(void)state;

	self_fixture(&f, 0);
	capture_open(&c);
	render_json_self(c.f, &f.self);
	assert_int_equal(assert_json_lines(capture_close(&c)), 1);
	assert_json_eq(c.buf, "format_version", "2");
	assert_json_eq(c.buf, "self.status", "\"FAIL\"");
	assert_json_eq(c.buf, "self.worst_severity", "\"error\"");
	assert_json_eq(c.buf, "self.verify.code", "20");
	assert_json_eq(c.buf, "self.chain.0.subject", "\"CN=edge.contoso.com\"");
	assert_json_eq(c.buf, "self.chain.1.subject",
		       "\"CN=Example Intermediate\"");
	assert_json_eq(c.buf, "self.findings.0.id", "\"no_client_auth_eku\"");
	assert_json_eq(c.buf, "self.findings.0.severity", "\"error\"");
	assert_json_eq(c.buf, "self.findings.0.endpoint", "null");
	capture_free(&c);
	self_fixture(&f, 1);
	f.self.verify_code = -1;
	capture_open(&c);
	render_json_self(c.f, &f.self);
	assert_int_equal(assert_json_lines(capture_close(&c)), 1);
	assert_json_eq(c.buf, "self.findings", "[]");
	assert_json_eq(c.buf, "self.worst_severity", "null");
	assert_json_eq(c.buf, "self.verify", "null");
	assert_json_eq(c.buf, "self.status", "\"FAIL\"");
	capture_free(&c);
}

/* ---- A certificate file (inspect) ---------------------------------------- */

/* probe_ok()'s chain as inspect builds it: no address, no TLS facts. */
static struct store_probe_row probe_file(struct store_cert_row *chain,
					 const char *name)
{
	struct store_probe_row p = probe_ok(chain);

	p.address = NULL;
	p.port = 0;
	p.sni = p.via = (char *)name;
	p.started = NULL;
	p.connect_ms = p.handshake_ms = -1;
	p.tls_version = p.cipher = NULL;
	return p;
}

static void test_text_file(void **state)
{
	struct store_cert_row chain[2];
	struct store_probe_row p = probe_file(chain, "sip.example.com");
	struct store_target_row t = target_dir(&p, 1);
	struct render_text_options o = { .file = "edge.pem" };
	const char *head = "Checking certificate file: edge.pem\n"
			   "Judged as: FED, name sip.example.com\n"
			   "Profile: sfb (Skype for Business / Lync Edge "
			   "federation)\n"
			   "Chain Verification: OK\n"
			   "Chain Length: 2\n";
	struct render_fixture rf;
	struct capture c;
	(void)state;

	t.type = "FED";
	t.line = 0;
	t.port = 0;
	rf_init(&rf, &t);
	rf_add(&rf, "name_match", SEVERITY_INFO, "FQDN is in SAN list", &p);
	capture_open(&c);
	render_text_file(c.f, &o, &rf.rt);
	capture_close(&c);
	assert_true(strncmp(c.buf, head, strlen(head)) == 0);
	assert_null(strstr(c.buf, "Checking IP Address"));
	assert_null(strstr(c.buf, "Client certificate"));
	assert_null(strstr(c.buf, "TLS Version"));
	assert_non_null(strstr(c.buf, "Comments:\n  [info] name_match: FQDN is "
				      "in SAN list\n\nResult: PASS (0 errors, "
				      "0 warnings) \xE2\x80\x94 edge.pem\n"));
	capture_free(&c);
	t.domain = NULL;
	p.sni = p.via = NULL;
	rf_init(&rf, &t);
	capture_open(&c);
	render_text_file(c.f, &o, &rf.rt);
	assert_non_null(strstr(capture_close(&c), "Judged as: FED, no name "
				"given (--name): names not checked\n"));
	capture_free(&c);
}

static void test_json_file(void **state)
{
	struct store_cert_row chain[2];
	struct store_probe_row p = probe_file(chain, "sip.example.com");
	struct store_target_row t = target_dir(&p, 1);
	const char *head = "{\"format_version\":2,"
			   "\"file\":\"edge \\\"1\\\".pem\",\"scan\":null,";
	struct render_fixture rf;
	struct capture c;
	(void)state;

	t.line = 0;
	t.port = 0;
	rf_init(&rf, &t);
	rf_add(&rf, "name_match", SEVERITY_INFO, "FQDN is in SAN list", &p);
	capture_open(&c);
	render_json_file_target(c.f, "edge \"1\".pem", &rf.rt);
	assert_int_equal(assert_json_lines(capture_close(&c)), 1);
	assert_true(strncmp(c.buf, head, strlen(head)) == 0);
	assert_json_eq(c.buf, "scan", "null");
	assert_json_eq(c.buf, "line", "null");
	assert_json_eq(c.buf, "port", "null");
	assert_json_eq(c.buf, "probes.0.address", "null");
	assert_json_eq(c.buf, "probes.0.port", "null");
	assert_json_eq(c.buf, "probes.0.sni", "\"sip.example.com\"");
	assert_json_eq(c.buf, "probes.0.chain.0.subject",
		       "\"CN=sip.example.com,O=Example\"");
	assert_json_eq(c.buf, "findings.0.endpoint", "null");
	capture_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_client_cert_line),
		cmocka_unit_test(test_text_client_cert_escaped),
		cmocka_unit_test(test_text_client_cert_in_block),
		cmocka_unit_test(test_json_client_cert),
		cmocka_unit_test(test_csv_per_endpoint),
		cmocka_unit_test(test_csv_per_target),
		cmocka_unit_test(test_text_self),
		cmocka_unit_test(test_json_self),
		cmocka_unit_test(test_text_file),
		cmocka_unit_test(test_json_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
