/* test_inspect.c: `fedcert inspect` (report_inspect()) on
 * certificate files written here, one for every certificate defect the report finds:
 * each triggers its finding id, and the good certificate none of them.
 * Also the file formats (PEM, DER, chains, a key beside the certificate),
 * the errors that name the file, --fail-on, and the text layout.
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
#include <openssl/pem.h>

#include "report/report.h"
#include "support/findings.h"
#include "support/json.h"

#define PATH_MAX_LEN 256

/* Group state: the test PKI and a directory for the files. */
struct ctx {
	struct tf_pki k;
	char dir[PATH_MAX_LEN];
	char root[PATH_MAX_LEN]; /* the trust store: the root alone */
	char file[PATH_MAX_LEN]; /* the file under inspection */
};

static void ctx_path(const struct ctx *x, const char *name, char *out)
{
	assert_true(snprintf(out, PATH_MAX_LEN, "%s/%s", x->dir, name) <
		    PATH_MAX_LEN);
}

/* Writes the certificates to path, PEM or DER, one after another. */
static void write_certs(const char *path, X509 *const *certs, size_t n,
			int der)
{
	FILE *f = fopen(path, "wb");
	size_t i;

	assert_non_null(f);
	for (i = 0; i < n; i++)
		assert_int_equal(der ? i2d_X509_fp(f, certs[i])
				     : PEM_write_X509(f, certs[i]), 1);
	assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
	struct ctx *x = calloc(1, sizeof *x);

	assert_non_null(x);
	tf_pki_init(&x->k);
	assert_true(snprintf(x->dir, sizeof x->dir, "%s/fedcert-inspect-XXXXXX",
			     getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp") <
		    (int)sizeof x->dir);
	assert_non_null(mkdtemp(x->dir));
	ctx_path(x, "root.pem", x->root);
	ctx_path(x, "cert.pem", x->file);
	write_certs(x->root, &x->k.root, 1, 0);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *x = *state;
	static const char *const names[] = { "root.pem", "cert.pem", "many.pem",
					     "empty.pem", "junk.bin", "key.pem" };
	char path[PATH_MAX_LEN];
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		ctx_path(x, names[i], path);
		unlink(path);
	}
	rmdir(x->dir);
	tf_pki_free(&x->k);
	free(x);
	return 0;
}

/* ---- Running it ---------------------------------------------------------- */

struct run {
	char *out; /* malloc'd output */
	size_t len;
	char *notes; /* malloc'd: the messages of files that failed */
	size_t notes_len, failed;
	int rc, flagged;
	char err[512];
};

/* report_inspect() on files (already written) judged at TF_NOW against
 * the root; format JSON unless text. */
static void run_files(struct ctx *x, const char *const *files, size_t n,
		      const char *name, const char *type, int text,
		      int fail_on, struct run *r)
{
	struct report_inspect what = { .files = files, .nfiles = n,
				       .name = name, .type = type };
	struct report_options o = { .format = text ? REPORT_TEXT : REPORT_JSON,
				    .min_severity = -1, .fail_on = fail_on,
				    .warn_days = 30, .ca_file = x->root,
				    .now = TF_NOW };
	FILE *f;

	memset(r, 0, sizeof *r);
	f = open_memstream(&r->out, &r->len);
	assert_non_null(f);
	o.notes = open_memstream(&r->notes, &r->notes_len);
	assert_non_null(o.notes);
	r->rc = report_inspect(&what, &o, f, &r->flagged, &r->failed, r->err,
			       sizeof r->err);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(fclose(o.notes), 0);
	if (r->rc == 0 && !text)
		assert_int_equal(assert_json_lines(r->out), n - r->failed);
}

/* report_inspect() on x->file alone. */
static void run_file(struct ctx *x, const char *name, const char *type,
		     int text, int fail_on, struct run *r)
{
	const char *files[1] = { x->file };

	run_files(x, files, 1, name, type, text, fail_on, r);
}

