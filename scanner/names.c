/* names.c: host name and address literal checks. */
#include "names.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "fedcert_limits.h"

/* Underscore is allowed although RFC 952/1123 host names forbid it: SRV-style
 * owner names (_sip._tls...) and a few real-world hosts carry it, and the
 * scanner audits what partners publish rather than policing DNS hygiene. */
static int names_is_label_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* Checks one label of len bytes; sets *all_digits for the caller's last
 * label rule. */
static int names_is_valid_label(const char *label, size_t len,
				int *all_digits)
{
	size_t i;

	if (len == 0 || len > FC_DNS_LABEL_MAX)
		return 0;
	if (label[0] == '-' || label[len - 1] == '-')
		return 0;
	*all_digits = 1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)label[i];

		if (!names_is_label_char(c))
			return 0;
		if (c < '0' || c > '9')
			*all_digits = 0;
	}
	return 1;
}

int names_is_valid_host(const char *name)
{
	const char *label = name;
	size_t len = strlen(name);
	int all_digits = 0;
	struct in_addr unused;

	if (len == 0 || len > FC_DNS_NAME_MAX)
		return 0;
	for (;;) {
		const char *dot = strchr(label, '.');
		size_t llen = dot ? (size_t)(dot - label) : strlen(label);

		if (!names_is_valid_label(label, llen, &all_digits))
			return 0;
		if (!dot)
			break;
		label = dot + 1;
	}
	/* RFC 3696 section 2: a top-level label is never all digits. Together
	 * with inet_aton this keeps "10.1" or "2130706433" from passing as a
	 * name that a resolver would then treat as an address. */
	if (all_digits)
		return 0;
	return inet_aton(name, &unused) == 0;
}

int names_canon_ip_literal(const char *s, char *out, size_t outlen)
{
	char bare[INET6_ADDRSTRLEN + 1];
	unsigned char addr[sizeof(struct in6_addr)];
	size_t len = strlen(s);
	int family;

	if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
		/* Brackets only ever wrap IPv6 (RFC 3986 IP-literal). */
		s++;
		len -= 2;
		family = AF_INET6;
	} else {
		family = memchr(s, ':', len) ? AF_INET6 : AF_INET;
	}
	/* Every valid textual address fits; a longer string is not one. */
	if (len >= sizeof(bare))
		return 0;
	memcpy(bare, s, len);
	bare[len] = '\0';
	if (inet_pton(family, bare, addr) != 1)
		return 0;
	if (inet_ntop(family, addr, out, (socklen_t)outlen) == NULL)
		return 0;
	return family;
}

int names_is_ip_literal(const char *s)
{
	char out[INET6_ADDRSTRLEN];

	return names_canon_ip_literal(s, out, sizeof(out)) != 0;
}

int names_parse_port(const char *s, int *port)
{
	long value = 0;

	if (*s == '\0')
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		value = value * 10 + (*s - '0');
		if (value > 65535)
			return 0;
	}
	if (value < 1)
		return 0;
	*port = (int)value;
	return 1;
}

int names_split_address_port(const char *spec, char *addr, size_t addrlen,
			     int *port)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(spec, ':'), *port_text = NULL;
	size_t len = strlen(spec);

	*port = 0;
	if (spec[0] == '[') {
		const char *end = strchr(spec, ']');

		/* Brackets hold the address; only ":PORT" may follow. */
		if (end == NULL || (end[1] != '\0' && end[1] != ':'))
			return 0;
		if (end[1] == ':')
			port_text = end + 2;
		len = (size_t)(end - spec) + 1;
	} else if (colon != NULL && strchr(spec, ':') == colon) {
		/* One colon: IPv4 and a port. Two or more: a bare IPv6
		 * address, which cannot carry one. */
		port_text = colon + 1;
		len = (size_t)(colon - spec);
	}
	if (len == 0 || len >= sizeof(host))
		return 0;
	memcpy(host, spec, len);
	host[len] = '\0';
	if (port_text != NULL && !names_parse_port(port_text, port))
		return 0;
	return names_canon_ip_literal(host, addr, addrlen);
}
