"""axe-core over one page of every page type of a built site, at phone (390 px) and desktop
(1366 px) widths, in the light and the dark scheme; prints a table of violations by impact.

    .venv/bin/python benchmarks/site_accessibility.py            # the real site in site/ (make site)
    .venv/bin/python benchmarks/site_accessibility.py --fixture  # the browser tests' fixture site
    .venv/bin/python benchmarks/site_accessibility.py --details  # and every violation, one a line

Each cell is `serious+critical / all` violations (rules broken, not elements). Exits 1 when any
serious or critical violation is found. Needs Debian's chromium and npm (once, for axe-core).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.axe import Violation, axe_script, axe_version, blocking, run_axe  # noqa: E402
from tests.support.site_browsing import built_fixture_site, chromium, served  # noqa: E402
from tests.support.site_pages import SCHEMES, VIEWPORTS, page_types  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site", help="a built site folder")
    parser.add_argument("--fixture", action="store_true", help="build and check the fixture site")
    parser.add_argument("--details", action="store_true", help="list every violation")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = built_fixture_site(Path(tmp)) if args.fixture else args.site
        if not (site / "index.html").is_file():
            print(f"{site} holds no built site: run `make site` first (or pass --fixture)")
            return 2
        return _check(site, args.details)


def _check(site: Path, details: bool) -> int:
    script = axe_script()
    pages = page_types(site, technique="x-ray-to-text")
    columns = [(v, s) for v in VIEWPORTS for s in SCHEMES]
    found: list[str] = []
    rows: list[list[str]] = []
    with served(site) as base, chromium() as browser:
        for kind, path in pages.items():
            row = [kind, "/" + path]
            for viewport, scheme in columns:
                width, height = VIEWPORTS[viewport]
                context = browser.new_context(
                    viewport={"width": width, "height": height}, color_scheme=scheme
                )
                page = context.new_page()
                page.goto(base + path)
                page.wait_for_load_state("load")
                violations: list[Violation] = run_axe(page, script)
                context.close()
                bad = blocking(violations)
                row.append(f"{len(bad)} / {len(violations)}")
                found += [f"/{path} {viewport} {scheme}: {v.line()}" for v in violations]
            rows.append(row)
    header = ["page type", "path"] + [f"{v} {s}" for v, s in columns]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    print(f"axe-core {axe_version(script)} on {site} (serious+critical / all rules broken)")
    for r in [header, ["-" * w for w in widths], *rows]:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")
    serious = sum(int(c.split(" / ")[0]) for r in rows for c in r[2:])
    print(f"serious or critical: {serious} in {len(rows) * len(columns)} page checks")
    if details:
        print("\n".join(found) or "no violations")
    return 1 if serious else 0


if __name__ == "__main__":
    raise SystemExit(main())
