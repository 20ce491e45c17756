"""Screenshots of a built site (the real one by default) to look at: home, Demos, the techniques
and papers indexes, a technique, a paper, a dataset, What's new and Search with a query, at phone
(390 px) and desktop (1366 px) widths, light and dark. Prints a table of what it wrote.

    .venv/bin/python benchmarks/site_screenshots.py                  # site/ (make site)
    .venv/bin/python benchmarks/site_screenshots.py --out DIR --full # whole pages, not the top

Written to test-artifacts/screenshots/site/ unless --out says otherwise (CI keeps test-artifacts/).
The browser tests take the same set for the fixture site (tests/browser/test_site_reading.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.site_browsing import chromium, served  # noqa: E402
from tests.support.site_pages import SCHEMES, VIEWPORTS, page_types  # noqa: E402

QUERY = "summarise a patient's stay from the hospital record"
"""The query shown on the Search page's screenshot."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site", help="a built site folder")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "test-artifacts" / "screenshots" / "site"
    )
    parser.add_argument("--full", action="store_true", help="whole pages (default: 3 screens)")
    parser.add_argument("--technique", default="x-ray-to-text")
    args = parser.parse_args()
    site: Path = args.site
    if not (site / "index.html").is_file():
        print(f"{site} holds no built site: run `make site` first")
        return 2
    types = page_types(site, technique=args.technique)
    shots = {
        "home": types["home"],
        "demos": types.get("demos"),
        "techniques": types["techniques index"],
        "papers": types["papers index"],
        "technique": types["technique"],
        "paper": types["paper"],
        "dataset": types["dataset"],
        "whats-new": types["what's new"],
        "search": types["search"] + "?q=" + QUERY.replace(" ", "+"),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    with served(site) as base, chromium() as browser:
        for viewport, (width, height) in VIEWPORTS.items():
            for scheme in SCHEMES:
                context = browser.new_context(
                    viewport={"width": width, "height": height}, color_scheme=scheme
                )
                page = context.new_page()
                for name, path in shots.items():
                    if path is None:
                        rows.append([name, viewport, scheme, "(no such page)"])
                        continue
                    page.goto(base + path)
                    page.wait_for_load_state("load")
                    if name == "search":  # the results, or the page's own message, once shown
                        page.wait_for_timeout(8000)
                    file = args.out / f"{name}-{viewport}-{scheme}.png"
                    if args.full:
                        page.screenshot(path=str(file), full_page=True, animations="disabled")
                    else:
                        tall = min(3 * height, page.evaluate("document.body.scrollHeight"))
                        page.set_viewport_size({"width": width, "height": tall})
                        page.screenshot(path=str(file), animations="disabled")
                        page.set_viewport_size({"width": width, "height": height})
                    rows.append([name, viewport, scheme, str(file.relative_to(ROOT))])
                context.close()
    header = ["page", "viewport", "scheme", "file"]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    for r in [header, ["-" * w for w in widths], *rows]:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
