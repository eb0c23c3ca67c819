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

#include <openssl/types.h>

#include "common/failure.h"

struct store;

/* How a command uses the database.
 *
 * STORE_CREATE: read and write; a missing file is created (scan, check
 *   --db). STORE_WRITE: read and write a file that exists (prune,
 *   upgrade). Both bring an older schema to the current one with forward
 *   migrations, and keep the file in WAL mode while open (a report can
 *   read while a scan writes) and in rollback-journal mode once closed,
 *   so that reading it at rest needs nothing but read access.
 * STORE_READ: read only, for the commands that only read (report, scans,
 *   history, expiring, diff): never creates, migrates or writes anything,
 *   the file nor a -wal or -shm beside it (while no writer has one open).
 *
 * Every mode refuses, naming the path: a missing file (but STORE_CREATE),
 * a directory, a file that is not SQLite, another program's SQLite
 * database, a schema newer than this build; STORE_READ also an empty file
 * and an older schema (the message names `fedcert upgrade`).
 *
 * FEDCERT_STORE_MAX_PAGES=N in the environment caps a writer's file at N
 * pages (PRAGMA max_page_count): a full disk, for tests. */
enum store_mode { STORE_CREATE, STORE_WRITE, STORE_READ };

/* Opens the database at path in mode. On failure *out is NULL and err
 * holds a message naming the file. The caller frees the handle with
 * store_close(). Every later store message (store_errmsg()) about the file
 * names it too. */
int store_open_mode(const char *path, enum store_mode mode, struct store **out,
		    char *err, size_t errlen);

/* store_open_mode(path, STORE_CREATE, ...). */
int store_open(const char *path, struct store **out, char *err, size_t errlen);

/* The schema version of an open database before store_open_mode() brought
 * it up to date (what `fedcert upgrade` reports). */
int store_version_found(const struct store *st);

/* Commits the pending batch and closes. NULL is accepted. */
void store_close(struct store *st);

/* The last error; owned by the store, valid until the next call. */
const char *store_errmsg(const struct store *st);

/* The schema version this build writes (PRAGMA user_version). */
int store_schema_version(void);

/* The version of the SQLite library loaded ("3.40.1"). Static. */
const char *store_sqlite_version(void);

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

/* Records why a target has no probes (a failed lookup, no SRV record, an
 * invalid name): kind is stored as its name (failure.h); reason is free
 * text. */
int store_target_set_error(struct store *st, int64_t target_id,
			   enum failure_kind kind, const char *reason);

/* One bad CSV row: line number, reason, and the raw row text (possibly
 * truncated to FC_CSV_RAW_MAX bytes by the caller). */
int store_input_error_add(struct store *st, int64_t scan_id, long line,
			  const char *reason, const char *raw);

/* Marks a target complete: everything it led to (answers, probes, links,
 * its error) is stored. A resumed scan keeps complete targets and does the
 * others again. */
int store_target_complete(struct store *st, int64_t target_id);

/* ---- Resume ---------------------------------------------------- */

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

/* One certificate as presented. der is what is stored and fingerprinted.
 * x509, when not NULL, must be the certificate der encodes, already parsed
 * (the handshake's own): a new certificate's columns are then read from it
 * instead of parsing der again. NULL: the store parses der. Both borrowed
 * for the duration of the call. */
struct store_der {
	const unsigned char *der;
	size_t len;
	const X509 *x509;
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
	enum failure_kind error_kind; /* FAIL_NONE on success */
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
	/* Mutual TLS. cc_outcome: NULL when no certificate was asked
	 * for; else "accepted" (the handshake completed and the server kept
	 * the connection), "closed" (it closed or reset), "alert" (cc_alert
	 * names it), "unknown". ca_names: the acceptable CA names it listed
	 * (RFC 2253), possibly none. */
	int cc_requested;
	int cc_presented;
	const char *const *ca_names;
	size_t ca_count;
	const char *cc_outcome;
	const char *cc_alert;
	/* The SIP OPTIONS sent after the handshake (scan --sip-options);
	 * NULL when none was sent. */
	const struct store_sip *sip;
};

/* What one SIP OPTIONS over the probe's TLS session came to: facts, which
 * the report judges. Strings are the peer's bytes (hostile), NULL when
 * absent. */
