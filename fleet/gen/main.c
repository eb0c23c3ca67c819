/* fleet-gen: writes a federation of N partner domains for the fleet server,
 * dnsmasq and fedcert to meet on loopback.
 *
 *   fleet-gen --out DIR --cache DIR [--domains N] [--seed S] [--port P]
 *             [--defects PCT] [--faults PCT] [--dir-rows M] [--jobs J]
 *             [--no-ipv6]
 *
 * The same (N, seed, port, rates) give the same fleet; keys and
 * certificates are kept in the cache directory and reused (see pki.c and
 * keys.c), so only the first run is slow. write.c lists the files.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gen.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: fleet-gen --out DIR --cache DIR [options]\n"
		"  --domains N    partner domains (default 10000, 1..%d)\n"
		"  --seed S       the fleet's seed (default 1)\n"
		"  --port P       the federation port every listener uses (default 5061);\n"
		"                 the few IPv6 hosts use P+1..P+%d\n"
		"  --defects PCT  own edge hosts with a certificate defect (default 10)\n"
		"  --faults PCT   own edge endpoints with a server fault (default 3);\n"
		"                 a third of PCT of the domains get a DNS failure\n"
		"  --dir-rows M   also write targets-dir.csv with M DIR rows (default 0)\n"
		"  --jobs J       key generation processes (default: online CPUs)\n"
		"  --no-ipv6      no IPv6 hosts (for a loopback without ::1)\n",
		GEN_DOMAINS_MAX, GEN_V6_HOSTS_MAX);
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int parse_pct(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || v < 0 || v > 100)
		return -1;
	*out = v;
	return 0;
}

/* An absolute path: the server config names cache files from anywhere. */
static char *absolute_dir(const char *dir)
{
	char *path = realpath(dir, NULL);

	if (path == NULL)
		fprintf(stderr, "fleet-gen: %s: %s\n", dir, strerror(errno));
	return path;
}

static int parse_options(int argc, char **argv, struct gen_options *o)
{
	static const struct option longs[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "cache", required_argument, NULL, 'c' },
		{ "domains", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "port", required_argument, NULL, 'p' },
		{ "defects", required_argument, NULL, 'd' },
		{ "faults", required_argument, NULL, 'f' },
		{ "dir-rows", required_argument, NULL, 'r' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "no-ipv6", no_argument, NULL, '6' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long v;
	int c, idx = 0, bad = 0;

	while (!bad && (c = getopt_long(argc, argv, "", longs, &idx)) != -1) {
		switch (c) {
		case 'o': o->out_dir = optarg; break;
		case 'c': o->cache_dir = optarg; break;
		case 'n': bad = parse_long(optarg, 1, GEN_DOMAINS_MAX, &v); o->domains = (int)v; break;
		case 's': bad = parse_long(optarg, 0, 0x7fffffffL, &v); o->seed = (uint64_t)v; break;
		case 'p': bad = parse_long(optarg, 1, 65535 - GEN_V6_HOSTS_MAX, &v); o->port = (int)v; break;
		case 'd': bad = parse_pct(optarg, &o->defect_pct); break;
		case 'f': bad = parse_pct(optarg, &o->fault_pct); break;
		case 'r': bad = parse_long(optarg, 0, 100000000L, &v); o->dir_rows = v; break;
		case 'j': bad = parse_long(optarg, 1, 64, &v); o->jobs = (int)v; break;
		case '6': o->no_ipv6 = 1; break;
		case 'h': usage(stdout); exit(0);
		default: bad = 1; break;
		}
		if (bad && c != '?')
			fprintf(stderr, "fleet-gen: bad value for --%s: %s\n",
				longs[idx].name, optarg);
	}
	if (bad || optind != argc || !o->out_dir || !o->cache_dir) {
		usage(stderr);
		return -1;
	}
	return 0;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

int main(int argc, char **argv)
{
	struct gen_options opt = { .domains = 10000, .seed = 1, .port = 5061,
				   .defect_pct = 10, .fault_pct = 3 };
	struct gen_plan plan = { 0 };
	char *out = NULL, *cache = NULL;
	struct timespec t0;
	int rc = 2;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	opt.jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (parse_options(argc, argv, &opt) != 0)
		goto out;
	rc = 1;
	if (gen_mkdir(opt.out_dir) != 0 || gen_mkdir(opt.cache_dir) != 0)
		goto out;
	out = absolute_dir(opt.out_dir);
	cache = absolute_dir(opt.cache_dir);
	if (out == NULL || cache == NULL)
		goto out;
	opt.out_dir = out;
	opt.cache_dir = cache;
	if (gen_plan_build(&plan, &opt) != 0 || gen_pki(&plan) != 0 ||
	    gen_write_all(&plan) != 0)
		goto out;
	fprintf(stderr, "fleet-gen: %d domains, %d rows, %d hosts, %d endpoints, "
			"%d certificates in %s (%.1f s)\n",
		plan.n_domains, plan.n_rows, plan.n_hosts, plan.n_eps, plan.n_certs,
		out, seconds_since(&t0));
	rc = 0;
out:
	gen_plan_free(&plan);
	free(out);
	free(cache);
	return rc;
}
