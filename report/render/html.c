/* html.c: `fedcert report --format html`, one self-contained page for
 * the people who would rather look than read: the scan, its totals by
 * status and by finding, and the partners table, one row per target
 * worst first, each with its details (findings with their reasons, the
 * endpoints with pool members alike together, the DNS answers it used).
 *
 * Self-contained: no script, style, font or image comes from anywhere but
 * the file, and the page's Content Security Policy forbids anything else
 * (default-src 'none'); its one style and its one script are allowed by
 * their SHA-256, so that nothing injected could run even if it got in.
 * Without the script the page reads, prints and opens each target's
 * details (<details>); the script sorts by any column and filters by
 * status, finding and text.
 *
 * Everything a partner sent (names, subjects, messages that quote them)
 * is written through esc_html(), the one place this renderer writes it.
 *
 * The rows are written while the targets are walked, into one temporary
 * file per status, and copied worst first (FAIL, INPUT_ERROR, WARN, PASS)
 * under the totals when the walk ends: memory does not grow with the
 * scan.
 */
#include "report/render/render.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "common/fedcert_limits.h"
#include "common/utc.h"
#include "report/judge/x509.h"
#include "report/judge/findings.h"
#include "report/render/escape.h"

/* The order the statuses are shown in, worst first. */
static const enum report_status html_order[REPORT_NSTATUS] = {
	REPORT_STATUS_FAIL, REPORT_STATUS_INPUT_ERROR, REPORT_STATUS_WARN,
	REPORT_STATUS_PASS
};

/* The chains presented, each written once in a section of its own and
 * named by the rows that show it (a hosted pool's chain in 2,400
 * partners' details would be most of the page); at most HTML_CHAINS_MAX,
 * past which a chain is written in the row. */
#define HTML_CHAINS_MAX 65536
#define HTML_CHAIN_SLOTS (2 * HTML_CHAINS_MAX)
#define HTML_KEY_LEN (2 * 64 + 24)

struct html_chain {
	char key[HTML_KEY_LEN]; /* "" : a free slot */
	unsigned id;
	const struct render_root *root; /* well-known, or NULL */
	int aia; /* caIssuers URLs its top certificate names */
};

/* The pools of endpoints (a host's endpoints as a row would list them),
 * each written once in a section of its own and linked to by the rows,
 * known by the SHA-256 of their lines; at most HTML_POOLS_MAX, past which
 * a pool is written in the row. */
#define HTML_POOLS_MAX 65536
#define HTML_POOL_SLOTS (2 * HTML_POOLS_MAX)

struct html_pool {
	unsigned char md[16];
	unsigned id; /* 0: a free slot */
};

/* Where to get the root above a chain, as written, per distinct top
 * certificate (by its SHA-256); at most HTML_TOPS_MAX, past which the top
 * is decoded again each time. */
#define HTML_TOPS_MAX 4096
#define HTML_TOP_SLOTS (2 * HTML_TOPS_MAX)

struct html_top {
	char sha256[65];
	char *hint; /* owned; NULL: a free slot */
	size_t len;
	const struct render_root *root;
	int aia;
};

/* A count per name (a CA, a TLS version, an outcome): at most
 * HTML_NAMES_MAX names, the others counted under "(other)". */
#define HTML_NAMES_MAX 4096

struct html_count {
	char *name; /* owned */
	size_t n;
};

struct html_counter {
	struct html_count *items;
	size_t count, cap;
	size_t other;
};

/* The rows the page shows at first (its style and its script say 200
 * too). A row's details are a <details> element, which costs the browser
 * some 80 us to build (its shadow tree): 10,000 of them, a second. So only
 * the first HTML_ROWS_FIRST rows of each status, among which are the
 * first HTML_ROWS_FIRST of the page, are written as one; the others'
 * details are a hidden <div> that the script turns into one when the row
 * is shown (and that printing shows). */
#define HTML_ROWS_FIRST 200

/* The expiry timeline: targets by the week in which the first
 * certificate of theirs expires (a leaf, or an intermediate that expires
 * before it), for the next HTML_WEEKS weeks, and those already expired. */
#define HTML_WEEKS 52

struct render_html {
	FILE *rows[REPORT_NSTATUS]; /* by status, owned */
	FILE *chains;               /* the chains section, owned */
	struct html_chain *slots;   /* HTML_CHAIN_SLOTS, or NULL */
	unsigned nchains;
	FILE *pool_lines;           /* the pools section, owned */
	struct html_pool *pools;    /* HTML_POOL_SLOTS, or NULL */
	unsigned npools;
	/* SHA-256, fetched once: a fetch per row takes OpenSSL's locks
	 * 13,000 times. Owned; NULL: no pools. */
	EVP_MD *sha256;
	EVP_MD_CTX *md_ctx;
	struct html_top *tops;      /* HTML_TOP_SLOTS, made when first used */
	size_t ntops;
	time_t now;
	enum report_profile profile; /* whose rules judged (the overview) */
	size_t written[REPORT_NSTATUS]; /* rows, by status */
	size_t expired, weeks[HTML_WEEKS], later;
	struct html_counter roots, issuers, tls, client;
};

static void html_counter_free(struct html_counter *c);

static const char html_style[] =
	":root{--fail:#b3261e;--warn:#8a5a00;--pass:#1e6b34;--err:#555;"
	"--line:#ccc;--bg:#fff;--fg:#111;--soft:#f4f4f4}"
	"body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;padding:1em;"
	"max-width:1400px;color:var(--fg);background:var(--bg)}"
	"h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.15em;margin:1.2em 0 .4em}"
	".scan{color:#444}"
	".boxes{display:flex;flex-wrap:wrap;gap:.6em;margin:.6em 0}"
	".box{border:1px solid var(--line);border-left:6px solid var(--err);"
	"padding:.4em .8em;min-width:7em}"
	".box b{display:block;font-size:1.6em}"
	".box.FAIL{border-left-color:var(--fail)}.box.WARN{border-left-color:var(--warn)}"
	".box.PASS{border-left-color:var(--pass)}"
	"table{border-collapse:collapse;width:100%}"
	"th,td{text-align:left;padding:.25em .5em;border-bottom:1px solid var(--line);"
	"vertical-align:top}"
	"td.n,th.n,#partners>tbody>tr:first-child>td:nth-child(4),"
	"#partners>tbody>tr:first-child>td:nth-child(n+7){text-align:right}"
	".wrap{overflow-x:auto}"
	"th button{font:inherit;font-weight:bold;background:none;border:0;"
	"padding:0;cursor:pointer;color:inherit}"
	"#partners>tbody>tr:first-child>td:first-child{font-weight:bold;color:var(--err)}"
	"#partners>tbody[data-status=FAIL]>tr:first-child>td:first-child{color:var(--fail)}"
	"#partners>tbody[data-status=WARN]>tr:first-child>td:first-child{color:var(--warn)}"
	"#partners>tbody[data-status=PASS]>tr:first-child>td:first-child{color:var(--pass)}"
	"tr.d td{border-bottom:2px solid var(--line);padding-top:0}"
	"details summary{cursor:pointer;color:#245}"
	"details ul{margin:.3em 0;padding-left:1.4em}"
	"#partners details,#partners .dd,#pools li{white-space:pre-line}"
	".e{color:var(--fail)}.w{color:var(--warn)}.i{color:#444}"
	".filters{display:flex;flex-wrap:wrap;gap:.8em;align-items:center;"
	"margin:.5em 0}"
	"code,.m{font-family:ui-monospace,monospace;font-size:.95em}"
	"code{overflow-wrap:break-word}.m{word-break:break-all}"
	"#partners:not(.live) tbody:nth-of-type(n+201){display:none}"
	".parts{display:flex;flex-wrap:wrap;gap:1.5em}.part{flex:1 1 20em}"
	"h3{font-size:1em;margin:.6em 0 .3em}"
	".chart{max-width:100%;height:auto}"
	"@media (max-width:700px){#partners tr>:nth-child(6),"
	"#partners tr>:nth-child(8){display:none}}"
	"@media print{.filters,th button{display:none}details>*{display:block}"
	"tbody{break-inside:avoid}#partners tbody{display:table-row-group}"
	"#partners .dd{display:block}}";

