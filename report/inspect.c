/* inspect.c: `fedcert inspect FILE...`: will this certificate work on
 * our Edge? The file's chain becomes the one probe of an in-memory target
 * (the rows store.h's reader would hand over), judged by
 * findings_judge_target() and written by the report's own renderers: the
 * same findings, the same words, no copy of either. No network, no
 * database.
 *
 * What a scan would have measured is absent, not invented: no address, no
 * TLS version, no DNS. The name (--name) becomes the probe's SNI and host,
 * so that the name checks run as for a target reached by that name; the
 * type (--type, FED by default) is the target's.
 */
#include "report/report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "fedcert_limits.h"
#include "report/judge/events.h"
#include "report/judge/findings.h"
#include "report/render/render.h"
#include "report/judge/x509.h"


/* The certificates of the file, as store rows; each row's strings and DER
 * are owned here, freed by inspect_free(). */
struct inspect {
	const char *file;
	unsigned char *data; /* the file's bytes */
	size_t len;
	X509 *certs[FC_CHAIN_MAX];
	struct store_cert_row rows[FC_CHAIN_MAX];
	size_t n;
};

static void inspect_free(struct inspect *in)
{
	size_t i;

	for (i = 0; i < in->n; i++) {
		X509_free(in->certs[i]);
		store_cert_row_clear(&in->rows[i]);
	}
	free(in->data);
	in->n = 0;
}

/* ---- Reading the file -------------------------------------------------- */

static int inspect_read(struct inspect *in, char *err, size_t errlen)
{
	FILE *f = fopen(in->file, "rb");
	size_t got;

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", in->file, strerror(errno));
		return -1;
	}
	/* One byte more than allowed tells a file at the limit from one
	 * beyond it. */
	in->data = malloc(REPORT_INSPECT_FILE_MAX + 1);
	if (in->data == NULL) {
		fclose(f);
		snprintf(err, errlen, "%s: out of memory", in->file);
		return -1;
	}
	got = fread(in->data, 1, REPORT_INSPECT_FILE_MAX + 1, f);
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", in->file, strerror(errno));
		fclose(f);
		return -1;
	}
	fclose(f);
	if (got > REPORT_INSPECT_FILE_MAX) {
		snprintf(err, errlen, "%s: larger than %d bytes: not a "
			 "certificate file", in->file, REPORT_INSPECT_FILE_MAX);
		return -1;
	}
	in->len = got;
	return 0;
}

static int inspect_add(struct inspect *in, X509 *x, char *err, size_t errlen)
{
	if (in->n == FC_CHAIN_MAX) {
		X509_free(x);
		snprintf(err, errlen, "%s: more than %d certificates", in->file,
			 FC_CHAIN_MAX);
		return -1;
	}
	in->certs[in->n++] = x;
	return 0;
}

/* OpenSSL's reason for the last failure, or a fallback. */
static const char *inspect_reason(void)
{
	const char *r = ERR_reason_error_string(ERR_peek_last_error());

	return r != NULL ? r : "unknown reason";
}

/* Every CERTIFICATE block, in file order; other blocks (a key, a CSR) are
 * skipped by OpenSSL's PEM reader, which is why a key next to the
 * certificate does no harm. The reader ends with "no start line". */
static int inspect_pem(struct inspect *in, char *err, size_t errlen)
{
	BIO *bio = BIO_new_mem_buf(in->data, (int)in->len);
	X509 *x;
	unsigned long e;
	int rc = -1;

	if (bio == NULL) {
		snprintf(err, errlen, "%s: out of memory", in->file);
		return -1;
	}
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL)
		if (inspect_add(in, x, err, errlen) != 0)
			goto out;
	e = ERR_peek_last_error();
	if (e == 0 || (ERR_GET_LIB(e) == ERR_LIB_PEM &&
		       ERR_GET_REASON(e) == PEM_R_NO_START_LINE))
		rc = 0;
	else
		snprintf(err, errlen, "%s: certificate %zu is not a valid "
			 "certificate: %s", in->file, in->n + 1,
			 inspect_reason());
out:
	BIO_free(bio);
	return rc;
}

/* DER certificates one after another, nothing else. */
static int inspect_der(struct inspect *in, char *err, size_t errlen)
{
	const unsigned char *p = in->data, *end = in->data + in->len;

	while (p < end) {
		X509 *x = d2i_X509(NULL, &p, (long)(end - p));

		if (x == NULL) {
			snprintf(err, errlen, "%s: not a certificate (neither "
				 "PEM nor DER X.509): %s", in->file,
				 inspect_reason());
			return -1;
		}
		if (inspect_add(in, x, err, errlen) != 0)
			return -1;
	}
	return 0;
}

/* Whether the bytes hold a PEM header: then it is a PEM file. */
static int inspect_is_pem(const struct inspect *in)
{
	static const char mark[] = "-----BEGIN";
	size_t i, n = sizeof mark - 1;

	for (i = 0; i + n <= in->len; i++)
		if (memcmp(in->data + i, mark, n) == 0)
			return 1;
	return 0;
}

static int inspect_parse(struct inspect *in, char *err, size_t errlen)
{
	ERR_clear_error();
	if (in->len == 0) {
		snprintf(err, errlen, "%s: empty: not a certificate", in->file);
		return -1;
	}
	if ((inspect_is_pem(in) ? inspect_pem(in, err, errlen)
				: inspect_der(in, err, errlen)) != 0)
		return -1;
	if (in->n == 0) {
		snprintf(err, errlen, "%s: not a certificate (no CERTIFICATE "
			 "block in it)", in->file);
		return -1;
	}
	return 0;
}

