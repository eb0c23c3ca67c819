/* sip.c: the SIP OPTIONS request and the reader of its answer (sip.h). */
#include "sip.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "names.h"

/* ---- The request ------------------------------------------------------ */

/* RFC 3261 25.1: hostname is alphanum and '-' labels. names.c also lets
 * '_' through (it audits SRV owner names), which would make the URI one no
 * SIP parser has to accept. */
static int sip_is_host_name(const char *s)
{
	return strchr(s, '_') == NULL && names_is_valid_host(s);
}

/* A name, an IPv4 literal or a bracketed IPv6 literal: RFC 3261's host has
 * no room for a bare IPv6 address (its colons would read as a port). */
static int sip_is_host(const char *s)
{
	struct in_addr unused;

	if (sip_is_host_name(s))
		return 1;
	if (s[0] == '[')
		return names_is_ip_literal(s);
	return inet_pton(AF_INET, s, &unused) == 1;
}

/* RFC 3261 25.1 token: the version sits in User-Agent as product/version. */
static int sip_is_token(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > SIP_VERSION_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || strchr("-.!%*_+`'~", c)))
			return 0;
	}
	return 1;
}

static int sip_request_is_valid(const struct sip_request *req)
{
	if (req == NULL || req->target == NULL || req->domain == NULL ||
	    req->via_host == NULL || req->version == NULL ||
	    req->random == NULL)
		return 0;
	if (req->random_len < SIP_RANDOM_MIN)
		return 0;
	if (req->port < 1 || req->port > 65535)
		return 0;
	if (req->contact != NULL && !sip_is_host_name(req->contact))
		return 0;
	return sip_is_host(req->target) && sip_is_host_name(req->domain) &&
	       sip_is_host(req->via_host) && sip_is_token(req->version);
}

static void sip_hex(char *out, const unsigned char *in, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0x0f];
	}
	out[2 * n] = '\0';
}

int sip_options_build(const struct sip_request *req, char *buf, size_t len,
		      char *call_id, size_t call_id_len)
{
	char branch[2 * 8 + 1], tag[2 * 4 + 1], id[SIP_CALL_ID_SIZE];
	int n;

	if (len > 0)
		buf[0] = '\0';
	if (call_id != NULL && call_id_len > 0)
		call_id[0] = '\0';
	if (call_id == NULL || call_id_len < SIP_CALL_ID_SIZE ||
	    !sip_request_is_valid(req))
		return -1;
	/* The branch's magic cookie (RFC 3261 8.1.1.7) says it is unique;
	 * 64 random bits make it so, and 96 the Call-ID the reader matches. */
	sip_hex(branch, req->random, 8);
	sip_hex(tag, req->random + 8, 4);
	sip_hex(id, req->random + 12, 12);
	n = snprintf(buf, len,
		     "OPTIONS sip:%s:%d;transport=tls SIP/2.0\r\n"
		     "Via: SIP/2.0/TLS %s;branch=z9hG4bK%s\r\n"
		     "Max-Forwards: 70\r\n"
		     "To: <sip:%s>\r\n"
		     "From: <sip:%s>;tag=%s\r\n"
		     "Call-ID: %s\r\n"
		     "CSeq: 1 OPTIONS\r\n"
		     "Contact: <sip:%s;transport=tls>\r\n"
		     "User-Agent: fedcert/%s\r\n"
		     "Accept: application/sdp\r\n"
		     "Content-Length: 0\r\n"
		     "\r\n",
		     req->target, req->port, req->via_host, branch, req->target,
		     req->domain, tag, id,
		     req->contact != NULL ? req->contact : req->domain,
		     req->version);
	if (n < 0 || (size_t)n >= len) {
		if (len > 0)
			buf[0] = '\0';
		return -1;
	}
	memcpy(call_id, id, sizeof(id));
	return n;
}

/* ---- One message's head ---------------------------------------------- */

/* Fields the reader needs but the report does not get, after the public
 * ones so one bit mask covers all. */
enum {
	SIP_FIELD_CALL_ID = SIP_FIELD_COUNT,
	SIP_FIELD_CONTENT_LENGTH,
	SIP_FIELD_ALL
};

/* The head being parsed: where each value goes, and what was seen. */
struct sip_head {
	char *val[SIP_FIELD_ALL];
	size_t len[SIP_FIELD_ALL];
	unsigned seen, cut;        /* bits by field */
	char call_id[SIP_VALUE_MAX], content_length[SIP_VALUE_MAX];
};

/* Header names (RFC 3261 20) with their compact forms (7.3.3); Via, From
 * and To are only in the raw head. */
