/* test_csv.c: the CSV renderer on crafted in-memory rows and
 * hand-made findings (no database), read back with libcsv: one row per
 * target by default, one per probe with --per-endpoint.
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
#include "support/report.h"

/* rf's target in the layout asked for, header row first, parsed back. */
static void render_csv_findings(const struct render_fixture *rf,
				int per_endpoint, struct parsed *p)
{
	struct capture c;

	capture_open(&c);
	render_csv_header(c.f, per_endpoint);
	assert_int_equal(render_csv_target(c.f, per_endpoint, &rf->rt), 0);
	parse_csv_n(capture_close(&c), p, per_endpoint
					      ? TEST_CSV_NCOLUMNS
					      : TEST_CSV_TARGET_NCOLUMNS);
	capture_free(&c);
}

/* t per endpoint, without findings. */
static void render_csv(const struct store_target_row *t, struct parsed *p)
{
	struct render_fixture rf;

	rf_init(&rf, t);
	render_csv_findings(&rf, 1, p);
}

static void test_csv_header(void **state)
{
	struct capture c;
	struct parsed p;
	size_t i;
	(void)state;

	capture_open(&c);
	render_csv_header(c.f, 1);
	capture_close(&c);
	/* The leading columns are every CSV's of targets (format version
	 * 2), then the endpoint's own. */
	assert_string_equal(c.buf, "\"domain\",\"type\",\"port\",\"line\","
			    "\"status\",\"worst_severity\",\"finding_ids\","
			    "\"error_kind\",\"reason\",\"not_after\","
			    "\"days_left\",\"subject\",\"issuer\",\"root\","
			    "\"thumbprint\",\"sha256\",\"key_type\","
			    "\"key_bits\",\"signature_algorithm\","
			    "\"tls_version\",\"address\",\"endpoint_port\","
			    "\"sni\",\"host\",\"srv_name\",\"srv_target\","
			    "\"srv_priority\",\"srv_weight\",\"cipher\","
			    "\"verify_code\",\"verify_reason\",\"started\","
			    "\"connect_ms\",\"handshake_ms\",\"chain_length\","
			    "\"not_before\",\"serial\",\"target_finding_ids\","
			    "\"client_cert_requested\",\"client_cert_outcome\","
			    "\"client_cert_alert\"\r\n");
	parse_csv(c.buf, &p);
	assert_int_equal(p.nrows, 1);
	for (i = 0; i < TEST_CSV_NCOLUMNS; i++)
		assert_int_equal(csv_col(&p, p.cell[0][i]), i);
	parsed_free(&p);
	capture_free(&c);
}

