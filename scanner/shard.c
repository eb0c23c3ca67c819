/* shard.c: which rows of a targets file one shard scans (fedcert scan
 * --shard I/N), and the --shard value itself.
 *
 * There is no coordinator: each of N processes reads the whole file and
 * keeps the rows whose key hashes to its index, so the scheduler's index
 * (Kubernetes' JOB_COMPLETION_INDEX, Slurm's SLURM_ARRAY_TASK_ID) is all a
 * shard needs. The key is the row's organisational domain, so that every
 * row of one partner (FED, SIP, SIPINT, and DIR rows naming its hosts)
 * lands in one shard and its lookups and probes are made once; DIR rows
 * naming a hosted pool's hosts group with the pool's domain. The hash is
 * FNV-1a 64, fixed: a shard file written by one fedcert is merged with
 * shards written by another.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "common/fedcert_limits.h"
#include "common/hex.h"
#include "scanner/scanner.h"

/* Second-level labels that registries use under a two-letter country
 * TLD (co.uk, com.au, ac.jp, gov.br, ...): under them the organisation is
 * one label further in. A short list, not the public suffix list: the
 * key only needs to keep one partner's rows together, and a rare miss
 * costs a repeated probe, not a wrong report. */
static const char *const shard_sld[] = {
	"ac", "co", "com", "edu", "gob", "gouv", "gov", "govt", "gv", "ltd",
	"mil", "ne", "net", "nhs", "nom", "or", "org", "plc", "sch",
};

/* The special-use TLDs of RFC 6761 and RFC 2606 have no registry, so no
 * organisational domain: a lab (the benchmark fleet lives under
 * fleet.test) is keyed as though its second level were a registry. */
static const char *const shard_lab_tld[] = {
	"example", "invalid", "localhost", "test",
};

static int label_in(const char *label, size_t len, const char *const *set,
		    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(set[i]) == len && memcmp(set[i], label, len) == 0)
			return 1;
	return 0;
}

static int is_ip_literal(const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, s, buf) == 1 ||
	       inet_pton(AF_INET6, s, buf) == 1;
}

int shard_key(const char *domain, char *key, size_t keylen)
{
	char name[FC_DNS_NAME_MAX + 3];
	size_t len, i, n = 0, keep = 2;
	size_t dots[FC_DNS_NAME_MAX + 1]; /* positions of the dots */
	const char *start;

	len = strlen(domain);
	if (len >= 2 && domain[0] == '[' && domain[len - 1] == ']') {
		domain++;
		len -= 2;
	}
	if (len >= sizeof(name))
		return -1;
	for (i = 0; i < len; i++)
		name[i] = (char)(domain[i] >= 'A' && domain[i] <= 'Z' ?
				 domain[i] - 'A' + 'a' : domain[i]);
	name[len] = '\0';
	while (len > 0 && name[len - 1] == '.')
		name[--len] = '\0';
	if (!is_ip_literal(name)) {
		for (i = 0; i < len; i++)
			if (name[i] == '.')
				dots[n++] = i;
		/* n dots: n + 1 labels; the TLD after dots[n-1], the second
		 * level between dots[n-2] and dots[n-1]. */
		if (n >= 2) {
			const char *tld = name + dots[n - 1] + 1;
			const char *sld = name + dots[n - 2] + 1;
			size_t sld_len = dots[n - 1] - dots[n - 2] - 1;

			if ((strlen(tld) == 2 &&
			     label_in(sld, sld_len, shard_sld,
				      sizeof(shard_sld) / sizeof(shard_sld[0]))) ||
			    label_in(tld, strlen(tld), shard_lab_tld,
				     sizeof(shard_lab_tld) /
					     sizeof(shard_lab_tld[0])))
				keep = 3;
		}
		start = n >= keep ? name + dots[n - keep] + 1 : name;
	} else {
		start = name;
	}
	if (strlen(start) >= keylen)
		return -1;
	memcpy(key, start, strlen(start) + 1);
	return 0;
}

uint64_t shard_hash(const char *key)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a 64 offset basis */

	for (; *key; key++) {
		h ^= (unsigned char)*key;
		h *= 0x100000001b3ULL; /* FNV 64 prime */
	}
	return h;
}

unsigned shard_of(const char *domain, unsigned count)
{
	char key[FC_DNS_NAME_MAX + 3];

	if (count <= 1)
		return 0;
	/* A name too long to be a domain is a bad row, which shard 0
	 * records; the scanner never asks for it. */
	if (shard_key(domain, key, sizeof(key)) != 0)
		return 0;
	return (unsigned)(shard_hash(key) % count);
}

/* A decimal number of digits only, up to max. */
static int shard_number(const char *s, size_t len, unsigned long max,
			unsigned long *out)
{
	unsigned long v = 0;
	size_t i;

	if (len == 0 || len > 10)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > max)
		return 0;
	*out = v;
	return 1;
}

int shard_parse(const char *spec, shard_getenv_fn *get, struct scan_shard *out,
		char *err, size_t errlen)
{
	static const char *const vars[] = {
		"JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID",
	};
	const char *slash = strchr(spec, '/'), *var = NULL, *v = NULL;
	unsigned long n, i;
	size_t k;

	if (slash == NULL ||
	    !shard_number(slash + 1, strlen(slash + 1), FC_SHARDS_MAX, &n) ||
	    n < 1) {
		snprintf(err, errlen, "--shard takes I/N or auto/N (N from 1"
			 " to %d, I from 0 to N-1), not \"%s\"", FC_SHARDS_MAX,
			 spec);
		return -1;
	}
	if ((size_t)(slash - spec) == 4 && memcmp(spec, "auto", 4) == 0) {
		for (k = 0; k < sizeof(vars) / sizeof(vars[0]) && v == NULL; k++)
			if ((v = get(vars[k])) != NULL)
				var = vars[k];
		if (v == NULL) {
			snprintf(err, errlen, "--shard %s: neither"
				 " JOB_COMPLETION_INDEX (a Kubernetes Indexed"
				 " Job) nor SLURM_ARRAY_TASK_ID (a Slurm job"
				 " array) is set", spec);
			return -1;
		}
		if (!shard_number(v, strlen(v), n - 1, &i)) {
			snprintf(err, errlen, "--shard %s: %s is \"%.64s\","
				 " not an index from 0 to %lu", spec, var, v,
				 n - 1);
			return -1;
		}
	} else if (!shard_number(spec, (size_t)(slash - spec), n - 1, &i)) {
		snprintf(err, errlen, "--shard %s: the index must be a number"
			 " from 0 to %lu (or auto)", spec, n - 1);
		return -1;
	}
	out->index = (unsigned)i;
	out->count = (unsigned)n;
	return 0;
}

int shard_file_sha256(const char *path, char hex[65], char *err,
		      size_t errlen)
{
	unsigned char buf[FC_CSV_READ_CHUNK], md[EVP_MAX_MD_SIZE];
	EVP_MD_CTX *ctx = NULL;
	unsigned int mdlen = 0;
	FILE *fp = NULL;
	size_t got;
	int rc = -1;

	if ((fp = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		snprintf(err, errlen, "%s: cannot digest (out of memory)", path);
		goto out;
	}
	while ((got = fread(buf, 1, sizeof(buf), fp)) > 0)
		EVP_DigestUpdate(ctx, buf, got);
	if (ferror(fp)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != 32) {
		snprintf(err, errlen, "%s: cannot digest", path);
		goto out;
	}
	hex_encode(md, mdlen, hex, 0);
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	if (fp)
		fclose(fp);
	return rc;
}
