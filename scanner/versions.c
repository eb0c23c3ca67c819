/* versions.c: the libraries the scanner runs on, for `fedcert --version`.
 * Each is asked at run time, so that the answer is the library actually
 * loaded, not the headers fedcert was built with; libcsv has no such call
 * and reports the version of its header.
 */
#include <stdio.h>

#include <ares.h>
#include <csv.h>
#include <openssl/crypto.h>
#include <uv.h>

#include "scanner.h"

void scan_print_versions(FILE *out)
{
	fprintf(out, "%s\n", OpenSSL_version(OPENSSL_VERSION));
	fprintf(out, "libuv %s\n", uv_version_string());
	fprintf(out, "c-ares %s\n", ares_version(NULL));
	fprintf(out, "libcsv %d.%d.%d (built with; the library does not say)\n",
		CSV_MAJOR, CSV_MINOR, CSV_RELEASE);
}
