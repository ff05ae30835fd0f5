#!/usr/bin/env bash
# Refreshes the price catalog in config/prices/ from a release of the npm package
# @pydantic/genai-prices (MIT), the maintained data behind pydantic's genai-prices.
#
#   scripts/refresh-prices.sh 0.1.8
#
# Needs bash, npm and node (>= 20) and the npm registry; nothing else is downloaded. It writes
#   config/prices/genai-prices.json    {"source": {...}, "providers": [...]}: the package's own
#                                      provider list, unchanged, under a note of where it came from
#   config/prices/LICENSE-genai-prices the package's license (MIT asks for it with every copy)
#   config/prices/SOURCE.md            package, version, integrity, license, date, this command
#   usage-service/src/test/resources/prices/genai-prices-reference.tsv
#                                      the package's own prices for every model, which the Java
#                                      calculator must reproduce
# usage-service packs the first two into its jar (resource prices/); PORTCULLIS_PRICES_FILE
# points a running Portcullis at another file of the same form (or a bare provider list).
set -euo pipefail

readonly PACKAGE="@pydantic/genai-prices"
VERSION="${1:-}"
if [[ ! "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+([.-][0-9A-Za-z.-]+)?$ ]]; then
  echo "usage: $0 VERSION   (an exact version of $PACKAGE, such as 0.1.8)" >&2
  exit 2
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/config/prices"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
# --json says which file it wrote and the registry's integrity hash, recorded in SOURCE.md.
npm pack --json --silent "$PACKAGE@$VERSION" > pack.json
TARBALL="$(node -e 'console.log(JSON.parse(require("fs").readFileSync("pack.json"))[0].filename)')"
INTEGRITY="$(node -e 'console.log(JSON.parse(require("fs").readFileSync("pack.json"))[0].integrity)')"
tar xzf "$TARBALL"

LICENSE_NAME="$(node -e 'console.log(JSON.parse(require("fs").readFileSync("package/package.json")).license)')"
if [[ "$LICENSE_NAME" != "MIT" ]]; then
  echo "$PACKAGE@$VERSION is licensed '$LICENSE_NAME', not MIT: check before shipping its data" >&2
  exit 1
fi

# The package embeds its data in dist/index.js and hands it out through waitForUpdate(), which
# resolves to the embedded provider list as long as updatePrices() (the remote refresh) was never
# called: importing the module fetches nothing.
node --input-type=module - "$WORK/package/dist/index.js" "$PACKAGE" "$VERSION" "$INTEGRITY" > genai-prices.json <<'NODE'
const [modulePath, name, version, integrity] = process.argv.slice(2);
const { waitForUpdate } = await import(modulePath);
const providers = await waitForUpdate();
if (!Array.isArray(providers) || providers.length < 10 || !providers.some((p) => p.id === 'openai')) {
  console.error('unexpected data in ' + modulePath);
  process.exit(1);
}
for (const provider of providers) {
  if (typeof provider.id !== 'string' || !Array.isArray(provider.models)) {
    console.error('a provider without id or models in ' + modulePath);
    process.exit(1);
  }
}
const source = { package: name, version, license: 'MIT', integrity, homepage: 'https://github.com/pydantic/genai-prices' };
// Indented (one space, to keep it small): a refresh reads as a reviewable diff.
process.stdout.write(JSON.stringify({ source, providers }, null, 1) + '\n');
NODE

# The package's own answers for the data it ships: every model of the providers Portcullis maps
# (and DeepSeek, for its time-of-day prices) priced by its calcPrice for two calls, one with
# every kind of token and one past the usual 200k-token tier. usage-service's
# GenaiPricesReferenceTest checks that the Java catalog and calculator give the same.
node --input-type=module - "$WORK/package/dist/index.js" genai-prices.json > reference.tsv <<'NODE'
import { readFileSync } from 'node:fs';
const [modulePath, dataPath] = process.argv.slice(2);
const { calcPrice } = await import(modulePath);
const { providers } = JSON.parse(readFileSync(dataPath, 'utf8'));
const wanted = ['openai', 'anthropic', 'azure', 'aws', 'google', 'cohere', 'cerebras', 'groq', 'mistral',
  'openrouter', 'perplexity', 'x-ai', 'zai', 'minimax', 'deepseek'];
const usages = [
  { input_tokens: 1000, cache_read_tokens: 300, cache_write_tokens: 200, output_tokens: 500, output_reasoning_tokens: 100 },
  { input_tokens: 300000, cache_read_tokens: 100000, output_tokens: 2000 },
];
const times = ['2026-12-02T12:00:00Z', '2026-12-02T20:00:00Z'];
const tokenKeys = ['input_mtok', 'output_mtok'];
console.log(['provider', 'model', 'time', 'input', 'cached', 'cacheWrite', 'output', 'reasoning', 'matched', 'tokenPriced',
  'total'].join('\t'));
for (const provider of providers.filter((p) => wanted.includes(p.id))) {
  for (const model of provider.models) {
    if (/[\t\n]/.test(model.id)) continue;
    usages.forEach((usage, i) => {
      const time = times[i];
      let result;
      try {
        result = calcPrice(usage, model.id, { providerId: provider.id, timestamp: new Date(time) });
      } catch {
        return;
      }
      const priced = result ? result.model_price : null;
      const tokenPriced = priced ? (Object.keys(priced).length === 0 || tokenKeys.some((k) => k in priced)) : false;
      console.log([provider.id, model.id, time, usage.input_tokens, usage.cache_read_tokens ?? 0,
        usage.cache_write_tokens ?? 0, usage.output_tokens, usage.output_reasoning_tokens ?? 0,
        result ? result.provider.id + '/' + result.model.id : '', tokenPriced, result ? result.total_price : ''].join('\t'));
    });
  }
}
NODE

mkdir -p "$OUT"
cp genai-prices.json "$OUT/genai-prices.json"
mkdir -p "$ROOT/usage-service/src/test/resources/prices"
cp reference.tsv "$ROOT/usage-service/src/test/resources/prices/genai-prices-reference.tsv"
cp package/LICENSE "$OUT/LICENSE-genai-prices"
PROVIDERS="$(node -e 'const d = JSON.parse(require("fs").readFileSync("genai-prices.json")); console.log(d.providers.length + " providers, " + d.providers.reduce((n, p) => n + p.models.length, 0) + " models")')"

cat > "$OUT/SOURCE.md" <<EOF
# Price catalog source

| | |
|---|---|
| Package | \`$PACKAGE\` (npm), the data of [pydantic/genai-prices](https://github.com/pydantic/genai-prices) |
| Version | $VERSION |
| Integrity | \`$INTEGRITY\` |
| License | MIT (\`LICENSE-genai-prices\`, shipped with the data) |
| Retrieved | $(date -u +%Y-%m-%d) |
| Content | $PROVIDERS |

\`genai-prices.json\` is \`{"source": {...}, "providers": [...]}\`: \`providers\` is the package's own
provider list (what its \`waitForUpdate()\` returns before any remote update), unchanged: per
provider \`id\`, \`models\` (each with \`id\`, \`match\` rules and \`prices\` per million tokens,
possibly tiered or a list of time-constrained prices) and \`fallback_model_providers\`.

Refresh (bash, npm and node; only the npm registry is contacted), review the diff, commit:

    scripts/refresh-prices.sh <version>

usage-service packs \`genai-prices.json\` and the license into its jar; \`PORTCULLIS_PRICES_FILE\`
loads another file of the same form (or a bare provider list of the same structure) instead.
Prices set through the admin API override single models.
EOF

echo "config/prices: $PACKAGE@$VERSION, $PROVIDERS"
