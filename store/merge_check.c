/* merge_check.c: which shards a merge takes, and what it does with them
 * (merge.c): each shard file's newest sharded scan read, the shards
 * checked against each other (one file, one N, one set of options, one
 * scan per index), and against the merged scan the output file has
 * already (new, the same, changed since, another night's).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/merge_int.h"

static char *dup_col(sqlite3_stmt *s, int i)
{
	const unsigned char *v = sqlite3_column_text(s, i);

	return strdup(v ? (const char *)v : "");
}

void merge_src_clear(struct merge_src *m)
{
	free(m->started);
	free(m->finished);
	free(m->status);
	free(m->options);
	free(m->input);
	free(m->version);
	free(m->rest);
}

/* The index, N and digest the options record; rest: the options
 * without " shard=I/N". */
static int src_parse(struct merge_src *m)
{
	const char *p = strstr(m->options, " shard=");
	const char *h = strstr(m->options, " input-sha256=");
	const char *end;

	if (p == NULL || sscanf(p, " shard=%u/%u", &m->index, &m->count) != 2 ||
	    m->count < 1 || m->index >= m->count || h == NULL)
		return -1;
	snprintf(m->sha, sizeof(m->sha), "%.64s", h + strlen(" input-sha256="));
	end = strchr(p + 1, ' ');
	if ((m->rest = malloc(strlen(m->options) + 1)) == NULL)
		return -1;
	memcpy(m->rest, m->options, (size_t)(p - m->options));
	strcpy(m->rest + (p - m->options), end ? end : "");
	return 0;
}

/* Opens the shard file read-only (every check a report makes of a file)
 * and reads its newest sharded scan. */
