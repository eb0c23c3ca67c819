/* test_text.c: the text renderer on crafted in-memory rows (no
 * database): the DIR block, the SRV target with its DNS answers and pool,
 * escaping, and the summary. (Findings' Comments and Result lines,
 * --advanced and --chain: test_views.c.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support/report.h"

static const char *render_target_text(struct capture *c,
				      const struct store_target_row *t)
{
	struct render_fixture rf;

	rf_init(&rf, t);
	return render_findings_text(c, &rf);
}

/* Adds t to tot as a target without findings. */
static void totals_add(struct render_totals *tot,
		       const struct store_target_row *t)
{
	struct render_fixture rf;

	rf_init(&rf, t);
	render_totals_add_target(tot, &rf.rt);
}

/* The one non-ASCII character fedcert itself writes: the em dash of the
 * Result line. */
#define EM_DASH "\xE2\x80\x94"

/* Every byte of s is printable ASCII or a newline (or fedcert's own em
 * dash): nothing a peer sent reached the terminal raw. */
static void assert_terminal_safe(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		unsigned char b = (unsigned char)s[i];

		if (strncmp(s + i, EM_DASH, 3) == 0) {
			i += 2;
			continue;
		}
		assert_true(b == '\n' || (b >= 0x20 && b < 0x7F));
	}
}

/* ---- DIR targets and the probe block ---------------------------------- */

static void test_text_success_block(void **state)
{
	struct store_cert_row chain[2];
	struct store_probe_row p = probe_ok(chain);
	struct store_target_row t = target_dir(&p, 1);
	struct capture c;
	(void)state;

	assert_string_equal(render_target_text(&c, &t),
		"\nChecking FQDN: sip.example.com:5061 (DIR, line 2)\n"
		"\nChecking IP Address: 127.0.0.1:5061\n"
		"SNI: sip.example.com\n"
		"Connect: 0.4 ms, Handshake: 3.2 ms\n"
		"TLS Version: TLSv1.3\n"
		"Cipher: TLS_AES_256_GCM_SHA384\n"
		"Client certificate: not requested\n"
		"Chain Verification: OK\n"
		"Chain Length: 2\n"
		"Subject: CN=sip.example.com,O=Example\n"
		"Issuer: CN=Example Intermediate\n"
		"Not Before: 2026-01-01T00:00:00Z\n"
		"Not After: 2027-01-01T00:00:00Z\n"
		"Serial Number: 0A1B2C\n"
		"Signature Algorithm: sha256RSA\n"
		"Thumbprint: 3F2A9D1E5B7C4A8F0E6D2C1B9A8F7E6D5C4B3A29\n"
		"Version: V3\n"
		"Public Key: RSA 2048 bits\n"
		RESULT_PASS("sip.example.com"));
	capture_free(&c);
}

static void test_text_ipv6_and_verify_failure(void **state)
{
	struct store_cert_row chain[2];
	struct store_probe_row p = probe_ok(chain);
	struct store_target_row t = target_dir(&p, 1);
	struct capture c;
	const char *s;
	(void)state;

	p.address = "2001:db8::1";
	p.sni = NULL;
	p.verify_code = 20;
	p.verify_reason = "unable to get local issuer certificate";
	t.type = "FED";
	s = render_target_text(&c, &t);
	/* An SRV type without an SRV route (no srv_name): the host line has
	 * no priority to show. */
	assert_non_null(strstr(s, "\nTarget: sip.example.com (FED, line 2)\n"
				  "\nChecking FQDN: sip.example.com:5061\n"
				  "\nChecking IP Address: [2001:db8::1]:5061\n"
				  "SNI: (none)\n"));
	assert_non_null(strstr(s, "\nChain Verification: Failed: unable to get "
				  "local issuer certificate (20)\n"));
	capture_free(&c);
}

static void test_text_failed_probe(void **state)
{
	struct store_probe_row p = probe_refused();
	struct store_target_row t = target_dir(&p, 1);
	struct capture c;
	(void)state;

	assert_string_equal(render_target_text(&c, &t),
		"\nChecking FQDN: sip.example.com:5061 (DIR, line 2)\n"
		"\nChecking IP Address: 192.0.2.7:5061\n"
		"SNI: sip.example.com\n"
		"Error: refused (Connection refused)\n"
		RESULT_PASS("sip.example.com"));
	capture_free(&c);
}

