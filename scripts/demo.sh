#!/usr/bin/env bash
# Install mtclean, clean the five seed articles into out/seeds/, and show what changed and why:
# a summary per seed on the terminal (every edit and every flag with its reason) and a review
# page to open in a browser.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
.venv/bin/mtclean clean seeds -o out/seeds --review out/seeds-review.html
echo
echo "Cleaned texts are in out/seeds/; spans, edits and extracted metadata in out/seeds/*.mtclean.json"
echo "Review page (open it in a browser): out/seeds-review.html"