struct store_sip {
	int status;           /* the final response's code; 0: none came */
	const char *reason;   /* its reason phrase */
	const char *server, *user_agent, *allow, *supported, *contact;
	const char *ms_diagnostics, *ms_diagnostics_public, *warning;
	const char *headers;  /* the final response's header lines, bounded
				 (or the first bytes of what was not SIP) */
	unsigned provisional;   /* 1xx responses before the final one */
	unsigned other_call_id; /* responses for another Call-ID, ignored */
	double rtt_ms;        /* request written to final response; < 0: none */
	/* NULL: a final response came; else what happened instead:
	 * "timeout", "closed", "reset", "not_sip", "too_big", "not_sent"
	 * (the request was not written: error_reason says why). */
	const char *error;
	const char *error_reason;
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

/* ---- DNS facts -------------------------------------------------- */

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

/* ---- What this scan stored, found again ---------------------------- */

/* A scanner that keeps in memory only the work in flight finds what it
 * let go of here, so that each question is still asked once per scan and
 * each endpoint probed once. Both read the writer's own batch (the
 * connection sees its uncommitted rows).
 *
 * store_recall_probe: the probe this scan stored for (address, port,
 * sni; sni NULL for none): 1 with *probe_id, 0 when there is none, -1 on
 * an error. */
int store_recall_probe(struct store *st, int64_t scan_id, const char *address,
		       int port, const char *sni, int64_t *probe_id);

/* store_recall_dns: the answers this scan stored for name, of type "SRV"
 * (srv 1) or "A" and "AAAA" (srv 0), in the order stored: cb is called
 * with each (its id and the answer, records included, borrowed for the
 * call; cb must not write to the store). At most FC_DNS_RECALL_MAX
 * answers. Answers how many, or -1 on an error (cb's -1 is taken as out
 * of memory). */
typedef int (*store_recall_dns_cb)(int64_t answer_id,
				   const struct store_dns_answer *a,
				   void *arg);
int store_recall_dns(struct store *st, int64_t scan_id, const char *name,
		     int srv, store_recall_dns_cb cb, void *arg);

/* Stores one answer (once per scan per question, by the caller's cache). */
int store_dns_answer_add(struct store *st, int64_t scan_id,
			 const struct store_dns_answer *a, int64_t *answer_id);

/* Links a target to an answer its discovery used (many targets can share
 * one answer). Stored once per (target, answer). */
int store_target_dns_link(struct store *st, int64_t target_id,
			  int64_t answer_id);

/* Records the certificate chain we present in this scan (--client-cert,
 * leaf first), each certificate stored once like any other; the report
 * judges it once per scan. Committed at once. */
int store_scan_set_client_chain(struct store *st, int64_t scan_id,
				const struct store_der *chain, size_t n);

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
	/* Mutual TLS, as in struct store_probe. */
	int cc_requested;
	int cc_presented;
	char *cc_outcome;
	char *cc_alert;
	size_t ca_count;
	char **ca_names;
	struct store_sip_row *sip; /* owned; NULL: no OPTIONS was sent */
	/* chain and ca_names belong to the walk that read them, which hands
	 * them to every target that reaches the same probe: valid, like the
	 * rest of the row, during the callback. 0 for a row of one's own. */
	int shared_facts;
};

/* struct store_sip as read back; every string owned by the row, which
 * store_sip_row_free() frees (with the probe row). */
struct store_sip_row {
	int status;
	char *reason, *server, *user_agent, *allow, *supported, *contact;
	char *ms_diagnostics, *ms_diagnostics_public, *warning, *headers;
	unsigned provisional, other_call_id;
	double rtt_ms; /* < 0: none */
	char *error, *error_reason;
};

