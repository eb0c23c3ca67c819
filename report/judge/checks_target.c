/* checks_target.c: the findings about a target as a whole, from its DNS
 * answers (srv_missing, srv_not_available, dns_error, host_unresolved,
 * srv_target_outside_domain); those across its probes, the pools, are in
 * checks_pool.c.
 *
 * The DNS answers are the evidence; the target's error_kind is read only
 * when the answer it summarises is not there (a database written before
 * answers were stored, a lookup the scanner refused to make), so that one
 * fact is never said twice.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report/judge/findings_int.h"
#include "report/judge/names.h"

static int is(const char *s, const char *want)
{
	return s != NULL && strcmp(s, want) == 0;
}

/* An rcode that says the lookup failed, as opposed to an answer (NOERROR,
 * with or without data) or a definite "no such name" (NXDOMAIN). */
static int rcode_failed(const char *rcode)
{
	return rcode != NULL && !is(rcode, "NOERROR") && !is(rcode, "NXDOMAIN");
}

static const char *reason_or(const char *reason, const char *fallback)
{
	return reason != NULL ? reason : fallback;
}

static const struct store_dns_answer_row *
srv_answer(const struct store_target_row *t)
{
	size_t i;

	for (i = 0; i < t->dns_count; i++)
		if (is(t->dns[i].type, "SRV"))
			return &t->dns[i];
	return NULL;
}

static int is_dot(const char *target)
{
	return target == NULL || target[0] == '\0' || is(target, ".");
}

/* ---- srv_missing, srv_not_available, dns_error (SRV) ------------------- */

static int srv_from_answer(const struct store_target_row *t,
			   const struct store_dns_answer_row *a,
			   struct finding_list *out)
{
	size_t i, real = 0;

	if (is(a->rcode, "NXDOMAIN"))
		return finding_add(out, "srv_missing", SEVERITY_ERROR, NULL,
				   "%s SRV: NXDOMAIN (the name does not exist)",
				   a->name);
	if (rcode_failed(a->rcode))
		return finding_add(out, "dns_error", SEVERITY_ERROR, NULL,
				   "%s SRV: %s (%s)", a->name, a->rcode,
				   reason_or(a->reason, "no reason given"));
	if (a->count == 0)
		return finding_add(out, "srv_missing", SEVERITY_ERROR, NULL,
				   "no SRV record for %s (NOERROR, no data)",
				   a->name);
	for (i = 0; i < a->count; i++)
		if (!is_dot(a->records[i].target))
			real++;
	if (real == 0)
		return finding_add(out, "srv_not_available", SEVERITY_WARNING,
				   NULL, "%s SRV target is \".\": the service "
				   "is decidedly not available", a->name);
	if (failure_is(t->error_kind, FAIL_SRV_INVALID))
		return finding_add(out, "srv_missing", SEVERITY_ERROR, NULL,
				   "no usable SRV record: %s",
				   reason_or(t->error_reason, a->name));
	return 0;
}

/* Without the SRV answer: what the target's error_kind says. */
static int srv_from_kind(const struct store_target_row *t,
			 struct finding_list *out)
{
	const char *k = t->error_kind;
	const char *why = reason_or(t->error_reason, k);

	if (k == NULL)
		return 0;
	if (failure_is(k, FAIL_SRV_MISSING) || failure_is(k, FAIL_SRV_INVALID) ||
	    failure_is(k, FAIL_INVALID_NAME) || failure_is(k, FAIL_DNS_NXDOMAIN))
		return finding_add(out, "srv_missing", SEVERITY_ERROR, NULL,
				   "%s", why);
	if (failure_is(k, FAIL_SRV_NOT_AVAILABLE))
		return finding_add(out, "srv_not_available", SEVERITY_WARNING,
				   NULL, "%s", why);
	if (strncmp(k, "dns_", 4) == 0)
		return finding_add(out, "dns_error", SEVERITY_ERROR, NULL,
				   "%s: %s", k, why);
	return 0;
}

/* ---- dns_error, host_unresolved (A/AAAA) ------------------------------- */

static int host_seen_before(const struct store_target_row *t, size_t i)
{
	size_t k;

	for (k = 0; k < i; k++)
		if ((is(t->dns[k].type, "A") || is(t->dns[k].type, "AAAA")) &&
		    name_equal(t->dns[k].name, t->dns[i].name))
			return 1;
	return 0;
}

/* One host: its A and AAAA answers (from index first on). A host with an
 * address from either family is fine. Without one: dns_error when a
 * lookup failed (the cause), else host_unresolved (NXDOMAIN or no data:
 * the name really has no address); never both. */
static int host_judge(const struct store_target_row *t, size_t first,
		      struct finding_list *out)
{
	const char *name = t->dns[first].name;
	struct msg m = { 0 };
	size_t i;
	int failed = 0, n = 0;