static const char html_script[] =
	"(function(){"
	"var t=document.getElementById('partners');if(!t)return;"
	"/* a page of rows at a time: laying out 10,000 costs seconds */"
	"var bodies=Array.prototype.slice.call(t.tBodies);"
	"var st=document.getElementById('f-status'),"
	"fi=document.getElementById('f-finding'),"
	"tx=document.getElementById('f-text'),"
	"shown=document.getElementById('shown');"
	"var limit=200,more=document.getElementById('more');"
	"/* a row shown gets its <details> (the page writes most as a hidden div) */"
	"function open(b){var d=b.querySelector('div.dd');if(!d)return;"
	"var e=document.createElement('details'),s=document.createElement('summary');"
	"s.textContent='details';e.appendChild(s);"
	"while(d.firstChild)e.appendChild(d.firstChild);d.replaceWith(e);}"
	"function apply(){var s=st.value,f=fi.value,q=tx.value.toLowerCase(),n=0;"
	"bodies.forEach(function(b){var ok=(!s||b.getAttribute('data-status')===s)"
	"&&(!f||(' '+b.getAttribute('data-findings')+' ').indexOf(' '+f+' ')>=0)"
	"&&(!q||b.textContent.toLowerCase().indexOf(q)>=0);"
	"if(ok)n++;b.hidden=!ok||n>limit;if(!b.hidden)open(b);});shown.textContent=String(Math.min(n,limit))"
	"+(n>limit?' of '+n:'');more.hidden=n<=limit;}"
	"more.addEventListener('click',function(){limit=Infinity;apply();});"
	"t.classList.add('live');"
	"st.addEventListener('change',apply);fi.addEventListener('change',apply);"
	"tx.addEventListener('input',apply);"
	"var heads=t.tHead.rows[0].cells,dir=[];"
	"function key(b,i){var c=b.rows[0].cells[i],v=c.getAttribute('data-v');"
	"return v!==null?v:c.textContent;}"
	"function sortBy(i){var d=dir[i]=dir[i]===1?-1:1,"
	"num=heads[i].classList.contains('n');"
	"bodies.sort(function(a,b){var x=key(a,i),y=key(b,i),r;"
	"if(num){x=x===''?Infinity:parseFloat(x);y=y===''?Infinity:parseFloat(y);"
	"r=x<y?-1:x>y?1:0;}else{r=x.localeCompare(y);}"
	"return r*d||(Number(a.getAttribute('data-i'))-Number(b.getAttribute('data-i')));});"
	"bodies.forEach(function(b){t.appendChild(b);});apply();"
	"for(var k=0;k<heads.length;k++)heads[k].removeAttribute('aria-sort');"
	"heads[i].setAttribute('aria-sort',d===1?'ascending':'descending');}"
	"Array.prototype.forEach.call(heads,function(h,i){var b=document.createElement('button');"
	"b.type='button';b.textContent=h.textContent;h.textContent='';h.appendChild(b);"
	"b.addEventListener('click',function(){sortBy(i);});});"
	"window.addEventListener('beforeprint',function(){"
	"document.querySelectorAll('details').forEach(function(d){d.open=true;});});"
	"apply();"
	"})();";

/* "sha256-BASE64" of s, the form a Content Security Policy names it by. */
static void html_hash(const char *s, char out[64])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	EVP_Digest(s, strlen(s), md, &n, EVP_sha256(), NULL);
	memcpy(out, "sha256-", 7);
	EVP_EncodeBlock((unsigned char *)out + 7, md, (int)n);
}

struct render_html *render_html_new(time_t now, enum report_profile profile)
{
	struct render_html *h = calloc(1, sizeof(*h));
	int i;

	if (h == NULL)
		return NULL;
	h->now = now;
	h->profile = profile;
	h->slots = calloc(HTML_CHAIN_SLOTS, sizeof(*h->slots));
	h->pools = calloc(HTML_POOL_SLOTS, sizeof(*h->pools));
	h->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	h->md_ctx = h->sha256 != NULL ? EVP_MD_CTX_new() : NULL;
	h->chains = tmpfile();
	h->pool_lines = tmpfile();
	if (h->chains == NULL || h->pool_lines == NULL) {
		render_html_free(h);
		return NULL;
	}
	for (i = 0; i < REPORT_NSTATUS; i++) {
		h->rows[i] = tmpfile();
		if (h->rows[i] == NULL) {
			render_html_free(h);
			return NULL;
		}
	}
	return h;
}

void render_html_free(struct render_html *h)
{
	int i;

	if (h == NULL)
		return;
	for (i = 0; i < REPORT_NSTATUS; i++)
		if (h->rows[i] != NULL)
			fclose(h->rows[i]);
	if (h->chains != NULL)
		fclose(h->chains);
	if (h->pool_lines != NULL)
		fclose(h->pool_lines);
	free(h->slots);
	free(h->pools);
	EVP_MD_CTX_free(h->md_ctx);
	EVP_MD_free(h->sha256);
	for (i = 0; h->tops != NULL && i < HTML_TOP_SLOTS; i++)
		free(h->tops[i].hint);
	free(h->tops);
	html_counter_free(&h->roots);
	html_counter_free(&h->issuers);
	html_counter_free(&h->tls);
	html_counter_free(&h->client);
	free(h);
}

/* ---- Counting ---------------------------------------------------------- */

static void html_counter_free(struct html_counter *c)
{
	size_t i;

	for (i = 0; i < c->count; i++)
		free(c->items[i].name);
	free(c->items);
	memset(c, 0, sizeof(*c));
}

/* Counts name once more (NULL: "(none)"). A linear search: the names of
 * CAs and TLS versions of one federation are a few dozen. */
