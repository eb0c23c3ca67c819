/* tls.c: the one client context every probe of a scan shares. */
#include <stdio.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "scan_int.h"

/* We audit, we do not refuse: Debian's openssl.cnf asks for TLS 1.2 and
 * security level 2, which would fail a TLS 1.0 peer or a 1024-bit chain
 * before we saw its certificate. The report judges what we saw. */
static int tls_lower_floor(SSL_CTX *ctx)
{
	SSL_CTX_set_security_level(ctx, 0);
	if (!SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION))
		return -1;
	if (!SSL_CTX_set_cipher_list(ctx, "ALL:!aNULL:!eNULL:@SECLEVEL=0"))
		return -1;
	SSL_CTX_set_options(ctx, SSL_OP_LEGACY_SERVER_CONNECT | SSL_OP_NO_TICKET);
	/* Each endpoint is probed once: a session cache would only cost. */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	/* A bound on what one peer's certificates may cost us. */
	SSL_CTX_set_max_cert_list(ctx, FC_CERT_LIST_MAX);
	/* Verification still runs and its result is recorded; it just does not
	 * abort the handshake. */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	return 0;
}

static void tls_reason(char *buf, size_t len)
{
	unsigned long e = ERR_get_error();

	if (e == 0)
		snprintf(buf, len, "unknown error");
	else
		ERR_error_string_n(e, buf, len);
	ERR_clear_error();
}

SSL_CTX *scan_tls_context(const struct scan_options *opts, char *err,
			  size_t errlen)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	char reason[FC_REASON_MAX];

	if (ctx == NULL) {
		tls_reason(reason, sizeof(reason));
		snprintf(err, errlen, "cannot create a TLS context: %s", reason);
		return NULL;
	}
	if (tls_lower_floor(ctx) != 0) {
		tls_reason(reason, sizeof(reason));
		snprintf(err, errlen, "cannot configure TLS: %s", reason);
		goto fail;
	}
	if (opts->ca_file || opts->ca_path) {
		if (!SSL_CTX_load_verify_locations(ctx, opts->ca_file,
						   opts->ca_path)) {
			tls_reason(reason, sizeof(reason));
			snprintf(err, errlen, "%s: cannot load trusted certificates: %s",
				 opts->ca_file ? opts->ca_file : opts->ca_path,
				 reason);
			goto fail;
		}
	} else if (!SSL_CTX_set_default_verify_paths(ctx)) {
		tls_reason(reason, sizeof(reason));
		snprintf(err, errlen, "cannot load the system trust store: %s",
			 reason);
		goto fail;
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}
