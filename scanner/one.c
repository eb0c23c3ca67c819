/* one.c: fedcert check's one target. Its row is read and judged by the
 * code that reads a targets file, from a CSV file in memory, so that a
 * host the command line accepts is one a file would; and the options that
 * say how it is reached (--sni, --connect-to) are checked here, where the
 * rules for names and addresses live, for the command line to say which
 * argument is wrong before anything is created.
 */
#include "scan_int.h"

#include <arpa/inet.h>
#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fedcert_limits.h"
#include "names.h"

/* A header, then each field quoted by libcsv's own writer. */
static char *one_csv(const char *type, const char *host, const char *port)
{
	const char *fields[3] = { host, type, port ? port : "" };
	size_t i, len = sizeof("Domain,Type,Port\n") + 8;
	char *buf, *p;

	for (i = 0; i < 3; i++)
		len += 2 * strlen(fields[i]) + 3;
	buf = malloc(len);
	if (buf == NULL)
		return NULL;
	p = buf + sprintf(buf, "Domain,Type,Port\n");
	for (i = 0; i < 3; i++) {
		p += csv_write(p, len - (size_t)(p - buf), fields[i], strlen(fields[i]));
		*p++ = i < 2 ? ',' : '\n';
	}
	*p = '\0';
	return buf;
}

struct targets_reader *targets_open_one(const char *type, const char *host,
					const char *port, const char *label,
					char **mem, char *err, size_t errlen)
{
	struct targets_reader *r;

	*mem = one_csv(type, host, port);
	if (*mem == NULL) {
		snprintf(err, errlen, "%s: %s", label, strerror(ENOMEM));
		return NULL;
	}
	r = targets_open_stream(fmemopen(*mem, strlen(*mem), "r"), label, err,
				errlen);
	if (r == NULL) {
		free(*mem);
		*mem = NULL;
	}
	return r;
}

int targets_check_one(const char *type, const char *host, const char *port,
		      int *is_literal, char *err, size_t errlen)
{
	struct targets_reader *r;
	struct target_row row;
	char *mem = NULL;
	int value, rc = -1;

	/* The row would say "bad port" too; on a command line the range
	 * is worth saying. */
	if (port != NULL && port[0] != '\0' && !names_parse_port(port, &value)) {
		snprintf(err, errlen, "bad port \"%.*s\" (1-65535)",
			 FC_CSV_QUOTE_MAX, port);
		return -1;
	}
	r = targets_open_one(type, host, port, "the target", &mem, err, errlen);
	if (r == NULL)
		return -1;
	switch (targets_next(r, &row, err, errlen)) {
	case 1:
		if (row.is_error) {
			snprintf(err, errlen, "%s", row.reason);
			break;
		}
		if (is_literal != NULL)
			*is_literal = row.is_literal;
		rc = 0;
		break;
	case 0:
		snprintf(err, errlen, "empty domain");
		break;
	default:
		break; /* err says why */
	}
	targets_close(r);
	free(mem);
	return rc;
}

int scan_connect_to_is_valid(const char *spec)
{
	char addr[INET6_ADDRSTRLEN];
	int port;

	return names_split_address_port(spec, addr, sizeof(addr), &port) != 0;
}

int scan_sni_canon(const char *name, char *out, size_t outlen)
{
	size_t i, len = strlen(name);

	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len == 0 || len >= outlen)
		return -1;
	/* ASCII only: a name is sent in its A-label form, and the locale's
	 * tolower() would fold a Turkish 'I' differently. */
	for (i = 0; i < len; i++)
		out[i] = name[i] >= 'A' && name[i] <= 'Z' ?
			 (char)(name[i] - 'A' + 'a') : name[i];
	out[len] = '\0';
	return names_is_valid_host(out) ? 0 : -1;
}

int scan_sni_is_valid(const char *name)
{
	char sni[FC_DNS_NAME_MAX + 1];

	return scan_sni_canon(name, sni, sizeof(sni)) == 0;
}
