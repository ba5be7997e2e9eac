#!/usr/bin/env bash
# Runs the commands README.md shows, as printed, and checks what they print, so the README cannot
# drift from reality. test.sh runs it after the suite. (The bench commands are left out: they take
# minutes and print figures, not pass/fail.)
set -euo pipefail
cd "$(dirname "$0")/.."
ECHELON_QUIET=1 . scripts/jdk.sh
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  # a server's JVM may still be writing its shutdown files (the clean-shutdown mark) for a moment
  for _ in 1 2 3 4 5; do rm -rf "$work" 2>/dev/null && return 0; sleep 1; done
  rm -rf "$work"
}
trap cleanup EXIT
fixture=echelon-server/src/test/resources/fixtures/replay-20x20-seed0.json.gz
step() { echo "readme-commands: $*" >&2; }
fail() { echo "readme-commands: FAILED: $*" >&2; exit 1; }
expect() { # expect TEXT FILE
  grep -qF -- "$1" "$2" || { cat "$2" >&2; fail "expected \"$1\" in the output above"; }
}
free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  fail "no free port"
}
wait_for() { # wait_for PORT LOG
  for _ in $(seq 1 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return
    sleep 0.1
  done
  cat "$2" >&2; fail "nothing listened on port $1"
}

step "./echelon --help, ./echelon push --help, ./echelon server --help"
./echelon --help >"$work/out" 2>&1; expect "./echelon push FILE..." "$work/out"
./echelon push --help >"$work/out" 2>&1; expect "usage: echelon push FILE..." "$work/out"
./echelon server --help >"$work/out" 2>&1; expect "ECHELON_RUNS_DIR" "$work/out"

port=$(free_port)
step "./echelon server --port $port"
(cd "$work" && ECHELON_RUNS_DIR="$work/runs" exec "$OLDPWD/echelon" server --port "$port" >"$work/server.log" 2>&1) &
pids+=($!)
wait_for "$port" "$work/server.log"

step "./echelon push FILE --server URL"
cp "$fixture" "$work/ep_7.json.gz"
./echelon push "$work"/ep_*.json.gz --server "http://127.0.0.1:$port" >"$work/out" 2>&1
expect "185 frames in 2 chunks" "$work/out"
expect "watch it: http://127.0.0.1:$port/?replay=" "$work/out"

step "./echelon demo --server URL --replays 1"
./echelon demo --server "http://127.0.0.1:$port" --replays 1 --speed 200 >"$work/out" 2>&1
expect "demo: match 1 streamed" "$work/out"

jdk17=$(ls -d /usr/lib/jvm/java-17-openjdk-* 2>/dev/null | head -1 || true)
java17="${jdk17:+$jdk17/bin/java}"
if [ -z "$java17" ] && command -v java >/dev/null && [ "$(_echelon_java_major "$(command -v java)")" = 17 ]; then
  java17=$(command -v java)
fi
if [ -n "$java17" ]; then
  step "java -jar echelon-cli/target/echelon.jar push FILE --server URL (with JDK 17: $java17)"
  "$java17" -jar echelon-cli/target/echelon.jar push "$fixture" --server "http://127.0.0.1:$port" >"$work/out" 2>&1
  expect "185 frames in 2 chunks" "$work/out"
else
  step "SKIPPED the JDK 17 java -jar check: no JDK 17 here"
fi
curl_like=$(exec 3<>"/dev/tcp/127.0.0.1/$port"; printf 'GET /replays HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >&3; cat <&3)
grep -q '"name":"ep_7"' <<<"$curl_like" || fail "GET /replays does not list the pushed file by name: $curl_like"

if command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ]; then
  natsbin=$(command -v nats-server || echo /usr/sbin/nats-server)
  nport=$(free_port); s1=$(free_port); s2=$(free_port)
  step "scale-out: nats-server -c nats.conf, two servers with ECHELON_LOG, push to one, list on the other"
  printf 'listen: 127.0.0.1:%s\nmax_payload: 8MB\njetstream { store_dir: "%s" }\n' "$nport" "$work/nats" > "$work/nats.conf"
  ("$natsbin" -c "$work/nats.conf" >"$work/nats.log" 2>&1) &
  pids+=($!)
  wait_for "$nport" "$work/nats.log"
  (ECHELON_RUNS_DIR="$work/rs1" ECHELON_LOG="nats://127.0.0.1:$nport" exec ./echelon server --port "$s1" >"$work/s1.log" 2>&1) &
  pids+=($!)
  (ECHELON_RUNS_DIR="$work/rs2" ECHELON_LOG="nats://127.0.0.1:$nport" exec ./echelon server --port "$s2" >"$work/s2.log" 2>&1) &
  pids+=($!)
  wait_for "$s1" "$work/s1.log"; wait_for "$s2" "$work/s2.log"
  ./echelon push "$fixture" --server "http://127.0.0.1:$s1" >"$work/out" 2>&1
  expect "185 frames in 2 chunks" "$work/out"
  listed=$(exec 3<>"/dev/tcp/127.0.0.1/$s2"; printf 'GET /replays HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >&3; cat <&3)
  grep -q '"chunks_received":2' <<<"$listed" || fail "the second server does not list the replay pushed to the first: $listed"
else
  step "SKIPPED the scale-out commands: nats-server is not installed (apt-get install nats-server)"
fi

port2=$(free_port)
step "./run.sh --port $port2 (server and demo trainer)"
(cd "$work" && ECHELON_RUNS_DIR="$work/runs2" exec "$OLDPWD/run.sh" --port "$port2" >"$work/run.log" 2>&1) &
pids+=($!)
wait_for "$port2" "$work/run.log"
for _ in $(seq 1 100); do grep -q "demo: match 1 streamed" "$work/run.log" && break; sleep 0.2; done
expect "Echelon is running:  open http://localhost:$port2/" "$work/run.log"
./run.sh --help >"$work/out" 2>&1; expect "./run.sh --no-demo" "$work/out"

step "./echelon install"
./echelon install >"$work/out" 2>&1 || { cat "$work/out" >&2; fail "./echelon install"; }
[ -f "$HOME/.m2/repository/dev/echelon/echelon-client/0.1.0-SNAPSHOT/echelon-client-0.1.0-SNAPSHOT.jar" ] \
  || fail "./echelon install did not install echelon-client"
step "OK"