static void test_text_failed_probe_with_chain(void **state)
{
	struct store_cert_row chain[2];
	struct store_probe_row p = probe_ok(chain);
	struct store_target_row t = target_dir(&p, 1);
	struct capture c;
	const char *s;
	(void)state;

	p.error_kind = "tls_alert";
	p.error_reason = "sslv3 alert handshake failure";
	s = render_target_text(&c, &t);
	assert_non_null(strstr(s, "SNI: sip.example.com\nError: tls_alert "
				  "(sslv3 alert handshake failure)\n"
				  "Connect: 0.4 ms"));
	assert_non_null(strstr(s, "\nSubject: CN=sip.example.com,O=Example\n"));
	assert_non_null(strstr(s, "\nThumbprint: 3F2A9D1E5B7C4A8F0E6D2C1B9A8F"
				  "7E6D5C4B3A29\n"));
	capture_free(&c);
}

static void test_text_target_error(void **state)
{
	struct store_target_row t = target_dir(NULL, 0);
	struct capture c;
	(void)state;

	t.domain = "example.org";
	t.type = "FED";
	t.line = 5;
	t.error_kind = "srv_unsupported";
	t.error_reason = "SRV lookup not available yet";
	assert_string_equal(render_target_text(&c, &t),
			    "\nTarget: example.org (FED, line 5)\n"
			    "Error: SRV lookup not available yet\n"
			    RESULT_PASS("example.org"));
	capture_free(&c);

	t.error_reason = NULL;
	assert_string_equal(render_target_text(&c, &t),
			    "\nTarget: example.org (FED, line 5)\n"
			    "Error: (srv_unsupported)\n"
			    RESULT_PASS("example.org"));
	capture_free(&c);

	t.type = "DIR";
	t.error_kind = NULL;
	assert_string_equal(render_target_text(&c, &t),
			    "\nChecking FQDN: example.org:5061 (DIR, line 5)\n"
			    "Error: " RENDER_NO_PROBE_REASON "\n"
			    RESULT_PASS("example.org"));
	capture_free(&c);
}

static void test_text_input_error_and_summary(void **state)
{
	struct store_input_error_row e = {
		.line = 17, .reason = "unknown type \"FEDX\"", .raw = "x,FEDX"
	};
	struct render_totals tot = { 0 };
	struct store_probe_row probes[2] = { probe_refused(), probe_refused() };
	struct store_target_row t = target_dir(probes, 2);
	struct capture c;
	(void)state;

	/* The scan's own counts, as `fedcert scans` has them. */
	struct store_scan_summary scan = { .targets = 1, .endpoints = 2,
					   .endpoints_failed = 1,
					   .input_errors = 1 };

	probes[1].error_kind = NULL;
	totals_add(&tot, &t);
	render_totals_add_input_error(&tot);
	assert_int_equal(tot.dns_failed, 0);
	capture_open(&c);
	render_text_input_error_heading(c.f);
	render_text_input_error(c.f, "partners.csv", &e);
	render_text_summary(c.f, &tot, &scan);
	assert_string_equal(capture_close(&c),
		"\nInput errors:\n"
		"partners.csv:17: unknown type \"FEDX\"\n"
		"\n2 targets shown: 1 INPUT_ERROR, 1 PASS; the scan probed "
		"2 endpoints, 1 failed; 0 DNS lookups failed\n");
	capture_free(&c);
}

static void test_text_scan_header(void **state)
{
	struct store_scan_row scan = {
		.id = 3, .started = "2026-11-25T09:43:00Z",
		.finished = "2026-11-25T09:44:10Z", .status = "done",
		.input = "partners.csv",
	};
	struct capture c;
	(void)state;

	capture_open(&c);
	render_text_scan(c.f, &scan);
	assert_string_equal(capture_close(&c),
		"fedcert report: scan 3 of partners.csv, started "
		"2026-11-25T09:43:00Z, finished 2026-11-25T09:44:10Z (done)\n");
	capture_free(&c);
}

static void test_text_escapes_control_bytes(void **state)
{
	struct store_cert_row chain[2];
	struct store_probe_row p = probe_ok(chain);
	struct store_target_row t = target_dir(&p, 1);
	struct capture c;
	const char *s;
	(void)state;

	chain[0].subject = "CN=\x1b[31mred\x1b]0;owned\a\nO=x\x7f";
	p.cipher = "\xc2\x9b" "2J"; /* C1 CSI, valid UTF-8 */
	s = render_target_text(&c, &t);
	assert_non_null(strstr(s, "\nSubject: CN=\\x1B[31mred\\x1B]0;owned"
				  "\\x07\\x0AO=x\\x7F\n"));
	assert_non_null(strstr(s, "\nCipher: \\xC2\\x9B2J\n"));
	assert_terminal_safe(s);
	capture_free(&c);
}