	msg_add(&m, "%s has no address: ", name);
	for (i = first; i < t->dns_count; i++) {
		const struct store_dns_answer_row *a = &t->dns[i];

		if ((!is(a->type, "A") && !is(a->type, "AAAA")) ||
		    !name_equal(a->name, name))
			continue;
		if (a->count > 0 && !rcode_failed(a->rcode)) {
			msg_free(&m);
			return 0;
		}
		failed |= rcode_failed(a->rcode);
		msg_add(&m, "%s%s %s", n++ ? ", " : "", a->type, a->rcode);
		if (rcode_failed(a->rcode))
			msg_add(&m, " (%s)", reason_or(a->reason, "no reason given"));
		else if (is(a->rcode, "NOERROR"))
			msg_add(&m, " (no data)");
	}
	return finding_add_msg(out, failed ? "dns_error" : "host_unresolved",
			       SEVERITY_ERROR, NULL, &m);
}

static int hosts_from_answers(const struct store_target_row *t,
			      struct finding_list *out)
{
	size_t i;

	for (i = 0; i < t->dns_count; i++) {
		if ((!is(t->dns[i].type, "A") && !is(t->dns[i].type, "AAAA")) ||
		    t->dns[i].name == NULL || host_seen_before(t, i))
			continue;
		if (host_judge(t, i, out) != 0)
			return -1;
	}
	return 0;
}

static int has_type(const struct store_target_row *t, const char *type)
{
	size_t i;

	for (i = 0; i < t->dns_count; i++)
		if (is(t->dns[i].type, type))
			return 1;
	return 0;
}

/* A DIR host whose answers are not there: its error_kind. */
static int host_from_kind(const struct store_target_row *t,
			  struct finding_list *out)
{
	const char *k = t->error_kind;
	const char *why = reason_or(t->error_reason, k);

	if (k == NULL)
		return 0;
	if (failure_is(k, FAIL_DNS_NXDOMAIN) || failure_is(k, FAIL_DNS_NOADDRESS))
		return finding_add(out, "host_unresolved", SEVERITY_ERROR, NULL,
				   "%s has no address: %s", t->domain, why);
	if (strncmp(k, "dns_", 4) == 0)
		return finding_add(out, "dns_error", SEVERITY_ERROR, NULL,
				   "%s: %s: %s", t->domain, k, why);
	return 0;
}

/* Whether the target was reached at its host itself, as DIR targets are
 * and as `fedcert check HOST --type FED` reaches one of an SRV type: no
 * SRV answer, and yet its host was asked for (A, AAAA) or probed without
 * an SRV record leading there. Its error_kind is then its host's, never
 * an SRV lookup's. */
static int is_direct(const struct store_target_row *t,
		     const struct store_dns_answer_row *srv)
{
	size_t i;

	if (is(t->type, "DIR"))
		return 1;
	if (srv != NULL)
		return 0;
	if (has_type(t, "A") || has_type(t, "AAAA"))
		return 1;
	for (i = 0; i < t->probe_count; i++)
		if (t->probes[i].srv_name == NULL)
			return 1;
	return 0;
}

static int check_dns(const struct store_target_row *t, struct finding_list *out)
{
	const struct store_dns_answer_row *srv = srv_answer(t);
	int direct = is_direct(t, srv);

	if (!direct && (srv != NULL ? srv_from_answer(t, srv, out)
				    : srv_from_kind(t, out)) != 0)
		return -1;
	if (hosts_from_answers(t, out) != 0)
		return -1;
	if (direct && !has_type(t, "A") && !has_type(t, "AAAA"))
		return host_from_kind(t, out);
	return 0;
}

/* ---- srv_target_outside_domain ----------------------------------------- */

/* The federation pools of the hosting providers most partners' SRV records
 * point at, each with what makes it work on our side. Only names a
 * provider documents, each with its source (docs/profiles.md):
 *  - Microsoft 365 worldwide, GCC High, DoD, 21Vianet, Germany: the
 *    _sipfederationtls._tcp target of "Create DNS records at any DNS
 *    hosting provider" (Microsoft 365 admin), "DNS records for Office 365
 *    GCC High" and "DNS records for Office 365 DoD";
 *  - the configuration: "Configuring federation support for a Skype for
 *    Business Online customer in Skype for Business Server" (the
 *    New-CsHostingProvider example there: a partner's tenant, not the
 *    shared SIP address space of a hybrid deployment).
 * Office 365 Germany (Microsoft Cloud Deutschland) closed in October 2021:
 * a record that still points there is stale, no configuration helps. */
struct hosted_pool {
	const char *fqdn;
	const char *provider;
	const char *identity; /* New-CsHostingProvider -Identity (any name) */
	int retired;
};

