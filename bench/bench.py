"""The benchmark now lives in the package: `brief bench` (brief/bench.py). This script runs it from a checkout.

    python bench/bench.py --synthetic            # == brief bench --synthetic (see brief bench --help)

The former sub-commands map onto it: `translate --shape S` is `--synthetic --shapes S --no-stages`,
`pipeline` and `ingest` are the stage rows (read + clean, embed, select + compose, render) of `--synthetic`.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from brief.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.argv = ["brief", "bench", *sys.argv[1:]]
    main()
