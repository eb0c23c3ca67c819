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
#include "dns.h"
#include "map.h"
#include "scanner.h"
#include "seen.h"
#include "store/store.h"

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

/* Rows read from the CSV per turn of the loop, so that a long run of rows
 * whose work is already done cannot starve the probes in flight. */
#define SCAN_ROWS_PER_TURN 256

struct scan;

/* One question as outage.c follows it: how many answers the resolver set
 * had given when it was sent (an answer after that shows the resolver up
 * while it was out), how often it was asked again after our resolver
 * failed it, and the parked list it waits on while the resolver is down.
 * resend asks it again; give_up ends it as not probed for our reason. */
struct dns_ask {
	uint64_t sent_at; /* scan->dns_answers when sent */
	int status;       /* the c-ares status it failed with, when parked */
	unsigned retried; /* times asked again after our resolver failed it */
	void (*resend)(struct scan *s, struct dns_ask *a);
	void (*give_up)(struct scan *s, struct dns_ask *a, int theirs);
	struct dns_ask *next_parked;
};

/* A target whose work is under way. Each lookup or probe it waits for
 * holds it; when the last hold is released, everything it led to is
 * stored, and it is marked complete (so that a resumed scan keeps it) and
 * freed. Owned by the scan's list of live targets. */
struct target {
	int64_t id;
	int holds;
	/* Set when one of its lookups or probes could not be done for a
	 * reason of ours (outage.c): the target is then stored not_probed
	 * with this reason (owned: target_set_ours()), and left incomplete
	 * for a resume. NULL: nothing of ours went wrong. */
	char *ours;
	struct target *prev, *next;
};

/* A target waiting for an endpoint's probe to be stored, and the route by
 * which it reached the endpoint. Holds the target. */
struct waiter {
	struct target *target;
	char *host;     /* owned */
	char *srv_name; /* owned; NULL for DIR */
	int srv_priority, srv_weight;
};

enum endpoint_state {
	ENDPOINT_QUEUED,  /* waiting for a slot under --concurrency */
	ENDPOINT_PROBING, /* a probe is in flight */
	ENDPOINT_STORED,  /* probe_id is valid; new targets link at once */
	ENDPOINT_OURS     /* our network could not send to it (outage.c):
			     its targets are not probed */
};

/* One (address, port, SNI): probed once per scan. Owned by scan->endpoints,
 * retired there once stored (or ours), and then let go when the scan has
 * more than FC_SCAN_KEEP_DONE of them: found again in the database. */
struct sip_probe; /* sip_probe.h */

struct endpoint {
	enum endpoint_state state;
	const char *key; /* borrowed: scan->endpoints' key */
	char *address; /* numeric, no brackets */
	int port;
	char *sni; /* NULL for an IP literal target */
	int64_t probe_id;
	char *ours_reason; /* owned; ENDPOINT_OURS: why, for its targets */
	struct waiter *waiters; /* owned; freed once stored */
	size_t nwaiters, capwaiters;
	struct endpoint *next_queued;
};

/* A route from a target to a host, before the host's addresses are known. */
struct host_waiter {
	struct target *target; /* held */
	int port;
	char *srv_name; /* owned; NULL for DIR */
	int srv_priority, srv_weight;
};

/* One host name's A and AAAA lookups, shared by every target that reaches
 * it (DIR rows and SRV targets). Owned by scan->hosts; once answered,
 * retired there and let go when more than FC_SCAN_KEEP_DONE are: a later
 * row that names the host again finds its answers in the database
 * (host_recall). Kept small: the name is the map's key, the addresses as
 * many as came, the reason only on a failure. */
