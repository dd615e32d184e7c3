#!/usr/bin/env bash
# Builds the extension and packages it as nbtidy-VERSION.vsix in this directory.
# Needs Node.js and npm (pinned dependencies in package.json). Not on the marketplace yet.
set -euo pipefail
cd "$(dirname "$0")"
[ -d node_modules ] || npm ci --no-audit --no-fund --silent
npx tsc -p ./
npx vsce package --allow-missing-repository --skip-license --out "nbtidy-$(node -p "require('./package.json').version").vsix"