static const struct hosted_pool hosted_pools[] = {
	{ "sipfed.online.lync.com", "Microsoft 365 (worldwide)",
	  "LyncOnline", 0 },
	{ "sipfed.online.gov.skypeforbusiness.us", "Microsoft 365 GCC High",
	  "LyncOnlineGCCHigh", 0 },
	{ "sipfed.online.dod.skypeforbusiness.us", "Microsoft 365 DoD",
	  "LyncOnlineDoD", 0 },
	{ "sipfed.online.partner.lync.cn",
	  "Microsoft 365 operated by 21Vianet (China)", "LyncOnline21Vianet",
	  0 },
	{ "sipfed.online.lync.de",
	  "Office 365 Germany (Microsoft Cloud Deutschland)", NULL, 1 },
};

static const struct hosted_pool *hosted_pool_of(const char *target)
{
	size_t i;

	for (i = 0; i < sizeof hosted_pools / sizeof hosted_pools[0]; i++)
		if (name_equal(target, hosted_pools[i].fqdn))
			return &hosted_pools[i];
	return NULL;
}

/* A target outside the domain: a warning, or for a known provider's pool
 * the provider and the configuration that makes it work (info). */
static int outside_one(const struct store_target_row *t, const char *target,
		       struct finding_list *out)
{
	const struct hosted_pool *h = hosted_pool_of(target);

	if (h == NULL)
		return finding_add(out, "srv_target_outside_domain",
				   SEVERITY_WARNING, NULL,
				   "SRV target %s is not within %s", target,
				   t->domain);
	if (h->retired)
		return finding_add(out, "srv_target_outside_domain",
				   SEVERITY_WARNING, NULL,
				   "SRV target %s is the federation pool of "
				   "%s, which Microsoft closed in 2021: the "
				   "record of %s is stale", target,
				   h->provider, t->domain);
	return finding_add(out, "srv_target_outside_domain", SEVERITY_INFO,
			   NULL, "SRV target %s is the federation pool of %s, "
			   "hosting %s: our Edge reaches it when %s is a "
			   "hosting provider there (Get-CsHostingProvider; "
			   "if none has ProxyFqdn %s: New-CsHostingProvider "
			   "-Identity %s -ProxyFqdn \"%s\" -VerificationLevel "
			   "UseSourceVerification -Enabled $True "
			   "-EnabledSharedAddressSpace $False -HostsOCSUsers "
			   "$False -IsLocal $False)", target, h->provider,
			   t->domain, h->provider, h->fqdn, h->identity,
			   h->fqdn);
}

/* FED under --profile sfb only: Lync / Skype for Business discovery (the
 * "allow discovery of federation partners" setting) trusts an SRV target
 * within the SIP domain, or a hosting provider configured on our Edge.
 * SIP and SIPINT lookups are a client's or an internal server's, which
 * take the target as it is; Direct Routing reaches an SBC by the FQDN
 * configured for it, not by SRV; RFC 5922 judges the SIP domain on the
 * certificate (name_mismatch), wherever the target is. */
static int check_outside(const struct judge_options *opts,
			 const struct store_target_row *t,
			 struct finding_list *out)
{
	const struct store_dns_answer_row *srv = srv_answer(t);
	size_t i, k;

	if (opts->profile != REPORT_PROFILE_SFB || !is(t->type, "FED") ||
	    srv == NULL || rcode_failed(srv->rcode))
		return 0;
	for (i = 0; i < srv->count; i++) {
		const char *target = srv->records[i].target;

		if (is_dot(target) || name_is_within(target, t->domain))
			continue;
		for (k = 0; k < i; k++)
			if (name_equal(srv->records[k].target, target))
				break;
		if (k < i)
			continue;
		if (outside_one(t, target, out) != 0)
			return -1;
	}
	return 0;
}

/* ---- The target -------------------------------------------------------- */

/* A target that produced no probe and no other finding was never really
 * looked at: saying nothing would make it PASS. */
static int check_not_probed(const struct store_target_row *t, size_t before,
			    struct finding_list *out)
{
	if (t->probe_count > 0 || out->count > before)
		return 0;
	/* Not probed for a reason of ours (our resolver, our network): the
	 * reason is ours to read, the partner is not blamed. */
	if (failure_is(t->error_kind, FAIL_NOT_PROBED) && t->error_reason)
		return finding_add(out, "not_probed", SEVERITY_WARNING, NULL,
				   "%s was not probed: %s", t->domain,
				   t->error_reason);
	return finding_add(out, "not_probed", SEVERITY_WARNING, NULL,
			   "%s was not probed%s%s%s",
			   t->domain, t->error_kind ? " (" : "",
			   t->error_kind ? t->error_kind : "",
			   t->error_kind ? ")" : "");
}

int check_target(const struct judge_options *opts,
		 const struct store_target_row *t, struct finding_list *out,
		 size_t endpoints_from)
{
	size_t before = out->count;

	if (check_dns(t, out) != 0 || check_outside(opts, t, out) != 0 ||
	    check_pools(t, out, endpoints_from) != 0 ||
	    check_not_probed(t, before, out) != 0)
		return -1;
	return 0;
}
