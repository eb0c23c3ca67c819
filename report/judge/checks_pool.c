/* checks_pool.c: the findings across the members of one pool (the
 * addresses one DNS load-balanced name gave, on one port):
 * pool_inconsistent (different certificates, different SIP answers) and
 * pool_partial_failure.
 *
 * What partners experience is what matters. Members that each present a
 * different but equally good certificate (per-node renewals, a hosted
 * provider's nodes) give every partner the same outcome: that is said at
 * info level, naming what differs. A warning is for members whose
 * difference changes the outcome: one has an error finding, a name
 * finding or an expiry inside the warning window that another lacks, or
 * they chain to different roots. A member that fails outright is
 * pool_partial_failure's.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report/judge/findings_int.h"

static int is(const char *s, const char *want)
{
	return s != NULL && strcmp(s, want) == 0;
}

/* A pool is the probes of one host (via) on one port: the addresses a DNS
 * load-balanced name gave. Members are found by sorting (a target can
 * have --max-srv-targets x --max-addresses probes: no quadratic scan over
 * all of them); each pool lists its members in probe order. */
struct member {
	const struct store_probe_row *p;
	size_t index; /* in t->probes */
};

static int member_cmp(const void *va, const void *vb)
{
	const struct member *a = va, *b = vb;
	int c = strcasecmp(a->p->via, b->p->via);

	if (c == 0)
		c = (a->p->port > b->p->port) - (a->p->port < b->p->port);
	if (c == 0)
		c = (a->index > b->index) - (a->index < b->index);
	return c;
}

/* Runs of one pool are ordered by their first member's index. */
struct run {
	size_t start, n;
	size_t first; /* probe index of the first member */
};

static int run_cmp(const void *va, const void *vb)
{
	const struct run *a = va, *b = vb;

	return (a->first > b->first) - (a->first < b->first);
}

/* Which registry findings each probe of the target has, from the
 * endpoints' findings judged before: has[index * nids + id]. */
struct said {
	const struct finding_def *registry;
	size_t nids;
	unsigned char *has;
};

static int said_init(struct said *s, const struct store_target_row *t,
		     const struct finding_list *out, size_t from)
{
	size_t i, k;

	s->registry = findings_registry(&s->nids);
	s->has = calloc((t->probe_count ? t->probe_count : 1) * s->nids, 1);
	if (s->has == NULL)
		return -1;
	for (i = from; i < out->count; i++) {
		const struct store_probe_row *p = out->items[i].probe;

		if (p == NULL || p < t->probes || p >= t->probes + t->probe_count)
			continue;
		k = (size_t)(out->items[i].def - s->registry);
		if (k < s->nids)
			s->has[(size_t)(p - t->probes) * s->nids + k] = 1;
	}
	return 0;
}

/* A finding that changes what a partner gets from a member: an error, a
 * name finding, or a leaf inside the warning window. Not how the member
 * ended (pool_partial_failure says that) nor its SIP answer
 * (pool_sip_inconsistent). */
static int changes_outcome(const struct finding_def *d)
{
	if (is(d->id, "connect_failed") || is(d->id, "handshake_failed") ||
	    strncmp(d->id, "sip_", 4) == 0)
		return 0;
	return d->severity == SEVERITY_ERROR || is(d->id, "expires_soon") ||
	       is(d->id, "name_mismatch") || is(d->id, "wildcard_name");
}

static const char *leaf_sha256(const struct store_probe_row *p)
{
	return p->chain_len > 0 ? p->chain[0].sha256 : NULL;
}

static int same_leaf(const struct store_probe_row *a,
		     const struct store_probe_row *b)
{
	return leaf_sha256(a) != NULL && leaf_sha256(b) != NULL &&
	       strcmp(leaf_sha256(a), leaf_sha256(b)) == 0;
}

/* The root a member's chain names: the top certificate's subject when it
 * is self-issued, else its issuer. */
static const char *root_name(const struct store_probe_row *p)
{
	const struct store_cert_row *top;

	if (p->chain_len == 0)
		return NULL;
	top = &p->chain[p->chain_len - 1];
	if (top->subject != NULL && is(top->issuer, top->subject))
		return top->subject;
	return top->issuer;
}

