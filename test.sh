#!/usr/bin/env bash
# Runs Echelon's whole test suite: unit tests, integration tests over real HTTP and the
# headless-Chromium viewer tests. Extra arguments go to Maven (e.g. -pl echelon-nav).
set -euo pipefail
cd "$(dirname "$0")"
. scripts/jdk.sh
echo "Using JDK at $JAVA_HOME" >&2
exec mvn -B -ntp verify "$@"
