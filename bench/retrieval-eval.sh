#!/usr/bin/env bash
# Retrieval quality on the development questions: Recall@1/5/10 and MRR@10 of the cited law article for
# keyword-only, vector-only and hybrid search, over all types and over law articles only.
# Usage: bench/retrieval-eval.sh [shared-data-folder]   (default ../shared/data)
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${1:-../shared/data}
mvn -q -DskipTests test-compile
mvn -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
java -Xmx2g -cp "target/classes:target/test-classes:$(cat target/test-classpath.txt)" xiaofa.knowledge.RetrievalEval "$shared"
