/* history.c: the readers of questions asked across scans: the list
 * of scans, one domain's history, the leaves that expire, when a
 * certificate was first seen.
 *
 * They query the views of schema step 5 (latest_leaf, chain_root), so
 * that what SCHEMA.md shows a sqlite3 user is what fedcert answers with,
 * and stream: a row's strings point into SQLite's own buffers and are
 * valid only during the callback (store.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

/* Every count of one scan, each from an index (target_by_scan,
 * probe_by_scan, input_error_by_scan; target_failed_by_scan for the
 * targets not probed for a reason of ours, which are not the partners'
 * failures). */
static const char sql_scans[] =
	"SELECT s.id, s.started, s.finished, s.status, s.input, s.options,"
	" s.version,"
	" (SELECT count(*) FROM target t WHERE t.scan_id = s.id),"
	" (SELECT count(*) FROM target t WHERE t.scan_id = s.id"
	"  AND t.error_kind IS NOT NULL AND t.error_kind <> 'not_probed'),"
	" (SELECT count(*) FROM target t WHERE t.scan_id = s.id"
	"  AND t.complete = 0),"
	" (SELECT count(*) FROM probe p WHERE p.scan_id = s.id),"
	" (SELECT count(*) FROM probe p WHERE p.scan_id = s.id"
	"  AND p.error_kind IS NOT NULL),"
	" (SELECT count(*) FROM input_error i WHERE i.scan_id = s.id),"
	" (SELECT count(*) FROM target t WHERE t.scan_id = s.id"
	"  AND t.error_kind = 'not_probed'),"
	" (SELECT t.error_reason FROM target t WHERE t.scan_id = s.id"
	"  AND t.error_kind = 'not_probed' ORDER BY t.line LIMIT 1),"
	/* a merged scan's missing shards (schema step 10) */
	" (SELECT count(*) FROM merge_shard m WHERE m.scan_id = s.id"
	"  AND m.source_scan IS NULL),"
	" (SELECT group_concat(m.shard, ', ') FROM merge_shard m"
	"  WHERE m.scan_id = s.id AND m.source_scan IS NULL),"
	" (SELECT max(m.shards) FROM merge_shard m WHERE m.scan_id = s.id)"
	" FROM scan s WHERE (?2 <= 0 OR s.id = ?2) AND (?1 <= 0 OR"
	" s.id >= ifnull((SELECT id FROM scan"
	" ORDER BY id DESC LIMIT 1 OFFSET ?1 - 1), 0))"
	" ORDER BY s.id";

/* One domain's targets in every scan, each endpoint it reached and that
 * endpoint's leaf. The CTE counts each identity's scans once. */
static const char sql_history[] =
	"WITH t AS (SELECT t.id, t.scan_id, t.domain, t.type, t.port,"
	"  t.complete, t.error_kind, t.error_reason, s.started"
	"  FROM target t JOIN scan s ON s.id = t.scan_id WHERE t.domain = ?1),"
	" k AS (SELECT domain, type, port, count(DISTINCT scan_id) AS n,"
	"  min(started) AS first, max(started) AS last"
	"  FROM t GROUP BY domain, type, port)"
	" SELECT t.domain, t.type, t.port, k.n, k.first, k.last, t.scan_id,"
	" t.started, t.complete, t.error_kind, t.error_reason,"
	" e.address, e.port, e.sni, p.error_kind, p.error_reason,"
	" c.sha256, c.sha1, c.subject, c.issuer, p.id, c.not_after"
	" FROM t JOIN k ON k.domain = t.domain AND k.type = t.type"
	"  AND k.port = t.port"
	" LEFT JOIN target_probe tp ON tp.target_id = t.id"
	" LEFT JOIN probe p ON p.id = tp.probe_id"
	" LEFT JOIN endpoint e ON e.id = p.endpoint_id"
	" LEFT JOIN chain_link l ON l.probe_id = p.id AND l.position = 0"
	" LEFT JOIN certificate c ON c.id = l.certificate_id"
	" ORDER BY t.domain, t.type, t.port, e.id IS NULL, e.address, e.port,"
	" e.sni, t.scan_id, t.id";

