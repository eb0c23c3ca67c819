/* config.c: the fleet server's configuration file and its TLS contexts.
 *
 * A line is "address<TAB>port<TAB>mode<TAB>cert<TAB>key<TAB>chain", "-" for
 * an absent file, '#' for a comment. One SSL_CTX is made per distinct
 * (cert, key, chain), at start: a pool's members share theirs, and 6,000
 * listeners cost only as many contexts as there are certificates.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "fleet.h"

#define CTX_TABLE_MIN 1024

static const char *const mode_names[FLEET_MODES] = {
	"tls", "silent", "reset", "garbage", "dribble", "http", "refused",
};

struct ctx_entry {
	char *key;                  /* "cert\tkey\tchain", owned */
	SSL_CTX *ctx;               /* owned */
};

struct chain_entry {
	char *path;                 /* owned */
	STACK_OF(X509) *certs;      /* owned */
};

/* Open addressing, linear probing; grows at half full. */
struct fleet_ctx_table {
	struct ctx_entry *slots;
	size_t cap, used;
	struct chain_entry chains[FLEET_CHAINS_MAX];
	size_t n_chains;
};

const char *fleet_mode_name(enum fleet_mode m)
{
	return mode_names[m];
}

static int mode_parse(const char *s)
{
	int i;

	for (i = 0; i < FLEET_MODES; i++)
		if (strcmp(s, mode_names[i]) == 0)
			return i;
	return -1;
}