static void html_count(struct html_counter *c, const char *name)
{
	struct html_count *bigger;
	size_t i;

	if (name == NULL)
		name = "(none)";
	for (i = 0; i < c->count; i++) {
		if (strcmp(c->items[i].name, name) == 0) {
			c->items[i].n++;
			return;
		}
	}
	if (c->count >= HTML_NAMES_MAX) {
		c->other++;
		return;
	}
	if (c->count == c->cap) {
		bigger = realloc(c->items, (c->cap ? c->cap * 2 : 16) *
					   sizeof(*bigger));
		if (bigger == NULL) {
			c->other++;
			return;
		}
		c->items = bigger;
		c->cap = c->cap ? c->cap * 2 : 16;
	}
	c->items[c->count].name = strdup(name);
	if (c->items[c->count].name == NULL) {
		c->other++;
		return;
	}
	c->items[c->count++].n = 1;
}

static int html_count_cmp(const void *a, const void *b)
{
	const struct html_count *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* The counter as a table, most first, under its heading. */
static void html_counter_table(FILE *out, struct html_counter *c,
			       const char *title, const char *what,
			       const char *unit)
{
	size_t i;

	fprintf(out, "<div class=\"part\"><h3>%s</h3><table><thead><tr><th>%s"
		"</th><th class=\"n\">%s</th></tr></thead><tbody>", title, what,
		unit);
	if (c->count > 1)
		qsort(c->items, c->count, sizeof(*c->items), html_count_cmp);
	for (i = 0; i < c->count; i++) {
		fputs("<tr><td class=\"m\">", out);
		esc_html(out, c->items[i].name);
		fprintf(out, "</td><td class=\"n\">%zu</td></tr>", c->items[i].n);
	}
	if (c->other > 0)
		fprintf(out, "<tr><td>(other)</td><td class=\"n\">%zu</td></tr>",
			c->other);
	fputs("</tbody></table></div>", out);
}

/* What the target adds to the overview: its first expiry in the
 * timeline, the roots and issuing CAs it depends on, each endpoint's TLS
 * version and how it went with our client certificate. */
static void html_tally(struct render_html *h, const struct store_target_row *t,
		       time_t now)
{
	const struct store_probe_row *p;
	time_t first = 0, na;
	long long days;
	size_t i, k;
	int have = 0;

	for (i = 0; i < t->probe_count; i++) {
		p = &t->probes[i];
		html_count(&h->tls, p->error_kind != NULL && p->chain_len == 0
				    ? "(no handshake)" : p->tls_version);
		if (finding_cc_refused(p))
			html_count(&h->client, "our certificate refused");
		else if (finding_cc_required(p))
			html_count(&h->client, "required, none sent");
		else if (p->cc_presented)
			html_count(&h->client, "ours presented and accepted");
		else if (p->cc_requested)
			html_count(&h->client, "requested, none sent");
		else
			html_count(&h->client, "not requested");
		if (p->chain_len == 0)
			continue;
		for (k = 0; k < p->chain_len; k++) {
			/* a root the server sent along: the partner's store
			 * has its own copy */
			if (k > 0 && k == p->chain_len - 1 &&
			    p->chain[k].subject != NULL && p->chain[k].issuer != NULL &&
			    strcmp(p->chain[k].subject, p->chain[k].issuer) == 0)
				continue;
			if (utc_parse(p->chain[k].not_after, &na) == 0 &&
			    (!have || na < first)) {
				first = na;
				have = 1;
			}
		}
	}
	/* The CAs once per target: the first chain's. */
	for (i = 0; i < t->probe_count; i++) {
		p = &t->probes[i];
		if (p->chain_len == 0)
			continue;
		html_count(&h->issuers, p->chain[0].issuer);
		html_count(&h->roots, p->chain[p->chain_len - 1].issuer);
		break;
	}
	if (!have)
		return;
	if (first < now) {
		h->expired++;
		return;
	}
	days = (long long)(first - now) / UTC_DAY_SECONDS;
	if (days / 7 < HTML_WEEKS)
		h->weeks[days / 7]++;
	else
		h->later++;
}

/* ---- One target --------------------------------------------------------- */

/* A line of a row's details (which keep their line breaks: a row is
 * 13,000 times in a page, and each element costs the browser time): a
 * line break before every line but the first. */
static void html_line(FILE *out, int *nl)
{
	if ((*nl)++ > 0)
		fputc('\n', out);
}

/* Where a status sorts: worst first. */
static int html_rank(enum report_status s)
{
	int i;

	for (i = 0; i < REPORT_NSTATUS; i++)
		if (html_order[i] == s)
			return i;
	return REPORT_NSTATUS;
}

/* The leaf that expires first, or NULL. */
static const struct store_cert_row *html_first_expiry(
	const struct store_target_row *t, time_t *when)
{
	const struct store_cert_row *best = NULL;
	time_t na;
	size_t i;

	for (i = 0; i < t->probe_count; i++) {
		if (t->probes[i].chain_len == 0 ||
		    utc_parse(t->probes[i].chain[0].not_after, &na) != 0)
			continue;
		if (best == NULL || na < *when) {
			best = &t->probes[i].chain[0];
			*when = na;
		}
	}
	return best;
}

static const struct finding *html_worst(const struct render_target *rt)
{
	const struct finding *w = NULL;
	size_t i;

	for (i = 0; i < rt->nshown; i++)
		if (w == NULL || rt->shown[i]->severity > w->severity)
			w = rt->shown[i];
	return w;
}

/* The probe's result in a few words: its failure kind, else its TLS
 * version. */
static void html_result(FILE *out, const struct store_probe_row *p)
{
	if (p->error_kind != NULL) {
		esc_html(out, p->error_kind);
		if (p->chain_len > 0)
			fputs(" (after its chain)", out);
	} else {
		esc_html(out, p->tls_version != NULL ? p->tls_version : "TLS");
	}
}

/* Whether probes a and b show the same thing: the same result and the
 * same chain (their leaves' fingerprints, a top of the same name). */
static int html_alike(const struct store_probe_row *a,
		      const struct store_probe_row *b)
{
	const char *ka = a->error_kind ? a->error_kind : "",
		   *kb = b->error_kind ? b->error_kind : "";

	if (strcmp(ka, kb) != 0 || a->chain_len != b->chain_len ||
	    !render_same_sip(a->sip, b->sip))
		return 0;
	if (a->chain_len == 0)
		return 1;
	return strcmp(a->chain[0].sha256, b->chain[0].sha256) == 0 &&
	       strcmp(a->chain[a->chain_len - 1].sha256,
		      b->chain[b->chain_len - 1].sha256) == 0;
}

static void html_endpoint_name(FILE *out, const struct store_probe_row *p)
{
	if (strchr(p->address ? p->address : "", ':') != NULL) {
		fputc('[', out);
		esc_html(out, p->address);
		fputc(']', out);
	} else {
		esc_html(out, p->address);
	}
	fprintf(out, ":%d", p->port);
}

/* Writes p's chain, leaf first, and when its leaf expires. */
static void html_chain_text(FILE *out, const struct store_probe_row *p)
{
	size_t k;

	for (k = 0; k < p->chain_len; k++) {
		if (k > 0)
			fputs(" &larr; ", out);
		fputs("<span class=\"m\">", out);
		esc_html(out, p->chain[k].subject);
		fputs("</span>", out);
	}
	fputs("<br>leaf expires ", out);
	esc_html(out, p->chain[0].not_after);
}

/* The caIssuers URL of the top of a chain, as text: the certificate's
 * claim, never a link. */
static void html_ca_issuer(const char *url, size_t len, void *arg)
{
	FILE *out = arg;
	char *z;

	if (memchr(url, '\0', len) != NULL || (z = strndup(url, len)) == NULL) {
		fputs("; its certificate names a URL that is not text", out);
		return;
	}
	fputs("; its certificate says its CA publishes the root at <code>", out);
	esc_html(out, z);
	fputs("</code>", out);
	free(z);
}

/* Where to get the root above p's chain: a well-known public root's CA
 * repository (our table's URL, a link), else whom to ask, and the top
 * certificate's caIssuers URLs as text. Decodes the top certificate. */
static const struct render_root *html_root_text(FILE *out,
						const struct store_probe_row *p,
						int *aia)
{
	const struct store_cert_row *top = &p->chain[p->chain_len - 1];
	const struct render_root *root = NULL;
	X509 *x = cert_from_row(top);

	fputs("<br>root: <span class=\"m\">", out);
	esc_html(out, top->issuer);
	fputs("</span>", out);
	if (x != NULL)
		root = render_root_above(x);
	if (root != NULL)
		fprintf(out, ", from <a href=\"%s\" rel=\"noreferrer\">%s's "
			"repository</a>", root->url, root->ca);
	else
		fputs(", not a well-known public root: ask the partner or its CA",
		      out);
	*aia = x != NULL ? render_each_ca_issuer(x, html_ca_issuer, out) : 0;
	X509_free(x);
	return root;
}

/* html_root_text() once per distinct top certificate: a fleet's 4,000
 * chains end at a few dozen, and decoding one costs ~120 us. */
static const struct render_root *html_root_hint(struct render_html *h,
						FILE *out,
						const struct store_probe_row *p,
						int *aia)
{
	const char *sha = p->chain[p->chain_len - 1].sha256;
	struct html_top *t = NULL;
	uint64_t x = 1469598103934665603ULL;
	char *buf = NULL;
	size_t i, len = 0;
	FILE *m;

	if (h->tops == NULL)
		h->tops = calloc(HTML_TOP_SLOTS, sizeof(*h->tops));
	for (i = 0; sha[i] != '\0'; i++)
		x = (x ^ (unsigned char)sha[i]) * 1099511628211ULL;
	for (i = (size_t)(x % HTML_TOP_SLOTS); h->tops != NULL;
	     i = (i + 1) % HTML_TOP_SLOTS) {
		t = &h->tops[i];
		if (t->hint == NULL || strcmp(t->sha256, sha) == 0)
			break;
	}
	if (t != NULL && t->hint != NULL) {
		fwrite(t->hint, 1, t->len, out);
		*aia = t->aia;
		return t->root;
	}
	if (t == NULL || h->ntops >= HTML_TOPS_MAX ||
	    (m = open_memstream(&buf, &len)) == NULL)
		return html_root_text(out, p, aia);
	t->root = html_root_text(m, p, &t->aia);
	if (fclose(m) != 0) {
		free(buf);
		return html_root_text(out, p, aia);
	}
	snprintf(t->sha256, sizeof t->sha256, "%s", sha);
	t->hint = buf;
	t->len = len;
	h->ntops++;
	fwrite(t->hint, 1, t->len, out);
	*aia = t->aia;
	return t->root;
}

/* p's chain in the chains section, written there the first time; NULL
 * when there is no room (then the row writes it). */
static const struct html_chain *html_chain_of(struct render_html *h,
					      const struct store_probe_row *p)
{
	char key[HTML_KEY_LEN];
	uint64_t x = 1469598103934665603ULL;
	const char *c;
	size_t i;

	if (h->slots == NULL)
		return NULL;
	snprintf(key, sizeof key, "%s:%s:%zu", p->chain[0].sha256,
		 p->chain[p->chain_len - 1].sha256, p->chain_len);
	for (c = key; *c != '\0'; c++)
		x = (x ^ (unsigned char)*c) * 1099511628211ULL;
	for (i = (size_t)(x % HTML_CHAIN_SLOTS);; i = (i + 1) % HTML_CHAIN_SLOTS) {
		if (h->slots[i].key[0] == '\0')
			break;
		if (strcmp(h->slots[i].key, key) == 0)
			return &h->slots[i];
	}
	if (h->nchains >= HTML_CHAINS_MAX)
		return NULL;
	memcpy(h->slots[i].key, key, sizeof key);
	h->slots[i].id = ++h->nchains;
	fprintf(h->chains, "<li id=\"k%u\">", h->slots[i].id);
	html_chain_text(h->chains, p);
	h->slots[i].root = html_root_hint(h, h->chains, p, &h->slots[i].aia);
	fputs("\n", h->chains);
	return &h->slots[i];
}

/* What our SIP OPTIONS came to (scan --sip-options): ", SIP 200 OK"
 * or ", SIP: no answer (timeout)". */
static void html_sip(FILE *out, const struct store_sip_row *s)
{
	if (s == NULL)
		return;
	if (s->status > 0) {
		fprintf(out, ", SIP %d ", s->status);
		esc_html(out, s->reason);
	} else {
		fputs(", SIP: no answer (", out);
		esc_html(out, s->error);
		fputc(')', out);
	}
}

/* The endpoints t reached through the host of its probe first (a DIR
 * host, or an SRV target), members alike in one item. */
static void html_host_lines(struct render_html *h, FILE *out,
			    const struct store_target_row *t, size_t first,
			    int *nl)
{
	const char *via = t->probes[first].via;
	const struct store_probe_row *p, *q;
	const struct html_chain *c;
	size_t i, k, j;
	int seen, aia;

	for (i = first; i < t->probe_count; i++) {
		p = &t->probes[i];
		if (!render_same_str(p->via, via))
			continue;
		for (seen = 0, k = first; k < i && !seen; k++)
			seen = render_same_str(t->probes[k].via, via) &&
			       html_alike(&t->probes[k], p);
		if (seen)
			continue;
		html_line(out, nl);
		html_endpoint_name(out, p);
		for (j = i + 1; j < t->probe_count; j++) {
			q = &t->probes[j];
			if (render_same_str(q->via, via) && html_alike(q, p)) {
				fputs(", ", out);
				html_endpoint_name(out, q);
			}
		}
		fputs(" via ", out);
		esc_html(out, via);
		fputs(": ", out);
		html_result(out, p);
		html_sip(out, p->sip);
		if (p->chain_len > 0 && (c = html_chain_of(h, p)) != NULL) {
			fprintf(out, ", <a href=\"#k%u\">chain %u</a>", c->id, c->id);
		} else if (p->chain_len > 0) {
			fputs(", chain: ", out);
			html_chain_text(out, p);
			html_root_hint(h, out, p, &aia);
		}
	}
}

/* The number of the pool whose lines are buf in the pools section,
 * written there the first time; 0 when there is no room. */
static unsigned html_pool_of(struct render_html *h, const char *buf,
			     size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	uint64_t x;
	size_t i;

	if (h->pools == NULL || h->md_ctx == NULL ||
	    EVP_DigestInit_ex2(h->md_ctx, h->sha256, NULL) != 1 ||
	    EVP_DigestUpdate(h->md_ctx, buf, len) != 1 ||
	    EVP_DigestFinal_ex(h->md_ctx, md, &n) != 1)
		return 0;
	memcpy(&x, md, sizeof x);
	for (i = (size_t)(x % HTML_POOL_SLOTS);; i = (i + 1) % HTML_POOL_SLOTS) {
		if (h->pools[i].id == 0)
			break;
		if (memcmp(h->pools[i].md, md, sizeof h->pools[i].md) == 0)
			return h->pools[i].id;
	}
	if (h->npools >= HTML_POOLS_MAX)
		return 0;
	memcpy(h->pools[i].md, md, sizeof h->pools[i].md);
	h->pools[i].id = ++h->npools;
	fprintf(h->pool_lines, "<li id=\"p%u\">", h->pools[i].id);
	fwrite(buf, 1, len, h->pool_lines);
	fputc('\n', h->pool_lines);
	return h->pools[i].id;
}

/* The endpoints, by the host they were reached through. A pool (a host
 * with more than one endpoint: a hosted provider's is behind thousands
 * of partners) is written once, in the pools section, and linked to. */
static void html_endpoints(struct render_html *h, FILE *out,
			   const struct store_target_row *t, int *nl)
{
	char *buf;
	size_t i, k, len, members;
	unsigned id;
	FILE *m;
	int seen, pnl;

	if (t->probe_count == 0)
		return;
	html_line(out, nl);
	fputs("Endpoints:", out);
	for (i = 0; i < t->probe_count; i++) {
		for (seen = 0, k = 0; k < i && !seen; k++)
			seen = render_same_str(t->probes[k].via, t->probes[i].via);
		if (seen)
			continue;
		for (members = 0, k = i; k < t->probe_count; k++)
			members += render_same_str(t->probes[k].via, t->probes[i].via);
		buf = NULL;
		m = members > 1 ? open_memstream(&buf, &len) : NULL;
		if (m == NULL) {
			html_host_lines(h, out, t, i, nl);
			continue;
		}
		pnl = 0;
		html_host_lines(h, m, t, i, &pnl);
		if (fclose(m) != 0 || (id = html_pool_of(h, buf, len)) == 0) {
			/* no room: the lines in the row */
			if (buf != NULL) {
				html_line(out, nl);
				fwrite(buf, 1, len, out);
				*nl += pnl;
			}
		} else {
			html_line(out, nl);
			esc_html(out, t->probes[i].via);
			fprintf(out, ": <a href=\"#p%u\">pool %u</a>, %zu endpoints",
				id, id, members);
		}
		free(buf);
	}
}

/* Whether finding f says our Edge may lack the partner's root. */
static int html_root_missing(const struct finding *f)
{
	return f->def != NULL && f->probe != NULL && f->probe->chain_len > 0 &&
	       (strcmp(f->def->id, "untrusted_chain") == 0 ||
		strcmp(f->def->id, "incomplete_chain") == 0 ||
		strcmp(f->def->id, "self_signed") == 0);
}

/* Where to get each root that the target's chains end at and that the
 * trust store lacks (an untrusted, incomplete or self-signed chain): what
 * our Edge's administrator needs. A root the store has needs nothing, and
 * the chains section names every chain's root. */
static void html_roots(struct render_html *h, FILE *out,
		       const struct render_target *rt, int *nl)
{
	const struct finding_list *l = rt->all;
	const struct store_probe_row *p, *q;
	const struct html_chain *c;
	size_t i, k;
	int seen;

	for (i = 0; l != NULL && i < l->count; i++) {
		if (!html_root_missing(&l->items[i]))
			continue;
		p = l->items[i].probe;
		for (seen = 0, k = 0; k < i && !seen; k++) {
			q = l->items[k].probe;
			seen = html_root_missing(&l->items[k]) &&
			       render_same_str(q->chain[q->chain_len - 1].issuer,
					 p->chain[p->chain_len - 1].issuer);
		}
		if (seen || (c = html_chain_of(h, p)) == NULL)
			continue;
		html_line(out, nl);
		fputs("Root: ", out);
		esc_html(out, p->chain[p->chain_len - 1].issuer);
		if (c->root != NULL)
			fprintf(out, ", from <a href=\"%s\" rel=\"noreferrer\">"
				"%s's repository</a>", c->root->url, c->root->ca);
		else if (c->aia > 0)
			fprintf(out, ": not a well-known public root, ask the "
				"partner or its CA (<a href=\"#k%u\">chain %u</a> "
				"says where its certificate claims it is)", c->id,
				c->id);
		else
			fputs(": not a well-known public root, ask the partner "
			      "or its CA", out);
	}
}

static void html_findings(FILE *out, const struct render_target *rt, int *nl)
{
	const struct finding *f;
	size_t i;

	html_line(out, nl);
	if (rt->nshown == 0) {
		fputs("No findings.", out);
		return;
	}
	fputs("Findings:", out);
	for (i = 0; i < rt->nshown; i++) {
		f = rt->shown[i];
		html_line(out, nl);
		fprintf(out, "%s %s: ", finding_severity_name(f->severity),
			f->def != NULL ? f->def->id : "?");
		esc_html(out, f->message);
		if (f->probe != NULL) {
			fputs(" (", out);
			html_endpoint_name(out, f->probe);
			fputc(')', out);
		}
	}
}

/* The DNS answers the target used, on one line, each name once with
 * the types asked of it; a code is named when it is not NOERROR. */
static void html_dns(FILE *out, const struct store_target_row *t, int *nl)
{
	const struct store_dns_answer_row *a;
	size_t i, k;
	int seen, n;

	if (t->dns_count == 0)
		return;
	html_line(out, nl);
	fputs("DNS: ", out);
	for (n = 0, i = 0; i < t->dns_count; i++) {
		for (seen = 0, k = 0; k < i && !seen; k++)
			seen = render_same_str(t->dns[k].name, t->dns[i].name);
		if (seen)
			continue;
		if (n++ > 0)
			fputs("; ", out);
		esc_html(out, t->dns[i].name);
		for (k = i; k < t->dns_count; k++) {
			a = &t->dns[k];
			if (!render_same_str(a->name, t->dns[i].name))
				continue;
			fputs(k == i ? " " : ", ", out);
			esc_html(out, a->type);
			if (a->rcode != NULL && strcmp(a->rcode, "NOERROR") != 0) {
				fputc(' ', out);
				esc_html(out, a->rcode);
			}
		}
	}
}

/* The finding ids of the target, space-separated (an attribute: the ids
 * are the registry's, [a-z_]). */
static void html_ids(FILE *out, const struct render_target *rt)
{
	size_t i, k;
	int dup, any = 0;

	for (i = 0; i < rt->nshown; i++) {
		if (rt->shown[i]->def == NULL)
			continue;
		for (dup = 0, k = 0; k < i && !dup; k++)
			dup = rt->shown[k]->def == rt->shown[i]->def;
		if (!dup)
			fprintf(out, "%s%s", any++ ? " " : "", rt->shown[i]->def->id);
	}
}

/* Opens a row's details: a <details> for the first rows of a status,
 * else a hidden <div> (HTML_ROWS_FIRST). Returns 1 for a <details>. */
static int html_details_open(struct render_html *h, FILE *out, int status)
{
	if (h->written[status]++ < HTML_ROWS_FIRST) {
		fputs("<details><summary>details</summary>", out);
		return 1;
	}
	fputs("<div class=\"dd\" hidden>", out);
	return 0;
}

int render_html_target(struct render_html *h, const struct render_target *rt)
{
	const struct store_target_row *t = rt->row;
	const char *label = render_status_label((enum report_status)rt->status);
	const struct store_cert_row *leaf;
	const struct finding *worst = html_worst(rt);
	FILE *out = h->rows[rt->status];
	size_t i, answered = 0;
	time_t when = 0;
	char day[11];
	int nl = 0, first;

	html_tally(h, t, rt->now != 0 ? rt->now : h->now);
	for (i = 0; i < t->probe_count; i++)
		answered += t->probes[i].error_kind == NULL;
	fprintf(out, "<tbody data-i=\"%ld\" data-status=\"%s\" data-findings=\"",
		t->line, label);
	html_ids(out, rt);
	fprintf(out, "\"><tr><td data-v=\"%d\">%s<td>",
		html_rank((enum report_status)rt->status), label);
	esc_html(out, t->domain);
	fputs("<td>", out);
	esc_html(out, t->type);
	fputs("<td>", out);
	if (t->port > 0)
		fprintf(out, "%d", t->port);
	if (worst != NULL && worst->def != NULL) {
		fprintf(out, "<td class=\"%c\">%s",
			finding_severity_name(worst->severity)[0], worst->def->id);
		if (rt->nshown > 1)
			fprintf(out, " (+%zu)", rt->nshown - 1);
	} else {
		fputs("<td>", out);
	}
	leaf = html_first_expiry(t, &when);
	if (leaf != NULL) {
		snprintf(day, sizeof day, "%.10s", leaf->not_after);
		fputs("<td>", out);
		esc_html(out, day);
		fprintf(out, "<td>%lld",
			utc_days_left(when, rt->now != 0 ? rt->now : h->now));
	} else {
		fputs("<td><td>", out);
	}
	/* optional end tags left out: a row is 13,000 times in a page */
	fprintf(out, "<td>%zu/%zu<tr class=\"d\"><td colspan=\"8\">",
		answered, t->probe_count);
	first = html_details_open(h, out, rt->status);
	if (t->error_kind != NULL) {
		html_line(out, &nl);
		esc_html(out, t->error_kind);
		fputs(": ", out);
		esc_html(out, t->error_reason);
	}
	html_findings(out, rt, &nl);
	html_endpoints(h, out, t, &nl);
	html_roots(h, out, rt, &nl);
	html_dns(out, t, &nl);
	fputs(first ? "</details></tbody>\n" : "</div></tbody>\n", out);
	return ferror(out) ? -1 : 0;
}

int render_html_input_error(struct render_html *h, const char *input,
			    const struct store_input_error_row *e)
{
	FILE *out = h->rows[REPORT_STATUS_INPUT_ERROR];
	char domain[FC_DNS_NAME_MAX + 1];
	int first;

	render_input_error_domain(e, domain, sizeof domain);
	fprintf(out, "<tbody data-i=\"%ld\" data-status=\"INPUT_ERROR\" "
		"data-findings=\"\"><tr><td data-v=\"%d\">INPUT_ERROR<td>",
		e->line, html_rank(REPORT_STATUS_INPUT_ERROR));
	esc_html(out, domain);
	fputs("<td><td><td>", out);
	esc_html(out, e->reason);
	fputs("<td><td><td><tr class=\"d\"><td colspan=\"8\">", out);
	first = html_details_open(h, out, REPORT_STATUS_INPUT_ERROR);
	esc_html(out, input);
	fprintf(out, ":%ld: ", e->line);
	esc_html(out, e->reason);
	fputc('\n', out);
	esc_html(out, e->raw);
	fputs(first ? "</details></tbody>\n" : "</div></tbody>\n", out);
	return ferror(out) ? -1 : 0;
}

/* ---- The page ------------------------------------------------------------ */

static void html_head(FILE *out, const struct store_scan_row *scan)
{
	char style[64], script[64];

	html_hash(html_style, style);
	html_hash(html_script, script);
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	      "<meta name=\"viewport\" content=\"width=device-width,"
	      "initial-scale=1\">", out);
	fprintf(out, "<meta http-equiv=\"Content-Security-Policy\" content=\""
		"default-src 'none'; style-src '%s'; script-src '%s'; "
		"img-src 'none'; base-uri 'none'; form-action 'none'\">",
		style, script);
	fprintf(out, "<title>fedcert report: scan %lld</title><style>%s</style>"
		"</head><body>\n", (long long)scan->id, html_style);
}

