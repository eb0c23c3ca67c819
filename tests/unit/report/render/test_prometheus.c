/* test_prometheus.c: the Prometheus renderer on crafted rows and
 * hand-made findings (no database), and its label escaper. Every output
 * goes through a strict reader of the text exposition format (version
 * 0.0.4) written here: each family once, its samples together under its
 * HELP and TYPE, every label value valid UTF-8 with only the format's
 * escapes, no series twice.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fedcert_limits.h"
#include "report/render/escape.h"
#include "support/report.h"

/* ---- A strict reader of the exposition format --------------------------- */

#define PC_MAX 512

/* What the reader saw: family names in order, and every series (a
 * sample's line without its value). */
struct prom_read {
	char *families[PC_MAX];
	size_t nfamilies;
	char *series[4 * PC_MAX];
	size_t nseries;
};

/* Length of the well-formed UTF-8 character at s (RFC 3629), 0 if none. */
static size_t utf8_char(const unsigned char *s)
{
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : 2;
	if (s[0] < 0xC2 || s[0] > 0xF4)
		return 0;
	for (i = 1; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] > 0x9F) ||
	    (s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] > 0x8F))
		return 0;
	return len;
}

/* A metric or label name at s: its length, 0 when there is none. */
static size_t name_len(const char *s, int metric)
{
	size_t n = 0;

	while ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
	       s[n] == '_' || (metric && s[n] == ':') ||
	       (n > 0 && s[n] >= '0' && s[n] <= '9'))
		n++;
	return n;
}

/* A quoted label value at s: the bytes it takes, 0 when it is not one. */
static size_t label_value_len(const char *s)
{
	size_t i = 1, len;

	if (s[0] != '"')
		return 0;
	while (s[i] != '"') {
		if (s[i] == '\0' || s[i] == '\n')
			return 0;
		if (s[i] == '\\') {
			if (s[i + 1] != '\\' && s[i + 1] != '"' &&
			    s[i + 1] != 'n')
				return 0;
			i += 2;
			continue;
		}
		len = utf8_char((const unsigned char *)s + i);
		if (len == 0)
			return 0;
		i += len;
	}
	return i + 1;
}

/* {name="value",...}: the bytes it takes, 0 when malformed; no label
 * name twice. */
static size_t labels_len(const char *s)
{
	char names[32][64];
	size_t i = 1, n, v, k, count = 0;

	if (s[0] != '{')
		return 0;
	while (s[i] != '}') {
		if (count > 0 && s[i++] != ',')
			return 0;
		n = name_len(s + i, 0);
		if (n == 0 || n >= sizeof names[0] || s[i + n] != '=' ||
		    count == 32)
			return 0;
		memcpy(names[count], s + i, n);
		names[count][n] = '\0';
		for (k = 0; k < count; k++)
			if (strcmp(names[k], names[count]) == 0)
				return 0;
		count++;
		v = label_value_len(s + i + n + 1);
		if (v == 0)
			return 0;
		i += n + 1 + v;
	}
	return count > 0 ? i + 1 : 0;
}

/* A value: an integer, or digits with a fraction. */
static int is_number(const char *s, size_t n)
{
	size_t i = 0, digits = 0, dot = 0;

	if (n > 0 && s[0] == '-')
		i++;
	for (; i < n; i++) {
		if (s[i] == '.' && !dot && digits > 0)
			dot = 1;
		else if (s[i] >= '0' && s[i] <= '9')
			digits++;
		else
			return 0;
	}
	return digits > 0 && s[n - 1] != '.';
}

/* Why the text was refused, and where: the reader's first complaint. */
static char read_why[256];

static int read_fail(const char *line, const char *why)
{
	snprintf(read_why, sizeof read_why, "%s: [%.200s]", why, line);
	return -1;
}

/* One sample of family: the series is new. */
static int read_sample(struct prom_read *r, const char *line,
		       const char *family)
{
	size_t n = name_len(line, 1), l = 0, i;
	const char *value;

	if (family == NULL || n != strlen(family) ||
	    strncmp(line, family, n) != 0)
		return read_fail(line, "a sample outside its family");
	if (line[n] == '{') {
		l = labels_len(line + n);
		if (l == 0)
			return read_fail(line, "bad labels");
	}
	value = line + n + l;
	if (value[0] != ' ' || !is_number(value + 1, strlen(value + 1)))
		return read_fail(line, "bad value");
	for (i = 0; i < r->nseries; i++)
		if (strncmp(r->series[i], line, n + l) == 0 &&
		    r->series[i][n + l] == '\0')
			return read_fail(line, "a series twice");
	if (r->nseries == sizeof r->series / sizeof r->series[0])
		return read_fail(line, "too many series for the reader");
	r->series[r->nseries++] = strndup(line, n + l);
	return 0;
}

/* "# HELP name text" then "# TYPE name gauge", for a family not seen;
 * *family is then its name. */
