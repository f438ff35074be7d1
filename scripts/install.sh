#!/usr/bin/env bash
# Installs what a fresh clone lacks: npm packages (from the lockfile). Fabric itself is built by `network up`.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v node >/dev/null || { echo "Node.js >= 20.19 is required (https://nodejs.org)" >&2; exit 1; }
command -v go >/dev/null || { echo "Go >= 1.20 is required to build Fabric (https://go.dev/doc/install)" >&2; exit 1; }
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "• Installing npm packages (npm ci)…" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
