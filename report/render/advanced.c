/* advanced.c: the text report's --advanced and --chain views, decoded from
 * the DER the store keeps (the decoded columns hold only what every report
 * needs).
 *
 * --advanced: "Extensions:", then each extension of the leaf in the
 * certificate's order, "  Name (critical):" and its value indented under
 * it. The Enhanced Key Usage is written as Windows names it with the OID
 * beside ("Server Authentication (1.3.6.1.5.5.7.3.1)"), since the name is
 * what administrators search for and the OID what a CA's policy lists; the
 * SAN, the AIA and the CRL distribution points one name per line, each
 * name escaped whole (a newline inside a name cannot fake another line);
 * the others as OpenSSL lays them out (unknown ones as a hex dump), each of
 * its lines escaped.
 *
 * --chain: "Chain:", each item as presented ("  [0] Subject: ..."), with
 * whether it verified, as the judge found (judge/links.c): an item below
 * the top must be issued by the next one and its signature check with
 * that one's key; the top one is self-signed, or issued by a root of the
 * trust store given to the report.
 * Then where to get the root: the top item's AIA caIssuers URLs and, for a
 * well-known public root (roots.c), its CA's repository page.
 *
 * Everything OpenSSL prints here came from a certificate: it is written
 * through esc_text_n(), line by line.
 */
#include "report/render/render.h"

#include <limits.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/x509v3.h>

#include "report/judge/x509.h"
#include "report/render/escape.h"

#define ADV_INDENT "    "   /* an extension's value */
#define CHAIN_INDENT "      " /* a chain item's facts, under "  [0] " */

/* Writes what b holds, one indented, escaped line per line. */
static void adv_bio_lines(FILE *out, BIO *b, const char *indent)
{
	char *data = NULL;
	long n = BIO_get_mem_data(b, &data);
	const char *p = data, *end, *nl;

	/* An empty extension value prints nothing: no data pointer at all
	 * (found by fuzzing: NULL + 0 is undefined). */
	if (data == NULL || n <= 0)
		return;
	end = data + n;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (nl > p) {
			fputs(indent, out);
			esc_text_n(out, p, (size_t)(nl - p));
			fputc('\n', out);
		}
		p = nl + 1;
	}
}

/* Windows' names of the usages a SIP administrator meets. */
static const struct {
	const char *oid;
	const char *name;
} adv_eku_names[] = {
	{ "1.3.6.1.5.5.7.3.1", "Server Authentication" },
	{ "1.3.6.1.5.5.7.3.2", "Client Authentication" },
	{ "1.3.6.1.5.5.7.3.3", "Code Signing" },
	{ "1.3.6.1.5.5.7.3.4", "Secure Email" },
	{ "1.3.6.1.5.5.7.3.5", "IP security end system" },
	{ "1.3.6.1.5.5.7.3.6", "IP security tunnel termination" },
	{ "1.3.6.1.5.5.7.3.7", "IP security user" },
	{ "1.3.6.1.5.5.7.3.8", "Time Stamping" },
	{ "1.3.6.1.5.5.7.3.9", "OCSP Signing" },
	{ "1.3.6.1.4.1.311.10.3.3", "Microsoft Server Gated Crypto" },
	{ "1.3.6.1.4.1.311.20.2.2", "Smart Card Logon" },
	{ "2.16.840.1.113730.4.1", "Netscape Server Gated Crypto" },
	{ "1.3.6.1.5.2.3.5", "KDC Authentication" },
	{ "2.5.29.37.0", "Any Purpose" },
};

static const char *adv_eku_name(const ASN1_OBJECT *o, const char *oid)
{
	size_t i;
	int nid;

	for (i = 0; i < sizeof adv_eku_names / sizeof adv_eku_names[0]; i++)
		if (strcmp(oid, adv_eku_names[i].oid) == 0)
			return adv_eku_names[i].name;
	nid = OBJ_obj2nid(o);
	return nid != NID_undef ? OBJ_nid2ln(nid) : "Unknown Key Usage";
}

