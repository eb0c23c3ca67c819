/* fleet.h: the fleet server's parts (private to fleet/server, not an API).
 *
 * One process, one libuv loop, one listener per (address, port) of the
 * configuration, each with its fault mode and, for the modes that speak
 * TLS, an SSL_CTX chosen by the listening address (one per distinct
 * certificate, key and chain, made once at start). TLS runs over memory
 * BIOs on libuv streams, as fedcert's client does, so that every byte the
 * server sends passes one place where it can be delayed or dribbled.
 */
#ifndef FLEET_H
#define FLEET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>

#include <openssl/ssl.h>
#include <uv.h>

#define FLEET_READ_BUF 65536        /* one shared buffer: reads are consumed at once */
#define FLEET_BACKLOG_DEFAULT 511
#define FLEET_DELAY_DEFAULT_MS 50   /* stands in for an internet round trip */
#define FLEET_DELAY_MAX_MS 60000
#define FLEET_CONN_LIMIT_DEFAULT_S 300 /* a connection lives at most this long */
#define FLEET_DRIBBLE_MS 1000       /* dribble: one byte per this */
#define FLEET_RESET_AFTER_MS 200    /* reset: this long after its last data */
#define FLEET_LINE_MAX 4096         /* one configuration line */
#define FLEET_ADDR_MAX 48
#define FLEET_CHAINS_MAX 64         /* distinct chain files kept loaded */
#define FLEET_CHAIN_CERTS_MAX 8     /* certificates in one chain file */
#define FLEET_FD_RESERVE 64         /* descriptors kept for connections, stats, libuv */
#define FLEET_SIP_HEAD_MAX 8192     /* a SIP request head kept after the handshake */
#define FLEET_SIP_ANSWER_MAX (FLEET_SIP_HEAD_MAX + 256) /* its echoes and our lines */
#define FLEET_SIP_SERVER "fedcert-fleet/1.0"

enum fleet_mode {
	FLEET_TLS,      /* a normal TLS server; answers a SIP OPTIONS after the handshake */
	FLEET_SILENT,   /* accepts, reads, never answers */
	FLEET_RESET,    /* sends half of its first flight, then a TCP reset */
	FLEET_GARBAGE,  /* answers the ClientHello with bytes that are not TLS */
	FLEET_DRIBBLE,  /* a TLS server that sends one byte per second */
	FLEET_HTTP,     /* answers as a plain HTTP server */
	FLEET_REFUSED,  /* in the configuration only: nothing listens */
	FLEET_MODES
};

struct fleet;
struct conn;

struct fleet_listener {
	uv_tcp_t tcp;
	struct fleet *fleet;
	SSL_CTX *ctx;                /* borrowed from the context table; NULL without TLS */
	enum fleet_mode mode;
	int port;
	char address[FLEET_ADDR_MAX];
};

/* Counters only grow: a benchmark diffs two reports (SIGUSR1 before and
 * after a scan) to get the fleet's CPU per 1,000 handshakes. */
struct fleet_stats {
	uint64_t accepted, accept_errors;
	uint64_t handshakes, handshake_failures;
	uint64_t by_mode[FLEET_MODES];
	uint64_t bytes_in, bytes_out;
	uint64_t open, peak_open;
	uint64_t sip_options;        /* OPTIONS answered 200 after a handshake */
	uint64_t sip_other;          /* request heads not answered: not an OPTIONS, too long */
	struct rusage at_ready;      /* CPU spent starting up, kept apart */
	uint64_t ready_ns;
};

/* Owns everything; lives in main()'s frame. */
struct fleet {
	uv_loop_t *loop;
	struct fleet_listener *listeners; /* owned; n_listeners of them */
	size_t n_listeners, cap_listeners;
	struct fleet_ctx_table *ctxs;     /* owned; see config.c */
	unsigned delay_ms;
	unsigned conn_limit_s;
	int backlog;
	const char *stats_path;           /* borrowed from argv; NULL: stderr only */
	struct fleet_stats stats;
	struct conn *conns;               /* open connections, for the shutdown */
	uv_signal_t sig_term, sig_int, sig_usr1;
	char rbuf[FLEET_READ_BUF];
};

/* config.c: reads the listeners of a configuration file (the format is in
 * README.md and written by fleet-gen) and makes their SSL_CTXs; 0 or -1
 * with a message on stderr. fleet_config_free() frees what it made. */
int fleet_config_load(struct fleet *f, const char *path);
void fleet_config_free(struct fleet *f);
size_t fleet_config_contexts(const struct fleet *f);
const char *fleet_mode_name(enum fleet_mode m);

/* conn.c: the connection callback every listener gets; closing every open
 * connection (at shutdown: each frees itself in its close callbacks). */
void fleet_on_connection(uv_stream_t *server, int status);
void fleet_conns_close(struct fleet *f);

/* stats.c: marks the end of startup; writes one report line to stderr and,
 * if set, replaces the stats file with it. */
void fleet_stats_ready(struct fleet *f);
void fleet_stats_report(struct fleet *f, const char *why);

#endif