/* The leaves of latest_leaf, and beside them the certificates above a
 * leaf in its chain that expire before it (not a self-signed root sent
 * along: the partner's trust store has its own copy): the leaf may be
 * fine, yet its chain breaks on the intermediate's date. */
static const char sql_expiring[] =
	"SELECT lt.target_id, lt.scan_id, lt.scan_started, lt.line, lt.domain,"
	" lt.type, lt.port, e.address, e.port, e.sni, p.error_kind, c.id,"
	" c.sha256, lower(c.sha1), c.subject, c.issuer,"
	" (SELECT r.root FROM chain_root r WHERE r.probe_id = p.id),"
	" c.not_before, c.not_after, c.key_type, c.key_bits, c.sig_alg,"
	" l.position"
	" FROM latest_target lt"
	" JOIN target_probe tp ON tp.target_id = lt.target_id"
	" JOIN probe p ON p.id = tp.probe_id"
	" JOIN endpoint e ON e.id = p.endpoint_id"
	" JOIN chain_link l0 ON l0.probe_id = p.id AND l0.position = 0"
	" JOIN certificate c0 ON c0.id = l0.certificate_id"
	" JOIN chain_link l ON l.probe_id = p.id"
	" JOIN certificate c ON c.id = l.certificate_id"
	" WHERE c.not_after <= ?1 AND (l.position = 0"
	"  OR (c.not_after < c0.not_after AND c.subject IS NOT c.issuer))"
	" ORDER BY c.not_after, lt.domain, lt.type, lt.port, l.position > 0,"
	" c.id, e.address, e.port, e.sni";

/* A text column, borrowed from SQLite until the next step; NULL for NULL. */
static const char *col_text(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

/* Steps s, calling row(s, arg) on each row: the loop every reader here
 * shares. row's non-zero return stops it and is returned; -1 with a
 * message when SQLite fails. s is finalized. */
static int hist_each(struct store *st, sqlite3_stmt *s, const char *what,
		     int (*row)(sqlite3_stmt *s, void *arg), void *arg)
{
	int step, rc = 0;

	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		rc = row(s, arg);
		if (rc != 0)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE) {
		store_db_error(st, what);
		rc = -1;
	}
	sqlite3_finalize(s);
	return rc;
}

/* ---- Scans --------------------------------------------------------------- */

struct scan_walk {
	store_scan_summary_cb cb;
	void *arg;
};

static int scan_row(sqlite3_stmt *s, void *arg)
{
	struct scan_walk *w = arg;
	struct store_scan_row scan = {
		.id = sqlite3_column_int64(s, 0),
		/* Borrowed for the callback: the row type's strings are not
		 * const, but nothing writes through them. */
		.started = (char *)col_text(s, 1),
		.finished = (char *)col_text(s, 2),
		.status = (char *)col_text(s, 3),
		.input = (char *)col_text(s, 4),
		.options = (char *)col_text(s, 5),
		.version = (char *)col_text(s, 6),
	};
	struct store_scan_summary sum = {
		.scan = &scan,
		.targets = sqlite3_column_int64(s, 7),
		.targets_failed = sqlite3_column_int64(s, 8),
		.incomplete = sqlite3_column_int64(s, 9),
		.endpoints = sqlite3_column_int64(s, 10),
		.endpoints_failed = sqlite3_column_int64(s, 11),
		.input_errors = sqlite3_column_int64(s, 12),
		.not_probed = sqlite3_column_int64(s, 13),
		.shards_missing = sqlite3_column_int64(s, 15),
		.shards = sqlite3_column_int64(s, 17),
	};

	if (col_text(s, 14) != NULL)
		snprintf(sum.not_probed_why, sizeof(sum.not_probed_why), "%s",
			 col_text(s, 14));
	if (col_text(s, 16) != NULL)
		snprintf(sum.shards_missing_which,
			 sizeof(sum.shards_missing_which), "%s", col_text(s, 16));

	return w->cb(&sum, w->arg);
}

int store_each_scan(struct store *st, int64_t last, store_scan_summary_cb cb,
		    void *arg)
{
	struct scan_walk w = { cb, arg };
	sqlite3_stmt *s;

	if (store_prepare_query(st, sql_scans, &s) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, last);
	sqlite3_bind_int64(s, 2, 0);
	return hist_each(st, s, "cannot read the scans", scan_row, &w);
}

