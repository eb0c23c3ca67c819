/* csv.c: the CSV report, RFC 4180, "\r\n" line ends, a header row first.
 *
 * One row per probe of a target; a target without probes gets one row with
 * status "error", the target's error_kind and error_reason, and the probe
 * and certificate columns empty. Every field is quoted by libcsv's
 * csv_fwrite() (which always quotes) after esc_csv_cell() has escaped
 * control bytes and invalid UTF-8 and disarmed formulas (a leading
 * apostrophe before '=', '+', '-', '@', TAB, CR). Numbers are written the
 * same way, so that one path writes every cell. Missing values (SQL NULL,
 * negative timings, verify_code -1) are empty cells.
 *
 * Columns, in order (a contract: README copies this list):
 *   line                 input line of the target
 *   domain               target domain (or address literal)
 *   type                 FED, SIP, SIPINT or DIR
 *   port                 target port as given
 *   address              probed IP address (IPv6 without brackets)
 *   endpoint_port        probed port
 *   sni                  SNI sent; empty when none was sent
 *   via                  how the target reached the endpoint
 *   status               ok | error (error: probe or target failed)
 *   error_kind           failure kind name (refused, timeout, ...)
 *   error_reason         the library's reason string
 *   tls_version          TLSv1.3, ...
 *   cipher               negotiated cipher suite
 *   verify_code          X509_V_OK (0) or X509_V_ERR_*; empty: not verified
 *   verify_result        OK, or the verification error's reason
 *   connect_ms           TCP connect time, 1 decimal
 *   handshake_ms         TLS handshake time, 1 decimal
 *   chain_length         certificates presented
 *   subject              leaf subject, RFC 2253
 *   issuer               leaf issuer, RFC 2253
 *   not_before           ISO 8601 UTC
 *   not_after            ISO 8601 UTC
 *   serial               uppercase hex
 *   signature_algorithm  Windows naming (sha256RSA, sha384ECDSA, ...)
 *   thumbprint           leaf SHA-1, 40 uppercase hex (as Windows shows it)
 *   sha256               leaf SHA-256, 64 lowercase hex (as stored)
 *   key_type             RSA, EC, ED25519, ...
 *   key_bits             public key size in bits
 *   srv_name             SRV name the route came from; empty for DIR
 *   srv_target           SRV target (host) of the route; empty for DIR
 *   srv_priority         that SRV record's priority; empty for DIR
 *   srv_weight           that SRV record's weight; empty for DIR
 *
 * The srv_* columns are empty too on the row of a target without probes.
 */
#include "report/render.h"

#include <assert.h>
#include <csv.h>
#include <ctype.h>
#include <string.h>

#include "report/escape.h"

static const char *const csv_columns[] = {
	"line", "domain", "type", "port", "address", "endpoint_port", "sni",
	"via", "status", "error_kind", "error_reason", "tls_version", "cipher",
	"verify_code", "verify_result", "connect_ms", "handshake_ms",
	"chain_length", "subject", "issuer", "not_before", "not_after",
	"serial", "signature_algorithm", "thumbprint", "sha256", "key_type",
	"key_bits", "srv_name", "srv_target", "srv_priority", "srv_weight",
};

#define CSV_NCOLUMNS (sizeof csv_columns / sizeof csv_columns[0])
#define CSV_EMPTY NULL

/* Column groups that a row can leave empty together. */
#define CSV_CERT_COLUMNS 10     /* subject .. key_bits */
#define CSV_ENDPOINT_COLUMNS 4  /* address, endpoint_port, sni, via */
#define CSV_HANDSHAKE_COLUMNS 7 /* tls_version .. chain_length */
#define CSV_ROUTE_COLUMNS 4     /* srv_name .. srv_weight */

/* Room for any number this file formats (a 64-bit integer, a timing). */
#define CSV_NUM_MAX 32

/* One row being written. buf is reused by every cell and owned here
 * (freed by the caller with esc_buf_free()). */
struct csv_row {
	FILE *out;
	struct esc_buf buf;
	size_t col;
	int failed; /* a cell could not be built: out of memory */
};

/* The one place a cell is written. */
static void csv_cell(struct csv_row *r, const char *s)
{
	if (r->col++ > 0)
		fputc(',', r->out);
	if (esc_csv_cell(&r->buf, s) < 0) {
		r->failed = 1;
		r->buf.len = 0;
	}
	csv_fwrite(r->out, r->buf.data != NULL ? r->buf.data : "", r->buf.len);
}

static void csv_end_row(struct csv_row *r)
{
	assert(r->col == CSV_NCOLUMNS);
	fputs("\r\n", r->out);
	r->col = 0;
}

static void csv_long(struct csv_row *r, long long v)
{
	char num[CSV_NUM_MAX];

	snprintf(num, sizeof num, "%lld", v);
	csv_cell(r, num);
}

/* Milliseconds with one decimal, empty when the step did not happen.
 * Formatted with integers so that a locale's decimal comma never reaches
 * the file; values beyond a year of milliseconds are not timings. */
static void csv_ms(struct csv_row *r, double ms)
{
	char num[CSV_NUM_MAX];
	long long tenths;

	if (!(ms >= 0 && ms < 1e12)) {
		csv_cell(r, CSV_EMPTY);
		return;
	}
	tenths = (long long)(ms * 10 + 0.5);
	snprintf(num, sizeof num, "%lld.%lld", tenths / 10, tenths % 10);
	csv_cell(r, num);
}

