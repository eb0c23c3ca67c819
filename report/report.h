/* report.h: judges and renders what a scan stored.
 *
 * The report never touches the network. It reads the database through
 * store.h into in-memory rows and hands them to a renderer.
 */
#ifndef FEDCERT_REPORT_H
#define FEDCERT_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

struct store;

/* The severities of findings as options give them (--min-severity,
 * --fail-on): findings.h's, for the command line. */
#define REPORT_SEVERITY_INFO 0
#define REPORT_SEVERITY_WARNING 1
#define REPORT_SEVERITY_ERROR 2

/* Whose rules judge the names (--profile): the platform on the other
 * side of the handshake decides which certificate it accepts, and the
 * platforms disagree (docs/profiles.md gives each rule and its source).
 * SFB: a Skype for Business / Lync Edge federating by DNS discovery (the
 * default: the platform fedcert was written for): RFC 6125 names, a
 * wildcard is a warning (wildcard_name), an SRV target outside the SIP
 * domain needs configuration on our Edge (srv_target_outside_domain).
 * TEAMS_DR: Teams Direct Routing judging an SBC: the FQDN in the CN or a
 * SAN, wildcards accepted (RFC 2818). RFC5922: a SIP domain certificate:
 * the SIP domain, in a sip: URI SAN first, then the DNS SANs, then the
 * CN; no wildcard, no suffix. */
enum report_profile {
	REPORT_PROFILE_SFB = 0,
	REPORT_PROFILE_TEAMS_DR = 1,
	REPORT_PROFILE_RFC5922 = 2
};
#define REPORT_NPROFILES 3

/* "sfb", "teams-dr", "rfc5922"; the profile of that name (any case) into
 * *out: 0, or -1 for no such name. */
const char *report_profile_name(enum report_profile p);
int report_profile_parse(const char *name, enum report_profile *out);

/* Whose rules they are, for a heading: "Skype for Business / Lync Edge
 * federation", "Teams Direct Routing", "RFC 5922 SIP domain
 * certificates". */
const char *report_profile_title(enum report_profile p);

enum report_format {
	REPORT_TEXT, /* one block per endpoint, the layout administrators know,
			with "Comments:" (findings) after each */
	REPORT_CSV,  /* one row per target (per_endpoint: one per probe),
			RFC 4180, header row first, spreadsheet-safe */
	REPORT_JSON, /* JSON Lines: one object per target (docs/formats.md documents
			the keys: a contract) */
	REPORT_PROMETHEUS, /* the text exposition format of Prometheus, for
			      node_exporter's textfile collector
			      (docs/metrics.md) */
	REPORT_HTML /* one self-contained page (docs/formats.md) */
};

struct report_options {
	enum report_format format;
	int64_t scan_id;   /* 0: the newest scan */
	int per_endpoint;  /* CSV: one row per probe instead of per target */
	int advanced;      /* text: every extension of each leaf decoded */
	int chain;         /* text: each chain item, and where to get the root */
	int min_severity;  /* findings below this severity are not shown;
			      -1: all */
	const char *const *only; /* show only these finding ids (NULL: all) */
	size_t nonly;
	int fail_on;       /* severity at or above which *flagged is set;
			      -1: never */
	int warn_days;     /* expires_soon threshold, days (0: FC_WARN_DAYS_DEFAULT, 30) */
	const char *ca_file; /* judge chains again against this trust store */
	const char *ca_path;
	time_t now;        /* the time findings are judged at (0: now);
			      --as-of */
	/* Files of trust events that extend the built-in table
	 * (data/trust-events.csv), --trust-events; NULL and 0: none. */
	const char *const *trust_events;
	size_t ntrust_events;
	enum report_profile profile; /* whose rules judge (--profile) */
	int bom;           /* CSV: a UTF-8 byte order mark first (Excel) */
	/* The views of one scan. summary: one line per target, worst first,
	 * under the totals (text). by_finding: one row per finding with the
	 * targets that have it (text, CSV, JSON). */
	int summary;
	int by_finding;
	/* `fedcert outlook`: the timeline of the foresight findings shown,
	 * those on or before outlook_until (0: all), instead of the report;
	 * judged afresh (kept verdicts do not keep the days). */
	int outlook;
	time_t outlook_until;
	/* Which targets are shown (and counted, and alert): every filter
	 * given must let a target through. status: REPORT_STATUS_BIT()s, 0
	 * for all; finding: targets with any of these finding ids among all
	 * their findings; domain: an fnmatch() pattern in lowercase (domains
 * are stored lowercase; the command line lowercases it). A
	 * row rejected as an input error has status INPUT_ERROR and no
	 * finding. */
	unsigned status;
	const char *const *finding;
	size_t nfinding;
	const char *domain;
	/* Kept verdicts (the scan's judgement kept when it ended, or by
	 * `fedcert judge`) are read instead of judging again wherever they
	 * hold for these options; judge_afresh: never. notes: where a note
	 * goes when the scan has kept verdicts that these options cannot use
	 * (NULL: none). */
	int judge_afresh;
	FILE *notes;
};

