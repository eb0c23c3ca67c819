/* scan.c: the scan's loop. Reads rows only while there is room in the
 * window, does each endpoint's work once, and records everything.
 *
 * The window has three bounds, each of its own: probes in flight stay
 * under --concurrency (the number a user sets and reads back as "peak in
 * flight"); DNS queries in flight under FC_DNS_INFLIGHT_MAX; endpoints
 * known but not yet probed under the probe slots again, so that lookups run
 * ahead of the probes and a slot that frees finds its next endpoint waiting.
 * Rows are read only while the lookups and the queue have room. That, not a
 * big buffer, keeps memory flat however long the targets file is. What is
 * under way (targets and their holds, endpoints and their waiters) is kept
 * in inflight.c; the lookups in discover.c; each probe in probe.c.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "names.h"
#include "scan_int.h"
#include "sip_probe.h"

static int scan_is_stopping(const struct scan *s)
{
	return s->failed || s->interrupted;
}

/* A resumed scan skips the rows the scan it continues accounted for. */
static int scan_is_done_line(const struct scan *s, long line)
{
	size_t lo = 0, hi = s->ndone_lines;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->done_lines[mid] == line)
			return 1;
		if (s->done_lines[mid] < line)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static void scan_bad_row(struct scan *s, const struct target_row *row)
{
	s->summary->input_errors++;
	fprintf(stderr, "%s:%ld: %s\n", s->input, row->line, row->reason);
	if (store_input_error_add(s->st, s->scan_id, row->line, row->reason,
				  row->raw) != 0)
		scan_fail(s, "%s", store_errmsg(s->st));
}

static void scan_handle_row(struct scan *s, const struct target_row *row)
{
	/* check HOST --type FED: probed as the DIR row it is, judged as
	 * the type asked. */
	const char *type = s->opts->one_host && s->opts->one_stored_type ?
			   s->opts->one_stored_type : target_type_name(row->type);
	struct store_target st_row = { row->line, row->domain, type, row->port };
	struct target *t;
	int64_t id;

	if (s->ndone_lines && scan_is_done_line(s, row->line)) {
		s->summary->resumed_rows++;
		return;
	}
	/* --shard I/N: the other shards' rows; a bad row has no key and is
	 * shard 0's. */
	if (s->opts->shard.count > 1 &&
	    (row->is_error ? 0 : shard_of(row->domain, s->opts->shard.count)) !=
		    s->opts->shard.index) {
		if (!row->is_error)
			s->summary->shard_skipped++;
		return;
	}
	if (row->is_error) {
		scan_bad_row(s, row);
		return;
	}
	if (store_target_add(s->st, s->scan_id, &st_row, &id) != 0) {
		scan_fail(s, "%s", store_errmsg(s->st));
		return;
	}
	if ((t = target_new(s, id)) == NULL) {
		scan_fail(s, "out of memory");
		return;
	}
	s->summary->targets++;
	if (row->type != TARGET_DIR) {
		discover_srv(s, t, row->type, row->domain);
	} else if (row->is_literal) {
		struct store_route route = { NULL, row->domain, -1, -1 };

		scan_want_endpoint(s, t, row->domain, row->port, NULL, &route);
	} else {
		discover_host(s, t, row->domain, row->port, NULL);
	}
	target_release(s, t);
}

/* Whether another row may be read: its lookups and the endpoints they
 * lead to have room. Probes in flight are not counted here; the queue,
 * which feeds them, is. */
static int scan_has_room(const struct scan *s)
{
	return s->queued < s->slots && s->resolving < FC_DNS_INFLIGHT_MAX &&
	       !s->dns_down;
}

static void scan_start_queued(struct scan *s)
{
	while (s->queue_head && s->inflight < s->slots && !scan_is_stopping(s)) {
		struct endpoint *ep = s->queue_head;
		int rc;

		ep->state = ENDPOINT_PROBING;
		rc = probe_start(s, ep);
		if (rc == PROBE_START_NOFD) {
			/* Out of descriptors: fewer at once from now on; ep
			 * stays first in the queue for the next free slot. */
			ep->state = ENDPOINT_QUEUED;
			s->slots = s->inflight;
			break;
		}
		s->queue_head = ep->next_queued;
		if (s->queue_head == NULL)
			s->queue_tail = NULL;
		ep->next_queued = NULL;
		s->queued--;
		if (rc == PROBE_START_NOMEM)
			scan_fail(s, "out of memory");
	}
}

