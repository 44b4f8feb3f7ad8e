#!/usr/bin/env bash
# Routing quality on the development questions: accuracy, macro-F1 (overall and per label method), per-category F1
# and calibration of a naive Bayes baseline, a vote of the top-10 hybrid hits and the category classifier.
# Usage: bench/routing-eval.sh [shared-data-folder] [--sweep]   (default ../shared/data)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -DskipTests test-compile
mvn -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
java -Xmx2g -cp "target/classes:target/test-classes:$(cat target/test-classpath.txt)" xiaofa.dialog.RoutingEval "$@"
