/* scanner.h: reads targets, probes them on one libuv loop, records facts.
 *
 * The scanner never judges what it sees; it stores it through store.h.
 */
#ifndef FEDCERT_SCANNER_H
#define FEDCERT_SCANNER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct store;

/* ---- Targets CSV ------------------------------------------------------ */

enum target_type {
	TARGET_FED,    /* SRV _sipfederationtls._tcp.<domain> */
	TARGET_SIP,    /* SRV _sip._tls.<domain> */
	TARGET_SIPINT, /* SRV _sipinternaltls._tcp.<domain> */
	TARGET_DIR     /* host (name, IPv4 or IPv6 literal) and port */
};

/* "FED", "SIP", "SIPINT", "DIR". */
const char *target_type_name(enum target_type type);

/* The type a name says, in any case ("fed", "Sipint"): 1 and *type, or 0
 * when it names none. The targets file's Type column and the command
 * line's --type read types through this one function. */
int target_type_from_name(const char *name, enum target_type *type);

/* One valid row, or one bad row. Strings are owned by the reader and valid
 * until the next targets_next() call. */
struct target_row {
	long line;       /* 1-based line of the file where the row starts */
	int is_error;    /* 1: a bad row; reason and raw are set */
	enum target_type type;
	char *domain;    /* lowercased, without brackets or trailing dot */
	int port;        /* FC_DEFAULT_PORT when the field was empty */
	int is_literal;  /* 1: domain is an IPv4 or IPv6 address literal */
	char *reason;    /* bad row: "unknown type \"FEDX\"" */
	char *raw;       /* bad row: its fields joined by commas, truncated */
};

struct targets_reader;

/* Opens path and reads up to and including the header row. Fails (NULL,
 * message in err naming the file) when the file is missing or unreadable,
 * or its first non-blank row is not a Domain,Type,Port header. Free with
 * targets_close(). */
struct targets_reader *targets_open(const char *path, char *err,
				    size_t errlen);

/* Reads the next row: 1 when *row holds a row (valid or bad), 0 at the end
 * of the file, -1 on a read error (message in err). Memory stays bounded
 * whatever the file's size. */
/* As targets_open(), from fp (which the reader takes and closes, also on
 * failure; NULL is an error with errno's message); path names it in
 * messages. */
struct targets_reader *targets_open_stream(FILE *fp, const char *path,
					   char *err, size_t errlen);

int targets_next(struct targets_reader *r, struct target_row *row, char *err,
		 size_t errlen);

/* A reader of one row (fedcert check's target) given as its fields, so
 * that it is read and judged by the very code that reads a file: type
 * ("DIR"), host and port (NULL: the default). label names it in messages.
 * *mem is the file in memory the reader reads: the caller frees it after
 * targets_close(). NULL with a message in err when out of memory. */
struct targets_reader *targets_open_one(const char *type, const char *host,
					const char *port, const char *label,
					char **mem, char *err, size_t errlen);

/* Whether the one row of these fields is a valid target: 0, with
 * *is_literal (may be NULL) set when host is an address; else -1 and the
 * reason in err, as a bad row of a file has it but without a file or a
 * line ("bad port \"99999\" (1-65535)", "invalid domain name \"a..b\""),
 * for the caller to say which argument it was. */
int targets_check_one(const char *type, const char *host, const char *port,
		      int *is_literal, char *err, size_t errlen);

void targets_close(struct targets_reader *r);

/* Whether path is a targets file worth starting a scan for, before a
 * database is created for it: 0 when it opens, has the header and at
 * least one row after it (valid or bad); else -1 with a message naming
 * the file. Reads the header and the first row only. A file that is not a
 * regular file (a pipe) is not read here (0): the scan finds out. */
int targets_check(const char *path, char *err, size_t errlen);

/* Writes one line per library the scanner runs on (OpenSSL, libuv,
 * c-ares, libcsv) with its version, as the loaded library reports it. */
void scan_print_versions(FILE *out);

/* ---- Scan ------------------------------------------------------------- */

struct scan_options {
	const char *input;      /* targets CSV, or a label for one_*; NULL
				   with resume: the resumed scan's own */
	int resume;             /* continue an unfinished scan (--resume) */
	int64_t resume_scan;    /* which; 0: the newest */
	/* fedcert check: one target instead of a file, validated exactly as a
	 * row of it would be ("FED", "sip.example.com", "5061" or NULL). */
	const char *one_type, *one_host, *one_port;
	/* check HOST --type: the type the one target is stored, and so
	 * judged, as ("FED"); it is still probed as a DIR row is, at HOST
	 * itself. NULL: one_type. */
	const char *one_stored_type;
	/* check --sni NAME: the name sent to every endpoint (and so judged)
	 * instead of the host's; NULL: the host's, none for an address. */
	const char *sni;
	/* check --connect-to ADDR[:PORT]: the address every host name
	 * resolves to, no A or AAAA question asked (SRV questions still
	 * are), and the port that replaces the target's or the SRV
	 * record's when one is given. NULL: DNS. */
	const char *connect_to;
	const char *ca_file;    /* NULL: system default trust store */
	const char *ca_path;
	unsigned timeout_s;     /* connect, and separately handshake */
	unsigned concurrency;   /* endpoints in flight at most */
	int quiet;              /* no progress or summary on stderr */

	/* DNS (c-ares). No servers: the system configuration. */
	const char *const *dns_servers; /* "ADDR[:PORT]", IPv6 in brackets */
	size_t ndns_servers;
	unsigned dns_timeout_ms;  /* per try */
	unsigned dns_tries;
	unsigned max_srv_targets; /* SRV targets probed per name */
	unsigned max_addresses;   /* addresses probed per host */
	int no_pool;              /* probe only the first address of a host */

