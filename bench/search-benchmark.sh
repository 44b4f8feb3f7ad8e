#!/usr/bin/env bash
# Hybrid search latency (JMH, sample mode: p50/p99) over the full corpus, on this machine's cores.
# Usage: bench/search-benchmark.sh [shared-data-folder]   (default ../shared/data)
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${1:-../shared/data}
mvn -q -DskipTests test-compile
mvn -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
cp="target/classes:target/test-classes:$(cat target/test-classpath.txt)"
# 1 thread: latency of one search; 2 threads: both cores busy
for threads in 1 2; do
  java -Xmx1g -Dxiaofa.shared="$shared" -cp "$cp" org.openjdk.jmh.Main 'xiaofa.knowledge.SearchBenchmark' \
    -p mode=hybrid,keyword -f 1 -wi 2 -w 5s -i 3 -r 10s -t "$threads" -rf text -rff "target/search-benchmark-t$threads.txt"
  cat "target/search-benchmark-t$threads.txt"
done
