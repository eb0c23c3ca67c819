/* test_sip.c: the SIP OPTIONS request and the reader of its answer
 * (scanner/sip.c): the request byte for byte, names that must never reach
 * the wire, and the reader over answers as Edges and SBCs send them and as
 * hostile peers could: split anywhere, provisional and foreign responses,
 * compact forms, folding, repeats, bodies, non-SIP bytes and every bound
 * of sip.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/sip.h"

#define CALL_ID "0c0d0e0f1011121314151617"

/* The answer of a Skype for Business Edge to our OPTIONS. */
#define OK_HEAD                                                              \
	"SIP/2.0 200 OK\r\n"                                                 \
	"Via: SIP/2.0/TLS 192.0.2.7;branch=z9hG4bK0001020304050607;"         \
	"ms-received-port=50312;ms-received-cid=1A2B00\r\n"                  \
	"From: <sip:fedcert.example>;tag=08090a0b\r\n"                       \
	"To: <sip:sip.partner.example>;tag=9C1D2E3F\r\n"                     \
	"Call-ID: " CALL_ID "\r\n"                                           \
	"CSeq: 1 OPTIONS\r\n"                                                \
	"Contact: <sip:sip.partner.example:5061;transport=tls>\r\n"          \
	"Allow: INVITE, BYE, ACK, CANCEL, INFO, UPDATE, MESSAGE, OPTIONS\r\n"\
	"Supported: ms-edge-proxy-message-trust, gruu-10\r\n"                \
	"Server: RTC/7.0\r\n"                                                \
	"Content-Length: 0\r\n"
#define OK OK_HEAD "\r\n"

/* Per test: the reader (25 KB) and the response, on the heap. */
struct fixture {
	struct sip_reader r;
	struct sip_response out;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	sip_reader_init(&f->r, CALL_ID);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static enum sip_read_state feed(struct fixture *f, const char *s)
{
	return sip_reader_feed(&f->r, s, strlen(s), &f->out);
}

static enum sip_read_state feed_n(struct fixture *f, const char *s, size_t n)
{
	return sip_reader_feed(&f->r, s, n, &f->out);
}

/* ---- The request ------------------------------------------------------ */

static const unsigned char random24[SIP_RANDOM_MIN] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
	0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
};

static struct sip_request base_request(void)
{
	struct sip_request req = {
		.target = "sip.partner.example",
		.port = 5061,
		.domain = "fedcert.example",
		.contact = "edge.fedcert.example",
		.via_host = "192.0.2.7",
		.version = "0.1.0",
		.random = random24,
		.random_len = sizeof(random24),
	};

	return req;
}

static void test_build_exact(void **state)
{
	static const char want[] =
		"OPTIONS sip:sip.partner.example:5061;transport=tls SIP/2.0\r\n"
		"Via: SIP/2.0/TLS 192.0.2.7;branch=z9hG4bK0001020304050607\r\n"
		"Max-Forwards: 70\r\n"
		"To: <sip:sip.partner.example>\r\n"
		"From: <sip:fedcert.example>;tag=08090a0b\r\n"
		"Call-ID: 0c0d0e0f1011121314151617\r\n"
		"CSeq: 1 OPTIONS\r\n"
		"Contact: <sip:edge.fedcert.example;transport=tls>\r\n"
		"User-Agent: fedcert/0.1.0\r\n"
		"Accept: application/sdp\r\n"
		"Content-Length: 0\r\n"
		"\r\n";
	struct sip_request req = base_request();
	char buf[SIP_REQUEST_MAX], id[SIP_CALL_ID_SIZE];

	(void)state;
	assert_int_equal(sip_options_build(&req, buf, sizeof(buf), id,
					   sizeof(id)), (int)strlen(want));
	assert_string_equal(buf, want);
	assert_string_equal(id, CALL_ID);
}

static void test_build_literals_and_defaults(void **state)
{
	struct sip_request req = base_request();
	char buf[SIP_REQUEST_MAX], id[SIP_CALL_ID_SIZE];

	(void)state;
	req.target = "[2001:db8::1]";
	req.port = 5062;
	req.contact = NULL;
	req.via_host = "[2001:db8::7]";
	assert_true(sip_options_build(&req, buf, sizeof(buf), id,
				      sizeof(id)) > 0);
	assert_non_null(strstr(buf, "OPTIONS sip:[2001:db8::1]:5062;"
				    "transport=tls SIP/2.0\r\n"));
	assert_non_null(strstr(buf, "\r\nTo: <sip:[2001:db8::1]>\r\n"));
	assert_non_null(strstr(buf, "\r\nVia: SIP/2.0/TLS [2001:db8::7];"));
	/* No --sip-contact: the domain is the contact. */
	assert_non_null(strstr(buf, "\r\nContact: <sip:fedcert.example;"
				    "transport=tls>\r\n"));
	req.target = "192.0.2.44";
	req.via_host = "edge.fedcert.example";
	assert_true(sip_options_build(&req, buf, sizeof(buf), id,
				      sizeof(id)) > 0);
	assert_non_null(strstr(buf, "OPTIONS sip:192.0.2.44:5062;"));
}

