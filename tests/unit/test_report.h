/* test_report.h: what the report tests share (test_report.c,
 * test_report_text.c, test_report_csv.c): output capture, crafted rows and
 * a strict libcsv reader. Each test program is its own executable, so the
 * helpers are static inline: one copy per program, no warning where one is
 * unused.
 *
 * Output is captured with open_memstream(); CSV output is parsed back with
 * libcsv so that quoting is checked by a real parser, not by eye.
 */
#ifndef FEDCERT_TEST_REPORT_H
#define FEDCERT_TEST_REPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <csv.h>

#include "report/render.h"
#include "store/store.h"

/* The CSV report's columns (csv.c's list). */
#define TEST_CSV_NCOLUMNS 32

/* ---- Capture --------------------------------------------------------- */

struct capture {
	FILE *f;
	char *buf; /* owned; freed by capture_free() */
	size_t len;
};

static inline void capture_open(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
}

/* Closes the stream; c->buf then holds the NUL-terminated output. */
static inline const char *capture_close(struct capture *c)
{
	assert_int_equal(fclose(c->f), 0);
	c->f = NULL;
	return c->buf;
}

static inline void capture_free(struct capture *c)
{
	free(c->buf);
	c->buf = NULL;
}

/* ---- Crafted rows ---------------------------------------------------- */

static inline struct store_cert_row cert_leaf(void)
{
	struct store_cert_row c = {
		.id = 1,
		.sha256 = "9f86d081884c7d659a2feaa0c55ad015"
			  "a3bf4f1b2b0b822cd15d6c15b0f00a08",
		.sha1 = "3f2a9d1e5b7c4a8f0e6d2c1b9a8f7e6d5c4b3a29",
		.subject = "CN=sip.example.com,O=Example",
		.issuer = "CN=Example Intermediate",
		.serial = "0A1B2C",
		.not_before = "2026-01-01T00:00:00Z",
		.not_after = "2027-01-01T00:00:00Z",
		.sig_alg = "sha256WithRSAEncryption",
		.key_type = "RSA",
		.key_bits = 2048,
		.x509_version = 3,
	};
	return c;
}

/* A DIR route's probe. chain must have room for two certificates. */
static inline struct store_probe_row probe_ok(struct store_cert_row *chain)
{
	struct store_probe_row p = {
		.id = 1,
		.address = "127.0.0.1",
		.port = 5061,
		.sni = "sip.example.com",
		.via = "sip.example.com",
		.srv_priority = -1,
		.srv_weight = -1,
		.started = "2026-11-25T09:43:01Z",
		.connect_ms = 0.4,
		.handshake_ms = 3.2,
		.tls_version = "TLSv1.3",
		.cipher = "TLS_AES_256_GCM_SHA384",
		.verify_code = 0,
		.verify_reason = "ok",
		.chain_len = 2,
		.chain = chain,
	};
	chain[0] = cert_leaf();
	chain[1] = cert_leaf();
	chain[1].subject = "CN=Example Intermediate";
	return p;
}

static inline struct store_probe_row probe_refused(void)
{
	struct store_probe_row p = {
		.id = 2,
		.address = "192.0.2.7",
		.port = 5061,
		.sni = "sip.example.com",
		.via = "sip.example.com",
		.srv_priority = -1,
		.srv_weight = -1,
		.connect_ms = -1,
		.handshake_ms = -1,
		.error_kind = "refused",
		.error_reason = "Connection refused",
		.verify_code = -1,
	};
	return p;
}

static inline struct store_target_row target_dir(struct store_probe_row *probes,
						 size_t n)
{
	struct store_target_row t = {
		.id = 1,
		.line = 2,
		.domain = "sip.example.com",
		.type = "DIR",
		.port = 5061,
		.probe_count = n,
		.probes = probes,
	};
	return t;
}

/* ---- A FED target on a DNS load-balanced pool ------------------------- */

#define SRV_NAME "_sipfederationtls._tcp.example.com"
#define SRV_NPROBES 4
#define SRV_NANSWERS 4

/* example.com (FED, line 3): SRV priority 0 weight 100 sip.example.com
 * (A: a 3-address pool, AAAA: no data), priority 10 weight 0
 * sip2.example.com (AAAA: one address). Owns nothing; every string is a
 * literal, the arrays are the caller's. */
struct srv_fixture {
	struct store_cert_row chain[2];
	struct store_dns_record_row srv[2];
	struct store_dns_record_row pool[3];
	struct store_dns_record_row pool2[1];
	struct store_dns_answer_row dns[SRV_NANSWERS];
	struct store_probe_row probes[SRV_NPROBES];
	struct store_target_row target;
};

static inline struct store_probe_row srv_probe(const char *address,
					       const char *via, int priority,
					       int weight)
{
	struct store_probe_row p = probe_refused();

	p.address = (char *)address;
	p.sni = (char *)via;
	p.via = (char *)via;
	p.srv_name = SRV_NAME;
	p.srv_priority = priority;
	p.srv_weight = weight;
	return p;
}