/* "    Server Authentication (1.3.6.1.5.5.7.3.1)", one per usage. */
static int adv_eku(FILE *out, X509_EXTENSION *ext)
{
	EXTENDED_KEY_USAGE *eku = X509V3_EXT_d2i(ext);
	char oid[CERT_OID_MAX];
	ASN1_OBJECT *o;
	int i;

	if (eku == NULL)
		return -1;
	for (i = 0; i < sk_ASN1_OBJECT_num(eku); i++) {
		o = sk_ASN1_OBJECT_value(eku, i);
		OBJ_obj2txt(oid, sizeof oid, o, 1);
		fputs(ADV_INDENT, out);
		esc_text(out, adv_eku_name(o, oid));
		fputs(" (", out);
		esc_text(out, oid);
		fputs(")\n", out);
	}
	EXTENDED_KEY_USAGE_free(eku);
	return 0;
}

/* One general name on one line ("DNS:sip.example.com", "URI:http://..."),
 * after prefix. Printed alone and escaped whole, so that a newline inside
 * a name cannot start a line that looks like another name. */
static void adv_name_line(FILE *out, const char *prefix, GENERAL_NAME *gn)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data = NULL;
	long n;

	fputs(ADV_INDENT, out);
	fputs(prefix, out);
	if (b == NULL || GENERAL_NAME_print(b, gn) != 1) {
		fputs("(could not be printed)\n", out);
		BIO_free(b);
		return;
	}
	n = BIO_get_mem_data(b, &data);
	if (data != NULL && n > 0)
		esc_text_n(out, data, (size_t)n);
	fputc('\n', out);
	BIO_free(b);
}

/* The SAN, one name per line. */
static int adv_san(FILE *out, X509_EXTENSION *ext)
{
	GENERAL_NAMES *gens = X509V3_EXT_d2i(ext);
	int i;

	if (gens == NULL)
		return -1;
	for (i = 0; i < sk_GENERAL_NAME_num(gens); i++)
		adv_name_line(out, "", sk_GENERAL_NAME_value(gens, i));
	GENERAL_NAMES_free(gens);
	return 0;
}

/* "OCSP - URI:...", "CA Issuers - URI:...", one access per line. */
static int adv_aia(FILE *out, X509_EXTENSION *ext)
{
	AUTHORITY_INFO_ACCESS *aia = X509V3_EXT_d2i(ext);
	ACCESS_DESCRIPTION *ad;
	char oid[CERT_OID_MAX], method[CERT_OID_MAX + 4];
	const char *name;
	int i, nid;

	if (aia == NULL)
		return -1;
	for (i = 0; i < sk_ACCESS_DESCRIPTION_num(aia); i++) {
		ad = sk_ACCESS_DESCRIPTION_value(aia, i);
		nid = OBJ_obj2nid(ad->method);
		name = nid == NID_ad_OCSP	? "OCSP"
		       : nid == NID_ad_ca_issuers ? "CA Issuers"
						  : NULL;
		if (name == NULL) { /* digits and dots only */
			OBJ_obj2txt(oid, sizeof oid, ad->method, 1);
			name = oid;
		}
		snprintf(method, sizeof method, "%s - ", name);
		adv_name_line(out, method, ad->location);
	}
	AUTHORITY_INFO_ACCESS_free(aia);
	return 0;
}

/* Each distribution point's full names, one per line; OpenSSL's layout
 * for the rare points named relative to the issuer, or with reasons. */
static int adv_crldp(FILE *out, X509_EXTENSION *ext, BIO *b)
{
	CRL_DIST_POINTS *dps = X509V3_EXT_d2i(ext);
	GENERAL_NAMES *names;
	DIST_POINT *dp;
	int i, j, plain = 1;

	if (dps == NULL)
		return -1;
	for (i = 0; i < sk_DIST_POINT_num(dps); i++) {
		dp = sk_DIST_POINT_value(dps, i);
		plain = plain && dp->distpoint != NULL &&
			dp->distpoint->type == 0 && dp->reasons == NULL &&
			dp->CRLissuer == NULL;
	}
	for (i = 0; plain && i < sk_DIST_POINT_num(dps); i++) {
		names = sk_DIST_POINT_value(dps, i)->distpoint->name.fullname;
		for (j = 0; j < sk_GENERAL_NAME_num(names); j++)
			adv_name_line(out, "", sk_GENERAL_NAME_value(names, j));
	}
	CRL_DIST_POINTS_free(dps);
	if (plain)
		return 0;
	if (X509V3_EXT_print(b, ext, X509V3_EXT_DUMP_UNKNOWN, 0) != 1)
		return -1;
	adv_bio_lines(out, b, ADV_INDENT);
	return 0;
}

