/* writer.c: the scanner's side of the store.
 *
 * Every write runs inside the batch transaction (db.c), which was opened
 * with BEGIN IMMEDIATE and so holds the database's write lock: nobody else
 * can insert between a lookup and the insert that follows it, which is why
 * the dedup of endpoints and certificates is a plain "look up, else
 * insert".
 *
 * Strings are bound SQLITE_STATIC: they are the caller's, borrowed for the
 * call, and store_step_done() drops the bindings before returning.
 */
#include <stdio.h>
#include <string.h>

#include "store/store_int.h"

/* Binds were OR-ed together by the callers: SQLITE_OK is 0, so a non-zero
 * result means one of them failed, and sqlite3_errmsg() says which. */
int store_bind_check(struct store *st, int binds, const char *what)
{
	if (binds == SQLITE_OK)
		return 0;
	store_db_error(st, what);
	return -1;
}

int store_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	return sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

int store_bind_nonneg(sqlite3_stmt *s, int i, int64_t v)
{
	return v < 0 ? sqlite3_bind_null(s, i) : sqlite3_bind_int64(s, i, v);
}

/* For values where "" can only mean "none" (an SNI, a failure kind, a
 * field certdecode left empty). */
static int bind_text_or_empty_null(sqlite3_stmt *s, int i, const char *v)
{
	return store_bind_text(s, i, v != NULL && v[0] != '\0' ? v : NULL);
}

/* Negative timings and codes mean "did not happen": NULL, so that SQL
 * aggregates (avg(connect_ms)) skip them. */
static int bind_nonneg_double(sqlite3_stmt *s, int i, double v)
{
	return v < 0 ? sqlite3_bind_null(s, i) : sqlite3_bind_double(s, i, v);
}

/* Steps a lookup answering at most one id: 1 found, 0 not, -1 error. */
static int lookup_id(struct store *st, sqlite3_stmt *s, const char *what,
		     int64_t *id)
{
	int found = 0;
	int rc = sqlite3_step(s);

	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		found = 1;
	} else if (rc != SQLITE_DONE) {
		store_db_error(st, what);
		found = -1;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return found;
}

int store_scan_begin(struct store *st, const struct store_scan_info *info,
		     int64_t *scan_id)
{
	sqlite3_stmt *s;
	int binds;
	int rc = -1;

	if (info == NULL || scan_id == NULL) {
		store_set_error(st, "store_scan_begin: no scan information");
		goto out;
	}
	if (store_batch_begin(st) != 0)
		goto out;
	s = store_stmt(st, STMT_SCAN_BEGIN);
	binds = store_bind_text(s, 1, info->input) |
		store_bind_text(s, 2, info->options) |
		store_bind_text(s, 3, info->version);
	if (store_bind_check(st, binds, "cannot record the scan") != 0 ||
	    store_step_done(st, s, "cannot record the scan") != 0)
		goto out;
	*scan_id = sqlite3_last_insert_rowid(st->db);
	/* Committed at once, not batched: a "running" row is then visible to
	 * a report run during the scan, and stays as evidence if the scan
	 * dies before its first batch. */
	rc = store_flush(st);
out:
	return rc;
}

static int is_final_status(const char *status)
{
	return status != NULL &&
	       (strcmp(status, "done") == 0 ||
		strcmp(status, "interrupted") == 0 ||
		strcmp(status, "failed") == 0);
}

int store_scan_finish(struct store *st, int64_t scan_id, const char *status)
{
	sqlite3_stmt *s;
	int binds;
	int rc = -1;

	if (!is_final_status(status)) {
		store_set_error(st, "invalid final scan status \"%s\"",
				status != NULL ? status : "(null)");
		goto out;
	}
	if (store_batch_begin(st) != 0)
		goto out;
	s = store_stmt(st, STMT_SCAN_FINISH);
	binds = sqlite3_bind_int64(s, 1, scan_id) | store_bind_text(s, 2, status);
	if (store_bind_check(st, binds, "cannot finish the scan") != 0 ||
	    store_step_done(st, s, "cannot finish the scan") != 0)
		goto out;
	if (sqlite3_changes(st->db) == 0) {
		store_set_error(st, "no scan %lld", (long long)scan_id);
		goto out;
	}
	rc = store_flush(st);
out:
	return rc;
}

