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

#include "fedcert_limits.h"
#include "report/report.h"
#include "store/store.h"

struct trust_events;
struct trust_event;

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
	/* A foresight finding's date (the day federation can start failing,
	 * `fedcert outlook`'s timeline) and the trust event it comes from
	 * (borrowed from judge_options' table); 0 and NULL for the others.
	 * Not kept with a scan's verdicts: outlook judges afresh. */
	time_t when;
	const struct trust_event *event;
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
	int warn_days;   /* expires_soon when fewer days are left; 0 or less:
			    FC_WARN_DAYS_DEFAULT (judge_warn_days()) */
	/* A trust store to judge chains against again, from the DER, without
	 * a rescan (report --ca-file / --ca-path); NULL: the verification
	 * result the scanner recorded is used. Borrowed. */
	X509_STORE *trust;
	/* The chain the scan presented as its client certificate (mutual TLS,
	 * --client-cert), leaf first; NULL and 0 when it presented none.
	 * partner_ca_list_excludes_our_root compares the CA names a server
	 * accepts with it. Borrowed. */
	const struct store_cert_row *self_chain;
	size_t self_count;
	/* Certificates decoded once for the whole command (x509.h's
	 * cert_cache); NULL: each decoded when judged. Borrowed. */
	struct cert_cache *certs;
	/* Each endpoint's findings judged once for the whole command, and
	 * said again for every other target that reaches it
	 * (judge_memo_new()); NULL: each judged per target. Only valid while
	 * the other options stay the same. Borrowed. */
	struct judge_memo *memo;
	/* Whose rules judge the names and the SRV target (report.h's
	 * REPORT_PROFILE_*; 0: sfb). Fixed for a command, as the memo
	 * requires. */
	enum report_profile profile;
	/* The dated trust events the foresight findings judge with
	 * (events.h); NULL: none (issuer_expires_before_leaf still is).
	 * Borrowed; matching may load the system's trust store into it. */
	struct trust_events *events;
};

/* The endpoints' findings kept by one command (judge.c); NULL when out of
 * memory (the caller then judges without). */
struct judge_memo *judge_memo_new(void);
void judge_memo_free(struct judge_memo *m);

/* Judges one target: appends its findings to out (which may already hold
 * some). 0, or -1 when out of memory. */
int findings_judge_target(const struct judge_options *opts,
			  const struct store_target_row *t,
			  struct finding_list *out);

/* Only the foresight findings of t's endpoints (client_auth_lost_at_renewal,
 * chain_distrust_scheduled, issuer_expires_before_leaf), with their days:
 * what the HTML report's outlook section needs beside kept verdicts,
 * which keep no days. Appends to out. 0, or -1 when out of memory. */
int findings_judge_foresight(const struct judge_options *opts,
			     const struct store_target_row *t,
			     struct finding_list *out);

/* Judges our own certificate chain (opts->self_chain) once, as a partner
 * that receives it would: the certificate findings that apply to a chain
 * presented by a federation Edge (dates, EKUs, with no_client_auth_eku an
 * error, trust, order, strength, revocation pointers, lifetime; not the
 * name, which depends on the partner's configuration). opts->trust is the
 * store to verify against: the caller passes the report's or the
 * system's (NULL: trust is not judged). The findings appended to out have
 * probe NULL. 0, or -1 when out of memory. */
int findings_judge_self(const struct judge_options *opts,
			struct finding_list *out);

/* Verifies chain (leaf first, the others untrusted intermediates) against
 * trust at time at, exactly as the trust findings do. Returns X509_V_OK,
 * an X509_V_ERR_* code, or -1 when it could not be verified (no trust
 * store, a leaf that does not decode, out of memory); *reason is
 * OpenSSL's text for a code (static), NULL for -1. */
long findings_verify_chain(X509_STORE *trust,
			   const struct store_cert_row *chain, size_t n,
			   time_t at, const char **reason);

/* Mutual TLS, how a probe ended. Required: the server asked for a
 * client certificate, we sent none, and it ended the handshake (an alert
 * or a close, recorded as the outcome, or as the probe's failure after its
 * chain was captured): what a federation Edge does, not a failure.
 * Refused: we presented ours and the server ended the connection (alert
 * or close). 1 or 0. */
int finding_cc_required(const struct store_probe_row *p);
int finding_cc_refused(const struct store_probe_row *p);

/* The trust store of ca_file and/or ca_path into *out (the caller frees
 * it with X509_STORE_free()). Neither given: NULL in *out, or with
 * system_default the system's default store (OpenSSL's default file and
 * directory, as X509_STORE_set_default_paths() finds them). An
 * unreadable file or directory is an error naming it: judging against a
 * store that silently holds nothing would call every chain untrusted.
 * 0, or -1 with a message in err. */
int judge_load_trust(const char *ca_file, const char *ca_path,
		     int system_default, X509_STORE **out, char *err,
		     size_t errlen);

/* expires_soon's threshold: asked when it is a number of days, else
 * (0 or less: not given) FC_WARN_DAYS_DEFAULT, the one default every
 * command shares. */
int judge_warn_days(int asked);

/* Whether item i of p's chain verified (--chain). Below the top:
 * issued by the next item (reason: OpenSSL's, when it is not) and signed
 * with its key; the top: self-signed, or issued by a root of trust (NULL:
 * no trust store given, not checked). */
enum judge_link_verdict {
	LINK_UNDECODABLE,        /* the item itself does not decode */
	LINK_NEXT_UNDECODABLE,   /* the next item (its issuer) does not */
	LINK_NOT_ISSUED_BY_NEXT, /* reason says why */
	LINK_SIGNED_BY_NEXT,
	LINK_NEXT_KEY_MISMATCH,  /* its signature does not check */
	LINK_ROOT_NO_STORE,      /* self-signed top, no trust store given */
	LINK_ROOT_IN_STORE,
	LINK_ROOT_NOT_IN_STORE,
	LINK_TOP_NO_STORE,       /* its issuer not presented, no store given */
	LINK_TOP_NOMEM,
	LINK_TOP_ISSUER_UNTRUSTED,
	LINK_TOP_TRUSTED,
	LINK_TOP_KEY_MISMATCH    /* a root of that name, another key */
};

struct judge_link {
	enum judge_link_verdict verdict;
	const char *reason; /* static (OpenSSL's); NULL but for NOT_ISSUED */
};

void judge_chain_link(const struct store_probe_row *p, size_t i,
		      X509_STORE *trust, struct judge_link *out);

#endif
