/* diff.c: `fedcert diff`, what changed between two scans.
 *
 * The two scans' targets are walked side by side by identity (domain,
 * type, port; store_each_target_pair()), two targets in memory at a time.
 * For a target in both, its endpoints are matched by (address, port, SNI):
 * an endpoint in one scan only is added or removed; one in both may have
 * rotated its leaf (another SHA-256), changed issuer or root (the top of
 * the chain it presents: the partner's new root may need installing on our
 * Edge), failed, recovered, or failed otherwise.
 *
 * Findings are judged as each scan's report would have judged them that
 * night: at the scan's start, with the verification it recorded. Judging is
 * the slow part (OpenSSL decodes every chain again), so a target whose
 * facts have the same digest in both scans and whose certificates crossed
 * no date boundary between the two starts is not judged: its findings
 * cannot differ (history_int.h). Finding changes (warnings and errors) are
 * listed for the target's own findings and for endpoints that presented a
 * chain in both scans; an added or recovered endpoint's line carries its
 * result and finding ids instead, and connect_failed / handshake_failed
 * are left to the failure lines, which say more.
 */
#include "report/report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report/history/diff_int.h"
#include "report/history/history_int.h"
#include "report/judge/x509.h"
#include "report/render/render.h"

/* A target that reached no endpoint and recorded no reason. */

struct diff_walk {
	FILE *out;
	enum report_format format;
	struct diff_scans scans;
	time_t from_at, to_at;
	int warn_days;
	size_t counts[DIFF_KINDS];
	FILE *kinds[DIFF_KINDS]; /* html: each kind's items, owned */
	int nomem;
	/* One per scan: each judged at its own start. */
	struct hist_judging from_judging, to_judging;
};