/* A target's status as the filters and the outputs name them: the
 * judged PASS, WARN and FAIL, and INPUT_ERROR for a row of the targets
 * file that never became a target. */
enum report_status {
	REPORT_STATUS_PASS,
	REPORT_STATUS_WARN,
	REPORT_STATUS_FAIL,
	REPORT_STATUS_INPUT_ERROR
};
#define REPORT_NSTATUS 4
#define REPORT_STATUS_BIT(s) (1u << (s))

/* "PASS", "WARN", "FAIL", "INPUT_ERROR"; the status of that name (exact,
 * uppercase) or -1. */
const char *report_status_name(enum report_status s);
int report_status_of_name(const char *name);

/* What *flagged says after report_run() and report_compliance(): 0, or
 * these bits. UNFINISHED: fail_on is set and the scan reported did not
 * run to its end (failed, interrupted, still running), so that the
 * targets it did not reach were not checked: a nightly job that alerts on
 * findings must not read such a report as all clear. */
#define REPORT_FLAGGED_FINDING 1
#define REPORT_FLAGGED_UNFINISHED 2

/* Writes the report of one scan to out, with the findings of each target.
 * *flagged gets REPORT_FLAGGED_FINDING when a finding that is shown (after
 * --min-severity and --only) is at or above fail_on, and
 * REPORT_FLAGGED_UNFINISHED as above. Returns 0 on success, -1 with a
 * message in err (no scan in the database, an unreadable trust store, a
 * database or write error). */
int report_run(struct store *st, const struct report_options *opts, FILE *out,
	       int *flagged, char *err, size_t errlen);

/* ---- A certificate file ------------------------------------------ */

/* `fedcert inspect FILE...`: judges certificate files with the findings
 * and renderers of report_run(), no network, no database: the chain in
 * each file is taken as what an Edge would present (leaf first), reached
 * by name, verified against opts' trust store (--ca-file / --ca-path, else
 * the system's). A file may hold one certificate or a chain, PEM (other
 * blocks, such as a key, are skipped) or DER (certificates one after
 * another); at most FC_CHAIN_MAX certificates and REPORT_INSPECT_FILE_MAX
 * bytes. */
#define REPORT_INSPECT_FILE_MAX (1024 * 1024)

struct report_inspect {
	const char *const *files; /* borrowed; nfiles of them, judged in turn */
	size_t nfiles;
	const char *name; /* the FQDN partners reach it by (--name); NULL:
			     names are not checked */
	const char *type; /* FED (NULL: FED), SIP, SIPINT or DIR: as a scan's
			     target type, it sets no_client_auth_eku's
			     severity (an error for FED) */
};

/* opts: format (text or json), advanced, chain, min_severity, only,
 * fail_on, warn_days, ca_file, ca_path, now, notes; the others are
 * ignored. Each file is written in turn (text: a block each; JSON: one
 * object, one line, each). A file that cannot be read or is not a
 * certificate (unreadable, too large, not a certificate, too many
 * certificates) is counted in *failed and its message, which names it,
 * goes to opts->notes as "fedcert inspect: MESSAGE"; the next file is
 * judged all the same. Sets *flagged as report_run() does, for the files
 * judged. Returns 0, or -1 with a message in err when the trust store
 * cannot be read, memory ran out or the output failed. */
int report_inspect(const struct report_inspect *what,
		   const struct report_options *opts, FILE *out, int *flagged,
		   size_t *failed, char *err, size_t errlen);

/* `fedcert findings`: every finding id with its severity and why it
 * matters. */
void report_list_findings(FILE *out);

/* The finding id is known: 1, or 0 (for validating --only). */
int report_is_finding_id(const char *id);

/* ---- Across scans ------------------------------------------------ */

/* `fedcert scans`: one line (text) or object (JSON) per scan, oldest first,
 * with its counts and, unless findings is 0, the findings of its targets
 * judged at the scan's start (a target whose facts and dates did not
 * change since the scan listed before it is not judged again). */
