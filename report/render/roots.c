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
