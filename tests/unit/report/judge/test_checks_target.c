/* test_checks_target.c: the findings about a target as a whole
 * (its DNS answers: srv_missing, srv_not_available, dns_error,
 * host_unresolved, srv_target_outside_domain; its pools:
 * pool_inconsistent, pool_partial_failure), each triggered and not, and
 * the order of a target's findings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support/findings.h"

#define SRV "_sipfederationtls._tcp.contoso.com"

static struct store_dns_answer_row answer(const char *name, const char *type,
					  const char *rcode,
					  struct store_dns_record_row *r,
					  size_t n)
{
	struct store_dns_answer_row a = {
		.name = (char *)name, .type = (char *)type,
		.rcode = (char *)rcode, .source = "dns", .count = n,
		.records = r,
	};

	if (strcmp(rcode, "NOERROR") != 0 && strcmp(rcode, "NXDOMAIN") != 0)
		a.reason = "Server failure";
	return a;
}

static struct store_dns_record_row srv_rec(const char *target)
{
	struct store_dns_record_row r = { .priority = 0, .weight = 100,
					  .port = 5061,
					  .target = (char *)target, .ttl = -1 };
	return r;
}

static struct store_dns_record_row addr(const char *address)
{
	struct store_dns_record_row r = { .priority = -1, .weight = -1,
					  .port = -1,
					  .address = (char *)address,
					  .ttl = 300 };
	return r;
}

/* A FED target of contoso.com with answers and no probes. */
static void judge_dns(const char *type, struct store_dns_answer_row *a,
		      size_t n, const char *kind, struct finding_list *l)
{
	struct store_target_row t = tf_target(type, "contoso.com", NULL, 0);

	t.dns = a;
	t.dns_count = n;
	t.error_kind = (char *)kind;
	t.error_reason = kind ? "the scanner's reason" : NULL;
	tf_judge(&t, NULL, l);
}

/* ---- srv_missing, srv_not_available, dns_error on the SRV ------------- */

static void test_srv_missing(void **state)
{
	struct store_dns_answer_row a[1];
	struct finding_list l;

	(void)state;
	/* NXDOMAIN is srv_missing, not dns_error. */
	a[0] = answer(SRV, "SRV", "NXDOMAIN", NULL, 0);
	judge_dns("FED", a, 1, "dns_nxdomain", &l);
	tf_assert_ids(&l, "srv_missing");
	assert_null(l.items[0].probe);
	assert_int_equal(l.items[0].severity, SEVERITY_ERROR);
	assert_string_equal(l.items[0].message,
			    SRV " SRV: NXDOMAIN (the name does not exist)");
	finding_list_free(&l);
	a[0] = answer(SRV, "SRV", "NOERROR", NULL, 0);
	judge_dns("FED", a, 1, "srv_missing", &l);
	tf_assert_ids(&l, "srv_missing");
	assert_string_equal(l.items[0].message,
			    "no SRV record for " SRV " (NOERROR, no data)");
	finding_list_free(&l);
	/* Without the answer: the target's error kind. */
	judge_dns("SIP", NULL, 0, "srv_missing", &l);
	tf_assert_ids(&l, "srv_missing");
	assert_string_equal(l.items[0].message, "the scanner's reason");
	finding_list_free(&l);
}

static void test_srv_not_available(void **state)
{
	struct store_dns_record_row dot = srv_rec(".");
	struct store_dns_answer_row a = answer(SRV, "SRV", "NOERROR", &dot, 1);
	struct finding_list l;

	(void)state;
	judge_dns("FED", &a, 1, "srv_not_available", &l);
	tf_assert_ids(&l, "srv_not_available");
	assert_int_equal(l.items[0].severity, SEVERITY_WARNING);
	tf_says(&l, "srv_not_available", SRV, "\".\"", NULL);
	finding_list_free(&l);
	judge_dns("FED", NULL, 0, "srv_not_available", &l);
	tf_assert_ids(&l, "srv_not_available");
	finding_list_free(&l);
}

