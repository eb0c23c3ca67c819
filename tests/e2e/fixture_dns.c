/* fixture_dns.c: a hostile DNS server for the end-to-end tests.
 *
 *   fixture_dns [--lifetime SECONDS] [--srv-port PORT] [--quiet]
 *
 * Listens on 127.0.0.1 at a free port, UDP and TCP on the same number,
 * prints "dns PORT", then "ready", then one line per question it reads,
 * "query udp|tcp TYPE NAME", so that a test can see which transport a
 * resolver used (--quiet: not those lines). It answers from a small
 * built-in table of behaviours keyed by zone (a name is in a zone when it
 * is the zone or ends in ".zone"):
 *
 *   servfail.test  SERVFAIL for everything      refused.test  REFUSED
 *   formerr.test   FORMERR                       notimp.test   NOTIMP
 *   silent.test    never answers (a timeout)
 *   wrongid.test   a good answer with the wrong message ID (must be ignored)
 *   short.test     5 bytes, shorter than a DNS header
 *   garbage.test   a good header and question, then an answer cut short
 *   ptrloop.test   an answer whose owner name is a compression pointer to
 *                  itself
 *   tc.test        over UDP, the TC bit and no records; over TCP the answer:
 *                  SRV sip1..sip3.tc.test, each A 127.0.0.1
 *   big.test       SRV of BIG_COUNT records hNNN.big.test (priority
 *                  (NNN-1)/100, weight NNN%100, sent from NNN = BIG_COUNT
 *                  down to 1), hNNN.big.test A 127.2.x.y (x.y = NNN),
 *                  pool.big.test BIG_COUNT A records 127.3.x.y
 *   huge.test      as big.test, with as many records as fit in the largest
 *                  TCP answer (65535 bytes): SRV hN.huge.test (priority
 *                  and weight 0), pool.huge.test A 127.4.x.y, hN.huge.test
 *                  A 127.5.x.y
 *   loop.test      SRV to a.loop.test; a.loop.test CNAME b.loop.test CNAME
 *                  a.loop.test, and no address
 *   chain.test     SRV to sip.chain.test; sip.chain.test CNAME c1 CNAME c2
 *                  CNAME c3.chain.test, A 127.0.0.1
 *   wide.test      any number of distinct names, none stored: SRV
 *                  _sipfederationtls._tcp.X.wide.test to sip.X.wide.test;
 *                  every name in the zone A 127.0.0.9 (no AAAA), an
 *                  address where nothing listens (bench/distinct)
 * SRV records are _sipfederationtls._tcp.ZONE, on --srv-port (default
 * 5061). Any other name is NXDOMAIN; a name in a zone without a record of
 * the type asked is NOERROR without data. As a real server does, a UDP
 * answer longer than 512 bytes (queries carry no EDNS) is sent as a header
 * and question with TC set, and the full answer only over TCP.
 *
 * The answers are encoded by hand: this is a fixture, not the product.
 * It exits on SIGTERM or SIGINT, or after --lifetime seconds (default 120).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#define DNS_HEADER 12
#define DNS_NAME_MAX 255
#define DNS_UDP_MAX 512
#define DNS_TCP_MAX 65535
#define DNS_TTL 300
#define BIG_COUNT 300
#define BIND_TRIES 20
/* A resolver sends hundreds of questions in one burst; the default
 * receive buffer would drop some, and the test would wait for a retry. */
#define UDP_RCVBUF (1 << 20)

enum { T_A = 1, T_CNAME = 5, T_AAAA = 28, T_SRV = 33 };
enum { RC_NOERROR = 0, RC_FORMERR = 1, RC_SERVFAIL = 2, RC_NXDOMAIN = 3,
       RC_NOTIMP = 4, RC_REFUSED = 5 };
enum { FLAG_QR = 0x8000, FLAG_AA = 0x0400, FLAG_TC = 0x0200,
       FLAG_RD = 0x0100, FLAG_RA = 0x0080 };

