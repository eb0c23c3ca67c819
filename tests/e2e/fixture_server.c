/* fixture_server.c: misbehaving peers for the end-to-end tests.
 *
 *   fixture_server [--lifetime SECONDS] MODE...
 *
 * For each MODE it listens on 127.0.0.1 at a free port and prints
 * "MODE PORT" on stdout, then "ready". Modes:
 *   silent   accepts and never says anything
 *   plain    answers whatever it reads with an HTTP error, then closes
 *   reset    reads the first bytes, then resets the connection
 *   halfreset  answers the first bytes with the start of a TLS record,
 *            then resets: the data and the reset arrive together
 *   dribble  answers with the start of a TLS record, then one byte a
 *            second, forever: only a total deadline ends it
 *   readclose  reads the ClientHello, then closes
 *   close    closes right after accepting
 *   refused  prints a port that nothing listens on
 *   udpsilent  a UDP socket that reads everything and never answers (a
 *            resolver that is down without saying so)
 * It exits on SIGTERM or SIGINT, or after --lifetime seconds (default 120),
 * so that a test that dies never leaves it behind for long.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#define FIXTURE_MAX_MODES 16

enum mode { MODE_SILENT, MODE_PLAIN, MODE_RESET, MODE_CLOSE, MODE_HALFRESET,
	    MODE_DRIBBLE, MODE_READCLOSE, MODE_COUNT };

struct listener {
	uv_tcp_t tcp;
	enum mode mode;
};

struct conn {
	uv_tcp_t tcp;
	uv_timer_t dribble; /* MODE_DRIBBLE only */
	int handles;        /* open handles; freed when the last closes */
	enum mode mode;
	char buf[4096];
};

/* The header of a TLS handshake record that never comes. */
static const char tls_record_start[] = { 0x16, 0x03, 0x03, 0x00, 0x40 };

static const char http_answer[] =
	"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

static void on_conn_close(uv_handle_t *h)
{
	struct conn *c = h->data;

	if (--c->handles == 0)
		free(c);
}

static void conn_close(struct conn *c)
{
	if (c->mode == MODE_DRIBBLE && !uv_is_closing((uv_handle_t *)&c->dribble))
		uv_close((uv_handle_t *)&c->dribble, on_conn_close);
	if (!uv_is_closing((uv_handle_t *)&c->tcp))
		uv_close((uv_handle_t *)&c->tcp, on_conn_close);
}

/* One byte a second: a handshake that never ends, never idle. */
static void on_dribble(uv_timer_t *t)
{
	static char byte = 0x42;
	struct conn *c = t->data;
	uv_buf_t b = uv_buf_init(&byte, 1);

	if (uv_try_write((uv_stream_t *)&c->tcp, &b, 1) < 0)
		conn_close(c);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct conn *c = h->data;

	(void)suggested;
	*buf = uv_buf_init(c->buf, sizeof(c->buf));
}

static void on_written(uv_write_t *req, int status)
{
	struct conn *c = req->handle->data;

	(void)status;
	if (c->mode == MODE_HALFRESET)
		uv_tcp_close_reset(&c->tcp, on_conn_close);
	else
		uv_close((uv_handle_t *)req->handle, on_conn_close);
	free(req);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct conn *c = s->data;
	uv_write_t *req;
	uv_buf_t b;

	(void)buf;
	if (nread == 0)
		return;
	if (c->mode == MODE_DRIBBLE) {
		if (nread < 0) {
			conn_close(c);
			return;
		}
		if (uv_is_active((uv_handle_t *)&c->dribble))
			return;
		b = uv_buf_init((char *)tls_record_start, sizeof(tls_record_start));
		uv_try_write(s, &b, 1);
		uv_timer_start(&c->dribble, on_dribble, 1000, 1000);
		return; /* keep reading, to see the peer go */
	}
	uv_read_stop(s);
	if (nread < 0 || c->mode == MODE_READCLOSE) {
		conn_close(c);
		return;
	}
	if (c->mode == MODE_RESET) {
		uv_tcp_close_reset(&c->tcp, on_conn_close);
		return;
	}
	req = malloc(sizeof(*req));
	if (c->mode == MODE_HALFRESET)
		b = uv_buf_init((char *)tls_record_start, sizeof(tls_record_start));
	else
		b = uv_buf_init((char *)http_answer, sizeof(http_answer) - 1);
	if (req == NULL || uv_write(req, s, &b, 1, on_written) != 0) {
		free(req);
		uv_close((uv_handle_t *)s, on_conn_close);
	}
}

