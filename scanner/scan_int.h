/* scan_int.h: the scan's state, private to scanner/.
 *
 * One struct scan owns the loop, the trust store, the targets reader and the
 * maps that make work happen once per scan. Endpoints and name lookups are
 * owned by their maps; probes own themselves until their handles close.
 */
#ifndef FEDCERT_SCAN_INT_H
#define FEDCERT_SCAN_INT_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>
#include <uv.h>

#include "fedcert_limits.h"
#include "map.h"
#include "scanner.h"
#include "store/store.h"

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

/* Rows read from the CSV per turn of the loop, so that a long run of rows
 * whose work is already done cannot starve the probes in flight. */
#define SCAN_ROWS_PER_TURN 256

/* A target waiting for an endpoint's probe to be stored. */
struct waiter {
	int64_t target_id;
	char *via; /* owned */
};

enum endpoint_state {
	ENDPOINT_QUEUED,  /* waiting for a slot under --concurrency */
	ENDPOINT_PROBING, /* a probe is in flight */
	ENDPOINT_STORED   /* probe_id is valid; new targets link at once */
};

/* One (address, port, SNI): probed once per scan. Owned by scan->endpoints. */
struct endpoint {
	enum endpoint_state state;
	char *address; /* numeric, no brackets */
	int port;
	char *sni; /* NULL for an IP literal target */
	int64_t probe_id;
	struct waiter *waiters; /* owned; freed once stored */
	size_t nwaiters, capwaiters;
	struct endpoint *next_queued;
};

/* A DIR host name's lookup, shared by every target naming it. Owned by
 * scan->names. */
struct name_lookup {
	uv_getaddrinfo_t req;
	struct scan *scan;
	char *name;
	int done;
	const char *error_kind; /* static string, NULL on success */
	char error_reason[FC_REASON_MAX];
	char (*addrs)[INET6_ADDRSTRLEN]; /* owned */
	size_t naddrs;
	struct name_waiter {
		int64_t target_id;
		int port;
	} *waiters; /* owned; freed once resolved */
	size_t nwaiters, capwaiters;
};

struct probe;

struct scan {
	uv_loop_t loop;
	const struct scan_options *opts;
	struct store *st;
	int64_t scan_id;
	struct targets_reader *reader;
	SSL_CTX *ctx;

	uv_timer_t flush_timer;
	uv_idle_t pump_idle; /* active while rows remain and there is room */
	uv_signal_t sigint, sigterm;

	struct map endpoints; /* "address|port|sni" -> struct endpoint */
	struct map names;     /* host name -> struct name_lookup */
	struct endpoint *queue_head, *queue_tail;
	size_t queued;
	struct probe *probes; /* in flight, for an interrupt */

	unsigned inflight;  /* probes */
	unsigned resolving; /* name lookups */
	int eof;
	int pumping, pump_again;
	int interrupted;
	int failed; /* a database or read error: stop and mark failed */
	int closing;

	struct scan_summary *summary;
	char err[512];
};

/* tls.c */
SSL_CTX *scan_tls_context(const struct scan_options *opts, char *err,
			  size_t errlen);

/* probe.c: starts the one probe of ep; on its end calls
 * scan_probe_done(). Returns 0, or -1 when no memory (ep is then stored as
 * failed by the caller). */
int probe_start(struct scan *s, struct endpoint *ep);
/* Abandons every probe in flight without storing them (an interrupt). */
void probe_abandon_all(struct scan *s);

/* scan.c */
void scan_probe_done(struct scan *s, struct endpoint *ep,
		     const struct store_probe *result);
void scan_pump(struct scan *s);
void scan_fail(struct scan *s, const char *fmt, ...);

/* resolve.c */
void resolve_target(struct scan *s, int64_t target_id, const char *name,
		    int port);
void resolve_free(void *lookup);

/* endpoint.c-style helpers in scan.c */
void scan_want_endpoint(struct scan *s, int64_t target_id, const char *address,
			int port, const char *sni, const char *via);

#endif
