/* outage.c: our failures are not the partners'.
 *
 * A DNS question fails for a reason of ours when our resolver set refused
 * it (ARES_ECONNREFUSED: a closed port, a network down; "Could not contact
 * DNS servers"), or when it timed out while the resolver set gave no
 * answer at all, to any question, since it was sent. A partner whose own
 * servers are silent still gets an answer from a working recursive
 * resolver (SERVFAIL), or times out while the others' questions are
 * answered: that stays the partner's dns_timeout.
 *
 * Such a question is parked, not stored, and the resolver is asked one
 * question of our own (the canary: the root's NS) at once, then after
 * FC_OUTAGE_WAIT_MS, doubling, FC_OUTAGE_CANARIES times in all. Meanwhile
 * no more rows are read. Any answer, to the canary or to a question that
 * was under way, shows the resolver up: the parked questions are asked
 * again. A timeout that recurs after the canary was answered is the
 * partner's after all (a lone silent name: nothing else was asked). When
 * the resolver does not come back, the parked questions are given up and
 * the scan asks no more: each target that needed an answer is stored
 * not_probed, incomplete, with our reason, and the scan is marked failed
 * for `scan --resume` to finish.
 *
 * A connect fails for a reason of ours when connect() itself refuses
 * before any packet leaves (no route, no source address, the network
 * down, a local filter or a "prohibit" route: ENETUNREACH, EHOSTUNREACH,
 * EADDRNOTAVAIL, ENETDOWN, EPERM, EACCES): the endpoint is not stored and its targets are
 * not probed. An error that comes back later (an ICMP unreachable from a
 * router, a failed ARP) may be the partner's network: it stays theirs.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "scan_int.h"

/* The canary: the root zone's NS, which any recursive resolver answers
 * from its cache, and any server at all answers somehow (REFUSED is an
 * answer: the resolver is up). */
#define OUTAGE_CANARY_NAME "."

static int status_is_answer(int status)
{
	switch (status) {
	case ARES_SUCCESS: case ARES_ENODATA: case ARES_ENOTFOUND:
	case ARES_ESERVFAIL: case ARES_EREFUSED: case ARES_EFORMERR:
	case ARES_ENOTIMP: case ARES_EBADRESP:
		return 1;
	}
	return 0;
}

