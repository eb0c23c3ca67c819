/* prometheus.c: one scan as metrics in the Prometheus text exposition
 * format (version 0.0.4), for node_exporter's textfile collector.
 * docs/metrics.md lists every family, its labels and what it means: the
 * names are a contract (alert rules use them), as JSON's keys are.
 *
 * The format wants every sample of a family together, under one # HELP
 * and one # TYPE line; the report walks target by target. So each family
 * gathers its samples in a memory stream of its own, and
 * render_prom_write() writes them family by family. What that holds is
 * the text of the scan's metrics: about 0.5 KB per target and 2.5 KB per
 * endpoint with a certificate (the labels repeat on every sample), plus
 * its subject and issuer, each cut at FC_PROM_LABEL_MAX bytes; the label
 * sets seen (below) add about a tenth.
 *
 * Two samples of one family with the same labels would be one series
 * given twice, which Prometheus refuses. A target's labels are its
 * identity (domain, type, port) and an endpoint's add (address, port,
 * SNI); a targets file may hold a row twice, and a label value escaped or
 * cut may equal another's. So every label set is remembered, and a target
 * or an endpoint whose set was already written is left out whole: the
 * first, in the report's order, is the one shown.
 *
 * Every value is a gauge: what the scan found, not a count that grows.
 * Times are seconds since the epoch, durations seconds, facts given as
 * text are `_info` families with the value 1. Label values go through
 * esc_prom_label() (escape.c); label names and the numbers are ours.
 */
#include "report/render/render.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/hex.h"
#include "common/utc.h"
#include "fedcert_limits.h"
#include "report/render/escape.h"

/* The families, in the order they are written. */
enum prom_family {
	PROM_TARGET_STATUS,
	PROM_TARGET_FINDINGS,
	PROM_TARGET_ENDPOINTS,
	PROM_TARGET_ERROR_INFO,
	PROM_EP_PROBE_SUCCESS,
	PROM_EP_ERROR_INFO,
	PROM_EP_STATUS,
	PROM_EP_CONNECT,
	PROM_EP_HANDSHAKE,
	PROM_EP_TLS_INFO,
	PROM_EP_CLIENT_CERT_INFO,
	PROM_EP_CHAIN_CERTS,
	PROM_EP_CERT_INFO,
	PROM_EP_LEAF_NOT_BEFORE,
	PROM_EP_LEAF_NOT_AFTER,
	PROM_EP_CHAIN_NOT_AFTER,
	PROM_SELF_STATUS,
	PROM_SELF_CHAIN_CERTS,
	PROM_SELF_CERT_INFO,
	PROM_SELF_LEAF_NOT_BEFORE,
	PROM_SELF_LEAF_NOT_AFTER,
	PROM_SELF_CHAIN_NOT_AFTER,
	PROM_SCAN_INFO,
	PROM_SCAN_ID,
	PROM_SCAN_DONE,
	PROM_SCAN_START,
	PROM_SCAN_END,
	PROM_SCAN_DURATION,
	PROM_SCAN_TARGETS,
	PROM_SCAN_TARGETS_FAILED,
	PROM_SCAN_TARGETS_INCOMPLETE,
	PROM_SCAN_TARGETS_NOT_PROBED,
	PROM_SCAN_ENDPOINTS,
	PROM_SCAN_ENDPOINTS_FAILED,
	PROM_SCAN_INPUT_ERRORS,
	PROM_REPORT_TARGETS,
	PROM_REPORT_TIME,
	PROM_NFAMILIES
};

/* Names and help texts are ours: plain ASCII without a backslash or a
 * newline, written as they are. */