static int read_family(struct prom_read *r, char *line, const char *next,
		       const char **family)
{
	char *name = line + strlen("# HELP ");
	size_t i, n = name_len(name, 1);
	char type[PC_MAX];

	if (n == 0 || name[n] != ' ' || name[n + 1] == '\0')
		return read_fail(line, "bad HELP");
	name[n] = '\0';
	for (i = 0; i < r->nfamilies; i++)
		if (strcmp(r->families[i], name) == 0)
			return read_fail(name, "a family twice");
	snprintf(type, sizeof type, "# TYPE %s gauge", name);
	if (next == NULL || strcmp(next, type) != 0)
		return read_fail(name, "HELP without its TYPE");
	if (r->nfamilies == PC_MAX)
		return read_fail(name, "too many families for the reader");
	r->families[r->nfamilies++] = strdup(name);
	*family = r->families[r->nfamilies - 1];
	return 0;
}

static void prom_read_free(struct prom_read *r);

/* Reads text strictly: 0, or -1 with the reason in read_why. */
static int prom_read(const char *text, struct prom_read *r)
{
	char *copy = strdup(text), *line, *next, *save = NULL;
	const char *family = NULL;
	int rc = 0;

	memset(r, 0, sizeof *r);
	assert_non_null(copy);
	if (text[0] != '\0' && text[strlen(text) - 1] != '\n')
		rc = read_fail(text, "no newline at the end");
	if (strstr(text, "\n\n") != NULL)
		rc = read_fail(text, "an empty line");
	line = strtok_r(copy, "\n", &save);
	while (rc == 0 && line != NULL) {
		next = strtok_r(NULL, "\n", &save);
		if (strncmp(line, "# HELP ", 7) == 0) {
			rc = read_family(r, line, next, &family);
			next = strtok_r(NULL, "\n", &save);
		} else if (line[0] == '#') {
			rc = read_fail(line, "a comment out of place");
		} else {
			rc = read_sample(r, line, family);
		}
		line = next;
	}
	free(copy);
	if (rc != 0)
		prom_read_free(r);
	return rc;
}

/* The text must read; the test fails, saying why, when it does not. */
static void assert_prom_valid(const char *text)
{
	struct prom_read r;

	if (prom_read(text, &r) != 0)
		fail_msg("%s\n%s", read_why, text);
	prom_read_free(&r);
}

static void prom_read_free(struct prom_read *r)
{
	size_t i;

	for (i = 0; i < r->nfamilies; i++)
		free(r->families[i]);
	for (i = 0; i < r->nseries; i++)
		free(r->series[i]);
	memset(r, 0, sizeof *r);
}

/* How many lines of text start with prefix. */
static size_t count_lines(const char *text, const char *prefix)
{
	size_t n = 0, len = strlen(prefix);
	const char *s = text;

	while (s != NULL && *s != '\0') {
		if (strncmp(s, prefix, len) == 0)
			n++;
		s = strchr(s, '\n');
		if (s != NULL)
			s++;
	}
	return n;
}

static void assert_lacks(const char *text, const char *what)
{
	if (strstr(text, what) != NULL)
		fail_msg("has [%s]:\n%s", what, text);
}

/* The reader must say no. */
static void test_prom_reader_is_strict(void **state)
{
	static const char *const bad[] = {
		"m 1\n",
		"# HELP m h\nm 1\n",
		"# HELP m h\n# TYPE m gauge\nm{a=\"x\"} 1\nm{a=\"x\"} 2\n",
		"# HELP m h\n# TYPE m gauge\nm{a=\"\\t\"} 1\n",
		"# HELP m h\n# TYPE m gauge\nm{a=\"\xff\"} 1\n",
		"# HELP m h\n# TYPE m gauge\nm{a=\"x\",a=\"y\"} 1\n",
		"# HELP m h\n# TYPE m gauge\nm{a=\"x} 1\n",
		"# HELP m h\n# TYPE m gauge\nm 1,5\n",
		"# HELP m h\n# TYPE m gauge\nn 1\n",
		("# HELP m h\n# TYPE m gauge\nm 1\n# HELP n h\n# TYPE n gauge\n"
		 "n 1\nm 2\n"),
		"# HELP m h\n# TYPE m gauge\nm 1\n# HELP m h\n# TYPE m gauge\n",
	};
	struct prom_read r;
	size_t i;
	(void)state;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (prom_read(bad[i], &r) == 0)
			fail_msg("accepted: %s", bad[i]);
	assert_int_equal(prom_read("# HELP m h\n# TYPE m gauge\n"
				   "m{a=\"\\\\\\\"\\n\xc3\xa9\"} 1.5\n"
				   "m 2\n", &r), 0);
	prom_read_free(&r);
}

/* ---- The label escaper --------------------------------------------------- */

static const char *label_of(struct capture *c, const char *s, size_t max)
{
	capture_open(c);
	esc_prom_label(c->f, s, max);
	return capture_close(c);
}

