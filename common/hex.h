/* hex.h: bytes as hexadecimal text, the one encoder of fingerprints and
 * thumbprints. */
#ifndef FEDCERT_HEX_H
#define FEDCERT_HEX_H

#include <stddef.h>

/* Writes 2 * n hex digits and a NUL to out (lowercase, or uppercase when
 * upper): out has room for 2 * n + 1 bytes. */
void hex_encode(const unsigned char *bytes, size_t n, char *out, int upper);

/* The thumbprint as Windows shows it: the stored lowercase SHA-1 (40 hex
 * digits) in uppercase, into out (41 bytes). NULL or short input gives
 * what there is ("" for NULL). */
#define HEX_SHA1_MAX 41
void hex_thumbprint(const char *sha1, char out[HEX_SHA1_MAX]);

#endif
