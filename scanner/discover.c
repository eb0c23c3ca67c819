/* discover.c: from a target to its endpoints, through DNS.
 *
 * FED, SIP and SIPINT targets ask for an SRV record; each SRV target (and
 * each DIR host name) is asked for A and AAAA; every address is probed with
 * the host name as SNI. Each question is asked once per scan: a hosted pool
 * that thousands of domains point at is resolved once. Every answer is
 * stored as a fact and linked to the targets that used it; the report
 * judges.
 *
 * A lookup answered is retired in its map (map.h) and let go when the
 * scan holds more than FC_SCAN_KEEP_DONE of its kind: memory follows the
 * work in flight, not the size of the file. A row that names it again
 * finds its answers in the database (host_recall, srv_recall), rebuilt as
 * the answer was taken, so that it is still asked once.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "names.h"
#include "scan_int.h"

static const char *const srv_prefix[] = {
	[TARGET_FED] = "_sipfederationtls._tcp.",
	[TARGET_SIP] = "_sip._tls.",
	[TARGET_SIPINT] = "_sipinternaltls._tcp.",
};

struct dns_outcome discover_dns_outcome(int status)
{
	struct dns_outcome o = { "ERROR", FAIL_DNS_ERROR, ares_strerror(status) };

	switch (status) {
	case ARES_SUCCESS:
	case ARES_ENODATA:
		o.rcode = "NOERROR"; o.kind = FAIL_NONE; o.reason = NULL; break;
	case ARES_ENOTFOUND: o.rcode = "NXDOMAIN"; o.kind = FAIL_DNS_NXDOMAIN; break;
	case ARES_ESERVFAIL: o.rcode = "SERVFAIL"; o.kind = FAIL_DNS_SERVFAIL; break;
	case ARES_EREFUSED: o.rcode = "REFUSED"; o.kind = FAIL_DNS_REFUSED; break;
	case ARES_EFORMERR: o.rcode = "FORMERR"; break;
	case ARES_ENOTIMP: o.rcode = "NOTIMP"; break;
	case ARES_ETIMEOUT: o.rcode = "TIMEOUT"; o.kind = FAIL_DNS_TIMEOUT; break;
	}
	return o;
}

enum failure_kind discover_rcode_kind(const char *rcode)
{
	static const struct {
		const char *rcode;
		enum failure_kind kind;
	} kinds[] = {
		{ "NOERROR", FAIL_NONE }, { "NXDOMAIN", FAIL_DNS_NXDOMAIN },
		{ "SERVFAIL", FAIL_DNS_SERVFAIL }, { "REFUSED", FAIL_DNS_REFUSED },
		{ "TIMEOUT", FAIL_DNS_TIMEOUT },
	};
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(rcode, kinds[i].rcode) == 0)
			return kinds[i].kind;
	return FAIL_DNS_ERROR; /* FORMERR, NOTIMP, ERROR */
}

/* A query's callback after an interrupt or at teardown: nothing to do. */
static int dns_is_abandoned(struct scan *s, int status)
{
	if (status == ARES_EDESTRUCTION)
		return 1;
	s->resolving--;
	return status == ARES_ECANCELLED || s->failed || s->interrupted;
}

static int64_t discover_store_answer(struct scan *s,
				    const struct store_dns_answer *a)
{
	int64_t id = 0;

	if (store_dns_answer_add(s->st, s->scan_id, a, &id) != 0)
		scan_fail(s, "%s", store_errmsg(s->st));
	return id;
}

static void discover_link_answer(struct scan *s, int64_t target_id,
				 int64_t answer_id)
{
	if (answer_id > 0 &&
	    store_target_dns_link(s->st, target_id, answer_id) != 0)
		scan_fail(s, "%s", store_errmsg(s->st));
}

static void discover_target_error(struct scan *s, int64_t target_id,
				  enum failure_kind kind, const char *reason)
{
	if (store_target_set_error(s->st, target_id, kind, reason) != 0)
		scan_fail(s, "%s", store_errmsg(s->st));
}

/* A failure's reason, kept only when there is one. Replaces *reason; NULL
 * when out of memory. */