static void test_prom_label_escaper(void **state)
{
	static const char *const table[][2] = {
		{ "plain", "\"plain\"" },
		{ "a\"b", "\"a\\\"b\"" },
		{ "a\\b", "\"a\\\\b\"" },
		{ "two\nlines", "\"two\\nlines\"" },
		/* the format's escapes only: \t would be refused */
		{ "\\n is not a newline", "\"\\\\n is not a newline\"" },
		/* non-ASCII kept: é, €, U+1F600, ™ */
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xe2\x84\xa2",
		  "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xe2\x84\xa2\"" },
		/* each stray byte one U+FFFD: 0xFF, truncated C3, overlong
		 * C0 AF, surrogate ED A0 80, F5, a final lone E2 82 */
		{ "\xff\xc3(\xc0\xaf\xed\xa0\x80\xf5\xe2\x82",
		  "\"\xef\xbf\xbd\xef\xbf\xbd(\xef\xbf\xbd\xef\xbf\xbd"
		  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
		  "\xef\xbf\xbd\xef\xbf\xbd\"" },
		/* controls the format would carry raw: TAB, CR, ESC, DEL,
		 * the C1 CSI */
		{ "\t\r\x1b[2J\x7f\xc2\x9b", "\"\xef\xbf\xbd\xef\xbf\xbd"
		  "\xef\xbf\xbd[2J\xef\xbf\xbd\xef\xbf\xbd\"" },
		{ "", "\"\"" },
	};
	struct capture c;
	size_t i;
	(void)state;

	for (i = 0; i < sizeof table / sizeof table[0]; i++) {
		assert_string_equal(label_of(&c, table[i][0], SIZE_MAX),
				    table[i][1]);
		capture_free(&c);
	}
	assert_string_equal(label_of(&c, NULL, SIZE_MAX), "\"\"");
	capture_free(&c);
}

/* At most max bytes of input, cut between characters, marked. */
static void test_prom_label_cut(void **state)
{
	struct capture c;
	(void)state;

	assert_string_equal(label_of(&c, "abcdef", 3), "\"abc\xe2\x80\xa6\"");
	capture_free(&c);
	assert_string_equal(label_of(&c, "abc", 3), "\"abc\"");
	capture_free(&c);
	/* é is two bytes: not cut in half */
	assert_string_equal(label_of(&c, "a\xc3\xa9z", 2),
			    "\"a\xe2\x80\xa6\"");
	capture_free(&c);
	/* the input's bytes count, not the escapes' */
	assert_string_equal(label_of(&c, "\"\"\"x", 3),
			    "\"\\\"\\\"\\\"\xe2\x80\xa6\"");
	capture_free(&c);
}

/* ---- Fixtures ------------------------------------------------------------ */

/* A done scan of 90 s. */
static struct store_scan_row scan_done(void)
{
	struct store_scan_row s = {
		.id = 7,
		.started = "2026-11-25T09:43:00Z",
		.finished = "2026-11-25T09:44:30.250Z",
		.status = "done",
		.input = "partners.csv",
		.version = "0.1.0",
	};
	return s;
}

/* The n targets of rf, then the scan, as text; the reader has passed
 * it. The caller frees c. */
static const char *render_prom(struct capture *c,
			       const struct render_fixture *const *rf,
			       size_t n, const struct render_self *self,
			       const struct store_scan_row *row)
{
	struct store_scan_summary counts = {
		.scan = row, .targets = 3, .targets_failed = 1,
		.endpoints = 5, .endpoints_failed = 2, .input_errors = 1,
	};
	struct render_prom_scan scan = {
		.scan = row, .counts = &counts, .input_errors = 1,
		.now = 1795000000,
	};
	struct render_prom *p = render_prom_new();
	size_t i;

	assert_non_null(p);
	for (i = 0; i < n; i++)
		assert_int_equal(render_prom_target(p, &rf[i]->rt), 0);
	if (self != NULL)
		assert_int_equal(render_prom_self(p, self), 0);
	capture_open(c);
	assert_int_equal(render_prom_write(p, c->f, &scan), 0);
	capture_close(c);
	render_prom_free(p);
	assert_prom_valid(c->buf);
	return c->buf;
}

#define TARGET "domain=\"sip.example.com\",type=\"DIR\",port=\"5061\""
#define EP_OK TARGET ",address=\"127.0.0.1\",endpoint_port=\"5061\"," \
	"sni=\"sip.example.com\""
#define EP_REFUSED TARGET ",address=\"192.0.2.7\",endpoint_port=\"5061\"," \
	"sni=\"sip.example.com\""

/* ---- One target, whole ------------------------------------------------- */

/* Every family of a target with a good and a refused endpoint, in order,
 * each under its HELP and TYPE. */
