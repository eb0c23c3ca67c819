/* fuzz_sip.c: libFuzzer target for the SIP response reader and the OPTIONS
 * builder (scanner/sip.c).
 *
 * The input's first SIP_FUZZ_PLAN bytes are the plan: the sizes of the
 * chunks the rest is fed in, cycling (a byte b: 1 + b bytes, 255: a whole
 * 16 KB TLS record), as TLS records would split it. The rest is what the
 * peer sent. Besides what ASan and UBSan catch, the reader is held to what
 * sip.h promises its caller:
 * - once not SIP_MORE, every later call returns the same state and the
 *   same *out, byte for byte;
 * - bytes is what was fed, at most SIP_RESPONSE_MAX and one chunk;
 * - every value is NUL-terminated within SIP_VALUE_MAX, without LF (lines
 *   are split there), empty unless the response is final, flagged only
 *   by the bits of enum sip_field; headers_len <= SIP_HEADERS_KEPT with a
 *   NUL after; status 200..699 exactly when final, else 0; provisional
 *   within its bound;
 * - the outcome does not depend on the split: the same bytes fed in one
 *   call end in the same state, with the same counters and, when final,
 *   the same response.
 * The builder gets the peer's bytes up to the first NUL as the target
 * name: it refuses or writes twelve CRLF-ended lines and no other CR or
 * LF, with the target made of host name or literal bytes only.
 * A broken promise aborts, which libFuzzer reports as a crash.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/sip.h"

#define FUZZ_CHECK(cond)                                                   \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "fuzz_sip: %s:%d: %s\n", __FILE__, \
				__LINE__, #cond);                          \
			abort();                                           \
		}                                                          \
	} while (0)

#define SIP_FUZZ_PLAN 4            /* plan bytes before the peer's */
#define SIP_FUZZ_RECORD 16384      /* a chunk planned as 255: one record */
#define SIP_FUZZ_TARGET_MAX 300    /* bytes tried as the builder's target */
#define SIP_FUZZ_CALL_ID "0c0d0e0f1011121314151617" /* the seeds' */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_value(const char *v, int final)
{
	const char *nul = memchr(v, '\0', SIP_VALUE_MAX);

	FUZZ_CHECK(nul != NULL);
	FUZZ_CHECK(memchr(v, '\n', (size_t)(nul - v)) == NULL);
	FUZZ_CHECK(final || nul == v);
}

static void check_response(const struct sip_response *o,
			   enum sip_read_state s)
{
	const char *values[] = { o->reason, o->server, o->user_agent,
				 o->allow, o->supported, o->contact,
				 o->ms_diagnostics, o->ms_diagnostics_public,
				 o->warning };
	size_t i;

	FUZZ_CHECK(s == SIP_FINAL ? o->status >= 200 && o->status <= 699
				  : o->status == 0);
	FUZZ_CHECK(o->provisional <= SIP_PROVISIONAL_MAX ||
		   (s == SIP_TOO_BIG &&
		    o->provisional == SIP_PROVISIONAL_MAX + 1));
	if (s == SIP_MORE)
		return; /* the rest of *out is not written yet */
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		check_value(values[i], s == SIP_FINAL);
	FUZZ_CHECK((o->values_cut >> SIP_FIELD_COUNT) == 0);
	FUZZ_CHECK(s == SIP_FINAL || o->values_cut == 0);
	FUZZ_CHECK(o->headers_len <= SIP_HEADERS_KEPT);
	FUZZ_CHECK(o->headers[o->headers_len] == '\0');
	FUZZ_CHECK(o->headers_cut == 0 || o->headers_cut == 1);
	FUZZ_CHECK(!o->headers_cut || o->headers_len == SIP_HEADERS_KEPT);
	FUZZ_CHECK(s != SIP_FINAL || o->headers_len >= 11);
}

/* Feeds peer (n bytes) in planned chunks; returns the state it ended in.
 * Once ended, feeds it all again: same state, *out written whole again. */
