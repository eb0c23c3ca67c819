/* test_profiles.c: --profile sfb|teams-dr|rfc5922 on certificates made
 * with support/findings.h's test PKI: which names count (wildcards, a
 * sip: URI SAN before the DNS names, the CN as a fallback, suffixes), which
 * name is checked (the SIP domain under rfc5922 when SRV led to the
 * endpoint), an endpoint judged once per SIP domain under rfc5922, and
 * srv_target_outside_domain: said under sfb only, and on a known hosting
 * provider's federation pool an info naming the provider and what to
 * configure on our Edge. The name matching itself, as a table, is in
 * test_names.c.
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

#define SFB REPORT_PROFILE_SFB
#define TEAMS REPORT_PROFILE_TEAMS_DR
#define RFC REPORT_PROFILE_RFC5922
#define SRV_NAME "_sipfederationtls._tcp.contoso.com"

/* The leaf made again with this CN and these SANs (NULL-terminated lists,
 * NULL: none). */
static void leaf(struct tf_pki *k, const char *cn, const char *const *dns,
		 const char *const *uri)
{
	size_t i;

	k->leaf_spec = tf_leaf_spec(k);
	k->leaf_spec.cn = cn;
	for (i = 0; i < TCERT_SANS_MAX; i++) {
		k->leaf_spec.dns[i] = dns != NULL ? dns[i] : NULL;
		if (dns != NULL && dns[i] == NULL)
			dns = NULL;
	}
	for (i = 0; i < TCERT_SANS_MAX; i++) {
		k->leaf_spec.uri[i] = uri != NULL ? uri[i] : NULL;
		if (uri != NULL && uri[i] == NULL)
			uri = NULL;
	}
	tf_pki_reissue(k);
}

/* Judges k's leaf as an endpoint of domain reached as sip.contoso.com:
 * through an SRV record of a FED target (srv), or directly (a DIR
 * target of sip.contoso.com). */
static void judge(struct tf_pki *k, const char *domain, int srv,
		  enum report_profile profile, struct finding_list *l)
{
	X509 *certs[2] = { k->leaf, k->inter };
	struct store_target_row t;
	struct tf_probe p;

	tf_probe_init(&p, certs, 2);
	if (srv) {
		p.row.srv_name = SRV_NAME;
		p.row.srv_priority = 0;
		p.row.srv_weight = 100;
	}
	t = tf_target(srv ? "FED" : "DIR", srv ? domain : "sip.contoso.com",
		      &p.row, 1);
	tf_judge_profile(&t, NULL, profile, l);
	tf_probe_free(&p);
}

/* The one name finding of judging k's leaf, its id and message. */
static const struct finding *name_finding(const struct finding_list *l)
{
	size_t i;

	for (i = 0; i < l->count; i++)
		if (strncmp(l->items[i].def->id, "name_", 5) == 0 ||
		    strcmp(l->items[i].def->id, "wildcard_name") == 0)
			return &l->items[i];
	fail_msg("no name finding");
	return NULL;
}

static void assert_name(struct tf_pki *k, const char *domain, int srv,
			enum report_profile profile, const char *id,
			enum finding_severity sev, const char *says)
{
	struct finding_list l;
	const struct finding *f;

	judge(k, domain, srv, profile, &l);
	f = name_finding(&l);
	if (strcmp(f->def->id, id) != 0 || f->severity != sev ||
	    (says != NULL && strstr(f->message, says) == NULL))
		fail_msg("--profile %s: %s (%s) \"%s\", wanted %s (%s) with "
			 "\"%s\"", report_profile_name(profile), f->def->id,
			 finding_severity_name(f->severity), f->message, id,
			 finding_severity_name(sev), says ? says : "");
	finding_list_free(&l);
}

/* ---- Wildcards ----------------------------------------------------------- */

/* *.contoso.com for sip.contoso.com: the Access Edge refuses a wildcard
 * (a warning), Direct Routing accepts it (RFC 2818), RFC 5922 matches
 * none (7.2). */
static void test_wildcard(void **state)
{
	static const char *const dns[] = { "*.contoso.com", NULL };
	struct tf_pki *k = *state;

	leaf(k, "Contoso Edge", dns, NULL);
	assert_name(k, NULL, 0, SFB, "wildcard_name", SEVERITY_WARNING,
		    "sip.contoso.com is matched only by the wildcard "
		    "*.contoso.com in the SAN list");
	assert_name(k, NULL, 0, TEAMS, "name_match", SEVERITY_INFO,
		    "sip.contoso.com is matched by the wildcard *.contoso.com, "
		    "which Direct Routing accepts (RFC 2818)");
	assert_name(k, NULL, 0, RFC, "name_mismatch", SEVERITY_ERROR,
		    "RFC 5922 matches no wildcard and no suffix "
		    "(*.contoso.com)");
	/* A wildcard CN without any SAN: the same three verdicts. */
	leaf(k, "*.contoso.com", NULL, NULL);
	assert_name(k, NULL, 0, SFB, "wildcard_name", SEVERITY_WARNING,
		    "wildcard Common Name *.contoso.com");
	assert_name(k, NULL, 0, TEAMS, "name_match", SEVERITY_INFO,
		    "wildcard Common Name *.contoso.com, which Direct Routing");
	assert_name(k, NULL, 0, RFC, "name_mismatch", SEVERITY_ERROR,
		    "no wildcard and no suffix (*.contoso.com)");
	tf_reset_leaf(k);
}