static void on_connection(uv_stream_t *server, int status)
{
	struct listener *l = server->data;
	struct conn *c;

	if (status < 0)
		return;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return;
	c->mode = l->mode;
	uv_tcp_init(server->loop, &c->tcp);
	c->tcp.data = c;
	c->handles = 1;
	if (c->mode == MODE_DRIBBLE) {
		uv_timer_init(server->loop, &c->dribble);
		c->dribble.data = c;
		c->handles = 2;
	}
	if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0 ||
	    c->mode == MODE_CLOSE) {
		conn_close(c);
		return;
	}
	if (c->mode != MODE_SILENT)
		uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
}

static int bound_port(uv_tcp_t *tcp)
{
	struct sockaddr_storage ss;
	int len = sizeof(ss);

	if (uv_tcp_getsockname(tcp, (struct sockaddr *)&ss, &len) != 0)
		return -1;
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static int listen_on(uv_loop_t *loop, struct listener *l, int do_listen)
{
	struct sockaddr_in sa;

	uv_ip4_addr("127.0.0.1", 0, &sa);
	uv_tcp_init(loop, &l->tcp);
	l->tcp.data = l;
	if (uv_tcp_bind(&l->tcp, (const struct sockaddr *)&sa, 0) != 0)
		return -1;
	if (do_listen && uv_listen((uv_stream_t *)&l->tcp, 128, on_connection) != 0)
		return -1;
	return bound_port(&l->tcp);
}

static void on_udp_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	static char sink[2048];

	(void)h;
	(void)suggested;
	*buf = uv_buf_init(sink, sizeof(sink));
}

static void on_udp_read(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf,
			const struct sockaddr *addr, unsigned flags)
{
	(void)h; (void)nread; (void)buf; (void)addr; (void)flags;
}

/* A silent resolver: bound, reading, never answering. */
static int udp_silent(uv_loop_t *loop, uv_udp_t *udp)
{
	struct sockaddr_in sa;
	struct sockaddr_storage ss;
	int len = sizeof(ss);

	uv_ip4_addr("127.0.0.1", 0, &sa);
	uv_udp_init(loop, udp);
	if (uv_udp_bind(udp, (const struct sockaddr *)&sa, 0) != 0 ||
	    uv_udp_recv_start(udp, on_udp_alloc, on_udp_read) != 0 ||
	    uv_udp_getsockname(udp, (struct sockaddr *)&ss, &len) != 0)
		return -1;
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static void on_stop(uv_signal_t *h, int signum)
{
	(void)signum;
	uv_stop(h->loop);
}

static void on_lifetime(uv_timer_t *t)
{
	uv_stop(t->loop);
}

int main(int argc, char **argv)
{
	static struct listener listeners[FIXTURE_MAX_MODES];
	static const char *names[MODE_COUNT] = { "silent", "plain", "reset",
						  "close", "halfreset", "dribble",
						  "readclose" };
	static uv_udp_t udps[FIXTURE_MAX_MODES];
	uv_loop_t *loop = uv_default_loop();
	uv_signal_t sigterm, sigint;
	uv_timer_t lifetime;
	long seconds = 120;
	int i, n = 0;

	for (i = 1; i < argc && n < FIXTURE_MAX_MODES; i++) {
		int m, port = -1;

		if (strcmp(argv[i], "--lifetime") == 0 && i + 1 < argc) {
			seconds = strtol(argv[++i], NULL, 10);
			continue;
		}
		if (strcmp(argv[i], "udpsilent") == 0) {
			port = udp_silent(loop, &udps[n]);
			if (port < 0) {
				fprintf(stderr, "fixture_server: cannot bind UDP\n");
				return 1;
			}
			printf("udpsilent %d\n", port);
			n++;
			continue;
		}
		if (strcmp(argv[i], "refused") == 0) {
			/* Bound, never listened on, closed: connects are refused. */
			port = listen_on(loop, &listeners[n], 0);
			uv_close((uv_handle_t *)&listeners[n].tcp, NULL);
			printf("refused %d\n", port);
			n++;
			continue;
		}
		for (m = 0; m < MODE_COUNT; m++)
			if (strcmp(argv[i], names[m]) == 0)
				break;
		if (m == MODE_COUNT) {
			fprintf(stderr, "fixture_server: unknown mode \"%s\"\n", argv[i]);
			return 2;
		}
		listeners[n].mode = (enum mode)m;
		port = listen_on(loop, &listeners[n], 1);
		if (port < 0) {
			fprintf(stderr, "fixture_server: cannot listen\n");
			return 1;
		}
		printf("%s %d\n", names[m], port);
		n++;
	}
	printf("ready\n");
	fflush(stdout);
	uv_signal_init(loop, &sigterm);
	uv_signal_init(loop, &sigint);
	uv_signal_start(&sigterm, on_stop, SIGTERM);
	uv_signal_start(&sigint, on_stop, SIGINT);
	uv_timer_init(loop, &lifetime);
	uv_timer_start(&lifetime, on_lifetime, (uint64_t)seconds * 1000, 0);
	uv_run(loop, UV_RUN_DEFAULT);
	return 0;
}