/* ---- The rows ---------------------------------------------------------- */

/* The row the store would hand over for x once a scan captured it
 * (store_cert_row_of(): the same decoder, the same columns). -1 when
 * memory ran out. */
static int inspect_row(X509 *x, struct store_cert_row *r)
{
	unsigned char *der = NULL;
	int len = i2d_X509(x, &der), rc;

	if (len <= 0)
		return -1;
	rc = store_cert_row_of(der, (size_t)len, x, r);
	OPENSSL_free(der);
	return rc;
}

/* ---- Judging and writing ----------------------------------------------- */

/* What report_inspect() hands the renderers. */
struct inspect_view {
	struct store_probe_row probe;
	struct store_target_row target;
	struct finding_list all;
	const struct finding **shown;
	struct render_target rt;
};

static void inspect_target(const struct report_inspect *what,
			   struct inspect *in, struct inspect_view *v)
{
	v->probe = (struct store_probe_row){
		.id = 1, .sni = (char *)what->name, .via = (char *)what->name,
		.srv_priority = -1, .srv_weight = -1, .connect_ms = -1,
		.handshake_ms = -1, .verify_code = -1,
		.chain_len = in->n, .chain = in->rows,
	};
	v->target = (struct store_target_row){
		.id = 1, .domain = (char *)what->name,
		.type = (char *)(what->type != NULL ? what->type : "FED"),
		.probe_count = 1, .probes = &v->probe,
	};
}

static int inspect_judge(const struct report_options *o, X509_STORE *trust,
			 struct trust_events *events, struct inspect_view *v,
			 int *flagged)
{
	struct judge_options judge = { .trust = trust, .events = events };
	const char *reason;

	judge.now = o->now != 0 ? o->now : time(NULL);
	judge.warn_days = judge_warn_days(o->warn_days);
	judge.profile = o->profile;
	v->probe.verify_code = findings_verify_chain(
		trust, v->probe.chain, v->probe.chain_len, judge.now, &reason);
	v->probe.verify_reason = (char *)reason; /* static, OpenSSL's */
	if (findings_judge_target(&judge, &v->target, &v->all) < 0 ||
	    render_select_shown(o, &v->all, &v->shown, &v->rt.nshown,
				flagged) < 0)
		return -1;
	v->rt.row = &v->target;
	v->rt.all = &v->all;
	v->rt.shown = v->shown;
	v->rt.status = render_status_of(&v->all, NULL);
	v->rt.now = judge.now;
	v->rt.profile = judge.profile;
	return 0;
}

static void inspect_render(const char *file, const struct report_options *o,
			   X509_STORE *trust, const struct inspect_view *v,
			   FILE *out)
{
	struct render_text_options text = { .advanced = o->advanced,
					    .chain = o->chain, .trust = trust,
					    .file = file };

	if (o->format == REPORT_JSON)
		render_json_file_target(out, file, &v->rt);
	else
		render_text_file(out, &text, &v->rt);
}

/* One file, judged and written. 0; 1 when the file cannot be read or
 * holds no certificate (a message in err); -1 when memory ran out. */
static int inspect_one(const struct report_inspect *what, const char *file,
		       const struct report_options *opts, X509_STORE *trust,
		       struct trust_events *events, FILE *out, int *flagged,
		       char *err, size_t errlen)
{
	struct inspect in = { .file = file };
	struct inspect_view v = { 0 };
	size_t i;
	int rc = 1;

	if (inspect_read(&in, err, errlen) != 0 ||
	    inspect_parse(&in, err, errlen) != 0)
		goto out;
	rc = -1;
	for (i = 0; i < in.n; i++)
		if (inspect_row(in.certs[i], &in.rows[i]) != 0) {
			snprintf(err, errlen, "%s: out of memory", file);
			goto out;
		}
	inspect_target(what, &in, &v);
	if (inspect_judge(opts, trust, events, &v, flagged) != 0) {
		snprintf(err, errlen, "judging %s: out of memory", file);
		goto out;
	}
	inspect_render(file, opts, trust, &v, out);
	rc = 0;
out:
	ERR_clear_error();
	free(v.shown);
	finding_list_free(&v.all);
	inspect_free(&in);
	return rc;
}

int report_inspect(const struct report_inspect *what,
		   const struct report_options *opts, FILE *out, int *flagged,
		   size_t *failed, char *err, size_t errlen)
{
	X509_STORE *trust = NULL;
	struct trust_events own, *events;
	size_t i;
	int rc = -1, one, flagged_one;

	*flagged = 0;
	*failed = 0;
	if (trust_events_for(opts->trust_events, opts->ntrust_events, &own,
			     &events, err, errlen) != 0)
		return -1;
	/* Once for every file: the system's store costs more than a file. */
	if (judge_load_trust(opts->ca_file, opts->ca_path, 1, &trust, err,
			      errlen) != 0)
		goto out;
	for (i = 0; i < what->nfiles; i++) {
		flagged_one = 0;
		one = inspect_one(what, what->files[i], opts, trust, events,
				  out, &flagged_one, err, errlen);
		if (one < 0)
			goto out;
		if (one > 0) {
			(*failed)++;
			if (opts->notes != NULL)
				fprintf(opts->notes, "fedcert inspect: %s\n",
					err);
		}
		*flagged |= flagged_one;
	}
	if (fflush(out) != 0 || ferror(out)) {
		snprintf(err, errlen, "writing the report: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	ERR_clear_error();
	X509_STORE_free(trust);
	trust_events_free(&own);
	return rc;
}
