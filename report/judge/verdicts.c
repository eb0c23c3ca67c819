/* verdicts.c: a finished scan's judgement, kept and read back
 * (verdicts.h says when each is used).
 *
 * The encoding of one target's findings, in the order judged:
 *   severity  1 byte, '0' info, '1' warning, '2' error
 *   id        the finding id, NUL-terminated (one of the registry's)
 *   endpoint  4 bytes, big-endian: the probe's position in the target's
 *             row (store.h orders them), 0xffffffff for the target's own
 *   message   4 bytes of length, big-endian, then the bytes (no NUL)
 * The message holds text a partner sent (a subject, a name): it is kept
 * as bytes with its length, never parsed, and escaped where a renderer
 * writes it, as when it was judged. A list that does not decode against
 * its target (an unknown id, a position past its probes, a short read)
 * is not used: the target is judged afresh.
 */
#include "report/judge/verdicts.h"
#include "report/report.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "fedcert_limits.h"
#include "common/utc.h"
#include "report/judge/events.h"
#include "report/judge/findings_int.h"
#include "report/judge/x509.h"

/* Raise when a check says anything else for the same facts (a new
 * finding, another message, another severity) without a new version of
 * fedcert: verdicts kept by the older judge are then judged again. */
#define VERDICTS_JUDGE_REVISION 3 /* 3: --profile; a hosted provider's
					    pool is named (info) */

#define NO_PROBE 0xffffffffu
/* Targets judged per slice of the walk when a scan's verdicts are kept
 * (verdicts_keep()): between slices nothing reads, and the WAL is
 * emptied. */
#define VERDICTS_SLICE 4096

const char *verdicts_judge_version(void)
{
	static char version[64];
	const struct finding_def *defs;
	uint32_t h = 2166136261u;
	size_t i, n;
	const char *c;

	if (version[0] != '\0')
		return version;
	defs = findings_registry(&n);
	for (i = 0; i < n; i++) {
		for (c = defs[i].id; *c != '\0'; c++)
			h = (h ^ (unsigned char)*c) * 16777619u;
		h = (h ^ (unsigned)(defs[i].severity + 1)) * 16777619u;
		h = (h ^ (unsigned)(defs[i].per_target + 1)) * 16777619u;
	}
	/* The built-in trust events are rules too. */
	if (trust_events_default() != NULL)
		h = (h ^ trust_events_default()->digest) * 16777619u;
	snprintf(version, sizeof version, "%s/%d/%08x", FEDCERT_VERSION,
		 VERDICTS_JUDGE_REVISION, (unsigned)h);
	return version;
}

/* ---- The encoding -------------------------------------------------------- */

struct buf {
	unsigned char *p;
	size_t len, cap;
	int nomem;
};

static void put(struct buf *b, const void *data, size_t n)
{
	unsigned char *bigger;
	size_t want;

	if (b->nomem)
		return;
	if (b->len + n > b->cap) {
		want = b->cap ? b->cap * 2 : 256;
		while (want < b->len + n)
			want *= 2;
		bigger = realloc(b->p, want);
		if (bigger == NULL) {
			b->nomem = 1;
			return;
		}
		b->p = bigger;
		b->cap = want;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
}

static void put_u32(struct buf *b, uint32_t v)
{
	unsigned char x[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16),
			       (unsigned char)(v >> 8), (unsigned char)v };

	put(b, x, 4);
}

static uint32_t get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

int verdicts_encode(const struct finding_list *l,
		    const struct store_target_row *t, unsigned char **out,
		    size_t *len)
{
	struct buf b = { 0 };
	const struct finding *f;
	size_t i, mlen;
	char sev;

	*out = NULL;
	*len = 0;
	for (i = 0; i < l->count; i++) {
		f = &l->items[i];
		if (f->def == NULL)
			continue; /* cannot happen: every finding has its entry */
		sev = (char)('0' + (int)f->severity);
		put(&b, &sev, 1);
		put(&b, f->def->id, strlen(f->def->id) + 1);
		put_u32(&b, f->probe != NULL ? (uint32_t)(f->probe - t->probes)
					     : NO_PROBE);
		mlen = f->message != NULL ? strlen(f->message) : 0;
		put_u32(&b, (uint32_t)mlen);
		put(&b, f->message, mlen);
	}
	if (b.nomem) {
		free(b.p);
		return -1;
	}
	*out = b.p;
	*len = b.len;
	return 0;
}

