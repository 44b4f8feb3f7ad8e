#!/usr/bin/env bash
# Urgency detection on messages the model never saw: the rules, the embedding model and both, at several
# thresholds (recall on urgent sets, false escalations on ordinary ones). The rules' own per-kind report is
# xiaofa.dialog.UrgencyEval. Usage: bench/urgency-eval.sh
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -DskipTests test-compile
mvn -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
java -Xmx2g -cp "target/classes:target/test-classes:$(cat target/test-classpath.txt)" xiaofa.dialog.UrgencyModelEval
