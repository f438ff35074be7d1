#!/usr/bin/env bash
# `npm start`: install what is missing, then bring the system up (the Fabric network with the chaincode deployed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
npm run --silent network -- up
npm run --silent network -- status
