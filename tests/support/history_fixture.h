/* support/history_fixture.h: a database of five nights, built through the
 * store's writer as the scanner would, for the tests of the readers across
 * scans (unit/store/test_history.c) and of their reports
 * (unit/report/history/). Failures fail the test (cmocka).
 *
 * Night k (scan k) started HF_DAYS_BEFORE(k) days before the fixture's
 * "now"; every certificate is made here (support/cert.h), so each expected
 * value is one the test chose:
 *
 *   target          scan 1        scan 2        scan 3        scan 4
 *   a.test DIR      leaf1 (A)     leaf1 (A)     leaf2 (A)     leaf3 (B), twice
 *   b.test DIR .2   leaf_b (A)    refused       leaf_b (A)    leaf_b (A)
 *   b.test DIR .3   leaf_b (A)    -             -             -
 *   c.test FED      dns_nxdomain  dns_nxdomain  dns_nxdomain  -
 *   d.test DIR      -             -             -             leaf_d (A), expired
 *
 * (A) and (B): issued by root A or root B, chain [leaf, root]. leaf3
 * expires HF_LEAF3_DAYS days after now (expires_soon from scan 4 on),
 * leaf_d expired 5 days before now. a.test is listed twice in scan 4
 * (lines 2 and 9: a repeated CSV row). Scan 5 was interrupted: it holds
 * a.test, incomplete, without probes.
 */
#ifndef FEDCERT_TEST_SUPPORT_HISTORY_FIXTURE_H
#define FEDCERT_TEST_SUPPORT_HISTORY_FIXTURE_H

#include <time.h>

#include "store/store.h"
#include "cert.h"

#define HF_SCANS 5
#define HF_DAYS_BEFORE(k) (HF_SCANS - (k))
#define HF_LEAF3_DAYS 10
#define HF_LEAF_B_DAYS 100
#define HF_LEAF_D_DAYS (-5)

/* One of the fixture's certificates and its fingerprints. */
struct hf_cert {
	struct tcert cert;
	char sha1[41];      /* lowercase, as stored */
	char sha256[65];
};

struct hf {
	char dir[64];
	char path[128];
	struct store *st;
	time_t now;
	char started[HF_SCANS + 1][21]; /* scan k's start, 1-based */
	struct hf_cert root_a, root_b, leaf1, leaf2, leaf3, leaf_b, leaf_d;
};

/* t as ISO 8601 UTC to the second ("2026-09-21T14:13:20Z"). */
void hf_time(time_t t, char out[21]);

/* Builds the five nights in a new temporary directory, and closes and
 * removes them. */
void hf_open(struct hf *f);
void hf_close(struct hf *f);

/* cmocka setup and teardown around an hf (*state). */
int hf_setup(void **state);
int hf_teardown(void **state);

#endif