enum zone { Z_NONE, Z_SERVFAIL, Z_REFUSED, Z_FORMERR, Z_NOTIMP, Z_SILENT,
	    Z_WRONGID, Z_SHORT, Z_GARBAGE, Z_PTRLOOP, Z_TC, Z_BIG, Z_HUGE,
	    Z_LOOP, Z_CHAIN, Z_WIDE };

static const struct {
	const char *name;
	enum zone zone;
} zones[] = {
	{ "servfail.test", Z_SERVFAIL }, { "refused.test", Z_REFUSED },
	{ "formerr.test", Z_FORMERR },   { "notimp.test", Z_NOTIMP },
	{ "silent.test", Z_SILENT },     { "wrongid.test", Z_WRONGID },
	{ "short.test", Z_SHORT },       { "garbage.test", Z_GARBAGE },
	{ "ptrloop.test", Z_PTRLOOP },   { "tc.test", Z_TC },
	{ "big.test", Z_BIG },           { "huge.test", Z_HUGE },
	{ "loop.test", Z_LOOP },         { "chain.test", Z_CHAIN },
	{ "wide.test", Z_WIDE },
};

#define SRV_PREFIX "_sipfederationtls._tcp."

/* One question, as read. */
struct query {
	uint16_t id, flags, type, qclass;
	char name[DNS_NAME_MAX + 1]; /* lowercase, no trailing dot */
	const unsigned char *question; /* borrowed from the packet */
	size_t question_len;
};

/* A message under construction; full is set when it would overflow. */
struct msg {
	unsigned char buf[DNS_TCP_MAX];
	const char *qname; /* records it owns are compressed to the question */
	size_t len;
	uint16_t ancount;
	int full;
};

/* The server: its sockets, and one message buffer (answers are copied
 * out before the next question is read). */
struct fixture {
	uv_loop_t *loop;
	uv_udp_t udp;
	uv_tcp_t tcp;
	int srv_port;
	int quiet; /* no line per question */
	unsigned char in[DNS_TCP_MAX]; /* one UDP datagram */
	struct msg msg;
};

/* ---- Encoding --------------------------------------------------------- */

static void put(struct msg *m, const void *p, size_t n)
{
	if (m->full || n > sizeof(m->buf) - m->len) {
		m->full = 1;
		return;
	}
	memcpy(m->buf + m->len, p, n);
	m->len += n;
}

static void put16(struct msg *m, unsigned v)
{
	unsigned char b[2] = { (unsigned char)(v >> 8), (unsigned char)v };

	put(m, b, 2);
}

static void put32(struct msg *m, uint32_t v)
{
	put16(m, v >> 16);
	put16(m, v & 0xffff);
}

static void put_name(struct msg *m, const char *name)
{
	const char *p = name, *dot;
	unsigned char len;

	while (*p) {
		dot = strchr(p, '.');
		len = (unsigned char)(dot ? (size_t)(dot - p) : strlen(p));
		put(m, &len, 1);
		put(m, p, len);
		p += len + (dot ? 1 : 0);
	}
	put(m, "", 1);
}

static void set16(struct msg *m, size_t at, unsigned v)
{
	m->buf[at] = (unsigned char)(v >> 8);
	m->buf[at + 1] = (unsigned char)v;
}

static void put_header(struct msg *m, const struct query *q, unsigned id,
		       unsigned flags, int rcode)
{
	m->qname = q->name;
	m->len = 0;
	m->ancount = 0;
	m->full = 0;
	put16(m, id);
	put16(m, FLAG_QR | FLAG_AA | FLAG_RA | (q->flags & FLAG_RD) | flags |
		 (unsigned)rcode);
	put16(m, 1);
	put16(m, 0);
	put16(m, 0);
	put16(m, 0);
	put(m, q->question, q->question_len);
}