static void test_csv_probe_rows(void **state)
{
	struct store_cert_row chain[2];
	struct store_probe_row probes[2] = { probe_ok(chain), probe_refused() };
	struct store_target_row t = target_dir(probes, 2);
	struct parsed p;
	(void)state;

	probes[0].address = "::1";
	probes[0].handshake_ms = 12.345;
	render_csv(&t, &p);
	assert_int_equal(p.nrows, 3);
	assert_string_equal(CELL(&p, 1, "line"), "2");
	assert_string_equal(CELL(&p, 1, "address"), "::1");
	assert_string_equal(CELL(&p, 1, "status"), "PASS");
	assert_string_equal(CELL(&p, 1, "error_kind"), "");
	assert_string_equal(CELL(&p, 1, "verify_code"), "0");
	assert_string_equal(CELL(&p, 1, "verify_reason"), "ok");
	/* Dates a spreadsheet reads as dates; days rounded down. */
	assert_string_equal(CELL(&p, 1, "not_after"), "2027-01-01 00:00:00");
	assert_string_equal(CELL(&p, 1, "not_before"), "2026-01-01 00:00:00");
	assert_string_equal(CELL(&p, 1, "started"), "2026-11-25 09:43:01");
	assert_string_equal(CELL(&p, 1, "days_left"), "36");
	assert_string_equal(CELL(&p, 1, "root"), "CN=Example Intermediate");
	assert_string_equal(CELL(&p, 1, "tls_version"), "TLSv1.3");
	assert_string_equal(CELL(&p, 1, "connect_ms"), "0.4");
	assert_string_equal(CELL(&p, 1, "handshake_ms"), "12.3");
	assert_string_equal(CELL(&p, 1, "chain_length"), "2");
	assert_string_equal(CELL(&p, 1, "signature_algorithm"), "sha256RSA");
	assert_string_equal(CELL(&p, 1, "thumbprint"),
			    "3F2A9D1E5B7C4A8F0E6D2C1B9A8F7E6D5C4B3A29");
	assert_string_equal(CELL(&p, 1, "sha256"), chain[0].sha256);
	assert_string_equal(CELL(&p, 1, "key_bits"), "2048");
	assert_string_equal(CELL(&p, 2, "status"), "PASS"); /* no finding */
	assert_string_equal(CELL(&p, 2, "error_kind"), "refused");
	assert_string_equal(CELL(&p, 2, "reason"), "Connection refused");
	assert_string_equal(CELL(&p, 2, "verify_code"), "");
	assert_string_equal(CELL(&p, 2, "connect_ms"), "");
	assert_string_equal(CELL(&p, 2, "subject"), "");
	assert_string_equal(CELL(&p, 2, "days_left"), "");
	assert_string_equal(CELL(&p, 2, "root"), "");
	/* DIR: the route has no SRV record. */
	assert_string_equal(CELL(&p, 1, "host"), "sip.example.com");
	assert_string_equal(CELL(&p, 1, "srv_name"), "");
	assert_string_equal(CELL(&p, 1, "srv_target"), "");
	assert_string_equal(CELL(&p, 1, "srv_priority"), "");
	assert_string_equal(CELL(&p, 2, "srv_weight"), "");
	parsed_free(&p);
}

static void test_csv_target_without_probes(void **state)
{
	struct store_target_row t = target_dir(NULL, 0);
	struct parsed p;
	size_t i;
	(void)state;

	t.type = "FED";
	t.error_kind = "dns_nxdomain";
	t.error_reason = "example.org: does not exist";
	render_csv(&t, &p);
	assert_int_equal(p.nrows, 2);
	assert_string_equal(CELL(&p, 1, "domain"), "sip.example.com");
	assert_string_equal(CELL(&p, 1, "type"), "FED");
	assert_string_equal(CELL(&p, 1, "error_kind"), "dns_nxdomain");
	assert_string_equal(CELL(&p, 1, "reason"),
			    "example.org: does not exist");
	for (i = csv_col(&p, "not_after"); i <= csv_col(&p, "client_cert_alert");
	     i++)
		assert_string_equal(p.cell[1][i], "");
	/* No findings: the row that stands for the target passes. */
	assert_string_equal(CELL(&p, 1, "status"), "PASS");
	assert_string_equal(CELL(&p, 1, "worst_severity"), "");
	assert_string_equal(CELL(&p, 1, "finding_ids"), "");
	parsed_free(&p);
}

static void test_csv_quoting_round_trip(void **state)
{
	struct store_cert_row chain[2];
	struct store_probe_row pr = probe_ok(chain);
	struct store_target_row t = target_dir(&pr, 1);
	struct parsed p;
	(void)state;

	chain[0].subject = "CN=a\\,b,O=\"Quoted, Inc.\"";
	chain[0].issuer = "CN=multi\nline\r\nissuer";
	pr.error_reason = "  spaces kept  ";
	render_csv(&t, &p);
	assert_int_equal(p.nrows, 2);
	assert_string_equal(CELL(&p, 1, "subject"), chain[0].subject);
	assert_string_equal(CELL(&p, 1, "issuer"), chain[0].issuer);
	assert_string_equal(CELL(&p, 1, "reason"), "  spaces kept  ");
	parsed_free(&p);
}

