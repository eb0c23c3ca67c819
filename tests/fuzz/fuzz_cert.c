/* fuzz_cert.c: libFuzzer target for certificate decoding and rendering,
 * from DER.
 *
 * The input is one certificate's DER, as a peer presents it. It takes the
 * path a scanned certificate takes: the one decoder (common/cert.h) turns
 * it into the columns the certificate table keeps and store_cert_row_of()
 * into the row the store's reader hands to the report (as `fedcert
 * inspect` does for a file), and the report judges the target
 * (findings.h) and writes it in every format (render.h): text with
 * --advanced and --chain, CSV per target and per endpoint, JSON Lines. The
 * x509.h helpers the report is built on are also called on the certificate
 * directly.
 *
 * Why not the real store in ":memory:" per input: store_open() alone (the
 * schema's migrations, every statement prepared) takes about 3 ms under the
 * sanitizers, which kept the fuzzer near 90 inputs a second; one database
 * for the whole run would carry state (certificates are stored once per
 * SHA-256) from one input to the next. store_cert_row_of() builds the row
 * as store/writer.c binds the facts and store/reader.c reads them back;
 * that they agree is test_store_certrow's.
 *
 * The target is a FED domain reached through an SRV record. Its first
 * probe presents [input], verified OK. For one input in four (by a hash of
 * the input, so a given input always does the same thing) a second probe
 * presents [input, input], not verified, so that the chain, pool and order
 * checks have something to look at; for another one in four, judging and
 * the text are done again against an empty trust store, as report
 * --ca-file does. The names are judged by the rules of one --profile, by
 * the hash as well. Doing all of it for every input would halve the rate.
 *
 * Besides what ASan and UBSan catch, the outputs are held to the report's
 * promises (fuzz_check.h): text and JSON safe on a terminal, JSON valid,
 * CSV strict and without a formula lead; and the decoded columns to
 * store.h's forms (hex fingerprints, ISO 8601 times the report reads back,
 * hex serials).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509_vfy.h>

#include "report/judge/findings.h"
#include "report/render/render.h"
#include "report/judge/x509.h"
#include "store/store.h"
#include "tests/fuzz/fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Findings are judged at a fixed time, so that an input does the same
 * thing whenever it is run again: 2026-12-01T00:00:00Z, when some seed
 * certificates are valid, some expire soon and some have expired. */
#define FUZZ_NOW ((time_t)1796083200)

#define FUZZ_DOMAIN "example.com"
#define FUZZ_HOST "sip.example.com"
#define FUZZ_SRV "_sipfederationtls._tcp.example.com"

/* ---- Decoded columns -------------------------------------------------------- */

static int is_hex(const char *s, size_t len, int upper)
{
	size_t i;

	if (strlen(s) != len)
		return 0;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') ||
		      (upper ? (c >= 'A' && c <= 'F') : (c >= 'a' && c <= 'f'))))
			return 0;
	}
	return 1;
}

/* A decoded time is what utc_parse() reads back, to the second. */
static void check_time_column(const char *s)
{
	time_t t;
	char again[UTC_TEXT_MAX];

	if (s == NULL)
		return;
	FUZZ_CHECK(utc_parse(s, &t) == 0);
	utc_format(t, again);
	FUZZ_CHECK(strncmp(again, s, 19) == 0);
}

static void check_cert_row(const struct store_cert_row *c)
{
	FUZZ_CHECK(is_hex(c->sha256, 64, 0));
	FUZZ_CHECK(is_hex(c->sha1, 40, 0));
	check_time_column(c->not_before);
	check_time_column(c->not_after);
	if (c->serial != NULL) {
		const char *hex = c->serial[0] == '-' ? c->serial + 1 : c->serial;

		FUZZ_CHECK(hex[0] != '\0' && is_hex(hex, strlen(hex), 1));
	}
}

/* ---- x509.h on the certificate itself ------------------------------------- */

static void list_check_free(struct cert_strings *s)
{
	size_t i;

	FUZZ_CHECK(s->count <= CERT_LIST_MAX);
	for (i = 0; i < s->count; i++)
		FUZZ_CHECK(s->items[i] != NULL);
	cert_strings_free(s);
}

