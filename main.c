/* main.c: fedcert's command line. Parses arguments and calls the stages;
 * nothing else lives here.
 *
 * Exit codes: 0 success, 1 a failed run, 2 a usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fedcert_limits.h"
#include "report/report.h"
#include "scanner/scanner.h"
#include "store/store.h"

#define EXIT_USAGE 2

static const char scan_usage[] =
	"usage: fedcert scan TARGETS.csv --db FILE [options]\n"
	"\n"
	"Probes every target of TARGETS.csv (rows Domain,Type,Port) and records\n"
	"the certificates, chains and failures in the database.\n"
	"\n"
	"  --db FILE            the SQLite database (created if missing)\n"
	"  --ca-file FILE       trusted roots (PEM) to verify chains against\n"
	"  --ca-path DIR        a hashed directory of trusted roots\n"
	"                       (default for both: the system trust store)\n"
	"  --timeout SECONDS    connect timeout, and separately handshake\n"
	"                       timeout (default 10, 1..3600)\n"
	"  --concurrency N      endpoints in flight at most (default 256,\n"
	"                       1..100000)\n"
	"  --dns-server ADDR[:PORT]\n"
	"                       a resolver to ask (repeatable, at most 8; IPv6\n"
	"                       in brackets: [::1]:53); default: the system's\n"
	"  --dns-timeout SECONDS  per DNS try (default 3, 0.1..60)\n"
	"  --dns-tries N        DNS tries per query (default 2, 1..10)\n"
	"  --max-srv-targets N  SRV targets followed per name (default 32,\n"
	"                       1..256)\n"
	"  --max-addresses N    addresses probed per host (default 32, 1..256)\n"
	"  --no-pool            probe only the first address of each host\n"
	"  --ipv4-only          ask only for A records\n"
	"  --ipv6-only          ask only for AAAA records\n"
	"  --quiet              no summary on stderr\n"
	"  --help               this text\n";

static const char report_usage[] =
	"usage: fedcert report --db FILE [options]\n"
	"\n"
	"Writes the report of a scan (by default the newest).\n"
	"\n"
	"  --db FILE            the SQLite database\n"
	"  --format FORMAT      text (default) or csv\n"
	"  -o, --output FILE    write to FILE instead of standard output\n"
	"  --scan ID            the scan to report (default: the newest)\n"
	"  --help               this text\n";

static const char main_usage[] =
	"usage: fedcert COMMAND [options]\n"
	"\n"
	"Audits the TLS certificates of SIP federation endpoints.\n"
	"\n"
	"Commands:\n"
	"  scan TARGETS.csv --db FILE   probe targets, store what they present\n"
	"  report --db FILE             the text or CSV report of a scan\n"
	"  help [COMMAND]               this text, or a command's options\n"
	"\n"
	"  --version                    the version\n"
	"\n"
	"Run 'fedcert COMMAND --help' for a command's options.\n";

static int usage_error(const char *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "fedcert%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nRun 'fedcert %s%s--help' for usage.\n",
		cmd ? cmd : "", cmd ? " " : "");
	return EXIT_USAGE;
}

/* A whole decimal number in [min, max], or -1 with *ok = 0. */
static long parse_number(const char *s, long min, long max, int *ok)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	*ok = errno == 0 && end != s && *end == '\0' && v >= min && v <= max;
	return *ok ? v : -1;
}

/* Seconds with an optional fraction ("0.5", "3") as milliseconds in
 * [min_ms, max_ms]. */
static unsigned parse_seconds_ms(const char *s, long min_ms, long max_ms,
				 int *ok)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	*ok = errno == 0 && end != s && *end == '\0' && v * 1000 >= min_ms &&
	      v * 1000 <= max_ms;
	return *ok ? (unsigned)(v * 1000 + 0.5) : 0;
}

