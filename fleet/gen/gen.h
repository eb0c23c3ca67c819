/* gen.h: the fleet generator's plan, shared by its files (not a public API).
 *
 * The plan is a pure function of (domains, seed, port, rates): plan.c draws
 * it from a per-domain PRNG, so domain i looks the same in a 50-domain and a
 * 10,000-domain fleet and the key/certificate cache serves both. pki.c turns
 * the plan's certificate specs into files in the cache; write.c writes the
 * fleet's files (server config, dnsmasq config, targets CSV, manifests).
 */
#ifndef FLEET_GEN_H
#define FLEET_GEN_H

#include <limits.h>
#include <stdint.h>
#include <time.h>

#include <openssl/types.h>

#define GEN_ZONE "fleet.test"
#define GEN_NAME_MAX 96           /* host and domain names we make */
#define GEN_DOMAIN_MAX 64         /* a domain: room for a host label in front */
#define GEN_ADDR_MAX 48           /* textual IPv4/IPv6 address */
#define GEN_POOLS 4               /* hosted pools (the shape) */
#define GEN_POOL_ADDRS 4          /* addresses per pool */
#define GEN_EDGE_ADDRS_MAX 3      /* addresses of an own edge */
#define GEN_INTERMEDIATES 4       /* issuing CAs, two under each root */
#define GEN_ROOTS 2
#define GEN_CAS (GEN_ROOTS + GEN_INTERMEDIATES)
#define GEN_V6_HOSTS_MAX 4        /* hosts with an AAAA ::1 (one listener per port) */
#define GEN_V6_EVERY 2500         /* every this many own edges gets one */
#define GEN_DOMAINS_MAX 1000000
#define GEN_PATH_MAX 512

enum gen_key { GEN_KEY_EC256, GEN_KEY_RSA2048, GEN_KEY_RSA1024, GEN_KEY_KINDS };

/* What a certificate is wrong about. Per host, except POOL_STALE (one member
 * of a pool) and NO_INTERMEDIATE (a server setting, but kept per host). */
enum gen_defect {
	GEN_DEF_NONE,
	GEN_DEF_EXPIRED,
	GEN_DEF_WRONG_NAME,
	GEN_DEF_NO_INTERMEDIATE,
	GEN_DEF_NO_CLIENTAUTH,
	GEN_DEF_SELF_SIGNED,
	GEN_DEF_SHA1,
	GEN_DEF_RSA1024,
	GEN_DEF_POOL_STALE,
	GEN_DEF_KINDS
};
#define GEN_HOST_DEFECTS 7 /* EXPIRED..RSA1024: what a host may draw */

/* How the fleet server behaves on an address. REFUSED has no listener. */
enum gen_mode {
	GEN_MODE_TLS,
	GEN_MODE_SILENT,
	GEN_MODE_REFUSED,
	GEN_MODE_RESET,
	GEN_MODE_GARBAGE,
	GEN_MODE_DRIBBLE,
	GEN_MODE_HTTP,
	GEN_MODE_KINDS
};

enum gen_validity { GEN_VALID, GEN_EXPIRED, GEN_STALE };
enum gen_role { GEN_ROLE_POOL, GEN_ROLE_EDGE };
enum gen_type { GEN_FED, GEN_SIP, GEN_DIR };

/* What a target row should come to: probes, or a target-level failure. */
enum gen_expect { GEN_EXPECT_PROBES, GEN_EXPECT_NXDOMAIN, GEN_EXPECT_SRV_DOT };

/* One leaf certificate. pki.c fills the paths and the fingerprint. */
struct gen_cert {
	char cn[GEN_NAME_MAX];          /* subject CN and the one DNS SAN */
	enum gen_key key;
	int key_index;                  /* per key type: the cached key file */
	int issuer;                     /* intermediate index; -1 self-signed */
	enum gen_validity validity;
	int sha1;                       /* signed with SHA-1 */
	int no_clientauth;              /* EKU serverAuth only */
	char cert_path[GEN_PATH_MAX];
	char key_path[GEN_PATH_MAX];
	char sha256[65];                /* of the DER, lowercase hex */
	time_t not_after;
};