/* The expiry timeline: a bar per week (and one for what has expired), as
 * inline SVG with its labels, and the table behind it. */
static void html_timeline(struct render_html *h, FILE *out)
{
	size_t max = h->expired, i, n;
	char day[UTC_TEXT_MAX];
	int x, bh;

	for (i = 0; i < HTML_WEEKS; i++)
		if (h->weeks[i] > max)
			max = h->weeks[i];
	fputs("<section><h2>When certificates expire</h2><p>Targets by the week "
	      "in which the first certificate they present expires (the leaf, or "
	      "an intermediate that expires before it), over the next 12 months."
	      "</p>", out);
	fprintf(out, "<svg class=\"chart\" viewBox=\"0 0 %d 150\" width=\"%d\" "
		"height=\"150\" role=\"img\" aria-label=\"targets by week of "
		"first expiry\">", 40 + 14 * (HTML_WEEKS + 1),
		40 + 14 * (HTML_WEEKS + 1));
	for (i = 0; i <= HTML_WEEKS; i++) {
		n = i == 0 ? h->expired : h->weeks[i - 1];
		bh = max > 0 ? (int)(100 * n / max) : 0;
		x = 30 + 14 * (int)i;
		fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"11\" height=\"%d\" "
			"fill=\"%s\"><title>%s: %zu</title></rect>", x, 110 - bh,
			bh, i == 0 ? "#b3261e" : i <= 4 ? "#c77c00" : "#4a6fa5",
			i == 0 ? "expired" : "week", n);
		if (i == 0 || (i > 1 && (i - 1) % 13 == 0)) {
			if (i == 0)
				snprintf(day, sizeof day, "expired");
			else
				utc_format(h->now + (time_t)(i - 1) * 7 * UTC_DAY_SECONDS,
					   day);
			fprintf(out, "<text x=\"%d\" y=\"126\" font-size=\"10\">"
				"%.10s</text>", x, day);
		}
	}
	fprintf(out, "<text x=\"0\" y=\"12\" font-size=\"10\">%zu</text>"
		"<line x1=\"28\" y1=\"110\" x2=\"%d\" y2=\"110\" "
		"stroke=\"#999\"/></svg>", max, 40 + 14 * (HTML_WEEKS + 1));
	fprintf(out, "<details><summary>the numbers</summary><table><thead><tr>"
		"<th>week from</th><th class=\"n\">targets</th></tr></thead><tbody>"
		"<tr><td>already expired</td><td class=\"n\">%zu</td></tr>",
		h->expired);
	for (i = 0; i < HTML_WEEKS; i++) {
		utc_format(h->now + (time_t)i * 7 * UTC_DAY_SECONDS, day);
		fprintf(out, "<tr><td>%.10s</td><td class=\"n\">%zu</td></tr>",
			day, h->weeks[i]);
	}
	fprintf(out, "<tr><td>later</td><td class=\"n\">%zu</td></tr></tbody>"
		"</table></details></section>\n", h->later);
}