static void test_csv_formula_neutralised(void **state)
{
	struct store_cert_row chain[2];
	struct store_probe_row pr = probe_ok(chain);
	struct store_target_row t = target_dir(&pr, 1);
	struct parsed p;
	(void)state;

	chain[0].subject = "=HYPERLINK(\"http://x\")";
	chain[0].issuer = "+1+1";
	chain[0].serial = "-2";
	pr.sni = "@SUM(A1)";
	pr.cipher = "\tx";
	pr.tls_version = "\rx";
	t.domain = "a=b"; /* '=' not in front: left alone */
	render_csv(&t, &p);
	assert_string_equal(CELL(&p, 1, "subject"), "'=HYPERLINK(\"http://x\")");
	assert_string_equal(CELL(&p, 1, "issuer"), "'+1+1");
	assert_string_equal(CELL(&p, 1, "serial"), "'-2");
	assert_string_equal(CELL(&p, 1, "sni"), "'@SUM(A1)");
	assert_string_equal(CELL(&p, 1, "cipher"), "'\tx");
	assert_string_equal(CELL(&p, 1, "tls_version"), "'\rx");
	assert_string_equal(CELL(&p, 1, "domain"), "a=b");
	parsed_free(&p);
}

static void test_csv_escapes_control_and_invalid_utf8(void **state)
{
	struct store_cert_row chain[2];
	struct store_probe_row pr = probe_ok(chain);
	struct store_target_row t = target_dir(&pr, 1);
	struct parsed p;
	(void)state;

	chain[0].subject = "CN=\x1b[2Jx\x01\x7f caf\xc3\xa9 \xff";
	chain[0].issuer = "\x1b=1"; /* escaped lead: no apostrophe needed */
	render_csv(&t, &p);
	assert_string_equal(CELL(&p, 1, "subject"),
			    "CN=\\x1B[2Jx\\x01\\x7F caf\xc3\xa9 \\xFF");
	assert_string_equal(CELL(&p, 1, "issuer"), "\\x1B=1");
	parsed_free(&p);
}

/* One row per pool member, each with the SRV record that led to it. */
static void test_csv_srv_route_columns(void **state)
{
	static const char *const want[SRV_NPROBES][5] = {
		/* address, srv_target, srv_priority, srv_weight, error_kind */
		{ "127.0.0.2", "sip.example.com", "0", "100", "" },
		{ "127.0.0.3", "sip.example.com", "0", "100", "refused" },
		{ "127.0.0.4", "sip.example.com", "0", "100", "refused" },
		{ "2001:db8::5", "sip2.example.com", "10", "0", "refused" },
	};
	struct srv_fixture f;
	struct parsed p;
	size_t r;
	(void)state;

	srv_fixture_init(&f);
	render_csv(&f.target, &p);
	assert_int_equal(p.nrows, 1 + SRV_NPROBES);
	for (r = 1; r <= SRV_NPROBES; r++) {
		assert_string_equal(CELL(&p, r, "line"), "3");
		assert_string_equal(CELL(&p, r, "domain"), "example.com");
		assert_string_equal(CELL(&p, r, "type"), "FED");
		assert_string_equal(CELL(&p, r, "address"), want[r - 1][0]);
		assert_string_equal(CELL(&p, r, "srv_name"), SRV_NAME);
		assert_string_equal(CELL(&p, r, "srv_target"), want[r - 1][1]);
		assert_string_equal(CELL(&p, r, "host"), want[r - 1][1]);
		assert_string_equal(CELL(&p, r, "srv_priority"),
				    want[r - 1][2]);
		assert_string_equal(CELL(&p, r, "srv_weight"), want[r - 1][3]);
		assert_string_equal(CELL(&p, r, "error_kind"), want[r - 1][4]);
	}
	/* Columns are only ever added at the end: those of format version
	 * 2 keep their place. */
	assert_int_equal(csv_col(&p, "reason"), 8);
	assert_int_equal(csv_col(&p, "key_bits"), 17);
	assert_int_equal(csv_col(&p, "srv_weight"), 27);
	assert_int_equal(csv_col(&p, "target_finding_ids"), 37);
	assert_int_equal(csv_col(&p, "client_cert_alert"),
			 TEST_CSV_NCOLUMNS - 1);
	assert_string_equal(CELL(&p, 1, "key_bits"), "2048");
	parsed_free(&p);
}