/* A name of total bytes: 63-byte labels of 'a', dots between. */
static void make_name(char *out, size_t total)
{
	size_t i;

	for (i = 0; i < total; i++)
		out[i] = (i % 64 == 63) ? '.' : 'a';
	out[total] = '\0';
}

/* Returns what the builder says for req, checking it left nothing behind
 * when it refused. */
static int build_refused(const struct sip_request *req, size_t id_len)
{
	char buf[SIP_REQUEST_MAX], id[SIP_CALL_ID_SIZE];
	int n;

	memset(buf, 'x', sizeof(buf));
	memset(id, 'x', sizeof(id));
	n = sip_options_build(req, buf, sizeof(buf), id, id_len);
	if (n < 0) {
		assert_int_equal(buf[0], '\0');
		assert_int_equal(id[0], '\0');
	}
	return n < 0;
}

static void test_build_refuses_hostile(void **state)
{
	static const char *const hostile[] = {
		"sip.partner.example\r\nX-Injected: 1",
		"sip.partner.example\n",
		"sip partner.example",
		"sip.partner.example;maddr=203.0.113.9",
		"sip.partner.example>",
		"<sip.partner.example",
		"",
		"sip_tls.partner.example",
		"sip.partner.example.",
		"2001:db8::1",          /* bare IPv6: its colons read as a port */
		"[192.0.2.1]",
		"[2001:db8::1",
		"sip.partner.example:5061",
		"sip.partner.\xc3\xa9xample",
	};
	struct sip_request req = base_request();
	char long_name[301];
	size_t i;

	(void)state;
	assert_false(build_refused(&req, SIP_CALL_ID_SIZE));
	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		req = base_request();
		req.target = hostile[i];
		if (!build_refused(&req, SIP_CALL_ID_SIZE))
			fail_msg("target \"%s\" accepted", hostile[i]);
		req = base_request();
		req.domain = hostile[i];
		if (!build_refused(&req, SIP_CALL_ID_SIZE))
			fail_msg("domain \"%s\" accepted", hostile[i]);
		req = base_request();
		req.contact = hostile[i];
		if (!build_refused(&req, SIP_CALL_ID_SIZE))
			fail_msg("contact \"%s\" accepted", hostile[i]);
		req = base_request();
		req.via_host = hostile[i];
		if (!build_refused(&req, SIP_CALL_ID_SIZE))
			fail_msg("via_host \"%s\" accepted", hostile[i]);
	}
	/* 300 bytes of 63-byte labels: each label valid, the name too long. */
	make_name(long_name, 300);
	req = base_request();
	req.target = long_name;
	assert_true(build_refused(&req, SIP_CALL_ID_SIZE));
	long_name[253] = '\0';
	assert_false(build_refused(&req, SIP_CALL_ID_SIZE));
	/* Literals are for target and via_host only. */
	req = base_request();
	req.domain = "192.0.2.7";
	assert_true(build_refused(&req, SIP_CALL_ID_SIZE));
	req = base_request();
	req.contact = "[2001:db8::7]";
	assert_true(build_refused(&req, SIP_CALL_ID_SIZE));
}

static void test_build_refuses_bad_arguments(void **state)
{
	struct sip_request req = base_request();

	(void)state;
	req.port = 0;
	assert_true(build_refused(&req, SIP_CALL_ID_SIZE));
	req.port = 65536;
	assert_true(build_refused(&req, SIP_CALL_ID_SIZE));
	req.port = 65535;
	assert_false(build_refused(&req, SIP_CALL_ID_SIZE));
	req = base_request();
	req.random_len = SIP_RANDOM_MIN - 1;
	assert_true(build_refused(&req, SIP_CALL_ID_SIZE));
	req = base_request();
	assert_true(build_refused(&req, SIP_CALL_ID_SIZE - 1));
	req.version = "0.1.0\r\nX-Injected: 1";
	assert_true(build_refused(&req, SIP_CALL_ID_SIZE));
	req.version = "0.1 0";
	assert_true(build_refused(&req, SIP_CALL_ID_SIZE));
	req.version = "";
	assert_true(build_refused(&req, SIP_CALL_ID_SIZE));
	req.version = "0.1.0~rc1+deb12";
	assert_false(build_refused(&req, SIP_CALL_ID_SIZE));
	req.target = NULL;
	assert_true(build_refused(&req, SIP_CALL_ID_SIZE));
	assert_int_equal(sip_options_build(NULL, NULL, 0, NULL, 0), -1);
}

