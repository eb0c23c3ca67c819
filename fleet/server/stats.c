/* stats.c: what the fleet server did, and what it cost.
 *
 * One line of key=value pairs, on stderr and (with --stats) as the whole
 * content of a file replaced atomically, so a benchmark can read it while
 * the server runs. CPU is counted from the end of startup (loading 6,000
 * certificates is not handshake work); startup_cpu_s says what startup cost.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fleet.h"

#define STATS_LINE_MAX 2048

static double seconds(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static void add(char *buf, size_t *off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add(char *buf, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= STATS_LINE_MAX)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, STATS_LINE_MAX - *off, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off += (size_t)n;
}

void fleet_stats_ready(struct fleet *f)
{
	getrusage(RUSAGE_SELF, &f->stats.at_ready);
	f->stats.ready_ns = uv_hrtime();
}

static void stats_write_file(const char *path, const char *line)
{
	char tmp[4096];
	FILE *fp;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	fp = fopen(tmp, "w");
	if (fp == NULL)
		return;
	fputs(line, fp);
	if (fclose(fp) != 0 || rename(tmp, path) != 0) {
		fprintf(stderr, "fleet-server: cannot write %s\n", path);
		unlink(tmp);
	}
}

void fleet_stats_report(struct fleet *f, const char *why)
{
	const struct fleet_stats *s = &f->stats;
	char line[STATS_LINE_MAX + 2];
	struct rusage ru;
	double user, sys, startup;
	size_t off = 0;
	int m;

	getrusage(RUSAGE_SELF, &ru);
	user = seconds(ru.ru_utime) - seconds(s->at_ready.ru_utime);
	sys = seconds(ru.ru_stime) - seconds(s->at_ready.ru_stime);
	startup = seconds(s->at_ready.ru_utime) + seconds(s->at_ready.ru_stime);
	add(line, &off, "fleet-stats reason=%s uptime_s=%.3f listeners=%zu contexts=%zu "
		"delay_ms=%u accepted=%llu accept_errors=%llu handshakes=%llu "
		"handshake_failures=%llu open=%llu peak_open=%llu bytes_in=%llu bytes_out=%llu",
	    why, (double)(uv_hrtime() - s->ready_ns) / 1e9, f->n_listeners,
	    fleet_config_contexts(f), f->delay_ms,
	    (unsigned long long)s->accepted, (unsigned long long)s->accept_errors,
	    (unsigned long long)s->handshakes, (unsigned long long)s->handshake_failures,
	    (unsigned long long)s->open, (unsigned long long)s->peak_open,
	    (unsigned long long)s->bytes_in, (unsigned long long)s->bytes_out);
	for (m = 0; m < FLEET_MODES; m++)
		if (m != FLEET_REFUSED)
			add(line, &off, " accepted_%s=%llu", fleet_mode_name(m),
			    (unsigned long long)s->by_mode[m]);
	add(line, &off, " user_s=%.3f sys_s=%.3f cpu_ms_per_1000_handshakes=%.1f "
		"startup_cpu_s=%.3f maxrss_kb=%ld sip_options=%llu sip_other=%llu",
	    user, sys, s->handshakes ? (user + sys) * 1e6 / (double)s->handshakes : 0.0,
	    startup, ru.ru_maxrss, (unsigned long long)s->sip_options,
	    (unsigned long long)s->sip_other);
	strcpy(line + (off < STATS_LINE_MAX ? off : STATS_LINE_MAX), "\n");
	fputs(line, stderr);
	if (f->stats_path)
		stats_write_file(f->stats_path, line);
}