/* An SRV target that reached nothing: its row has no route either. */
static void test_csv_srv_target_without_probes(void **state)
{
	struct srv_fixture f;
	struct parsed p;
	(void)state;

	srv_fixture_init(&f);
	f.target.probe_count = 0;
	f.target.error_kind = "dns_noaddress";
	render_csv(&f.target, &p);
	assert_int_equal(p.nrows, 2);
	assert_string_equal(CELL(&p, 1, "error_kind"), "dns_noaddress");
	assert_string_equal(CELL(&p, 1, "reason"), "");
	assert_string_equal(CELL(&p, 1, "srv_name"), "");
	assert_string_equal(CELL(&p, 1, "srv_target"), "");
	assert_string_equal(CELL(&p, 1, "srv_priority"), "");
	assert_string_equal(CELL(&p, 1, "srv_weight"), "");
	parsed_free(&p);
}

/* DNS names are peer data: escaped and disarmed like a subject. An unused
 * priority (-1) is an empty cell, not "-1". */
static void test_csv_srv_hostile_names(void **state)
{
	struct srv_fixture f;
	struct parsed p;
	(void)state;

	srv_fixture_init(&f);
	f.probes[0].srv_name = "=HYPERLINK(\"http://x\")";
	f.probes[0].via = "sip\x1b[2J.example.com";
	f.probes[1].srv_priority = -1;
	f.probes[1].srv_weight = -1;
	f.probes[2].via = "-1+1";
	render_csv(&f.target, &p);
	assert_string_equal(CELL(&p, 1, "srv_name"),
			    "'=HYPERLINK(\"http://x\")");
	assert_string_equal(CELL(&p, 1, "srv_target"),
			    "sip\\x1B[2J.example.com");
	assert_string_equal(CELL(&p, 2, "srv_name"), SRV_NAME);
	assert_string_equal(CELL(&p, 2, "srv_priority"), "");
	assert_string_equal(CELL(&p, 2, "srv_weight"), "");
	assert_string_equal(CELL(&p, 3, "srv_target"), "'-1+1");
	parsed_free(&p);
}

/* ---- Findings: per-endpoint columns and the per-target row -------------- */

#define OTHER_SHA1 "00112233445566778899aabbccddeeff00112233"
#define OTHER_SHA256                                                    \
	"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

/* The SRV pool with two leaves: 127.0.0.2 presents the usual one, the
 * IPv6 member (sip2) another, expiring earlier; 127.0.0.3 and .4 are
 * refused. Findings on three endpoints and two of the target's own. */
