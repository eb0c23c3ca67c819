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

/* The groups we offer, in the order we prefer them: every named group of
 * the TLS registry this OpenSSL may implement, X25519 and P-256 first (what
 * nearly every peer picks, and X25519 is the one TLS 1.3 key share we send),
 * then the rest of OpenSSL's default list, then what a default client never
 * offers. A TLS 1.2 server may only use an ECDSA certificate whose curve the
 * client named (RFC 8422, 4 and 5.3), so a brainpool leaf (BSI TR-02102-2)
 * or one on an old curve fails with alert 40 before we see the chain unless
 * its curve is here. The brainpool TLS 1.3 groups (RFC 8734) exist from
 * OpenSSL 3.2 on. */
static const char *const tls_groups[] = {
	"X25519", "P-256", "X448", "P-521", "P-384",
	"brainpoolP256r1tls13", "brainpoolP384r1tls13", "brainpoolP512r1tls13",
	"brainpoolP256r1", "brainpoolP384r1", "brainpoolP512r1",
	"ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192",
	"secp256k1", "P-224", "secp224k1", "P-192", "secp192k1",
	"secp160r1", "secp160r2", "secp160k1",
	"sect571r1", "sect571k1", "sect409r1", "sect409k1", "sect283r1",
	"sect283k1", "sect239k1", "sect233r1", "sect233k1", "sect193r1",
	"sect193r2", "sect163r1", "sect163r2", "sect163k1",
};

/* Longest list tls_groups can make: each name and a colon. */
#define TLS_GROUPS_LIST_MAX 512

/* Offers each group of tls_groups this OpenSSL implements (one it does not
 * know, or whose provider is absent, makes SSL_CTX_set1_groups_list fail:
 * we never offer what we could not use to verify). The signature
 * algorithms stay OpenSSL's default: at security level 0 that is already
 * every one it implements, SHA-1 and DSA included. */
static int tls_offer_groups(SSL_CTX *ctx)
{
	char list[TLS_GROUPS_LIST_MAX] = "";
	size_t i, len = 0, n;

	for (i = 0; i < sizeof(tls_groups) / sizeof(tls_groups[0]); i++) {
		if (!SSL_CTX_set1_groups_list(ctx, tls_groups[i])) {
			ERR_clear_error();
			continue;
		}
		n = strlen(tls_groups[i]);
		if (len + n + 2 > sizeof(list))
			return -1;
		if (len > 0)
			list[len++] = ':';
		memcpy(list + len, tls_groups[i], n + 1);
		len += n;
	}
	if (len == 0 || !SSL_CTX_set1_groups_list(ctx, list))
		return -1;
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
	if (tls_offer_groups(ctx) != 0) {
		tls_reason(reason, sizeof(reason));
		snprintf(err, errlen, "cannot offer the TLS groups: %s", reason);
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
