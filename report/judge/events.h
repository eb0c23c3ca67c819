/* events.h: the dated trust events a report judges foresight findings
 * with (client_auth_lost_at_renewal, chain_distrust_scheduled): changes a
 * CA or a root program announced, on a date, that will make partners'
 * certificates stop working for mutual TLS federation.
 *
 * They are data, not code: data/trust-events.csv, built into fedcert and
 * installed beside it for administrators to read, and extended with files
 * of the same form (--trust-events FILE). docs/foresight.md documents the
 * columns.
 */
#ifndef FEDCERT_REPORT_EVENTS_H
#define FEDCERT_REPORT_EVENTS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/x509.h>

enum trust_event_kind {
	/* From the date the CA issues no public TLS certificate with the
	 * Client Authentication EKU, renewals included. */
	TRUST_EVENT_CLIENT_AUTH_REMOVED,
	/* A root program distrusts TLS certificates of the CA issued on or
	 * after the date. */
	TRUST_EVENT_DISTRUST_AFTER,
	/* A root leaves a store on the date: every chain to it fails. */
	TRUST_EVENT_ROOT_REMOVED
};

/* Whose decision an event is: the CA's own, or a root program's. */
enum trust_event_program {
	TRUST_PROGRAM_CA,
	TRUST_PROGRAM_MICROSOFT, /* the store Skype for Business and Teams
				    judge with: a distrust in force fails */
	TRUST_PROGRAM_MOZILLA,
	TRUST_PROGRAM_CHROME,
	TRUST_PROGRAM_APPLE
};

enum trust_event_match {
	TRUST_MATCH_ISSUER_ORG, /* O= of the CA that issued the leaf */
	TRUST_MATCH_ROOT_ORG,   /* O= of the chain's root; "*": any root of
				   the system's trust store (public CAs) */
	TRUST_MATCH_ROOT_NAME   /* the root's subject, RFC 2253 */
};

struct trust_event {
	char *id;
	time_t date;           /* 00:00:00 UTC of the day */
	char day[11];          /* "2027-03-01" */
	enum trust_event_kind kind;
	enum trust_event_program program;
	enum trust_event_match match;
	char *value;           /* what match compares with */
	char *what;            /* one sentence for the administrator */
	char *keeps;           /* a way to keep the EKU, or "" */
	char *source;          /* the notice's URL */
};

#define TRUST_EVENTS_SEEN 64

struct trust_events {
	struct trust_event *items;
	size_t count, cap;
	uint32_t digest; /* of every row's text, for kept verdicts */
	/* The system's trust store, loaded when a "*" row is first
	 * matched. Owned. */
	X509_STORE *system;
	int system_tried;
	/* The roots asked about, by name (DER), with the answer: a lookup
	 * that misses costs a file system search per endpoint. Owned. */
	struct trust_events_seen {
		unsigned char *der;
		int len;
		int found;
	} seen[TRUST_EVENTS_SEEN];
	size_t nseen, next_seen;
};

/* The table built into fedcert (data/trust-events.csv). 0, or -1 with a
 * message in err (a build whose table does not parse is a bug). */
int trust_events_load_builtin(struct trust_events *t, char *err,
			      size_t errlen);

/* Adds the rows of the file at path. 0, or -1 with a message naming the
 * file, the line and the field in err. */
int trust_events_load_file(struct trust_events *t, const char *path,
			   char *err, size_t errlen);

/* Adds the rows of len bytes of table text; name is what messages call it. */
int trust_events_parse(struct trust_events *t, const char *name,
		       const char *data, size_t len, char *err, size_t errlen);

void trust_events_free(struct trust_events *t);

/* The built-in table, read once for the process (never freed); NULL only
 * when the build's table does not parse. */
struct trust_events *trust_events_default(void);

/* The table a command judges with: the built-in one, or with n files
 * (--trust-events) the built-in rows and theirs, read into own (which the
 * caller frees with trust_events_free()). *use points at the one to use.
 * 0, or -1 with a message naming the file, line and field in err. */
int trust_events_for(const char *const *files, size_t n,
		     struct trust_events *own, struct trust_events **use,
		     char *err, size_t errlen);

const char *trust_event_kind_name(enum trust_event_kind k);
const char *trust_event_program_name(enum trust_event_program p);

/* What events are matched with, read once from a chain: the O= values of
 * the leaf's issuer, and the root's name (the top certificate's subject
 * when it is self-issued, else its issuer). */
#define TRUST_CHAIN_ORGS 4

struct trust_chain {
	char *issuer_org[TRUST_CHAIN_ORGS];
	size_t nissuer_org;
	char *root_org[TRUST_CHAIN_ORGS];
	size_t nroot_org;
	const X509_NAME *root; /* borrowed from the chain */
	char *root_text;       /* RFC 2253, as cert_name_text() */
	int in_system;         /* -1: not asked yet */
};

/* Reads certs[0..n) (leaf first, decoded; NULL entries skipped) into c.
 * 0, or -1 when memory ran out (c is then empty). */
int trust_chain_init(struct trust_chain *c, X509 *const *certs, size_t n);
void trust_chain_free(struct trust_chain *c);

/* Whether event e concerns the chain c. */
int trust_event_matches(struct trust_events *t, const struct trust_event *e,
			struct trust_chain *c);

#endif
