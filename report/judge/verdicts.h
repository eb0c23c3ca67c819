/* verdicts.h: a finished scan's judgement, kept beside its facts and read
 * back instead of judging again. Private to report/ (and its tests).
 *
 * What is kept, per scan (schema step 7, store/SCHEMA.md): each target's
 * status and findings as `fedcert report` judges them with the default
 * trust settings (no --ca-file: the verification the scan recorded;
 * --warn-days at its default; --profile sfb, the default; our own chain
 * as the scan presented it) at
 * the scan's start, the time every question across scans judges a scan
 * at; the scan's totals by status, by severity and by finding; and what
 * they were judged with: the judge's version (verdicts_judge_version()),
 * the trust ("recorded"), --warn-days, the scan's status and end.
 *
 * A reader uses them only when it would judge with the same: the same
 * judge version, no trust store of its own, --profile sfb, the same
 * --warn-days, the
 * scan unchanged since (a resumed scan ends again), and a time at or
 * after the judging and before the target's valid_until: the first moment
 * at which a date of one of its certificates would change what is said
 * (a not-before, a not-after, the start of the --warn-days window, or,
 * while a finding counts days, the next day). Anything else is judged
 * afresh, exactly as if nothing were kept; the tests hold the two equal.
 */
#ifndef FEDCERT_REPORT_VERDICTS_H
#define FEDCERT_REPORT_VERDICTS_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "report/judge/findings.h"
#include "store/store.h"

/* The trust the kept verdicts are judged with. */
#define VERDICTS_TRUST_RECORDED "recorded"

/* "0.1.0/1/9f3c2a10": fedcert's version, the judge's revision and a
 * digest of the registry (ids and severities), so that a build whose
 * checks say anything else never trusts what an older one kept. */
const char *verdicts_judge_version(void);

/* Why kept verdicts were not read. */
enum verdicts_state {
	VERDICTS_READ,          /* used (targets past their valid_until are
				   still judged) */
	VERDICTS_NONE,          /* the scan has none */
	VERDICTS_AFRESH,        /* --judge-afresh */
	VERDICTS_OTHER_OPTIONS, /* a trust store, --profile, --warn-days or
				   a time they were not judged with */
	VERDICTS_STALE          /* another judge, or the scan changed */
};

struct verdicts {
	struct store *st;
	int64_t scan_id;
	enum verdicts_state state;
	char why[200];             /* for VERDICTS_OTHER_OPTIONS and _STALE */
	/* VERDICTS_READ: the scan's kept totals, target rows by status
	 * (PASS, WARN, FAIL) and findings by severity. */
	int64_t status[3], findings[3];
	unsigned long long read;   /* targets whose kept verdict was used */
	unsigned long long judged; /* targets judged afresh */
};

/* Decides whether scan's kept verdicts can stand for judging with o
 * (o->trust, o->warn_days as given, o->now). afresh: never. 0, or -1 on a
 * database error (the store's message). */
int verdicts_open(struct verdicts *v, struct store *st,
		  const struct store_scan_row *scan,
		  const struct judge_options *o, int afresh);

/* The findings of t as judging with o would give them: the kept ones
 * when they hold, else judged. 0, or -1 when out of memory or on a
 * database error. */
int verdicts_findings(struct verdicts *v, const struct judge_options *o,
		      const struct store_target_row *t,
		      struct finding_list *out);

/* Writes a note to out (when not NULL) for a scan whose kept verdicts
 * were not read although it has some ("judged afresh: ..."), naming cmd. */
void verdicts_note(const struct verdicts *v, FILE *out, const char *cmd);

/* Judges scan_id with the defaults and keeps its verdicts, replacing
 * what it had; certs: a cache of decoded certificates to use (NULL: one
 * for this call). *targets: how many targets were judged. 0, or -1 with
 * a message in err. */
int verdicts_keep(struct store *st, int64_t scan_id, struct cert_cache *certs,
		  int64_t *targets, char *err, size_t errlen);

/* The encoding of a list of findings (exposed for the tests): *out
 * malloc'd, *len bytes; a list with no findings is NULL and 0. And the
 * reverse, against t's probes: -1 when blob does not fit t (then judge). */
int verdicts_encode(const struct finding_list *l,
		    const struct store_target_row *t, unsigned char **out,
		    size_t *len);
int verdicts_decode(const unsigned char *blob, size_t len,
		    const struct store_target_row *t, struct finding_list *out);

/* The first time after at at which judging t may say anything else: a
 * date of its certificates, or of a trust event (events NULL: none). */
time_t verdicts_valid_until(const struct store_target_row *t, time_t at,
			    int warn_days, const struct trust_events *events);

#endif