/* Probes in flight at most: --concurrency, or fewer when the process may
 * not open that many files (ulimit -n), keeping FC_FD_RESERVE for the
 * database, the resolver and the targets file. The soft limit is raised to
 * the hard one first. */
static unsigned scan_slots(const struct scan_options *o)
{
	struct rlimit rl;
	rlim_t usable;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return o->concurrency;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur >= (rlim_t)o->concurrency + FC_FD_RESERVE)
		return o->concurrency;
	usable = rl.rlim_cur > FC_FD_RESERVE + 1 ? rl.rlim_cur - FC_FD_RESERVE : 1;
	if (!o->quiet)
		fprintf(stderr, "fedcert: %llu file descriptors allowed (ulimit -n):"
			" at most %llu endpoints in flight, not %u\n",
			(unsigned long long)rl.rlim_cur,
			(unsigned long long)usable, o->concurrency);
	return (unsigned)usable;
}

static void scan_read_rows(struct scan *s)
{
	struct target_row row;
	char err[512];
	int n, rc;

	for (n = 0; n < SCAN_ROWS_PER_TURN && !s->eof && !scan_is_stopping(s) &&
		    scan_has_room(s);
	     n++) {
		rc = targets_next(s->reader, &row, err, sizeof(err));
		if (rc == 0) {
			s->eof = 1;
		} else if (rc < 0) {
			scan_fail(s, "%s", err);
		} else {
			scan_handle_row(s, &row);
			scan_start_queued(s);
		}
	}
}

static void scan_pump(struct scan *s);

static void scan_on_idle(uv_idle_t *h);

static void scan_on_close(uv_handle_t *h)
{
	(void)h;
}

static int scan_is_finished(struct scan *s)
{
	if (scan_is_stopping(s)) {
		/* What was queued is not probed; what was stored stays. */
		s->queue_head = s->queue_tail = NULL;
		s->queued = 0;
		outage_abandon(s);
	} else if (!s->eof || s->queued > 0) {
		return 0;
	}
	/* Questions parked while our resolver is down wait for it. */
	return s->inflight == 0 && s->resolving == 0 && s->nparked == 0;
}

static void scan_close_handles(struct scan *s)
{
	s->closing = 1;
	dns_close(&s->dns);
	outage_close(s);
	uv_close((uv_handle_t *)&s->flush_timer, scan_on_close);
	uv_close((uv_handle_t *)&s->end_timer, scan_on_close);
	progress_stop(s);
	uv_close((uv_handle_t *)&s->progress_timer, scan_on_close);
	uv_close((uv_handle_t *)&s->pump_idle, scan_on_close);
	uv_close((uv_handle_t *)&s->sigint, scan_on_close);
	uv_close((uv_handle_t *)&s->sigterm, scan_on_close);
}

static void scan_on_end(uv_timer_t *t)
{
	struct scan *s = container_of(t, struct scan, end_timer);

	if (!s->closing && scan_is_finished(s))
		scan_close_handles(s);
}

/* Everything is accounted for: let the loop end. The handles are closed
 * from a timer at the top of the loop, never from inside a callback of
 * c-ares, whose channel must not be destroyed under its own feet. */
static void scan_maybe_end(struct scan *s)
{
	if (!s->closing && scan_is_finished(s))
		uv_timer_start(&s->end_timer, scan_on_end, 0, 0);
}

static void scan_pump(struct scan *s);

static void scan_on_idle(uv_idle_t *h)
{
	scan_pump(container_of(h, struct scan, pump_idle));
}

static void scan_pump(struct scan *s)
{
	if (s->pumping) {
		s->pump_again = 1;
		return;
	}
	s->pumping = 1;
	/* On a failure or an interrupt, what is in flight is abandoned;
	 * what was stored stays. */
	if (scan_is_stopping(s)) {
		probe_abandon_all(s);
		dns_cancel(&s->dns);
	}
	do {
		s->pump_again = 0;
		scan_start_queued(s);
		scan_read_rows(s);
	} while (s->pump_again);
	s->pumping = 0;
	if (!s->closing) {
		/* More rows and room: come back on the next turn of the loop,
		 * after the probes in flight had their say. */
		if (!s->eof && !scan_is_stopping(s) && scan_has_room(s))
			uv_idle_start(&s->pump_idle, scan_on_idle);
		else
			uv_idle_stop(&s->pump_idle);
	}
	scan_maybe_end(s);
}

