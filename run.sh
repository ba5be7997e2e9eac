#!/usr/bin/env bash
# Runs Echelon: builds what is out of date, starts the replay server, and (unless --no-demo)
# a synthetic trainer that streams live matches to it. Open the printed URL in a browser.
#
#   ./run.sh                 server + demo trainer on http://localhost:8090/
#   ./run.sh --no-demo       server only (point your trainers at it)
#   ./run.sh --port 9000     another port (ECHELON_* variables and .env work too)
set -euo pipefail
cd "$(dirname "$0")"
. scripts/jdk.sh

demo=1
port="${ECHELON_PORT:-8090}"
while [ $# -gt 0 ]; do
  case "$1" in
    --no-demo) demo=0 ;;
    --port) port="$2"; shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "error: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

server_jar=echelon-server/target/echelon-server.jar
cli_jar=echelon-cli/target/echelon.jar
echelon_build_if_stale

if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "error: something is already listening on port $port. Stop it, or pick another port: ./run.sh --port 9000" >&2
  exit 1
fi

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

"$JAVA_HOME/bin/java" @scripts/server.jvm -jar "$server_jar" --port "$port" &
pids+=($!)

for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  if ! kill -0 "${pids[0]}" 2>/dev/null; then echo "error: the server exited; see its log above" >&2; exit 1; fi
  sleep 0.1
done

echo
echo "  Echelon is running:  open http://localhost:$port/  in a browser"
echo "  Push replays from trainers to http://<this-host>:$port (see README). Ctrl-C stops everything."
echo

if [ "$demo" = 1 ]; then
  "$JAVA_HOME/bin/java" -jar "$cli_jar" demo --server "http://127.0.0.1:$port" &
  pids+=($!)
fi
wait "${pids[0]}"
