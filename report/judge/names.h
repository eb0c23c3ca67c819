/* names.h: host name comparison as TLS clients do it (folder-private to
 * report/).
 *
 * RFC 6125 section 6.4, the subset that federation peers use: a
 * reference identifier (the host we connected to: the SNI, the SRV
 * target) against one presented identifier (a SAN dNSName, or the CN of a
 * certificate without any dNSName). Both are compared as ASCII, case-
 * insensitively, with one trailing dot ignored; internationalised names
 * are compared in their A-label form (xn--...), as DNS carries them.
 *
 * Wildcards, conservatively (RFC 6125 6.4.3 and the CA/Browser Forum
 * rules): only "*" as the whole left-most label; it stands for exactly one
 * non-empty label; at least two labels must follow it ("*.com" and
 * "*.local" never match); it never stands for an A-label ("*.example.com"
 * does not match "xn--bcher-kva.example.com": RFC 6125 says SHOULD NOT,
 * we do not); partial wildcards ("f*.example.com", "*oo.example.com") and
 * wildcards elsewhere ("a.*.example.com") match nothing.
 *
 * Prefix name_ (singular): scanner/names.h's names_ functions are a
 * different folder's.
 */
#ifndef FEDCERT_REPORT_NAMES_H
#define FEDCERT_REPORT_NAMES_H

#include <stddef.h>

#include "report/report.h"

enum name_match {
	NAME_NO_MATCH = 0,
	NAME_MATCH_EXACT = 1,   /* the same name */
	NAME_MATCH_WILDCARD = 2 /* matched through a left-most "*" label */
};

/* How presented (from the certificate) matches host (the name we asked
 * for). NULL, empty or longer than a DNS name (253 bytes without the
 * trailing dot): no match. */
enum name_match name_match_dns(const char *presented, const char *host);

/* 1 when a and b are the same DNS name: ASCII case-insensitive, one
 * trailing dot ignored on each. NULL equals nothing. */
int name_equal(const char *a, const char *b);

/* 1 when host is domain itself or a name below it ("sip.contoso.com" and
 * "contoso.com" are within "contoso.com"; "sip.hosted.net" and
 * "badcontoso.com" are not). Case-insensitive, trailing dots ignored. */
int name_is_within(const char *host, const char *domain);

/* ---- A certificate's names, by the rules of a profile ------------------ */

/* What a certificate presents, as the name check reads it; borrowed. */
struct name_ids {
	char *const *dns;  /* SAN dNSNames, in certificate order */
	size_t ndns;
	char *const *uris; /* SAN uniformResourceIdentifiers, any scheme */
	size_t nuris;
	const char *cn;    /* the most specific commonName; NULL: none */
};

/* Which identifiers a verdict comes from. */
enum name_source {
	NAME_SOURCE_NONE = 0, /* the certificate has none the rules read */
	NAME_SOURCE_SIP_URI,  /* sip: URI SANs (rfc5922) */
	NAME_SOURCE_DNS,      /* SAN dNSNames */
	NAME_SOURCE_CN        /* the commonName */
};

struct name_verdict {
	enum name_match match;
	/* Where the match is; without one, the identifiers the rules
	 * compared (teams-dr compares the DNS names and the CN: DNS when
	 * there is any). */
	enum name_source source;
	const char *presented; /* the identifier that matched (borrowed) */
	/* No match under rfc5922: a presented name that another profile
	 * would have matched or that differs only by a suffix ("*.contoso.com",
	 * "sip.contoso.com" for contoso.com), for the message to name;
	 * else NULL. Borrowed. */
	const char *near;
};

/* How the certificate presenting ids matches ref, the name it was reached
 * by (the SIP domain itself under rfc5922, where the caller chooses it):
 *  - sfb (RFC 6125 6.4): the dNSNames when there is any, else the CN; an
 *    exact name anywhere wins over a wildcard, which is
 *    NAME_MATCH_WILDCARD (the Access Edge does not accept it);
 *  - teams-dr (Microsoft's "Plan Direct Routing"): the FQDN in the CN or
 *    a dNSName, exact first, then a wildcard (RFC 2818, with names.h's
 *    conservative wildcard rules), which Direct Routing accepts;
 *  - rfc5922 (RFC 5922 7.1-7.2): the host of each sip: URI SAN without a
 *    user part when there is any; else the dNSNames when there is any;
 *    else the CN; equal names only: no wildcard, no suffix.
 * ref NULL or not a name: no match. */
void name_match_cert(enum report_profile profile, const struct name_ids *ids,
		     const char *ref, struct name_verdict *out);

/* The host of uri when it is a "sip:" URI that names a SIP domain
 * ("sip:contoso.com", "SIP:contoso.com;transport=tls"; not
 * "sip:alice@contoso.com", which names a user), into buf (len bytes): 1,
 * or 0 when it is not one or does not fit. */
int name_sip_uri_host(const char *uri, char *buf, size_t len);

#endif