static void test_dns_error_srv(void **state)
{
	struct store_dns_answer_row a = answer(SRV, "SRV", "SERVFAIL", NULL, 0);
	struct finding_list l;

	(void)state;
	judge_dns("FED", &a, 1, "dns_servfail", &l);
	tf_assert_ids(&l, "dns_error");
	assert_string_equal(l.items[0].message,
			    SRV " SRV: SERVFAIL (Server failure)");
	finding_list_free(&l);
	a.rcode = "TIMEOUT";
	judge_dns("FED", &a, 1, "dns_timeout", &l);
	tf_assert_ids(&l, "dns_error");
	finding_list_free(&l);
	judge_dns("FED", NULL, 0, "dns_refused", &l);
	tf_assert_ids(&l, "dns_error");
	tf_says(&l, "dns_error", "dns_refused", "the scanner's reason", NULL);
	finding_list_free(&l);
}

/* ---- host_unresolved, dns_error on a host ------------------------------ */

static void test_host_unresolved(void **state)
{
	struct store_dns_record_row srv[2] = { srv_rec("sip.contoso.com"),
					       srv_rec("sip2.contoso.com") };
	struct store_dns_record_row v4 = addr("192.0.2.10");
	struct store_dns_answer_row a[5];
	struct finding_list l;

	(void)state;
	a[0] = answer(SRV, "SRV", "NOERROR", srv, 2);
	a[1] = answer("sip.contoso.com", "A", "NOERROR", &v4, 1);
	a[2] = answer("sip.contoso.com", "AAAA", "NOERROR", NULL, 0);
	a[3] = answer("sip2.contoso.com", "A", "NXDOMAIN", NULL, 0);
	a[4] = answer("sip2.contoso.com", "AAAA", "NOERROR", NULL, 0);
	judge_dns("FED", a, 5, NULL, &l);
	tf_assert_ids(&l, "host_unresolved");
	assert_string_equal(l.items[0].message,
			    "sip2.contoso.com has no address: A NXDOMAIN, "
			    "AAAA NOERROR (no data)");
	finding_list_free(&l);
	/* Not: both hosts have an address of one family. */
	a[4] = answer("sip2.contoso.com", "AAAA", "NOERROR", &v4, 1);
	judge_dns("FED", a, 5, NULL, &l);
	/* Nothing else to say of a target that has no probe: not_probed. */
	tf_assert_ids(&l, "not_probed");
	finding_list_free(&l);
}

static void test_dns_error_host(void **state)
{
	struct store_dns_record_row srv = srv_rec("sip.contoso.com");
	struct store_dns_record_row v6 = addr("2001:db8::10");
	struct store_dns_answer_row a[3];
	struct finding_list l;

	(void)state;
	a[0] = answer(SRV, "SRV", "NOERROR", &srv, 1);
	a[1] = answer("sip.contoso.com", "A", "SERVFAIL", NULL, 0);
	a[2] = answer("sip.contoso.com", "AAAA", "NOERROR", NULL, 0);
	judge_dns("FED", a, 3, NULL, &l);
	/* The failed lookup is the cause: dns_error, not host_unresolved. */
	tf_assert_ids(&l, "dns_error");
	assert_string_equal(l.items[0].message,
			    "sip.contoso.com has no address: A SERVFAIL "
			    "(Server failure), AAAA NOERROR (no data)");
	finding_list_free(&l);
	/* Not: the other family answered. */
	a[2] = answer("sip.contoso.com", "AAAA", "NOERROR", &v6, 1);
	judge_dns("FED", a, 3, NULL, &l);
	/* Nothing else to say of a target that has no probe: not_probed. */
	tf_assert_ids(&l, "not_probed");
	finding_list_free(&l);
}

static void test_dir_host(void **state)
{
	struct store_dns_answer_row a[2];
	struct finding_list l;

	(void)state;
	a[0] = answer("contoso.com", "A", "NXDOMAIN", NULL, 0);
	a[1] = answer("contoso.com", "AAAA", "NXDOMAIN", NULL, 0);
	judge_dns("DIR", a, 2, "dns_nxdomain", &l);
	tf_assert_ids(&l, "host_unresolved"); /* once, from the answers */
	finding_list_free(&l);
	judge_dns("DIR", NULL, 0, "dns_noaddress", &l);
	tf_assert_ids(&l, "host_unresolved");
	assert_string_equal(l.items[0].message,
			    "contoso.com has no address: the scanner's reason");
	finding_list_free(&l);
	judge_dns("DIR", NULL, 0, "dns_timeout", &l);
	tf_assert_ids(&l, "dns_error");
	finding_list_free(&l);
	/* Not: a DIR literal, which has no DNS at all. */
	judge_dns("DIR", NULL, 0, NULL, &l);
	/* Nothing else to say of a target that has no probe: not_probed. */
	tf_assert_ids(&l, "not_probed");
	finding_list_free(&l);
}

