/* test_report.c: the renderers on crafted in-memory rows (no database),
 * and report_run() through a real database.
 *
 * Output is captured with open_memstream(); CSV output is parsed back with
 * libcsv so that quoting is checked by a real parser, not by eye.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include <cmocka.h>
#include <csv.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "report/render.h"
#include "report/report.h"
#include "store/store.h"

/* ---- Capture --------------------------------------------------------- */

struct capture {
	FILE *f;
	char *buf; /* owned; freed by capture_free() */
	size_t len;
};

static void capture_open(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
}

/* Closes the stream; c->buf then holds the NUL-terminated output. */
static const char *capture_close(struct capture *c)
{
	assert_int_equal(fclose(c->f), 0);
	c->f = NULL;
	return c->buf;
}

static void capture_free(struct capture *c)
{
	free(c->buf);
	c->buf = NULL;
}

/* ---- Crafted rows ---------------------------------------------------- */

static struct store_cert_row cert_leaf(void)
{
	struct store_cert_row c = {
		.id = 1,
		.sha256 = "9f86d081884c7d659a2feaa0c55ad015"
			  "a3bf4f1b2b0b822cd15d6c15b0f00a08",
		.sha1 = "3f2a9d1e5b7c4a8f0e6d2c1b9a8f7e6d5c4b3a29",
		.subject = "CN=sip.example.com,O=Example",
		.issuer = "CN=Example Intermediate",
		.serial = "0A1B2C",
		.not_before = "2026-01-01T00:00:00Z",
		.not_after = "2027-01-01T00:00:00Z",
		.sig_alg = "sha256WithRSAEncryption",
		.key_type = "RSA",
		.key_bits = 2048,
		.x509_version = 3,
	};
	return c;
}

/* chain must have room for two certificates. */
static struct store_probe_row probe_ok(struct store_cert_row *chain)
{
	struct store_probe_row p = {
		.id = 1,
		.address = "127.0.0.1",
		.port = 5061,
		.sni = "sip.example.com",
		.via = "sip.example.com",
		.started = "2026-11-25T09:43:01Z",
		.connect_ms = 0.4,
		.handshake_ms = 3.2,
		.tls_version = "TLSv1.3",
		.cipher = "TLS_AES_256_GCM_SHA384",
		.verify_code = 0,
		.verify_reason = "ok",
		.chain_len = 2,
		.chain = chain,
	};
	chain[0] = cert_leaf();
	chain[1] = cert_leaf();
	chain[1].subject = "CN=Example Intermediate";
	return p;
}

static struct store_probe_row probe_refused(void)
{
	struct store_probe_row p = {
		.id = 2,
		.address = "192.0.2.7",
		.port = 5061,
		.sni = "sip.example.com",
		.via = "sip.example.com",
		.connect_ms = -1,
		.handshake_ms = -1,
		.error_kind = "refused",
		.error_reason = "Connection refused",
		.verify_code = -1,
	};
	return p;
}

static struct store_target_row target_dir(struct store_probe_row *probes,
					  size_t n)
{
	struct store_target_row t = {
		.id = 1,
		.line = 2,
		.domain = "sip.example.com",
		.type = "DIR",
		.port = 5061,
		.probe_count = n,
		.probes = probes,
	};
	return t;
}

static const char *render_target_text(struct capture *c,
				      const struct store_target_row *t)
{
	capture_open(c);
	render_text_target(c->f, t);
	return capture_close(c);
}

/* ---- Text ------------------------------------------------------------ */

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
		"Public Key: RSA 2048 bits\n");
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
	assert_non_null(strstr(s, "Checking FQDN: sip.example.com (FED, "
				  "line 2)\n"));
	assert_non_null(strstr(s, "\nChecking IP Address: [2001:db8::1]:5061\n"
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
		"Error: refused (Connection refused)\n");
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
			    "\nChecking FQDN: example.org (FED, line 5)\n"
			    "Error: SRV lookup not available yet\n");
	capture_free(&c);

	t.error_reason = NULL;
	assert_string_equal(render_target_text(&c, &t),
			    "\nChecking FQDN: example.org (FED, line 5)\n"
			    "Error: (srv_unsupported)\n");
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

	probes[1].error_kind = NULL;
	render_totals_add_target(&tot, &t);
	tot.input_errors = 1;
	capture_open(&c);
	render_text_input_error_heading(c.f);
	render_text_input_error(c.f, "partners.csv", &e);
	render_text_summary(c.f, &tot);
	assert_string_equal(capture_close(&c),
		"\nInput errors:\n"
		"partners.csv:17: unknown type \"FEDX\"\n"
		"\n1 targets, 2 endpoints probed, 1 failed, 1 input errors\n");
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
	size_t i;
	(void)state;

	chain[0].subject = "CN=\x1b[31mred\x1b]0;owned\a\nO=x\x7f";
	p.cipher = "\xc2\x9b" "2J"; /* C1 CSI, valid UTF-8 */
	s = render_target_text(&c, &t);
	assert_non_null(strstr(s, "\nSubject: CN=\\x1B[31mred\\x1B]0;owned"
				  "\\x07\\x0AO=x\\x7F\n"));
	assert_non_null(strstr(s, "\nCipher: \\xC2\\x9B2J\n"));
	for (i = 0; s[i] != '\0'; i++) {
		unsigned char b = (unsigned char)s[i];
		assert_true(b == '\n' || (b >= 0x20 && b != 0x7F && b < 0x80));
	}
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

