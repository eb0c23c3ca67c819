/* dnsdelay_tcp.c: DNS over TCP through the delay forwarder.
 *
 * A resolver falls back to TCP when a UDP answer is truncated. Each client
 * connection gets its own upstream connection; the client's bytes go up at
 * once, the upstream's bytes come back after the delay, in order (a chunk
 * queue per pair, one timer for its head). Either side closing closes both,
 * except that bytes already received from the upstream are delivered first.
 */
#include <stdlib.h>
#include <string.h>

#include "dnsdelay.h"

struct dd_chunk {
	struct dd_chunk *next;
	uint64_t due;               /* uv_now() in ms */
	size_t len;
	char data[];
};

struct dd_pair {
	uv_tcp_t client, server;
	uv_connect_t connect;
	uv_timer_t timer;           /* the delay of the head chunk */
	struct dd *dd;
	struct dd_pair *prev, *next; /* dd->pairs */
	struct dd_chunk *head, *tail; /* upstream bytes waiting; owned */
	int handles_open;
	int closing;
	int upstream_done;          /* the upstream closed: close when drained */
};

/* A write in flight owns a copy of its bytes. */
struct dd_write {
	uv_write_t req;
	int close_after;
	char data[];
};

static void pair_on_close(uv_handle_t *h)
{
	struct dd_pair *p = h->data;
	struct dd_chunk *c;

	if (--p->handles_open > 0)
		return;
	while ((c = p->head) != NULL) {
		p->head = c->next;
		free(c);
	}
	if (p->prev)
		p->prev->next = p->next;
	else
		p->dd->pairs = p->next;
	if (p->next)
		p->next->prev = p->prev;
	free(p);
}

static void pair_close(struct dd_pair *p)
{
	if (p->closing)
		return;
	p->closing = 1;
	uv_close((uv_handle_t *)&p->client, pair_on_close);
	uv_close((uv_handle_t *)&p->server, pair_on_close);
	uv_close((uv_handle_t *)&p->timer, pair_on_close);
}

static void pair_on_write(uv_write_t *req, int status)
{
	struct dd_write *w = (struct dd_write *)req;
	struct dd_pair *p = req->handle->data;
	int close_after = w->close_after;

	free(w);
	if (!p->closing && (status < 0 || close_after))
		pair_close(p);
}

static void pair_write(struct dd_pair *p, uv_tcp_t *to, const char *data,
		       size_t len, int close_after)
{
	struct dd_write *w = malloc(sizeof(*w) + len);
	uv_buf_t b;

	if (w == NULL) {
		pair_close(p);
		return;
	}
	w->close_after = close_after;
	memcpy(w->data, data, len);
	b = uv_buf_init(w->data, (unsigned)len);
	if (uv_write(&w->req, (uv_stream_t *)to, &b, 1, pair_on_write) != 0) {
		free(w);
		pair_close(p);
	}
}

static void pair_on_timer(uv_timer_t *t)
{
	struct dd_pair *p = t->data;
	uint64_t now = uv_now(p->dd->loop);
	struct dd_chunk *c;

	while (!p->closing && (c = p->head) != NULL && c->due <= now) {
		p->head = c->next;
		if (p->head == NULL)
			p->tail = NULL;
		pair_write(p, &p->client, c->data, c->len,
			   p->upstream_done && p->head == NULL);
		free(c);
	}
	if (!p->closing && p->head)
		uv_timer_start(&p->timer, pair_on_timer, p->head->due - now, 0);
}

static void pair_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct dd_pair *p = h->data;

	(void)suggested;
	*buf = uv_buf_init(p->dd->buf, sizeof(p->dd->buf));
}

static void pair_on_client_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct dd_pair *p = s->data;

	if (p->closing || nread == 0)
		return;
	if (nread < 0)
		pair_close(p);
	else
		pair_write(p, &p->server, buf->base, (size_t)nread, 0);
}

static void pair_on_server_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct dd_pair *p = s->data;
	struct dd_chunk *c;

	if (p->closing || nread == 0)
		return;
	if (nread < 0) {
		p->upstream_done = 1;
		if (p->head == NULL)
			pair_close(p);
		return;
	}
	if ((c = malloc(sizeof(*c) + (size_t)nread)) == NULL) {
		pair_close(p);
		return;
	}
	c->next = NULL;
	c->due = uv_now(p->dd->loop) + p->dd->delay_ms;
	c->len = (size_t)nread;
	memcpy(c->data, buf->base, c->len);
	if (p->tail)
		p->tail->next = c;
	else
		p->head = c;
	p->tail = c;
	if (p->head == c)
		uv_timer_start(&p->timer, pair_on_timer, p->dd->delay_ms, 0);
}

static void pair_on_connect(uv_connect_t *req, int status)
{
	struct dd_pair *p = req->data;

	if (p->closing)
		return;
	if (status < 0 ||
	    uv_read_start((uv_stream_t *)&p->client, pair_alloc, pair_on_client_read) != 0 ||
	    uv_read_start((uv_stream_t *)&p->server, pair_alloc, pair_on_server_read) != 0)
		pair_close(p);
}

static void dd_on_tcp_connection(uv_stream_t *server, int status)
{
	struct dd *dd = server->data;
	struct dd_pair *p;

	if (status < 0 || (p = calloc(1, sizeof(*p))) == NULL)
		return;
	p->dd = dd;
	uv_tcp_init(dd->loop, &p->client);
	uv_tcp_init(dd->loop, &p->server);
	uv_timer_init(dd->loop, &p->timer);
	p->client.data = p->server.data = p->timer.data = p->connect.data = p;
	p->handles_open = 3;
	p->next = dd->pairs;
	if (p->next)
		p->next->prev = p;
	dd->pairs = p;
	dd->tcp_conns++;
	/* The client is read only once the upstream is there to take it. */
	if (uv_accept(server, (uv_stream_t *)&p->client) != 0 ||
	    uv_tcp_connect(&p->connect, &p->server, (const struct sockaddr *)&dd->tcp_upstream,
			   pair_on_connect) != 0)
		pair_close(p);
}

int dd_tcp_start(struct dd *dd)
{
	int rc = uv_tcp_init(dd->loop, &dd->tcp_listen);

	if (rc != 0)
		return rc;
	dd->tcp_listen.data = dd;
	rc = uv_tcp_bind(&dd->tcp_listen, (const struct sockaddr *)&dd->listen_addr,
			 dd->listen_addr.ss_family == AF_INET6 ? UV_TCP_IPV6ONLY : 0);
	if (rc == 0)
		rc = uv_listen((uv_stream_t *)&dd->tcp_listen, 128, dd_on_tcp_connection);
	if (rc != 0)
		uv_close((uv_handle_t *)&dd->tcp_listen, NULL);
	return rc;
}

void dd_tcp_close_all(struct dd *dd)
{
	struct dd_pair *p;

	for (p = dd->pairs; p; p = p->next)
		pair_close(p);
}