static void pool_findings(struct srv_fixture *f, struct store_cert_row *other,
			  struct render_fixture *rf)
{
	srv_fixture_init(f);
	f->probes[3] = probe_ok(other);
	f->probes[3].address = "2001:db8::5";
	f->probes[3].via = "sip2.example.com";
	f->probes[3].srv_name = SRV_NAME;
	f->probes[3].srv_priority = 10;
	f->probes[3].srv_weight = 0;
	other[0].subject = "CN=sip2.example.com";
	other[0].not_after = "2026-12-01T00:00:00Z";
	memcpy(other[0].sha1, OTHER_SHA1, sizeof other[0].sha1);
	memcpy(other[0].sha256, OTHER_SHA256, sizeof other[0].sha256);
	rf_init(rf, &f->target);
	rf_add(rf, "name_match", SEVERITY_INFO, "FQDN is in SAN list",
	       &f->probes[0]);
	rf_add(rf, "connect_failed", SEVERITY_ERROR, "refused", &f->probes[1]);
	rf_add(rf, "connect_failed", SEVERITY_ERROR, "refused", &f->probes[2]);
	rf_add(rf, "expires_soon", SEVERITY_WARNING, "in 6 days",
	       &f->probes[3]);
	rf_add(rf, "pool_partial_failure", SEVERITY_ERROR, "2 of 4 fail",
	       NULL);
	rf_add(rf, "pool_inconsistent", SEVERITY_WARNING, "two leaves", NULL);
}

static void test_csv_target_header(void **state)
{
	struct capture c;
	(void)state;

	capture_open(&c);
	render_csv_header(c.f, 0);
	/* The compliance report's first 23 columns, then its own. */
	assert_string_equal(capture_close(&c),
		"\"domain\",\"type\",\"port\",\"line\",\"status\","
		"\"worst_severity\",\"finding_ids\",\"error_kind\","
		"\"reason\",\"not_after\",\"days_left\",\"subject\","
		"\"issuer\",\"root\",\"thumbprint\",\"sha256\","
		"\"key_type\",\"key_bits\",\"signature_algorithm\","
		"\"tls_version\",\"leaves\",\"endpoints\","
		"\"endpoints_failed\",\"client_cert_outcomes\"\r\n");
	capture_free(&c);
}

static void test_csv_target_row(void **state)
{
	struct store_cert_row other[2];
	struct srv_fixture f;
	struct render_fixture rf;
	struct parsed p;
	(void)state;

	pool_findings(&f, other, &rf);
	render_csv_findings(&rf, 0, &p);
	assert_int_equal(p.nrows, 2);
	assert_string_equal(CELL(&p, 1, "domain"), "example.com");
	assert_string_equal(CELL(&p, 1, "type"), "FED");
	assert_string_equal(CELL(&p, 1, "port"), "5061");
	assert_string_equal(CELL(&p, 1, "line"), "3");
	assert_string_equal(CELL(&p, 1, "status"), "FAIL");
	assert_string_equal(CELL(&p, 1, "worst_severity"), "error");
	/* Each id once, in report order. */
	assert_string_equal(CELL(&p, 1, "finding_ids"),
			    "name_match connect_failed expires_soon "
			    "pool_partial_failure pool_inconsistent");
	/* The certificate columns describe the leaf that expires first, as
	 * the compliance report's do; leaves counts the two. */
	assert_string_equal(CELL(&p, 1, "not_after"), "2026-12-01 00:00:00");
	assert_string_equal(CELL(&p, 1, "days_left"), "5"); /* 5.5 days */
	assert_string_equal(CELL(&p, 1, "subject"), "CN=sip2.example.com");
	assert_string_equal(CELL(&p, 1, "issuer"), "CN=Example Intermediate");
	assert_string_equal(CELL(&p, 1, "root"), "CN=Example Intermediate");
	assert_string_equal(CELL(&p, 1, "thumbprint"),
			    "00112233445566778899AABBCCDDEEFF00112233");
	assert_string_equal(CELL(&p, 1, "sha256"), OTHER_SHA256);
	assert_string_equal(CELL(&p, 1, "key_bits"), "2048");
	assert_string_equal(CELL(&p, 1, "signature_algorithm"), "sha256RSA");
	assert_string_equal(CELL(&p, 1, "tls_version"), "TLSv1.3");
	assert_string_equal(CELL(&p, 1, "leaves"), "2");
	assert_string_equal(CELL(&p, 1, "endpoints"), "4");
	assert_string_equal(CELL(&p, 1, "endpoints_failed"), "2");
	assert_string_equal(CELL(&p, 1, "error_kind"), "");
	assert_string_equal(CELL(&p, 1, "reason"), "");
	parsed_free(&p);

	/* Filtered down to warnings about the pool: the list and the worst
	 * shown follow the filter, the status does not. */
	rf_hide(&rf, 0);
	rf_hide(&rf, 1);
	rf_hide(&rf, 2);
	rf_hide(&rf, 4);
	render_csv_findings(&rf, 0, &p);
	assert_string_equal(CELL(&p, 1, "status"), "FAIL");
	assert_string_equal(CELL(&p, 1, "worst_severity"), "warning");
	assert_string_equal(CELL(&p, 1, "finding_ids"),
			    "expires_soon pool_inconsistent");
	parsed_free(&p);
}