/* ---- sip: URI SANs first (rfc5922) ------------------------------------- */

static void test_sip_uri_first(void **state)
{
	static const char *const dns[] = { "sip.contoso.com", NULL };
	static const char *const ours[] = { "sip:contoso.com", NULL };
	static const char *const other[] = { "sip:fabrikam.com", NULL };
	static const char *const dns2[] = { "contoso.com", "sip.contoso.com",
					    NULL };
	static const char *const user[] = { "sip:alice@contoso.com",
					    "https://contoso.com/", NULL };
	struct tf_pki *k = *state;

	/* The SIP domain in a sip: URI: rfc5922 finds it there; sfb and
	 * teams-dr read the DNS names, which carry the name reached. */
	leaf(k, "sip.contoso.com", dns, ours);
	assert_name(k, "contoso.com", 1, RFC, "name_match", SEVERITY_INFO,
		    "SIP domain contoso.com is in the SAN list as "
		    "sip:contoso.com");
	assert_name(k, "contoso.com", 1, SFB, "name_match", SEVERITY_INFO,
		    "FQDN is in SAN list (sip.contoso.com)");
	assert_name(k, "contoso.com", 1, TEAMS, "name_match", SEVERITY_INFO,
		    "FQDN is in SAN list (sip.contoso.com)");
	/* A sip: URI of another domain: the DNS names are not read, even
	 * the one that names the domain. */
	leaf(k, "contoso.com", dns2, other);
	assert_name(k, "contoso.com", 1, RFC, "name_mismatch", SEVERITY_ERROR,
		    "SIP domain contoso.com (reached as sip.contoso.com) is "
		    "not the SIP domain of any sip: URI in the SAN list (URIs: "
		    "sip:fabrikam.com), which RFC 5922 reads before any DNS "
		    "name");
	assert_name(k, "contoso.com", 1, SFB, "name_match", SEVERITY_INFO,
		    "FQDN is in SAN list (sip.contoso.com)");
	/* A sip: URI with a user part names a user, not a domain, and an
	 * https: URI nothing: the DNS names are read. */
	leaf(k, NULL, dns2, user);
	assert_name(k, "contoso.com", 1, RFC, "name_match", SEVERITY_INFO,
		    "SIP domain is in SAN list (contoso.com)");
	tf_reset_leaf(k);
}

/* ---- Which name: the SIP domain under rfc5922 ------------------------- */

/* The SRV target on the certificate, not the domain: fine for sfb and
 * teams-dr, which check the name reached; rfc5922 checks the domain
 * (the SRV answer is not secured) and matches no suffix. Reached
 * directly (DIR), rfc5922 checks the name reached, and a parent domain on
 * the certificate does not stand for it. */
static void test_domain_and_suffix(void **state)
{
	static const char *const srv_only[] = { "sip.contoso.com", NULL };
	static const char *const parent[] = { "contoso.com", NULL };
	struct tf_pki *k = *state;

	leaf(k, "sip.contoso.com", srv_only, NULL);
	assert_name(k, "contoso.com", 1, SFB, "name_match", SEVERITY_INFO,
		    "FQDN is in SAN list (sip.contoso.com)");
	assert_name(k, "contoso.com", 1, RFC, "name_mismatch", SEVERITY_ERROR,
		    "SIP domain contoso.com (reached as sip.contoso.com) is "
		    "not in the SAN list (DNS names: sip.contoso.com); RFC "
		    "5922 matches no wildcard and no suffix (sip.contoso.com)");
	assert_name(k, NULL, 0, RFC, "name_match", SEVERITY_INFO,
		    "FQDN is in SAN list (sip.contoso.com)");
	leaf(k, NULL, parent, NULL);
	assert_name(k, NULL, 0, RFC, "name_mismatch", SEVERITY_ERROR,
		    "sip.contoso.com is not in the SAN list (DNS names: "
		    "contoso.com); RFC 5922 matches no wildcard and no suffix "
		    "(contoso.com)");
	assert_name(k, NULL, 0, SFB, "name_mismatch", SEVERITY_ERROR,
		    "sip.contoso.com is not in the SAN list (DNS names: "
		    "contoso.com)");
	assert_name(k, "contoso.com", 1, RFC, "name_match", SEVERITY_INFO,
		    "SIP domain is in SAN list (contoso.com)");
	tf_reset_leaf(k);
}