/* ---- CSV ------------------------------------------------------------- */

#define PARSED_ROWS 8
#define PARSED_COLS 32

struct parsed {
	char *cell[PARSED_ROWS][PARSED_COLS]; /* owned; parsed_free() */
	size_t ncols[PARSED_ROWS];
	size_t nrows;
	size_t col;
};

static void parsed_on_field(void *s, size_t len, void *data)
{
	struct parsed *p = data;
	char *cell;

	assert_true(p->nrows < PARSED_ROWS && p->col < PARSED_COLS);
	cell = malloc(len + 1);
	assert_non_null(cell);
	memcpy(cell, s ? s : "", len);
	cell[len] = '\0';
	p->cell[p->nrows][p->col++] = cell;
}

static void parsed_on_row(int c, void *data)
{
	struct parsed *p = data;

	assert_int_equal(c, '\r'); /* rows end in CRLF, the CR first */
	p->ncols[p->nrows++] = p->col;
	p->col = 0;
}

static void parsed_free(struct parsed *p)
{
	size_t r, i;

	for (r = 0; r < p->nrows; r++)
		for (i = 0; i < p->ncols[r]; i++)
			free(p->cell[r][i]);
}

/* Parses text strictly; every row must have every column. */
static void parse_csv(const char *text, struct parsed *p)
{
	struct csv_parser parser;
	size_t len = strlen(text), r;

	memset(p, 0, sizeof *p);
	assert_int_equal(csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI), 0);
	assert_int_equal(csv_parse(&parser, text, len, parsed_on_field,
				   parsed_on_row, p), len);
	assert_int_equal(csv_fini(&parser, parsed_on_field, parsed_on_row, p),
			 0);
	csv_free(&parser);
	assert_int_equal(p->col, 0); /* the last row ended with CRLF */
	for (r = 0; r < p->nrows; r++)
		assert_int_equal(p->ncols[r], 28);
}

/* The column's index, found by name in the parsed header row. */
static size_t csv_col(const struct parsed *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->ncols[0]; i++)
		if (strcmp(p->cell[0][i], name) == 0)
			return i;
	fail_msg("no column %s", name);
	return 0;
}

static void render_csv(const struct store_target_row *t, struct parsed *p)
{
	struct capture c;

	capture_open(&c);
	render_csv_header(c.f);
	assert_int_equal(render_csv_target_checked(c.f, t), 0);
	parse_csv(capture_close(&c), p);
	capture_free(&c);
}

#define CELL(p, row, name) ((p)->cell[(row)][csv_col((p), (name))])

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
			    "\"sha256\",\"key_type\",\"key_bits\"\r\n");
	parse_csv(c.buf, &p);
	assert_int_equal(p.nrows, 1);
	for (i = 0; i < 28; i++)
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
	for (i = csv_col(&p, "address"); i < 28; i++)
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

/* ---- report_run() through a real database ----------------------------- */

/* A self-signed P-256 certificate for sip.example.com, as DER. The caller
 * frees *der with OPENSSL_free(). */
static void make_cert(unsigned char **der, int *len)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *name;

	assert_non_null(key);
	assert_non_null(x);
	assert_int_equal(X509_set_version(x, 2), 1);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 0x0A1B2C);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
				   (const unsigned char *)"sip.example.com",
				   -1, -1, 0);
	X509_set_issuer_name(x, name);
	X509_set_pubkey(x, key);
	assert_true(X509_sign(x, key, EVP_sha256()) > 0);
	*der = NULL;
	*len = i2d_X509(x, der);
	assert_true(*len > 0);
	X509_free(x);
	EVP_PKEY_free(key);
}

