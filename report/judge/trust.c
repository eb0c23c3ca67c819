/* trust.c: the trust store a chain is judged against (--ca-file,
 * --ca-path, or the system's), loaded once per command by whoever
 * orchestrates it. An unreadable file or directory is an error naming it:
 * judging against a store that silently holds nothing would call every
 * chain untrusted.
 */
#include "report/judge/findings.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

/* OpenSSL's reason for the last failure, or a fallback. */
static const char *trust_ssl_reason(void)
{
	unsigned long e = ERR_peek_last_error();
	const char *r = e != 0 ? ERR_reason_error_string(e) : NULL;

	return r != NULL ? r : "no certificate could be read";
}

/* Adds the hashed directory path to st. It is read lazily, at each
 * lookup: check now that it is a directory. */
static int trust_load_path(X509_STORE *st, const char *path, char *err,
			    size_t errlen)
{
	struct stat sb;

	if (stat(path, &sb) != 0) {
		snprintf(err, errlen, "reading the trust store %s: %s", path,
			 strerror(errno));
		return -1;
	}
	if (!S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "reading the trust store %s: not a "
			 "directory", path);
		return -1;
	}
	if (X509_STORE_load_path(st, path) != 1) {
		snprintf(err, errlen, "reading the trust store %s: %s", path,
			 trust_ssl_reason());
		return -1;
	}
	return 0;
}

int judge_load_trust(const char *ca_file, const char *ca_path,
		      int system_default, X509_STORE **out, char *err,
		      size_t errlen)
{
	X509_STORE *st = NULL;

	*out = NULL;
	if (ca_file == NULL && ca_path == NULL && !system_default)
		return 0;
	ERR_clear_error();
	st = X509_STORE_new();
	if (st == NULL) {
		snprintf(err, errlen, "loading the trust store: out of memory");
		return -1;
	}
	if (ca_file == NULL && ca_path == NULL &&
	    X509_STORE_set_default_paths(st) != 1) {
		snprintf(err, errlen, "reading the system's trust store: %s",
			 trust_ssl_reason());
		goto fail;
	}
	if (ca_file != NULL && X509_STORE_load_file(st, ca_file) != 1) {
		snprintf(err, errlen, "reading the trust store %s: %s",
			 ca_file, trust_ssl_reason());
		goto fail;
	}
	if (ca_path != NULL && trust_load_path(st, ca_path, err, errlen) < 0)
		goto fail;
	*out = st;
	return 0;
fail:
	X509_STORE_free(st);
	ERR_clear_error();
	return -1;
}