/* ---- The CN ------------------------------------------------------------- */

static void test_common_name(void **state)
{
	static const char *const other[] = { "other.contoso.com", NULL };
	static const char *const srv_only[] = { "sip.contoso.com", NULL };
	struct tf_pki *k = *state;

	/* Direct Routing takes the FQDN in the CN beside other SANs; RFC
	 * 6125 and RFC 5922 read the CN only without a DNS name. */
	leaf(k, "sip.contoso.com", other, NULL);
	assert_name(k, NULL, 0, TEAMS, "name_match", SEVERITY_INFO,
		    "Common Name match found (sip.contoso.com); Direct "
		    "Routing accepts the FQDN in the Common Name");
	assert_name(k, NULL, 0, SFB, "name_mismatch", SEVERITY_ERROR,
		    "sip.contoso.com is not in the SAN list (DNS names: "
		    "other.contoso.com)");
	assert_name(k, NULL, 0, RFC, "name_mismatch", SEVERITY_ERROR, NULL);
	/* Neither there: teams-dr names both. */
	leaf(k, "edge.contoso.com", other, NULL);
	assert_name(k, NULL, 0, TEAMS, "name_mismatch", SEVERITY_ERROR,
		    "sip.contoso.com is not in the SAN list (DNS names: "
		    "other.contoso.com) nor the Common Name "
		    "\"edge.contoso.com\"");
	/* The CN only: the domain in it (rfc5922), the name reached (sfb). */
	leaf(k, "contoso.com", NULL, NULL);
	assert_name(k, "contoso.com", 1, RFC, "name_match", SEVERITY_INFO,
		    "Common Name match found (contoso.com); the certificate "
		    "has no sip: URI or SAN DNS name");
	assert_name(k, "contoso.com", 1, SFB, "name_mismatch", SEVERITY_ERROR,
		    "sip.contoso.com does not match the Common Name "
		    "\"contoso.com\" and the certificate has no SAN DNS name");
	/* A DNS name present: the CN is not read by rfc5922. */
	leaf(k, "contoso.com", srv_only, NULL);
	assert_name(k, "contoso.com", 1, RFC, "name_mismatch", SEVERITY_ERROR,
		    "(DNS names: sip.contoso.com)");
	tf_reset_leaf(k);
}

/* ---- One endpoint, two SIP domains ------------------------------------- */

/* a and b say the same, in the same order. */
static void assert_same_list(const struct finding_list *a,
			     const struct finding_list *b)
{
	size_t i;

	assert_int_equal(a->count, b->count);
	for (i = 0; i < a->count; i++) {
		assert_ptr_equal(a->items[i].def, b->items[i].def);
		assert_int_equal(a->items[i].severity, b->items[i].severity);
		assert_string_equal(a->items[i].message, b->items[i].message);
		assert_ptr_equal(a->items[i].probe, b->items[i].probe);
	}
}

/* A hosted pool reached by two partners is judged once per endpoint
 * (judge_memo), but under rfc5922 its name check depends on the SIP
 * domain: the second partner's verdict is its own, not the first's, and
 * each is what judging without the memo says, in the same order. */
static void test_memo_per_domain(void **state)
{
	static const char *const dns[] = { "contoso.com", NULL };
	struct tf_pki *k = *state;
	struct judge_options o = { .now = TF_NOW, .warn_days = 30,
				   .profile = RFC };
	X509 *certs[2];
	struct store_target_row t[2];
	struct finding_list l[2] = { { 0 }, { 0 } };
	struct tf_probe p;
	size_t i;

	leaf(k, NULL, dns, NULL);
	/* Findings on both sides of the name's in registry order. */
	k->leaf_spec.crl = NULL;
	k->leaf_spec.ocsp = NULL;
	k->leaf_spec.eku = "serverAuth";
	tf_pki_reissue(k);
	certs[0] = k->leaf;
	certs[1] = k->inter;
	tf_probe_init(&p, certs, 2);
	p.row.srv_name = SRV_NAME;
	t[0] = tf_target("FED", "contoso.com", &p.row, 1);
	t[1] = tf_target("FED", "fabrikam.com", &p.row, 1);
	o.memo = judge_memo_new();
	assert_non_null(o.memo);
	for (i = 0; i < 2; i++)
		assert_int_equal(findings_judge_target(&o, &t[i], &l[i]), 0);
	assert_string_equal(name_finding(&l[0])->def->id, "name_match");
	assert_string_equal(name_finding(&l[1])->def->id, "name_mismatch");
	tf_says(&l[1], "name_mismatch", "SIP domain fabrikam.com", NULL);
	/* Judged again: the memo answers each with its own. */
	for (i = 0; i < 2; i++) {
		finding_list_free(&l[i]);
		assert_int_equal(findings_judge_target(&o, &t[i], &l[i]), 0);
	}
	assert_string_equal(name_finding(&l[0])->def->id, "name_match");
	assert_string_equal(name_finding(&l[1])->def->id, "name_mismatch");
	for (i = 0; i < 2; i++) {
		struct judge_options plain = o;
		struct finding_list alone = { 0 };

		plain.memo = NULL;
		assert_int_equal(findings_judge_target(&plain, &t[i], &alone), 0);
		assert_same_list(&l[i], &alone);
		finding_list_free(&alone);
		finding_list_free(&l[i]);
	}
	judge_memo_free(o.memo);
	tf_probe_free(&p);
	tf_reset_leaf(k);
}

