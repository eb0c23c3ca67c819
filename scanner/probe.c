/* probe.c: one TLS handshake with one endpoint, over memory BIOs on libuv.
 *
 * A probe walks PROBE_CONNECTING -> PROBE_HANDSHAKING -> PROBE_DONE, with
 * --sip-options through PROBE_SIP (one OPTIONS over the session, and its
 * answer, sip_probe.c) before PROBE_DONE. Every
 * way out, success or failure, goes through probe_finish(), which records
 * the result once; the handles are then closed and the probe frees itself
 * in the last close callback.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "mtls.h"
#include "scan_int.h"
#include "sip_probe.h"

/* PROBE_VERDICT: a TLS 1.3 handshake completed after the server asked for
 * our certificate; it judges that certificate only after our Finished, so
 * we read once more, briefly, to hear its verdict. */
enum probe_state { PROBE_CONNECTING, PROBE_HANDSHAKING, PROBE_VERDICT,
		   PROBE_SIP, PROBE_DONE };

struct probe {
	uv_tcp_t tcp;
	uv_timer_t timer;
	uv_connect_t connect_req;
	struct scan *scan;
	struct endpoint *ep;
	struct probe *prev, *next; /* scan->probes, for an interrupt */
	enum probe_state state;
	SSL *ssl;
	BIO *rbio, *wbio; /* owned by ssl */
	int handles_open;
	uint64_t t_start, t_connected; /* uv_hrtime(), ns */
	int64_t started_ms;
	double connect_ms, handshake_ms;
	size_t bytes_in;
	struct mtls_facts mtls;
	int alert;              /* the TLS alert number, for tls_alert */
	/* Taken when the handshake completes (static strings of OpenSSL's):
	 * a verdict alert after it leaves the session unusable. */
	const char *tls_version, *cipher;
	enum failure_kind error_kind; /* FAIL_NONE: success */
	struct sip_probe *sip; /* owned; PROBE_SIP and after, else NULL */
};

/* A write in flight owns a copy of what OpenSSL produced. */
struct probe_write {
	uv_write_t req;
	char data[];
};

static void probe_finish(struct probe *p, enum failure_kind kind, const char *fmt,
			 ...) __attribute__((format(printf, 3, 4)));

static int64_t probe_now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static double probe_elapsed_ms(uint64_t since)
{
	return (double)(uv_hrtime() - since) / 1e6;
}

static void probe_on_close(uv_handle_t *h)
{
	struct probe *p = h->data;

	/* The TLS state went in probe_close(), which every close goes
	 * through. */
	if (--p->handles_open > 0)
		return;
	free(p);
}

static void probe_unlink(struct probe *p)
{
	if (p->prev)
		p->prev->next = p->next;
	else
		p->scan->probes = p->next;
	if (p->next)
		p->next->prev = p->prev;
	p->prev = p->next = NULL;
}

/* The TLS state is freed at once, not when the handles have closed: the
 * slot is given to the next endpoint in this same turn of the loop, and a
 * burst of a thousand probes ending together would otherwise hold a
 * thousand finished sessions (and the write buffers of their close_notify)
 * beside the thousand new ones. */
static void probe_close(struct probe *p)
{
	p->state = PROBE_DONE;
	SSL_free(p->ssl);
	p->ssl = NULL;
	p->rbio = p->wbio = NULL;
	mtls_free(&p->mtls);
	if (p->sip != NULL && p->scan->nsip_spare < FC_SIP_SPARE)
		p->scan->sip_spare[p->scan->nsip_spare++] = p->sip;
	else
		sip_probe_free(p->sip);
	p->sip = NULL;
	probe_unlink(p);
	uv_close((uv_handle_t *)&p->timer, probe_on_close);
	uv_close((uv_handle_t *)&p->tcp, probe_on_close);
}

/* DER copies of the presented chain, leaf first, each beside the X509
 * OpenSSL parsed it into, so that the store need not parse it again. The
 * X509s are the session's: valid until SSL_free(), which probe_close()
 * calls only after probe_record() has stored the probe. OpenSSL keeps the
 * chain on the session as soon as the server's Certificate message is
 * processed, so it is there even when the handshake fails after it (a
 * server that then demands a client certificate, an alert). */
