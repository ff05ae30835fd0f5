# Sourced by the scripts that run the shared side-by-side harness with Portcullis targets
# (limits-cost.sh, policies-cost.sh, records-cost.sh): the common set-up, and how a target is
# described to the harness. Not run on its own.
#
# After sourcing: the working directory is the repository, HARNESS the harness's run.sh, JAR the
# built jar, WORK a folder for the targets' data (WORK, default a new temporary one) and
# BENCH_DATA where the harness writes its results (default $WORK/bench).
cd "$(dirname "${BASH_SOURCE[0]}")/.."
HARNESS=${HARNESS:-$(cd .. && pwd)/shared/bench/run.sh}
JAR=$PWD/app/target/portcullis.jar
WORK=${WORK:-$(mktemp -d)}
export BENCH_DATA=${BENCH_DATA:-$WORK/bench}
[ -f "$JAR" ] || mvn -B -q package -DskipTests
mkdir -p "$BENCH_DATA"

# harness_target NAME PORT [ENV...]: a Portcullis target for the harness, the README's `java -jar`
# on loopback, its gateway on PORT (admin PORT+1, metrics PORT+50), its data in $WORK/NAME/data,
# OpenAI routed to the fast mock and Groq to the slow one, with the extra ENV settings
# (NAME=value). When $WORK/NAME/virtual-key exists, the target is called with that key.
harness_target() {
  local name=$1 port=$2
  shift 2
  local upper dir=$WORK/$name
  upper=$(echo "$name" | tr '[:lower:]' '[:upper:]')
  mkdir -p "$dir"
  export "${upper}_URL=http://127.0.0.1:$port/v1/openai" "${upper}_URL_SLOW=http://127.0.0.1:$port/v1/groq"
  export "${upper}_DIR=$dir"
  if [ -f "$dir/virtual-key" ]; then
    export "${upper}_HEADERS=authorization: Bearer $(cat "$dir/virtual-key")"
  fi
  export "${upper}_CMD=PORTCULLIS_HOST=127.0.0.1 PORTCULLIS_PORT=$port PORTCULLIS_ADMIN_PORT=$((port + 1)) \
ARCHESTRA_METRICS_PORT=$((port + 50)) PORTCULLIS_DATA_DIR=$dir/data $* ARCHESTRA_OPENAI_BASE_URL=\$BENCH_MOCK_FAST \
ARCHESTRA_GROQ_BASE_URL=\$BENCH_MOCK_SLOW exec java -jar $JAR"
}