/* fedcert check HOST --type FED: a FED target reached at its host, no SRV
 * question asked. Its error kind is its host's: host_unresolved, never
 * srv_missing; without any answer the error kind still speaks of SRV. */
static void test_fed_host_direct(void **state)
{
	struct store_dns_answer_row a[2];
	struct finding_list l;

	(void)state;
	a[0] = answer("contoso.com", "A", "NXDOMAIN", NULL, 0);
	a[1] = answer("contoso.com", "AAAA", "NXDOMAIN", NULL, 0);
	judge_dns("FED", a, 2, "dns_nxdomain", &l);
	tf_assert_ids(&l, "host_unresolved");
	finding_list_free(&l);
	a[0] = answer("contoso.com", "A", "SERVFAIL", NULL, 0);
	a[1] = answer("contoso.com", "AAAA", "NOERROR", NULL, 0);
	judge_dns("SIP", a, 2, "dns_servfail", &l);
	tf_assert_ids(&l, "dns_error");
	tf_says(&l, "dns_error", "contoso.com has no address", NULL);
	finding_list_free(&l);
	/* A database of before the answers: the SRV lookup's kind. */
	judge_dns("FED", NULL, 0, "dns_nxdomain", &l);
	tf_assert_ids(&l, "srv_missing");
	finding_list_free(&l);
}

/* ---- srv_target_outside_domain ----------------------------------------- */

static void test_srv_target_outside_domain(void **state)
{
	struct store_dns_record_row srv[4] = {
		srv_rec("sip.contoso.com"), srv_rec("sip.hosted.net"),
		srv_rec("Contoso.com"), srv_rec("badcontoso.com") };
	struct store_dns_answer_row a = answer(SRV, "SRV", "NOERROR", srv, 4);
	struct finding_list l;

	(void)state;
	judge_dns("FED", &a, 1, NULL, &l);
	tf_assert_ids(&l, "srv_target_outside_domain srv_target_outside_domain");
	assert_int_equal(l.items[0].severity, SEVERITY_WARNING);
	assert_string_equal(l.items[0].message,
			    "SRV target sip.hosted.net is not within contoso.com");
	tf_says(&l, "srv_target_outside_domain", "sip.hosted.net", NULL);
	assert_non_null(strstr(l.items[1].message, "badcontoso.com"));
	finding_list_free(&l);
	/* Not for SIP or SIPINT lookups. */
	judge_dns("SIP", &a, 1, NULL, &l);
	/* Nothing else to say of a target that has no probe: not_probed. */
	tf_assert_ids(&l, "not_probed");
	finding_list_free(&l);
}

/* ---- Pools ------------------------------------------------------------- */

/* Three members of sip.contoso.com:5061; members 0 and 1 show the PKI's
 * leaf, member 2 shows other (or the same leaf when other is NULL). */
struct pool {
	struct tf_probe p[3];
	struct store_probe_row rows[3];
	struct store_target_row t;
};

static void pool_init(struct pool *pl, struct tf_pki *k, X509 *other)
{
	static const char *const addrs[] = { "192.0.2.10", "192.0.2.11",
					     "2001:db8::12" };
	size_t i;

	for (i = 0; i < 3; i++) {
		X509 *certs[2] = { i == 2 && other ? other : k->leaf, k->inter };

		tf_probe_init(&pl->p[i], certs, 2);
		pl->p[i].row.address = (char *)addrs[i];
		pl->p[i].row.srv_name = SRV;
		pl->p[i].row.srv_priority = 0;
		pl->p[i].row.srv_weight = 100;
		pl->rows[i] = pl->p[i].row;
	}
	pl->t = tf_target("FED", "contoso.com", pl->rows, 3);
}

static void pool_free(struct pool *pl)
{
	size_t i;

	for (i = 0; i < 3; i++)
		tf_probe_free(&pl->p[i]);
}

static void upper(const char *hex, char *out)
{
	size_t i;

	for (i = 0; hex[i]; i++)
		out[i] = (char)(hex[i] >= 'a' && hex[i] <= 'f' ? hex[i] - 32
							      : hex[i]);
	out[i] = '\0';
}

