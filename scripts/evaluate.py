#!/usr/bin/env python
"""Run the mtclean evaluation: the same code as ``mtclean evaluate`` (same options).

python scripts/evaluate.py --quick --gate
python scripts/evaluate.py --limit 100 --out reports/
"""

from __future__ import annotations

import sys

from mtclean.cli import app

if __name__ == "__main__":
    sys.exit(app(["evaluate", *sys.argv[1:]]))
