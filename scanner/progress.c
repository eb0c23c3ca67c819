/* progress.c: a scan's progress on a terminal, and its elapsed time. The
 * timer is initialised with the loop's other handles (scan.c) and closed
 * with them.
 *
 * One line, rewritten in place once a second, only when standard error is
 * a terminal and --quiet was not given: files and pipes get no progress,
 * only the closing summary line that main prints.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "scan_int.h"

/* Rows of the targets file, counted without keeping it: newlines, less the
 * header; an estimate (blank lines count), enough for an ETA. -1 when
 * unknown. */
static long progress_count_rows(const char *path)
{
	char buf[65536];
	FILE *f = fopen(path, "rb");
	long lines = 0, last = '\n';
	size_t n;

	if (f == NULL)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		const char *p = buf, *end = buf + n;

		while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
			lines++;
			p++;
		}
		last = buf[n - 1];
	}
	fclose(f);
	if (last != '\n')
		lines++;
	return lines > 0 ? lines - 1 : 0;
}

static void progress_show(struct scan *s)
{
	const struct scan_summary *sum = s->summary;
	double elapsed = (double)(uv_hrtime() - s->started_ns) / 1e9;
	long rows = sum->targets + sum->input_errors;
	char eta[32] = "?";

	if (s->rows_total > 0 && rows > 0 && rows <= s->rows_total) {
		long left = (long)(elapsed * (double)(s->rows_total - rows) / (double)rows);

		snprintf(eta, sizeof(eta), "%ld:%02ld", left / 60, left % 60);
	}
	fprintf(stderr, "\r\033[Kfedcert: %ld/%ld targets, %u in flight, %.0f probes/s, %ld failed, ETA %s",
		rows, s->rows_total > 0 ? s->rows_total : rows, s->inflight,
		elapsed > 0 ? (double)sum->probes / elapsed : 0.0,
		sum->probe_failures, eta);
	fflush(stderr);
	s->progress_shown = 1;
}

static void progress_on_timer(uv_timer_t *t)
{
	progress_show(container_of(t, struct scan, progress_timer));
}

void progress_start(struct scan *s)
{
	s->started_ns = uv_hrtime();
	if (s->opts->quiet || !isatty(STDERR_FILENO))
		return;
	s->rows_total = s->opts->one_host ? 1 : progress_count_rows(s->input);
	uv_timer_start(&s->progress_timer, progress_on_timer,
		       FC_PROGRESS_INTERVAL_MS, FC_PROGRESS_INTERVAL_MS);
}

void progress_stop(struct scan *s)
{
	s->summary->elapsed_s = (double)(uv_hrtime() - s->started_ns) / 1e9;
	uv_timer_stop(&s->progress_timer);
	if (s->progress_shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		s->progress_shown = 0;
	}
}