static void thumb_upper(const char *sha1, char out[41])
{
	size_t i;

	for (i = 0; i < 40 && sha1[i]; i++)
		out[i] = (char)toupper((unsigned char)sha1[i]);
	out[i] = '\0';
}

/* Appends "AB12... (until 2027-01-05) on 192.0.2.10, 192.0.2.11; CD34...
 * (until 2026-12-10) on 192.0.2.12", the members grouped by leaf, in the
 * order the leaves first appear; the number of different leaves. */
static size_t list_leaves(const struct member *m, size_t n, struct msg *out)
{
	size_t i, k, distinct = 0;
	char thumb[41];

	for (i = 0; i < n; i++) {
		const char *until;

		if (leaf_sha256(m[i].p) == NULL)
			continue;
		for (k = 0; k < i && !same_leaf(m[k].p, m[i].p); k++)
			;
		if (k < i)
			continue; /* listed with its first holder */
		thumb_upper(m[i].p->chain[0].sha1, thumb);
		until = m[i].p->chain[0].not_after;
		msg_add(out, "%s%s", distinct++ ? "; " : "", thumb);
		if (until != NULL)
			msg_add(out, " (until %.10s)", until);
		msg_add(out, " on %s", m[i].p->address);
		for (k = i + 1; k < n; k++)
			if (same_leaf(m[k].p, m[i].p))
				msg_add(out, ", %s", m[k].p->address);
	}
	return distinct;
}

/* Appends "; expires_soon on 192.0.2.12 only" for each outcome finding
 * some members with a leaf have and others lack; how many. */
static size_t list_outcome_differences(const struct member *m, size_t n,
				       const struct said *s, struct msg *out)
{
	size_t i, id, with, leaves = 0, listed = 0;

	for (i = 0; i < n; i++)
		leaves += leaf_sha256(m[i].p) != NULL;
	for (id = 0; id < s->nids; id++) {
		if (!changes_outcome(&s->registry[id]))
			continue;
		for (with = 0, i = 0; i < n; i++)
			with += leaf_sha256(m[i].p) != NULL &&
				s->has[m[i].index * s->nids + id];
		if (with == 0 || with == leaves)
			continue;
		msg_add(out, "%s%s on ", listed++ ? "; " : "",
			s->registry[id].id);
		for (with = 0, i = 0; i < n; i++)
			if (leaf_sha256(m[i].p) != NULL &&
			    s->has[m[i].index * s->nids + id])
				msg_add(out, "%s%s", with++ ? ", " : "",
					m[i].p->address);
		msg_add(out, " only");
	}
	return listed;
}

/* Appends "; they chain to different roots: CN=A on ...; CN=B on ..."
 * when members with a leaf name different roots; 1 if so. */
static int list_roots(const struct member *m, size_t n, struct msg *out,
		      int after)
{
	size_t i, k, distinct = 0;
	const char *first = NULL;

	for (i = 0; i < n; i++) {
		const char *r = leaf_sha256(m[i].p) ? root_name(m[i].p) : NULL;

		if (r == NULL)
			continue;
		if (first == NULL)
			first = r;
		else if (strcmp(first, r) != 0)
			distinct = 2;
	}
	if (distinct < 2)
		return 0;
	msg_add(out, "%sthey chain to different roots: ", after ? "; " : "");
	for (distinct = 0, i = 0; i < n; i++) {
		const char *r = leaf_sha256(m[i].p) ? root_name(m[i].p) : NULL;

		if (r == NULL)
			continue;
		for (k = 0; k < i; k++)
			if (leaf_sha256(m[k].p) && root_name(m[k].p) != NULL &&
			    strcmp(root_name(m[k].p), r) == 0)
				break;
		if (k < i)
			continue;
		msg_add(out, "%s%s on %s", distinct++ ? "; " : "", r,
			m[i].p->address);
		for (k = i + 1; k < n; k++)
			if (leaf_sha256(m[k].p) && root_name(m[k].p) != NULL &&
			    strcmp(root_name(m[k].p), r) == 0)
				msg_add(out, ", %s", m[k].p->address);
	}
	return 1;
}