/* Writes certs as the file and inspects it for sip.contoso.com (FED). */
static void run_certs(struct ctx *x, X509 *const *certs, size_t n,
		      struct run *r)
{
	write_certs(x->file, certs, n, 0);
	run_file(x, "sip.contoso.com", NULL, 0, -1, r);
	assert_int_equal(r->rc, 0);
}

static int has_id(const struct run *r, const char *id)
{
	char want[128];

	snprintf(want, sizeof want, "\"id\":\"%s\"", id);
	return strstr(r->out, want) != NULL;
}

/* The ids of the certificate defects: the good certificate has none. */
static const char *const defect_ids[] = {
	"expired", "not_yet_valid", "expires_soon", "name_mismatch",
	"wildcard_name", "no_server_auth_eku", "no_client_auth_eku",
	"untrusted_chain", "self_signed", "incomplete_chain",
	"chain_misordered", "root_sent", "weak_signature", "weak_key",
	"no_crl_distribution_point", "no_ocsp", "long_validity",
	"chain_too_large",
};

#define NDEFECTS (sizeof defect_ids / sizeof defect_ids[0])

/* The leaf reissued from leaf_spec with its intermediate: run, and check
 * that want is among the ids; the spec is reset after. */
static void expect_leaf(struct ctx *x, const char *want)
{
	X509 *certs[2];
	struct run r;

	tf_pki_reissue(&x->k);
	certs[0] = x->k.leaf;
	certs[1] = x->k.inter;
	run_certs(x, certs, 2, &r);
	if (!has_id(&r, want))
		fail_msg("no %s in %s", want, r.out);
	free(r.out);
	free(r.notes);
	tf_reset_leaf(&x->k);
}

/* ---- The good certificate ------------------------------------------------ */

static void test_good(void **state)
{
	struct ctx *x = *state;
	X509 *certs[2] = { x->k.leaf, x->k.inter };
	struct run r;
	size_t i;

	run_certs(x, certs, 2, &r);
	for (i = 0; i < NDEFECTS; i++)
		if (has_id(&r, defect_ids[i]))
			fail_msg("good certificate: %s in %s", defect_ids[i],
				 r.out);
	assert_true(has_id(&r, "name_match"));
	assert_json_eq(r.out, "status", "\"PASS\"");
	assert_json_eq(r.out, "type", "\"FED\"");
	assert_json_eq(r.out, "domain", "\"sip.contoso.com\"");
	assert_json_eq(r.out, "probes.0.verify.code", "0");
	assert_json_eq(r.out, "probes.0.chain.1.subject",
		       "\"CN=Contoso Test Issuing CA,O=Contoso Test\"");
	assert_json_eq(r.out, "probes.0.client_cert.requested", "false");
	assert_int_equal(r.flagged, 0);
	free(r.out);
	free(r.notes);
}

/* ---- Each certificate defect --------------------------------------------------- */

static void test_dates(void **state)
{
	struct ctx *x = *state;

	x->k.leaf_spec.set_validity = 1;
	x->k.leaf_spec.from_days = -100;
	x->k.leaf_spec.to_days = -1;
	expect_leaf(x, "expired");
	x->k.leaf_spec.set_validity = 1;
	x->k.leaf_spec.from_days = 5;
	x->k.leaf_spec.to_days = 100;
	expect_leaf(x, "not_yet_valid");
	x->k.leaf_spec.set_validity = 1;
	x->k.leaf_spec.from_days = -10;
	x->k.leaf_spec.to_days = 10;
	expect_leaf(x, "expires_soon");
	x->k.leaf_spec.set_validity = 1;
	x->k.leaf_spec.from_days = -10;
	x->k.leaf_spec.to_days = 800;
	expect_leaf(x, "long_validity");
}

