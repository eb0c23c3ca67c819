/* render.h: the renderers, private to report/ (and its unit tests).
 *
 * Renderers take rows already read from the store, with the findings
 * report.c judged for them, and write them; they never query the database
 * and never judge. Every string that came from a certificate or a peer is
 * untrusted and is escaped here, at the one place it is written.
 */
#ifndef FEDCERT_REPORT_RENDER_H
#define FEDCERT_REPORT_RENDER_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <openssl/x509_vfy.h>

#include "report/judge/findings.h"
#include "report/report.h"
#include "common/hex.h"
#include "store/store.h"

/* ---- What every renderer gets ----------------------------------------- */

/* Shown in text where a fact is missing (NULL column, negative timing). */
#define RENDER_MISSING "-"

/* An endpoint as people read it, "192.0.2.1:5061" or "[2001:db8::1]:5061"
 * (RENDER_MISSING for no address), and the room it takes with its NUL. */
#define RENDER_ENDPOINT_MAX 96
void render_endpoint_text(const char *address, int port,
			  char out[RENDER_ENDPOINT_MAX]);

/* A target's (or one endpoint's) verdict: FAIL when any finding is an
 * error, WARN when any is a warning, else PASS. */
enum render_status {
	RENDER_PASS,
	RENDER_WARN,
	RENDER_FAIL
};

/* "PASS", "WARN", "FAIL". */
const char *render_status_name(enum render_status s);

/* The same, and "INPUT_ERROR" for a rejected row (report_status_name()). */
const char *render_status_label(enum report_status s);

/* The status of the findings in l that concern probe; probe NULL: of all
 * of l (a target's status). Filters play no part: the status reflects
 * every finding, --min-severity and --only only shape the list shown. */
enum render_status render_status_of(const struct finding_list *l,
				    const struct store_probe_row *probe);

/* One target as report.c hands it over. Everything is borrowed for the
 * duration of the call. shown points into all->items, in all's order. */
struct render_target {
	const struct store_target_row *row;
	const struct finding_list *all; /* every finding judged */
	const struct finding *const *shown; /* those the filters let through */
	size_t nshown;
	enum render_status status; /* render_status_of(all, NULL) */
	time_t now; /* the time judged at, which days_left counts from (the
		       judge's now); 0: the time of rendering */
	enum report_profile profile; /* whose rules judged (JSON "profile") */
};

/* ---- Text -------------------------------------------------------------- */

/* The text report's optional views. */
struct render_text_options {
	int advanced; /* every extension of each leaf, decoded */
	int chain;    /* each chain item, and where to get the root */
	/* The trust store the chain view checks the top item against
	 * (report --ca-file / --ca-path); NULL: none given. Borrowed. */
	X509_STORE *trust;
	/* `fedcert inspect`: the certificate file render_text_file() names
	 * (its block has no address, DNS or TLS facts: there were none);
	 * NULL for a scan's targets. Borrowed. */
	const char *file;
};

void render_text_scan(FILE *out, const struct store_scan_row *scan);

/* "Profile: sfb (Skype for Business / Lync Edge federation)": whose rules
 * judged, the line after the heading (report, inspect). */
void render_text_profile(FILE *out, enum report_profile p);
/* The text report's first line when our own certificate loses Client
 * Authentication at its renewal (client_auth_lost_at_renewal, message
 * as judged, when its day). */
void render_text_self_breaks(FILE *out, const char *message, time_t when);

/* incomplete.c: "This scan is incomplete: our resolver 127.0.0.1:53 did
 * not answer (...); 3 targets not probed; run fedcert scan --resume"
 * (for `fedcert check`, input "fedcert check": "check again once our
 * side works"), into buf, when c counts targets not probed for a reason
 * of ours: 1; else 0 and "". The text report's heading line after the
 * scan's; the JSON report's first line, {"format_version": 2,
 * "incomplete": {scan, not_probed, reason, message}}; a paragraph of the
 * HTML header. input is the scan's (store_scan_row's). */
int render_incomplete(const struct store_scan_summary *c, const char *input,
		      char *buf, size_t len);
void render_text_incomplete(FILE *out, const struct store_scan_summary *c,
			    const char *input);
void render_json_incomplete(FILE *out, int64_t scan_id,
			    const struct store_scan_summary *c,
			    const char *input);

