#!/usr/bin/env bash
# The model router's CPU cost per call next to passthrough's (run as `bench/run.sh router`).
#
#   bench/run.sh router [SECONDS] [REPS]     (defaults: 8 s per measured run, 3 repetitions)
#   PROFILE=1 bench/run.sh router            (then a JDK Flight Recorder profile of each workload)
#   PROFILE=only bench/run.sh router         (the profiles alone, after the warm-up)
#   RATE=2000 bench/run.sh router            (open loop at fixed rates instead: RATE calls/s,
#                                             STREAM_RATE streams/s, default 300)
#
# Portcullis (the real jar, embedded defaults) runs pinned to one CPU (PROXY_CPU, default 1), the
# mock upstream and the load generator to another (LOAD_CPU, default 0). At start-up the script
# makes, through the admin API, an LLM proxy, an OpenAI and an Anthropic provider key and one
# virtual key mapped to both. Then, after a JIT warm-up of every workload, each repetition runs
# every workload once, interleaved, in closed loop (CONCURRENCY connections, default 64):
#
#   passthrough       POST /v1/openai/chat/completions, the caller's own key
#   passthrough vk    the same with the virtual key
#   router            POST /v1/model-router/{id}/chat/completions, anthropic:claude-sonnet-4-5
#                     (OpenAI chat in, Anthropic Messages to the mock, OpenAI chat back)
#   passthrough stream, router stream   the same two with "stream": true (ten text pieces)
#
# Proxy CPU per call = the CPU ticks (utime + stime, /proc/<pid>/stat, the JVM's process tree)
# Portcullis used during the run, divided by the calls completed; the report gives the median over
# the repetitions and the router's ratio to passthrough. In closed loop each workload runs as fast
# as the load generator can drive it, so workloads may be compared at different loads (a proxy
# that idles between calls pays more per call); RATE compares them all at the same load.
#
# With PROFILE=1 each profiled workload
# runs once more under a Flight Recording (Java samples every millisecond), kept apart from the
# measured runs, and its hottest frames are written next to the report. For the profiles Portcullis
# may use every CPU: JFR's sampler thread, squeezed onto the proxy's one busy CPU, would mostly
# wake when the event loops sleep, and see almost nothing of their work.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-8}
REPS=${2:-3}
WARMUP=${WARMUP:-6}
CONCURRENCY=${CONCURRENCY:-64}
RATE=${RATE:-}
STREAM_RATE=${STREAM_RATE:-300}
PROXY_CPU=${PROXY_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
MOCK_PORT=${MOCK_PORT:-18090}
GW_PORT=${GW_PORT:-19090}
ADMIN_PORT=$((GW_PORT + 1))
ROUTER_MODEL=anthropic:claude-sonnet-4-5

[ -f app/target/portcullis.jar ] && [ -f bench/target/portcullis-bench.jar ] || mvn -B -q package -DskipTests
mkdir -p bench/results
stamp=$(date -u +%Y%m%dT%H%M%SZ)
work=$(mktemp -d)
cleanup() { kill "${mock_pid:-}" "${gw_pid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

taskset -c "$LOAD_CPU" java -Xmx256m -cp bench/target/portcullis-bench.jar dev.portcullis.bench.MockUpstream "$MOCK_PORT" \
  > "$work/mock.log" 2>&1 &
mock_pid=$!
PORTCULLIS_HOST=127.0.0.1 PORTCULLIS_PORT=$GW_PORT ARCHESTRA_METRICS_PORT=$((GW_PORT + 50)) PORTCULLIS_ADMIN_PORT=$ADMIN_PORT \
  PORTCULLIS_DATA_DIR="$work/data" PORTCULLIS_LOG_LEVEL=WARN \
  ARCHESTRA_OPENAI_BASE_URL="http://127.0.0.1:$MOCK_PORT/v1" \
  ARCHESTRA_ANTHROPIC_BASE_URL="http://127.0.0.1:$MOCK_PORT" \
  taskset -c "$PROXY_CPU" java -jar app/target/portcullis.jar > "$work/gw.log" 2>&1 &
gw_pid=$!
for _ in $(seq 1 150); do
  curl -sf "http://127.0.0.1:$GW_PORT/ready" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -sf "http://127.0.0.1:$GW_PORT/ready" >/dev/null || { cat "$work/gw.log"; exit 1; }

# The admin token Portcullis generated in its data folder at first start.
admin() {
  curl -sf "http://127.0.0.1:$ADMIN_PORT/api/admin/$1" -H "Authorization: Bearer $(cat "$work/data/admin-token")" \
    -H 'content-type: application/json' -d "$2"
}
field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
proxy_id=$(admin llm-proxies '{"name":"bench-router"}' | field id)
openai_key=$(admin provider-keys '{"provider":"openai","name":"bench-openai","apiKey":"sk-bench-openai-0123456789"}' | field id)
anthropic_key=$(admin provider-keys '{"provider":"anthropic","name":"bench-anthropic","apiKey":"sk-ant-bench-0123456789"}' | field id)
virtual_key=$(admin virtual-keys "{\"name\":\"bench\",\"providerKeyIds\":[\"$openai_key\",\"$anthropic_key\"]}" | field key)

PASSTHROUGH="http://127.0.0.1:$GW_PORT/v1/openai/chat/completions"
ROUTER="http://127.0.0.1:$GW_PORT/v1/model-router/$proxy_id/chat/completions"

# workload name -> "mode url model key"
declare -A WORKLOAD=(
  [passthrough]="max $PASSTHROUGH gpt-4o-mini sk-bench"
  [passthrough_vk]="max $PASSTHROUGH gpt-4o-mini $virtual_key"
  [router]="max $ROUTER $ROUTER_MODEL $virtual_key"
  [passthrough_stream]="maxstream $PASSTHROUGH gpt-4o-mini sk-bench"
  [router_stream]="maxstream $ROUTER $ROUTER_MODEL $virtual_key"
)
ORDER=(passthrough passthrough_vk router passthrough_stream router_stream)

# Every workload answers as it should before anything is measured.
check() {
  local url=$1 model=$2 key=$3 stream=$4 expect=$5 body
  body=$(curl -s "$url" -H "authorization: Bearer $key" -H 'content-type: application/json' \
    -d "{\"model\":\"$model\",\"stream\":$stream,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
  grep -q "$expect" <<<"$body" || { echo "unexpected answer from $url ($model, stream $stream): $body" >&2; exit 1; }
}
check "$PASSTHROUGH" gpt-4o-mini sk-bench false '"chat.completion"'
check "$ROUTER" "$ROUTER_MODEL" "$virtual_key" false '"content":"Hello from the benchmark upstream."'
check "$ROUTER" "$ROUTER_MODEL" "$virtual_key" true 'data: \[DONE\]'

# CPU ticks of Portcullis' process tree (the launcher and any JVM it starts).
ticks() {
  python3 - "$gw_pid" <<'PY'
import os, sys
procs = {}
for name in os.listdir('/proc'):
    if name.isdigit():
        try:
            s = open(f'/proc/{name}/stat').read()
        except OSError:
            continue
        f = s[s.rindex(')') + 2:].split()
        procs[int(name)] = (int(f[1]), int(f[11]) + int(f[12]))
tree, todo = set(), [int(sys.argv[1])]
while todo:
    pid = todo.pop()
    if pid in procs and pid not in tree:
        tree.add(pid)
        todo += [p for p, (ppid, _) in procs.items() if ppid == pid]
print(sum(procs[p][1] for p in tree))
PY
}

# load NAME SECONDS: one closed-loop run of a workload; prints its JSON with the proxy's CPU ticks.
load() {
  local mode url model key before after out
  local amount=$CONCURRENCY
  read -r mode url model key <<<"${WORKLOAD[$1]}"
  if [ -n "$RATE" ]; then
    # Open loop; the generator's own warm-up is off, the script warms up every workload itself.
    if [ "$mode" = max ]; then mode=rate amount=$RATE; else mode=ttfb amount=$STREAM_RATE; fi
  fi
  before=$(ticks)
  out=$(taskset -c "$LOAD_CPU" java -Xmx256m -Dbench.model="$model" -Dbench.key="$key" \
    -cp bench/target/portcullis-bench.jar dev.portcullis.bench.LoadGenerator "$mode" "$url" "$amount" "$2" 0 | tail -n 1)
  after=$(ticks)
  echo "${out%\}},\"proxy_ticks\":$((after - before))}"
}

echo "warming up ..." >&2
for _ in 1 2; do
  for name in "${ORDER[@]}"; do load "$name" "$WARMUP" >/dev/null; done
done
# The measured runs (left unindented for the Python heredoc that reports them).
if [ "${PROFILE:-0}" != only ]; then
echo "measuring: $REPS repetitions of ${ORDER[*]}, $SECONDS_PER_RUN s each ..." >&2
raw="$work/raw.jsonl"
for rep in $(seq 1 "$REPS"); do
  for name in "${ORDER[@]}"; do
    echo "{\"rep\":$rep,\"workload\":\"$name\",\"run\":$(load "$name" "$SECONDS_PER_RUN")}" >> "$raw"
  done
done

report=$(python3 - "$raw" "$(getconf CLK_TCK)" "$SECONDS_PER_RUN" "$REPS" "$CONCURRENCY" "$PROXY_CPU" "$RATE" "$STREAM_RATE" <<'PY'
import json, os, platform, statistics, sys
raw, hz, seconds, reps, conc, cpu = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
rate, stream_rate = sys.argv[7], sys.argv[8]
load = (f"Open loop, {rate} calls/s and {stream_rate} streams/s" if rate else f"Closed loop, {conc} connections")
runs = {}
for line in open(raw):
    r = json.loads(line)
    runs.setdefault(r['workload'], []).append(r['run'])
def us(run):
    return run['proxy_ticks'] / hz * 1e6 / run['completed'] if run['completed'] else float('nan')
med = {w: statistics.median(us(r) for r in rs) for w, rs in runs.items()}
labels = {
    'passthrough': ('passthrough, OpenAI chat (caller\'s key)', 'passthrough'),
    'passthrough_vk': ('passthrough, OpenAI chat (virtual key)', 'passthrough'),
    'router': ('model router, OpenAI chat → Anthropic Messages', 'passthrough'),
    'passthrough_stream': ('passthrough, OpenAI chat stream (per stream)', 'passthrough_stream'),
    'router_stream': ('model router, stream → Anthropic stream (per stream)', 'passthrough_stream'),
}
print("# Portcullis benchmark: the model router's cost\n")
print(f"Machine: {os.cpu_count()} cores, {platform.platform()}. Portcullis pinned to CPU {cpu}; mock upstream "
      f"and load generator on the other. {load}, {seconds} s per run, "
      f"median of {reps} interleaved repetitions.\n")
best = {w: min(us(r) for r in rs) for w, rs in runs.items()}
print("| workload | proxy CPU µs/call | × passthrough | best µs (× passthrough's best) | per repetition µs | calls/s | errors |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for w, (label, base) in labels.items():
    rs = runs[w]
    ratio = '' if w == base else f"**{med[w] / med[base]:.2f}x**"
    best_ratio = '' if w == base else f" ({best[w] / best[base]:.2f}x)"
    rps = statistics.median(r['throughput_rps'] if 'throughput_rps' in r else r['completed'] / int(seconds) for r in rs)
    print(f"| {label} | **{med[w]:.1f}** | {ratio} | {best[w]:.1f}{best_ratio} | {', '.join(f'{us(r):.1f}' for r in rs)} "
          f"| {int(rps)} | {sum(r['errors'] for r in rs)} |")
print("\nGoal: the model router at most 1.5x passthrough's CPU per call. On a busy machine a starved load "
      "generator leaves Portcullis idle between calls, which raises its CPU per call; the best repetition "
      "is then the closer figure.")
PY
)
echo "$report"
echo "$report" > "bench/results/router-$stamp.md"
fi

if [ "${PROFILE:-0}" != 0 ]; then
  profiles="bench/results/router-$stamp-jfr"
  mkdir -p "$profiles"
  # The JVM that serves (the launcher may have started it as a child).
  jvm=$(pgrep -P "$gw_pid" java | head -n 1 || true)
  jvm=${jvm:-$gw_pid}
  taskset -a -p -c "0-$(($(nproc) - 1))" "$jvm" >/dev/null
  java_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  sed 's|<setting name="period" control="method-sampling-java-interval">[^<]*<|<setting name="period" control="method-sampling-java-interval">1 ms<|' \
    "$java_home/lib/jfr/profile.jfc" > "$work/sampling.jfc"
  for name in passthrough router passthrough_stream router_stream; do
    echo "profiling $name ..." >&2
    jcmd "$jvm" JFR.start name="$name" settings="$work/sampling.jfc" >/dev/null
    load "$name" "$SECONDS_PER_RUN" >/dev/null
    jcmd "$jvm" JFR.stop name="$name" filename="$PWD/$profiles/$name.jfr" >/dev/null
    java -cp bench/target/portcullis-bench.jar dev.portcullis.bench.JfrTopFrames "$profiles/$name.jfr" 30 \
      > "$profiles/$name-top-frames.md"
  done
  echo "Flight recordings and their top frames: $profiles/" >&2
fi
