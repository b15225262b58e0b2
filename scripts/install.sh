#!/usr/bin/env bash
# Install mtclean with its test and evaluation tools into ./.venv (idempotent; safe to rerun).
# Set PYTHON to choose the interpreter (default: python3, 3.10 or newer).
#
# Apertium (Debian packages apertium, apertium-eng-spa, apertium-eng-cat) makes the
# machine-translation round trips of the evaluation and its tests; it is installed with
# apt-get when missing and this runs as root. Without it those parts are skipped with a reason.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}

apt_packages=(apertium apertium-eng-spa apertium-eng-cat)
if ! command -v apertium >/dev/null 2>&1 || ! grep -q "eng-cat" <<<"$(apertium -l 2>/dev/null)"; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "install.sh: installing ${apt_packages[*]} (Debian packages)" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_packages[@]}" >/dev/null
  else
    echo "install.sh: Apertium is missing; as root run: apt-get install ${apt_packages[*]}" \
      "(the MT round-trip evaluation and its tests are skipped without it)" >&2
  fi
fi

# Chromium (Debian package chromium) renders the review page in tests/test_review_browser.py
# (skipped without it) and scripts/render_review.py; mtclean itself never needs it.
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "install.sh: installing chromium (Debian package; for the review page's browser test)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
      || echo "install.sh: could not install chromium; the browser test will be skipped" >&2
  else
    echo "install.sh: Chromium is missing; as root run: apt-get install chromium" \
      "(tests/test_review_browser.py is skipped without it)" >&2
  fi
fi

if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
# torch first, pinned: the CPU wheel. Left to the resolver, a torch requirement would pull the
# multi-GB CUDA build.
.venv/bin/python -m pip install --quiet --disable-pip-version-check torch==2.13.0
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
