/* history_int.h: what the reports across scans share (scans.c,
 * history.c, expiring.c, diff.c, compliance.c), folder-private to report/
 * and its unit tests.
 *
 * The same rules as the scan report: every string that came from a peer or
 * a certificate is untrusted and is written through escape.h, at the one
 * place it is written (esc_text for the terminal, esc_json for JSON,
 * esc_csv_cell and libcsv's csv_fwrite for CSV).
 */
#ifndef FEDCERT_REPORT_HISTORY_INT_H
#define FEDCERT_REPORT_HISTORY_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "report/render/emit.h"
#include "report/render/render.h"
#include "report/judge/findings.h"
#include "common/hex.h"
#include "common/utc.h"
#include "report/report.h"
#include "store/store.h"
#include "report/judge/verdicts.h"

/* The digest of a target's facts (SHA-256). */
#define HIST_DIGEST_LEN 32

/* "endpoint": {"address", "port", "sni"}, or null when address is NULL. */
void hist_json_endpoint(struct emit_json *j, const char *key,
			const char *address, int port, const char *sni);

/* ---- Judging a scan again, as cheaply as the facts allow. ----------- */

/* The digest of every fact of t that findings_judge_target() reads: the
 * target (domain, type, port, error), its DNS answers and records, each
 * probe's endpoint, route, outcome, verification and the SHA-256 of each
 * chain certificate (which stands for its DER and every decoded column).
 * Left out: row ids, the input line, timings (only whether a connection
 * and a handshake happened counts) and DNS TTLs (they count down at a
 * caching resolver night after night, and no check reads them). Two rows
 * with the same digest are judged alike at the same time. A new check
 * that reads another fact must add it here. 0, or -1 when OpenSSL fails. */
int hist_target_digest(const struct store_target_row *t,
		       unsigned char out[HIST_DIGEST_LEN]);

/* 1 when judging t at a and at b may differ although its facts are the
 * same: a validity boundary of a certificate it presents (not_before,
 * not_after, or not_after less warn_days: expires_soon) lies between the
 * two times, with a day's margin either side. */
int hist_dates_between(const struct store_target_row *t, time_t a, time_t b,
		       int warn_days);

/* The counts of one judged target. */
struct hist_verdict {
	unsigned findings[SEVERITY_ERROR + 1]; /* by severity */
	int status; /* 0 PASS, 1 WARN, 2 FAIL */
};

/* What judging many targets of one or more scans shares in one command:
 * certificates decoded once (x509.h's cert_cache, kept for the whole
 * command: scans share most of their certificates), and, per scan, each
 * endpoint's findings kept for the other targets that reach it
 * (findings.h's judge_memo: a probe belongs to one scan and is judged at
 * that scan's time only), our own chain as the scan presented it (as its
 * report judges the targets with it), and the scan's kept verdicts
 * (verdicts.h), read instead of judging wherever they hold. The cache or
 * the memo may be NULL (out of memory): judging is then slower, not
 * different. */
struct hist_judging {
	struct cert_cache *certs;
	struct judge_memo *memo;
	struct verdicts verdicts;
	struct store_cert_row *self; /* owned */
	size_t nself;
	time_t at;
	int warn_days;
	/* Whose rules judge (--profile); the caller sets it after
	 * hist_judging_init() (sfb), before the first scan. */
	enum report_profile profile;
};

void hist_judging_init(struct hist_judging *j);
/* Starts on scan, judged at its start (at) with warn_days; afresh: its
 * kept verdicts are not read. 0, or -1 on a database error (the store's
 * message). */
int hist_judging_scan(struct hist_judging *j, struct store *st,
		      const struct store_scan_row *scan, time_t at,
		      int warn_days, int afresh);
void hist_judging_free(struct hist_judging *j);

/* Judges t of the scan j was started on (hist_judging_scan()) into out
 * (which the caller frees with finding_list_free()). 0, or -1 when memory
 * ran out or the database failed. */
int hist_judge(struct hist_judging *j, const struct store_target_row *t,
	       struct finding_list *out);

/* `scans --trend` (trend.c): report_scans() with o->trend. */
int report_trend(struct store *st, const struct report_scans_options *o,
		 FILE *out, char *err, size_t errlen);

/* The trend the HTML report draws (trend.c): targets by status in each
 * of the newest `last` scans up to scan upto (0: all), from their kept
 * verdicts only (a scan without them is left out and counted in
 * out->left_out, not judged). Free with hist_trend_points_free(). 0, or
 * -1 with a message in err. */
int hist_trend_points(struct store *st, int64_t last, int64_t upto,
		      struct render_trend *out, char *err, size_t errlen);
void hist_trend_points_free(struct render_trend *t);

/* The verdict of a judged list. */
void hist_verdict_of(const struct finding_list *l, struct hist_verdict *v);

#endif
