/* conn.c: one accepted connection, driven by its listener's fault mode.
 *
 * A connection reads whatever comes; the modes that speak TLS hand it to
 * OpenSSL's read BIO and leave what OpenSSL wants to send in the write BIO.
 * Nothing is sent at once: conn_answer() waits the injected delay, then
 * conn_send() sends as the mode says (everything; one byte per second; half
 * and a TCP reset; a canned non-TLS answer). Every way out goes through
 * conn_close(); the connection frees itself in its last close callback.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "fleet.h"

#define GARBAGE_LEN 256
#define DRAIN_BUF 4096

enum conn_after { AFTER_NOTHING, AFTER_CLOSE, AFTER_RESET };

struct conn {
	uv_tcp_t tcp;
	uv_timer_t delay;           /* the injected delay, then the dribble's pace */
	uv_timer_t limit;           /* the connection's lifetime bound */
	struct fleet_listener *l;   /* borrowed */
	struct conn *prev, *next;   /* fleet->conns */
	SSL *ssl;                   /* owned; NULL for the modes without TLS */
	BIO *rbio, *wbio;           /* owned by ssl */
	int handles_open;
	int closing;
	int delaying;               /* a timer is armed to send */
	int answered;               /* http and garbage answer once */
	int handshake_done;
	int failed;                 /* the handshake failed: close after the alert */
};

/* A write in flight owns a copy of its bytes. */
struct conn_write {
	uv_write_t req;
	enum conn_after after;
	char data[];
};

static const char http_answer[] =
	"HTTP/1.1 400 Bad Request\r\nServer: fleet\r\nContent-Type: text/plain\r\n"
	"Content-Length: 12\r\nConnection: close\r\n\r\nnot SIP/TLS\n";

static void conn_on_close(uv_handle_t *h)
{
	struct conn *c = h->data;
	struct fleet *f = c->l->fleet;

	if (--c->handles_open > 0)
		return;
	if (c->prev)
		c->prev->next = c->next;
	else
		f->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	f->stats.open--;
	SSL_free(c->ssl);
	free(c);
}

/* The one way out. reset: an RST instead of a FIN. */
static void conn_close(struct conn *c, int reset)
{
	if (c->closing)
		return;
	c->closing = 1;
	uv_read_stop((uv_stream_t *)&c->tcp);
	uv_close((uv_handle_t *)&c->delay, conn_on_close);
	uv_close((uv_handle_t *)&c->limit, conn_on_close);
	if (!reset || uv_tcp_close_reset(&c->tcp, conn_on_close) != 0)
		uv_close((uv_handle_t *)&c->tcp, conn_on_close);
}

static void conn_on_reset(uv_timer_t *t)
{
	conn_close(t->data, 1);
}

static void conn_on_write(uv_write_t *req, int status)
{
	struct conn_write *w = (struct conn_write *)req;
	struct conn *c = req->handle->data;
	enum conn_after after = w->after;

	free(w);
	if (c->closing)
		return;
	if (status < 0 || after == AFTER_CLOSE) {
		conn_close(c, 0);
	} else if (after == AFTER_RESET) {
		/* A reset that a client finds in the same poll as the data looks
		 * like EOF through libuv (it reads the data, sees POLLHUP and
		 * reports UV_EOF), so it comes apart from the data, as a real one
		 * does; a client whose loop lags more than this still sees EOF. */
		uv_timer_start(&c->delay, conn_on_reset, FLEET_RESET_AFTER_MS, 0);
	}
}

/* Queues len bytes, copied from data, or read from the write BIO when
 * data is NULL. */
static void conn_write(struct conn *c, const char *data, size_t len,
		       enum conn_after after)
{
	struct conn_write *w = malloc(sizeof(*w) + len);
	uv_buf_t b;

	if (w == NULL)
		goto fail;
	w->after = after;
	if (data)
		memcpy(w->data, data, len);
	else if (BIO_read(c->wbio, w->data, (int)len) != (int)len)
		goto fail;
	b = uv_buf_init(w->data, (unsigned)len);
	if (uv_write(&w->req, (uv_stream_t *)&c->tcp, &b, 1, conn_on_write) != 0)
		goto fail;
	c->l->fleet->stats.bytes_out += len;
	return;
fail:
	free(w);
	conn_close(c, 0);
}

/* Noise that no TLS client can take for a record: the first two bytes are
 * neither a content type nor a version. */
static void garbage_fill(char *buf, size_t len)
{
	uint32_t x = 0x9e3779b9;
	size_t i;

	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = (char)(i < 2 ? 0x99 : x & 0xff);
	}
}

static void conn_on_delay(uv_timer_t *t);

/* The delay is over: send what the mode sends. */
static void conn_send(struct conn *c)
{
	size_t pending = c->wbio ? BIO_ctrl_pending(c->wbio) : 0;
	char junk[GARBAGE_LEN];

	c->delaying = 0;
	switch (c->l->mode) {
	case FLEET_HTTP:
		conn_write(c, http_answer, sizeof(http_answer) - 1, AFTER_CLOSE);
		break;
	case FLEET_GARBAGE:
		garbage_fill(junk, sizeof(junk));
		conn_write(c, junk, sizeof(junk), AFTER_CLOSE);
		break;
	case FLEET_DRIBBLE:
		if (pending == 0)
			break;
		conn_write(c, NULL, 1, AFTER_NOTHING);
		if (pending > 1 && !c->closing) {
			c->delaying = 1;
			uv_timer_start(&c->delay, conn_on_delay, FLEET_DRIBBLE_MS, 0);
		}
		break;
	case FLEET_RESET:
		/* Half of the first flight: the client is mid-handshake when the
		 * reset comes. */
		if (pending > 0)
			conn_write(c, NULL, pending > 1 ? pending / 2 : 1, AFTER_RESET);
		break;
	default:
		if (pending > 0)
			conn_write(c, NULL, pending, c->failed ? AFTER_CLOSE : AFTER_NOTHING);
		else if (c->failed)
			conn_close(c, 0);
		break;
	}
}

