/* checks_future.c: the findings about what is scheduled, judged from the
 * chain, the trust events table (events.h) and the report's time:
 * client_auth_lost_at_renewal, chain_distrust_scheduled and
 * issuer_expires_before_leaf. Each names the day federation can start
 * failing (struct finding's when), the event with its source, and what to
 * do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/utc.h"
#include "report/judge/events.h"
#include "report/judge/findings_int.h"
#include "report/judge/x509.h"

static void day_of(time_t t, char out[11])
{
	char iso[UTC_TEXT_MAX];

	utc_format(t, iso);
	snprintf(out, 11, "%.10s", iso);
}

static int add_dated(struct probe_judge *j, const char *id,
		     enum finding_severity sev, time_t when,
		     const struct trust_event *e, struct msg *m)
{
	if (finding_add_msg(j->out, id, sev, j->probe, m) != 0)
		return -1;
	j->out->items[j->out->count - 1].when = when;
	j->out->items[j->out->count - 1].event = e;
	return 0;
}

/* "... (event digicert-client-auth-end, 2027-03-01: https://...)" */
static void cite(struct msg *m, const struct trust_event *e)
{
	msg_add(m, " (trust event %s, %s: %s)", e->id, e->day, e->source);
}

/* ---- client_auth_lost_at_renewal --------------------------------------- */

/* The leaf carries Client Authentication and its CA stops issuing it: the
 * renewal after the date comes without it. Federation breaks at the
 * latest when the leaf expires, if that is after the date; else at the
 * first renewal after it. An error for FED once the date has passed and
 * the renewal is inside the warning window. */
static int client_auth_lost(struct probe_judge *j, const struct trust_event *e,
			    time_t not_after)
{
	struct cert_eku eku = { 0 };
	struct msg m = { 0 };
	char label[JUDGE_LABEL_MAX], na[11];
	int fed = j->target->type && strcmp(j->target->type, "FED") == 0;
	enum finding_severity sev = SEVERITY_WARNING;
	time_t when = not_after > e->date ? not_after : e->date;
	int rc;

	if (cert_eku_get(j->certs[0], &eku) != 0)
		return -1;
	rc = eku.present && eku.client_auth;
	cert_eku_free(&eku);
	if (!rc)
		return 0; /* no_client_auth_eku says what is wrong now */
	judge_cert_label(j, 0, label, sizeof label);
	day_of(not_after, na);
	if (j->now >= e->date && fed &&
	    utc_days_left(not_after, j->now) < (long long)j->warn_days)
		sev = SEVERITY_ERROR;
	msg_add(&m, "%s carries Client Authentication, but ", label);
	if (j->now >= e->date)
		msg_add(&m, "its renewal, due by %s, comes without it", na);
	else if (not_after >= e->date)
		msg_add(&m, "renewed on or after %s (it expires %s), it comes "
			    "without it", e->day, na);
	else
		msg_add(&m, "its first renewal on or after %s comes without "
			    "it (this one expires %s, before that)", e->day,
			na);
	msg_add(&m, ", and mutual TLS federation %s stops then. %s What to "
		    "do: a certificate from a CA that keeps Client "
		    "Authentication for server-to-server TLS%s%s%s, or a "
		    "private PKI both Edges trust",
		j->probe->address == NULL ? "with the Edge that presents it"
					  : "with this Edge",
		e->what, e->keeps[0] ? " (this CA offers: " : "", e->keeps,
		e->keeps[0] ? ")" : "");
	cite(&m, e);
	return add_dated(j, "client_auth_lost_at_renewal", sev, when, e, &m);
}

/* ---- chain_distrust_scheduled ------------------------------------------ */

/* Who a root program's decision binds, as the message says it. */
static const char *program_text(enum trust_event_program p)
{
	switch (p) {
	case TRUST_PROGRAM_MICROSOFT:
		return "Microsoft's root program";
	case TRUST_PROGRAM_MOZILLA:
		return "Mozilla's root program (the list OpenSSL-based SIP "
		       "servers and SBCs on Linux use)";
	case TRUST_PROGRAM_CHROME:
		return "the Chrome Root Program";
	case TRUST_PROGRAM_APPLE:
		return "Apple's root program";
	default:
		return "the CA";
	}
}

/* In force, an error only where it binds the Edge that judges: Skype for
 * Business and Teams trust what Microsoft's root program trusts. Another
 * program's decision is a warning: Edges on its list refuse the chain,
 * Windows-based ones may still accept it. */
