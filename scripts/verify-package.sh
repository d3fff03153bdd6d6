#!/usr/bin/env bash
# Runs what n8n's verification scanner (@n8n/scan-community-package) checks, on this checkout and
# on the tarball `npm pack` makes: its ESLint rule sets over the sources (nodes/, credentials/,
# package.json) and over the compiled dist/**/*.js. The scanner's registry and provenance steps
# need a published version, so its own analyzePackage is called on local folders instead. First,
# the tarball figures in docs/performance.md must match what `npm pack` makes.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
SCANNER_VERSION=0.32.0
cache="${HAILUO_N8N_CACHE:-$HOME/.cache/n8n-nodes-hailuo}/scan-community-package-$SCANNER_VERSION"

if [ ! -f "$cache/.ready" ]; then
  mkdir -p "$cache"
  (cd "$cache" && echo '{"name":"hailuo-scanner","private":true}' > package.json &&
    npm install --no-audit --no-fund --ignore-scripts --loglevel=error "@n8n/scan-community-package@$SCANNER_VERSION" >&2)
  touch "$cache/.ready"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$root" && npm run -s build >/dev/null && npm run -s build:tools >/dev/null &&
  node .build/scripts/readme-figures.js check && npm pack --silent --pack-destination "$work" >/dev/null)
tarball="$(ls "$work"/*.tgz)"
mkdir "$work/package" && tar -xzf "$tarball" -C "$work/package" --strip-components=1

SCANNER="$cache/node_modules/@n8n/scan-community-package/scanner/scanner.mjs" \
  node --input-type=module - "$root" "$work/package" <<'JS'
const { analyzePackage, SOURCE_FILE_PATTERNS } = await import(process.env.SCANNER);
const [source, packed] = process.argv.slice(2);
let failed = false;
for (const [label, dir, patterns] of [
  ['sources', source, SOURCE_FILE_PATTERNS],
  ['packed dist', packed, ['**/*.js', 'package.json']],
]) {
  const result = await analyzePackage(dir, patterns);
  console.log(`${result.passed ? 'PASS' : 'FAIL'} scanner rules on the ${label}${result.message ? `: ${result.message}` : ''}`);
  if (result.details) console.log(result.details);
  failed ||= !result.passed;
}
process.exit(failed ? 1 : 0);
JS
