#!/usr/bin/env bash
# What security policies cost a call (run as `bench/run.sh policies`): the shared side-by-side
# harness (HARNESS, default ../shared/bench/run.sh, see its README) with two Portcullis targets from
# the same jar, each pinned to the proxy CPU and called with a virtual key:
#
#   pcvk    the virtual key alone, on a proxy without policies
#   pcpol   the same on a proxy with a realistic policy document (POLICIES below): three tool rules
#           (so every answer is read for tool calls and every stream goes through a gate), trust
#           rules (so every request's conversation is read), and all nine detectors on the request
#           (block, redact or log; the bench's prompts hold nothing they find, as most calls)
#
#   bench/run.sh policies                       (tp-600, rate-fast and stream: CPU per call, added
#                                                p99, added time to first byte of a stream)
#
# Before the run each target's data folder is made through the admin API (a provider key for the
# fast and the slow mock, a virtual key, and for pcpol the default proxy's policies). Results land
# under BENCH_DATA.
set -euo pipefail
. "$(dirname "$0")/harness-lib.sh"
export TESTS=${TESTS:-"tp-600 rate-fast stream"}
POLICIES='{"toolInvocation":[{"tool":"send_*","action":"block_when_context_untrusted"},
  {"tool":"delete_*","action":"block"},{"tool":"fetch_url","argument":"$.url","matches":"^https://intranet\\.","action":"block"}],
 "trustedData":{"default":"untrusted","rules":[{"tool":"read_*","trust":"trusted"}]},
 "sensitiveData":[{"detector":"aws-access-key","action":"block"},{"detector":"private-key","action":"block"},
  {"detector":"provider-api-key","action":"block"},{"detector":"virtual-key","action":"block"},
  {"detector":"jwt","action":"redact"},{"detector":"email","action":"redact"},{"detector":"card-number","action":"redact"},
  {"detector":"iban","action":"redact"},{"detector":"phone","action":"log"}]}'

json() { python3 -c "import sys,json;print(json.load(sys.stdin)[\"$1\"])"; }

prepare() { # name port with-policies
  local name=$1 port=$2 rules=$3 dir=$WORK/$1
  mkdir -p "$dir"
  PORTCULLIS_HOST=127.0.0.1 PORTCULLIS_PORT=$port PORTCULLIS_ADMIN_PORT=$((port + 1)) \
    ARCHESTRA_METRICS_PORT=$((port + 50)) PORTCULLIS_DATA_DIR=$dir/data java -jar "$JAR" > "$dir/prepare.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$port/ready" >/dev/null 2>&1 && break; sleep 0.2; done
  local auth="Authorization: Bearer $(cat "$dir/data/admin-token")" admin="http://127.0.0.1:$((port + 1))/api/admin"
  local openai groq key id
  openai=$(curl -sf -X POST "$admin/provider-keys" -H "$auth" -d '{"provider":"openai","name":"fast","apiKey":"sk-bench"}' | json id)
  groq=$(curl -sf -X POST "$admin/provider-keys" -H "$auth" -d '{"provider":"groq","name":"slow","apiKey":"sk-bench"}' | json id)
  key=$(curl -sf -X POST "$admin/virtual-keys" -H "$auth" -d "{\"name\":\"bench\",\"providerKeyIds\":[\"$openai\",\"$groq\"]}")
  echo "$key" | json key > "$dir/virtual-key"
  id=$(echo "$key" | json id)
  if [ "$rules" = yes ]; then
    local proxy
    proxy=$(curl -sf "$admin/llm-proxies" -H "$auth" | python3 -c \
      "import sys,json;print([p['id'] for p in json.load(sys.stdin)['data'] if p['isDefault']][0])")
    curl -sf -X PUT "$admin/llm-proxies/$proxy/policies" -H "$auth" -d "$POLICIES" >/dev/null
  fi
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

prepare pcvk 9100 no
prepare pcpol 9200 yes
for target in pcvk:9100 pcpol:9200; do
  harness_target "${target%%:*}" "${target##*:}"
done
"$HARNESS" pcvk pcpol
echo "report: $BENCH_DATA/results/latest.md"
