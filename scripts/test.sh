#!/usr/bin/env bash
# Install mtclean with its test tools, then run the test suite. Tests that need the shared
# training/evaluation data look for it in $MTCLEAN_DATA (default ../shared/data) and skip
# with a reason when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
.venv/bin/python -m pytest "$@"