static void test_text_invalid_utf8(void **state)
{
	struct store_cert_row chain[2];
	struct store_probe_row p = probe_ok(chain);
	struct store_target_row t = target_dir(&p, 1);
	struct capture c;
	(void)state;

	/* kept: é, €, U+1F600; escaped: stray 0xFF, truncated C3, overlong
	 * C0 AF, surrogate ED A0 80, F5 (beyond U+10FFFF), final lone E2 82 */
	chain[0].subject = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xff"
			   "\xc3(\xc0\xaf\xed\xa0\x80\xf5\x80\xe2\x82";
	assert_non_null(strstr(render_target_text(&c, &t),
		"\nSubject: caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \\xFF"
		"\\xC3(\\xC0\\xAF\\xED\\xA0\\x80\\xF5\\x80\\xE2\\x82\n"));
	capture_free(&c);
}


/* ---- SRV targets ------------------------------------------------------ */


/* Two SRV targets, a 3-address pool behind the first: one "Checking FQDN"
 * per SRV target, its pool's IP blocks under it, in the store's order. */
static void test_text_srv_pool(void **state)
{
	struct srv_fixture f;
	struct capture c;
	(void)state;

	srv_fixture_init(&f);
	assert_string_equal(render_target_text(&c, &f.target),
		"\nTarget: example.com (FED, line 3)\n"
		"DNS: _sipfederationtls._tcp.example.com SRV NOERROR\n"
		"  priority 0 weight 100 port 5061 sip.example.com\n"
		"  priority 10 weight 0 port 5061 sip2.example.com\n"
		"DNS: sip.example.com A NOERROR 127.0.0.2, 127.0.0.3, "
		"127.0.0.4 (ttl 300)\n"
		"DNS: sip.example.com AAAA NOERROR (no data)\n"
		"DNS: sip2.example.com AAAA NOERROR 2001:db8::5 (ttl 60)\n"
		"\nChecking FQDN: sip.example.com:5061 (SRV priority 0, "
		"weight 100)\n"
		"\nChecking IP Address: 127.0.0.2:5061\n"
		"SNI: sip.example.com\n"
		OK_BLOCK_TAIL
		"\nChecking IP Address: 127.0.0.3:5061\n"
		/* Two members alike: one block that names the other. */
		"Same chain and result: 127.0.0.4:5061 (2 pool members in "
		"this block)\n"
		"SNI: sip.example.com\n"
		"Error: refused (Connection refused)\n"
		"\nChecking FQDN: sip2.example.com:5061 (SRV priority 10, "
		"weight 0)\n"
		"\nChecking IP Address: [2001:db8::5]:5061\n"
		"SNI: sip2.example.com\n"
		"Error: refused (Connection refused)\n"
		RESULT_PASS("example.com"));
	capture_free(&c);
}

/* One host on two ports at the same priority and weight: the store orders
 * by address before port, so the routes interleave; each still gets one
 * header with its own probes under it. */
static void test_text_srv_one_host_two_ports(void **state)
{
	struct store_probe_row p[4] = {
		srv_probe("127.0.0.2", "sip.example.com", 0, 0),
		srv_probe("127.0.0.2", "sip.example.com", 0, 0),
		srv_probe("127.0.0.3", "sip.example.com", 0, 0),
		srv_probe("127.0.0.3", "sip.example.com", 0, 0),
	};
	struct store_target_row t = target_dir(p, 4);
	struct capture c;
	(void)state;

	t.type = "SIP";
	t.domain = "example.com";
	p[1].port = p[3].port = 443;
	assert_string_equal(render_target_text(&c, &t),
		"\nTarget: example.com (SIP, line 2)\n"
		"\nChecking FQDN: sip.example.com:5061 (SRV priority 0, "
		"weight 0)\n"
		"\nChecking IP Address: 127.0.0.2:5061\n"
		/* Members alike share a block, within their route only. */
		"Same chain and result: 127.0.0.3:5061 (2 pool members in "
		"this block)\n"
		"SNI: sip.example.com\nError: refused (Connection refused)\n"
		"\nChecking FQDN: sip.example.com:443 (SRV priority 0, "
		"weight 0)\n"
		"\nChecking IP Address: 127.0.0.2:443\n"
		"Same chain and result: 127.0.0.3:443 (2 pool members in "
		"this block)\n"
		"SNI: sip.example.com\nError: refused (Connection refused)\n"
		RESULT_PASS("example.com"));
	capture_free(&c);
}

