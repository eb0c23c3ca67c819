/* events.c: the trust events table (events.h): read with libcsv, checked
 * field by field, and matched against a chain.
 *
 * The form, as data/trust-events.csv explains it in its own comments:
 * lines starting with '#' before the header are comments; the header is
 * exactly id,date,kind,program,match,value,what,keeps,source; each row is one
 * event. An error names the file, the line and the field.
 */
#include "report/judge/events.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>
#include <openssl/x509_vfy.h>

#include "common/cert.h"
#include "common/utc.h"

/* The built-in table, made from data/trust-events.csv at build time
 * (cmake/embed.cmake). */
extern const unsigned char fc_trust_events_csv[];
extern const size_t fc_trust_events_csv_len;

#define EVENTS_FIELDS 9
#define EVENTS_FIELD_MAX 2048 /* bytes in one field */
#define EVENTS_ROWS_MAX 10000 /* rows in all the tables of one command */
#define EVENTS_FILE_MAX (4 * 1024 * 1024)

static const char *const columns[EVENTS_FIELDS] = {
	"id", "date", "kind", "program", "match", "value", "what", "keeps",
	"source"
};

static const char *const kinds[] = { "client_auth_removed", "distrust_after",
				     "root_removed" };
static const char *const matches[] = { "issuer_org", "root_org",
				       "root_name" };
static const char *const programs[] = { "ca", "microsoft", "mozilla",
					"chrome", "apple" };

const char *trust_event_program_name(enum trust_event_program p)
{
	return (size_t)p < sizeof programs / sizeof programs[0] ? programs[p]
							      : "?";
}

const char *trust_event_kind_name(enum trust_event_kind k)
{
	return (size_t)k < sizeof kinds / sizeof kinds[0] ? kinds[k] : "?";
}

/* One table being read. */
struct reader {
	struct trust_events *t;
	const char *name;
	unsigned long line;  /* of the row being read */
	int header_seen;
	char *field[EVENTS_FIELDS];
	size_t nfields;
	int too_many;
	char *err;
	size_t errlen;
	int failed; /* err holds why */
};

static void fail(struct reader *r, const char *column, const char *fmt,
		 const char *value)
{
	char v[80];

	if (r->failed)
		return;
	/* The value as evidence, cut, without control bytes. */
	snprintf(v, sizeof v, "%s", value ? value : "");
	for (char *c = v; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	snprintf(r->err, r->errlen, "%s:%lu: %s: ", r->name, r->line,
		 column ? column : "row");
	snprintf(r->err + strlen(r->err), r->errlen - strlen(r->err), fmt, v);
	r->failed = 1;
}

static void on_field(void *s, size_t len, void *data)
{
	struct reader *r = data;

	if (r->failed)
		return;
	if (r->nfields >= EVENTS_FIELDS) {
		r->too_many = 1;
		return;
	}
	if (len > EVENTS_FIELD_MAX) {
		fail(r, columns[r->nfields], "longer than 2048 bytes", NULL);
		return;
	}
	r->field[r->nfields] = strndup(s ? s : "", len);
	if (r->field[r->nfields] == NULL) {
		fail(r, NULL, "out of memory%s", "");
		return;
	}
	if (strlen(r->field[r->nfields]) != len)
		fail(r, columns[r->nfields], "holds a NUL byte%s", "");
	r->nfields++;
}

static void clear_fields(struct reader *r)
{
	size_t i;

	for (i = 0; i < r->nfields; i++)
		free(r->field[i]);
	r->nfields = 0;
	r->too_many = 0;
}

static int one_of(const char *v, const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v, names[i]) == 0)
			return (int)i;
	return -1;
}

static int parse_day(const char *v, time_t *out)
{
	char iso[UTC_TEXT_MAX + 8];
	size_t i;

	if (strlen(v) != 10)
		return -1;
	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? v[i] != '-'
				     : (v[i] < '0' || v[i] > '9'))
			return -1;
	snprintf(iso, sizeof iso, "%sT00:00:00Z", v);
	if (utc_parse(iso, out) != 0)
		return -1;
	/* utc_parse() normalises 2027-02-30: the day must read back. */
	{
		char back[UTC_TEXT_MAX];

		utc_format(*out, back);
		if (strncmp(back, v, 10) != 0)
			return -1;
	}
	return 0;
}

static int url_ok(const char *v)
{
	return (strncmp(v, "https://", 8) == 0 && v[8] != '\0') ||
	       (strncmp(v, "http://", 7) == 0 && v[7] != '\0');
}

