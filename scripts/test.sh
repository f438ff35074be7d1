#!/usr/bin/env bash
# `npm test`: every test. Chaincode unit tests (in-memory stub), then everything that runs on the real network:
# the suite starts its own network (LUOHU_TEST_BASE_PORT, default 17000; data in network/.run/test) and stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
echo "• Type-checking" >&2
npx tsc -p network/tsconfig.json
npx tsc -p gateway/tsconfig.json
echo "• Chaincode unit tests" >&2
npm test --silent -w chaincode
echo "• Network tests (real Fabric network)" >&2
npx mocha --config network/.mocharc.json 'network/test/**/*.test.ts' 'chaincode/integration/**/*.test.ts' 'gateway/test/**/*.test.ts'
