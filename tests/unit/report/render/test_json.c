/* test_json.c: the JSON Lines renderer on crafted rows and
 * hand-made findings (no database), checked by the strict reader of
 * support/json.h: every line valid JSON whatever a peer sent, the keys the
 * README promises, numbers as numbers, null for what is missing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report/render/escape.h"
#include "support/json.h"
#include "support/report.h"

/* One target as JSON Lines; exactly one line, valid. */
static const char *render_json(struct capture *c,
			       const struct render_fixture *rf)
{
	const char *s;

	capture_open(c);
	render_json_target(c->f, 42, &rf->rt);
	s = capture_close(c);
	assert_int_equal(assert_json_lines(s), 1);
	return s;
}

static const char *json_string_of(struct capture *c, const char *s)
{
	capture_open(c);
	esc_json(c->f, s);
	return capture_close(c);
}

/* ---- The checker itself: it must be able to say no ---------------------- */

static void test_json_checker_is_strict(void **state)
{
	static const char *const bad[] = {
		"", "{", "{\"a\":1,}", "[1,]", "{\"a\" 1}", "{'a':1}",
		"\"raw\ttab\"", "\"raw\nnewline\"", "\"\xff\"", "\"\xc3\"",
		"\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"\\ud800\"",
		"\"\\udc00\"", "\"\\x41\"", "\"\\u12\"", "01", "1.", "-",
		"nul", "{\"a\":1} x", "[1 2]", "\"unterminated",
	};
	static const char *const good[] = {
		"{}", "[]", "{\"a\":[1,-2.5,3e10,true,false,null]}",
		"\"\\u00e9\\ud83d\\ude00\\\"\\\\\\/\\b\\f\\n\\r\\t\"",
		"\"caf\xc3\xa9 \xf0\x9f\x98\x80\"", " {\"a\" : { } } ", "0",
	};
	size_t i;
	(void)state;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (json_is_valid(bad[i], strlen(bad[i])))
			fail_msg("accepted: %s", bad[i]);
	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		if (!json_is_valid(good[i], strlen(good[i])))
			fail_msg("refused: %s", good[i]);
}

/* ---- The string encoder ------------------------------------------------- */

static void test_json_string_encoder(void **state)
{
	static const char *const table[][2] = {
		{ "plain", "\"plain\"" },
		{ "a\"b\\c", "\"a\\\"b\\\\c\"" },
		{ "\x01\t\n\r\x1b[2J\x7f", "\"\\u0001\\u0009\\u000a\\u000d"
					   "\\u001b[2J\\u007f\"" },
		/* C1 controls: valid JSON raw, escaped for the terminal */
		{ "\xc2\x9b" "31m", "\"\\u009b31m\"" },
		/* valid UTF-8 kept: é, €, U+1F600 */
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
		  "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"" },
		/* each stray byte one U+FFFD: 0xFF, truncated C3, overlong
		 * C0 AF, surrogate ED A0 80, F5, a final lone E2 82 */
		{ "\xff\xc3(\xc0\xaf\xed\xa0\x80\xf5\xe2\x82",
		  "\"\\ufffd\\ufffd(\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd"
		  "\\ufffd\\ufffd\\ufffd\"" },
		{ "", "\"\"" },
	};
	struct capture c;
	const char *s;
	size_t i;
	(void)state;

	for (i = 0; i < sizeof table / sizeof table[0]; i++) {
		s = json_string_of(&c, table[i][0]);
		assert_string_equal(s, table[i][1]);
		assert_true(json_is_valid(s, strlen(s)));
		capture_free(&c);
	}
	assert_string_equal(json_string_of(&c, NULL), "null");
	capture_free(&c);
}

/* ---- One target --------------------------------------------------------- */

/* The SRV pool of support/report.h (127.0.0.2 answered, the others were
 * refused), findings on two endpoints and one of the target's own. */
static void pool_json(struct srv_fixture *f, struct render_fixture *rf)
{
	srv_fixture_init(f);
	rf_init(rf, &f->target);
	rf_add(rf, "name_match", SEVERITY_INFO, "FQDN is in SAN list",
	       &f->probes[0]);
	rf_add(rf, "connect_failed", SEVERITY_ERROR, "refused",
	       &f->probes[3]);
	rf_add(rf, "pool_partial_failure", SEVERITY_ERROR, "3 of 4 fail",
	       NULL);
}