static void conn_on_delay(uv_timer_t *t)
{
	conn_send(t->data);
}

/* Schedules an answer after the injected delay; bytes that OpenSSL adds
 * meanwhile go out with it. */
static void conn_answer(struct conn *c)
{
	unsigned delay = c->l->fleet->delay_ms;

	if (c->delaying || c->closing)
		return;
	if (delay == 0) {
		conn_send(c);
		return;
	}
	c->delaying = 1;
	uv_timer_start(&c->delay, conn_on_delay, delay, 0);
}

static void conn_tls_feed(struct conn *c, const char *data, size_t len)
{
	struct fleet_stats *st = &c->l->fleet->stats;
	char sink[DRAIN_BUF];
	int rc = 0;

	if (BIO_write(c->rbio, data, (int)len) != (int)len) {
		conn_close(c, 0);
		return;
	}
	if (!c->handshake_done && !c->failed) {
		rc = SSL_do_handshake(c->ssl);
		if (rc == 1) {
			c->handshake_done = 1;
			st->handshakes++;
		} else if (SSL_get_error(c->ssl, rc) != SSL_ERROR_WANT_READ) {
			c->failed = 1;
			st->handshake_failures++;
		}
	}
	/* After the handshake a prober sends close_notify and goes. */
	while (c->handshake_done && (rc = SSL_read(c->ssl, sink, sizeof(sink))) > 0)
		;
	if (c->handshake_done && SSL_get_error(c->ssl, rc) == SSL_ERROR_ZERO_RETURN)
		c->failed = 1; /* nothing more to say: close after any output */
	ERR_clear_error();
	if (BIO_ctrl_pending(c->wbio) > 0 || c->failed)
		conn_answer(c);
}

static void conn_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct conn *c = h->data;

	(void)suggested;
	*buf = uv_buf_init(c->l->fleet->rbuf, sizeof(c->l->fleet->rbuf));
}

static void conn_on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct conn *c = s->data;

	if (c->closing || nread == 0)
		return;
	if (nread < 0) {
		conn_close(c, 0);
		return;
	}
	c->l->fleet->stats.bytes_in += (uint64_t)nread;
	switch (c->l->mode) {
	case FLEET_SILENT:
		break;
	case FLEET_HTTP:
	case FLEET_GARBAGE:
		if (!c->answered) {
			c->answered = 1;
			conn_answer(c);
		}
		break;
	default:
		conn_tls_feed(c, buf->base, (size_t)nread);
		break;
	}
}

static void conn_on_limit(uv_timer_t *t)
{
	conn_close(t->data, 0);
}

static int conn_tls_begin(struct conn *c)
{
	c->ssl = SSL_new(c->l->ctx);
	c->rbio = BIO_new(BIO_s_mem());
	c->wbio = BIO_new(BIO_s_mem());
	if (c->ssl == NULL || c->rbio == NULL || c->wbio == NULL) {
		BIO_free(c->rbio);
		BIO_free(c->wbio);
		c->rbio = c->wbio = NULL;
		return -1;
	}
	SSL_set_bio(c->ssl, c->rbio, c->wbio);
	/* An empty read buffer means "wait", not "end of file". */
	BIO_set_mem_eof_return(c->rbio, -1);
	SSL_set_accept_state(c->ssl);
	return 0;
}

void fleet_on_connection(uv_stream_t *server, int status)
{
	struct fleet_listener *l = server->data;
	struct fleet_stats *st = &l->fleet->stats;
	struct conn *c;

	if (status < 0 || (c = calloc(1, sizeof(*c))) == NULL) {
		st->accept_errors++;
		return;
	}
	c->l = l;
	uv_tcp_init(server->loop, &c->tcp);
	uv_timer_init(server->loop, &c->delay);
	uv_timer_init(server->loop, &c->limit);
	c->tcp.data = c->delay.data = c->limit.data = c;
	c->handles_open = 3;
	c->next = l->fleet->conns;
	if (c->next)
		c->next->prev = c;
	l->fleet->conns = c;
	st->open++;
	if (st->open > st->peak_open)
		st->peak_open = st->open;
	if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0) {
		st->accept_errors++;
		conn_close(c, 0);
		return;
	}
	st->accepted++;
	st->by_mode[l->mode]++;
	/* The dribble's single bytes must not wait for Nagle. */
	uv_tcp_nodelay(&c->tcp, 1);
	if ((l->ctx && conn_tls_begin(c) != 0) ||
	    uv_read_start((uv_stream_t *)&c->tcp, conn_alloc, conn_on_read) != 0) {
		conn_close(c, 0);
		return;
	}
	uv_timer_start(&c->limit, conn_on_limit,
		       (uint64_t)l->fleet->conn_limit_s * 1000, 0);
}

void fleet_conns_close(struct fleet *f)
{
	struct conn *c;

	for (c = f->conns; c; c = c->next)
		conn_close(c, 0);
}
