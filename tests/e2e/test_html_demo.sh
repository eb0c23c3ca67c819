#!/usr/bin/env bash
# The HTML report of the demo's federation (scripts/demo: the 50-domain
# fleet on loopback, fleet/) in headless Chromium: html_fleet.sh says what
# is checked. test_html_fleet.sh does the same at 10,000 domains.
. "$E2E_DIR/lib.sh"
. "$E2E_DIR/html_fleet.sh"

fleet_page 50
finish
