#!/usr/bin/env bash
#SBATCH --job-name=fedcert-merge
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --mem=1G
#SBATCH --time=00:30:00
#SBATCH --output=fedcert-merge-%j.out
#
# fedcert-merge.sh [REPORT OPTIONS...]: after the shards of
# fedcert-array.sh, merges them into one scan of the audit database and
# writes its report (docs/sharding.md). Submit it to run after the array,
# whether or not every task succeeded, so that a shard that failed is
# named as missing rather than the night passing unreported:
#
#   jid=$(sbatch --parsable contrib/slurm/fedcert-array.sh)
#   sbatch --dependency=afterany:"${jid%%;*}" contrib/slurm/fedcert-merge.sh
#
# Steps: fedcert merge --db $FEDCERT_DB $FEDCERT_SHARD_DIR/shard-*.db; then,
# unless the merge failed without merging anything, fedcert report into
# $FEDCERT_REPORT_DIR (report.txt, and report.jsonl: JSON Lines), with this
# script's arguments; then, once the merged scan is
# complete (every shard merged, each scan ran to its end), the shard files
# are moved to $FEDCERT_SHARD_DIR/merged/ (replacing the run before's), so
# that the next run starts with none and a shard it does not make is named
# missing. A merge that lacks a shard, or holds one whose scan failed,
# leaves them where they are and exits 1: run that shard again
# (FEDCERT_SHARDS=N sbatch --array=I fedcert-array.sh, with
# FEDCERT_RESUME=yes for one whose scan failed) and this script again,
# which completes the same merged scan.
#
# Settings, from the environment:
#   FEDCERT             the fedcert binary (default: fedcert, on PATH)
#   FEDCERT_SHARD_DIR   the shard databases (default /srv/fedcert/shards)
#   FEDCERT_DB          the audit database, made if missing
#                       (default /srv/fedcert/audit.db)
#   FEDCERT_REPORT_DIR  where the reports go (default /srv/fedcert/reports)
#
# Exit status: fedcert merge's when it fails (a shard missing, shards of
# different targets files or options: docs/sharding.md); 1 when the merged
# scan is not done or there is no shard database at all; else fedcert
# report's.
set -uo pipefail

: "${FEDCERT:=fedcert}"
: "${FEDCERT_SHARD_DIR:=/srv/fedcert/shards}"
: "${FEDCERT_DB:=/srv/fedcert/audit.db}"
: "${FEDCERT_REPORT_DIR:=/srv/fedcert/reports}"

shopt -s nullglob
shards=("$FEDCERT_SHARD_DIR"/shard-*.db)
if [ ${#shards[@]} -eq 0 ]; then
	echo "fedcert-merge.sh: no shard database in $FEDCERT_SHARD_DIR (shard-*.db): did the array run?" >&2
	exit 1
fi

# The newest scan before and after: a merge that failed without merging
# anything (refused, or a database error) leaves no report, so that the
# last one is not taken for this run's.
newest() { "$FEDCERT" scans --db "$FEDCERT_DB" --last 1 --format json 2>/dev/null; }
before=$(newest)
"$FEDCERT" merge --db "$FEDCERT_DB" "${shards[@]}"
merge_rc=$?
if [ "$merge_rc" -ne 0 ] && [ "$(newest)" = "$before" ]; then
	exit "$merge_rc"
fi

mkdir -p "$FEDCERT_REPORT_DIR" || exit 1
"$FEDCERT" report --db "$FEDCERT_DB" -o "$FEDCERT_REPORT_DIR/report.txt" "$@"
report_rc=$?
"$FEDCERT" report --db "$FEDCERT_DB" --format json -o "$FEDCERT_REPORT_DIR/report.jsonl" "$@"
json_rc=$?
[ "$report_rc" -ne 0 ] || report_rc=$json_rc

if [ "$merge_rc" -ne 0 ]; then
	exit "$merge_rc"
fi
# Complete: every shard merged, and every shard's scan ran to its end.
if ! newest | grep -q '"status":"done"'; then
	echo "fedcert-merge.sh: the merged scan is not done (a shard's scan failed or was stopped: see the report); resume it (FEDCERT_RESUME=yes fedcert-array.sh) and merge again" >&2
	exit 1
fi
mkdir -p "$FEDCERT_SHARD_DIR/merged" &&
	rm -f "$FEDCERT_SHARD_DIR"/merged/shard-*.db &&
	mv "${shards[@]}" "$FEDCERT_SHARD_DIR/merged/" || exit 1
exit "$report_rc"
