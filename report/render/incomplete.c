/* incomplete.c: the report's heading says when the scan it reports did
 * not do every target for a reason of ours (our resolver did not answer,
 * our network could not send): those targets are not the partners'
 * failures, and `scan --resume` finishes them; or when it is a merged
 * scan (fedcert merge) that lacks shards. One sentence, built here,
 * written by each renderer with its own escaping.
 */
#include <stdio.h>
#include <string.h>

#include "report/render/emit.h"
#include "report/render/render.h"

int render_incomplete(const struct store_scan_summary *c, const char *input,
		      char *buf, size_t len)
{
	/* `fedcert check` keeps no scan to resume: it is asked again. */
	int check = input != NULL && strcmp(input, "fedcert check") == 0;

	buf[0] = '\0';
	/* A merged scan without all its shards (fedcert merge): their
	 * targets are not in it at all. */
	if (c->shards_missing > 0) {
		int one = c->shards_missing == 1;

		snprintf(buf, len, "This scan is incomplete: shard%s %s of %lld"
			 " %s not merged, %s targets are not in this report;"
			 " run fedcert merge with %s", one ? "" : "s",
			 c->shards_missing_which, (long long)c->shards,
			 one ? "was" : "were", one ? "its" : "their",
			 one ? "it" : "them");
		return 1;
	}
	if (c->not_probed <= 0)
		return 0;
	snprintf(buf, len, "This scan is incomplete: %s; %lld target%s not"
		 " probed; %s",
		 c->not_probed_why[0] ? c->not_probed_why :
		 "our side could not do them",
		 (long long)c->not_probed, c->not_probed == 1 ? "" : "s",
		 check ? "check again once our side works"
		       : "run fedcert scan --resume");
	return 1;
}

void render_text_incomplete(FILE *out, const struct store_scan_summary *c,
			    const char *input)
{
	char line[512];

	if (!render_incomplete(c, input, line, sizeof(line)))
		return;
	render_text_value(out, line);
	fputc('\n', out);
}

void render_json_incomplete(FILE *out, int64_t scan_id,
			    const struct store_scan_summary *c,
			    const char *input)
{
	struct emit_json outer, j;
	char line[512];

	if (!render_incomplete(c, input, line, sizeof(line)))
		return;
	emit_json_open_line(&outer, out);
	emit_json_key(&outer, "incomplete");
	emit_json_open(&j, out);
	emit_json_int(&j, "scan", scan_id);
	emit_json_int(&j, "not_probed", c->not_probed);
	if (c->shards_missing > 0) {
		emit_json_int(&j, "shards", c->shards);
		emit_json_str(&j, "shards_missing", c->shards_missing_which);
	}
	emit_json_str(&j, "reason", c->not_probed_why);
	emit_json_str(&j, "message", line);
	emit_json_close(&j);
	emit_json_close(&outer);
	fputc('\n', out);
}
