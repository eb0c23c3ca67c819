/* diff_render.c: writes the changes diff.c finds, as text (one line per
 * change, a heading and a summary), JSON Lines (one object per change,
 * nothing else, so that every line is a change) or a section of the HTML
 * report (the counts by kind, then each kind's changes in words as the
 * text gives them).
 *
 * JSON keys, on every object (null where the kind has nothing to say; the
 * names are every output's, format version 2):
 *   format_version, change, from_scan, to_scan, domain, type, port,
 *   endpoint {address, port, sni} | null,
 *   before, after: rotated {thumbprint, sha256, subject, not_after};
 *     issuer_changed, root_changed: the issuer or root (text);
 *     new_failure, failure_changed {error_kind, reason} (before null for
 *     a new failure); recovered: before {error_kind, reason}, after
 *     {status, finding_ids []} (null when the target needed no judging);
 *     target_added, endpoint_added: after {status, finding_ids []}
 *   finding {id, severity, message} | null (finding_appeared, _cleared)
 *   note: root_changed: what to do about it; else null
 */
#include "report/history/diff_int.h"

#include <stdlib.h>
#include <string.h>

#include "report/history/history_int.h"
#include "report/render/render.h"

#define DIFF_ROOT_NOTE "the partner's new root may need installing on our Edge"

static const char *const kind_names[DIFF_KINDS] = {
	"target_added", "target_removed", "endpoint_added", "endpoint_removed",
	"rotated", "issuer_changed", "root_changed", "new_failure",
	"recovered", "failure_changed", "finding_appeared", "finding_cleared",
};

/* The text line's words and its mark: + new, - gone, ~ changed, ! to act
 * on. */
static const struct {
	char mark;
	const char *words;
} kind_text[DIFF_KINDS] = {
	{ '+', "target added" }, { '-', "target removed" },
	{ '+', "endpoint added" }, { '-', "endpoint removed" },
	{ '~', "rotated" }, { '~', "issuer changed" }, { '!', "root changed" },
	{ '!', "new failure" }, { '+', "recovered" }, { '~', "failure changed" },
	{ '!', "finding appeared" }, { '+', "finding cleared" },
};

const char *diff_kind_name(enum diff_kind k)
{
	return k < DIFF_KINDS ? kind_names[k] : "unknown";
}

/* ---- Text ---------------------------------------------------------------- */

static void text_scan(FILE *out, int64_t id, const struct store_scan_row *r)
{
	fprintf(out, "scan %lld (", (long long)id);
	render_text_value(out, r->started);
	fputs(", ", out);
	render_text_value(out, r->status);
	fputc(')', out);
}

void diff_render_heading(FILE *out, enum report_format f,
			 const struct diff_scans *s)
{
	if (f == REPORT_JSON || f == REPORT_HTML)
		return;
	fputs("diff: ", out);
	text_scan(out, s->from, s->from_row);
	fputs(" -> ", out);
	text_scan(out, s->to, s->to_row);
	fputc('\n', out);
	if (s->newer_unfinished != 0)
		fprintf(out, "(scan %lld is newer but did not finish: "
			"--to %lld compares it)\n", (long long)s->newer_unfinished,
			(long long)s->newer_unfinished);
}

void diff_first_night_note(int64_t scan, char *buf, size_t len)
{
	snprintf(buf, len, "scan %lld is the only finished scan: nothing to"
		 " compare yet (the next scan will have a night before it)",
		 (long long)scan);
}

void diff_render_first_night(FILE *out, enum report_format f, int64_t scan)
{
	char note[160];

	if (f == REPORT_JSON || f == REPORT_HTML)
		return;
	diff_first_night_note(scan, note, sizeof note);
	fprintf(out, "diff: %s\n", note);
}

static void text_leaf(FILE *out, const struct store_cert_row *c)
{
	char thumb[41];

	hex_thumbprint(c->sha1, thumb);
	fprintf(out, "%s (expires ", thumb);
	render_text_value(out, c->not_after);
	fputc(')', out);
}

static void text_ids(FILE *out, const struct diff_change *c)
{
	size_t i;

	fputs(c->status, out);
	for (i = 0; c->findings != NULL && i < c->findings->count; i++) {
		if (c->probe != NULL && c->findings->items[i].probe != c->probe)
			continue;
		if (c->findings->items[i].severity == SEVERITY_INFO)
			continue;
		fprintf(out, " %s", c->findings->items[i].def->id);
	}
}