static size_t probe_take_chain(struct probe *p, struct store_der *chain,
			       unsigned char **bufs, size_t *presented)
{
	STACK_OF(X509) *sk = p->ssl ? SSL_get_peer_cert_chain(p->ssl) : NULL;
	int i, n = sk ? sk_X509_num(sk) : 0;
	size_t count = 0;

	*presented = (size_t)n;
	for (i = 0; i < n && count < FC_CHAIN_MAX; i++) {
		const X509 *x = sk_X509_value(sk, i);
		unsigned char *der = NULL;
		int len = i2d_X509(x, &der);

		if (len <= 0)
			continue;
		bufs[count] = der;
		chain[count].der = der;
		chain[count].len = (size_t)len;
		chain[count].x509 = x;
		count++;
	}
	return count;
}

static void probe_record(struct probe *p, const char *reason)
{
	struct store_der chain[FC_CHAIN_MAX];
	unsigned char *bufs[FC_CHAIN_MAX];
	struct store_probe r = { 0 };
	struct store_sip sip;
	size_t i;

	r.address = p->ep->address;
	r.port = p->ep->port;
	r.sni = p->ep->sni;
	r.started_ms = p->started_ms;
	r.connect_ms = p->connect_ms;
	r.handshake_ms = p->handshake_ms;
	r.error_kind = p->error_kind;
	r.error_reason = p->error_kind ? reason : NULL;
	r.verify_code = -1;
	r.chain_len = probe_take_chain(p, chain, bufs, &r.chain_presented);
	r.chain = chain;
	mtls_settle(&p->mtls, p->error_kind, p->alert);
	mtls_fill(&p->mtls, &r);
	r.tls_version = p->tls_version;
	r.cipher = p->cipher;
	if (p->sip != NULL) {
		sip_probe_facts(p->sip, &sip);
		r.sip = &sip;
	}
	if (r.chain_len > 0) {
		r.verify_code = SSL_get_verify_result(p->ssl);
		r.verify_reason = X509_verify_cert_error_string(r.verify_code);
	}
	scan_probe_done(p->scan, p->ep, &r);
	for (i = 0; i < r.chain_len; i++)
		OPENSSL_free(bufs[i]);
}

static int probe_is_up(const struct probe *p)
{
	return p->mtls.outcome == NULL ||
	       strcmp(p->mtls.outcome, "accepted") == 0;
}

/* The SIP exchange ended without a final response, for the reason the
 * probe would have failed for. */
static void probe_sip_failed(struct probe *p, enum failure_kind kind,
			     const char *reason)
{
	char why[FC_REASON_MAX + 64];

	if (kind == FAIL_TIMEOUT) {
		snprintf(why, sizeof why, "no final response within the probe's "
			 "%u s (%u provisional, %zu bytes received)",
			 p->scan->opts->timeout_s, p->sip->resp.provisional,
			 p->sip->resp.bytes);
		sip_probe_fail(p->sip, p->sip->sent_ns ? "timeout" : "not_sent",
			       why);
	} else if (kind == FAIL_RESET) {
		sip_probe_fail(p->sip, "reset", "the connection was reset before "
			       "a final response");
	} else if (kind == FAIL_CLOSED) {
		sip_probe_fail(p->sip, "closed", "the peer closed the connection "
			       "before a final response");
	} else {
		snprintf(why, sizeof why, "the session ended before a final "
			 "response: %s", reason);
		sip_probe_fail(p->sip, "closed", why);
	}
}

