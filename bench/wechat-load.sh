#!/usr/bin/env bash
# Webhook throughput and latency: starts the jar with a test official account (Pushes' token, AppID and
# EncodingAESKey; the API base points at a closed local port, so nothing leaves the machine), then offers real
# development questions to POST /wechat at a fixed rate, each from its own follower, in plaintext and in secure mode,
# and reports latency, outcomes and the service's CPU time per message.
# Usage: bench/wechat-load.sh [rate/s] [seconds] [warm-up seconds]   (defaults 200, 30, 10; needs ../shared/data)
# Extra service settings pass through the environment, e.g. XIAOFA_SEARCH_RESULTS_CACHE_SIZE=0 XIAOFA_SEARCH_CACHE_SIZE=0
# to make every question cost a full search (nothing remembered).
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${1:-200}
DURATION=${2:-30}
WARMUP=${3:-10}
PORT=${XIAOFA_BENCH_PORT:-18097}
DATA=target/bench-wechat            # the index is kept between runs; the database is fresh each run
mkdir -p "$DATA" && rm -rf "$DATA/db"
[ -f target/xiaofa.jar ] || mvn -q -DskipTests package
mvn -q -DskipTests test-compile
mvn -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
XIAOFA_HTTP_PORT=$PORT XIAOFA_DATA_DIR=$DATA XIAOFA_LAWS_DIR=../shared/data/laws XIAOFA_KNOWLEDGE_POLL_SECONDS=0 \
XIAOFA_WECHAT_TOKEN=harnessToken2024 XIAOFA_WECHAT_APP_ID=wx1234567890abcdef \
XIAOFA_WECHAT_APP_SECRET=0123456789abcdef0123456789abcdef XIAOFA_WECHAT_AES_KEY=HarnessKey0123456789abcdefghijklmnopqrstuvw \
XIAOFA_WECHAT_API_BASE=http://127.0.0.1:9 XIAOFA_PUBLIC_URL=https://xiaofa.example.gov.cn \
  java -Xmx1g -jar target/xiaofa.jar > "$DATA/service.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$PORT/ready" >/dev/null && break; sleep 1; done
curl -sf "http://127.0.0.1:$PORT/ready" >/dev/null || { echo "service not ready"; tail -20 "$DATA/service.log"; exit 1; }
sleep 10  # the urgency model trains just after /ready
CP="target/classes:target/test-classes:$(cat target/test-classpath.txt)"
cpu() { awk '{print $14 + $15}' /proc/$PID/stat; }
tck=$(getconf CLK_TCK)
for MODE in plain secure; do
  if [ "$WARMUP" -gt 0 ]; then
    java -cp "$CP" xiaofa.channel.wechat.WebhookLoad "http://127.0.0.1:$PORT" $MODE $((RATE / 4)) "$WARMUP" > /dev/null
  fi
  c0=$(cpu)
  java -cp "$CP" xiaofa.channel.wechat.WebhookLoad "http://127.0.0.1:$PORT" $MODE "$RATE" "$DURATION"
  c1=$(cpu)
  awk -v t=$((c1 - c0)) -v n=$((RATE * DURATION)) -v hz="$tck" -v d="$DURATION" \
    'BEGIN { printf "service CPU: %.1f ms per message, %.2f cores on average\n\n", 1000 * t / hz / n, t / hz / d }'
done
echo "service: $(ps -o rss= -p $PID | awk '{printf "%.0f MiB RSS", $1/1024}')"
