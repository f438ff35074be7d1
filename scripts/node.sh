# Sourced (not run) by scripts/start.sh, scripts/test.sh and scripts/install.sh: puts the Node.js LTS this project
# runs on first on PATH, so that everything after — npm ci, tsc, mocha, Vitest, Playwright, and the chaincode servers
# and gateways the network starts (they run on process.execPath) — runs on it.
#
# .nvmrc pins the exact version (nvm, fnm and volta read it too). A machine whose node is that major or newer
# keeps its own; an older one (or none but npm) gets the pinned build from the npm registry — the package
# node-<os>-<arch>, which holds the official binary and headers — checked against the integrity pinned below
# and kept in .tools/ (ignored). npm itself stays the machine's: it runs on whichever node is first on PATH.
luohu_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LUOHU_NODE_VERSION="$(tr -d ' v\r\n' < "$luohu_root/.nvmrc")"
luohu_node_major="${LUOHU_NODE_VERSION%%.*}"
# sha512 of the npm packages node-<os>-<arch>@<version>, written down when the version was pinned.
luohu_node_integrity() {
  case "$1" in
    linux-x64@24.22.3) echo 'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==' ;;
    linux-arm64@24.22.3) echo 'sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw==' ;;
  esac
}

luohu_node_current="$(node --version 2>/dev/null || true)"
luohu_node_current_major="${luohu_node_current#v}"
luohu_node_current_major="${luohu_node_current_major%%.*}"
if [ -z "$luohu_node_current" ] || [ "$luohu_node_current_major" -lt "$luohu_node_major" ]; then
  case "$(uname -s)" in Linux) luohu_os=linux ;; Darwin) luohu_os=darwin ;; *) luohu_os=unknown ;; esac
  case "$(uname -m)" in x86_64 | amd64) luohu_arch=x64 ;; aarch64 | arm64) luohu_arch=arm64 ;; *) luohu_arch="$(uname -m)" ;; esac
  luohu_node_dir="$luohu_root/.tools/node-v$LUOHU_NODE_VERSION-$luohu_os-$luohu_arch"
  if [ ! -x "$luohu_node_dir/bin/node" ]; then
    if ! command -v npm >/dev/null || [ -z "$luohu_node_current" ]; then
      echo "Node.js >= $luohu_node_major is required (https://nodejs.org; .nvmrc pins $LUOHU_NODE_VERSION)" >&2
      exit 1
    fi
    luohu_node_pkg="node-$luohu_os-$luohu_arch@$LUOHU_NODE_VERSION"
    echo "• Fetching Node.js $LUOHU_NODE_VERSION: this machine's node is $luohu_node_current, the project runs on Node $luohu_node_major LTS (npm package $luohu_node_pkg, ~50 MB)…" >&2
    luohu_tmp="$(mktemp -d)"
    (cd "$luohu_tmp" && npm pack "$luohu_node_pkg" --silent >/dev/null) \
      || { rm -rf "$luohu_tmp"; echo "npm pack $luohu_node_pkg failed: install Node.js $LUOHU_NODE_VERSION yourself" >&2; exit 1; }
    luohu_tgz="$(ls "$luohu_tmp"/*.tgz)"
    luohu_expected="$(luohu_node_integrity "$luohu_os-$luohu_arch@$LUOHU_NODE_VERSION")"
    if [ -n "$luohu_expected" ]; then
      luohu_actual="sha512-$(openssl dgst -sha512 -binary < "$luohu_tgz" | base64 | tr -d '\n')"
      if [ "$luohu_actual" != "$luohu_expected" ]; then
        rm -rf "$luohu_tmp"
        echo "$luohu_node_pkg: integrity $luohu_actual, expected $luohu_expected — refusing it" >&2
        exit 1
      fi
    fi # other platforms: npm pack has checked the tarball against the registry's integrity
    tar -xzf "$luohu_tgz" -C "$luohu_tmp"
    mkdir -p "$luohu_root/.tools"
    rm -rf "$luohu_root/.tools/node-v"*-"$luohu_os-$luohu_arch" # an earlier pin
    mv "$luohu_tmp/package" "$luohu_node_dir"
    rm -rf "$luohu_tmp"
  fi
  export PATH="$luohu_node_dir/bin:$PATH"
  # Native addons (fabric-ca-client's optional pkcs11js) compile against this node's own headers, not a download.
  export npm_config_nodedir="$luohu_node_dir"
fi
if [ -z "${LUOHU_NODE_ANNOUNCED:-}" ]; then
  echo "• Node.js $(node --version) ($(command -v node))" >&2
  export LUOHU_NODE_ANNOUNCED=1
fi
