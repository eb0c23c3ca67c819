/* test_discover.c: how discover.c reads DNS answers, without a network:
 * the rcode and failure kind of each c-ares status, the SRV records
 * worth following (valid names, lowercased, "." apart) in RFC 2782
 * order, the SRV lookup's failure, and a host's addresses (once each, in
 * canonical form, at most --max-addresses). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>

#include "scanner/scan_int.h"

/* ---- Outcome of a status ------------------------------------------------ */

static void test_outcome_of_status(void **state)
{
	static const struct {
		int status;
		const char *rcode;
		enum failure_kind kind;
	} cases[] = {
		{ ARES_SUCCESS, "NOERROR", FAIL_NONE },
		{ ARES_ENODATA, "NOERROR", FAIL_NONE },
		{ ARES_ENOTFOUND, "NXDOMAIN", FAIL_DNS_NXDOMAIN },
		{ ARES_ESERVFAIL, "SERVFAIL", FAIL_DNS_SERVFAIL },
		{ ARES_EREFUSED, "REFUSED", FAIL_DNS_REFUSED },
		{ ARES_ETIMEOUT, "TIMEOUT", FAIL_DNS_TIMEOUT },
		{ ARES_EFORMERR, "FORMERR", FAIL_DNS_ERROR },
		{ ARES_ENOTIMP, "NOTIMP", FAIL_DNS_ERROR },
		{ ARES_EBADRESP, "ERROR", FAIL_DNS_ERROR },
		{ ARES_ECONNREFUSED, "ERROR", FAIL_DNS_ERROR },
		{ ARES_ENOMEM, "ERROR", FAIL_DNS_ERROR },
		{ ARES_EBADNAME, "ERROR", FAIL_DNS_ERROR },
	};
	struct dns_outcome o;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		o = discover_dns_outcome(cases[i].status);
		if (strcmp(o.rcode, cases[i].rcode) != 0 ||
		    o.kind != cases[i].kind)
			fail_msg("status %d: %s, %s; not %s, %s",
				 cases[i].status, o.rcode,
				 failure_name(o.kind), cases[i].rcode,
				 failure_name(cases[i].kind));
		/* An answer has no reason; a failure c-ares' own. */
		if (cases[i].kind == FAIL_NONE)
			assert_null(o.reason);
		else
			assert_string_equal(o.reason,
					    ares_strerror(cases[i].status));
	}
}

/* ---- SRV records -------------------------------------------------------- */

#define NRECORDS_MAX 12

/* An answer's records, linked in the order given. */
struct answer {
	struct ares_srv_reply r[NRECORDS_MAX];
	char host[NRECORDS_MAX][64];
	size_t n;
};

static void add(struct answer *a, int priority, int weight, int port,
		const char *host)
{
	struct ares_srv_reply *r = &a->r[a->n];

	assert_true(a->n < NRECORDS_MAX);
	strcpy(a->host[a->n], host);
	r->host = a->host[a->n];
	r->priority = (unsigned short)priority;
	r->weight = (unsigned short)weight;
	r->port = (unsigned short)port;
	r->next = NULL;
	if (a->n > 0)
		a->r[a->n - 1].next = r;
	a->n++;
}

static void free_targets(struct srv_lookup *l)
{
	size_t i;

	for (i = 0; i < l->ntargets; i++)
		free((char *)l->targets[i].target);
	free(l->targets);
	free(l->error_reason);
	memset(l, 0, sizeof *l);
}

/* RFC 2782: the lowest priority first; within one, the heavier first (the
 * weighted draw made deterministic); then by name. */
static void test_srv_order(void **state)
{
	static const struct {
		int priority, weight, port;
		const char *host;
	} want[] = {
		{ 0, 60, 5061, "a.example.com" },
		{ 0, 60, 5062, "d.example.com" },
		{ 0, 5, 5061, "c.example.com" },
		{ 0, 0, 5061, "f.example.com" },
		{ 5, 100, 443, "e.example.com" },
		{ 10, 0, 5061, "b.example.com" },
		{ 65535, 65535, 65535, "z.example.com" },
	};
	struct srv_lookup l = { .name = "_sipfederationtls._tcp.example.com" };
	struct answer a = { .n = 0 };
	size_t total, dots, i;

	(void)state;
	add(&a, 10, 0, 5061, "b.example.com");
	add(&a, 0, 5, 5061, "c.example.com");
	add(&a, 65535, 65535, 65535, "z.example.com");
	add(&a, 0, 60, 5062, "d.example.com");
	add(&a, 5, 100, 443, "e.example.com");
	add(&a, 0, 0, 5061, "f.example.com");
	add(&a, 0, 60, 5061, "a.example.com");
	assert_int_equal(discover_srv_pick(&l, &a.r[0], &total, &dots), 0);
	assert_int_equal(total, 7);
	assert_int_equal(dots, 0);
	assert_int_equal(l.ntargets, 7);
	for (i = 0; i < l.ntargets; i++) {
		const struct srv_target *t = &l.targets[i];

		if (strcmp(t->target, want[i].host) != 0 ||
		    t->priority != want[i].priority ||
		    t->weight != want[i].weight || t->port != want[i].port)
			fail_msg("%zu: %d %d %d %s, not %d %d %d %s", i,
				 t->priority, t->weight, t->port, t->target,
				 want[i].priority, want[i].weight,
				 want[i].port, want[i].host);
	}
	free_targets(&l);
}

