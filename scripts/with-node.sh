#!/usr/bin/env bash
# Runs a command on the pinned Node.js LTS (scripts/node.sh): the package.json scripts that start node go through it,
# so `npm run network -- up`, `npm run as` and the benches run on it (and the processes the network starts with them).
set -euo pipefail
LUOHU_NODE_ANNOUNCED="${LUOHU_NODE_ANNOUNCED:-quiet}"
source "$(dirname "${BASH_SOURCE[0]}")/node.sh"
exec "$@"