static void test_prom_target_whole(void **state)
{
	struct store_cert_row chain[2];
	struct store_probe_row probes[2] = { probe_ok(chain), probe_refused() };
	struct store_target_row t = target_dir(probes, 2);
	struct store_scan_row row = scan_done();
	struct render_fixture rf;
	const struct render_fixture *list[1] = { &rf };
	struct capture c;
	const char *s;
	(void)state;

	chain[1].not_after = "2026-12-31T00:00:00Z";
	rf_init(&rf, &t);
	rf_add(&rf, "connect_failed", SEVERITY_ERROR, "refused", &probes[1]);
	rf_add(&rf, "name_match", SEVERITY_INFO, "in SAN", &probes[0]);
	s = render_prom(&c, list, 1, NULL, &row);
	assert_string_equal(s,
		"# HELP fedcert_target_status The target's status as a state set: 1 for the status judged (PASS, WARN, FAIL), 0 for the others.\n"
		"# TYPE fedcert_target_status gauge\n"
		"fedcert_target_status{" TARGET ",status=\"PASS\"} 0\n"
		"fedcert_target_status{" TARGET ",status=\"WARN\"} 0\n"
		"fedcert_target_status{" TARGET ",status=\"FAIL\"} 1\n"
		"# HELP fedcert_target_findings Findings judged for the target, by severity, whatever the report's filters show.\n"
		"# TYPE fedcert_target_findings gauge\n"
		"fedcert_target_findings{" TARGET ",severity=\"error\"} 1\n"
		"fedcert_target_findings{" TARGET ",severity=\"warning\"} 0\n"
		"fedcert_target_findings{" TARGET ",severity=\"info\"} 1\n"
		"# HELP fedcert_target_endpoints Endpoints (address, port, SNI) the target reached.\n"
		"# TYPE fedcert_target_endpoints gauge\n"
		"fedcert_target_endpoints{" TARGET "} 2\n"
		"# HELP fedcert_endpoint_probe_success 1 when the TLS handshake with the endpoint completed, or stopped only because the server requires a client certificate; else 0.\n"
		"# TYPE fedcert_endpoint_probe_success gauge\n"
		"fedcert_endpoint_probe_success{" EP_OK "} 1\n"
		"fedcert_endpoint_probe_success{" EP_REFUSED "} 0\n"
		"# HELP fedcert_endpoint_error_info How the probe of the endpoint failed, by kind; absent when it did not.\n"
		"# TYPE fedcert_endpoint_error_info gauge\n"
		"fedcert_endpoint_error_info{" EP_REFUSED ",kind=\"refused\"} 1\n"
		"# HELP fedcert_endpoint_status The endpoint's status as a state set: 1 for the status its findings give (PASS, WARN, FAIL), 0 for the others.\n"
		"# TYPE fedcert_endpoint_status gauge\n"
		"fedcert_endpoint_status{" EP_OK ",status=\"PASS\"} 1\n"
		"fedcert_endpoint_status{" EP_OK ",status=\"WARN\"} 0\n"
		"fedcert_endpoint_status{" EP_OK ",status=\"FAIL\"} 0\n"
		"fedcert_endpoint_status{" EP_REFUSED ",status=\"PASS\"} 0\n"
		"fedcert_endpoint_status{" EP_REFUSED ",status=\"WARN\"} 0\n"
		"fedcert_endpoint_status{" EP_REFUSED ",status=\"FAIL\"} 1\n"
		"# HELP fedcert_endpoint_connect_duration_seconds Time the TCP connection to the endpoint took.\n"
		"# TYPE fedcert_endpoint_connect_duration_seconds gauge\n"
		"fedcert_endpoint_connect_duration_seconds{" EP_OK "} 0.000400\n"
		"# HELP fedcert_endpoint_handshake_duration_seconds Time the TLS handshake with the endpoint took.\n"
		"# TYPE fedcert_endpoint_handshake_duration_seconds gauge\n"
		"fedcert_endpoint_handshake_duration_seconds{" EP_OK "} 0.003200\n"
		"# HELP fedcert_endpoint_tls_info The TLS version and cipher the endpoint negotiated.\n"
		"# TYPE fedcert_endpoint_tls_info gauge\n"
		"fedcert_endpoint_tls_info{" EP_OK ",version=\"TLSv1.3\",cipher=\"TLS_AES_256_GCM_SHA384\"} 1\n"
		"# HELP fedcert_endpoint_client_cert_info What became of the client certificate (mutual TLS): not_requested, requested, required, accepted, rejected or unknown.\n"
		"# TYPE fedcert_endpoint_client_cert_info gauge\n"
		"fedcert_endpoint_client_cert_info{" EP_OK ",state=\"not_requested\"} 1\n"
		"fedcert_endpoint_client_cert_info{" EP_REFUSED ",state=\"not_requested\"} 1\n"
		"# HELP fedcert_endpoint_chain_certificates Certificates the endpoint presented.\n"
		"# TYPE fedcert_endpoint_chain_certificates gauge\n"
		"fedcert_endpoint_chain_certificates{" EP_OK "} 2\n"
		"fedcert_endpoint_chain_certificates{" EP_REFUSED "} 0\n"
		"# HELP fedcert_endpoint_certificate_info The leaf certificate the endpoint presented: subject, issuer, serial and SHA-1 thumbprint.\n"
		"# TYPE fedcert_endpoint_certificate_info gauge\n"
		"fedcert_endpoint_certificate_info{" EP_OK ",subject=\"CN=sip.example.com,O=Example\",issuer=\"CN=Example Intermediate\",serial=\"0A1B2C\",thumbprint=\"3F2A9D1E5B7C4A8F0E6D2C1B9A8F7E6D5C4B3A29\"} 1\n"
		"# HELP fedcert_endpoint_leaf_not_before_timestamp_seconds When the endpoint's leaf certificate becomes valid (notBefore), in seconds since the epoch.\n"
		"# TYPE fedcert_endpoint_leaf_not_before_timestamp_seconds gauge\n"
		"fedcert_endpoint_leaf_not_before_timestamp_seconds{" EP_OK "} 1767225600\n"
		"# HELP fedcert_endpoint_leaf_not_after_timestamp_seconds When the endpoint's leaf certificate expires (notAfter), in seconds since the epoch.\n"
		"# TYPE fedcert_endpoint_leaf_not_after_timestamp_seconds gauge\n"
		"fedcert_endpoint_leaf_not_after_timestamp_seconds{" EP_OK "} 1798761600\n"
		"# HELP fedcert_endpoint_chain_not_after_timestamp_seconds When the first certificate the endpoint presented expires (the earliest notAfter of its chain), in seconds since the epoch.\n"
		"# TYPE fedcert_endpoint_chain_not_after_timestamp_seconds gauge\n"
		"fedcert_endpoint_chain_not_after_timestamp_seconds{" EP_OK "} 1798675200\n"
		"# HELP fedcert_scan_info The scan reported: its status (done, running, interrupted, failed) and the fedcert version that ran it.\n"
		"# TYPE fedcert_scan_info gauge\n"
		"fedcert_scan_info{status=\"done\",version=\"0.1.0\"} 1\n"
		"# HELP fedcert_scan_id The id of the scan reported, in its database.\n"
		"# TYPE fedcert_scan_id gauge\n"
		"fedcert_scan_id 7\n"
		"# HELP fedcert_scan_done 1 when the scan ran to its end (status done), else 0.\n"
		"# TYPE fedcert_scan_done gauge\n"
		"fedcert_scan_done 1\n"
		"# HELP fedcert_scan_start_timestamp_seconds When the scan started, in seconds since the epoch.\n"
		"# TYPE fedcert_scan_start_timestamp_seconds gauge\n"
		"fedcert_scan_start_timestamp_seconds 1795599780\n"
		"# HELP fedcert_scan_end_timestamp_seconds When the scan ended, in seconds since the epoch; absent while it runs.\n"
		"# TYPE fedcert_scan_end_timestamp_seconds gauge\n"
		"fedcert_scan_end_timestamp_seconds 1795599870\n"
		"# HELP fedcert_scan_duration_seconds How long the scan ran; absent while it runs.\n"
		"# TYPE fedcert_scan_duration_seconds gauge\n"
		"fedcert_scan_duration_seconds 90\n"
		"# HELP fedcert_scan_targets Targets (valid rows of the targets file) the scan holds.\n"
		"# TYPE fedcert_scan_targets gauge\n"
		"fedcert_scan_targets 3\n"
		"# HELP fedcert_scan_targets_failed Targets of the scan that reached no endpoint (a DNS failure, no SRV record, an invalid name).\n"
		"# TYPE fedcert_scan_targets_failed gauge\n"
		"fedcert_scan_targets_failed 1\n"
		"# HELP fedcert_scan_targets_incomplete Targets of the scan whose work was not all done (a scan that did not finish).\n"
		"# TYPE fedcert_scan_targets_incomplete gauge\n"
		"fedcert_scan_targets_incomplete 0\n"
		"# HELP fedcert_scan_endpoints Endpoints the scan probed.\n"
		"# TYPE fedcert_scan_endpoints gauge\n"
		"fedcert_scan_endpoints 5\n"
		"# HELP fedcert_scan_endpoints_failed Endpoints the scan probed whose probe failed.\n"
		"# TYPE fedcert_scan_endpoints_failed gauge\n"
		"fedcert_scan_endpoints_failed 2\n"
		"# HELP fedcert_scan_input_errors Rows of the targets file rejected as input errors.\n"
		"# TYPE fedcert_scan_input_errors gauge\n"
		"fedcert_scan_input_errors 1\n"
		"# HELP fedcert_report_targets Targets in this report (those its filters let through), by status.\n"
		"# TYPE fedcert_report_targets gauge\n"
		"fedcert_report_targets{status=\"PASS\"} 0\n"
		"fedcert_report_targets{status=\"WARN\"} 0\n"
		"fedcert_report_targets{status=\"FAIL\"} 1\n"
		"# HELP fedcert_report_timestamp_seconds When this report judged the scan, in seconds since the epoch.\n"
		"# TYPE fedcert_report_timestamp_seconds gauge\n"
		"fedcert_report_timestamp_seconds 1795000000\n");
	capture_free(&c);
}