static void test_build_bounds(void **state)
{
	struct sip_request req = base_request();
	char name[254], version[SIP_VERSION_MAX + 2];
	char buf[SIP_REQUEST_MAX], id[SIP_CALL_ID_SIZE];
	int n;

	(void)state;
	make_name(name, 253);
	memset(version, '9', SIP_VERSION_MAX);
	version[SIP_VERSION_MAX] = '\0';
	req.target = req.domain = req.contact = req.via_host = name;
	req.version = version;
	req.port = 65535;
	/* The longest valid request fits SIP_REQUEST_MAX. */
	n = sip_options_build(&req, buf, sizeof(buf), id, sizeof(id));
	assert_true(n > 1500 && n < SIP_REQUEST_MAX);
	/* Exactly the room it needs, and a byte less. */
	assert_int_equal(sip_options_build(&req, buf, (size_t)n + 1, id,
					   sizeof(id)), n);
	assert_int_equal(strlen(buf), (size_t)n);
	assert_int_equal(sip_options_build(&req, buf, (size_t)n, id,
					   sizeof(id)), -1);
	assert_string_equal(buf, "");
	assert_string_equal(id, "");
	/* A version a byte longer than SIP_VERSION_MAX. */
	version[SIP_VERSION_MAX] = '9';
	version[SIP_VERSION_MAX + 1] = '\0';
	assert_int_equal(sip_options_build(&req, buf, sizeof(buf), id,
					   sizeof(id)), -1);
}

/* ---- The reader: answers as they come --------------------------------- */

static void test_read_200_one_piece(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(feed(f, OK), SIP_FINAL);
	assert_int_equal(f->out.status, 200);
	assert_string_equal(f->out.reason, "OK");
	assert_string_equal(f->out.server, "RTC/7.0");
	assert_string_equal(f->out.user_agent, "");
	assert_string_equal(f->out.allow, "INVITE, BYE, ACK, CANCEL, INFO, "
					  "UPDATE, MESSAGE, OPTIONS");
	assert_string_equal(f->out.supported,
			    "ms-edge-proxy-message-trust, gruu-10");
	assert_string_equal(f->out.contact,
			    "<sip:sip.partner.example:5061;transport=tls>");
	assert_int_equal(f->out.values_cut, 0);
	/* The raw head: status line to the last header, no blank line. */
	assert_int_equal(f->out.headers_len, strlen(OK_HEAD));
	assert_string_equal(f->out.headers, OK_HEAD);
	assert_false(f->out.headers_cut);
	assert_int_equal(f->out.provisional, 0);
	assert_int_equal(f->out.other_call_id, 0);
	assert_int_equal(f->out.bytes, strlen(OK));
}

/* Fed one byte at a time: nothing is decided before the blank line's last
 * byte, and then the same as in one piece. Every split in two, too. */
static void test_read_split_everywhere(void **state)
{
	struct fixture *f = *state;
	struct sip_response *whole = malloc(sizeof(*whole));
	const char *msg = OK;
	size_t n = strlen(msg), i;

	assert_non_null(whole);
	assert_int_equal(feed(f, msg), SIP_FINAL);
	memcpy(whole, &f->out, sizeof(*whole));
	sip_reader_init(&f->r, CALL_ID);
	memset(&f->out, 0, sizeof(f->out));
	for (i = 0; i + 1 < n; i++)
		if (feed_n(f, msg + i, 1) != SIP_MORE)
			fail_msg("decided after byte %zu of %zu", i + 1, n);
	assert_int_equal(f->out.bytes, n - 1);
	assert_int_equal(feed_n(f, msg + n - 1, 1), SIP_FINAL);
	assert_memory_equal(&f->out, whole, sizeof(*whole));
	for (i = 1; i < n; i++) {
		sip_reader_init(&f->r, CALL_ID);
		memset(&f->out, 0, sizeof(f->out));
		assert_int_equal(feed_n(f, msg, i), SIP_MORE);
		assert_int_equal(f->out.bytes, i);
		assert_int_equal(feed_n(f, msg + i, n - i), SIP_FINAL);
		assert_memory_equal(&f->out, whole, sizeof(*whole));
	}
	/* Sticky: more bytes change nothing, and *out is written whole. */
	memset(&f->out, 0, sizeof(f->out));
	assert_int_equal(feed(f, "HTTP/1.1 200 OK\r\n\r\n"), SIP_FINAL);
	assert_memory_equal(&f->out, whole, sizeof(*whole));
	free(whole);
}

