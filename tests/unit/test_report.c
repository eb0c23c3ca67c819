/* test_report.c: report_run() through a real database: the store reads,
 * the renderers write (the renderers alone are in test_report_text.c and
 * test_report_csv.c).
 */
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "report/report.h"
#include "test_report.h"

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
	struct store_route route = { NULL, "sip.example.com", -1, -1 };
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
	assert_int_equal(store_target_probe_link(st, tid, pid, &route), 0);
	assert_int_equal(store_probe_add(st, *scan_id, &refused, &pid), 0);
	assert_int_equal(store_target_probe_link(st, tid, pid, &route), 0);
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
	assert_non_null(strstr(s, "\n\nTarget: example.org (FED, line 5)"
				  "\nError: SRV lookup not available yet\n"));
	assert_non_null(strstr(s, "\n\nInput errors:\npartners.csv:17: unknown "
				  "type \"FEDX\"\n\n2 targets, 2 endpoints "
				  "probed, 1 failed, 0 DNS lookups failed, "
				  "1 input errors\n"));
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
	assert_string_equal(CELL(&p, ok, "via"), "sip.example.com");
	assert_string_equal(CELL(&p, ok, "srv_name"), "");
	assert_string_equal(CELL(&p, ok, "srv_priority"), "");
	assert_string_equal(CELL(&p, 3, "line"), "5");
	assert_string_equal(CELL(&p, 3, "error_kind"), "srv_unsupported");
	parsed_free(&p);
	capture_free(&c);
	run_db_close(&db);
}

/* A FED target through the store: its DNS answers as stored, its pool in
 * the store's order (priority, weight descending, host, address), whatever
 * order the scanner wrote them in. */
static void run_db_fill_srv(struct store *st, int64_t *scan_id)
{
	static const struct store_dns_record srv[3] = {
		{ 10, 0, 5061, "sip2.example.com", NULL, -1 },
		{ 0, 100, 5061, "sip.example.com", NULL, -1 },
		{ 20, 0, 5061, "sip3.example.com", NULL, -1 },
	};
	static const struct store_dns_record a[2] = {
		{ -1, -1, -1, NULL, "127.0.0.3", 300 },
		{ -1, -1, -1, NULL, "127.0.0.2", 300 },
	};
	static const struct store_dns_record a2[1] = {
		{ -1, -1, -1, NULL, "127.0.0.4", 60 },
	};
	const struct store_dns_answer answers[4] = {
		{ SRV_NAME, "SRV", "NOERROR", "dns", NULL, 3, srv },
		{ "sip.example.com", "A", "NOERROR", "dns", NULL, 2, a },
		{ "sip2.example.com", "A", "NOERROR", "dns", NULL, 1, a2 },
		{ "sip3.example.com", "A", "NXDOMAIN", "dns",
		  "Domain name not found", 0, NULL },
	};
	/* address, SRV target, priority, weight: in writing order */
	static const struct {
		const char *address, *host;
		int priority, weight;
	} pool[3] = {
		{ "127.0.0.4", "sip2.example.com", 10, 0 },
		{ "127.0.0.3", "sip.example.com", 0, 100 },
		{ "127.0.0.2", "sip.example.com", 0, 100 },
	};
	struct store_scan_info info = { "partners.csv", "-", "test" };
	struct store_target fed = { 3, "example.com", "FED", 5061 };
	struct store_probe p = {
		.port = 5061, .connect_ms = -1, .handshake_ms = -1,
		.error_kind = "refused", .error_reason = "Connection refused",
		.verify_code = -1,
	};
	struct store_route route = { SRV_NAME, NULL, -1, -1 };
	int64_t tid, aid, pid;
	size_t i;

	assert_int_equal(store_scan_begin(st, &info, scan_id), 0);
	assert_int_equal(store_target_add(st, *scan_id, &fed, &tid), 0);
	for (i = 0; i < 4; i++) {
		assert_int_equal(store_dns_answer_add(st, *scan_id,
						      &answers[i], &aid), 0);
		assert_int_equal(store_target_dns_link(st, tid, aid), 0);
	}
	for (i = 0; i < 3; i++) {
		p.address = pool[i].address;
		p.sni = pool[i].host;
		route.host = pool[i].host;
		route.srv_priority = pool[i].priority;
		route.srv_weight = pool[i].weight;
		assert_int_equal(store_probe_add(st, *scan_id, &p, &pid), 0);
		assert_int_equal(store_target_probe_link(st, tid, pid, &route),
				 0);
	}
	assert_int_equal(store_scan_finish(st, *scan_id, "done"), 0);
}

