/* hist_util.c: the writers and helpers the reports across scans share
 * (history_int.h): a JSON endpoint, and the digest that lets a report
 * judge again only what changed.
 */
#include "report/history/history_int.h"

#include <ctype.h>
#include <string.h>

#include <openssl/evp.h>

#include "report/judge/events.h"
#include "report/judge/x509.h"

/* ---- JSON ---------------------------------------------------------------- */

void hist_json_endpoint(struct emit_json *j, const char *key,
			const char *address, int port, const char *sni)
{
	struct emit_json e;

	if (address == NULL) {
		emit_json_null(j, key);
		return;
	}
	emit_json_key(j, key);
	emit_json_open(&e, j->out);
	emit_json_str(&e, "address", address);
	emit_json_int(&e, "port", port);
	emit_json_str(&e, "sni", sni);
	emit_json_close(&e);
}

/* ---- The digest ------------------------------------------------------------ */

/* A string with its length, NULL apart from "", so that no two sequences
 * of fields digest alike. */
static void dg_str(EVP_MD_CTX *md, const char *s)
{
	unsigned char tag = s != NULL;
	size_t n = s != NULL ? strlen(s) : 0;

	EVP_DigestUpdate(md, &tag, 1);
	EVP_DigestUpdate(md, &n, sizeof n);
	if (n > 0)
		EVP_DigestUpdate(md, s, n);
}

static void dg_num(EVP_MD_CTX *md, long long v)
{
	EVP_DigestUpdate(md, &v, sizeof v);
}

static void dg_dns(EVP_MD_CTX *md, const struct store_dns_answer_row *a)
{
	size_t i;

	dg_str(md, a->name);
	dg_str(md, a->type);
	dg_str(md, a->rcode);
	dg_str(md, a->source);
	dg_str(md, a->reason);
	dg_num(md, (long long)a->count);
	for (i = 0; i < a->count; i++) {
		dg_num(md, a->records[i].priority);
		dg_num(md, a->records[i].weight);
		dg_num(md, a->records[i].port);
		dg_str(md, a->records[i].target);
		dg_str(md, a->records[i].address);
	}
}

static void dg_probe(EVP_MD_CTX *md, const struct store_probe_row *p)
{
	size_t i;

	dg_str(md, p->address);
	dg_num(md, p->port);
	dg_str(md, p->sni);
	dg_str(md, p->via);
	dg_str(md, p->srv_name);
	dg_num(md, p->srv_priority);
	dg_num(md, p->srv_weight);
	dg_num(md, p->connect_ms < 0);
	dg_num(md, p->handshake_ms < 0);
	dg_str(md, p->error_kind);
	dg_str(md, p->error_reason);
	dg_str(md, p->tls_version);
	dg_str(md, p->cipher);
	dg_num(md, p->verify_code);
	dg_str(md, p->verify_reason);
	dg_num(md, (long long)p->chain_presented);
	dg_num(md, (long long)p->chain_len);
	for (i = 0; i < p->chain_len; i++)
		dg_str(md, p->chain[i].sha256);
	/* Mutual TLS: what the server asked of our certificate and
	 * what it did with it. */
	dg_num(md, p->cc_requested);
	dg_num(md, p->cc_presented);
	dg_str(md, p->cc_outcome);
	dg_str(md, p->cc_alert);
	dg_num(md, (long long)p->ca_count);
	for (i = 0; i < p->ca_count; i++)
		dg_str(md, p->ca_names[i]);
	/* SIP OPTIONS: what the findings of checks_sip.c read. */
	dg_num(md, p->sip != NULL);
	if (p->sip != NULL) {
		dg_num(md, p->sip->status);
		dg_str(md, p->sip->reason);
		dg_str(md, p->sip->server);
		dg_str(md, p->sip->user_agent);
		dg_str(md, p->sip->ms_diagnostics);
		dg_str(md, p->sip->ms_diagnostics_public);
		dg_str(md, p->sip->headers);
		dg_num(md, p->sip->other_call_id);
		dg_str(md, p->sip->error);
		dg_str(md, p->sip->error_reason);
	}
}