/* The names Windows' certificate dialog uses; OpenSSL's long name (or the
 * OID) for the others. */
static const struct {
	int nid;
	const char *name;
} adv_ext_names[] = {
	{ NID_certificate_policies, "Certificate Policies" },
	{ NID_key_usage, "Key Usage" },
	{ NID_ext_key_usage, "Enhanced Key Usage" },
	{ NID_subject_key_identifier, "Subject Key Identifier" },
	{ NID_authority_key_identifier, "Authority Key Identifier" },
	{ NID_crl_distribution_points, "CRL Distribution Points" },
	{ NID_info_access, "Authority Information Access" },
	{ NID_subject_alt_name, "Subject Alternative Name" },
	{ NID_issuer_alt_name, "Issuer Alternative Name" },
	{ NID_basic_constraints, "Basic Constraints" },
	{ NID_name_constraints, "Name Constraints" },
	{ NID_ct_precert_scts, "SCT List" },
};

/* "  Key Usage (critical):" */
static void adv_ext_head(FILE *out, X509_EXTENSION *ext)
{
	ASN1_OBJECT *o = X509_EXTENSION_get_object(ext);
	int nid = OBJ_obj2nid(o);
	char name[CERT_OID_MAX];
	size_t i;

	OBJ_obj2txt(name, sizeof name, o, 0);
	for (i = 0; i < sizeof adv_ext_names / sizeof adv_ext_names[0]; i++)
		if (nid == adv_ext_names[i].nid)
			snprintf(name, sizeof name, "%s",
				 adv_ext_names[i].name);
	fputs("  ", out);
	esc_text(out, name);
	fputs(X509_EXTENSION_get_critical(ext) ? " (critical):\n" : ":\n",
	      out);
}

static void adv_extension(FILE *out, X509_EXTENSION *ext)
{
	int nid = OBJ_obj2nid(X509_EXTENSION_get_object(ext));
	BIO *b = BIO_new(BIO_s_mem());
	int rc;

	adv_ext_head(out, ext);
	if (b == NULL) {
		fputs(ADV_INDENT "(out of memory)\n", out);
		return;
	}
	if (nid == NID_ext_key_usage) {
		rc = adv_eku(out, ext);
	} else if (nid == NID_subject_alt_name) {
		rc = adv_san(out, ext);
	} else if (nid == NID_info_access) {
		rc = adv_aia(out, ext);
	} else if (nid == NID_crl_distribution_points) {
		rc = adv_crldp(out, ext, b);
	} else {
		rc = X509V3_EXT_print(b, ext, X509V3_EXT_DUMP_UNKNOWN, 0) == 1
			     ? 0 : -1;
		if (rc == 0)
			adv_bio_lines(out, b, ADV_INDENT);
	}
	if (rc < 0)
		fputs(ADV_INDENT "(could not be decoded)\n", out);
	BIO_free(b);
}

void render_text_extensions(FILE *out, const struct store_cert_row *leaf)
{
	X509 *x = cert_from_row(leaf);
	int i, n;

	fputs("Extensions:", out);
	if (x == NULL) {
		fputs(" (the certificate could not be decoded)\n", out);
		return;
	}
	n = X509_get_ext_count(x);
	fputs(n == 0 ? " (none)\n" : "\n", out);
	for (i = 0; i < n; i++)
		adv_extension(out, X509_get_ext(x, i));
	X509_free(x);
}

/* ---- --chain ------------------------------------------------------------ */

/* The top item's verdict, in words. */
static void chain_verify_top(FILE *out, enum judge_link_verdict v)
{
	switch (v) {
	case LINK_ROOT_NO_STORE:
		fputs("self-signed (a root: trusted only where it is in the "
		      "trust store)\n", out);
		break;
	case LINK_ROOT_IN_STORE:
		fputs("self-signed, a root of the trust store\n", out);
		break;
	case LINK_ROOT_NOT_IN_STORE:
		fputs("NO (self-signed, not in the trust store)\n", out);
		break;
	case LINK_TOP_NO_STORE:
		fputs("not checked (its issuer was not presented; give "
		      "--ca-file or --ca-path to check it against a trust "
		      "store)\n", out);
		break;
	case LINK_TOP_NOMEM:
		fputs("not checked (out of memory)\n", out);
		break;
	case LINK_TOP_ISSUER_UNTRUSTED:
		fputs("NO (its issuer is not in the trust store)\n", out);
		break;
	case LINK_TOP_TRUSTED:
		fputs("yes (issued by a root of the trust store)\n", out);
		break;
	default:
		fputs("NO (its signature does not check with the trust "
		      "store's root of that name)\n", out);
	}
}