struct host_lookup {
	struct scan *scan;
	const char *name; /* borrowed: scan->hosts' key */
	struct host_query {
		struct host_lookup *host;
		int type; /* T_A or T_AAAA */
		struct dns_ask ask; /* outage.c: when it was sent, parked */
	} queries[2]; /* the callbacks' arguments */
	int pending; /* queries outstanding */
	int64_t answer_ids[2];
	size_t nanswers;
	enum failure_kind fail_kind; /* the worst failure, when no address came */
	char *fail_reason;     /* owned; NULL without a failure */
	int ours; /* a question went unanswered by our resolver (outage.c) */
	char (*addrs)[INET6_ADDRSTRLEN]; /* owned, in the order answered */
	size_t naddrs, capaddrs;
	struct host_waiter *waiters; /* owned; freed once resolved */
	size_t nwaiters, capwaiters;
};

/* One SRV record worth following, in RFC 2782 order. */
struct srv_target {
	int priority, weight, port;
	char *target; /* owned, lowercase */
};

/* One SRV name's lookup, shared by every target of that domain and type.
 * Owned by scan->srvs, retired and let go like a host's. */
struct srv_lookup {
	struct scan *scan;
	const char *name; /* borrowed: scan->srvs' key */
	int done;
	int ours; /* our resolver did not answer (outage.c) */
	struct dns_ask ask;
	int64_t answer_id;
	enum failure_kind error_kind; /* FAIL_NONE: follow the targets */
	char *error_reason;     /* owned; NULL without an error */
	struct srv_target *targets; /* owned */
	size_t ntargets;
	struct target **waiters; /* held; the array owned, freed once answered */
	size_t nwaiters, capwaiters;
};

struct probe;

struct scan {
	uv_loop_t loop;
	/* scan.c's pump, called by scan_wake() (state.c). */
	void (*wake)(struct scan *s);
	const struct scan_options *opts;
	struct store *st;
	int64_t scan_id;
	struct targets_reader *reader;
	char *one_csv; /* owned: fedcert check's one row, read by reader */
	/* check --sni as sent; "": the host's name. check --connect-to's
	 * address ("": ask DNS) and port (0: the target's or SRV record's). */
	char sni[FC_DNS_NAME_MAX + 1];
	char connect_addr[INET6_ADDRSTRLEN];
	int connect_port;
	const char *input;    /* the targets file: opts->input or resumed_input */
	char *resumed_input;  /* owned: the resumed scan's targets file */
	SSL_CTX *ctx;

	uv_timer_t flush_timer;
	uv_timer_t end_timer; /* closes the handles from the top of the loop */
	uv_timer_t progress_timer; /* progress.c */
	uint64_t started_ns;
	long rows_total; /* rows in the targets file, for the ETA; -1 unknown */
	int progress_shown;
	uv_idle_t pump_idle; /* active while rows remain and there is room */
	uv_signal_t sigint, sigterm;

	struct dns dns;
	struct map endpoints; /* "address|port|sni" -> struct endpoint */
	struct map hosts;     /* host name -> struct host_lookup */
	struct map srvs;      /* SRV name -> struct srv_lookup */
	struct map sip_next;  /* address -> uint64_t, owned: when the next
				 OPTIONS to it may go (--sip-pace); let go
				 once that time has passed */
	/* What the maps let go of (seen.h), by kind; recall_all: a resumed
	 * scan, whose earlier run's work is in the database alone. */
	struct seen gone;
	int recall_all;
	long recalled; /* lookups and endpoints found again there */
	uv_check_t trim_check; /* lets the done go, once per turn */
	int trim_paused;       /* rows wait for it (scan.c) */
	/* Ended SIP exchanges kept for the next (sip_probe.h), owned: at
	 * most FC_SIP_SPARE, about 36 KB each. */
	struct sip_probe *sip_spare[FC_SIP_SPARE];
	size_t nsip_spare;
	struct endpoint *queue_head, *queue_tail;
	size_t queued;
	struct probe *probes; /* in flight, for an interrupt */
	struct target *targets; /* live (incomplete) targets */
	long *done_lines;       /* resume: rows already accounted for, sorted */
	size_t ndone_lines, capdone_lines;

	unsigned inflight;  /* probes */
	unsigned slots;     /* probes in flight at most: --concurrency, less
			       when file descriptors are short */
	unsigned resolving; /* DNS queries in flight */
	int eof;
	int pumping, pump_again;
	int interrupted;
	int failed; /* a database or read error: stop and mark failed */