static void html_overview(FILE *out, const struct store_scan_row *scan,
			  enum report_profile profile,
			  const struct render_totals *tot,
			  const struct store_scan_summary *counts)
{
	const struct finding_def *defs;
	size_t n, i, k, best;
	size_t *done;
	char line[512];
	int s;

	fprintf(out, "<header><h1>Federation certificate audit</h1>"
		"<p class=\"scan\">Scan %lld of <code>", (long long)scan->id);
	esc_html(out, scan->input);
	fputs("</code>, started ", out);
	esc_html(out, scan->started);
	fputs(", finished ", out);
	esc_html(out, scan->finished ? scan->finished : "-");
	fputs(" (", out);
	esc_html(out, scan->status);
	fprintf(out, "). %lld endpoints probed, %lld failed.</p>"
		"<p class=\"profile\">Judged by the rules of <code>--profile "
		"%s</code> (%s).</p>",
		(long long)counts->endpoints, (long long)counts->endpoints_failed,
		report_profile_name(profile), report_profile_title(profile));
	if (render_incomplete(counts, scan->input, line, sizeof(line))) {
		fputs("<p class=\"incomplete\"><strong>", out);
		esc_html(out, line);
		fputs("</strong></p>", out);
	}
	fputs("</header>\n", out);
	fprintf(out, "<section><h2>Targets by status</h2><div class=\"boxes\">");
	for (i = 0; i < REPORT_NSTATUS; i++) {
		s = (int)html_order[i];
		fprintf(out, "<div class=\"box %s\"><b>%zu</b>%s</div>",
			render_status_label((enum report_status)s), tot->status[s],
			render_status_label((enum report_status)s));
	}
	fprintf(out, "<div class=\"box\"><b>%zu</b>targets</div></div></section>\n",
		tot->targets);
	defs = findings_registry(&n);
	fputs("<section><h2>Findings, by targets that have them</h2>", out);
	done = calloc(n, sizeof(*done));
	fputs("<table><thead><tr><th>finding</th><th class=\"n\">targets</th>"
	      "<th>why it matters</th></tr></thead><tbody>", out);
	/* most first, in registry order among equals */
	for (k = 0; done != NULL && k < n && k < tot->nfindings; k++) {
		best = n;
		for (i = 0; i < n && i < tot->nfindings; i++)
			if (!done[i] && tot->by_finding[i] > 0 &&
			    (best == n || tot->by_finding[i] > tot->by_finding[best]))
				best = i;
		if (best == n)
			break;
		done[best] = 1;
		fprintf(out, "<tr><td><code>%s</code></td><td class=\"n\">%zu</td>"
			"<td>", defs[best].id, tot->by_finding[best]);
		esc_html(out, defs[best].why);
		fputs("</td></tr>", out);
	}
	free(done);
	fputs("</tbody></table></section>\n", out);
}