static void test_names(void **state)
{
	struct ctx *x = *state;
	X509 *certs[2] = { x->k.leaf, x->k.inter };
	struct run r;

	write_certs(x->file, certs, 2, 0);
	run_file(x, "sip.fabrikam.com", NULL, 0, -1, &r);
	assert_true(has_id(&r, "name_mismatch"));
	free(r.out);
	free(r.notes);
	run_file(x, NULL, NULL, 0, -1, &r); /* no name: not checked */
	assert_false(has_id(&r, "name_mismatch") || has_id(&r, "name_match"));
	assert_json_eq(r.out, "domain", "null");
	free(r.out);
	free(r.notes);
	x->k.leaf_spec.dns[0] = "*.contoso.com";
	expect_leaf(x, "wildcard_name");
	/* CN only: the CN counts when there is no SAN DNS name. */
	x->k.leaf_spec.dns[0] = NULL;
	expect_leaf(x, "name_match");
	x->k.leaf_spec.dns[0] = NULL;
	x->k.leaf_spec.cn = "sip.fabrikam.com";
	expect_leaf(x, "name_mismatch");
}

static void test_ekus(void **state)
{
	struct ctx *x = *state;
	X509 *certs[2];
	struct run r;

	x->k.leaf_spec.eku = "serverAuth";
	expect_leaf(x, "no_client_auth_eku");
	x->k.leaf_spec.eku = "clientAuth";
	expect_leaf(x, "no_server_auth_eku");
	/* FED (the default) makes a missing clientAuth an error; SIP a
	 * warning, as in the report. */
	x->k.leaf_spec.eku = "serverAuth";
	tf_pki_reissue(&x->k);
	certs[0] = x->k.leaf;
	certs[1] = x->k.inter;
	write_certs(x->file, certs, 2, 0);
	run_file(x, "sip.contoso.com", NULL, 0, SEVERITY_ERROR, &r);
	assert_json_eq(r.out, "findings.1.id", "\"no_client_auth_eku\"");
	assert_json_eq(r.out, "findings.1.severity", "\"error\"");
	assert_int_equal(r.flagged, 1);
	free(r.out);
	free(r.notes);
	run_file(x, "sip.contoso.com", "SIP", 0, SEVERITY_ERROR, &r);
	assert_json_eq(r.out, "findings.1.severity", "\"warning\"");
	assert_json_eq(r.out, "type", "\"SIP\"");
	assert_int_equal(r.flagged, 0);
	free(r.out);
	free(r.notes);
	tf_reset_leaf(&x->k);
}

static void test_strength_and_revocation(void **state)
{
	struct ctx *x = *state;
	EVP_PKEY *weak = tcert_key("RSA1024");

	x->k.leaf_spec.md = EVP_sha1();
	expect_leaf(x, "weak_signature");
	x->k.leaf_spec.key = weak;
	expect_leaf(x, "weak_key");
	x->k.leaf_spec.crl = NULL;
	expect_leaf(x, "no_crl_distribution_point");
	x->k.leaf_spec.ocsp = NULL;
	expect_leaf(x, "no_ocsp");
	EVP_PKEY_free(weak);
}

static void test_chains(void **state)
{
	struct ctx *x = *state;
	X509 *leaf_only[1] = { x->k.leaf };
	X509 *with_root[3] = { x->k.leaf, x->k.inter, x->k.root };
	X509 *misordered[3] = { x->k.leaf, x->k.root, x->k.inter };
	struct tcert_spec self = x->k.leaf_spec;
	X509 *self_signed;
	struct run r;

	run_certs(x, leaf_only, 1, &r); /* the trust store lacks the inter */
	assert_true(has_id(&r, "incomplete_chain"));
	assert_json_eq(r.out, "probes.0.verify.code", "20");
	free(r.out);
	free(r.notes);
	run_certs(x, with_root, 3, &r);
	assert_true(has_id(&r, "root_sent"));
	assert_false(has_id(&r, "chain_misordered"));
	free(r.out);
	free(r.notes);
	run_certs(x, misordered, 3, &r);
	assert_true(has_id(&r, "chain_misordered"));
	free(r.out);
	free(r.notes);
	self.issuer = NULL;
	self.issuer_key = NULL;
	self_signed = tcert_x509(&self);
	run_certs(x, &self_signed, 1, &r);
	assert_true(has_id(&r, "self_signed"));
	free(r.out);
	free(r.notes);
	X509_free(self_signed);
}