int verdicts_decode(const unsigned char *blob, size_t len,
		    const struct store_target_row *t, struct finding_list *out)
{
	const struct finding_def *def;
	const unsigned char *p = blob, *end = blob + len, *nul;
	const struct store_probe_row *probe;
	uint32_t pos, mlen;
	char *msg;
	int sev, rc;

	while (p < end) {
		sev = *p++ - '0';
		nul = memchr(p, '\0', (size_t)(end - p));
		if (sev < SEVERITY_INFO || sev > SEVERITY_ERROR || nul == NULL ||
		    end - nul < 9)
			return -1;
		def = findings_lookup((const char *)p);
		pos = get_u32(nul + 1);
		mlen = get_u32(nul + 5);
		p = nul + 9;
		if (def == NULL || (size_t)(end - p) < mlen ||
		    (pos != NO_PROBE && pos >= t->probe_count))
			return -1;
		probe = pos == NO_PROBE ? NULL : &t->probes[pos];
		msg = malloc((size_t)mlen + 1);
		if (msg == NULL)
			return -1;
		memcpy(msg, p, mlen);
		msg[mlen] = '\0';
		rc = finding_add_copy(out, def, (enum finding_severity)sev, probe,
				      msg);
		free(msg);
		if (rc != 0)
			return -1;
		p += mlen;
	}
	return 0;
}

/* ---- When a judgement holds ---------------------------------------------- */

static void sooner(time_t *until, time_t at, time_t when)
{
	if (when > at && when < *until)
		*until = when;
}

/* The first second after at at which a count of days to x (or since it)
 * says another number: before x, (x - now) / D in whole days is k for now
 * in (x - (k + 1) D, x - k D], so it changes at x - k D + 1; after x,
 * utc_days_left() is -m for now in [x + (m - 1) D + 1, x + m D], so it
 * changes at x + m D + 1. */
static time_t next_tick(time_t x, time_t at)
{
	long long d = (long long)at - (long long)x, j;

	if (d >= 0)
		j = (d + UTC_DAY_SECONDS - 1) / UTC_DAY_SECONDS;
	else
		j = -((-d) / UTC_DAY_SECONDS);
	return (time_t)((long long)x + j * UTC_DAY_SECONDS + 1);
}

time_t verdicts_valid_until(const struct store_target_row *t, time_t at,
			    int warn_days, const struct trust_events *events)
{
	time_t warn = (time_t)judge_warn_days(warn_days) * UTC_DAY_SECONDS;
	time_t until = (time_t)INT64_MAX, nb, na;
	const struct store_cert_row *c;
	size_t i, k;

	for (i = 0; i < t->probe_count; i++) {
		for (k = 0; k < t->probes[i].chain_len; k++) {
			c = &t->probes[i].chain[k];
			if (utc_parse(c->not_before, &nb) != 0 ||
			    utc_parse(c->not_after, &na) != 0)
				return at; /* a date we cannot read: no promise */
			sooner(&until, at, nb);
			sooner(&until, at, nb + 1);
			sooner(&until, at, na - warn);
			sooner(&until, at, na - warn + 1);
			sooner(&until, at, na);
			sooner(&until, at, na + 1);
			/* A finding that counts days (not yet valid, expires
			 * soon, expired) says another number tomorrow. */
			if (at < nb)
				sooner(&until, at, next_tick(nb, at));
			if (at >= na - warn)
				sooner(&until, at, next_tick(na, at));
		}
	}
	/* The foresight findings change on the events' days (and on the
	 * certificates' dates above). */
	for (i = 0; events != NULL && i < events->count; i++)
		sooner(&until, at, events->items[i].date);
	return until;
}

/* ---- Reading ------------------------------------------------------------- */

static int same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	       (a != NULL && b != NULL && strcmp(a, b) == 0);
}

