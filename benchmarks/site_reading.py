"""Words split across lines and sideways page scroll on a built site's index pages and technique
pages, at phone (390 px) and desktop (1366 px) widths; prints a table.

    .venv/bin/python benchmarks/site_reading.py                 # the real site in site/ (make site)
    .venv/bin/python benchmarks/site_reading.py --site DIR --techniques x-ray-to-text ct-to-mri

A word is a run between spaces, hyphens and slashes of at most 25 characters (longer ones, URLs
and ids, may wrap); it is split when its DOM Range spans more than one line. Exits 1 when any word
is split or any page scrolls sideways.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.reading import page_overflow, split_words  # noqa: E402
from tests.support.site_browsing import chromium, served  # noqa: E402
from tests.support.site_pages import INDEX_PAGES, VIEWPORTS  # noqa: E402

DEFAULT_TECHNIQUES = ("x-ray-to-text", "text-to-image", "mri-to-ct")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site", help="a built site folder")
    parser.add_argument("--techniques", nargs="*", default=list(DEFAULT_TECHNIQUES))
    args = parser.parse_args()
    site: Path = args.site
    if not (site / "index.html").is_file():
        print(f"{site} holds no built site: run `make site` first")
        return 2
    paths = list(INDEX_PAGES)
    for tid in args.techniques:
        if (site / "techniques" / tid / "index.html").is_file():
            paths.append(f"techniques/{tid}/")
        else:
            print(f"no page techniques/{tid}/ in {site}; left out")
    rows = []
    bad = 0
    with served(site) as base, chromium() as browser:
        for path in paths:
            row = ["/" + path]
            for width, height in VIEWPORTS.values():
                context = browser.new_context(viewport={"width": width, "height": height})
                page = context.new_page()
                page.goto(base + path)
                page.wait_for_load_state("load")
                measured = split_words(page)
                overflow = page_overflow(page)
                context.close()
                example = f" ({', '.join(measured.split[:3])})" if measured.split else ""
                row += [f"{len(measured.split)} / {measured.words}{example}", str(overflow)]
                bad += len(measured.split) + overflow
            rows.append(row)
    header = ["page"]
    for name, (width, _) in VIEWPORTS.items():
        header += [f"{name} {width}px: split / words", "sideways px"]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    print(f"split words and sideways scroll on {site}")
    for r in [header, ["-" * w for w in widths], *rows]:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
