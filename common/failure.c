/* failure.c: the failure kinds' stored names (failure.h). */
#include "failure.h"

#include <stddef.h>
#include <string.h>

static const char *const names[FAIL_KINDS] = {
	[FAIL_NONE] = NULL,
	[FAIL_REFUSED] = "refused",
	[FAIL_TIMEOUT] = "timeout",
	[FAIL_RESET] = "reset",
	[FAIL_CLOSED] = "closed",
	[FAIL_TLS_ALERT] = "tls_alert",
	[FAIL_NOT_TLS] = "not_tls",
	[FAIL_TLS_ERROR] = "tls_error",
	[FAIL_CHAIN_TOO_LARGE] = "chain_too_large",
	[FAIL_UNREACHABLE] = "unreachable",
	[FAIL_CONNECT_ERROR] = "connect_error",
	[FAIL_IO_ERROR] = "io_error",
	[FAIL_LOCAL_ERROR] = "local_error",
	[FAIL_DNS_NXDOMAIN] = "dns_nxdomain",
	[FAIL_DNS_SERVFAIL] = "dns_servfail",
	[FAIL_DNS_REFUSED] = "dns_refused",
	[FAIL_DNS_TIMEOUT] = "dns_timeout",
	[FAIL_DNS_ERROR] = "dns_error",
	[FAIL_DNS_NOADDRESS] = "dns_noaddress",
	[FAIL_SRV_MISSING] = "srv_missing",
	[FAIL_SRV_NOT_AVAILABLE] = "srv_not_available",
	[FAIL_SRV_INVALID] = "srv_invalid",
	[FAIL_INVALID_NAME] = "invalid_name",
	[FAIL_NOT_PROBED] = "not_probed",
};

const char *failure_name(enum failure_kind kind)
{
	if ((int)kind <= FAIL_NONE || kind >= FAIL_KINDS)
		return NULL;
	return names[kind];
}

enum failure_kind failure_from_name(const char *name)
{
	int k;

	if (name == NULL)
		return FAIL_NONE;
	for (k = FAIL_NONE + 1; k < FAIL_KINDS; k++)
		if (strcmp(names[k], name) == 0)
			return (enum failure_kind)k;
	return FAIL_KINDS;
}

int failure_is(const char *name, enum failure_kind kind)
{
	const char *want = failure_name(kind);

	if (name == NULL || want == NULL)
		return name == NULL && kind == FAIL_NONE;
	return strcmp(name, want) == 0;
}

int failure_is_probe_kind(enum failure_kind kind)
{
	return kind >= FAIL_REFUSED && kind <= FAIL_LOCAL_ERROR;
}