static void test_read_provisional_then_final(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(feed(f, "\r\n\r\n"), SIP_MORE); /* keep-alive ping */
	assert_int_equal(feed(f, "SIP/2.0 100 Trying\r\nCall-ID: " CALL_ID
				 "\r\nServer: Proxy/1\r\nUser-Agent: Proxy/1\r\n"
				 "Content-Length: 0\r\n\r\n"),
			 SIP_MORE);
	assert_int_equal(f->out.provisional, 1);
	assert_int_equal(f->out.status, 0);
	assert_int_equal(feed(f, "SIP/2.0 180 Ringing\r\nCall-ID: " CALL_ID
				 "\r\n\r\n\r\n" OK),
			 SIP_FINAL);
	assert_int_equal(f->out.provisional, 2);
	assert_int_equal(f->out.status, 200);
	/* The 100's values did not leak into the final response's. */
	assert_string_equal(f->out.server, "RTC/7.0");
	assert_string_equal(f->out.user_agent, "");
	assert_string_equal(f->out.reason, "OK");
	assert_int_equal(f->out.headers_len, strlen(OK_HEAD));
}

static void test_read_compact_forms_and_case(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(feed(f, "sip/2.0 403 Forbidden\r\n"
				 "v: SIP/2.0/TLS 192.0.2.7;branch=z9hG4bKx\r\n"
				 "f: <sip:fedcert.example>;tag=1\r\n"
				 "t: <sip:sip.partner.example>;tag=2\r\n"
				 "I: " CALL_ID "\r\n"
				 "m: <sip:sbc.partner.example>\r\n"
				 "k: timer\r\n"
				 "USER-AGENT: SBC 7.40A\r\n"
				 "aLLoW :  OPTIONS \r\n"
				 "L: 0\r\n\r\n"),
			 SIP_FINAL);
	assert_int_equal(f->out.status, 403);
	assert_string_equal(f->out.reason, "Forbidden");
	assert_string_equal(f->out.contact, "<sip:sbc.partner.example>");
	assert_string_equal(f->out.supported, "timer");
	assert_string_equal(f->out.user_agent, "SBC 7.40A");
	assert_string_equal(f->out.allow, "OPTIONS");
	assert_int_equal(f->out.other_call_id, 0);
}

static void test_read_folding_and_repeats(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(feed(f, "SIP/2.0 200 OK\r\n"
				 "Call-ID: " CALL_ID "\r\n"
				 "Allow: INVITE,\r\n"
				 "   BYE,\r\n"
				 "\t OPTIONS\r\n"
				 "Supported: a\r\n"
				 "Server: X\r\n"
				 "Supported: b , c\r\n"
				 "Supported:\r\n"
				 "Supported: d\r\n"
				 "Warning: 399 edge \"one\"\r\n"
				 "Warning:\r\n"
				 " 399 edge \"two\"\r\n"
				 "\r\n"),
			 SIP_FINAL);
	assert_string_equal(f->out.allow, "INVITE, BYE, OPTIONS");
	assert_string_equal(f->out.supported, "a, b , c, d");
	assert_string_equal(f->out.warning,
			    "399 edge \"one\", 399 edge \"two\"");
	assert_string_equal(f->out.server, "X");
}


/* What a Skype for Business Edge answers when it cannot reach the
 * partner, with lines ending in a bare LF as some stacks send them. */
static void test_read_504_ms_diagnostics(void **state)
{
	struct fixture *f = *state;
	static const char diag[] =
		"1047;reason=\"Failed to complete TLS negotiation with a "
		"federated peer server\";fqdn=\"sip.partner.example\";"
		"peer-type=\"FederatedPartner\";winsock-code=\"10054\"";
	static const char diag_private[] =
		"1046;reason=\"Failed to connect to a federated peer "
		"server\";source=\"sip.fedcert.example\"";
	char msg[1024];

	snprintf(msg, sizeof(msg),
		 "SIP/2.0 504 Server time-out\n"
		 "Call-ID: " CALL_ID "\n"
		 "Server: RTC/6.0.9319.0\n"
		 "ms-diagnostics: %s\n"
		 "ms-diagnostics-public: %s\n"
		 "Content-Length: 0\n\n",
		 diag_private, diag);
	assert_int_equal(feed(f, msg), SIP_FINAL);
	assert_int_equal(f->out.status, 504);
	assert_string_equal(f->out.reason, "Server time-out");
	assert_string_equal(f->out.server, "RTC/6.0.9319.0");
	assert_string_equal(f->out.ms_diagnostics, diag_private);
	assert_string_equal(f->out.ms_diagnostics_public, diag);
	assert_int_equal(f->out.headers_len, strlen(msg) - 1);
}

/* A response for another Call-ID (with a body that reads as a final
 * response) is skipped; ours follows. One without a Call-ID is ours. */