/* ---- Grouping, state sets, duplicates ---------------------------------- */

/* Two targets written one after the other: each family still once, its
 * samples together (the reader checks), the first target's first. */
static void test_prom_families_grouped(void **state)
{
	struct store_cert_row chain[2];
	struct store_probe_row a_probes[1] = { probe_ok(chain) };
	struct store_target_row a = target_dir(a_probes, 1);
	struct srv_fixture f;
	struct store_scan_row row = scan_done();
	struct render_fixture ra, rb;
	const struct render_fixture *list[2] = { &ra, &rb };
	struct capture c;
	const char *s;
	(void)state;

	srv_fixture_init(&f);
	rf_init(&ra, &a);
	rf_init(&rb, &f.target);
	s = render_prom(&c, list, 2, NULL, &row);
	assert_int_equal(count_lines(s, "# HELP fedcert_endpoint_probe_success "), 1);
	assert_int_equal(count_lines(s, "fedcert_endpoint_probe_success{"), 5);
	assert_int_equal(count_lines(s, "fedcert_target_status{"), 6);
	assert_true(strstr(s, "fedcert_target_endpoints{" TARGET "} 1\n") <
		    strstr(s, "fedcert_target_endpoints{domain=\"example.com\","
			      "type=\"FED\",port=\"5061\"} 4\n"));
	assert_has(s, "fedcert_endpoint_probe_success{domain=\"example.com\","
		      "type=\"FED\",port=\"5061\",address=\"2001:db8::5\","
		      "endpoint_port=\"5061\",sni=\"sip2.example.com\"} 0\n");
	capture_free(&c);
}

