"""Time the site build: `make site` (render + mkdocs) and zensical on the same tree, for the real
catalog and synthetic catalogs, and the rebuild after a one-file change under `mkdocs serve`.

    python benchmarks/site_build.py                      # real, 1,000 and 10,000 papers, serve
    python benchmarks/site_build.py --sizes 1000 --no-serve

Each build runs the same commands as `make site` (`python -m tools render` then
`mkdocs build --strict --quiet`), in subprocesses, into temporary folders (the repository's
build/ and site/ are left alone). Targets: real catalog < 15 s, 10,000 papers < 180 s, one-file
rebuild under `mkdocs serve` < 5 s. Ratios are against the real catalog measured in the same run
(the median of --repeat builds: the machine is shared, so single timings vary).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.site_engine import engine_command, engine_config  # noqa: E402
from tests.support.site_synthetic import write_synthetic_catalog  # noqa: E402

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "HF_HUB_OFFLINE": "1"}
TARGETS = {"real": 15.0, "10000": 180.0}
REBUILD_TARGET = 5.0


@dataclass
class Row:
    """One catalog's measurements."""

    name: str
    papers: int
    pages: int
    render_s: float
    mkdocs_s: float
    zensical_s: float | None
    same_tree: str

    @property
    def make_site_s(self) -> float:
        """What `make site` takes: render, then mkdocs."""
        return self.render_s + self.mkdocs_s


def timed(cmd: list[str], cwd: Path) -> float:
    """Run a command; return its wall time (raise with its output if it fails)."""
    elapsed = try_timed(cmd, cwd)
    if elapsed is None:
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return elapsed


def try_timed(cmd: list[str], cwd: Path) -> float | None:
    """Run a command; return its wall time, or None (its output's tail on stderr) if it fails."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=ENV, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        print(f"failed: {' '.join(cmd)}\n{(proc.stdout + proc.stderr)[-1500:]}", file=sys.stderr)
        return None
    return elapsed


def html_pages(site: Path) -> set[str]:
    """The HTML pages of a built site, relative paths (engine-specific extras left out)."""
    return {
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if not p.relative_to(site).as_posix().startswith(("assets/", "search/"))
    }


def measure(name: str, root: Path, work: Path, engines: list[str], related: bool) -> Row:
    """Render the catalog under `root` and build it with each engine."""
    docs, site, zsite = work / "docs", work / "site", work / "zsite"
    render_cmd = [sys.executable, "-m", "tools", "render", "--root", str(root), "--out", str(docs)]
    render_cmd += [] if related else ["--no-search"]
    first_s = timed(render_cmd, REPO)
    # the second run is the usual one: search's embedding cache is warm, the tree is in place
    render_s = timed(render_cmd, REPO) if related else first_s
    if related:
        print(
            f"{name}: first render {first_s:.1f} s (search cache as found), then {render_s:.1f} s"
        )
    config = engine_config(REPO, docs, site, work / "mkdocs.yml")
    mkdocs_s = timed(engine_command("mkdocs", config), work)
    zensical_s, same = None, "-"
    if "zensical" in engines:
        zconfig = engine_config(REPO, docs, zsite, work / "zensical.yml")
        zensical_s = try_timed(engine_command("zensical", zconfig), work)
        if zensical_s is None:
            same = "zensical failed"
        else:
            a, b = html_pages(site), html_pages(zsite)
            same = "yes" if a == b else f"no ({len(a - b)} only mkdocs, {len(b - a)} only zensical)"
    papers = sum(1 for _ in (root / "catalog" / "papers").glob("*.yaml"))
    pages = sum(1 for _ in docs.rglob("*.md"))
    return Row(name, papers, pages, render_s, mkdocs_s, zensical_s, same)


def median_row(runs: list[Row]) -> Row:
    """The run whose `make site` time is the median (the machine is shared: loads vary)."""
    ordered = sorted(runs, key=lambda r: r.make_site_s)
    row = ordered[len(ordered) // 2]
    if len(runs) > 1:
        spread = ", ".join(f"{r.make_site_s:.1f}" for r in runs)
        print(f"(real: make site over {len(runs)} runs: {spread} s; median shown)", flush=True)
    return row


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str:
    """The body of a page, or an empty string while the server is not up."""
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return str(resp.read().decode("utf-8"))
    except OSError:
        return ""


def wait_for(url: str, needle: str, timeout: float) -> float:
    """Seconds until the page at `url` contains `needle` (raise after `timeout`)."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if needle in fetch(url):
            return time.perf_counter() - start
        time.sleep(0.05)
    raise SystemExit(f"timed out after {timeout} s waiting for {needle!r} at {url}")


