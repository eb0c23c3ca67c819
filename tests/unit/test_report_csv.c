/* test_report_csv.c: the CSV renderer on crafted in-memory rows (no
 * database), read back with libcsv.
 */
#include "test_report.h"

static void render_csv(const struct store_target_row *t, struct parsed *p)
{
	struct capture c;

	capture_open(&c);
	render_csv_header(c.f);
	assert_int_equal(render_csv_target_checked(c.f, t), 0);
	parse_csv(capture_close(&c), p);
	capture_free(&c);
}

static void test_csv_header(void **state)
{
	struct capture c;
	struct parsed p;
	size_t i;
	(void)state;

	capture_open(&c);
	render_csv_header(c.f);
	capture_close(&c);
	assert_string_equal(c.buf, "\"line\",\"domain\",\"type\",\"port\","
			    "\"address\",\"endpoint_port\",\"sni\",\"via\","
			    "\"status\",\"error_kind\",\"error_reason\","
			    "\"tls_version\",\"cipher\",\"verify_code\","
			    "\"verify_result\",\"connect_ms\",\"handshake_ms\","
			    "\"chain_length\",\"subject\",\"issuer\","
			    "\"not_before\",\"not_after\",\"serial\","
			    "\"signature_algorithm\",\"thumbprint\","
			    "\"sha256\",\"key_type\",\"key_bits\","
			    "\"srv_name\",\"srv_target\",\"srv_priority\","
			    "\"srv_weight\"\r\n");
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
	assert_string_equal(CELL(&p, 1, "status"), "ok");
	assert_string_equal(CELL(&p, 1, "verify_code"), "0");
	assert_string_equal(CELL(&p, 1, "verify_result"), "OK");
	assert_string_equal(CELL(&p, 1, "connect_ms"), "0.4");
	assert_string_equal(CELL(&p, 1, "handshake_ms"), "12.3");
	assert_string_equal(CELL(&p, 1, "chain_length"), "2");
	assert_string_equal(CELL(&p, 1, "signature_algorithm"), "sha256RSA");
	assert_string_equal(CELL(&p, 1, "thumbprint"),
			    "3F2A9D1E5B7C4A8F0E6D2C1B9A8F7E6D5C4B3A29");
	assert_string_equal(CELL(&p, 1, "sha256"), chain[0].sha256);
	assert_string_equal(CELL(&p, 1, "key_bits"), "2048");
	assert_string_equal(CELL(&p, 2, "status"), "error");
	assert_string_equal(CELL(&p, 2, "error_kind"), "refused");
	assert_string_equal(CELL(&p, 2, "error_reason"), "Connection refused");
	assert_string_equal(CELL(&p, 2, "verify_code"), "");
	assert_string_equal(CELL(&p, 2, "connect_ms"), "");
	assert_string_equal(CELL(&p, 2, "subject"), "");
	/* DIR: the route has no SRV record. */
	assert_string_equal(CELL(&p, 1, "via"), "sip.example.com");
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
	assert_string_equal(CELL(&p, 1, "status"), "error");
	assert_string_equal(CELL(&p, 1, "error_kind"), "dns_nxdomain");
	assert_string_equal(CELL(&p, 1, "error_reason"),
			    "example.org: does not exist");
	for (i = csv_col(&p, "address"); i < TEST_CSV_NCOLUMNS; i++)
		if (i < csv_col(&p, "status") ||
		    i > csv_col(&p, "error_reason"))
			assert_string_equal(p.cell[1][i], "");
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
	assert_string_equal(CELL(&p, 1, "error_reason"), "  spaces kept  ");
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
		/* address, srv_target, srv_priority, srv_weight, status */
		{ "127.0.0.2", "sip.example.com", "0", "100", "ok" },
		{ "127.0.0.3", "sip.example.com", "0", "100", "error" },
		{ "127.0.0.4", "sip.example.com", "0", "100", "error" },
		{ "2001:db8::5", "sip2.example.com", "10", "0", "error" },
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
		assert_string_equal(CELL(&p, r, "via"), want[r - 1][1]);
		assert_string_equal(CELL(&p, r, "srv_priority"),
				    want[r - 1][2]);
		assert_string_equal(CELL(&p, r, "srv_weight"), want[r - 1][3]);
		assert_string_equal(CELL(&p, r, "status"), want[r - 1][4]);
	}
	/* The new columns are the last four: the old ones kept their place. */
	assert_int_equal(csv_col(&p, "key_bits"), 27);
	assert_int_equal(csv_col(&p, "srv_weight"), TEST_CSV_NCOLUMNS - 1);
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
	assert_string_equal(CELL(&p, 1, "status"), "error");
	assert_string_equal(CELL(&p, 1, "error_kind"), "dns_noaddress");
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