/* A state set: one sample per status, 1 for the target's only. */
static void test_prom_state_set(void **state)
{
	struct store_cert_row chain[2];
	struct store_probe_row probes[1] = { probe_ok(chain) };
	struct store_target_row t = target_dir(probes, 1);
	struct store_scan_row row = scan_done();
	struct render_fixture rf;
	const struct render_fixture *list[1] = { &rf };
	struct capture c;
	const char *s;
	(void)state;

	rf_init(&rf, &t);
	rf_add(&rf, "expires_soon", SEVERITY_WARNING, "20 days", &probes[0]);
	s = render_prom(&c, list, 1, NULL, &row);
	assert_has(s, "fedcert_target_status{" TARGET ",status=\"PASS\"} 0\n"
		      "fedcert_target_status{" TARGET ",status=\"WARN\"} 1\n"
		      "fedcert_target_status{" TARGET ",status=\"FAIL\"} 0\n");
	assert_has(s, "fedcert_endpoint_status{" EP_OK ",status=\"WARN\"} 1\n");
	assert_has(s, "fedcert_report_targets{status=\"WARN\"} 1\n");
	assert_int_equal(count_lines(s, "fedcert_target_status{"), 3);
	capture_free(&c);
}

/* The same address, port and SNI reached through two SRV routes, and a
 * targets file that holds one row twice: no series is written twice;
 * the first endpoint and the first row are the ones shown. */
static void test_prom_no_duplicate_series(void **state)
{
	struct srv_fixture f;
	struct store_target_row again;
	struct store_scan_row row = scan_done();
	struct render_fixture rf, rf_again;
	const struct render_fixture *list[2] = { &rf, &rf_again };
	struct capture c;
	const char *s;
	(void)state;

	srv_fixture_init(&f);
	/* the fourth probe: 127.0.0.2 again, as sip.example.com, through
	 * the priority 10 record */
	f.probes[3] = srv_probe("127.0.0.2", "sip.example.com", 10, 0);
	rf_init(&rf, &f.target);
	again = f.target;
	again.line = 9;
	rf_init(&rf_again, &again);
	rf_add(&rf_again, "connect_failed", SEVERITY_ERROR, "refused", NULL);
	s = render_prom(&c, list, 2, NULL, &row);
	assert_int_equal(count_lines(s, "fedcert_endpoint_probe_success{"), 3);
	assert_has(s, "fedcert_endpoint_probe_success{domain=\"example.com\","
		      "type=\"FED\",port=\"5061\",address=\"127.0.0.2\","
		      "endpoint_port=\"5061\",sni=\"sip.example.com\"} 1\n");
	assert_has(s, "fedcert_target_endpoints{domain=\"example.com\","
		      "type=\"FED\",port=\"5061\"} 3\n");
	assert_int_equal(count_lines(s, "fedcert_target_status{"), 3);
	assert_has(s, "fedcert_target_status{domain=\"example.com\","
		      "type=\"FED\",port=\"5061\",status=\"PASS\"} 1\n");
	/* the report still counts both rows, as its text summary does */
	assert_has(s, "fedcert_report_targets{status=\"PASS\"} 1\n"
		      "fedcert_report_targets{status=\"WARN\"} 0\n"
		      "fedcert_report_targets{status=\"FAIL\"} 1\n");
	capture_free(&c);
}

/* Two SNIs that differ only in bytes that are not UTF-8 are one label
 * value once escaped: one series. */
