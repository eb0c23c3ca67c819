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

struct store;

enum report_format {
	REPORT_TEXT, /* one block per endpoint, the layout administrators know */
	REPORT_CSV   /* one row per probe, RFC 4180, header row first */
};

struct report_options {
	enum report_format format;
	int64_t scan_id; /* 0: the newest scan */
};

/* Writes the report of one scan to out. Returns 0 on success, -1 with a
 * message in err (no scan in the database, a database or write error). */
int report_run(struct store *st, const struct report_options *opts, FILE *out,
	       char *err, size_t errlen);

#endif