static int cmd_scan(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "ca-file", required_argument, NULL, 'c' },
		{ "ca-path", required_argument, NULL, 'C' },
		{ "timeout", required_argument, NULL, 't' },
		{ "concurrency", required_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "dns-server", required_argument, NULL, 'S' },
		{ "dns-timeout", required_argument, NULL, 'T' },
		{ "dns-tries", required_argument, NULL, 'R' },
		{ "max-srv-targets", required_argument, NULL, 'M' },
		{ "max-addresses", required_argument, NULL, 'A' },
		{ "no-pool", no_argument, NULL, 'P' },
		{ "ipv4-only", no_argument, NULL, '4' },
		{ "ipv6-only", no_argument, NULL, '6' },
		{ NULL, 0, NULL, 0 }
	};
	const char *servers[FC_DNS_SERVERS_MAX];
	struct scan_options opts = { 0 };
	struct scan_summary sum;
	struct store *st = NULL;
	const char *db = NULL;
	char err[1024];
	int c, ok, rc;

	opts.timeout_s = FC_TIMEOUT_DEFAULT_S;
	opts.concurrency = FC_CONCURRENCY_DEFAULT;
	opts.dns_servers = servers;
	opts.dns_timeout_ms = FC_DNS_TIMEOUT_DEFAULT_MS;
	opts.dns_tries = FC_DNS_TRIES_DEFAULT;
	opts.max_srv_targets = FC_SRV_TARGETS_DEFAULT;
	opts.max_addresses = FC_ADDRS_DEFAULT;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'S':
			if (!scan_dns_server_is_valid(optarg))
				return usage_error("scan", "--dns-server takes an IP address and an optional port (127.0.0.1:5353, [::1]:53), not \"%s\"", optarg);
			if (opts.ndns_servers == FC_DNS_SERVERS_MAX)
				return usage_error("scan", "at most 8 --dns-server, not more (\"%s\")", optarg);
			servers[opts.ndns_servers++] = optarg;
			break;
		case 'T':
			opts.dns_timeout_ms = parse_seconds_ms(optarg, 100, FC_DNS_TIMEOUT_MAX_MS, &ok);
			if (!ok)
				return usage_error("scan", "--dns-timeout must be a number of seconds from 0.1 to 60, not \"%s\"", optarg);
			break;
		case 'R':
			opts.dns_tries = (unsigned)parse_number(optarg, 1, FC_DNS_TRIES_MAX, &ok);
			if (!ok)
				return usage_error("scan", "--dns-tries must be a whole number from 1 to 10, not \"%s\"", optarg);
			break;
		case 'M':
			opts.max_srv_targets = (unsigned)parse_number(optarg, 1, FC_DNS_RECORDS_MAX, &ok);
			if (!ok)
				return usage_error("scan", "--max-srv-targets must be a whole number from 1 to 256, not \"%s\"", optarg);
			break;
		case 'A':
			opts.max_addresses = (unsigned)parse_number(optarg, 1, FC_DNS_RECORDS_MAX, &ok);
			if (!ok)
				return usage_error("scan", "--max-addresses must be a whole number from 1 to 256, not \"%s\"", optarg);
			break;
		case 'P': opts.no_pool = 1; break;
		case '4': opts.ipv4_only = 1; break;
		case '6': opts.ipv6_only = 1; break;
		case 'd': db = optarg; break;
		case 'c': opts.ca_file = optarg; break;
		case 'C': opts.ca_path = optarg; break;
		case 't':
			opts.timeout_s = (unsigned)parse_number(optarg, 1, FC_TIMEOUT_MAX_S, &ok);
			if (!ok)
				return usage_error("scan", "--timeout must be a whole number of seconds from 1 to 3600, not \"%s\"", optarg);
			break;
		case 'n':
			opts.concurrency = (unsigned)parse_number(optarg, 1, FC_CONCURRENCY_MAX, &ok);
			if (!ok)
				return usage_error("scan", "--concurrency must be a whole number from 1 to 100000, not \"%s\"", optarg);
			break;
		case 'q': opts.quiet = 1; break;
		case 'h': fputs(scan_usage, stdout); return 0;
		default: return usage_error("scan", "%s", "bad option");
		}
	}
	if (optind != argc - 1)
		return usage_error("scan", "%s", optind >= argc ?
				   "a targets file is required" :
				   "exactly one targets file, please");
	if (db == NULL)
		return usage_error("scan", "%s", "--db FILE is required");
	if (opts.ipv4_only && opts.ipv6_only)
		return usage_error("scan", "%s", "--ipv4-only and --ipv6-only exclude each other");
	opts.input = argv[optind];
	if (store_open(db, &st, err, sizeof(err)) != 0) {
		fprintf(stderr, "fedcert scan: %s\n", err);
		return 1;
	}
	rc = scan_run(&opts, st, &sum, err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "fedcert scan: %s\n", err);
	else if (sum.interrupted)
		fprintf(stderr, "fedcert scan: scan %lld interrupted; what was stored is kept\n",
			(long long)sum.scan_id);
	else if (!opts.quiet)
		fprintf(stderr, "fedcert scan: scan %lld of %s: %ld targets, %ld endpoints probed, %ld failed, %ld input errors\n",
			(long long)sum.scan_id, opts.input, sum.targets,
			sum.probes, sum.probe_failures, sum.input_errors);
	store_close(st);
	return rc == 0 && !sum.interrupted ? 0 : 1;
}

