/* map.h: a string-keyed hash map, private to scanner/.
 *
 * Used to do work once per scan: one lookup per host name, one probe per
 * endpoint. Keys are copied and owned by the map; values are borrowed and
 * freed by the caller (map_destroy and map_trim take a function for that).
 *
 * A value whose work is done may be retired: it stays in the map, found as
 * before, on a list of the done in the order they were last used. map_trim
 * then lets the least recently used go, so that a scan keeps in memory what
 * is in flight and the done it meets most, not everything it ever did.
 */
#ifndef FEDCERT_SCANNER_MAP_H
#define FEDCERT_SCANNER_MAP_H

#include <stddef.h>
#include <stdint.h>

struct map_entry;

struct map {
	struct map_entry **buckets;
	size_t nbuckets; /* a power of two */
	size_t count;
	/* The retired entries, least recently used first. */
	struct map_entry *done_head, *done_tail;
	size_t ndone;
};

void map_init(struct map *m);

/* The value stored under key, or NULL. A retired entry found is marked
 * used: the last that map_trim lets go. */
void *map_get(struct map *m, const char *key);

/* Stores value under key (which must not be present yet). 0, or -1 when out
 * of memory. */
int map_put(struct map *m, const char *key, void *value);

/* map_put, answering the map's own copy of the key (alive until the entry
 * goes), so that a value can borrow its name instead of keeping a second
 * copy; NULL when out of memory. */
const char *map_put_key(struct map *m, const char *key, void *value);

/* The work of the value under key is done: it may be let go by map_trim.
 * Retiring an entry twice, or a key not present, does nothing. */
void map_retire(struct map *m, const char *key);

/* Lets the least recently used retired entries go while more than keep
 * are retired: each is handed to release (its value, its key, arg), which
 * frees the value and answers 0; or answers 1 to keep it, which ends the
 * trim (it stays the least recently used). The entry is removed after
 * release returns. Answers how many went. */
size_t map_trim(struct map *m, size_t keep,
		int (*release)(void *value, const char *key, void *arg),
		void *arg);

/* The hash map_get uses for key (FNV-1a, 64 bits): stable, for a
 * fingerprint of a key that went (seen.h). */
uint64_t map_hash(const char *key);

/* Frees the map, calling free_value (if not NULL) on every value. */
void map_destroy(struct map *m, void (*free_value)(void *));

#endif
