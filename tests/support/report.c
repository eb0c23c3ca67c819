/* report.c: the report tests' capture, crafted rows and hand-made
 * findings (report.h). */
#include "report.h"

#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

void capture_open(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
}

const char *capture_close(struct capture *c)
{
	assert_int_equal(fclose(c->f), 0);
	c->f = NULL;
	return c->buf;
}

void capture_free(struct capture *c)
{
	free(c->buf);
	c->buf = NULL;
}

const char *nth_line(const char *text, size_t n, char *out, size_t len)
{
	const char *nl;

	for (; n > 0 && text != NULL; n--)
		text = (nl = strchr(text, '\n')) ? nl + 1 : NULL;
	assert_non_null(text);
	nl = strchr(text, '\n');
	snprintf(out, len, "%.*s", (int)(nl ? nl - text : (long)strlen(text)),
		 text);
	return out;
}

void assert_has(const char *text, const char *what)
{
	if (strstr(text, what) == NULL)
		fail_msg("missing [%s] in:\n%s", what, text);
}

void thumb_upper(const char *sha1, char out[41])
{
	size_t i;

	for (i = 0; i < 40; i++)
		out[i] = (char)toupper((unsigned char)sha1[i]);
	out[40] = '\0';
}

struct store_cert_row cert_leaf(void)
{
	struct store_cert_row c = {
		.id = 1,
		.sha256 = "9f86d081884c7d659a2feaa0c55ad015"
			  "a3bf4f1b2b0b822cd15d6c15b0f00a08",
		.sha1 = "3f2a9d1e5b7c4a8f0e6d2c1b9a8f7e6d5c4b3a29",
		.subject = "CN=sip.example.com,O=Example",
		.issuer = "CN=Example Intermediate",
		.serial = "0A1B2C",
		.not_before = "2026-01-01T00:00:00Z",
		.not_after = "2027-01-01T00:00:00Z",
		.sig_alg = "sha256WithRSAEncryption",
		.key_type = "RSA",
		.key_bits = 2048,
		.x509_version = 3,
	};
	return c;
}

struct store_cert_row cert_leaf_of(const struct tcert *c, const char *subject,
				   const char *issuer)
{
	struct store_cert_row r = cert_leaf();

	tcert_digest_hex(c->der, c->der_len, EVP_sha1(), r.sha1);
	r.subject = (char *)subject;
	r.issuer = (char *)issuer;
	r.der = c->der;
	r.der_len = c->der_len;
	return r;
}

struct store_probe_row probe_ok(struct store_cert_row *chain)
{
	struct store_probe_row p = {
		.id = 1,
		.address = "127.0.0.1",
		.port = 5061,
		.sni = "sip.example.com",
		.via = "sip.example.com",
		.srv_priority = -1,
		.srv_weight = -1,
		.started = "2026-11-25T09:43:01Z",
		.connect_ms = 0.4,
		.handshake_ms = 3.2,
		.tls_version = "TLSv1.3",
		.cipher = "TLS_AES_256_GCM_SHA384",
		.verify_code = 0,
		.verify_reason = "ok",
		.chain_len = 2,
		.chain = chain,
	};
	chain[0] = cert_leaf();
	chain[1] = cert_leaf();
	chain[1].subject = "CN=Example Intermediate";
	return p;
}

struct store_probe_row probe_refused(void)
{
	struct store_probe_row p = {
		.id = 2,
		.address = "192.0.2.7",
		.port = 5061,
		.sni = "sip.example.com",
		.via = "sip.example.com",
		.srv_priority = -1,
		.srv_weight = -1,
		.connect_ms = -1,
		.handshake_ms = -1,
		.error_kind = "refused",
		.error_reason = "Connection refused",
		.verify_code = -1,
	};
	return p;
}

struct store_target_row target_dir(struct store_probe_row *probes, size_t n)
{
	struct store_target_row t = {
		.id = 1,
		.line = 2,
		.domain = "sip.example.com",
		.type = "DIR",
		.port = 5061,
		.probe_count = n,
		.probes = probes,
	};
	return t;
}

struct store_probe_row srv_probe(const char *address, const char *via,
				 int priority, int weight)
{
	struct store_probe_row p = probe_refused();

	p.address = (char *)address;
	p.sni = (char *)via;
	p.via = (char *)via;
	p.srv_name = SRV_NAME;
	p.srv_priority = priority;
	p.srv_weight = weight;
	return p;
}

struct store_dns_record_row srv_record(int priority, int weight,
				       const char *target)
{
	struct store_dns_record_row r = {
		.priority = priority, .weight = weight, .port = 5061,
		.target = (char *)target, .ttl = -1,
	};
	return r;
}

