/* dns.c: c-ares on the scan's libuv loop.
 *
 * c-ares tells us which sockets it wants watched (the socket state
 * callback); each gets a uv_poll_t, and one uv_timer_t fires when c-ares'
 * next timeout is due. Nothing here blocks: c-ares only ever reads or
 * writes a socket that the loop said was ready.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "names.h"

struct dns_poll {
	uv_poll_t poll;
	ares_socket_t fd;
	struct dns *dns;
	struct dns_poll *next;
};

static void dns_poll_on_close(uv_handle_t *h)
{
	free(h->data);
}

static void dns_arm_timer(struct dns *d);

static void dns_on_poll(uv_poll_t *h, int status, int events)
{
	struct dns_poll *p = h->data;
	struct dns *d = p->dns;
	ares_socket_t r = ARES_SOCKET_BAD, w = ARES_SOCKET_BAD;

	/* On an error, let c-ares read the socket and see it for itself. */
	if (status < 0 || (events & UV_READABLE))
		r = p->fd;
	if (status == 0 && (events & UV_WRITABLE))
		w = p->fd;
	ares_process_fd(d->channel, r, w);
	dns_arm_timer(d);
}

static void dns_on_timer(uv_timer_t *t)
{
	struct dns *d = t->data;

	ares_process_fd(d->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	dns_arm_timer(d);
}

static void dns_arm_timer(struct dns *d)
{
	struct timeval tv, *next;
	uint64_t ms;

	if (d->closed)
		return;
	next = ares_timeout(d->channel, NULL, &tv);
	if (next == NULL) {
		uv_timer_stop(&d->timer);
		return;
	}
	/* Round up, so that the timer never fires just before c-ares is due. */
	ms = (uint64_t)next->tv_sec * 1000 + ((uint64_t)next->tv_usec + 999) / 1000;
	uv_timer_start(&d->timer, dns_on_timer, ms, 0);
}

static struct dns_poll **dns_find_poll(struct dns *d, ares_socket_t fd)
{
	struct dns_poll **pp;

	for (pp = &d->polls; *pp; pp = &(*pp)->next)
		if ((*pp)->fd == fd)
			break;
	return pp;
}

static void dns_sock_state(void *data, ares_socket_t fd, int readable,
			   int writable)
{
	struct dns *d = data;
	struct dns_poll **pp = dns_find_poll(d, fd), *p = *pp;

	if (!readable && !writable) {
		if (p) {
			*pp = p->next;
			uv_poll_stop(&p->poll);
			uv_close((uv_handle_t *)&p->poll, dns_poll_on_close);
		}
		return;
	}
	if (p == NULL) {
		p = calloc(1, sizeof(*p));
		if (p == NULL)
			return; /* c-ares times the query out: no hang */
		p->fd = fd;
		p->dns = d;
		p->poll.data = p;
		if (uv_poll_init_socket(d->loop, &p->poll, fd) != 0) {
			free(p);
			return;
		}
		p->next = d->polls;
		d->polls = p;
	}
	uv_poll_start(&p->poll, (readable ? UV_READABLE : 0) |
			(writable ? UV_WRITABLE : 0), dns_on_poll);
}

/* "127.0.0.1", "127.0.0.1:5353", "::1", "[::1]", "[::1]:5353" into the
 * form ares_set_servers_ports_csv() takes. */
static int dns_server_canon(const char *spec, char *out, size_t outlen)
{
	char addr[INET6_ADDRSTRLEN];
	char port_text[16] = "";
	int port, family;

	family = names_split_address_port(spec, addr, sizeof(addr), &port);
	if (family == 0)
		return -1;
	if (port != 0)
		snprintf(port_text, sizeof(port_text), ":%d", port);
	snprintf(out, outlen, "%s%s%s%s", family == AF_INET6 ? "[" : "", addr,
		 family == AF_INET6 ? "]" : "", port_text);
	return 0;
}

int scan_dns_server_is_valid(const char *spec)
{
	char buf[INET6_ADDRSTRLEN + 16];

	return dns_server_canon(spec, buf, sizeof(buf)) == 0;
}

static int dns_set_servers(struct dns *d, const struct scan_options *o,
			   char *err, size_t errlen)
{
	char csv[(INET6_ADDRSTRLEN + 16) * FC_DNS_SERVERS_MAX];
	size_t i, used = 0;
	int rc;

	if (o->ndns_servers == 0)
		return 0;
	if (o->ndns_servers > FC_DNS_SERVERS_MAX) {
		snprintf(err, errlen, "at most %d --dns-server", FC_DNS_SERVERS_MAX);
		return -1;
	}
	for (i = 0; i < o->ndns_servers; i++) {
		char one[INET6_ADDRSTRLEN + 16];

		if (dns_server_canon(o->dns_servers[i], one, sizeof(one)) != 0) {
			snprintf(err, errlen, "--dns-server \"%s\": not ADDRESS[:PORT]",
				 o->dns_servers[i]);
			return -1;
		}
		used += (size_t)snprintf(csv + used, sizeof(csv) - used, "%s%s",
					 i ? "," : "", one);
	}
	rc = ares_set_servers_ports_csv(d->channel, csv);
	if (rc != ARES_SUCCESS) {
		snprintf(err, errlen, "--dns-server %s: %s", csv, ares_strerror(rc));
		return -1;
	}
	return 0;
}

int dns_init(struct dns *d, uv_loop_t *loop, const struct scan_options *o,
	     char *err, size_t errlen)
{
	struct ares_options ao;
	int rc;

	memset(d, 0, sizeof(*d));
	d->loop = loop;
	rc = ares_library_init(ARES_LIB_INIT_ALL);
	if (rc != ARES_SUCCESS) {
		snprintf(err, errlen, "c-ares: %s", ares_strerror(rc));
		return -1;
	}
	memset(&ao, 0, sizeof(ao));
	ao.sock_state_cb = dns_sock_state;
	ao.sock_state_cb_data = d;
	ao.timeout = (int)o->dns_timeout_ms;
	ao.tries = (int)o->dns_tries;
	/* NOCHECKRESP: c-ares 1.18 otherwise drops a SERVFAIL, REFUSED or
	 * NOTIMP answer and reports "could not contact DNS servers" in the
	 * end; the answer is the fact we keep. (With several --dns-server, a
	 * SERVFAIL from one is then not retried on the next.) */
	ao.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOCHECKRESP;
	ao.socket_receive_buffer_size = FC_DNS_RCVBUF;
	rc = ares_init_options(&d->channel, &ao,
			       ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS |
				       ARES_OPT_TRIES | ARES_OPT_FLAGS |
				       ARES_OPT_SOCK_RCVBUF);
	if (rc != ARES_SUCCESS) {
		snprintf(err, errlen, "cannot start the DNS resolver: %s",
			 ares_strerror(rc));
		ares_library_cleanup();
		return -1;
	}
	if (dns_set_servers(d, o, err, errlen) != 0) {
		ares_destroy(d->channel);
		ares_library_cleanup();
		return -1;
	}
	uv_timer_init(loop, &d->timer);
	d->timer.data = d;
	d->ready = 1;
	return 0;
}

void dns_query(struct dns *d, const char *name, int type, ares_callback cb,
	       void *arg)
{
	ares_query(d->channel, name, C_IN, type, cb, arg);
	dns_arm_timer(d);
}

void dns_cancel(struct dns *d)
{
	if (d->ready && !d->closed)
		ares_cancel(d->channel);
}

void dns_close(struct dns *d)
{
	if (!d->ready || d->closed)
		return;
	/* Pending callbacks run now with ARES_EDESTRUCTION, and c-ares says
	 * goodbye to each socket through dns_sock_state(). */
	ares_destroy(d->channel);
	d->closed = 1;
	while (d->polls) {
		struct dns_poll *p = d->polls;

		d->polls = p->next;
		uv_poll_stop(&p->poll);
		uv_close((uv_handle_t *)&p->poll, dns_poll_on_close);
	}
	uv_close((uv_handle_t *)&d->timer, NULL);
	ares_library_cleanup();
}