static void test_csv_target_row_without_probes(void **state)
{
	struct store_target_row t = target_dir(NULL, 0);
	struct render_fixture rf;
	struct parsed p;
	(void)state;

	t.type = "FED";
	t.domain = "example.org";
	t.port = 0;
	t.error_kind = "dns_nxdomain";
	rf_init(&rf, &t);
	rf_add(&rf, "srv_missing", SEVERITY_ERROR, "NXDOMAIN", NULL);
	render_csv_findings(&rf, 0, &p);
	assert_string_equal(CELL(&p, 1, "domain"), "example.org");
	assert_string_equal(CELL(&p, 1, "port"), "");
	assert_string_equal(CELL(&p, 1, "status"), "FAIL");
	assert_string_equal(CELL(&p, 1, "finding_ids"), "srv_missing");
	assert_string_equal(CELL(&p, 1, "error_kind"), "dns_nxdomain");
	assert_string_equal(CELL(&p, 1, "not_after"), "");
	assert_string_equal(CELL(&p, 1, "days_left"), "");
	assert_string_equal(CELL(&p, 1, "subject"), "");
	assert_string_equal(CELL(&p, 1, "thumbprint"), "");
	assert_string_equal(CELL(&p, 1, "leaves"), "0");
	assert_string_equal(CELL(&p, 1, "endpoints"), "0");
	assert_string_equal(CELL(&p, 1, "endpoints_failed"), "0");
	parsed_free(&p);
}

/* Text from outside is disarmed in the per-target row too; a date that is
 * not one is written as the text it is. */
static void test_csv_target_formula_neutralised(void **state)
{
	struct store_cert_row chain[2], other[2];
	struct store_probe_row pr[2] = { probe_ok(chain), probe_ok(other) };
	struct store_target_row t = target_dir(pr, 2);
	struct render_fixture rf;
	struct parsed p;
	(void)state;

	t.domain = "=cmd|' /C calc'!A0";
	t.type = "@SUM(A1)";
	chain[0].subject = "+1+1";
	other[0].subject = "=2";
	chain[0].issuer = other[0].issuer = "-x";
	chain[0].not_after = "\tx";
	memcpy(other[0].sha1, OTHER_SHA1, sizeof other[0].sha1);
	rf_init(&rf, &t);
	render_csv_findings(&rf, 0, &p);
	assert_string_equal(CELL(&p, 1, "domain"), "'=cmd|' /C calc'!A0");
	assert_string_equal(CELL(&p, 1, "type"), "'@SUM(A1)");
	assert_string_equal(CELL(&p, 1, "subject"), "'+1+1");
	assert_string_equal(CELL(&p, 1, "issuer"), "'-x");
	assert_string_equal(CELL(&p, 1, "not_after"), "'\tx");
	assert_string_equal(CELL(&p, 1, "days_left"), "");
	assert_string_equal(CELL(&p, 1, "status"), "PASS");
	assert_string_equal(CELL(&p, 1, "worst_severity"), "");
	parsed_free(&p);
}

/* --per-endpoint: each probe's status, worst shown severity and ids, and
 * the target's own ids on every row. */
