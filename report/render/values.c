/* values.c: what every renderer shares, at the bottom of render/: a
 * target's status and the worst severity shown, the name Windows gives a
 * signature algorithm, a text value written (or "-" when missing), and
 * the state of an endpoint's client certificate exchange in one word.
 * Nothing here calls another renderer, so that no renderer calls up.
 */
#include "report/render/render.h"

#include <stdio.h>
#include <string.h>

#include "report/render/escape.h"

/* Shown where a fact is missing (NULL column, negative timing). */

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

static int is(const char *s, const char *want)
{
	return s != NULL && strcmp(s, want) == 0;
}

const char *render_status_name(enum render_status s)
{
	switch (s) {
	case RENDER_FAIL:
		return "FAIL";
	case RENDER_WARN:
		return "WARN";
	default:
		return "PASS";
	}
}

const char *render_status_label(enum report_status s)
{
	if (s == REPORT_STATUS_INPUT_ERROR)
		return "INPUT_ERROR";
	return render_status_name((enum render_status)s);
}

enum render_status render_status_of(const struct finding_list *l,
				    const struct store_probe_row *probe)
{
	enum render_status s = RENDER_PASS;
	size_t i;

	for (i = 0; i < l->count; i++) {
		if (probe != NULL && l->items[i].probe != probe)
			continue;
		if (l->items[i].severity == SEVERITY_ERROR)
			return RENDER_FAIL;
		if (l->items[i].severity == SEVERITY_WARNING)
			s = RENDER_WARN;
	}
	return s;
}

int render_worst_shown(const struct render_target *rt)
{
	int worst = -1;
	size_t i;

	for (i = 0; i < rt->nshown; i++)
		if ((int)rt->shown[i]->severity > worst)
			worst = (int)rt->shown[i]->severity;
	return worst;
}

int render_worst_shown_of(const struct render_target *rt,
			  const struct store_probe_row *probe)
{
	int worst = -1;
	size_t i;

	for (i = 0; i < rt->nshown; i++)
		if (rt->shown[i]->probe == probe &&
		    (int)rt->shown[i]->severity > worst)
			worst = (int)rt->shown[i]->severity;
	return worst;
}

const char *render_client_cert_state(const struct store_probe_row *p)
{
	if (!p->cc_requested)
		return "not_requested";
	if (finding_cc_required(p))
		return "required";
	if (finding_cc_refused(p))
		return "rejected";
	if (is(p->cc_outcome, "accepted"))
		return p->cc_presented ? "accepted" : "requested";
	return "unknown";
}

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

void render_text_value(FILE *out, const char *s)
{
	if (s == NULL)
		fputs(RENDER_MISSING, out);
	else
		esc_text(out, s);
}

void render_endpoint_text(const char *address, int port,
			  char out[RENDER_ENDPOINT_MAX])
{
	const char *a = address != NULL ? address : RENDER_MISSING;

	if (strchr(a, ':') != NULL)
		snprintf(out, RENDER_ENDPOINT_MAX, "[%.60s]:%d", a, port);
	else
		snprintf(out, RENDER_ENDPOINT_MAX, "%.60s:%d", a, port);
}

size_t render_input_error_domain(const struct store_input_error_row *e,
				 char *buf, size_t len)
{
	const char *raw = e->raw != NULL ? e->raw : "";
	size_t n = strcspn(raw, ",\r\n");

	if (len > 0) {
		snprintf(buf, len, "%.*s", (int)(n < len ? n : len - 1), raw);
	}
	return n;
}

int render_same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

int render_same_sip(const struct store_sip_row *a,
		    const struct store_sip_row *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return a->status == b->status && render_same_str(a->error, b->error) &&
	       render_same_str(a->server, b->server) &&
	       render_same_str(a->reason, b->reason);
}

int render_copy_file(FILE *from, FILE *out)
{
	char buf[65536];
	size_t n;

	if (fflush(from) != 0 || ferror(from) || fseek(from, 0, SEEK_SET) != 0)
		return -1;
	while ((n = fread(buf, 1, sizeof buf, from)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			return -1;
	return ferror(from) ? -1 : 0;
}