/* Appends what the leaves differ in ("serial, validity"): the stored
 * columns of each leaf against the first one's. */
static void list_leaf_fields(const struct member *m, size_t n,
			     struct msg *out)
{
	static const char *const names[] = {
		"subject", "issuer", "serial", "validity", "key",
		"signature algorithm"
	};
	int differ[6] = { 0 };
	const struct store_cert_row *a = NULL, *b;
	size_t i, f, listed = 0;

	for (i = 0; i < n; i++) {
		if (leaf_sha256(m[i].p) == NULL)
			continue;
		b = &m[i].p->chain[0];
		if (a == NULL) {
			a = b;
			continue;
		}
		differ[0] |= !is(a->subject, b->subject ? b->subject : "");
		differ[1] |= !is(a->issuer, b->issuer ? b->issuer : "");
		differ[2] |= !is(a->serial, b->serial ? b->serial : "");
		differ[3] |= !is(a->not_before, b->not_before ? b->not_before : "") ||
			     !is(a->not_after, b->not_after ? b->not_after : "");
		differ[4] |= !is(a->key_type, b->key_type ? b->key_type : "") ||
			     a->key_bits != b->key_bits;
		differ[5] |= !is(a->sig_alg, b->sig_alg ? b->sig_alg : "");
	}
	for (f = 0; f < 6; f++)
		if (differ[f])
			msg_add(out, "%s%s", listed++ ? ", " : "", names[f]);
	if (listed == 0)
		msg_add(out, "their encoding only");
}

static int pool_inconsistent(const struct member *m, size_t n,
			     const struct said *s, struct finding_list *out)
{
	struct msg leaves = { 0 }, why = { 0 }, full = { 0 };
	size_t distinct = list_leaves(m, n, &leaves);
	size_t differences;
	int roots;
	char *l, *w;

	if (distinct < 2) {
		msg_free(&leaves);
		return 0;
	}
	differences = list_outcome_differences(m, n, s, &why);
	roots = list_roots(m, n, &why, differences > 0);
	l = msg_take(&leaves);
	if (differences > 0 || roots) {
		w = msg_take(&why);
		msg_add(&full, "%s:%d pool members present %zu different leaf "
			       "certificates, and what a partner gets depends "
			       "on the member it reaches: %s. The leaves: %s",
			m[0].p->via, m[0].p->port, distinct, w ? w : "",
			l ? l : "");
		free(w);
		free(l);
		return finding_add_msg(out, "pool_inconsistent",
				       SEVERITY_WARNING, NULL, &full);
	}
	msg_free(&why);
	msg_add(&full, "%s:%d pool members present %zu different leaf "
		       "certificates, alike for partners (the same findings "
		       "and root); they differ in ",
		m[0].p->via, m[0].p->port, distinct);
	list_leaf_fields(m, n, &full);
	msg_add(&full, ": %s", l ? l : "");
	free(l);
	return finding_add_msg(out, "pool_inconsistent", SEVERITY_INFO, NULL,
			       &full);
}

/* What a member's SIP OPTIONS came to, as a word: its status code, or
 * what happened instead; NULL when none was sent. */
static const char *sip_outcome(const struct store_probe_row *p, char buf[16])
{
	const struct store_sip_row *s = p->sip;

	if (s == NULL || is(s->error, "not_sent"))
		return NULL;
	if (s->error != NULL || s->status <= 0)
		return s->error != NULL ? s->error : "no answer";
	snprintf(buf, 16, "%d", s->status);
	return buf;
}

/* Members that answer our SIP OPTIONS differently (one 200, another 504
 * or silent): whether federation works depends on the node reached. */
static int pool_sip_inconsistent(const struct member *m, size_t n,
				 struct finding_list *out)
{
	struct msg list = { 0 }, full = { 0 };
	char a[16], b[16];
	const char *w, *v;
	size_t i, k, distinct = 0;
	int seen;
	char *text;