struct report_scans_options {
	enum report_format format; /* text or json */
	int64_t last;  /* only the newest `last` scans; 0: all */
	int findings;  /* judge each scan's targets */
	int warn_days; /* expires_soon threshold (0: FC_WARN_DAYS_DEFAULT, 30) */
	int trend;     /* per scan, counts by status and by error finding,
			  then each finding's first and last scan (text,
			  CSV, JSON Lines) */
	int bom;       /* CSV: a UTF-8 byte order mark first */
	int judge_afresh; /* as in report_options */
	enum report_profile profile; /* as in report_options */
	FILE *notes;
};

int report_scans(struct store *st, const struct report_scans_options *o,
		 FILE *out, char *err, size_t errlen);

/* `fedcert history DOMAIN`: per target (domain, type, port) and endpoint,
 * the leaf seen over time as runs of scans (first and last seen, scans,
 * thumbprint, issuer, root, expiry) and the scans where it failed.
 * domain as stored (lowercase, no trailing dot). Text or JSON Lines (one
 * object per run). A domain no scan holds is an error ("no target ..."). */
int report_history(struct store *st, const char *domain,
		   enum report_format format, FILE *out, char *err,
		   size_t errlen);

/* `fedcert expiring --within`: per target, each leaf its newest complete
 * scan saw that expires before now + within_s, or before `until` when it
 * is set (expired ones included), and each intermediate of such a chain
 * that expires before its leaf; soonest first, with the endpoints that
 * presented it. Text, CSV or JSON Lines. *flagged is set when fail_on
 * says so: 2 (error) when an expired certificate is listed, 0 or 1 (info,
 * warning) when anything is; -1: never. */
struct report_expiring_options {
	enum report_format format;
	long long within_s;
	time_t now;   /* 0: now */
	time_t until; /* --before; 0: now + within_s */
	int fail_on;  /* -1, 0, 1 or 2 */
	int bom;      /* CSV: a UTF-8 byte order mark first (Excel) */
};

int report_expiring(struct store *st, const struct report_expiring_options *o,
		    FILE *out, int *flagged, char *err, size_t errlen);

/* `fedcert diff`: what changed between two scans, one change per line
 * (text) or per object with a "change" key (JSON Lines; docs/formats.md
 * lists the kinds and keys). from and to 0: the two newest scans that ran
 * to their end; to alone: the newest finished scan before it; from alone:
 * the newest finished scan. Each scan is judged at its own start.
 * Returns 0, -1 with a message in err, or REPORT_DIFF_FIRST_NIGHT when
 * neither scan was asked for and only one scan finished: nothing to
 * compare yet. The text says so on out; JSON Lines writes nothing (out
 * stays a stream of changes: none), and err holds the note for the
 * caller to show. */
#define REPORT_DIFF_FIRST_NIGHT 1
struct report_diff_options {
	enum report_format format; /* text, json, or html: the HTML
				      report's section (report.c) */
	int64_t from, to;
	int warn_days;
	int judge_afresh; /* as in report_options */
	enum report_profile profile; /* as in report_options */
	FILE *notes;
};

int report_diff(struct store *st, const struct report_diff_options *o,
		FILE *out, char *err, size_t errlen);

/* `fedcert report --compliance`: one row per target of the scan for
 * auditors (docs/formats.md lists the columns): JSON Lines for REPORT_JSON, else
 * CSV (the command line's default for it). Takes
 * report_run()'s options (scan, filters, warn_days, trust store, fail_on)
 * and sets *flagged as report_run() does. */
int report_compliance(struct store *st, const struct report_options *opts,
		      FILE *out, int *flagged, char *err, size_t errlen);

/* ---- Kept verdicts ---------------------------------------------------- */

/* Judges scan_id as `report` does with the defaults (no trust store of
 * its own, --warn-days 30) at the scan's start, and keeps the verdicts
 * beside its facts (the targets' statuses and findings, the scan's
 * totals), replacing what it had: `scan` calls it when a scan ends.
 * Commands that judge the scan with the same options read them instead of
 * judging again. 0, or -1 with a message in err. */
int report_keep_verdicts(struct store *st, int64_t scan_id, char *err,
			 size_t errlen);

/* `fedcert judge`: scan_id 0: keeps the verdicts of every scan that has
 * no current ones (none, another judge's, or the scan changed since;
 * running scans are left alone); else judges that scan again. One line
 * per scan judged, and a total, on out. 0, or -1 with a message in err. */
int report_judge(struct store *st, int64_t scan_id, FILE *out, char *err,
		 size_t errlen);

#endif
