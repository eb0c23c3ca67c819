/* bench-floor: the CPU floor of a TLS audit, for bench/run.
 *
 *   bench-floor --manifest FILE --ca-file FILE [--procs P] [--limit N]
 *               [--all-tls] [--timeout S]
 *
 * The least a client can do for one endpoint: a blocking connect, a
 * blocking SSL_connect with SNI, chain verification against the CA file,
 * SSL_free, close. No event loop, no DNS, no database. It reads the
 * endpoints (address, port, host name) from the fleet's manifest.tsv: the
 * healthy TLS endpoints (mode tls, defect none), or with --all-tls every
 * endpoint that speaks TLS (verification then fails on some; they are
 * counted, not skipped).
 *
 * The TLS context is configured as fedcert's (scanner/tls.c: security level
 * 0, TLS 1.0 and up, the same cipher list, no tickets, no session cache), so
 * both send the same ClientHello and get the same handshake; only
 * verification differs in form: SSL_VERIFY_PEER here, where fedcert records
 * the result of the same verification instead of failing on it.
 *
 * --procs P (more than 1) forks P blocking clients, each doing every P-th endpoint one
 * after another, so that a fleet with an injected delay is done in seconds
 * rather than minutes; the CPU is summed over them. Each measures only its
 * handshake loop (getrusage before and after); the context and the trust
 * store are loaded once, before the fork, and one untimed handshake warms
 * OpenSSL's caches first (as fedcert's first probe does, in its total).
 *
 * Prints one line on stdout:
 *   floor handshakes=N failures=F procs=P user_s=U sys_s=S
 *         cpu_ms_per_handshake=C wall_s=W mean_handshake_ms=M
 * mean_handshake_ms is the mean wall time of one handshake (connect to
 * verified), which shows how many injected delays one handshake meets.
 * Exit 0 when every handshake verified, 1 when some failed, 2 on bad usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#define FLOOR_LINE_MAX 4096     /* one manifest line */
#define FLOOR_NAME_MAX 254      /* a host name, with its NUL */
#define FLOOR_ADDR_MAX 48       /* a numeric address, with its NUL */
#define FLOOR_ENDPOINTS_MAX 10000000
#define FLOOR_PROCS_MAX 1024
#define FLOOR_TIMEOUT_DEFAULT_S 10
#define FLOOR_MANIFEST_COLUMNS 6 /* address port host role mode defect ... */

struct floor_endpoint {
	char address[FLOOR_ADDR_MAX];
	int port;
	char sni[FLOOR_NAME_MAX];
};

struct floor_options {
	const char *manifest;
	const char *ca_file;
	unsigned procs;
	long limit;       /* 0: every endpoint selected */
	int all_tls;
	unsigned timeout_s;
};

/* What one worker measured; sent to the parent through a pipe. */
struct floor_tally {
	long handshakes;
	long failures;
	double user_s, sys_s;
	double handshake_wall_s; /* summed over handshakes */
};

static double tv_s(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: bench-floor --manifest FILE --ca-file FILE [options]\n"
		"  --procs P     blocking clients in parallel, each one handshake at a time (default 1)\n"
		"  --limit N     only the first N endpoints selected\n"
		"  --all-tls     every endpoint that speaks TLS, not only the healthy ones\n"
		"  --timeout S   socket send/receive timeout (default %d)\n",
		FLOOR_TIMEOUT_DEFAULT_S);
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

