#!/usr/bin/env bash
# The HTML report at the size it is for: a 10,000-domain federation
# (fleet/: shared hosted pools and own Edges, two CA hierarchies, about one
# endpoint in ten with a defect, a few broken hosts, real SRV records in
# dnsmasq, all on loopback), scanned, its page opened in headless Chromium
# and checked as html_fleet.sh says; and the page stays under 15 MB.
#
# The first run on a machine makes the fleet's keys (some 1,600 RSA keys:
# about 3 minutes on 2 cores, cached for later runs, fleet/README.md); the
# test runs alone (tests/CMakeLists.txt): 256 connections at a time. The
# fleet's server listens on some 5,900 ports: with fewer descriptors than
# FLEET_FDS allowed (ulimit -Hn; a container's 4,096, say) the test skips.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/html_fleet.sh"

FLEET_FDS=8192
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ "$hard" -lt "$FLEET_FDS" ]; then
	skip "the descriptor limit (ulimit -Hn $hard) is below the $FLEET_FDS a 10,000-domain fleet needs: its HTML report was not tested at that size (test_html_demo tests the 50-domain one)"
fi
fleet_page 10000
[ "${PAGE_SIZE:-0}" -gt 0 ] && [ "$PAGE_SIZE" -lt $((15 * 1024 * 1024)) ] && ok ||
	fail "the 10,000-domain page is under 15 MB: ${PAGE_SIZE:-none}"
finish