static void scan_on_flush(uv_timer_t *t)
{
	struct scan *s = container_of(t, struct scan, flush_timer);

	if (store_flush(s->st) != 0)
		scan_fail(s, "%s", store_errmsg(s->st));
	if (s->failed)
		scan_pump(s);
}

/* Ctrl-C or SIGTERM: stop reading, abandon what is in flight, keep what is
 * stored, and mark the scan interrupted. */
static void scan_on_signal(uv_signal_t *h, int signum)
{
	struct scan *s = h->data;

	if (s->interrupted)
		return;
	fprintf(stderr, "fedcert: %s, stopping\n",
		signum == SIGINT ? "interrupted" : "terminated");
	s->interrupted = 1;
	scan_pump(s);
}

static void scan_options_text(const struct scan_options *o, char *buf,
			      size_t len)
{
	size_t i, used;

	used = (size_t)snprintf(buf, len, "timeout=%u concurrency=%u ca-file=%s ca-path=%s"
				" dns-timeout-ms=%u dns-tries=%u max-srv-targets=%u"
				" max-addresses=%u%s%s%s",
				o->timeout_s, o->concurrency,
				o->ca_file ? o->ca_file : "",
				o->ca_path ? o->ca_path : "", o->dns_timeout_ms,
				o->dns_tries, o->max_srv_targets, o->max_addresses,
				o->no_pool ? " no-pool" : "",
				o->ipv4_only ? " ipv4-only" : "",
				o->ipv6_only ? " ipv6-only" : "");
	for (i = 0; i < o->ndns_servers && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, " dns-server=%s",
					 o->dns_servers[i]);
	if (o->sni && used < len)
		used += (size_t)snprintf(buf + used, len - used, " sni=%s", o->sni);
	if (o->connect_to && used < len)
		used += (size_t)snprintf(buf + used, len - used, " connect-to=%s",
					 o->connect_to);
	/* Last, so that merge compares the rest as it is. */
	if (o->shard.count > 0 && used < len)
		snprintf(buf + used, len - used, " shard=%u/%u input-sha256=%s",
			 o->shard.index, o->shard.count,
			 o->input_sha256 ? o->input_sha256 : "");
}

static int scan_loop_init(struct scan *s)
{
	if (uv_loop_init(&s->loop) != 0)
		return -1;
	uv_timer_init(&s->loop, &s->flush_timer);
	uv_timer_init(&s->loop, &s->end_timer);
	uv_timer_init(&s->loop, &s->progress_timer);
	outage_init(s);
	s->started_ns = uv_hrtime();
	uv_idle_init(&s->loop, &s->pump_idle);
	uv_signal_init(&s->loop, &s->sigint);
	uv_signal_init(&s->loop, &s->sigterm);
	s->sigint.data = s->sigterm.data = s;
	uv_timer_start(&s->flush_timer, scan_on_flush, FC_FLUSH_INTERVAL_MS,
		       FC_FLUSH_INTERVAL_MS);
	uv_signal_start(&s->sigint, scan_on_signal, SIGINT);
	uv_signal_start(&s->sigterm, scan_on_signal, SIGTERM);
	/* A write to a peer that reset the connection (a close_notify, an
	 * OPTIONS) is an error to handle, not a signal that ends the scan. */
	signal(SIGPIPE, SIG_IGN);
	/* Signals must not keep the loop alive on their own. */
	uv_unref((uv_handle_t *)&s->sigint);
	uv_unref((uv_handle_t *)&s->sigterm);
	return 0;
}

static struct targets_reader *scan_open_targets(struct scan *s, char *err,
						size_t errlen)
{
	const struct scan_options *o = s->opts;

	if (o->one_host == NULL)
		return targets_open(s->input, err, errlen);
	return targets_open_one(o->one_type, o->one_host, o->one_port, s->input,
				&s->one_csv, err, errlen);
}

/* check's --sni and --connect-to, as the probes use them. The command
 * line checked them already; a caller that did not is told here. */
static int scan_one_options(struct scan *s, char *err, size_t errlen)
{
	const struct scan_options *o = s->opts;

	if (o->sni && scan_sni_canon(o->sni, s->sni, sizeof(s->sni)) != 0) {
		snprintf(err, errlen, "--sni \"%s\": not a host name", o->sni);
		return -1;
	}
	if (o->connect_to &&
	    names_split_address_port(o->connect_to, s->connect_addr,
				     sizeof(s->connect_addr),
				     &s->connect_port) == 0) {
		snprintf(err, errlen, "--connect-to \"%s\": not ADDRESS[:PORT]",
			 o->connect_to);
		return -1;
	}
	return 0;
}