static const struct {
	const char *name;
	const char *help;
} prom_defs[PROM_NFAMILIES] = {
	[PROM_TARGET_STATUS] = { "fedcert_target_status",
		"The target's status as a state set: 1 for the status judged (PASS, WARN, FAIL), 0 for the others." },
	[PROM_TARGET_FINDINGS] = { "fedcert_target_findings",
		"Findings judged for the target, by severity, whatever the report's filters show." },
	[PROM_TARGET_ENDPOINTS] = { "fedcert_target_endpoints",
		"Endpoints (address, port, SNI) the target reached." },
	[PROM_TARGET_ERROR_INFO] = { "fedcert_target_error_info",
		"Why the target reached no endpoint (a DNS failure, no SRV record, an invalid name), by kind; absent when it did." },
	[PROM_EP_PROBE_SUCCESS] = { "fedcert_endpoint_probe_success",
		"1 when the TLS handshake with the endpoint completed, or stopped only because the server requires a client certificate; else 0." },
	[PROM_EP_ERROR_INFO] = { "fedcert_endpoint_error_info",
		"How the probe of the endpoint failed, by kind; absent when it did not." },
	[PROM_EP_STATUS] = { "fedcert_endpoint_status",
		"The endpoint's status as a state set: 1 for the status its findings give (PASS, WARN, FAIL), 0 for the others." },
	[PROM_EP_CONNECT] = { "fedcert_endpoint_connect_duration_seconds",
		"Time the TCP connection to the endpoint took." },
	[PROM_EP_HANDSHAKE] = { "fedcert_endpoint_handshake_duration_seconds",
		"Time the TLS handshake with the endpoint took." },
	[PROM_EP_TLS_INFO] = { "fedcert_endpoint_tls_info",
		"The TLS version and cipher the endpoint negotiated." },
	[PROM_EP_CLIENT_CERT_INFO] = { "fedcert_endpoint_client_cert_info",
		"What became of the client certificate (mutual TLS): not_requested, requested, required, accepted, rejected or unknown." },
	[PROM_EP_CHAIN_CERTS] = { "fedcert_endpoint_chain_certificates",
		"Certificates the endpoint presented." },
	[PROM_EP_CERT_INFO] = { "fedcert_endpoint_certificate_info",
		"The leaf certificate the endpoint presented: subject, issuer, serial and SHA-1 thumbprint." },
	[PROM_EP_LEAF_NOT_BEFORE] = { "fedcert_endpoint_leaf_not_before_timestamp_seconds",
		"When the endpoint's leaf certificate becomes valid (notBefore), in seconds since the epoch." },
	[PROM_EP_LEAF_NOT_AFTER] = { "fedcert_endpoint_leaf_not_after_timestamp_seconds",
		"When the endpoint's leaf certificate expires (notAfter), in seconds since the epoch." },
	[PROM_EP_CHAIN_NOT_AFTER] = { "fedcert_endpoint_chain_not_after_timestamp_seconds",
		"When the first certificate the endpoint presented expires (the earliest notAfter of its chain), in seconds since the epoch." },
	[PROM_SELF_STATUS] = { "fedcert_self_status",
		"The status of our own certificate (the chain the scan presented) as a state set." },
	[PROM_SELF_CHAIN_CERTS] = { "fedcert_self_chain_certificates",
		"Certificates of the chain the scan presented as our own." },
	[PROM_SELF_CERT_INFO] = { "fedcert_self_certificate_info",
		"Our own leaf certificate: subject, issuer, serial and SHA-1 thumbprint." },
	[PROM_SELF_LEAF_NOT_BEFORE] = { "fedcert_self_leaf_not_before_timestamp_seconds",
		"When our own leaf certificate becomes valid (notBefore), in seconds since the epoch." },
	[PROM_SELF_LEAF_NOT_AFTER] = { "fedcert_self_leaf_not_after_timestamp_seconds",
		"When our own leaf certificate expires (notAfter), in seconds since the epoch." },
	[PROM_SELF_CHAIN_NOT_AFTER] = { "fedcert_self_chain_not_after_timestamp_seconds",
		"When the first certificate of our own chain expires (its earliest notAfter), in seconds since the epoch." },
	[PROM_SCAN_INFO] = { "fedcert_scan_info",
		"The scan reported: its status (done, running, interrupted, failed) and the fedcert version that ran it." },
	[PROM_SCAN_ID] = { "fedcert_scan_id",
		"The id of the scan reported, in its database." },
	[PROM_SCAN_DONE] = { "fedcert_scan_done",
		"1 when the scan ran to its end (status done), else 0." },
	[PROM_SCAN_START] = { "fedcert_scan_start_timestamp_seconds",
		"When the scan started, in seconds since the epoch." },
	[PROM_SCAN_END] = { "fedcert_scan_end_timestamp_seconds",
		"When the scan ended, in seconds since the epoch; absent while it runs." },
	[PROM_SCAN_DURATION] = { "fedcert_scan_duration_seconds",
		"How long the scan ran; absent while it runs." },
	[PROM_SCAN_TARGETS] = { "fedcert_scan_targets",
		"Targets (valid rows of the targets file) the scan holds." },
	[PROM_SCAN_TARGETS_FAILED] = { "fedcert_scan_targets_failed",
		"Targets of the scan that reached no endpoint (a DNS failure, no SRV record, an invalid name); not those our side could not do." },
	[PROM_SCAN_TARGETS_INCOMPLETE] = { "fedcert_scan_targets_incomplete",
		"Targets of the scan whose work was not all done (a scan that did not finish)." },
	[PROM_SCAN_TARGETS_NOT_PROBED] = { "fedcert_scan_targets_not_probed",
		"Targets of the scan not probed for a reason of ours (our resolver did not answer, our network could not send): not the partners' failures; scan --resume finishes them." },
	[PROM_SCAN_ENDPOINTS] = { "fedcert_scan_endpoints",
		"Endpoints the scan probed." },
	[PROM_SCAN_ENDPOINTS_FAILED] = { "fedcert_scan_endpoints_failed",
		"Endpoints the scan probed whose probe failed." },
	[PROM_SCAN_INPUT_ERRORS] = { "fedcert_scan_input_errors",
		"Rows of the targets file rejected as input errors." },
	[PROM_REPORT_TARGETS] = { "fedcert_report_targets",
		"Targets in this report (those its filters let through), by status." },
	[PROM_REPORT_TIME] = { "fedcert_report_timestamp_seconds",
		"When this report judged the scan, in seconds since the epoch." },
};