static const struct {
	const char *name;
	char compact;
	int field;
} sip_names[] = {
	{ "call-id", 'i', SIP_FIELD_CALL_ID },
	{ "content-length", 'l', SIP_FIELD_CONTENT_LENGTH },
	{ "contact", 'm', SIP_FIELD_CONTACT },
	{ "supported", 'k', SIP_FIELD_SUPPORTED },
	{ "server", 0, SIP_FIELD_SERVER },
	{ "user-agent", 0, SIP_FIELD_USER_AGENT },
	{ "allow", 0, SIP_FIELD_ALLOW },
	{ "warning", 0, SIP_FIELD_WARNING },
	{ "ms-diagnostics", 0, SIP_FIELD_MS_DIAGNOSTICS },
	{ "ms-diagnostics-public", 0, SIP_FIELD_MS_DIAGNOSTICS_PUBLIC },
};

/* ASCII only: the C library's tolower() follows the locale. */
static unsigned char sip_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* -1 when the header is not one we keep. */
static int sip_field_of(const char *name, size_t n)
{
	size_t i, j;

	for (i = 0; i < sizeof(sip_names) / sizeof(sip_names[0]); i++) {
		const char *want = sip_names[i].name;

		if (n == 1 && sip_lower((unsigned char)name[0]) ==
				      (unsigned char)sip_names[i].compact)
			return sip_names[i].field;
		if (strlen(want) != n)
			continue;
		for (j = 0; j < n; j++)
			if (sip_lower((unsigned char)name[j]) !=
			    (unsigned char)want[j])
				break;
		if (j == n)
			return sip_names[i].field;
	}
	return -1;
}

/* Where to cut p (n bytes) to keep at most room bytes without splitting a
 * UTF-8 character: before the lead byte of the character that does not
 * fit whole. Bytes that are not UTF-8 are cut where the room ends. */
static size_t sip_utf8_cut(const unsigned char *p, size_t n, size_t room)
{
	size_t i = room, need;

	if (room >= n)
		return n;
	while (i > 0 && room - i < 3 && (p[i] & 0xc0) == 0x80)
		i--;
	if ((p[i] & 0xc0) != 0xc0)
		return room;
	need = p[i] >= 0xf0 ? 4 : p[i] >= 0xe0 ? 3 : 2;
	return i + need > room ? i : room;
}

/* Appends sep (only when the value has something) and the n bytes of p to
 * field f. A NUL ends the value there; so does the room's end. Either way
 * the value is flagged cut and nothing more is added to it. */
static void sip_head_add(struct sip_head *h, int f, const char *sep,
			 const char *p, size_t n)
{
	char *v = h->val[f];
	size_t len = h->len[f], room = SIP_VALUE_MAX - 1 - len, keep;
	const char *nul = memchr(p, '\0', n);
	int cut = 0;

	if ((h->cut & (1u << f)) || n == 0)
		return;
	if (len > 0) {
		size_t sep_len = strlen(sep);

		if (room <= sep_len) {
			h->cut |= 1u << f;
			return;
		}
		memcpy(v + len, sep, sep_len);
		len += sep_len;
		room -= sep_len;
	}
	if (nul != NULL) {
		n = (size_t)(nul - p);
		cut = 1;
	}
	keep = sip_utf8_cut((const unsigned char *)p, n, room);
	if (keep < n)
		cut = 1;
	memcpy(v + len, p, keep);
	v[len + keep] = '\0';
	h->len[f] = len + keep;
	if (cut)
		h->cut |= 1u << f;
}

/* Blanks (SP, HT) off both ends of p[0..*n). */
static const char *sip_trim(const char *p, size_t *n)
{
	while (*n > 0 && (p[0] == ' ' || p[0] == '\t')) {
		p++;
		(*n)--;
	}
	while (*n > 0 && (p[*n - 1] == ' ' || p[*n - 1] == '\t'))
		(*n)--;
	return p;
}

/* The next line of text[*pos..n): its start, its length without CR LF or
 * LF; NULL at the end. */
static const char *sip_next_line(const char *text, size_t n, size_t *pos,
				 size_t *len)
{
	const char *line = text + *pos, *lf;

	if (*pos >= n)
		return NULL;
	lf = memchr(line, '\n', n - *pos);
	*len = lf != NULL ? (size_t)(lf - line) : n - *pos;
	*pos += *len + (lf != NULL);
	if (*len > 0 && line[*len - 1] == '\r')
		(*len)--;
	return line;
}