static int same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	       (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* The HTML section lists this many changes of each kind at most. */
#define DIFF_HTML_ITEMS 500

static void emit(struct diff_walk *w, struct diff_change *c)
{
	w->counts[c->kind]++;
	if (w->format != REPORT_HTML)
		diff_render_change(w->out, w->format, &w->scans, c);
	else if (w->counts[c->kind] <= DIFF_HTML_ITEMS)
		diff_render_change(w->kinds[c->kind], w->format, &w->scans, c);
}

static int same_endpoint(const struct store_probe_row *a,
			 const struct store_probe_row *b)
{
	return a->port == b->port && same(a->address, b->address) &&
	       same(a->sni, b->sni);
}

/* The root of a presented chain, as the view chain_root says: the issuer
 * of its last certificate (a self-signed root sent along is its own
 * issuer; a leaf sent alone names the CA above it). */
static const char *chain_root(const struct store_probe_row *p)
{
	return p->chain[p->chain_len - 1].issuer;
}

/* Rotation, issuer, root: both endpoints presented a chain. */
static void diff_leaves(struct diff_walk *w, const struct store_target_row *t,
			const struct store_probe_row *a,
			const struct store_probe_row *b)
{
	struct diff_change c = { .target = t, .probe = b };

	if (a->chain_len == 0 || b->chain_len == 0)
		return;
	c.leaf_before = &a->chain[0];
	c.leaf_after = &b->chain[0];
	if (strcmp(a->chain[0].sha256, b->chain[0].sha256) != 0) {
		c.kind = DIFF_ROTATED;
		emit(w, &c);
	}
	if (!same(a->chain[0].issuer, b->chain[0].issuer)) {
		c.kind = DIFF_ISSUER_CHANGED;
		c.before = a->chain[0].issuer;
		c.after = b->chain[0].issuer;
		emit(w, &c);
	}
	if (!same(chain_root(a), chain_root(b))) {
		c.kind = DIFF_ROOT_CHANGED;
		c.before = chain_root(a);
		c.after = chain_root(b);
		emit(w, &c);
	}
}

/* A failure that began, ended or changed kind. A recovered endpoint
 * carries its result now (fb: the findings of the newer scan, when
 * judged), as its certificate findings are not listed one by one. */
static void diff_failure(struct diff_walk *w, const struct store_target_row *t,
			 const struct store_probe_row *p, const char *ka,
			 const char *ra, const char *kb, const char *rb,
			 const struct finding_list *fb)
{
	struct diff_change c = { .target = t, .probe = p, .before = ka,
				 .after = kb, .reason_before = ra,
				 .reason_after = rb };

	if (ka == NULL && kb != NULL)
		c.kind = DIFF_NEW_FAILURE;
	else if (ka != NULL && kb == NULL)
		c.kind = DIFF_RECOVERED;
	else if (ka != NULL && strcmp(ka, kb) != 0)
		c.kind = DIFF_FAILURE_CHANGED;
	else
		return;
	if (c.kind == DIFF_RECOVERED && p != NULL && fb != NULL) {
		c.findings = fb;
		c.status = render_status_name(render_status_of(fb, p));
	}
	emit(w, &c);
}

/* The target's own failure: its recorded error, or "not_probed" when it
 * reached no endpoint and said nothing. */
static const char *target_kind(const struct store_target_row *t)
{
	if (t->error_kind != NULL)
		return t->error_kind;
	return t->probe_count == 0 ? failure_name(FAIL_NOT_PROBED) : NULL;
}

/* Info findings (name_match, no_ocsp, ...) are facts, not problems: their
 * coming and going is noise next to the problems that did. */
static int finding_is_listed(const struct finding *f)
{
	return f->severity != SEVERITY_INFO &&
	       strcmp(f->def->id, "connect_failed") != 0 &&
	       strcmp(f->def->id, "handshake_failed") != 0;
}

static int same_finding(const struct finding *a, const struct finding *b)
{
	if (a->def != b->def)
		return 0;
	if (a->probe == NULL || b->probe == NULL)
		return a->probe == b->probe;
	return same_endpoint(a->probe, b->probe);
}

/* Whether another line already says what f's change means: f concerns
 * an endpoint that only one scan has (endpoint added or removed), or one
 * that presented no chain in one of them (a failure began or ended: the
 * certificate's findings come and go with it). */
static int finding_is_implied(const struct finding *f,
			      const struct store_target_row *other)
{
	size_t i;

	if (f->probe == NULL)
		return 0;
	for (i = 0; i < other->probe_count; i++)
		if (same_endpoint(f->probe, &other->probes[i]))
			return f->probe->chain_len == 0 ||
			       other->probes[i].chain_len == 0;
	return 1;
}

/* Emits the findings of `from` that `to` lacks, as kind; a multiset
 * difference (two `expired` on one endpoint are two findings). */
static int diff_findings_one_way(struct diff_walk *w,
				 const struct store_target_row *t,
				 const struct finding_list *from,
				 const struct finding_list *to,
				 const struct store_target_row *to_row,
				 enum diff_kind kind)
{
	unsigned char *used = calloc(to->count + 1, 1);
	struct diff_change c = { .kind = kind, .target = t };
	size_t i, k;

	if (used == NULL)
		return -1;
	for (i = 0; i < from->count; i++) {
		const struct finding *f = &from->items[i];

		for (k = 0; k < to->count; k++)
			if (!used[k] && same_finding(f, &to->items[k]))
				break;
		if (k < to->count) {
			used[k] = 1;
			continue;
		}
		if (!finding_is_listed(f) || finding_is_implied(f, to_row))
			continue;
		c.finding = f;
		c.probe = f->probe;
		emit(w, &c);
	}
	free(used);
	return 0;
}

static int diff_findings(struct diff_walk *w, const struct store_target_row *a,
			 const struct store_target_row *b,
			 const struct finding_list *fa,
			 const struct finding_list *fb)
{
	if (diff_findings_one_way(w, b, fb, fa, a, DIFF_FINDING_APPEARED) != 0 ||
	    diff_findings_one_way(w, b, fa, fb, b, DIFF_FINDING_CLEARED) != 0)
		return -1;
	return 0;
}

/* The endpoints: matched, removed, added. */
static void diff_endpoints(struct diff_walk *w, const struct store_target_row *a,
			   const struct store_target_row *b,
			   const struct finding_list *fb, int judged)
{
	struct diff_change c = { .target = b };
	size_t i, k;

	for (i = 0; i < a->probe_count; i++) {
		for (k = 0; k < b->probe_count; k++)
			if (same_endpoint(&a->probes[i], &b->probes[k]))
				break;
		if (k == b->probe_count) {
			c.kind = DIFF_ENDPOINT_REMOVED;
			c.probe = &a->probes[i];
			emit(w, &c);
			continue;
		}
		diff_leaves(w, b, &a->probes[i], &b->probes[k]);
		diff_failure(w, b, &b->probes[k], a->probes[i].error_kind,
			     a->probes[i].error_reason, b->probes[k].error_kind,
			     b->probes[k].error_reason, judged ? fb : NULL);
	}
	for (k = 0; k < b->probe_count; k++) {
		for (i = 0; i < a->probe_count; i++)
			if (same_endpoint(&a->probes[i], &b->probes[k]))
				break;
		if (i < a->probe_count)
			continue;
		c.kind = DIFF_ENDPOINT_ADDED;
		c.probe = &b->probes[k];
		c.findings = judged ? fb : NULL;
		c.status = judged ? render_status_name(render_status_of(fb, c.probe))
				  : "-";
		emit(w, &c);
	}
}

/* Whether the findings of a and b can differ (else they are not judged). */
static int diff_may_judge_apart(struct diff_walk *w,
				const struct store_target_row *a,
				const struct store_target_row *b)
{
	unsigned char da[HIST_DIGEST_LEN], db[HIST_DIGEST_LEN];

	if (hist_target_digest(a, da) != 0 || hist_target_digest(b, db) != 0)
		return 1;
	return memcmp(da, db, sizeof da) != 0 ||
	       hist_dates_between(b, w->from_at, w->to_at, w->warn_days);
}

static int diff_both(struct diff_walk *w, const struct store_target_row *a,
		     const struct store_target_row *b)
{
	struct finding_list fa = { 0 }, fb = { 0 };
	int judged, rc = -1;

	/* A target our side could not do (our resolver, our network: its
	 * stored kind is not_probed) says nothing of the partner: it neither
	 * broke nor was repaired. */
	if (failure_is(a->error_kind, FAIL_NOT_PROBED) ||
	    failure_is(b->error_kind, FAIL_NOT_PROBED))
		return 0;
	judged = diff_may_judge_apart(w, a, b);
	if (judged &&
	    (hist_judge(&w->from_judging, a, &fa) != 0 ||
	     hist_judge(&w->to_judging, b, &fb) != 0))
		goto out;
	diff_failure(w, b, NULL, target_kind(a), a->error_reason,
		     target_kind(b), b->error_reason, NULL);
	diff_endpoints(w, a, b, &fb, judged);
	if (judged && diff_findings(w, a, b, &fa, &fb) != 0)
		goto out;
	rc = 0;
out:
	finding_list_free(&fa);
	finding_list_free(&fb);
	return rc;
}

static int diff_added(struct diff_walk *w, const struct store_target_row *b)
{
	struct finding_list fb = { 0 };
	struct diff_change c = { .kind = DIFF_TARGET_ADDED, .target = b };
	int rc = hist_judge(&w->to_judging, b, &fb);

	if (rc == 0) {
		c.findings = &fb;
		c.status = render_status_name(render_status_of(&fb, NULL));
		emit(w, &c);
	}
	finding_list_free(&fb);
	return rc;
}

static int diff_on_pair(const struct store_target_pair *pr, void *arg)
{
	struct diff_walk *w = arg;
	const struct store_target_row *a = pr->from, *b = pr->to;
	struct diff_change c = { .kind = DIFF_TARGET_REMOVED, .target = a };

	if (b == NULL)
		emit(w, &c);
	else if ((a == NULL ? diff_added(w, b) : diff_both(w, a, b)) != 0)
		w->nomem = 1;
	return w->nomem || ferror(w->out) ? 1 : 0;
}

/* The scans to compare (report.h says which by default). */
static int diff_resolve(struct store *st, const struct report_diff_options *o,
			struct diff_scans *s, char *err, size_t errlen)
{
	int64_t newest = 0;

	s->to = o->to;
	if (s->to == 0 && (store_scan_latest_done(st, 0, &s->to) != 0 ||
			   store_scan_latest(st, &newest) != 0))
		goto db;
	if (s->to == 0) {
		snprintf(err, errlen, "no finished scan in the database");
		return -1;
	}
	if (o->to == 0 && newest > s->to)
		s->newer_unfinished = newest;
	s->from = o->from;
	if (s->from == 0 && store_scan_latest_done(st, s->to, &s->from) != 0)
		goto db;
	if (s->from == 0 && o->from == 0 && o->to == 0) {
		/* The first night: nothing is wrong, there is only nothing
		 * to compare yet. */
		s->first_night = 1;
		return 0;
	}
	if (s->from == 0) {
		snprintf(err, errlen, "no finished scan before scan %lld to "
			 "compare it with (give --from)", (long long)s->to);
		return -1;
	}
	if (s->from == s->to) {
		snprintf(err, errlen, "scan %lld is the newest finished scan: "
			 "nothing to compare it with (give --to)", (long long)s->to);
		return -1;
	}
	return 0;
db:
	snprintf(err, errlen, "reading the scans: %s", store_errmsg(st));
	return -1;
}

static int diff_walk_scans(struct store *st, struct diff_walk *w, char *err,
			   size_t errlen)
{
	size_t i;
	int rc;

	for (i = 0; w->format == REPORT_HTML && i < DIFF_KINDS; i++) {
		if ((w->kinds[i] = tmpfile()) == NULL) {
			snprintf(err, errlen, "a temporary file: %s",
				 strerror(errno));
			return -1;
		}
	}
	diff_render_heading(w->out, w->format, &w->scans);
	rc = store_each_target_pair(st, w->scans.from, w->scans.to,
				    diff_on_pair, w);
	for (i = 0; rc == 0 && i < DIFF_KINDS; i++)
		if (w->kinds[i] != NULL && ferror(w->kinds[i]))
			rc = 1;
	if (rc == 0 && w->format == REPORT_HTML)
		diff_render_html(w->out, &w->scans, w->counts, w->kinds,
				 DIFF_HTML_ITEMS);
	else if (rc == 0)
		diff_render_summary(w->out, w->format, w->counts);
	if (rc < 0)
		snprintf(err, errlen, "reading the scans: %s", store_errmsg(st));
	else if (w->nomem)
		snprintf(err, errlen, "comparing the scans: out of memory");
	else if (rc != 0 || fflush(w->out) != 0 || ferror(w->out))
		snprintf(err, errlen, "writing the changes: %s", strerror(errno));
	else
		return 0;
	return -1;
}

int report_diff(struct store *st, const struct report_diff_options *o,
		FILE *out, char *err, size_t errlen)
{
	struct diff_walk w = { .out = out, .format = o->format };
	struct store_scan_row from = { 0 }, to = { 0 };
	size_t i;
	int rc = -1;

	w.warn_days = judge_warn_days(o->warn_days);
	if (diff_resolve(st, o, &w.scans, err, errlen) != 0)
		return -1;
	if (w.scans.first_night) {
		diff_render_first_night(out, o->format, w.scans.to);
		if (fflush(out) == 0 && !ferror(out)) {
			diff_first_night_note(w.scans.to, err, errlen);
			return REPORT_DIFF_FIRST_NIGHT;
		}
		snprintf(err, errlen, "writing the changes: %s", strerror(errno));
		return -1;
	}
	if (store_scan_get(st, w.scans.from, &from) != 0 ||
	    store_scan_get(st, w.scans.to, &to) != 0) {
		snprintf(err, errlen, "%s", store_errmsg(st));
		goto out;
	}
	w.scans.from_row = &from;
	w.scans.to_row = &to;
	if (utc_parse(from.started, &w.from_at) != 0 ||
	    utc_parse(to.started, &w.to_at) != 0) {
		snprintf(err, errlen, "a scan without a valid start time");
		goto out;
	}
	hist_judging_init(&w.from_judging);
	hist_judging_init(&w.to_judging);
	w.from_judging.profile = w.to_judging.profile = o->profile;
	/* The two scans share most certificates: one cache. */
	cert_cache_free(w.to_judging.certs);
	w.to_judging.certs = w.from_judging.certs;
	if (hist_judging_scan(&w.from_judging, st, &from, w.from_at,
			      w.warn_days, o->judge_afresh) != 0 ||
	    hist_judging_scan(&w.to_judging, st, &to, w.to_at, w.warn_days,
			      o->judge_afresh) != 0) {
		snprintf(err, errlen, "%s", store_errmsg(st));
		rc = -1;
	} else {
		rc = diff_walk_scans(st, &w, err, errlen);
	}
	if (rc >= 0) {
		verdicts_note(&w.from_judging.verdicts, o->notes, "diff");
		verdicts_note(&w.to_judging.verdicts, o->notes, "diff");
	}
	w.to_judging.certs = NULL;
	hist_judging_free(&w.from_judging);
	hist_judging_free(&w.to_judging);
	for (i = 0; i < DIFF_KINDS; i++)
		if (w.kinds[i] != NULL)
			fclose(w.kinds[i]);
out:
	store_scan_row_free(&from);
	store_scan_row_free(&to);
	return rc;
}
