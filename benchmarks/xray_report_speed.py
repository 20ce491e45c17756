"""X-ray report demo speed table: train / greedy / beam x fp32 / bf16 x batch 1 / 32.

    python benchmarks/xray_report_speed.py [--checkpoint runs/xray-report/checkpoint.pt]

Prints the Markdown table that MODEL_CARD.md shows (ratios against fp32 measured in the same run).
"""

from __future__ import annotations

import sys

from demos.xray_report.__main__ import app

if __name__ == "__main__":
    app(["benchmark", *sys.argv[1:]])