static void test_json_target_keys(void **state)
{
	struct srv_fixture f;
	struct render_fixture rf;
	struct capture c;
	const char *s;
	(void)state;

	pool_json(&f, &rf);
	s = render_json(&c, &rf);
	assert_true(strncmp(s, "{\"format_version\":2,", 20) == 0);
	assert_json_eq(s, "scan", "42");
	assert_json_eq(s, "domain", "\"example.com\"");
	assert_json_eq(s, "type", "\"FED\"");
	assert_json_eq(s, "port", "5061");
	assert_json_eq(s, "line", "3");
	assert_json_eq(s, "status", "\"FAIL\"");
	assert_json_eq(s, "worst_severity", "\"error\"");
	assert_json_eq(s, "finding_ids",
		       "[\"name_match\",\"connect_failed\","
		       "\"pool_partial_failure\"]");
	assert_json_eq(s, "error_kind", "null");
	assert_json_eq(s, "reason", "null");
	/* The keys every CSV of targets begins with: the leaf that expires
	 * first (all four present the same one), counted. */
	assert_json_eq(s, "not_after", "\"2027-01-01T00:00:00Z\"");
	assert_json_eq(s, "days_left", "36"); /* 36.5 days: rounded down */
	assert_json_eq(s, "thumbprint",
		       "\"3F2A9D1E5B7C4A8F0E6D2C1B9A8F7E6D5C4B3A29\"");
	assert_json_eq(s, "root", "\"CN=Example Intermediate\"");
	assert_json_eq(s, "tls_version", "\"TLSv1.3\"");
	assert_json_eq(s, "leaves", "1");
	assert_json_eq(s, "endpoints", "4");
	assert_json_eq(s, "endpoints_failed", "3");
	assert_json_eq(s, "probes.0.srv_name",
		       "\"_sipfederationtls._tcp.example.com\"");
	assert_json_eq(s, "probes.0.srv_target", "\"sip.example.com\"");
	assert_json_eq(s, "probes.0.srv_priority", "0");
	assert_json_eq(s, "probes.0.srv_weight", "100");
	assert_json_eq(s, "probes.0.address", "\"127.0.0.2\"");
	assert_json_eq(s, "probes.0.port", "5061");
	assert_json_eq(s, "probes.0.sni", "\"sip.example.com\"");
	assert_json_eq(s, "probes.0.host", "\"sip.example.com\"");
	assert_json_eq(s, "probes.0.error_kind", "null");
	assert_json_eq(s, "probes.0.reason", "null");
	assert_null(json_at(s, "probes.0.error"));
	assert_json_eq(s, "probes.0.tls_version", "\"TLSv1.3\"");
	assert_json_eq(s, "probes.0.cipher", "\"TLS_AES_256_GCM_SHA384\"");
	assert_json_eq(s, "probes.0.connect_ms", "0.4");
	assert_json_eq(s, "probes.0.handshake_ms", "3.2");
	assert_json_eq(s, "probes.0.verify",
		       "{\"code\":0,\"reason\":\"ok\"}");
	assert_json_eq(s, "probes.0.status", "\"PASS\"");
	assert_json_eq(s, "probes.0.worst_severity", "\"info\"");
	assert_json_eq(s, "probes.0.finding_ids", "[\"name_match\"]");
	assert_json_eq(s, "probes.0.root", "\"CN=Example Intermediate\"");
	assert_json_eq(s, "probes.1.error_kind", "\"refused\"");
	assert_json_eq(s, "probes.1.reason", "\"Connection refused\"");
	assert_json_eq(s, "probes.1.finding_ids", "[]");
	assert_json_eq(s, "probes.1.root", "null");
	assert_json_eq(s, "probes.1.verify", "null");
	assert_json_eq(s, "probes.1.connect_ms", "null");
	assert_json_eq(s, "probes.1.tls_version", "null");
	assert_json_eq(s, "probes.3.address", "\"2001:db8::5\"");
	assert_json_eq(s, "probes.3.status", "\"FAIL\"");
	assert_null(json_at(s, "probes.4"));
	capture_free(&c);
}

