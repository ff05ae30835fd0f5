#!/usr/bin/env bash
# What usage records cost a call (run as `bench/run.sh records`): the shared side-by-side harness
# (HARNESS, default ../shared/bench/run.sh, see its README) with two Portcullis targets from the
# same jar, each started as the README starts it (`java -jar`, embedded defaults, passthrough with
# the bench's own key), each pinned to the proxy CPU:
#
#   portcullis  records on (the default): every call is journaled, shipped and stored by the
#               embedded ledger (H2) in the same process, on the same core
#   pcoff       the same with PORTCULLIS_USAGE_RECORDS=false
#
# plus nginx, so that one run also gives the README's side-by-side table.
#
#   bench/run.sh records                                  every measurement of the harness
#   TESTS="tp-600 rate-fast" TARGETS="portcullis pcoff" bench/run.sh records
#
# Results land under BENCH_DATA (default: a new temporary folder); the report names its file.
set -euo pipefail
. "$(dirname "$0")/harness-lib.sh"
TARGETS=${TARGETS:-"nginx portcullis pcoff"}


harness_target portcullis 9000 PORTCULLIS_USAGE_RECORDS=true
harness_target pcoff 9100 PORTCULLIS_USAGE_RECORDS=false
# shellcheck disable=SC2086
"$HARNESS" $TARGETS
echo "report: $BENCH_DATA/results/latest.md"
