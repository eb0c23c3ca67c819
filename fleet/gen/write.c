/* write.c: the fleet's files, from the plan (after gen_pki()).
 *
 *   fleet.conf     the fleet server's listeners (TSV; refused addresses omitted)
 *   dnsmasq.conf   srv-host= and host-record= lines for the fleet's zone
 *   targets.csv    the targets in the import format
 *   targets.tsv    per targets.csv row: what fedcert should make of it
 *   manifest.tsv   per endpoint: address plan, fault mode, defect, leaf
 *   roots.pem      both roots, the trust store to scan with
 *   targets-dir.csv  (with --dir-rows) DIR rows cycling over every host
 *   summary.txt    counts, for people
 * The TSV headers are the contract fleet/check-fleet reads; add columns at
 * the end only.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gen.h"

static const char *const type_names[] = { "FED", "SIP", "DIR" };
static const char *const srv_prefixes[] = { "_sipfederationtls._tcp", "_sip._tls", NULL };
static const char *const expect_names[] = { "probes", "dns_nxdomain", "srv_not_available" };

static FILE *out_open(const struct gen_plan *p, const char *name)
{
	char path[GEN_PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", p->opt.out_dir, name);
	f = fopen(path, "w");
	if (f == NULL)
		fprintf(stderr, "fleet-gen: cannot write %s: %s\n", path, strerror(errno));
	return f;
}

static int out_close(FILE *f, const char *name)
{
	int bad = ferror(f);

	if (fclose(f) != 0 || bad) {
		fprintf(stderr, "fleet-gen: error writing %s\n", name);
		return -1;
	}
	return 0;
}

static int mode_speaks_tls(enum gen_mode m)
{
	return m == GEN_MODE_TLS || m == GEN_MODE_RESET || m == GEN_MODE_DRIBBLE;
}

static int write_server_conf(const struct gen_plan *p)
{
	FILE *f = out_open(p, "fleet.conf");
	int i;

	if (f == NULL)
		return -1;
	fprintf(f, "# fleet-server listeners, written by fleet-gen\n"
		   "# address\tport\tmode\tcert\tkey\tchain\n");
	for (i = 0; i < p->n_eps; i++) {
		const struct gen_endpoint *e = &p->eps[i];
		const struct gen_cert *c = &p->certs[e->cert];

		if (e->mode == GEN_MODE_REFUSED)
			continue; /* refused is simply nobody listening */
		if (mode_speaks_tls(e->mode))
			fprintf(f, "%s\t%d\t%s\t%s\t%s\t%s\n", e->address, e->port,
				gen_mode_name(e->mode), c->cert_path, c->key_path,
				gen_chain_path(p, e));
		else
			fprintf(f, "%s\t%d\t%s\t-\t-\t-\n", e->address, e->port,
				gen_mode_name(e->mode));
	}
	return out_close(f, "fleet.conf");
}

static void write_srv(FILE *f, const struct gen_plan *p, const struct gen_row *r)
{
	const struct gen_domain *d = &p->domains[r->domain];
	const struct gen_host *h;

	if (r->type == GEN_DIR || d->expect == GEN_EXPECT_NXDOMAIN)
		return; /* nothing at all: the name does not exist */
	if (d->expect == GEN_EXPECT_SRV_DOT) {
		/* dnsmasq answers "." for an srv-host without a target */
		fprintf(f, "srv-host=%s.%s\n", srv_prefixes[r->type], d->name);
		return;
	}
	h = &p->hosts[r->host];
	fprintf(f, "srv-host=%s.%s,%s,%d,0,100\n", srv_prefixes[r->type], d->name,
		h->name, h->port);
}

static int write_dnsmasq(const struct gen_plan *p)
{
	FILE *f = out_open(p, "dnsmasq.conf");
	int i, e;

	if (f == NULL)
		return -1;
	fprintf(f, "# fleet zone %s, written by fleet-gen\n", GEN_ZONE);
	for (i = 0; i < p->n_rows; i++)
		write_srv(f, p, &p->rows[i]);
	for (i = 0; i < p->n_hosts; i++) {
		const struct gen_host *h = &p->hosts[i];

		for (e = h->first_ep; e < h->first_ep + h->n_ep; e++)
			fprintf(f, "host-record=%s,%s\n", h->name, p->eps[e].address);
	}
	return out_close(f, "dnsmasq.conf");
}

/* The CSV's domain field and port of a row, as the import format has it. */
static void row_target(const struct gen_plan *p, const struct gen_row *r,
		       const char **name, int *port)
{
	const struct gen_host *h = r->host >= 0 ? &p->hosts[r->host] : NULL;

	*name = p->domains[r->domain].name;
	*port = p->opt.port;
	if (r->type != GEN_DIR || h == NULL)
		return;
	*name = r->literal ? p->eps[h->first_ep].address : h->name;
	*port = h->port;
}