static void test_json_chain_keys(void **state)
{
	struct srv_fixture f;
	struct render_fixture rf;
	struct capture c;
	const char *s;
	(void)state;

	pool_json(&f, &rf);
	s = render_json(&c, &rf);
	assert_json_eq(s, "probes.0.chain.0.sha256",
		       "\"9f86d081884c7d659a2feaa0c55ad015"
		       "a3bf4f1b2b0b822cd15d6c15b0f00a08\"");
	/* The thumbprint as every output writes it: uppercase. */
	assert_json_eq(s, "probes.0.chain.0.thumbprint",
		       "\"3F2A9D1E5B7C4A8F0E6D2C1B9A8F7E6D5C4B3A29\"");
	assert_null(json_at(s, "probes.0.chain.0.sha1"));
	assert_json_eq(s, "probes.0.chain.0.subject",
		       "\"CN=sip.example.com,O=Example\"");
	assert_json_eq(s, "probes.0.chain.1.subject",
		       "\"CN=Example Intermediate\"");
	assert_json_eq(s, "probes.0.chain.0.issuer",
		       "\"CN=Example Intermediate\"");
	assert_json_eq(s, "probes.0.chain.0.not_before",
		       "\"2026-01-01T00:00:00Z\"");
	assert_json_eq(s, "probes.0.chain.0.not_after",
		       "\"2027-01-01T00:00:00Z\"");
	assert_json_eq(s, "probes.0.chain.0.days_left", "36");
	assert_json_eq(s, "probes.0.chain.0.serial", "\"0A1B2C\"");
	assert_json_eq(s, "probes.0.chain.0.signature_algorithm",
		       "\"sha256RSA\"");
	assert_json_eq(s, "probes.0.chain.0.key_type", "\"RSA\"");
	assert_json_eq(s, "probes.0.chain.0.key_bits", "2048");
	assert_json_eq(s, "probes.0.chain.0.x509_version", "3");
	assert_null(json_at(s, "probes.0.chain.2"));
	assert_json_eq(s, "probes.1.chain", "[]");
	capture_free(&c);
}

static void test_json_dns_and_findings(void **state)
{
	struct srv_fixture f;
	struct render_fixture rf;
	struct capture c;
	const char *s;
	(void)state;

	pool_json(&f, &rf);
	s = render_json(&c, &rf);
	assert_json_eq(s, "dns.0.name",
		       "\"_sipfederationtls._tcp.example.com\"");
	assert_json_eq(s, "dns.0.type", "\"SRV\"");
	assert_json_eq(s, "dns.0.rcode", "\"NOERROR\"");
	assert_json_eq(s, "dns.0.source", "\"dns\"");
	assert_json_eq(s, "dns.0.reason", "null");
	assert_json_eq(s, "dns.0.records.1",
		       "{\"priority\":10,\"weight\":0,\"port\":5061,"
		       "\"target\":\"sip2.example.com\",\"ttl\":null}");
	assert_json_eq(s, "dns.1.records.2",
		       "{\"address\":\"127.0.0.4\",\"ttl\":300}");
	assert_json_eq(s, "dns.2.records", "[]");
	assert_json_eq(s, "findings.0",
		       "{\"id\":\"name_match\",\"severity\":\"info\","
		       "\"message\":\"FQDN is in SAN list\","
		       "\"endpoint\":\"127.0.0.2:5061\"}");
	assert_json_eq(s, "findings.1.endpoint", "\"[2001:db8::5]:5061\"");
	assert_json_eq(s, "findings.1.severity", "\"error\"");
	assert_json_eq(s, "findings.2.id", "\"pool_partial_failure\"");
	assert_json_eq(s, "findings.2.endpoint", "null");
	assert_null(json_at(s, "findings.3"));
	capture_free(&c);

	/* Hidden findings are not listed; the status keeps them. */
	rf_hide(&rf, 1);
	rf_hide(&rf, 2);
	s = render_json(&c, &rf);
	assert_json_eq(s, "status", "\"FAIL\"");
	assert_json_eq(s, "worst_severity", "\"info\"");
	assert_json_eq(s, "findings.0.id", "\"name_match\"");
	assert_null(json_at(s, "findings.1"));
	capture_free(&c);
}

