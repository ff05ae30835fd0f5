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
cd "$(dirname "$0")/.."
HARNESS=${HARNESS:-$(cd .. && pwd)/shared/bench/run.sh}
JAR=$PWD/app/target/portcullis.jar
WORK=${WORK:-$(mktemp -d)}
export BENCH_DATA=${BENCH_DATA:-$WORK/bench}
TARGETS=${TARGETS:-"nginx portcullis pcoff"}
[ -f "$JAR" ] || mvn -B -q package -DskipTests
mkdir -p "$BENCH_DATA"

target() { # NAME port records
  local name=$1 port=$2 records=$3 dir=$WORK/$1
  mkdir -p "$dir"
  export "${name}_URL=http://127.0.0.1:$port/v1/openai" "${name}_URL_SLOW=http://127.0.0.1:$port/v1/groq"
  export "${name}_DIR=$dir"
  export "${name}_CMD=PORTCULLIS_HOST=127.0.0.1 PORTCULLIS_PORT=$port PORTCULLIS_ADMIN_PORT=$((port + 1)) \
ARCHESTRA_METRICS_PORT=$((port + 50)) PORTCULLIS_DATA_DIR=$dir/data PORTCULLIS_USAGE_RECORDS=$records \
ARCHESTRA_OPENAI_BASE_URL=\$BENCH_MOCK_FAST ARCHESTRA_GROQ_BASE_URL=\$BENCH_MOCK_SLOW exec java -jar $JAR"
}

target PORTCULLIS 9000 true
target PCOFF 9100 false
# shellcheck disable=SC2086
"$HARNESS" $TARGETS
echo "report: $BENCH_DATA/results/latest.md"
