/* test_views.c: what the text report adds around the blocks of
 * test_text.c: the findings' "Comments:" sections and the Result
 * line (hand-made findings), and the --advanced and --chain views on
 * certificates made with support/cert.h (a root "ISRG Root X1", an
 * intermediate, a leaf with every extension the view decodes).
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
#include <openssl/x509v3.h>

#include "support/cert.h"
#include "support/report.h"


/* ---- Findings: Comments, Result, summary -------------------------------- */

#define MISMATCH_MSG                                                    \
	"sip.example.com is not in the certificate's names (SAN: "      \
	"a.example.com, b.example.com)"

/* Each endpoint's findings right after its block, the target's own after
 * the last block, then the Result line. */
static void test_text_comments_and_result(void **state)
{
	struct srv_fixture f;
	struct render_fixture rf;
	struct capture c;
	(void)state;

	srv_fixture_init(&f);
	rf_init(&rf, &f.target);
	rf_add(&rf, "name_mismatch", SEVERITY_ERROR, MISMATCH_MSG,
	       &f.probes[0]);
	rf_add(&rf, "expires_soon", SEVERITY_WARNING,
	       "expires 2027-01-01T00:00:00Z, in 12 days", &f.probes[0]);
	rf_add(&rf, "connect_failed", SEVERITY_ERROR,
	       "connection refused", &f.probes[1]);
	rf_add(&rf, "pool_partial_failure", SEVERITY_ERROR,
	       "3 of 4 endpoints fail", NULL);
	assert_int_equal(rf.rt.status, RENDER_FAIL);
	assert_string_equal(render_findings_text(&c, &rf),
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
		"Comments:\n"
		"  [error] name_mismatch: " MISMATCH_MSG "\n"
		"  [warning] expires_soon: expires 2027-01-01T00:00:00Z, in "
		"12 days\n"
		"\nChecking IP Address: 127.0.0.3:5061\n"
		"SNI: sip.example.com\n"
		"Error: refused (Connection refused)\n"
		"Comments:\n"
		"  [error] connect_failed: connection refused\n"
		"\nChecking IP Address: 127.0.0.4:5061\n"
		"SNI: sip.example.com\n"
		"Error: refused (Connection refused)\n"
		"\nChecking FQDN: sip2.example.com:5061 (SRV priority 10, "
		"weight 0)\n"
		"\nChecking IP Address: [2001:db8::5]:5061\n"
		"SNI: sip2.example.com\n"
		"Error: refused (Connection refused)\n"
		"\nComments:\n"
		"  [error] pool_partial_failure: 3 of 4 endpoints fail\n"
		"Result: FAIL (3 errors, 1 warning) \xE2\x80\x94 "
		"example.com\n");
	capture_free(&c);
}

/* Filters shape the lists; the Result line still counts every finding. */
static void test_text_hidden_findings_still_counted(void **state)
{
	struct store_cert_row chain[2];
	struct store_probe_row p = probe_ok(chain);
	struct store_target_row t = target_dir(&p, 1);
	struct render_fixture rf;
	struct capture c;
	const char *s;
	(void)state;

	rf_init(&rf, &t);
	rf_add(&rf, "name_match", SEVERITY_INFO, "FQDN is in SAN list", &p);
	rf_add(&rf, "expires_soon", SEVERITY_WARNING, "in 3 days", &p);
	rf_add(&rf, "pool_inconsistent", SEVERITY_WARNING, "two leaves", NULL);
	rf_hide(&rf, 1);
	rf_hide(&rf, 2);
	s = render_findings_text(&c, &rf);
	assert_non_null(strstr(s, "\nPublic Key: RSA 2048 bits\nComments:\n"
				  "  [info] name_match: FQDN is in SAN list\n"
				  "\nResult: WARN (0 errors, 2 warnings) "
				  "\xE2\x80\x94 sip.example.com\n"));
	assert_null(strstr(s, "expires_soon"));
	assert_null(strstr(s, "pool_inconsistent"));
	capture_free(&c);

	/* Nothing shown at all: no Comments section, the same verdict. */
	rf_hide(&rf, 0);
	s = render_findings_text(&c, &rf);
	assert_null(strstr(s, "Comments:"));
	assert_non_null(strstr(s, "\nPublic Key: RSA 2048 bits\n\nResult: WARN"
				  " (0 errors, 2 warnings) "));
	capture_free(&c);
}