void store_sip_row_free(struct store_sip_row *x);

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
 * probes and chains loaded; only one target is in memory at a time, and
 * the chains of the probes already read (shared_facts: at most
 * STORE_WALK_PROBES_MAX, store_int.h, whatever the scan's size). A
 * non-zero return from cb stops the walk and is returned. */
typedef int (*store_target_cb)(const struct store_target_row *t, void *arg);
int store_each_target(struct store *st, int64_t scan_id, store_target_cb cb,
		      void *arg);

/* store_each_target() in slices, for a caller that writes as it reads:
 * at most limit targets after the one at (pos->line, pos->id) (both 0 to
 * begin), pos moved to the last one given; *more is set when a slice may
 * follow. The walk's read ends with the slice: between two slices,
 * store_wal_reset() can empty the WAL, which a read left open through the
 * writes keeps growing. */
struct store_walk_pos {
	long line;
	int64_t id;
};
int store_each_target_slice(struct store *st, int64_t scan_id,
			    struct store_walk_pos *pos, long limit,
			    store_target_cb cb, void *arg, int *more);

/* Commits what is pending and empties the WAL (a checkpoint that
 * truncates it), when nothing reads: 0, or -1 on an error. A reader
 * elsewhere is not an error: the WAL is then left as it is. */
int store_wal_reset(struct store *st);

/* The chain we presented in the scan (--client-cert), leaf first, into
 * *chain (NULL and 0 when the scan presented none). Free with
 * store_cert_rows_free(). */
int store_scan_client_chain(struct store *st, int64_t scan_id,
			    struct store_cert_row **chain, size_t *n);
void store_cert_rows_free(struct store_cert_row *chain, size_t n);

/* Frees what a certificate row holds (not the row itself). */
void store_cert_row_clear(struct store_cert_row *c);

/* The row the reader hands over for the certificate der (len bytes) once
 * it is stored, without storing it: the same decoder (common/cert.h), the
 * same empty-is-NULL rule as the columns, so that `fedcert inspect` shows
 * a file's certificate exactly as `fedcert report` shows it captured by a
 * scan. x, when not NULL, is der already parsed (borrowed). 0, or -1 when
 * out of memory or the digests fail; free the row with
 * store_cert_row_clear(). id is 0. */
int store_cert_row_of(const unsigned char *der, size_t len, const X509 *x,
		      struct store_cert_row *out);

typedef int (*store_input_error_cb)(const struct store_input_error_row *e,
				    void *arg);
int store_each_input_error(struct store *st, int64_t scan_id,
			   store_input_error_cb cb, void *arg);

/* ---- History: many scans in one database ------------------------ */

/* A target's identity across scans is (domain, type, port): the CSV row as
 * written. Strings in the rows below are the reader's, valid only during
 * the callback that receives them; NULL where the database has NULL. */

/* One scan and what it holds, for `fedcert scans`. */
struct store_scan_summary {
	const struct store_scan_row *scan;
	int64_t targets;          /* target rows */
	int64_t targets_failed;   /* of which with a target-level error */
	int64_t incomplete;       /* of which not complete (an unfinished scan) */
	int64_t endpoints;        /* probes: one per endpoint */
	int64_t endpoints_failed; /* probes with an error kind */
	int64_t input_errors;
	/* Targets not probed for a reason of ours (error_kind not_probed:
	 * our resolver did not answer, our network could not send); not
	 * counted in targets_failed. The first one's reason, "" if none. */
	int64_t not_probed;
	char not_probed_why[256];
	/* A merged scan (fedcert merge): its N (0: not merged) and the
	 * shards it lacks, their indexes ("2, 5", cut short when long). */
	int64_t shards;
	int64_t shards_missing;
	char shards_missing_which[128];
};

/* Calls cb for each scan in id order (the newest last); last > 0: only the
 * newest `last` scans. A non-zero return from cb stops the walk and is
 * returned. */
typedef int (*store_scan_summary_cb)(const struct store_scan_summary *s,
				     void *arg);
int store_each_scan(struct store *st, int64_t last, store_scan_summary_cb cb,
		    void *arg);

/* Calls cb once with scan_id's summary (the same counts as
 * store_each_scan(), so that every output that shows them agrees); not
 * at all when there is no such scan. */
int store_scan_summary_of(struct store *st, int64_t scan_id,
			  store_scan_summary_cb cb, void *arg);

/* The newest scan with status "done" whose id is below `below` (0: any);
 * 0 in *scan_id when there is none. */
int store_scan_latest_done(struct store *st, int64_t below, int64_t *scan_id);

/* Walks the targets of two scans side by side, matched by identity, in
 * identity order (domain, type, port as SQLite sorts them: bytes, then the
 * port as a number). A target in one scan only comes with NULL for the
 * other; from_scan 0 gives every target of to_scan alone. When a scan
 * holds one identity twice (a repeated CSV row), its first row by line is
 * the target, the others are counted (from_rows, to_rows) and skipped. Rows are loaded as
 * store_each_target() loads them; two targets are in memory at a time. A
 * non-zero return from cb stops the walk and is returned. */
struct store_target_pair {
	const struct store_target_row *from, *to; /* NULL: not in that scan */
	int64_t from_rows, to_rows; /* rows of the identity in each scan
				       (2 or more: a repeated CSV row) */
};

typedef int (*store_target_pair_cb)(const struct store_target_pair *p,
				    void *arg);
int store_each_target_pair(struct store *st, int64_t from_scan,
			   int64_t to_scan, store_target_pair_cb cb, void *arg);

/* One target in one scan, and one endpoint it reached and the leaf that
 * endpoint presented, for `fedcert history`. */
struct store_history_row {
	const char *domain;
	const char *type;
	int port;
	int64_t scans;             /* scans that hold this target */
	const char *first_started; /* the first and last of them, started */
	const char *last_started;
	int64_t scan_id;
	const char *scan_started;
	int complete;              /* the target's work was all stored */
	const char *target_error_kind; /* the target's own failure */
	const char *target_error_reason;
	/* The endpoint; address NULL: the target reached none in this scan. */
	const char *address;
	int endpoint_port;
	const char *sni;
	const char *error_kind;    /* the probe's failure, NULL when none */
	const char *error_reason;
	/* The leaf; sha256 NULL: the probe captured no chain. */
	const char *sha256;
	const char *sha1;          /* lowercase hex, as stored */
	const char *subject;
	const char *issuer;
	const char *root;          /* view chain_root (SCHEMA.md) */
	const char *not_after;
};

/* Calls cb for every (target, scan, endpoint) of the targets whose domain
 * is `domain` (as stored: lowercase, no trailing dot), ordered by target
 * identity, then endpoint (address, port, SNI; the rows without an
 * endpoint last), then scan. *found is the number of rows. */
typedef int (*store_history_cb)(const struct store_history_row *r, void *arg);
int store_each_history(struct store *st, const char *domain,
		       store_history_cb cb, void *arg, int64_t *found);

/* One leaf presented by one endpoint of a target, in the newest complete
 * row of that target (view latest_leaf, SCHEMA.md), for `fedcert
 * expiring`. */
struct store_leaf_row {
	int64_t target_id;
	int64_t scan_id;
	const char *scan_started;
	long line;
	const char *domain;
	const char *type;
	int port;
	const char *address;
	int endpoint_port;
	const char *sni;
	const char *error_kind;
	int64_t certificate_id;
	const char *sha256;
	const char *sha1; /* lowercase hex, as stored */
	const char *subject;
	const char *issuer;
	const char *root;
	const char *not_before;
	const char *not_after;
	const char *key_type;
	int key_bits;  /* 0 when unknown */
	const char *sig_alg;
	/* 1: the certificate is not the leaf but one above it in the chain
	 * (not a self-signed root) that expires before the leaf; the other
	 * columns are then that certificate's. */
	int intermediate;
};

/* Calls cb for each such leaf whose not_after is at or before `until`
 * (ISO 8601 UTC, "2026-12-25T00:00:00Z"), expired ones included, and for
 * each intermediate in such a chain that expires before its leaf and by
 * `until`; soonest first. The rows of one target and certificate are
 * consecutive (ordered by not_after, domain, type, port, leaves before
 * intermediates, certificate, then endpoint). */
typedef int (*store_leaf_cb)(const struct store_leaf_row *r, void *arg);
int store_each_expiring(struct store *st, const char *until,
			store_leaf_cb cb, void *arg);

/* When the certificate was first seen as a leaf: the start of the first
 * scan that has it at position 0, into out ("" when never). */
int store_cert_first_seen(struct store *st, int64_t certificate_id,
			  char *out, size_t outlen);

/* What store_prune() removed (or would remove, dry_run). */
struct store_prune_result {
	int64_t scans, targets, probes, certificates, endpoints;
	int64_t bytes_before; /* page_count x page_size */
	int64_t bytes_after;  /* after store_vacuum(), else as before */
};

/* Keeps the newest `keep` scans (keep >= 1) and deletes the others with
 * everything that belongs to them (targets, probes, links, chains, DNS
 * answers, input errors), then the certificates no chain_link references
 * and the endpoints no probe references; all in one transaction. dry_run:
 * counts and rolls back. */
int store_prune(struct store *st, int64_t keep, int dry_run,
		struct store_prune_result *out);

/* VACUUM, then a WAL checkpoint, so that the file shrinks; sets
 * out->bytes_after. */
int store_vacuum(struct store *st, struct store_prune_result *out);

/* ---- Merge: the shard scans of one file into one scan ------------------- */

/* What store_merge() did. */
struct store_merge_result {
	int64_t scan_id;     /* the merged scan in the output file */
	unsigned shards;     /* N of the shards' --shard I/N */
	unsigned added;      /* shards added by this merge */
	unsigned already;    /* shards given that the merged scan had already */
	unsigned present;    /* shards the merged scan now has */
	int created;         /* 1: a new merged scan; 0: one completed */
	int rebuilt;         /* 1: it replaced one whose shard had changed */
	int64_t targets;     /* target rows added */
	int64_t probes;      /* probes added */
	int64_t folded;      /* probes not added: the same facts of one
				endpoint seen by another shard, folded */
	char status[16];     /* the merged scan's: done, or failed while a
				shard is missing or was not done */
	char missing[256];   /* the missing shards' indexes, "2, 5" ("" none) */
};

/* A message on the way (which shard is read, when the write starts), for
 * the command to show. */
typedef void store_merge_note_fn(const char *note, void *arg);

/* STORE_MERGE_REFUSED: the shards do not belong together. */
enum { STORE_MERGE_REFUSED = -2 };

/* Merges the newest sharded scan (`scan --shard I/N`) of each file of
 * paths (opened read-only, never written) into one scan of out: the
 * shards must have the same targets file (its SHA-256), the same N and
 * the same options but shard=, and no two different scans may claim one
 * index; else STORE_MERGE_REFUSED with a message naming both files and
 * what differs. The merged scan is the newest scan of out with those
 * options (then only the shards it lacks are added: nothing when it has
 * them all, which is not an error) or a new one. All in one transaction
 * on out: stopped at any point, out is as it was. 0, -1 (message in
 * store_errmsg(out)) or STORE_MERGE_REFUSED. */
int store_merge(struct store *out, const char *const *paths, size_t n,
		store_merge_note_fn *note, void *arg,
		struct store_merge_result *res);

/* ---- Verdicts: what the report judged, kept beside the facts ------------ */

/* The report's verdicts on one scan (schema step 7, SCHEMA.md): written by
 * the report, never by the scanner, and never read as facts. What they
 * were judged with, and the scan's totals. */
struct store_verdict_scan {
	char *judge;         /* the judge's version */
	char *trust;         /* the trust they were judged with */
	int warn_days;
	int64_t judged_at;   /* Unix seconds */
	char *scan_status;   /* the scan's status and end when judged */
	char *scan_finished;
	int64_t status[3];   /* target rows PASS, WARN, FAIL */
	int64_t findings[3]; /* findings by severity: info, warning, error */
};

/* How many target rows of a scan have one finding at one severity. */
struct store_verdict_count {
	const char *finding;
	int severity;
	int64_t targets;
};

/* Reads scan_id's verdict row into out (free with
 * store_verdict_scan_clear()): 1, 0 when the scan has none, -1 on error. */
int store_verdict_scan_get(struct store *st, int64_t scan_id,
			   struct store_verdict_scan *out);
void store_verdict_scan_clear(struct store_verdict_scan *v);

/* Calls cb once per (finding, severity) counted for scan_id, in finding
 * order. A non-zero return from cb stops and is returned. */
typedef int (*store_verdict_count_cb)(const struct store_verdict_count *c,
				      void *arg);
int store_each_verdict_count(struct store *st, int64_t scan_id,
			     store_verdict_count_cb cb, void *arg);

/* One target's stored verdict: its status (0 PASS, 1 WARN, 2 FAIL), the
 * time (Unix seconds) before which it holds, and its findings as the
 * report encoded them (*findings malloc'd, the caller frees it; NULL and
 * 0 for none). 1, 0 when the target has none, -1 on error. */
int store_verdict_target_get(struct store *st, int64_t target_id,
			     int *status, int64_t *valid_until,
			     unsigned char **findings, size_t *len);

/* Writing a scan's verdicts: store_verdicts_begin() removes what the scan
 * had (its verdict row first, so that a write stopped half-way leaves a
 * scan without verdicts, never with half of them), then one
 * store_verdict_target_put() per target (findings: the report's encoding,
 * digest its SHA-256, both NULL when it has none), then
 * store_verdicts_end() writes the scan's row and counts and commits. */
int store_verdicts_begin(struct store *st, int64_t scan_id);
int store_verdict_target_put(struct store *st, int64_t target_id,
			     int status, int64_t valid_until,
			     const unsigned char *digest,
			     const unsigned char *findings, size_t len);
int store_verdicts_end(struct store *st, int64_t scan_id,
		       const struct store_verdict_scan *v,
		       const struct store_verdict_count *counts, size_t n);

#endif