/* The label sets written: an open-addressing hash set of the labels'
 * text, as written (escaped), which it owns. */
struct prom_seen {
	char **keys; /* cap slots, NULL when empty; cap a power of two */
	size_t count, cap;
};

struct render_prom {
	struct {
		FILE *f; /* open_memstream() onto buf, len */
		char *buf;
		size_t len;
	} fam[PROM_NFAMILIES];
	struct prom_seen seen;
	size_t status[RENDER_FAIL + 1]; /* targets reported, by status */
	int self_done;
};

/* FNV-1a: label sets are short and there is no adversary to fear here
 * that a longer set would not also slow down. */
static uint64_t prom_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static size_t prom_slot(char **keys, size_t cap, const char *key)
{
	size_t i = (size_t)prom_hash(key) & (cap - 1);

	while (keys[i] != NULL && strcmp(keys[i], key) != 0)
		i = (i + 1) & (cap - 1);
	return i;
}

/* Doubles the table (kept at most half full). 0, or -1. */
static int prom_seen_grow(struct prom_seen *s)
{
	size_t cap = s->cap ? s->cap * 2 : 256, i;
	char **keys;

	if (cap > SIZE_MAX / sizeof *keys)
		return -1;
	keys = calloc(cap, sizeof *keys);
	if (keys == NULL)
		return -1;
	for (i = 0; i < s->cap; i++)
		if (s->keys[i] != NULL)
			keys[prom_slot(keys, cap, s->keys[i])] = s->keys[i];
	free(s->keys);
	s->keys = keys;
	s->cap = cap;
	return 0;
}

/* 1 when key is new (the set then owns it), 0 when it was seen (key is
 * then freed), -1 when out of memory (key freed). */
static int prom_seen_add(struct prom_seen *s, char *key)
{
	size_t i;

	if (2 * (s->count + 1) > s->cap && prom_seen_grow(s) < 0) {
		free(key);
		return -1;
	}
	i = prom_slot(s->keys, s->cap, key);
	if (s->keys[i] != NULL) {
		free(key);
		return 0;
	}
	s->keys[i] = key;
	s->count++;
	return 1;
}