/* Case-insensitive "SIP/2.0 " (RFC 3261 7.1) over the first min(n, 8)
 * bytes: a message is judged as soon as its first byte differs. */
static int sip_has_version_prefix(const char *p, size_t n)
{
	static const char want[] = "sip/2.0 ";
	size_t i;

	for (i = 0; i < n && i < sizeof(want) - 1; i++)
		if (sip_lower((unsigned char)p[i]) != (unsigned char)want[i])
			return 0;
	return 1;
}

/* RFC 3261 7.2: "SIP/2.0" SP 3DIGIT SP Reason-Phrase. An empty reason may
 * lose its SP. Returns the code, 0 when the line is not a status line. */
static int sip_status_code(const char *line, size_t n)
{
	if (n < 11 || !sip_has_version_prefix(line, n))
		return 0;
	if (line[8] < '1' || line[8] > '6' || line[9] < '0' || line[9] > '9' ||
	    line[10] < '0' || line[10] > '9')
		return 0;
	if (n > 11 && line[11] != ' ')
		return 0;
	return (line[8] - '0') * 100 + (line[9] - '0') * 10 + (line[10] - '0');
}

static void sip_head_init(struct sip_head *h, struct sip_response *resp)
{
	memset(h, 0, sizeof(*h));
	h->val[SIP_FIELD_REASON] = resp->reason;
	h->val[SIP_FIELD_SERVER] = resp->server;
	h->val[SIP_FIELD_USER_AGENT] = resp->user_agent;
	h->val[SIP_FIELD_ALLOW] = resp->allow;
	h->val[SIP_FIELD_SUPPORTED] = resp->supported;
	h->val[SIP_FIELD_CONTACT] = resp->contact;
	h->val[SIP_FIELD_MS_DIAGNOSTICS] = resp->ms_diagnostics;
	h->val[SIP_FIELD_MS_DIAGNOSTICS_PUBLIC] = resp->ms_diagnostics_public;
	h->val[SIP_FIELD_WARNING] = resp->warning;
	h->val[SIP_FIELD_CALL_ID] = h->call_id;
	h->val[SIP_FIELD_CONTENT_LENGTH] = h->content_length;
}

/* Parses a head whose status line was judged already: text is the status
 * line and the header lines, n bytes, without the blank line. Values go
 * to resp (whose message fields are empty) and h. */
static void sip_head_parse(struct sip_head *h, struct sip_response *resp,
			   const char *text, size_t n)
{
	const char *line, *colon, *p;
	size_t pos = 0, len = 0, plen;
	int cur = -1, fresh = 1; /* fresh: this header has no piece yet */

	sip_head_init(h, resp);
	line = sip_next_line(text, n, &pos, &len);
	if (line == NULL) /* the caller judged a status line: not reached */
		return;
	resp->status = sip_status_code(line, len);
	if (len > 12) {
		plen = len - 12;
		p = sip_trim(line + 12, &plen);
		sip_head_add(h, SIP_FIELD_REASON, "", p, plen);
	}
	while ((line = sip_next_line(text, n, &pos, &len)) != NULL) {
		if (len > 0 && (line[0] == ' ' || line[0] == '\t')) {
			/* RFC 3261 7.3.1: a folded line continues the
			 * header above; the fold is one SP. */
			plen = len;
			p = sip_trim(line, &plen);
			if (cur >= 0 && plen > 0) {
				sip_head_add(h, cur, fresh ? ", " : " ", p,
					     plen);
				fresh = 0;
			}
			continue;
		}
		colon = memchr(line, ':', len);
		if (colon == NULL) {
			cur = -1; /* not a header: left to the raw head */
			continue;
		}
		plen = (size_t)(colon - line);
		p = sip_trim(line, &plen);
		cur = sip_field_of(p, plen);
		if (cur < 0)
			continue;
		h->seen |= 1u << cur;
		plen = len - (size_t)(colon + 1 - line);
		p = sip_trim(colon + 1, &plen);
		sip_head_add(h, cur, ", ", p, plen);
		fresh = plen == 0;
	}
	resp->values_cut = h->cut & ((1u << SIP_FIELD_COUNT) - 1);
}

/* ---- The reader ------------------------------------------------------ */

enum { SIP_MATCH_ID, SIP_MATCH_ANY, SIP_MATCH_NONE };

void sip_reader_init(struct sip_reader *r, const char *call_id)
{
	memset(r, 0, sizeof(*r));
	r->state = SIP_MORE;
	if (call_id == NULL) {
		r->match = SIP_MATCH_ANY;
	} else if (strlen(call_id) > SIP_CALL_ID_MAX) {
		r->match = SIP_MATCH_NONE;
	} else {
		r->match = SIP_MATCH_ID;
		strcpy(r->call_id, call_id);
	}
}

