/* conn.c: one accepted connection, driven by its listener's fault mode.
 *
 * A connection reads whatever comes; the modes that speak TLS hand it to
 * OpenSSL's read BIO and leave what OpenSSL wants to send in the write BIO.
 * Nothing is sent at once: conn_answer() waits the injected delay, then
 * conn_send() sends as the mode says (everything; one byte per second; half
 * and a TCP reset; a canned non-TLS answer). Every way out goes through
 * conn_close(); the connection frees itself in its last close callback.
 *
 * After a handshake on a FLEET_TLS listener, a SIP OPTIONS is answered
 * (200 OK, after the same delay), as a partner's Edge answers one; any
 * other bytes are read and dropped, as they always were.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
	int sip_done;               /* the first request head was seen: drop the rest */
	size_t sip_len;
	char *sip;                  /* owned; that head so far, only until its blank line */
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
	free(c->sip);
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

/* ---- A SIP OPTIONS after the handshake, and its 200 ---- */

/* The headers a response echoes (RFC 3261 8.2.6.2), by long and compact
 * name; Via is echoed as often as it comes, in order, the others once. */
enum sip_field { SIP_VIA, SIP_FROM, SIP_TO, SIP_CALL_ID, SIP_CSEQ, SIP_FIELDS };

static const struct {
	const char *name, *compact;
} sip_names[SIP_FIELDS] = {
	[SIP_VIA] = { "Via", "v" },         [SIP_FROM] = { "From", "f" },
	[SIP_TO] = { "To", "t" },           [SIP_CALL_ID] = { "Call-ID", "i" },
	[SIP_CSEQ] = { "CSeq", NULL },
};

struct span {
	const char *p;
	size_t n;
};

/* An answer built in place: bounded, and marked spoilt when it would not
 * fit (then it is not sent). */
struct sip_answer {
	size_t len;
	int spoilt;
	char buf[FLEET_SIP_ANSWER_MAX];
};

static void answer_add(struct sip_answer *a, const char *p, size_t n)
{
	if (a->spoilt || n > sizeof(a->buf) - a->len) {
		a->spoilt = 1;
		return;
	}
	memcpy(a->buf + a->len, p, n);
	a->len += n;
}

static void answer_str(struct sip_answer *a, const char *s)
{
	answer_add(a, s, strlen(s));
}

/* The next line of [*at, end) without its CRLF; 0 at the end. */
static int sip_next_line(const char **at, const char *end, struct span *line)
{
	const char *eol;

	if (*at >= end)
		return 0;
	eol = memchr(*at, '\n', (size_t)(end - *at));
	line->p = *at;
	line->n = (size_t)((eol ? eol : end) - *at);
	if (line->n > 0 && line->p[line->n - 1] == '\r')
		line->n--;
	*at = eol ? eol + 1 : end;
	return 1;
}

