/* names.c: RFC 6125 host name matching for the report. See names.h for the
 * rules and why they are this strict.
 */
#include "report/judge/names.h"

#include <string.h>
#include <strings.h>

#include "fedcert_limits.h"

/* The length of s without one trailing dot; -1 for NULL, empty (or ".")
 * and over-long names. */
static long name_len(const char *s)
{
	size_t n;

	if (s == NULL)
		return -1;
	n = strlen(s);
	if (n > 0 && s[n - 1] == '.')
		n--;
	if (n == 0 || n > FC_DNS_NAME_MAX)
		return -1;
	return (long)n;
}

static int same(const char *a, long alen, const char *b, long blen)
{
	return alen == blen && strncasecmp(a, b, (size_t)alen) == 0;
}

/* The number of labels of the n bytes at s; 0 when one is empty. */
static int count_labels(const char *s, long n)
{
	int labels = 1;
	long i, start = 0;

	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != '.')
			continue;
		if (i == start)
			return 0;
		labels++;
		start = i + 1;
	}
	return labels - 1;
}

/* A dotted quad must never be matched through a wildcard ("*.2.0.192"
 * style tricks): a name whose bytes are all digits and dots is an
 * address, not a host. */
static int looks_numeric(const char *s, long n)
{
	long i;

	for (i = 0; i < n; i++)
		if (s[i] != '.' && (s[i] < '0' || s[i] > '9'))
			return 0;
	return 1;
}

/* presented is "*." followed by rest (plen bytes in all). */
static enum name_match match_wildcard(const char *presented, long plen,
				      const char *host, long hlen)
{
	const char *rest = presented + 2, *dot;
	long rlen = plen - 2, first;

	if (memchr(rest, '*', (size_t)rlen) != NULL ||
	    count_labels(rest, rlen) < 2 || looks_numeric(host, hlen))
		return NAME_NO_MATCH;
	dot = memchr(host, '.', (size_t)hlen);
	if (dot == NULL)
		return NAME_NO_MATCH;
	first = (long)(dot - host);
	/* One whole, non-empty label, never an A-label. */
	if (first == 0 || (first >= 4 && strncasecmp(host, "xn--", 4) == 0))
		return NAME_NO_MATCH;
	return same(dot + 1, hlen - first - 1, rest, rlen) ? NAME_MATCH_WILDCARD
							   : NAME_NO_MATCH;
}

enum name_match name_match_dns(const char *presented, const char *host)
{
	long plen = name_len(presented), hlen = name_len(host);

	if (plen < 0 || hlen < 0 || memchr(host, '*', (size_t)hlen) != NULL ||
	    count_labels(host, hlen) == 0)
		return NAME_NO_MATCH;
	if (memchr(presented, '*', (size_t)plen) == NULL)
		return same(presented, plen, host, hlen) ? NAME_MATCH_EXACT
							 : NAME_NO_MATCH;
	if (plen < 2 || presented[0] != '*' || presented[1] != '.')
		return NAME_NO_MATCH; /* partial or misplaced wildcard */
	return match_wildcard(presented, plen, host, hlen);
}

int name_equal(const char *a, const char *b)
{
	long alen = name_len(a), blen = name_len(b);

	return alen >= 0 && blen >= 0 && same(a, alen, b, blen);
}

int name_is_within(const char *host, const char *domain)
{
	long hlen = name_len(host), dlen = name_len(domain);

	if (hlen < 0 || dlen < 0)
		return 0;
	if (same(host, hlen, domain, dlen))
		return 1;
	return hlen > dlen + 1 && host[hlen - dlen - 1] == '.' &&
	       strncasecmp(host + hlen - dlen, domain, (size_t)dlen) == 0;
}
