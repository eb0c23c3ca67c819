/* json.c: the strict JSON reader of json.h. The C library only: the
 * fuzzers compile this file on its own, without cmocka. */
#include "json.h"

#include <stdlib.h>
#include <string.h>

#define JSON_DEPTH_MAX 32

struct jp {
	const char *s;
	size_t i, n;
	int depth;
};

static int jv_value(struct jp *p);

static void jv_ws(struct jp *p)
{
	while (p->i < p->n && strchr(" \t\n\r", p->s[p->i]) != NULL &&
	       p->s[p->i] != '\0')
		p->i++;
}

/* One UTF-8 character at p->i (RFC 3629 ranges); 0 or -1. */
static int jv_utf8(struct jp *p)
{
	const unsigned char *s = (const unsigned char *)p->s + p->i;
	size_t left = p->n - p->i, len, k;
	unsigned char lo = 0x80, hi = 0xBF;

	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		len = 2;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		len = 3;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		len = 4;
	else
		return -1;
	lo = s[0] == 0xE0 ? 0xA0 : s[0] == 0xF0 ? 0x90 : 0x80;
	hi = s[0] == 0xED ? 0x9F : s[0] == 0xF4 ? 0x8F : 0xBF;
	if (left < len || s[1] < lo || s[1] > hi)
		return -1;
	for (k = 2; k < len; k++)
		if (s[k] < 0x80 || s[k] > 0xBF)
			return -1;
	p->i += len;
	return 0;
}

