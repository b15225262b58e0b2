#!/usr/bin/env bash
# Install mtclean, clean the five seed articles into out/seeds/, and show what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
.venv/bin/mtclean clean seeds -o out/seeds
for original in seeds/*.txt; do
  cleaned="out/seeds/$(basename "$original")"
  echo
  echo "=== $(basename "$original"): $(wc -c <"$original") -> $(wc -c <"$cleaned") bytes"
  diff -u --label "$original" --label "$cleaned" "$original" "$cleaned" || true
done
echo
echo "Cleaned texts are in out/seeds/; spans, edits and extracted metadata in out/seeds/*.mtclean.json"
