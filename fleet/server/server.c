/* fleet-server: the fleet's TLS endpoints in one process (see fleet.h).
 *
 *   fleet-server --config FILE [--delay MS] [--stats FILE] [--backlog N]
 *                [--conn-limit SECONDS]
 *
 * Prints "ready listeners=N contexts=M" on stdout once every listener is
 * bound. SIGUSR1 writes a stats line (stderr, and --stats FILE); SIGTERM or
 * SIGINT writes it and exits 0. Exit 1: an error; 2: usage; 3: an address
 * already in use (the caller may generate the fleet on another port).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"

#define EXIT_IN_USE 3

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: fleet-server --config FILE [options]\n"
		"  --delay MS          wait before every response write (default %d, 0..%d)\n"
		"  --stats FILE        also write the stats line there (SIGUSR1, exit)\n"
		"  --backlog N         listen backlog per address (default %d)\n"
		"  --conn-limit S      close a connection after S seconds (default %d)\n",
		FLEET_DELAY_DEFAULT_MS, FLEET_DELAY_MAX_MS, FLEET_BACKLOG_DEFAULT,
		FLEET_CONN_LIMIT_DEFAULT_S);
}

static int parse_uint(const char *s, unsigned long lo, unsigned long hi,
		      unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int parse_options(int argc, char **argv, struct fleet *f,
			 const char **config)
{
	static const struct option longs[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "delay", required_argument, NULL, 'd' },
		{ "stats", required_argument, NULL, 's' },
		{ "backlog", required_argument, NULL, 'b' },
		{ "conn-limit", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned backlog = FLEET_BACKLOG_DEFAULT;
	int c, bad = 0;

	while (!bad && (c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (c) {
		case 'c': *config = optarg; break;
		case 'd': bad = parse_uint(optarg, 0, FLEET_DELAY_MAX_MS, &f->delay_ms); break;
		case 's': f->stats_path = optarg; break;
		case 'b': bad = parse_uint(optarg, 1, 65535, &backlog); break;
		case 'l': bad = parse_uint(optarg, 1, 86400, &f->conn_limit_s); break;
		case 'h': usage(stdout); exit(0);
		default: bad = 1; break;
		}
	}
	f->backlog = (int)backlog;
	if (bad || optind != argc || *config == NULL) {
		usage(stderr);
		return -1;
	}
	return 0;
}

/* Thousands of listeners need thousands of descriptors: take the hard
 * limit, and say plainly when even that is too small. */
static int raise_nofile(size_t listeners)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return -1;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur != RLIM_INFINITY &&
	    listeners + FLEET_FD_RESERVE > (size_t)rl.rlim_cur) {
		fprintf(stderr, "fleet-server: %zu listeners need more than %llu "
				"descriptors (ulimit -Hn); generate a smaller fleet\n",
			listeners, (unsigned long long)rl.rlim_cur);
		return -1;
	}
	return 0;
}

static int listener_bind(struct fleet *f, struct fleet_listener *l)
{
	struct sockaddr_storage sa;
	unsigned flags = 0;
	int rc;

	if (strchr(l->address, ':')) {
		rc = uv_ip6_addr(l->address, l->port, (struct sockaddr_in6 *)&sa);
		flags = UV_TCP_IPV6ONLY;
	} else {
		rc = uv_ip4_addr(l->address, l->port, (struct sockaddr_in *)&sa);
	}
	if (rc == 0 && (rc = uv_tcp_init(f->loop, &l->tcp)) == 0) {
		l->tcp.data = l;
		rc = uv_tcp_bind(&l->tcp, (const struct sockaddr *)&sa, flags);
		/* libuv reports a bind conflict at listen time */
		if (rc == 0)
			rc = uv_listen((uv_stream_t *)&l->tcp, f->backlog, fleet_on_connection);
	}
	if (rc != 0)
		fprintf(stderr, "fleet-server: %s%s%s:%d: %s\n", flags ? "[" : "",
			l->address, flags ? "]" : "", l->port, uv_strerror(rc));
	return rc;
}

static void on_signal(uv_signal_t *h, int signum)
{
	struct fleet *f = h->data;

	if (signum == SIGUSR1) {
		fleet_stats_report(f, "usr1");
		return;
	}
	fleet_stats_report(f, signum == SIGTERM ? "term" : "int");
	uv_stop(f->loop);
}

static int signals_start(struct fleet *f)
{
	uv_signal_t *h[] = { &f->sig_term, &f->sig_int, &f->sig_usr1 };
	int sig[] = { SIGTERM, SIGINT, SIGUSR1 }, i;

	for (i = 0; i < 3; i++) {
		if (uv_signal_init(f->loop, h[i]) != 0)
			return -1;
		h[i]->data = f;
		if (uv_signal_start(h[i], on_signal, sig[i]) != 0)
			return -1;
	}
	return 0;
}

/* After fleet_conns_close() only listeners and signals are left open;
 * their memory is the fleet's, so they need no close callback. */
static void close_walk(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

int main(int argc, char **argv)
{
	struct fleet *f = calloc(1, sizeof(*f));
	uv_loop_t loop;
	const char *config = NULL;
	size_t i;
	int rc = 2, in_use = 0;

	if (f == NULL || uv_loop_init(&loop) != 0)
		return 1;
	f->loop = &loop;
	f->delay_ms = FLEET_DELAY_DEFAULT_MS;
	f->conn_limit_s = FLEET_CONN_LIMIT_DEFAULT_S;
	if (parse_options(argc, argv, f, &config) != 0)
		goto out;
	rc = 1;
	if (fleet_config_load(f, config) != 0 || raise_nofile(f->n_listeners) != 0)
		goto out;
	for (i = 0; i < f->n_listeners; i++) {
		int err = listener_bind(f, &f->listeners[i]);

		if (err == UV_EADDRINUSE)
			in_use = 1;
		if (err != 0)
			goto out;
	}
	if (signals_start(f) != 0)
		goto out;
	fleet_stats_ready(f);
	printf("ready listeners=%zu contexts=%zu delay_ms=%u\n", f->n_listeners,
	       fleet_config_contexts(f), f->delay_ms);
	fflush(stdout);
	uv_run(&loop, UV_RUN_DEFAULT);
	rc = 0;
out:
	fleet_conns_close(f);
	uv_walk(&loop, close_walk, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	fleet_config_free(f);
	free(f);
	return in_use ? EXIT_IN_USE : rc;
}
