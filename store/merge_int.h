/* merge_int.h: private to store/merge.c, merge_check.c and merge_copy.c:
 * the shards a merge takes (merge_check.c), and how their rows are
 * gathered (merge_copy.c) before one transaction writes them into the
 * merged scan (merge.c).
 */
#ifndef FEDCERT_STORE_MERGE_INT_H
#define FEDCERT_STORE_MERGE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "store/store_int.h"

enum src_state { SRC_NEW, SRC_SAME, SRC_CHANGED, SRC_CONFLICT, SRC_DUP };

/* One shard file and its newest sharded scan; strings owned. */
struct merge_src {
	const char *path; /* borrowed from the caller */
	int64_t scan_id;
	char *started, *finished, *status, *options, *input, *version;
	char *rest;       /* options without " shard=I/N" */
	unsigned index, count;
	char sha[65];
	enum src_state state;
};

/* What the merged scan recorded of one shard. */
struct merge_rec {
	int have;
	int64_t source_scan;
	char started[32], finished[32], status[16];
};

/* merge_check.c. Reads every shard file (read-only) into srcs[0..n-1]
 * (path set by the caller) and checks that they belong together: 0,
 * STORE_MERGE_REFUSED or -1, the message in out. Marks the same shard
 * scan given twice SRC_DUP. */
int merge_sources(struct store *out, struct merge_src *srcs, size_t n);

/* The merged scan with these options in out (*scan_id 0: none) and what
 * it recorded of each of its count shards (recs[0..count-1]); *nrec: the
 * shards it has. */
int merge_find(struct store *out, const char *options, unsigned count,
	       int64_t *scan_id, struct merge_rec *recs, unsigned *nrec);

/* A shard against what the merged scan recorded of its index. */
void merge_classify(struct merge_src *m, const struct merge_rec *r);

/* Whether to add to the merged scan, make a new one (*scan_id 0) or
 * rebuild it (*rebuild): marks the shards to write SRC_NEW. 0 or
 * STORE_MERGE_REFUSED with the message in out. */
int merge_decide(struct store *out, struct merge_src *srcs, size_t n,
		 int64_t *scan_id, const struct merge_rec *recs, int *rebuild);

/* Frees what a shard's record holds. */
void merge_src_clear(struct merge_src *m);

/* Attaches a private temporary database ("stage") to out's connection
 * and creates the gathering tables in it. */
int merge_stage_open(struct store *out);

/* Copies the rows scan_id owns in the shard file at path (opened
 * read-only through a file: URI, never written) into the stage, tagged
 * with the shard's index. Outside any transaction on the main file. */
int merge_stage_shard(struct store *out, const char *path, unsigned shard,
		      int64_t scan_id);

/* Inside the caller's write transaction: the staged rows into scan_id of
 * the main file, ids remapped, certificates and endpoints once by their
 * key, probes and DNS answers of the same facts folded into one (also
 * with those scan_id has already). *probes, *folded: the probes written
 * and those folded into another; *targets: the targets written. */
int merge_stage_write(struct store *out, int64_t scan_id, int64_t *targets,
		      int64_t *probes, int64_t *folded);

/* Detaches the stage (its file goes with it). */
void merge_stage_close(struct store *out);

#endif
