#!/usr/bin/env bash
# Builds the JMH benchmarks (profile "bench", never part of ./test.sh) and runs them.
#   ./bench.sh                      every benchmark
#   ./bench.sh NavBuildBench        a subset (any JMH arguments, e.g. -f 3 -wi 5)
#   ./bench.sh footprint            graph sizes and bytes per node
set -euo pipefail
cd "$(dirname "$0")"
. scripts/jdk.sh
mvn -B -q -ntp -Pbench -DskipTests -pl echelon-bench -am package >&2
jar=echelon-bench/target/benchmarks.jar
if [ "${1:-}" = footprint ]; then
  exec "$JAVA_HOME/bin/java" -cp "$jar" dev.echelon.bench.NavFootprint
fi
exec "$JAVA_HOME/bin/java" -jar "$jar" "$@"