/* A chain that does not lead to the trust store's root. */
static void test_untrusted(void **state)
{
	struct ctx *x = *state;
	struct tf_pki other;
	X509 *certs[2];
	struct run r;

	tf_pki_init(&other);
	certs[0] = other.leaf;
	certs[1] = other.inter;
	run_certs(x, certs, 2, &r);
	assert_true(has_id(&r, "untrusted_chain"));
	assert_json_eq(r.out, "status", "\"FAIL\"");
	free(r.out);
	free(r.notes);
	tf_pki_free(&other);
}

/* ---- Formats -------------------------------------------------------------- */

static void test_der_and_key_beside(void **state)
{
	struct ctx *x = *state;
	X509 *certs[2] = { x->k.leaf, x->k.inter };
	struct run r;
	FILE *f;

	write_certs(x->file, certs, 2, 1);
	run_file(x, "sip.contoso.com", NULL, 0, -1, &r);
	assert_int_equal(r.rc, 0);
	assert_json_eq(r.out, "status", "\"PASS\"");
	assert_json_eq(r.out, "probes.0.chain.1.subject",
		       "\"CN=Contoso Test Issuing CA,O=Contoso Test\"");
	free(r.out);
	free(r.notes);
	/* A key first, then the chain: the key is skipped, never read. */
	f = fopen(x->file, "wb");
	assert_non_null(f);
	assert_int_equal(PEM_write_PrivateKey(f, x->k.leaf_key, NULL, NULL, 0,
					      NULL, NULL), 1);
	assert_int_equal(PEM_write_X509(f, x->k.leaf), 1);
	assert_int_equal(PEM_write_X509(f, x->k.inter), 1);
	assert_int_equal(fclose(f), 0);
	run_file(x, "sip.contoso.com", NULL, 0, -1, &r);
	assert_int_equal(r.rc, 0);
	assert_json_eq(r.out, "status", "\"PASS\"");
	free(r.out);
	free(r.notes);
}

static void test_text_layout(void **state)
{
	struct ctx *x = *state;
	X509 *certs[2];
	struct run r;
	char want[PATH_MAX_LEN + 128];

	x->k.leaf_spec.eku = "serverAuth";
	tf_pki_reissue(&x->k);
	certs[0] = x->k.leaf;
	certs[1] = x->k.inter;
	write_certs(x->file, certs, 2, 0);
	run_file(x, "sip.contoso.com", NULL, 1, -1, &r);
	assert_int_equal(r.rc, 0);
	assert_true(snprintf(want, sizeof want,
			     "Checking certificate file: %s\n"
			     "Judged as: FED, name sip.contoso.com\n"
			     "Profile: sfb (Skype for Business / Lync Edge "
			     "federation)\n"
			     "Chain Verification: OK\n", x->file) <
		    (int)sizeof want);
	assert_true(strncmp(r.out, want, strlen(want)) == 0);
	assert_non_null(strstr(r.out, "  [error] no_client_auth_eku: "));
	assert_true(snprintf(want, sizeof want,
			     "Result: FAIL (1 error, 0 warnings) "
			     "\xE2\x80\x94 %s\n", x->file) < (int)sizeof want);
	assert_non_null(strstr(r.out, want));
	free(r.out);
	free(r.notes);
	tf_reset_leaf(&x->k);
}

/* ---- Errors name the file ------------------------------------------------- */

