/* names.c: RFC 6125 host name matching for the report, and which of a
 * certificate's names count under each --profile (name_match_cert()).
 * See names.h for the rules and why they are this strict.
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

/* ---- A certificate's names, by the rules of a profile ------------------ */

int name_sip_uri_host(const char *uri, char *buf, size_t len)
{
	size_t n;

	if (uri == NULL || strncasecmp(uri, "sip:", 4) != 0)
		return 0;
	uri += 4;
	n = strcspn(uri, ";?:@>");
	/* A user part ("sip:alice@contoso.com") names a user, not a SIP
	 * domain (RFC 5922 7.1); a port after the host is not the domain's. */
	if (uri[n] == '@' || n == 0 || n >= len)
		return 0;
	memcpy(buf, uri, n);
	buf[n] = '\0';
	return name_len(buf) > 0;
}

static void verdict(struct name_verdict *v, enum name_match m,
		    enum name_source src, const char *presented)
{
	v->match = m;
	v->source = src;
	v->presented = presented;
}

/* The first of n names that matches host exactly, else through a
 * wildcard (NAME_NO_MATCH with *which NULL). */
static enum name_match best_of(char *const *names, size_t n, const char *host,
			       const char **which)
{
	const char *wildcard = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		enum name_match r = name_match_dns(names[i], host);

		if (r == NAME_MATCH_EXACT) {
			*which = names[i];
			return r;
		}
		if (r == NAME_MATCH_WILDCARD && wildcard == NULL)
			wildcard = names[i];
	}
	*which = wildcard;
	return wildcard != NULL ? NAME_MATCH_WILDCARD : NAME_NO_MATCH;
}

/* RFC 6125: the dNSNames, or the CN when there is none. */
static void match_sfb(const struct name_ids *ids, const char *ref,
		      struct name_verdict *v)
{
	const char *which = NULL;
	enum name_match m;

	if (ids->ndns > 0) {
		m = best_of(ids->dns, ids->ndns, ref, &which);
		verdict(v, m, NAME_SOURCE_DNS, which);
		return;
	}
	m = name_match_dns(ids->cn, ref);
	verdict(v, m, ids->cn != NULL ? NAME_SOURCE_CN : NAME_SOURCE_NONE,
		m != NAME_NO_MATCH ? ids->cn : NULL);
}

/* Direct Routing: the CN or a dNSName; exact before wildcard. */
static void match_teams(const struct name_ids *ids, const char *ref,
			struct name_verdict *v)
{
	const char *which = NULL;
	enum name_match dns = best_of(ids->dns, ids->ndns, ref, &which);
	enum name_match cn = name_match_dns(ids->cn, ref);

	if (dns == NAME_MATCH_EXACT)
		verdict(v, dns, NAME_SOURCE_DNS, which);
	else if (cn == NAME_MATCH_EXACT)
		verdict(v, cn, NAME_SOURCE_CN, ids->cn);
	else if (dns == NAME_MATCH_WILDCARD)
		verdict(v, dns, NAME_SOURCE_DNS, which);
	else if (cn == NAME_MATCH_WILDCARD)
		verdict(v, cn, NAME_SOURCE_CN, ids->cn);
	else
		verdict(v, NAME_NO_MATCH,
			ids->ndns > 0 ? NAME_SOURCE_DNS :
			ids->cn != NULL ? NAME_SOURCE_CN : NAME_SOURCE_NONE,
			NULL);
}

/* Whether presented would pass by a rule RFC 5922 7.2 forbids: a
 * wildcard, or one name a suffix of the other. */
static int is_near(const char *presented, const char *ref)
{
	return name_match_dns(presented, ref) == NAME_MATCH_WILDCARD ||
	       name_is_within(presented, ref) || name_is_within(ref, presented);
}

/* Equal names only, among n; the first near miss into v->near. */
static int equal_among(char *const *names, size_t n, const char *ref,
		       struct name_verdict *v)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (name_equal(names[i], ref)) {
			v->presented = names[i];
			return 1;
		}
		if (v->near == NULL && is_near(names[i], ref))
			v->near = names[i];
	}
	return 0;
}

/* RFC 5922 7.1: sip: URIs, else dNSNames, else the CN; 7.2: equal. */
static void match_rfc5922(const struct name_ids *ids, const char *ref,
			  struct name_verdict *v)
{
	char host[FC_DNS_NAME_MAX + 2];
	int sip = 0;
	size_t i;

	for (i = 0; i < ids->nuris; i++) {
		if (!name_sip_uri_host(ids->uris[i], host, sizeof host))
			continue;
		sip = 1;
		if (name_equal(host, ref)) {
			verdict(v, NAME_MATCH_EXACT, NAME_SOURCE_SIP_URI,
				ids->uris[i]);
			return;
		}
		if (v->near == NULL && is_near(host, ref))
			v->near = ids->uris[i];
	}
	if (sip) {
		v->source = NAME_SOURCE_SIP_URI;
		return;
	}
	if (ids->ndns > 0) {
		v->source = NAME_SOURCE_DNS;
		if (equal_among(ids->dns, ids->ndns, ref, v))
			v->match = NAME_MATCH_EXACT;
		return;
	}
	if (ids->cn == NULL)
		return;
	v->source = NAME_SOURCE_CN;
	if (name_equal(ids->cn, ref))
		verdict(v, NAME_MATCH_EXACT, NAME_SOURCE_CN, ids->cn);
	else if (is_near(ids->cn, ref))
		v->near = ids->cn;
}

void name_match_cert(enum report_profile profile, const struct name_ids *ids,
		     const char *ref, struct name_verdict *out)
{
	memset(out, 0, sizeof(*out));
	switch (profile) {
	case REPORT_PROFILE_TEAMS_DR:
		match_teams(ids, ref, out);
		break;
	case REPORT_PROFILE_RFC5922:
		match_rfc5922(ids, ref, out);
		break;
	default:
		match_sfb(ids, ref, out);
		break;
	}
	if (out->match == NAME_NO_MATCH)
		out->presented = NULL;
}
