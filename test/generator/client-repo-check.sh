#!/usr/bin/env bash
# The generated project on its own: copy a starter spec into a clean folder outside the monorepo,
# generate (vendoring Kongo's packages as npm pack tarballs), npm install from the vendored tarballs
# and the registry, then run the scripts the client's CI runs. Needs network for npm install.
# Usage: bash test/generator/client-repo-check.sh [starter-name] (default contacts-events)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
starter="${1:-contacts-events}"
dir="$(mktemp -d /tmp/kongo-client-XXXXXX)"
cp "$root/templates/starters/$starter.integration-spec.json" "$dir/integration-spec.json"
node "$root/cli/bin/kongo.js" generate "$dir/integration-spec.json" --out "$dir"
cd "$dir"
git init -q
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true CDK_DISABLE_CLI_TELEMETRY=true
step() {
  local started=$SECONDS
  "$@" > "$dir/step.log" 2>&1 || { cat "$dir/step.log"; echo "FAILED: $*"; exit 1; }
  echo "ok   $* ($((SECONDS - started)) s)"
}
# The one-time step docs/DEPLOY.md asks for after the first generate (and after a generator upgrade
# changes the vendored tarballs): write package-lock.json, which the repository commits. CI then
# installs exactly that with npm ci.
step npm install --package-lock-only --no-audit --no-fund --prefer-offline
step npm ci --no-audit --no-fund --prefer-offline
step npm run -s generate:check
step npm run -s typecheck
step npm test
step npm run -s synth
# The pipeline's roles (GitHub OIDC provider, read-only diff role, deploy roles), cdk-nag included.
step npx cdk synth --quiet --app "npx tsx infra/pipeline.gen.ts" -c repository=velflex/integrations
# The workflow's PR diff uses the template method (lookup role only): this CLI must know the flag.
npx cdk diff --help 2>/dev/null | grep -q -- '--method' || { echo "FAILED: cdk diff has no --method"; exit 1; }
echo "client repository at $dir passes npm ci, generate:check, typecheck, test, synth and the pipeline roles' synth"
