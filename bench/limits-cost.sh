#!/usr/bin/env bash
# What limit rules cost a call (run as `bench/run.sh limits`): the shared side-by-side harness
# (HARNESS, default ../shared/bench/run.sh, see its README) with two Portcullis targets from the
# same jar, each pinned to the proxy CPU and called with a virtual key:
#
#   pcvk    the virtual key alone
#   pclim   the same with three hard rules on the key that never refuse: 100 M requests a minute,
#           100 G tokens a minute, and $1 M a month (every call reserves, and settles at its price)
#
#   bench/run.sh limits                         (tp-600 and rate-fast: CPU per call, added p99)
#   TESTS="tp-600 rate-fast stream" bench/run.sh limits
#
# Before the run each target's data folder is made through the admin API (a provider key for the
# fast and the slow mock, a virtual key, the rules, and a price for the slow mock's model, which
# the catalog does not know and a hard spend rule would refuse). Results land under BENCH_DATA.
set -euo pipefail
. "$(dirname "$0")/harness-lib.sh"
export TESTS=${TESTS:-"tp-600 rate-fast"}

json() { python3 -c "import sys,json;print(json.load(sys.stdin)[\"$1\"])"; }

prepare() { # name port with-rules
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
    for rule in '"name":"rpm","requestsPerMinute":100000000' '"name":"tpm","tokensPerMinute":100000000000' \
        '"name":"budget","spendUsd":{"amount":1000000,"window":"month"}'; do
      curl -sf -X POST "$admin/limits" -H "$auth" -d "{$rule,\"appliesTo\":{\"virtualKeyId\":\"$id\"}}" >/dev/null
    done
    curl -sf -X PUT "$admin/prices/groq?model=gpt-4o-mini" -H "$auth" \
      -d '{"inputPerMillion":0.15,"outputPerMillion":0.6}' >/dev/null
  fi
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

prepare pcvk 9100 no
prepare pclim 9200 yes
for target in pcvk:9100 pclim:9200; do
  harness_target "${target%%:*}" "${target##*:}"
done
"$HARNESS" pcvk pclim
echo "report: $BENCH_DATA/results/latest.md"