/* The target's blocks: after each endpoint block a "Comments:" section
 * with that endpoint's shown findings ("  [error] id: message"), after the
 * last block one with the target's own, then "Result: FAIL (2 errors,
 * 1 warning) — domain". A section with nothing to show is left out. */
void render_text_target(FILE *out, const struct render_text_options *o,
			const struct render_target *rt);

void render_text_input_error(FILE *out, const char *input,
			     const struct store_input_error_row *e);

/* The heading written once before the first input error. */
void render_text_input_error_heading(FILE *out);

/* What the report's totals count (totals.c): the targets shown (those
 * the target filters let through) by status, rows rejected as input
 * errors (shown, like targets, when the filters let INPUT_ERROR
 * through), DNS lookups that failed (once per target that used the
 * answer; "no data" and a "." SRV target are answers, not failures), and
 * per finding id the shown targets that have it among their shown
 * findings. What the scan probed is counted by the store
 * (store_scan_summary_of()), the same numbers `fedcert scans` shows. */
struct render_totals {
	size_t targets;
	size_t status[REPORT_NSTATUS]; /* indexed by enum report_status */
	size_t dns_failed;
	size_t *by_finding; /* indexed like findings_registry(); owned */
	size_t nfindings;
	int with_info; /* count info findings too (--min-severity info):
			  else the findings line lists problems only */
};

/* 0, or -1 when out of memory. */
int render_totals_init(struct render_totals *tot);
void render_totals_free(struct render_totals *tot);

/* Whether a stored DNS answer is one (NOERROR, with or without data)
 * rather than a failed lookup. */
int render_dns_is_answer(const struct store_dns_answer_row *a);

/* def's place in defs (findings_registry(), n of them), or n when it is
 * not a registered finding. */
size_t render_finding_index(const struct finding_def *def,
			    const struct finding_def *defs, size_t n);

/* Counts rt's target, or one input error. */
void render_totals_add_target(struct render_totals *tot,
			      const struct render_target *rt);
void render_totals_add_input_error(struct render_totals *tot);

/* The block the text report and its summary open with, under the scan's
 * heading: the targets shown by status, what the scan probed (counts:
 * the scan's as a whole), and the findings by how many targets have
 * them, most first. filtered: filters were given (the targets line says
 * how many of the scan's it shows). */
void render_text_totals(FILE *out, const struct render_totals *tot,
			const struct store_scan_summary *scan, int filtered);

/* The closing line: "66 targets shown: 13 FAIL, 13 WARN, 38 PASS, 2
 * INPUT_ERROR; the scan probed 46 endpoints, 6 failed; 3 DNS lookups
 * failed". */
void render_text_summary(FILE *out, const struct render_totals *tot,
			 const struct store_scan_summary *scan);

/* Copies a temporary file written so far (from the start) to out, for the
 * outputs that write their body before their heading (values.c). 0, or -1
 * on a read or write error. */
int render_copy_file(FILE *from, FILE *out);

/* Whether a and b are the same text (two NULLs are). */
int render_same_str(const char *a, const char *b);

/* Whether two SIP answers read the same in a report: the same status,
 * error, reason and Server (the round trip aside); so pool members alike
 * are shown together only when their answers are. */
int render_same_sip(const struct store_sip_row *a,
		    const struct store_sip_row *b);

/* ---- HTML (html.c) ------------------------------------------------------ */

/* `report --format html`: one self-contained page (its own style and
 * script, allowed by their hashes in its Content Security Policy), the
 * totals over the partners table, one row per target worst first with its
 * details. Rows go to temporary files while the targets are walked. NULL
 * when out of memory or a temporary file cannot be made. now: when the
 * report judges (days left). */
struct render_html;

struct render_html *render_html_new(time_t now, enum report_profile profile);
void render_html_free(struct render_html *h);

/* 0, or -1 on a write error. */
int render_html_target(struct render_html *h, const struct render_target *rt);
int render_html_input_error(struct render_html *h, const char *input,
			    const struct store_input_error_row *e);

/* The trend the page draws when the database holds earlier scans:
 * targets by status and by error finding per scan, oldest first (the
 * report gathers it from the scans' kept verdicts). */