int verdicts_open(struct verdicts *v, struct store *st,
		  const struct store_scan_row *scan,
		  const struct judge_options *o, int afresh)
{
	struct store_verdict_scan k;
	int rc;

	memset(v, 0, sizeof(*v));
	v->st = st;
	v->scan_id = scan->id;
	v->state = VERDICTS_NONE;
	rc = store_verdict_scan_get(st, scan->id, &k);
	if (rc <= 0)
		return rc;
	if (afresh) {
		v->state = VERDICTS_AFRESH;
	} else if (strcmp(k.judge, verdicts_judge_version()) != 0) {
		v->state = VERDICTS_STALE;
		snprintf(v->why, sizeof v->why, "they were judged by another "
			 "version of fedcert (%s)", k.judge);
	} else if (!same(k.scan_status, scan->status) ||
		   !same(k.scan_finished, scan->finished)) {
		v->state = VERDICTS_STALE;
		snprintf(v->why, sizeof v->why, "the scan changed since "
			 "(resumed)");
	} else if (o->trust != NULL ||
		   strcmp(k.trust, VERDICTS_TRUST_RECORDED) != 0) {
		v->state = VERDICTS_OTHER_OPTIONS;
		snprintf(v->why, sizeof v->why, "they were judged with the "
			 "verification the scan recorded, not --ca-file or "
			 "--ca-path");
	} else if (o->profile != REPORT_PROFILE_SFB) {
		/* Kept verdicts are the default profile's (verdicts_keep()). */
		v->state = VERDICTS_OTHER_OPTIONS;
		snprintf(v->why, sizeof v->why, "they were judged with "
			 "--profile %s",
			 report_profile_name(REPORT_PROFILE_SFB));
	} else if (o->events != trust_events_default()) {
		v->state = VERDICTS_OTHER_OPTIONS;
		snprintf(v->why, sizeof v->why, "they were judged with the "
			 "built-in trust events only, not --trust-events");
	} else if (k.warn_days != judge_warn_days(o->warn_days)) {
		v->state = VERDICTS_OTHER_OPTIONS;
		snprintf(v->why, sizeof v->why, "they were judged with "
			 "--warn-days %d", k.warn_days);
	} else if ((int64_t)o->now < k.judged_at) {
		v->state = VERDICTS_OTHER_OPTIONS;
		snprintf(v->why, sizeof v->why, "they were judged at the "
			 "scan's start, after the time asked");
	} else {
		v->state = VERDICTS_READ;
		memcpy(v->status, k.status, sizeof v->status);
		memcpy(v->findings, k.findings, sizeof v->findings);
	}
	store_verdict_scan_clear(&k);
	return 0;
}

int verdicts_findings(struct verdicts *v, const struct judge_options *o,
		      const struct store_target_row *t,
		      struct finding_list *out)
{
	unsigned char *blob = NULL;
	size_t len = 0, before = out->count;
	int64_t until = 0;
	int status, rc;

	if (v != NULL && v->state == VERDICTS_READ) {
		rc = store_verdict_target_get(v->st, t->id, &status, &until,
					      &blob, &len);
		if (rc < 0)
			return -1;
		if (rc == 1 && (int64_t)o->now < until &&
		    verdicts_decode(blob, len, t, out) == 0) {
			free(blob);
			v->read++;
			return 0;
		}
		free(blob);
		/* Not kept, past its time or not fitting: judged, from
		 * where the list was. */
		while (out->count > before)
			free(out->items[--out->count].message);
	}
	if (v != NULL)
		v->judged++;
	return findings_judge_target(o, t, out);
}

void verdicts_note(const struct verdicts *v, FILE *out, const char *cmd)
{
	if (out == NULL)
		return;
	if (v->state == VERDICTS_OTHER_OPTIONS || v->state == VERDICTS_STALE)
		fprintf(out, "fedcert %s: scan %lld judged afresh: its kept "
			"verdicts do not apply (%s)\n", cmd,
			(long long)v->scan_id, v->why);
}

/* ---- Keeping ------------------------------------------------------------- */

struct keep_walk {
	struct store *st;
	struct judge_options judge;
	struct store_verdict_scan totals;
	/* target rows per (finding, severity), by registry index */
	int64_t *counts;
	unsigned char *seen; /* the same: in this target already */
	size_t ndefs;
	const struct finding_def *defs;
	int64_t targets;
	int nomem;
};