	for (i = 0; i < n; i++) {
		if ((w = sip_outcome(m[i].p, a)) == NULL)
			continue;
		for (seen = 0, k = 0; k < i && !seen; k++)
			seen = (v = sip_outcome(m[k].p, b)) != NULL &&
			       strcmp(v, w) == 0;
		if (seen)
			continue;
		msg_add(&list, "%s%s on %s", distinct++ ? "; " : "", w,
			m[i].p->address);
		for (k = i + 1; k < n; k++)
			if ((v = sip_outcome(m[k].p, b)) != NULL &&
			    strcmp(v, w) == 0)
				msg_add(&list, ", %s", m[k].p->address);
	}
	if (distinct < 2) {
		msg_free(&list);
		return 0;
	}
	text = msg_take(&list);
	msg_add(&full, "%s:%d pool members answer our SIP OPTIONS "
		       "differently: %s", m[0].p->via, m[0].p->port,
		text ? text : "");
	free(text);
	return finding_add_msg(out, "pool_inconsistent", SEVERITY_WARNING,
			       NULL, &full);
}

static int pool_partial(const struct member *m, size_t n,
			struct finding_list *out)
{
	struct msg list = { 0 }, full = { 0 };
	size_t i, failed = 0;
	char *text;

	/* A member that ended the handshake because we presented no client
	 * certificate behaves as a federation Edge should: not a failure. */
	for (i = 0; i < n; i++)
		if (m[i].p->error_kind != NULL && !finding_cc_required(m[i].p))
			msg_add(&list, "%s%s (%s)", failed++ ? ", " : "",
				m[i].p->address, m[i].p->error_kind);
	if (failed == 0 || failed == n) {
		msg_free(&list);
		return 0;
	}
	text = msg_take(&list);
	msg_add(&full, "%s:%d: %zu of %zu pool members fail: %s",
		m[0].p->via, m[0].p->port, failed, n, text ? text : "");
	free(text);
	return finding_add_msg(out, "pool_partial_failure", SEVERITY_ERROR,
			       NULL, &full);
}

/* The pools of m (sorted), as runs in probe order; *nruns of them. */
static struct run *pool_runs(const struct member *m, size_t n, size_t *nruns)
{
	struct run *runs = malloc((n ? n : 1) * sizeof *runs);
	size_t i;

	*nruns = 0;
	for (i = 0; runs != NULL && i < n; i++) {
		if (i > 0 && strcasecmp(m[i].p->via, m[i - 1].p->via) == 0 &&
		    m[i].p->port == m[i - 1].p->port) {
			runs[*nruns - 1].n++;
			continue;
		}
		runs[(*nruns)++] = (struct run){ i, 1, m[i].index };
	}
	if (runs != NULL)
		qsort(runs, *nruns, sizeof *runs, run_cmp);
	return runs;
}

int check_pools(const struct store_target_row *t, struct finding_list *out,
		size_t endpoints_from)
{
	struct member *m = malloc((t->probe_count ? t->probe_count : 1) *
				  sizeof *m);
	struct run *runs = NULL;
	struct said said = { 0 };
	size_t i, n = 0, nruns = 0;
	int rc = -1;

	if (m == NULL)
		goto out;
	for (i = 0; i < t->probe_count; i++)
		if (t->probes[i].via != NULL)
			m[n++] = (struct member){ &t->probes[i], i };
	qsort(m, n, sizeof *m, member_cmp);
	runs = pool_runs(m, n, &nruns);
	if (runs == NULL)
		goto out;
	for (i = 0; i < nruns && runs[i].n < 2; i++)
		;
	if (i < nruns && said_init(&said, t, out, endpoints_from) != 0)
		goto out;
	rc = 0;
	for (i = 0; i < nruns && rc == 0; i++)
		if (runs[i].n > 1 &&
		    (pool_inconsistent(m + runs[i].start, runs[i].n, &said,
				       out) != 0 ||
		     pool_sip_inconsistent(m + runs[i].start, runs[i].n,
					   out) != 0 ||
		     pool_partial(m + runs[i].start, runs[i].n, out) != 0))
			rc = -1;
out:
	free(said.has);
	free(runs);
	free(m);
	return rc;
}
