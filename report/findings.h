/* findings.h: the comments an administrator needs, judged from stored facts.
 *
 * Private to report/ (and its unit tests). A finding is a function of the
 * facts one target's row carries (its DNS answers, probes and chains), the
 * trust store and the time: nothing here touches the network or SQLite.
 *
 * Every finding id is a contract (JSON, CSV, tests and users' scripts use
 * it): add ids, rename none.
 */
#ifndef FEDCERT_REPORT_FINDINGS_H
#define FEDCERT_REPORT_FINDINGS_H

#include <stddef.h>
#include <time.h>

#include <openssl/x509_vfy.h>

#include "store/store.h"

enum finding_severity {
	SEVERITY_INFO = 0,
	SEVERITY_WARNING = 1,
	SEVERITY_ERROR = 2
};

/* "info", "warning", "error". */
const char *finding_severity_name(enum finding_severity s);

/* Parses "info", "warning", "error" (any case): 0, or -1. */
int finding_severity_parse(const char *name, enum finding_severity *out);

/* One entry of the registry: every finding fedcert can report. */
struct finding_def {
	const char *id;                 /* "name_mismatch" */
	enum finding_severity severity; /* the usual severity */
	int per_target;                 /* 1: about the target, not one endpoint */
	const char *why;                /* one sentence: why it matters */
};

/* The registry, in the order `fedcert findings` lists it. */
const struct finding_def *findings_registry(size_t *count);

/* The entry for id, or NULL. */
const struct finding_def *findings_lookup(const char *id);

/* One judged finding. */
struct finding {
	const struct finding_def *def;
	enum finding_severity severity; /* may differ from def->severity, e.g.
					   no_client_auth_eku is an error for
					   FED and a warning otherwise */
	char *message; /* owned: one line naming the evidence */
	/* The endpoint it concerns, borrowed from the target row: NULL for
	 * a target-level finding. */
	const struct store_probe_row *probe;
};

/* The findings of one target, in a stable order: per endpoint in probe
 * order, then the target's own. Free with finding_list_free(). */
struct finding_list {
	struct finding *items;
	size_t count, cap;
};

void finding_list_free(struct finding_list *l);

/* The worst severity in l, or -1 when l is empty. */
int finding_list_worst(const struct finding_list *l);

/* What judging needs besides the facts. */
struct judge_options {
	time_t now;      /* the time expiry is judged at */
	int warn_days;   /* expires_soon when fewer days are left (default 30) */
	/* A trust store to judge chains against again, from the DER, without
	 * a rescan (report --ca-file / --ca-path); NULL: the verification
	 * result the scanner recorded is used. Borrowed. */
	X509_STORE *trust;
};

/* Judges one target: appends its findings to out (which may already hold
 * some). 0, or -1 when out of memory. */
int findings_judge_target(const struct judge_options *opts,
			  const struct store_target_row *t,
			  struct finding_list *out);

#endif