static void test_pool_inconsistent(void **state)
{
	struct tf_pki *k = *state;
	struct tcert_spec s = k->leaf_spec;
	X509 *old;
	struct pool pl;
	struct finding_list l;
	char a[41], b[41], want[512];

	/* A node renewed on its own: another serial, the same names, issuer
	 * and outcome. Said, at info level, naming what differs. */
	s.serial = 99;
	old = tcert_x509(&s);
	pool_init(&pl, k, old);
	tf_judge(&pl.t, NULL, &l);
	assert_int_equal(tf_count(&l, "pool_inconsistent"), 1);
	assert_null(tf_get(&l, "pool_inconsistent")->probe);
	assert_int_equal(tf_get(&l, "pool_inconsistent")->severity,
			 SEVERITY_INFO);
	upper(pl.p[0].chain[0].sha1, a);
	upper(pl.p[2].chain[0].sha1, b);
	snprintf(want, sizeof want,
		 "sip.contoso.com:5061 pool members present 2 different leaf "
		 "certificates, alike for partners (the same findings and "
		 "root); they differ in serial: %s (until %.10s) on "
		 "192.0.2.10, 192.0.2.11; %s (until %.10s) on 2001:db8::12",
		 a, pl.p[0].chain[0].not_after, b, pl.p[2].chain[0].not_after);
	assert_string_equal(tf_get(&l, "pool_inconsistent")->message, want);
	/* The target is then not WARN for it. */
	assert_int_equal(finding_list_worst(&l), SEVERITY_INFO);
	finding_list_free(&l);
	pool_free(&pl);
	/* Not: every member shows the same leaf. */
	pool_init(&pl, k, NULL);
	tf_judge(&pl.t, NULL, &l);
	assert_int_equal(tf_count(&l, "pool_inconsistent"), 0);
	finding_list_free(&l);
	/* The same host on another port in between is another pool; the
	 * two members on 5061 still differ. */
	pool_free(&pl);
	pool_init(&pl, k, old);
	pl.rows[1].port = 5062;
	tf_judge(&pl.t, NULL, &l);
	assert_int_equal(tf_count(&l, "pool_inconsistent"), 1);
	tf_says(&l, "pool_inconsistent", "on 192.0.2.10; ", "on 2001:db8::12",
		NULL);
	finding_list_free(&l);
	/* Not: another port is another pool. */
	pool_free(&pl);
	pool_init(&pl, k, old);
	pl.rows[2].port = 5062;
	tf_judge(&pl.t, NULL, &l);
	assert_int_equal(tf_count(&l, "pool_inconsistent"), 0);
	finding_list_free(&l);
	/* Not: different hosts are different pools. */
	pool_free(&pl);
	pool_init(&pl, k, old);
	pl.rows[2].via = "sip2.contoso.com";
	pl.rows[2].sni = "sip2.contoso.com";
	tf_judge(&pl.t, NULL, &l);
	assert_int_equal(tf_count(&l, "pool_inconsistent"), 0);
	finding_list_free(&l);
	pool_free(&pl);
	X509_free(old);
}

/* Members whose difference changes what a partner gets: a warning that
 * says what differs, on which members. One case per kind of difference;
 * member 2 shows the other leaf. */
static void judge_pool_with(struct tf_pki *k, const struct tcert_spec *s,
			    X509 *inter, struct finding_list *l)
{
	X509 *other = tcert_x509(s);
	struct pool pl;

	pool_init(&pl, k, other);
	if (inter != NULL) {
		tf_row_free(&pl.p[2].chain[1]);
		pl.p[2].chain[1] = tf_row(inter);
		pl.rows[2] = pl.p[2].row;
	}
	tf_judge(&pl.t, NULL, l);
	pool_free(&pl);
	X509_free(other);
}

static void says_pool_warning(const struct finding_list *l, const char *what)
{
	const struct finding *f = tf_get(l, "pool_inconsistent");

	assert_non_null(f);
	assert_int_equal(tf_count(l, "pool_inconsistent"), 1);
	assert_int_equal(f->severity, SEVERITY_WARNING);
	tf_says(l, "pool_inconsistent",
		"sip.contoso.com:5061 pool members present 2 different leaf "
		"certificates, and what a partner gets depends on the member "
		"it reaches: ", what, ". The leaves: ", " on 2001:db8::12",
		NULL);
}