/* Starts a record; returns where its RDLENGTH goes, for rr_end(). */
static size_t rr_begin(struct msg *m, const char *owner, int type)
{
	size_t at;

	if (strcmp(owner, m->qname) == 0)
		put16(m, 0xc000 | DNS_HEADER);
	else
		put_name(m, owner);
	put16(m, (unsigned)type);
	put16(m, 1); /* IN */
	put32(m, DNS_TTL);
	at = m->len;
	put16(m, 0);
	return at;
}

static void rr_end(struct msg *m, size_t at)
{
	if (m->full)
		return;
	set16(m, at, (unsigned)(m->len - at - 2));
	m->ancount++;
}

static void add_a(struct msg *m, const char *owner, uint32_t addr)
{
	size_t at = rr_begin(m, owner, T_A);

	put32(m, addr);
	rr_end(m, at);
}

static void add_cname(struct msg *m, const char *owner, const char *target)
{
	size_t at = rr_begin(m, owner, T_CNAME);

	put_name(m, target);
	rr_end(m, at);
}

static void add_srv(struct msg *m, const char *owner, int prio, int weight,
		    int port, const char *target)
{
	size_t at = rr_begin(m, owner, T_SRV);

	put16(m, (unsigned)prio);
	put16(m, (unsigned)weight);
	put16(m, (unsigned)port);
	put_name(m, target);
	rr_end(m, at);
}

static uint32_t ipv4(unsigned a, unsigned b, unsigned c, unsigned d)
{
	return (uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d;
}

/* ---- Decoding the question -------------------------------------------- */

static int parse_query(const unsigned char *p, size_t len, struct query *q)
{
	size_t at = DNS_HEADER, out = 0, i, l;

	if (len < DNS_HEADER || (p[2] & 0x80) || p[4] != 0 || p[5] != 1)
		return -1;
	q->id = (uint16_t)(p[0] << 8 | p[1]);
	q->flags = (uint16_t)(p[2] << 8 | p[3]);
	while (at < len && p[at] != 0) {
		l = p[at];
		/* Queries are not compressed; labels are at most 63 bytes. */
		if (l > 63 || at + 1 + l >= len || out + l + 1 > DNS_NAME_MAX)
			return -1;
		if (out)
			q->name[out++] = '.';
		for (i = 0; i < l; i++)
			q->name[out++] = (char)tolower(p[at + 1 + i]);
		at += 1 + l;
	}
	if (at + 5 > len)
		return -1;
	q->name[out] = '\0';
	q->type = (uint16_t)(p[at + 1] << 8 | p[at + 2]);
	q->qclass = (uint16_t)(p[at + 3] << 8 | p[at + 4]);
	q->question = p + DNS_HEADER;
	q->question_len = at + 5 - DNS_HEADER;
	return 0;
}

static const char *type_name(unsigned type)
{
	switch (type) {
	case T_A: return "A";
	case T_CNAME: return "CNAME";
	case T_AAAA: return "AAAA";
	case T_SRV: return "SRV";
	}
	return "OTHER";
}

/* The entry of the zone NAME is in, or -1. */
static int zone_index(const char *name)
{
	size_t n = strlen(name), i, z;

	for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
		z = strlen(zones[i].name);
		if (n == z && strcmp(name, zones[i].name) == 0)
			return (int)i;
		if (n > z && name[n - z - 1] == '.' &&
		    strcmp(name + n - z, zones[i].name) == 0)
			return (int)i;
	}
	return -1;
}

/* ---- The zones' records ----------------------------------------------- */

static int is_srv_question(const struct query *q, const char *zone)
{
	return q->type == T_SRV &&
	       strncmp(q->name, SRV_PREFIX, strlen(SRV_PREFIX)) == 0 &&
	       strcmp(q->name + strlen(SRV_PREFIX), zone) == 0;
}

static int is_address_question(const struct query *q)
{
	return q->type == T_A || q->type == T_AAAA;
}

static void records_tc(const struct fixture *fx, const struct query *q,
		       struct msg *m)
{
	char host[DNS_NAME_MAX + 1];
	int i;

