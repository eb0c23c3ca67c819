/* text_self.c: the text blocks that stand on no target: the "Our
 * certificate:" block at the top of a scan that presented our Edge's
 * certificate (mutual TLS), and the block of a certificate file (`fedcert
 * inspect`).
 *
 * They are made of text.c's blocks (render.h), one layer below, so that a
 * certificate reads the same wherever it is shown. Every untrusted string
 * goes through render_text_value().
 */
#include "report/render/render.h"

#include <string.h>

/* ---- Our certificate ---------------------------------------------------- */

/* The target row a block without a target stands on: a name for the
 * Result line, no probes. */
static struct render_target text_standin(const struct render_self *s,
					 struct store_target_row *row,
					 const char *name)
{
	struct render_target rt = { .row = row, .all = s->all,
				    .shown = s->shown, .nshown = s->nshown,
				    .status = s->status };

	memset(row, 0, sizeof *row);
	row->domain = (char *)name;
	return rt;
}

void render_text_self(FILE *out, const struct render_text_options *o,
		      const struct render_self *s)
{
	struct store_probe_row p = {
		.chain = (struct store_cert_row *)s->chain,
		.chain_len = s->count, .verify_code = s->verify_code,
		.verify_reason = (char *)s->verify_reason,
		.connect_ms = -1, .handshake_ms = -1,
	};
	struct store_target_row row;
	struct render_target rt = text_standin(s, &row, "our certificate");

	fputs("\nOur certificate: the chain this scan presented when a "
	      "server asked (--client-cert)\n", out);
	render_text_chain_facts(out, o, &p);
	render_text_comments(out, &rt, NULL, "");
	fputc('\n', out); /* as after a target's last block */
	render_text_result(out, &rt);
}

/* ---- A certificate file (inspect) --------------------------------------- */

void render_text_file(FILE *out, const struct render_text_options *o,
		      const struct render_target *rt)
{
	const struct store_target_row *t = rt->row;
	const struct store_probe_row *p = t->probe_count ? &t->probes[0] : NULL;
	struct store_target_row named = *t;
	struct render_target result = *rt;

	/* The only block of its output: no blank line before it. */
	fputs("Checking certificate file: ", out);
	render_text_value(out, o->file);
	fputs("\nJudged as: ", out);
	render_text_value(out, t->type);
	if (t->domain != NULL) {
		fputs(", name ", out);
		render_text_value(out, t->domain);
	} else {
		fputs(", no name given (--name): names not checked", out);
	}
	fputc('\n', out);
	render_text_profile(out, rt->profile);
	if (p != NULL) {
		render_text_chain_facts(out, o, p);
		render_text_comments(out, rt, p, "");
	}
	render_text_comments(out, rt, NULL, "\n");
	if (render_worst_shown_of(rt, NULL) < 0)
		fputc('\n', out);
	/* The Result line names the file: there is no domain to name. */
	named.domain = (char *)o->file;
	result.row = &named;
	render_text_result(out, &result);
}
