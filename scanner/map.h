/* map.h: a string-keyed hash map, private to scanner/.
 *
 * Used to do work once per scan: one lookup per host name, one probe per
 * endpoint. Keys are copied and owned by the map; values are borrowed and
 * freed by the caller (map_destroy takes a function for that).
 */
#ifndef FEDCERT_SCANNER_MAP_H
#define FEDCERT_SCANNER_MAP_H

#include <stddef.h>

struct map_entry;

struct map {
	struct map_entry **buckets;
	size_t nbuckets; /* a power of two */
	size_t count;
};

void map_init(struct map *m);

/* The value stored under key, or NULL. */
void *map_get(const struct map *m, const char *key);

/* Stores value under key (which must not be present yet). 0, or -1 when out
 * of memory. */
int map_put(struct map *m, const char *key, void *value);

/* map_put, answering the map's own copy of the key (alive until
 * map_destroy), so that a value can borrow its name instead of keeping a
 * second copy; NULL when out of memory. */
const char *map_put_key(struct map *m, const char *key, void *value);

/* Frees the map, calling free_value (if not NULL) on every value. */
void map_destroy(struct map *m, void (*free_value)(void *));

#endif