	for (i = 1; i <= 3; i++) {
		snprintf(host, sizeof(host), "sip%d.tc.test", i);
		if (is_srv_question(q, "tc.test"))
			add_srv(m, q->name, i * 10, 0, fx->srv_port, host);
		else if (q->type == T_A && strcmp(q->name, host) == 0)
			add_a(m, q->name, ipv4(127, 0, 0, 1));
	}
}

static void records_big(const struct fixture *fx, const struct query *q,
			struct msg *m)
{
	char host[DNS_NAME_MAX + 1];
	int n, end;

	if (is_srv_question(q, "big.test")) {
		/* Sent in the reverse of RFC 2782 order: the resolver sorts. */
		for (n = BIG_COUNT; n >= 1; n--) {
			snprintf(host, sizeof(host), "h%03d.big.test", n);
			add_srv(m, q->name, (n - 1) / 100, n % 100,
				fx->srv_port, host);
		}
		return;
	}
	if (q->type != T_A)
		return;
	if (strcmp(q->name, "pool.big.test") == 0) {
		for (n = 1; n <= BIG_COUNT; n++)
			add_a(m, q->name, ipv4(127, 3, (unsigned)n >> 8,
					       (unsigned)n & 0xff));
		return;
	}
	if (sscanf(q->name, "h%3d.big.test%n", &n, &end) == 1 &&
	    q->name[end] == '\0' && n >= 1 && n <= BIG_COUNT)
		add_a(m, q->name, ipv4(127, 2, (unsigned)n >> 8,
				       (unsigned)n & 0xff));
}

/* As many records as fit: a record that does not is taken back. */
static void records_huge(const struct fixture *fx, const struct query *q,
			 struct msg *m)
{
	char host[DNS_NAME_MAX + 1];
	int srv = is_srv_question(q, "huge.test"), end;
	unsigned n;
	size_t mark;

	if (!srv && (q->type != T_A || strcmp(q->name, "pool.huge.test") != 0)) {
		if (q->type == T_A &&
		    sscanf(q->name, "h%u.huge.test%n", &n, &end) == 1 &&
		    q->name[end] == '\0')
			add_a(m, q->name, ipv4(127, 5, (n >> 8) & 0xff, n & 0xff));
		return;
	}
	for (n = 1; n <= 0xffff; n++) {
		mark = m->len;
		snprintf(host, sizeof(host), "h%u.huge.test", n);
		if (srv)
			add_srv(m, q->name, 0, 0, fx->srv_port, host);
		else
			add_a(m, q->name, ipv4(127, 4, n >> 8, n & 0xff));
		if (m->full) {
			m->len = mark;
			m->full = 0;
			return;
		}
	}
}

static void records_loop(const struct query *q, struct msg *m)
{
	if (is_srv_question(q, "loop.test")) {
		add_srv(m, q->name, 0, 0, 5061, "a.loop.test");
		return;
	}
	if (!is_address_question(q))
		return;
	/* What a resolver that gives up on the loop passes along. */
	if (strcmp(q->name, "a.loop.test") == 0) {
		add_cname(m, "a.loop.test", "b.loop.test");
		add_cname(m, "b.loop.test", "a.loop.test");
	} else if (strcmp(q->name, "b.loop.test") == 0) {
		add_cname(m, "b.loop.test", "a.loop.test");
		add_cname(m, "a.loop.test", "b.loop.test");
	}
}

/* sip.ZONE CNAME c1.ZONE CNAME c2.ZONE CNAME c3.ZONE A 127.0.0.1 (no
 * AAAA at the end of the chain). */
static void records_chain(const struct fixture *fx, const struct query *q,
			  const char *zone, struct msg *m)
{
	char from[DNS_NAME_MAX + 1], to[DNS_NAME_MAX + 1];
	int i;

	if (is_srv_question(q, zone)) {
		snprintf(to, sizeof(to), "sip.%s", zone);
		add_srv(m, q->name, 0, 0, fx->srv_port, to);
		return;
	}
	snprintf(from, sizeof(from), "sip.%s", zone);
	if (!is_address_question(q) || strcmp(q->name, from) != 0)
		return;
	for (i = 1; i <= 3; i++) {
		snprintf(to, sizeof(to), "c%d.%s", i, zone);
		add_cname(m, from, to);
		memcpy(from, to, sizeof(from));
	}
	if (q->type == T_A)
		add_a(m, from, ipv4(127, 0, 0, 1));
}