/* "\uXXXX" at p->i (after the backslash's 'u'): its value, or -1. */
static long jv_hex4(struct jp *p)
{
	long v = 0;
	int k;
	char c;

	for (k = 0; k < 4; k++) {
		if (p->i >= p->n)
			return -1;
		c = p->s[p->i++];
		v *= 16;
		if (c >= '0' && c <= '9')
			v += c - '0';
		else if (c >= 'a' && c <= 'f')
			v += c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v += c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

static int jv_escape(struct jp *p)
{
	long u, lo;

	if (p->i >= p->n)
		return -1;
	if (strchr("\"\\/bfnrt", p->s[p->i]) != NULL && p->s[p->i] != '\0') {
		p->i++;
		return 0;
	}
	if (p->s[p->i++] != 'u' || (u = jv_hex4(p)) < 0)
		return -1;
	if (u >= 0xDC00 && u <= 0xDFFF)
		return -1; /* a low surrogate alone */
	if (u < 0xD800 || u > 0xDBFF)
		return 0;
	if (p->i + 2 > p->n || p->s[p->i] != '\\' || p->s[p->i + 1] != 'u')
		return -1;
	p->i += 2;
	lo = jv_hex4(p);
	return lo >= 0xDC00 && lo <= 0xDFFF ? 0 : -1;
}

static int jv_string(struct jp *p)
{
	unsigned char c;

	if (p->i >= p->n || p->s[p->i] != '"')
		return -1;
	p->i++;
	while (p->i < p->n) {
		c = (unsigned char)p->s[p->i];
		if (c == '"') {
			p->i++;
			return 0;
		}
		if (c < 0x20)
			return -1;
		if (c == '\\') {
			p->i++;
			if (jv_escape(p) < 0)
				return -1;
		} else if (c >= 0x80) {
			if (jv_utf8(p) < 0)
				return -1;
		} else {
			p->i++;
		}
	}
	return -1;
}

static int jv_digits(struct jp *p)
{
	size_t start = p->i;

	while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
		p->i++;
	return p->i > start ? 0 : -1;
}

static int jv_number(struct jp *p)
{
	if (p->i < p->n && p->s[p->i] == '-')
		p->i++;
	if (p->i < p->n && p->s[p->i] == '0')
		p->i++;
	else if (jv_digits(p) < 0)
		return -1;
	if (p->i < p->n && p->s[p->i] == '.') {
		p->i++;
		if (jv_digits(p) < 0)
			return -1;
	}
	if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		p->i++;
		if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		if (jv_digits(p) < 0)
			return -1;
	}
	return 0;
}

static int jv_literal(struct jp *p, const char *word)
{
	size_t len = strlen(word);

	if (p->n - p->i < len || memcmp(p->s + p->i, word, len) != 0)
		return -1;
	p->i += len;
	return 0;
}

/* An object or an array: its members, each a key and a value (object)
 * or a value (array). */
static int jv_container(struct jp *p, char open, char close)
{
	if (++p->depth > JSON_DEPTH_MAX)
		return -1;
	p->i++; /* open */
	jv_ws(p);
	if (p->i < p->n && p->s[p->i] == close) {
		p->i++;
		p->depth--;
		return 0;
	}
	for (;;) {
		if (open == '{') {
			if (jv_string(p) < 0)
				return -1;
			jv_ws(p);
			if (p->i >= p->n || p->s[p->i++] != ':')
				return -1;
		}
		if (jv_value(p) < 0)
			return -1;
		if (p->i >= p->n)
			return -1;
		if (p->s[p->i] == close) {
			p->i++;
			p->depth--;
			return 0;
		}
		if (p->s[p->i++] != ',')
			return -1;
		jv_ws(p);
	}
}

/* One value, with the white space around it. */
static int jv_value(struct jp *p)
{
	int rc;

	jv_ws(p);
	if (p->i >= p->n)
		return -1;
	switch (p->s[p->i]) {
	case '{': rc = jv_container(p, '{', '}'); break;
	case '[': rc = jv_container(p, '[', ']'); break;
	case '"': rc = jv_string(p); break;
	case 't': rc = jv_literal(p, "true"); break;
	case 'f': rc = jv_literal(p, "false"); break;
	case 'n': rc = jv_literal(p, "null"); break;
	default: rc = jv_number(p); break;
	}
	jv_ws(p);
	return rc;
}

int json_is_valid(const char *s, size_t n)
{
	struct jp p = { s, 0, n, 0 };

	return jv_value(&p) == 0 && p.i == n;
}

size_t json_utf8_len(const char *s, size_t n)
{
	struct jp p = { s, 0, n, 0 };

	if ((unsigned char)s[0] < 0x80)
		return 1;
	return jv_utf8(&p) == 0 ? p.i : 0;
}

/* Moves p from an object's '{' to the value of its member key (len
 * bytes); -1 when there is none. */
static int json_member(struct jp *p, const char *key, size_t len)
{
	size_t start;
	int match;

	p->i++; /* '{' */
	for (;;) {
		jv_ws(p);
		start = p->i;
		if (jv_string(p) < 0)
			return -1;
		match = p->i - start - 2 == len &&
			memcmp(p->s + start + 1, key, len) == 0;
		jv_ws(p);
		if (p->i >= p->n || p->s[p->i++] != ':')
			return -1;
		if (match)
			return 0;
		if (jv_value(p) < 0 || p->i >= p->n || p->s[p->i] != ',')
			return -1;
		p->i++;
	}
}

/* Moves p from an array's '[' to its idx-th value; -1 when there is
 * none. */
static int json_element(struct jp *p, unsigned long idx)
{
	p->i++; /* '[' */
	for (; idx > 0; idx--) {
		if (jv_value(p) < 0 || p->i >= p->n || p->s[p->i] != ',')
			return -1;
		p->i++;
	}
	return 0;
}

char *json_at(const char *line, const char *path)
{
	struct jp p = { line, 0, strcspn(line, "\n"), 0 };
	size_t len, start;
	int rc;

	for (;;) {
		jv_ws(&p);
		len = strcspn(path, ".");
		if (len == 0) { /* the end of the path: this value */
			start = p.i;
			if (jv_value(&p) < 0)
				return NULL;
			while (p.i > start && strchr(" \t\n\r", p.s[p.i - 1]))
				p.i--;
			return strndup(p.s + start, p.i - start);
		}
		if (p.i >= p.n)
			return NULL;
		if (p.s[p.i] == '{')
			rc = json_member(&p, path, len);
		else if (p.s[p.i] == '[')
			rc = json_element(&p, strtoul(path, NULL, 10));
		else
			rc = -1;
		if (rc < 0)
			return NULL;
		path += len + (path[len] == '.');
	}
}
