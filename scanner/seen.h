/* seen.h: what a scan let go of, as fingerprints, private to scanner/.
 *
 * A lookup or an endpoint whose work is done leaves the scan's memory
 * (map.h, map_trim); its facts stay in the database. When a later row
 * names it again, the scan must find them there instead of asking or
 * probing again, and must not ask the database about every name it has
 * never met. So each key let go is added here: a Bloom filter that grows
 * in layers, each twice the size of the one before, each sized for a
 * false positive rate of 1% (so at most 1% per layer: 5% over the five
 * layers of a million keys; a false positive costs one lookup in the
 * database that finds nothing). 10 bits per key: 1.25 MB per million keys
 * when the last layer is full, up to 2.5 MB when it has just begun (a
 * million keys: 2.5 MB). No false negative: a key added is always
 * found.
 */
#ifndef FEDCERT_SCANNER_SEEN_H
#define FEDCERT_SCANNER_SEEN_H

#include <stddef.h>
#include <stdint.h>

/* Bits per key and hashes per key for a 1% false positive rate:
 * m/n = -ln(0.01) / ln(2)^2 = 9.59, k = (m/n) ln 2 = 6.6. */
#define SEEN_BITS_PER_KEY 10
#define SEEN_HASHES 7
#define SEEN_FIRST_LAYER 65536 /* keys */
#define SEEN_LAYERS_MAX 32

struct seen_layer {
	uint64_t *bits;
	uint64_t nbits;
	size_t capacity, count; /* keys */
};

struct seen {
	struct seen_layer layers[SEEN_LAYERS_MAX];
	size_t nlayers;
	size_t count; /* keys added */
};

void seen_init(struct seen *f);
void seen_free(struct seen *f);

/* Adds a key (its kind, so that one filter serves several maps: an
 * endpoint and a host of the same spelling differ). 0, or -1 when out of
 * memory (the key is then not added: the caller must keep it). */
int seen_add(struct seen *f, int kind, const char *key);

/* 0: the key was never added. 1: it may have been. */
int seen_maybe(const struct seen *f, int kind, const char *key);

/* Bytes the filter holds. */
size_t seen_bytes(const struct seen *f);

#endif
