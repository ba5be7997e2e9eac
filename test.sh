#!/usr/bin/env bash
# Runs Echelon's whole test suite: the viewer's JSDoc types (tsc --checkJs), unit tests,
# integration tests over real HTTP and the headless-Chromium viewer tests; then, as a user would,
# a JDK 17 trainer project against the installed SDK and nav jars, and every command the README
# shows. Extra arguments go to Maven (e.g. -pl echelon-nav) and skip the script checks.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/jdk.sh
if [ $# -eq 0 ]; then
  scripts/viewer-types.sh
fi
# install (not just verify): the JDK 17 consumer project resolves the jars from ~/.m2
mvn -B -ntp install "$@"
if [ $# -eq 0 ]; then
  scripts/jdk17-consumer.sh
  scripts/readme-commands.sh
fi