/* The one exit: records the result, then closes. FAIL_NONE is success. */
static void probe_finish(struct probe *p, enum failure_kind kind, const char *fmt,
			 ...)
{
	char reason[FC_REASON_MAX] = "";
	va_list ap;

	if (p->state == PROBE_DONE)
		return;
	/* In the verdict wait the handshake is done: what ends the wait is
	 * the server's verdict on our certificate, not a failed probe. */
	if (p->state == PROBE_VERDICT) {
		mtls_settle(&p->mtls, kind, p->alert);
		kind = FAIL_NONE;
	}
	if (kind && fmt) {
		va_start(ap, fmt);
		vsnprintf(reason, sizeof(reason), fmt, ap);
		va_end(ap);
	}
	/* In the SIP exchange the handshake is done too: what ends it is
	 * the exchange's own end, which the SIP facts say. */
	if (p->state == PROBE_SIP && kind != FAIL_NONE) {
		probe_sip_failed(p, kind, reason);
		kind = FAIL_NONE;
	}
	p->error_kind = kind;
	if (p->state == PROBE_HANDSHAKING)
		p->handshake_ms = probe_elapsed_ms(p->t_connected);
	probe_record(p, reason);
	/* A courtesy close_notify while the connection is up (not after the
	 * server closed it or alerted); the peer's answer does not matter. */
	if (kind == FAIL_NONE && probe_is_up(p) &&
	    (p->sip == NULL || p->sip->error == NULL ||
	     strcmp(p->sip->error, "reset") != 0) &&
	    SSL_shutdown(p->ssl) >= 0) {
		char buf[256];
		int n = BIO_read(p->wbio, buf, sizeof(buf));

		if (n > 0) {
			uv_buf_t b = uv_buf_init(buf, (unsigned)n);

			uv_try_write((uv_stream_t *)&p->tcp, &b, 1);
		}
	}
	ERR_clear_error();
	probe_close(p);
	p->scan->inflight--;
	scan_wake(p->scan);
}

/* The other exit: our side could not start the probe (outage.c): nothing
 * is recorded of the endpoint, its targets are not probed. */
