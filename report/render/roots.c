/* roots.c: the well-known public roots a federation partner's chain ends
 * at, and where their CA publishes them: what the --chain view tells an
 * administrator whose Edge lacks the root.
 *
 * Keyed by the root's subject CN, exactly as the CA writes it. GlobalSign
 * names its R3 and R6 roots alike ("CN=GlobalSign", told apart by the OU):
 * one entry serves both, as one repository page lists both. The URLs are
 * the CAs' public repository pages, fixed here: fedcert never fetches them
 * and never shows a URL taken from a certificate as a download location
 * (the AIA caIssuers URL is shown as what it is, the certificate's claim).
 */
#include "report/render/render.h"

#include <string.h>

#include <openssl/x509v3.h>

#define ROOTS_DIGICERT                                                       \
	"https://www.digicert.com/kb/digicert-root-certificates.htm"
#define ROOTS_ISRG "https://letsencrypt.org/certificates/"
#define ROOTS_SECTIGO                                                        \
	"https://www.sectigo.com/knowledge-base/detail/"                     \
	"Sectigo-Root-Certificates/kA03l000000c4KV"
#define ROOTS_GLOBALSIGN                                                     \
	"https://support.globalsign.com/ca-certificates/root-certificates/"  \
	"globalsign-root-certificates"
#define ROOTS_ENTRUST                                                        \
	"https://www.entrust.com/resources/certificate-solutions/tools/"     \
	"root-certificate-downloads"
#define ROOTS_GODADDY "https://certs.godaddy.com/repository"
#define ROOTS_MICROSOFT "https://www.microsoft.com/pkiops/docs/repository.htm"

static const struct render_root roots[] = {
	{ "DigiCert Global Root G2", "DigiCert", ROOTS_DIGICERT },
	{ "DigiCert Global Root G3", "DigiCert", ROOTS_DIGICERT },
	{ "DigiCert Global Root CA", "DigiCert", ROOTS_DIGICERT },
	{ "Baltimore CyberTrust Root", "DigiCert", ROOTS_DIGICERT },
	{ "ISRG Root X1", "Let's Encrypt (ISRG)", ROOTS_ISRG },
	{ "ISRG Root X2", "Let's Encrypt (ISRG)", ROOTS_ISRG },
	{ "USERTrust RSA Certification Authority", "Sectigo", ROOTS_SECTIGO },
	{ "USERTrust ECC Certification Authority", "Sectigo", ROOTS_SECTIGO },
	{ "Sectigo Public Server Authentication Root R46", "Sectigo",
	  ROOTS_SECTIGO },
	{ "Sectigo Public Server Authentication Root E46", "Sectigo",
	  ROOTS_SECTIGO },
	{ "GlobalSign", "GlobalSign", ROOTS_GLOBALSIGN }, /* R3, R6 */
	{ "GlobalSign Root R46", "GlobalSign", ROOTS_GLOBALSIGN },
	{ "GlobalSign Root E46", "GlobalSign", ROOTS_GLOBALSIGN },
	{ "Entrust Root Certification Authority - G2", "Entrust",
	  ROOTS_ENTRUST },
	{ "Go Daddy Root Certificate Authority - G2", "GoDaddy",
	  ROOTS_GODADDY },
	{ "Microsoft RSA Root Certificate Authority 2017", "Microsoft",
	  ROOTS_MICROSOFT },
	{ "Microsoft ECC Root Certificate Authority 2017", "Microsoft",
	  ROOTS_MICROSOFT },
};

const struct render_root *render_root_lookup(const char *cn)
{
	size_t i;

	if (cn == NULL)
		return NULL;
	for (i = 0; i < sizeof roots / sizeof roots[0]; i++)
		if (strcmp(cn, roots[i].cn) == 0)
			return &roots[i];
	return NULL;
}

/* The first CN of x's issuer as UTF-8 (freed with OPENSSL_free()), or
 * NULL. */
static unsigned char *root_issuer_cn(X509 *x)
{
	const X509_NAME *name = X509_get_issuer_name(x);
	int at = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
	const ASN1_STRING *data;
	unsigned char *cn = NULL;

	if (at < 0)
		return NULL;
	data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, at));
	if (ASN1_STRING_to_UTF8(&cn, data) < 0)
		return NULL;
	return cn;
}

const struct render_root *render_root_above(X509 *top)
{
	const struct render_root *root;
	unsigned char *cn = root_issuer_cn(top);

	root = cn != NULL ? render_root_lookup((const char *)cn) : NULL;
	OPENSSL_free(cn);
	return root;
}

int render_each_ca_issuer(X509 *x, void (*fn)(const char *url, size_t len,
					      void *arg), void *arg)
{
	AUTHORITY_INFO_ACCESS *aia = X509_get_ext_d2i(x, NID_info_access,
						      NULL, NULL);
	const ASN1_IA5STRING *uri;
	ACCESS_DESCRIPTION *ad;
	int i, n = 0;

	for (i = 0; aia != NULL && i < sk_ACCESS_DESCRIPTION_num(aia); i++) {
		ad = sk_ACCESS_DESCRIPTION_value(aia, i);
		if (OBJ_obj2nid(ad->method) != NID_ad_ca_issuers ||
		    ad->location->type != GEN_URI)
			continue;
		uri = ad->location->d.uniformResourceIdentifier;
		fn((const char *)ASN1_STRING_get0_data(uri),
		   (size_t)ASN1_STRING_length(uri), arg);
		n++;
	}
	AUTHORITY_INFO_ACCESS_free(aia);
	return n;
}
