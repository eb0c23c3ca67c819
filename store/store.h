/* store.h: the SQLite database between the scanner and the report.
 *
 * The scanner records facts through the writer functions; the report reads
 * them back through the reader functions. Nothing else touches SQLite.
 * The schema is documented in store/SCHEMA.md.
 *
 * Writes are batched: the first write opens a transaction, which is
 * committed after FC_BATCH_MAX writes or when store_flush() is called.
 * store_close() commits what is pending.
 *
 * Every function returning int returns 0 on success and -1 on failure; the
 * reason is then available from store_errmsg().
 */
#ifndef FEDCERT_STORE_H
#define FEDCERT_STORE_H

#include <stddef.h>
#include <stdint.h>

struct store;

/* Opens (creating if needed) the database at path, sets WAL mode and brings
 * the schema to the current version with forward migrations. On failure
 * *out is NULL and err holds a message naming the file. The caller frees the
 * handle with store_close(). */
int store_open(const char *path, struct store **out, char *err, size_t errlen);

/* Commits the pending batch and closes. NULL is accepted. */
void store_close(struct store *st);

/* The last error; owned by the store, valid until the next call. */
const char *store_errmsg(const struct store *st);

/* The schema version this build writes (PRAGMA user_version). */
int store_schema_version(void);

/* ---- Writer (scanner side) ------------------------------------------- */

struct store_scan_info {
	const char *input;   /* the targets file as given */
	const char *options; /* the scan options, one line of text */
	const char *version; /* fedcert's version */
};

/* Starts a scan with status "running"; started is now (UTC). */
int store_scan_begin(struct store *st, const struct store_scan_info *info,
		     int64_t *scan_id);

/* Sets finished = now and status ("done", "interrupted", "failed"), and
 * commits. */
int store_scan_finish(struct store *st, int64_t scan_id, const char *status);

/* One valid CSV row. type is "FED", "SIP", "SIPINT" or "DIR". */
struct store_target {
	long line;
	const char *domain;
	const char *type;
	int port;
};

int store_target_add(struct store *st, int64_t scan_id,
		     const struct store_target *t, int64_t *target_id);

/* Records why a target has no probes (a failed host lookup, or a lookup
 * kind this version cannot do yet). kind is a failure-kind name such as
 * "dns_nxdomain" or "srv_unsupported"; reason is free text. */
int store_target_set_error(struct store *st, int64_t target_id,
			   const char *kind, const char *reason);

/* One bad CSV row: line number, reason, and the raw row text (possibly
 * truncated to FC_CSV_RAW_MAX bytes by the caller). */
int store_input_error_add(struct store *st, int64_t scan_id, long line,
			  const char *reason, const char *raw);

/* Marks a target complete: everything it led to (answers, probes, links,
 * its error) is stored. A resumed scan keeps complete targets and does the
 * others again. */
int store_target_complete(struct store *st, int64_t target_id);

/* ---- Resume (#6) ---------------------------------------------------- */

/* Reopens a scan that did not finish (running after a kill or a power
 * loss, interrupted, failed) so that it can go on: its incomplete targets
 * are deleted (with their links; probes stay), its status is "running"
 * again. scan_id 0 means the newest scan. *input receives the scan's
 * targets file (owned by the caller, free()). Fails with a message when
 * the scan does not exist or is done. */
int store_scan_reopen(struct store *st, int64_t scan_id, int64_t *reopened,
		      char **input);

/* Calls cb with the input line of every row the scan already accounted
 * for (complete targets and input errors), in line order. */
typedef int (*store_line_cb)(long line, void *arg);
int store_each_done_line(struct store *st, int64_t scan_id, store_line_cb cb,
			 void *arg);

/* Calls cb with each probe the scan stored: its endpoint and id, so that
 * a resumed scan links to it instead of probing again. */
typedef int (*store_scan_probe_cb)(const char *address, int port,
				   const char *sni, int64_t probe_id,
				   void *arg);
int store_each_scan_probe(struct store *st, int64_t scan_id,
			  store_scan_probe_cb cb, void *arg);

struct store_der {
	const unsigned char *der;
	size_t len;
};

/* One TLS probe of one endpoint (address, port, SNI). All strings are
 * borrowed for the duration of the call; NULL stores SQL NULL. Timings are
 * milliseconds, negative for "did not happen". */
struct store_probe {
	const char *address; /* numeric IPv4 or IPv6, no brackets */
	int port;
	const char *sni; /* NULL when no SNI was sent (IP literal) */
	int64_t started_ms; /* Unix epoch milliseconds */
	double connect_ms;
	double handshake_ms;
	const char *error_kind;   /* NULL on success; see README "failure kinds" */
	const char *error_reason; /* the library's reason string */
	const char *tls_version;  /* "TLSv1.3", ... or NULL */
	const char *cipher;
	long verify_code;          /* X509_V_OK (0) or an X509_V_ERR_* code; -1 when not verified */
	const char *verify_reason; /* X509_verify_cert_error_string() */
	size_t chain_len;
	const struct store_der *chain; /* leaf first, as presented */
	/* Certificates the server presented, when more than chain_len could
	 * keep (FC_CHAIN_MAX); 0 otherwise. */
	size_t chain_presented;
};

/* Stores the probe, its endpoint (once per address/port/SNI), each chain
 * certificate (once per SHA-256 fingerprint, decoded into columns) and the
 * chain links. A certificate that OpenSSL cannot decode is stored with its
 * DER and fingerprints and NULL decoded columns. */
int store_probe_add(struct store *st, int64_t scan_id,
		    const struct store_probe *p, int64_t *probe_id);

/* How a target reached an endpoint. For DIR: srv_name NULL, host the host
 * name or literal. For FED/SIP/SIPINT: the SRV query name, the SRV target
 * as host, and the SRV record's priority and weight (-1 for DIR). */