static int parse_options(int argc, char **argv, struct floor_options *o)
{
	static const struct option longs[] = {
		{ "manifest", required_argument, NULL, 'm' },
		{ "ca-file", required_argument, NULL, 'c' },
		{ "procs", required_argument, NULL, 'p' },
		{ "limit", required_argument, NULL, 'n' },
		{ "all-tls", no_argument, NULL, 'a' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long v = 0;
	int c, bad = 0;

	o->procs = 1;
	o->timeout_s = FLOOR_TIMEOUT_DEFAULT_S;
	while (!bad && (c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (c) {
		case 'm': o->manifest = optarg; break;
		case 'c': o->ca_file = optarg; break;
		case 'p': bad = parse_long(optarg, 1, FLOOR_PROCS_MAX, &v); o->procs = (unsigned)v; break;
		case 'n': bad = parse_long(optarg, 1, FLOOR_ENDPOINTS_MAX, &o->limit); break;
		case 'a': o->all_tls = 1; break;
		case 't': bad = parse_long(optarg, 1, 3600, &v); o->timeout_s = (unsigned)v; break;
		case 'h': usage(stdout); exit(0);
		default: bad = 1; break;
		}
	}
	if (bad || optind != argc || o->manifest == NULL || o->ca_file == NULL) {
		usage(stderr);
		return -1;
	}
	return 0;
}

/* Splits a tab-separated line in place; returns the number of fields. */
static int split_tabs(char *line, char **fields, int max)
{
	int n = 0;
	char *p = line;

	line[strcspn(line, "\r\n")] = '\0';
	while (n < max) {
		fields[n++] = p;
		p = strchr(p, '\t');
		if (p == NULL)
			break;
		*p++ = '\0';
	}
	return n;
}

static int copy_field(char *dst, size_t size, const char *src)
{
	size_t len = strlen(src);

	if (len >= size)
		return -1;
	memcpy(dst, src, len + 1);
	return 0;
}

static int endpoint_is_selected(char **f, int all_tls)
{
	if (strcmp(f[4], "tls") != 0)
		return 0;
	return all_tls || strcmp(f[5], "none") == 0;
}

/* Reads the selected endpoints of the manifest. Returns a malloc'd array
 * (the caller frees it) and its length in *n, or NULL. */
static struct floor_endpoint *read_manifest(const struct floor_options *o,
					    size_t *n)
{
	struct floor_endpoint *eps = NULL, *grown;
	size_t len = 0, cap = 0;
	char line[FLOOR_LINE_MAX], *f[FLOOR_MANIFEST_COLUMNS];
	FILE *fp = fopen(o->manifest, "r");
	int header = 1, ok = 0;

	if (fp == NULL) {
		fprintf(stderr, "bench-floor: %s: %s\n", o->manifest, strerror(errno));
		return NULL;
	}
	while (fgets(line, sizeof(line), fp) && (o->limit == 0 || (long)len < o->limit)) {
		if (header || split_tabs(line, f, FLOOR_MANIFEST_COLUMNS) < FLOOR_MANIFEST_COLUMNS ||
		    !endpoint_is_selected(f, o->all_tls)) {
			header = 0;
			continue;
		}
		if (len == cap) {
			cap = cap ? cap * 2 : 1024;
			grown = realloc(eps, cap * sizeof(*eps));
			if (grown == NULL)
				goto out;
			eps = grown;
		}
		if (copy_field(eps[len].address, sizeof(eps[len].address), f[0]) != 0 ||
		    copy_field(eps[len].sni, sizeof(eps[len].sni), f[2]) != 0) {
			fprintf(stderr, "bench-floor: %s: a field too long\n", o->manifest);
			goto out;
		}
		eps[len].port = atoi(f[1]);
		len++;
	}
	ok = len > 0;
	if (!ok)
		fprintf(stderr, "bench-floor: %s: no endpoint selected\n", o->manifest);
out:
	fclose(fp);
	if (!ok) {
		free(eps);
		return NULL;
	}
	*n = len;
	return eps;
}

/* As fedcert's scanner/tls.c, with verification that fails the handshake. */
static SSL_CTX *floor_context(const char *ca_file)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (ctx == NULL)
		return NULL;
	SSL_CTX_set_security_level(ctx, 0);
	if (!SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION) ||
	    !SSL_CTX_set_cipher_list(ctx, "ALL:!aNULL:!eNULL:@SECLEVEL=0") ||
	    !SSL_CTX_load_verify_locations(ctx, ca_file, NULL)) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_options(ctx, SSL_OP_LEGACY_SERVER_CONNECT | SSL_OP_NO_TICKET);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	return ctx;
}

/* A blocking TCP connection to ep, or -1. */
static int floor_connect(const struct floor_endpoint *ep, unsigned timeout_s)
{
	struct sockaddr_storage sa;
	socklen_t salen;
	struct timeval tv = { (time_t)timeout_s, 0 };
	int fd;

	memset(&sa, 0, sizeof(sa));
	if (strchr(ep->address, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&sa;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)ep->port);
		if (inet_pton(AF_INET6, ep->address, &s6->sin6_addr) != 1)
			return -1;
		salen = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&sa;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)ep->port);
		if (inet_pton(AF_INET, ep->address, &s4->sin_addr) != 1)
			return -1;
		salen = sizeof(*s4);
	}
	fd = socket(sa.ss_family, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	/* Nagle stays on, as in fedcert (libuv does not turn it off). */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, salen) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* One handshake; 0 when it completed and the chain verified. */
static int floor_handshake(SSL_CTX *ctx, const struct floor_endpoint *ep,
			   unsigned timeout_s)
{
	SSL *ssl = NULL;
	int fd, rc = -1;

	fd = floor_connect(ep, timeout_s);
	if (fd < 0)
		goto out;
	ssl = SSL_new(ctx);
	if (ssl == NULL || !SSL_set_fd(ssl, fd) ||
	    !SSL_set_tlsext_host_name(ssl, ep->sni))
		goto out;
	if (SSL_connect(ssl) == 1 && SSL_get_verify_result(ssl) == X509_V_OK)
		rc = 0;
out:
	SSL_free(ssl);
	if (fd >= 0)
		close(fd);
	ERR_clear_error();
	return rc;
}