static void prom_seen_free(struct prom_seen *s)
{
	size_t i;

	for (i = 0; i < s->cap; i++)
		free(s->keys[i]);
	free(s->keys);
}

struct render_prom *render_prom_new(void)
{
	struct render_prom *p = calloc(1, sizeof *p);
	size_t i;

	if (p == NULL)
		return NULL;
	for (i = 0; i < PROM_NFAMILIES; i++) {
		p->fam[i].f = open_memstream(&p->fam[i].buf, &p->fam[i].len);
		if (p->fam[i].f == NULL) {
			render_prom_free(p);
			return NULL;
		}
	}
	return p;
}

void render_prom_free(struct render_prom *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < PROM_NFAMILIES; i++) {
		if (p->fam[i].f != NULL)
			fclose(p->fam[i].f);
		free(p->fam[i].buf);
	}
	prom_seen_free(&p->seen);
	free(p);
}

/* ---- One sample -------------------------------------------------------- */

/* A sample being written: name{labels} value. */
struct prom_line {
	FILE *f;
	int nlabels;
};

/* Starts a sample of fam with the label set already written as text
 * (NULL: none yet). */
static struct prom_line prom_start(struct render_prom *p,
				   enum prom_family fam, const char *labels)
{
	struct prom_line l = { p->fam[fam].f, 0 };

	fputs(prom_defs[fam].name, l.f);
	if (labels != NULL && labels[0] != '\0') {
		fputc('{', l.f);
		fputs(labels, l.f);
		l.nlabels = 1;
	}
	return l;
}

/* name="value", the value untrusted. */
static void prom_label(FILE *f, int first, const char *name,
		       const char *value)
{
	if (!first)
		fputc(',', f);
	fputs(name, f);
	fputc('=', f);
	esc_prom_label(f, value, FC_PROM_LABEL_MAX);
}

static void prom_add_label(struct prom_line *l, const char *name,
			   const char *value)
{
	fputc(l->nlabels == 0 ? '{' : ',', l->f);
	l->nlabels++;
	prom_label(l->f, 1, name, value);
}

static void prom_end(struct prom_line *l, long long v)
{
	if (l->nlabels > 0)
		fputc('}', l->f);
	fprintf(l->f, " %lld\n", v);
}

/* A sample without labels of its own. */
static void prom_int(struct render_prom *p, enum prom_family fam,
		     const char *labels, long long v)
{
	struct prom_line l = prom_start(p, fam, labels);

	prom_end(&l, v);
}

/* Milliseconds as seconds, to the microsecond, formatted with integers (a
 * locale's decimal comma never reaches the file); nothing when ms is not
 * a timing (negative: it did not happen). */
static void prom_ms(struct render_prom *p, enum prom_family fam,
		    const char *labels, double ms)
{
	struct prom_line l;
	long long us;

	if (!(ms >= 0 && ms < 1e12))
		return;
	us = (long long)(ms * 1000 + 0.5);
	l = prom_start(p, fam, labels);
	if (l.nlabels > 0)
		fputc('}', l.f);
	fprintf(l.f, " %lld.%06lld\n", us / 1000000, us % 1000000);
}

/* An ISO 8601 UTC time as seconds since the epoch; nothing when it is
 * missing or unreadable (no sample is better than a wrong one). */
static void prom_time(struct render_prom *p, enum prom_family fam,
		      const char *labels, const char *iso)
{
	time_t t;

	if (utc_parse(iso, &t) == 0)
		prom_int(p, fam, labels, (long long)t);
}

/* One sample per status, 1 for s: a state set, so that a rule can ask
 * for FAIL without knowing the others' names. */
static void prom_state_set(struct render_prom *p, enum prom_family fam,
			   const char *labels, enum render_status s)
{
	enum render_status i;
	struct prom_line l;

	for (i = RENDER_PASS; i <= RENDER_FAIL; i++) {
		l = prom_start(p, fam, labels);
		prom_add_label(&l, "status", render_status_name(i));
		prom_end(&l, i == s);
	}
}