struct gen_host {
	char name[GEN_NAME_MAX];
	int port;
	int cert;
	enum gen_role role;
	enum gen_defect defect;
	int first_ep, n_ep;             /* its endpoints, contiguous */
};

struct gen_endpoint {
	char address[GEN_ADDR_MAX];
	int port;
	int host;
	int cert;                       /* usually the host's; POOL_STALE differs */
	enum gen_mode mode;
	enum gen_defect defect;
};

struct gen_row {
	int domain;
	enum gen_type type;
	int host;                       /* -1: a DNS failure row */
	int literal;                    /* DIR with the first address as literal */
	enum gen_expect expect;
};

struct gen_domain {
	char name[GEN_NAME_MAX];
	int host;                       /* -1: no usable SRV (see expect) */
	enum gen_expect expect;
};

struct gen_options {
	int domains;
	uint64_t seed;
	int port;
	double defect_pct;              /* of own edge hosts */
	double fault_pct;               /* of own edge endpoints; a third of it for DNS */
	long dir_rows;                  /* rows of targets-dir.csv; 0: none */
	int jobs;                       /* key generation processes */
	int no_ipv6;                    /* no ::1 hosts: the loopback has none */
	const char *out_dir;
	const char *cache_dir;
};

/* The whole plan; arrays owned by the plan, freed by gen_plan_free(). */
struct gen_plan {
	struct gen_options opt;
	struct gen_domain *domains;
	struct gen_host *hosts;
	struct gen_endpoint *eps;
	struct gen_cert *certs;
	struct gen_row *rows;
	int n_domains, n_hosts, n_eps, n_certs, n_rows;
	int n_v6;                       /* hosts with an AAAA ::1 */
	int key_count[GEN_KEY_KINDS];
	time_t base;                    /* first day of this month, UTC */
	/* CA certificates (PEM paths, filled by gen_pki): the two roots, then
	 * the intermediates in issuer order. */
	char ca_pem[GEN_CAS][GEN_PATH_MAX];
};

/* plan.c */
int gen_plan_build(struct gen_plan *plan, const struct gen_options *opt);
void gen_plan_free(struct gen_plan *plan);
const char *gen_defect_name(enum gen_defect d);
const char *gen_mode_name(enum gen_mode m);
const char *gen_key_name(enum gen_key k);
int gen_chain_sent(const struct gen_plan *plan, const struct gen_endpoint *ep);

/* pki.c: makes or reuses every key and certificate; 0 or -1 (message on
 * stderr). Fills each cert's paths, sha256 and not_after. */
int gen_pki(struct gen_plan *plan);
/* The chain file an endpoint's server sends after the leaf ("-": none). */
const char *gen_chain_path(const struct gen_plan *plan, const struct gen_endpoint *ep);
/* Writes both roots, PEM, to path. */
int gen_write_roots(const struct gen_plan *plan, const char *path);

/* keys.c: key files. gen_key_new() makes "ec256", "ec384", "rsa2048" or
 * "rsa1024" (caller frees); the writers replace path atomically (0 or -1,
 * message on stderr); gen_keys_make() names every leaf's key file in the
 * cache and generates the missing ones in opt.jobs processes. gen_mkdir()
 * makes a directory and its missing parents, as mkdir -p (0 or -1, message
 * on stderr). */
EVP_PKEY *gen_key_new(const char *kind);
int gen_write_key(const char *path, EVP_PKEY *key);
int gen_write_cert(const char *path, X509 *cert);
int gen_mkdir(const char *path);
int gen_keys_make(struct gen_plan *plan);

/* write.c: the fleet's files in opt.out_dir; 0 or -1. */
int gen_write_all(const struct gen_plan *plan);

#endif