/* A message names evidence from the certificate: escaped like the rest,
 * and never more than one line. */
static void test_text_comment_escaped(void **state)
{
	struct store_probe_row p = probe_refused();
	struct store_target_row t = target_dir(&p, 1);
	struct render_fixture rf;
	struct capture c;
	const char *s;
	(void)state;

	t.domain = "sip\x1b[2J.example.com";
	rf_init(&rf, &t);
	rf_add(&rf, "name_mismatch", SEVERITY_ERROR,
	       "x\x1b]0;owned\a is not\n  [info] name_match: forged", &p);
	s = render_findings_text(&c, &rf);
	assert_non_null(strstr(s, "\nComments:\n  [error] name_mismatch: "
				  "x\\x1B]0;owned\\x07 is not\\x0A  [info] "
				  "name_match: forged\n"));
	assert_non_null(strstr(s, "\nResult: FAIL (1 error, 0 warnings) "
				  "\xE2\x80\x94 sip\\x1B[2J.example.com\n"));
	capture_free(&c);
}

/* --summary and --by-finding write what a partner sent (the domain a
 * hostile row names, a finding's message quoting a certificate) escaped
 * for the terminal, one line each, and sort worst first. */
static void test_summary_and_pivot_escaped(void **state)
{
	struct store_probe_row p = probe_refused();
	struct store_target_row bad = target_dir(&p, 1), good = target_dir(NULL, 0);
	struct store_input_error_row e = {
		.line = 9, .reason = "bad\x1b[31m row", .raw = "evil\x1b[2J.test,FED",
	};
	struct render_fixture rf_bad, rf_good;
	struct render_summary *sum;
	struct render_pivot *piv;
	struct capture c;
	const char *s, *fail_line, *input_line, *pass_line;
	(void)state;

	bad.domain = "sip\x1b[2J.example.com";
	good.domain = "ok.example.com";
	good.line = 1;
	bad.line = 2;
	rf_init(&rf_good, &good);
	rf_init(&rf_bad, &bad);
	rf_add(&rf_bad, "name_mismatch", SEVERITY_ERROR,
	       "x\x1b]0;owned\a is not\n  forged", &p);
	rf_add(&rf_bad, "connect_failed", SEVERITY_ERROR, "refused", &p);
	sum = render_summary_new(RF_NOW);
	assert_non_null(sum);
	assert_int_equal(render_summary_target(sum, &rf_good.rt), 0);
	assert_int_equal(render_summary_input_error(sum, &e), 0);
	assert_int_equal(render_summary_target(sum, &rf_bad.rt), 0);
	capture_open(&c);
	render_summary_write(sum, c.f);
	s = capture_close(&c);
	assert_null(strchr(s, '\x1b'));
	fail_line = strstr(s, "\nFAIL ");
	input_line = strstr(s, "\nINPUT_ERROR ");
	pass_line = strstr(s, "\nPASS ");
	assert_non_null(fail_line);
	assert_non_null(input_line);
	assert_non_null(pass_line);
	assert_true(fail_line < input_line && input_line < pass_line);
	assert_non_null(strstr(fail_line, "sip\\x1B[2J.example.com"));
	assert_non_null(strstr(fail_line, "name_mismatch: x\\x1B]0;owned\\x07 is "
					  "not\\x0A  forged (+1)\n"));
	assert_non_null(strstr(input_line, "evil\\x1B[2J.test"));
	assert_non_null(strstr(input_line, "input error: bad\\x1B[31m row\n"));
	capture_free(&c);
	render_summary_free(sum);

	piv = render_pivot_new();
	assert_non_null(piv);
	assert_int_equal(render_pivot_target(piv, &rf_bad.rt), 0);
	capture_open(&c);
	render_pivot_write(piv, c.f, REPORT_TEXT, 0);
	s = capture_close(&c);
	assert_null(strchr(s, '\x1b'));
	assert_non_null(strstr(s, "\nname_mismatch (error): 1 target\n"
				  "  sip\\x1B[2J.example.com:"));
	capture_free(&c);
	render_pivot_free(piv);
}