/* Every procs-th endpoint from first, one after another. */
static void floor_work(SSL_CTX *ctx, const struct floor_endpoint *eps, size_t n,
		       size_t first, unsigned procs, unsigned timeout_s,
		       struct floor_tally *t)
{
	struct rusage r0, r1;
	size_t i;

	memset(t, 0, sizeof(*t));
	getrusage(RUSAGE_SELF, &r0);
	for (i = first; i < n; i += procs) {
		double t0 = now_s();

		if (floor_handshake(ctx, &eps[i], timeout_s) != 0) {
			t->failures++;
			fprintf(stderr, "bench-floor: %s port %d (%s): handshake or verification failed\n",
				eps[i].address, eps[i].port, eps[i].sni);
		}
		t->handshake_wall_s += now_s() - t0;
		t->handshakes++;
	}
	getrusage(RUSAGE_SELF, &r1);
	t->user_s = tv_s(&r1.ru_utime) - tv_s(&r0.ru_utime);
	t->sys_s = tv_s(&r1.ru_stime) - tv_s(&r0.ru_stime);
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

static int read_all(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len > 0) {
		ssize_t r = read(fd, p, len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

/* Forks the workers, each writing its tally to its pipe; sums them into
 * total. Returns 0, or -1 when a worker could not be started or died. */
static int floor_run(SSL_CTX *ctx, const struct floor_endpoint *eps, size_t n,
		     const struct floor_options *o, struct floor_tally *total)
{
	int fds[FLOOR_PROCS_MAX];
	pid_t pids[FLOOR_PROCS_MAX];
	unsigned w, started = 0;
	int rc = 0;

	memset(total, 0, sizeof(*total));
	/* One client needs no fork (and a profiler then sees it all). */
	if (o->procs == 1) {
		floor_work(ctx, eps, n, 0, 1, o->timeout_s, total);
		return 0;
	}
	fflush(NULL);
	for (w = 0; w < o->procs && w < n; w++) {
		int p[2];

		if (pipe(p) != 0 || (pids[w] = fork()) < 0) {
			fprintf(stderr, "bench-floor: cannot start worker %u: %s\n", w, strerror(errno));
			rc = -1;
			break;
		}
		if (pids[w] == 0) {
			struct floor_tally t;

			close(p[0]);
			floor_work(ctx, eps, n, w, o->procs, o->timeout_s, &t);
			_exit(write_all(p[1], &t, sizeof(t)) == 0 ? 0 : 1);
		}
		close(p[1]);
		fds[w] = p[0];
		started++;
	}
	for (w = 0; w < started; w++) {
		struct floor_tally t;
		int status;

		if (read_all(fds[w], &t, sizeof(t)) != 0) {
			rc = -1;
		} else {
			total->handshakes += t.handshakes;
			total->failures += t.failures;
			total->user_s += t.user_s;
			total->sys_s += t.sys_s;
			total->handshake_wall_s += t.handshake_wall_s;
		}
		close(fds[w]);
		if (waitpid(pids[w], &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			rc = -1;
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct floor_options o = { 0 };
	struct floor_endpoint *eps = NULL;
	struct floor_tally t;
	SSL_CTX *ctx = NULL;
	size_t n = 0;
	double wall0;
	int rc = 2;

	if (parse_options(argc, argv, &o) != 0)
		goto out;
	rc = 1;
	eps = read_manifest(&o, &n);
	if (eps == NULL)
		goto out;
	ctx = floor_context(o.ca_file);
	if (ctx == NULL) {
		fprintf(stderr, "bench-floor: cannot set up TLS with %s\n", o.ca_file);
		ERR_print_errors_fp(stderr);
		goto out;
	}
	/* Untimed: OpenSSL fetches and caches its algorithms on first use. */
	if (floor_handshake(ctx, &eps[0], o.timeout_s) != 0)
		fprintf(stderr, "bench-floor: the warm-up handshake failed\n");
	wall0 = now_s();
	if (floor_run(ctx, eps, n, &o, &t) != 0) {
		fprintf(stderr, "bench-floor: a worker failed\n");
		goto out;
	}
	printf("floor handshakes=%ld failures=%ld procs=%u user_s=%.3f sys_s=%.3f"
	       " cpu_ms_per_handshake=%.4f wall_s=%.3f mean_handshake_ms=%.2f\n",
	       t.handshakes, t.failures, o.procs < n ? o.procs : (unsigned)n,
	       t.user_s, t.sys_s,
	       t.handshakes ? (t.user_s + t.sys_s) * 1000.0 / (double)t.handshakes : 0.0,
	       now_s() - wall0,
	       t.handshakes ? t.handshake_wall_s * 1000.0 / (double)t.handshakes : 0.0);
	rc = t.failures == 0 ? 0 : 1;
out:
	SSL_CTX_free(ctx);
	free(eps);
	return rc;
}
