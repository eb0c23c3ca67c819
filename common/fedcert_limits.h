/* fedcert_limits.h: every bound the program keeps, in one place.
 *
 * A limit that a user may need to change is also a command-line flag; the
 * constant here is then its default and its range.
 */
#ifndef FEDCERT_LIMITS_H
#define FEDCERT_LIMITS_H

#define FEDCERT_VERSION "0.1.0"

/* Targets CSV. */
#define FC_CSV_READ_CHUNK 16384     /* bytes read from the file at a time */
#define FC_CSV_FIELD_MAX 1024       /* a longer field is a bad row, not a crash */
#define FC_CSV_RAW_MAX 256          /* bytes of a bad row kept as evidence */
#define FC_DNS_NAME_MAX 253         /* RFC 1035, without the trailing dot */
#define FC_DNS_LABEL_MAX 63
#define FC_DEFAULT_PORT 5061
#define FC_CSV_QUOTE_MAX 64         /* bytes of a bad value quoted in a reason */

/* Scanner. */
#define FC_CONCURRENCY_DEFAULT 256
#define FC_CONCURRENCY_MIN 1
#define FC_CONCURRENCY_MAX 100000
#define FC_TIMEOUT_DEFAULT_S 10     /* connect, and separately handshake */
#define FC_TIMEOUT_MIN_S 1
#define FC_TIMEOUT_MAX_S 3600
#define FC_CHAIN_MAX 32             /* certificates of one chain stored */
#define FC_CERT_LIST_MAX (256 * 1024) /* bytes of a server's Certificate
					 message accepted (OpenSSL's cap) */
#define FC_TLS_READ_BUF 16384       /* bytes handed to OpenSSL at a time */
#define FC_REASON_MAX 256           /* library reason strings */
#define FC_FLUSH_INTERVAL_MS 100    /* the writer commits at least this often */
#define FC_FD_RESERVE 32            /* descriptors kept for all but probes */
#define FC_SIP_PACE_MAX_MS 600000   /* --sip-pace at most: 10 minutes */
#define FC_SIP_SPARE 128            /* ended SIP exchanges kept for reuse */
#define FC_VERDICT_MS 1500          /* after a TLS 1.3 handshake in which the
				       server asked for our certificate: how
				       long to wait for its verdict */
#define FC_CA_NAMES_MAX 64          /* acceptable CA names kept per probe */
#define FC_PASSPHRASE_MAX 1024

/* DNS. */
#define FC_DNS_SERVERS_MAX 8        /* --dns-server given at most */
#define FC_DNS_TIMEOUT_DEFAULT_MS 3000 /* per try (c-ares) */
#define FC_DNS_TIMEOUT_MIN_MS 100
#define FC_DNS_TIMEOUT_MAX_MS 60000
#define FC_DNS_TRIES_DEFAULT 2
#define FC_DNS_TRIES_MIN 1
#define FC_DNS_TRIES_MAX 10
#define FC_SRV_TARGETS_DEFAULT 32   /* SRV targets probed per name */
#define FC_SRV_TARGETS_MIN 1
#define FC_SRV_TARGETS_MAX 256      /* at most FC_DNS_RECORDS_MAX */
#define FC_ADDRS_DEFAULT 32         /* addresses probed per host */
#define FC_ADDRS_MIN 1
#define FC_ADDRS_MAX 256            /* at most FC_DNS_RECORDS_MAX */
#define FC_DNS_RECORDS_MAX 256      /* records parsed from one answer; flags cap below it */
/* DNS queries in flight before more rows are read: a burst of answers
 * larger than the socket's receive buffer is dropped by the kernel and
 * becomes a timeout. */
#define FC_DNS_INFLIGHT_MAX 256
/* Our resolver not answering (scanner/outage.c): it is asked a question
 * of our own at once, then after 1 s, 2 s, 4 s (7 s in all) before the
 * scan gives it up; a question it failed is asked again at most this
 * often once it answers. */
#define FC_OUTAGE_CANARIES 4
#define FC_OUTAGE_WAIT_MS 1000
#define FC_OUTAGE_RETRIES 3
#define FC_DNS_RCVBUF (1 << 20)     /* asked of c-ares' UDP sockets; the
				       kernel may grant less */

/* Command line. */
#define FC_CLI_ERRMSG_MAX 1024      /* bytes of a stage's error message */

/* Progress on a terminal. */
#define FC_PROGRESS_INTERVAL_MS 1000

/* Store. */
#define FC_BATCH_MAX 500            /* writes per transaction */
#define FC_BUSY_TIMEOUT_MS 5000
#define FC_WAL_SWITCH_TIMEOUT_MS 60000 /* a writer waits this long for
					  readers before switching a file
					  at rest to WAL mode */
#define FC_STORE_ERRMSG_MAX 512     /* bytes of one store error message */

/* Findings. */
#define FC_WARN_DAYS_DEFAULT 30     /* expires_soon below this many days left */
#define FC_WARN_DAYS_MIN 1
#define FC_WARN_DAYS_MAX 3650
#define FC_ONLY_MAX 64              /* finding ids given to --only */
#define FC_TRUST_EVENTS_MAX 16      /* --trust-events files */

/* Prometheus metrics (report --format prometheus). */
#define FC_PROM_LABEL_MAX 1024      /* bytes of a certificate's text (subject,
				       issuer) kept in one label value; the
				       rest is cut, marked with U+2026 */

/* Reports across scans. */
#define FC_EXPIRING_WITHIN_DEFAULT_S (30LL * 86400) /* expiring --within */
#define FC_EXPIRING_WITHIN_MAX_S (100LL * 366 * 86400) /* a century */
#define FC_PRUNE_KEEP_MIN 1         /* prune never empties the database */
#define FC_VERDICT_FINDINGS_MAX (4 * 1024 * 1024) /* bytes of one target's
						   kept findings (verdicts.c) */
#define FC_HISTORY_MEMO_MAX 1000000 /* targets whose verdict `fedcert scans`
				       keeps from one scan to the next (about
				       56 bytes each); beyond, it judges */

/* Shards (scan --shard I/N, merge). */
#define FC_SHARDS_MAX 4096          /* N of --shard I/N at most */
#define FC_MERGE_SHARDS_MAX FC_SHARDS_MAX /* shard files one merge reads */

#endif
