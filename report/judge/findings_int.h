/* findings_int.h: what the finding checks share (folder-private to
 * report/: findings.c, checks_cert.c, checks_chain.c, checks_mtls.c,
 * checks_target.c).
 *
 * findings.c owns the registry, the list and the order; each check is a
 * function that reads facts and calls finding_add(). Checks may run in any
 * order: findings_judge_target() sorts each endpoint's findings, and then
 * the target's own, into registry order.
 */
#ifndef FEDCERT_REPORT_FINDINGS_INT_H
#define FEDCERT_REPORT_FINDINGS_INT_H

#include <stdarg.h>
#include <stddef.h>
#include <time.h>

#include <openssl/x509.h>

#include "fedcert_limits.h"
#include "report/judge/findings.h"

/* Bounds on what one message carries: a certificate can list thousands of
 * names and a pool can have 256 members; a message names the first few and
 * says how many more there were. */
#define FINDING_MESSAGE_MAX 2048 /* bytes, then "..." */
/* A certificate's label in a message, "the leaf (CN=...)" (judge_cert_label()). */
#define JUDGE_LABEL_MAX 512
#define FINDING_LIST_SHOWN 8     /* names, EKUs, addresses shown per list */

/* The public root programs' limit on a leaf's validity (CA/Browser Forum
 * Baseline Requirements since 2020-09-01). */
#define FINDING_MAX_VALIDITY_DAYS 398


/* A message under construction: appends past FINDING_MESSAGE_MAX are cut
 * and marked "...". data is owned; msg_take() hands it over. */
struct msg {
	char *data;
	size_t len, cap;
	int oom;       /* memory ran out: the message is lost */
	int truncated;
};

void msg_add(struct msg *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void msg_vadd(struct msg *m, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Appends "first, second, ... (N more)": at most FINDING_LIST_SHOWN items,
 * or none when count is 0. */
void msg_add_list(struct msg *m, char *const *items, size_t count);

/* The text, owned by the caller from now on; NULL when memory ran out. m
 * is empty again. */
char *msg_take(struct msg *m);
void msg_free(struct msg *m);

/* Appends one finding for probe (NULL: about the target). The message is
 * formatted like printf. 0, or -1 when memory ran out. id must be in the
 * registry (an unknown id is a programming error: -1). */
int finding_add(struct finding_list *l, const char *id,
		enum finding_severity sev, const struct store_probe_row *probe,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* A finding said before, again: def and message as they were (the
 * message copied). 0, or -1 when memory ran out. */
int finding_add_copy(struct finding_list *l, const struct finding_def *def,
		     enum finding_severity sev,
		     const struct store_probe_row *probe, const char *message);

/* As finding_add(), with a message built by the caller (taken, freed on
 * failure too). */
int finding_add_msg(struct finding_list *l, const char *id,
		    enum finding_severity sev,
		    const struct store_probe_row *probe, struct msg *m);

/* One endpoint being judged. The checks fill in what later checks need
 * (the chain check reads whether `expired` was said), so judging one probe
 * runs them in the order findings.c calls them. */
struct probe_judge {
	const struct judge_options *opts;
	const struct store_target_row *target;
	const struct store_probe_row *probe;
	struct finding_list *out;
	time_t now;
	int warn_days;
	X509 *certs[FC_CHAIN_MAX]; /* decoded chain; NULL where DER did not
				      decode; owned, freed by findings.c */
	size_t ncerts;
	unsigned char self_signed[FC_CHAIN_MAX]; /* cert_is_self_signed() of
						    each, worked out once */
	/* What earlier checks said, for the chain check not to repeat it. */
	int said_expired;     /* expired: some presented certificate */
	int said_not_yet;     /* not_yet_valid */
	int said_server_eku;  /* no_server_auth_eku */
	int verified;         /* the chain verified (stored or again) */
};

/* The per-endpoint checks, each adding 0 or more findings; they return
 * 0, or -1 when memory ran out. In checks_cert.c: */
int check_connection(struct probe_judge *j); /* connect_failed,
						handshake_failed */
int check_names(struct probe_judge *j);      /* name_match, name_mismatch,
						wildcard_name */
int check_validity(struct probe_judge *j);   /* expired, not_yet_valid,
						expires_soon */
int check_eku(struct probe_judge *j);        /* no_server_auth_eku,
						no_client_auth_eku */
int check_tls(struct probe_judge *j);        /* legacy_tls */
int check_revocation(struct probe_judge *j); /* no_crl_distribution_point,
						no_ocsp */
int check_lifetime(struct probe_judge *j);   /* long_validity; after
						check_trust() */

/* In checks_future.c: */
int check_foresight(struct probe_judge *j); /* client_auth_lost_at_renewal,
					       chain_distrust_scheduled,
					       issuer_expires_before_leaf */

/* In checks_chain.c: */
int check_trust(struct probe_judge *j);    /* untrusted_chain, self_signed,
					      incomplete_chain */
int check_order(struct probe_judge *j);    /* chain_misordered, root_sent */
int check_strength(struct probe_judge *j); /* weak_signature, weak_key */

/* In checks_mtls.c: */
int check_sip(struct probe_judge *j);  /* sip_not_answering, sip_not_sip,
					  sip_rejected, sip_server,
					  sip_product_out_of_support */
int check_mtls(struct probe_judge *j); /* client_cert_requested,
					  client_cert_required,
					  partner_rejects_our_certificate,
					  partner_ca_list_excludes_our_root */

/* Verifies the n decoded certificates (certs[0] the leaf, the others
 * untrusted intermediates; NULL entries are left out) against trust at
 * time at: no partial chains, no purpose, no security level (the other
 * findings judge those). Sets *code to X509_V_OK or an X509_V_ERR_* code
 * and *depth to where it failed (-1: unknown). 0, or -1 when memory ran
 * out. In checks_chain.c. */
int chain_verify(X509_STORE *trust, X509 *const *certs, size_t n, time_t at,
		 long *code, int *depth);

/* checks_target.c: the target's own findings (srv_missing ...
 * pool_partial_failure, not_probed), from its DNS answers and across its
 * probes; opts->profile decides srv_target_outside_domain.
 * out->items[endpoints_from..] are its endpoints' findings, judged before
 * (the pools compare what each member's say). */
int check_target(const struct judge_options *opts,
		 const struct store_target_row *t, struct finding_list *out,
		 size_t endpoints_from);

/* checks_pool.c: pool_inconsistent and pool_partial_failure, as above. */
int check_pools(const struct store_target_row *t, struct finding_list *out,
		size_t endpoints_from);

/* "the leaf (CN=...)" or "chain certificate 2 (CN=...)": how a message
 * names certificate i of the probe's chain, by its stored subject (or the
 * decoded one). Writes into buf, truncated to len. */
void judge_cert_label(const struct probe_judge *j, size_t i, char *buf,
		      size_t len);

#endif
