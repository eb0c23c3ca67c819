/* test_checks_future.c: the trust events table (events.c: its form, each
 * error naming the line and the field, the built-in table) and the
 * findings of what is scheduled (checks_future.c): client_auth_lost_at_
 * renewal, chain_distrust_scheduled and issuer_expires_before_leaf, each
 * before, at and after its day, on support/findings.h's test PKI.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/utc.h"
#include "report/judge/events.h"
#include "support/findings.h"

#define DAY TCERT_DAY
#define HEADER "id,date,kind,program,match,value,what,keeps,source\n"

/* The day of TF_NOW + days, "2026-10-01". */
static const char *day_at(long days, char buf[UTC_TEXT_MAX])
{
	utc_format(TF_NOW + days * DAY, buf);
	buf[10] = '\0';
	return buf;
}

static void parse_ok(struct trust_events *t, const char *text)
{
	char err[256] = "";

	memset(t, 0, sizeof *t);
	if (trust_events_parse(t, "t.csv", text, strlen(text), err,
			       sizeof err) != 0)
		fail_msg("%s", err);
}

static void parse_fails(const char *text, const char *want)
{
	struct trust_events t = { 0 };
	char err[256] = "";

	assert_int_equal(trust_events_parse(&t, "t.csv", text, strlen(text),
					    err, sizeof err), -1);
	assert_string_equal(err, want);
	trust_events_free(&t);
}

/* ---- The table ------------------------------------------------------------ */

static void test_events_form(void **state)
{
	struct trust_events t;

	(void)state;
	parse_ok(&t, "# a comment\n#another\n\n" HEADER
		     "a,2027-03-01,client_auth_removed,ca,issuer_org,\"Contoso, "
		     "Test\",\"It ends, \"\"quoted\"\".\",,https://ca.example/a\r\n"
		     "b,2024-11-12,distrust_after,chrome,root_org,*,What.,keep,"
		     "http://ca.example/b");
	assert_int_equal(t.count, 2);
	assert_string_equal(t.items[0].id, "a");
	assert_string_equal(t.items[0].day, "2027-03-01");
	assert_int_equal(t.items[0].kind, TRUST_EVENT_CLIENT_AUTH_REMOVED);
	assert_int_equal(t.items[0].match, TRUST_MATCH_ISSUER_ORG);
	assert_string_equal(t.items[0].value, "Contoso, Test");
	assert_string_equal(t.items[0].what, "It ends, \"quoted\".");
	assert_string_equal(t.items[0].keeps, "");
	assert_int_equal(t.items[1].kind, TRUST_EVENT_DISTRUST_AFTER);
	assert_int_equal(t.items[1].program, TRUST_PROGRAM_CHROME);
	assert_int_equal(t.items[1].match, TRUST_MATCH_ROOT_ORG);
	{
		time_t d;

		assert_int_equal(utc_parse("2024-11-12T00:00:00Z", &d), 0);
		assert_true(t.items[1].date == d);
	}
	trust_events_free(&t);
}

static void test_events_errors(void **state)
{
	(void)state;
	parse_fails("", "t.csv: no header line "
			"(id,date,kind,program,match,value,what,keeps,source)");
	parse_fails("id,date\n", "t.csv:1: row: has 2 fields, not the 9 of "
				 "id,date,kind,program,match,value,what,keeps,"
				 "source");
	parse_fails("id,day,kind,program,match,value,what,keeps,source\n",
		    "t.csv:1: row: the header must be exactly id,date,kind,"
		    "program,match,value,what,keeps,source, not one that "
		    "starts \"id\"");
	parse_fails("# c\n" HEADER "a,2027-02-30,client_auth_removed,ca,issuer_org,"
		    "X,w,,https://x.example\n",
		    "t.csv:3: date: \"2027-02-30\" is not a day (YYYY-MM-DD)");
	parse_fails(HEADER "a,2027-02-01,expired,ca,issuer_org,X,w,,https://x\n",
		    "t.csv:2: kind: \"expired\" is not client_auth_removed, "
		    "distrust_after or root_removed");
	parse_fails(HEADER "a,2027-02-01,root_removed,bsi,root_name,X,w,,https://x\n",
		    "t.csv:2: program: \"bsi\" is not ca, microsoft, mozilla, "
		    "chrome or apple");
	parse_fails(HEADER "a,2027-02-01,root_removed,ca,issuer,X,w,,https://x\n",
		    "t.csv:2: match: \"issuer\" is not issuer_org, root_org or "
		    "root_name");
	parse_fails(HEADER "a,2027-02-01,root_removed,ca,root_name,*,w,,https://x\n",
		    "t.csv:2: value: \"*\" (any public CA) goes only with match "
		    "root_org");
	parse_fails(HEADER "a,2027-02-01,root_removed,ca,root_name,X,w,,ftp://x\n",
		    "t.csv:2: source: \"ftp://x\" is not an http(s) URL: every "
		    "event names the notice it comes from");
	parse_fails(HEADER "a,2027-02-01,root_removed,ca,root_name,X,,,https://x\n",
		    "t.csv:2: what: is empty");
	parse_fails(HEADER "a,2027-02-01,root_removed,ca,root_name,X,w,,https://x\n"
			   "a,2027-02-02,root_removed,ca,root_name,Y,w,,https://y\n",
		    "t.csv:3: id: \"a\" is already in the table");
	parse_fails(HEADER "a,2027-02-01,root_removed,ca,root_name,X,w,,https://x,9\n",
		    "t.csv:2: row: has more than 9 fields, not the 9 of "
		    "id,date,kind,program,match,value,what,keeps,source");
	/* A comment below the header is a row, and not one of 8 fields. */
	parse_fails(HEADER "# late\n",
		    "t.csv:2: row: has 1 fields, not the 9 of "
		    "id,date,kind,program,match,value,what,keeps,source");
	parse_fails(HEADER "a,2027-02-01,root_removed,ca,root_name,\"X,w,,h\n",
		    "t.csv:3: error parsing data while strict checking enabled");
}

