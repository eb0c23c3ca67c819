/* map.c: separate chaining, doubled when the load factor passes 1. */
#include "map.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAP_INITIAL_BUCKETS 64

struct map_entry {
	struct map_entry *next;
	void *value;
	uint64_t hash;
	char key[]; /* owned, NUL-terminated */
};

/* FNV-1a: keys are short host names and endpoint strings. */
static uint64_t map_hash(const char *key)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *key; key++) {
		h ^= (unsigned char)*key;
		h *= 1099511628211ULL;
	}
	return h;
}

void map_init(struct map *m)
{
	m->buckets = NULL;
	m->nbuckets = 0;
	m->count = 0;
}

void *map_get(const struct map *m, const char *key)
{
	uint64_t h;
	struct map_entry *e;

	if (m->nbuckets == 0)
		return NULL;
	h = map_hash(key);
	for (e = m->buckets[h & (m->nbuckets - 1)]; e; e = e->next)
		if (e->hash == h && strcmp(e->key, key) == 0)
			return e->value;
	return NULL;
}

static int map_grow(struct map *m)
{
	size_t n = m->nbuckets ? m->nbuckets * 2 : MAP_INITIAL_BUCKETS;
	struct map_entry **b = calloc(n, sizeof(*b));
	size_t i;

	if (b == NULL)
		return -1;
	for (i = 0; i < m->nbuckets; i++) {
		struct map_entry *e = m->buckets[i], *next;

		for (; e; e = next) {
			next = e->next;
			e->next = b[e->hash & (n - 1)];
			b[e->hash & (n - 1)] = e;
		}
	}
	free(m->buckets);
	m->buckets = b;
	m->nbuckets = n;
	return 0;
}

const char *map_put_key(struct map *m, const char *key, void *value)
{
	size_t len = strlen(key);
	struct map_entry *e;

	if (m->count >= m->nbuckets && map_grow(m) != 0)
		return NULL;
	e = malloc(sizeof(*e) + len + 1);
	if (e == NULL)
		return NULL;
	memcpy(e->key, key, len + 1);
	e->value = value;
	e->hash = map_hash(key);
	e->next = m->buckets[e->hash & (m->nbuckets - 1)];
	m->buckets[e->hash & (m->nbuckets - 1)] = e;
	m->count++;
	return e->key;
}

int map_put(struct map *m, const char *key, void *value)
{
	return map_put_key(m, key, value) ? 0 : -1;
}

void map_destroy(struct map *m, void (*free_value)(void *))
{
	size_t i;

	for (i = 0; i < m->nbuckets; i++) {
		struct map_entry *e = m->buckets[i], *next;

		for (; e; e = next) {
			next = e->next;
			if (free_value)
				free_value(e->value);
			free(e);
		}
	}
	free(m->buckets);
	map_init(m);
}