static inline struct store_dns_record_row srv_record(int priority, int weight,
						     const char *target)
{
	struct store_dns_record_row r = {
		.priority = priority, .weight = weight, .port = 5061,
		.target = (char *)target, .ttl = -1,
	};
	return r;
}

static inline struct store_dns_record_row addr_record(const char *address,
						      long ttl)
{
	struct store_dns_record_row r = {
		.priority = -1, .weight = -1, .port = -1,
		.address = (char *)address, .ttl = ttl,
	};
	return r;
}

static inline struct store_dns_answer_row
dns_answer(const char *name, const char *type, const char *rcode,
	   struct store_dns_record_row *r, size_t n)
{
	struct store_dns_answer_row a = {
		.name = (char *)name, .type = (char *)type,
		.rcode = (char *)rcode, .source = "dns",
		.count = n, .records = r,
	};
	return a;
}

/* Probes in the store's order: priority, weight desc, host, address; the
 * first one succeeded, the others were refused. */
static inline void srv_fixture_init(struct srv_fixture *f)
{
	struct store_target_row t = {
		.id = 7, .line = 3, .domain = "example.com", .type = "FED",
		.port = 5061, .dns_count = SRV_NANSWERS, .dns = f->dns,
		.probe_count = SRV_NPROBES, .probes = f->probes,
	};

	memset(f, 0, sizeof *f);
	f->srv[0] = srv_record(0, 100, "sip.example.com");
	f->srv[1] = srv_record(10, 0, "sip2.example.com");
	f->pool[0] = addr_record("127.0.0.2", 300);
	f->pool[1] = addr_record("127.0.0.3", 300);
	f->pool[2] = addr_record("127.0.0.4", 300);
	f->pool2[0] = addr_record("2001:db8::5", 60);
	f->dns[0] = dns_answer(SRV_NAME, "SRV", "NOERROR", f->srv, 2);
	f->dns[1] = dns_answer("sip.example.com", "A", "NOERROR", f->pool, 3);
	f->dns[2] = dns_answer("sip.example.com", "AAAA", "NOERROR", NULL, 0);
	f->dns[3] = dns_answer("sip2.example.com", "AAAA", "NOERROR",
			       f->pool2, 1);
	f->probes[0] = probe_ok(f->chain);
	f->probes[0].address = "127.0.0.2";
	f->probes[0].srv_name = SRV_NAME;
	f->probes[0].srv_priority = 0;
	f->probes[0].srv_weight = 100;
	f->probes[1] = srv_probe("127.0.0.3", "sip.example.com", 0, 100);
	f->probes[2] = srv_probe("127.0.0.4", "sip.example.com", 0, 100);
	f->probes[3] = srv_probe("2001:db8::5", "sip2.example.com", 10, 0);
	f->target = t;
}

/* ---- CSV read back ---------------------------------------------------- */

#define PARSED_ROWS 8
#define PARSED_COLS 40

struct parsed {
	char *cell[PARSED_ROWS][PARSED_COLS]; /* owned; parsed_free() */
	size_t ncols[PARSED_ROWS];
	size_t nrows;
	size_t col;
};

static inline void parsed_on_field(void *s, size_t len, void *data)
{
	struct parsed *p = data;
	char *cell;

	assert_true(p->nrows < PARSED_ROWS && p->col < PARSED_COLS);
	cell = malloc(len + 1);
	assert_non_null(cell);
	memcpy(cell, s ? s : "", len);
	cell[len] = '\0';
	p->cell[p->nrows][p->col++] = cell;
}

static inline void parsed_on_row(int c, void *data)
{
	struct parsed *p = data;

	assert_int_equal(c, '\r'); /* rows end in CRLF, the CR first */
	p->ncols[p->nrows++] = p->col;
	p->col = 0;
}

static inline void parsed_free(struct parsed *p)
{
	size_t r, i;

	for (r = 0; r < p->nrows; r++)
		for (i = 0; i < p->ncols[r]; i++)
			free(p->cell[r][i]);
}

/* Parses text strictly; every row must have every column. */
static inline void parse_csv(const char *text, struct parsed *p)
{
	struct csv_parser parser;
	size_t len = strlen(text), r;

	memset(p, 0, sizeof *p);
	assert_int_equal(csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI), 0);
	assert_int_equal(csv_parse(&parser, text, len, parsed_on_field,
				   parsed_on_row, p), len);
	assert_int_equal(csv_fini(&parser, parsed_on_field, parsed_on_row, p),
			 0);
	csv_free(&parser);
	assert_int_equal(p->col, 0); /* the last row ended with CRLF */
	for (r = 0; r < p->nrows; r++)
		assert_int_equal(p->ncols[r], TEST_CSV_NCOLUMNS);
}

/* The column's index, found by name in the parsed header row. */
static inline size_t csv_col(const struct parsed *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->ncols[0]; i++)
		if (strcmp(p->cell[0][i], name) == 0)
			return i;
	fail_msg("no column %s", name);
	return 0;
}

#define CELL(p, row, name) ((p)->cell[(row)][csv_col((p), (name))])

#endif
