/* keys.c: the key cache, and the parallel generation of what it lacks.
 *
 * RSA-2048 key generation costs about 120 ms here, against 0.02 ms for
 * P-256: a 10,000-domain fleet needs some 1,600 RSA keys, minutes on one
 * core. Keys are therefore cached by (type, index) and the missing ones are
 * made by forked workers, one per core; each writes to a temporary name and
 * renames, so an interrupted run never leaves half a key behind.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "gen.h"

#define GEN_JOBS_MAX 64

EVP_PKEY *gen_key_new(const char *kind)
{
	if (strcmp(kind, "ec256") == 0)
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	if (strcmp(kind, "ec384") == 0)
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	if (strcmp(kind, "rsa2048") == 0)
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	if (strcmp(kind, "rsa1024") == 0)
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	return NULL;
}

/* Writes under a temporary name, then renames: readers see all or nothing. */
static int pem_write_atomic(const char *path, EVP_PKEY *key, X509 *cert)
{
	char tmp[GEN_PATH_MAX + 32];
	FILE *f = NULL;
	int rc = -1;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	f = fopen(tmp, "w");
	if (f == NULL)
		goto out;
	if (key && !PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL))
		goto out;
	if (cert && !PEM_write_X509(f, cert))
		goto out;
	if (fclose(f) != 0) {
		f = NULL;
		goto out;
	}
	f = NULL;
	rc = rename(tmp, path) == 0 ? 0 : -1;
out:
	if (f)
		fclose(f);
	if (rc != 0) {
		fprintf(stderr, "fleet-gen: cannot write %s: %s\n", path, strerror(errno));
		unlink(tmp);
	}
	return rc;
}

int gen_write_key(const char *path, EVP_PKEY *key)
{
	return pem_write_atomic(path, key, NULL);
}

int gen_write_cert(const char *path, X509 *cert)
{
	return pem_write_atomic(path, NULL, cert);
}

/* mkdir_one DIR: DIR made, or already a directory; 0, or -1 with errno. */
static int mkdir_one(const char *dir)
{
	struct stat st;
	int err;

	if (mkdir(dir, 0755) == 0)
		return 0;
	err = errno;
	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	errno = err == EEXIST ? ENOTDIR : err;
	return -1;
}

/* As mkdir -p: a fresh machine has no ~/.cache, so the cache's parents are
 * made too. Each missing component is made in turn, from the root down. */
int gen_mkdir(const char *path)
{
	char dir[GEN_PATH_MAX];
	size_t len = strlen(path), i;

	if (len == 0 || len >= sizeof(dir)) {
		fprintf(stderr, "fleet-gen: bad directory name: \"%s\"\n", path);
		return -1;
	}
	memcpy(dir, path, len + 1);
	for (i = 1; i <= len; i++) {
		if ((dir[i] != '/' && dir[i] != '\0') || dir[i - 1] == '/')
			continue;
		dir[i] = '\0';
		if (mkdir_one(dir) != 0) {
			fprintf(stderr, "fleet-gen: cannot create %s: %s\n", dir,
				strerror(errno));
			return -1;
		}
		dir[i] = path[i];
	}
	return 0;
}

/* One worker: every jobs-th missing key, starting at its own number. */
static int keys_worker(const struct gen_plan *p, const int *missing, int n,
		       int first, int jobs)
{
	int i;

	for (i = first; i < n; i += jobs) {
		const struct gen_cert *c = &p->certs[missing[i]];
		EVP_PKEY *k = gen_key_new(gen_key_name(c->key));
		int rc = k ? gen_write_key(c->key_path, k) : -1;

		EVP_PKEY_free(k);
		if (rc != 0)
			return 1;
	}
	return 0;
}

static int keys_fork(const struct gen_plan *p, const int *missing, int n)
{
	pid_t pids[GEN_JOBS_MAX];
	int jobs = p->opt.jobs, started = 0, failed = 0, i, status;

	if (jobs < 1)
		jobs = 1;
	if (jobs > GEN_JOBS_MAX)
		jobs = GEN_JOBS_MAX;
	if (jobs > n)
		jobs = n;
	fflush(NULL);
	for (i = 0; i < jobs; i++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(keys_worker(p, missing, n, i, jobs));
		if (pid < 0) {
			failed = 1;
			break;
		}
		pids[started++] = pid;
	}
	for (i = 0; i < started; i++)
		if (waitpid(pids[i], &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			failed = 1;
	return failed ? -1 : 0;
}

/* Names every leaf's key file and makes those not yet in the cache. */
int gen_keys_make(struct gen_plan *p)
{
	int *missing = malloc(sizeof(*missing) * (size_t)(p->n_certs + 1));
	int n = 0, i, rc = -1;
	char dir[GEN_PATH_MAX];

	if (missing == NULL)
		goto out;
	snprintf(dir, sizeof(dir), "%s/keys", p->opt.cache_dir);
	if (gen_mkdir(dir) != 0)
		goto out;
	for (i = 0; i < p->n_certs; i++) {
		struct gen_cert *c = &p->certs[i];

		if (snprintf(c->key_path, sizeof(c->key_path), "%s/%s-%05d.pem", dir,
			     gen_key_name(c->key), c->key_index) >= (int)sizeof(c->key_path)) {
			fprintf(stderr, "fleet-gen: cache path too long: %s\n", dir);
			goto out;
		}
		if (access(c->key_path, R_OK) != 0)
			missing[n++] = i;
	}
	rc = 0;
	if (n > 0) {
		fprintf(stderr, "fleet-gen: generating %d keys with %d processes\n",
			n, p->opt.jobs < n ? p->opt.jobs : n);
		rc = keys_fork(p, missing, n);
		if (rc != 0)
			fprintf(stderr, "fleet-gen: key generation failed\n");
	}
out:
	free(missing);
	return rc;
}
