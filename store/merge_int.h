/* merge_int.h: private to store/merge.c and store/merge_copy.c: how the
 * rows of the shard files are gathered (merge_copy.c) before one
 * transaction writes them into the merged scan.
 */
#ifndef FEDCERT_STORE_MERGE_INT_H
#define FEDCERT_STORE_MERGE_INT_H

#include <stdint.h>

#include "store/store_int.h"

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
