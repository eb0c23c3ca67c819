/* plan.c: the shape of the fleet, drawn from (seed, domain index).
 *
 * Every domain draws from its own PRNG stream, seeded by the seed and its
 * index, so domain i is the same whatever N is: a 50-domain fleet is the
 * start of the 10,000-domain one and shares its cached keys. Key files are
 * numbered per key type in plan order, which keeps that true for keys too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

#define GEN_POOL_SHARE 0.60       /* domains on a hosted pool */
#define GEN_SIP_SHARE 0.20        /* domains that also get a SIP row */
#define GEN_DIR_SHARE 0.10        /* ... and a DIR row */
#define GEN_LITERAL_SHARE 0.05    /* DIR rows that name an address, not a host */
#define GEN_EC_SHARE 0.60         /* own edges with an ECDSA P-256 key */
#define GEN_STALE_POOL 1          /* the pool whose member was not renewed */
#define GEN_STALE_MEMBER 2

static const char *const defect_names[GEN_DEF_KINDS] = {
	"none", "expired", "wrong_name", "no_intermediate", "no_clientauth",
	"self_signed", "sha1", "rsa1024", "pool_stale",
};
static const char *const mode_names[GEN_MODE_KINDS] = {
	"tls", "silent", "refused", "reset", "garbage", "dribble", "http",
};
static const char *const key_names[GEN_KEY_KINDS] = { "ec256", "rsa2048", "rsa1024" };
static const char *const edge_prefixes[] = { "sip", "sipfed", "edge", "access" };

struct pool_def {
	const char *name;
	enum gen_key key;
	int issuer;
	int weight;                 /* percent of pool domains */
};

/* Uneven on purpose: real hosting is dominated by a few big providers. */
static const struct pool_def pools[GEN_POOLS] = {
	{ "sipfed.hosted-a", GEN_KEY_EC256, 0, 40 },
	{ "sipfed.hosted-b", GEN_KEY_RSA2048, 1, 30 },
	{ "sip.cloud-c", GEN_KEY_EC256, 2, 20 },
	{ "edge.carrier-d", GEN_KEY_RSA2048, 3, 10 },
};

const char *gen_defect_name(enum gen_defect d) { return defect_names[d]; }
const char *gen_mode_name(enum gen_mode m) { return mode_names[m]; }
const char *gen_key_name(enum gen_key k) { return key_names[k]; }

/* splitmix64: tiny, well mixed, and the same on every platform. */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static double rng_unit(uint64_t *s)
{
	return (double)(rng_next(s) >> 11) * 0x1.0p-53;
}

static int rng_below(uint64_t *s, int n)
{
	return (int)(rng_next(s) % (uint64_t)n);
}

static uint64_t rng_for(uint64_t seed, uint64_t index)
{
	uint64_t s = seed ^ ((index + 1) * 0xD1B54A32D192ED03ULL);

	rng_next(&s);
	return s;
}

/* Own edges live in 127.2.0.1 and up, skipping .0 and .255 in the last
 * octet; pools sit apart in 127.1.0.0/24 so an address says what it is. */
static void edge_address(char *buf, size_t len, int n)
{
	snprintf(buf, len, "127.%d.%d.%d", 2 + n / (256 * 254), (n / 254) % 256,
		 n % 254 + 1);
}

static time_t month_start(time_t now)
{
	struct tm tm;

	gmtime_r(&now, &tm);
	tm.tm_mday = 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	return timegm(&tm);
}

static int plan_alloc(struct gen_plan *p)
{
	size_t n = (size_t)p->opt.domains;

	p->domains = calloc(n, sizeof(*p->domains));
	p->hosts = calloc(n + GEN_POOLS, sizeof(*p->hosts));
	p->eps = calloc(n * GEN_EDGE_ADDRS_MAX + GEN_POOLS * GEN_POOL_ADDRS +
				GEN_V6_HOSTS_MAX, sizeof(*p->eps));
	p->certs = calloc(n + GEN_POOLS + 1, sizeof(*p->certs));
	p->rows = calloc(n * 3, sizeof(*p->rows));
	if (!p->domains || !p->hosts || !p->eps || !p->certs || !p->rows)
		return -1;
	return 0;
}

static int cert_add(struct gen_plan *p, const char *cn, enum gen_key key,
		    int issuer, enum gen_validity validity)
{
	struct gen_cert *c = &p->certs[p->n_certs];

	snprintf(c->cn, sizeof(c->cn), "%s", cn);
	c->key = key;
	c->key_index = p->key_count[key]++;
	c->issuer = issuer;
	c->validity = validity;
	return p->n_certs++;
}