	/* outage.c: telling our resolver's and our network's failures from
	 * the partners'. */
	uint64_t dns_answers;   /* answers the resolver set gave, any rcode */
	struct dns_ask *parked; /* questions our resolver failed, to ask again */
	size_t nparked;
	int dns_down;           /* our resolver is not answering: rows wait */
	int dns_gave_up;        /* it did not come back: no more questions */
	unsigned canaries;      /* questions asked of it to see it back */
	int canary_inflight;
	int canary_theirs;      /* the canary answered: timeouts asked again
				   after it are the partner's */
	long dns_missed;        /* questions it failed, asked again or not */
	uv_timer_t outage_timer;
	char dns_label[(INET6_ADDRSTRLEN + 16) * 2 + 32]; /* "127.0.0.1:53" */
	char dns_reason[FC_REASON_MAX];  /* a not-probed target's reason */
	char net_reason[FC_REASON_MAX];
	long net_missed;        /* endpoints our network could not send to */
	int closing;

	struct scan_summary *summary;
	char rbuf[FC_TLS_READ_BUF]; /* shared by every probe's reads */
	char err[512];
};

/* tls.c */
SSL_CTX *scan_tls_context(const struct scan_options *opts, char *err,
			  size_t errlen);

/* probe.c: starts the one probe of ep; on its end calls
 * scan_probe_done(). PROBE_START_NOFD: no file descriptor is free while
 * other probes are in flight; nothing was started, try again after one of
 * them ends. */
enum probe_start_result {
	PROBE_STARTED = 0,
	PROBE_START_NOMEM = -1,
	PROBE_START_NOFD = 1
};
int probe_start(struct scan *s, struct endpoint *ep);
/* Abandons every probe in flight without storing them (an interrupt). */
void probe_abandon_all(struct scan *s);

/* state.c: fails the scan (the first reason is kept; the loop then
 * stops starting work and the scan is marked failed). */