static void text_detail(FILE *out, const struct diff_change *c)
{
	switch (c->kind) {
	case DIFF_TARGET_ADDED:
	case DIFF_ENDPOINT_ADDED:
		fputs(": ", out);
		text_ids(out, c);
		break;
	case DIFF_ROTATED:
		fputs(": ", out);
		text_leaf(out, c->leaf_before);
		fputs(" -> ", out);
		text_leaf(out, c->leaf_after);
		break;
	case DIFF_ISSUER_CHANGED:
	case DIFF_ROOT_CHANGED:
	case DIFF_FAILURE_CHANGED:
		fputs(": ", out);
		render_text_value(out, c->before);
		fputs(" -> ", out);
		render_text_value(out, c->after);
		if (c->kind == DIFF_ROOT_CHANGED)
			fputs(" (" DIFF_ROOT_NOTE ")", out);
		if (c->kind == DIFF_FAILURE_CHANGED) {
			fputs(" (", out);
			render_text_value(out, c->reason_after);
			fputc(')', out);
		}
		break;
	case DIFF_NEW_FAILURE:
		fputs(": ", out);
		render_text_value(out, c->after);
		fputs(" (", out);
		render_text_value(out, c->reason_after);
		fputc(')', out);
		break;
	case DIFF_RECOVERED:
		fputs(": was ", out);
		render_text_value(out, c->before);
		if (c->status != NULL) {
			fputs(", now ", out);
			text_ids(out, c);
		}
		break;
	case DIFF_FINDING_APPEARED:
	case DIFF_FINDING_CLEARED:
		fprintf(out, ": [%s] %s: ", finding_severity_name(c->finding->severity),
			c->finding->def->id);
		render_text_value(out, c->finding->message);
		break;
	default:
		break;
	}
}

/* The target and the endpoint a change is about, and what it says. */
static void text_what(FILE *out, const struct diff_change *c)
{
	char ep[RENDER_ENDPOINT_MAX];

	esc_text(out, c->target->domain);
	fputc(' ', out);
	esc_text(out, c->target->type);
	if (c->probe != NULL) {
		render_endpoint_text(c->probe->address, c->probe->port, ep);
		fprintf(out, " %s", ep);
		if (c->probe->sni != NULL) {
			fputs(" (", out);
			esc_text(out, c->probe->sni);
			fputc(')', out);
		}
	}
	text_detail(out, c);
}

static void text_change(FILE *out, const struct diff_change *c)
{
	fprintf(out, "%c %s: ", kind_text[c->kind].mark, kind_text[c->kind].words);
	text_what(out, c);
	fputc('\n', out);
}

/* ---- HTML ----------------------------------------------------------------- */

/* One item of its kind's list: the text line's words (made safe for a
 * terminal), then made safe for HTML at this one place. */
static void html_change(FILE *out, const struct diff_change *c)
{
	char *line = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&line, &len);

	if (m == NULL) {
		fputs("<li>(out of memory)</li>\n", out);
		return;
	}
	text_what(m, c);
	if (fclose(m) != 0) {
		free(line);
		fputs("<li>(out of memory)</li>\n", out);
		return;
	}
	fputs("<li>", out);
	esc_html(out, line);
	fputs("</li>\n", out);
	free(line);
}

static void html_scan(FILE *out, int64_t id, const struct store_scan_row *r)
{
	fprintf(out, "scan %lld (started ", (long long)id);
	esc_html(out, r->started);
	fputs(", ", out);
	esc_html(out, r->status);
	fputc(')', out);
}

void diff_render_html(FILE *out, const struct diff_scans *s,
		      const size_t counts[DIFF_KINDS], FILE *const kinds[DIFF_KINDS],
		      size_t max_items)
{
	size_t i, n = 0;

	fprintf(out, "<section><h2>What changed since scan %lld</h2><p>From ",
		(long long)s->from);
	html_scan(out, s->from, s->from_row);
	fputs(" to ", out);
	html_scan(out, s->to, s->to_row);
	fputs(", as <code>fedcert diff</code> tells it.</p>", out);
	for (i = 0; i < DIFF_KINDS; i++)
		n += counts[i];
	if (n == 0) {
		fputs("<p>No change.</p></section>\n", out);
		return;
	}
	fputs("<table><thead><tr><th>change</th><th class=\"n\">how many</th>"
	      "</tr></thead><tbody>", out);
	for (i = 0; i < DIFF_KINDS; i++)
		if (counts[i] > 0)
			fprintf(out, "<tr><td class=\"%s\">%s</td><td class=\"n\">"
				"%zu</td></tr>", kind_text[i].mark == '!' ? "e" : "",
				kind_text[i].words, counts[i]);
	fputs("</tbody></table>", out);
	for (i = 0; i < DIFF_KINDS; i++) {
		if (counts[i] == 0)
			continue;
		fprintf(out, "<details><summary>%s: %zu</summary><ul>",
			kind_text[i].words, counts[i]);
		if (render_copy_file(kinds[i], out) != 0)
			return;
		fputs("</ul>", out);
		if (counts[i] > max_items)
			fprintf(out, "<p>The first %zu are listed: <code>fedcert diff "
				"--from %lld --to %lld</code> lists all %zu.</p>",
				max_items, (long long)s->from, (long long)s->to,
				counts[i]);
		fputs("</details>", out);
	}
	fputs("</section>\n", out);
}

/* ---- JSON ----------------------------------------------------------------- */

