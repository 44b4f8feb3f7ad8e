#!/usr/bin/env bash
# First start (index built with embeddings), restart with unchanged sources, and heap after start, of the real jar
# on the full corpus (knowledge + the law folder). Usage: bench/startup.sh [laws-folder]  (default ../shared/data/laws)
set -euo pipefail
cd "$(dirname "$0")/.."
laws=${1:-../shared/data/laws}
port=${XIAOFA_BENCH_PORT:-18181}
[ -f target/xiaofa.jar ] || mvn -q -DskipTests package
data=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT

start() {
  local t0 now
  t0=$(date +%s.%N)
  XIAOFA_DATA_DIR="$data" XIAOFA_LAWS_DIR="$laws" XIAOFA_HTTP_PORT="$port" XIAOFA_HTTP_HOST=127.0.0.1 \
    java -jar target/xiaofa.jar > "$data/$1.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 1200); do
    if curl -fs "http://127.0.0.1:$port/ready" > /dev/null 2>&1; then
      now=$(date +%s.%N)
      printf '%s: ready in %.1f s (JVM start included)\n' "$1" "$(echo "$now - $t0" | bc)"
      return
    fi
    sleep 0.1
  done
  echo "$1: not ready after 120 s" >&2
  tail -20 "$data/$1.log" >&2
  exit 1
}

heap() {
  jcmd "$pid" GC.run > /dev/null
  local used rss
  used=$(jcmd "$pid" GC.heap_info | grep -oE 'used [0-9]+K' | head -1 | grep -oE '[0-9]+')
  rss=$(grep VmRSS "/proc/$pid/status" | grep -oE '[0-9]+')
  printf 'heap used after start and a full GC: %d MiB; process RSS: %d MiB\n' $((used / 1024)) $((rss / 1024))
}

start "first start (builds the index)"
grep -E 'index .* built' "$data/first start (builds the index).log" | sed 's/^.*KnowledgeIndex - /  /'
heap
kill "$pid"; wait "$pid" 2>/dev/null || true
start "restart (sources unchanged)"
heap