static void test_text_summary_counts_status(void **state)
{
	struct store_probe_row p = probe_refused();
	struct store_target_row t = target_dir(&p, 1);
	struct store_scan_summary scan = { .targets = 4, .endpoints = 1,
					   .endpoints_failed = 1 };
	struct render_totals tot;
	struct render_fixture rf;
	struct capture c;
	(void)state;

	assert_int_equal(render_totals_init(&tot), 0);
	rf_init(&rf, &t);
	rf_add(&rf, "name_match", SEVERITY_INFO, "ok", &p);
	render_totals_add_target(&tot, &rf.rt);
	rf_add(&rf, "expires_soon", SEVERITY_WARNING, "soon", &p);
	render_totals_add_target(&tot, &rf.rt);
	render_totals_add_target(&tot, &rf.rt);
	rf_add(&rf, "connect_failed", SEVERITY_ERROR, "refused", &p);
	rf_add(&rf, "connect_failed", SEVERITY_ERROR, "refused again", &p);
	render_totals_add_target(&tot, &rf.rt);
	capture_open(&c);
	render_text_totals(c.f, &tot, &scan, 0);
	render_text_summary(c.f, &tot, &scan);
	/* Worst first; a finding counts a target once however often it is
	 * said; the info finding is no problem and is not listed. */
	assert_string_equal(capture_close(&c),
		"\nTargets: 4 (1 FAIL, 2 WARN, 1 PASS)\n"
		"Endpoints: 1 probed, 1 failed (the scan's distinct endpoints;"
		" one may serve several targets)\n"
		"Findings, by targets that have them: expires_soon 3 (warning),"
		" connect_failed 1 (error)\n"
		"\n4 targets shown: 1 FAIL, 2 WARN, 1 PASS; the scan probed 1 "
		"endpoint, 1 failed; 0 DNS lookups failed\n");
	capture_free(&c);
	render_totals_free(&tot);
}

/* A P-256 certificate for cn with exactly the extensions exts, valid from
 * now for 90 days, issued by issuer (NULL: self-signed); tcert_free(). */
static void views_cert(struct tcert *c, const char *cn,
		       const struct tcert *issuer, const char *const *exts)
{
	static int64_t serial = 0x1000;
	struct tcert_spec s = {
		.cn = cn, .serial = serial++, .bare = 1, .exts = exts,
		.now = time(NULL), .set_validity = 1, .from_days = 0,
		.to_days = 90,
		.issuer = issuer != NULL ? issuer->x : NULL,
		.issuer_key = issuer != NULL ? issuer->key : NULL,
	};

	tcert_make(c, &s);
}

static const char *const ca_exts[] = {
	"basicConstraints", "critical,CA:TRUE",
	"keyUsage", "critical,keyCertSign,cRLSign",
	"subjectKeyIdentifier", "hash",
	NULL,
};

/* The root, "ISRG Root X1", self-signed; the intermediate "R3" under it,
 * which names where its issuer is published. */
static void views_ca(struct tcert *root, struct tcert *ca)
{
	static const char *const r3_exts[] = {
		"basicConstraints", "critical,CA:TRUE,pathlen:0",
		"keyUsage", "critical,keyCertSign,cRLSign",
		"subjectKeyIdentifier", "hash",
		"authorityInfoAccess", "caIssuers;URI:http://x1.i.lencr.org/",
		NULL,
	};

	views_cert(root, "ISRG Root X1", NULL, ca_exts);
	views_cert(ca, "R3", root, r3_exts);
}