int store_target_add(struct store *st, int64_t scan_id,
		     const struct store_target *t, int64_t *target_id)
{
	sqlite3_stmt *s;
	int binds;
	int rc = -1;

	if (t == NULL || t->domain == NULL || t->type == NULL ||
	    target_id == NULL) {
		store_set_error(st, "store_target_add: missing domain or type");
		goto out;
	}
	if (store_batch_begin(st) != 0)
		goto out;
	s = store_stmt(st, STMT_TARGET_ADD);
	binds = sqlite3_bind_int64(s, 1, scan_id) |
		sqlite3_bind_int64(s, 2, t->line) |
		store_bind_text(s, 3, t->domain) |
		store_bind_text(s, 4, t->type) |
		sqlite3_bind_int(s, 5, t->port);
	if (store_bind_check(st, binds, "cannot record the target") != 0 ||
	    store_step_done(st, s, "cannot record the target") != 0)
		goto out;
	*target_id = sqlite3_last_insert_rowid(st->db);
	rc = store_batch_wrote(st);
out:
	return rc;
}

int store_target_set_error(struct store *st, int64_t target_id,
			   enum failure_kind kind, const char *reason)
{
	sqlite3_stmt *s;
	int binds;
	int rc = -1;

	if (store_batch_begin(st) != 0)
		goto out;
	s = store_stmt(st, STMT_TARGET_SET_ERROR);
	binds = sqlite3_bind_int64(s, 1, target_id) |
		bind_text_or_empty_null(s, 2, failure_name(kind)) |
		store_bind_text(s, 3, reason);
	if (store_bind_check(st, binds, "cannot record the target's error") != 0 ||
	    store_step_done(st, s, "cannot record the target's error") != 0)
		goto out;
	if (sqlite3_changes(st->db) == 0) {
		store_set_error(st, "no target %lld", (long long)target_id);
		goto out;
	}
	rc = store_batch_wrote(st);
out:
	return rc;
}

int store_target_complete(struct store *st, int64_t target_id)
{
	sqlite3_stmt *s;

	if (store_batch_begin(st) != 0)
		return -1;
	s = store_stmt(st, STMT_TARGET_COMPLETE);
	if (store_bind_check(st, sqlite3_bind_int64(s, 1, target_id),
			     "cannot mark the target complete") != 0 ||
	    store_step_done(st, s, "cannot mark the target complete") != 0)
		return -1;
	return store_batch_wrote(st);
}

int store_input_error_add(struct store *st, int64_t scan_id, long line,
			  const char *reason, const char *raw)
{
	sqlite3_stmt *s;
	int binds;
	int rc = -1;

	if (reason == NULL) {
		store_set_error(st, "store_input_error_add: no reason");
		goto out;
	}
	if (store_batch_begin(st) != 0)
		goto out;
	s = store_stmt(st, STMT_INPUT_ERROR_ADD);
	binds = sqlite3_bind_int64(s, 1, scan_id) |
		sqlite3_bind_int64(s, 2, line) |
		store_bind_text(s, 3, reason) |
		store_bind_text(s, 4, raw);
	if (store_bind_check(st, binds, "cannot record the input error") != 0 ||
	    store_step_done(st, s, "cannot record the input error") != 0)
		goto out;
	rc = store_batch_wrote(st);
out:
	return rc;
}

/* A route without an SRV name is DIR: its priority and weight are NULL
 * whatever the numbers say, so that "srv_name IS NULL" and "srv_priority IS
 * NULL" cannot disagree. An SRV route's -1 (unknown) is NULL too. */
static int bind_route(sqlite3_stmt *s, const struct store_route *r)
{
	int is_srv = r->srv_name != NULL && r->srv_name[0] != '\0';

	return store_bind_text(s, 3, r->host) |
	       store_bind_text(s, 4, is_srv ? r->srv_name : NULL) |
	       store_bind_nonneg(s, 5, is_srv ? r->srv_priority : -1) |
	       store_bind_nonneg(s, 6, is_srv ? r->srv_weight : -1);
}

int store_target_probe_link(struct store *st, int64_t target_id,
			    int64_t probe_id, const struct store_route *route)
{
	const char *what = "cannot link the target to the probe";
	sqlite3_stmt *s;
	int binds;
	int rc = -1;

	if (route == NULL) {
		store_set_error(st, "store_target_probe_link: no route");
		goto out;
	}
	if (store_batch_begin(st) != 0)
		goto out;
	s = store_stmt(st, STMT_TARGET_PROBE_ADD);
	binds = sqlite3_bind_int64(s, 1, target_id) |
		sqlite3_bind_int64(s, 2, probe_id) |
		bind_route(s, route);
	if (store_bind_check(st, binds, what) != 0 ||
	    store_step_done(st, s, what) != 0)
		goto out;
	rc = store_batch_wrote(st);
out:
	return rc;
}