static int keep_on_target(const struct store_target_row *t, void *arg)
{
	struct keep_walk *w = arg;
	struct finding_list l = { 0 };
	unsigned char digest[32], *blob = NULL;
	unsigned int dlen = 0;
	size_t len = 0, i, k;
	int worst, rc = -1;

	memset(w->seen, 0, w->ndefs * 3);
	if (findings_judge_target(&w->judge, t, &l) != 0 ||
	    verdicts_encode(&l, t, &blob, &len) != 0 ||
	    (blob != NULL && EVP_Digest(blob, len, digest, &dlen, EVP_sha256(),
					NULL) != 1)) {
		w->nomem = 1;
		goto out;
	}
	worst = finding_list_worst(&l);
	if (worst < 0)
		worst = 0;
	w->totals.status[worst]++;
	for (i = 0; i < l.count; i++) {
		w->totals.findings[l.items[i].severity]++;
		k = (size_t)(l.items[i].def - w->defs) * 3 +
		    (size_t)l.items[i].severity;
		if (k < w->ndefs * 3 && !w->seen[k]) {
			w->seen[k] = 1;
			w->counts[k]++;
		}
	}
	if (store_verdict_target_put(w->st, t->id, worst,
				     (int64_t)verdicts_valid_until(
					     t, w->judge.now, w->judge.warn_days,
					     w->judge.events),
				     blob != NULL ? digest : NULL, blob,
				     len) != 0)
		goto out;
	w->targets++;
	rc = 0;
out:
	free(blob);
	finding_list_free(&l);
	return rc;
}

/* The scan's counts, for store_verdicts_end(). */
static int keep_end(struct keep_walk *w, int64_t scan_id)
{
	struct store_verdict_count *c;
	size_t i, n = 0;
	int rc;

	c = calloc(w->ndefs * 3 + 1, sizeof(*c));
	if (c == NULL) {
		w->nomem = 1;
		return -1;
	}
	for (i = 0; i < w->ndefs * 3; i++) {
		if (w->counts[i] == 0)
			continue;
		c[n].finding = w->defs[i / 3].id;
		c[n].severity = (int)(i % 3);
		c[n].targets = w->counts[i];
		n++;
	}
	rc = store_verdicts_end(w->st, scan_id, &w->totals, c, n);
	free(c);
	return rc;
}

int verdicts_keep(struct store *st, int64_t scan_id, struct cert_cache *certs,
		  int64_t *targets, char *err, size_t errlen)
{
	struct store_scan_row scan = { 0 };
	struct store_cert_row *self = NULL;
	struct keep_walk w = { .st = st };
	struct store_walk_pos pos = { 0, 0 };
	struct cert_cache *own = NULL;
	time_t at;
	int rc = -1, walk, more;

	*targets = 0;
	if (store_scan_get(st, scan_id, &scan) < 0 ||
	    store_scan_client_chain(st, scan_id, &self,
				    &w.judge.self_count) < 0) {
		snprintf(err, errlen, "%s", store_errmsg(st));
		goto out;
	}
	if (utc_parse(scan.started, &at) != 0) {
		snprintf(err, errlen, "scan %lld: its start is not a time",
			 (long long)scan_id);
		goto out;
	}
	w.defs = findings_registry(&w.ndefs);
	w.counts = calloc(w.ndefs * 3, sizeof(*w.counts));
	w.seen = calloc(w.ndefs * 3, 1);
	if (certs == NULL)
		certs = own = cert_cache_new();
	w.judge.now = at;
	w.judge.warn_days = judge_warn_days(0);
	w.judge.profile = REPORT_PROFILE_SFB; /* verdicts_open() relies on it */
	w.judge.self_chain = self;
	w.judge.certs = certs;
	w.judge.memo = judge_memo_new();
	w.judge.events = trust_events_default();
	w.totals.judge = (char *)verdicts_judge_version();
	w.totals.trust = (char *)VERDICTS_TRUST_RECORDED;
	w.totals.warn_days = w.judge.warn_days;
	w.totals.judged_at = (int64_t)at;
	w.totals.scan_status = scan.status;
	w.totals.scan_finished = scan.finished;
	if (w.counts == NULL || w.seen == NULL) {
		snprintf(err, errlen, "judging scan %lld: out of memory",
			 (long long)scan_id);
		goto out;
	}
	if (store_verdicts_begin(st, scan_id) != 0) {
		snprintf(err, errlen, "%s", store_errmsg(st));
		goto out;
	}
	/* In slices, the WAL emptied between them: the walk's read, open
	 * through every write of a slice, keeps SQLite from resetting the
	 * WAL, which grew by gigabytes over a million targets (and its
	 * mapped index with it) when the whole scan was one walk. */
	do {
		walk = store_each_target_slice(st, scan_id, &pos,
					       VERDICTS_SLICE, keep_on_target,
					       &w, &more);
		if (walk == 0 && store_wal_reset(st) != 0)
			walk = -1;
	} while (walk == 0 && more);
	if (walk == 0)
		walk = keep_end(&w, scan_id);
	if (walk != 0) {
		if (w.nomem)
			snprintf(err, errlen, "judging scan %lld: out of memory",
				 (long long)scan_id);
		else
			snprintf(err, errlen, "%s", store_errmsg(st));
		goto out;
	}
	*targets = w.targets;
	rc = 0;
out:
	free(w.counts);
	free(w.seen);
	judge_memo_free(w.judge.memo);
	cert_cache_free(own);
	if (self != NULL)
		store_cert_rows_free(self, w.judge.self_count);
	store_scan_row_free(&scan);
	return rc;
}

