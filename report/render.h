/* render.h: the renderers, private to report/ (and its unit tests).
 *
 * Renderers take rows already read from the store and write them; they
 * never query the database. Every string that came from a certificate or a
 * peer is untrusted and is escaped here, at the one place it is written.
 */
#ifndef FEDCERT_REPORT_RENDER_H
#define FEDCERT_REPORT_RENDER_H

#include <stdio.h>

#include "store/store.h"

/* Text. */
void render_text_scan(FILE *out, const struct store_scan_row *scan);
void render_text_target(FILE *out, const struct store_target_row *t);
void render_text_input_error(FILE *out, const char *input,
			     const struct store_input_error_row *e);

/* The heading written once before the first input error. */
void render_text_input_error_heading(FILE *out);

/* What the closing summary line counts. probes counts probe blocks as
 * shown (one endpoint linked to two targets is shown, and counted, twice);
 * failed counts those that ended with an error kind. dns_failed counts DNS
 * lines shown with an rcode other than NOERROR, likewise once per target
 * that used the answer; "no data" and a "." SRV target are answers, not
 * failures. */
struct render_totals {
	size_t targets;
	size_t probes;
	size_t failed;
	size_t dns_failed;
	size_t input_errors;
};

/* Adds t's probes to the totals. */
void render_totals_add_target(struct render_totals *tot,
			      const struct store_target_row *t);

/* "N targets, M endpoints probed, F failed, D DNS lookups failed,
 * E input errors". */
void render_text_summary(FILE *out, const struct render_totals *tot);

/* CSV: one row per probe; a target without probes gets one row with the
 * probe columns empty. */
void render_csv_header(FILE *out);
void render_csv_target(FILE *out, const struct store_target_row *t);

/* As render_csv_target(), and says whether the rows are whole: 0, or -1
 * when memory for a cell ran out (the row is then written with that cell
 * empty). Write errors are left on out's error indicator either way. */
int render_csv_target_checked(FILE *out, const struct store_target_row *t);

/* The error shown for a target that has neither probes nor a recorded
 * error (a scan interrupted before reaching it). */
#define RENDER_NO_PROBE_REASON "no endpoint was probed"

/* Windows' name for a signature algorithm ("sha256RSA", "sha384ECDSA");
 * the OpenSSL long name itself when there is no Windows name. */
const char *render_sigalg_windows(const char *openssl_name);

#endif
