#!/usr/bin/env bash
#SBATCH --job-name=fedcert-scan
#SBATCH --array=0-3
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --mem=1G
#SBATCH --time=02:00:00
#SBATCH --output=fedcert-scan-%A_%a.out
#
# fedcert-array.sh [SCAN OPTIONS...]: one shard of a sharded scan, as a
# task of a Slurm job array. Task I of the array scans its share of the
# targets file into $FEDCERT_SHARD_DIR/shard-I.db with
# `fedcert scan --shard auto/N`: fedcert reads I from SLURM_ARRAY_TASK_ID.
# The shards are then merged by fedcert-merge.sh, submitted to run after
# the array (docs/sharding.md):
#
#   jid=$(sbatch --parsable contrib/slurm/fedcert-array.sh --ca-file /srv/fedcert/roots.pem)
#   sbatch --dependency=afterany:"${jid%%;*}" contrib/slurm/fedcert-merge.sh
#
# N, the number of shards, is the size of the array (--array=0-3: 4
# shards). Give sbatch another range to change it (--array=0-7: 8 shards);
# the range must start at 0. To run some shards of a run again, export
# FEDCERT_SHARDS=N and give their indexes (sbatch --array=2 ...).
#
# Settings, from the environment (sbatch exports it to the tasks):
#   FEDCERT               the fedcert binary (default: fedcert, on PATH)
#   FEDCERT_TARGETS       the targets file (default /srv/fedcert/partners.csv)
#   FEDCERT_SHARD_DIR     where the shard databases go, on a file system
#                         every node and the merge job see
#                         (default /srv/fedcert/shards)
#   FEDCERT_SHARDS        N (default: the array's size,
#                         SLURM_ARRAY_TASK_COUNT; outside Slurm, 4)
#   FEDCERT_SCAN_OPTIONS  more scan options, split on spaces (arguments of
#                         this script are passed on too, quoted as given)
#   FEDCERT_RESUME        yes: resume the shard's unfinished scan (scan
#                         --resume) instead of starting a new one, to run
#                         again a shard that failed after the merge took it
#                         (a new scan would be another run's: the merge
#                         would refuse it beside this run's other shards)
# Outside Slurm, set SLURM_ARRAY_TASK_ID yourself (0..N-1) to run one
# shard as a task would.
#
# Exit status: fedcert scan's (docs/usage.md); 2 when the array does not
# fit the shards (a range that does not start at 0, without
# FEDCERT_SHARDS).
set -uo pipefail

: "${FEDCERT:=fedcert}"
: "${FEDCERT_TARGETS:=/srv/fedcert/partners.csv}"
: "${FEDCERT_SHARD_DIR:=/srv/fedcert/shards}"
: "${FEDCERT_SCAN_OPTIONS:=}"

if [ -z "${SLURM_ARRAY_TASK_ID:-}" ]; then
	echo "fedcert-array.sh: SLURM_ARRAY_TASK_ID is not set: submit with sbatch (an array job), or set it to the shard's index" >&2
	exit 2
fi
if [ -z "${FEDCERT_SHARDS:-}" ]; then
	FEDCERT_SHARDS=${SLURM_ARRAY_TASK_COUNT:-4}
	if [ "${SLURM_ARRAY_TASK_MIN:-0}" != 0 ]; then
		echo "fedcert-array.sh: the array starts at $SLURM_ARRAY_TASK_MIN: shards are numbered from 0 (--array=0-$((FEDCERT_SHARDS - 1))); to run some shards again, export FEDCERT_SHARDS=N" >&2
		exit 2
	fi
fi

resume=()
case ${FEDCERT_RESUME:-no} in
yes) resume=(--resume) ;;
no) ;;
*)
	echo "fedcert-array.sh: FEDCERT_RESUME is yes or no, not \"$FEDCERT_RESUME\"" >&2
	exit 2 ;;
esac

mkdir -p "$FEDCERT_SHARD_DIR" || exit 1
# shellcheck disable=SC2086 # FEDCERT_SCAN_OPTIONS is a list of words
# (${resume[@]+...}: an empty array under set -u, on a cluster's older bash)
exec "$FEDCERT" scan "$FEDCERT_TARGETS" \
	--db "$FEDCERT_SHARD_DIR/shard-$SLURM_ARRAY_TASK_ID.db" \
	--shard "auto/$FEDCERT_SHARDS" ${resume[@]+"${resume[@]}"} $FEDCERT_SCAN_OPTIONS "$@"