/* ---- fedcert judge ------------------------------------------------------- */

struct judge_list {
	int64_t *ids;
	size_t count, cap;
	int nomem;
};

static int judge_list_add(const struct store_scan_summary *s, void *arg)
{
	struct judge_list *l = arg;
	int64_t *bigger;

	if (s->scan->status != NULL && strcmp(s->scan->status, "running") == 0)
		return 0; /* still being written: judged when it ends */
	if (l->count == l->cap) {
		bigger = realloc(l->ids, (l->cap ? l->cap * 2 : 64) *
					 sizeof(*bigger));
		if (bigger == NULL) {
			l->nomem = 1;
			return 1;
		}
		l->ids = bigger;
		l->cap = l->cap ? l->cap * 2 : 64;
	}
	l->ids[l->count++] = s->scan->id;
	return 0;
}

/* Whether scan_id's kept verdicts are current: the judge's, with the
 * defaults, for the scan as it is. 1, 0, or -1 on a database error. */
static int judge_current(struct store *st, int64_t scan_id)
{
	struct store_scan_row scan = { 0 };
	struct judge_options o = { .now = (time_t)INT64_MAX,
				   .events = trust_events_default() };
	struct verdicts v;
	int rc;

	if (store_scan_get(st, scan_id, &scan) != 0)
		return -1;
	rc = verdicts_open(&v, st, &scan, &o, 0);
	store_scan_row_free(&scan);
	return rc < 0 ? -1 : v.state == VERDICTS_READ;
}

int report_judge(struct store *st, int64_t scan_id, FILE *out, char *err,
		 size_t errlen)
{
	struct judge_list l = { 0 };
	struct cert_cache *certs = cert_cache_new();
	int64_t targets, judged = 0, kept = 0;
	size_t i;
	int rc = -1, cur;

	if (scan_id != 0) {
		l.ids = &scan_id;
		l.count = 1;
	} else if (store_each_scan(st, 0, judge_list_add, &l) != 0) {
		snprintf(err, errlen, "%s", l.nomem ? "listing the scans: out of "
			 "memory" : store_errmsg(st));
		goto out;
	}
	for (i = 0; i < l.count; i++) {
		if (scan_id == 0) {
			if ((cur = judge_current(st, l.ids[i])) < 0) {
				snprintf(err, errlen, "%s", store_errmsg(st));
				goto out;
			}
			if (cur) {
				kept++;
				continue;
			}
		}
		if (verdicts_keep(st, l.ids[i], certs, &targets, err, errlen) != 0)
			goto out;
		fprintf(out, "scan %lld: %lld targets judged\n",
			(long long)l.ids[i], (long long)targets);
		judged++;
	}
	fprintf(out, "%lld scan%s judged, %lld already current\n",
		(long long)judged, judged == 1 ? "" : "s", (long long)kept);
	rc = 0;
out:
	if (l.ids != &scan_id)
		free(l.ids);
	cert_cache_free(certs);
	return rc;
}

int report_keep_verdicts(struct store *st, int64_t scan_id, char *err,
			 size_t errlen)
{
	int64_t targets;

	return verdicts_keep(st, scan_id, NULL, &targets, err, errlen);
}
