/* dnsdelay.h: the DNS delay forwarder's parts (private to fleet/dns).
 *
 * tc/netem is not available here, so the internet's DNS round trip is
 * played by a forwarder on loopback that holds every answer for a fixed
 * delay before passing it on. UDP queries get a fresh 16-bit ID on the way
 * to the upstream (dnsmasq) and their own back, so clients on many ports
 * can share one upstream socket; TCP connections are piped through, with
 * the upstream's bytes held back by the same delay. With several upstreams
 * (dnsmasq instances that split the SRV records, dnsshard.c), each UDP
 * query goes to the one that holds its name; TCP goes to --tcp-upstream,
 * which holds every record.
 */
#ifndef FLEET_DNSDELAY_H
#define FLEET_DNSDELAY_H

#include <stdint.h>

#include <uv.h>

#define DD_DELAY_DEFAULT_MS 20
#define DD_DELAY_MAX_MS 60000
#define DD_IDS 65536            /* one slot per upstream query ID */
#define DD_PACKET_MAX 65536     /* a UDP datagram, a TCP read */
#define DD_HEADER_LEN 12        /* a DNS header: shorter is not DNS */
#define DD_BIND_TRIES 20        /* free port: UDP and TCP must both get it */
#define DD_RCVBUF (4 << 20)     /* a burst of 1,000 queries overflows the 208 KiB default */
/* dnsmasq answers one query at a time from a socket buffer that holds a few
 * hundred: a scan's burst would be dropped there, which no real resolver
 * would do to it. So at most this many queries are at the upstream; the
 * rest wait here, in order. */
#define DD_UPSTREAM_INFLIGHT 64
#define DD_QUEUE_MAX 65536      /* queries waiting for their turn; more are dropped */
#define DD_UPSTREAMS_MAX 64
#define DD_LOST_MS 2000         /* an upstream answer later than this is lost */
#define DD_SWEEP_MS 500

/* A query sent upstream, waiting for its answer. */
struct dd_slot {
	int used;
	unsigned up;                /* which upstream has it */
	uint16_t id;                /* the client's ID */
	uint64_t sent;              /* uv_now() in ms */
	struct sockaddr_in6 from;   /* big enough for either family */
};

/* A query waiting for its turn at the upstream; freed when sent. */
struct dd_query {
	struct dd_query *next;
	struct sockaddr_in6 from;
	size_t len;
	char data[];
};

/* An answer waiting for its delay, then being sent; freed when sent. */
struct dd_answer {
	uv_udp_send_t req;
	struct dd_answer *next;
	uint64_t due;               /* uv_now() in ms */
	struct sockaddr_in6 to;
	size_t len;
	char data[];
};

/* One upstream: its address, and the queries at it or waiting for it. */
struct dd_up {
	struct sockaddr_storage addr;
	struct dd_query *qhead, *qtail; /* waiting; owned */
	size_t queued, inflight;
};

struct dd {
	uv_loop_t *loop;
	uv_udp_t down;              /* where clients ask */
	uv_udp_t up;                /* where we ask the upstream */
	uv_tcp_t tcp_listen;
	uv_timer_t timer;           /* the head of the answer queue */
	uv_timer_t sweep;           /* frees the slots of lost queries */
	uv_signal_t sig_term, sig_int, sig_usr1;
	struct sockaddr_storage listen_addr, tcp_upstream;
	struct dd_up ups[DD_UPSTREAMS_MAX];
	unsigned nups;
	unsigned delay_ms;
	struct dd_answer *head, *tail; /* in due order: the delay is constant; owned */
	struct dd_pair *pairs;      /* open TCP connections (dnsdelay_tcp.c) */
	size_t queued, queued_peak; /* waiting, all upstreams together */
	uint16_t next_id;
	uint64_t queries, answers, dropped, lost, tcp_conns;
	struct dd_slot slots[DD_IDS];
	char buf[DD_PACKET_MAX];    /* one receive buffer: datagrams are handled at once */
};

struct dd_pair;

/* dnsshard.c: the upstream (of shards) that holds a name, or a query's
 * name; and the split of a dnsmasq configuration into FILE.shardN files,
 * srv-host= lines by the same hash, every other line in each. */
unsigned dd_shard_of_name(const char *name, size_t len, unsigned shards);
unsigned dd_shard_of_query(const char *msg, size_t len, unsigned shards);
int dd_split_config(const char *path, unsigned shards);

/* dnsdelay_tcp.c: listens for TCP on dd->listen_addr (its port already
 * chosen): 0 or a libuv error, the handle closed again on error. Closing
 * all: at shutdown, each connection frees itself in its close callbacks. */
int dd_tcp_start(struct dd *dd);
void dd_tcp_close_all(struct dd *dd);

#endif