def serve_rebuild(work: Path, source: Path, trials: int, dirty: bool) -> list[float]:
    """Seconds from editing one paper file to the served page showing the edit, per trial.

    `dirty` is `mkdocs serve --dirty` (what `make serve` runs): only pages whose Markdown render
    rewrote are rebuilt; otherwise every page is.
    """
    repo = work / "repo"
    shutil.copytree(source / "catalog", repo / "catalog")
    (repo / "site_src").symlink_to(REPO / "site_src")
    (repo / "demos").symlink_to(REPO / "demos")  # model cards the validator checks
    paper = sorted((repo / "catalog" / "papers").glob("*.yaml"))[0]
    docs = repo / "build" / "docs"
    timed([sys.executable, "-m", "tools", "render", "--root", str(repo), "--out", str(docs)], REPO)
    config = engine_config(REPO, docs, repo / "site", repo / "mkdocs.yml")
    text = config.read_text()
    config.write_text(text + f"watch:\n  - {repo / 'catalog'}\n")
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "mkdocs"),
            "serve",
            "-f",
            str(config),
            "--dev-addr",
            f"127.0.0.1:{port}",
            *(["--dirty"] if dirty else []),
        ],
        cwd=repo,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/papers/{paper.stem}/"
    times = []
    try:
        wait_for(url, "<h1", 300)
        original = paper.read_text(encoding="utf-8")
        for trial in range(trials):
            marker = f"Benchmark edit {trial} {time.time_ns()}."
            edited = [
                f"summary: {marker}" if line.startswith("summary:") else line
                for line in original.splitlines()
            ]
            time.sleep(1.0)  # let the previous rebuild (and its follow-up) settle
            paper.write_text("\n".join(edited) + "\n", encoding="utf-8")
            times.append(wait_for(url, marker, 120))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return times


def fmt(value: float | None) -> str:
    """Seconds with one decimal, or '-'."""
    return "-" if value is None else f"{value:.1f}"


HEADER = (
    "| catalog | papers | pages | render | mkdocs | make site | x real | target | "
    "zensical | zensical/mkdocs | same pages |"
)


def print_row(row: Row, real: float | None) -> None:
    """One line of the table (printed as soon as measured, so a long run shows progress)."""
    target = TARGETS.get(row.name)
    verdict = (
        "-" if target is None else f"< {target:g} {'ok' if row.make_site_s < target else 'MISSED'}"
    )
    ratio = "-" if row.zensical_s is None else f"{row.zensical_s / row.mkdocs_s:.2f}"
    times_real = "-" if real is None else f"{row.make_site_s / real:.1f}"
    print(
        f"| {row.name} | {row.papers} | {row.pages} | {fmt(row.render_s)} | "
        f"{fmt(row.mkdocs_s)} | {fmt(row.make_site_s)} | {times_real} | "
        f"{verdict} | {fmt(row.zensical_s)} | {ratio} | {row.same_tree} |",
        flush=True,
    )


def main() -> None:
    """Run the measurements and print the table, a row at a time."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--engines", nargs="*", default=["mkdocs", "zensical"])
    parser.add_argument("--no-serve", action="store_true", help="Skip the serve rebuild.")
    parser.add_argument("--trials", type=int, default=3, help="Serve rebuild trials.")
    parser.add_argument(
        "--repeat", type=int, default=3, help="Builds of the real catalog (the median is shown)."
    )
    parser.add_argument(
        "--real-root",
        type=Path,
        default=REPO,
        help="Folder holding the catalog/ measured as 'real' (default: this repository).",
    )
    args = parser.parse_args()

    print(
        f"Site build on {os.cpu_count()} CPU(s); seconds of wall time (real: the median of "
        f"{args.repeat} builds; synthetic catalogs: one build each).\n"
    )
    print(HEADER)
    print("|---" * 11 + "|", flush=True)
    with tempfile.TemporaryDirectory(prefix="site-bench-") as tmp:
        base = Path(tmp)
        real: float | None = None
        try:
            runs = [
                measure("real", args.real_root, base / f"real{i}", args.engines, related=True)
                for i in range(args.repeat)
            ]
            real_row = median_row(runs)
            real = real_row.make_site_s
            print_row(real_row, real)
        except SystemExit as exc:  # the catalog is being edited and does not validate right now
            print(f"| real | - | - | render refused: {str(exc).splitlines()[0]} |", flush=True)
        for size in args.sizes:
            root = write_synthetic_catalog(base / f"syn{size}" / "repo", papers=size)
            row = measure(str(size), root, base / f"syn{size}", args.engines, related=False)
            print_row(row, real)
            shutil.rmtree(base / f"syn{size}")
        if args.no_serve:
            return
        for mode in ("dirty", "full"):
            times = serve_rebuild(
                base / f"serve-{mode}", args.real_root, args.trials, mode == "dirty"
            )
            median = statistics.median(times)
            ok = "ok" if median < REBUILD_TARGET else "MISSED"
            flag = "mkdocs serve --dirty (make serve)" if mode == "dirty" else "mkdocs serve"
            print(
                f"\n{flag}, real catalog, one paper file edited -> page updated: median "
                f"{median:.1f} s over {len(times)} trials "
                f"({', '.join(f'{t:.1f}' for t in times)}); target < {REBUILD_TARGET:g} s {ok}",
                flush=True,
            )


if __name__ == "__main__":
    main()
