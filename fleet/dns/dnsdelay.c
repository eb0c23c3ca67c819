/* fleet-dns-delay: a DNS forwarder that delays every answer (dnsdelay.h).
 *
 *   fleet-dns-delay --upstream ADDR:PORT [--upstream ADDR:PORT ...]
 *                   [--tcp-upstream ADDR:PORT] [--listen ADDR[:PORT]] [--delay MS]
 *   fleet-dns-delay --split CONF --shards K
 *
 * Listens on UDP and TCP at the same loopback port (PORT 0 or none: a free
 * one), forwards to the upstream and returns each answer MS milliseconds
 * later (default 20; 0 allowed). With K upstreams, a UDP query goes to the
 * one its name hashes to (dnsshard.c), TCP to --tcp-upstream (default: the
 * first). UDP queries wait in line when DD_UPSTREAM_INFLIGHT are already at
 * their upstream (dnsdelay.h says why). Prints "ready ADDR:PORT" on stdout
 * once listening. SIGUSR1 prints counters on stderr; SIGTERM/SIGINT print
 * them and exit 0. --split writes CONF.shard0 .. CONF.shard(K-1) for K
 * dnsmasq instances and exits. Loopback addresses only. Exit 1: error; 2:
 * usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsdelay.h"

/* "127.0.0.1:53", "[::1]:53", "::1", "127.0.0.1"; loopback only. */
static int parse_hostport(const char *s, struct sockaddr_storage *sa)
{
	char host[64];
	const char *port = NULL, *end;
	long p = 0;

	if (s[0] == '[' && (end = strchr(s, ']')) != NULL) {
		snprintf(host, sizeof(host), "%.*s", (int)(end - s - 1), s + 1);
		port = end[1] == ':' ? end + 2 : NULL;
	} else if ((end = strrchr(s, ':')) != NULL && strchr(s, ':') == end) {
		snprintf(host, sizeof(host), "%.*s", (int)(end - s), s);
		port = end + 1;
	} else {
		snprintf(host, sizeof(host), "%s", s);
	}
	if (port && ((p = strtol(port, (char **)&end, 10)) < 0 || p > 65535 || *end))
		return -1;
	memset(sa, 0, sizeof(*sa));
	if (uv_ip4_addr(host, (int)p, (struct sockaddr_in *)sa) == 0)
		return (ntohl(((struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127 ? 0 : -1;
	if (uv_ip6_addr(host, (int)p, (struct sockaddr_in6 *)sa) == 0)
		return IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)sa)->sin6_addr) ? 0 : -1;
	return -1;
}

static void dd_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct dd *dd = h->data;

	(void)suggested;
	*buf = uv_buf_init(dd->buf, sizeof(dd->buf));
}

static void dd_on_sent(uv_udp_send_t *req, int status)
{
	(void)status;
	free(req); /* the first member of struct dd_answer */
}

static void dd_on_timer(uv_timer_t *t);

/* Sends every answer whose delay is over; re-arms for the next one. */
static void dd_flush(struct dd *dd)
{
	uint64_t now = uv_now(dd->loop);
	struct dd_answer *a;
	uv_buf_t b;

	while ((a = dd->head) != NULL && a->due <= now) {
		dd->head = a->next;
		if (dd->head == NULL)
			dd->tail = NULL;
		b = uv_buf_init(a->data, (unsigned)a->len);
		if (uv_udp_send(&a->req, &dd->down, &b, 1, (const struct sockaddr *)&a->to,
				dd_on_sent) != 0) {
			dd->dropped++;
			free(a);
			continue;
		}
		dd->answers++;
	}
	if (dd->head)
		uv_timer_start(&dd->timer, dd_on_timer, dd->head->due - now, 0);
}

static void dd_on_timer(uv_timer_t *t)
{
	dd_flush(t->data);
}

