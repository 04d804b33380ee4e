#!/usr/bin/env bash
# The README's test command: install Chromium if missing, type-check, lint, run every test,
# and end with one plain line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true

if ! command -v chromium >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests (apt-get)…"
  if [ "$(id -u)" = "0" ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || echo "warning: chromium could not be installed; browser tests will fail"
  else
    echo "warning: not root; install chromium yourself (apt-get install chromium)"
  fi
fi

status=0
echo "== type-check (tsc)"
npx tsc -p tsconfig.json || status=1
echo "== lint (biome)"
npx biome check . || status=1
echo "== tests (vitest)"
report=.vitest-report.json
rm -f "$report"
npx vitest run --reporter=default --reporter=json --outputFile="$report" || status=1
if [ -f "$report" ]; then
  # Failed tests, or failed files when a file could not even load (its tests never ran).
  node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));const failed=r.numFailedTests>0?r.numFailedTests:r.numFailedTestSuites;console.log(`${r.numPassedTests} passed, ${failed} failed`)' "$report"
else
  echo "0 passed, 1 failed"
  status=1
fi
exit $status
