/* diff_int.h: one change between two scans, as diff.c finds it and
 * diff_render.c writes it (folder-private to report/ and its tests).
 */
#ifndef FEDCERT_REPORT_DIFF_INT_H
#define FEDCERT_REPORT_DIFF_INT_H

#include <stdint.h>
#include <stdio.h>

#include "report/judge/findings.h"
#include "report/report.h"
#include "store/store.h"

/* The kinds, in the order docs/formats.md lists them; their names are a contract
 * (the "change" key of the JSON). */
enum diff_kind {
	DIFF_TARGET_ADDED,
	DIFF_TARGET_REMOVED,
	DIFF_ENDPOINT_ADDED,
	DIFF_ENDPOINT_REMOVED,
	DIFF_ROTATED,
	DIFF_ISSUER_CHANGED,
	DIFF_ROOT_CHANGED,
	DIFF_NEW_FAILURE,
	DIFF_RECOVERED,
	DIFF_FAILURE_CHANGED,
	DIFF_FINDING_APPEARED,
	DIFF_FINDING_CLEARED,
	DIFF_KINDS
};

const char *diff_kind_name(enum diff_kind k);

/* What a change says; everything borrowed from the rows being compared.
 * Which fields are set depends on the kind (docs/formats.md, "fedcert diff"). */
struct diff_change {
	enum diff_kind kind;
	const struct store_target_row *target; /* its identity */
	const struct store_probe_row *probe;   /* the endpoint, or NULL */
	/* rotated: the leaves; issuer_changed, root_changed: issuer or root
	 * before and after; failures: the kinds and reasons. */
	const struct store_cert_row *leaf_before, *leaf_after;
	const char *before, *after;
	const char *reason_before, *reason_after;
	const struct finding *finding;  /* finding_appeared, _cleared */
	const char *status;             /* target_added, endpoint_added:
					   PASS, WARN or FAIL */
	const struct finding_list *findings; /* target_added, endpoint_added:
						the ids to list */
};

/* The scans compared, for the heading and every JSON object. */
struct diff_scans {
	int64_t from, to;
	const struct store_scan_row *from_row, *to_row;
	int64_t newer_unfinished; /* a newer scan that was passed over; 0 */
	int first_night; /* one finished scan only: nothing to compare yet */
};

void diff_render_heading(FILE *out, enum report_format f,
			 const struct diff_scans *s);
void diff_render_change(FILE *out, enum report_format f,
			const struct diff_scans *s, const struct diff_change *c);
void diff_render_summary(FILE *out, enum report_format f,
			 const size_t counts[DIFF_KINDS]);

/* The HTML report's section (REPORT_HTML): the counts by kind, then each
 * kind's items, which diff_render_change() wrote into kinds[kind] (at most
 * max_items of each; the section says how to list the others). */
void diff_render_html(FILE *out, const struct diff_scans *s,
		      const size_t counts[DIFF_KINDS], FILE *const kinds[DIFF_KINDS],
		      size_t max_items);

/* The database holds one finished scan: text says so on out; JSON Lines
 * writes nothing (there is no change; the caller says it on stderr). */
void diff_render_first_night(FILE *out, enum report_format f, int64_t scan);

/* "scan N is the only finished scan: nothing to compare yet (...)". */
void diff_first_night_note(int64_t scan, char *buf, size_t len);

#endif