static void test_pool_outcome(void **state)
{
	struct tf_pki *k = *state;
	struct tcert_spec s;
	struct finding_list l;

	/* One node expired. */
	s = k->leaf_spec;
	s.serial = 41;
	s.set_validity = 1;
	s.from_days = -400;
	s.to_days = -2;
	judge_pool_with(k, &s, NULL, &l);
	says_pool_warning(&l, "expired on 2001:db8::12 only");
	finding_list_free(&l);
	/* One node not renewed: inside the warning window while the others
	 * are not (the finding names its date). */
	s = k->leaf_spec;
	s.serial = 42;
	s.set_validity = 1;
	s.from_days = -300;
	s.to_days = 5;
	judge_pool_with(k, &s, NULL, &l);
	says_pool_warning(&l, "expires_soon on 2001:db8::12 only");
	finding_list_free(&l);
	/* The name the pool is reached by is covered on two members only. */
	s = k->leaf_spec;
	s.serial = 43;
	s.cn = "sip2.contoso.com";
	s.dns[0] = "sip2.contoso.com";
	judge_pool_with(k, &s, NULL, &l);
	says_pool_warning(&l, "name_mismatch on 2001:db8::12 only");
	finding_list_free(&l);
	/* An error finding of another kind: a weak key on one node. */
	{
		EVP_PKEY *weak = tcert_key("EC-P192");

		s = k->leaf_spec;
		s.serial = 44;
		s.key = weak;
		judge_pool_with(k, &s, NULL, &l);
		says_pool_warning(&l, "weak_key on 2001:db8::12 only");
		finding_list_free(&l);
		EVP_PKEY_free(weak);
	}
	/* Members that chain to different roots (another CA's intermediate,
	 * recorded as verified: no finding differs, the root does). */
	{
		EVP_PKEY *rk = tcert_key("EC"), *ik = tcert_key("EC");
		struct tcert_spec rs = { .cn = "Fabrikam Root", .ca = 1,
					 .key = rk };
		X509 *root = tcert_x509(&rs);
		struct tcert_spec is = { .cn = "Fabrikam Issuing CA", .ca = 1,
					 .key = ik, .issuer = root,
					 .issuer_key = rk, .serial = 5 };
		X509 *inter = tcert_x509(&is);

		s = k->leaf_spec;
		s.serial = 45;
		s.issuer = inter;
		s.issuer_key = ik;
		judge_pool_with(k, &s, inter, &l);
		says_pool_warning(&l, "they chain to different roots: "
				      "CN=Contoso Test Root");
		tf_says(&l, "pool_inconsistent",
			"on 192.0.2.10, 192.0.2.11; CN=Fabrikam Root on "
			"2001:db8::12. The leaves: ", NULL);
		finding_list_free(&l);
		X509_free(inter);
		X509_free(root);
		EVP_PKEY_free(ik);
		EVP_PKEY_free(rk);
	}
	/* Only a member that fails outright: pool_partial_failure says so,
	 * not pool_inconsistent. */
	{
		struct pool pl;

		pool_init(&pl, k, NULL);
		pl.rows[1].error_kind = "refused";
		pl.rows[1].error_reason = "connection refused";
		pl.rows[1].connect_ms = -1;
		pl.rows[1].chain_len = 0;
		tf_judge(&pl.t, NULL, &l);
		assert_int_equal(tf_count(&l, "pool_inconsistent"), 0);
		assert_int_equal(tf_count(&l, "pool_partial_failure"), 1);
		finding_list_free(&l);
		pool_free(&pl);
	}
}

/* Members that answer our SIP OPTIONS differently: pool_inconsistent,
 * naming the answers and the members; the same answer everywhere, or
 * OPTIONS not sent, is not. */
static void test_pool_sip_inconsistent(void **state)
{
	struct tf_pki *k = *state;
	struct store_sip_row ok = { .status = 200, .rtt_ms = 3 },
			     refused = { .status = 504, .rtt_ms = 3 },
			     silent = { .error = "timeout", .rtt_ms = -1 },
			     unsent = { .error = "not_sent", .rtt_ms = -1 };
	struct pool pl;
	struct finding_list l;

	pool_init(&pl, k, NULL);
	pl.rows[0].sip = &ok;
	pl.rows[1].sip = &refused;
	pl.rows[2].sip = &silent;
	tf_judge(&pl.t, NULL, &l);
	assert_int_equal(tf_count(&l, "pool_inconsistent"), 1);
	assert_string_equal(tf_get(&l, "pool_inconsistent")->message,
			    "sip.contoso.com:5061 pool members answer our SIP "
			    "OPTIONS differently: 200 on 192.0.2.10; 504 on "
			    "192.0.2.11; timeout on 2001:db8::12");
	finding_list_free(&l);
	/* Not: the same answer on every member. */
	pl.rows[1].sip = &ok;
	pl.rows[2].sip = &ok;
	tf_judge(&pl.t, NULL, &l);
	assert_int_equal(tf_count(&l, "pool_inconsistent"), 0);
	finding_list_free(&l);
	/* Not: one member was not asked (--sip-pace) */
	pl.rows[2].sip = &unsent;
	tf_judge(&pl.t, NULL, &l);
	assert_int_equal(tf_count(&l, "pool_inconsistent"), 0);
	finding_list_free(&l);
	pl.rows[0].sip = pl.rows[1].sip = pl.rows[2].sip = NULL;
	pool_free(&pl);
}