static void html_filters(FILE *out, const struct render_totals *tot)
{
	const struct finding_def *defs;
	size_t n, i;

	fputs("<section><h2>Partners</h2><div class=\"filters\">"
	      "<label>Status <select id=\"f-status\"><option value=\"\">all"
	      "</option>", out);
	for (i = 0; i < REPORT_NSTATUS; i++)
		fprintf(out, "<option>%s</option>",
			render_status_label(html_order[i]));
	fputs("</select></label><label>Finding <select id=\"f-finding\">"
	      "<option value=\"\">any</option>", out);
	defs = findings_registry(&n);
	for (i = 0; i < n && i < tot->nfindings; i++)
		if (tot->by_finding[i] > 0)
			fprintf(out, "<option>%s</option>", defs[i].id);
	fprintf(out, "</select></label><label>Text <input id=\"f-text\" "
		"type=\"search\"></label><span><span id=\"shown\">%zu</span> "
		"shown</span><button type=\"button\" id=\"more\" hidden>show "
		"all</button></div>\n", tot->targets);
}

/* Each error finding that some target had in one of the scans drawn:
 * a line of its counts per scan (SVG, with the first, the newest and the
 * highest count written beside it), and the table of every count. */
static void html_trend_errors(FILE *out, const struct render_trend *tr)
{
	const struct finding_def *defs;
	size_t n, i, k, nshown = 0, w = 6;
	int64_t max, v;
	unsigned char *shown;

	defs = findings_registry(&n);
	shown = calloc(n, 1);
	if (shown == NULL)
		return;
	for (k = 0; k < n; k++) {
		for (i = 0; i < tr->count && !shown[k]; i++)
			if (tr->scans[i].errors != NULL && tr->scans[i].errors[k] > 0)
				shown[k] = 1;
		nshown += shown[k];
	}
	if (nshown == 0) {
		fputs("<h3>Error findings</h3><p>No target had an error finding "
		      "in these scans.</p>", out);
		free(shown);
		return;
	}
	fputs("<h3>Error findings</h3><p>Targets with each error finding, scan "
	      "by scan.</p><table class=\"spark\"><thead><tr><th>finding</th>"
	      "<th>over the scans</th><th class=\"n\">first</th><th class=\"n\">"
	      "highest</th><th class=\"n\">now</th></tr></thead><tbody>", out);
	for (k = 0; k < n; k++) {
		if (!shown[k])
			continue;
		for (max = 0, i = 0; i < tr->count; i++)
			if (tr->scans[i].errors != NULL && tr->scans[i].errors[k] > max)
				max = tr->scans[i].errors[k];
		/* the highest count written left of the line */
		fprintf(out, "<tr><td><code>%s</code></td><td><svg viewBox=\"0 0 "
			"%zu 24\" width=\"%zu\" height=\"24\" role=\"img\" "
			"aria-label=\"%s per scan\"><polyline fill=\"none\" "
			"stroke=\"#b3261e\" stroke-width=\"1.5\" points=\"",
			defs[k].id, w * (tr->count - 1) + 40, w * (tr->count - 1) + 40,
			defs[k].id);
		for (i = 0; i < tr->count; i++) {
			v = tr->scans[i].errors != NULL ? tr->scans[i].errors[k] : 0;
			fprintf(out, "%s%zu,%lld", i ? " " : "", 38 + w * i,
				(long long)(22 - (max > 0 ? 20 * v / max : 0)));
		}
		fprintf(out, "\"/><text x=\"0\" y=\"8\" font-size=\"8\">%lld"
			"</text></svg></td>", (long long)max);
		fprintf(out, "<td class=\"n\">%lld</td><td class=\"n\">%lld</td>"
			"<td class=\"n\">%lld</td></tr>",
			(long long)(tr->scans[0].errors ? tr->scans[0].errors[k] : 0),
			(long long)max,
			(long long)(tr->scans[tr->count - 1].errors
				    ? tr->scans[tr->count - 1].errors[k] : 0));
	}
	fputs("</tbody></table><details><summary>the numbers</summary>"
	      "<div class=\"wrap\"><table><thead><tr><th>scan</th>", out);
	for (k = 0; k < n; k++)
		if (shown[k])
			fprintf(out, "<th class=\"n\">%s</th>", defs[k].id);
	fputs("</tr></thead><tbody>", out);
	for (i = tr->count; i-- > 0;) {
		fprintf(out, "<tr><td class=\"n\">%lld</td>",
			(long long)tr->scans[i].id);
		for (k = 0; k < n; k++)
			if (shown[k])
				fprintf(out, "<td class=\"n\">%lld</td>",
					(long long)(tr->scans[i].errors
						    ? tr->scans[i].errors[k] : 0));
		fputs("</tr>", out);
	}
	fputs("</tbody></table></div></details>", out);
	free(shown);
}

