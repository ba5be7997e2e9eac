#!/usr/bin/env bash
# Builds the JMH benchmarks (profile "bench", never part of ./test.sh) and runs them.
#   ./bench.sh                      every benchmark
#   ./bench.sh NavBuildBench        a subset (any JMH arguments, e.g. -f 3 -wi 5)
#   ./bench.sh footprint            graph sizes and bytes per node
#   ./bench.sh load [python|ingest|stall|churn|soak|all] [runs] [soak-replays] [--jar JAR] [--fsync on|off|both]
#                                   [--log file|nats] [--rows "1 plain,16 plain"] [--replay synthetic|fixture] [--warm 3]
#                                   (nats: a fresh nats-server per measurement; fixture: the simulator's own frames)
#                                   the real server jar under load (python-style push with slow
#                                   viewers, ingest, fan-out, soak); --jar measures another build
#                                   ECHELON_BENCH_SERVER_JAVA_OPTS: JVM options for the server; ECHELON_BENCH_JFR=FILE:
#                                   a JFR recording (CPU-time samples) of the measured push (threads: CPU per thread only)
set -euo pipefail
cd "$(dirname "$0")"
. scripts/jdk.sh
jar=echelon-bench/target/benchmarks.jar
mvn -B -q -ntp -Pbench -DskipTests -pl echelon-bench -am package >&2
if [ "${1:-}" = load ]; then
  shift
  exec "$JAVA_HOME/bin/java" -Xmx4g -cp "$jar" dev.echelon.bench.LoadBench "$@"
fi
if [ "${1:-}" = footprint ]; then
  # the server jar (provided scope) holds NavJson, whose bytes the footprint counts
  exec "$JAVA_HOME/bin/java" -cp "$jar:echelon-server/target/echelon-server.jar" dev.echelon.bench.NavFootprint
fi
exec "$JAVA_HOME/bin/java" -jar "$jar" "$@"