static void test_read_other_call_id(void **state)
{
	struct fixture *f = *state;
	static const char other[] =
		"SIP/2.0 200 OK\r\n"
		"Call-ID: " CALL_ID "x\r\n"
		"Content-Length: 16\r\n\r\n"
		"SIP/2.0 486 Bad\n";

	static const char upper[] =
		"SIP/2.0 200 OK\r\ni: 0C0D0E0F1011121314151617\r\n\r\n";
	static const char ours[] = "SIP/2.0 480 Temporarily Unavailable\r\n"
				   "Call-ID: " CALL_ID "\r\n\r\n";

	assert_int_equal(feed(f, other), SIP_MORE);
	assert_int_equal(f->out.other_call_id, 1);
	assert_int_equal(f->out.status, 0);
	/* Call-IDs are compared byte for byte (RFC 3261 20.8). */
	assert_int_equal(feed(f, upper), SIP_MORE);
	assert_int_equal(f->out.other_call_id, 2);
	assert_int_equal(feed(f, ours), SIP_FINAL);
	assert_int_equal(f->out.status, 480);
	assert_int_equal(f->out.other_call_id, 2);
	assert_int_equal(f->out.bytes,
			 strlen(other) + strlen(upper) + strlen(ours));

	sip_reader_init(&f->r, CALL_ID);
	assert_int_equal(feed(f, "SIP/2.0 400 Bad Request\r\n\r\n"), SIP_FINAL);
	assert_int_equal(f->out.status, 400);
	assert_int_equal(f->out.other_call_id, 0);
	/* A Call-ID longer than the reader keeps matches nothing. */
	{
		char long_id[SIP_CALL_ID_MAX + 2], msg[256];

		memset(long_id, 'a', SIP_CALL_ID_MAX + 1);
		long_id[SIP_CALL_ID_MAX + 1] = '\0';
		sip_reader_init(&f->r, long_id);
		snprintf(msg, sizeof(msg), "SIP/2.0 200 OK\r\ni: %s\r\n\r\n",
			 long_id);
		assert_int_equal(feed(f, msg), SIP_MORE);
		assert_int_equal(f->out.other_call_id, 1);
	}
}

/* Bodies are skipped by Content-Length: without that, the 100's body
 * would be read as the next message and be no SIP. */
static void test_read_body_skipped(void **state)
{
	struct fixture *f = *state;
	static const char trying[] =
		"SIP/2.0 100 Trying\r\n"
		"Call-ID: " CALL_ID "\r\n"
		"Content-Type: text/plain\r\n"
		"l: 30\r\n\r\n"
		"garbage that is not SIP at al";
	size_t i;

	for (i = 0; i < strlen(trying); i++)
		assert_int_equal(feed_n(f, trying + i, 1), SIP_MORE);
	assert_int_equal(feed(f, "l" OK), SIP_FINAL);
	assert_int_equal(f->out.provisional, 1);
	assert_int_equal(f->out.status, 200);

	/* A 1xx whose Content-Length frames nothing: the rest is unframed. */
	sip_reader_init(&f->r, CALL_ID);
	assert_int_equal(feed(f, "SIP/2.0 100 Trying\r\nContent-Length: 3x\r\n"
				 "\r\n"),
			 SIP_NOT_SIP);
	assert_int_equal(f->out.status, 0);
	assert_int_equal(f->out.provisional, 1);
	sip_reader_init(&f->r, CALL_ID);
	assert_int_equal(feed(f, "SIP/2.0 100 Trying\r\nContent-Length: \r\n"
				 "\r\n"),
			 SIP_NOT_SIP);
	/* Nor does a final response's matter: its body is not awaited. */
	sip_reader_init(&f->r, CALL_ID);
	assert_int_equal(feed(f, "SIP/2.0 200 OK\r\nContent-Length: 3x\r\n"
				 "\r\n"),
			 SIP_FINAL);
	/* A body to skip larger than the probe may read. */
	sip_reader_init(&f->r, CALL_ID);
	assert_int_equal(feed(f, "SIP/2.0 100 Trying\r\nContent-Length: 65537"
				 "\r\n\r\n"),
			 SIP_TOO_BIG);
	sip_reader_init(&f->r, CALL_ID);
	assert_int_equal(feed(f, "SIP/2.0 100 Trying\r\nContent-Length: 65536"
				 "\r\n\r\n"),
			 SIP_MORE);
}