static void digest_add(uint32_t *h, const char *s)
{
	for (; *s; s++)
		*h = (*h ^ (unsigned char)*s) * 16777619u;
	*h = (*h ^ 0x1f) * 16777619u;
}

static void take_row(struct reader *r)
{
	struct trust_events *t = r->t;
	struct trust_event e = { 0 };
	int k, m, g;
	size_t i;

	if (r->too_many || r->nfields != EVENTS_FIELDS) {
		char n[24];

		snprintf(n, sizeof n, "%s%zu", r->too_many ? "more than " : "",
			 r->nfields);
		fail(r, NULL, "has %s fields, not the 9 of "
			      "id,date,kind,program,match,value,what,keeps,source", n);
		return;
	}
	if (!r->header_seen) {
		for (i = 0; i < EVENTS_FIELDS; i++)
			if (strcmp(r->field[i], columns[i]) != 0) {
				fail(r, NULL, "the header must be exactly "
					      "id,date,kind,program,match,value,"
					      "what,keeps,source, not one that "
					      "starts \"%s\"", r->field[0]);
				return;
			}
		r->header_seen = 1;
		return;
	}
	if (r->field[0][0] == '\0') {
		fail(r, "id", "is empty%s", "");
		return;
	}
	for (i = 0; i < t->count; i++) {
		if (strcmp(t->items[i].id, r->field[0]) == 0) {
			fail(r, "id", "\"%s\" is already in the table",
			     r->field[0]);
			return;
		}
	}
	if (parse_day(r->field[1], &e.date) != 0) {
		fail(r, "date", "\"%s\" is not a day (YYYY-MM-DD)",
			    r->field[1]);
		return;
	}
	if ((k = one_of(r->field[2], kinds, 3)) < 0) {
		fail(r, "kind", "\"%s\" is not client_auth_removed, "
				       "distrust_after or root_removed",
			    r->field[2]);
		return;
	}
	if ((g = one_of(r->field[3], programs, 5)) < 0) {
		fail(r, "program", "\"%s\" is not ca, microsoft, mozilla, "
				   "chrome or apple", r->field[3]);
		return;
	}
	if ((m = one_of(r->field[4], matches, 3)) < 0) {
		fail(r, "match", "\"%s\" is not issuer_org, root_org "
					"or root_name", r->field[4]);
		return;
	}
	if (r->field[5][0] == '\0') {
		fail(r, "value", "is empty%s", "");
		return;
	}
	if (strcmp(r->field[5], "*") == 0 && m != TRUST_MATCH_ROOT_ORG) {
		fail(r, "value", "\"%s\" (any public CA) goes only with "
					"match root_org", r->field[5]);
		return;
	}
	if (r->field[6][0] == '\0') {
		fail(r, "what", "is empty%s", "");
		return;
	}
	if (!url_ok(r->field[8])) {
		fail(r, "source", "\"%s\" is not an http(s) URL: every "
					 "event names the notice it comes from",
			    r->field[8]);
		return;
	}
	if (t->count >= EVENTS_ROWS_MAX) {
		fail(r, NULL, "more than 10000 events%s", "");
		return;
	}
	if (t->count == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 32;
		struct trust_event *items = realloc(t->items,
						    cap * sizeof *items);

		if (items == NULL) {
			fail(r, NULL, "out of memory%s", "");
			return;
		}
		t->items = items;
		t->cap = cap;
	}
	memcpy(e.day, r->field[1], 10);
	e.kind = (enum trust_event_kind)k;
	e.program = (enum trust_event_program)g;
	e.match = (enum trust_event_match)m;
	e.id = r->field[0];
	e.value = r->field[5];
	e.what = r->field[6];
	e.keeps = r->field[7];
	e.source = r->field[8];
	for (i = 1; i <= 4; i++) {
		digest_add(&t->digest, r->field[i]);
		free(r->field[i]);
	}
	for (i = 0; i < EVENTS_FIELDS; i++)
		if (i < 1 || i > 4)
			digest_add(&t->digest, r->field[i]);
	r->nfields = 0; /* the strings now belong to the event */
	t->items[t->count++] = e;
}

static void on_row(int c, void *data)
{
	struct reader *r = data;

	(void)c;
	if (!r->failed)
		take_row(r);
	clear_fields(r);
}