static void test_pool_partial_failure(void **state)
{
	struct tf_pki *k = *state;
	struct pool pl;
	struct finding_list l;
	size_t i;

	pool_init(&pl, k, NULL);
	pl.rows[1].error_kind = "refused";
	pl.rows[1].error_reason = "connection refused";
	pl.rows[1].connect_ms = -1;
	pl.rows[1].chain_len = 0;
	tf_judge(&pl.t, NULL, &l);
	assert_int_equal(tf_count(&l, "pool_partial_failure"), 1);
	assert_int_equal(tf_get(&l, "pool_partial_failure")->severity,
			 SEVERITY_ERROR);
	assert_string_equal(tf_get(&l, "pool_partial_failure")->message,
			    "sip.contoso.com:5061: 1 of 3 pool members fail: "
			    "192.0.2.11 (refused)");
	finding_list_free(&l);
	/* Not: all fail (that is each one's connect_failed), or none. */
	for (i = 0; i < 3; i++)
		pl.rows[i] = pl.rows[1];
	tf_judge(&pl.t, NULL, &l);
	assert_int_equal(tf_count(&l, "pool_partial_failure"), 0);
	assert_int_equal(tf_count(&l, "connect_failed"), 3);
	finding_list_free(&l);
	for (i = 0; i < 3; i++)
		pl.rows[i] = pl.p[i].row;
	tf_judge(&pl.t, NULL, &l);
	assert_int_equal(tf_count(&l, "pool_partial_failure"), 0);
	finding_list_free(&l);
	pool_free(&pl);
}

/* Two pools, each findings in the order of their first probe (not by
 * name): zz.contoso.com's probes come first here. */
static void test_pool_order(void **state)
{
	struct tf_pki *k = *state;
	struct tcert_spec s = k->leaf_spec;
	X509 *other;
	struct tf_probe p[4];
	struct store_probe_row rows[4];
	struct store_target_row t;
	struct finding_list l;
	size_t i;

	s.serial = 77;
	other = tcert_x509(&s);
	for (i = 0; i < 4; i++) {
		X509 *certs[2] = { i % 2 ? other : k->leaf, k->inter };

		tf_probe_init(&p[i], certs, 2);
		rows[i] = p[i].row;
		rows[i].via = rows[i].sni = i < 2 ? "zz.contoso.com"
						  : "aa.contoso.com";
	}
	rows[1].address = rows[3].address = "192.0.2.99";
	t = tf_target("SIP", "contoso.com", rows, 4);
	tf_judge(&t, NULL, &l);
	assert_int_equal(tf_count(&l, "pool_inconsistent"), 2);
	assert_non_null(strstr(l.items[l.count - 2].message,
			       "zz.contoso.com:5061 pool members present 2"));
	assert_non_null(strstr(l.items[l.count - 1].message,
			       "aa.contoso.com:5061 pool members present 2"));
	finding_list_free(&l);
	for (i = 0; i < 4; i++)
		tf_probe_free(&p[i]);
	X509_free(other);
}

/* ---- Order ------------------------------------------------------------- */

/* Per endpoint in probe order, each in registry order; then the target's,
 * in registry order, whatever order the checks ran in. */
/* ---- not_probed ------------------------------------------------------ */

