/* usage.h: the help texts of fedcert's commands (usage.c): usage_main
 * for `fedcert help`, the others for `fedcert help CMD` and CMD --help. */
#ifndef FEDCERT_CLI_USAGE_H
#define FEDCERT_CLI_USAGE_H

extern const char usage_main[];
extern const char usage_scan[];
extern const char usage_report[];
extern const char usage_check[];
extern const char usage_findings[];
extern const char usage_inspect[];
extern const char usage_scans[];
extern const char usage_history[];
extern const char usage_expiring[];
extern const char usage_outlook[];
extern const char usage_diff[];
extern const char usage_prune[];
extern const char usage_upgrade[];
extern const char usage_judge[];
extern const char usage_merge[];

#endif