/* _sipfederationtls._tcp.X.wide.test SRV 0 0 PORT sip.X.wide.test; any
 * name of the zone A 127.0.0.9. */
static void records_wide(const struct fixture *fx, const struct query *q,
			 struct msg *m)
{
	char to[DNS_NAME_MAX + 1];
	size_t n = strlen(SRV_PREFIX);

	if (q->type == T_SRV && strncmp(q->name, SRV_PREFIX, n) == 0) {
		if ((size_t)snprintf(to, sizeof(to), "sip.%s", q->name + n) <
		    sizeof(to))
			add_srv(m, q->name, 0, 0, fx->srv_port, to);
		return;
	}
	if (q->type == T_A)
		add_a(m, q->name, ipv4(127, 0, 0, 9));
}

/* An answer section that does not parse: a label of 63 bytes with 3. */
static void records_garbage(struct msg *m)
{
	static const unsigned char cut[] = { 63, 'x', 'y', 'z' };

	put(m, cut, sizeof(cut));
	m->ancount = 1;
}

/* An A record whose owner name is a compression pointer to itself. */
static void records_ptrloop(struct msg *m)
{
	size_t at = m->len;

	put16(m, 0xc000 | (unsigned)at);
	put16(m, T_A);
	put16(m, 1);
	put32(m, DNS_TTL);
	put16(m, 4);
	put32(m, ipv4(127, 0, 0, 1));
	m->ancount = 1;
}

static void add_records(const struct fixture *fx, const struct query *q,
			int zi, struct msg *m)
{
	switch (zones[zi].zone) {
	case Z_TC: records_tc(fx, q, m); break;
	case Z_BIG: records_big(fx, q, m); break;
	case Z_HUGE: records_huge(fx, q, m); break;
	case Z_LOOP: records_loop(q, m); break;
	case Z_WIDE: records_wide(fx, q, m); break;
	case Z_CHAIN:
	case Z_WRONGID: records_chain(fx, q, zones[zi].name, m); break;
	case Z_GARBAGE: records_garbage(m); break;
	case Z_PTRLOOP: records_ptrloop(m); break;
	default: break;
	}
}

/* The answer to q in m: 0 to send it, -1 to stay silent. */
static int respond(const struct fixture *fx, const struct query *q, int tcp,
		   struct msg *m)
{
	int zi = zone_index(q->name);
	enum zone z = zi < 0 ? Z_NONE : zones[zi].zone;
	unsigned id = q->id;

	switch (z) {
	case Z_SILENT: return -1;
	case Z_SERVFAIL: put_header(m, q, id, 0, RC_SERVFAIL); return 0;
	case Z_REFUSED: put_header(m, q, id, 0, RC_REFUSED); return 0;
	case Z_FORMERR: put_header(m, q, id, 0, RC_FORMERR); return 0;
	case Z_NOTIMP: put_header(m, q, id, 0, RC_NOTIMP); return 0;
	case Z_SHORT:
		put_header(m, q, id, 0, RC_NOERROR);
		m->len = 5;
		return 0;
	case Z_WRONGID: id = (id + 1) & 0xffff; break;
	default: break;
	}
	put_header(m, q, id, 0, z == Z_NONE ? RC_NXDOMAIN : RC_NOERROR);
	if (z != Z_NONE && q->qclass == 1)
		add_records(fx, q, zi, m);
	set16(m, 6, m->ancount);
	/* Too long for UDP (or tc.test): the header and question, TC set. */
	if (m->full || (!tcp && (m->len > DNS_UDP_MAX || z == Z_TC)))
		put_header(m, q, id, FLAG_TC, RC_NOERROR);
	return 0;
}

