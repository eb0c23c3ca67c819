/* resolve.c: a DIR host name to its addresses, once per scan, off the loop
 * thread (uv_getaddrinfo runs in libuv's thread pool). Every address is
 * probed with the host name as SNI. */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan_int.h"

void resolve_free(void *v)
{
	struct name_lookup *l = v;

	free(l->name);
	free(l->addrs);
	free(l->waiters);
	free(l);
}

/* Hands one target the lookup's outcome. */
static void resolve_apply(struct scan *s, const struct name_lookup *l,
			  int64_t target_id, int port)
{
	size_t i;

	if (l->error_kind) {
		if (store_target_set_error(s->st, target_id, l->error_kind,
					   l->error_reason) != 0)
			scan_fail(s, "%s", store_errmsg(s->st));
		return;
	}
	for (i = 0; i < l->naddrs; i++)
		scan_want_endpoint(s, target_id, l->addrs[i], port, l->name,
				   l->name);
}

static void resolve_collect(struct name_lookup *l, const struct addrinfo *res)
{
	const struct addrinfo *ai;
	size_t i;

	for (ai = res; ai && l->naddrs < FC_ADDRS_PER_HOST_MAX; ai = ai->ai_next) {
		char buf[INET6_ADDRSTRLEN];
		const void *src;

		if (ai->ai_family == AF_INET)
			src = &((const struct sockaddr_in *)ai->ai_addr)->sin_addr;
		else if (ai->ai_family == AF_INET6)
			src = &((const struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
		else
			continue;
		if (inet_ntop(ai->ai_family, src, buf, sizeof(buf)) == NULL)
			continue;
		for (i = 0; i < l->naddrs; i++)
			if (strcmp(l->addrs[i], buf) == 0)
				break;
		if (i == l->naddrs)
			memcpy(l->addrs[l->naddrs++], buf, sizeof(buf));
	}
}

static void resolve_on_done(uv_getaddrinfo_t *req, int status,
			    struct addrinfo *res)
{
	struct name_lookup *l = container_of(req, struct name_lookup, req);
	struct scan *s = l->scan;
	size_t i;

	l->done = 1;
	s->resolving--;
	if (status == UV_EAI_NONAME) {
		l->error_kind = "dns_nxdomain";
		snprintf(l->error_reason, sizeof(l->error_reason),
			 "%s: %s", l->name, uv_strerror(status));
	} else if (status < 0) {
		l->error_kind = "dns_error";
		snprintf(l->error_reason, sizeof(l->error_reason),
			 "%s: %s", l->name, uv_strerror(status));
	} else {
		resolve_collect(l, res);
		if (l->naddrs == 0) {
			l->error_kind = "dns_noaddress";
			snprintf(l->error_reason, sizeof(l->error_reason),
				 "%s: no IPv4 or IPv6 address", l->name);
		}
	}
	uv_freeaddrinfo(res);
	for (i = 0; i < l->nwaiters && !s->failed && !s->interrupted; i++)
		resolve_apply(s, l, l->waiters[i].target_id, l->waiters[i].port);
	free(l->waiters);
	l->waiters = NULL;
	l->nwaiters = l->capwaiters = 0;
	scan_pump(s);
}

static struct name_lookup *resolve_start(struct scan *s, const char *name)
{
	struct name_lookup *l = calloc(1, sizeof(*l));
	struct addrinfo hints;
	int rc;

	if (l == NULL)
		return NULL;
	l->scan = s;
	l->name = strdup(name);
	l->addrs = calloc(FC_ADDRS_PER_HOST_MAX, sizeof(*l->addrs));
	if (l->name == NULL || l->addrs == NULL ||
	    map_put(&s->names, name, l) != 0) {
		resolve_free(l);
		return NULL;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	rc = uv_getaddrinfo(&s->loop, &l->req, resolve_on_done, name, NULL,
			    &hints);
	if (rc < 0) {
		l->done = 1;
		l->error_kind = "dns_error";
		snprintf(l->error_reason, sizeof(l->error_reason), "%s: %s",
			 name, uv_strerror(rc));
	} else {
		s->resolving++;
	}
	return l;
}

void resolve_target(struct scan *s, int64_t target_id, const char *name,
		    int port)
{
	struct name_lookup *l = map_get(&s->names, name);

	if (l == NULL && (l = resolve_start(s, name)) == NULL) {
		scan_fail(s, "out of memory");
		return;
	}
	if (l->done) {
		resolve_apply(s, l, target_id, port);
		return;
	}
	if (l->nwaiters == l->capwaiters) {
		size_t cap = l->capwaiters ? l->capwaiters * 2 : 2;
		struct name_waiter *w = realloc(l->waiters, cap * sizeof(*w));

		if (w == NULL) {
			scan_fail(s, "out of memory");
			return;
		}
		l->waiters = w;
		l->capwaiters = cap;
	}
	l->waiters[l->nwaiters].target_id = target_id;
	l->waiters[l->nwaiters].port = port;
	l->nwaiters++;
}