struct render_trend_scan {
	int64_t id;
	const char *started;
	int64_t status[3]; /* PASS, WARN, FAIL */
	const int64_t *errors; /* per findings_registry() entry: targets
				  that had it as an error */
};

struct render_trend {
	const struct render_trend_scan *scans;
	size_t count;
	size_t left_out; /* scans without kept verdicts, not drawn */
};

struct render_outlook;

/* The page; trend NULL or of fewer than 2 scans: no trend section; diff
 * NULL: no section of what changed since the scan before, else the
 * section, written (report_diff()) into a file read from its start;
 * outlook NULL: no section of what is scheduled. 0, or -1 on a write
 * error. */
int render_html_write(struct render_html *h, FILE *out,
		      const struct store_scan_row *scan,
		      const struct render_totals *tot,
		      const struct store_scan_summary *counts,
		      const struct render_trend *trend, FILE *diff,
		      struct render_outlook *outlook);

/* ---- One line per target (summary.c) ---------------------------------- */

/* `report --summary`: a line per target, worst first (FAIL, INPUT_ERROR,
 * WARN, PASS; then by the worst finding, the days left, the input line),
 * with its status, domain, type, port, earliest leaf expiry and days
 * left, endpoints that answered of those probed, and its worst shown
 * finding with the finding's message (the short reason). Lines are
 * gathered (a few hundred bytes per target) and written sorted. */
struct render_summary;

/* NULL when out of memory. now: when the report judges (days left). */
struct render_summary *render_summary_new(time_t now);
void render_summary_free(struct render_summary *s);

/* 0, or -1 when out of memory. */
int render_summary_target(struct render_summary *s,
			  const struct render_target *rt);
int render_summary_input_error(struct render_summary *s,
			       const struct store_input_error_row *e);

/* The lines, sorted, under a header line. */
void render_summary_write(struct render_summary *s, FILE *out);

/* ---- One row per finding (pivot.c) ------------------------------------ */

/* `report --by-finding`: for auditors, each finding id shown with its
 * severity and the targets that have it (most targets first). Text, CSV
 * (finding_id, severity, targets, domains) or JSON Lines. */
struct render_pivot;

struct render_pivot *render_pivot_new(void);
void render_pivot_free(struct render_pivot *p);
int render_pivot_target(struct render_pivot *p,
			const struct render_target *rt);
void render_pivot_write(struct render_pivot *p, FILE *out,
			enum report_format format, int bom);

/* ---- What is scheduled (outlook.c) ------------------------------------ */

/* `fedcert outlook`: the foresight findings shown (those with a day,
 * struct finding's when), of each target and of our own certificate, on
 * or before until (0: all), earliest first. Text (with counts per event),
 * CSV or JSON Lines. */
struct render_outlook;

struct render_outlook *render_outlook_new(time_t until);
void render_outlook_free(struct render_outlook *o);
int render_outlook_target(struct render_outlook *o,
			  const struct render_target *rt);
int render_outlook_self(struct render_outlook *o,
			const struct finding *const *shown, size_t nshown);
/* The worst severity listed, or -1 (outlook --fail-on looks at it). */
int render_outlook_worst(const struct render_outlook *o);
void render_outlook_write(struct render_outlook *o, FILE *out,
			  enum report_format format, int bom,
			  const struct store_scan_row *scan, time_t now);
/* The HTML report's section of it: the counts per event and the first
 * OUTLOOK_HTML_ROWS rows, everything from a certificate escaped. */
void render_outlook_html(struct render_outlook *o, FILE *out,
			 const struct store_scan_row *scan, time_t now);

/* The text report's shared writers (text.c), for advanced.c. */

/* Writes an untrusted value escaped, or "-" for NULL. */
void render_text_value(FILE *out, const char *s);

/* --advanced: every extension of the leaf, decoded from its DER, under an
 * "Extensions:" heading. */
void render_text_extensions(FILE *out, const struct store_cert_row *leaf);

/* --chain: each certificate p presented, whether it verified, and where
 * to get the root. trust may be NULL. */
void render_text_chain(FILE *out, const struct store_probe_row *p,
		       X509_STORE *trust);

/* A well-known public root: its subject CN, its CA, and the CA's public
 * repository page (where to download it). */
struct render_root {
	const char *cn;
	const char *ca;
	const char *url;
};

