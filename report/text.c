/* text.c: the text report, in the layout of the Lync / Skype for Business
 * certificate-check tools ("Checking FQDN", "Checking IP Address", then one
 * "Label: value" line per fact), so administrators find what they know.
 *
 * Every block starts with a blank line, which puts exactly one blank line
 * between blocks. Each untrusted string goes through esc_text() in
 * text_value(), the one place a value is written.
 */
#include "report/render.h"

#include <ctype.h>
#include <string.h>

#include "report/escape.h"

/* Shown where a fact is missing (NULL column, negative timing). */
#define TEXT_MISSING "-"

/* OpenSSL long names and what Windows' certificate dialog calls them. */
static const struct {
	const char *openssl;
	const char *windows;
} sigalg_names[] = {
	{ "md5WithRSAEncryption", "md5RSA" },
	{ "sha1WithRSAEncryption", "sha1RSA" },
	{ "sha256WithRSAEncryption", "sha256RSA" },
	{ "sha384WithRSAEncryption", "sha384RSA" },
	{ "sha512WithRSAEncryption", "sha512RSA" },
	{ "ecdsa-with-SHA1", "sha1ECDSA" },
	{ "ecdsa-with-SHA256", "sha256ECDSA" },
	{ "ecdsa-with-SHA384", "sha384ECDSA" },
	{ "ecdsa-with-SHA512", "sha512ECDSA" },
	{ "RSASSA-PSS", "RSASSA-PSS" },
	{ "ED25519", "Ed25519" },
};

const char *render_sigalg_windows(const char *openssl_name)
{
	size_t i;

	if (openssl_name == NULL)
		return "unknown";
	for (i = 0; i < sizeof sigalg_names / sizeof sigalg_names[0]; i++)
		if (strcmp(openssl_name, sigalg_names[i].openssl) == 0)
			return sigalg_names[i].windows;
	/* Borrowed from the caller: still untrusted, still to be escaped. */
	return openssl_name;
}

/* Writes an untrusted value, or TEXT_MISSING for NULL. */
static void text_value(FILE *out, const char *s)
{
	if (s == NULL)
		fputs(TEXT_MISSING, out);
	else
		esc_text(out, s);
}

static void text_line(FILE *out, const char *label, const char *s)
{
	fprintf(out, "%s: ", label);
	text_value(out, s);
	fputc('\n', out);
}

/* Milliseconds with one decimal, or TEXT_MISSING when the step did not
 * happen (negative, or a NaN read back from the database). */
static void text_ms(FILE *out, double ms)
{
	if (ms >= 0)
		fprintf(out, "%.1f ms", ms);
	else
		fputs(TEXT_MISSING, out);
}

void render_text_scan(FILE *out, const struct store_scan_row *scan)
{
	fprintf(out, "fedcert report: scan %lld", (long long)scan->id);
	if (scan->input != NULL) {
		fputs(" of ", out);
		text_value(out, scan->input);
	}
	fputs(", started ", out);
	text_value(out, scan->started);
	if (scan->finished != NULL) {
		fputs(", finished ", out);
		text_value(out, scan->finished);
	} else {
		fputs(", not finished", out);
	}
	fputs(" (", out);
	text_value(out, scan->status);
	fputs(")\n", out);
}

/* "Checking FQDN: sip.example.com:5061 (DIR, line 2)": a DIR target names
 * its port; an SRV type's port comes from DNS, so only the domain. */
static void text_fqdn(FILE *out, const struct store_target_row *t)
{
	int is_dir = t->type != NULL && strcmp(t->type, "DIR") == 0;
	int bracket = is_dir && t->domain != NULL && strchr(t->domain, ':');

	fputs("\nChecking FQDN: ", out);
	if (bracket)
		fputc('[', out);
	text_value(out, t->domain);
	if (bracket)
		fputc(']', out);
	if (is_dir)
		fprintf(out, ":%d", t->port);
	fputs(" (", out);
	text_value(out, t->type);
	fprintf(out, ", line %ld)\n", t->line);
}

/* The target's own error: its reason, or its kind in parentheses when no
 * reason was recorded. */
static void text_target_error(FILE *out, const struct store_target_row *t)
{
	fputs("Error: ", out);
	if (t->error_reason != NULL) {
		text_value(out, t->error_reason);
	} else if (t->error_kind != NULL) {
		fputc('(', out);
		text_value(out, t->error_kind);
		fputc(')', out);
	} else {
		fputs(RENDER_NO_PROBE_REASON, out);
	}
	fputc('\n', out);
}

