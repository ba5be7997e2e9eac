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
#   ./bench.sh load thousand [idle-seconds]
#                                   1,000 gzip viewers at browser pace on one server: idle CPU, then 10 trainers
#                                   streaming 10 MB replays (CPU, push->viewer latency, completeness, heap, RSS)
#   ./bench.sh check [--histories N] [--seed S] [--keep-going] [--nats] [--print]
#                                   the history checker: N seeded random histories (faults, restarts, power cuts)
#                                   against the real server, histories/s and the faults injected; --nats: two
#                                   servers on a real nats-server with NATS's faults; --keep-going: every failing
#                                   seed, no shrinking; --print: the seed's workload; ECHELON_CHECK_THREADS,
#                                   ECHELON_CHECK_TIMELINE=1 (a failing history's events), ECHELON_CHECK_LOG=1 (server
#                                   logs), ECHELON_CHECK_LOG=failures (those of failing histories; with _THREADS=1)
#   ./bench.sh archive [--replays N] [--keep K]
#                                   start-up over N replays (time, RSS) and retention trimming them to K
#   ./bench.sh tally                what reading a chunk's outcome tally costs a push (ms/MB)
#   ./bench.sh search [--replays N] [--runs R]
#                                   GET /replays searches and /runs/{name}/progress over N replays: p50/p99
set -euo pipefail
cd "$(dirname "$0")"
. scripts/jdk.sh
if [ "${1:-}" = check ] || [ "${1:-}" = archive ] || [ "${1:-}" = search ] || [ "${1:-}" = tally ]; then
  what=$1
  shift
  # the checker and the archive bench live with the server's tests: build them and run with the test classpath
  mvn -B -q -ntp -DskipTests install -pl echelon-server -am >&2
  cp_file="$PWD/echelon-server/target/test-classpath.txt" # absolute: the plugin resolves a relative one in the module
  mvn -B -q -ntp -pl echelon-server dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >&2
  cp="echelon-server/target/test-classes:echelon-server/target/classes:$(cat "$cp_file")"
  if [ "$what" = check ]; then
    exec "$JAVA_HOME/bin/java" -Xmx2g -cp "$cp" dev.echelon.server.check.HistoryCheck "$@"
  fi
  if [ "$what" = tally ]; then
    exec "$JAVA_HOME/bin/java" -cp "$cp" dev.echelon.server.http.TallyBench "$@"
  fi
  if [ "$what" = search ]; then
    exec "$JAVA_HOME/bin/java" -cp "$cp" dev.echelon.server.log.SearchBench "$@"
  fi
  exec "$JAVA_HOME/bin/java" -cp "$cp" dev.echelon.server.log.ArchiveBench "$@"
fi
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
