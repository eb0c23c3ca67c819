/* report.h: judges and renders what a scan stored.
 *
 * The report never touches the network. It reads the database through
 * store.h into in-memory rows and hands them to a renderer.
 */
#ifndef FEDCERT_REPORT_H
#define FEDCERT_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

struct store;

enum report_format {
	REPORT_TEXT, /* one block per endpoint, the layout administrators know,
			with "Comments:" (findings) after each */
	REPORT_CSV,  /* one row per target (per_endpoint: one per probe),
			RFC 4180, header row first, spreadsheet-safe */
	REPORT_JSON  /* JSON Lines: one object per target (README documents
			the keys: a contract) */
};

struct report_options {
	enum report_format format;
	int64_t scan_id;   /* 0: the newest scan */
	int per_endpoint;  /* CSV: one row per probe instead of per target */
	int advanced;      /* text: every extension of each leaf decoded */
	int chain;         /* text: each chain item, and where to get the root */
	int min_severity;  /* findings below this severity are not shown;
			      -1: all */
	const char *const *only; /* show only these finding ids (NULL: all) */
	size_t nonly;
	int fail_on;       /* severity at or above which *flagged is set;
			      -1: never */
	int warn_days;     /* expires_soon threshold, days (default 30) */
	const char *ca_file; /* judge chains again against this trust store */
	const char *ca_path;
	time_t now;        /* the time findings are judged at (0: now) */
};

/* Writes the report of one scan to out, with the findings of each target.
 * *flagged is set to 1 when a finding that is shown (after --min-severity
 * and --only) is at or above fail_on, else 0. Returns 0 on success, -1
 * with a message in err (no scan in the database, an unreadable trust
 * store, a database or write error). */
int report_run(struct store *st, const struct report_options *opts, FILE *out,
	       int *flagged, char *err, size_t errlen);

/* `fedcert findings`: every finding id with its severity and why it
 * matters. */
void report_list_findings(FILE *out);

/* The finding id is known: 1, or 0 (for validating --only). */
int report_is_finding_id(const char *id);

#endif