static void expect_error(struct ctx *x, const char *file, const char *says)
{
	char saved[PATH_MAX_LEN];
	struct run r;

	memcpy(saved, x->file, sizeof saved);
	assert_true(snprintf(x->file, sizeof x->file, "%s", file) <
		    (int)sizeof x->file);
	run_file(x, NULL, NULL, 0, -1, &r);
	memcpy(x->file, saved, sizeof saved);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.failed, 1);
	if (strncmp(r.notes, "fedcert inspect: ", 17) != 0 ||
	    strstr(r.notes, file) == NULL || strstr(r.notes, says) == NULL)
		fail_msg("\"%s\" lacks %s or %s", r.notes, file, says);
	assert_int_equal(r.len, 0);
	free(r.out);
	free(r.notes);
}

static void test_errors(void **state)
{
	struct ctx *x = *state;
	X509 *many[FC_CHAIN_MAX + 1];
	char path[PATH_MAX_LEN];
	FILE *f;
	size_t i;

	ctx_path(x, "missing.pem", path);
	expect_error(x, path, "No such file");
	ctx_path(x, "empty.pem", path);
	f = fopen(path, "wb");
	assert_non_null(f);
	fclose(f);
	expect_error(x, path, "empty");
	ctx_path(x, "junk.bin", path);
	f = fopen(path, "wb");
	assert_non_null(f);
	fputs("\x30\x82\x01\x00 not DER at all", f);
	fclose(f);
	expect_error(x, path, "not a certificate");
	ctx_path(x, "key.pem", path);
	f = fopen(path, "wb");
	assert_non_null(f);
	PEM_write_PrivateKey(f, x->k.leaf_key, NULL, NULL, 0, NULL, NULL);
	fclose(f);
	expect_error(x, path, "not a certificate");
	for (i = 0; i < FC_CHAIN_MAX + 1; i++)
		many[i] = x->k.inter;
	ctx_path(x, "many.pem", path);
	write_certs(path, many, FC_CHAIN_MAX + 1, 0);
	expect_error(x, path, "more than 32 certificates");
}

static void test_bad_trust_store(void **state)
{
	struct ctx *x = *state;
	X509 *certs[2] = { x->k.leaf, x->k.inter };
	char saved[PATH_MAX_LEN];
	struct run r;

	write_certs(x->file, certs, 2, 0);
	memcpy(saved, x->root, sizeof saved);
	ctx_path(x, "no-roots.pem", x->root);
	run_file(x, NULL, NULL, 0, -1, &r);
	assert_int_equal(r.rc, -1);
	assert_non_null(strstr(r.err, "no-roots.pem"));
	free(r.out);
	free(r.notes);
	memcpy(x->root, saved, sizeof saved);
}

/* Several files: each judged and written in turn, one JSON line each; one
 * that is not there is named and counted, and the next is judged all the
 * same. */
static void test_several_files(void **state)
{
	struct ctx *x = *state;
	X509 *good[2] = { x->k.leaf, x->k.inter };
	char missing[PATH_MAX_LEN], alone[PATH_MAX_LEN];
	const char *files[3] = { x->file, missing, alone };
	struct run r;

	write_certs(x->file, good, 2, 0);
	ctx_path(x, "missing.pem", missing);
	ctx_path(x, "alone.pem", alone);
	write_certs(alone, good, 1, 0);
	run_files(x, files, 3, "sip.contoso.com", NULL, 0, -1, &r);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.failed, 1);
	assert_non_null(strstr(r.notes, missing));
	assert_null(strstr(r.notes, alone));
	assert_non_null(strstr(r.out, x->file));
	assert_non_null(strstr(r.out, alone));
	assert_true(strstr(r.out, x->file) < strstr(r.out, alone));
	free(r.out);
	free(r.notes);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_ekus),
		cmocka_unit_test(test_strength_and_revocation),
		cmocka_unit_test(test_chains),
		cmocka_unit_test(test_untrusted),
		cmocka_unit_test(test_der_and_key_beside),
		cmocka_unit_test(test_text_layout),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_several_files),
		cmocka_unit_test(test_bad_trust_store),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