/* The probe block of p with the views asked for. */
static const char *render_views(struct capture *c, struct store_probe_row *p,
				int advanced, int chain, X509_STORE *trust)
{
	struct render_text_options o = { .advanced = advanced,
					  .chain = chain, .trust = trust };
	struct store_target_row t = target_dir(p, 1);
	struct render_fixture rf;

	rf_init(&rf, &t);
	capture_open(c);
	render_text_target(c->f, &o, &rf.rt);
	return capture_close(c);
}

/* ---- --advanced --------------------------------------------------------- */

static const char *const leaf_exts[] = {
	"basicConstraints", "critical,CA:FALSE",
	"keyUsage", "critical,digitalSignature,keyEncipherment",
	"extendedKeyUsage", "serverAuth,clientAuth,1.3.6.1.4.1.99999.1",
	"subjectKeyIdentifier", "hash",
	"authorityKeyIdentifier", "keyid:always",
	"subjectAltName", "DNS:sip.example.com,DNS:a.example.com,IP:192.0.2.1",
	"crlDistributionPoints", "URI:http://crl.example.com/r3.crl",
	"authorityInfoAccess", "OCSP;URI:http://ocsp.example.com,"
			       "caIssuers;URI:http://ca.example.com/r3.crt",
	"certificatePolicies", "2.23.140.1.2.2",
	NULL,
};

/* "XX:XX:..." of the CA's subject key identifier, as OpenSSL prints it. */
static void ski_hex(const struct tcert *ca, char *out, size_t len)
{
	const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(ca->x);
	size_t at = 0;
	int i;

	assert_non_null(ski);
	assert_true((size_t)ASN1_STRING_length(ski) * 3 < len);
	for (i = 0; i < ASN1_STRING_length(ski); i++)
		at += (size_t)sprintf(out + at, "%s%02X", i > 0 ? ":" : "",
				      ASN1_STRING_get0_data(ski)[i]);
	out[at] = '\0';
}

static void test_advanced_extensions(void **state)
{
	struct tcert root, ca, leaf;
	struct store_cert_row chain[2];
	struct store_probe_row p = probe_ok(chain);
	char ski[128], aki[192];
	struct capture c;
	const char *s;
	(void)state;

	views_ca(&root, &ca);
	views_cert(&leaf, "sip.example.com", &ca, leaf_exts);
	chain[0] = cert_leaf_of(&leaf, "CN=sip.example.com", "CN=R3");
	s = render_views(&c, &p, 1, 0, NULL);
	assert_non_null(strstr(s, "\nPublic Key: RSA 2048 bits\nExtensions:\n"
		"  Basic Constraints (critical):\n    CA:FALSE\n"
		"  Key Usage (critical):\n"
		"    Digital Signature, Key Encipherment\n"
		"  Enhanced Key Usage:\n"
		"    Server Authentication (1.3.6.1.5.5.7.3.1)\n"
		"    Client Authentication (1.3.6.1.5.5.7.3.2)\n"
		"    Unknown Key Usage (1.3.6.1.4.1.99999.1)\n"
		"  Subject Key Identifier:\n    "));
	assert_non_null(strstr(s,
		"\n  Subject Alternative Name:\n"
		"    DNS:sip.example.com\n"
		"    DNS:a.example.com\n"
		"    IP Address:192.0.2.1\n"
		"  CRL Distribution Points:\n"
		"    URI:http://crl.example.com/r3.crl\n"
		"  Authority Information Access:\n"
		"    OCSP - URI:http://ocsp.example.com\n"
		"    CA Issuers - URI:http://ca.example.com/r3.crt\n"
		"  Certificate Policies:\n"
		"    Policy: 2.23.140.1.2.2\n"
		"\nResult: PASS"));
	/* The leaf's AKI is its issuer's SKI. */
	ski_hex(&ca, ski, sizeof ski);
	snprintf(aki, sizeof aki, "\n  Authority Key Identifier:\n    %s\n",
		 ski);
	assert_non_null(strstr(s, aki));
	capture_free(&c);
	tcert_free(&leaf);
	tcert_free(&ca);
	tcert_free(&root);
}

