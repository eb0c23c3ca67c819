/* pair.c: two scans' targets side by side, matched by identity (domain,
 * type, port), for diff and for the per-scan findings of `fedcert scans`.
 *
 * A merge join: each scan's targets are read in identity order, so only
 * the current target of each side is in memory, whatever the scans' size.
 * SQLite sorts the scan's target rows (a few hundred KB per 10,000 targets;
 * it spills to a temporary file beyond its cache) rather than walking
 * target_by_identity, which holds every scan's rows.
 */
#include <stdio.h>
#include <string.h>

#include "store/store_int.h"

static const char sql_targets_by_identity[] =
	"SELECT id, line, domain, type, port, error_kind, error_reason"
	" FROM target WHERE scan_id = ?1"
	" ORDER BY domain, type, port, line, id";

/* One side of the join: its walk, and whether it stands on a row. */
struct pair_side {
	struct target_walk w;
	int64_t scan_id;
	int open;
	int at_row; /* w.targets stands on a row not yet used */
	int done;
};

/* Compares the identities of the rows a and b stand on, as SQLite's
 * ORDER BY does: text by bytes (BINARY), the port as a number. */
static int pair_cmp(sqlite3_stmt *a, sqlite3_stmt *b)
{
	int i, c;

	for (i = 2; i <= 3; i++) {
		c = strcmp((const char *)sqlite3_column_text(a, i),
			   (const char *)sqlite3_column_text(b, i));
		if (c != 0)
			return c;
	}
	c = sqlite3_column_int(a, 4) - sqlite3_column_int(b, 4);
	return c;
}

/* Moves a side to its next row. 0, or -1 on an SQLite error. */
static int pair_step(struct pair_side *p)
{
	int step;

	p->at_row = 0;
	if (!p->open || p->done)
		return 0;
	step = sqlite3_step(p->w.targets);
	if (step == SQLITE_ROW) {
		p->at_row = 1;
		return 0;
	}
	p->done = 1;
	if (step == SQLITE_DONE)
		return 0;
	store_db_error(p->w.st, "cannot read the targets");
	return -1;
}

/* Skips the rows after the current one that have the same identity (a
 * repeated CSV row): the first by line is the target. Needs the current
 * identity copied, as the step replaces the row. *rows counts them all. */
static int pair_skip_repeats(struct pair_side *p, int64_t *rows)
{
	char domain[FC_DNS_NAME_MAX + 64], type[16];
	int port;

	snprintf(domain, sizeof domain, "%s",
		 (const char *)sqlite3_column_text(p->w.targets, 2));
	snprintf(type, sizeof type, "%s",
		 (const char *)sqlite3_column_text(p->w.targets, 3));
	port = sqlite3_column_int(p->w.targets, 4);
	for (*rows = 1;; ++*rows) {
		if (pair_step(p) != 0)
			return -1;
		if (!p->at_row ||
		    strcmp((const char *)sqlite3_column_text(p->w.targets, 2), domain) != 0 ||
		    strcmp((const char *)sqlite3_column_text(p->w.targets, 3), type) != 0 ||
		    sqlite3_column_int(p->w.targets, 4) != port)
			return 0;
	}
}

static int pair_open(struct store *st, struct pair_side *p, int64_t scan_id)
{
	memset(p, 0, sizeof(*p));
	p->scan_id = scan_id;
	if (scan_id <= 0)
		return 0; /* an empty side */
	if (store_walk_open(st, &p->w, sql_targets_by_identity) != 0)
		return -1;
	p->open = 1;
	sqlite3_bind_int64(p->w.targets, 1, scan_id);
	return pair_step(p);
}

/* Loads the current row of a side into t, then moves past it and its
 * repeats. */
static int pair_take(struct pair_side *p, struct store_target_row *t,
		     int64_t *rows)
{
	if (store_walk_load(&p->w, t) != 0)
		return -1;
	return pair_skip_repeats(p, rows);
}

int store_each_target_pair(struct store *st, int64_t from_scan,
			   int64_t to_scan, store_target_pair_cb cb, void *arg)
{
	struct pair_side a, b;
	struct store_target_row ta, tb;
	struct store_target_pair pr;
	int c, rc = -1;

	memset(&ta, 0, sizeof(ta));
	memset(&tb, 0, sizeof(tb));
	memset(&b, 0, sizeof(b));
	if (pair_open(st, &a, from_scan) != 0 || pair_open(st, &b, to_scan) != 0)
		goto out;
	while (a.at_row || b.at_row) {
		c = !a.at_row ? 1 : !b.at_row ? -1
					      : pair_cmp(a.w.targets, b.w.targets);
		memset(&pr, 0, sizeof(pr));
		if ((c <= 0 && pair_take(&a, &ta, &pr.from_rows) != 0) ||
		    (c >= 0 && pair_take(&b, &tb, &pr.to_rows) != 0))
			goto out;
		pr.from = c <= 0 ? &ta : NULL;
		pr.to = c >= 0 ? &tb : NULL;
		rc = cb(&pr, arg);
		/* Two targets in memory at most, whatever the scans' size. */
		store_target_row_clear(&ta);
		store_target_row_clear(&tb);
		if (rc != 0)
			goto out;
		rc = -1;
	}
	rc = 0;
out:
	store_target_row_clear(&ta);
	store_target_row_clear(&tb);
	if (a.open)
		store_walk_close(&a.w);
	if (b.open)
		store_walk_close(&b.w);
	return rc;
}