int store_scan_summary_of(struct store *st, int64_t scan_id,
			  store_scan_summary_cb cb, void *arg)
{
	struct scan_walk w = { cb, arg };
	sqlite3_stmt *s;

	if (store_prepare_query(st, sql_scans, &s) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, 0);
	sqlite3_bind_int64(s, 2, scan_id);
	return hist_each(st, s, "cannot read the scans", scan_row, &w);
}

int store_scan_latest_done(struct store *st, int64_t below, int64_t *scan_id)
{
	sqlite3_stmt *s;
	int rc = -1;

	*scan_id = 0;
	if (store_prepare_query(st, "SELECT max(id) FROM scan WHERE status = 'done'"
			 " AND (?1 <= 0 OR id < ?1)", &s) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, below);
	if (sqlite3_step(s) == SQLITE_ROW) {
		*scan_id = sqlite3_column_int64(s, 0); /* NULL: 0 */
		rc = 0;
	} else {
		store_db_error(st, "cannot read the scans");
	}
	sqlite3_finalize(s);
	return rc;
}

/* ---- History ------------------------------------------------------------- */

/* The root of each probe (the view chain_root), asked once per probe: a
 * hosted pool's probe is a row of every partner that reaches it (103
 * partners, 365 nights, 4 members: 150,000 rows, 1,460 probes). */
static const char sql_root[] =
	"SELECT r.root FROM chain_root r WHERE r.probe_id = ?1";

#define HISTORY_ROOTS 4096 /* slots, by probe id; a miss asks again */

struct history_root {
	int64_t probe_id; /* 0: empty */
	char *root;       /* owned; NULL: none */
};

struct history_walk {
	store_history_cb cb;
	void *arg;
	int64_t rows;
	sqlite3_stmt *root;
	struct history_root *roots; /* HISTORY_ROOTS slots, or NULL */
	struct store *st;
	int failed;
};

/* The root of probe_id's chain, borrowed until the next call; NULL when
 * it has none (or no probe). */
static const char *history_root_of(struct history_walk *w, int64_t probe_id)
{
	struct history_root *slot;
	const unsigned char *t;
	char *root = NULL;
	int rc;

	if (probe_id == 0)
		return NULL;
	slot = w->roots ? &w->roots[(uint64_t)probe_id % HISTORY_ROOTS] : NULL;
	if (slot != NULL && slot->probe_id == probe_id)
		return slot->root;
	sqlite3_reset(w->root);
	sqlite3_bind_int64(w->root, 1, probe_id);
	rc = sqlite3_step(w->root);
	if (rc == SQLITE_ROW && (t = sqlite3_column_text(w->root, 0)) != NULL)
		root = strdup((const char *)t);
	else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_db_error(w->st, "cannot read the history");
		w->failed = 1;
	}
	if (slot == NULL) {
		/* no cache: the text lives in the statement until the next */
		free(root);
		return rc == SQLITE_ROW
			       ? (const char *)sqlite3_column_text(w->root, 0)
			       : NULL;
	}
	free(slot->root);
	slot->probe_id = probe_id;
	slot->root = root;
	return root;
}

static int history_row(sqlite3_stmt *s, void *arg)
{
	struct history_walk *w = arg;
	struct store_history_row r = {
		.domain = col_text(s, 0),
		.type = col_text(s, 1),
		.port = sqlite3_column_int(s, 2),
		.scans = sqlite3_column_int64(s, 3),
		.first_started = col_text(s, 4),
		.last_started = col_text(s, 5),
		.scan_id = sqlite3_column_int64(s, 6),
		.scan_started = col_text(s, 7),
		.complete = sqlite3_column_int(s, 8),
		.target_error_kind = col_text(s, 9),
		.target_error_reason = col_text(s, 10),
		.address = col_text(s, 11),
		.endpoint_port = sqlite3_column_int(s, 12),
		.sni = col_text(s, 13),
		.error_kind = col_text(s, 14),
		.error_reason = col_text(s, 15),
		.sha256 = col_text(s, 16),
		.sha1 = col_text(s, 17),
		.subject = col_text(s, 18),
		.issuer = col_text(s, 19),
		.not_after = col_text(s, 21),
	};

	r.root = history_root_of(w, sqlite3_column_int64(s, 20));
	if (w->failed)
		return -1;
	w->rows++;
	return w->cb(&r, w->arg);
}