/* ---- Savepoints ------------------------------------------------------ */

int store_savepoint_begin(struct store *st, const char *what)
{
	return store_step_done(st, store_stmt(st, STMT_SAVEPOINT), what);
}

int store_savepoint_release(struct store *st, const char *what)
{
	return store_step_done(st, store_stmt(st, STMT_RELEASE), what);
}

/* Errors are not reported: if SQLite already rolled back the whole batch
 * there is no savepoint left to undo. */
void store_savepoint_undo(struct store *st)
{
	sqlite3_stmt *s = store_stmt(st, STMT_ROLLBACK_TO);

	sqlite3_step(s);
	sqlite3_reset(s);
	s = store_stmt(st, STMT_RELEASE);
	sqlite3_step(s);
	sqlite3_reset(s);
}

/* ---- Probes ---------------------------------------------------------- */

/* The same three parameters for the lookup and the insert. */
static int bind_endpoint(sqlite3_stmt *s, const struct store_probe *p)
{
	return store_bind_text(s, 1, p->address) |
	       sqlite3_bind_int(s, 2, p->port) |
	       bind_text_or_empty_null(s, 3, p->sni);
}

static int endpoint_id_for(struct store *st, const struct store_probe *p,
			   int64_t *id)
{
	sqlite3_stmt *s = store_stmt(st, STMT_ENDPOINT_FIND);
	int found;

	if (store_bind_check(st, bind_endpoint(s, p),
		       "cannot look up the endpoint") != 0)
		return -1;
	found = lookup_id(st, s, "cannot look up the endpoint", id);
	if (found != 0)
		return found < 0 ? -1 : 0;
	s = store_stmt(st, STMT_ENDPOINT_ADD);
	if (store_bind_check(st, bind_endpoint(s, p),
		       "cannot record the endpoint") != 0 ||
	    store_step_done(st, s, "cannot record the endpoint") != 0)
		return -1;
	*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

/* 0 (unknown) binds NULL. */
static int bind_positive(sqlite3_stmt *s, int i, int64_t v)
{
	return v > 0 ? sqlite3_bind_int64(s, i, v) : sqlite3_bind_null(s, i);
}

/* NULL for the fields certdecode left empty (undecodable DER, or a field
 * OpenSSL could not express). */
static int bind_cert(sqlite3_stmt *s, const struct store_der *d,
		     const struct cert_facts *f)
{
	return store_bind_text(s, 1, f->sha256) |
	       store_bind_text(s, 2, f->sha1) |
	       sqlite3_bind_blob64(s, 3, d->der, d->len, SQLITE_STATIC) |
	       store_bind_text(s, 4, f->subject) |
	       store_bind_text(s, 5, f->issuer) |
	       store_bind_text(s, 6, f->serial) |
	       bind_text_or_empty_null(s, 7, f->not_before) |
	       bind_text_or_empty_null(s, 8, f->not_after) |
	       bind_text_or_empty_null(s, 9, f->sig_alg) |
	       bind_text_or_empty_null(s, 10, f->key_type) |
	       bind_positive(s, 11, f->key_bits) |
	       bind_positive(s, 12, f->x509_version);
}

/* The id of the certificate row for d, decoding and inserting it only the
 * first time its SHA-256 is seen. The fingerprints are always of the DER:
 * they name the stored bytes, whichever way the columns were read. */
static int cert_id_for(struct store *st, const struct store_der *d,
		       int64_t *id)
{
	struct cert_facts f;
	char err[FC_STORE_ERRMSG_MAX];
	sqlite3_stmt *s;
	int found;
	int rc = -1;

	memset(&f, 0, sizeof(f));
	if (cert_facts_digest(d->der, d->len, &f, err, sizeof(err)) != 0) {
		store_set_error(st, "%s", err);
		goto out;
	}
	s = store_stmt(st, STMT_CERT_FIND);
	if (store_bind_check(st, store_bind_text(s, 1, f.sha256),
		       "cannot look up the certificate") != 0)
		goto out;
	found = lookup_id(st, s, "cannot look up the certificate", id);
	if (found != 0) {
		rc = found < 0 ? -1 : 0;
		goto out;
	}
	/* The handshake's own parse, when the caller has it: parsing the DER
	 * again was ~8% of a probe's instructions (OpenSSL 3.0 sets up its
	 * key decoders in every d2i_X509). */
	if (d->x509 != NULL)
		cert_facts_from_x509(d->x509, &f);
	else
		cert_facts_decode(d->der, d->len, &f);
	s = store_stmt(st, STMT_CERT_ADD);
	if (store_bind_check(st, bind_cert(s, d, &f),
		       "cannot record the certificate") != 0 ||
	    store_step_done(st, s, "cannot record the certificate") != 0)
		goto out;
	*id = sqlite3_last_insert_rowid(st->db);
	rc = 0;
out:
	cert_facts_free(&f);
	return rc;
}

static int insert_probe(struct store *st, int64_t scan_id, int64_t endpoint_id,
			const struct store_probe *p, int64_t *probe_id)
{
	sqlite3_stmt *s = store_stmt(st, STMT_PROBE_ADD);
	char started[UTC_TEXT_MAX];
	int have_started = utc_format_epoch_ms(p->started_ms, started) == 0;
	int binds;

	/* -1 (not verified) is NULL; X509_V_OK (0) is a real value. */
	binds = sqlite3_bind_int64(s, 1, scan_id) |
		sqlite3_bind_int64(s, 2, endpoint_id) |
		store_bind_text(s, 3, have_started ? started : NULL) |
		bind_nonneg_double(s, 4, p->connect_ms) |
		bind_nonneg_double(s, 5, p->handshake_ms) |
		bind_text_or_empty_null(s, 6, failure_name(p->error_kind)) |
		store_bind_text(s, 7, p->error_reason) |
		store_bind_text(s, 8, p->tls_version) |
		store_bind_text(s, 9, p->cipher) |
		(p->verify_code < 0 ? sqlite3_bind_null(s, 10)
				    : sqlite3_bind_int64(s, 10, p->verify_code)) |
		store_bind_text(s, 11, p->verify_reason) |
		/* Only a chain cut short says more than its links do. */
		(p->chain_presented > p->chain_len ?
		 sqlite3_bind_int64(s, 12, (int64_t)p->chain_presented) :
		 sqlite3_bind_null(s, 12)) |
		sqlite3_bind_int(s, 13, p->cc_requested != 0) |
		sqlite3_bind_int(s, 14, p->cc_presented != 0) |
		store_bind_text(s, 15, p->cc_outcome) |
		store_bind_text(s, 16, p->cc_alert);
	if (store_bind_check(st, binds, "cannot record the probe") != 0 ||
	    store_step_done(st, s, "cannot record the probe") != 0)
		return -1;
	*probe_id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

static int insert_chain(struct store *st, int64_t probe_id,
			const struct store_probe *p)
{
	sqlite3_stmt *s;
	int64_t cert_id = 0;
	int binds;
	size_t i;

	for (i = 0; i < p->chain_len; i++) {
		if (cert_id_for(st, &p->chain[i], &cert_id) != 0)
			return -1;
		s = store_stmt(st, STMT_CHAIN_LINK_ADD);
		binds = sqlite3_bind_int64(s, 1, probe_id) |
			sqlite3_bind_int64(s, 2, (int64_t)i) |
			sqlite3_bind_int64(s, 3, cert_id);
		if (store_bind_check(st, binds, "cannot record the chain") != 0 ||
		    store_step_done(st, s, "cannot record the chain") != 0)
			return -1;
	}
	return 0;
}

static int check_probe(struct store *st, const struct store_probe *p)
{
	size_t i;

	if (p == NULL || p->address == NULL) {
		store_set_error(st, "store_probe_add: no address");
		return -1;
	}
	if (p->chain_len > FC_CHAIN_MAX ||
	    (p->chain_len > 0 && p->chain == NULL)) {
		store_set_error(st, "store_probe_add: bad chain (%zu certificates,"
				" at most %d)", p->chain_len, FC_CHAIN_MAX);
		return -1;
	}
	for (i = 0; i < p->chain_len; i++) {
		if (p->chain[i].der == NULL || p->chain[i].len == 0) {
			store_set_error(st, "store_probe_add: empty certificate"
					" at chain position %zu", i);
			return -1;
		}
	}
	return 0;
}

/* The acceptable CA names the server listed, in its order. */
static int insert_ca_names(struct store *st, int64_t probe_id,
			   const struct store_probe *p)
{
	size_t i;

	for (i = 0; i < p->ca_count; i++) {
		sqlite3_stmt *s = store_stmt(st, STMT_CA_NAME_ADD);
		int binds = sqlite3_bind_int64(s, 1, probe_id) |
			    sqlite3_bind_int64(s, 2, (int64_t)i) |
			    store_bind_text(s, 3, p->ca_names[i]);

		if (store_bind_check(st, binds, "cannot record a CA name") != 0 ||
		    store_step_done(st, s, "cannot record a CA name") != 0)
			return -1;
	}
	return 0;
}

/* The SIP OPTIONS the probe sent, if it sent one. */
static int insert_sip(struct store *st, int64_t probe_id,
		      const struct store_probe *p)
{
	const struct store_sip *x = p->sip;
	sqlite3_stmt *s;
	int binds;

	if (x == NULL)
		return 0;
	s = store_stmt(st, STMT_SIP_ADD);
	binds = sqlite3_bind_int64(s, 1, probe_id) |
		(x->status > 0 ? sqlite3_bind_int(s, 2, x->status)
			       : sqlite3_bind_null(s, 2)) |
		store_bind_text(s, 3, x->reason) |
		store_bind_text(s, 4, x->server) |
		store_bind_text(s, 5, x->user_agent) |
		store_bind_text(s, 6, x->allow) |
		store_bind_text(s, 7, x->supported) |
		store_bind_text(s, 8, x->contact) |
		store_bind_text(s, 9, x->ms_diagnostics) |
		store_bind_text(s, 10, x->ms_diagnostics_public) |
		store_bind_text(s, 11, x->warning) |
		store_bind_text(s, 12, x->headers) |
		sqlite3_bind_int64(s, 13, x->provisional) |
		sqlite3_bind_int64(s, 14, x->other_call_id) |
		bind_nonneg_double(s, 15, x->rtt_ms) |
		store_bind_text(s, 16, x->error) |
		store_bind_text(s, 17, x->error_reason);
	if (store_bind_check(st, binds, "cannot record the SIP answer") != 0 ||
	    store_step_done(st, s, "cannot record the SIP answer") != 0)
		return -1;
	return 0;
}

int store_scan_set_client_chain(struct store *st, int64_t scan_id,
				const struct store_der *chain, size_t n)
{
	size_t i;

	if (n > FC_CHAIN_MAX) {
		store_set_error(st, "our certificate chain has %zu certificates,"
				" at most %d", n, FC_CHAIN_MAX);
		return -1;
	}
	if (store_batch_begin(st) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		sqlite3_stmt *s;
		int64_t cert = 0;

		if (cert_id_for(st, &chain[i], &cert) != 0)
			return -1;
		s = store_stmt(st, STMT_CLIENT_CERT_ADD);
		if (store_bind_check(st, sqlite3_bind_int64(s, 1, scan_id) |
				     sqlite3_bind_int64(s, 2, (int64_t)i) |
				     sqlite3_bind_int64(s, 3, cert),
				     "cannot record our certificate") != 0 ||
		    store_step_done(st, s, "cannot record our certificate") != 0)
			return -1;
	}
	return store_flush(st);
}

int store_probe_add(struct store *st, int64_t scan_id,
		    const struct store_probe *p, int64_t *probe_id)
{
	int64_t endpoint_id = 0;
	int64_t id = 0;
	int in_savepoint = 0;
	int rc = -1;

	if (check_probe(st, p) != 0 || store_batch_begin(st) != 0)
		goto out;
	/* A probe is several rows; a savepoint makes it all or nothing
	 * without ending the batch. */
	if (store_savepoint_begin(st, "cannot start the probe") != 0)
		goto out;
	in_savepoint = 1;
	if (endpoint_id_for(st, p, &endpoint_id) != 0 ||
	    insert_probe(st, scan_id, endpoint_id, p, &id) != 0 ||
	    insert_chain(st, id, p) != 0 || insert_ca_names(st, id, p) != 0 ||
	    insert_sip(st, id, p) != 0 ||
	    store_savepoint_release(st, "cannot finish the probe") != 0)
		goto out;
	in_savepoint = 0;
	if (probe_id != NULL)
		*probe_id = id;
	rc = store_batch_wrote(st);
out:
	if (in_savepoint)
		store_savepoint_undo(st);
	return rc;
}