/* ---- Certificates ------------------------------------------------------ */

/* The families a chain is written to: an endpoint's or our own. */
struct prom_chain_families {
	enum prom_family count, info, not_before, not_after, chain_not_after;
};

static const struct prom_chain_families prom_ep_chain = {
	PROM_EP_CHAIN_CERTS, PROM_EP_CERT_INFO, PROM_EP_LEAF_NOT_BEFORE,
	PROM_EP_LEAF_NOT_AFTER, PROM_EP_CHAIN_NOT_AFTER
};

static const struct prom_chain_families prom_self_chain = {
	PROM_SELF_CHAIN_CERTS, PROM_SELF_CERT_INFO, PROM_SELF_LEAF_NOT_BEFORE,
	PROM_SELF_LEAF_NOT_AFTER, PROM_SELF_CHAIN_NOT_AFTER
};

/* The earliest notAfter of the n certificates of chain that have one
 * readable; 0 and nothing in *t when none has. */
static int prom_chain_earliest(const struct store_cert_row *chain, size_t n,
			       time_t *t)
{
	int found = 0;
	time_t each;
	size_t i;

	for (i = 0; i < n; i++) {
		if (utc_parse(chain[i].not_after, &each) != 0)
			continue;
		if (!found || each < *t)
			*t = each;
		found = 1;
	}
	return found;
}

/* The leaf's facts and the chain's expiry. presented: how many the peer
 * sent, which may be more than the n kept. */
static void prom_chain(struct render_prom *p,
		       const struct prom_chain_families *fam,
		       const char *labels, const struct store_cert_row *chain,
		       size_t n, size_t presented)
{
	const struct store_cert_row *leaf = &chain[0];
	char thumb[HEX_SHA1_MAX];
	struct prom_line l;
	time_t earliest = 0;

	prom_int(p, fam->count, labels, (long long)(presented > n ? presented
								  : n));
	if (n == 0)
		return;
	hex_thumbprint(leaf->sha1, thumb);
	l = prom_start(p, fam->info, labels);
	prom_add_label(&l, "subject", leaf->subject);
	prom_add_label(&l, "issuer", leaf->issuer);
	prom_add_label(&l, "serial", leaf->serial);
	prom_add_label(&l, "thumbprint", thumb);
	prom_end(&l, 1);
	prom_time(p, fam->not_before, labels, leaf->not_before);
	prom_time(p, fam->not_after, labels, leaf->not_after);
	if (prom_chain_earliest(chain, n, &earliest))
		prom_int(p, fam->chain_not_after, labels, (long long)earliest);
}

/* ---- Targets and endpoints ------------------------------------------- */

/* A label set as text, through a memory stream; NULL when out of memory.
 * The caller frees it (or hands it to prom_seen_add()). */
struct prom_labels {
	FILE *f;
	char *buf;
	size_t len;
};

static int prom_labels_open(struct prom_labels *b)
{
	b->buf = NULL;
	b->f = open_memstream(&b->buf, &b->len);
	return b->f != NULL ? 0 : -1;
}

static char *prom_labels_close(struct prom_labels *b)
{
	int failed = ferror(b->f);

	if (fclose(b->f) != 0 || failed) {
		free(b->buf);
		return NULL;
	}
	return b->buf;
}

/* domain, type, port: a target's identity across scans. */
static char *prom_target_labels(const struct store_target_row *t)
{
	struct prom_labels b;
	char port[24];

	if (prom_labels_open(&b) < 0)
		return NULL;
	snprintf(port, sizeof port, "%d", t->port);
	prom_label(b.f, 1, "domain", t->domain);
	prom_label(b.f, 0, "type", t->type);
	prom_label(b.f, 0, "port", port);
	return prom_labels_close(&b);
}

/* The target's, then address, endpoint_port and SNI ("" when none was
 * sent: an IP literal). */