/* Empties the facts of one message, keeping the counters. */
static void sip_response_clear(struct sip_response *resp)
{
	unsigned provisional = resp->provisional, other = resp->other_call_id;
	size_t bytes = resp->bytes;

	memset(resp, 0, sizeof(*resp));
	resp->provisional = provisional;
	resp->other_call_id = other;
	resp->bytes = bytes;
}

/* Ends the reading in state, keeping the first keep bytes of the message
 * in buf as the raw head. Only a final response keeps its values. */
static void sip_reader_end(struct sip_reader *r, enum sip_read_state state,
			   size_t keep)
{
	struct sip_response *resp = &r->resp;
	size_t n = keep < SIP_HEADERS_KEPT ? keep : SIP_HEADERS_KEPT;

	if (state != SIP_FINAL)
		sip_response_clear(resp);
	memcpy(resp->headers, r->buf + r->start, n);
	resp->headers[n] = '\0';
	resp->headers_len = n;
	resp->headers_cut = keep > n;
	r->state = state;
}

/* The message in buf is done with: the next one starts at next. */
static void sip_reader_next_message(struct sip_reader *r, size_t next)
{
	r->start = r->scan = r->line_start = next;
	r->start_line_done = 0;
}

static int sip_reader_is_ours(const struct sip_reader *r,
			      const struct sip_head *h)
{
	/* Without a Call-ID it can be nobody else's: the connection carries
	 * our request alone. */
	if (r->match == SIP_MATCH_ANY || !(h->seen & (1u << SIP_FIELD_CALL_ID)))
		return 1;
	if (r->match == SIP_MATCH_NONE || (h->cut & (1u << SIP_FIELD_CALL_ID)))
		return 0;
	return strcmp(h->call_id, r->call_id) == 0; /* case-sensitive: 20.8 */
}

/* The body length of a message to skip (absent: 0, as if it obeyed RFC
 * 3261 18.3): SIP_MORE and *body, SIP_NOT_SIP when it is no number (it
 * cannot frame what follows), SIP_TOO_BIG past SIP_RESPONSE_MAX. */
static enum sip_read_state sip_body_length(const struct sip_head *h,
					   size_t *body)
{
	const char *v = h->content_length;

	*body = 0;
	if (!(h->seen & (1u << SIP_FIELD_CONTENT_LENGTH)))
		return SIP_MORE;
	if (*v == '\0' || (h->cut & (1u << SIP_FIELD_CONTENT_LENGTH)))
		return SIP_NOT_SIP;
	for (; *v != '\0'; v++) {
		if (*v < '0' || *v > '9')
			return SIP_NOT_SIP;
		*body = *body * 10 + (size_t)(*v - '0');
		if (*body > SIP_RESPONSE_MAX)
			return SIP_TOO_BIG;
	}
	return SIP_MORE;
}

/* A message not ours to report: it and its body are skipped. */
static void sip_reader_skip(struct sip_reader *r, const struct sip_head *h,
			    size_t head_end)
{
	size_t body;
	enum sip_read_state state = sip_body_length(h, &body);

	if (state != SIP_MORE) {
		sip_reader_end(r, state, r->used - r->start);
		return;
	}
	sip_reader_next_message(r, head_end);
	r->skip = body;
}

/* A whole head is in buf[start..head_end), its text up to text_end. */
static void sip_reader_message(struct sip_reader *r, size_t text_end,
			       size_t head_end)
{
	struct sip_head h;

	sip_response_clear(&r->resp);
	sip_head_parse(&h, &r->resp, r->buf + r->start, text_end - r->start);
	if (!sip_reader_is_ours(r, &h)) {
		r->resp.other_call_id++;
	} else if (r->resp.status < 200) {
		if (++r->resp.provisional > SIP_PROVISIONAL_MAX) {
			sip_reader_end(r, SIP_TOO_BIG, r->used - r->start);
			return;
		}
	} else {
		sip_reader_end(r, SIP_FINAL, text_end - r->start);
		return;
	}
	sip_reader_skip(r, &h, head_end);
}

/* Looks for the blank line ending the head in buf, from where the last
 * call stopped, judging the status line when it ends. 1 and the offsets
 * when found; 0 (maybe having ended the reading) otherwise. */