	/* Mutual TLS: our Edge's certificate (PEM, our intermediates may
	 * follow the leaf) and key, presented to every endpoint that asks.
	 * NULL: an empty Certificate message, as a client without one. */
	const char *client_cert;
	const char *client_key;
	const char *client_key_pass_file; /* the first line is the passphrase */
	int ipv4_only, ipv6_only; /* ask only A, or only AAAA */

	/* SIP OPTIONS (--sip-options): after a handshake that leaves the
	 * session up, one OPTIONS over it, its answer read within the probe's
	 * deadline (docs/sip-options.md). sip_domain: ours, for From (required
	 * with it); sip_contact: our Edge's name for Contact and Via (NULL:
	 * sip_domain). sip_pace_ms: at least this long between two OPTIONS to
	 * one address (0: no pacing); one that would wait past the probe's
	 * deadline is not sent. */
	int sip_options;
	const char *sip_domain;
	const char *sip_contact;
	unsigned sip_pace_ms;

	/* scan --shard I/N: only the rows whose key shard_of() sends to
	 * shard.index (bad rows: shard 0 only); shard.count 0: every row.
	 * input_sha256: the targets file's digest, recorded with the shard
	 * so that merge recognises the shards of one file. */
	struct scan_shard {
		unsigned index, count;
	} shard;
	const char *input_sha256;
};

/* ---- Shards (shard.c) ---- */

/* The key that decides a row's shard: domain lowercased, brackets and
 * trailing dots dropped, cut to its organisational domain: the last two
 * labels, or three when the second-to-last is a registry's second level
 * (co, com, net, org, gov, edu, ac, ...) under a two-letter TLD, or when
 * the TLD is a special-use one without a registry (test, example,
 * invalid, localhost); an IP literal is its own key. 0, or -1 when it
 * does not fit keylen. */
int shard_key(const char *domain, char *key, size_t keylen);

/* FNV-1a 64 of key's bytes. */
uint64_t shard_hash(const char *key);

/* The shard (0..count-1) of a row of domain: shard_hash(shard_key())
 * mod count; 0 when count is 0 or 1. */
unsigned shard_of(const char *domain, unsigned count);

/* Looks up an environment variable: getenv(), or a test's. */
typedef const char *shard_getenv_fn(const char *name);

/* Parses --shard's value: "I/N" (N 1..FC_SHARDS_MAX, I 0..N-1) or
 * "auto/N", I then from JOB_COMPLETION_INDEX, else SLURM_ARRAY_TASK_ID
 * (get looks them up). 0, or -1 with a message in err naming the value
 * (or the variable and its value). */
int shard_parse(const char *spec, shard_getenv_fn *get, struct scan_shard *out,
		char *err, size_t errlen);

/* The SHA-256 of the file's bytes, lowercase hex. 0, or -1 with a
 * message naming the file. */
int shard_file_sha256(const char *path, char hex[65], char *err,
		      size_t errlen);

/* Whether name is a usable --sip-domain or --sip-contact: a plain host
 * name of [A-Za-z0-9.-] labels, no trailing dot, at most 253 bytes (what
 * may stand in a SIP URI's host part and reach a partner's server). */
int scan_sip_name_is_valid(const char *name);

/* Whether spec is a usable --dns-server: an IPv4 or IPv6 address,
 * optionally with a port ("127.0.0.1:5353", "[::1]:5353", "::1"). */
int scan_dns_server_is_valid(const char *spec);

/* Whether spec is a usable --connect-to: an IPv4 or IPv6 address,
 * optionally with a port, as --dns-server takes it. */
int scan_connect_to_is_valid(const char *spec);

/* Whether name is a usable --sni: a host name in ASCII (the A-label
 * xn-- form), a trailing dot allowed; never an address (RFC 6066 sends
 * names only). */
int scan_sni_is_valid(const char *name);

struct scan_summary {
	int64_t scan_id;
	long targets;        /* valid rows */
	long input_errors;   /* bad rows */
	long probes;         /* handshakes attempted (unique endpoints) */
	long probe_failures; /* probes that ended with an error kind */
	int interrupted;     /* SIGINT or SIGTERM stopped it; what was stored stays */
	long resumed_rows;   /* rows skipped: the resumed scan had them */
	long shard_skipped;  /* valid rows left to the other shards */
	/* Targets not probed for a reason of ours (our resolver did not
	 * answer, our network could not send): stored not_probed and left
	 * incomplete, for --resume. Not 0: the scan is marked failed and
	 * incomplete holds the sentence that says so. */
	long not_probed;
	long dns_missed;     /* questions our resolver failed (asked again) */
	char incomplete[512];
	unsigned peak_inflight; /* endpoints in flight at once, at most */
	double elapsed_s;    /* wall time of the loop */
};

/* Runs one whole scan into st: records the scan, every row, every probe,
 * (or, with resume, continues an unfinished one: rows it accounted for are
 * skipped, endpoints it probed are linked, not probed again),
 * and marks the scan done (or failed/interrupted). Returns 0 when the scan
 * ran to its end (whatever the peers did) or was interrupted by SIGINT or
 * SIGTERM (summary->interrupted is then set), -1 when it could not (bad
 * input file, trust store, database error); the message then is in err.
 * A scan that ran to its end with targets our side could not do (our
 * resolver or our network failing, summary->not_probed) is marked failed
 * and returns 0 with summary->incomplete saying so: a resume finishes
 * it. One whose resolver failed for a while and every question of which
 * was then answered "recovered": done, and not_probed is 0. */
int scan_run(const struct scan_options *opts, struct store *st,
	     struct scan_summary *summary, char *err, size_t errlen);

#endif
