/* judge.c: judging one target, at the top of judge/: each endpoint's
 * checks (checks_cert.c, checks_chain.c, checks_mtls.c), then the target's
 * own (checks_target.c), each group in registry order (registry.c); and
 * our own certificate, as the one probe of a target of our own
 * (findings_judge_self()).
 */
#include "report/judge/findings.h"

#include <stdint.h>
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

/* What every check of one probe starts from: the time, the threshold and
 * the chain decoded once. probe_judge_done() lets go of the chain. */
static void probe_judge_init(struct probe_judge *j,
			     const struct judge_options *opts,
			     const struct store_target_row *t,
			     const struct store_probe_row *p,
			     struct finding_list *out)
{
	size_t i;

	*j = (struct probe_judge){ .opts = opts, .target = t, .probe = p,
				   .out = out };
	j->now = opts->now != 0 ? opts->now : time(NULL);
	j->warn_days = judge_warn_days(opts->warn_days);
	for (i = 0; i < p->chain_len && i < FC_CHAIN_MAX; i++) {
		j->certs[i] = cert_cache_get(opts->certs, &p->chain[i]);
		j->self_signed[i] = j->certs[i] != NULL &&
				    cert_is_self_signed(j->certs[i]);
		j->ncerts++;
	}
}

static void probe_judge_done(struct probe_judge *j)
{
	size_t i;

	for (i = 0; i < j->ncerts; i++)
		X509_free(j->certs[i]);
	/* A certificate that does not decode or verify is a fact judged,
	 * not an error for whoever reads OpenSSL's queue next. */
	ERR_clear_error();
}

static int judge_probe(const struct judge_options *opts,
		       const struct store_target_row *t,
		       const struct store_probe_row *p,
		       struct finding_list *out)
{
	struct probe_judge j;
	size_t from = out->count;
	int rc = 0;

	probe_judge_init(&j, opts, t, p, out);
	/* Each check needs what the ones before it said (see
	 * struct probe_judge); sort_from() restores registry order. */
	if (check_connection(&j) != 0 || check_tls(&j) != 0 ||
	    check_mtls(&j) != 0 || check_sip(&j) != 0)
		rc = -1;
	if (rc == 0 && j.ncerts > 0 &&
	    (check_names(&j) != 0 || check_validity(&j) != 0 ||
	     check_eku(&j) != 0 || check_trust(&j) != 0 ||
	     check_order(&j) != 0 || check_strength(&j) != 0 ||
	     check_revocation(&j) != 0 || check_lifetime(&j) != 0 ||
	     check_foresight(&j) != 0))
		rc = -1;
	probe_judge_done(&j);
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

/* ---- Endpoints judged once ------------------------------------------------ */

/* What judging one endpoint said, kept for every other target that reaches
 * it. An endpoint's findings depend on its own facts (the probe row: its
 * id names them, and `via`, the host it was reached as, is the one fact of
 * the link) and of its target only on whether it is FED (the severity of
 * no_client_auth_eku) and, under --profile rfc5922, on its SIP domain
 * (the name checked when SRV led there: those findings are judged for each
 * target, the others kept); the judge's options, the profile among them,
 * are the command's. A hosted
 * pool that 2,400 partners point at is judged once per member instead of
 * 2,400 times. At most JUDGE_MEMO_MAX endpoints are kept (a few hundred
 * bytes each); past that they are judged each time, as without it. */
#define JUDGE_MEMO_MAX 65536
#define JUDGE_MEMO_SLOTS (2 * JUDGE_MEMO_MAX)

struct memo_finding {
	const struct finding_def *def;
	enum finding_severity severity;
	char *message;
	time_t when;
	const struct trust_event *event;
};

struct memo_entry {
	int64_t probe_id; /* 0: a free slot */
	int fed;
	char *via;
	/* Under rfc5922 an endpoint found through SRV is judged against its
	 * target's SIP domain: its name findings are then not kept but
	 * judged for each target (judge_names_apart()). */
	int names_apart;
	struct memo_finding *items;
	size_t count;
};

struct judge_memo {
	struct memo_entry *slots;
	size_t count;
};

/* The slots (5 MB) are made when the first endpoint is judged: a command
 * that reads kept verdicts, or a scan whose every target is kept, judges
 * none. */
struct judge_memo *judge_memo_new(void)
{
	return calloc(1, sizeof(struct judge_memo));
}

static void memo_entry_clear(struct memo_entry *e)
{
	size_t i;

	for (i = 0; i < e->count; i++)
		free(e->items[i].message);
	free(e->items);
	free(e->via);
	memset(e, 0, sizeof(*e));
}

void judge_memo_free(struct judge_memo *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; m->slots != NULL && i < JUDGE_MEMO_SLOTS; i++)
		if (m->slots[i].probe_id != 0)
			memo_entry_clear(&m->slots[i]);
	free(m->slots);
	free(m);
}