/* What --chain says of each verdict (judge_chain_link()). */
static void chain_verify(FILE *out, const struct store_probe_row *p, size_t i,
			 X509_STORE *trust)
{
	struct judge_link v;

	judge_chain_link(p, i, trust, &v);
	fputs(CHAIN_INDENT "Verified: ", out);
	switch (v.verdict) {
	case LINK_UNDECODABLE:
		fputs("not checked (the certificate could not be decoded)\n", out);
		break;
	case LINK_NEXT_UNDECODABLE:
		fprintf(out, "not checked ([%zu] could not be decoded)\n", i + 1);
		break;
	case LINK_NOT_ISSUED_BY_NEXT:
		fprintf(out, "NO ([%zu] is not its issuer: %s)\n", i + 1,
			v.reason);
		break;
	case LINK_SIGNED_BY_NEXT:
		fprintf(out, "yes (signed by [%zu])\n", i + 1);
		break;
	case LINK_NEXT_KEY_MISMATCH:
		fprintf(out, "NO (its signature does not check with [%zu]'s "
			     "key)\n", i + 1);
		break;
	default:
		chain_verify_top(out, v.verdict);
	}
}

static void chain_line(FILE *out, const char *label, const char *value)
{
	fprintf(out, CHAIN_INDENT "%s: ", label);
	render_text_value(out, value);
	fputc('\n', out);
}

static void chain_item(FILE *out, const struct store_probe_row *p, size_t i,
		       X509_STORE *trust)
{
	const struct store_cert_row *c = &p->chain[i];
	char thumb[sizeof c->sha1];

	hex_thumbprint(c->sha1, thumb);
	fprintf(out, "  [%zu] Subject: ", i);
	render_text_value(out, c->subject);
	fputc('\n', out);
	chain_line(out, "Issuer", c->issuer);
	chain_line(out, "Not Before", c->not_before);
	chain_line(out, "Not After", c->not_after);
	chain_line(out, "Serial Number", c->serial);
	chain_line(out, "Signature Algorithm",
		   render_sigalg_windows(c->sig_alg));
	chain_line(out, "Thumbprint", thumb[0] != '\0' ? thumb : NULL);
	chain_verify(out, p, i, trust);
}

/* "  AIA caIssuers of [n]: URL", one per caIssuers URI. */
struct chain_aia {
	FILE *out;
	size_t top;
};

static void chain_ca_issuer(const char *url, size_t len, void *arg)
{
	struct chain_aia *a = arg;

	fprintf(a->out, "  AIA caIssuers of [%zu]: ", a->top);
	esc_text_n(a->out, url, len);
	fputc('\n', a->out);
}

/* "Root: ..." (the top item's issuer), its AIA caIssuers URLs, and the
 * repository of a well-known public root. */
static void chain_root_hint(FILE *out, const struct store_probe_row *p)
{
	size_t top = p->chain_len - 1;
	X509 *x = cert_from_row(&p->chain[top]);
	const struct render_root *root;
	struct chain_aia aia = { out, top };

	fputs("Root: ", out);
	render_text_value(out, p->chain[top].issuer);
	fputc('\n', out);
	if (x == NULL)
		return;
	if (render_each_ca_issuer(x, chain_ca_issuer, &aia) == 0)
		fprintf(out, "  AIA caIssuers of [%zu]: (none)\n", top);
	root = render_root_above(x);
	if (root != NULL)
		fprintf(out, "  Download from %s: %s\n", root->ca, root->url);
	else
		fputs("  Download: (not a well-known public root: ask the "
		      "partner or its CA)\n", out);
	X509_free(x);
}

void render_text_chain(FILE *out, const struct store_probe_row *p,
		       X509_STORE *trust)
{
	size_t i;

	if (p->chain_len == 0)
		return;
	fputs("Chain:\n", out);
	for (i = 0; i < p->chain_len; i++)
		chain_item(out, p, i, trust);
	chain_root_hint(out, p);
}