/* Every failed or empty lookup is shown with its rcode and reason, before
 * the target's own error. */
static void test_text_dns_failures(void **state)
{
	struct store_dns_record_row srv[2] = {
		srv_record(0, 100, "sip.example.net"),
		srv_record(5, 0, "sip2.example.net"),
	};
	struct store_dns_answer_row dns[5] = {
		dns_answer("_sipfederationtls._tcp.example.net", "SRV",
			   "NOERROR", srv, 2),
		dns_answer("sip.example.net", "A", "NXDOMAIN", NULL, 0),
		dns_answer("sip.example.net", "AAAA", "TIMEOUT", NULL, 0),
		dns_answer("sip2.example.net", "A", "NOERROR", NULL, 0),
		dns_answer("sip2.example.net", "AAAA", "SERVFAIL", NULL, 0),
	};
	struct store_target_row t = target_dir(NULL, 0);
	struct render_totals tot = { 0 };
	struct capture c;
	(void)state;

	dns[1].reason = "Domain name not found";
	dns[2].reason = "Timeout while contacting DNS servers";
	srv[1].ttl = 3600;
	t.domain = "example.net";
	t.type = "FED";
	t.line = 4;
	t.dns = dns;
	t.dns_count = 5;
	t.error_kind = "dns_noaddress";
	t.error_reason = "no SRV target has an address";
	assert_string_equal(render_target_text(&c, &t),
		"\nTarget: example.net (FED, line 4)\n"
		"DNS: _sipfederationtls._tcp.example.net SRV NOERROR\n"
		"  priority 0 weight 100 port 5061 sip.example.net\n"
		"  priority 5 weight 0 port 5061 sip2.example.net (ttl 3600)\n"
		"DNS: sip.example.net A NXDOMAIN (Domain name not found)\n"
		"DNS: sip.example.net AAAA TIMEOUT (Timeout while contacting "
		"DNS servers)\n"
		"DNS: sip2.example.net A NOERROR (no data)\n"
		"DNS: sip2.example.net AAAA SERVFAIL\n"
		"Error: no SRV target has an address\n"
		RESULT_PASS("example.net"));
	capture_free(&c);
	/* NXDOMAIN, TIMEOUT, SERVFAIL; "no data" is an answer. */
	totals_add(&tot, &t);
	assert_int_equal(tot.dns_failed, 3);
	assert_int_equal(tot.targets, 1);
}

/* RFC 2782's "." target: the domain says it offers no such service. */
static void test_text_srv_not_available(void **state)
{
	struct store_dns_record_row dot[1] = { srv_record(0, 0, ".") };
	struct store_dns_answer_row dns[1] = {
		dns_answer("_sipfederationtls._tcp.example.org", "SRV",
			   "NOERROR", dot, 1),
	};
	struct store_target_row t = target_dir(NULL, 0);
	struct render_totals tot = { 0 };
	struct capture c;
	(void)state;

	dot[0].port = 0;
	t.domain = "example.org";
	t.type = "FED";
	t.dns = dns;
	t.dns_count = 1;
	t.error_kind = "srv_not_available";
	assert_string_equal(render_target_text(&c, &t),
		"\nTarget: example.org (FED, line 2)\n"
		"DNS: _sipfederationtls._tcp.example.org SRV NOERROR\n"
		"  priority 0 weight 0 port 0 . (service decidedly not "
		"available)\n"
		"Error: (srv_not_available)\n"
		RESULT_PASS("example.org"));
	capture_free(&c);
	totals_add(&tot, &t);
	assert_int_equal(tot.dns_failed, 0);
}

/* A DIR target keeps its one FQDN line; its host lookups follow it. TTLs
 * that differ are shown per address; the hosts file says where it came
 * from. */
static void test_text_dir_with_dns(void **state)
{
	struct store_dns_record_row a[2] = {
		addr_record("127.0.0.1", 30), addr_record("127.0.0.9", 300),
	};
	struct store_dns_record_row aaaa[1] = { addr_record("::1", -1) };
	struct store_dns_answer_row dns[2] = {
		dns_answer("sip.example.com", "A", "NOERROR", a, 2),
		dns_answer("sip.example.com", "AAAA", "NOERROR", aaaa, 1),
	};
	struct store_probe_row p = probe_refused();
	struct store_target_row t = target_dir(&p, 1);
	struct capture c;
	(void)state;

	dns[1].source = "hosts";
	t.dns = dns;
	t.dns_count = 2;
	assert_string_equal(render_target_text(&c, &t),
		"\nChecking FQDN: sip.example.com:5061 (DIR, line 2)\n"
		"DNS: sip.example.com A NOERROR 127.0.0.1 (ttl 30), "
		"127.0.0.9 (ttl 300)\n"
		"DNS: sip.example.com AAAA NOERROR ::1 (from hosts)\n"
		"\nChecking IP Address: 192.0.2.7:5061\n"
		"SNI: sip.example.com\n"
		"Error: refused (Connection refused)\n"
		RESULT_PASS("sip.example.com"));
	capture_free(&c);
}

