#!/usr/bin/env bash
# `npm start`: install what is missing, bring the system up (network, chaincode, database, gateway), load demo users.
set -euo pipefail
cd "$(dirname "$0")/.."
# Everything below runs on the pinned Node.js LTS (scripts/node.sh puts it first on PATH).
source scripts/node.sh
bash scripts/install.sh
npm run --silent network -- up
npx tsx fixtures/demo.ts
npm run --silent network -- status