static int src_read(struct store *out, struct merge_src *m)
{
	struct store *st = NULL;
	sqlite3_stmt *s = NULL;
	char err[FC_STORE_ERRMSG_MAX];
	int rc = -1;

	if (store_open_mode(m->path, STORE_READ, &st, err, sizeof(err)) != 0) {
		store_set_error(out, "%s", err);
		return -1;
	}
	if (sqlite3_prepare_v2(st->db, "SELECT id, started, finished, status,"
			       " options, input, version FROM scan"
			       " WHERE options LIKE '% shard=%'"
			       " ORDER BY id DESC LIMIT 1", -1, &s, NULL) !=
	    SQLITE_OK) {
		store_set_error(out, "%s: cannot read: %s", m->path,
				sqlite3_errmsg(st->db));
		goto out;
	}
	if (sqlite3_step(s) != SQLITE_ROW) {
		store_set_error(out, "%s: no sharded scan in it (fedcert scan"
				" --shard I/N)", m->path);
		rc = STORE_MERGE_REFUSED;
		goto out;
	}
	m->scan_id = sqlite3_column_int64(s, 0);
	m->started = dup_col(s, 1);
	m->finished = dup_col(s, 2);
	m->status = dup_col(s, 3);
	m->options = dup_col(s, 4);
	m->input = dup_col(s, 5);
	m->version = dup_col(s, 6);
	if (!m->started || !m->finished || !m->status || !m->options ||
	    !m->input || !m->version) {
		store_set_error(out, "out of memory");
		goto out;
	}
	if (src_parse(m) != 0) {
		store_set_error(out, "%s: scan %lld names no shard and"
				" targets digest that merge can read (\"%s\")",
				m->path, (long long)m->scan_id, m->options);
		rc = STORE_MERGE_REFUSED;
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	store_close(st);
	return rc;
}

/* The first word of a that b does not have ("" when none). */
static void first_word_missing(const char *a, const char *b, char *out,
			       size_t len)
{
	const char *w = a;

	out[0] = '\0';
	while (*w) {
		const char *p = b;
		size_t n, m;
		int found = 0;

		while (*w == ' ')
			w++;
		n = strcspn(w, " ");
		/* Each word of b, compared whole. */
		while (n && *p && !found) {
			while (*p == ' ')
				p++;
			m = strcspn(p, " ");
			found = m == n && strncmp(p, w, n) == 0;
			p += m;
		}
		if (n && !found) {
			snprintf(out, len, "%.*s", (int)n, w);
			return;
		}
		w += n;
	}
}

/* Whether b belongs with a (the first shard): refuses, naming both, when
 * not; marks b a duplicate when it is a's very scan (the same file
 * given twice, or a copy). */
static int src_match(struct store *out, const struct merge_src *a,
		     struct merge_src *b)
{
	char wa[256], wb[256];

	if (strcmp(a->sha, b->sha) != 0) {
		store_set_error(out, "%s and %s are shards of different targets"
				" files (SHA-256 %.16s... and %.16s...;"
				" %s and %s)", a->path, b->path, a->sha,
				b->sha, a->input, b->input);
		return STORE_MERGE_REFUSED;
	}
	if (a->count != b->count) {
		store_set_error(out, "%s is shard %u/%u and %s is shard %u/%u:"
				" the shards of one scan share N", a->path,
				a->index, a->count, b->path, b->index,
				b->count);
		return STORE_MERGE_REFUSED;
	}
	if (strcmp(a->rest, b->rest) != 0) {
		first_word_missing(a->rest, b->rest, wa, sizeof(wa));
		first_word_missing(b->rest, a->rest, wb, sizeof(wb));
		store_set_error(out, "%s and %s were scanned with different"
				" options: \"%s\" and \"%s\"", a->path, b->path,
				wa[0] ? wa : "(none)", wb[0] ? wb : "(none)");
		return STORE_MERGE_REFUSED;
	}
	if (a->index == b->index) {
		if (a->scan_id == b->scan_id &&
		    strcmp(a->started, b->started) == 0) {
			b->state = SRC_DUP;
			return 0;
		}
		store_set_error(out, "%s and %s both hold shard %u/%u, from"
				" different scans (started %s and %s)", a->path,
				b->path, a->index, a->count, a->started,
				b->started);
		return STORE_MERGE_REFUSED;
	}
	return 0;
}

/* The output file is not one of the shards. */
static int src_not_out(struct store *out, const struct merge_src *m)
{
	struct stat a, b;

	if (stat(out->path, &a) == 0 && stat(m->path, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
		store_set_error(out, "%s is the output file (--db), not a shard",
				m->path);
		return STORE_MERGE_REFUSED;
	}
	return 0;
}

/* The merged scan of these shards already in out (0: none), and what it
 * recorded of each shard into recs[0..count-1]; *nrec: its rows. */
int merge_find(struct store *out, const char *options, unsigned count,
	       int64_t *scan_id, struct merge_rec *recs, unsigned *nrec)
{
	sqlite3_stmt *s = NULL;
	int rc = -1, step;

	*scan_id = 0;
	*nrec = 0;
	memset(recs, 0, count * sizeof(*recs));
	if (store_prepare_query(out, "SELECT id FROM scan WHERE options = ?1"
				" ORDER BY id DESC LIMIT 1", &s) != 0)
		return -1;
	sqlite3_bind_text(s, 1, options, -1, SQLITE_STATIC);
	step = sqlite3_step(s);
	if (step == SQLITE_ROW)
		*scan_id = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	s = NULL;
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		store_db_error(out, "cannot read the merged scan");
		return -1;
	}
	if (*scan_id == 0)
		return 0;
	if (store_prepare_query(out, "SELECT shard, source_scan, source_started,"
				" ifnull(source_finished, ''), source_status"
				" FROM merge_shard WHERE scan_id = ?1"
				" AND source_scan IS NOT NULL", &s) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, *scan_id);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		unsigned i = (unsigned)sqlite3_column_int(s, 0);

		if (i >= count)
			continue;
		recs[i].have = 1;
		recs[i].source_scan = sqlite3_column_int64(s, 1);
		snprintf(recs[i].started, sizeof(recs[i].started), "%s",
			 (const char *)sqlite3_column_text(s, 2));
		snprintf(recs[i].finished, sizeof(recs[i].finished), "%s",
			 (const char *)sqlite3_column_text(s, 3));
		snprintf(recs[i].status, sizeof(recs[i].status), "%s",
			 (const char *)sqlite3_column_text(s, 4));
		(*nrec)++;
	}
	if (step != SQLITE_DONE)
		store_db_error(out, "cannot read the merged scan");
	else
		rc = 0;
	sqlite3_finalize(s);
	return rc;
}