/* Reads one question and builds its answer in fx's message; 0 when
 * there is one to send. */
static int answer(struct fixture *fx, const unsigned char *p, size_t len,
		  int tcp)
{
	struct query q;

	if (parse_query(p, len, &q) != 0)
		return -1;
	if (!fx->quiet) {
		printf("query %s %s %s\n", tcp ? "tcp" : "udp",
		       type_name(q.type), q.name);
		fflush(stdout);
	}
	return respond(fx, &q, tcp, &fx->msg);
}

/* ---- UDP -------------------------------------------------------------- */

struct udp_reply {
	uv_udp_send_t req; /* first: the callback frees the reply by it */
	unsigned char buf[];
};

static void on_udp_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct fixture *fx = h->data;

	(void)suggested;
	*buf = uv_buf_init((char *)fx->in, sizeof(fx->in));
}

static void on_udp_sent(uv_udp_send_t *req, int status)
{
	(void)status;
	free(req);
}

static void on_udp_read(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf,
			const struct sockaddr *addr, unsigned flags)
{
	struct fixture *fx = h->data;
	struct udp_reply *r;
	uv_buf_t b;

	(void)flags;
	if (nread <= 0 || addr == NULL ||
	    answer(fx, (const unsigned char *)buf->base, (size_t)nread, 0) != 0)
		return;
	r = malloc(sizeof(*r) + fx->msg.len);
	if (r == NULL)
		return;
	memcpy(r->buf, fx->msg.buf, fx->msg.len);
	b = uv_buf_init((char *)r->buf, (unsigned)fx->msg.len);
	if (uv_udp_send(&r->req, h, &b, 1, addr, on_udp_sent) != 0)
		free(r);
}

/* ---- TCP: two-byte length, then the message; several per connection -- */

struct tcp_conn {
	uv_tcp_t tcp;
	struct fixture *fx;
	size_t used;
	unsigned char in[2 + DNS_TCP_MAX];
};

struct tcp_reply {
	uv_write_t req; /* first: the callback frees the reply by it */
	unsigned char buf[];
};

static void on_conn_close(uv_handle_t *h)
{
	free(h->data);
}

static void on_tcp_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct tcp_conn *c = h->data;

	(void)suggested;
	*buf = uv_buf_init((char *)c->in + c->used,
			   (unsigned)(sizeof(c->in) - c->used));
}

static void on_tcp_written(uv_write_t *req, int status)
{
	(void)status;
	free(req);
}

static void tcp_send(struct tcp_conn *c, const struct msg *m)
{
	struct tcp_reply *r = malloc(sizeof(*r) + 2 + m->len);
	uv_buf_t b;

	if (r == NULL)
		return;
	r->buf[0] = (unsigned char)(m->len >> 8);
	r->buf[1] = (unsigned char)m->len;
	memcpy(r->buf + 2, m->buf, m->len);
	b = uv_buf_init((char *)r->buf, (unsigned)(2 + m->len));
	if (uv_write(&r->req, (uv_stream_t *)&c->tcp, &b, 1, on_tcp_written) != 0)
		free(r);
}

static void on_tcp_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct tcp_conn *c = s->data;
	size_t n;

	(void)buf;
	if (nread < 0) {
		uv_close((uv_handle_t *)s, on_conn_close);
		return;
	}
	c->used += (size_t)nread;
	while (c->used >= 2) {
		n = (size_t)c->in[0] << 8 | c->in[1];
		if (c->used < 2 + n)
			break;
		if (answer(c->fx, c->in + 2, n, 1) == 0)
			tcp_send(c, &c->fx->msg);
		memmove(c->in, c->in + 2 + n, c->used - 2 - n);
		c->used -= 2 + n;
	}
}

