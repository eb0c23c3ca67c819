/* dns.h: c-ares on the scan's libuv loop, private to scanner/. */
#ifndef FEDCERT_SCANNER_DNS_H
#define FEDCERT_SCANNER_DNS_H

#include <arpa/nameser.h>
#include <ares.h>
#include <uv.h>

#include "fedcert_limits.h"
#include "scanner.h"

struct dns_poll;

/* Owned by the scan; embedded, not allocated. */
struct dns {
	ares_channel channel;
	uv_loop_t *loop;
	uv_timer_t timer;        /* c-ares' next timeout */
	struct dns_poll *polls;  /* one uv_poll_t per c-ares socket */
	int ready;
	int closed;
};

/* Creates the channel with the scan's resolvers, timeout and tries (the
 * system configuration when no --dns-server was given). 0, or -1 with a
 * message in err. */
int dns_init(struct dns *d, uv_loop_t *loop, const struct scan_options *o,
	     char *err, size_t errlen);

/* Sends one query (class IN). cb runs on the loop, exactly once, with
 * ARES_ECANCELLED after dns_cancel() or ARES_EDESTRUCTION from dns_close(). */
void dns_query(struct dns *d, const char *name, int type, ares_callback cb,
	       void *arg);

/* Ends every query in flight (an interrupt). */
void dns_cancel(struct dns *d);

/* Destroys the channel and closes the handles. Safe to call twice. */
void dns_close(struct dns *d);

#endif