static void test_not_probed(void **state)
{
	struct store_dns_record_row dot = srv_rec(".");
	struct store_dns_answer_row a = answer(SRV, "SRV", "NOERROR", &dot, 1);
	struct finding_list l;

	(void)state;
	/* Nothing learned at all (an interrupted scan): not_probed. */
	judge_dns("FED", NULL, 0, NULL, &l);
	tf_assert_ids(&l, "not_probed");
	assert_int_equal(l.items[0].severity, SEVERITY_WARNING);
	assert_null(l.items[0].probe);
	finding_list_free(&l);
	/* An unknown kind from an older scan: not_probed, naming it. */
	judge_dns("FED", NULL, 0, "srv_unsupported", &l);
	tf_assert_ids(&l, "not_probed");
	tf_says(&l, "not_probed", "srv_unsupported", NULL);
	finding_list_free(&l);
	/* A target that says why it has no probe is not "not probed". */
	judge_dns("FED", &a, 1, "srv_not_available", &l);
	tf_assert_ids(&l, "srv_not_available");
	finding_list_free(&l);
}

static void test_order(void **state)
{
	struct tf_pki *k = *state;
	struct store_dns_record_row srv = srv_rec("sip.hosted.net");
	struct store_dns_record_row v4[2] = { addr("192.0.2.10"),
					      addr("192.0.2.11") };
	struct store_dns_answer_row a[3];
	struct pool pl;
	struct finding_list l;

	k->leaf_spec.dns[0] = "lync.contoso.com";
	k->leaf_spec.set_validity = 1;
	k->leaf_spec.from_days = -100;
	k->leaf_spec.to_days = -1;
	tf_pki_reissue(k);
	pool_init(&pl, k, NULL);
	pl.t.probe_count = 2;
	pl.rows[0].tls_version = "TLSv1";
	pl.rows[0].via = pl.rows[0].sni = "sip.hosted.net";
	pl.rows[1] = pl.rows[0];
	pl.rows[1].address = "192.0.2.11";
	pl.rows[1].error_kind = "reset";
	pl.rows[1].error_reason = "connection reset by peer";
	pl.rows[1].chain_len = 0;
	pl.rows[1].tls_version = NULL;
	a[0] = answer(SRV, "SRV", "NOERROR", &srv, 1);
	a[1] = answer("sip.hosted.net", "A", "NOERROR", v4, 2);
	a[2] = answer("sip.hosted.net", "AAAA", "SERVFAIL", NULL, 0);
	pl.t.dns = a;
	pl.t.dns_count = 3;
	tf_judge(&pl.t, NULL, &l);
	tf_assert_ids(&l, "name_mismatch expired legacy_tls handshake_failed "
		       "srv_target_outside_domain pool_partial_failure");
	assert_ptr_equal(l.items[0].probe, &pl.t.probes[0]);
	assert_ptr_equal(l.items[2].probe, &pl.t.probes[0]);
	assert_ptr_equal(l.items[3].probe, &pl.t.probes[1]);
	assert_null(l.items[4].probe);
	assert_null(l.items[5].probe);
	assert_int_equal(finding_list_worst(&l), SEVERITY_ERROR);
	finding_list_free(&l);
	pool_free(&pl);
	k->leaf_spec = tf_leaf_spec(k);
	tf_pki_reissue(k);
}

/* A list that already holds findings is appended to. */
static void test_append(void **state)
{
	struct store_dns_answer_row a = answer(SRV, "SRV", "NXDOMAIN", NULL, 0);
	struct store_target_row t = tf_target("FED", "contoso.com", NULL, 0);
	struct judge_options o = { .now = TF_NOW, .warn_days = 30 };
	struct finding_list l = { 0 };

	(void)state;
	t.dns = &a;
	t.dns_count = 1;
	assert_int_equal(findings_judge_target(&o, &t, &l), 0);
	assert_int_equal(findings_judge_target(&o, &t, &l), 0);
	tf_assert_ids(&l, "srv_missing srv_missing");
	finding_list_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_srv_missing),
		cmocka_unit_test(test_srv_not_available),
		cmocka_unit_test(test_dns_error_srv),
		cmocka_unit_test(test_host_unresolved),
		cmocka_unit_test(test_dns_error_host),
		cmocka_unit_test(test_dir_host),
		cmocka_unit_test(test_fed_host_direct),
		cmocka_unit_test(test_srv_target_outside_domain),
		cmocka_unit_test(test_pool_inconsistent),
		cmocka_unit_test(test_pool_outcome),
		cmocka_unit_test(test_pool_sip_inconsistent),
		cmocka_unit_test(test_pool_partial_failure),
		cmocka_unit_test(test_pool_order),
		cmocka_unit_test(test_not_probed),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_append),
	};

	return cmocka_run_group_tests(tests, tf_setup, tf_teardown);
}