/* A DNS name, an SRV target, a resolver message and the route's host are
 * as untrusted as a certificate subject. */
static void test_text_dns_escaped(void **state)
{
	struct srv_fixture f;
	struct capture c;
	const char *s;
	(void)state;

	srv_fixture_init(&f);
	f.target.domain = "ex\x1b[2Jample.com";
	f.dns[0].name = "_sip._tls.x\x1b]0;pwned\a.example.com";
	f.srv[1].target = "sip2\xc2\x9b" "31m.example.com";
	f.dns[2].rcode = "REFUSED";
	f.dns[2].reason = "bad\nDNS: forged A NOERROR 6.6.6.6";
	f.dns[2].source = "ho\x7fsts";
	f.probes[3].via = "sip2\xc2\x9b" "31m.example.com";
	s = render_target_text(&c, &f.target);
	assert_non_null(strstr(s, "\nTarget: ex\\x1B[2Jample.com (FED, "
				  "line 3)\n"));
	assert_non_null(strstr(s, "\nDNS: _sip._tls.x\\x1B]0;pwned\\x07"
				  ".example.com SRV NOERROR\n"));
	assert_non_null(strstr(s, "\n  priority 10 weight 0 port 5061 "
				  "sip2\\xC2\\x9B31m.example.com\n"));
	assert_non_null(strstr(s, "\nDNS: sip.example.com AAAA REFUSED (bad"
				  "\\x0ADNS: forged A NOERROR 6.6.6.6) (from "
				  "ho\\x7Fsts)\n"));
	assert_null(strstr(s, "\nDNS: forged"));
	assert_non_null(strstr(s, "\nChecking FQDN: sip2\\xC2\\x9B31m.example"
				  ".com:5061 (SRV priority 10, weight 0)\n"));
	assert_terminal_safe(s);
	capture_free(&c);
}

static void test_sigalg_windows(void **state)
{
	static const char *const table[][2] = {
		{ "sha1WithRSAEncryption", "sha1RSA" },
		{ "sha256WithRSAEncryption", "sha256RSA" },
		{ "sha384WithRSAEncryption", "sha384RSA" },
		{ "sha512WithRSAEncryption", "sha512RSA" },
		{ "md5WithRSAEncryption", "md5RSA" },
		{ "ecdsa-with-SHA1", "sha1ECDSA" },
		{ "ecdsa-with-SHA256", "sha256ECDSA" },
		{ "ecdsa-with-SHA384", "sha384ECDSA" },
		{ "ecdsa-with-SHA512", "sha512ECDSA" },
		{ "RSASSA-PSS", "RSASSA-PSS" },
		{ "ED25519", "Ed25519" },
		{ "ED448", "ED448" },
		{ "dsa_with_SHA256", "dsa_with_SHA256" },
	};
	size_t i;
	(void)state;

	for (i = 0; i < sizeof table / sizeof table[0]; i++)
		assert_string_equal(render_sigalg_windows(table[i][0]),
				    table[i][1]);
	assert_string_equal(render_sigalg_windows(NULL), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_success_block),
		cmocka_unit_test(test_text_ipv6_and_verify_failure),
		cmocka_unit_test(test_text_failed_probe),
		cmocka_unit_test(test_text_failed_probe_with_chain),
		cmocka_unit_test(test_text_target_error),
		cmocka_unit_test(test_text_input_error_and_summary),
		cmocka_unit_test(test_text_scan_header),
		cmocka_unit_test(test_text_escapes_control_bytes),
		cmocka_unit_test(test_text_invalid_utf8),
		cmocka_unit_test(test_text_srv_pool),
		cmocka_unit_test(test_text_srv_one_host_two_ports),
		cmocka_unit_test(test_text_dns_failures),
		cmocka_unit_test(test_text_srv_not_available),
		cmocka_unit_test(test_text_dir_with_dns),
		cmocka_unit_test(test_text_dns_escaped),
		cmocka_unit_test(test_sigalg_windows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
