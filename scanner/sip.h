/* sip.h: one SIP OPTIONS request and the reader of its answer
 * (folder-private).
 *
 * Does the partner's Edge answer SIP? Once a federation TLS session is up,
 * the scanner sends one RFC 3261 OPTIONS and reads what comes back. These are
 * the pure halves of that: the request is written into a buffer, the answer
 * is fed in as the TLS layer hands it over (records split anywhere). No
 * sockets, no allocation, no libuv: the scanner owns the I/O and the
 * deadline.
 *
 * Everything the peer sends is hostile and kept as raw bytes (never a NUL in
 * a value); the report's renderers escape it.
 */
#ifndef FEDCERT_SIP_H
#define FEDCERT_SIP_H

#include <stddef.h>

/* Bounds (all checked by tests/unit/scanner/test_sip.c). */
#define SIP_RESPONSE_MAX (64 * 1024) /* bytes of responses read at most per
				      * probe, keep-alives and skipped bodies
				      * too; more: SIP_TOO_BIG */
#define SIP_HEAD_MAX (16 * 1024)     /* one message's head (status line,
				      * headers, blank line) at most; larger:
				      * SIP_TOO_BIG. The reader's buffer. */
#define SIP_HEADERS_KEPT 4096        /* raw head of the final response kept
				      * for the report */
#define SIP_VALUE_MAX 512            /* one kept value with its NUL; longer:
				      * cut at a UTF-8 boundary, flagged */
#define SIP_PROVISIONAL_MAX 32       /* 1xx responses tolerated before the
				      * final one; the 33rd: SIP_TOO_BIG */
#define SIP_RANDOM_MIN 24            /* random bytes a request needs: 8 for
				      * the branch, 4 the tag, 12 the Call-ID */
#define SIP_CALL_ID_SIZE 25          /* our Call-ID: 24 hex digits and NUL */
#define SIP_CALL_ID_MAX 64           /* bytes of the awaited Call-ID the
				      * reader keeps */
#define SIP_VERSION_MAX 64           /* bytes of the User-Agent's version */
#define SIP_REQUEST_MAX 2048         /* always holds a request whose names
				      * are valid (four 253-byte names and a
				      * 64-byte version: about 1,650) */

struct sip_request {           /* all borrowed, NUL-terminated */
	const char *target;        /* Request-URI host: SRV target or DIR host
				    * (hostile: from DNS or the targets file) */
	int port;                  /* 1..65535 */
	const char *domain;        /* our SIP domain (--sip-domain) */
	const char *contact;       /* our Edge FQDN (--sip-contact), or NULL:
				    * domain */
	const char *via_host;      /* sent-by for Via: contact, domain or our
				    * local address */
	const char *version;       /* fedcert version for User-Agent: 1 to
				    * SIP_VERSION_MAX RFC 3261 token bytes */
	const unsigned char *random; /* >= SIP_RANDOM_MIN random bytes: branch,
				      * tag, Call-ID */
	size_t random_len;
};

/* Writes the OPTIONS into buf (len bytes, SIP_REQUEST_MAX always enough) and
 * its Call-ID into call_id (call_id_len >= SIP_CALL_ID_SIZE), both
 * NUL-terminated; returns the request's length without the NUL. Returns -1
 * (buf and call_id then empty strings where they have room) when it does not
 * fit, when random is short, when the port is outside 1..65535, or when a
 * name is not a plain host name: [A-Za-z0-9.-] labels (names.h's rules
 * without '_', which RFC 3261's hostname lacks), no trailing dot, at most
 * 253 bytes. target and via_host may also be an IPv4 literal or a bracketed
 * IPv6 literal ("[2001:db8::1]"). A name with CR, LF, space, '<', ';' etc.
 * never reaches the wire.
 *
 * The request, every line ending in CRLF (the names as given):
 *   OPTIONS sip:TARGET:PORT;transport=tls SIP/2.0
 *   Via: SIP/2.0/TLS VIA_HOST;branch=z9hG4bK<16 hex>
 *   Max-Forwards: 70
 *   To: <sip:TARGET>
 *   From: <sip:DOMAIN>;tag=<8 hex>
 *   Call-ID: <24 hex>
 *   CSeq: 1 OPTIONS
 *   Contact: <sip:CONTACT;transport=tls>
 *   User-Agent: fedcert/VERSION
 *   Accept: application/sdp
 *   Content-Length: 0
 * and the blank line. */
int sip_options_build(const struct sip_request *req, char *buf, size_t len,
		      char *call_id, size_t call_id_len);

enum sip_read_state {
	SIP_MORE,     /* nothing decided yet: feed more (or the deadline ends) */
	SIP_FINAL,    /* a final 2xx-6xx response for our Call-ID */
	SIP_NOT_SIP,  /* the bytes are not a SIP response (HTTP, TLS alerts,
		       * binary, a SIP request, a bad status line, a
		       * Content-Length that cannot frame the next message) */
	SIP_TOO_BIG,  /* a bound passed: SIP_RESPONSE_MAX, SIP_HEAD_MAX or
		       * SIP_PROVISIONAL_MAX */
};

/* Which values were cut: bit (1u << SIP_FIELD_x) in values_cut. A value is
 * cut when it passes SIP_VALUE_MAX - 1 bytes (at the last whole UTF-8
 * character that fits; invalid UTF-8 at the byte) or holds a NUL (cut at
 * the NUL); pieces that come after a cut are dropped. */