static void test_read_not_sip(void **state)
{
	struct fixture *f = *state;
	static const char http[] =
		"HTTP/1.1 400 Bad Request\r\nServer: nginx\r\n"
		"Content-Length: 0\r\n\r\n";
	static const char alert[] = { 0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28 };
	static const char request[] =
		"OPTIONS sip:fedcert.example SIP/2.0\r\n"
		"Call-ID: " CALL_ID "\r\n\r\n";

	assert_int_equal(feed(f, http), SIP_NOT_SIP);
	assert_int_equal(f->out.status, 0);
	assert_int_equal(f->out.headers_len, strlen(http));
	assert_string_equal(f->out.headers, http);
	assert_string_equal(f->out.server, "");

	sip_reader_init(&f->r, CALL_ID);
	assert_int_equal(feed_n(f, alert, sizeof(alert)), SIP_NOT_SIP);
	assert_int_equal(f->out.headers_len, sizeof(alert));
	assert_memory_equal(f->out.headers, alert, sizeof(alert));
	assert_int_equal(f->out.headers[sizeof(alert)], '\0');

	sip_reader_init(&f->r, CALL_ID);
	assert_int_equal(feed(f, request), SIP_NOT_SIP);

	/* A bad status line is judged when it ends, not before. */
	sip_reader_init(&f->r, CALL_ID);
	assert_int_equal(feed(f, "\r\nSIP/2.0 20 OK"), SIP_MORE);
	assert_int_equal(feed(f, "\r\n"), SIP_NOT_SIP);
	assert_string_equal(f->out.headers, "SIP/2.0 20 OK\r\n");
	sip_reader_init(&f->r, CALL_ID);
	assert_int_equal(feed(f, "SIP/2.0 700 Nope\r\n"), SIP_NOT_SIP);
	sip_reader_init(&f->r, CALL_ID);
	assert_int_equal(feed(f, "SIP/2.0 099 Nope\r\n"), SIP_NOT_SIP);
	sip_reader_init(&f->r, CALL_ID);
	assert_int_equal(feed(f, "SIP/2.0 200OK\r\n"), SIP_NOT_SIP);
	sip_reader_init(&f->r, CALL_ID);
	assert_int_equal(feed(f, "SIP/2.1 200 OK\r\n"), SIP_NOT_SIP);
	/* An empty reason may lose its SP. */
	sip_reader_init(&f->r, CALL_ID);
	assert_int_equal(feed(f, "SIP/2.0 200\r\n\r\n"), SIP_FINAL);
	assert_string_equal(f->out.reason, "");

	/* Sticky, *out written whole again. */
	sip_reader_init(&f->r, CALL_ID);
	assert_int_equal(feed(f, "SSH-2.0-OpenSSH_9.2\r\n"), SIP_NOT_SIP);
	memset(&f->out, 0, sizeof(f->out));
	assert_int_equal(feed(f, OK), SIP_NOT_SIP);
	assert_string_equal(f->out.headers, "SSH-2.0-OpenSSH_9.2\r\n");
	assert_int_equal(f->out.bytes, 21);
}

/* A head that never ends: SIP_TOO_BIG when it fills SIP_HEAD_MAX, not a
 * byte before; a head of exactly SIP_HEAD_MAX bytes is read. */
static void test_read_head_bound(void **state)
{
	struct fixture *f = *state;
	static const char start[] = "SIP/2.0 200 OK\r\n";
	char line[1000];
	size_t fed = 0, i;
	enum sip_read_state s = SIP_MORE;
	char *head = malloc(SIP_HEAD_MAX + 1);

	assert_non_null(head);
	memset(line, 'a', sizeof(line));
	memcpy(line, "X-Pad: ", 7);
	memcpy(line + sizeof(line) - 2, "\r\n", 2);
	assert_int_equal(feed(f, start), SIP_MORE);
	fed = strlen(start);
	/* 1 MB of header lines, fed a line at a time. */
	for (i = 0; i < 1024 && s == SIP_MORE; i++) {
		s = feed_n(f, line, sizeof(line));
		fed += sizeof(line);
		if (s == SIP_MORE)
			assert_true(fed < SIP_HEAD_MAX);
	}
	assert_int_equal(s, SIP_TOO_BIG);
	assert_true(fed >= SIP_HEAD_MAX && fed < SIP_HEAD_MAX + sizeof(line));
	assert_int_equal(f->out.bytes, fed);
	assert_int_equal(f->out.headers_len, SIP_HEADERS_KEPT);
	assert_true(f->out.headers_cut);
	assert_memory_equal(f->out.headers, start, strlen(start));

	/* A status line with no line end at all, a byte at a time. */
	sip_reader_init(&f->r, CALL_ID);
	assert_int_equal(feed(f, "SIP/2.0 200 "), SIP_MORE);
	for (i = 12; i + 1 < SIP_HEAD_MAX; i++)
		assert_int_equal(feed_n(f, "x", 1), SIP_MORE);
	assert_int_equal(feed_n(f, "x", 1), SIP_TOO_BIG);

	/* Exactly SIP_HEAD_MAX bytes, blank line included; then one more. */
	memset(head, 'b', SIP_HEAD_MAX);
	memcpy(head, "SIP/2.0 200 OK\r\nX-Pad: ", 23);
	memcpy(head + SIP_HEAD_MAX - 4, "\r\n\r\n", 4);
	sip_reader_init(&f->r, NULL);
	assert_int_equal(feed_n(f, head, SIP_HEAD_MAX), SIP_FINAL);
	assert_int_equal(f->out.status, 200);
	memcpy(head + SIP_HEAD_MAX - 4, "b\r\n\r\n", 5);
	sip_reader_init(&f->r, NULL);
	assert_int_equal(feed_n(f, head, SIP_HEAD_MAX + 1), SIP_TOO_BIG);
	assert_int_equal(f->out.headers_len, SIP_HEADERS_KEPT);
	free(head);
}

