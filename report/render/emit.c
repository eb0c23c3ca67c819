/* emit.c: CSV cells and JSON values (emit.h). */
#include "report/render/emit.h"

#include <csv.h>
#include <string.h>
#include <time.h>

#include "common/utc.h"

/* Room for any number formatted here (a 64-bit integer, a timing). */
#define EMIT_NUM_MAX 32

/* Writes text that needs no escaping (ours) as a quoted cell. */
static void csv_plain(struct emit_csv *c, const char *s, size_t n)
{
	if (c->col++ > 0)
		fputc(',', c->out);
	csv_fwrite(c->out, s, n);
}

void emit_csv_cell(struct emit_csv *c, const char *s)
{
	if (esc_csv_cell(&c->buf, s) < 0) {
		c->failed = 1;
		c->buf.len = 0;
	}
	csv_plain(c, c->buf.data != NULL ? c->buf.data : "", c->buf.len);
}

void emit_csv_number(struct emit_csv *c, long long v)
{
	char num[EMIT_NUM_MAX];
	int n = snprintf(num, sizeof num, "%lld", v);

	csv_plain(c, num, (size_t)n);
}

void emit_csv_optional(struct emit_csv *c, long long v)
{
	if (v >= 0)
		emit_csv_number(c, v);
	else
		emit_csv_cell(c, NULL);
}

void emit_csv_date(struct emit_csv *c, const char *iso)
{
	char text[UTC_TEXT_MAX];
	struct tm tm;
	time_t t;
	size_t n;

	if (iso == NULL || utc_parse(iso, &t) != 0 ||
	    gmtime_r(&t, &tm) == NULL) {
		emit_csv_cell(c, iso);
		return;
	}
	n = strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
	if (n != strlen("YYYY-MM-DD HH:MM:SS")) {
		emit_csv_cell(c, iso);
		return;
	}
	csv_plain(c, text, n);
}

/* The tenths of ms, or -1 when ms is not a timing. */
static long long ms_tenths(double ms)
{
	if (!(ms >= 0 && ms < 1e12))
		return -1;
	return (long long)(ms * 10 + 0.5);
}

void emit_csv_ms(struct emit_csv *c, double ms)
{
	char num[EMIT_NUM_MAX];
	long long t = ms_tenths(ms);
	int n;

	if (t < 0) {
		emit_csv_cell(c, NULL);
		return;
	}
	n = snprintf(num, sizeof num, "%lld.%lld", t / 10, t % 10);
	csv_plain(c, num, (size_t)n);
}

void emit_csv_end_row(struct emit_csv *c)
{
	fputs("\r\n", c->out);
	c->col = 0;
}

void emit_csv_header(struct emit_csv *c, const char *const *names)
{
	size_t i;

	for (i = 0; names[i] != NULL; i++)
		emit_csv_cell(c, names[i]);
	emit_csv_end_row(c);
}

void emit_csv_free(struct emit_csv *c)
{
	esc_buf_free(&c->buf);
}

void emit_csv_bom(FILE *out)
{
	fputs("\xEF\xBB\xBF", out);
}

void emit_json_open(struct emit_json *j, FILE *out)
{
	j->out = out;
	j->first = 1;
	fputc('{', out);
}

void emit_json_open_line(struct emit_json *j, FILE *out)
{
	emit_json_open(j, out);
	emit_json_int(j, "format_version", EMIT_FORMAT_VERSION);
}

void emit_json_close(struct emit_json *j)
{
	fputc('}', j->out);
}

void emit_json_key(struct emit_json *j, const char *key)
{
	if (!j->first)
		fputc(',', j->out);
	j->first = 0;
	fprintf(j->out, "\"%s\":", key);
}

void emit_json_str(struct emit_json *j, const char *key, const char *s)
{
	emit_json_key(j, key);
	esc_json(j->out, s);
}

void emit_json_int(struct emit_json *j, const char *key, long long v)
{
	emit_json_key(j, key);
	fprintf(j->out, "%lld", v);
}

void emit_json_opt(struct emit_json *j, const char *key, long long v)
{
	if (v >= 0)
		emit_json_int(j, key, v);
	else
		emit_json_null(j, key);
}

void emit_json_ms(struct emit_json *j, const char *key, double ms)
{
	long long t = ms_tenths(ms);

	emit_json_key(j, key);
	if (t < 0)
		fputs("null", j->out);
	else
		fprintf(j->out, "%lld.%lld", t / 10, t % 10);
}

void emit_json_bool(struct emit_json *j, const char *key, int v)
{
	emit_json_key(j, key);
	fputs(v ? "true" : "false", j->out);
}

void emit_json_null(struct emit_json *j, const char *key)
{
	emit_json_key(j, key);
	fputs("null", j->out);
}

void emit_json_words(struct emit_json *j, const char *key, const char *s)
{
	size_t n;
	int first = 1;

	emit_json_key(j, key);
	fputc('[', j->out);
	while (s != NULL && *s != '\0') {
		n = strcspn(s, " ");
		if (n > 0) {
			fprintf(j->out, "%s\"%.*s\"", first ? "" : ",", (int)n, s);
			first = 0;
		}
		s += n + (s[n] != '\0');
	}
	fputc(']', j->out);
}