static void text_verify(FILE *out, const struct store_probe_row *p)
{
	fputs("Chain Verification: ", out);
	if (p->verify_code == 0) {
		fputs("OK", out);
	} else if (p->verify_code < 0) {
		fputs("not verified", out);
	} else {
		fputs("Failed: ", out);
		text_value(out, p->verify_reason);
		fprintf(out, " (%ld)", p->verify_code);
	}
	fputc('\n', out);
}

/* The leaf's facts. The thumbprint is Windows' SHA-1, in its uppercase. */
static void text_cert(FILE *out, const struct store_cert_row *c)
{
	char thumb[sizeof c->sha1];
	size_t i;

	for (i = 0; i + 1 < sizeof thumb && c->sha1[i] != '\0'; i++)
		thumb[i] = (char)toupper((unsigned char)c->sha1[i]);
	thumb[i] = '\0';
	text_line(out, "Subject", c->subject);
	text_line(out, "Issuer", c->issuer);
	text_line(out, "Not Before", c->not_before);
	text_line(out, "Not After", c->not_after);
	text_line(out, "Serial Number", c->serial);
	text_line(out, "Signature Algorithm",
		  render_sigalg_windows(c->sig_alg));
	text_line(out, "Thumbprint", thumb[0] != '\0' ? thumb : NULL);
	if (c->x509_version > 0)
		fprintf(out, "Version: V%d\n", c->x509_version);
	else
		fputs("Version: " TEXT_MISSING "\n", out);
	fputs("Public Key: ", out);
	text_value(out, c->key_type);
	if (c->key_bits > 0)
		fprintf(out, " %d bits", c->key_bits);
	fputc('\n', out);
}

/* "Checking IP Address", the SNI and, for a failed probe, its error right
 * under them, where the administrator looks first. */
static void text_probe_head(FILE *out, const struct store_probe_row *p)
{
	fputs("\nChecking IP Address: ", out);
	if (p->address != NULL && strchr(p->address, ':') != NULL) {
		fputc('[', out);
		text_value(out, p->address);
		fputc(']', out);
	} else {
		text_value(out, p->address);
	}
	fprintf(out, ":%d\n", p->port);
	fputs("SNI: ", out);
	if (p->sni != NULL)
		text_value(out, p->sni);
	else
		fputs("(none)", out);
	fputc('\n', out);
	if (p->error_kind == NULL)
		return;
	fputs("Error: ", out);
	text_value(out, p->error_kind);
	if (p->error_reason != NULL) {
		fputs(" (", out);
		text_value(out, p->error_reason);
		fputc(')', out);
	}
	fputc('\n', out);
}

/* A failed probe shows only what it still got: the connect time once the
 * connection was made, and the chain when one was captured before the
 * failure (an alert after the Certificate message). */
static void text_probe(FILE *out, const struct store_probe_row *p)
{
	int failed = p->error_kind != NULL;

	text_probe_head(out, p);
	if (!failed || p->connect_ms >= 0) {
		fputs("Connect: ", out);
		text_ms(out, p->connect_ms);
		fputs(", Handshake: ", out);
		text_ms(out, p->handshake_ms);
		fputc('\n', out);
	}
	if (failed && p->chain_len == 0)
		return;
	text_line(out, "TLS Version", p->tls_version);
	text_line(out, "Cipher", p->cipher);
	text_verify(out, p);
	fprintf(out, "Chain Length: %zu\n", p->chain_len);
	if (p->chain_len > 0)
		text_cert(out, &p->chain[0]);
}

void render_text_target(FILE *out, const struct store_target_row *t)
{
	size_t i;

	text_fqdn(out, t);
	/* A target can have probes and an error (one address family failed
	 * to resolve); show the error whenever there is one. */
	if (t->probe_count == 0 || t->error_kind != NULL ||
	    t->error_reason != NULL)
		text_target_error(out, t);
	for (i = 0; i < t->probe_count; i++)
		text_probe(out, &t->probes[i]);
}

void render_text_input_error_heading(FILE *out)
{
	fputs("\nInput errors:\n", out);
}

void render_text_input_error(FILE *out, const char *input,
			     const struct store_input_error_row *e)
{
	text_value(out, input);
	fprintf(out, ":%ld: ", e->line);
	text_value(out, e->reason);
	fputc('\n', out);
}

void render_totals_add_target(struct render_totals *tot,
			      const struct store_target_row *t)
{
	size_t i;

	tot->targets++;
	tot->probes += t->probe_count;
	for (i = 0; i < t->probe_count; i++)
		if (t->probes[i].error_kind != NULL)
			tot->failed++;
}

void render_text_summary(FILE *out, const struct render_totals *tot)
{
	fprintf(out,
		"\n%zu targets, %zu endpoints probed, %zu failed, "
		"%zu input errors\n",
		tot->targets, tot->probes, tot->failed, tot->input_errors);
}
