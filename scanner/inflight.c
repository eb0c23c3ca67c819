/* inflight.c: the targets and endpoints a scan has under way.
 *
 * A target is held by each lookup and probe it waits for and completed
 * (stored as such, for a resume) when the last hold goes. An endpoint is
 * probed once per scan: targets that reach it while its probe is queued or
 * running wait on it, with the route by which they came, and are linked to
 * the probe once it is stored; later ones are linked at once. A stored
 * endpoint is retired in scan->endpoints: when the map has let it go, a
 * later target finds its probe in the database (scan_may_recall()).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan_int.h"

/* ---- Targets in flight ------------------------------------------------- */

struct target *target_new(struct scan *s, int64_t id)
{
	struct target *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->id = id;
	t->holds = 1; /* the row's own, released once it is dispatched */
	t->next = s->targets;
	if (s->targets)
		s->targets->prev = t;
	s->targets = t;
	return t;
}

void target_unlink_free(struct scan *s, struct target *t)
{
	if (t->prev)
		t->prev->next = t->next;
	else
		s->targets = t->next;
	if (t->next)
		t->next->prev = t->prev;
	free(t->ours);
	free(t);
}

void target_set_ours(struct scan *s, struct target *t, const char *reason)
{
	char *copy = strdup(reason);

	if (copy == NULL) {
		scan_fail(s, "out of memory");
		return;
	}
	free(t->ours);
	t->ours = copy;
}

void target_hold(struct target *t)
{
	t->holds++;
}

void target_release(struct scan *s, struct target *t)
{
	if (--t->holds > 0)
		return;
	/* Not probed for a reason of ours: said so, and left incomplete,
	 * so that a resume does it again. */
	if (t->ours != NULL && !s->failed) {
		s->summary->not_probed++;
		if (store_target_set_error(s->st, t->id, FAIL_NOT_PROBED,
					   t->ours) != 0)
			scan_fail(s, "%s", store_errmsg(s->st));
	} else if (!s->failed && store_target_complete(s->st, t->id) != 0) {
		scan_fail(s, "%s", store_errmsg(s->st));
	}
	target_unlink_free(s, t);
}

/* ---- Endpoints --------------------------------------------------------- */

static void endpoint_free_waiters(struct endpoint *ep)
{
	size_t i;

	for (i = 0; i < ep->nwaiters; i++) {
		free(ep->waiters[i].host);
		free(ep->waiters[i].srv_name);
	}
	free(ep->waiters);
	ep->waiters = NULL;
	ep->nwaiters = ep->capwaiters = 0;
}

void endpoint_free(void *v)
{
	struct endpoint *ep = v;

	if (ep == NULL)
		return;
	endpoint_free_waiters(ep);
	free(ep->ours_reason);
	free(ep->address);
	free(ep->sni);
	free(ep);
}

static int endpoint_add_waiter(struct endpoint *ep, struct target *t,
			       const struct store_route *route)
{
	struct waiter *w;

	if (ep->nwaiters == ep->capwaiters) {
		size_t cap = ep->capwaiters ? ep->capwaiters * 2 : 2;
		struct waiter *w = realloc(ep->waiters, cap * sizeof(*w));

		if (w == NULL)
			return -1;
		ep->waiters = w;
		ep->capwaiters = cap;
	}
	w = &ep->waiters[ep->nwaiters];
	w->target = t;
	w->srv_priority = route->srv_priority;
	w->srv_weight = route->srv_weight;
	w->host = strdup(route->host);
	w->srv_name = route->srv_name ? strdup(route->srv_name) : NULL;
	if (w->host == NULL || (route->srv_name && w->srv_name == NULL)) {
		free(w->host);
		free(w->srv_name);
		return -1;
	}
	ep->nwaiters++;
	target_hold(t);
	return 0;
}

/* A new endpoint in scan->endpoints: queued for its probe, or (stored)
 * the probe this scan already stored, found again (retired at once). */