void scan_fail(struct scan *s, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/* state.c: a lookup or a probe finished: the loop refills its window
 * (scan->wake, scan.c's pump) before this returns. */
void scan_wake(struct scan *s);

/* inflight.c: t wants the probe of (address, port, sni); linked with
 * route as soon as it is stored. A probe's end stores it and links its
 * waiting targets. */
void scan_want_endpoint(struct scan *s, struct target *t, const char *address,
			int port, const char *sni,
			const struct store_route *route);
void scan_probe_done(struct scan *s, struct endpoint *ep,
		     const struct store_probe *result);

/* inflight.c: our network could not send to ep (outage.c decided):
 * nothing is stored of it; each target waiting on it, and each that
 * reaches it later, is not probed, for reason (copied). */
void scan_endpoint_ours(struct scan *s, struct endpoint *ep,
			const char *reason);

/* outage.c: our resolver's and our network's failures, told from the
 * partners'. A question our resolver failed (refused, or timed out while
 * the resolver set gave no answer at all) is parked, not stored: the
 * resolver is asked a question of our own (the canary) until it answers,
 * and the parked questions are then asked again; when it does not come
 * back, their targets are not probed, for a reason of ours. */
void outage_init(struct scan *s);
void outage_close(struct scan *s);
/* A question is being sent. */
void outage_sent(struct scan *s, struct dns_ask *a);
/* A question's answer or failure (not a cancellation): 0 when the caller
 * takes it as the partner's fact; 1 when it is ours and outage.c has it
 * (parked, or given up through a->give_up): the caller does no more. */
int outage_dns_take(struct scan *s, struct dns_ask *a, int status);
/* Whether a question may be sent at all: 0 once our resolver was given
 * up for this scan. */
int outage_dns_usable(const struct scan *s);
/* Whether the reason a connect failed (a libuv error, returned by the
 * connect itself, before any packet left) is ours: no route, no source
 * address, the network down, a local filter. */
int outage_connect_is_ours(int uverr, const struct sockaddr *sa);
/* Our network could not send to ep: says so (once), counts it. */
void outage_net(struct scan *s, struct endpoint *ep, const char *reason);
/* An interrupt or a failure: the parked questions are dropped (their
 * targets stay incomplete), the canary's timer stopped. */
void outage_abandon(struct scan *s);
/* The scan's closing words when something of ours went wrong: into buf,
 * "" when nothing did. */
void outage_summary(const struct scan *s, char *buf, size_t len);

/* The kinds of key in scan->gone. */
enum scan_gone_kind { GONE_HOST = 1, GONE_SRV, GONE_ENDPOINT };

/* Whether the database may hold what a map no longer does for key: a
 * resumed scan's, or a key let go (or a false positive of the filter). */
int scan_may_recall(const struct scan *s, enum scan_gone_kind kind,
		    const char *key);

/* inflight.c: a target, held once by its row; a hold while one of its
 * lookups or probes is under way; the last release completes it. */
struct target *target_new(struct scan *s, int64_t id);
/* The target is not probed in full, for our reason (copied; the last
 * given is kept). */
void target_set_ours(struct scan *s, struct target *t, const char *reason);
void target_hold(struct target *t);
void target_release(struct scan *s, struct target *t);
/* Frees a target still held (a stopped scan leaves it incomplete). */
void target_unlink_free(struct scan *s, struct target *t);
/* An endpoint and what it owns; a map_destroy() callback. */
void endpoint_free(void *v);

/* progress.c: the progress line on a terminal, and the elapsed time. */
void progress_start(struct scan *s);
void progress_stop(struct scan *s);

/* one.c: check's --sni as it is sent, into out (FC_DNS_NAME_MAX + 1
 * suffices): lowercased, without a trailing dot. 0, or -1 when it is not
 * a host name. */
int scan_sni_canon(const char *name, char *out, size_t outlen);

/* discover.c: from a target to its endpoints, through DNS. */
void discover_srv(struct scan *s, struct target *t, enum target_type type,
		  const char *domain);
void discover_host(struct scan *s, struct target *t, const char *name,
		   int port, const struct store_route *route);
void discover_free_host(void *lookup);
void discover_free_srv(void *lookup);

/* discover.c's handling of an answer, declared here for its unit tests
 * (tests/unit/scanner/test_discover.c); nothing else calls them. */

/* One answer's outcome, named as the store records it. */
struct dns_outcome {
	const char *rcode;
	enum failure_kind kind; /* the target-level failure it implies */
	const char *reason;     /* c-ares' message; NULL for an answer */
};

/* The outcome of a c-ares status: NOERROR (with data or without),
 * NXDOMAIN, SERVFAIL, REFUSED, FORMERR, NOTIMP, TIMEOUT or ERROR. */
struct dns_outcome discover_dns_outcome(int status);

/* The failure a stored rcode stands for, as discover_dns_outcome() gave
 * it when the answer came: FAIL_NONE for NOERROR, FAIL_DNS_ERROR for
 * FORMERR, NOTIMP and ERROR. */
enum failure_kind discover_rcode_kind(const char *rcode);

/* Keeps address (family AF_INET or AF_INET6, src in network order) among
 * h's addresses in inet_ntop() form: once, in the order answered, at most
 * --max-addresses. */
void discover_host_add_address(struct host_lookup *h, int family,
			       const void *src);

/* The SRV records of reply worth following, into l->targets (owned, each
 * name a lowercased copy; l->ntargets of them): valid host names, "." and
 * "" left out, in RFC 2782 order (priority, then the heavier first, then
 * by name). *total counts the records, *dots the "." ones. 0, or -1 when
 * out of memory (nothing kept). */
int discover_srv_pick(struct srv_lookup *l, const struct ares_srv_reply *reply,
		      size_t *total, size_t *dots);

/* The SRV lookup's failure once its targets are kept: srv_missing (no
 * record), srv_not_available (only "."), srv_invalid (no valid name), or
 * none (l->error_kind stays FAIL_NONE). */
void discover_srv_verdict(struct srv_lookup *l, size_t total, size_t dots);

#endif
