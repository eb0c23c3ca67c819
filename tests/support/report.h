/* support/report.h: what the report tests share: output capture, crafted
 * rows (a DIR target, a FED target on a DNS load-balanced pool),
 * hand-made findings for the renderers (struct render_fixture), the text
 * a good probe renders, and the row of a certificate made with
 * support/cert.h. The JSON checker is support/json.h, the CSV reader
 * support/csv_read.h, a real database support/report_db.h and the judge's
 * test PKI support/findings.h. Failures fail the test (cmocka).
 */
#ifndef FEDCERT_TEST_SUPPORT_REPORT_H
#define FEDCERT_TEST_SUPPORT_REPORT_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "report/render/render.h"
#include "store/store.h"
#include "cert.h"

/* ---- Capture --------------------------------------------------------- */

/* Output written with open_memstream(). */
struct capture {
	FILE *f;
	char *buf; /* owned; freed by capture_free() */
	size_t len;
};

void capture_open(struct capture *c);

/* Closes the stream; c->buf then holds the NUL-terminated output. */
const char *capture_close(struct capture *c);

void capture_free(struct capture *c);

/* The output of one report call, which must succeed: call is an
 * expression that is 0 on success and may name ERR (its error buffer and
 * size). */
#define RUN(c, call)                                                       \
	do {                                                               \
		char err_[256] = "";                                       \
		capture_open(c);                                           \
		if ((call) != 0)                                           \
			fail_msg("%s: %s", #call, err_);                   \
		capture_close(c);                                          \
	} while (0)
#define ERR err_, sizeof err_

/* The n-th line (0-based) of text, copied into out (len bytes); fails the
 * test when text has fewer lines. Returns out. */
const char *nth_line(const char *text, size_t n, char *out, size_t len);

/* Fails the test, showing text, unless what is in it. */
void assert_has(const char *text, const char *what);

/* The stored lowercase SHA-1 (40 hex digits) in uppercase, as reports
 * print thumbprints: written here, apart from the code under test. */
void thumb_upper(const char *sha1, char out[41]);

/* ---- Crafted rows ---------------------------------------------------- */

/* A leaf's columns: CN=sip.example.com,O=Example under CN=Example
 * Intermediate, serial 0A1B2C, RSA 2048, 2026-01-01 to 2027-01-01, no
 * DER. Every string is a literal. */
struct store_cert_row cert_leaf(void);

/* cert_leaf() with c's DER and SHA-1 (borrowed from c), and the subject
 * and issuer given. */
struct store_cert_row cert_leaf_of(const struct tcert *c, const char *subject,
				   const char *issuer);

/* A DIR route's probe. chain must have room for two certificates. */
struct store_probe_row probe_ok(struct store_cert_row *chain);

/* A DIR route's probe to 192.0.2.7, refused. */
struct store_probe_row probe_refused(void);

/* sip.example.com (DIR, line 2) with the n probes (borrowed). */
struct store_target_row target_dir(struct store_probe_row *probes, size_t n);

/* ---- A FED target on a DNS load-balanced pool ------------------------- */

#define SRV_NAME "_sipfederationtls._tcp.example.com"
#define SRV_NPROBES 4
#define SRV_NANSWERS 4

/* example.com (FED, line 3): SRV priority 0 weight 100 sip.example.com
 * (A: a 3-address pool, AAAA: no data), priority 10 weight 0
 * sip2.example.com (AAAA: one address). Owns nothing; every string is a
 * literal, the arrays are the caller's. */
struct srv_fixture {
	struct store_cert_row chain[2];
	struct store_dns_record_row srv[2];
	struct store_dns_record_row pool[3];
	struct store_dns_record_row pool2[1];
	struct store_dns_answer_row dns[SRV_NANSWERS];
	struct store_probe_row probes[SRV_NPROBES];
	struct store_target_row target;
};

/* Probes in the store's order: priority, weight desc, host, address; the
 * first one succeeded, the others were refused. */
void srv_fixture_init(struct srv_fixture *f);

/* A refused probe of address through the SRV target via. */
struct store_probe_row srv_probe(const char *address, const char *via,
				 int priority, int weight);

/* An SRV record (port 5061) and an address record. */
struct store_dns_record_row srv_record(int priority, int weight,
				       const char *target);
struct store_dns_record_row addr_record(const char *address, long ttl);

/* An answer from DNS with the n records r (borrowed). */
struct store_dns_answer_row dns_answer(const char *name, const char *type,
				       const char *rcode,
				       struct store_dns_record_row *r,
				       size_t n);

/* ---- Findings crafted by hand ------------------------------------------ */

/* Registry entries for the renderer tests, independent of the real
 * registry (judge/registry.c): the renderers show whatever def they are
 * given. Fails the test for an id it does not have. */
const struct finding_def *test_def(const char *id);

#define RF_FINDINGS_MAX 16

/* A target as the renderers get it, with hand-made findings, all shown
 * unless a test says otherwise. The messages are literals: the list is
 * never freed with finding_list_free(). */
struct render_fixture {
	struct finding items[RF_FINDINGS_MAX];
	struct finding_list list;
	const struct finding *shown[RF_FINDINGS_MAX];
	struct render_target rt;
};

/* The time a fixture is judged at: 2026-11-25T12:00:00Z, half a day off
 * every date of the crafted rows, so that days_left shows whether it is
 * rounded down (cert_leaf() expires in 36.5 days: 36). */
#define RF_NOW ((time_t)1795608000)

/* t (borrowed) without findings: PASS, judged at RF_NOW. */
void rf_init(struct render_fixture *rf, const struct store_target_row *t);

/* Adds a finding (probe NULL: the target's own), shown, and updates the
 * target's status. */
void rf_add(struct render_fixture *rf, const char *id,
	    enum finding_severity severity, const char *message,
	    const struct store_probe_row *probe);

/* Hides the n-th finding (as a filter would), keeping the order. */
void rf_hide(struct render_fixture *rf, size_t n);

/* No views, no trust store. */
const struct render_text_options *text_plain(void);

/* rf's target rendered as text into c, without --advanced or --chain. */
const char *render_findings_text(struct capture *c,
				 const struct render_fixture *rf);

/* probe_ok()'s block after its SNI line. */
#define OK_BLOCK_TAIL                                                   \
	"Connect: 0.4 ms, Handshake: 3.2 ms\n"                          \
	"TLS Version: TLSv1.3\n"                                        \
	"Cipher: TLS_AES_256_GCM_SHA384\n"                              \
	"Client certificate: not requested\n"                           \
	"Chain Verification: OK\n"                                      \
	"Chain Length: 2\n"                                             \
	"Subject: CN=sip.example.com,O=Example\n"                       \
	"Issuer: CN=Example Intermediate\n"                             \
	"Not Before: 2026-01-01T00:00:00Z\n"                            \
	"Not After: 2027-01-01T00:00:00Z\n"                             \
	"Serial Number: 0A1B2C\n"                                       \
	"Signature Algorithm: sha256RSA\n"                              \
	"Thumbprint: 3F2A9D1E5B7C4A8F0E6D2C1B9A8F7E6D5C4B3A29\n"        \
	"Version: V3\n"                                                 \
	"Public Key: RSA 2048 bits\n"

/* The Result line of a target without errors or warnings. */
#define RESULT_PASS(domain)                                             \
	"\nResult: PASS (0 errors, 0 warnings) \xE2\x80\x94 " domain "\n"

#endif