static void test_csv_per_endpoint_finding_columns(void **state)
{
	static const char *const want[SRV_NPROBES][3] = {
		/* status, worst_severity, finding_ids */
		{ "PASS", "info", "name_match" },
		{ "FAIL", "error", "connect_failed" },
		{ "FAIL", "", "" }, /* its finding hidden: counted, not shown */
		{ "WARN", "warning", "expires_soon" },
	};
	struct store_cert_row other[2];
	struct srv_fixture f;
	struct render_fixture rf;
	struct parsed p;
	size_t r;
	(void)state;

	pool_findings(&f, other, &rf);
	rf_hide(&rf, 2);
	render_csv_findings(&rf, 1, &p);
	assert_int_equal(p.nrows, 1 + SRV_NPROBES);
	for (r = 1; r <= SRV_NPROBES; r++) {
		assert_string_equal(CELL(&p, r, "status"), want[r - 1][0]);
		assert_string_equal(CELL(&p, r, "worst_severity"),
				    want[r - 1][1]);
		assert_string_equal(CELL(&p, r, "finding_ids"), want[r - 1][2]);
		assert_string_equal(CELL(&p, r, "target_finding_ids"),
				    "pool_partial_failure pool_inconsistent");
	}
	assert_string_equal(CELL(&p, 2, "error_kind"), "refused");
	assert_string_equal(CELL(&p, 4, "subject"), "CN=sip2.example.com");
	assert_string_equal(CELL(&p, 4, "days_left"), "5");
	parsed_free(&p);
}

/* A row of the targets file rejected as an input error: a row of each
 * layout, status INPUT_ERROR, its line and reason, nothing else. */
static void test_csv_input_error(void **state)
{
	struct store_input_error_row e = { 17, "unknown type \"FEDX\"",
					   "=x.test,FEDX," };
	int per_endpoint;
	struct capture c;
	struct parsed p;
	size_t i, ncols;
	(void)state;

	for (per_endpoint = 0; per_endpoint <= 1; per_endpoint++) {
		ncols = per_endpoint ? TEST_CSV_NCOLUMNS
				     : TEST_CSV_TARGET_NCOLUMNS;
		capture_open(&c);
		render_csv_header(c.f, per_endpoint);
		assert_int_equal(render_csv_input_error(c.f, per_endpoint,
							"partners.csv", &e), 0);
		parse_csv_n(capture_close(&c), &p, ncols);
		assert_int_equal(p.nrows, 2);
		assert_string_equal(CELL(&p, 1, "status"), "INPUT_ERROR");
		assert_string_equal(CELL(&p, 1, "line"), "17");
		assert_string_equal(CELL(&p, 1, "reason"),
				    "unknown type \"FEDX\"");
		for (i = 0; i < ncols; i++)
			if (i != csv_col(&p, "status") &&
			    i != csv_col(&p, "line") &&
			    i != csv_col(&p, "reason"))
				assert_string_equal(p.cell[1][i], "");
		parsed_free(&p);
		capture_free(&c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_header),
		cmocka_unit_test(test_csv_probe_rows),
		cmocka_unit_test(test_csv_target_without_probes),
		cmocka_unit_test(test_csv_quoting_round_trip),
		cmocka_unit_test(test_csv_formula_neutralised),
		cmocka_unit_test(test_csv_escapes_control_and_invalid_utf8),
		cmocka_unit_test(test_csv_srv_route_columns),
		cmocka_unit_test(test_csv_srv_target_without_probes),
		cmocka_unit_test(test_csv_srv_hostile_names),
		cmocka_unit_test(test_csv_target_header),
		cmocka_unit_test(test_csv_target_row),
		cmocka_unit_test(test_csv_target_row_without_probes),
		cmocka_unit_test(test_csv_target_formula_neutralised),
		cmocka_unit_test(test_csv_per_endpoint_finding_columns),
		cmocka_unit_test(test_csv_input_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