/* The entry for a root's subject CN (exact match), or NULL. The URL is
 * ours, from a fixed table: never taken from a certificate. */
const struct render_root *render_root_lookup(const char *cn);

/* The entry for the root above top, the topmost certificate a server
 * presented (by its issuer's first CN), or NULL. */
const struct render_root *render_root_above(X509 *top);

/* Calls fn with each caIssuers URI of x's Authority Information Access
 * (len bytes, not NUL-terminated, and may hold NUL: the certificate's
 * claim, hostile); returns how many. */
int render_each_ca_issuer(X509 *x, void (*fn)(const char *url, size_t len,
					      void *arg), void *arg);

/* The text report's shared blocks (text.c), for text_self.c. */

/* "Chain Verification", "Chain Length", the leaf's facts, then with
 * --advanced its extensions and with --chain each chain item. */
void render_text_chain_facts(FILE *out, const struct render_text_options *o,
			     const struct store_probe_row *p);

/* "Comments:" and the shown findings about probe (NULL: the target's
 * own); nothing when none. lead is written before the heading. */
void render_text_comments(FILE *out, const struct render_target *rt,
			  const struct store_probe_row *probe,
			  const char *lead);

/* "Result: FAIL (2 errors, 1 warning) — domain". */
void render_text_result(FILE *out, const struct render_target *rt);

/* ---- Mutual TLS and our own certificate ------------------------------- */

/* "Client certificate: requested (acceptable CAs: CN=..., CN=...); ours
 * presented; refused with alert unknown CA", or "not requested". */
void render_text_client_cert(FILE *out, const struct store_probe_row *p);

/* Our own certificate (the chain the scan presented), judged once per
 * scan. Everything is borrowed; shown points into all->items. */
struct render_self {
	const struct store_cert_row *chain; /* leaf first */
	size_t count;
	long verify_code; /* against the report's (or the system's) trust
			     store; -1: not verified */
	const char *verify_reason;
	const struct finding_list *all;
	const struct finding *const *shown;
	size_t nshown;
	enum render_status status; /* render_status_of(all, NULL) */
	time_t now; /* as render_target's */
	enum report_profile profile; /* as render_target's */
};

/* The "Our certificate:" block at the top of the text report: the leaf's
 * facts, the views asked for, "Comments:" and a "Result:" line. */
void render_text_self(FILE *out, const struct render_text_options *o,
		      const struct render_self *s);

/* `fedcert inspect`'s block for the file o->file (render_text_target()
 * calls it when o->file is set). */
void render_text_file(FILE *out, const struct render_text_options *o,
		      const struct render_target *rt);

/* The first JSON line, {"self": {status, worst_severity, verify, chain,
 * findings}}, when the scan presented a certificate. */
void render_json_self(FILE *out, const struct render_self *s);

/* `fedcert inspect --format json`: the target object of render_json_target()
 * with "file" first and "scan" null. */
void render_json_file_target(FILE *out, const char *file,
			     const struct render_target *rt);

/* A probe's mutual TLS as one word, for the per-target CSV:
 * "not_requested", "requested" (asked; we presented none and it went on),
 * "required" (finding_cc_required()), "accepted" (ours presented, kept),
 * "rejected" (finding_cc_refused()), "unknown". */
const char *render_client_cert_state(const struct store_probe_row *p);

/* ---- CSV --------------------------------------------------------------- */

/* The header row: per target (per_endpoint 0) or per probe. */
void render_csv_header(FILE *out, int per_endpoint);

/* One row for rt's target (per_endpoint 0), or one row per probe (a
 * target without probes gets one row with the probe columns empty).
 * Returns 0, or -1 when memory for a cell ran out (the row is then written
 * with that cell empty). Write errors are left on out's error indicator. */
int render_csv_target(FILE *out, int per_endpoint,
		      const struct render_target *rt);

/* ---- JSON Lines --------------------------------------------------------- */

/* One line: the JSON object of rt's target (docs/formats.md lists its keys).
 * Write errors are left on out's error indicator. */
void render_json_target(FILE *out, int64_t scan_id,
			const struct render_target *rt);

/* ---- Rows rejected as input errors ------------------------------------ */