static enum sip_read_state feed_chunked(struct sip_reader *r,
					struct sip_response *out,
					const uint8_t *plan, const char *peer,
					size_t n)
{
	static struct sip_response ended;
	enum sip_read_state s = SIP_MORE, again;
	size_t off = 0, k = 0, chunk;

	memset(out, 0, sizeof(*out));
	while (off < n && s == SIP_MORE) {
		uint8_t b = plan[k++ % SIP_FUZZ_PLAN];

		chunk = b == 255 ? SIP_FUZZ_RECORD : 1 + (size_t)b;
		chunk = chunk < n - off ? chunk : n - off;
		s = sip_reader_feed(r, peer + off, chunk, out);
		check_response(out, s);
		off += chunk;
		FUZZ_CHECK(out->bytes == off);
		FUZZ_CHECK(out->bytes <= SIP_RESPONSE_MAX + chunk);
	}
	if (s != SIP_MORE) {
		memcpy(&ended, out, sizeof(ended));
		memset(out, 0xa5, sizeof(*out));
		again = sip_reader_feed(r, peer, n, out);
		FUZZ_CHECK(again == s);
		FUZZ_CHECK(memcmp(out, &ended, sizeof(ended)) == 0);
	}
	return s;
}

/* The same bytes in one call: the same outcome. */
static void check_whole(const char *peer, size_t n, enum sip_read_state s,
			const struct sip_response *chunked)
{
	static struct sip_reader r;
	static struct sip_response out;
	enum sip_read_state w;

	sip_reader_init(&r, SIP_FUZZ_CALL_ID);
	memset(&out, 0, sizeof(out));
	w = sip_reader_feed(&r, peer, n, &out);
	FUZZ_CHECK(w == s);
	FUZZ_CHECK(out.bytes == n);
	FUZZ_CHECK(out.provisional == chunked->provisional);
	FUZZ_CHECK(out.other_call_id == chunked->other_call_id);
	if (s == SIP_FINAL) {
		out.bytes = chunked->bytes;
		FUZZ_CHECK(memcmp(&out, chunked, sizeof(out)) == 0);
	}
}

static int is_target_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':' ||
	       c == '[' || c == ']';
}

static void check_builder(const char *peer, size_t n)
{
	static const unsigned char rnd[SIP_RANDOM_MIN];
	char target[SIP_FUZZ_TARGET_MAX + 1], buf[SIP_REQUEST_MAX];
	char id[SIP_CALL_ID_SIZE];
	struct sip_request req = {
		.target = target, .port = 5061, .domain = "fedcert.example",
		.contact = NULL, .via_host = "192.0.2.7", .version = "0.1.0",
		.random = rnd, .random_len = sizeof(rnd),
	};
	size_t len = n < SIP_FUZZ_TARGET_MAX ? n : SIP_FUZZ_TARGET_MAX, i;
	int built, lines = 0;

	memcpy(target, peer, len);
	target[len] = '\0';
	built = sip_options_build(&req, buf, sizeof(buf), id, sizeof(id));
	if (built < 0) {
		FUZZ_CHECK(buf[0] == '\0' && id[0] == '\0');
		return;
	}
	FUZZ_CHECK((size_t)built == strlen(buf));
	FUZZ_CHECK(strlen(id) == SIP_CALL_ID_SIZE - 1);
	for (i = 0; target[i] != '\0'; i++)
		FUZZ_CHECK(is_target_byte((unsigned char)target[i]));
	for (i = 0; i < (size_t)built; i++) {
		if (buf[i] == '\r') {
			FUZZ_CHECK(buf[i + 1] == '\n');
			lines++;
			i++;
		} else {
			FUZZ_CHECK(buf[i] != '\n');
		}
	}
	FUZZ_CHECK(lines == 12);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sip_reader r;
	static struct sip_response out;
	const char *peer;
	size_t n;
	enum sip_read_state s;

	if (size < SIP_FUZZ_PLAN)
		return 0;
	peer = (const char *)data + SIP_FUZZ_PLAN;
	n = size - SIP_FUZZ_PLAN;
	sip_reader_init(&r, SIP_FUZZ_CALL_ID);
	s = feed_chunked(&r, &out, data, peer, n);
	check_whole(peer, n, s, &out);
	check_builder(peer, n);
	return 0;
}