/* The fleet never leaves the machine: 127.0.0.0/8 and ::1 only. */
static int address_is_loopback(const char *a)
{
	struct in_addr v4;
	struct in6_addr v6;

	if (inet_pton(AF_INET, a, &v4) == 1)
		return (ntohl(v4.s_addr) >> 24) == 127;
	return inet_pton(AF_INET6, a, &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL;
	return h;
}

static struct ctx_entry *table_slot(struct fleet_ctx_table *t, const char *key)
{
	size_t i = (size_t)fnv1a(key) & (t->cap - 1);

	while (t->slots[i].key && strcmp(t->slots[i].key, key) != 0)
		i = (i + 1) & (t->cap - 1);
	return &t->slots[i];
}

static int table_grow(struct fleet_ctx_table *t)
{
	struct ctx_entry *old = t->slots;
	size_t old_cap = t->cap, i;

	t->cap = old_cap ? old_cap * 2 : CTX_TABLE_MIN;
	t->slots = calloc(t->cap, sizeof(*t->slots));
	if (t->slots == NULL) {
		t->slots = old;
		t->cap = old_cap;
		return -1;
	}
	for (i = 0; i < old_cap; i++)
		if (old[i].key)
			*table_slot(t, old[i].key) = old[i];
	free(old);
	return 0;
}

static void ssl_complain(const char *what, const char *path)
{
	char buf[256];

	ERR_error_string_n(ERR_get_error(), buf, sizeof(buf));
	fprintf(stderr, "fleet-server: %s %s: %s\n", what, path, buf);
	ERR_clear_error();
}

/* The certificates of a chain file, loaded once however many use it. */
static STACK_OF(X509) *chain_get(struct fleet_ctx_table *t, const char *path)
{
	STACK_OF(X509) *sk = NULL;
	FILE *fp = NULL;
	X509 *x;
	size_t i;

	for (i = 0; i < t->n_chains; i++)
		if (strcmp(t->chains[i].path, path) == 0)
			return t->chains[i].certs;
	if (t->n_chains == FLEET_CHAINS_MAX || (fp = fopen(path, "r")) == NULL ||
	    (sk = sk_X509_new_null()) == NULL)
		goto fail;
	while (sk_X509_num(sk) < FLEET_CHAIN_CERTS_MAX &&
	       (x = PEM_read_X509(fp, NULL, NULL, NULL)) != NULL)
		sk_X509_push(sk, x);
	ERR_clear_error(); /* the end of the file reads as an error */
	fclose(fp);
	t->chains[t->n_chains].path = strdup(path);
	t->chains[t->n_chains].certs = sk;
	if (t->chains[t->n_chains].path == NULL)
		goto fail;
	t->n_chains++;
	return sk;
fail:
	fprintf(stderr, "fleet-server: cannot load the chain %s\n", path);
	sk_X509_pop_free(sk, X509_free);
	return NULL;
}

/* A server context for one certificate: made to serve what real partners
 * serve, defects included. */
static SSL_CTX *ctx_make(struct fleet_ctx_table *t, const char *cert,
			 const char *key, const char *chain)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	STACK_OF(X509) *sk;
	int i;

	if (ctx == NULL)
		goto fail;
	/* Debian's security level 2 refuses to load a 1024-bit key or a SHA-1
	 * certificate; serving them is the point. */
	SSL_CTX_set_security_level(ctx, 0);
	/* No session tickets: a TLS 1.3 ticket is one more write (and one more
	 * injected delay) per handshake that a single probe never uses. */
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	SSL_CTX_set_num_tickets(ctx, 0);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	/* Send exactly the configured chain: a missing intermediate stays missing. */
	SSL_CTX_set_mode(ctx, SSL_MODE_NO_AUTO_CHAIN);
	if (SSL_CTX_use_certificate_file(ctx, cert, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		ssl_complain("cannot load", cert);
		goto fail;
	}
	if (strcmp(chain, "-") != 0) {
		if ((sk = chain_get(t, chain)) == NULL)
			goto fail;
		for (i = 0; i < sk_X509_num(sk); i++)
			if (SSL_CTX_add1_chain_cert(ctx, sk_X509_value(sk, i)) != 1) {
				ssl_complain("cannot use the chain", chain);
				goto fail;
			}
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

static SSL_CTX *ctx_get(struct fleet_ctx_table *t, const char *cert,
			const char *key, const char *chain)
{
	char name[3 * FLEET_LINE_MAX];
	struct ctx_entry *e;

	if (t->used * 2 >= t->cap && table_grow(t) != 0)
		return NULL;
	snprintf(name, sizeof(name), "%s\t%s\t%s", cert, key, chain);
	e = table_slot(t, name);
	if (e->key)
		return e->ctx;
	e->ctx = ctx_make(t, cert, key, chain);
	if (e->ctx == NULL || (e->key = strdup(name)) == NULL) {
		SSL_CTX_free(e->ctx);
		e->ctx = NULL;
		return NULL;
	}
	t->used++;
	return e->ctx;
}

/* The array moves as it grows: only before any listener is bound, since
 * each embeds its uv_tcp_t (main binds after the whole file is read). */
static struct fleet_listener *listener_new(struct fleet *f)
{
	struct fleet_listener *l;

	if (f->n_listeners == f->cap_listeners) {
		size_t cap = f->cap_listeners ? f->cap_listeners * 2 : 1024;

		l = realloc(f->listeners, cap * sizeof(*l));
		if (l == NULL)
			return NULL;
		f->listeners = l;
		f->cap_listeners = cap;
	}
	l = &f->listeners[f->n_listeners];
	memset(l, 0, sizeof(*l));
	l->fleet = f;
	return l;
}

/* One line, split in place at tabs; "refused" lines make no listener. */
static int config_line(struct fleet *f, char *line, const char *where)
{
	char *field[6], *save = NULL, *end = line;
	struct fleet_listener *l;
	long port;
	int n = 0, mode;

	line[strcspn(line, "\r\n")] = '\0';
	if (line[0] == '#' || line[0] == '\0')
		return 0;
	for (char *tok = strtok_r(line, "\t", &save); tok && n < 6;
	     tok = strtok_r(NULL, "\t", &save))
		field[n++] = tok;
	port = n >= 2 ? strtol(field[1], &end, 10) : 0;
	mode = n >= 3 ? mode_parse(field[2]) : -1;
	if (n != 6 || port < 1 || port > 65535 || *end || mode < 0 ||
	    !address_is_loopback(field[0])) {
		fprintf(stderr, "fleet-server: %s: bad line (a loopback address, a "
				"port, a mode, cert, key, chain)\n", where);
		return -1;
	}
	if (mode == FLEET_REFUSED)
		return 0;
	if ((l = listener_new(f)) == NULL)
		return -1;
	snprintf(l->address, sizeof(l->address), "%s", field[0]);
	l->port = (int)port;
	l->mode = (enum fleet_mode)mode;
	if (mode == FLEET_TLS || mode == FLEET_RESET || mode == FLEET_DRIBBLE) {
		l->ctx = ctx_get(f->ctxs, field[3], field[4], field[5]);
		if (l->ctx == NULL)
			return -1;
	}
	f->n_listeners++;
	return 0;
}

int fleet_config_load(struct fleet *f, const char *path)
{
	char line[FLEET_LINE_MAX], where[FLEET_LINE_MAX + 32];
	FILE *fp = fopen(path, "r");
	long lineno = 0;
	int rc = -1;

	f->ctxs = calloc(1, sizeof(*f->ctxs));
	if (fp == NULL || f->ctxs == NULL || table_grow(f->ctxs) != 0) {
		fprintf(stderr, "fleet-server: cannot read %s\n", path);
		goto out;
	}
	while (fgets(line, sizeof(line), fp)) {
		snprintf(where, sizeof(where), "%s:%ld", path, ++lineno);
		if (config_line(f, line, where) != 0)
			goto out;
	}
	if (f->n_listeners == 0) {
		fprintf(stderr, "fleet-server: %s: no listeners\n", path);
		goto out;
	}
	rc = 0;
out:
	if (fp)
		fclose(fp);
	return rc;
}

size_t fleet_config_contexts(const struct fleet *f)
{
	return f->ctxs ? f->ctxs->used : 0;
}

void fleet_config_free(struct fleet *f)
{
	struct fleet_ctx_table *t = f->ctxs;
	size_t i;

	if (t) {
		for (i = 0; i < t->cap; i++) {
			free(t->slots[i].key);
			SSL_CTX_free(t->slots[i].ctx);
		}
		for (i = 0; i < t->n_chains; i++) {
			free(t->chains[i].path);
			sk_X509_pop_free(t->chains[i].certs, X509_free);
		}
		free(t->slots);
		free(t);
	}
	free(f->listeners);
	f->listeners = NULL;
	f->ctxs = NULL;
	f->n_listeners = f->cap_listeners = 0;
}