/* One query to upstream u under a fresh ID; the slot remembers whose. */
static void dd_send_up(struct dd *dd, unsigned u, char *data, size_t len,
		       const struct sockaddr *from)
{
	struct dd_slot *slot;
	uint16_t id;
	uv_buf_t b;
	int tries;

	/* Skip the IDs still waiting: at most the in-flight and the lost. */
	for (tries = 0; dd->slots[dd->next_id].used && tries < DD_IDS; tries++)
		dd->next_id++;
	id = dd->next_id++;
	slot = &dd->slots[id];
	if (slot->used) {
		dd->dropped++;
		return;
	}
	slot->id = (uint16_t)(((unsigned char)data[0] << 8) | (unsigned char)data[1]);
	slot->up = u;
	slot->sent = uv_now(dd->loop);
	memcpy(&slot->from, from, from->sa_family == AF_INET6 ?
	       sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
	data[0] = (char)(id >> 8);
	data[1] = (char)(id & 0xff);
	b = uv_buf_init(data, (unsigned)len);
	if (uv_udp_try_send(&dd->up, &b, 1, (const struct sockaddr *)&dd->ups[u].addr) < 0) {
		dd->dropped++; /* the client will ask again */
		return;
	}
	slot->used = 1;
	dd->ups[u].inflight++;
}

/* Sends upstream u's waiting queries while it has room. */
static void dd_pump(struct dd *dd, unsigned u)
{
	struct dd_up *up = &dd->ups[u];
	struct dd_query *q;

	while (up->inflight < DD_UPSTREAM_INFLIGHT && (q = up->qhead) != NULL) {
		up->qhead = q->next;
		if (up->qhead == NULL)
			up->qtail = NULL;
		up->queued--;
		dd->queued--;
		dd_send_up(dd, u, q->data, q->len, (const struct sockaddr *)&q->from);
		free(q);
	}
}

/* A client's question: upstream at once if there is room, else in line. */
static void dd_on_query(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf,
			const struct sockaddr *from, unsigned flags)
{
	struct dd *dd = h->data;
	struct dd_query *q;
	struct dd_up *up;
	unsigned u;

	if (nread < DD_HEADER_LEN || from == NULL || (flags & UV_UDP_PARTIAL))
		return;
	dd->queries++;
	u = dd_shard_of_query(buf->base, (size_t)nread, dd->nups);
	up = &dd->ups[u];
	if (up->inflight < DD_UPSTREAM_INFLIGHT && up->qhead == NULL) {
		dd_send_up(dd, u, buf->base, (size_t)nread, from);
		return;
	}
	if (dd->queued >= DD_QUEUE_MAX || (q = malloc(sizeof(*q) + (size_t)nread)) == NULL) {
		dd->dropped++;
		return;
	}
	q->next = NULL;
	memcpy(&q->from, from, from->sa_family == AF_INET6 ?
	       sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
	q->len = (size_t)nread;
	memcpy(q->data, buf->base, q->len);
	if (up->qtail)
		up->qtail->next = q;
	else
		up->qhead = q;
	up->qtail = q;
	up->queued++;
	if (++dd->queued > dd->queued_peak)
		dd->queued_peak = dd->queued;
}

/* The upstream dropped some: their slots must not hold the line forever. */
static void dd_on_sweep(uv_timer_t *t)
{
	struct dd *dd = t->data;
	uint64_t now = uv_now(dd->loop);
	size_t i;
	unsigned u;

	for (i = 0; i < DD_IDS; i++)
		if (dd->slots[i].used && now - dd->slots[i].sent > DD_LOST_MS) {
			dd->slots[i].used = 0;
			dd->ups[dd->slots[i].up].inflight--;
			dd->lost++;
		}
	for (u = 0; u < dd->nups; u++)
		dd_pump(dd, u);
}

/* The upstream's answer: the client's ID back, then the wait. */
static void dd_on_answer(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf,
			 const struct sockaddr *from, unsigned flags)
{
	struct dd *dd = h->data;
	struct dd_slot *slot;
	struct dd_answer *a;
	uint16_t id;

	if (nread < DD_HEADER_LEN || from == NULL || (flags & UV_UDP_PARTIAL))
		return;
	id = (uint16_t)(((unsigned char)buf->base[0] << 8) | (unsigned char)buf->base[1]);
	slot = &dd->slots[id];
	if (!slot->used || (a = malloc(sizeof(*a) + (size_t)nread)) == NULL)
		return;
	slot->used = 0;
	dd->ups[slot->up].inflight--;
	dd_pump(dd, slot->up);
	a->next = NULL;
	a->due = uv_now(dd->loop) + dd->delay_ms;
	a->to = slot->from;
	a->len = (size_t)nread;
	memcpy(a->data, buf->base, a->len);
	a->data[0] = (char)(slot->id >> 8);
	a->data[1] = (char)(slot->id & 0xff);
	if (dd->tail)
		dd->tail->next = a;
	else
		dd->head = a;
	dd->tail = a;
	if (dd->head == a)
		dd_flush(dd);
}

static int dd_port(const struct sockaddr_storage *sa)
{
	return ntohs(sa->ss_family == AF_INET6 ? ((const struct sockaddr_in6 *)sa)->sin6_port :
						 ((const struct sockaddr_in *)sa)->sin_port);
}

static void dd_set_port(struct sockaddr_storage *sa, int port)
{
	if (sa->ss_family == AF_INET6)
		((struct sockaddr_in6 *)sa)->sin6_port = htons((uint16_t)port);
	else
		((struct sockaddr_in *)sa)->sin_port = htons((uint16_t)port);
}

/* UDP on the asked port (or a free one), then TCP on the same port. */
static int dd_bind(struct dd *dd)
{
	int want = dd_port(&dd->listen_addr), tries, rc = UV_EADDRINUSE;
	int len = sizeof(dd->listen_addr);

	for (tries = 0; tries < (want ? 1 : DD_BIND_TRIES) && rc != 0; tries++) {
		dd_set_port(&dd->listen_addr, want);
		if ((rc = uv_udp_init(dd->loop, &dd->down)) != 0)
			return rc;
		dd->down.data = dd;
		rc = uv_udp_bind(&dd->down, (const struct sockaddr *)&dd->listen_addr, 0);
		if (rc == 0)
			rc = uv_udp_getsockname(&dd->down, (struct sockaddr *)&dd->listen_addr, &len);
		if (rc == 0)
			rc = dd_tcp_start(dd);
		if (rc != 0) {
			/* let the closes finish before the handles are reused */
			uv_close((uv_handle_t *)&dd->down, NULL);
			uv_run(dd->loop, UV_RUN_NOWAIT);
		}
	}
	if (rc == 0) {
		int size = DD_RCVBUF; /* best effort: the kernel caps it at rmem_max */

		uv_recv_buffer_size((uv_handle_t *)&dd->down, &size);
		rc = uv_udp_recv_start(&dd->down, dd_alloc, dd_on_query);
	}
	return rc;
}

static int dd_upstream_open(struct dd *dd)
{
	struct sockaddr_storage any;
	int rc;

	memset(&any, 0, sizeof(any));
	if (dd->ups[0].addr.ss_family == AF_INET6)
		rc = uv_ip6_addr("::1", 0, (struct sockaddr_in6 *)&any);
	else
		rc = uv_ip4_addr("127.0.0.1", 0, (struct sockaddr_in *)&any);
	if (rc == 0)
		rc = uv_udp_init(dd->loop, &dd->up);
	dd->up.data = dd;
	if (rc == 0)
		rc = uv_udp_bind(&dd->up, (const struct sockaddr *)&any, 0);
	if (rc == 0) {
		int size = DD_RCVBUF;

		uv_recv_buffer_size((uv_handle_t *)&dd->up, &size);
		rc = uv_udp_recv_start(&dd->up, dd_alloc, dd_on_answer);
	}
	return rc;
}

static void dd_on_signal(uv_signal_t *h, int signum)
{
	struct dd *dd = h->data;

	fprintf(stderr, "fleet-dns-delay: queries=%llu answers=%llu dropped=%llu "
			"lost_upstream=%llu queued_peak=%zu tcp_connections=%llu delay_ms=%u\n",
		(unsigned long long)dd->queries, (unsigned long long)dd->answers,
		(unsigned long long)dd->dropped, (unsigned long long)dd->lost,
		dd->queued_peak, (unsigned long long)dd->tcp_conns, dd->delay_ms);
	if (signum != SIGUSR1)
		uv_stop(dd->loop);
}

static int dd_signals(struct dd *dd)
{
	uv_signal_t *h[] = { &dd->sig_term, &dd->sig_int, &dd->sig_usr1 };
	int sig[] = { SIGTERM, SIGINT, SIGUSR1 }, i;

	for (i = 0; i < 3; i++) {
		int rc = uv_signal_init(dd->loop, h[i]);

		h[i]->data = dd;
		if (rc == 0)
			rc = uv_signal_start(h[i], dd_on_signal, sig[i]);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* 0: run as a forwarder; 1: split *split into *shards files instead;
 * -1: bad usage (said on stderr). */
static int dd_options(int argc, char **argv, struct dd *dd,
		      const char **split, unsigned *shards)
{
	static const struct option longs[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "upstream", required_argument, NULL, 'u' },
		{ "tcp-upstream", required_argument, NULL, 't' },
		{ "delay", required_argument, NULL, 'd' },
		{ "split", required_argument, NULL, 's' },
		{ "shards", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	const char *listen = "127.0.0.1:0", *tcp = NULL;
	char *end;
	long delay = DD_DELAY_DEFAULT_MS, k = 0;
	int c, bad = 0;

	while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		if (c == 'l')
			listen = optarg;
		else if (c == 'u') {
			if (dd->nups == DD_UPSTREAMS_MAX ||
			    parse_hostport(optarg, &dd->ups[dd->nups].addr) != 0 ||
			    dd_port(&dd->ups[dd->nups].addr) == 0)
				bad = 1;
			else
				dd->nups++;
		} else if (c == 't')
			tcp = optarg;
		else if (c == 's')
			*split = optarg;
		else if (c == 'k') {
			k = strtol(optarg, &end, 10);
			if (end == optarg || *end || k < 1 || k > DD_UPSTREAMS_MAX)
				bad = 1;
		} else if (c == 'd') {
			delay = strtol(optarg, &end, 10);
			if (end == optarg || *end || delay < 0 || delay > DD_DELAY_MAX_MS)
				bad = 1;
		} else
			bad = 1;
	}
	dd->delay_ms = (unsigned)delay;
	*shards = (unsigned)k;
	if (!bad && *split != NULL && k > 0 && dd->nups == 0 && optind == argc)
		return 1;
	if (bad || optind != argc || dd->nups == 0 || *split != NULL ||
	    parse_hostport(listen, &dd->listen_addr) != 0 ||
	    (tcp && (parse_hostport(tcp, &dd->tcp_upstream) != 0 ||
		     dd_port(&dd->tcp_upstream) == 0))) {
		fprintf(stderr, "usage: fleet-dns-delay --upstream ADDR:PORT [--upstream ...] "
				"[--tcp-upstream ADDR:PORT] [--listen ADDR[:PORT]] "
				"[--delay MS (default %d)]\n"
				"       fleet-dns-delay --split CONF --shards K\n"
				"(loopback addresses only)\n", DD_DELAY_DEFAULT_MS);
		return -1;
	}
	if (tcp == NULL)
		dd->tcp_upstream = dd->ups[0].addr;
	return 0;
}

static void dd_close_walk(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

int main(int argc, char **argv)
{
	struct dd *dd = calloc(1, sizeof(*dd));
	uv_loop_t loop;
	struct dd_answer *a;
	struct dd_query *q;
	char addr[64];
	const char *split = NULL;
	int rc = 2, err;
	unsigned u, shards;

	if (dd == NULL || uv_loop_init(&loop) != 0)
		return 1;
	dd->loop = &loop;
	if ((err = dd_options(argc, argv, dd, &split, &shards)) != 0) {
		if (err == 1)
			rc = dd_split_config(split, shards) == 0 ? 0 : 1;
		goto out;
	}
	rc = 1;
	uv_timer_init(&loop, &dd->timer);
	uv_timer_init(&loop, &dd->sweep);
	dd->timer.data = dd->sweep.data = dd;
	uv_timer_start(&dd->sweep, dd_on_sweep, DD_SWEEP_MS, DD_SWEEP_MS);
	if ((err = dd_upstream_open(dd)) != 0 || (err = dd_bind(dd)) != 0 ||
	    (err = dd_signals(dd)) != 0) {
		fprintf(stderr, "fleet-dns-delay: cannot listen: %s\n", uv_strerror(err));
		goto out;
	}
	uv_ip_name((const struct sockaddr *)&dd->listen_addr, addr, sizeof(addr));
	printf(dd->listen_addr.ss_family == AF_INET6 ? "ready [%s]:%d\n" : "ready %s:%d\n",
	       addr, dd_port(&dd->listen_addr));
	fflush(stdout);
	uv_run(&loop, UV_RUN_DEFAULT);
	rc = 0;
out:
	dd_tcp_close_all(dd);
	uv_walk(&loop, dd_close_walk, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	while ((a = dd->head) != NULL) {
		dd->head = a->next;
		free(a);
	}
	for (u = 0; u < dd->nups; u++)
		while ((q = dd->ups[u].qhead) != NULL) {
			dd->ups[u].qhead = q->next;
			free(q);
		}
	free(dd);
	return rc;
}
