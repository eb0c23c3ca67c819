/* hex.c: hexadecimal text (hex.h). */
#include "hex.h"

#include <ctype.h>

void hex_encode(const unsigned char *bytes, size_t n, char *out, int upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 0x0f];
	}
	out[2 * n] = '\0';
}

void hex_thumbprint(const char *sha1, char out[HEX_SHA1_MAX])
{
	size_t i = 0;

	for (; sha1 != NULL && i < HEX_SHA1_MAX - 1 && sha1[i] != '\0'; i++)
		out[i] = (char)toupper((unsigned char)sha1[i]);
	out[i] = '\0';
}
