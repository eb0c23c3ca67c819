/* tls.c: the one client context every probe of a scan shares. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

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
	/* A probe waiting on a slow peer holds no idle record buffers: what
	 * keeps a thousand probes in flight small. */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
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

/* The passphrase of an encrypted key: the first line of
 * --client-key-pass-file, never a prompt (a nightly job has no terminal). */
struct tls_pass {
	char text[FC_PASSPHRASE_MAX];
	int given;
};

static int tls_pass_cb(char *buf, int size, int rwflag, void *arg)
{
	const struct tls_pass *pass = arg;
	size_t len = strlen(pass->text);

	(void)rwflag;
	if (!pass->given || len >= (size_t)size)
		return -1;
	memcpy(buf, pass->text, len);
	return (int)len;
}

static int tls_read_pass(const char *path, struct tls_pass *pass, char *err,
			 size_t errlen)
{
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fgets(pass->text, sizeof(pass->text), f) == NULL)
		pass->text[0] = '\0';
	fclose(f);
	pass->text[strcspn(pass->text, "\r\n")] = '\0';
	pass->given = 1;
	return 0;
}

/* Our Edge's certificate, its intermediates and its key, checked to belong
 * together before anything is sent. */
static int tls_load_client(SSL_CTX *ctx, const struct scan_options *o,
			   char *err, size_t errlen)
{
	struct tls_pass pass = { "", 0 };
	const char *key = o->client_key ? o->client_key : o->client_cert;
	char reason[FC_REASON_MAX];
	int rc = -1;

	if (o->client_key_pass_file &&
	    tls_read_pass(o->client_key_pass_file, &pass, err, errlen) != 0)
		goto out;
	SSL_CTX_set_default_passwd_cb(ctx, tls_pass_cb);
	SSL_CTX_set_default_passwd_cb_userdata(ctx, &pass);
	if (!SSL_CTX_use_certificate_chain_file(ctx, o->client_cert)) {
		tls_reason(reason, sizeof(reason));
		snprintf(err, errlen, "%s: cannot read our certificate: %s",
			 o->client_cert, reason);
		goto out;
	}
	if (!SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM)) {
		/* OpenSSL checks the pair as it loads the key. */
		if (ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH) {
			tls_reason(reason, sizeof(reason));
			snprintf(err, errlen, "%s does not belong to %s: %s", key,
				 o->client_cert, reason);
			goto out;
		}
		tls_reason(reason, sizeof(reason));
		snprintf(err, errlen, "%s: cannot read our key%s: %s", key,
			 pass.given ? "" : " (if it is encrypted, give --client-key-pass-file)",
			 reason);
		goto out;
	}
	if (!SSL_CTX_check_private_key(ctx)) {
		tls_reason(reason, sizeof(reason));
		snprintf(err, errlen, "%s does not belong to %s: %s", key,
			 o->client_cert, reason);
		goto out;
	}
	rc = 0;
out:
	/* The passphrase is not needed again: forget it. */
	OPENSSL_cleanse(&pass, sizeof(pass));
	SSL_CTX_set_default_passwd_cb(ctx, NULL);
	SSL_CTX_set_default_passwd_cb_userdata(ctx, NULL);
	return rc;
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
	if (opts->client_cert && tls_load_client(ctx, opts, err, errlen) != 0)
		goto fail;
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}
