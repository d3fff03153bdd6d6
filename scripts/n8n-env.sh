#!/usr/bin/env bash
# Installs, once, an n8n 2.x and a Node 24 it runs on (n8n 2.36+ needs it, older 2.x accept it) from
# the npm registry into a cache folder outside the repository, then prints the two paths the demo
# and the end-to-end tests use:  NODE24=<a Node >= 24>  N8N_BIN=<n8n's entry script>
# The version is the first of scripts/n8n-versions.txt, or HAILUO_N8N_VERSION.
# Linux and macOS, x64 and arm64. What stops it is said in one line before anything is downloaded;
# progress goes to stderr.
set -euo pipefail

base="${HAILUO_N8N_CACHE:-$HOME/.cache/n8n-nodes-hailuo}"

cannot() {
  echo "Cannot set up n8n for the demo and the e2e tests: $*" >&2
  exit 1
}

versions="$(dirname "${BASH_SOURCE[0]}")/n8n-versions.txt"
default="$(awk '!/^#/ && NF { print $1; exit }' "$versions")"
N8N_VERSION="${HAILUO_N8N_VERSION:-$default}"
[[ "$N8N_VERSION" =~ ^2\.[0-9]+\.[0-9]+$ ]] ||
  cannot "HAILUO_N8N_VERSION is '$N8N_VERSION', not an n8n 2.x version such as $default (the proven ones are in scripts/n8n-versions.txt)."

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) platform=linux-x64 ;;
  Linux-aarch64 | Linux-arm64) platform=linux-arm64 ;;
  Darwin-x86_64) platform=darwin-x64 ;;
  Darwin-arm64) platform=darwin-arm64 ;;
  *) cannot "it needs Linux or macOS on x64 or arm64, not $(uname -s) $(uname -m) (on Windows, use WSL 2)." ;;
esac

# The Node 24 npm publishes as node-<os>-<arch>. There is none for macOS on arm64: there the Node
# on PATH is used when it is 24 or later.
case "$platform" in
  linux-*) node_version=24.21.0 ;;
  darwin-x64) node_version=24.18.1 ;;
  darwin-arm64) node_version= ;;
esac

if [ -n "$node_version" ]; then
  node_package="node-$platform@$node_version"
  # Linux x64 keeps the folder name it had before other platforms were supported.
  cache="$base/n8n-$N8N_VERSION-node-$node_version"
  [ "$platform" = linux-x64 ] || cache="$cache-$platform"
  node_home="$cache/node_modules/node-$platform"
  node="$node_home/bin/node"
else
  node_package=
  node="$(command -v node || true)"
  node_version="$([ -n "$node" ] && "$node" -p process.versions.node || true)"
  [ "${node_version%%.*}" -ge 24 ] 2>/dev/null ||
    cannot "npm publishes no Node 24 for macOS on arm64 and the node on PATH is ${node_version:-missing}: install Node 24 or later (brew install node@24, or nvm install 24) and run again with it first on PATH."
  # sqlite3 is built for this Node's major version, so the folder is shared by its minor updates.
  cache="$base/n8n-$N8N_VERSION-node-${node_version%%.*}-$platform"
  node_home="$(dirname "$(dirname "$node")")"
fi

# Runs a long, quiet step with a line every 20 s, so a first run never looks stuck.
started=$SECONDS
step() {
  local what="$1"
  shift
  echo "  $what..." >&2
  "$@" >&2 &
  local pid=$! waited=0
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    waited=$((waited + 1))
    if [ $((waited % 20)) -eq 0 ]; then echo "  ... still $what ($(elapsed))" >&2; fi
  done
  wait "$pid"
}
elapsed() { echo "$(((SECONDS - started) / 60))m $(((SECONDS - started) % 60))s"; }

if [ ! -f "$cache/.ready" ]; then
  missing=
  command -v make >/dev/null || missing="$missing make"
  command -v g++ >/dev/null || command -v clang++ >/dev/null || missing="$missing g++/clang++"
  command -v python3 >/dev/null || missing="$missing python3"
  [ -z "$missing" ] ||
    cannot "building n8n's sqlite3 needs make, a C++ compiler and python3, and this machine lacks:$missing (Debian/Ubuntu: apt-get install build-essential python3; macOS: xcode-select --install)."
  mkdir -p "$base"
  free_mb=$(($(df -Pk "$base" | awk 'NR == 2 { print $4 }') / 1024))
  [ "$free_mb" -ge 3500 ] ||
    cannot "it needs about 3.5 GB free in $base and there are $free_mb MB (HAILUO_N8N_CACHE=<folder> puts the cache elsewhere)."

  echo "Installing n8n $N8N_VERSION${node_package:+ and Node $node_version} into $cache: first run only, about 3 GB and 5-10 minutes." >&2
  mkdir -p "$cache"
  cd "$cache"
  # n8n before 2.32 takes xlsx (for its spreadsheet nodes) from cdn.sheetjs.com, outside the npm
  # registry: the registry's last xlsx stands in, so such an n8n installs where only npm is reachable.
  minor="${N8N_VERSION#2.}"
  overrides=
  [ "${minor%%.*}" -ge 32 ] || overrides=',"overrides":{"xlsx":"0.18.5"}'
  [ -f package.json ] || echo "{\"name\":\"hailuo-n8n-runtime\",\"private\":true$overrides}" > package.json
  # Some native dependencies download sources in their install scripts, which fails offline.
  step "downloading n8n's 2300 packages" \
    npm install --no-audit --no-fund --ignore-scripts --loglevel=error $node_package "n8n@$N8N_VERSION"
  # sqlite3 is the one native module n8n needs; build it from its bundled source for this Node
  # (with its headers when they sit beside it, else node-gyp fetches them).
  nodedir=
  [ ! -f "$node_home/include/node/node.h" ] || nodedir="$node_home"
  step "building sqlite3 for Node $node_version" \
    env PATH="$(dirname "$node"):$PATH" npm rebuild sqlite3 --ignore-scripts=false --build-from-source \
    ${nodedir:+"--nodedir=$nodedir"} --loglevel=error
  touch .ready
  echo "n8n is ready ($(elapsed))." >&2
fi

echo "NODE24=$node"
echo "N8N_BIN=$cache/node_modules/n8n/bin/n8n"