static void test_prom_no_duplicate_after_escaping(void **state)
{
	struct store_probe_row probes[2] = { probe_refused(), probe_refused() };
	struct store_target_row t = target_dir(probes, 2);
	struct store_scan_row row = scan_done();
	struct render_fixture rf;
	const struct render_fixture *list[1] = { &rf };
	struct capture c;
	const char *s;
	(void)state;

	probes[0].sni = "sip\xff.example.com";
	probes[1].sni = "sip\xfe.example.com";
	rf_init(&rf, &t);
	s = render_prom(&c, list, 1, NULL, &row);
	assert_int_equal(count_lines(s, "fedcert_endpoint_probe_success{"), 1);
	assert_has(s, "sni=\"sip\xef\xbf\xbd.example.com\"} 0\n");
	capture_free(&c);
}

/* ---- Hostile text ------------------------------------------------------- */

/* A subject and an issuer with every character the format must escape,
 * bytes that are not UTF-8 and text that is: the file stays valid (the
 * reader checks), the labels say what the certificate said. */
static void test_prom_hostile_certificate(void **state)
{
	struct store_cert_row chain[2];
	struct store_probe_row probes[1] = { probe_ok(chain) };
	struct store_target_row t = target_dir(probes, 1);
	struct store_scan_row row = scan_done();
	struct render_fixture rf;
	const struct render_fixture *list[1] = { &rf };
	struct capture c;
	const char *s;
	(void)state;

	chain[0].subject = "CN=evil\"} 1\nfedcert_scan_done 0\n#\\";
	chain[0].issuer = "CN=Caf\xc3\xa9 \xe2\x84\xa2 \xc0\xff\x1b[31m";
	rf_init(&rf, &t);
	s = render_prom(&c, list, 1, NULL, &row);
	assert_has(s, "subject=\"CN=evil\\\"} 1\\nfedcert_scan_done 0\\n#\\\\\","
		      "issuer=\"CN=Caf\xc3\xa9 \xe2\x84\xa2 \xef\xbf\xbd"
		      "\xef\xbf\xbd\xef\xbf\xbd[31m\"");
	assert_int_equal(count_lines(s, "fedcert_scan_done "), 1);
	assert_has(s, "fedcert_scan_done 1\n");
	capture_free(&c);
}

/* A subject of a hostile certificate's size is cut. */
static void test_prom_long_subject_cut(void **state)
{
	struct store_cert_row chain[2];
	struct store_probe_row probes[1] = { probe_ok(chain) };
	struct store_target_row t = target_dir(probes, 1);
	struct store_scan_row row = scan_done();
	struct render_fixture rf;
	const struct render_fixture *list[1] = { &rf };
	char *big = malloc(200000), *want = malloc(FC_PROM_LABEL_MAX + 32);
	struct capture c;
	const char *s;
	(void)state;

	assert_non_null(big);
	assert_non_null(want);
	memset(big, 'A', 199999);
	big[199999] = '\0';
	chain[0].subject = big;
	rf_init(&rf, &t);
	s = render_prom(&c, list, 1, NULL, &row);
	snprintf(want, FC_PROM_LABEL_MAX + 32, "subject=\"%.*s\xe2\x80\xa6\",",
		 FC_PROM_LABEL_MAX, big);
	assert_has(s, want);
	assert_true(strlen(s) < 20000);
	capture_free(&c);
	free(big);
	free(want);
}

/* ---- Endpoints, our certificate, the scan ------------------------------- */

/* Mutual TLS: a server that requires a client certificate ended the
 * handshake after its chain; the probe is a success all the same. */
static void test_prom_client_cert_required(void **state)
{
	struct store_cert_row chain[2];
	struct store_probe_row probes[1] = { probe_ok(chain) };
	struct store_target_row t = target_dir(probes, 1);
	struct store_scan_row row = scan_done();
	struct render_fixture rf;
	const struct render_fixture *list[1] = { &rf };
	struct capture c;
	const char *s;
	(void)state;

	probes[0].cc_requested = 1;
	probes[0].cc_outcome = "alert";
	probes[0].cc_alert = "certificate required";
	probes[0].error_kind = "tls_alert";
	probes[0].tls_version = NULL;
	rf_init(&rf, &t);
	s = render_prom(&c, list, 1, NULL, &row);
	assert_has(s, "fedcert_endpoint_probe_success{" EP_OK "} 1\n");
	assert_has(s, "fedcert_endpoint_error_info{" EP_OK
		      ",kind=\"tls_alert\"} 1\n");
	assert_has(s, "fedcert_endpoint_client_cert_info{" EP_OK
		      ",state=\"required\"} 1\n");
	assert_lacks(s, "fedcert_endpoint_tls_info");
	capture_free(&c);
}

