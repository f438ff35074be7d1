#!/usr/bin/env bash
# `npm test`: every test, fastest first. Lint and import rules; type check; the unit tests that need no network
# (chaincode on an in-memory stub, gateway/test/unit); then everything that runs on the real network: the suite starts
# its own network (LUOHU_TEST_BASE_PORT, default 17000; data in network/.run/test) and stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
# Everything below runs on the pinned Node.js LTS (scripts/node.sh puts it first on PATH).
source scripts/node.sh
bash scripts/install.sh
echo "• Lint, format and import cycles" >&2
npm run --silent lint
npm run --silent format:check
echo "• Type-checking" >&2
npx tsc -p network/tsconfig.json
npx tsc -p gateway/tsconfig.json
npx tsc -p app/tsconfig.json
echo "• Chaincode unit tests" >&2
npm test --silent -w chaincode
echo "• Gateway unit tests (no network)" >&2
npm test --silent -w gateway
echo "• Web app component tests (Vitest, no network)" >&2
npm test --silent -w @luohu/app
echo "• Network tests (real Fabric network)" >&2
# network/.mocharc.json leaves out gateway/test/unit (run above).
npx mocha --config network/.mocharc.json 'network/test/**/*.test.ts' 'chaincode/integration/**/*.test.ts' 'gateway/test/**/*.test.ts' 'app/e2e/**/*.e2e.test.ts' 'fixtures/test/**/*.test.ts'