/* PASS, WARN and FAIL per scan as stacked bars (SVG, with its labels),
 * and the table behind them. */
static void html_trend(FILE *out, const struct render_trend *tr)
{
	static const char *const colour[3] = { "#1e6b34", "#c77c00", "#b3261e" };
	static const char *const name[3] = { "PASS", "WARN", "FAIL" };
	int64_t max = 0, total, y;
	size_t i, k, w = 24;
	int hgt;

	if (tr == NULL || tr->count < 2)
		return;
	for (i = 0; i < tr->count; i++) {
		total = tr->scans[i].status[0] + tr->scans[i].status[1] +
			tr->scans[i].status[2];
		if (total > max)
			max = total;
	}
	fprintf(out, "<section><h2>Over the last %zu scans</h2><p>Targets by "
		"status in each scan, as each was judged when it ended.", tr->count);
	if (tr->left_out > 0)
		fprintf(out, " %zu scans without kept verdicts are not drawn "
			"(<code>fedcert judge</code> keeps them).", tr->left_out);
	fprintf(out, "</p><svg class=\"chart\" viewBox=\"0 0 %zu 150\" "
		"width=\"%zu\" height=\"150\" role=\"img\" aria-label=\"targets "
		"by status per scan\">", 40 + w * tr->count, 40 + w * tr->count);
	for (i = 0; i < tr->count; i++) {
		y = 110;
		for (k = 3; k-- > 0;) {
			hgt = max > 0 ? (int)(100 * tr->scans[i].status[k] / max) : 0;
			y -= hgt;
			fprintf(out, "<rect x=\"%zu\" y=\"%lld\" width=\"%zu\" "
				"height=\"%d\" fill=\"%s\"><title>scan %lld: %lld %s"
				"</title></rect>", 30 + w * i, (long long)y, w - 4, hgt,
				colour[k], (long long)tr->scans[i].id,
				(long long)tr->scans[i].status[k], name[k]);
		}
	}
	fprintf(out, "<text x=\"30\" y=\"126\" font-size=\"10\">%.10s</text>"
		"<text x=\"%zu\" y=\"126\" font-size=\"10\" "
		"text-anchor=\"end\">%.10s</text>"
		"<text x=\"0\" y=\"12\" font-size=\"10\">%lld</text></svg>",
		tr->scans[0].started ? tr->scans[0].started : "",
		26 + w * tr->count,
		tr->scans[tr->count - 1].started ? tr->scans[tr->count - 1].started : "",
		(long long)max);
	fputs("<details><summary>the numbers</summary><table><thead><tr><th>scan"
	      "</th><th>started</th><th class=\"n\">FAIL</th><th class=\"n\">"
	      "WARN</th><th class=\"n\">PASS</th></tr></thead><tbody>", out);
	for (i = tr->count; i-- > 0;) {
		fprintf(out, "<tr><td class=\"n\">%lld</td><td>",
			(long long)tr->scans[i].id);
		esc_html(out, tr->scans[i].started);
		fprintf(out, "</td><td class=\"n\">%lld</td><td class=\"n\">%lld"
			"</td><td class=\"n\">%lld</td></tr>",
			(long long)tr->scans[i].status[2],
			(long long)tr->scans[i].status[1],
			(long long)tr->scans[i].status[0]);
	}
	fputs("</tbody></table></details>", out);
	html_trend_errors(out, tr);
	fputs("</section>\n", out);
}