int trust_events_parse(struct trust_events *t, const char *name,
		       const char *data, size_t len, char *err, size_t errlen)
{
	struct reader r = { .t = t, .name = name, .line = 1, .err = err,
			    .errlen = errlen };
	struct csv_parser p;
	size_t pos = 0;
	int at_top = 1;

	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;
	while (pos < len && !r.failed) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (data + pos)) + 1 : len - pos;

		/* Comments: whole lines starting with '#' before the
		 * header. */
		if (at_top && data[pos] == '#') {
			pos += n;
			r.line++;
			continue;
		}
		if (at_top && strspn(data + pos, " \t\r\n") >= n) {
			pos += n;
			r.line++;
			continue;
		}
		at_top = 0;
		if (csv_parse(&p, data + pos, n, on_field, on_row, &r) != n &&
		    !r.failed) {
			r.failed = 1;
			snprintf(err, errlen, "%s:%lu: %s", name, r.line,
				 csv_strerror(csv_error(&p)));
		}
		pos += n;
		r.line++; /* a row is named by its last line */
	}
	if (!r.failed && csv_fini(&p, on_field, on_row, &r) != 0 && !r.failed) {
		r.failed = 1;
		snprintf(err, errlen, "%s:%lu: %s", name, r.line,
			 csv_strerror(csv_error(&p)));
	}
	clear_fields(&r);
	csv_free(&p);
	if (!r.failed && !r.header_seen) {
		snprintf(err, errlen, "%s: no header line "
			 "(id,date,kind,program,match,value,what,keeps,source)", name);
		return -1;
	}
	return r.failed ? -1 : 0;
}

int trust_events_load_builtin(struct trust_events *t, char *err,
			      size_t errlen)
{
	return trust_events_parse(t, "data/trust-events.csv",
				  (const char *)fc_trust_events_csv,
				  fc_trust_events_csv_len, err, errlen);
}

int trust_events_load_file(struct trust_events *t, const char *path,
			   char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0;
	int rc = -1;

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	buf = malloc(EVENTS_FILE_MAX + 1);
	if (buf == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	len = fread(buf, 1, EVENTS_FILE_MAX + 1, f);
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (len > EVENTS_FILE_MAX) {
		snprintf(err, errlen, "%s: larger than 4 MB", path);
		goto out;
	}
	rc = trust_events_parse(t, path, buf, len, err, errlen);
out:
	free(buf);
	fclose(f);
	return rc;
}

void trust_events_free(struct trust_events *t)
{
	size_t i;

	for (i = 0; i < t->count; i++) {
		free(t->items[i].id);
		free(t->items[i].value);
		free(t->items[i].what);
		free(t->items[i].keeps);
		free(t->items[i].source);
	}
	free(t->items);
	for (i = 0; i < t->nseen; i++)
		OPENSSL_free(t->seen[i].der);
	X509_STORE_free(t->system);
	memset(t, 0, sizeof *t);
}

/* ---- Matching ------------------------------------------------------------ */

/* Appends name's O= values (UTF-8) to orgs, at most TRUST_CHAIN_ORGS. */
static int orgs_of(const X509_NAME *name, char **orgs, size_t *n)
{
	int i = -1;

	while (*n < TRUST_CHAIN_ORGS &&
	       (i = X509_NAME_get_index_by_NID(name, NID_organizationName,
					       i)) >= 0) {
		const ASN1_STRING *s = X509_NAME_ENTRY_get_data(
			X509_NAME_get_entry(name, i));
		unsigned char *utf8 = NULL;
		int len = ASN1_STRING_to_UTF8(&utf8, s);

		if (len < 0)
			continue;
		orgs[*n] = strndup((const char *)utf8, (size_t)len);
		OPENSSL_free(utf8);
		if (orgs[*n] == NULL)
			return -1;
		(*n)++;
	}
	return 0;
}

static int org_is(char *const *orgs, size_t n, const char *value)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(orgs[i], value) == 0)
			return 1;
	return 0;
}

/* The name of the chain's root: the top certificate's subject when it is
 * self-issued, else its issuer. */
static const X509_NAME *root_of(X509 *const *certs, size_t n)
{
	X509 *top = NULL;
	size_t i;

	for (i = 0; i < n; i++)
		if (certs[i] != NULL)
			top = certs[i];
	if (top == NULL)
		return NULL;
	if (X509_check_issued(top, top) == X509_V_OK)
		return X509_get_subject_name(top);
	return X509_get_issuer_name(top);
}

void trust_chain_free(struct trust_chain *c)
{
	size_t i;

	for (i = 0; i < c->nissuer_org; i++)
		free(c->issuer_org[i]);
	for (i = 0; i < c->nroot_org; i++)
		free(c->root_org[i]);
	free(c->root_text);
	memset(c, 0, sizeof *c);
}

