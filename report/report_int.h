/* report_int.h: what report.c shares with inspect.c and compliance.c
 * (folder-private to report/): loading the trust store, and applying the
 * report's filters to judged findings, so that `fedcert inspect`, `fedcert
 * report` and `--compliance` select and fail on findings the same way.
 */
#ifndef FEDCERT_REPORT_INT_H
#define FEDCERT_REPORT_INT_H

#include <stddef.h>

#include <openssl/x509_vfy.h>

#include "report/judge/findings.h"
#include "report/report.h"

/* The trust store of ca_file and/or ca_path into *out (the caller frees
 * it with X509_STORE_free()). Neither given: NULL in *out, or with
 * system_default the system's default store (OpenSSL's default file and
 * directory, as X509_STORE_set_default_paths() finds them). An
 * unreadable file or directory is an error naming it: judging against a
 * store that silently holds nothing would call every chain untrusted.
 * 0, or -1 with a message in err. */
int report_load_trust(const char *ca_file, const char *ca_path,
		      int system_default, X509_STORE **out, char *err,
		      size_t errlen);

/* The findings of all that o's filters (--min-severity, --only) let
 * through, in all's order, into *shown (calloc'd, the caller frees it;
 * NULL when all is empty) and *nshown; *flagged is set to 1 when one of
 * them is at or above o->fail_on (it is never cleared). 0, or -1 when
 * out of memory. */
int report_select_shown(const struct report_options *o,
			const struct finding_list *all,
			const struct finding ***shown, size_t *nshown,
			int *flagged);

/* REPORT_FLAGGED_UNFINISHED when o asks to fail on something and scan
 * did not run to its end, else 0. */
struct store_scan_row;
int report_unfinished(const struct report_options *o,
		      const struct store_scan_row *scan);

#endif
