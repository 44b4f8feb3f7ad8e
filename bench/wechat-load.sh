#!/usr/bin/env bash
# Webhook throughput and latency: starts the jar with a test official account (Pushes' token, AppID and
# EncodingAESKey; the API base points at a closed local port, so nothing leaves the machine), then offers real
# development questions to POST /wechat at a fixed rate, each from its own follower, in plaintext and in secure mode.
# Usage: bench/wechat-load.sh [rate/s] [seconds]   (defaults 200 and 30; needs ../shared/data)
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${1:-200}
SECONDS_=${2:-30}
PORT=${XIAOFA_BENCH_PORT:-18097}
DATA=$(mktemp -d /tmp/xiaofa-wechat-bench.XXXXXX)
[ -f target/xiaofa.jar ] || mvn -q -DskipTests package
mvn -q -DskipTests test-compile
mvn -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
XIAOFA_HTTP_PORT=$PORT XIAOFA_DATA_DIR=$DATA XIAOFA_LAWS_DIR=../shared/data/laws \
XIAOFA_WECHAT_TOKEN=harnessToken2024 XIAOFA_WECHAT_APP_ID=wx1234567890abcdef \
XIAOFA_WECHAT_APP_SECRET=0123456789abcdef0123456789abcdef XIAOFA_WECHAT_AES_KEY=HarnessKey0123456789abcdefghijklmnopqrstuvw \
XIAOFA_WECHAT_API_BASE=http://127.0.0.1:9 XIAOFA_PUBLIC_URL=https://xiaofa.example.gov.cn \
  java -Xmx1g -jar target/xiaofa.jar > "$DATA/service.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$PORT/ready" >/dev/null && break; sleep 1; done
curl -sf "http://127.0.0.1:$PORT/ready" >/dev/null || { echo "service not ready"; tail -20 "$DATA/service.log"; exit 1; }
CP="target/classes:target/test-classes:$(cat target/test-classpath.txt)"
for MODE in plain secure; do
  java -cp "$CP" xiaofa.channel.wechat.WebhookLoad "http://127.0.0.1:$PORT" $MODE "$RATE" "$SECONDS_" 10
done
echo "service: $(ps -o rss= -p $PID | awk '{printf "%.0f MiB RSS", $1/1024}')"
