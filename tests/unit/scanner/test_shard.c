/* test_shard.c: which shard a row goes to (shard.c): the key (a row's
 * organisational domain), its hash (FNV-1a 64, fixed across versions:
 * shards written by one fedcert are merged by another), and --shard's
 * value, I/N and auto/N from the scheduler's variables. No scan runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/fedcert_limits.h"
#include "scanner/scanner.h"

static void check_key(const char *domain, const char *want)
{
	char key[FC_DNS_NAME_MAX + 3];

	if (shard_key(domain, key, sizeof(key)) != 0)
		fail_msg("no key for \"%s\"", domain);
	if (strcmp(key, want) != 0)
		fail_msg("key of \"%s\": \"%s\", not \"%s\"", domain, key, want);
}

static void test_key_org_domain(void **state)
{
	(void)state;
	check_key("contoso.com", "contoso.com");
	check_key("sip.contoso.com", "contoso.com");
	check_key("sipfed.contoso.com", "contoso.com");
	check_key("SIP.Contoso.COM.", "contoso.com");
	check_key("a.b.c.contoso.com", "contoso.com");
	check_key("sipfed.online.lync.com", "lync.com");
	check_key("com", "com");
	check_key("localhost", "localhost");
	check_key("", "");
}

static void test_key_country_second_level(void **state)
{
	(void)state;
	check_key("fabrikam.co.uk", "fabrikam.co.uk");
	check_key("sip.fabrikam.co.uk", "fabrikam.co.uk");
	check_key("sip.uni.ac.jp", "uni.ac.jp");
	check_key("edge.agency.gov.au", "agency.gov.au");
	check_key("sip.example.com.br", "example.com.br");
	check_key("co.uk", "co.uk");
	/* a second level of a three-letter TLD is an organisation */
	check_key("sip.co.com", "co.com");
	/* not a registry's label under a country TLD */
	check_key("sip.fabrikam.de", "fabrikam.de");
	check_key("sip.contoso.fr", "contoso.fr");
}

static void test_key_lab_tld(void **state)
{
	(void)state;
	check_key("partner00042.fleet.test", "partner00042.fleet.test");
	check_key("sipfed.hosted-a.fleet.test", "hosted-a.fleet.test");
	check_key("sip.cloud-c.fleet.test", "cloud-c.fleet.test");
	check_key("fleet.test", "fleet.test");
	check_key("a.b.example", "a.b.example");
}

static void test_key_ip_literal(void **state)
{
	(void)state;
	check_key("192.0.2.10", "192.0.2.10");
	check_key("2001:db8::1", "2001:db8::1");
	check_key("[2001:db8::1]", "2001:db8::1");
	/* not an address: a name of digits */
	check_key("10.example.com", "example.com");
}

static void test_key_too_long(void **state)
{
	char small[8];

	(void)state;
	assert_int_equal(shard_key("contoso.com", small, sizeof(small)), -1);
}

/* The published FNV-1a 64 values, and the shard of a few keys: these
 * numbers are a contract between fedcert versions. */
static void test_hash_fixed(void **state)
{
	(void)state;
	assert_true(shard_hash("") == 0xcbf29ce484222325ULL);
	assert_true(shard_hash("a") == 0xaf63dc4c8601ec8cULL);
	assert_true(shard_hash("foobar") == 0x85944171f73967e8ULL);
	assert_int_equal(shard_of("contoso.com", 1), 0);
	assert_int_equal(shard_of("contoso.com", 0), 0);
	assert_int_equal(shard_of("sip.contoso.com", 4),
			 shard_hash("contoso.com") % 4);
	assert_int_equal(shard_of("sipfed.online.lync.com", 7),
			 shard_of("lync.com", 7));
}

/* One partner's rows together; many partners spread over the shards. */
static void test_spread(void **state)
{
	unsigned count[4] = { 0 };
	char name[64];
	int i;

	(void)state;
	for (i = 0; i < 4000; i++) {
		snprintf(name, sizeof(name), "sip.partner%05d.com", i);
		assert_int_equal(shard_of(name, 4),
				 shard_of(name + strlen("sip."), 4));
		count[shard_of(name, 4)]++;
	}
	for (i = 0; i < 4; i++)
		if (count[i] < 800 || count[i] > 1200)
			fail_msg("shard %d of 4 has %u of 4000 partners", i,
				 count[i]);
}

