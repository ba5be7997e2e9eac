#!/usr/bin/env bash
# Proves that a JDK 17 trainer can use the SDK and nav: builds scripts/jdk17-consumer (a plain
# Maven project that depends on the installed echelon-client and echelon-nav jars) with a JDK 17,
# runs it against a real server, and checks what it printed. Run after `./echelon install`;
# test.sh runs it after the suite.
set -euo pipefail
cd "$(dirname "$0")/.."
ECHELON_QUIET=1 . scripts/jdk.sh # the server needs 21+
jdk17=""
for d in "${ECHELON_JDK17:-}" /usr/lib/jvm/java-17-openjdk-* /usr/lib/jvm/temurin-17-* /usr/lib/jvm/*17*; do
  if [ -n "$d" ] && [ -x "$d/bin/javac" ] && [ "$(_echelon_java_major "$d/bin/java")" = 17 ]; then jdk17="$d"; break; fi
done
if [ -z "$jdk17" ]; then
  echo "jdk17-consumer: SKIPPED: no JDK 17 found (set ECHELON_JDK17, or apt-get install openjdk-17-jdk)" >&2
  exit 0
fi
work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true # its shutdown writes the clean-shutdown mark into the runs folder
  fi
  for _ in 1 2 3 4 5; do rm -rf "$work" 2>/dev/null && return 0; sleep 1; done
  rm -rf "$work"
}
trap cleanup EXIT

echo "jdk17-consumer: building the consumer project with $jdk17" >&2
(cd scripts/jdk17-consumer && JAVA_HOME="$jdk17" MAVEN_OPTS="" mvn -B -q -ntp compile dependency:build-classpath \
  -Dmdep.outputFile="$work/cp.txt")

ECHELON_RUNS_DIR="$work/runs" "$JAVA_HOME/bin/java" -jar echelon-server/target/echelon-server.jar --port 0 \
  >"$work/server.log" 2>&1 &
server_pid=$!
url=""
for _ in $(seq 1 100); do
  url=$(grep -o 'http://[^ ]*:[0-9]*' "$work/server.log" | head -1 | sed 's#//[^:]*:#//127.0.0.1:#') || true
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { echo "jdk17-consumer: the server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }

out=$("$jdk17/bin/java" -cp "scripts/jdk17-consumer/target/classes:$(cat "$work/cp.txt")" example.Trainer "$url" \
  examples/replay-20x20-seed0.json.gz)
echo "$out"
grep -q '^java 17$' <<<"$out" && grep -q ' 185 frames in 2 chunks$' <<<"$out" && grep -q 'route FOUND' <<<"$out" && grep -q 'examples world route FOUND' <<<"$out" \
  || { echo "jdk17-consumer: FAILED: unexpected output above" >&2; exit 1; }
echo "jdk17-consumer: OK (JDK 17 pushed a replay with the SDK and planned a path with nav)" >&2