static void json_leaf(struct emit_json *j, const char *key,
		      const struct store_cert_row *c)
{
	struct emit_json o;
	char thumb[HEX_SHA1_MAX];

	hex_thumbprint(c->sha1, thumb);
	emit_json_key(j, key);
	emit_json_open(&o, j->out);
	emit_json_str(&o, "thumbprint", thumb);
	emit_json_str(&o, "sha256", c->sha256);
	emit_json_str(&o, "subject", c->subject);
	emit_json_str(&o, "not_after", c->not_after);
	emit_json_close(&o);
}

static void json_failure(struct emit_json *j, const char *key,
			 const char *kind, const char *reason)
{
	struct emit_json o;

	if (kind == NULL) {
		emit_json_null(j, key);
		return;
	}
	emit_json_key(j, key);
	emit_json_open(&o, j->out);
	emit_json_str(&o, "error_kind", kind);
	emit_json_str(&o, "reason", reason);
	emit_json_close(&o);
}

static void json_verdict(struct emit_json *j, const struct diff_change *c)
{
	struct emit_json o;
	size_t i;
	int first = 1;

	emit_json_key(j, "after");
	emit_json_open(&o, j->out);
	emit_json_str(&o, "status", c->status);
	emit_json_key(&o, "finding_ids");
	fputc('[', j->out);
	for (i = 0; c->findings != NULL && i < c->findings->count; i++) {
		if (c->probe != NULL && c->findings->items[i].probe != c->probe)
			continue;
		fprintf(j->out, "%s\"%s\"", first ? "" : ",",
			c->findings->items[i].def->id); /* ids are ours */
		first = 0;
	}
	fputc(']', j->out);
	emit_json_close(&o);
}

static void json_before_after(struct emit_json *j, const struct diff_change *c)
{
	switch (c->kind) {
	case DIFF_ROTATED:
		json_leaf(j, "before", c->leaf_before);
		json_leaf(j, "after", c->leaf_after);
		return;
	case DIFF_ISSUER_CHANGED:
	case DIFF_ROOT_CHANGED:
		emit_json_str(j, "before", c->before);
		emit_json_str(j, "after", c->after);
		return;
	case DIFF_RECOVERED:
		json_failure(j, "before", c->before, c->reason_before);
		if (c->status != NULL)
			json_verdict(j, c);
		else
			emit_json_null(j, "after");
		return;
	case DIFF_NEW_FAILURE:
	case DIFF_FAILURE_CHANGED:
		json_failure(j, "before", c->before, c->reason_before);
		json_failure(j, "after", c->after, c->reason_after);
		return;
	case DIFF_TARGET_ADDED:
	case DIFF_ENDPOINT_ADDED:
		emit_json_null(j, "before");
		json_verdict(j, c);
		return;
	default:
		emit_json_null(j, "before");
		emit_json_null(j, "after");
	}
}

static void json_change(FILE *out, const struct diff_scans *s,
			const struct diff_change *c)
{
	struct emit_json j, o;
	const struct store_probe_row *p = c->probe;

	emit_json_open_line(&j, out);
	emit_json_str(&j, "change", diff_kind_name(c->kind));
	emit_json_int(&j, "from_scan", s->from);
	emit_json_int(&j, "to_scan", s->to);
	emit_json_str(&j, "domain", c->target->domain);
	emit_json_str(&j, "type", c->target->type);
	emit_json_int(&j, "port", c->target->port);
	hist_json_endpoint(&j, "endpoint", p ? p->address : NULL,
			   p ? p->port : 0, p ? p->sni : NULL);
	json_before_after(&j, c);
	if (c->finding == NULL) {
		emit_json_null(&j, "finding");
	} else {
		emit_json_key(&j, "finding");
		emit_json_open(&o, out);
		emit_json_str(&o, "id", c->finding->def->id);
		emit_json_str(&o, "severity",
			      finding_severity_name(c->finding->severity));
		emit_json_str(&o, "message", c->finding->message);
		emit_json_close(&o);
	}
	if (c->kind == DIFF_ROOT_CHANGED)
		emit_json_str(&j, "note", DIFF_ROOT_NOTE);
	else
		emit_json_null(&j, "note");
	emit_json_close(&j);
	fputc('\n', out);
}

void diff_render_change(FILE *out, enum report_format f,
			const struct diff_scans *s, const struct diff_change *c)
{
	if (f == REPORT_JSON)
		json_change(out, s, c);
	else if (f == REPORT_HTML)
		html_change(out, c);
	else
		text_change(out, c);
}

void diff_render_summary(FILE *out, enum report_format f,
			 const size_t counts[DIFF_KINDS])
{
	size_t i, n = 0;

	if (f == REPORT_JSON)
		return;
	fputs("summary:", out);
	for (i = 0; i < DIFF_KINDS; i++) {
		if (counts[i] == 0)
			continue;
		fprintf(out, "%s %zu %s", n++ ? "," : "", counts[i],
			kind_text[i].words);
	}
	fputs(n ? "\n" : " no change\n", out);
}