struct store_route {
	const char *srv_name;
	const char *host;
	int srv_priority;
	int srv_weight;
};

/* Links a target to a probe that served it, with the route it took. The
 * link is stored once per (target, probe); target_probe.via keeps the host
 * as in schema version 1. */
int store_target_probe_link(struct store *st, int64_t target_id,
			    int64_t probe_id, const struct store_route *route);

/* ---- DNS facts (#3) -------------------------------------------------- */

/* One record of an answer. SRV: priority, weight, port, target ("." means
 * "service decidedly not available", RFC 2782). A/AAAA: address. ttl in
 * seconds, -1 when unknown (c-ares 1.18 does not expose SRV TTLs; the
 * hosts file has none). Unused numbers are -1, unused strings NULL. */
struct store_dns_record {
	int priority;
	int weight;
	int port;
	const char *target;
	const char *address;
	long ttl;
};

/* One DNS question and what came back. rcode is one of NOERROR,
 * NXDOMAIN, SERVFAIL, REFUSED, FORMERR, NOTIMP, TIMEOUT, ERROR; NOERROR
 * with no records means "no data". source is "dns" or "hosts" (the hosts
 * file answered). reason is the resolver's message, NULL on NOERROR. */
struct store_dns_answer {
	const char *name;
	const char *type; /* "SRV", "A", "AAAA" */
	const char *rcode;
	const char *source;
	const char *reason;
	size_t count;
	const struct store_dns_record *records; /* in answer order */
};

/* Stores one answer (once per scan per question, by the caller's cache). */
int store_dns_answer_add(struct store *st, int64_t scan_id,
			 const struct store_dns_answer *a, int64_t *answer_id);

/* Links a target to an answer its discovery used (many targets can share
 * one answer). Stored once per (target, answer). */
int store_target_dns_link(struct store *st, int64_t target_id,
			  int64_t answer_id);

/* Commits the pending batch now. */
int store_flush(struct store *st);

/* ---- Reader (report side) -------------------------------------------- */

/* All strings below are owned by the reader and valid only during the
 * callback that receives them (or until store_scan_row_free()). Text columns
 * that were NULL in the database are NULL here. */

struct store_scan_row {
	int64_t id;
	char *started;  /* ISO 8601 UTC, "2026-11-25T09:43:00Z" */
	char *finished; /* NULL while running */
	char *status;
	char *input;
	char *options;
	char *version;
};

/* The newest scan's id, or 0 in *scan_id when the database has none. */
int store_scan_latest(struct store *st, int64_t *scan_id);

/* Reads one scan; free the strings with store_scan_row_free(). Returns -1
 * with "no scan N" when it does not exist. */
int store_scan_get(struct store *st, int64_t scan_id,
		   struct store_scan_row *out);
void store_scan_row_free(struct store_scan_row *row);

struct store_cert_row {
	int64_t id;
	char sha256[65]; /* lowercase hex */
	char sha1[41];   /* lowercase hex */
	char *subject;   /* RFC 2253 style, "CN=sip.example.com,O=Example" */
	char *issuer;
	char *serial;     /* uppercase hex */
	char *not_before; /* ISO 8601 UTC */
	char *not_after;
	char *sig_alg;  /* OpenSSL long name, "sha256WithRSAEncryption" */
	char *key_type; /* "RSA", "EC", "ED25519", ... */
	int key_bits;
	int x509_version; /* 1, 2 or 3 */
	const unsigned char *der;
	size_t der_len;
};

struct store_probe_row {
	int64_t id;
	char *address;
	int port;
	char *sni;
	char *via;      /* the host: DIR host or SRV target */
	char *srv_name; /* NULL for DIR */
	int srv_priority; /* -1 for DIR */
	int srv_weight;
	char *started; /* ISO 8601 UTC */
	double connect_ms;
	double handshake_ms;
	char *error_kind;
	char *error_reason;
	char *tls_version;
	char *cipher;
	long verify_code;
	char *verify_reason;
	size_t chain_len;
	struct store_cert_row *chain; /* position order, leaf first */
	size_t chain_presented; /* > chain_len: the server sent more than
				   were kept (FC_CHAIN_MAX); else 0 */
};

struct store_dns_record_row {
	int priority, weight, port; /* -1 when unused */
	char *target;
	char *address;
	long ttl; /* -1 when unknown */
};

struct store_dns_answer_row {
	int64_t id;
	char *name;
	char *type;
	char *rcode;
	char *source;
	char *reason;
	size_t count;
	struct store_dns_record_row *records; /* answer order */
};

struct store_target_row {
	int64_t id;
	long line;
	char *domain;
	char *type;
	int port;
	char *error_kind; /* from store_target_set_error() */
	char *error_reason;
	size_t dns_count;
	struct store_dns_answer_row *dns; /* linked answers, in the order stored */
	size_t probe_count;
	/* Ordered by SRV priority, then weight (descending), then host, then
	 * address, then port; DIR probes by host, address, port. */
	struct store_probe_row *probes;
};

struct store_input_error_row {
	long line;
	char *reason;
	char *raw;
};

/* Calls cb once per target of the scan, in input-line order, with its
 * probes and chains loaded; only one target is in memory at a time. A
 * non-zero return from cb stops the walk and is returned. */
typedef int (*store_target_cb)(const struct store_target_row *t, void *arg);
int store_each_target(struct store *st, int64_t scan_id, store_target_cb cb,
		      void *arg);

typedef int (*store_input_error_cb)(const struct store_input_error_row *e,
				    void *arg);
int store_each_input_error(struct store *st, int64_t scan_id,
			   store_input_error_cb cb, void *arg);

#endif