int store_each_history(struct store *st, const char *domain,
		       store_history_cb cb, void *arg, int64_t *found)
{
	struct history_walk w = { .cb = cb, .arg = arg, .st = st };
	sqlite3_stmt *s;
	size_t i;
	int rc;

	*found = 0;
	if (store_prepare_query(st, sql_root, &w.root) != 0)
		return -1;
	if (store_prepare_query(st, sql_history, &s) != 0) {
		sqlite3_finalize(w.root);
		return -1;
	}
	/* Without the cache each row asks for its root: slower, the same. */
	w.roots = calloc(HISTORY_ROOTS, sizeof(*w.roots));
	sqlite3_bind_text(s, 1, domain, -1, SQLITE_STATIC);
	rc = hist_each(st, s, "cannot read the history", history_row, &w);
	*found = w.rows;
	for (i = 0; w.roots != NULL && i < HISTORY_ROOTS; i++)
		free(w.roots[i].root);
	free(w.roots);
	sqlite3_finalize(w.root);
	return rc;
}

/* ---- Expiring ------------------------------------------------------------ */

struct leaf_walk {
	store_leaf_cb cb;
	void *arg;
};

static int leaf_row(sqlite3_stmt *s, void *arg)
{
	struct leaf_walk *w = arg;
	struct store_leaf_row r = {
		.target_id = sqlite3_column_int64(s, 0),
		.scan_id = sqlite3_column_int64(s, 1),
		.scan_started = col_text(s, 2),
		.line = (long)sqlite3_column_int64(s, 3),
		.domain = col_text(s, 4),
		.type = col_text(s, 5),
		.port = sqlite3_column_int(s, 6),
		.address = col_text(s, 7),
		.endpoint_port = sqlite3_column_int(s, 8),
		.sni = col_text(s, 9),
		.error_kind = col_text(s, 10),
		.certificate_id = sqlite3_column_int64(s, 11),
		.sha256 = col_text(s, 12),
		.sha1 = col_text(s, 13),
		.subject = col_text(s, 14),
		.issuer = col_text(s, 15),
		.root = col_text(s, 16),
		.not_before = col_text(s, 17),
		.not_after = col_text(s, 18),
		.key_type = col_text(s, 19),
		.key_bits = sqlite3_column_int(s, 20),
		.sig_alg = col_text(s, 21),
		.intermediate = sqlite3_column_int(s, 22) > 0,
	};

	return w->cb(&r, w->arg);
}

int store_each_expiring(struct store *st, const char *until,
			store_leaf_cb cb, void *arg)
{
	struct leaf_walk w = { cb, arg };
	sqlite3_stmt *s;

	if (store_prepare_query(st, sql_expiring, &s) != 0)
		return -1;
	sqlite3_bind_text(s, 1, until, -1, SQLITE_STATIC);
	return hist_each(st, s, "cannot read the leaves", leaf_row, &w);
}

int store_cert_first_seen(struct store *st, int64_t certificate_id,
			  char *out, size_t outlen)
{
	sqlite3_stmt *s;
	const char *v;
	int rc = -1;

	out[0] = '\0';
	/* Asked for every row of a compliance report: prepared once. */
	if (store_flush(st) != 0)
		return -1;
	s = store_stmt(st, STMT_CERT_FIRST_SEEN);
	sqlite3_bind_int64(s, 1, certificate_id);
	switch (sqlite3_step(s)) {
	case SQLITE_ROW:
		v = col_text(s, 0);
		snprintf(out, outlen, "%s", v != NULL ? v : "");
		/* fall through */
	case SQLITE_DONE:
		rc = 0;
		break;
	default:
		store_db_error(st, "cannot read when a certificate was seen");
	}
	sqlite3_reset(s);
	return rc;
}
