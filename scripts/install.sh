#!/usr/bin/env bash
# Installs what a fresh clone lacks: Debian packages for sealed PDFs (a CJK font to embed, pdfsig to check
# signatures independently) and npm packages (from the lockfile). Fabric itself is built by `network up`.
set -euo pipefail
cd "$(dirname "$0")/.."
# The pinned Node.js LTS (.nvmrc) first on PATH, fetched from the npm registry when the machine's node is older.
source scripts/node.sh
command -v go >/dev/null || { echo "Go >= 1.20 is required to build Fabric (https://go.dev/doc/install)" >&2; exit 1; }
# Reinstalled when the lockfile changed or node_modules was installed by another Node major (native addons).
node_abi="$(node -p process.versions.modules)"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] \
  || [ "$(cat node_modules/.node-abi 2>/dev/null)" != "$node_abi" ]; then
  echo "• Installing npm packages (npm ci)…" >&2
  npm ci --no-audit --no-fund --loglevel=error
  echo "$node_abi" > node_modules/.node-abi
fi
# The shared vocabulary (domain/) is a package the chaincode, the gateway and the app import: built, incrementally.
npm run --silent build -w @luohu/domain
# The web app, served by the gateway on its own origin.
echo "• Building the web app (app/dist)…" >&2
npm run --silent build -w @luohu/app >/dev/null
missing=()
[ -f /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf ] || missing+=(fonts-droid-fallback)
command -v pdfsig >/dev/null || missing+=(poppler-utils)
# The network runs its own PostgreSQL cluster (password-protected) for the gateway's database.
[ -x /usr/lib/postgresql/15/bin/postgres ] || missing+=(postgresql-15)
# Each network runs its own MQTT broker for the devices' alerts: Debian's Mosquitto.
[ -x /usr/sbin/mosquitto ] || missing+=(mosquitto)
# The web app's browser tests drive Debian's Chromium (never a downloaded build), with a CJK font to render Chinese.
command -v chromium >/dev/null || missing+=(chromium)
[ -d /usr/share/fonts/opentype/noto ] || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -gt 0 ]; then
  echo "• Installing Debian packages: ${missing[*]}…" >&2
  if [ "$(id -u)" = 0 ]; then SUDO=(); else SUDO=(sudo); fi
  "${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null \
    || { echo "apt-get install ${missing[*]} failed; install them and rerun" >&2; exit 1; }
fi
