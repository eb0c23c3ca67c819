/* usage.h: the help texts of fedcert's commands (usage.c). */
#ifndef FEDCERT_USAGE_H
#define FEDCERT_USAGE_H

extern const char usage_main[];
extern const char usage_scan[];
extern const char usage_report[];
extern const char usage_check[];
extern const char usage_findings[];
extern const char usage_inspect[];
extern const char usage_scans[];
extern const char usage_history[];
extern const char usage_expiring[];
extern const char usage_diff[];
extern const char usage_prune[];
extern const char usage_upgrade[];

/* The help of a command by name; usage_main for NULL; NULL when unknown. */
const char *usage_for(const char *command);

#endif