/* Each shard against what the merged scan has: new, the same scan
 * (nothing to add), the same scan changed since (resumed), or another
 * scan's (another night's) shard. */
void merge_classify(struct merge_src *m, const struct merge_rec *r)
{
	if (m->state == SRC_DUP)
		return;
	if (!r->have)
		m->state = SRC_NEW;
	else if (r->source_scan != m->scan_id ||
		 strcmp(r->started, m->started) != 0)
		m->state = SRC_CONFLICT;
	else if (strcmp(r->finished, m->finished) != 0 ||
		 strcmp(r->status, m->status) != 0)
		m->state = SRC_CHANGED;
	else
		m->state = SRC_SAME;
}

/* What to do with the merged scan found: add to it, make a new one (none
 * found; or every shard given is another night's), or rebuild it (a
 * shard of it changed since, and every shard it has is given again).
 * Marks the shards to add SRC_NEW. */
int merge_decide(struct store *out, struct merge_src *srcs, size_t n,
		 int64_t *scan_id, const struct merge_rec *recs, int *rebuild)
{
	size_t i, same = 0, changed = 0, conflict = 0;
	const struct merge_src *c = NULL, *ch = NULL;
	unsigned k, count = srcs[0].count;

	*rebuild = 0;
	for (i = 0; i < n; i++) {
		if (srcs[i].state == SRC_DUP)
			continue;
		same += srcs[i].state == SRC_SAME;
		if (srcs[i].state == SRC_CHANGED && ch == NULL)
			ch = &srcs[i];
		changed += srcs[i].state == SRC_CHANGED;
		if (srcs[i].state == SRC_CONFLICT && c == NULL)
			c = &srcs[i];
		conflict += srcs[i].state == SRC_CONFLICT;
	}
	if (conflict && !same && !changed) {
		*scan_id = 0; /* another night's shards: a scan of their own */
	} else if (conflict) {
		store_set_error(out, "%s holds shard %u/%u from scan %lld"
				" (started %s), but scan %lld of %s has that shard"
				" from another scan (started %s) and the other"
				" shards given from its own: merge one night's"
				" shards together", c->path, c->index, c->count,
				(long long)c->scan_id, c->started,
				(long long)*scan_id, out->path,
				recs[c->index].started);
		return STORE_MERGE_REFUSED;
	} else if (changed) {
		for (k = 0; k < count; k++) {
			int in = !recs[k].have;

			for (i = 0; i < n && !in; i++)
				in = srcs[i].state != SRC_DUP &&
				     srcs[i].index == k;
			if (!in) {
				store_set_error(out, "%s: shard %u/%u changed"
						" since it was merged into scan"
						" %lld (it was %s, it is %s now):"
						" give every shard of that scan"
						" again to rebuild it", ch->path,
						ch->index, ch->count,
						(long long)*scan_id,
						recs[ch->index].status,
						ch->status);
				return STORE_MERGE_REFUSED;
			}
		}
		*rebuild = 1;
	}
	for (i = 0; i < n; i++)
		if (srcs[i].state != SRC_DUP &&
		    (*scan_id == 0 || *rebuild || srcs[i].state == SRC_NEW))
			srcs[i].state = SRC_NEW;
		else if (srcs[i].state != SRC_DUP)
			srcs[i].state = SRC_SAME;
	return 0;
}

/* Reads every shard file and checks that they belong together. */
int merge_sources(struct store *out, struct merge_src *srcs, size_t n)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		if ((rc = src_not_out(out, &srcs[i])) != 0 ||
		    (rc = src_read(out, &srcs[i])) != 0)
			return rc;
		if (i > 0 && (rc = src_match(out, &srcs[0], &srcs[i])) != 0)
			return rc;
	}
	/* Two scans claiming one index, neither of them the first's. */
	for (i = 1; i < n; i++) {
		size_t j;

		for (j = i + 1; j < n; j++)
			if (srcs[i].state != SRC_DUP &&
			    srcs[j].state != SRC_DUP &&
			    (rc = src_match(out, &srcs[i], &srcs[j])) != 0)
				return rc;
	}
	return 0;
}
