/* facts.h: the facts of one target as every CSV and JSON output names
 * them (format version 2, docs/formats.md): one list of leading columns,
 * one way to pick the certificate a target stands for, one days_left.
 * Private to report/ (render/ and history/) and its unit tests.
 *
 * The report's CSV (both layouts), the compliance CSV and every JSON
 * target line begin with the same facts under the same names, in the
 * same order: a spreadsheet of one and of another line up, and a row
 * rejected as an input error has the same shape in each.
 */
#ifndef FEDCERT_REPORT_FACTS_H
#define FEDCERT_REPORT_FACTS_H

#include <stddef.h>
#include <time.h>

#include "report/render/emit.h"
#include "report/render/render.h"
#include "store/store.h"

/* The leading columns of every CSV of targets, and what an input error's
 * row fills: domain .. reason. */
#define RENDER_LEAD_COLUMNS                                                  \
	"domain", "type", "port", "line", "status", "worst_severity",        \
	"finding_ids", "error_kind", "reason"
#define RENDER_LEAD_NCOLUMNS 9

/* One certificate as a target's or an endpoint's row describes it:
 * not_after .. tls_version. */
#define RENDER_CERT_COLUMNS                                                  \
	"not_after", "days_left", "subject", "issuer", "root", "thumbprint", \
	"sha256", "key_type", "key_bits", "signature_algorithm",            \
	"tls_version"
#define RENDER_CERT_NCOLUMNS 11

/* A target: the leading columns, its certificate's, and its counts. The
 * per-target CSV and the compliance CSV both begin with these. */
#define RENDER_TARGET_COLUMNS                                                \
	RENDER_LEAD_COLUMNS, RENDER_CERT_COLUMNS, "leaves", "endpoints",     \
	"endpoints_failed"
#define RENDER_TARGET_NCOLUMNS                                               \
	(RENDER_LEAD_NCOLUMNS + RENDER_CERT_NCOLUMNS + 3)

/* The status of a row of the targets file that never became a target. */
#define RENDER_INPUT_ERROR "INPUT_ERROR"

/* What a target's row says. Everything is borrowed from the target row
 * (and the caller's strings) for as long as the row. */
struct render_facts {
	const struct store_target_row *t;
	const char *status;      /* PASS, WARN, FAIL */
	int worst;               /* the worst severity shown; -1: none */
	const char *finding_ids; /* the shown ids, space-separated; NULL:
				    none */
	/* JSON: when not NULL, finding_ids are read from its shown findings
	 * instead (render_json_ids()), without building the text. */
	const struct render_target *rt;
	const char *error_kind;  /* the target's own failure kind; NULL:
				    none */
	const char *reason;      /* its reason (RENDER_NO_PROBE_REASON for
				    a target that reached no endpoint and
				    has none); NULL: none */
	/* Of the leaves its endpoints presented, the one that expires first
	 * (a pool whose members differ: pool_inconsistent says so, leaves
	 * counts them); NULL when none presented a chain. */
	const struct store_cert_row *leaf;
	const char *root;        /* the issuer of the top of leaf's chain */
	const char *tls_version; /* the lowest any endpoint negotiated */
	size_t leaves;           /* distinct leaves (by SHA-256) */
	size_t endpoints;        /* endpoints probed for the target */
	size_t endpoints_failed; /* of which ended with a failure kind */
	time_t now;              /* what days_left counts from */
};

/* Fills f's certificate, root, TLS version, counts and error from t;
 * status, worst and finding_ids are left for the caller. now 0: now. */
void render_facts_of(const struct store_target_row *t, time_t now,
		     struct render_facts *f);

/* The root of p's chain, as the database's view chain_root has it: the
 * issuer of the last certificate the server sent. NULL without a chain. */
const char *render_chain_root(const struct store_probe_row *p);

/* Whole days from now to not_after, rounded down (utc_days_left()): 0, or
 * -1 when not_after is NULL or not ISO 8601 UTC. */
int render_days_left(const char *not_after, time_t now, long long *days);

/* The leading cells (RENDER_LEAD_COLUMNS) of a row of t that says
 * status, worst (-1: none shown), ids (NULL: none), error_kind and
 * reason: a target's own, or one endpoint's. */
void render_lead_csv(struct emit_csv *c, const struct store_target_row *t,
		     const char *status, int worst, const char *ids,
		     const char *error_kind, const char *reason);

/* The leading, certificate and count cells of f (RENDER_TARGET_COLUMNS). */
void render_facts_csv(struct emit_csv *c, const struct render_facts *f);

/* not_after .. tls_version of one certificate (RENDER_CERT_COLUMNS);
 * cert NULL: empty cells but tls_version. */
void render_cert_csv(struct emit_csv *c, const struct store_cert_row *cert,
		     const char *root, const char *tls_version, time_t now);

/* The same facts as JSON members, the same names: domain ..
 * endpoints_failed (finding_ids an array, null for a missing value). */
void render_facts_json(struct emit_json *j, const struct render_facts *f);

/* key "finding_ids": the ids of rt's shown findings, each once, in
 * report order: every one (all), or those about p (NULL: the target's
 * own). */
void render_json_ids(struct emit_json *j, const struct render_target *rt,
		     const struct store_probe_row *p, int all);

/* A row rejected as an input error in a layout of ncols columns: status
 * INPUT_ERROR, its line and its reason in the leading columns, every
 * other cell empty (error_kind too: the row never became a target). */
void render_input_error_csv(struct emit_csv *c,
			    const struct store_input_error_row *e,
			    size_t ncols);

/* The same as the members of a JSON line, after format_version (and
 * scan): the keys of render_facts_json() with status INPUT_ERROR, line,
 * reason, and null for the rest (finding_ids []). */
void render_input_error_json(struct emit_json *j,
			     const struct store_input_error_row *e);

/* Then, last on its line, where the row came from: input (the scan's
 * targets file, null when unknown) and raw (the row as read, escaped). */
void render_input_error_json_source(struct emit_json *j, const char *input,
				    const struct store_input_error_row *e);

#endif