/* Responses together (keep-alives, foreign responses and their bodies)
 * may not pass SIP_RESPONSE_MAX bytes: the next byte ends the reading. */
static void test_read_response_bound(void **state)
{
	struct fixture *f = *state;
	char *stream = malloc(SIP_RESPONSE_MAX + 4096);
	static const char other[] =
		"SIP/2.0 200 OK\r\nCall-ID: other\r\nContent-Length: 900\r\n"
		"\r\n";
	size_t n = 0, i;

	assert_non_null(stream);
	while (n < SIP_RESPONSE_MAX + 1) {
		memcpy(stream + n, other, strlen(other));
		n += strlen(other);
		memset(stream + n, 'z', 900);
		n += 900;
	}
	/* In one piece: TOO_BIG, all of it counted. */
	assert_int_equal(feed_n(f, stream, n), SIP_TOO_BIG);
	assert_int_equal(f->out.bytes, n);
	/* Every head that ended within the bound was read. */
	assert_int_equal(f->out.other_call_id,
			 (SIP_RESPONSE_MAX - strlen(other)) /
				 (strlen(other) + 900) + 1);
	/* A byte at a time: still reading after SIP_RESPONSE_MAX bytes. */
	sip_reader_init(&f->r, CALL_ID);
	for (i = 0; i < SIP_RESPONSE_MAX; i++)
		if (feed_n(f, stream + i, 1) != SIP_MORE)
			fail_msg("ended after byte %zu", i + 1);
	assert_int_equal(feed_n(f, stream + i, 1), SIP_TOO_BIG);
	assert_int_equal(f->out.bytes, SIP_RESPONSE_MAX + 1);
	/* Keep-alives alone, too. */
	sip_reader_init(&f->r, CALL_ID);
	memset(stream, '\n', SIP_RESPONSE_MAX + 1);
	assert_int_equal(feed_n(f, stream, SIP_RESPONSE_MAX), SIP_MORE);
	assert_int_equal(feed_n(f, stream, 1), SIP_TOO_BIG);
	/* A final response that ends within the bound is read, whatever
	 * follows it in the same piece. */
	sip_reader_init(&f->r, CALL_ID);
	memset(stream, '\n', SIP_RESPONSE_MAX - strlen(OK));
	memcpy(stream + SIP_RESPONSE_MAX - strlen(OK), OK, strlen(OK));
	assert_int_equal(feed_n(f, stream, SIP_RESPONSE_MAX + 100), SIP_FINAL);
	assert_int_equal(f->out.bytes, SIP_RESPONSE_MAX + 100);
	free(stream);
}

static void test_read_provisional_bound(void **state)
{
	struct fixture *f = *state;
	static const char trying[] =
		"SIP/2.0 100 Trying\r\nCall-ID: " CALL_ID "\r\n\r\n";
	unsigned i;

	for (i = 1; i <= SIP_PROVISIONAL_MAX; i++) {
		assert_int_equal(feed(f, trying), SIP_MORE);
		assert_int_equal(f->out.provisional, i);
	}
	assert_int_equal(feed(f, trying), SIP_TOO_BIG);
	assert_int_equal(f->out.provisional, SIP_PROVISIONAL_MAX + 1);
	assert_int_equal(f->out.status, 0);
	assert_string_equal(f->out.headers, trying);
	for (i = 0; i < 7; i++)
		assert_int_equal(feed(f, trying), SIP_TOO_BIG);
	assert_int_equal(f->out.provisional, SIP_PROVISIONAL_MAX + 1);
}

/* A value longer than SIP_VALUE_MAX - 1 bytes is cut before the UTF-8
 * character that does not fit whole, and flagged. */