static struct endpoint *endpoint_new(struct scan *s, const char *key,
				     const char *address, int port,
				     const char *sni, int64_t stored)
{
	struct endpoint *ep = calloc(1, sizeof(*ep));

	if (ep == NULL)
		return NULL;
	ep->state = stored ? ENDPOINT_STORED : ENDPOINT_QUEUED;
	ep->probe_id = stored;
	ep->address = strdup(address);
	ep->port = port;
	ep->sni = sni ? strdup(sni) : NULL;
	if (ep->address == NULL || (sni && ep->sni == NULL) ||
	    (ep->key = map_put_key(&s->endpoints, key, ep)) == NULL) {
		endpoint_free(ep);
		return NULL;
	}
	if (stored) {
		map_retire(&s->endpoints, ep->key);
		return ep;
	}
	if (s->queue_tail)
		s->queue_tail->next_queued = ep;
	else
		s->queue_head = ep;
	s->queue_tail = ep;
	s->queued++;
	return ep;
}

void scan_want_endpoint(struct scan *s, struct target *t, const char *address,
			int port, const char *sni,
			const struct store_route *route)
{
	char key[INET6_ADDRSTRLEN + FC_DNS_NAME_MAX + 16];
	struct endpoint *ep;

	/* check --sni: the name asked for, whatever the route. */
	if (s->sni[0] != '\0')
		sni = s->sni;
	snprintf(key, sizeof(key), "%s|%d|%s", address, port, sni ? sni : "");
	ep = map_get(&s->endpoints, key);
	if (ep == NULL) {
		int64_t stored = 0;

		/* Let go of, or probed by the run a resume continues. */
		if (scan_may_recall(s, GONE_ENDPOINT, key)) {
			int rc = store_recall_probe(s->st, s->scan_id, address,
						    port, sni, &stored);

			if (rc < 0) {
				scan_fail(s, "%s", store_errmsg(s->st));
				return;
			}
			s->recalled += rc;
		}
		ep = endpoint_new(s, key, address, port, sni, stored);
		if (ep == NULL) {
			scan_fail(s, "out of memory");
			return;
		}
	}
	if (ep->state == ENDPOINT_OURS) {
		target_set_ours(s, t, ep->ours_reason);
		return;
	}
	if (ep->state == ENDPOINT_STORED) {
		if (store_target_probe_link(s->st, t->id, ep->probe_id, route) != 0)
			scan_fail(s, "%s", store_errmsg(s->st));
		return;
	}
	if (endpoint_add_waiter(ep, t, route) != 0)
		scan_fail(s, "out of memory");
}

void scan_probe_done(struct scan *s, struct endpoint *ep,
		     const struct store_probe *result)
{
	size_t i;

	s->summary->probes++;
	if (result->error_kind)
		s->summary->probe_failures++;
	if (store_probe_add(s->st, s->scan_id, result, &ep->probe_id) != 0) {
		scan_fail(s, "%s", store_errmsg(s->st));
		return;
	}
	ep->state = ENDPOINT_STORED;
	map_retire(&s->endpoints, ep->key);
	for (i = 0; i < ep->nwaiters; i++) {
		const struct waiter *w = &ep->waiters[i];
		struct store_route route = { w->srv_name, w->host,
					     w->srv_priority, w->srv_weight };

		if (!s->failed &&
		    store_target_probe_link(s->st, w->target->id, ep->probe_id,
					    &route) != 0)
			scan_fail(s, "%s", store_errmsg(s->st));
		target_release(s, w->target);
	}
	endpoint_free_waiters(ep);
}

void scan_endpoint_ours(struct scan *s, struct endpoint *ep,
			const char *reason)
{
	size_t i;

	ep->state = ENDPOINT_OURS;
	ep->ours_reason = strdup(reason);
	if (ep->ours_reason == NULL) {
		scan_fail(s, "out of memory");
		return;
	}
	/* Nothing is stored of it: once let go, a later target probes it
	 * again (and our network fails it again, or works by then). */
	map_retire(&s->endpoints, ep->key);
	for (i = 0; i < ep->nwaiters; i++) {
		target_set_ours(s, ep->waiters[i].target, ep->ours_reason);
		target_release(s, ep->waiters[i].target);
	}
	endpoint_free_waiters(ep);
}
