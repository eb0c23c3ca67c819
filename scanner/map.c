/* map.c: separate chaining, doubled when the load factor passes 1; the
 * retired entries on a doubly linked list, least recently used first. */
#include "map.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAP_INITIAL_BUCKETS 64

struct map_entry {
	struct map_entry *next;
	/* On m->done_head's list when retired; both NULL and retired 0
	 * otherwise. */
	struct map_entry *done_prev, *done_next;
	void *value;
	uint64_t hash;
	int retired;
	char key[]; /* owned, NUL-terminated */
};

/* FNV-1a: keys are short host names and endpoint strings. */
uint64_t map_hash(const char *key)
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
	memset(m, 0, sizeof(*m));
}

static struct map_entry *map_find(const struct map *m, const char *key)
{
	uint64_t h;
	struct map_entry *e;

	if (m->nbuckets == 0)
		return NULL;
	h = map_hash(key);
	for (e = m->buckets[h & (m->nbuckets - 1)]; e; e = e->next)
		if (e->hash == h && strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

static void done_unlink(struct map *m, struct map_entry *e)
{
	if (e->done_prev)
		e->done_prev->done_next = e->done_next;
	else
		m->done_head = e->done_next;
	if (e->done_next)
		e->done_next->done_prev = e->done_prev;
	else
		m->done_tail = e->done_prev;
	e->done_prev = e->done_next = NULL;
}

static void done_append(struct map *m, struct map_entry *e)
{
	e->done_prev = m->done_tail;
	e->done_next = NULL;
	if (m->done_tail)
		m->done_tail->done_next = e;
	else
		m->done_head = e;
	m->done_tail = e;
}

void *map_get(struct map *m, const char *key)
{
	struct map_entry *e = map_find(m, key);

	if (e == NULL)
		return NULL;
	if (e->retired && e != m->done_tail) {
		done_unlink(m, e);
		done_append(m, e);
	}
	return e->value;
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
	e = calloc(1, sizeof(*e) + len + 1);
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

void map_retire(struct map *m, const char *key)
{
	struct map_entry *e = map_find(m, key);

	if (e == NULL || e->retired)
		return;
	e->retired = 1;
	done_append(m, e);
	m->ndone++;
}

/* Takes e out of its bucket's chain. The buckets are not shrunk: their
 * array is 8 bytes per entry at the most the map ever held. */
static void map_unchain(struct map *m, struct map_entry *e)
{
	struct map_entry **p = &m->buckets[e->hash & (m->nbuckets - 1)];

	while (*p != e)
		p = &(*p)->next;
	*p = e->next;
	m->count--;
}

size_t map_trim(struct map *m, size_t keep,
		int (*release)(void *value, const char *key, void *arg),
		void *arg)
{
	size_t gone = 0;

	while (m->ndone > keep) {
		struct map_entry *e = m->done_head;

		if (release(e->value, e->key, arg) != 0)
			break;
		done_unlink(m, e);
		m->ndone--;
		map_unchain(m, e);
		free(e);
		gone++;
	}
	return gone;
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