static int distrust(struct probe_judge *j, const struct trust_event *e,
		    time_t not_before, time_t not_after)
{
	struct msg m = { 0 };
	char label[JUDGE_LABEL_MAX], nb[11], na[11];
	enum finding_severity sev = SEVERITY_WARNING;
	int binds = e->program == TRUST_PROGRAM_MICROSOFT ||
		    e->program == TRUST_PROGRAM_CA;
	time_t when;

	judge_cert_label(j, 0, label, sizeof label);
	day_of(not_before, nb);
	day_of(not_after, na);
	if (e->kind == TRUST_EVENT_ROOT_REMOVED) {
		when = e->date;
		if (j->now >= e->date && binds)
			sev = SEVERITY_ERROR;
		msg_add(&m, "the chain of %s ends at a root that %s removes on "
			    "%s, %s. %s", label, program_text(e->program),
			e->day,
			j->now >= e->date ? "so it fails there now"
					  : "and fails there from that day",
			e->what);
	} else if (not_before >= e->date) {
		when = not_before;
		if (j->now >= e->date && binds)
			sev = SEVERITY_ERROR;
		msg_add(&m, "%s was issued on %s, on or after %s, and %s "
			    "distrusts it %s. %s", label, nb, e->day,
			program_text(e->program),
			j->now >= e->date ? "now" : "from that day", e->what);
	} else {
		when = not_after > e->date ? not_after : e->date;
		msg_add(&m, "%s (issued %s, before %s) stays trusted until it "
			    "expires on %s, but %s will distrust its renewal "
			    "from the same CA. %s", label, nb, e->day, na,
			program_text(e->program), e->what);
	}
	if (!binds)
		msg_add(&m, " Skype for Business and Teams judge with "
			    "Microsoft's root store, so this is a warning.");
	msg_add(&m, " What to do: a certificate from another CA that "
		    "partners' stores trust");
	cite(&m, e);
	return add_dated(j, "chain_distrust_scheduled", sev, when, e, &m);
}

/* ---- issuer_expires_before_leaf ---------------------------------------- */

/* A CA certificate presented above the leaf that expires, in the future,
 * before the leaf: the chain stops verifying that day. */
static int issuer_expiry(struct probe_judge *j, time_t leaf_after)
{
	char label[JUDGE_LABEL_MAX], day[11], leaf[11];
	time_t nb, na;
	size_t i;
	struct msg m;

	day_of(leaf_after, leaf);
	for (i = 1; i < j->ncerts; i++) {
		/* A root sent along is not what partners check against:
		 * their store's copy is (expiring leaves it out too). */
		if (j->certs[i] == NULL || j->self_signed[i] ||
		    cert_validity(j->certs[i], &nb, &na) != 0 ||
		    na >= leaf_after || na <= j->now)
			continue;
		memset(&m, 0, sizeof m);
		judge_cert_label(j, i, label, sizeof label);
		day_of(na, day);
		msg_add(&m, "%s expires on %s, %lld days before the leaf (%s): "
			    "from that day the chain no longer verifies unless "
			    "the server is given the CA's renewed certificate",
			label, day,
			(long long)((leaf_after - na) / UTC_DAY_SECONDS), leaf);
		if (add_dated(j, "issuer_expires_before_leaf",
			      SEVERITY_WARNING, na, NULL, &m) != 0)
			return -1;
	}
	return 0;
}

int check_foresight(struct probe_judge *j)
{
	struct trust_events *t = j->opts->events;
	const struct trust_event *first = NULL;
	struct trust_chain chain;
	time_t nb, na;
	size_t i;
	int rc = 0;

	if (j->certs[0] == NULL || cert_validity(j->certs[0], &nb, &na) != 0 ||
	    na <= j->now)
		return 0; /* expired says it all */
	if (issuer_expiry(j, na) != 0)
		return -1;
	/* The Client Authentication removals that concern a leaf (its CA's,
	 * a root program's for every public CA) are one fact: the first
	 * is said. Each distrust is its own. */
	if (t == NULL || t->count == 0)
		return 0;
	if (trust_chain_init(&chain, j->certs, j->ncerts) != 0)
		return -1;
	for (i = 0; i < t->count && rc == 0; i++) {
		const struct trust_event *e = &t->items[i];

		if (!trust_event_matches(t, e, &chain))
			continue;
		if (e->kind != TRUST_EVENT_CLIENT_AUTH_REMOVED)
			rc = distrust(j, e, nb, na);
		else if (first == NULL || e->date < first->date)
			first = e;
	}
	if (rc == 0 && first != NULL)
		rc = client_auth_lost(j, first, na);
	trust_chain_free(&chain);
	return rc;
}
