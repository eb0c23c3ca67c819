/* test_report.c: report_run() through a real database: the store reads,
 * the findings engine judges, the renderers write, in each format (the
 * renderers alone are in render/test_text.c, render/test_views.c,
 * render/test_csv.c and render/test_json.c; the filters, --fail-on and
 * the trust store in test_options.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report/report.h"
#include "support/csv_read.h"
#include "support/json.h"
#include "support/report_db.h"

static void test_run_no_scan(void **state)
{
	struct report_options opts = run_options(REPORT_TEXT);
	struct run_db db;
	struct capture c;
	char err[256] = "";
	int flagged = -1;
	(void)state;

	run_db_open(&db);
	capture_open(&c);
	assert_int_equal(report_run(db.st, &opts, c.f, &flagged, err,
				    sizeof err), -1);
	assert_string_equal(err, "no scan in the database");
	opts.scan_id = 99;
	assert_int_equal(report_run(db.st, &opts, c.f, &flagged, err,
				    sizeof err), -1);
	assert_non_null(strstr(err, "99"));
	assert_string_equal(capture_close(&c), "");
	capture_free(&c);
	run_db_close(&db);
}

#define RUN_HEAD "fedcert report: scan 1 of partners.csv, started 20"
#define EM_DASH "\xE2\x80\x94"

static void test_run_text(void **state)
{
	struct report_options opts = run_options(REPORT_TEXT);
	struct run_db db;
	struct capture c;
	/* "Thumbprint: " and the SHA-1 in uppercase hex */
	char thumb[THUMB_LINE_MAX];
	const char *s;
	int64_t scan_id;
	int flagged;
	(void)state;

	run_db_open(&db);
	run_db_fill(db.st, &scan_id, thumb);
	s = run_report(&db, &opts, &c, &flagged);
	assert_int_equal(flagged, 0); /* fail_on -1: never */
	assert_true(strncmp(s, RUN_HEAD, strlen(RUN_HEAD)) == 0);
	/* The totals first, then the targets. */
	assert_non_null(strstr(s, " (done)\nProfile: sfb (Skype for Business "
				  "/ Lync Edge federation)\n\nTargets: 3 (2 FAIL, "
				  "1 INPUT_ERROR)\nEndpoints: 2 probed, 1 "
				  "failed (the scan's distinct endpoints; one "
				  "may serve several targets)\nFindings, by "
				  "targets that have them: "));
	assert_non_null(strstr(s, "\n\nChecking FQDN: sip.example.com"
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
	/* Each endpoint's comments under its block, the target's after. */
	assert_non_null(strstr(s, "\nError: refused (Connection refused)\n"
				  "Comments:\n  [error] connect_failed: "));
	assert_non_null(strstr(s, "\nPublic Key: EC 256 bits\nComments:\n"));
	assert_non_null(strstr(s, "\n  [error] self_signed: "));
	assert_non_null(strstr(s, "\n  [warning] expires_soon: "));
	assert_non_null(strstr(s, "\n\nComments:\n  [error] "
				  "pool_partial_failure: "));
	assert_non_null(strstr(s, "\nResult: FAIL (3 errors, 1 warning) "
				  EM_DASH " sip.example.com\n"));
	assert_non_null(strstr(s, "\n\nTarget: example.org (FED, line 5)"
				  "\nError: example.org: no such domain\n"
				  "\nComments:\n  [error] srv_missing: "));
	assert_non_null(strstr(s, "\nResult: FAIL (1 error, 0 warnings) "
				  EM_DASH " example.org\n"));
	assert_non_null(strstr(s, "\n\nInput errors:\npartners.csv:17: unknown "
				  "type \"FEDX\"\n\n3 targets shown: 2 FAIL, "
				  "1 INPUT_ERROR; the scan probed 2 endpoints, "
				  "1 failed; 0 DNS lookups failed\n"));
	capture_free(&c);
	run_db_close(&db);
}

static void test_run_csv(void **state)
{
	struct report_options opts = run_options(REPORT_CSV);
	struct run_db db;
	struct capture c;
	struct parsed p;
	char thumb[THUMB_LINE_MAX];
	int64_t scan_id;
	int ok, flagged;
	(void)state;

	run_db_open(&db);
	run_db_fill(db.st, &scan_id, thumb);
	/* By default one row per target. */
	parse_csv_n(run_report(&db, &opts, &c, &flagged), &p,
		    TEST_CSV_TARGET_NCOLUMNS);
	assert_int_equal(p.nrows, 4); /* two targets, one row rejected */
	assert_string_equal(CELL(&p, 1, "domain"), "sip.example.com");
	assert_string_equal(CELL(&p, 1, "status"), "FAIL");
	assert_string_equal(CELL(&p, 1, "worst_severity"), "error");
	assert_non_null(strstr(CELL(&p, 1, "finding_ids"), "connect_failed"));
	assert_non_null(strstr(CELL(&p, 1, "finding_ids"), "self_signed"));
	assert_string_equal(CELL(&p, 1, "thumbprint"), thumb + 12);
	assert_string_equal(CELL(&p, 1, "subject"), "CN=sip.example.com");
	assert_string_equal(CELL(&p, 1, "leaves"), "1");
	assert_string_equal(CELL(&p, 1, "endpoints"), "2");
	assert_string_equal(CELL(&p, 1, "endpoints_failed"), "1");
	assert_string_equal(CELL(&p, 2, "domain"), "example.org");
	assert_string_equal(CELL(&p, 2, "finding_ids"), "srv_missing");
	assert_string_equal(CELL(&p, 2, "error_kind"), "dns_nxdomain");
	assert_string_equal(CELL(&p, 2, "reason"), "example.org: no such domain");
	/* The row the scan rejected is in the auditor's file too. */
	assert_string_equal(CELL(&p, 3, "status"), "INPUT_ERROR");
	assert_string_equal(CELL(&p, 3, "line"), "17");
	assert_string_equal(CELL(&p, 3, "reason"), "unknown type \"FEDX\"");
	parsed_free(&p);
	capture_free(&c);

	/* --per-endpoint: a row per probe, and the findings' columns. */
	opts.per_endpoint = 1;
	opts.scan_id = scan_id;
	parse_csv(run_report(&db, &opts, &c, &flagged), &p);
	assert_int_equal(p.nrows, 5);
	/* The store orders a target's probes; find the IPv6 one. */
	ok = strcmp(CELL(&p, 1, "address"), "::1") == 0 ? 1 : 2;
	assert_string_equal(CELL(&p, ok, "address"), "::1");
	assert_string_equal(CELL(&p, ok, "error_kind"), "");
	assert_string_equal(CELL(&p, ok, "signature_algorithm"), "sha256ECDSA");
	assert_string_equal(CELL(&p, ok, "thumbprint"), thumb + 12);
	assert_string_equal(CELL(&p, ok, "verify_reason"),
			    "self-signed certificate");
	assert_string_equal(CELL(&p, 3 - ok, "error_kind"), "refused");
	assert_string_equal(CELL(&p, 3 - ok, "status"), "FAIL");
	assert_string_equal(CELL(&p, 3 - ok, "finding_ids"), "connect_failed");
	assert_string_equal(CELL(&p, ok, "target_finding_ids"),
			    "pool_partial_failure");
	assert_string_equal(CELL(&p, ok, "host"), "sip.example.com");
	assert_string_equal(CELL(&p, ok, "srv_name"), "");
	assert_string_equal(CELL(&p, ok, "srv_priority"), "");
	assert_string_equal(CELL(&p, 3, "line"), "5");
	assert_string_equal(CELL(&p, 3, "error_kind"), "dns_nxdomain");
	assert_string_equal(CELL(&p, 3, "status"), "FAIL");
	assert_string_equal(CELL(&p, 4, "status"), "INPUT_ERROR");
	assert_string_equal(CELL(&p, 4, "line"), "17");
	parsed_free(&p);
	capture_free(&c);
	run_db_close(&db);
}

/* The index of the finding id in a JSON line, or -1. */
static int json_finding_index(const char *line, const char *id)
{
	char path[32], want[64], *got;
	int i, found = -1;

	snprintf(want, sizeof want, "\"%s\"", id);
	for (i = 0; found < 0; i++) {
		snprintf(path, sizeof path, "findings.%d.id", i);
		got = json_at(line, path);
		if (got == NULL)
			break;
		if (strcmp(got, want) == 0)
			found = i;
		free(got);
	}
	return found;
}

static void test_run_json(void **state)
{
	struct report_options opts = run_options(REPORT_JSON);
	struct run_db db;
	struct capture c;
	char thumb[THUMB_LINE_MAX], path[64];
	const char *s, *second;
	int64_t scan_id;
	int i, flagged;
	(void)state;

	run_db_open(&db);
	run_db_fill(db.st, &scan_id, thumb);
	s = run_report(&db, &opts, &c, &flagged);
	/* Every line a target or a row the scan rejected: no heading, no
	 * summary. */
	assert_int_equal(assert_json_lines(s), 3);
	second = strchr(s, '\n') + 1;
	assert_json_eq(s, "scan", "1");
	assert_json_eq(s, "domain", "\"sip.example.com\"");
	assert_json_eq(s, "status", "\"FAIL\"");
	i = json_finding_index(s, "connect_failed");
	assert_true(i >= 0);
	snprintf(path, sizeof path, "findings.%d.endpoint", i);
	assert_json_eq(s, path, "\"127.0.0.2:5061\"");
	i = json_finding_index(s, "self_signed");
	assert_true(i >= 0);
	snprintf(path, sizeof path, "findings.%d.endpoint", i);
	assert_json_eq(s, path, "\"[::1]:5061\"");
	i = json_finding_index(s, "pool_partial_failure");
	assert_true(i >= 0);
	snprintf(path, sizeof path, "findings.%d.endpoint", i);
	assert_json_eq(s, path, "null");
	assert_json_eq(second, "domain", "\"example.org\"");
	assert_json_eq(second, "error_kind", "\"dns_nxdomain\"");
	assert_json_eq(second, "reason", "\"example.org: no such domain\"");
	assert_json_eq(second, "findings.0.id", "\"srv_missing\"");
	assert_json_eq(second, "findings.0.endpoint", "null");
	second = strchr(second, '\n') + 1;
	assert_json_eq(second, "status", "\"INPUT_ERROR\"");
	assert_json_eq(second, "line", "17");
	assert_json_eq(second, "raw", "\"x,FEDX\"");
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
		.error_kind = FAIL_REFUSED, .error_reason = "Connection refused",
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
		/* Refused alike: one block for both members. */
		"\n\nChecking IP Address: 127.0.0.2:5061\n"
		"Same chain and result: 127.0.0.3:5061 (2 pool members in "
		"this block)\nSNI: sip.example.com\n",
		"\n\nChecking FQDN: sip2.example.com:5061 (SRV priority 10, "
		"weight 0)\n",
		"\n\nChecking IP Address: 127.0.0.4:5061\n"
		"SNI: sip2.example.com\n",
		"\n\n1 target shown: 1 FAIL; the scan probed 3 endpoints, "
		"3 failed; 1 DNS lookup failed\n",
	};
	struct report_options opts = run_options(REPORT_TEXT);
	struct run_db db;
	struct capture c;
	struct parsed p;
	const char *s, *at;
	int64_t scan_id;
	int flagged;
	size_t i;
	(void)state;

	run_db_open(&db);
	run_db_fill_srv(db.st, &scan_id);
	s = run_report(&db, &opts, &c, &flagged);
	assert_non_null(strstr(s, " (done)\nProfile: sfb (Skype for Business "
				  "/ Lync Edge federation)\n\nTargets: 1 (1 FAIL)\n"));
	assert_non_null(strstr(s, "\n"
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
	opts.per_endpoint = 1;
	parse_csv(run_report(&db, &opts, &c, &flagged), &p);
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
	struct report_options opts = run_options(REPORT_CSV);
	struct run_db db;
	char err[256] = "", thumb[THUMB_LINE_MAX];
	int flagged = -1;
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
	assert_int_equal(report_run(db.st, &opts, full, &flagged, err,
				    sizeof err), -1);
	assert_string_equal(err, "writing the report: No space left on device");
	fclose(full);
	run_db_close(&db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_no_scan),
		cmocka_unit_test(test_run_text),
		cmocka_unit_test(test_run_csv),
		cmocka_unit_test(test_run_json),
		cmocka_unit_test(test_run_srv_pool),
		cmocka_unit_test(test_run_write_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