/* A SAN name is one line however it is made: a newline in it cannot fake
 * a second name, and a control byte cannot reach the terminal. */
static void test_advanced_hostile_san(void **state)
{
	struct tcert root, ca;
	struct store_cert_row chain[2];
	struct store_probe_row p = probe_ok(chain);
	GENERAL_NAMES *gens = GENERAL_NAMES_new();
	GENERAL_NAME *gn = GENERAL_NAME_new();
	ASN1_IA5STRING *dns = ASN1_IA5STRING_new();
	struct capture c;
	const char *s;
	(void)state;

	views_ca(&root, &ca);
	ASN1_STRING_set(dns, "a\nDNS:forged.example.com\x1b[2J", -1);
	GENERAL_NAME_set0_value(gn, GEN_DNS, dns);
	sk_GENERAL_NAME_push(gens, gn);
	assert_int_equal(X509_add1_ext_i2d(ca.x, NID_subject_alt_name, gens, 0,
					   0), 1);
	GENERAL_NAMES_free(gens);
	tcert_update_der(&ca);
	chain[0] = cert_leaf_of(&ca, "CN=R3", "CN=ISRG Root X1");
	s = render_views(&c, &p, 1, 0, NULL);
	/* OpenSSL itself prints the ESC as '.'; the newline is ours to
	 * escape. */
	assert_non_null(strstr(s, "\n  Subject Alternative Name:\n"
				  "    DNS:a\\x0ADNS:forged.example.com"
				  ".[2J\n"));
	assert_null(strstr(s, "\n    DNS:forged"));
	capture_free(&c);
	tcert_free(&ca);
	tcert_free(&root);
}

static void test_advanced_undecodable(void **state)
{
	struct store_cert_row chain[2];
	struct store_probe_row p = probe_ok(chain);
	static const unsigned char junk[] = { 0x30, 0x03, 0x02, 0x01 };
	struct capture c;
	(void)state;

	assert_non_null(strstr(render_views(&c, &p, 1, 0, NULL),
			       "\nPublic Key: RSA 2048 bits\nExtensions: (the "
			       "certificate could not be decoded)\n"));
	capture_free(&c);
	chain[0].der = junk;
	chain[0].der_len = sizeof junk;
	assert_non_null(strstr(render_views(&c, &p, 1, 0, NULL),
			       "\nExtensions: (the certificate could not be "
			       "decoded)\n"));
	capture_free(&c);
}

/* ---- --chain ------------------------------------------------------------ */

/* A trust store holding k. */
static X509_STORE *trust_of(const struct tcert *k)
{
	X509_STORE *st = X509_STORE_new();

	assert_non_null(st);
	assert_int_equal(X509_STORE_add_cert(st, k->x), 1);
	return st;
}

/* leaf -> R3 -> (ISRG Root X1, not sent): each link verified, the top
 * checked against the trust store when there is one, and where to get the
 * root. */