static char *prom_endpoint_labels(const char *target,
				  const struct store_probe_row *e)
{
	struct prom_labels b;
	char port[24];

	if (prom_labels_open(&b) < 0)
		return NULL;
	snprintf(port, sizeof port, "%d", e->port);
	fputs(target, b.f);
	prom_label(b.f, 0, "address", e->address);
	prom_label(b.f, 0, "endpoint_port", port);
	prom_label(b.f, 0, "sni", e->sni);
	return prom_labels_close(&b);
}

/* A probe that got the server's chain and was then refused for want of
 * a client certificate did what a federation Edge lets it do: the
 * handshake is as good as it gets without ours. */
static int prom_probe_succeeded(const struct store_probe_row *e)
{
	return e->error_kind == NULL ||
	       strcmp(render_client_cert_state(e), "required") == 0;
}

static void prom_endpoint_tls(struct render_prom *p, const char *labels,
			      const struct store_probe_row *e)
{
	struct prom_line l;

	if (e->tls_version != NULL) {
		l = prom_start(p, PROM_EP_TLS_INFO, labels);
		prom_add_label(&l, "version", e->tls_version);
		prom_add_label(&l, "cipher", e->cipher);
		prom_end(&l, 1);
	}
	l = prom_start(p, PROM_EP_CLIENT_CERT_INFO, labels);
	prom_add_label(&l, "state", render_client_cert_state(e));
	prom_end(&l, 1);
}

/* One endpoint of rt's target; *n counts those written. 0, or -1 when
 * out of memory. */
static int prom_endpoint(struct render_prom *p, const struct render_target *rt,
			 const char *target, const struct store_probe_row *e,
			 size_t *n)
{
	char *labels = prom_endpoint_labels(target, e);
	struct prom_line l;
	int fresh;

	if (labels == NULL)
		return -1;
	fresh = prom_seen_add(&p->seen, labels);
	if (fresh <= 0)
		return fresh;
	/* labels is the set's now, and lives as long as p. */
	(*n)++;
	prom_int(p, PROM_EP_PROBE_SUCCESS, labels, prom_probe_succeeded(e));
	if (e->error_kind != NULL) {
		l = prom_start(p, PROM_EP_ERROR_INFO, labels);
		prom_add_label(&l, "kind", e->error_kind);
		prom_end(&l, 1);
	}
	prom_state_set(p, PROM_EP_STATUS, labels,
		       render_status_of(rt->all, e));
	prom_ms(p, PROM_EP_CONNECT, labels, e->connect_ms);
	prom_ms(p, PROM_EP_HANDSHAKE, labels, e->handshake_ms);
	prom_endpoint_tls(p, labels, e);
	prom_chain(p, &prom_ep_chain, labels, e->chain, e->chain_len,
		   e->chain_presented);
	return 0;
}

/* Findings of every severity, 0 included: a rule compares numbers
 * without first asking whether the series exists. */
static void prom_findings(struct render_prom *p, const char *labels,
			  const struct finding_list *all)
{
	size_t count[SEVERITY_ERROR + 1] = { 0 }, i;
	struct prom_line l;
	int s;

	for (i = 0; i < all->count; i++)
		count[all->items[i].severity]++;
	for (s = SEVERITY_ERROR; s >= SEVERITY_INFO; s--) {
		l = prom_start(p, PROM_TARGET_FINDINGS, labels);
		prom_add_label(&l, "severity",
			       finding_severity_name((enum finding_severity)s));
		prom_end(&l, (long long)count[s]);
	}
}

int render_prom_target(struct render_prom *p, const struct render_target *rt)
{
	const struct store_target_row *t = rt->row;
	char *labels = prom_target_labels(t);
	struct prom_line l;
	size_t i, n = 0;
	int fresh;

	if (labels == NULL)
		return -1;
	p->status[rt->status]++;
	fresh = prom_seen_add(&p->seen, labels);
	if (fresh <= 0)
		return fresh;
	prom_state_set(p, PROM_TARGET_STATUS, labels, rt->status);
	prom_findings(p, labels, rt->all);
	if (t->error_kind != NULL) {
		l = prom_start(p, PROM_TARGET_ERROR_INFO, labels);
		prom_add_label(&l, "kind", t->error_kind);
		prom_end(&l, 1);
	}
	for (i = 0; i < t->probe_count; i++)
		if (prom_endpoint(p, rt, labels, &t->probes[i], &n) < 0)
			return -1;
	prom_int(p, PROM_TARGET_ENDPOINTS, labels, (long long)n);
	return 0;
}