/* A row of the targets file that never became a target, as one CSV row of
 * the layout render_csv_header() wrote (status INPUT_ERROR, the line, the
 * reason) and as one JSON line ({"status": "INPUT_ERROR", ...}): an
 * auditor's file accounts for every row of the input. input is the scan's
 * targets file (NULL: unknown). Write errors are left on out's error
 * indicator. */
int render_csv_input_error(FILE *out, int per_endpoint, const char *input,
			   const struct store_input_error_row *e);
void render_json_input_error(FILE *out, int64_t scan_id,
			     enum report_profile profile, const char *input,
			     const struct store_input_error_row *e);

/* ---- Prometheus text exposition (prometheus.c) ------------------------ */

/* The metrics of one scan, for node_exporter's textfile collector. The
 * exposition format wants every sample of a metric family together under
 * its # HELP and # TYPE lines, while the report walks target by target:
 * the samples are gathered here and written, family by family, by
 * render_prom_write(). Every label value comes from a partner (names,
 * addresses, certificate text) and is escaped as the format requires. */
struct render_prom;

/* NULL when out of memory. */
struct render_prom *render_prom_new(void);
void render_prom_free(struct render_prom *p);

/* Gathers the samples of one target (its endpoints' too) and of our own
 * certificate. 0, or -1 when out of memory. */
int render_prom_target(struct render_prom *p, const struct render_target *rt);
int render_prom_self(struct render_prom *p, const struct render_self *s);

/* What the scan as a whole says: its identity and times, and its counts
 * as `fedcert scans` gives them (store_scan_summary_of()). */
struct render_prom_scan {
	const struct store_scan_row *scan;
	const struct store_scan_summary *counts;
	size_t input_errors; /* rows rejected */
	time_t now;          /* when the report judged */
};

/* Writes every family gathered, then the scan's. Write errors are left on
 * out's error indicator; 0, or -1 when out of memory. */
int render_prom_write(struct render_prom *p, FILE *out,
		      const struct render_prom_scan *scan);

/* ---- Shared -------------------------------------------------------------- */

/* The error shown for a target that has neither probes nor a recorded
 * error (a scan interrupted before reaching it). */
#define RENDER_NO_PROBE_REASON "no endpoint was probed"

/* Windows' name for a signature algorithm ("sha256RSA", "sha384ECDSA");
 * the OpenSSL long name itself when there is no Windows name. */
const char *render_sigalg_windows(const char *openssl_name);

/* The worst severity among rt's shown findings, or -1 when none is shown. */
int render_worst_shown(const struct render_target *rt);

/* The same among those that concern probe (NULL: the target's own). */
int render_worst_shown_of(const struct render_target *rt,
			  const struct store_probe_row *probe);

/* ---- What is shown (select.c) ---------------------------------------- */

/* Whether o's filters (--min-severity, --only) let f through. */
int render_is_shown(const struct report_options *o, const struct finding *f);

/* The findings of all that o's filters (--min-severity, --only) let
 * through, in all's order, into *shown (calloc'd, the caller frees it;
 * NULL when all is empty) and *nshown; *flagged is set to 1 when one of
 * them is at or above o->fail_on (it is never cleared). 0, or -1 when
 * out of memory. */
int render_select_shown(const struct report_options *o,
			const struct finding_list *all,
			const struct finding ***shown, size_t *nshown,
			int *flagged);

/* The domain of a row rejected as an input error: its first field as
 * written (kept as evidence: at most FC_CSV_RAW_MAX bytes), into buf (cut
 * to len - 1 bytes). Returns the field's whole length; 0: none. */
size_t render_input_error_domain(const struct store_input_error_row *e,
				 char *buf, size_t len);

/* Whether o's target filters (--status, --finding, --domain) let a target
 * through: its status, every finding judged (not only those shown: the
 * filters pick targets, --min-severity shapes lists), its domain. */
int render_target_wanted(const struct report_options *o,
			 const struct store_target_row *t,
			 const struct finding_list *all,
			 enum render_status status);

/* The same for a row rejected as an input error: status INPUT_ERROR, no
 * finding, its domain the row's first field as written. */
int render_input_error_wanted(const struct report_options *o,
			      const struct store_input_error_row *e);

/* REPORT_FLAGGED_UNFINISHED when o asks to fail on something and scan
 * did not run to its end, else 0. */
int render_unfinished(const struct report_options *o,
		      const struct store_scan_row *scan);

#endif