static void set_reason(char **reason, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_reason(char **reason, const char *fmt, ...)
{
	char buf[FC_REASON_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	free(*reason);
	*reason = strdup(buf);
}

static int grow(void **array, size_t *cap, size_t count, size_t size)
{
	void *p;
	size_t n;

	if (count < *cap)
		return 0;
	n = *cap ? *cap * 2 : 2;
	p = realloc(*array, n * size);
	if (p == NULL)
		return -1;
	*array = p;
	*cap = n;
	return 0;
}

/* ---- Hosts: A and AAAA ---------------------------------------------- */

static void host_free_waiters(struct host_lookup *h)
{
	size_t i;

	for (i = 0; i < h->nwaiters; i++)
		free(h->waiters[i].srv_name);
	free(h->waiters);
	h->waiters = NULL;
	h->nwaiters = h->capwaiters = 0;
}

void discover_free_host(void *v)
{
	struct host_lookup *h = v;

	host_free_waiters(h);
	free(h->fail_reason);
	free(h->addrs);
	free(h);
}

void discover_host_add_address(struct host_lookup *h, int family,
			       const void *src)
{
	char buf[INET6_ADDRSTRLEN];
	size_t i;

	if (h->naddrs >= h->scan->opts->max_addresses ||
	    inet_ntop(family, src, buf, sizeof(buf)) == NULL)
		return;
	for (i = 0; i < h->naddrs; i++)
		if (strcmp(h->addrs[i], buf) == 0)
			return;
	/* Most hosts have one to three addresses: grown as they come, not
	 * sized for --max-addresses. */
	if (grow((void **)&h->addrs, &h->capaddrs, h->naddrs,
		 sizeof(*h->addrs)) != 0) {
		scan_fail(h->scan, "out of memory");
		return;
	}
	memcpy(h->addrs[h->naddrs++], buf, sizeof(buf));
}

/* Hands target t the host's outcome: t came by route (srv_name NULL for
 * DIR; its host is h's name) to port. */
static void host_apply(struct scan *s, const struct host_lookup *h,
		       struct target *t, int port,
		       const struct store_route *route)
{
	struct store_route r = { route->srv_name, h->name, route->srv_priority,
				 route->srv_weight };
	size_t i, n = h->naddrs;

	/* check --connect-to ADDR:PORT: the port it names, as the address. */
	if (s->connect_port != 0)
		port = s->connect_port;
	/* Our resolver failed one of its questions: what did come is
	 * probed, and the target is not probed in full (outage.c). */
	if (h->ours)
		target_set_ours(s, t, s->dns_reason);
	for (i = 0; i < h->nanswers; i++)
		discover_link_answer(s, t->id, h->answer_ids[i]);
	/* A DIR host that did not resolve leaves its target with no probe:
	 * say why on the target. An SRV target without an address is visible
	 * in the stored answers, beside the SRV targets that did resolve. */
	if (n == 0 && r.srv_name == NULL && !h->ours)
		discover_target_error(s, t->id, h->fail_kind, h->fail_reason);
	if (s->opts->no_pool && n > 1)
		n = 1;
	for (i = 0; i < n; i++)
		scan_want_endpoint(s, t, h->addrs[i], port, h->name, &r);
}

/* Every answer is in: a host without an address says why. */
static void host_settle(struct scan *s, struct host_lookup *h)
{
	if (h->naddrs == 0 && h->fail_kind == FAIL_NONE && !h->ours) {
		h->fail_kind = FAIL_DNS_NOADDRESS;
		set_reason(&h->fail_reason, "%s has no %s address", h->name,
			 s->opts->ipv4_only ? "IPv4" :
			 s->opts->ipv6_only ? "IPv6" : "IPv4 or IPv6");
	}
}

static void host_done(struct scan *s, struct host_lookup *h)
{
	size_t i;

	host_settle(s, h);
	for (i = 0; i < h->nwaiters && !s->failed; i++) {
		const struct host_waiter *w = &h->waiters[i];
		struct store_route route = { w->srv_name, NULL, w->srv_priority,
					     w->srv_weight };

		host_apply(s, h, w->target, w->port, &route);
		target_release(s, w->target);
	}
	host_free_waiters(h);
	map_retire(&s->hosts, h->name);
}

/* An answer's failure into the host's: NXDOMAIN says most; otherwise the
 * first failure. */
static void host_fold_failure(struct host_lookup *h, enum failure_kind kind,
			      const char *type, const char *why)
{
	if (kind && (h->fail_kind == FAIL_NONE || kind == FAIL_DNS_NXDOMAIN)) {
		h->fail_kind = kind;
		set_reason(&h->fail_reason, "%s %s: %s", h->name, type, why);
	}
}

/* Stores one A or AAAA answer and keeps its addresses. */
static void host_take_answer(struct host_lookup *h, int type, int status,
			     const unsigned char *abuf, int alen)
{
	struct scan *s = h->scan;
	struct store_dns_record recs[FC_DNS_RECORDS_MAX];
	struct ares_addrttl v4[FC_DNS_RECORDS_MAX];
	struct ares_addr6ttl v6[FC_DNS_RECORDS_MAX];
	char text[FC_DNS_RECORDS_MAX][INET6_ADDRSTRLEN];
	struct dns_outcome o = discover_dns_outcome(status);
	struct store_dns_answer a = { h->name, type == T_A ? "A" : "AAAA",
				      o.rcode, "dns", o.reason, 0, recs };
	int i, n = FC_DNS_RECORDS_MAX;

	if (status == ARES_SUCCESS) {
		int rc = type == T_A ?
			ares_parse_a_reply(abuf, alen, NULL, v4, &n) :
			ares_parse_aaaa_reply(abuf, alen, NULL, v6, &n);

		if (rc != ARES_SUCCESS && rc != ARES_ENODATA) {
			o = discover_dns_outcome(rc);
			a.rcode = "ERROR";
			a.reason = ares_strerror(rc);
			n = 0;
		} else if (rc == ARES_ENODATA) {
			n = 0;
		}
	} else {
		n = 0;
	}
	for (i = 0; i < n; i++) {
		const void *src = type == T_A ? (const void *)&v4[i].ipaddr :
						(const void *)&v6[i].ip6addr;

		inet_ntop(type == T_A ? AF_INET : AF_INET6, src, text[i],
			  sizeof(text[i]));
		recs[i] = (struct store_dns_record){ -1, -1, -1, NULL, text[i],
			type == T_A ? v4[i].ttl : v6[i].ttl };
		discover_host_add_address(h, type == T_A ? AF_INET : AF_INET6,
					  src);
	}
	a.count = (size_t)n;
	h->answer_ids[h->nanswers++] = discover_store_answer(s, &a);
	host_fold_failure(h, o.kind, a.type, o.reason ? o.reason : o.rcode);
}

static void host_on_answer(void *arg, int status, int timeouts,
			   unsigned char *abuf, int alen)
{
	struct host_query *q = arg;
	struct host_lookup *h = q->host;
	struct scan *s = h->scan;

	(void)timeouts;
	if (dns_is_abandoned(s, status) || outage_dns_take(s, &q->ask, status))
		return;
	host_take_answer(h, q->type, status, abuf, alen);
	if (--h->pending == 0)
		host_done(s, h);
	scan_wake(s);
}

static void host_resend(struct scan *s, struct dns_ask *a)
{
	struct host_query *q = container_of(a, struct host_query, ask);

	dns_query(&s->dns, q->host->name, q->type, host_on_answer, q);
}

/* outage.c is done with a question our resolver failed: theirs after
 * all (its failure stored as the partner's), or ours (not stored). */
static void host_give_up(struct scan *s, struct dns_ask *a, int theirs)
{
	struct host_query *q = container_of(a, struct host_query, ask);
	struct host_lookup *h = q->host;

	if (theirs)
		host_take_answer(h, q->type, a->status, NULL, 0);
	else
		h->ours = 1;
	if (--h->pending == 0)
		host_done(s, h);
	scan_wake(s);
}

static void host_ask(struct scan *s, struct host_query *q)
{
	q->ask.resend = host_resend;
	q->ask.give_up = host_give_up;
	outage_sent(s, &q->ask);
	dns_query(&s->dns, q->host->name, q->type, host_on_answer, q);
}

/* The hosts file answers first, as the system resolver would ("localhost"
 * never leaves the machine). 1 when it knew the name. */
static int host_from_file(struct scan *s, struct host_lookup *h)
{
	static const int families[] = { AF_INET, AF_INET6 };
	size_t f;
	int found = 0;

	for (f = 0; f < 2; f++) {
		struct hostent *he = NULL;
		struct store_dns_record recs[FC_DNS_RECORDS_MAX];
		char text[FC_DNS_RECORDS_MAX][INET6_ADDRSTRLEN];
		struct store_dns_answer a = { h->name, f ? "AAAA" : "A", "NOERROR",
					      "hosts", NULL, 0, recs };
		int i;

		if ((f == 0 && s->opts->ipv6_only) || (f == 1 && s->opts->ipv4_only))
			continue;
		if (ares_gethostbyname_file(s->dns.channel, h->name, families[f],
					    &he) != ARES_SUCCESS)
			continue;
		for (i = 0; he->h_addr_list[i] && i < FC_DNS_RECORDS_MAX; i++) {
			inet_ntop(families[f], he->h_addr_list[i], text[i], sizeof(text[i]));
			recs[i] = (struct store_dns_record){ -1, -1, -1, NULL, text[i], -1 };
			discover_host_add_address(h, families[f], he->h_addr_list[i]);
		}
		a.count = (size_t)i;
		h->answer_ids[h->nanswers++] = discover_store_answer(s, &a);
		ares_free_hostent(he);
		found = 1;
	}
	return found;
}

/* check --connect-to ADDR: every name resolves to ADDR, as if DNS had
 * said so, and nobody is asked: no question, so no answer is stored
 * (the scan's options keep ADDR). */
static void host_connect_to(struct scan *s, struct host_lookup *h)
{
	unsigned char addr[sizeof(struct in6_addr)];
	int family = strchr(s->connect_addr, ':') ? AF_INET6 : AF_INET;

	if (inet_pton(family, s->connect_addr, addr) == 1)
		discover_host_add_address(h, family, addr);
}

static struct host_lookup *host_start(struct scan *s, const char *name)
{
	struct host_lookup *h = calloc(1, sizeof(*h));

	if (h == NULL)
		return NULL;
	h->scan = s;
	if ((h->name = map_put_key(&s->hosts, name, h)) == NULL) {
		free(h);
		return NULL;
	}
	if (s->connect_addr[0] != '\0') {
		host_connect_to(s, h);
		return h;
	}
	if (host_from_file(s, h))
		return h;
	/* Our resolver was given up for this scan: nothing is asked. */
	if (!outage_dns_usable(s)) {
		h->ours = 1;
		return h;
	}
	h->queries[0] = (struct host_query){ .host = h, .type = T_A };
	h->queries[1] = (struct host_query){ .host = h, .type = T_AAAA };
	h->pending = s->opts->ipv4_only || s->opts->ipv6_only ? 1 : 2;
	s->resolving += (unsigned)h->pending;
	/* Answers may come back in any order; each callback knows its
	 * question. Addresses are kept A first only when A answers first,
	 * which is why the report orders probes itself. */
	if (!s->opts->ipv6_only)
		host_ask(s, &h->queries[0]);
	if (!s->opts->ipv4_only)
		host_ask(s, &h->queries[1]);
	return h;
}

/* What a host's stored answers were, as host_take_answer() took them. */
struct host_recalled {
	struct host_lookup *h;
	int types;      /* 1: A came, 2: AAAA came */
	int from_file;  /* the hosts file answered */
};

static int host_recall_answer(int64_t answer_id,
			      const struct store_dns_answer *a, void *arg)
{
	struct host_recalled *r = arg;
	struct host_lookup *h = r->h;
	int is_a = strcmp(a->type, "A") == 0;
	unsigned char addr[sizeof(struct in6_addr)];
	size_t i;

	/* A resume of an older version asked again: the first answer. */
	if (r->types & (is_a ? 1 : 2))
		return 0;
	r->types |= is_a ? 1 : 2;
	if (strcmp(a->source, "hosts") == 0)
		r->from_file = 1;
	h->answer_ids[h->nanswers++] = answer_id;
	for (i = 0; i < a->count; i++)
		if (a->records[i].address &&
		    inet_pton(is_a ? AF_INET : AF_INET6, a->records[i].address,
			      addr) == 1)
			discover_host_add_address(h, is_a ? AF_INET : AF_INET6,
						  addr);
	host_fold_failure(h, discover_rcode_kind(a->rcode), a->type,
			  a->reason ? a->reason : a->rcode);
	return 0;
}

/* The host's answers as this scan stored them, rebuilt into a lookup in
 * scan->hosts (retired: its work is done), or NULL when none was stored.
 * A question the store has no answer to was our resolver's failure (only
 * those are not stored): the host is ours, as it was. */
static struct host_lookup *host_recall(struct scan *s, const char *name)
{
	struct host_lookup *h = calloc(1, sizeof(*h));
	struct host_recalled r = { h, 0, 0 };
	int n, asked = s->opts->ipv4_only || s->opts->ipv6_only ? 1 : 2;

	if (h == NULL) {
		scan_fail(s, "out of memory");
		return NULL;
	}
	h->scan = s;
	h->name = name; /* for the reasons; the map's copy below */
	n = store_recall_dns(s->st, s->scan_id, name, 0, host_recall_answer, &r);
	if (n <= 0) {
		if (n < 0)
			scan_fail(s, "%s", store_errmsg(s->st));
		discover_free_host(h);
		return NULL;
	}
	if ((h->name = map_put_key(&s->hosts, name, h)) == NULL) {
		discover_free_host(h);
		scan_fail(s, "out of memory");
		return NULL;
	}
	if (!r.from_file && (int)h->nanswers < asked)
		h->ours = 1;
	host_settle(s, h);
	map_retire(&s->hosts, h->name);
	s->recalled++;
	return h;
}

/* The host's lookup: in memory, found again in the database, or asked
 * now. NULL when the scan failed. */
static struct host_lookup *host_get(struct scan *s, const char *name)
{
	struct host_lookup *h = map_get(&s->hosts, name);

	if (h != NULL)
		return h;
	if (scan_may_recall(s, GONE_HOST, name) &&
	    ((h = host_recall(s, name)) != NULL || s->failed))
		return h;
	if ((h = host_start(s, name)) == NULL) {
		scan_fail(s, "out of memory");
		return NULL;
	}
	/* Answered at once (the hosts file, check --connect-to, our
	 * resolver given up): done. */
	if (h->pending == 0)
		map_retire(&s->hosts, h->name);
	return h;
}

void discover_host(struct scan *s, struct target *t, const char *name,
		   int port, const struct store_route *route)
{
	static const struct store_route dir = { NULL, NULL, -1, -1 };
	struct host_lookup *h = host_get(s, name);
	struct host_waiter w;

	if (route == NULL)
		route = &dir;
	if (h == NULL)
		return;
	if (h->pending == 0) {
		host_apply(s, h, t, port, route);
		return;
	}
	w = (struct host_waiter){ t, port, NULL, route->srv_priority,
				  route->srv_weight };
	if (route->srv_name && (w.srv_name = strdup(route->srv_name)) == NULL) {
		scan_fail(s, "out of memory");
		return;
	}
	if (grow((void **)&h->waiters, &h->capwaiters, h->nwaiters,
		 sizeof(*h->waiters)) != 0) {
		free(w.srv_name);
		scan_fail(s, "out of memory");
		return;
	}
	h->waiters[h->nwaiters++] = w;
	target_hold(t);
}

/* ---- SRV ------------------------------------------------------------ */

void discover_free_srv(void *v)
{
	struct srv_lookup *l = v;
	size_t i;

	for (i = 0; l->targets && i < l->ntargets; i++)
		free(l->targets[i].target);
	free(l->targets);
	free(l->waiters);
	free(l->error_reason);
	free(l);
}

/* RFC 2782: lower priority first; within a priority, heavier first (a
 * deterministic stand-in for the weighted draw, so that reports compare
 * night to night); then by name. */
static int srv_target_cmp(const void *a, const void *b)
{
	const struct srv_target *x = a, *y = b;

	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	return strcmp(x->target, y->target);
}

/* Keeps the first --max-srv-targets of the ordered targets, and starts
 * the lookups of their hosts (their targets are about to be applied). */
static void srv_start_hosts(struct srv_lookup *l)
{
	struct scan *s = l->scan;
	size_t i, kept = 0;

	for (i = 0; i < l->ntargets; i++) {
		char *name = l->targets[i].target;

		if (kept < s->opts->max_srv_targets && !s->failed &&
		    host_get(s, name) != NULL) {
			l->targets[kept++] = l->targets[i];
			continue;
		}
		free(name);
	}
	l->ntargets = kept;
}

int discover_srv_pick(struct srv_lookup *l, const struct ares_srv_reply *reply,
		      size_t *total, size_t *dots)
{
	const struct ares_srv_reply *r;
	struct srv_target *t;
	size_t n = 0;
	char *c;

	*total = *dots = 0;
	for (r = reply; r; r = r->next)
		n++;
	l->targets = calloc(n ? n : 1, sizeof(*l->targets));
	if (l->targets == NULL)
		return -1;
	for (r = reply; r; r = r->next) {
		(*total)++;
		if (strcmp(r->host, "") == 0 || strcmp(r->host, ".") == 0) {
			(*dots)++;
			continue;
		}
		if (!names_is_valid_host(r->host))
			continue;
		t = &l->targets[l->ntargets];
		*t = (struct srv_target){ r->priority, r->weight, r->port,
					  c = strdup(r->host) };
		if (c == NULL)
			continue;
		/* Names are case-insensitive: one spelling per host, so that
		 * the host is resolved and probed once. */
		for (; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		l->ntargets++;
	}
	qsort(l->targets, l->ntargets, sizeof(*l->targets), srv_target_cmp);
	return 0;
}

void discover_srv_verdict(struct srv_lookup *l, size_t total, size_t dots)
{
	if (total == 0) {
		l->error_kind = FAIL_SRV_MISSING;
		set_reason(&l->error_reason, "no SRV record for %s", l->name);
	} else if (dots > 0 && l->ntargets == 0) {
		l->error_kind = FAIL_SRV_NOT_AVAILABLE;
		set_reason(&l->error_reason,
			   "%s: service decidedly not available (SRV target \".\")",
			   l->name);
	} else if (l->ntargets == 0) {
		l->error_kind = FAIL_SRV_INVALID;
		set_reason(&l->error_reason,
			   "%s: no SRV target is a valid host name", l->name);
	}
}

/* Keeps the records worth following: valid names, not ".", at most
 * --max-srv-targets of them after ordering. */
static void srv_keep_targets(struct srv_lookup *l,
			     const struct ares_srv_reply *reply)
{
	size_t total, dots;

	if (discover_srv_pick(l, reply, &total, &dots) != 0)
		return;
	srv_start_hosts(l);
	discover_srv_verdict(l, total, dots);
}

/* Whether r is one of the SRV targets the scan follows. */
static int srv_is_followed(const struct srv_lookup *l,
			   const struct ares_srv_reply *r)
{
	size_t i;

	for (i = 0; i < l->ntargets; i++) {
		const struct srv_target *t = &l->targets[i];

		if (t->priority == r->priority && t->weight == r->weight &&
		    t->port == r->port && strcasecmp(t->target, r->host) == 0)
			return 1;
	}
	return 0;
}

/* Stores the SRV answer as it came, every record in answer order. An
 * answer of more than FC_DNS_RECORDS_MAX records cannot be kept whole:
 * then the records the scan follows are kept first (so that every route
 * has its record), the others after them, each group in answer order. */
static void srv_store_answer(struct srv_lookup *l, const char *rcode,
			     const char *reason,
			     const struct ares_srv_reply *reply)
{
	struct store_dns_record recs[FC_DNS_RECORDS_MAX];
	struct store_dns_answer a = { l->name, "SRV", rcode, "dns", reason, 0,
				      recs };
	const struct ares_srv_reply *r;
	size_t n = 0;
	int pass;

	for (r = reply; r; r = r->next)
		n++;
	for (pass = n > FC_DNS_RECORDS_MAX ? 0 : 1; pass < 2; pass++) {
		for (r = reply; r && a.count < FC_DNS_RECORDS_MAX; r = r->next) {
			if (n > FC_DNS_RECORDS_MAX && srv_is_followed(l, r) != !pass)
				continue;
			recs[a.count++] = (struct store_dns_record){
				r->priority, r->weight, r->port,
				r->host[0] ? r->host : ".", NULL, -1 };
		}
	}
	l->answer_id = discover_store_answer(l->scan, &a);
}

static void srv_apply(struct scan *s, const struct srv_lookup *l,
		      struct target *target)
{
	size_t i;

	if (l->ours) {
		target_set_ours(s, target, s->dns_reason);
		return;
	}
	discover_link_answer(s, target->id, l->answer_id);
	if (l->error_kind) {
		discover_target_error(s, target->id, l->error_kind,
				      l->error_reason);
		return;
	}
	for (i = 0; i < l->ntargets && !s->failed; i++) {
		const struct srv_target *t = &l->targets[i];
		struct store_route route = { l->name, t->target, t->priority,
					     t->weight };

		discover_host(s, target, t->target, t->port, &route);
	}
}

static void srv_release_waiters(struct scan *s, struct srv_lookup *l)
{
	size_t i;

	for (i = 0; i < l->nwaiters && !s->failed; i++) {
		srv_apply(s, l, l->waiters[i]);
		target_release(s, l->waiters[i]);
	}
	free(l->waiters);
	l->waiters = NULL;
	l->nwaiters = l->capwaiters = 0;
	map_retire(&s->srvs, l->name);
	scan_wake(s);
}

/* The SRV question's answer (or the partner's failure), stored, and its
 * targets sent on. */
static void srv_take(struct srv_lookup *l, int status, unsigned char *abuf,
		     int alen)
{
	struct scan *s = l->scan;
	struct ares_srv_reply *reply = NULL;
	struct dns_outcome o = discover_dns_outcome(status);

	l->done = 1;
	if (status == ARES_SUCCESS) {
		int rc = ares_parse_srv_reply(abuf, alen, &reply);

		if (rc != ARES_SUCCESS && rc != ARES_ENODATA) {
			o.rcode = "ERROR";
			o.kind = FAIL_DNS_ERROR;
			o.reason = ares_strerror(rc);
		}
	}
	if (o.kind) {
		l->error_kind = o.kind;
		set_reason(&l->error_reason, "%s SRV: %s", l->name, o.reason);
	} else {
		srv_keep_targets(l, reply);
	}
	srv_store_answer(l, o.rcode, o.reason, reply);
	ares_free_data(reply);
	srv_release_waiters(s, l);
}

static void srv_on_answer(void *arg, int status, int timeouts,
			  unsigned char *abuf, int alen)
{
	struct srv_lookup *l = arg;

	(void)timeouts;
	if (dns_is_abandoned(l->scan, status) ||
	    outage_dns_take(l->scan, &l->ask, status))
		return;
	srv_take(l, status, abuf, alen);
}

static void srv_resend(struct scan *s, struct dns_ask *a)
{
	struct srv_lookup *l = container_of(a, struct srv_lookup, ask);

	dns_query(&s->dns, l->name, T_SRV, srv_on_answer, l);
}

static void srv_give_up(struct scan *s, struct dns_ask *a, int theirs)
{
	struct srv_lookup *l = container_of(a, struct srv_lookup, ask);

	if (theirs) {
		srv_take(l, a->status, NULL, 0);
		return;
	}
	l->done = 1;
	l->ours = 1;
	srv_release_waiters(s, l);
}

/* What an SRV name's stored answer was, copied out of the store: its
 * records as c-ares gives them, to be taken as srv_take() took them. */
struct srv_recalled {
	int found;
	int64_t answer_id;
	char *rcode, *reason;
	struct ares_srv_reply *replies; /* owned, an array linked in order */
	size_t nreplies;
};

static void srv_recalled_free(struct srv_recalled *r)
{
	size_t i;

	for (i = 0; i < r->nreplies; i++)
		free(r->replies[i].host);
	free(r->replies);
	free(r->rcode);
	free(r->reason);
}

static int srv_recall_answer(int64_t answer_id,
			     const struct store_dns_answer *a, void *arg)
{
	struct srv_recalled *r = arg;
	size_t i;

	if (r->found) /* a resume of an older version asked again */
		return 0;
	r->found = 1;
	r->answer_id = answer_id;
	r->rcode = strdup(a->rcode);
	r->reason = a->reason ? strdup(a->reason) : NULL;
	if (r->rcode == NULL || (a->reason && r->reason == NULL))
		return -1;
	if (a->count == 0)
		return 0;
	if ((r->replies = calloc(a->count, sizeof(*r->replies))) == NULL)
		return -1;
	for (i = 0; i < a->count; i++) {
		const struct store_dns_record *d = &a->records[i];
		struct ares_srv_reply *x = &r->replies[i];

		if ((x->host = strdup(d->target ? d->target : ".")) == NULL)
			return -1;
		r->nreplies++;
		x->priority = (unsigned short)d->priority;
		x->weight = (unsigned short)d->weight;
		x->port = (unsigned short)d->port;
		if (i > 0)
			r->replies[i - 1].next = x;
	}
	return 0;
}

/* The SRV name's answer as this scan stored it, taken again into a lookup
 * in scan->srvs (retired), its hosts found or started; NULL when none was
 * stored (our resolver failed it: it is asked now). */
static struct srv_lookup *srv_recall(struct scan *s, const char *name)
{
	struct srv_recalled r;
	struct srv_lookup *l = NULL;
	enum failure_kind kind;
	int n;

	memset(&r, 0, sizeof(r));
	n = store_recall_dns(s->st, s->scan_id, name, 1, srv_recall_answer, &r);
	if (n < 0) {
		scan_fail(s, "%s", store_errmsg(s->st));
		goto out;
	}
	if (n == 0)
		goto out;
	if ((l = calloc(1, sizeof(*l))) == NULL ||
	    (l->name = map_put_key(&s->srvs, name, l)) == NULL) {
		free(l);
		l = NULL;
		scan_fail(s, "out of memory");
		goto out;
	}
	l->scan = s;
	l->done = 1;
	l->answer_id = r.answer_id;
	if ((kind = discover_rcode_kind(r.rcode)) != FAIL_NONE) {
		l->error_kind = kind;
		set_reason(&l->error_reason, "%s SRV: %s", l->name,
			   r.reason ? r.reason : r.rcode);
	} else {
		srv_keep_targets(l, r.nreplies ? r.replies : NULL);
	}
	map_retire(&s->srvs, l->name);
	s->recalled++;
out:
	srv_recalled_free(&r);
	return l;
}

void discover_srv(struct scan *s, struct target *t, enum target_type type,
		  const char *domain)
{
	char name[FC_DNS_NAME_MAX + 32];
	struct srv_lookup *l;

	snprintf(name, sizeof(name), "%s%s", srv_prefix[type], domain);
	if (strlen(name) > FC_DNS_NAME_MAX) {
		discover_target_error(s, t->id, FAIL_INVALID_NAME,
				      "the SRV name would be longer than 253 bytes");
		return;
	}
	l = map_get(&s->srvs, name);
	if (l == NULL && scan_may_recall(s, GONE_SRV, name) &&
	    (l = srv_recall(s, name)) == NULL && s->failed)
		return;
	if (l == NULL) {
		l = calloc(1, sizeof(*l));
		if (l == NULL || (l->name = map_put_key(&s->srvs, name, l)) == NULL) {
			free(l);
			scan_fail(s, "out of memory");
			return;
		}
		l->scan = s;
		if (!outage_dns_usable(s)) {
			/* Our resolver was given up: nothing is asked. */
			l->done = 1;
			l->ours = 1;
			map_retire(&s->srvs, l->name);
		} else {
			l->ask.resend = srv_resend;
			l->ask.give_up = srv_give_up;
			outage_sent(s, &l->ask);
			s->resolving++;
			dns_query(&s->dns, name, T_SRV, srv_on_answer, l);
		}
	}
	if (l->done) {
		srv_apply(s, l, t);
		return;
	}
	if (grow((void **)&l->waiters, &l->capwaiters, l->nwaiters,
		 sizeof(*l->waiters)) != 0) {
		scan_fail(s, "out of memory");
		return;
	}
	l->waiters[l->nwaiters++] = t;
	target_hold(t);
}
