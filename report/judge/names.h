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

#endif