static int memo_same_via(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* The entry of (probe, fed), or the free slot where it goes. */
static struct memo_entry *memo_slot(struct judge_memo *m,
				    const struct store_probe_row *p, int fed)
{
	uint64_t h = (uint64_t)p->id * 0x9E3779B97F4A7C15ull + (uint64_t)fed;
	size_t i = (size_t)(h >> 17) % JUDGE_MEMO_SLOTS;
	struct memo_entry *e;

	for (;; i = (i + 1) % JUDGE_MEMO_SLOTS) {
		e = &m->slots[i];
		if (e->probe_id == 0 ||
		    (e->probe_id == p->id && e->fed == fed &&
		     memo_same_via(e->via, p->via)))
			return e;
	}
}

/* The findings of check_names(). */
static int is_name_finding(const struct finding_def *def)
{
	return strcmp(def->id, "name_match") == 0 ||
	       strcmp(def->id, "name_mismatch") == 0 ||
	       strcmp(def->id, "wildcard_name") == 0;
}

/* Keeps out->items[from..] for (probe, fed); a failure to keep them costs
 * only speed. */
static void memo_keep(struct judge_memo *m, struct memo_entry *e,
		      const struct store_probe_row *p, int fed, int names_apart,
		      const struct finding_list *out, size_t from)
{
	size_t i, n = out->count - from;
	const struct finding *f;

	if (m->count >= JUDGE_MEMO_MAX)
		return;
	e->items = n > 0 ? calloc(n, sizeof(*e->items)) : NULL;
	e->via = p->via != NULL ? strdup(p->via) : NULL;
	if ((n > 0 && e->items == NULL) || (p->via != NULL && e->via == NULL))
		goto fail;
	for (i = 0; i < n; i++) {
		f = &out->items[from + i];
		if (names_apart && is_name_finding(f->def))
			continue;
		e->items[e->count].def = f->def;
		e->items[e->count].severity = f->severity;
		e->items[e->count].message = strdup(f->message);
		e->items[e->count].when = f->when;
		e->items[e->count].event = f->event;
		if (e->items[e->count++].message == NULL)
			goto fail;
	}
	e->probe_id = p->id;
	e->fed = fed;
	e->names_apart = names_apart;
	m->count++;
	return;
fail:
	memo_entry_clear(e);
}

/* What an earlier target's judging of p said, said again about p. */
static int memo_replay(const struct memo_entry *e,
		       const struct store_probe_row *p,
		       struct finding_list *out)
{
	size_t i;

	for (i = 0; i < e->count; i++) {
		if (finding_add_copy(out, e->items[i].def, e->items[i].severity,
				     p, e->items[i].message) != 0)
			return -1;
		out->items[out->count - 1].when = e->items[i].when;
		out->items[out->count - 1].event = e->items[i].event;
	}
	return 0;
}

/* The name findings of p for t alone: what an endpoint kept with
 * names_apart leaves out. */
static int judge_names_apart(const struct judge_options *opts,
			     const struct store_target_row *t,
			     const struct store_probe_row *p,
			     struct finding_list *out)
{
	struct probe_judge j = { .opts = opts, .target = t, .probe = p,
				 .out = out };
	int rc = 0;

	if (p->chain_len == 0)
		return 0; /* judge_probe() judges no name either */
	j.certs[0] = cert_cache_get(opts->certs, &p->chain[0]);
	j.ncerts = 1;
	if (j.certs[0] != NULL)
		rc = check_names(&j);
	X509_free(j.certs[0]);
	ERR_clear_error();
	return rc;
}

static int judge_probe_memo(const struct judge_options *opts,
			    const struct store_target_row *t,
			    const struct store_probe_row *p,
			    struct finding_list *out)
{
	int fed = t->type != NULL && strcmp(t->type, "FED") == 0;
	int names_apart = opts->profile == REPORT_PROFILE_RFC5922 &&
			  p->srv_name != NULL;
	struct memo_entry *e;
	size_t from = out->count;

	if (opts->memo != NULL && opts->memo->slots == NULL)
		opts->memo->slots = calloc(JUDGE_MEMO_SLOTS,
					   sizeof(*opts->memo->slots));
	if (opts->memo == NULL || opts->memo->slots == NULL || p->id <= 0)
		return judge_probe(opts, t, p, out);
	e = memo_slot(opts->memo, p, fed);
	if (e->probe_id != 0 && !e->names_apart)
		return memo_replay(e, p, out);
	if (e->probe_id != 0) {
		if (memo_replay(e, p, out) != 0 ||
		    judge_names_apart(opts, t, p, out) != 0)
			return -1;
		sort_from(out, from);
		return 0;
	}
	if (judge_probe(opts, t, p, out) != 0)
		return -1;
	memo_keep(opts->memo, e, p, fed, names_apart, out, from);
	return 0;
}

int findings_judge_foresight(const struct judge_options *opts,
			     const struct store_target_row *t,
			     struct finding_list *out)
{
	struct probe_judge j;
	size_t i;
	int rc = 0;

	for (i = 0; i < t->probe_count && rc == 0; i++) {
		probe_judge_init(&j, opts, t, &t->probes[i], out);
		if (j.ncerts > 0)
			rc = check_foresight(&j);
		probe_judge_done(&j);
	}
	return rc;
}

int findings_judge_target(const struct judge_options *opts,
			  const struct store_target_row *t,
			  struct finding_list *out)
{
	size_t i, from, endpoints_from = out->count;

	for (i = 0; i < t->probe_count; i++)
		if (judge_probe_memo(opts, t, &t->probes[i], out) != 0)
			return -1;
	from = out->count;
	if (check_target(opts, t, out, endpoints_from) != 0)
		return -1;
	sort_from(out, from);
	return 0;
}