void render_csv_header(FILE *out)
{
	size_t i;

	/* Plain names: the apostrophe rule cannot touch them, and libcsv
	 * quotes them like every other field. */
	for (i = 0; i < CSV_NCOLUMNS; i++) {
		if (i > 0)
			fputc(',', out);
		csv_fwrite(out, csv_columns[i], strlen(csv_columns[i]));
	}
	fputs("\r\n", out);
}

static void csv_target_cells(struct csv_row *r,
			     const struct store_target_row *t)
{
	csv_long(r, t->line);
	csv_cell(r, t->domain);
	csv_cell(r, t->type);
	if (t->port > 0)
		csv_long(r, t->port);
	else
		csv_cell(r, CSV_EMPTY);
}

/* subject .. key_bits; c NULL writes them empty. */
static void csv_cert_cells(struct csv_row *r, const struct store_cert_row *c)
{
	char thumb[sizeof c->sha1];
	size_t i;

	if (c == NULL) {
		for (i = 0; i < CSV_CERT_COLUMNS; i++)
			csv_cell(r, CSV_EMPTY);
		return;
	}
	for (i = 0; i + 1 < sizeof thumb && c->sha1[i] != '\0'; i++)
		thumb[i] = (char)toupper((unsigned char)c->sha1[i]);
	thumb[i] = '\0';
	csv_cell(r, c->subject);
	csv_cell(r, c->issuer);
	csv_cell(r, c->not_before);
	csv_cell(r, c->not_after);
	csv_cell(r, c->serial);
	csv_cell(r, c->sig_alg ? render_sigalg_windows(c->sig_alg) : NULL);
	csv_cell(r, thumb);
	csv_cell(r, c->sha256);
	csv_cell(r, c->key_type);
	if (c->key_bits > 0)
		csv_long(r, c->key_bits);
	else
		csv_cell(r, CSV_EMPTY);
}

/* address .. chain_length of one probe. */
static void csv_probe_cells(struct csv_row *r, const struct store_probe_row *p)
{
	csv_cell(r, p->address);
	csv_long(r, p->port);
	csv_cell(r, p->sni);
	csv_cell(r, p->via);
	csv_cell(r, p->error_kind != NULL ? "error" : "ok");
	csv_cell(r, p->error_kind);
	csv_cell(r, p->error_reason);
	csv_cell(r, p->tls_version);
	csv_cell(r, p->cipher);
	if (p->verify_code >= 0) {
		csv_long(r, p->verify_code);
		csv_cell(r, p->verify_code == 0 ? "OK" : p->verify_reason);
	} else {
		csv_cell(r, CSV_EMPTY);
		csv_cell(r, CSV_EMPTY);
	}
	csv_ms(r, p->connect_ms);
	csv_ms(r, p->handshake_ms);
	csv_long(r, (long long)p->chain_len);
}

/* A number that is -1 when unused: empty then. */
static void csv_optional(struct csv_row *r, long long v)
{
	if (v >= 0)
		csv_long(r, v);
	else
		csv_cell(r, CSV_EMPTY);
}

/* srv_name .. srv_weight; empty for a DIR route (no SRV name) or when p
 * is NULL. */
static void csv_route_cells(struct csv_row *r, const struct store_probe_row *p)
{
	size_t i;

	if (p == NULL || p->srv_name == NULL) {
		for (i = 0; i < CSV_ROUTE_COLUMNS; i++)
			csv_cell(r, CSV_EMPTY);
		return;
	}
	csv_cell(r, p->srv_name);
	csv_cell(r, p->via);
	csv_optional(r, p->srv_priority);
	csv_optional(r, p->srv_weight);
}

/* address .. chain_length for a target that reached no endpoint. */
static void csv_target_error_cells(struct csv_row *r,
				   const struct store_target_row *t)
{
	const char *reason = t->error_reason;
	size_t i;

	if (t->error_kind == NULL && reason == NULL)
		reason = RENDER_NO_PROBE_REASON;
	for (i = 0; i < CSV_ENDPOINT_COLUMNS; i++)
		csv_cell(r, CSV_EMPTY);
	csv_cell(r, "error");
	csv_cell(r, t->error_kind);
	csv_cell(r, reason);
	for (i = 0; i < CSV_HANDSHAKE_COLUMNS; i++)
		csv_cell(r, CSV_EMPTY);
}

int render_csv_target_checked(FILE *out, const struct store_target_row *t)
{
	struct csv_row r = { .out = out };
	const struct store_probe_row *p;
	size_t i;

	if (t->probe_count == 0) {
		csv_target_cells(&r, t);
		csv_target_error_cells(&r, t);
		csv_cert_cells(&r, NULL);
		csv_route_cells(&r, NULL);
		csv_end_row(&r);
	}
	for (i = 0; i < t->probe_count; i++) {
		p = &t->probes[i];
		csv_target_cells(&r, t);
		csv_probe_cells(&r, p);
		csv_cert_cells(&r, p->chain_len > 0 ? &p->chain[0] : NULL);
		csv_route_cells(&r, p);
		csv_end_row(&r);
	}
	esc_buf_free(&r.buf);
	return r.failed ? -1 : 0;
}

void render_csv_target(FILE *out, const struct store_target_row *t)
{
	(void)render_csv_target_checked(out, t);
}
