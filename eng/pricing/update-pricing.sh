#!/usr/bin/env bash
# Refreshes src/FlexiAI/Cost/pricing.json from the latest @pydantic/genai-prices on npm (MIT).
# Needs node and npm; installs the package into a temporary directory, never into the repository.
# Usage: eng/pricing/update-pricing.sh [version]   (default: latest)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
version="${1:-latest}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm init -y >/dev/null && npm install --no-audit --no-fund "@pydantic/genai-prices@$version" >/dev/null)
node "$here/generate-pricing.mjs" "$tmp/node_modules" "$root/src/FlexiAI/Cost/pricing.json"
echo "Review the diff (git diff src/FlexiAI/Cost/pricing.json), run the tests, and commit."