static int write_targets(const struct gen_plan *p)
{
	FILE *csv = out_open(p, "targets.csv"), *tsv = out_open(p, "targets.tsv");
	int i, rc = -1;

	if (csv == NULL || tsv == NULL)
		goto out;
	fprintf(csv, "Domain,Type,Port,\n");
	fprintf(tsv, "line\tdomain\ttype\tport\thost\texpect\tendpoints\n");
	for (i = 0; i < p->n_rows; i++) {
		const struct gen_row *r = &p->rows[i];
		const struct gen_host *h = r->host >= 0 ? &p->hosts[r->host] : NULL;
		const char *name;
		int port, n = h ? (r->literal ? 1 : h->n_ep) : 0;

		row_target(p, r, &name, &port);
		fprintf(csv, "\"%s\",\"%s\",\"%d\",\n", name, type_names[r->type], port);
		fprintf(tsv, "%d\t%s\t%s\t%d\t%s\t%s\t%d\n", i + 2, name,
			type_names[r->type], port, h ? h->name : "-",
			expect_names[r->expect], n);
	}
	rc = 0;
out:
	if (csv && out_close(csv, "targets.csv") != 0)
		rc = -1;
	if (tsv && out_close(tsv, "targets.tsv") != 0)
		rc = -1;
	return rc;
}

static void iso_date(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int write_manifest(const struct gen_plan *p)
{
	static const char *const issuers[] = { "A1", "A2", "B1", "B2" };
	FILE *f = out_open(p, "manifest.tsv");
	char date[32];
	int i;

	if (f == NULL)
		return -1;
	fprintf(f, "address\tport\thost\trole\tmode\tdefect\tleaf_sha256\t"
		   "chain_sent\tkey\tissuer\tnot_after\tcn\n");
	for (i = 0; i < p->n_eps; i++) {
		const struct gen_endpoint *e = &p->eps[i];
		const struct gen_host *h = &p->hosts[e->host];
		const struct gen_cert *c = &p->certs[e->cert];
		int tls = mode_speaks_tls(e->mode);

		iso_date(c->not_after, date, sizeof(date));
		fprintf(f, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n",
			e->address, e->port, h->name,
			h->role == GEN_ROLE_POOL ? "pool" : "edge",
			gen_mode_name(e->mode), gen_defect_name(e->defect),
			tls ? c->sha256 : "-", tls ? gen_chain_sent(p, e) : 0,
			gen_key_name(c->key), c->issuer < 0 ? "self" : issuers[c->issuer],
			date, c->cn);
	}
	return out_close(f, "manifest.tsv");
}

/* DIR rows over every host in turn: the bulk-input benchmark's file. */
static int write_dir_rows(const struct gen_plan *p)
{
	FILE *f;
	long i;

	if (p->opt.dir_rows <= 0)
		return 0;
	f = out_open(p, "targets-dir.csv");
	if (f == NULL)
		return -1;
	fprintf(f, "Domain,Type,Port,\n");
	for (i = 0; i < p->opt.dir_rows; i++) {
		const struct gen_host *h = &p->hosts[i % p->n_hosts];

		fprintf(f, "\"%s\",\"DIR\",\"%d\",\n", h->name, h->port);
	}
	return out_close(f, "targets-dir.csv");
}

static void count_plan(const struct gen_plan *p, int *modes, int *defects,
		       int *v6)
{
	int i;

	for (i = 0; i < p->n_eps; i++) {
		modes[p->eps[i].mode]++;
		if (p->eps[i].mode == GEN_MODE_TLS)
			defects[p->eps[i].defect]++;
		if (strchr(p->eps[i].address, ':'))
			(*v6)++;
	}
}

static int write_summary(const struct gen_plan *p)
{
	int modes[GEN_MODE_KINDS] = { 0 }, defects[GEN_DEF_KINDS] = { 0 }, v6 = 0, i;
	FILE *f = out_open(p, "summary.txt");

	if (f == NULL)
		return -1;
	count_plan(p, modes, defects, &v6);
	fprintf(f, "domains %d\nrows %d\nhosts %d\nendpoints %d\nlisteners %d\n"
		   "ipv6_endpoints %d\ncertificates %d\nseed %llu\nport %d\n",
		p->n_domains, p->n_rows, p->n_hosts, p->n_eps,
		p->n_eps - modes[GEN_MODE_REFUSED], v6, p->n_certs,
		(unsigned long long)p->opt.seed, p->opt.port);
	for (i = 0; i < GEN_MODE_KINDS; i++)
		fprintf(f, "mode_%s %d\n", gen_mode_name(i), modes[i]);
	for (i = 0; i < GEN_DEF_KINDS; i++)
		fprintf(f, "tls_defect_%s %d\n", gen_defect_name(i), defects[i]);
	return out_close(f, "summary.txt");
}

int gen_write_all(const struct gen_plan *p)
{
	char roots[GEN_PATH_MAX];

	snprintf(roots, sizeof(roots), "%s/roots.pem", p->opt.out_dir);
	if (write_server_conf(p) != 0 || write_dnsmasq(p) != 0 ||
	    write_targets(p) != 0 || write_manifest(p) != 0 ||
	    write_dir_rows(p) != 0 || write_summary(p) != 0 ||
	    gen_write_roots(p, roots) != 0)
		return -1;
	return 0;
}