/* "Thumbprint: " and the uppercase SHA-1 of der, as Windows shows it. */
static void thumb_line(const unsigned char *der, int len,
		       char out[12 + 2 * SHA_DIGEST_LENGTH + 1])
{
	unsigned char md[SHA_DIGEST_LENGTH];
	size_t i;

	assert_non_null(SHA1(der, (size_t)len, md));
	strcpy(out, "Thumbprint: ");
	for (i = 0; i < sizeof md; i++)
		sprintf(out + 12 + 2 * i, "%02X", md[i]);
}

struct run_db {
	char dir[64];
	char path[96];
	struct store *st;
};

static void run_db_open(struct run_db *db)
{
	char err[256];

	strcpy(db->dir, "/tmp/fedcert_test_report_XXXXXX");
	assert_non_null(mkdtemp(db->dir));
	snprintf(db->path, sizeof db->path, "%s/t.db", db->dir);
	assert_int_equal(store_open(db->path, &db->st, err, sizeof err), 0);
}

static void run_db_close(struct run_db *db)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	char file[128];
	size_t i;

	store_close(db->st);
	for (i = 0; i < 3; i++) {
		snprintf(file, sizeof file, "%s%s", db->path, suffix[i]);
		remove(file);
	}
	assert_int_equal(rmdir(db->dir), 0);
}

/* One DIR target with a good and a refused probe, one FED target that
 * reached nothing, one bad input line. */
static void run_db_fill(struct store *st, int64_t *scan_id,
			char thumb[12 + 2 * SHA_DIGEST_LENGTH + 1])
{
	struct store_scan_info info = { "partners.csv", "-", "test" };
	struct store_target dir = { 2, "sip.example.com", "DIR", 5061 };
	struct store_target fed = { 5, "example.org", "FED", 5061 };
	struct store_der der;
	struct store_probe ok = {
		.address = "::1", .port = 5061, .sni = "sip.example.com",
		.connect_ms = 0.4, .handshake_ms = 3.2,
		.tls_version = "TLSv1.3", .cipher = "TLS_AES_256_GCM_SHA384",
		.verify_code = 18, .verify_reason = "self-signed certificate",
		.chain_len = 1, .chain = &der,
	};
	struct store_probe refused = {
		.address = "127.0.0.2", .port = 5061, .sni = "sip.example.com",
		.connect_ms = -1, .handshake_ms = -1, .error_kind = "refused",
		.error_reason = "Connection refused", .verify_code = -1,
	};
	int64_t tid, pid;
	unsigned char *buf;
	int len;

	make_cert(&buf, &len);
	thumb_line(buf, len, thumb);
	der.der = buf;
	der.len = (size_t)len;
	assert_int_equal(store_scan_begin(st, &info, scan_id), 0);
	assert_int_equal(store_target_add(st, *scan_id, &dir, &tid), 0);
	assert_int_equal(store_probe_add(st, *scan_id, &ok, &pid), 0);
	assert_int_equal(store_target_probe_link(st, tid, pid, "x"), 0);
	assert_int_equal(store_probe_add(st, *scan_id, &refused, &pid), 0);
	assert_int_equal(store_target_probe_link(st, tid, pid, "x"), 0);
	assert_int_equal(store_target_add(st, *scan_id, &fed, &tid), 0);
	assert_int_equal(store_target_set_error(st, tid, "srv_unsupported",
						"SRV lookup not available yet"),
			 0);
	assert_int_equal(store_input_error_add(st, *scan_id, 17,
					       "unknown type \"FEDX\"",
					       "x,FEDX"), 0);
	assert_int_equal(store_scan_finish(st, *scan_id, "done"), 0);
	OPENSSL_free(buf);
}

static void test_run_no_scan(void **state)
{
	struct report_options opts = { REPORT_TEXT, 0 };
	struct run_db db;
	struct capture c;
	char err[256] = "";
	(void)state;

	run_db_open(&db);
	capture_open(&c);
	assert_int_equal(report_run(db.st, &opts, c.f, err, sizeof err), -1);
	assert_string_equal(err, "no scan in the database");
	opts.scan_id = 99;
	assert_int_equal(report_run(db.st, &opts, c.f, err, sizeof err), -1);
	assert_non_null(strstr(err, "99"));
	assert_string_equal(capture_close(&c), "");
	capture_free(&c);
	run_db_close(&db);
}

#define RUN_HEAD "fedcert report: scan 1 of partners.csv, started 20"