/* The table built in: it parses, every row has a day, a kind and an
 * http(s) source, and the rows the issue of foresight names are there. */
static void test_events_builtin(void **state)
{
	struct trust_events *t = trust_events_default();
	size_t i, found = 0;

	(void)state;
	assert_non_null(t);
	assert_true(t->count >= 20);
	for (i = 0; i < t->count; i++) {
		assert_true(strncmp(t->items[i].source, "https://", 8) == 0);
		assert_true(t->items[i].date > 0);
		found += strcmp(t->items[i].id, "digicert-client-auth-end") == 0 ||
			 strcmp(t->items[i].id, "sectigo-client-auth-end") == 0 ||
			 strcmp(t->items[i].id, "letsencrypt-client-auth-end") == 0 ||
			 strcmp(t->items[i].id, "chrome-client-auth-end") == 0 ||
			 strcmp(t->items[i].id, "chrome-entrust-distrust") == 0;
	}
	assert_int_equal(found, 5);
	/* Read once for the process. */
	assert_ptr_equal(trust_events_default(), t);
}

/* ---- Judging -------------------------------------------------------------- */

/* Judges k's leaf and intermediate as a probe of a type target, at now,
 * with the table of text (NULL: none). */
static void judge(struct tf_pki *k, const char *type, const char *text,
		  long days, struct finding_list *l)
{
	X509 *certs[2] = { k->leaf, k->inter };
	struct trust_events t = { 0 };
	struct judge_options o = { .now = TF_NOW + days * DAY,
				   .warn_days = 30 };
	struct tf_probe p;
	struct store_target_row row;

	if (text != NULL) {
		parse_ok(&t, text);
		o.events = &t;
	}
	tf_probe_init(&p, certs, 2);
	row = tf_target(type, "sip.contoso.com", &p.row, 1);
	memset(l, 0, sizeof *l);
	assert_int_equal(findings_judge_target(&o, &row, l), 0);
	/* The findings point at the table's events: kept for the
	 * caller's look only through their messages. */
	for (size_t i = 0; i < l->count; i++)
		l->items[i].event = NULL;
	tf_probe_free(&p);
	trust_events_free(&t);
}

static char *table_of(const char *id, long days, const char *kind,
		      const char *program, const char *match, const char *value)
{
	static char buf[512];
	char d[UTC_TEXT_MAX];

	snprintf(buf, sizeof buf, HEADER "%s,%s,%s,%s,%s,\"%s\",The change.,"
		 "a client profile,https://ca.example/%s\n", id,
		 day_at(days, d), kind, program, match, value, id);
	return buf;
}

/* An event of Microsoft's root program (or the CA's own, for Client
 * Authentication): the one that binds Skype for Business and Teams. */
static char *table(const char *id, long days, const char *kind,
		   const char *match, const char *value)
{
	return table_of(id, days, kind,
			strcmp(kind, "client_auth_removed") == 0 ? "ca"
								 : "microsoft",
			match, value);
}

