/* names.h: host name and address literal checks (folder-private).
 *
 * Shared by the targets reader and the resolver: both must agree on what a
 * host name is, so the rule lives in one place.
 */
#ifndef FEDCERT_NAMES_H
#define FEDCERT_NAMES_H

#include <stddef.h>

/* 1 when name is a syntactically valid host name, 0 otherwise. name has no
 * trailing dot; either case is accepted (callers lowercase before storing).
 * Rules: at most FC_DNS_NAME_MAX bytes; labels of 1..FC_DNS_LABEL_MAX bytes
 * of [A-Za-z0-9_-] that neither start nor end with '-'; one label is enough
 * ("localhost"); the last label is not all digits and the whole name is
 * nothing inet_aton() would read as an IPv4 address (127.1, 0x7f000001), so
 * a name can never be mistaken for an address further down. */
int names_is_valid_host(const char *name);

/* 1 when s is an IPv4 literal (dotted quad) or an IPv6 literal, the latter
 * bare ("::1") or in brackets ("[::1]"); 0 otherwise. */
int names_is_ip_literal(const char *s);

/* Writes the canonical inet_ntop() form of the literal s (brackets removed)
 * into out. Returns AF_INET or AF_INET6, or 0 when s is not a literal or out
 * is too small (INET6_ADDRSTRLEN always suffices). */
int names_canon_ip_literal(const char *s, char *out, size_t outlen);

/* A port: decimal 1..65535, leading zeros allowed ("05061"); no sign,
 * no blanks, no 0x. 1 and *port, or 0. */
int names_parse_port(const char *s, int *port);

/* An address and an optional port, as --dns-server and check --connect-to
 * take them: "192.0.2.10", "192.0.2.10:5061", "2001:db8::10" (bare IPv6:
 * no port), "[2001:db8::10]" or "[2001:db8::10]:5061". Writes the
 * canonical address into addr (INET6_ADDRSTRLEN suffices) and the port,
 * 0 when none was given, into *port. Returns AF_INET or AF_INET6, or 0
 * when spec is none of these (a name, an empty part, a port outside
 * 1..65535 or with anything but digits). */
int names_split_address_port(const char *spec, char *addr, size_t addrlen,
			     int *port);

#endif