enum sip_field {
	SIP_FIELD_REASON,
	SIP_FIELD_SERVER,
	SIP_FIELD_USER_AGENT,
	SIP_FIELD_ALLOW,
	SIP_FIELD_SUPPORTED,
	SIP_FIELD_CONTACT,
	SIP_FIELD_MS_DIAGNOSTICS,
	SIP_FIELD_MS_DIAGNOSTICS_PUBLIC,
	SIP_FIELD_WARNING,
	SIP_FIELD_COUNT
};

/* The facts of the final response, or of what came instead. Values are raw
 * bytes without a NUL, folded lines joined with one space, a repeated
 * header joined with ", ", blanks around each piece removed. */
struct sip_response {
	int status;                /* 200..699 of the final response; 0 none */
	char reason[SIP_VALUE_MAX];
	char server[SIP_VALUE_MAX], user_agent[SIP_VALUE_MAX],
	     allow[SIP_VALUE_MAX], supported[SIP_VALUE_MAX],
	     contact[SIP_VALUE_MAX], ms_diagnostics[SIP_VALUE_MAX],
	     ms_diagnostics_public[SIP_VALUE_MAX], warning[SIP_VALUE_MAX];
	unsigned values_cut;       /* bits by enum sip_field */
	/* SIP_FINAL: the final response's head, status line to its last
	 * header line (blank line not included). SIP_NOT_SIP, SIP_TOO_BIG:
	 * the bytes of the message being read when it ended, as far as they
	 * were buffered. Raw: may hold any byte, NUL too (use headers_len);
	 * first SIP_HEADERS_KEPT bytes, NUL after them. */
	char headers[SIP_HEADERS_KEPT + 1];
	size_t headers_len;
	int headers_cut;           /* 1 when there was more than was kept */
	unsigned provisional;      /* 1xx for our Call-ID seen before the final
				    * one (SIP_PROVISIONAL_MAX + 1 at most) */
	unsigned other_call_id;    /* responses for another Call-ID, skipped */
	size_t bytes;              /* bytes fed, the ending call's chunk whole;
				    * later calls add nothing */
};

/* The reader: accumulates bytes across reads, one message at a time. Owned
 * and allocated by the caller: 25,272 bytes on x86-64, mostly the
 * SIP_HEAD_MAX buffer and the response; it holds no pointer, so it is freed
 * however it was allocated. The fields are sip.c's. */
struct sip_reader {
	enum sip_read_state state;
	char call_id[SIP_CALL_ID_MAX + 1]; /* awaited */
	int match;                 /* by call_id, any Call-ID, or none */
	size_t fed;                /* bytes taken in (<= SIP_RESPONSE_MAX) */
	size_t skip;               /* body bytes of a skipped message to drop */
	size_t start, used;        /* buf[start..used): the message being read */
	size_t scan;               /* buf[start..scan) searched for line ends */
	size_t line_start;         /* start of the line being read */
	int start_line_done;       /* the status line of buf was judged */
	struct sip_response resp;  /* what *out gets */
	char buf[SIP_HEAD_MAX];
};

/* Readies r to await the response whose Call-ID is call_id (borrowed for
 * the call only: copied; one longer than SIP_CALL_ID_MAX bytes matches
 * nothing). call_id NULL: any Call-ID is ours (tests, fuzz). */
void sip_reader_init(struct sip_reader *r, const char *call_id);

/* Feeds len bytes (data may be NULL when len is 0). Returns:
 * SIP_MORE: need more. Leading CR/LF keep-alives, 1xx for our Call-ID
 *   (counted in provisional) and responses for another Call-ID (counted in
 *   other_call_id) are skipped with their Content-Length bodies; a missing
 *   Content-Length is taken as 0 (RFC 3261 18.3 requires one on TLS).
 *   A status line that never ends stays SIP_MORE until it fills
 *   SIP_HEAD_MAX (it is part of the head), then SIP_TOO_BIG.
 * SIP_FINAL: a final 2xx-6xx response for our Call-ID (or one without a
 *   Call-ID: our request is the only one on the connection) has its head
 *   read; its facts are in *out. Its body is not awaited.
 * SIP_NOT_SIP: a message does not start "SIP/2.0 " (any case, RFC 3261
 *   7.1) after keep-alives, its status line is not "SIP/2.0 3DIGIT
 *   [SP reason]" with a code 100..699, or a skipped message's
 *   Content-Length is not decimal digits.
 * SIP_TOO_BIG: SIP_RESPONSE_MAX bytes passed while more was needed, a head
 *   passed SIP_HEAD_MAX, a Content-Length to skip passed SIP_RESPONSE_MAX,
 *   or the (SIP_PROVISIONAL_MAX + 1)th 1xx came.
 * Lines may end in a bare LF as well as CRLF (tolerated, as many stacks
 * do). On SIP_MORE only status (0), provisional, other_call_id and bytes
 * of *out are written; on the other states *out is written whole, by this
 * call and by every later one, which return the same state and read no
 * more. */
enum sip_read_state sip_reader_feed(struct sip_reader *r, const char *data,
				    size_t len, struct sip_response *out);

#endif