static void outage_say(struct scan *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* One line on standard error, over the progress line when there is one
 * (the next tick writes it again). */
static void outage_say(struct scan *s, const char *fmt, ...)
{
	va_list ap;

	if (s->opts->quiet)
		return;
	if (s->progress_shown) {
		fputs("\r\033[K", stderr);
		s->progress_shown = 0;
	}
	fputs("fedcert: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void outage_init(struct scan *s)
{
	const struct scan_options *o = s->opts;
	size_t i, used = 0;

	uv_timer_init(&s->loop, &s->outage_timer);
	s->outage_timer.data = s;
	if (o->ndns_servers == 0)
		snprintf(s->dns_label, sizeof(s->dns_label),
			 "(the system's, /etc/resolv.conf)");
	for (i = 0; i < o->ndns_servers && used < sizeof(s->dns_label); i++)
		used += (size_t)snprintf(s->dns_label + used,
					 sizeof(s->dns_label) - used, "%s%s",
					 i ? ", " : "", o->dns_servers[i]);
}

void outage_close(struct scan *s)
{
	uv_close((uv_handle_t *)&s->outage_timer, NULL);
}

void outage_sent(struct scan *s, struct dns_ask *a)
{
	a->sent_at = s->dns_answers;
}

int outage_dns_usable(const struct scan *s)
{
	return !s->dns_gave_up;
}

/* Takes the parked list, for a walk that may park again. */
static struct dns_ask *outage_take_parked(struct scan *s)
{
	struct dns_ask *list = s->parked;

	s->parked = NULL;
	s->nparked = 0;
	return list;
}

/* The resolver answered: every parked question is asked again, but a
 * timeout already asked again once after it answered is the partner's. */
static void outage_up(struct scan *s)
{
	struct dns_ask *a = outage_take_parked(s), *next;
	long again = 0;

	if (s->dns_down)
		uv_timer_stop(&s->outage_timer);
	s->dns_down = 0;
	s->canaries = 0;
	for (; a != NULL && !s->failed && !s->interrupted; a = next) {
		next = a->next_parked;
		a->next_parked = NULL;
		if (a->status == ARES_ETIMEOUT && a->retried > 0) {
			a->give_up(s, a, 1);
			continue;
		}
		if (a->retried >= FC_OUTAGE_RETRIES) {
			a->give_up(s, a, 0);
			continue;
		}
		a->retried++;
		again++;
		s->resolving++;
		outage_sent(s, a);
		a->resend(s, a);
	}
	if (again > 0)
		outage_say(s, "our resolver %s answers again: %ld question%s"
			   " asked again", s->dns_label, again,
			   again == 1 ? "" : "s");
	scan_wake(s);
}

static void outage_gave_up(struct scan *s)
{
	struct dns_ask *a = outage_take_parked(s), *next;

	s->dns_down = 0;
	s->dns_gave_up = 1;
	outage_say(s, "our resolver %s did not come back: no more questions"
		   " are asked in this scan; the targets that needed one are"
		   " not probed (fedcert scan --resume finishes them)",
		   s->dns_label);
	for (; a != NULL; a = next) {
		next = a->next_parked;
		a->next_parked = NULL;
		a->give_up(s, a, 0);
	}
	scan_wake(s);
}

static void outage_send_canary(struct scan *s);

static void outage_on_timer(uv_timer_t *t)
{
	outage_send_canary(t->data);
}

static void outage_on_canary(void *arg, int status, int timeouts,
			     unsigned char *abuf, int alen)
{
	struct scan *s = arg;

	(void)timeouts;
	(void)abuf;
	(void)alen;
	if (status == ARES_EDESTRUCTION)
		return;
	s->canary_inflight = 0;
	if (status == ARES_ECANCELLED || s->failed || s->interrupted)
		return;
	if (status_is_answer(status)) {
		s->dns_answers++;
		outage_up(s);
		return;
	}
	if (!s->dns_down)
		return; /* the resolver came back meanwhile */
	if (++s->canaries >= FC_OUTAGE_CANARIES) {
		outage_gave_up(s);
		return;
	}
	uv_timer_start(&s->outage_timer, outage_on_timer,
		       (uint64_t)FC_OUTAGE_WAIT_MS << (s->canaries - 1), 0);
}

static void outage_send_canary(struct scan *s)
{
	if (s->canary_inflight || !s->dns_down || s->closing)
		return;
	s->canary_inflight = 1;
	dns_query(&s->dns, OUTAGE_CANARY_NAME, T_NS, outage_on_canary, s);
}

/* Our resolver failed a: park it, and find out whether it is down. */
static void outage_park(struct scan *s, struct dns_ask *a, int status)
{
	a->status = status;
	a->next_parked = s->parked;
	s->parked = a;
	s->nparked++;
	s->dns_missed++;
	if (s->dns_reason[0] == '\0')
		snprintf(s->dns_reason, sizeof(s->dns_reason),
			 "our resolver %s did not answer (%s)", s->dns_label,
			 ares_strerror(status));
	if (s->dns_down)
		return;
	s->dns_down = 1;
	s->canaries = 0;
	outage_say(s, "our resolver %s is not answering (%s): no more rows"
		   " are read until it does; asking it again", s->dns_label,
		   ares_strerror(status));
	outage_send_canary(s);
}

int outage_dns_take(struct scan *s, struct dns_ask *a, int status)
{
	if (status_is_answer(status)) {
		s->dns_answers++;
		if (s->dns_down)
			outage_up(s);
		return 0;
	}
	if (status != ARES_ECONNREFUSED &&
	    !(status == ARES_ETIMEOUT && s->dns_answers == a->sent_at))
		return 0;
	/* Asked again after the resolver answered the canary, and silent
	 * again: the partner's name, not our resolver. */
	if (status == ARES_ETIMEOUT && a->retried > 0 && !s->dns_down &&
	    !s->dns_gave_up)
		return 0;
	if (s->dns_gave_up) {
		s->dns_missed++;
		a->give_up(s, a, 0);
		return 1;
	}
	outage_park(s, a, status);
	return 1;
}

void outage_abandon(struct scan *s)
{
	outage_take_parked(s);
	s->dns_down = 0;
	if (!s->closing)
		uv_timer_stop(&s->outage_timer);
}

/* Addresses that can never be a server's: the partner's DNS is wrong, and
 * the kernel's refusal to connect there is not our network failing. */
static int address_is_unicast(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		uint32_t a = ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr);

		return a != 0 && a != 0xffffffffu && (a >> 28) != 0xe;
	}
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;

		return !IN6_IS_ADDR_UNSPECIFIED(a) && !IN6_IS_ADDR_MULTICAST(a);
	}
	return 0;
}

int outage_connect_is_ours(int uverr, const struct sockaddr *sa)
{
	if (uverr != UV_ENETUNREACH && uverr != UV_EHOSTUNREACH &&
	    uverr != UV_EADDRNOTAVAIL && uverr != UV_ENETDOWN &&
	    uverr != UV_EPERM && uverr != UV_EACCES)
		return 0;
	return sa == NULL || address_is_unicast(sa);
}

void outage_net(struct scan *s, struct endpoint *ep, const char *reason)
{
	if (s->net_missed++ == 0) {
		snprintf(s->net_reason, sizeof(s->net_reason), "%s", reason);
		outage_say(s, "%s: its targets are not probed%s", reason,
			   strchr(ep->address, ':') ? " (on a machine without"
			   " IPv6, --ipv4-only)" : "");
	}
	scan_endpoint_ours(s, ep, reason);
}

void outage_summary(const struct scan *s, char *buf, size_t len)
{
	const char *why = s->dns_reason[0] ? s->dns_reason : s->net_reason;

	buf[0] = '\0';
	if (s->summary->not_probed == 0)
		return;
	snprintf(buf, len, "this scan is incomplete: %s%s; %ld target%s not"
		 " probed; %s", why,
		 s->dns_reason[0] && s->net_missed ? ", and our network failed"
		 : "", s->summary->not_probed,
		 s->summary->not_probed == 1 ? "" : "s",
		 s->opts->one_host ? "check again once it is back" :
		 "run fedcert scan --resume");
}
