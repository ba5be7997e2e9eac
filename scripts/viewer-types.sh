#!/usr/bin/env bash
# Checks the viewer's JSDoc types with tsc --checkJs (TypeScript and three.js's types from npm,
# pinned in echelon-viewer/package-lock.json). The viewer itself has no build step: nothing is emitted.
set -euo pipefail
cd "$(dirname "$0")/../echelon-viewer"
if ! command -v npm >/dev/null 2>&1; then
  echo "viewer types: npm is missing; install Node.js (apt-get install nodejs npm) and run this again" >&2
  exit 1
fi
if [ ! -x node_modules/.bin/tsc ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --silent --no-audit --no-fund
fi
node_modules/.bin/tsc -p jsconfig.json
echo "viewer types: $(ls src/main/resources/web/*.js | wc -l) modules check (tsc --checkJs)"