static void probe_finish_ours(struct probe *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void probe_finish_ours(struct probe *p, const char *fmt, ...)
{
	char reason[FC_REASON_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	outage_net(p->scan, p->ep, reason);
	probe_close(p);
	p->scan->inflight--;
	scan_wake(p->scan);
}

static void probe_on_write(uv_write_t *req, int status)
{
	struct probe_write *w = container_of(req, struct probe_write, req);
	struct probe *p = req->handle->data;

	free(w);
	if (status < 0 && status != UV_ECANCELED && p->state != PROBE_DONE)
		probe_finish(p, status == UV_ECONNRESET ? FAIL_RESET : FAIL_IO_ERROR,
			     "write: %s", uv_strerror(status));
}

/* Sends whatever OpenSSL queued in its write BIO. */
static int probe_flush(struct probe *p)
{
	size_t pending = BIO_ctrl_pending(p->wbio);
	struct probe_write *w;
	uv_buf_t b;
	int rc;

	if (pending == 0)
		return 0;
	w = malloc(sizeof(*w) + pending);
	if (w == NULL) {
		probe_finish(p, FAIL_LOCAL_ERROR, "out of memory");
		return -1;
	}
	if (BIO_read(p->wbio, w->data, (int)pending) != (int)pending) {
		free(w);
		probe_finish(p, FAIL_LOCAL_ERROR, "short read from the TLS write buffer");
		return -1;
	}
	b = uv_buf_init(w->data, (unsigned)pending);
	rc = uv_write(&w->req, (uv_stream_t *)&p->tcp, &b, 1, probe_on_write);
	if (rc < 0) {
		free(w);
		probe_finish(p, FAIL_IO_ERROR, "write: %s", uv_strerror(rc));
		return -1;
	}
	return 0;
}

/* Names what OpenSSL's error queue says went wrong. */
static void probe_tls_failed(struct probe *p, int sslerr)
{
	unsigned long e = ERR_peek_last_error();
	int reason = ERR_GET_REASON(e);
	char buf[FC_REASON_MAX];

	if (e == 0) {
		if (sslerr == SSL_ERROR_SYSCALL || sslerr == SSL_ERROR_ZERO_RETURN)
			probe_finish(p, FAIL_CLOSED, "the peer closed the connection during the handshake");
		else
			probe_finish(p, FAIL_TLS_ERROR, "handshake failed (SSL error %d)", sslerr);
		return;
	}
	ERR_error_string_n(e, buf, sizeof(buf));
	if (ERR_GET_LIB(e) == ERR_LIB_SSL && reason >= SSL_AD_REASON_OFFSET &&
	    reason < SSL_AD_REASON_OFFSET + 256) {
		int alert = reason - SSL_AD_REASON_OFFSET;

		p->alert = alert;
		probe_finish(p, FAIL_TLS_ALERT, "%s (alert %d)",
			     mtls_alert_name(alert), alert);
		return;
	}
	/* OpenSSL's cap on the certificate list (tls.c sets it): what keeps
	 * a hostile 1 MB chain from costing more than that. */
	if (ERR_GET_LIB(e) == ERR_LIB_SSL &&
	    reason == SSL_R_EXCESSIVE_MESSAGE_SIZE) {
		probe_finish(p, FAIL_CHAIN_TOO_LARGE,
			     "the server's certificate list exceeds %d bytes: %s",
			     FC_CERT_LIST_MAX, buf);
		return;
	}
	if (ERR_GET_LIB(e) == ERR_LIB_SSL &&
	    (reason == SSL_R_WRONG_VERSION_NUMBER ||
	     reason == SSL_R_PACKET_LENGTH_TOO_LONG ||
	     reason == SSL_R_UNKNOWN_PROTOCOL || reason == SSL_R_HTTP_REQUEST ||
	     reason == SSL_R_HTTPS_PROXY_REQUEST)) {
		probe_finish(p, FAIL_NOT_TLS, "the peer does not speak TLS: %s", buf);
		return;
	}
	probe_finish(p, FAIL_TLS_ERROR, "%s", buf);
}

/* Reads what the server says after the handshake: an alert about our
 * certificate, a close, or nothing (it kept the connection: accepted, when
 * the timer says so). */
static void probe_read_verdict(struct probe *p)
{
	char buf[4096];
	int n, sslerr;

	while ((n = SSL_read(p->ssl, buf, sizeof(buf))) > 0)
		; /* the server talks first: it kept the connection */
	sslerr = SSL_get_error(p->ssl, n);
	if (sslerr == SSL_ERROR_WANT_READ) {
		probe_flush(p);
		return;
	}
	if (sslerr == SSL_ERROR_ZERO_RETURN) {
		probe_finish(p, FAIL_CLOSED, "close_notify after the handshake");
		return;
	}
	probe_tls_failed(p, sslerr);
}

static void probe_on_timeout(uv_timer_t *t);

/* The probe's one deadline after its connect (uv_hrtime() ns): what the
 * handshake had, and the SIP exchange after it. */
static uint64_t probe_deadline(const struct probe *p)
{
	return p->t_connected +
	       (uint64_t)p->scan->opts->timeout_s * 1000000000u;
}

/* Reads the answer to our OPTIONS: to its end (a final response, or bytes
 * that are not SIP, or too many), or until the session ends. */
static void probe_read_sip(struct probe *p)
{
	char buf[4096];
	int n, sslerr;

	while ((n = SSL_read(p->ssl, buf, sizeof(buf))) > 0)
		if (sip_probe_feed(p->sip, buf, (size_t)n, uv_hrtime()) !=
		    SIP_MORE) {
			probe_finish(p, FAIL_NONE, NULL);
			return;
		}
	sslerr = SSL_get_error(p->ssl, n);
	if (sslerr == SSL_ERROR_WANT_READ) {
		probe_flush(p);
		return;
	}
	if (sslerr == SSL_ERROR_ZERO_RETURN) {
		probe_finish(p, FAIL_CLOSED, "close_notify");
		return;
	}
	probe_tls_failed(p, sslerr);
}

/* Writes our OPTIONS (built when the exchange began), then reads. */
static void probe_send_sip(struct probe *p)
{
	uint64_t deadline = probe_deadline(p);
	uint64_t now = uv_hrtime();

	if (SSL_write(p->ssl, p->sip->request, p->sip->request_len) <= 0) {
		sip_probe_fail(p->sip, "not_sent", "the TLS session would not "
			       "take the request");
		probe_finish(p, FAIL_NONE, NULL);
		return;
	}
	if (probe_flush(p) != 0)
		return;
	p->sip->sent_ns = now;
	/* the probe's one deadline, as the handshake had it */
	uv_timer_start(&p->timer, probe_on_timeout,
		       deadline > now ? (deadline - now) / 1000000 + 1 : 1, 0);
	probe_read_sip(p);
}

static void probe_on_pace(uv_timer_t *t)
{
	probe_send_sip(t->data);
}

/* When the next OPTIONS to p's address may go (--sip-pace): now, or the
 * time the last one may be followed; the slot is then taken. 0 when it
 * could go only after the probe's deadline (none is sent). */
static uint64_t probe_sip_slot(struct probe *p, uint64_t now,
			       uint64_t deadline)
{
	uint64_t pace = (uint64_t)p->scan->opts->sip_pace_ms * 1000000u;
	uint64_t *next, at;

	if (pace == 0)
		return now;
	next = map_get(&p->scan->sip_next, p->ep->address);
	at = next != NULL && *next > now ? *next : now;
	if (at >= deadline)
		return 0;
	if (next == NULL) {
		next = malloc(sizeof(*next));
		if (next == NULL ||
		    map_put(&p->scan->sip_next, p->ep->address, next) != 0) {
			free(next);
			return now; /* out of memory: unpaced, not lost */
		}
		/* Let go once its time has passed (scan.c). */
		map_retire(&p->scan->sip_next, p->ep->address);
	}
	*next = at + pace;
	return at;
}

/* The handshake is done and the session up: with --sip-options, one
 * OPTIONS over it (PROBE_SIP); else the probe is done. */
static void probe_up(struct probe *p)
{
	uint64_t deadline = probe_deadline(p);
	uint64_t now = uv_hrtime(), at;

	if (!p->scan->opts->sip_options || !probe_is_up(p)) {
		probe_finish(p, FAIL_NONE, NULL);
		return;
	}
	if (p->state == PROBE_HANDSHAKING)
		p->handshake_ms = probe_elapsed_ms(p->t_connected);
	mtls_settle(&p->mtls, FAIL_NONE, p->alert);
	p->state = PROBE_SIP;
	p->sip = sip_probe_new(p->scan->opts, p->ep->sni, p->ep->address,
			       p->ep->port, p->scan->nsip_spare > 0 ?
			       p->scan->sip_spare[--p->scan->nsip_spare] : NULL);
	/* out of memory: the probe as without the option */
	if (p->sip == NULL || p->sip->request_len < 0) {
		probe_finish(p, FAIL_NONE, NULL);
		return;
	}
	if ((at = probe_sip_slot(p, now, deadline)) == 0) {
		sip_probe_fail(p->sip, "not_sent", "--sip-pace: the next OPTIONS "
			       "to this address could not go within the "
			       "probe's deadline");
		probe_finish(p, FAIL_NONE, NULL);
		return;
	}
	if (at > now) {
		uv_timer_start(&p->timer, probe_on_pace,
			       (at - now) / 1000000 + 1, 0);
		return;
	}
	probe_send_sip(p);
}

static void probe_on_verdict_timeout(uv_timer_t *t)
{
	probe_up(t->data);
}

static void probe_await_verdict(struct probe *p)
{
	uint64_t left_ms = (uint64_t)p->scan->opts->timeout_s * 1000;
	uint64_t spent_ms = (uv_hrtime() - p->t_connected) / 1000000;

	p->handshake_ms = probe_elapsed_ms(p->t_connected);
	p->state = PROBE_VERDICT;
	/* Within the probe's own deadline, as everything else. */
	left_ms = left_ms > spent_ms ? left_ms - spent_ms : 1;
	uv_timer_start(&p->timer, probe_on_verdict_timeout,
		       left_ms < FC_VERDICT_MS ? left_ms : FC_VERDICT_MS, 0);
	probe_read_verdict(p);
}

static void probe_handshake(struct probe *p)
{
	int rc = SSL_do_handshake(p->ssl);
	int sslerr = rc == 1 ? SSL_ERROR_NONE : SSL_get_error(p->ssl, rc);

	if (sslerr == SSL_ERROR_NONE || sslerr == SSL_ERROR_WANT_READ) {
		if (probe_flush(p) != 0 || sslerr != SSL_ERROR_NONE)
			return;
		p->tls_version = SSL_get_version(p->ssl);
		p->cipher = SSL_get_cipher_name(p->ssl);
		/* TLS 1.3 servers judge our certificate after our Finished;
		 * TLS 1.2 ones have said it already. */
		if (p->mtls.requested && SSL_version(p->ssl) == TLS1_3_VERSION)
			probe_await_verdict(p);
		else
			probe_up(p);
		return;
	}
	/* An alert we send on failure is not worth waiting for. */
	probe_tls_failed(p, sslerr);
}

static void probe_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct probe *p = h->data;

	(void)suggested;
	/* One buffer for every probe: libuv reads one stream at a time and
	 * probe_on_read() hands the bytes to OpenSSL before it returns. With
	 * a thousand probes in flight that is 16 MB not spent. */
	*buf = uv_buf_init(p->scan->rbuf, sizeof(p->scan->rbuf));
}

/* The socket's pending error (SO_ERROR), 0 when none or unknown. */
static int probe_socket_error(struct probe *p)
{
	uv_os_fd_t fd;
	int err = 0;
	socklen_t len = sizeof(err);

	if (uv_fileno((uv_handle_t *)&p->tcp, &fd) != 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
		return 0;
	return err;
}

static void probe_on_read(uv_stream_t *stream, ssize_t nread,
			  const uv_buf_t *buf)
{
	struct probe *p = stream->data;

	if (p->state == PROBE_DONE || nread == 0)
		return;
	if (nread == UV_EOF) {
		/* Data and a reset can arrive together; libuv then reports the
		 * end of the data, and the socket keeps the reset. */
		if (probe_socket_error(p) == ECONNRESET)
			probe_finish(p, FAIL_RESET, "read: connection reset by peer");
		else if (p->bytes_in == 0)
			probe_finish(p, FAIL_CLOSED, "the peer closed the connection without answering");
		else
			probe_finish(p, FAIL_CLOSED, "the peer closed the connection during the handshake");
		return;
	}
	if (nread < 0) {
		probe_finish(p, nread == UV_ECONNRESET ? FAIL_RESET : FAIL_IO_ERROR,
			     "read: %s", uv_strerror((int)nread));
		return;
	}
	p->bytes_in += (size_t)nread;
	if (BIO_write(p->rbio, buf->base, (int)nread) != (int)nread) {
		probe_finish(p, FAIL_LOCAL_ERROR, "cannot buffer the peer's data");
		return;
	}
	if (p->state == PROBE_VERDICT)
		probe_read_verdict(p);
	else if (p->state == PROBE_SIP && p->sip->sent_ns != 0)
		probe_read_sip(p);
	else if (p->state != PROBE_SIP)
		probe_handshake(p);
}

static void probe_on_timeout(uv_timer_t *t)
{
	struct probe *p = t->data;

	if (p->state == PROBE_CONNECTING)
		probe_finish(p, FAIL_TIMEOUT, "connect timed out after %u s",
			     p->scan->opts->timeout_s);
	else
		probe_finish(p, FAIL_TIMEOUT, "handshake timed out after %u s (%zu bytes received)",
			     p->scan->opts->timeout_s, p->bytes_in);
}

static int probe_tls_begin(struct probe *p)
{
	p->ssl = SSL_new(p->scan->ctx);
	p->rbio = BIO_new(BIO_s_mem());
	p->wbio = BIO_new(BIO_s_mem());
	if (p->ssl == NULL || p->rbio == NULL || p->wbio == NULL) {
		BIO_free(p->rbio);
		BIO_free(p->wbio);
		return -1;
	}
	SSL_set_bio(p->ssl, p->rbio, p->wbio);
	/* An empty read buffer means "wait", not "end of file". */
	BIO_set_mem_eof_return(p->rbio, -1);
	BIO_set_mem_eof_return(p->wbio, -1);
	if (p->ep->sni && !SSL_set_tlsext_host_name(p->ssl, p->ep->sni))
		return -1;
	SSL_set_connect_state(p->ssl);
	mtls_watch(p->ssl, &p->mtls);
	return 0;
}

static void probe_on_connect(uv_connect_t *req, int status)
{
	struct probe *p = req->data;
	int rc;

	if (p->state == PROBE_DONE)
		return;
	if (status < 0) {
		enum failure_kind kind =
			status == UV_ECONNREFUSED ? FAIL_REFUSED :
			status == UV_ETIMEDOUT ? FAIL_TIMEOUT :
			status == UV_ENETUNREACH || status == UV_EHOSTUNREACH ?
				FAIL_UNREACHABLE : FAIL_CONNECT_ERROR;

		probe_finish(p, kind, "connect: %s", uv_strerror(status));
		return;
	}
	p->connect_ms = probe_elapsed_ms(p->t_start);
	p->t_connected = uv_hrtime();
	p->state = PROBE_HANDSHAKING;
	uv_timer_start(&p->timer, probe_on_timeout,
		       (uint64_t)p->scan->opts->timeout_s * 1000, 0);
	if (probe_tls_begin(p) != 0) {
		probe_finish(p, FAIL_LOCAL_ERROR, "cannot create a TLS session");
		return;
	}
	rc = uv_read_start((uv_stream_t *)&p->tcp, probe_alloc, probe_on_read);
	if (rc < 0) {
		probe_finish(p, FAIL_IO_ERROR, "read: %s", uv_strerror(rc));
		return;
	}
	probe_handshake(p);
}

static int probe_sockaddr(const struct endpoint *ep,
			  struct sockaddr_storage *sa)
{
	if (strchr(ep->address, ':'))
		return uv_ip6_addr(ep->address, ep->port,
				   (struct sockaddr_in6 *)sa);
	return uv_ip4_addr(ep->address, ep->port, (struct sockaddr_in *)sa);
}

int probe_start(struct scan *s, struct endpoint *ep)
{
	struct probe *p = calloc(1, sizeof(*p));
	struct sockaddr_storage sa;
	int rc, addr_rc;

	if (p == NULL)
		return PROBE_START_NOMEM;
	addr_rc = probe_sockaddr(ep, &sa);
	/* The socket now, not inside connect: running out of descriptors is
	 * ours to wait out, not the partner's failure to record. */
	rc = uv_tcp_init_ex(&s->loop, &p->tcp,
			    addr_rc == 0 ? sa.ss_family : AF_UNSPEC);
	if ((rc == UV_EMFILE || rc == UV_ENFILE) && s->inflight > 0) {
		free(p);
		return PROBE_START_NOFD;
	}
	if (rc < 0)
		uv_tcp_init(&s->loop, &p->tcp);
	p->scan = s;
	p->ep = ep;
	p->state = PROBE_CONNECTING;
	p->connect_ms = p->handshake_ms = -1;
	p->started_ms = probe_now_ms();
	p->t_start = uv_hrtime();
	uv_timer_init(&s->loop, &p->timer);
	p->tcp.data = p->timer.data = p->connect_req.data = p;
	p->handles_open = 2;
	p->next = s->probes;
	if (s->probes)
		s->probes->prev = p;
	s->probes = p;
	s->inflight++;
	if (s->inflight > s->summary->peak_inflight)
		s->summary->peak_inflight = s->inflight;
	uv_timer_start(&p->timer, probe_on_timeout,
		       (uint64_t)s->opts->timeout_s * 1000, 0);
	if (rc < 0)
		probe_finish_ours(p, "our system could not open a socket for %s"
				  " (%s)", ep->address, uv_strerror(rc));
	else if (addr_rc < 0)
		probe_finish(p, FAIL_CONNECT_ERROR, "address: %s", uv_strerror(addr_rc));
	else if ((rc = uv_tcp_connect(&p->connect_req, &p->tcp,
				      (const struct sockaddr *)&sa,
				      probe_on_connect)) < 0 &&
		 outage_connect_is_ours(rc, (const struct sockaddr *)&sa))
		/* connect() refused before any packet left: our routes,
		 * our addresses, our filter. */
		probe_finish_ours(p, "our network could not send to %s port %d"
				  " (connect: %s)", ep->address, ep->port,
				  uv_strerror(rc));
	else if (rc < 0)
		probe_finish(p, FAIL_CONNECT_ERROR, "connect: %s", uv_strerror(rc));
	return PROBE_STARTED;
}

void probe_abandon_all(struct scan *s)
{
	while (s->probes) {
		struct probe *p = s->probes;

		probe_close(p);
		s->inflight--;
	}
}