static void exercise_x509(const struct store_cert_row *c)
{
	X509 *x = cert_from_row(c);
	struct cert_strings list = { 0 };
	struct cert_eku eku = { 0 };
	char type[32];
	time_t nb, na;
	char when[UTC_TEXT_MAX];
	int bits = -1;

	/* What the report cannot decode, the store did not either: no
	 * decoded column. (The converse has no single witness: a decoded
	 * certificate may still have any column NULL, e.g. a version of -59,
	 * which OpenSSL accepts.) */
	if (x == NULL) {
		FUZZ_CHECK(c->subject == NULL && c->issuer == NULL &&
			   c->serial == NULL && c->not_before == NULL &&
			   c->not_after == NULL && c->sig_alg == NULL &&
			   c->key_type == NULL && c->key_bits == 0 &&
			   c->x509_version == 0);
		return;
	}
	if (cert_san_dns(x, &list) == 0)
		list_check_free(&list);
	if (cert_san_ip(x, &list) == 0)
		list_check_free(&list);
	if (cert_crl_urls(x, &list) == 0)
		list_check_free(&list);
	if (cert_ocsp_urls(x, &list) == 0)
		list_check_free(&list);
	if (cert_ca_issuers_urls(x, &list) == 0)
		list_check_free(&list);
	if (cert_eku_get(x, &eku) == 0) {
		FUZZ_CHECK(eku.names.count <= CERT_LIST_MAX);
		cert_eku_free(&eku);
	}
	free(cert_common_name(x));
	free(cert_name_text(X509_get_subject_name(x)));
	free(cert_name_text(X509_get_issuer_name(x)));
	cert_key_facts(x, type, &bits);
	FUZZ_CHECK(bits >= 0 && (bits == 0 || type[0] != '\0'));
	(void)cert_digest_is_weak(cert_sig_digest(x));
	(void)cert_is_self_signed(x);
	(void)cert_is_issued_by_name(x, x);
	if (cert_validity(x, &nb, &na) == 0) {
		utc_format(nb, when);
		utc_format(na, when);
	}
	X509_free(x);
}

/* ---- Judging and rendering ------------------------------------------------- */

/* Judges t and writes it in every format, checking each output. trust
 * NULL: the verification the scan recorded; else the chains are verified
 * again against it, which only judging and the text show. */
static void render_all(const struct store_target_row *t, X509_STORE *trust,
		       enum report_profile profile)
{
	struct judge_options jo = { .now = FUZZ_NOW, .warn_days = 30,
				    .trust = trust, .profile = profile };
	struct render_text_options to = { .advanced = 1, .chain = 1,
					  .trust = trust };
	struct finding_list all = { 0 };
	const struct finding **shown = NULL;
	struct render_target rt = { .row = t, .all = &all,
				    .profile = profile };
	struct fuzz_out o;
	size_t i;

	FUZZ_CHECK(findings_judge_target(&jo, t, &all) == 0);
	FUZZ_CHECK(all.count > 0); /* at least a name and a chain verdict */
	shown = calloc(all.count, sizeof *shown);
	FUZZ_CHECK(shown != NULL);
	for (i = 0; i < all.count; i++) {
		FUZZ_CHECK(all.items[i].def != NULL &&
			   all.items[i].message != NULL);
		shown[rt.nshown++] = &all.items[i];
	}
	rt.shown = shown;
	rt.status = render_status_of(&all, NULL);

	fuzz_out_open(&o);
	render_text_target(o.f, &to, &rt);
	fuzz_out_close(&o);
	fuzz_check_terminal_safe(o.buf, o.len, "\n");
	fuzz_out_free(&o);

	if (trust == NULL) {
		fuzz_out_open(&o);
		render_csv_header(o.f, 0);
		FUZZ_CHECK(render_csv_target(o.f, 0, &rt) == 0);
		fuzz_out_close(&o);
		FUZZ_CHECK(fuzz_check_csv(o.buf, o.len) == 2);
		fuzz_out_free(&o);

		fuzz_out_open(&o);
		render_csv_header(o.f, 1);
		FUZZ_CHECK(render_csv_target(o.f, 1, &rt) == 0);
		fuzz_out_close(&o);
		FUZZ_CHECK(fuzz_check_csv(o.buf, o.len) == 1 + t->probe_count);
		fuzz_out_free(&o);

		fuzz_out_open(&o);
		render_json_target(o.f, 1, &rt);
		fuzz_out_close(&o);
		fuzz_check_json_lines(o.buf, o.len);
		fuzz_out_free(&o);
	}
	free(shown);
	finding_list_free(&all);
}

