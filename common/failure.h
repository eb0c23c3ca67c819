/* failure.h: the failure kinds, the one vocabulary the scanner records and
 * the report reads back (docs/targets.md, "Failure kinds").
 *
 * The scanner names a failure with an enum value, so that a misspelt kind
 * does not compile; the store keeps its name as text (the database is read
 * by people and scripts as well), and the report compares stored text with
 * failure_is(), which again takes an enum value. The names are a contract:
 * new kinds may be added, none renamed.
 */
#ifndef FEDCERT_FAILURE_H
#define FEDCERT_FAILURE_H

enum failure_kind {
	FAIL_NONE = 0,          /* no failure */
	/* A probe of one endpoint. */
	FAIL_REFUSED,           /* "refused": the TCP connection was refused */
	FAIL_TIMEOUT,           /* "timeout": connect or handshake too slow */
	FAIL_RESET,             /* "reset" */
	FAIL_CLOSED,            /* "closed": closed during the handshake */
	FAIL_TLS_ALERT,         /* "tls_alert" */
	FAIL_NOT_TLS,           /* "not_tls" */
	FAIL_TLS_ERROR,         /* "tls_error" */
	FAIL_CHAIN_TOO_LARGE,   /* "chain_too_large": over OpenSSL's cap */
	FAIL_UNREACHABLE,       /* "unreachable" */
	FAIL_CONNECT_ERROR,     /* "connect_error" */
	FAIL_IO_ERROR,          /* "io_error" */
	FAIL_LOCAL_ERROR,       /* "local_error": ours, not the peer's */
	/* A target that reached no endpoint. */
	FAIL_DNS_NXDOMAIN,      /* "dns_nxdomain" */
	FAIL_DNS_SERVFAIL,      /* "dns_servfail" */
	FAIL_DNS_REFUSED,       /* "dns_refused" */
	FAIL_DNS_TIMEOUT,       /* "dns_timeout" */
	FAIL_DNS_ERROR,         /* "dns_error": another resolver failure */
	FAIL_DNS_NOADDRESS,     /* "dns_noaddress": a host without A/AAAA */
	FAIL_SRV_MISSING,       /* "srv_missing": NOERROR, no SRV record */
	FAIL_SRV_NOT_AVAILABLE, /* "srv_not_available": the "." target */
	FAIL_SRV_INVALID,       /* "srv_invalid": no SRV target is a host name */
	FAIL_INVALID_NAME,      /* "invalid_name" */
	/* A target our side could not do (our resolver did not answer, our
	 * network could not send: scanner/outage.c), stored with our reason
	 * and left incomplete; also what history and diff call a target that
	 * a scan read but did not finish. Never the partner's failure. */
	FAIL_NOT_PROBED,        /* "not_probed" */
	FAIL_KINDS
};

/* The stored name of kind ("refused", ...); NULL for FAIL_NONE or a value
 * out of range. Static. */
const char *failure_name(enum failure_kind kind);

/* The kind a stored name stands for: FAIL_NONE for NULL, FAIL_KINDS for a
 * name this build does not know (written by a newer fedcert). */
enum failure_kind failure_from_name(const char *name);

/* 1 when the stored name (NULL: no failure) is kind's. */
int failure_is(const char *name, enum failure_kind kind);

/* 1 for the kinds of a probe of one endpoint, 0 for a target's own. */
int failure_is_probe_kind(enum failure_kind kind);

#endif
