/* report_db.c: report_run() on a real database (report_db.h). */
#include "report_db.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cert.h"

/* "Thumbprint: " and the uppercase SHA-1 of der, as Windows shows it. */
static void thumb_line(const unsigned char *der, size_t len,
		       char out[THUMB_LINE_MAX])
{
	unsigned char md[SHA_DIGEST_LENGTH];
	size_t i;

	assert_non_null(SHA1(der, len, md));
	strcpy(out, "Thumbprint: ");
	for (i = 0; i < sizeof md; i++)
		sprintf(out + 12 + 2 * i, "%02X", md[i]);
}

struct report_options run_options(enum report_format format)
{
	struct report_options o = {
		.format = format, .min_severity = -1, .fail_on = -1,
	};

	return o;
}

void run_db_open(struct run_db *db)
{
	char err[256];

	strcpy(db->dir, "/tmp/fedcert_test_report_XXXXXX");
	assert_non_null(mkdtemp(db->dir));
	snprintf(db->path, sizeof db->path, "%s/t.db", db->dir);
	assert_int_equal(store_open(db->path, &db->st, err, sizeof err), 0);
}

void run_db_close(struct run_db *db)
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

const char *run_report(struct run_db *db, const struct report_options *o,
		       struct capture *c, int *flagged)
{
	char err[256] = "";

	capture_open(c);
	*flagged = -1;
	if (report_run(db->st, o, c->f, flagged, err, sizeof err) != 0)
		fail_msg("report_run: %s", err);
	return capture_close(c);
}

void run_db_fill(struct store *st, int64_t *scan_id, char thumb[THUMB_LINE_MAX])
{
	struct store_scan_info info = { "partners.csv", "-", "test" };
	struct store_target dir = { 2, "sip.example.com", "DIR", 5061 };
	struct store_target fed = { 5, "example.org", "FED", 5061 };
	struct store_der der = { 0 };
	struct store_probe ok = {
		.address = "::1", .port = 5061, .sni = "sip.example.com",
		.connect_ms = 0.4, .handshake_ms = 3.2,
		.tls_version = "TLSv1.3", .cipher = "TLS_AES_256_GCM_SHA384",
		.verify_code = 18, .verify_reason = "self-signed certificate",
		.chain_len = 1, .chain = &der,
	};
	struct store_probe refused = {
		.address = "127.0.0.2", .port = 5061, .sni = "sip.example.com",
		.connect_ms = -1, .handshake_ms = -1, .error_kind = FAIL_REFUSED,
		.error_reason = "Connection refused", .verify_code = -1,
	};
	struct store_route route = { NULL, "sip.example.com", -1, -1 };
	int64_t tid, pid;
	/* Self-signed, P-256, valid from now for a day. */
	struct tcert_spec spec = {
		.cn = "sip.example.com", .serial = 0x0A1B2C, .bare = 1,
		.now = time(NULL), .set_validity = 1, .to_days = 1,
	};
	size_t len;
	unsigned char *buf = tcert_der(&spec, &len);

	thumb_line(buf, len, thumb);
	der.der = buf;
	der.len = len;
	assert_int_equal(store_scan_begin(st, &info, scan_id), 0);
	assert_int_equal(store_target_add(st, *scan_id, &dir, &tid), 0);
	assert_int_equal(store_probe_add(st, *scan_id, &ok, &pid), 0);
	assert_int_equal(store_target_probe_link(st, tid, pid, &route), 0);
	assert_int_equal(store_probe_add(st, *scan_id, &refused, &pid), 0);
	assert_int_equal(store_target_probe_link(st, tid, pid, &route), 0);
	assert_int_equal(store_target_add(st, *scan_id, &fed, &tid), 0);
	assert_int_equal(store_target_set_error(st, tid, FAIL_DNS_NXDOMAIN,
						"example.org: no such domain"),
			 0);
	assert_int_equal(store_input_error_add(st, *scan_id, 17,
					       "unknown type \"FEDX\"",
					       "x,FEDX"), 0);
	assert_int_equal(store_scan_finish(st, *scan_id, "done"), 0);
	OPENSSL_free(buf);
}