static void test_json_target_without_probes(void **state)
{
	struct store_target_row t = target_dir(NULL, 0);
	struct render_fixture rf;
	struct capture c;
	const char *s;
	(void)state;

	t.type = "FED";
	t.domain = "example.org";
	t.port = 0;
	t.error_kind = "dns_nxdomain";
	rf_init(&rf, &t);
	rf_add(&rf, "srv_missing", SEVERITY_ERROR, "NXDOMAIN", NULL);
	s = render_json(&c, &rf);
	assert_json_eq(s, "port", "null");
	assert_json_eq(s, "error_kind", "\"dns_nxdomain\"");
	assert_json_eq(s, "reason", "null");
	assert_json_eq(s, "not_after", "null");
	assert_json_eq(s, "days_left", "null");
	assert_json_eq(s, "endpoints", "0");
	assert_json_eq(s, "probes", "[]");
	assert_json_eq(s, "dns", "[]");
	assert_json_eq(s, "findings.0.endpoint", "null");
	capture_free(&c);

	rf_init(&rf, &t); /* nothing judged, nothing shown */
	s = render_json(&c, &rf);
	assert_json_eq(s, "status", "\"PASS\"");
	assert_json_eq(s, "worst_severity", "null");
	assert_json_eq(s, "findings", "[]");
	capture_free(&c);
}

/* Whatever a peer put in a certificate, a DNS answer or a reason, every
 * line stays one valid JSON object, and the text comes back as sent
 * (or with U+FFFD where it was not UTF-8). */
static void test_json_hostile_strings(void **state)
{
	struct srv_fixture f;
	struct render_fixture rf;
	struct capture c;
	const char *s;
	(void)state;

	pool_json(&f, &rf);
	f.target.domain = "ex\"ample\\.com\n{\"forged\":1}";
	f.chain[0].subject = "CN=\x1b]0;owned\a,O=\xff\xfe caf\xc3\xa9";
	f.probes[1].error_reason = "bad\r\n\x00 tail";
	f.dns[0].name = "_sip._tls.\xc2\x9b" "2J.example.com";
	f.srv[0].target = "\xed\xa0\x80.example.com";
	rf.items[0].message = "\"quoted\" \\ back\tslash \x7f";
	s = render_json(&c, &rf);
	assert_json_eq(s, "domain",
		       "\"ex\\\"ample\\\\.com\\u000a{\\\"forged\\\":1}\"");
	assert_json_eq(s, "probes.0.chain.0.subject",
		       "\"CN=\\u001b]0;owned\\u0007,O=\\ufffd\\ufffd "
		       "caf\xc3\xa9\"");
	assert_json_eq(s, "probes.1.reason", "\"bad\\u000d\\u000a\"");
	assert_json_eq(s, "dns.0.name",
		       "\"_sip._tls.\\u009b2J.example.com\"");
	assert_json_eq(s, "dns.0.records.0.target",
		       "\"\\ufffd\\ufffd\\ufffd.example.com\"");
	assert_json_eq(s, "findings.0.message",
		       "\"\\\"quoted\\\" \\\\ back\\u0009slash \\u007f\"");
	assert_null(json_at(s, "forged"));
	capture_free(&c);
}

/* A row of the targets file rejected as an input error: a line of its
 * own, with the target line's keys, status INPUT_ERROR, its line and
 * reason, and where it came from. */
static void test_json_input_error(void **state)
{
	struct store_input_error_row e = { 17, "unknown type \"FEDX\"",
					   "x.test,FEDX,\x1b" };
	struct capture c;
	const char *s;
	(void)state;

	capture_open(&c);
	render_json_input_error(c.f, 42, REPORT_PROFILE_SFB, "partners.csv", &e);
	s = capture_close(&c);
	assert_int_equal(assert_json_lines(s), 1);
	assert_true(strncmp(s, "{\"format_version\":2,", 20) == 0);
	assert_json_eq(s, "scan", "42");
	assert_json_eq(s, "status", "\"INPUT_ERROR\"");
	assert_json_eq(s, "line", "17");
	assert_json_eq(s, "reason", "\"unknown type \\\"FEDX\\\"\"");
	assert_json_eq(s, "input", "\"partners.csv\"");
	assert_json_eq(s, "raw", "\"x.test,FEDX,\\u001b\"");
	assert_json_eq(s, "domain", "null");
	assert_json_eq(s, "days_left", "null");
	assert_json_eq(s, "finding_ids", "[]");
	assert_json_eq(s, "probes", "[]");
	assert_json_eq(s, "findings", "[]");
	capture_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_checker_is_strict),
		cmocka_unit_test(test_json_string_encoder),
		cmocka_unit_test(test_json_target_keys),
		cmocka_unit_test(test_json_chain_keys),
		cmocka_unit_test(test_json_dns_and_findings),
		cmocka_unit_test(test_json_target_without_probes),
		cmocka_unit_test(test_json_hostile_strings),
		cmocka_unit_test(test_json_input_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