int trust_chain_init(struct trust_chain *c, X509 *const *certs, size_t n)
{
	memset(c, 0, sizeof *c);
	c->in_system = -1;
	if (n == 0 || certs[0] == NULL)
		return 0;
	c->root = root_of(certs, n);
	if (orgs_of(X509_get_issuer_name(certs[0]), c->issuer_org,
		    &c->nissuer_org) != 0 ||
	    (c->root != NULL &&
	     (orgs_of(c->root, c->root_org, &c->nroot_org) != 0 ||
	      (c->root_text = cert_name_text(c->root)) == NULL))) {
		trust_chain_free(c);
		return -1;
	}
	return 0;
}

static int in_system_store_now(struct trust_events *t,
			       const X509_NAME *name);

/* Whether name is a subject in the system's default trust store: asked
 * once per name while it stays among the last TRUST_EVENTS_SEEN. */
static int in_system_store(struct trust_events *t, const X509_NAME *name)
{
	unsigned char *der = NULL;
	int len = i2d_X509_NAME((X509_NAME *)name, &der), found;
	struct trust_events_seen *s;
	size_t i;

	if (len <= 0)
		return in_system_store_now(t, name);
	for (i = 0; i < t->nseen; i++)
		if (t->seen[i].len == len &&
		    memcmp(t->seen[i].der, der, (size_t)len) == 0) {
			OPENSSL_free(der);
			return t->seen[i].found;
		}
	found = in_system_store_now(t, name);
	s = &t->seen[t->next_seen];
	OPENSSL_free(s->der);
	*s = (struct trust_events_seen){ der, len, found };
	t->next_seen = (t->next_seen + 1) % TRUST_EVENTS_SEEN;
	if (t->nseen < TRUST_EVENTS_SEEN)
		t->nseen++;
	return found;
}

static int in_system_store_now(struct trust_events *t, const X509_NAME *name)
{
	X509_STORE_CTX *ctx;
	X509_OBJECT *obj;
	int found = 0;

	if (!t->system_tried) {
		t->system_tried = 1;
		t->system = X509_STORE_new();
		if (t->system != NULL &&
		    X509_STORE_set_default_paths(t->system) != 1) {
			X509_STORE_free(t->system);
			t->system = NULL;
		}
	}
	if (t->system == NULL || (ctx = X509_STORE_CTX_new()) == NULL)
		return 0;
	if (X509_STORE_CTX_init(ctx, t->system, NULL, NULL) == 1 &&
	    (obj = X509_STORE_CTX_get_obj_by_subject(ctx, X509_LU_X509,
						     (X509_NAME *)name)) != NULL) {
		found = 1;
		X509_OBJECT_free(obj);
	}
	X509_STORE_CTX_free(ctx);
	return found;
}

int trust_event_matches(struct trust_events *t, const struct trust_event *e,
			struct trust_chain *c)
{
	switch (e->match) {
	case TRUST_MATCH_ISSUER_ORG:
		return org_is(c->issuer_org, c->nissuer_org, e->value);
	case TRUST_MATCH_ROOT_ORG:
		if (c->root == NULL)
			return 0;
		if (strcmp(e->value, "*") == 0) {
			if (c->in_system < 0)
				c->in_system = in_system_store(t, c->root);
			return c->in_system;
		}
		return org_is(c->root_org, c->nroot_org, e->value);
	case TRUST_MATCH_ROOT_NAME:
		return c->root_text != NULL &&
		       strcasecmp(c->root_text, e->value) == 0;
	}
	return 0;
}

/* ---- The table of one command ------------------------------------------ */

struct trust_events *trust_events_default(void)
{
	static struct trust_events builtin;
	static int state; /* 0: not read, 1: read, -1: does not parse */
	char err[256];

	if (state == 0) {
		state = trust_events_load_builtin(&builtin, err, sizeof err) == 0
				? 1 : -1;
		if (state < 0)
			trust_events_free(&builtin);
	}
	return state > 0 ? &builtin : NULL;
}

int trust_events_for(const char *const *files, size_t n,
		     struct trust_events *own, struct trust_events **use,
		     char *err, size_t errlen)
{
	size_t i;

	memset(own, 0, sizeof *own);
	*use = trust_events_default();
	if (*use == NULL) {
		/* Only a build from a broken table gets here. */
		trust_events_load_builtin(own, err, errlen);
		trust_events_free(own);
		return -1;
	}
	if (n == 0)
		return 0;
	if (trust_events_load_builtin(own, err, errlen) != 0)
		goto fail;
	for (i = 0; i < n; i++)
		if (trust_events_load_file(own, files[i], err, errlen) != 0)
			goto fail;
	*use = own;
	return 0;
fail:
	trust_events_free(own);
	*use = NULL;
	return -1;
}
