/* test_history.c: the reports across scans on the five nights of
 * support/history_fixture.h: diff (JSON and text, the default scans, a
 * failure and a recovery, a rotation with a CA change, findings that
 * appear), history, expiring (text, CSV, JSON), report --compliance and
 * scans (whose per-scan verdicts kept from the night before must equal a
 * full judging). JSON is checked by a real parser (support/json.h), CSV
 * read back with libcsv (support/csv_read.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "report/history/history_int.h"
#include "report/report.h"
#include "support/csv_read.h"
#include "support/history_fixture.h"
#include "support/json.h"
#include "support/report.h"

/* The output of one report call, which must succeed. */
#define RUN(c, call)                                                       \
	do {                                                               \
		char err_[256] = "";                                       \
		capture_open(c);                                           \
		if ((call) != 0)                                           \
			fail_msg("%s: %s", #call, err_);                   \
		capture_close(c);                                          \
	} while (0)
#define ERR err_, sizeof err_

/* The n-th line (0-based) of text, copied into out. */
static const char *nth_line(const char *text, size_t n, char *out, size_t len)
{
	const char *nl;

	for (; n > 0 && text != NULL; n--)
		text = (nl = strchr(text, '\n')) ? nl + 1 : NULL;
	assert_non_null(text);
	nl = strchr(text, '\n');
	snprintf(out, len, "%.*s", (int)(nl ? nl - text : (long)strlen(text)), text);
	return out;
}

static void upper(const char *sha1, char out[41])
{
	size_t i;

	for (i = 0; i < 40; i++)
		out[i] = (char)(sha1[i] >= 'a' && sha1[i] <= 'f' ? sha1[i] - 32 : sha1[i]);
	out[40] = '\0';
}

static void assert_has(const char *text, const char *what)
{
	if (strstr(text, what) == NULL)
		fail_msg("missing [%s] in:\n%s", what, text);
}

/* ---- diff ---------------------------------------------------------------- */

static void test_diff_default_json(void **state)
{
	struct hf *f = *state;
	struct report_diff_options o = { .format = REPORT_JSON };
	struct capture c;
	char line[2048], want[400], t2[41], t3[41];

	RUN(&c, report_diff(f->st, &o, c.f, ERR));
	/* Scan 5 did not finish: 3 -> 4, one object per change. */
	assert_int_equal(assert_json_lines(c.buf), 6);
	upper(f->leaf2.sha1, t2);
	upper(f->leaf3.sha1, t3);
	nth_line(c.buf, 0, line, sizeof line);
	snprintf(want, sizeof want, "{\"change\":\"rotated\",\"from_scan\":3,"
		 "\"to_scan\":4,\"domain\":\"a.test\",\"type\":\"DIR\",\"port\":5061,"
		 "\"endpoint\":{\"address\":\"192.0.2.1\",\"port\":5061,"
		 "\"sni\":\"sip.a.test\"},\"before\":{\"thumbprint\":\"%s\"", t2);
	assert_has(line, want);
	snprintf(want, sizeof want, "\"after\":{\"thumbprint\":\"%s\"", t3);
	assert_has(line, want);
	assert_has(nth_line(c.buf, 1, line, sizeof line),
		   "\"change\":\"issuer_changed\"");
	assert_has(line, "\"before\":\"CN=History Root A\",\"after\":\"CN=History Root B\"");
	assert_has(nth_line(c.buf, 2, line, sizeof line),
		   "\"change\":\"root_changed\"");
	assert_has(line, "\"note\":\"the partner's new root may need installing on our Edge\"");
	/* leaf3 has 11 days left at scan 4's start. */
	assert_has(nth_line(c.buf, 3, line, sizeof line),
		   "\"change\":\"finding_appeared\"");
	assert_has(line, "\"finding\":{\"id\":\"expires_soon\",\"severity\":\"warning\"");
	assert_has(nth_line(c.buf, 4, line, sizeof line),
		   "{\"change\":\"target_removed\",\"from_scan\":3,\"to_scan\":4,"
		   "\"domain\":\"c.test\",\"type\":\"FED\"");
	assert_has(nth_line(c.buf, 5, line, sizeof line),
		   "{\"change\":\"target_added\",\"from_scan\":3,\"to_scan\":4,"
		   "\"domain\":\"d.test\"");
	assert_has(line, "\"after\":{\"status\":\"FAIL\",\"findings\":[");
	assert_has(line, "\"expired\"");
	capture_free(&c);
}

static void test_diff_default_text(void **state)
{
	struct hf *f = *state;
	struct report_diff_options o = { .format = REPORT_TEXT };
	struct capture c;
	char want[200];

	RUN(&c, report_diff(f->st, &o, c.f, ERR));
	snprintf(want, sizeof want, "diff: scan 3 (%s, done) -> scan 4 (%s, done)\n"
		 "(scan 5 is newer but did not finish: --to 5 compares it)\n",
		 f->started[3], f->started[4]);
	assert_true(strncmp(c.buf, want, strlen(want)) == 0);
	assert_has(c.buf, "! root changed: a.test DIR 192.0.2.1:5061 (sip.a.test): "
		   "CN=History Root A -> CN=History Root B (the partner's new root "
		   "may need installing on our Edge)\n");
	assert_has(c.buf, "- target removed: c.test FED\n");
	assert_has(c.buf, "+ target added: d.test DIR: FAIL expired");
	assert_has(c.buf, "summary: 1 target added, 1 target removed, 1 rotated, "
		   "1 issuer changed, 1 root changed, 1 finding appeared\n");
	capture_free(&c);
}

static void test_diff_failure_and_recovery(void **state)
{
	struct hf *f = *state;
	struct report_diff_options o = { .format = REPORT_JSON, .from = 1, .to = 2 };
	struct capture c;
	char line[2048];

	RUN(&c, report_diff(f->st, &o, c.f, ERR));
	/* b.test's second member is gone, its first refuses; a.test and
	 * c.test are the same as the night before: nothing about them. */
	assert_int_equal(assert_json_lines(c.buf), 2);
	assert_has(nth_line(c.buf, 0, line, sizeof line),
		   "\"change\":\"new_failure\"");
	assert_has(line, "\"address\":\"192.0.2.2\"");
	assert_has(line, "\"before\":null,\"after\":{\"kind\":\"refused\","
		   "\"reason\":\"Connection refused\"}");
	assert_has(nth_line(c.buf, 1, line, sizeof line),
		   "\"change\":\"endpoint_removed\"");
	assert_has(line, "\"address\":\"192.0.2.3\"");
	capture_free(&c);

	o.from = 2;
	o.to = 3;
	RUN(&c, report_diff(f->st, &o, c.f, ERR));
	assert_int_equal(assert_json_lines(c.buf), 2);
	assert_has(nth_line(c.buf, 0, line, sizeof line), "\"change\":\"rotated\"");
	assert_has(nth_line(c.buf, 1, line, sizeof line), "\"change\":\"recovered\"");
	assert_has(line, "\"before\":{\"kind\":\"refused\"");
	assert_has(line, "\"after\":{\"status\":\"WARN\",\"findings\":[");
	capture_free(&c);
}

static void test_diff_scans_refused(void **state)
{
	struct hf *f = *state;
	struct report_diff_options o = { .format = REPORT_TEXT, .to = 1 };
	char err[256] = "";
	FILE *out = fopen("/dev/null", "w");

	assert_non_null(out);
	assert_int_equal(report_diff(f->st, &o, out, err, sizeof err), -1);
	assert_string_equal(err, "no finished scan before scan 1 to compare it "
			    "with (give --from)");
	o.to = 0;
	o.from = 4;
	assert_int_equal(report_diff(f->st, &o, out, err, sizeof err), -1);
	assert_string_equal(err, "scan 4 is the newest finished scan: nothing "
			    "to compare it with (give --to)");
	o.from = 1;
	o.to = 9;
	assert_int_equal(report_diff(f->st, &o, out, err, sizeof err), -1);
	assert_string_equal(err, "no scan 9");
	/* An unfinished scan can be compared when asked for. */
	o.from = 4;
	o.to = 5;
	assert_int_equal(report_diff(f->st, &o, out, err, sizeof err), 0);
	fclose(out);
}

/* ---- history -------------------------------------------------------------- */

static void test_history_json(void **state)
{
	struct hf *f = *state;
	struct capture c;
	char line[1024], want[300], t[41];

	RUN(&c, report_history(f->st, "a.test", REPORT_JSON, c.f, ERR));
	/* leaf1 (scans 1-2), leaf2 (3), leaf3 (4, listed twice that night,
	 * one scan), then scan 5's stop before a.test. */
	assert_int_equal(assert_json_lines(c.buf), 4);
	upper(f->leaf1.sha1, t);
	nth_line(c.buf, 0, line, sizeof line);
	snprintf(want, sizeof want, "{\"domain\":\"a.test\",\"type\":\"DIR\","
		 "\"port\":5061,\"endpoint\":{\"address\":\"192.0.2.1\","
		 "\"port\":5061,\"sni\":\"sip.a.test\"},\"first_scan\":1,"
		 "\"last_scan\":2,\"first_seen\":\"%s\",\"last_seen\":\"%s\","
		 "\"scans\":2,\"leaf\":{\"thumbprint\":\"%s\"", f->started[1],
		 f->started[2], t);
	assert_has(line, want);
	assert_has(line, "\"issuer\":\"CN=History Root A\",\"root\":\"CN=History Root A\"");
	assert_has(line, "\"error\":null}");
	assert_has(nth_line(c.buf, 2, line, sizeof line),
		   "\"first_scan\":4,\"last_scan\":4,");
	assert_has(line, "\"scans\":1,");
	assert_has(line, "\"root\":\"CN=History Root B\"");
	assert_has(nth_line(c.buf, 3, line, sizeof line),
		   "\"endpoint\":null,\"first_scan\":5");
	assert_has(line, "\"leaf\":null,\"error\":{\"kind\":\"not_probed\"");
	capture_free(&c);

	/* A failure between two runs of the same leaf: three runs. */
	RUN(&c, report_history(f->st, "b.test", REPORT_JSON, c.f, ERR));
	assert_int_equal(assert_json_lines(c.buf), 4);
	assert_has(nth_line(c.buf, 1, line, sizeof line),
		   "\"first_scan\":2,\"last_scan\":2,");
	assert_has(line, "\"leaf\":null,\"error\":{\"kind\":\"refused\"");
	assert_has(nth_line(c.buf, 2, line, sizeof line),
		   "\"first_scan\":3,\"last_scan\":4,");
	capture_free(&c);
}

static void test_history_text(void **state)
{
	struct hf *f = *state;
	struct capture c;
	char want[200], t[41];
	char err[256] = "";
	FILE *out;

	RUN(&c, report_history(f->st, "c.test", REPORT_TEXT, c.f, ERR));
	snprintf(want, sizeof want, "c.test FED (port 5061): in 3 scans, %s .. %s\n"
		 "  (no endpoint)\n    scans 1..3 (3): ", f->started[1], f->started[3]);
	assert_has(c.buf, want);
	assert_has(c.buf, "    failed: dns_nxdomain (c.test: Domain name not found)\n");
	capture_free(&c);

	RUN(&c, report_history(f->st, "b.test", REPORT_TEXT, c.f, ERR));
	upper(f->leaf_b.sha1, t);
	snprintf(want, sizeof want, "    leaf %s, expires ", t);
	assert_has(c.buf, want);
	assert_has(c.buf, "  192.0.2.2:5061 SNI sip.b.test\n    scans 2..2 (1): ");
	assert_has(c.buf, "    failed: refused (Connection refused)\n");
	capture_free(&c);

	out = fopen("/dev/null", "w");
	assert_non_null(out);
	assert_int_equal(report_history(f->st, "nowhere.test", REPORT_TEXT, out,
					err, sizeof err), -1);
	assert_string_equal(err, "no target \"nowhere.test\" in the database");
	fclose(out);
}

/* ---- expiring --------------------------------------------------------------- */

static void test_expiring_json(void **state)
{
	struct hf *f = *state;
	struct report_expiring_options o = { REPORT_JSON, 30LL * 86400, f->now, 0, -1 };
	struct capture c;
	int flagged = 0;
	char line[1024], want[300], t[41];

	RUN(&c, report_expiring(f->st, &o, c.f, &flagged, ERR));
	assert_int_equal(assert_json_lines(c.buf), 2);
	nth_line(c.buf, 0, line, sizeof line);
	assert_has(line, "{\"days_left\":-5,");
	assert_has(line, "\"domain\":\"d.test\",\"type\":\"DIR\",\"port\":5061,");
	assert_has(line, "\"endpoints\":[{\"address\":\"192.0.2.4\",\"port\":5061,"
		   "\"sni\":\"sip.d.test\"}],\"scan\":4,");
	upper(f->leaf3.sha1, t);
	nth_line(c.buf, 1, line, sizeof line);
	snprintf(want, sizeof want, "{\"days_left\":%d,", HF_LEAF3_DAYS);
	assert_has(line, want);
	snprintf(want, sizeof want, "\"root\":\"CN=History Root B\","
		 "\"thumbprint\":\"%s\"", t);
	assert_has(line, want);
	assert_has(line, "\"key_type\":\"EC\",\"key_bits\":256,"
		   "\"signature_algorithm\":\"sha256ECDSA\"");
	capture_free(&c);

	/* --within 0: the expired one only. */
	o.within_s = 0;
	RUN(&c, report_expiring(f->st, &o, c.f, &flagged, ERR));
	assert_int_equal(assert_json_lines(c.buf), 1);
	assert_has(c.buf, "\"domain\":\"d.test\"");
	assert_has(c.buf, "\"role\":\"leaf\"}");
	capture_free(&c);
}

/* --fail-on: an expired certificate listed is an error, anything listed
 * at least a warning; --before a date lists what expires by then. */
static void test_expiring_fail_on_before(void **state)
{
	struct hf *f = *state;
	struct report_expiring_options o = { .format = REPORT_JSON,
					     .within_s = 30LL * 86400,
					     .now = f->now, .fail_on = -1 };
	struct capture c;
	int flagged = 1;

	RUN(&c, report_expiring(f->st, &o, c.f, &flagged, ERR));
	assert_int_equal(flagged, 0);
	capture_free(&c);
	o.fail_on = 2;
	RUN(&c, report_expiring(f->st, &o, c.f, &flagged, ERR));
	assert_int_equal(flagged, 1);
	capture_free(&c);

	/* By 6 days ago, before d.test expired: nothing had expired by then,
	 * so nothing is listed and nothing flags. */
	o.until = f->now - 6 * 86400;
	RUN(&c, report_expiring(f->st, &o, c.f, &flagged, ERR));
	assert_int_equal(assert_json_lines(c.buf), 0);
	assert_int_equal(flagged, 0);
	capture_free(&c);

	/* By a date 11 days from now: both, one of them expired; a warning
	 * is enough to flag, an error too. */
	o.until = f->now + 11 * 86400;
	o.fail_on = 1;
	RUN(&c, report_expiring(f->st, &o, c.f, &flagged, ERR));
	assert_int_equal(assert_json_lines(c.buf), 2);
	assert_int_equal(flagged, 1);
	capture_free(&c);
	o.until = f->now + 9 * 86400;
	o.within_s = 365LL * 86400; /* until wins */
	o.fail_on = 2;
	RUN(&c, report_expiring(f->st, &o, c.f, &flagged, ERR));
	assert_int_equal(assert_json_lines(c.buf), 1);
	assert_int_equal(flagged, 1);
	capture_free(&c);
}

static void test_expiring_csv_text(void **state)
{
	struct hf *f = *state;
	struct report_expiring_options o = { REPORT_CSV, 200LL * 86400, f->now, 0, -1 };
	struct capture c;
	int flagged = 0;
	struct parsed p;
	char t[41];

	RUN(&c, report_expiring(f->st, &o, c.f, &flagged, ERR));
	parse_csv_n(c.buf, &p, 17);
	assert_int_equal(p.nrows, 4);
	/* A negative number stays a number (no apostrophe): ours, not a
	 * formula. */
	assert_string_equal(CELL(&p, 1, "days_left"), "-5");
	assert_string_equal(CELL(&p, 1, "endpoints"), "192.0.2.4:5061");
	assert_string_equal(CELL(&p, 2, "domain"), "a.test");
	assert_string_equal(CELL(&p, 3, "domain"), "b.test");
	assert_string_equal(CELL(&p, 3, "issuer"), "CN=History Root A");
	upper(f->leaf_b.sha1, t);
	assert_string_equal(CELL(&p, 3, "thumbprint"), t);
	assert_string_equal(CELL(&p, 3, "scanned"), f->started[4]);
	assert_string_equal(CELL(&p, 3, "role"), "leaf");
	parsed_free(&p);
	capture_free(&c);

	o.format = REPORT_TEXT;
	o.within_s = 30LL * 86400;
	RUN(&c, report_expiring(f->st, &o, c.f, &flagged, ERR));
	assert_has(c.buf, "expired 5 days ago  ");
	assert_has(c.buf, "  d.test DIR\n  leaf    CN=sip.d.test  ");
	assert_has(c.buf, "\n  on      192.0.2.4:5061 (scan 4, ");
	assert_has(c.buf, "10 days left  ");
	assert_has(c.buf, "\n2 expire (a target and a certificate it presented)"
		   " by ");
	assert_has(c.buf, ", 1 already expired\n");
	capture_free(&c);
}

/* A report of a scan that did not run to its end is an alert when the job
 * asks for alerts: the targets it did not reach were not checked. */
static void test_unfinished_scan_flags(void **state)
{
	struct hf *f = *state;
	struct report_options o = { .format = REPORT_JSON, .scan_id = 5,
				    .min_severity = -1, .fail_on = -1,
				    .now = f->now };
	struct capture c;
	int flagged = -1;

	RUN(&c, report_run(f->st, &o, c.f, &flagged, ERR));
	assert_int_equal(flagged, 0);
	capture_free(&c);
	o.fail_on = 2;
	RUN(&c, report_run(f->st, &o, c.f, &flagged, ERR));
	assert_int_equal(flagged, REPORT_FLAGGED_UNFINISHED);
	capture_free(&c);
	RUN(&c, report_compliance(f->st, &o, c.f, &flagged, ERR));
	assert_int_equal(flagged, REPORT_FLAGGED_UNFINISHED);
	capture_free(&c);
	/* Scan 4 ran to its end; d.test's expired leaf is an error. */
	o.scan_id = 4;
	RUN(&c, report_run(f->st, &o, c.f, &flagged, ERR));
	assert_int_equal(flagged, REPORT_FLAGGED_FINDING);
	capture_free(&c);
	RUN(&c, report_compliance(f->st, &o, c.f, &flagged, ERR));
	assert_int_equal(flagged, REPORT_FLAGGED_FINDING);
	capture_free(&c);
}

/* ---- compliance --------------------------------------------------------------- */

static void test_compliance_csv(void **state)
{
	struct hf *f = *state;
	struct report_options o = { .format = REPORT_CSV, .scan_id = 4,
				    .min_severity = -1, .fail_on = 2,
				    .now = f->now };
	struct capture c;
	struct parsed p;
	int flagged = -1;
	char t[41];

	capture_open(&c);
	{
		char err[256] = "";

		if (report_compliance(f->st, &o, c.f, &flagged, err, sizeof err) != 0)
			fail_msg("%s", err);
	}
	capture_close(&c);
	parse_csv_n(c.buf, &p, 21);
	assert_int_equal(p.nrows, 5); /* a, b, d, a again (line 9) */
	assert_string_equal(CELL(&p, 1, "domain"), "a.test");
	assert_string_equal(CELL(&p, 1, "status"), "WARN");
	assert_has(CELL(&p, 1, "finding_ids"), "expires_soon");
	assert_string_equal(CELL(&p, 1, "days_left"), "10");
	upper(f->leaf3.sha1, t);
	assert_string_equal(CELL(&p, 1, "thumbprint"), t);
	assert_string_equal(CELL(&p, 1, "root"), "CN=History Root B");
	assert_string_equal(CELL(&p, 1, "key_type"), "EC");
	assert_string_equal(CELL(&p, 1, "key_bits"), "256");
	assert_string_equal(CELL(&p, 1, "signature_algorithm"), "sha256ECDSA");
	assert_string_equal(CELL(&p, 1, "tls_version"), "TLSv1.3");
	assert_string_equal(CELL(&p, 1, "first_seen"), f->started[4]);
	assert_string_equal(CELL(&p, 2, "domain"), "b.test");
	assert_string_equal(CELL(&p, 2, "first_seen"), f->started[1]);
	assert_string_equal(CELL(&p, 3, "status"), "FAIL");
	assert_string_equal(CELL(&p, 3, "days_left"), "-5");
	assert_string_equal(CELL(&p, 4, "line"), "9");
	assert_int_equal(flagged, 1); /* d.test's expired is an error */
	parsed_free(&p);
	capture_free(&c);
}

/* ---- scans ---------------------------------------------------------------------- */

static void test_scans_json(void **state)
{
	struct hf *f = *state;
	struct report_scans_options o = { REPORT_JSON, 0, 1, 30 };
	struct capture all, last;
	char line[1024], line4[1024];

	RUN(&all, report_scans(f->st, &o, all.f, ERR));
	assert_int_equal(assert_json_lines(all.buf), 5);
	assert_has(nth_line(all.buf, 0, line, sizeof line),
		   "\"targets\":3,\"targets_failed\":1,\"incomplete\":0,"
		   "\"endpoints\":3,\"endpoints_failed\":0,");
	assert_has(line, "\"status_counts\":{\"FAIL\":1,\"WARN\":2,\"PASS\":0}");
	assert_has(nth_line(all.buf, 1, line, sizeof line),
		   "\"endpoints_failed\":1,");
	/* Scan 4: a.test twice (WARN), b.test (WARN), d.test (FAIL). */
	assert_has(nth_line(all.buf, 3, line4, sizeof line4),
		   "\"status_counts\":{\"FAIL\":1,\"WARN\":3,\"PASS\":0}");
	assert_has(nth_line(all.buf, 4, line, sizeof line),
		   "\"status\":\"interrupted\"");
	assert_has(line, "\"incomplete\":1,");

	/* The verdicts kept from night to night are what judging scan 4
	 * alone gives. */
	o.last = 2;
	RUN(&last, report_scans(f->st, &o, last.f, ERR));
	assert_int_equal(assert_json_lines(last.buf), 2);
	nth_line(last.buf, 0, line, sizeof line);
	assert_string_equal(line, line4);
	capture_free(&all);
	capture_free(&last);
}

static void test_scans_text(void **state)
{
	struct hf *f = *state;
	struct report_scans_options o = { REPORT_TEXT, 0, 0, 30 };
	struct capture c;
	char want[200];
	const char *head = " scan  started               duration  status"
			   "       targets  endpoints  failures  input\n";

	RUN(&c, report_scans(f->st, &o, c.f, ERR));
	assert_true(strncmp(c.buf, head, strlen(head)) == 0);
	snprintf(want, sizeof want, "    2  %s      1:00  done               3"
		 "          2         2  partners.csv\n", f->started[2]);
	assert_has(c.buf, want);
	capture_free(&c);
}

/* ---- The digest and the dates ---------------------------------------------------- */

struct digests {
	unsigned char d[4][HIST_DIGEST_LEN];
	int crosses[4];
	size_t n;
	time_t a, b;
};

static int on_digest_pair(const struct store_target_pair *p, void *arg)
{
	struct digests *g = arg;
	unsigned char other[HIST_DIGEST_LEN];

	if (p->from == NULL || p->to == NULL)
		return 0;
	assert_int_equal(hist_target_digest(p->to, g->d[g->n]), 0);
	assert_int_equal(hist_target_digest(p->from, other), 0);
	g->crosses[g->n] = hist_dates_between(p->to, g->a, g->b, 30);
	/* Equal digests are 1, different 0, in d[n][0]'s place. */
	g->d[g->n][0] = memcmp(g->d[g->n], other, HIST_DIGEST_LEN) == 0;
	g->n++;
	return 0;
}

static void test_digest(void **state)
{
	struct hf *f = *state;
	struct digests g = { .a = f->now - 4 * 86400L, .b = f->now - 3 * 86400L };

	/* Scans 1 and 2: a.test the same (digests equal), b.test not. */
	assert_int_equal(store_each_target_pair(f->st, 1, 2, on_digest_pair, &g), 0);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.d[0][0], 1);
	assert_int_equal(g.d[1][0], 0);
	assert_int_equal(g.d[2][0], 1); /* c.test */
	assert_int_equal(g.crosses[0], 0);
	/* leaf3 (scan 4) expires 10 days after now: expires_soon's boundary
	 * (20 days before now) lies between 25 and 15 days before now. */
	memset(&g, 0, sizeof g);
	g.a = f->now - 25 * 86400L;
	g.b = f->now - 15 * 86400L;
	assert_int_equal(store_each_target_pair(f->st, 3, 4, on_digest_pair, &g), 0);
	assert_int_equal(g.crosses[0], 1);
	assert_int_equal(g.crosses[1], 0); /* b.test: 100 days */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_diff_default_json, hf_setup, hf_teardown),
		cmocka_unit_test_setup_teardown(test_diff_default_text, hf_setup, hf_teardown),
		cmocka_unit_test_setup_teardown(test_diff_failure_and_recovery, hf_setup, hf_teardown),
		cmocka_unit_test_setup_teardown(test_diff_scans_refused, hf_setup, hf_teardown),
		cmocka_unit_test_setup_teardown(test_history_json, hf_setup, hf_teardown),
		cmocka_unit_test_setup_teardown(test_history_text, hf_setup, hf_teardown),
		cmocka_unit_test_setup_teardown(test_expiring_fail_on_before, hf_setup, hf_teardown),
		cmocka_unit_test_setup_teardown(test_unfinished_scan_flags, hf_setup, hf_teardown),
		cmocka_unit_test_setup_teardown(test_expiring_json, hf_setup, hf_teardown),
		cmocka_unit_test_setup_teardown(test_expiring_csv_text, hf_setup, hf_teardown),
		cmocka_unit_test_setup_teardown(test_compliance_csv, hf_setup, hf_teardown),
		cmocka_unit_test_setup_teardown(test_scans_json, hf_setup, hf_teardown),
		cmocka_unit_test_setup_teardown(test_scans_text, hf_setup, hf_teardown),
		cmocka_unit_test_setup_teardown(test_digest, hf_setup, hf_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