/* ---- The target ---------------------------------------------------------------- */

/* FNV-1a: which of the optional views an input gets, the same every time
 * it is run. */
static uint32_t input_hash(const uint8_t *data, size_t size)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The strings a store_target_row holds are not const: locals. */
	char domain[] = FUZZ_DOMAIN, type[] = "FED", host[] = FUZZ_HOST;
	char srv[] = FUZZ_SRV, started[] = "2026-11-30T23:40:00.000Z";
	char addr4[] = "192.0.2.1", addr6[] = "2001:db8::1";
	char tls[] = "TLSv1.3", cipher[] = "TLS_AES_256_GCM_SHA384";
	char ok[] = "ok", noissuer[] = "unable to get local issuer certificate";
	char rsrv[] = "SRV", ra[] = "A", raaaa[] = "AAAA";
	char noerror[] = "NOERROR", dns[] = "dns";
	struct store_dns_record_row srv_rec = {
		.priority = 0, .weight = 100, .port = 5061, .target = host,
		.ttl = 300,
	};
	struct store_dns_record_row a_rec = {
		.priority = -1, .weight = -1, .port = -1, .address = addr4,
		.ttl = 300,
	};
	struct store_dns_record_row aaaa_rec = {
		.priority = -1, .weight = -1, .port = -1, .address = addr6,
		.ttl = 300,
	};
	struct store_dns_answer_row answers[3] = {
		{ .id = 1, .name = srv, .type = rsrv, .rcode = noerror,
		  .source = dns, .count = 1, .records = &srv_rec },
		{ .id = 2, .name = host, .type = ra, .rcode = noerror,
		  .source = dns, .count = 1, .records = &a_rec },
		{ .id = 3, .name = host, .type = raaaa, .rcode = noerror,
		  .source = dns, .count = 1, .records = &aaaa_rec },
	};
	struct store_cert_row chain[2];
	struct store_probe_row probes[2];
	struct store_target_row t;
	uint32_t h = input_hash(data, size);
	enum report_profile profile;
	X509_STORE *trust;
	size_t i;

	/* A probe never stores an empty certificate. */
	if (size == 0)
		return 0;
	if (store_cert_row_of(data, size, NULL, &chain[0]) != 0) {
		fprintf(stderr, "fuzz_cert: cannot make the certificate's row\n");
		abort();
	}
	chain[0].id = 1;
	chain[1] = chain[0];
	check_cert_row(&chain[0]);
	exercise_x509(&chain[0]);

	memset(probes, 0, sizeof probes);
	for (i = 0; i < 2; i++) {
		probes[i].id = (int64_t)i + 1;
		probes[i].port = 5061;
		probes[i].sni = host;
		probes[i].via = host;
		probes[i].srv_name = srv;
		probes[i].srv_priority = 0;
		probes[i].srv_weight = 100;
		probes[i].started = started;
		probes[i].connect_ms = 1.5;
		probes[i].handshake_ms = 12.25;
		probes[i].tls_version = tls;
		probes[i].cipher = cipher;
		probes[i].chain = chain;
	}
	probes[0].address = addr4;
	probes[0].verify_code = 0;
	probes[0].verify_reason = ok;
	probes[0].chain_len = 1;
	probes[1].address = addr6;
	probes[1].verify_code = 20; /* X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY */
	probes[1].verify_reason = noissuer;
	probes[1].chain_len = 2;

	memset(&t, 0, sizeof t);
	t.id = 1;
	t.line = 2;
	t.domain = domain;
	t.type = type;
	t.port = 5061;
	t.dns_count = 3;
	t.dns = answers;
	t.probes = probes;
	t.probe_count = (h & 3) == 0 ? 2 : 1;

	/* Whose rules judge the names (--profile): by the hash too. */
	profile = (enum report_profile)((h >> 4) % REPORT_NPROFILES);
	render_all(&t, NULL, profile);
	if (((h >> 2) & 3) == 0) {
		/* An empty trust store: every chain is judged again, and
		 * fails. */
		trust = X509_STORE_new();
		FUZZ_CHECK(trust != NULL);
		render_all(&t, trust, profile);
		X509_STORE_free(trust);
	}
	store_cert_row_clear(&chain[0]);
	return 0;
}