int hist_target_digest(const struct store_target_row *t,
		       unsigned char out[HIST_DIGEST_LEN])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned int len = 0;
	size_t i;
	int rc = -1;

	if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		goto out;
	dg_str(md, t->domain);
	dg_str(md, t->type);
	dg_num(md, t->port);
	dg_str(md, t->error_kind);
	dg_str(md, t->error_reason);
	dg_num(md, (long long)t->dns_count);
	for (i = 0; i < t->dns_count; i++)
		dg_dns(md, &t->dns[i]);
	dg_num(md, (long long)t->probe_count);
	for (i = 0; i < t->probe_count; i++)
		dg_probe(md, &t->probes[i]);
	if (EVP_DigestFinal_ex(md, out, &len) == 1 && len == HIST_DIGEST_LEN)
		rc = 0;
out:
	EVP_MD_CTX_free(md);
	return rc;
}

/* Whether x lies in [lo - a day, hi + a day]. */
static int near_between(time_t x, time_t lo, time_t hi)
{
	return x >= lo - UTC_DAY_SECONDS && x <= hi + UTC_DAY_SECONDS;
}

int hist_dates_between(const struct store_target_row *t, time_t a, time_t b,
		       int warn_days)
{
	time_t lo = a < b ? a : b, hi = a < b ? b : a, nb, na;
	time_t warn = (time_t)warn_days * UTC_DAY_SECONDS;
	const struct store_cert_row *c;
	size_t i, k;

	for (i = 0; i < t->probe_count; i++) {
		for (k = 0; k < t->probes[i].chain_len; k++) {
			c = &t->probes[i].chain[k];
			if (utc_parse(c->not_before, &nb) == 0 &&
			    near_between(nb, lo, hi))
				return 1;
			if (utc_parse(c->not_after, &na) == 0 &&
			    (near_between(na, lo, hi) ||
			     near_between(na - warn, lo, hi)))
				return 1;
		}
	}
	return 0;
}

/* ---- Judging ----------------------------------------------------------------- */

void hist_judging_init(struct hist_judging *j)
{
	memset(j, 0, sizeof(*j));
	j->certs = cert_cache_new();
}

int hist_judging_scan(struct hist_judging *j, struct store *st,
		      const struct store_scan_row *scan, time_t at,
		      int warn_days, int afresh)
{
	struct judge_options o = { .now = at, .warn_days = warn_days,
				   .profile = j->profile,
				   .events = trust_events_default() };

	judge_memo_free(j->memo);
	j->memo = judge_memo_new();
	if (j->self != NULL)
		store_cert_rows_free(j->self, j->nself);
	j->self = NULL;
	j->nself = 0;
	j->at = at;
	j->warn_days = warn_days;
	if (store_scan_client_chain(st, scan->id, &j->self, &j->nself) != 0)
		return -1;
	return verdicts_open(&j->verdicts, st, scan, &o, afresh);
}

void hist_judging_free(struct hist_judging *j)
{
	cert_cache_free(j->certs);
	judge_memo_free(j->memo);
	if (j->self != NULL)
		store_cert_rows_free(j->self, j->nself);
	j->certs = NULL;
	j->memo = NULL;
	j->self = NULL;
}

int hist_judge(struct hist_judging *j, const struct store_target_row *t,
	       struct finding_list *out)
{
	struct judge_options o = { .now = j->at, .warn_days = j->warn_days,
				   .self_chain = j->self,
				   .self_count = j->nself,
				   .certs = j->certs, .memo = j->memo,
				   .profile = j->profile,
				   .events = trust_events_default() };

	return verdicts_findings(&j->verdicts, &o, t, out);
}

void hist_verdict_of(const struct finding_list *l, struct hist_verdict *v)
{
	size_t i;

	memset(v, 0, sizeof(*v));
	for (i = 0; i < l->count; i++) {
		v->findings[l->items[i].severity]++;
		if ((int)l->items[i].severity > v->status)
			v->status = (int)l->items[i].severity;
	}
}
