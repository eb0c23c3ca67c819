/* support/report_db.h: a real database for the report_run() tests
 * (unit/report/): a temporary SQLite file filled through the store's
 * writer, as the scanner would, and report_run() into a capture. Failures
 * fail the test (cmocka).
 */
#ifndef FEDCERT_TEST_SUPPORT_REPORT_DB_H
#define FEDCERT_TEST_SUPPORT_REPORT_DB_H

#include <stdint.h>

#include <openssl/sha.h>

#include "report/report.h"
#include "store/store.h"
#include "report.h"

/* "Thumbprint: " and 40 hex digits, with its NUL. */
#define THUMB_LINE_MAX (12 + 2 * SHA_DIGEST_LENGTH + 1)

/* What main passes when no option is given: every finding shown, never
 * flagged, judged now. */
struct report_options run_options(enum report_format format);

struct run_db {
	char dir[64];
	char path[96];
	struct store *st;
};

/* A new database in a new temporary directory; run_db_close() closes it
 * and removes both. */
void run_db_open(struct run_db *db);
void run_db_close(struct run_db *db);

/* report_run() into c; it must succeed. Returns the output; *flagged is
 * report_run()'s. */
const char *run_report(struct run_db *db, const struct report_options *o,
		       struct capture *c, int *flagged);

/* One DIR target with a good (self-signed, a day left) and a refused
 * probe, one FED target whose domain does not exist, one bad input
 * line; *scan_id is the scan, thumb the good certificate's "Thumbprint: "
 * line as the text report writes it. */
void run_db_fill(struct store *st, int64_t *scan_id,
		 char thumb[THUMB_LINE_MAX]);

#endif