static void test_run_srv_pool(void **state)
{
	static const char *const order[] = {
		"\n\nChecking FQDN: sip.example.com:5061 (SRV priority 0, "
		"weight 100)\n",
		"\n\nChecking IP Address: 127.0.0.2:5061\n"
		"SNI: sip.example.com\n",
		"\n\nChecking IP Address: 127.0.0.3:5061\n"
		"SNI: sip.example.com\n",
		"\n\nChecking FQDN: sip2.example.com:5061 (SRV priority 10, "
		"weight 0)\n",
		"\n\nChecking IP Address: 127.0.0.4:5061\n"
		"SNI: sip2.example.com\n",
		"\n\n1 targets, 3 endpoints probed, 3 failed, 1 DNS lookups "
		"failed, 0 input errors\n",
	};
	struct report_options opts = { REPORT_TEXT, 0 };
	struct run_db db;
	struct capture c;
	struct parsed p;
	char err[256] = "";
	const char *s, *at;
	int64_t scan_id;
	size_t i;
	(void)state;

	run_db_open(&db);
	run_db_fill_srv(db.st, &scan_id);
	capture_open(&c);
	assert_int_equal(report_run(db.st, &opts, c.f, err, sizeof err), 0);
	s = capture_close(&c);
	assert_non_null(strstr(s, " (done)\n"
		"\nTarget: example.com (FED, line 3)\n"
		"DNS: " SRV_NAME " SRV NOERROR\n"
		"  priority 10 weight 0 port 5061 sip2.example.com\n"
		"  priority 0 weight 100 port 5061 sip.example.com\n"
		"  priority 20 weight 0 port 5061 sip3.example.com\n"
		"DNS: sip.example.com A NOERROR 127.0.0.3, 127.0.0.2 "
		"(ttl 300)\n"
		"DNS: sip2.example.com A NOERROR 127.0.0.4 (ttl 60)\n"
		"DNS: sip3.example.com A NXDOMAIN (Domain name not found)\n"
		"\nChecking FQDN: "));
	for (i = 0, at = s; i < sizeof order / sizeof order[0]; i++) {
		at = strstr(at, order[i]);
		assert_non_null(at);
	}
	capture_free(&c);

	opts.format = REPORT_CSV;
	capture_open(&c);
	assert_int_equal(report_run(db.st, &opts, c.f, err, sizeof err), 0);
	parse_csv(capture_close(&c), &p);
	assert_int_equal(p.nrows, 4);
	assert_string_equal(CELL(&p, 1, "address"), "127.0.0.2");
	assert_string_equal(CELL(&p, 3, "address"), "127.0.0.4");
	for (i = 1; i <= 3; i++)
		assert_string_equal(CELL(&p, i, "srv_name"), SRV_NAME);
	assert_string_equal(CELL(&p, 2, "srv_target"), "sip.example.com");
	assert_string_equal(CELL(&p, 2, "srv_priority"), "0");
	assert_string_equal(CELL(&p, 2, "srv_weight"), "100");
	assert_string_equal(CELL(&p, 3, "srv_target"), "sip2.example.com");
	assert_string_equal(CELL(&p, 3, "srv_priority"), "10");
	assert_string_equal(CELL(&p, 3, "srv_weight"), "0");
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
		cmocka_unit_test(test_run_no_scan),
		cmocka_unit_test(test_run_text_and_csv),
		cmocka_unit_test(test_run_srv_pool),
		cmocka_unit_test(test_run_write_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