static void test_chain_view(void **state)
{
	struct tcert root, ca, leaf, other;
	struct store_cert_row chain[2];
	struct store_probe_row p = probe_ok(chain);
	X509_STORE *trust;
	struct capture c;
	char thumb[41], want[256];
	const char *s;
	(void)state;

	views_ca(&root, &ca);
	views_cert(&leaf, "sip.example.com", &ca, leaf_exts);
	views_cert(&other, "Other Root", NULL, ca_exts);
	chain[0] = cert_leaf_of(&leaf, "CN=sip.example.com", "CN=R3");
	chain[1] = cert_leaf_of(&ca, "CN=R3", "CN=ISRG Root X1");
	s = render_views(&c, &p, 0, 1, NULL);
	hex_thumbprint(chain[1].sha1, thumb);
	snprintf(want, sizeof want, "\n      Thumbprint: %s\n", thumb);
	assert_non_null(strstr(s, want));
	assert_non_null(strstr(s, "\nPublic Key: RSA 2048 bits\nChain:\n"
		"  [0] Subject: CN=sip.example.com\n"
		"      Issuer: CN=R3\n"
		"      Not Before: 2026-01-01T00:00:00Z\n"
		"      Not After: 2027-01-01T00:00:00Z\n"
		"      Serial Number: 0A1B2C\n"
		"      Signature Algorithm: sha256RSA\n"
		"      Thumbprint: "));
	assert_non_null(strstr(s, "\n      Verified: yes (signed by [1])\n"
		"  [1] Subject: CN=R3\n      Issuer: CN=ISRG Root X1\n"));
	assert_non_null(strstr(s, "\n      Verified: not checked (its issuer "
		"was not presented; give --ca-file or --ca-path to check it "
		"against a trust store)\n"
		"Root: CN=ISRG Root X1\n"
		"  AIA caIssuers of [1]: http://x1.i.lencr.org/\n"
		"  Download from Let's Encrypt (ISRG): "
		"https://letsencrypt.org/certificates/\n"));
	capture_free(&c);

	trust = trust_of(&root);
	assert_non_null(strstr(render_views(&c, &p, 0, 1, trust),
		"\n      Verified: yes (issued by a root of the trust store)\n"
		"Root: CN=ISRG Root X1\n"));
	capture_free(&c);
	X509_STORE_free(trust);

	trust = trust_of(&other);
	assert_non_null(strstr(render_views(&c, &p, 0, 1, trust),
		"\n      Verified: NO (its issuer is not in the trust "
		"store)\n"));
	capture_free(&c);
	X509_STORE_free(trust);
	tcert_free(&other);
	tcert_free(&leaf);
	tcert_free(&ca);
	tcert_free(&root);
}

/* A link that does not hold: the next item is not the issuer (names), or
 * is named as the issuer but did not sign it (keys). */
static void test_chain_broken_links(void **state)
{
	static const char *const plain[] = { NULL };
	struct tcert root, ca, fake, leaf;
	struct store_cert_row chain[2];
	struct store_probe_row p = probe_ok(chain);
	struct capture c;
	(void)state;

	views_ca(&root, &ca);
	views_cert(&fake, "R3", NULL, ca_exts); /* R3's name, another key */
	views_cert(&leaf, "sip.example.com", &fake, plain);
	chain[0] = cert_leaf_of(&leaf, "CN=sip.example.com", "CN=R3");
	chain[1] = cert_leaf_of(&ca, "CN=R3", "CN=ISRG Root X1");
	assert_non_null(strstr(render_views(&c, &p, 0, 1, NULL),
		"\n      Verified: NO (its signature does not check with [1]'s "
		"key)\n"));
	capture_free(&c);

	chain[1] = cert_leaf_of(&root, "CN=ISRG Root X1", "CN=ISRG Root X1");
	assert_non_null(strstr(render_views(&c, &p, 0, 1, NULL),
		"\n      Verified: NO ([1] is not its issuer: subject issuer "
		"mismatch)\n"));
	capture_free(&c);
	tcert_free(&leaf);
	tcert_free(&fake);
	tcert_free(&ca);
	tcert_free(&root);
}

/* A self-signed top: a root, in the trust store or not; a root fedcert
 * does not know gets no download location. */