int render_prom_self(struct render_prom *p, const struct render_self *s)
{
	/* One certificate per scan: its families have no labels, so a
	 * second would be the same series again. */
	if (p->self_done)
		return 0;
	p->self_done = 1;
	prom_state_set(p, PROM_SELF_STATUS, NULL, s->status);
	prom_chain(p, &prom_self_chain, NULL, s->chain, s->count, s->count);
	return 0;
}

/* ---- The scan, and writing it all ------------------------------------- */

static void prom_scan_row(struct render_prom *p,
			  const struct store_scan_row *s)
{
	struct prom_line l;
	time_t start, end;

	l = prom_start(p, PROM_SCAN_INFO, NULL);
	prom_add_label(&l, "status", s->status);
	prom_add_label(&l, "version", s->version);
	prom_end(&l, 1);
	prom_int(p, PROM_SCAN_ID, NULL, (long long)s->id);
	prom_int(p, PROM_SCAN_DONE, NULL,
		 s->status != NULL && strcmp(s->status, "done") == 0);
	if (utc_parse(s->started, &start) == 0)
		prom_int(p, PROM_SCAN_START, NULL, (long long)start);
	if (utc_parse(s->finished, &end) == 0) {
		prom_int(p, PROM_SCAN_END, NULL, (long long)end);
		if (utc_parse(s->started, &start) == 0 && end >= start)
			prom_int(p, PROM_SCAN_DURATION, NULL,
				 (long long)(end - start));
	}
}

static void prom_scan(struct render_prom *p,
		      const struct render_prom_scan *scan)
{
	const struct store_scan_summary *c = scan->counts;
	struct prom_line l;
	enum render_status s;

	if (scan->scan != NULL)
		prom_scan_row(p, scan->scan);
	if (c != NULL) {
		prom_int(p, PROM_SCAN_TARGETS, NULL, c->targets);
		prom_int(p, PROM_SCAN_TARGETS_FAILED, NULL, c->targets_failed);
		prom_int(p, PROM_SCAN_TARGETS_INCOMPLETE, NULL, c->incomplete);
		prom_int(p, PROM_SCAN_TARGETS_NOT_PROBED, NULL, c->not_probed);
		prom_int(p, PROM_SCAN_ENDPOINTS, NULL, c->endpoints);
		prom_int(p, PROM_SCAN_ENDPOINTS_FAILED, NULL,
			 c->endpoints_failed);
	}
	/* The store's count where there is one, so that the metrics and
	 * `fedcert scans` agree. */
	prom_int(p, PROM_SCAN_INPUT_ERRORS, NULL,
		 c != NULL ? (long long)c->input_errors
			   : (long long)scan->input_errors);
	for (s = RENDER_PASS; s <= RENDER_FAIL; s++) {
		l = prom_start(p, PROM_REPORT_TARGETS, NULL);
		prom_add_label(&l, "status", render_status_name(s));
		prom_end(&l, (long long)p->status[s]);
	}
	prom_int(p, PROM_REPORT_TIME, NULL, (long long)scan->now);
}

int render_prom_write(struct render_prom *p, FILE *out,
		      const struct render_prom_scan *scan)
{
	size_t i;
	int rc = 0;

	prom_scan(p, scan);
	for (i = 0; i < PROM_NFAMILIES; i++) {
		/* A memory stream fails only for memory; its buffer and
		 * length are current after fflush(). */
		if (fflush(p->fam[i].f) != 0 || ferror(p->fam[i].f)) {
			rc = -1;
			continue;
		}
		if (p->fam[i].len == 0)
			continue;
		fprintf(out, "# HELP %s %s\n# TYPE %s gauge\n",
			prom_defs[i].name, prom_defs[i].help,
			prom_defs[i].name);
		fwrite(p->fam[i].buf, 1, p->fam[i].len, out);
	}
	return rc;
}
