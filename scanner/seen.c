/* seen.c: a Bloom filter in growing layers (seen.h). Each key's
 * SEEN_HASHES bit positions come from two 64-bit hashes of it (the double
 * hashing of Kirsch and Mitzenmacher: h1 + i * h2), so a key is hashed
 * twice whatever the number of layers. */
#include "seen.h"

#include <stdlib.h>
#include <string.h>

#include "map.h"

void seen_init(struct seen *f)
{
	memset(f, 0, sizeof(*f));
}

void seen_free(struct seen *f)
{
	size_t i;

	for (i = 0; i < f->nlayers; i++)
		free(f->layers[i].bits);
	seen_init(f);
}

/* The two hashes of (kind, key): FNV-1a of the key, and a second one from
 * it through a 64-bit finalizer (splitmix64's), made odd so that the
 * positions h1 + i * h2 do not repeat. */
static void seen_hashes(int kind, const char *key, uint64_t *h1, uint64_t *h2)
{
	uint64_t z = map_hash(key) ^ ((uint64_t)(unsigned)kind * 0x9e3779b97f4a7c15ULL);

	*h1 = z;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	*h2 = (z ^ (z >> 31)) | 1;
}

static int seen_grow(struct seen *f)
{
	struct seen_layer *l;
	size_t cap;

	if (f->nlayers == SEEN_LAYERS_MAX)
		return -1;
	cap = f->nlayers ? f->layers[f->nlayers - 1].capacity * 2 :
			   SEEN_FIRST_LAYER;
	l = &f->layers[f->nlayers];
	l->nbits = (uint64_t)cap * SEEN_BITS_PER_KEY;
	l->bits = calloc((size_t)(l->nbits + 63) / 64, sizeof(uint64_t));
	if (l->bits == NULL)
		return -1;
	l->capacity = cap;
	l->count = 0;
	f->nlayers++;
	return 0;
}

int seen_add(struct seen *f, int kind, const char *key)
{
	struct seen_layer *l;
	uint64_t h1, h2, bit;
	int i;

	if ((f->nlayers == 0 ||
	     f->layers[f->nlayers - 1].count >= f->layers[f->nlayers - 1].capacity) &&
	    seen_grow(f) != 0)
		return -1;
	l = &f->layers[f->nlayers - 1];
	seen_hashes(kind, key, &h1, &h2);
	for (i = 0; i < SEEN_HASHES; i++) {
		bit = (h1 + (uint64_t)i * h2) % l->nbits;
		l->bits[bit / 64] |= 1ULL << (bit % 64);
	}
	l->count++;
	f->count++;
	return 0;
}

int seen_maybe(const struct seen *f, int kind, const char *key)
{
	uint64_t h1, h2, bit;
	size_t n;
	int i;

	if (f->nlayers == 0)
		return 0;
	seen_hashes(kind, key, &h1, &h2);
	for (n = 0; n < f->nlayers; n++) {
		const struct seen_layer *l = &f->layers[n];

		for (i = 0; i < SEEN_HASHES; i++) {
			bit = (h1 + (uint64_t)i * h2) % l->nbits;
			if (!(l->bits[bit / 64] & (1ULL << (bit % 64))))
				break;
		}
		if (i == SEEN_HASHES)
			return 1;
	}
	return 0;
}

size_t seen_bytes(const struct seen *f)
{
	size_t n, bytes = 0;

	for (n = 0; n < f->nlayers; n++)
		bytes += (size_t)(f->layers[n].nbits + 63) / 64 * sizeof(uint64_t);
	return bytes;
}
