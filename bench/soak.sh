#!/usr/bin/env bash
# Fault soak: Portcullis under load while its upstream fails in every way it can.
#
#   bench/soak.sh [RATE] [SECONDS] [FAULT_RATE]      (defaults: 1000 calls/s, 600 s, 0.01)
#   bench/soak.sh repro FAULT [stream|json]         one call that gets FAULT (x-fault), through the
#                                                   same setup (passthrough key), answer printed as is
#
# Starts the fault upstream (testkit's FaultyUpstream: OpenAI's chat completions, JSON and SSE,
# answers derived from each call's id so that the client can check them; a FAULT_RATE share of
# its requests reset, stall, drip, truncate or answer 429/500/503), then Portcullis (the real jar,
# its own ports and a temporary data dir, upstream timeouts of 2 s so that stalls are seen fast),
# makes two openai provider keys whose base URL is the fault upstream and a virtual key that maps
# both (only the first, and the report says so, where the admin API refuses two keys of one
# provider), and drives bench's Soak through the virtual key: open loop at RATE calls/s for
# SECONDS, half of them streamed. Prints a Markdown report and keeps it under bench/results/;
# exits 1 when a pass criterion failed (malformed or lost answers, duplicate upstream side effects
# after a first byte, resident memory growth, descriptors left open).
#
# Capacity: Portcullis, the fault upstream and the driver share the machine. On this project's
# 2-core machine 200 calls/s of this mix (half streamed) leaves Portcullis room; from about
# 500 calls/s it saturates and the soak measures overload as much as faults (calls queue for
# seconds, first-byte timeouts fire on answers already sent). Run the default 1,000 calls/s on a
# machine with cores to spare, or with Portcullis pinned apart (taskset).
#
# Environment: PORTCULLIS_JAR (default app/target/portcullis.jar), SOAK_MIX (fault kinds and
# weights, default all: 429=2,stall-mid-stream=1,...), SOAK_SEED (1), SOAK_STALL_MS (5000),
# SOAK_TIMEOUT_MS (the gateway's first-byte and idle timeouts, 2000), SOAK_STREAM_SHARE (0.5),
# SOAK_CONNECTIONS (the most connections the driver opens to Portcullis, 512),
# UPSTREAM_PORT (18091), GW_PORT (19190; admin +1, metrics +50), SOAK_GATEWAY_ENV (more
# NAME=value settings for Portcullis, space-separated).
set -euo pipefail
cd "$(dirname "$0")/.."
REPRO=
if [ "${1:-}" = repro ]; then
  REPRO=${2:?usage: bench/soak.sh repro FAULT [stream|json]}
  REPRO_MODE=${3:-stream}
  set -- 1 1 0
fi
RATE=${1:-1000}
SOAK_SECONDS=${2:-600}
FAULT_RATE=${3:-0.01}
JAR=${PORTCULLIS_JAR:-app/target/portcullis.jar}
MIX=${SOAK_MIX:-all}
SEED=${SOAK_SEED:-1}
STALL_MS=${SOAK_STALL_MS:-5000}
TIMEOUT_MS=${SOAK_TIMEOUT_MS:-2000}
STREAM_SHARE=${SOAK_STREAM_SHARE:-0.5}
CONNECTIONS=${SOAK_CONNECTIONS:-512}
UPSTREAM_PORT=${UPSTREAM_PORT:-18091}
GW_PORT=${GW_PORT:-19190}
ADMIN_PORT=$((GW_PORT + 1))
METRICS_PORT=$((GW_PORT + 50))

if [ "$STALL_MS" -le "$TIMEOUT_MS" ]; then
  echo "SOAK_STALL_MS ($STALL_MS) must be longer than the gateway's timeouts ($TIMEOUT_MS)" >&2
  exit 2