struct store_dns_record_row addr_record(const char *address, long ttl)
{
	struct store_dns_record_row r = {
		.priority = -1, .weight = -1, .port = -1,
		.address = (char *)address, .ttl = ttl,
	};
	return r;
}

struct store_dns_answer_row
dns_answer(const char *name, const char *type, const char *rcode,
	   struct store_dns_record_row *r, size_t n)
{
	struct store_dns_answer_row a = {
		.name = (char *)name, .type = (char *)type,
		.rcode = (char *)rcode, .source = "dns",
		.count = n, .records = r,
	};
	return a;
}

void srv_fixture_init(struct srv_fixture *f)
{
	struct store_target_row t = {
		.id = 7, .line = 3, .domain = "example.com", .type = "FED",
		.port = 5061, .dns_count = SRV_NANSWERS, .dns = f->dns,
		.probe_count = SRV_NPROBES, .probes = f->probes,
	};

	memset(f, 0, sizeof *f);
	f->srv[0] = srv_record(0, 100, "sip.example.com");
	f->srv[1] = srv_record(10, 0, "sip2.example.com");
	f->pool[0] = addr_record("127.0.0.2", 300);
	f->pool[1] = addr_record("127.0.0.3", 300);
	f->pool[2] = addr_record("127.0.0.4", 300);
	f->pool2[0] = addr_record("2001:db8::5", 60);
	f->dns[0] = dns_answer(SRV_NAME, "SRV", "NOERROR", f->srv, 2);
	f->dns[1] = dns_answer("sip.example.com", "A", "NOERROR", f->pool, 3);
	f->dns[2] = dns_answer("sip.example.com", "AAAA", "NOERROR", NULL, 0);
	f->dns[3] = dns_answer("sip2.example.com", "AAAA", "NOERROR",
			       f->pool2, 1);
	f->probes[0] = probe_ok(f->chain);
	f->probes[0].address = "127.0.0.2";
	f->probes[0].srv_name = SRV_NAME;
	f->probes[0].srv_priority = 0;
	f->probes[0].srv_weight = 100;
	f->probes[1] = srv_probe("127.0.0.3", "sip.example.com", 0, 100);
	f->probes[2] = srv_probe("127.0.0.4", "sip.example.com", 0, 100);
	f->probes[3] = srv_probe("2001:db8::5", "sip2.example.com", 10, 0);
	f->target = t;
}

const struct finding_def *test_def(const char *id)
{
	static const struct finding_def defs[] = {
		{ "name_match", SEVERITY_INFO, 0, "why" },
		{ "name_mismatch", SEVERITY_ERROR, 0, "why" },
		{ "expires_soon", SEVERITY_WARNING, 0, "why" },
		{ "connect_failed", SEVERITY_ERROR, 0, "why" },
		{ "no_ocsp", SEVERITY_INFO, 0, "why" },
		{ "pool_partial_failure", SEVERITY_ERROR, 1, "why" },
		{ "pool_inconsistent", SEVERITY_WARNING, 1, "why" },
		{ "srv_missing", SEVERITY_ERROR, 1, "why" },
	};
	size_t i;

	for (i = 0; i < sizeof defs / sizeof defs[0]; i++)
		if (strcmp(defs[i].id, id) == 0)
			return &defs[i];
	fail_msg("no test finding %s", id);
	return NULL;
}

void rf_init(struct render_fixture *rf, const struct store_target_row *t)
{
	memset(rf, 0, sizeof *rf);
	rf->list.items = rf->items;
	rf->list.cap = RF_FINDINGS_MAX;
	rf->rt.row = t;
	rf->rt.all = &rf->list;
	rf->rt.shown = rf->shown;
	rf->rt.status = RENDER_PASS;
	rf->rt.now = RF_NOW;
}

void rf_add(struct render_fixture *rf, const char *id,
	    enum finding_severity severity, const char *message,
	    const struct store_probe_row *probe)
{
	struct finding *f;

	assert_true(rf->list.count < RF_FINDINGS_MAX);
	f = &rf->items[rf->list.count++];
	f->def = test_def(id);
	f->severity = severity;
	f->message = (char *)message;
	f->probe = probe;
	rf->shown[rf->rt.nshown++] = f;
	rf->rt.status = render_status_of(&rf->list, NULL);
}

void rf_hide(struct render_fixture *rf, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < rf->rt.nshown; i++)
		if (rf->shown[i] != &rf->items[n])
			rf->shown[k++] = rf->shown[i];
	rf->rt.nshown = k;
}

const struct render_text_options *text_plain(void)
{
	static const struct render_text_options o = { .trust = NULL };

	return &o;
}

const char *render_findings_text(struct capture *c,
				 const struct render_fixture *rf)
{
	capture_open(c);
	render_text_target(c->f, text_plain(), &rf->rt);
	return capture_close(c);
}
