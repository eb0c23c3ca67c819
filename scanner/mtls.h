/* mtls.h: what a probe learns about mutual TLS, private to scanner/.
 *
 * Facts only: whether the server asked for our certificate, the CA names
 * it said it accepts, whether we presented one, and what the server did
 * after (kept the connection, closed it, or sent an alert). The report
 * judges them.
 */
#ifndef FEDCERT_SCANNER_MTLS_H
#define FEDCERT_SCANNER_MTLS_H

#include <openssl/ssl.h>

#include "fedcert_limits.h"
#include "store/store.h"

/* Owned by the probe; mtls_free() frees the names. */
struct mtls_facts {
	int requested;  /* a CertificateRequest arrived */
	int presented;  /* we answered it with a certificate */
	char **ca_names; /* RFC 2253, owned, at most FC_CA_NAMES_MAX; allocated
			    only when a server asks (most do not) */
	size_t nca;
	const char *outcome; /* static; NULL until known */
	const char *alert;   /* static: the alert's name, NULL without one */
};

/* Watches ssl for a CertificateRequest, filling f (which must outlive
 * ssl's handshake). */
void mtls_watch(SSL *ssl, struct mtls_facts *f);

/* The server's verdict, from how the exchange ended: kind is the probe's
 * failure kind (FAIL_NONE: the handshake completed and the server kept the
 * connection), alert the TLS alert number when kind is FAIL_TLS_ALERT. */
void mtls_settle(struct mtls_facts *f, enum failure_kind kind, int alert);

/* A TLS alert's name, also for those OpenSSL 3.0 does not name. */
const char *mtls_alert_name(int alert);

/* Copies the facts into the probe's record (borrowing f's strings). */
void mtls_fill(const struct mtls_facts *f, struct store_probe *r);

void mtls_free(struct mtls_facts *f);

#endif