fi
[ -f "$JAR" ] && [ -f bench/target/portcullis-bench.jar ] || mvn -B -q package -DskipTests -pl app,bench -am
mkdir -p bench/results
work=$(mktemp -d)
cleanup() {
  kill "${upstream_pid:-}" "${gw_pid:-}" 2>/dev/null || true
  # Portcullis drains its calls on SIGTERM; one that does not stop within 30 s is killed.
  for _ in $(seq 1 60); do
    kill -0 "${gw_pid:-0}" 2>/dev/null || kill -0 "${upstream_pid:-0}" 2>/dev/null || break
    sleep 0.5
  done
  kill -9 "${upstream_pid:-}" "${gw_pid:-}" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Private copies: a rebuild of the jars during a long soak would otherwise pull classes from under
# the running JVMs (they load lazily from the jar file).
cp "$JAR" "$work/portcullis.jar"
cp bench/target/portcullis-bench.jar "$work/portcullis-bench.jar"
BENCH_JAR="$work/portcullis-bench.jar"

java -Xmx768m -cp "$BENCH_JAR" dev.portcullis.testkit.FaultyUpstream --port "$UPSTREAM_PORT" \
  --fault-rate "$FAULT_RATE" --seed "$SEED" --mix "$MIX" --stall-ms "$STALL_MS" > "$work/upstream.log" 2>&1 &
upstream_pid=$!

ADMIN_TOKEN="soak-admin-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
# shellcheck disable=SC2086
env PORTCULLIS_PORT="$GW_PORT" PORTCULLIS_ADMIN_PORT="$ADMIN_PORT" ARCHESTRA_METRICS_PORT="$METRICS_PORT" \
  PORTCULLIS_HOST=127.0.0.1 PORTCULLIS_DATA_DIR="$work/data" PORTCULLIS_LOG_LEVEL=WARN \
  PORTCULLIS_ADMIN_TOKEN="$ADMIN_TOKEN" \
  PORTCULLIS_UPSTREAM_FIRST_BYTE_TIMEOUT_MS="$TIMEOUT_MS" PORTCULLIS_UPSTREAM_IDLE_TIMEOUT_MS="$TIMEOUT_MS" \
  ARCHESTRA_OPENAI_BASE_URL="http://127.0.0.1:$UPSTREAM_PORT/v1" ${SOAK_GATEWAY_ENV:-} \
  java -jar "$work/portcullis.jar" > "$work/gw.log" 2>&1 &
gw_pid=$!
for _ in $(seq 1 150); do
  curl -sf "http://127.0.0.1:$GW_PORT/ready" >/dev/null 2>&1 && break
  kill -0 "$gw_pid" 2>/dev/null || break
  sleep 0.2
done
curl -sf "http://127.0.0.1:$GW_PORT/ready" >/dev/null || { cat "$work/gw.log"; exit 1; }
curl -sf "http://127.0.0.1:$UPSTREAM_PORT/_soak/stats" >/dev/null || { cat "$work/upstream.log"; exit 1; }

if [ -n "$REPRO" ]; then
  stream=
  [ "$REPRO_MODE" = stream ] && stream='"stream":true,"stream_options":{"include_usage":true},'
  body="{\"model\":\"gpt-4o-mini\",$stream\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\"Call soak-repro-1\"}]}"
  echo "\$ curl -sS -N -i http://127.0.0.1:$GW_PORT/v1/openai/chat/completions -H 'Authorization: Bearer sk-repro' -H 'x-fault: $REPRO' -d '$body'" >&2
  set +e
  curl -sS -N -i -m 30 "http://127.0.0.1:$GW_PORT/v1/openai/chat/completions" -H 'Authorization: Bearer sk-repro' \
    -H 'Content-Type: application/json' -H "x-fault: $REPRO" -d "$body"
  echo "(curl exit status $?)" >&2
  exit 0
fi

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
report="bench/results/soak-$(date -u +%Y%m%dT%H%M%SZ).md"
set +e
java -Xmx1g -cp "$BENCH_JAR" dev.portcullis.bench.Soak \
  --gateway "http://127.0.0.1:$GW_PORT" --admin "http://127.0.0.1:$ADMIN_PORT" --admin-token "$ADMIN_TOKEN" \
  --provider-base-url "http://127.0.0.1:$UPSTREAM_PORT/v1" --provider-base-url "http://127.0.0.1:$UPSTREAM_PORT/v1" \
  --rate "$RATE" --seconds "$SOAK_SECONDS" --stream-share "$STREAM_SHARE" --seed "$SEED" --connections "$CONNECTIONS" \
  --metrics "http://127.0.0.1:$METRICS_PORT/metrics" --upstream "http://127.0.0.1:$UPSTREAM_PORT" --pid "$gw_pid" \
  --note "Gateway: \`java -jar\` a copy of $JAR (built $(date -u -r "$JAR" +%Y-%m-%dT%H:%MZ); repo HEAD $commit), pid $gw_pid, PORTCULLIS_UPSTREAM_FIRST_BYTE_TIMEOUT_MS=$TIMEOUT_MS, PORTCULLIS_UPSTREAM_IDLE_TIMEOUT_MS=$TIMEOUT_MS${SOAK_GATEWAY_ENV:+, $SOAK_GATEWAY_ENV}." \
  --note "Command: \`bench/soak.sh $RATE $SOAK_SECONDS $FAULT_RATE\` (SOAK_MIX=$MIX, SOAK_SEED=$SEED, SOAK_STALL_MS=$STALL_MS, SOAK_CONNECTIONS=$CONNECTIONS)." \
  --out "$report"
status=$?
set -e
if ! kill -0 "$gw_pid" 2>/dev/null; then
  echo "Portcullis exited during the soak:" >&2
  tail -n 50 "$work/gw.log" >&2
  status=1
fi
errors=$(grep -c '"level":"ERROR"' "$work/gw.log" || true)
if [ "${errors:-0}" -gt 0 ]; then
  echo "Portcullis logged $errors ERROR lines; the first ones:" >&2
  grep '"level":"ERROR"' "$work/gw.log" | head -n 5 >&2
  printf '\nPortcullis logged %s ERROR lines during the soak; the first: `%s`\n' "$errors" \
    "$(grep '"level":"ERROR"' "$work/gw.log" | head -n 1 | cut -c1-400)" >> "$report"
fi
echo "report: $report" >&2
exit $status