static int sip_reader_find_head(struct sip_reader *r, size_t *text_end,
				size_t *head_end)
{
	while (r->scan < r->used) {
		const char *line = r->buf + r->line_start;
		const char *lf = memchr(r->buf + r->scan, '\n', r->used - r->scan);
		size_t len;

		if (lf == NULL) {
			r->scan = r->used;
			return 0;
		}
		len = (size_t)(lf - line);
		if (len > 0 && line[len - 1] == '\r')
			len--;
		r->scan = (size_t)(lf - r->buf) + 1;
		if (!r->start_line_done) {
			if (sip_status_code(line, len) == 0) {
				sip_reader_end(r, SIP_NOT_SIP,
					       r->used - r->start);
				return 0;
			}
			r->start_line_done = 1;
		} else if (len == 0) {
			*text_end = r->line_start;
			*head_end = r->scan;
			return 1;
		}
		r->line_start = r->scan;
	}
	return 0;
}

/* Drops what buf holds of a body being skipped, then keep-alive CR and LF
 * before a message (RFC 5626 4.4.1: CRLF CRLF pings, CRLF pongs). A
 * message never starts with either, so buf[start] is one only between
 * messages. */
static void sip_reader_drop(struct sip_reader *r)
{
	size_t start = r->start;

	if (r->skip > 0) {
		size_t d = r->used - start < r->skip ? r->used - start : r->skip;

		start += d;
		r->skip -= d;
	}
	if (r->skip == 0)
		while (start < r->used &&
		       (r->buf[start] == '\r' || r->buf[start] == '\n'))
			start++;
	if (start != r->start)
		sip_reader_next_message(r, start);
}

/* Reads every message buf holds whole, until it needs more or ends. */
static void sip_reader_process(struct sip_reader *r)
{
	size_t text_end, head_end;

	while (r->state == SIP_MORE) {
		sip_reader_drop(r);
		if (r->skip > 0 || r->start == r->used)
			return;
		if (!sip_has_version_prefix(r->buf + r->start,
					    r->used - r->start)) {
			sip_reader_end(r, SIP_NOT_SIP, r->used - r->start);
			return;
		}
		if (!sip_reader_find_head(r, &text_end, &head_end)) {
			if (r->state == SIP_MORE &&
			    r->used - r->start == SIP_HEAD_MAX)
				sip_reader_end(r, SIP_TOO_BIG, SIP_HEAD_MAX);
			return;
		}
		sip_reader_message(r, text_end, head_end);
	}
}

/* Moves the message being read to the front of buf, for room behind it. */
static void sip_reader_compact(struct sip_reader *r)
{
	size_t start = r->start;

	if (start == 0)
		return;
	memmove(r->buf, r->buf + start, r->used - start);
	r->used -= start;
	r->scan -= start;
	r->line_start -= start;
	r->start = 0;
}

/* Takes n bytes (within SIP_RESPONSE_MAX) into the reader. */
static void sip_reader_take(struct sip_reader *r, const char *data, size_t n)
{
	while (n > 0 && r->state == SIP_MORE) {
		size_t d;

		if (r->skip > 0 && r->start == r->used) {
			/* A body to skip: no need to copy it. */
			d = n < r->skip ? n : r->skip;
			r->skip -= d;
		} else {
			sip_reader_compact(r);
			d = SIP_HEAD_MAX - r->used;
			d = n < d ? n : d;
			if (d == 0) {
				/* a full buffer that processing did not
				 * drain: never spin on it */
				sip_reader_end(r, SIP_TOO_BIG, r->used - r->start);
				break;
			}
			memcpy(r->buf + r->used, data, d);
			r->used += d;
		}
		data += d;
		n -= d;
		r->fed += d;
		sip_reader_process(r);
	}
}

enum sip_read_state sip_reader_feed(struct sip_reader *r, const char *data,
				    size_t len, struct sip_response *out)
{
	size_t take = SIP_RESPONSE_MAX - r->fed;

	if (r->state == SIP_MORE) {
		r->resp.bytes += len;
		take = len < take ? len : take;
		sip_reader_take(r, data, take);
		/* Only bytes the reader needed count against the bound:
		 * whatever follows a final response is not read. */
		if (r->state == SIP_MORE && take < len)
			sip_reader_end(r, SIP_TOO_BIG, r->used - r->start);
	}
	if (r->state == SIP_MORE) {
		out->status = 0;
		out->provisional = r->resp.provisional;
		out->other_call_id = r->resp.other_call_id;
		out->bytes = r->resp.bytes;
	} else {
		memcpy(out, &r->resp, sizeof(*out));
	}
	return r->state;
}