/* ---- srv_target_outside_domain ----------------------------------------- */

static struct store_dns_record_row srv_rec(const char *target)
{
	struct store_dns_record_row r = { .priority = 0, .weight = 100,
					  .port = 5061,
					  .target = (char *)target, .ttl = -1 };
	return r;
}

/* A FED target of contoso.com whose SRV answer lists these targets, with
 * no probe, judged by profile. */
static void judge_srv(struct store_dns_record_row *r, size_t n,
		      enum report_profile profile, struct finding_list *l)
{
	struct store_dns_answer_row a = {
		.name = SRV_NAME, .type = "SRV", .rcode = "NOERROR",
		.source = "dns", .count = n, .records = r,
	};
	struct store_target_row t = tf_target("FED", "contoso.com", NULL, 0);

	t.dns = &a;
	t.dns_count = 1;
	tf_judge_profile(&t, NULL, profile, l);
}

static void test_hosted_pools(void **state)
{
	struct store_dns_record_row r[5] = {
		srv_rec("sipfed.online.lync.com."),
		srv_rec("SIPFED.online.gov.skypeforbusiness.us"),
		srv_rec("sipfed.online.lync.de"),
		srv_rec("edge.hosted.example"),
		srv_rec("sipfed.online.lync.com.example") };
	struct finding_list l;
	(void)state;

	judge_srv(r, 5, SFB, &l);
	tf_assert_ids(&l, "srv_target_outside_domain srv_target_outside_domain "
		      "srv_target_outside_domain srv_target_outside_domain "
		      "srv_target_outside_domain");
	/* Microsoft 365: the provider and the configuration, at info. */
	assert_int_equal(l.items[0].severity, SEVERITY_INFO);
	assert_string_equal(l.items[0].message,
		"SRV target sipfed.online.lync.com. is the federation pool of "
		"Microsoft 365 (worldwide), hosting contoso.com: our Edge "
		"reaches it when Microsoft 365 (worldwide) is a hosting "
		"provider there (Get-CsHostingProvider; if none has ProxyFqdn "
		"sipfed.online.lync.com: New-CsHostingProvider -Identity "
		"LyncOnline -ProxyFqdn \"sipfed.online.lync.com\" "
		"-VerificationLevel UseSourceVerification -Enabled $True "
		"-EnabledSharedAddressSpace $False -HostsOCSUsers $False "
		"-IsLocal $False)");
	assert_int_equal(l.items[1].severity, SEVERITY_INFO);
	assert_non_null(strstr(l.items[1].message, "Microsoft 365 GCC High"));
	assert_non_null(strstr(l.items[1].message, "-ProxyFqdn "
			       "\"sipfed.online.gov.skypeforbusiness.us\""));
	/* Closed in 2021: stale, a warning. */
	assert_int_equal(l.items[2].severity, SEVERITY_WARNING);
	assert_non_null(strstr(l.items[2].message, "closed in 2021"));
	/* Anyone else, and a name that only begins like Microsoft's: the
	 * bare warning. */
	assert_int_equal(l.items[3].severity, SEVERITY_WARNING);
	assert_string_equal(l.items[3].message, "SRV target "
			    "edge.hosted.example is not within contoso.com");
	assert_int_equal(l.items[4].severity, SEVERITY_WARNING);
	finding_list_free(&l);
	/* Direct Routing does not discover by SRV; RFC 5922 judges the
	 * domain on the certificate wherever the target is. */
	judge_srv(r, 5, TEAMS, &l);
	tf_assert_ids(&l, "not_probed");
	finding_list_free(&l);
	judge_srv(r, 5, RFC, &l);
	tf_assert_ids(&l, "not_probed");
	finding_list_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wildcard),
		cmocka_unit_test(test_sip_uri_first),
		cmocka_unit_test(test_domain_and_suffix),
		cmocka_unit_test(test_common_name),
		cmocka_unit_test(test_memo_per_domain),
		cmocka_unit_test(test_hosted_pools),
	};

	return cmocka_run_group_tests(tests, tf_setup, tf_teardown);
}