/* Our own certificate: its families have no labels. */
static void test_prom_self(void **state)
{
	struct store_cert_row chain[2] = { cert_leaf(), cert_leaf() };
	struct finding item = { .def = test_def("name_mismatch"),
				.severity = SEVERITY_ERROR,
				.message = "no clientAuth" };
	struct finding_list all = { &item, 1, 1 };
	struct render_self self = {
		.chain = chain, .count = 2, .verify_code = 0, .all = &all,
		.status = RENDER_FAIL,
	};
	struct store_scan_row row = scan_done();
	struct capture c;
	const char *s;
	(void)state;

	chain[0].subject = "CN=edge.contoso.com";
	chain[1].not_after = "2026-06-01T00:00:00Z";
	s = render_prom(&c, NULL, 0, &self, &row);
	assert_has(s, "fedcert_self_status{status=\"FAIL\"} 1\n");
	assert_has(s, "fedcert_self_chain_certificates 2\n");
	assert_has(s, "fedcert_self_certificate_info{subject=\"CN=edge."
		      "contoso.com\",issuer=\"CN=Example Intermediate\","
		      "serial=\"0A1B2C\",thumbprint=\"3F2A9D1E5B7C4A8F0E6D2C1B"
		      "9A8F7E6D5C4B3A29\"} 1\n");
	assert_has(s, "fedcert_self_leaf_not_after_timestamp_seconds "
		      "1798761600\n");
	assert_has(s, "fedcert_self_chain_not_after_timestamp_seconds "
		      "1780272000\n");
	assert_lacks(s, "fedcert_target_");
	assert_has(s, "fedcert_report_targets{status=\"PASS\"} 0\n");
	capture_free(&c);
}

/* Our certificate given twice is written once (no labels to tell). */
static void test_prom_self_once(void **state)
{
	struct store_cert_row chain[1] = { cert_leaf() };
	struct finding_list none = { 0 };
	struct render_self self = { .chain = chain, .count = 1,
				    .all = &none };
	struct store_scan_row row = scan_done();
	struct render_prom_scan scan = { .scan = &row, .now = 1 };
	struct render_prom *p = render_prom_new();
	struct capture c;
	(void)state;

	assert_non_null(p);
	assert_int_equal(render_prom_self(p, &self), 0);
	assert_int_equal(render_prom_self(p, &self), 0);
	capture_open(&c);
	assert_int_equal(render_prom_write(p, c.f, &scan), 0);
	capture_close(&c);
	render_prom_free(p);
	assert_prom_valid(c.buf);
	assert_int_equal(count_lines(c.buf, "fedcert_self_status{"), 3);
	/* without the store's counts: the rows rejected as given */
	assert_has(c.buf, "fedcert_scan_input_errors 0\n");
	assert_lacks(c.buf, "fedcert_scan_targets ");
	capture_free(&c);
}

/* A scan still running has no end and no duration; one that did not
 * finish is not done. */
static void test_prom_scan_running(void **state)
{
	struct store_scan_row row = scan_done();
	struct capture c;
	const char *s;
	(void)state;

	row.finished = NULL;
	row.status = "running";
	s = render_prom(&c, NULL, 0, NULL, &row);
	assert_has(s, "fedcert_scan_done 0\n");
	assert_has(s, "fedcert_scan_info{status=\"running\",version=\"0.1.0\"} 1\n");
	assert_has(s, "fedcert_scan_start_timestamp_seconds 1795599780\n");
	assert_lacks(s, "fedcert_scan_end_timestamp_seconds");
	assert_lacks(s, "fedcert_scan_duration_seconds");
	capture_free(&c);
}

/* A date the store could not give (NULL, or not ISO 8601) is no
 * sample: better than a wrong one. */
static void test_prom_unreadable_dates(void **state)
{
	struct store_cert_row chain[2];
	struct store_probe_row probes[1] = { probe_ok(chain) };
	struct store_target_row t = target_dir(probes, 1);
	struct store_scan_row row = scan_done();
	struct render_fixture rf;
	const struct render_fixture *list[1] = { &rf };
	struct capture c;
	const char *s;
	(void)state;

	chain[0].not_after = NULL;
	chain[0].not_before = "soon";
	rf_init(&rf, &t);
	s = render_prom(&c, list, 1, NULL, &row);
	assert_lacks(s, "fedcert_endpoint_leaf_not_after_timestamp_seconds{");
	assert_lacks(s, "fedcert_endpoint_leaf_not_before_timestamp_seconds{");
	/* the chain's earliest is then the intermediate's */
	assert_has(s, "fedcert_endpoint_chain_not_after_timestamp_seconds{"
		      EP_OK "} 1798761600\n");
	capture_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prom_reader_is_strict),
		cmocka_unit_test(test_prom_label_escaper),
		cmocka_unit_test(test_prom_label_cut),
		cmocka_unit_test(test_prom_target_whole),
		cmocka_unit_test(test_prom_families_grouped),
		cmocka_unit_test(test_prom_state_set),
		cmocka_unit_test(test_prom_no_duplicate_series),
		cmocka_unit_test(test_prom_no_duplicate_after_escaping),
		cmocka_unit_test(test_prom_hostile_certificate),
		cmocka_unit_test(test_prom_long_subject_cut),
		cmocka_unit_test(test_prom_client_cert_required),
		cmocka_unit_test(test_prom_self),
		cmocka_unit_test(test_prom_self_once),
		cmocka_unit_test(test_prom_scan_running),
		cmocka_unit_test(test_prom_unreadable_dates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