static struct gen_endpoint *ep_add(struct gen_plan *p, int host,
				   const char *addr)
{
	struct gen_endpoint *e = &p->eps[p->n_eps++];

	snprintf(e->address, sizeof(e->address), "%s", addr);
	e->host = host;
	e->port = p->hosts[host].port;
	e->cert = p->hosts[host].cert;
	e->mode = GEN_MODE_TLS;
	e->defect = p->hosts[host].defect;
	p->hosts[host].n_ep++;
	return e;
}

static void plan_pools(struct gen_plan *p)
{
	int i, m;

	for (i = 0; i < GEN_POOLS; i++) {
		struct gen_host *h = &p->hosts[p->n_hosts];
		int stale = -1;
		char addr[GEN_ADDR_MAX];

		snprintf(h->name, sizeof(h->name), "%s.%s", pools[i].name, GEN_ZONE);
		h->port = p->opt.port;
		h->role = GEN_ROLE_POOL;
		h->cert = cert_add(p, h->name, pools[i].key, pools[i].issuer, GEN_VALID);
		h->first_ep = p->n_eps;
		if (i == GEN_STALE_POOL && p->opt.defect_pct > 0)
			stale = cert_add(p, h->name, pools[i].key, pools[i].issuer,
					 GEN_STALE);
		for (m = 0; m < GEN_POOL_ADDRS; m++) {
			struct gen_endpoint *e;

			snprintf(addr, sizeof(addr), "127.1.0.%d",
				 i * GEN_POOL_ADDRS + m + 1);
			e = ep_add(p, p->n_hosts, addr);
			if (m == GEN_STALE_MEMBER && stale >= 0) {
				e->cert = stale;
				e->defect = GEN_DEF_POOL_STALE;
			}
		}
		p->n_hosts++;
	}
}

/* The certificate an own edge presents, bent by its defect. */
static int edge_cert(struct gen_plan *p, const struct gen_host *h,
		     const char *domain, uint64_t *rng)
{
	enum gen_key key = rng_unit(rng) < GEN_EC_SHARE ? GEN_KEY_EC256 :
							   GEN_KEY_RSA2048;
	int issuer = rng_below(rng, GEN_INTERMEDIATES), c;
	char cn[GEN_NAME_MAX];

	snprintf(cn, sizeof(cn), "%s", h->name);
	if (h->defect == GEN_DEF_WRONG_NAME)
		snprintf(cn, sizeof(cn), "www.%.*s", GEN_DOMAIN_MAX, domain);
	if (h->defect == GEN_DEF_RSA1024)
		key = GEN_KEY_RSA1024;
	if (h->defect == GEN_DEF_SELF_SIGNED)
		issuer = -1;
	c = cert_add(p, cn, key, issuer,
		     h->defect == GEN_DEF_EXPIRED ? GEN_EXPIRED : GEN_VALID);
	p->certs[c].sha1 = h->defect == GEN_DEF_SHA1;
	p->certs[c].no_clientauth = h->defect == GEN_DEF_NO_CLIENTAUTH;
	return c;
}

