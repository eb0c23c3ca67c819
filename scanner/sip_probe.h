/* sip_probe.h: one probe's SIP OPTIONS exchange (folder-private): the
 * request built for the endpoint, the answer read, and the facts it comes
 * to, as the store keeps them. probe.c owns the I/O and the deadline.
 */
#ifndef FEDCERT_SIP_PROBE_H
#define FEDCERT_SIP_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include "scanner.h"
#include "sip.h"
#include "store/store.h"

/* The exchange; about 36 KB (the reader's buffer and two responses),
 * allocated only for a probe that sends one, and kept for the next when
 * it ends (sip_probe_new()'s reuse: a fresh 36 KB per exchange costs
 * page faults each time, which glibc's heap trimming gives back). Owned
 * by the probe, freed with sip_probe_free(). */
struct sip_probe {
	char request[SIP_REQUEST_MAX];
	int request_len;          /* -1: not sent (error_reason says why) */
	char call_id[SIP_CALL_ID_SIZE];
	uint64_t sent_ns;         /* uv_hrtime() when written; 0 not yet */
	double rtt_ms;            /* to the final response; -1 none */
	enum sip_read_state state;
	const char *error;        /* NULL, or store_sip's error word */
	char error_reason[256];
	struct sip_response resp;
	struct sip_reader reader;
};

/* A new exchange for an endpoint reached as host (its SNI name; NULL: the
 * address, bracketed when IPv6) at port, with our names from o; in reuse,
 * an ended exchange's memory, when not NULL. When the
 * request cannot be built (a hostile host name), request_len is -1 and
 * error "not_sent". NULL when out of memory. */
struct sip_probe *sip_probe_new(const struct scan_options *o,
				const char *host, const char *address,
				int port, struct sip_probe *reuse);

/* Feeds what the TLS session read; answers the reader's state (SIP_MORE:
 * keep reading). now_ns: uv_hrtime(), for the round trip. */
enum sip_read_state sip_probe_feed(struct sip_probe *x, const char *data,
				   size_t len, uint64_t now_ns);

/* The exchange ended without a final response: error is "timeout",
 * "closed", "reset" or "not_sent", reason in words. A decided exchange
 * (not SIP_MORE) keeps what it has. */
void sip_probe_fail(struct sip_probe *x, const char *error,
		    const char *reason);

/* The facts, as store_probe_add() takes them; every pointer into x. */
void sip_probe_facts(struct sip_probe *x, struct store_sip *out);

void sip_probe_free(struct sip_probe *x);

#endif