static int scan_keep_line(long line, void *arg)
{
	struct scan *s = arg;

	if (s->ndone_lines == s->capdone_lines) {
		size_t cap = s->capdone_lines ? s->capdone_lines * 2 : 1024;
		long *p = realloc(s->done_lines, cap * sizeof(*p));

		if (p == NULL)
			return -1;
		s->done_lines = p;
		s->capdone_lines = cap;
	}
	s->done_lines[s->ndone_lines++] = line;
	return 0;
}

/* An endpoint the resumed scan already probed: stored, linked at once. */
static int scan_keep_probe(const char *address, int port, const char *sni,
			   int64_t probe_id, void *arg)
{
	struct scan *s = arg;
	char key[INET6_ADDRSTRLEN + FC_DNS_NAME_MAX + 16];
	struct endpoint *ep = calloc(1, sizeof(*ep));

	snprintf(key, sizeof(key), "%s|%d|%s", address, port, sni ? sni : "");
	if (ep == NULL || (ep->address = strdup(address)) == NULL ||
	    (sni && (ep->sni = strdup(sni)) == NULL) ||
	    map_put(&s->endpoints, key, ep) != 0) {
		endpoint_free(ep);
		return -1;
	}
	ep->port = port;
	ep->state = ENDPOINT_STORED;
	ep->probe_id = probe_id;
	return 0;
}

/* Reopens the scan to resume and loads what it already did. */
static int scan_resume(struct scan *s, char *err, size_t errlen)
{
	if (store_scan_reopen(s->st, s->opts->resume_scan, &s->scan_id,
			      &s->resumed_input) != 0) {
		snprintf(err, errlen, "%s", store_errmsg(s->st));
		return -1;
	}
	if (s->input == NULL)
		s->input = s->resumed_input;
	if (store_each_done_line(s->st, s->scan_id, scan_keep_line, s) != 0 ||
	    store_each_scan_probe(s->st, s->scan_id, scan_keep_probe, s) != 0) {
		snprintf(err, errlen, "cannot load scan %lld to resume: %s",
			 (long long)s->scan_id, store_errmsg(s->st));
		return -1;
	}
	return 0;
}

/* Our certificate and intermediates as the context will present them,
 * stored with the scan so that the report judges what was really sent. */
static int scan_store_client_chain(struct scan *s, char *err, size_t errlen)
{
	STACK_OF(X509) *extra = NULL;
	X509 *leaf = SSL_CTX_get0_certificate(s->ctx);
	struct store_der chain[FC_CHAIN_MAX];
	unsigned char *bufs[FC_CHAIN_MAX];
	size_t n = 0, i;
	int rc = -1;

	if (leaf == NULL)
		return 0;
	SSL_CTX_get0_chain_certs(s->ctx, &extra);
	for (i = 0; n < FC_CHAIN_MAX; i++) {
		X509 *x = i == 0 ? leaf :
			  (extra && (int)i - 1 < sk_X509_num(extra)) ?
			  sk_X509_value(extra, (int)i - 1) : NULL;
		int len;

		if (x == NULL)
			break;
		bufs[n] = NULL;
		if ((len = i2d_X509(x, &bufs[n])) <= 0)
			goto out;
		chain[n].der = bufs[n];
		chain[n].len = (size_t)len;
		chain[n].x509 = x;
		n++;
	}
	if (store_scan_set_client_chain(s->st, s->scan_id, chain, n) != 0)
		snprintf(err, errlen, "%s", store_errmsg(s->st));
	else
		rc = 0;
out:
	for (i = 0; i < n; i++)
		OPENSSL_free(bufs[i]);
	return rc;
}

/* The scan's row in the database: a new one, or the one resumed. */
static int scan_record(struct scan *s, char *err, size_t errlen)
{
	struct store_scan_info info;
	char options[1024];

	if (s->opts->resume)
		return scan_resume(s, err, errlen);
	scan_options_text(s->opts, options, sizeof(options));
	info.input = s->input;
	info.options = options;
	info.version = FEDCERT_VERSION;
	if (store_scan_begin(s->st, &info, &s->scan_id) != 0) {
		snprintf(err, errlen, "%s", store_errmsg(s->st));
		return -1;
	}
	return scan_store_client_chain(s, err, errlen);
}

