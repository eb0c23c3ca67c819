/* sip_probe.c: one probe's SIP OPTIONS exchange: the request built from
 * the endpoint and our names (sip.c writes it), the answer fed to sip.c's
 * reader, and what it comes to, in the store's terms.
 */
#include "sip_probe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "common/fedcert_limits.h"

int scan_sip_name_is_valid(const char *name)
{
	size_t i, len = name != NULL ? strlen(name) : 0, label = 0;

	if (len == 0 || len > FC_DNS_NAME_MAX || name[len - 1] == '.' ||
	    name[0] == '.' || name[0] == '-')
		return 0;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (c == '.') {
			if (label == 0 || name[i - 1] == '-')
				return 0;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-'))
			return 0;
		if (++label > 63 || (label == 1 && c == '-'))
			return 0;
	}
	return name[len - 1] != '-';
}

struct sip_probe *sip_probe_new(const struct scan_options *o,
				const char *host, const char *address,
				int port, struct sip_probe *reuse)
{
	struct sip_probe *x = reuse != NULL ? reuse : malloc(sizeof(*x));
	unsigned char random[SIP_RANDOM_MIN];
	char literal[FC_DNS_NAME_MAX + 3];
	const char *contact = o->sip_contact ? o->sip_contact : o->sip_domain;
	struct sip_request req = {
		.port = port, .domain = o->sip_domain, .contact = contact,
		.via_host = contact, .version = FEDCERT_VERSION,
		.random = random, .random_len = sizeof random
	};

	if (x == NULL)
		return NULL;
	/* the fields read before the reader decides; the reader zeroes
	 * itself, and resp is written whole once decided */
	x->request_len = 0;
	x->call_id[0] = '\0';
	x->sent_ns = 0;
	x->rtt_ms = -1;
	x->state = SIP_MORE;
	x->error = NULL;
	x->error_reason[0] = '\0';
	x->resp.status = 0;
	x->resp.provisional = x->resp.other_call_id = 0;
	x->resp.bytes = 0;
	if (host == NULL && address != NULL && strchr(address, ':') != NULL)
		snprintf(literal, sizeof literal, "[%s]", address);
	else
		snprintf(literal, sizeof literal, "%s", host ? host : address);
	req.target = literal;
	if (RAND_bytes(random, sizeof random) != 1) {
		x->request_len = -1;
		sip_probe_fail(x, "not_sent", "no random bytes for the request");
		return x;
	}
	x->request_len = sip_options_build(&req, x->request, sizeof x->request,
					   x->call_id, sizeof x->call_id);
	if (x->request_len < 0)
		sip_probe_fail(x, "not_sent", "the host name cannot stand in a "
			       "SIP URI: no request was sent");
	sip_reader_init(&x->reader, x->call_id);
	return x;
}

enum sip_read_state sip_probe_feed(struct sip_probe *x, const char *data,
				   size_t len, uint64_t now_ns)
{
	if (x->state != SIP_MORE || x->error != NULL)
		return x->state;
	x->state = sip_reader_feed(&x->reader, data, len, &x->resp);
	if (x->state == SIP_FINAL && x->sent_ns != 0)
		x->rtt_ms = (double)(now_ns - x->sent_ns) / 1e6;
	else if (x->state == SIP_NOT_SIP)
		sip_probe_fail(x, "not_sip", "what came back is not a SIP "
			       "response");
	else if (x->state == SIP_TOO_BIG)
		sip_probe_fail(x, "too_big", "the answer passed "
			       "fedcert's bounds (64 KB, a 16 KB head, 32 "
			       "provisional responses)");
	return x->state;
}

void sip_probe_fail(struct sip_probe *x, const char *error,
		    const char *reason)
{
	if (x->error != NULL || x->state == SIP_FINAL)
		return;
	x->error = error;
	snprintf(x->error_reason, sizeof x->error_reason, "%s", reason);
}

/* A value kept, or NULL when empty. */
static const char *sip_value(const char *v)
{
	return v[0] != '\0' ? v : NULL;
}

void sip_probe_facts(struct sip_probe *x, struct store_sip *out)
{
	const struct sip_response *r = &x->resp;
	int decided = x->state != SIP_MORE;

	memset(out, 0, sizeof(*out));
	out->provisional = r->provisional;
	out->other_call_id = r->other_call_id;
	out->rtt_ms = x->rtt_ms;
	out->error = x->state == SIP_FINAL ? NULL : x->error;
	out->error_reason = out->error != NULL ? x->error_reason : NULL;
	/* the rest of resp is written only once the reader decided */
	if (!decided)
		return;
	out->status = x->state == SIP_FINAL ? r->status : 0;
	out->reason = out->status ? sip_value(r->reason) : NULL;
	out->server = sip_value(r->server);
	out->user_agent = sip_value(r->user_agent);
	out->allow = sip_value(r->allow);
	out->supported = sip_value(r->supported);
	out->contact = sip_value(r->contact);
	out->ms_diagnostics = sip_value(r->ms_diagnostics);
	out->ms_diagnostics_public = sip_value(r->ms_diagnostics_public);
	out->warning = sip_value(r->warning);
	/* the head as text: up to a NUL (a binary answer may hold one;
	 * the reader ends the kept bytes with one) */
	out->headers = sip_value(r->headers);
}

void sip_probe_free(struct sip_probe *x)
{
	free(x);
}