static void on_connection(uv_stream_t *server, int status)
{
	struct fixture *fx = server->data;
	struct tcp_conn *c;

	if (status < 0 || (c = calloc(1, sizeof(*c))) == NULL)
		return;
	c->fx = fx;
	uv_tcp_init(fx->loop, &c->tcp);
	c->tcp.data = c;
	if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0 ||
	    uv_read_start((uv_stream_t *)&c->tcp, on_tcp_alloc, on_tcp_read) != 0)
		uv_close((uv_handle_t *)&c->tcp, on_conn_close);
}

/* ---- Start and stop --------------------------------------------------- */

/* TCP at a free port, then UDP on the same number; a few tries, since
 * the UDP port may be taken. Returns the port or -1. */
static int bind_both(struct fixture *fx)
{
	struct sockaddr_in sa;
	struct sockaddr_storage ss;
	int len, port, try, rcvbuf;

	for (try = 0; try < BIND_TRIES; try++) {
		uv_ip4_addr("127.0.0.1", 0, &sa);
		uv_tcp_init(fx->loop, &fx->tcp);
		uv_udp_init(fx->loop, &fx->udp);
		fx->tcp.data = fx->udp.data = fx;
		len = sizeof(ss);
		if (uv_tcp_bind(&fx->tcp, (const struct sockaddr *)&sa, 0) == 0 &&
		    uv_listen((uv_stream_t *)&fx->tcp, 128, on_connection) == 0 &&
		    uv_tcp_getsockname(&fx->tcp, (struct sockaddr *)&ss, &len) == 0) {
			port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
			sa.sin_port = htons((uint16_t)port);
			if (uv_udp_bind(&fx->udp, (const struct sockaddr *)&sa, 0) == 0 &&
			    uv_udp_recv_start(&fx->udp, on_udp_alloc, on_udp_read) == 0) {
				rcvbuf = UDP_RCVBUF;
				uv_recv_buffer_size((uv_handle_t *)&fx->udp, &rcvbuf);
				return port;
			}
		}
		uv_close((uv_handle_t *)&fx->tcp, NULL);
		uv_close((uv_handle_t *)&fx->udp, NULL);
		uv_run(fx->loop, UV_RUN_NOWAIT);
	}
	return -1;
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

/* At exit: connections free their state, the rest is the fixture's. */
static void close_one(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (uv_is_closing(h))
		return;
	if (h->type == UV_TCP && h->data != arg)
		uv_close(h, on_conn_close);
	else
		uv_close(h, NULL);
}

int main(int argc, char **argv)
{
	static struct fixture fx;
	uv_signal_t sigterm, sigint;
	uv_timer_t lifetime;
	long seconds = 120;
	int i, port;

	fx.srv_port = 5061;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--lifetime") == 0 && i + 1 < argc) {
			seconds = strtol(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--srv-port") == 0 && i + 1 < argc) {
			fx.srv_port = (int)strtol(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--quiet") == 0) {
			fx.quiet = 1;
		} else {
			fprintf(stderr, "usage: fixture_dns [--lifetime SECONDS] "
				"[--srv-port PORT] [--quiet]\n");
			return 2;
		}
	}
	fx.loop = uv_default_loop();
	port = bind_both(&fx);
	if (port < 0) {
		fprintf(stderr, "fixture_dns: cannot bind UDP and TCP\n");
		return 1;
	}
	printf("dns %d\nready\n", port);
	fflush(stdout);
	uv_signal_init(fx.loop, &sigterm);
	uv_signal_init(fx.loop, &sigint);
	uv_signal_start(&sigterm, on_stop, SIGTERM);
	uv_signal_start(&sigint, on_stop, SIGINT);
	uv_timer_init(fx.loop, &lifetime);
	uv_timer_start(&lifetime, on_lifetime, (uint64_t)seconds * 1000, 0);
	uv_run(fx.loop, UV_RUN_DEFAULT);
	uv_walk(fx.loop, close_one, &fx);
	uv_run(fx.loop, UV_RUN_DEFAULT);
	uv_loop_close(fx.loop);
	return 0;
}
