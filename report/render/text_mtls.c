/* text_mtls.c: the text report's blocks about certificates seen from our
 * side (#10): the "Client certificate:" line of each endpoint (did the
 * server ask for ours, which CAs it accepts, what it did with ours), the
 * "Our certificate:" block at the top of a scan that presented one, and
 * the block of a certificate file (`fedcert inspect`).
 *
 * They reuse text.c's blocks (render.h) so that a certificate reads the
 * same wherever it is shown. Every untrusted string goes through
 * render_text_value().
 */
#include "report/render/render.h"

#include <string.h>

static int is(const char *s, const char *want)
{
	return s != NULL && strcmp(s, want) == 0;
}

/* ---- Client certificate ------------------------------------------------- */

const char *render_client_cert_state(const struct store_probe_row *p)
{
	if (!p->cc_requested)
		return "not_requested";
	if (finding_cc_required(p))
		return "required";
	if (finding_cc_refused(p))
		return "rejected";
	if (is(p->cc_outcome, "accepted"))
		return p->cc_presented ? "accepted" : "requested";
	return "unknown";
}

/* " (acceptable CAs: CN=A,O=X, CN=B)" or " (no acceptable CA named)". */
static void text_ca_names(FILE *out, const struct store_probe_row *p)
{
	size_t i;

	if (p->ca_count == 0) {
		fputs(" (no acceptable CA named)", out);
		return;
	}
	fputs(" (acceptable CAs: ", out);
	for (i = 0; i < p->ca_count; i++) {
		if (i > 0)
			fputs(", ", out);
		render_text_value(out, p->ca_names[i]);
	}
	fputc(')', out);
}

/* What the server did after our answer: ours refused, or the handshake
 * ended because we sent none, or it went on. */
static void text_cc_outcome(FILE *out, const struct store_probe_row *p)
{
	const char *verb = p->cc_presented ? "refused" : "ended";

	if (is(p->cc_outcome, "accepted")) {
		fputs(p->cc_presented ? "; accepted" : "; went on without one",
		      out);
	} else if (is(p->cc_outcome, "alert")) {
		fprintf(out, "; %s with alert ", verb);
		render_text_value(out, p->cc_alert);
	} else if (is(p->cc_outcome, "closed")) {
		fprintf(out, "; %s: the server closed the connection", verb);
	} else if (finding_cc_required(p)) {
		fputs("; ended: ", out);
		render_text_value(out, p->error_kind);
	} else if (p->cc_outcome != NULL) {
		fputs("; outcome ", out);
		render_text_value(out, p->cc_outcome);
	}
}

void render_text_client_cert(FILE *out, const struct store_probe_row *p)
{
	fputs("Client certificate: ", out);
	if (!p->cc_requested) {
		fputs("not requested\n", out);
		return;
	}
	fputs("requested", out);
	text_ca_names(out, p);
	fputs(p->cc_presented ? "; ours presented" : "; none presented", out);
	text_cc_outcome(out, p);
	fputc('\n', out);
}

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