/* Which records are followed: host names only, each once lowercased into
 * a copy of its own; "." (and an empty name) counted apart. */
static void test_srv_pick_validates(void **state)
{
	struct srv_lookup l = { .name = "_sipfederationtls._tcp.example.com" };
	struct answer a = { .n = 0 };
	size_t total, dots;

	(void)state;
	add(&a, 0, 0, 5061, "Sip.Example.COM");
	add(&a, 0, 0, 5061, ".");
	add(&a, 0, 0, 5061, "");
	add(&a, 0, 0, 5061, "bad..example.com");
	add(&a, 0, 0, 5061, "-bad.example.com");
	add(&a, 0, 0, 5061, "192.0.2.1");
	add(&a, 0, 0, 5061, "*.example.com");
	add(&a, 0, 0, 5061, "sip\x01.example.com");
	add(&a, 1, 0, 5061, "xn--bcher-kva.example");
	add(&a, 2, 0, 5061, "_sip._tls.example.com");
	assert_int_equal(discover_srv_pick(&l, &a.r[0], &total, &dots), 0);
	assert_int_equal(total, 10);
	assert_int_equal(dots, 2);
	assert_int_equal(l.ntargets, 3);
	assert_string_equal(l.targets[0].target, "sip.example.com");
	assert_string_equal(l.targets[1].target, "xn--bcher-kva.example");
	assert_string_equal(l.targets[2].target, "_sip._tls.example.com");
	/* The reply is the caller's, the names the lookup's own. */
	assert_string_equal(a.host[0], "Sip.Example.COM");
	assert_ptr_not_equal(l.targets[0].target, a.host[0]);
	free_targets(&l);

	/* No record at all. */
	assert_int_equal(discover_srv_pick(&l, NULL, &total, &dots), 0);
	assert_int_equal(total, 0);
	assert_int_equal(dots, 0);
	assert_int_equal(l.ntargets, 0);
	free_targets(&l);
}

/* The lookup's failure from what was kept. */
static void test_srv_verdict(void **state)
{
	static const struct {
		size_t total, dots, ntargets;
		enum failure_kind kind;
		const char *reason;
	} cases[] = {
		{ 0, 0, 0, FAIL_SRV_MISSING,
		  "no SRV record for _sip._tls.example.com" },
		{ 1, 1, 0, FAIL_SRV_NOT_AVAILABLE,
		  "_sip._tls.example.com: service decidedly not available "
		  "(SRV target \".\")" },
		{ 3, 1, 0, FAIL_SRV_NOT_AVAILABLE,
		  "_sip._tls.example.com: service decidedly not available "
		  "(SRV target \".\")" },
		{ 2, 0, 0, FAIL_SRV_INVALID,
		  "_sip._tls.example.com: no SRV target is a valid host name" },
		{ 2, 1, 1, FAIL_NONE, NULL },
		{ 4, 0, 4, FAIL_NONE, NULL },
	};
	struct srv_lookup l;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memset(&l, 0, sizeof l);
		l.name = "_sip._tls.example.com";
		l.ntargets = cases[i].ntargets;
		discover_srv_verdict(&l, cases[i].total, cases[i].dots);
		if (l.error_kind != cases[i].kind)
			fail_msg("case %zu: %s, not %s", i,
				 failure_name(l.error_kind),
				 failure_name(cases[i].kind));
		if (cases[i].reason == NULL)
			assert_null(l.error_reason);
		else
			assert_string_equal(l.error_reason, cases[i].reason);
		free(l.error_reason);
	}
}

/* ---- A host's addresses -------------------------------------------------- */

static void add_address(struct host_lookup *h, const char *text)
{
	unsigned char buf[sizeof(struct in6_addr)];
	int family = strchr(text, ':') ? AF_INET6 : AF_INET;

	assert_int_equal(inet_pton(family, text, buf), 1);
	discover_host_add_address(h, family, buf);
}

/* Whatever answers them (A, AAAA, the hosts file), a host's addresses are
 * kept once each, as inet_ntop() writes them, in the order they came, up
 * to --max-addresses. */
static void test_host_addresses(void **state)
{
	struct scan_options o = { .max_addresses = 3 };
	struct scan *s = calloc(1, sizeof *s);
	struct host_lookup h = { .name = "sip.example.com" };

	(void)state;
	assert_non_null(s);
	s->opts = &o;
	h.scan = s;
	add_address(&h, "192.0.2.1");
	add_address(&h, "2001:DB8:0:0:0:0:0:1");
	add_address(&h, "192.0.2.1");
	add_address(&h, "2001:db8::1");
	assert_int_equal(h.naddrs, 2);
	add_address(&h, "192.0.2.2");
	add_address(&h, "192.0.2.3"); /* one more than --max-addresses */
	add_address(&h, "2001:db8::3");
	assert_int_equal(h.naddrs, 3);
	assert_string_equal(h.addrs[0], "192.0.2.1");
	assert_string_equal(h.addrs[1], "2001:db8::1");
	assert_string_equal(h.addrs[2], "192.0.2.2");
	assert_false(s->failed);
	free(h.addrs);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outcome_of_status),
		cmocka_unit_test(test_srv_order),
		cmocka_unit_test(test_srv_pick_validates),
		cmocka_unit_test(test_srv_verdict),
		cmocka_unit_test(test_host_addresses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