static int is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* Which echoed header a line is, with its value trimmed; SIP_FIELDS for
 * any other line (a folded continuation too: not joined, never needed by
 * the fleet's clients). */
static enum sip_field sip_field_of(struct span line, struct span *value)
{
	const char *colon = memchr(line.p, ':', line.n);
	size_t name;
	int i;

	if (colon == NULL || line.n == 0 || is_blank(line.p[0]))
		return SIP_FIELDS;
	name = (size_t)(colon - line.p);
	while (name > 0 && is_blank(line.p[name - 1]))
		name--;
	value->p = colon + 1;
	value->n = line.n - (size_t)(value->p - line.p);
	while (value->n > 0 && is_blank(value->p[0])) {
		value->p++;
		value->n--;
	}
	while (value->n > 0 && is_blank(value->p[value->n - 1]))
		value->n--;
	for (i = 0; i < SIP_FIELDS; i++)
		if ((strlen(sip_names[i].name) == name &&
		     strncasecmp(line.p, sip_names[i].name, name) == 0) ||
		    (sip_names[i].compact && name == 1 &&
		     (line.p[0] | 0x20) == sip_names[i].compact[0]))
			return (enum sip_field)i;
	return SIP_FIELDS;
}

static int sip_has_tag(struct span v)
{
	size_t i;

	for (i = 0; i + 5 <= v.n; i++)
		if (strncasecmp(v.p + i, ";tag=", 5) == 0)
			return 1;
	return 0;
}

/* Adds the echoed headers of head (its lines after the request line) to
 * a: every Via first, then From, To (with our tag when it has none),
 * Call-ID and CSeq; -1 when one of them is missing. */
static int sip_echo(struct sip_answer *a, const char *head, const char *end,
		    uint64_t tag)
{
	struct span line, value, once[SIP_FIELDS] = { { NULL, 0 } };
	const char *at = head;
	char tagbuf[32];
	int i, vias = 0;

	while (sip_next_line(&at, end, &line)) {
		enum sip_field f = sip_field_of(line, &value);

		if (f == SIP_VIA) {
			answer_str(a, "Via: ");
			answer_add(a, value.p, value.n);
			answer_str(a, "\r\n");
			vias++;
		} else if (f != SIP_FIELDS && once[f].p == NULL) {
			once[f] = value;
		}
	}
	for (i = SIP_FROM; i < SIP_FIELDS; i++) {
		if (once[i].p == NULL)
			return -1;
		answer_str(a, sip_names[i].name);
		answer_str(a, ": ");
		answer_add(a, once[i].p, once[i].n);
		if (i == SIP_TO && !sip_has_tag(once[i])) {
			snprintf(tagbuf, sizeof(tagbuf), ";tag=fleet%llx",
				 (unsigned long long)tag);
			answer_str(a, tagbuf);
		}
		answer_str(a, "\r\n");
	}
	return vias > 0 ? 0 : -1;
}

/* Answers head (a request head up to, not including, its blank line) when
 * it is an OPTIONS: the 200 goes into the TLS session, and out after the
 * delay with anything else pending. 0 when answered. */
static int conn_sip_answer(struct conn *c, const char *head, size_t len)
{
	static const char version[] = " SIP/2.0";
	struct fleet_stats *st = &c->l->fleet->stats;
	const char *at = head, *end = head + len;
	struct sip_answer a = { .len = 0 };
	struct span request;

	if (!sip_next_line(&at, end, &request) || request.n < 8 + sizeof(version) ||
	    memcmp(request.p, "OPTIONS ", 8) != 0 ||
	    memcmp(request.p + request.n - (sizeof(version) - 1), version,
		   sizeof(version) - 1) != 0)
		return -1;
	/* built on the stack: a connection keeps nothing of it */
	answer_str(&a, "SIP/2.0 200 OK\r\n");
	if (sip_echo(&a, at, end, st->sip_options + 1) != 0)
		return -1;
	answer_str(&a, "Server: " FLEET_SIP_SERVER "\r\nContent-Length: 0\r\n\r\n");
	if (a.spoilt || SSL_write(c->ssl, a.buf, (int)a.len) != (int)a.len)
		return -1;
	return 0;
}

/* Where the first CRLF CRLF of [p, end) begins, or NULL. */
static char *sip_blank_line(char *p, const char *end)
{
	for (; end - p >= 4; p++)
		if (p[0] == '\r' && p[1] == '\n' && p[2] == '\r' && p[3] == '\n')
			return p;
	return NULL;
}

/* Application bytes after the handshake. The first request head is kept
 * until its blank line (CRLFs before it, RFC 5626 keep-alives, skipped)
 * and answered when it is an OPTIONS; a head over FLEET_SIP_HEAD_MAX, and
 * every byte after the first head, are dropped. */
static void conn_sip_take(struct conn *c, const char *data, size_t len)
{
	struct fleet_stats *st = &c->l->fleet->stats;
	size_t from, n;
	char *grown, *blank;

	if (c->sip_done)
		return;
	while (c->sip_len == 0 && len > 0 && (*data == '\r' || *data == '\n')) {
		data++;
		len--;
	}
	if (len == 0)
		return;
	n = len < FLEET_SIP_HEAD_MAX - c->sip_len ? len : FLEET_SIP_HEAD_MAX - c->sip_len;
	if ((grown = realloc(c->sip, c->sip_len + n)) == NULL) {
		blank = NULL;
		goto done;
	}
	c->sip = grown;
	from = c->sip_len > 3 ? c->sip_len - 3 : 0;
	memcpy(c->sip + c->sip_len, data, n);
	c->sip_len += n;
	blank = sip_blank_line(c->sip + from, c->sip + c->sip_len);
	if (blank == NULL && c->sip_len < FLEET_SIP_HEAD_MAX)
		return;
done:
	if (blank != NULL && conn_sip_answer(c, c->sip, (size_t)(blank - c->sip) + 2) == 0)
		st->sip_options++;
	else
		st->sip_other++;
	free(c->sip);
	c->sip = NULL;
	c->sip_len = 0;
	c->sip_done = 1;
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
	/* After the handshake a prober sends close_notify and goes, or, on
	 * a healthy endpoint, asks SIP OPTIONS first. */
	while (c->handshake_done && (rc = SSL_read(c->ssl, sink, sizeof(sink))) > 0)
		if (c->l->mode == FLEET_TLS)
			conn_sip_take(c, sink, (size_t)rc);
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