static void test_chain_self_signed_top(void **state)
{
	struct tcert root, other;
	struct store_cert_row chain[2];
	struct store_probe_row p = probe_ok(chain);
	X509_STORE *trust;
	struct capture c;
	(void)state;

	views_cert(&root, "ISRG Root X1", NULL, ca_exts);
	views_cert(&other, "Contoso Root", NULL, ca_exts);
	p.chain_len = 1;
	chain[0] = cert_leaf_of(&root, "CN=ISRG Root X1", "CN=ISRG Root X1");
	assert_non_null(strstr(render_views(&c, &p, 0, 1, NULL),
		"\n      Verified: self-signed (a root: trusted only where it "
		"is in the trust store)\n"
		"Root: CN=ISRG Root X1\n"
		"  AIA caIssuers of [0]: (none)\n"
		"  Download from Let's Encrypt (ISRG): "
		"https://letsencrypt.org/certificates/\n"));
	capture_free(&c);
	trust = trust_of(&root);
	assert_non_null(strstr(render_views(&c, &p, 0, 1, trust),
		"\n      Verified: self-signed, a root of the trust store\n"));
	capture_free(&c);
	X509_STORE_free(trust);
	trust = trust_of(&other);
	assert_non_null(strstr(render_views(&c, &p, 0, 1, trust),
		"\n      Verified: NO (self-signed, not in the trust "
		"store)\n"));
	capture_free(&c);
	X509_STORE_free(trust);

	chain[0] = cert_leaf_of(&other, "CN=Contoso Root", "CN=Contoso Root");
	assert_non_null(strstr(render_views(&c, &p, 0, 1, NULL),
		"\nRoot: CN=Contoso Root\n  AIA caIssuers of [0]: (none)\n"
		"  Download: (not a well-known public root: ask the partner "
		"or its CA)\n"));
	capture_free(&c);
	tcert_free(&other);
	tcert_free(&root);
}

static void test_roots_table(void **state)
{
	static const char *const known[][2] = {
		{ "DigiCert Global Root G2", "digicert.com" },
		{ "DigiCert Global Root G3", "digicert.com" },
		{ "DigiCert Global Root CA", "digicert.com" },
		{ "Baltimore CyberTrust Root", "digicert.com" },
		{ "ISRG Root X2", "letsencrypt.org" },
		{ "USERTrust RSA Certification Authority", "sectigo.com" },
		{ "USERTrust ECC Certification Authority", "sectigo.com" },
		{ "GlobalSign", "globalsign.com" },
		{ "GlobalSign Root R46", "globalsign.com" },
		{ "GlobalSign Root E46", "globalsign.com" },
		{ "Entrust Root Certification Authority - G2", "entrust.com" },
		{ "Go Daddy Root Certificate Authority - G2", "godaddy.com" },
		{ "Microsoft RSA Root Certificate Authority 2017",
		  "microsoft.com" },
		{ "Microsoft ECC Root Certificate Authority 2017",
		  "microsoft.com" },
	};
	const struct render_root *r;
	size_t i;
	(void)state;

	for (i = 0; i < sizeof known / sizeof known[0]; i++) {
		r = render_root_lookup(known[i][0]);
		assert_non_null(r);
		assert_true(strncmp(r->url, "https://", 8) == 0);
		assert_non_null(strstr(r->url, known[i][1]));
	}
	assert_null(render_root_lookup("isrg root x1")); /* exact names */
	assert_null(render_root_lookup("Contoso Root"));
	assert_null(render_root_lookup(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_comments_and_result),
		cmocka_unit_test(test_text_hidden_findings_still_counted),
		cmocka_unit_test(test_text_comment_escaped),
		cmocka_unit_test(test_text_summary_counts_status),
		cmocka_unit_test(test_summary_and_pivot_escaped),
		cmocka_unit_test(test_advanced_extensions),
		cmocka_unit_test(test_advanced_hostile_san),
		cmocka_unit_test(test_advanced_undecodable),
		cmocka_unit_test(test_chain_view),
		cmocka_unit_test(test_chain_broken_links),
		cmocka_unit_test(test_chain_self_signed_top),
		cmocka_unit_test(test_roots_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