/* An own edge: 1-3 addresses (60/30/10), maybe a defect, maybe faults. */
static int plan_edge(struct gen_plan *p, int domain, uint64_t *rng)
{
	const char *dname = p->domains[domain].name;
	int hi = p->n_hosts++, edges = hi - GEN_POOLS, n, a;
	struct gen_host *h = &p->hosts[hi];
	double u = rng_unit(rng);
	char addr[GEN_ADDR_MAX];

	snprintf(h->name, sizeof(h->name), "%s.%.*s", edge_prefixes[rng_below(rng, 4)],
		 GEN_DOMAIN_MAX, dname);
	h->role = GEN_ROLE_EDGE;
	h->port = p->opt.port;
	if (edges % GEN_V6_EVERY == 0 && p->n_v6 < GEN_V6_HOSTS_MAX &&
	    !p->opt.no_ipv6)
		h->port = p->opt.port + 1 + p->n_v6; /* one ::1 listener per port */
	/* The first own edges carry one of each defect, then one of each fault,
	 * so that even a 50-domain fleet shows them all; then the rates rule. */
	if (p->opt.defect_pct > 0 && edges >= 1 && edges <= GEN_HOST_DEFECTS)
		h->defect = (enum gen_defect)edges;
	else if (rng_unit(rng) * 100 < p->opt.defect_pct)
		h->defect = (enum gen_defect)(1 + rng_below(rng, GEN_HOST_DEFECTS));
	h->cert = edge_cert(p, h, dname, rng);
	h->first_ep = p->n_eps;
	n = u < 0.6 ? 1 : u < 0.9 ? 2 : 3;
	for (a = 0; a < n; a++) {
		struct gen_endpoint *e;

		edge_address(addr, sizeof(addr),
			     p->n_eps - GEN_POOLS * GEN_POOL_ADDRS - p->n_v6);
		e = ep_add(p, hi, addr);
		if (a == 0 && p->opt.fault_pct > 0 && edges > GEN_HOST_DEFECTS &&
		    edges < GEN_HOST_DEFECTS + GEN_MODE_KINDS)
			e->mode = (enum gen_mode)(edges - GEN_HOST_DEFECTS);
		else if (rng_unit(rng) * 100 < p->opt.fault_pct)
			e->mode = (enum gen_mode)(1 + rng_below(rng, GEN_MODE_KINDS - 1));
	}
	if (h->port != p->opt.port) {
		ep_add(p, hi, "::1");
		p->n_v6++;
	}
	return hi;
}

static void row_add(struct gen_plan *p, int domain, enum gen_type type,
		    int literal)
{
	struct gen_row *r = &p->rows[p->n_rows++];

	r->domain = domain;
	r->type = type;
	r->host = p->domains[domain].host;
	r->literal = literal;
	r->expect = p->domains[domain].expect;
}

static int pool_pick(uint64_t *rng)
{
	int w = rng_below(rng, 100), i;

	for (i = 0; i < GEN_POOLS - 1; i++) {
		if (w < pools[i].weight)
			return i;
		w -= pools[i].weight;
	}
	return GEN_POOLS - 1;
}

static void plan_domain(struct gen_plan *p, int i)
{
	uint64_t rng = rng_for(p->opt.seed, (uint64_t)i);
	struct gen_domain *d = &p->domains[i];
	double dns_fault = p->opt.fault_pct / 3 / 100;

	snprintf(d->name, sizeof(d->name), "partner%05d.%s", i, GEN_ZONE);
	d->expect = GEN_EXPECT_PROBES;
	if (i >= GEN_POOLS && rng_unit(&rng) < dns_fault) {
		d->host = -1;
		d->expect = rng_unit(&rng) < 0.5 ? GEN_EXPECT_NXDOMAIN :
						   GEN_EXPECT_SRV_DOT;
		row_add(p, i, GEN_FED, 0);
		return;
	}
	/* The first domains cover every pool, so even a tiny fleet has all. */
	if (i < GEN_POOLS)
		d->host = i;
	else if (rng_unit(&rng) < GEN_POOL_SHARE)
		d->host = pool_pick(&rng);
	else
		d->host = plan_edge(p, i, &rng);
	row_add(p, i, GEN_FED, 0);
	if (rng_unit(&rng) < GEN_SIP_SHARE)
		row_add(p, i, GEN_SIP, 0);
	if (rng_unit(&rng) < GEN_DIR_SHARE)
		row_add(p, i, GEN_DIR, rng_unit(&rng) < GEN_LITERAL_SHARE);
}

int gen_plan_build(struct gen_plan *plan, const struct gen_options *opt)
{
	int i;

	memset(plan, 0, sizeof(*plan));
	plan->opt = *opt;
	plan->base = month_start(time(NULL));
	if (plan_alloc(plan) != 0) {
		fprintf(stderr, "fleet-gen: out of memory\n");
		return -1;
	}
	plan_pools(plan);
	for (i = 0; i < opt->domains; i++)
		plan_domain(plan, i);
	plan->n_domains = opt->domains;
	return 0;
}

void gen_plan_free(struct gen_plan *plan)
{
	free(plan->domains);
	free(plan->hosts);
	free(plan->eps);
	free(plan->certs);
	free(plan->rows);
	memset(plan, 0, sizeof(*plan));
}

int gen_chain_sent(const struct gen_plan *plan, const struct gen_endpoint *ep)
{
	enum gen_defect d = ep->defect;

	(void)plan;
	return d == GEN_DEF_NO_INTERMEDIATE || d == GEN_DEF_SELF_SIGNED ? 1 : 2;
}
