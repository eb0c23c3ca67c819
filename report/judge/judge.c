/* judge.c: judging one target, at the top of judge/: each endpoint's
 * checks (checks_cert.c, checks_chain.c, checks_mtls.c), then the target's
 * own (checks_target.c), each group in registry order (registry.c); and
 * our own certificate, as the one probe of a target of our own
 * (findings_judge_self()).
 */
#include "report/judge/findings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>

#include "report/judge/findings_int.h"
#include "report/judge/x509.h"

/* Sorts l->items[from..] into registry order, keeping the order of equal
 * ids (a stable insertion sort: a group is a handful of findings). */
static void sort_from(struct finding_list *l, size_t from)
{
	size_t i, k;

	for (i = from + 1; i < l->count; i++) {
		struct finding f = l->items[i];

		for (k = i; k > from && l->items[k - 1].def > f.def; k--)
			l->items[k] = l->items[k - 1];
		l->items[k] = f;
	}
}

static int judge_probe(const struct judge_options *opts,
		       const struct store_target_row *t,
		       const struct store_probe_row *p,
		       struct finding_list *out)
{
	struct probe_judge j = { .opts = opts, .target = t, .probe = p,
				 .out = out };
	size_t i, from = out->count;
	int rc = 0;

	j.now = opts->now != 0 ? opts->now : time(NULL);
	j.warn_days = judge_warn_days(opts->warn_days);
	for (i = 0; i < p->chain_len && i < FC_CHAIN_MAX; i++) {
		j.certs[i] = cert_cache_get(opts->certs, &p->chain[i]);
		j.self_signed[i] = j.certs[i] != NULL &&
				   cert_is_self_signed(j.certs[i]);
		j.ncerts++;
	}
	/* Each check needs what the ones before it said (see
	 * struct probe_judge); sort_from() restores registry order. */
	if (check_connection(&j) != 0 || check_tls(&j) != 0 ||
	    check_mtls(&j) != 0)
		rc = -1;
	if (rc == 0 && j.ncerts > 0 &&
	    (check_names(&j) != 0 || check_validity(&j) != 0 ||
	     check_eku(&j) != 0 || check_trust(&j) != 0 ||
	     check_order(&j) != 0 || check_strength(&j) != 0 ||
	     check_revocation(&j) != 0 || check_lifetime(&j) != 0))
		rc = -1;
	for (i = 0; i < j.ncerts; i++)
		X509_free(j.certs[i]);
	/* A certificate that does not decode or verify is a fact judged
	 * above, not an error for whoever reads OpenSSL's queue next. */
	ERR_clear_error();
	sort_from(out, from);
	return rc;
}

/* Our chain as the probe that presents it: no address, no name (a partner
 * checks our name against its own configuration, not against a name we
 * were reached by), no TLS facts, not verified yet; a FED target, so that
 * no_client_auth_eku is an error: every partner that checks it refuses
 * us. */
int findings_judge_self(const struct judge_options *opts,
			struct finding_list *out)
{
	struct store_probe_row p = {
		.port = 0, .srv_priority = -1, .srv_weight = -1,
		.connect_ms = -1, .handshake_ms = -1, .verify_code = -1,
		.chain = (struct store_cert_row *)opts->self_chain,
		.chain_len = opts->self_count,
	};
	struct store_target_row t = { .type = (char *)"FED", .probe_count = 1,
				      .probes = &p };
	size_t i, from = out->count;

	if (opts->self_count == 0)
		return 0;
	if (judge_probe(opts, &t, &p, out) != 0)
		return -1;
	for (i = from; i < out->count; i++)
		out->items[i].probe = NULL; /* p does not outlive this call */
	return 0;
}

int findings_judge_target(const struct judge_options *opts,
			  const struct store_target_row *t,
			  struct finding_list *out)
{
	size_t i, from;

	for (i = 0; i < t->probe_count; i++)
		if (judge_probe(opts, t, &t->probes[i], out) != 0)
			return -1;
	from = out->count;
	if (check_target(t, out) != 0)
		return -1;
	sort_from(out, from);
	return 0;
}