/* ---- --shard ---- */

static const char *env_job, *env_slurm;

static const char *fake_getenv(const char *name)
{
	if (strcmp(name, "JOB_COMPLETION_INDEX") == 0)
		return env_job;
	if (strcmp(name, "SLURM_ARRAY_TASK_ID") == 0)
		return env_slurm;
	return NULL;
}

static void check_parse(const char *spec, unsigned index, unsigned count)
{
	struct scan_shard sh = { 99, 99 };
	char err[256];

	if (shard_parse(spec, fake_getenv, &sh, err, sizeof(err)) != 0)
		fail_msg("--shard %s refused: %s", spec, err);
	if (sh.index != index || sh.count != count)
		fail_msg("--shard %s: %u/%u, not %u/%u", spec, sh.index,
			 sh.count, index, count);
}

static void check_refused(const char *spec, const char *says)
{
	struct scan_shard sh = { 0, 0 };
	char err[256];

	if (shard_parse(spec, fake_getenv, &sh, err, sizeof(err)) == 0)
		fail_msg("--shard \"%s\" accepted", spec);
	if (strstr(err, says) == NULL)
		fail_msg("--shard \"%s\": \"%s\" does not say \"%s\"", spec, err,
			 says);
}

static void test_parse_index(void **state)
{
	(void)state;
	env_job = env_slurm = NULL;
	check_parse("0/1", 0, 1);
	check_parse("0/4", 0, 4);
	check_parse("3/4", 3, 4);
	check_parse("4095/4096", 4095, 4096);
	check_parse("007/8", 7, 8);
	check_refused("4/4", "from 0 to 3");
	check_refused("0/0", "N from 1 to 4096");
	check_refused("0/4097", "N from 1 to 4096");
	check_refused("1", "I/N or auto/N");
	check_refused("", "I/N or auto/N");
	check_refused("-1/4", "from 0 to 3");
	check_refused("1/4x", "I/N or auto/N");
	check_refused("a/4", "from 0 to 3");
	check_refused("/4", "from 0 to 3");
	check_refused("1/", "I/N or auto/N");
	check_refused("99999999999/4", "from 0 to 3");
	check_refused("AUTO/4", "from 0 to 3");
}

static void test_parse_auto(void **state)
{
	(void)state;
	env_job = "2";
	env_slurm = NULL;
	check_parse("auto/4", 2, 4);
	/* Kubernetes' variable first */
	env_slurm = "1";
	check_parse("auto/4", 2, 4);
	env_job = NULL;
	check_parse("auto/4", 1, 4);
	env_slurm = "0";
	check_parse("auto/1", 0, 1);
	env_slurm = NULL;
	check_refused("auto/4", "neither JOB_COMPLETION_INDEX");
	env_job = "4";
	check_refused("auto/4", "JOB_COMPLETION_INDEX is \"4\", not an index from 0 to 3");
	env_job = "";
	check_refused("auto/4", "JOB_COMPLETION_INDEX is \"\"");
	env_job = "x1";
	check_refused("auto/4", "JOB_COMPLETION_INDEX is \"x1\"");
	env_job = NULL;
	env_slurm = "-1";
	check_refused("auto/4", "SLURM_ARRAY_TASK_ID is \"-1\"");
	env_slurm = "1 ";
	check_refused("auto/4", "SLURM_ARRAY_TASK_ID is \"1 \"");
	env_slurm = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_org_domain),
		cmocka_unit_test(test_key_country_second_level),
		cmocka_unit_test(test_key_lab_tld),
		cmocka_unit_test(test_key_ip_literal),
		cmocka_unit_test(test_key_too_long),
		cmocka_unit_test(test_hash_fixed),
		cmocka_unit_test(test_spread),
		cmocka_unit_test(test_parse_index),
		cmocka_unit_test(test_parse_auto),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