static void test_run_text_and_csv(void **state)
{
	struct report_options opts = { REPORT_TEXT, 0 };
	struct run_db db;
	struct capture c;
	struct parsed p;
	char err[256] = "";
	/* "Thumbprint: " and the SHA-1 in uppercase hex */
	char thumb[12 + 2 * SHA_DIGEST_LENGTH + 1];
	const char *s;
	int64_t scan_id;
	int ok;
	(void)state;

	run_db_open(&db);
	run_db_fill(db.st, &scan_id, thumb);
	capture_open(&c);
	assert_int_equal(report_run(db.st, &opts, c.f, err, sizeof err), 0);
	s = capture_close(&c);
	assert_true(strncmp(s, RUN_HEAD, strlen(RUN_HEAD)) == 0);
	assert_non_null(strstr(s, " (done)\n\nChecking FQDN: sip.example.com"
				  ":5061 (DIR, line 2)\n\nChecking IP Address:"
				  " "));
	assert_non_null(strstr(s, "\n\nChecking IP Address: [::1]:5061\n"
				  "SNI: sip.example.com\n"));
	assert_non_null(strstr(s, thumb));
	assert_non_null(strstr(s, "\nChain Verification: Failed: self-signed "
				  "certificate (18)\nChain Length: 1\n"
				  "Subject: CN=sip.example.com\n"));
	assert_non_null(strstr(s, "\nSignature Algorithm: sha256ECDSA\n"));
	assert_non_null(strstr(s, "\nSerial Number: 0A1B2C\n"));
	assert_non_null(strstr(s, "\nError: refused (Connection refused)\n"));
	assert_non_null(strstr(s, "\n\nChecking FQDN: example.org (FED, line 5)"
				  "\nError: SRV lookup not available yet\n"));
	assert_non_null(strstr(s, "\n\nInput errors:\npartners.csv:17: unknown "
				  "type \"FEDX\"\n\n2 targets, 2 endpoints "
				  "probed, 1 failed, 1 input errors\n"));
	capture_free(&c);

	opts.format = REPORT_CSV;
	opts.scan_id = scan_id;
	capture_open(&c);
	assert_int_equal(report_run(db.st, &opts, c.f, err, sizeof err), 0);
	parse_csv(capture_close(&c), &p);
	assert_int_equal(p.nrows, 4);
	/* The store orders a target's probes; find the IPv6 one. */
	ok = strcmp(CELL(&p, 1, "address"), "::1") == 0 ? 1 : 2;
	assert_string_equal(CELL(&p, ok, "address"), "::1");
	assert_string_equal(CELL(&p, ok, "status"), "ok");
	assert_string_equal(CELL(&p, ok, "signature_algorithm"), "sha256ECDSA");
	assert_string_equal(CELL(&p, ok, "thumbprint"), thumb + 12);
	assert_string_equal(CELL(&p, ok, "verify_result"),
			    "self-signed certificate");
	assert_string_equal(CELL(&p, 3 - ok, "status"), "error");
	assert_string_equal(CELL(&p, 3 - ok, "error_kind"), "refused");
	assert_string_equal(CELL(&p, 3, "line"), "5");
	assert_string_equal(CELL(&p, 3, "error_kind"), "srv_unsupported");
	parsed_free(&p);
	capture_free(&c);
	run_db_close(&db);
}

/* A full disk (or a closed pipe) is an error, not a silent short report. */
static void test_run_write_error(void **state)
{
	struct report_options opts = { REPORT_CSV, 0 };
	struct run_db db;
	char err[256] = "", thumb[12 + 2 * SHA_DIGEST_LENGTH + 1];
	int64_t scan_id;
	FILE *full;
	(void)state;

	full = fopen("/dev/full", "w");
	if (full == NULL)
		skip();
	/* Unbuffered: the first target's write fails, and the walk stops
	 * there with the write's own errno. */
	setvbuf(full, NULL, _IONBF, 0);
	run_db_open(&db);
	run_db_fill(db.st, &scan_id, thumb);
	assert_int_equal(report_run(db.st, &opts, full, err, sizeof err), -1);
	assert_string_equal(err, "writing the report: No space left on device");
	fclose(full);
	run_db_close(&db);
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
		cmocka_unit_test(test_csv_header),
		cmocka_unit_test(test_csv_probe_rows),
		cmocka_unit_test(test_csv_target_without_probes),
		cmocka_unit_test(test_csv_quoting_round_trip),
		cmocka_unit_test(test_csv_formula_neutralised),
		cmocka_unit_test(test_csv_escapes_control_and_invalid_utf8),
		cmocka_unit_test(test_sigalg_windows),
		cmocka_unit_test(test_run_no_scan),
		cmocka_unit_test(test_run_text_and_csv),
		cmocka_unit_test(test_run_write_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