static int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "scan", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct report_options opts = { REPORT_TEXT, 0 };
	struct store *st = NULL;
	const char *db = NULL, *output = NULL;
	FILE *out = stdout;
	char err[1024];
	int c, ok, rc = 1;

	while ((c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'o': output = optarg; break;
		case 'f':
			if (strcmp(optarg, "text") == 0)
				opts.format = REPORT_TEXT;
			else if (strcmp(optarg, "csv") == 0)
				opts.format = REPORT_CSV;
			else
				return usage_error("report", "--format must be text or csv, not \"%s\"", optarg);
			break;
		case 's':
			opts.scan_id = parse_number(optarg, 1, LONG_MAX, &ok);
			if (!ok)
				return usage_error("report", "--scan must be a scan number, not \"%s\"", optarg);
			break;
		case 'h': fputs(report_usage, stdout); return 0;
		default: return usage_error("report", "%s", "bad option");
		}
	}
	if (optind != argc)
		return usage_error("report", "unexpected argument \"%s\"", argv[optind]);
	if (db == NULL)
		return usage_error("report", "%s", "--db FILE is required");
	if (store_open(db, &st, err, sizeof(err)) != 0) {
		fprintf(stderr, "fedcert report: %s\n", err);
		return 1;
	}
	if (output && (out = fopen(output, "w")) == NULL) {
		fprintf(stderr, "fedcert report: %s: %s\n", output, strerror(errno));
		goto out;
	}
	if (report_run(st, &opts, out, err, sizeof(err)) != 0) {
		fprintf(stderr, "fedcert report: %s\n", err);
		goto out;
	}
	if (fflush(out) != 0 || ferror(out)) {
		fprintf(stderr, "fedcert report: %s: %s\n",
			output ? output : "standard output", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (out != stdout && out != NULL && fclose(out) != 0 && rc == 0) {
		fprintf(stderr, "fedcert report: %s: %s\n", output, strerror(errno));
		rc = 1;
	}
	store_close(st);
	return rc;
}

static int cmd_help(int argc, char **argv)
{
	if (argc < 2) {
		fputs(main_usage, stdout);
		return 0;
	}
	if (strcmp(argv[1], "scan") == 0)
		fputs(scan_usage, stdout);
	else if (strcmp(argv[1], "report") == 0)
		fputs(report_usage, stdout);
	else
		return usage_error(NULL, "no such command \"%s\"", argv[1]);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (cmd == NULL) {
		fputs(main_usage, stderr);
		return EXIT_USAGE;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
		printf("fedcert %s\n", FEDCERT_VERSION);
		return 0;
	}
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 ||
	    strcmp(cmd, "-h") == 0)
		return cmd_help(argc - 1, argv + 1);
	if (strcmp(cmd, "scan") == 0)
		return cmd_scan(argc - 1, argv + 1);
	if (strcmp(cmd, "report") == 0)
		return cmd_report(argc - 1, argv + 1);
	return usage_error(NULL, "no such command \"%s\"", cmd);
}
