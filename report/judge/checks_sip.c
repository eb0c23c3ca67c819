/* checks_sip.c: the per-endpoint findings of the SIP OPTIONS a scan with
 * --sip-options sent over the TLS session (store.h, struct store_sip_row):
 * nothing answered (sip_not_answering), something not SIP did
 * (sip_not_sip), the partner refused it (sip_rejected, with what its
 * ms-diagnostics code usually means), and the product that answered
 * (sip_server; sip_product_out_of_support when its vendor's support has
 * ended). The tables below are data, dated and sourced in
 * docs/sip-options.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report/judge/findings_int.h"

/* Products by what their Server or User-Agent header starts with (any
 * case). ended: the day the vendor's support ended ("" still supported,
 * or unknown). */
static const struct {
	const char *prefix;
	const char *product;
	const char *ended;
} products[] = {
	{ "RTC/4.0", "Microsoft Lync Server 2010", "2021-04-13" },
	{ "RTC/5.0", "Microsoft Lync Server 2013", "2023-04-11" },
	{ "RTC/6.0", "Microsoft Skype for Business Server 2015", "2025-10-14" },
	/* 2019 (support ended 2025-10-14) and Subscription Edition are not
	 * told apart by this header: no warning */
	{ "RTC/7.0", "Microsoft Skype for Business Server 2019 or "
		     "Subscription Edition", "" },
	{ "Microsoft.PSTNHub.SIPProxy", "Microsoft Teams Direct Routing "
					"(SIP proxy)", "" },
	{ "Mediant", "AudioCodes Mediant SBC", "" },
	{ "AudioCodes", "AudioCodes SBC", "" },
	{ "Ribbon", "Ribbon SBC", "" },
	{ "Oracle", "Oracle (Acme Packet) SBC", "" },
	{ "kamailio", "Kamailio", "" },
	{ "OpenSIPS", "OpenSIPS", "" },
	{ "FreeSWITCH", "FreeSWITCH", "" },
	{ "Asterisk", "Asterisk", "" },
};

/* What a Skype for Business / Lync ms-diagnostics code usually means. */
static const struct {
	const char *code;
	const char *meaning;
} diagnostics[] = {
	{ "1008", "the partner's Edge could not resolve a DNS SRV record "
		  "(ours, or a domain it routes)" },
	{ "1034", "the previous hop, a federated peer, did not say why: the "
		  "other Edge's logs do" },
	{ "1046", "the partner's Edge could not connect to a federated peer "
		  "server (ours: a firewall, or our published address)" },
	{ "1047", "the partner's Edge failed the TLS negotiation with us: "
		  "usually it does not trust our certificate's CA, or our "
		  "certificate lacks Client Authentication" },
};

static int has_prefix(const char *s, const char *prefix)
{
	return s != NULL && strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* The ms-diagnostics(-public) code's meaning, or NULL. */
static const char *diagnostic_meaning(const char *value)
{
	size_t i, n;

	for (i = 0; value != NULL && i < sizeof diagnostics /
						sizeof diagnostics[0]; i++) {
		n = strlen(diagnostics[i].code);
		if (strncmp(value, diagnostics[i].code, n) == 0 &&
		    (value[n] == ';' || value[n] == '\0' || value[n] == ' '))
			return diagnostics[i].meaning;
	}
	return NULL;
}

static int say_not_answering(struct probe_judge *j,
			     const struct store_sip_row *s)
{
	struct msg m = { 0 };

	msg_add(&m, "TLS is up but no SIP response came to our OPTIONS: %s",
		s->error_reason ? s->error_reason : s->error);
	if (s->other_call_id > 0)
		msg_add(&m, " (%u responses for another Call-ID)",
			s->other_call_id);
	return finding_add_msg(j->out, "sip_not_answering", SEVERITY_ERROR,
			       j->probe, &m);
}

static int say_not_sip(struct probe_judge *j, const struct store_sip_row *s)
{
	struct msg m = { 0 };
	char first[61];

	snprintf(first, sizeof first, "%s", s->headers ? s->headers : "");
	msg_add(&m, "what came back to our OPTIONS is not a SIP response%s%s%s",
		first[0] ? ": \"" : "", first, first[0] ? "...\"" : "");
	return finding_add_msg(j->out, "sip_not_sip", SEVERITY_ERROR, j->probe,
			       &m);
}

static int say_rejected(struct probe_judge *j, const struct store_sip_row *s)
{
	const char *diag = s->ms_diagnostics_public ? s->ms_diagnostics_public
						    : s->ms_diagnostics;
	const char *meaning = diagnostic_meaning(diag);
	/* the method refused, not us: SIP answers */
	enum finding_severity sev = s->status == 405 || s->status == 501
					    ? SEVERITY_WARNING : SEVERITY_ERROR;
	struct msg m = { 0 };

	msg_add(&m, "the partner answered our OPTIONS with %d %s", s->status,
		s->reason ? s->reason : "");
	if (diag != NULL)
		msg_add(&m, " (%s: %s)", s->ms_diagnostics_public
						  ? "ms-diagnostics-public"
						  : "ms-diagnostics", diag);
	if (meaning != NULL)
		msg_add(&m, ": %s", meaning);
	else if (s->status == 504 && diag == NULL)
		msg_add(&m, ": a Skype for Business Edge answers a peer it "
			    "refuses so, without a reason; its logs say why");
	else if (sev == SEVERITY_WARNING)
		msg_add(&m, ": it does not take OPTIONS, but SIP answers");
	return finding_add_msg(j->out, "sip_rejected", sev, j->probe, &m);
}

static int say_server(struct probe_judge *j, const struct store_sip_row *s)
{
	const char *header = s->server ? "Server" : "User-Agent";
	const char *value = s->server ? s->server : s->user_agent;
	struct msg m = { 0 }, w = { 0 };
	size_t i, n = sizeof products / sizeof products[0];

	if (value == NULL)
		return 0;
	for (i = 0; i < n && !has_prefix(value, products[i].prefix); i++)
		;
	msg_add(&m, "%s: %s", header, value);
	if (i < n)
		msg_add(&m, " (%s)", products[i].product);
	if (finding_add_msg(j->out, "sip_server", SEVERITY_INFO, j->probe,
			    &m) != 0)
		return -1;
	if (i == n || products[i].ended[0] == '\0')
		return 0;
	msg_add(&w, "%s (%s) is out of its vendor's support since %s: no "
		"security updates", products[i].product, value,
		products[i].ended);
	return finding_add_msg(j->out, "sip_product_out_of_support",
			       SEVERITY_WARNING, j->probe, &w);
}

int check_sip(struct probe_judge *j)
{
	const struct store_sip_row *s = j->probe->sip;

	if (s == NULL || (s->error != NULL && strcmp(s->error, "not_sent") == 0))
		return 0;
	if (s->error != NULL && strcmp(s->error, "not_sip") == 0)
		return say_not_sip(j, s);
	if (s->error != NULL || s->status == 0)
		return say_not_answering(j, s);
	if (s->status >= 300 && say_rejected(j, s) != 0)
		return -1;
	return say_server(j, s);
}