static void test_read_value_cut(void **state)
{
	struct fixture *f = *state;
	static const struct {
		size_t pad;            /* 'a' bytes before the character */
		const char *tail;      /* the character and what follows */
		size_t kept;           /* bytes of the value kept */
		int cut;
	} cases[] = {
		{ 509, "\xc3\xa9", 511, 0 },     /* é ends at the last byte */
		{ 510, "\xc3\xa9", 510, 1 },     /* é would pass it */
		{ 509, "\xe2\x82\xac", 509, 1 }, /* € would pass it */
		{ 508, "\xe2\x82\xac", 511, 0 },
		{ 507, "\xf0\x9f\x94\x92zz", 511, 1 }, /* 🔒 fits, z cut */
		{ 508, "\xf0\x9f\x94\x92", 508, 1 },
		{ 600, "", 511, 1 },
		{ 509, "\x80\x80\x80\x80", 511, 1 }, /* not UTF-8: at the byte */
	};
	char msg[1024], value[800];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(value, 'a', cases[i].pad);
		strcpy(value + cases[i].pad, cases[i].tail);
		snprintf(msg, sizeof(msg),
			 "SIP/2.0 200 OK\r\nServer: %s\r\nAllow: X\r\n\r\n",
			 value);
		sip_reader_init(&f->r, CALL_ID);
		assert_int_equal(feed(f, msg), SIP_FINAL);
		if (strlen(f->out.server) != cases[i].kept)
			fail_msg("case %zu: %zu bytes kept, not %zu", i,
				 strlen(f->out.server), cases[i].kept);
		assert_memory_equal(f->out.server, value, cases[i].kept);
		assert_int_equal(f->out.values_cut,
				 cases[i].cut ? 1u << SIP_FIELD_SERVER : 0);
		assert_string_equal(f->out.allow, "X");
	}
	/* Repeats join until the room ends; nothing is added after a cut. */
	memset(value, 'w', 500);
	value[500] = '\0';
	snprintf(msg, sizeof(msg),
		 "SIP/2.0 200 OK\r\nWarning: %s\r\nWarning: 1234567890\r\n"
		 "Warning: 1\r\n\r\n", value);
	sip_reader_init(&f->r, CALL_ID);
	assert_int_equal(feed(f, msg), SIP_FINAL);
	assert_int_equal(strlen(f->out.warning), SIP_VALUE_MAX - 1);
	assert_string_equal(f->out.warning + 500, ", 123456789");
	assert_int_equal(f->out.values_cut, 1u << SIP_FIELD_WARNING);
	/* No room for more than the separator: nothing is added. */
	memset(value, 'w', SIP_VALUE_MAX - 3);
	value[SIP_VALUE_MAX - 3] = '\0';
	snprintf(msg, sizeof(msg),
		 "SIP/2.0 200 OK\r\nWarning: %s\r\nWarning: x\r\n\r\n", value);
	sip_reader_init(&f->r, CALL_ID);
	assert_int_equal(feed(f, msg), SIP_FINAL);
	assert_string_equal(f->out.warning, value);
	assert_int_equal(f->out.values_cut, 1u << SIP_FIELD_WARNING);
}

/* A NUL ends the value (flagged cut); the raw head keeps it. */
static void test_read_nul_in_value(void **state)
{
	struct fixture *f = *state;
	static const char msg[] =
		"SIP/2.0 403 For\0bidden\r\nServer: RTC\0\x1b[31mevil\r\n"
		"Server: second\r\nUser-Agent: ok\r\n\r\n";

	assert_int_equal(feed_n(f, msg, sizeof(msg) - 1), SIP_FINAL);
	assert_int_equal(f->out.status, 403);
	assert_string_equal(f->out.reason, "For");
	assert_string_equal(f->out.server, "RTC");
	assert_string_equal(f->out.user_agent, "ok");
	assert_int_equal(f->out.values_cut, (1u << SIP_FIELD_REASON) |
						    (1u << SIP_FIELD_SERVER));
	assert_int_equal(f->out.headers_len, sizeof(msg) - 1 - 2);
	assert_memory_equal(f->out.headers, msg, sizeof(msg) - 1 - 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_exact),
		cmocka_unit_test(test_build_literals_and_defaults),
		cmocka_unit_test(test_build_refuses_hostile),
		cmocka_unit_test(test_build_refuses_bad_arguments),
		cmocka_unit_test(test_build_bounds),
#define READER_TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
		READER_TEST(test_read_200_one_piece),
		READER_TEST(test_read_split_everywhere),
		READER_TEST(test_read_provisional_then_final),
		READER_TEST(test_read_compact_forms_and_case),
		READER_TEST(test_read_folding_and_repeats),
		READER_TEST(test_read_504_ms_diagnostics),
		READER_TEST(test_read_other_call_id),
		READER_TEST(test_read_body_skipped),
		READER_TEST(test_read_not_sip),
		READER_TEST(test_read_head_bound),
		READER_TEST(test_read_response_bound),
		READER_TEST(test_read_provisional_bound),
		READER_TEST(test_read_value_cut),
		READER_TEST(test_read_nul_in_value),
#undef READER_TEST
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