static void test_client_auth_lost(void **state)
{
	struct tf_pki *k = *state;
	struct finding_list l;
	char d[UTC_TEXT_MAX], na[UTC_TEXT_MAX];
	char *t = table("ca-end", 100, "client_auth_removed", "issuer_org",
			TF_ORG);
	const struct finding *f;

	/* The leaf (valid to day 190) renewed after day 100 loses it: a
	 * warning, on the day it expires. */
	judge(k, "FED", t, 0, &l);
	assert_int_equal(tf_count(&l, "client_auth_lost_at_renewal"), 1);
	f = tf_get(&l, "client_auth_lost_at_renewal");
	assert_int_equal(f->severity, SEVERITY_WARNING);
	assert_true(f->when == TF_NOW + 190 * DAY);
	day_at(100, d);
	day_at(190, na);
	tf_says(&l, "client_auth_lost_at_renewal",
		"the leaf (CN=sip.contoso.com", "carries Client Authentication",
		"renewed on or after ", d, " (it expires ", na,
		"The change. What to do: a certificate from a CA that keeps",
		"(this CA offers: a client profile)",
		"(trust event ca-end, ", "https://ca.example/ca-end)", NULL);
	finding_list_free(&l);
	/* On the day and after, still a warning while the renewal is far. */
	judge(k, "FED", t, 100, &l);
	assert_int_equal(tf_get(&l, "client_auth_lost_at_renewal")->severity,
			 SEVERITY_WARNING);
	tf_says(&l, "client_auth_lost_at_renewal", "its renewal, due by ", na,
		NULL);
	finding_list_free(&l);
	/* After the day with the renewal inside the warning window: an error
	 * for FED, a warning for others. */
	judge(k, "FED", t, 170, &l);
	assert_int_equal(tf_get(&l, "client_auth_lost_at_renewal")->severity,
			 SEVERITY_ERROR);
	finding_list_free(&l);
	judge(k, "SIP", t, 170, &l);
	assert_int_equal(tf_get(&l, "client_auth_lost_at_renewal")->severity,
			 SEVERITY_WARNING);
	finding_list_free(&l);
	/* Once expired, expired says it all. */
	judge(k, "FED", t, 191, &l);
	assert_int_equal(tf_count(&l, "client_auth_lost_at_renewal"), 0);
	assert_int_equal(tf_count(&l, "expired"), 1);
	finding_list_free(&l);
	/* An event after the leaf's expiry: its first renewal after it, on
	 * the event's day. */
	judge(k, "FED", table("late", 300, "client_auth_removed", "issuer_org",
			      TF_ORG), 0, &l);
	f = tf_get(&l, "client_auth_lost_at_renewal");
	assert_non_null(f);
	assert_true(f->when == TF_NOW + 300 * DAY - (TF_NOW % DAY));
	tf_says(&l, "client_auth_lost_at_renewal", "its first renewal on or "
		"after ", day_at(300, d), " comes without it", NULL);
	finding_list_free(&l);
	/* Not: another CA's event, no table. */
	judge(k, "FED", table("other", 100, "client_auth_removed",
			      "issuer_org", "Fabrikam"), 0, &l);
	assert_int_equal(tf_count(&l, "client_auth_lost_at_renewal"), 0);
	finding_list_free(&l);
	judge(k, "FED", NULL, 0, &l);
	assert_int_equal(tf_count(&l, "client_auth_lost_at_renewal"), 0);
	finding_list_free(&l);
	/* Not: a leaf without Client Authentication (no_client_auth_eku
	 * says what is wrong now). */
	k->leaf_spec.eku = "serverAuth";
	tf_pki_reissue(k);
	judge(k, "FED", t, 0, &l);
	assert_int_equal(tf_count(&l, "client_auth_lost_at_renewal"), 0);
	assert_int_equal(tf_count(&l, "no_client_auth_eku"), 1);
	finding_list_free(&l);
	tf_reset_leaf(k);
}

/* Two events concern one leaf (its CA's, and a later one by its root's
 * organisation): the earliest is said, once. */
static void test_client_auth_earliest(void **state)
{
	struct tf_pki *k = *state;
	struct finding_list l;
	char text[1024], d1[UTC_TEXT_MAX], d2[UTC_TEXT_MAX];

	snprintf(text, sizeof text, HEADER
		 "late,%s,client_auth_removed,chrome,root_org,%s,Late.,,https://x/late\n"
		 "early,%s,client_auth_removed,ca,issuer_org,%s,Early.,,https://x/early\n",
		 day_at(150, d1), TF_ORG, day_at(50, d2), TF_ORG);
	judge(k, "FED", text, 0, &l);
	assert_int_equal(tf_count(&l, "client_auth_lost_at_renewal"), 1);
	tf_says(&l, "client_auth_lost_at_renewal", "Early.", "trust event early",
		NULL);
	finding_list_free(&l);
}