int render_html_write(struct render_html *h, FILE *out,
		      const struct store_scan_row *scan,
		      const struct render_totals *tot,
		      const struct store_scan_summary *counts,
		      const struct render_trend *trend, FILE *diff,
		      struct render_outlook *outlook)
{
	size_t i;

	html_head(out, scan);
	html_overview(out, scan, h->profile, tot, counts);
	html_trend(out, trend);
	if (diff != NULL && render_copy_file(diff, out) != 0)
		return -1;
	html_timeline(h, out);
	if (outlook != NULL)
		render_outlook_html(outlook, out, scan, h->now);
	fputs("<section><h2>What the federation depends on</h2><div class=\"parts\">",
	      out);
	html_counter_table(out, &h->roots, "Roots", "root CA", "targets");
	html_counter_table(out, &h->issuers, "Issuing CAs", "issuer of the leaf",
			   "targets");
	html_counter_table(out, &h->tls, "TLS versions", "version", "endpoints");
	html_counter_table(out, &h->client, "Client certificate", "outcome",
			   "endpoints");
	fputs("</div></section>\n", out);
	html_filters(out, tot);
	fputs("<div class=\"wrap\"><table id=\"partners\"><thead><tr>"
	      "<th>status</th><th>domain</th><th>type</th><th class=\"n\">port"
	      "</th><th>worst finding</th><th>not after</th>"
	      "<th class=\"n\">days left</th><th class=\"n\">"
	      "endpoints</th></tr></thead>\n", out);
	for (i = 0; i < REPORT_NSTATUS; i++)
		if (render_copy_file(h->rows[html_order[i]], out) != 0)
			return -1;
	/* Closed: thousands of pools and chains are not laid out until
	 * asked for (a row's link opens them). */
	fputs("</table></div></section>\n", out);
	if (h->npools > 0) {
		fprintf(out, "<section><h2>Pools of endpoints</h2><details "
			"id=\"pools\"><summary>%u pools (a host with more than one "
			"endpoint), each written once</summary><ol>", h->npools);
		if (render_copy_file(h->pool_lines, out) != 0)
			return -1;
		fputs("</ol></details></section>\n", out);
	}
	fprintf(out, "<section><h2>Chains presented"
		"</h2><details id=\"chains\"><summary>%u distinct chains, each "
		"written once</summary><ol>", h->nchains);
	if (render_copy_file(h->chains, out) != 0)
		return -1;
	fprintf(out, "</ol></details></section>\n<footer><p>fedcert %s</p>"
		"</footer><script>%s</script></body></html>\n", FEDCERT_VERSION,
		html_script);
	return ferror(out) ? -1 : 0;
}