static void scan_free(struct scan *s)
{
	map_destroy(&s->endpoints, endpoint_free);
	map_destroy(&s->hosts, discover_free_host);
	map_destroy(&s->srvs, discover_free_srv);
	map_destroy(&s->sip_next, free);
	while (s->nsip_spare > 0)
		sip_probe_free(s->sip_spare[--s->nsip_spare]);
	/* Targets still held were cut short (an interrupt, a failure): they
	 * stay incomplete in the database, for a resume. */
	while (s->targets)
		target_unlink_free(s, s->targets);
	SSL_CTX_free(s->ctx);
	targets_close(s->reader);
	free(s->one_csv);
	free(s->resumed_input);
	free(s->done_lines);
	free(s);
}

int scan_run(const struct scan_options *opts, struct store *st,
	     struct scan_summary *summary, char *err, size_t errlen)
{
	struct scan *s = calloc(1, sizeof(*s));
	int loop_ready = 0, rc = -1;

	memset(summary, 0, sizeof(*summary));
	if (s == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	s->opts = opts;
	s->st = st;
	s->wake = scan_pump;
	s->summary = summary;
	s->input = opts->input;
	s->slots = scan_slots(opts);
	map_init(&s->endpoints);
	map_init(&s->hosts);
	map_init(&s->srvs);
	map_init(&s->sip_next);
	/* The trust store and the file first: a bad one changes nothing. */
	if (scan_one_options(s, err, errlen) != 0 ||
	    (s->ctx = scan_tls_context(opts, err, errlen)) == NULL ||
	    (opts->resume && scan_record(s, err, errlen) != 0) ||
	    (s->reader = scan_open_targets(s, err, errlen)) == NULL)
		goto out;
	if (scan_loop_init(s) != 0) {
		snprintf(err, errlen, "cannot start the event loop");
		goto out;
	}
	loop_ready = 1;
	if (dns_init(&s->dns, &s->loop, opts, err, errlen) != 0 ||
	    (!opts->resume && scan_record(s, err, errlen) != 0))
		goto out;
	summary->scan_id = s->scan_id;
	progress_start(s);
	scan_pump(s);
	uv_run(&s->loop, UV_RUN_DEFAULT);
	/* A file of nothing but bad rows (or, read from a pipe, of nothing)
	 * audited nobody: a failed run, not a quiet night, and a scan that
	 * `diff` must not compare with (it compares scans that are done). */
	if (!s->failed && !s->interrupted && !opts->resume &&
	    opts->one_host == NULL && summary->targets == 0 &&
	    summary->shard_skipped == 0) {
		if (summary->input_errors > 0)
			scan_fail(s, "%s: no valid target row: all %ld rows"
				  " were rejected", s->input,
				  summary->input_errors);
		else
			scan_fail(s, "%s: no target rows after the header"
				  " (an empty export?)", s->input);
	}
	/* Targets our resolver or our network left undone: the scan did not
	 * audit them, so it is not done (`diff` compares done scans), and a
	 * resume finishes it. Questions our resolver failed and then
	 * answered leave nothing undone: the scan recovered. */
	summary->dns_missed = s->dns_missed;
	if (!s->failed && !s->interrupted)
		outage_summary(s, summary->incomplete,
			       sizeof(summary->incomplete));
	if (!s->failed && !s->interrupted && !summary->incomplete[0] &&
	    s->dns_missed > 0 && !opts->quiet)
		fprintf(stderr, "fedcert: our resolver %s failed %ld question%s;"
			" each was asked again and answered: the scan"
			" recovered\n", s->dns_label, s->dns_missed,
			s->dns_missed == 1 ? "" : "s");
	if (store_scan_finish(st, s->scan_id,
			      s->failed || summary->incomplete[0] ? "failed" :
			      s->interrupted ? "interrupted" : "done") != 0 &&
	    !s->failed)
		scan_fail(s, "%s", store_errmsg(st));
	summary->interrupted = s->interrupted;
	if (s->failed)
		snprintf(err, errlen, "%s", s->err);
	else
		rc = 0;
out:
	if (loop_ready) {
		if (!s->closing)
			scan_close_handles(s);
		uv_run(&s->loop, UV_RUN_DEFAULT);
		uv_loop_close(&s->loop);
	}
	scan_free(s);
	return rc;
}