static void test_distrust(void **state)
{
	struct tf_pki *k = *state;
	struct finding_list l;
	const struct finding *f;

	/* Issued (day -10) before the date (day -5): trusted until it
	 * expires, its renewal distrusted: a warning on its expiry. */
	judge(k, "FED", table("d", -5, "distrust_after", "issuer_org", TF_ORG),
	      0, &l);
	f = tf_get(&l, "chain_distrust_scheduled");
	assert_non_null(f);
	assert_int_equal(f->severity, SEVERITY_WARNING);
	assert_true(f->when == TF_NOW + 190 * DAY);
	tf_says(&l, "chain_distrust_scheduled", "stays trusted until it "
		"expires on ", "will distrust its renewal from the same CA",
		"(trust event d, ", NULL);
	finding_list_free(&l);
	/* Issued after the date: distrusted now, an error. */
	judge(k, "FED", table("d", -20, "distrust_after", "issuer_org", TF_ORG),
	      0, &l);
	f = tf_get(&l, "chain_distrust_scheduled");
	assert_int_equal(f->severity, SEVERITY_ERROR);
	assert_true(f->when == TF_NOW - 10 * DAY);
	tf_says(&l, "chain_distrust_scheduled", "Microsoft's root program "
		"distrusts it now", NULL);
	finding_list_free(&l);
	/* A root removed: a warning before its day, an error from it. */
	judge(k, "FED", table("r", 10, "root_removed", "root_name",
			      "CN=Contoso Test Root,O=" TF_ORG), 0, &l);
	f = tf_get(&l, "chain_distrust_scheduled");
	assert_int_equal(f->severity, SEVERITY_WARNING);
	assert_true(f->when == TF_NOW + 10 * DAY - (TF_NOW % DAY));
	tf_says(&l, "chain_distrust_scheduled", "ends at a root that "
		"Microsoft's root program removes on ", "and fails there from "
		"that day", NULL);
	finding_list_free(&l);
	judge(k, "FED", table("r", 10, "root_removed", "root_name",
			      "cn=contoso test root,o=" TF_ORG), 11, &l);
	assert_int_equal(tf_get(&l, "chain_distrust_scheduled")->severity,
			 SEVERITY_ERROR);
	tf_says(&l, "chain_distrust_scheduled", "so it fails there now",
		NULL);
	finding_list_free(&l);
	/* Another program's removal, in force: a warning, saying why (the
	 * Edges judge with Microsoft's store). */
	judge(k, "FED", table_of("r", 10, "root_removed", "mozilla",
				 "root_name", "CN=Contoso Test Root,O=" TF_ORG),
	      11, &l);
	assert_int_equal(tf_get(&l, "chain_distrust_scheduled")->severity,
			 SEVERITY_WARNING);
	tf_says(&l, "chain_distrust_scheduled", "Mozilla's root program",
		"Skype for Business and Teams judge with Microsoft's root "
		"store, so this is a warning.", NULL);
	finding_list_free(&l);
	/* Not: another root. */
	judge(k, "FED", table("r", 10, "root_removed", "root_name",
			      "CN=Fabrikam Root"), 11, &l);
	assert_int_equal(tf_count(&l, "chain_distrust_scheduled"), 0);
	finding_list_free(&l);
}

/* The intermediate expires (day 50) before the leaf (day 190): a warning
 * on its day, until it has expired. */
static void test_issuer_expires_before_leaf(void **state)
{
	struct tf_pki *k = *state;
	struct tcert_spec s = {
		.cn = "Contoso Test Issuing CA", .org = TF_ORG, .ca = 1,
		.set_validity = 1, .from_days = -300, .to_days = 50,
		.serial = 2, .key = k->int_key, .issuer = k->root,
		.issuer_key = k->root_key,
	};
	X509 *keep = k->inter;
	struct finding_list l;
	char d[UTC_TEXT_MAX];

	k->inter = tcert_x509(&s);
	judge(k, "FED", NULL, 0, &l);
	assert_int_equal(tf_count(&l, "issuer_expires_before_leaf"), 1);
	assert_int_equal(tf_get(&l, "issuer_expires_before_leaf")->severity,
			 SEVERITY_WARNING);
	assert_true(tf_get(&l, "issuer_expires_before_leaf")->when ==
		    TF_NOW + 50 * DAY);
	tf_says(&l, "issuer_expires_before_leaf",
		"chain certificate 1 (CN=Contoso Test Issuing CA", "expires on ",
		day_at(50, d), ", 140 days before the leaf", NULL);
	finding_list_free(&l);
	judge(k, "FED", NULL, 51, &l);
	assert_int_equal(tf_count(&l, "issuer_expires_before_leaf"), 0);
	finding_list_free(&l);
	X509_free(k->inter);
	k->inter = keep;
	/* Not: the usual intermediate outlives the leaf. */
	judge(k, "FED", NULL, 0, &l);
	assert_int_equal(tf_count(&l, "issuer_expires_before_leaf"), 0);
	finding_list_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events_form),
		cmocka_unit_test(test_events_errors),
		cmocka_unit_test(test_events_builtin),
		cmocka_unit_test(test_client_auth_lost),
		cmocka_unit_test(test_client_auth_earliest),
		cmocka_unit_test(test_distrust),
		cmocka_unit_test(test_issuer_expires_before_leaf),
	};

	return cmocka_run_group_tests(tests, tf_setup, tf_teardown);
}
