"""Try hostile inputs against the CLI, each in a temporary copy, and print what every command did.

Each case sets up a fresh copy of the fixture catalog (tests/browser/catalogs/basic), plants one
hostile input (a file, a link, a server's answer, a full disk, an option), runs `python -m tools`
in a subprocess with a time limit, and checks the outcome: the exit code, a phrase of the message,
no traceback, no hang, and where it matters that the original file is intact and no temporary file
is left. The table has one row per case: name, exit code (expected), verdict, and the output
line holding the expected message (else the first line).
Exit status 1 when any case is not as expected.

    python benchmarks/hostile_inputs.py [--only SUBSTRING] [--no-search]

Needs no network: check-links and add-paper talk to a local server started here. The two search
cases load the sentence-transformers model (installed offline with the search extra).
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

REPO = Path(__file__).resolve().parents[1]
BASIC = REPO / "tests" / "browser" / "catalogs" / "basic"
ARXIV = REPO / "tests" / "tools" / "data" / "arxiv"
PAPER = "catalog/papers/2101.00001.yaml"
TECHNIQUE = "catalog/techniques/audio-to-text.yaml"
LIMIT_S = 90

Setup = Callable[[Path, "Context"], None]
Check = Callable[[Path, str], str | None]


@dataclass
class Context:
    """What cases share: the local server's address."""

    base: str


@dataclass
class Case:
    """One hostile input: how to plant it, what to run, and what must come out."""

    name: str
    argv: list[str]
    code: int
    expect: str
    setup: Setup = lambda root, ctx: None
    check: Check | None = None
    full_disk: bool = False
    group: str = ""
    timeout: float = LIMIT_S
    run_arxiv: bool = False
    max_seconds: float | None = None
    search: bool = False
    env: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------- a local server for links and arXiv


class Server(http.server.BaseHTTPRequestHandler):
    """/ok, /trickle, /limited (429 once with Retry-After: 1), and arXiv's API at /api/query."""

    hits: dict[str, int] = {}  # noqa: RUF012 (one server per run)

    def _send(self, code: int, body: bytes = b"", **headers: str) -> None:
        try:
            self.send_response(code)
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command == "GET":
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        Server.hits[path] = Server.hits.get(path, 0) + 1
        if path == "/trickle":
            try:
                for byte in b"HTTP/1.1 200 OK\r\nX-Pad: " + b"x" * 60:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.1)
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True
        elif path == "/limited":
            first = Server.hits[path] == 1
            self._send(429, Retry_After="1") if first else self._send(200)
        elif path.startswith("/api/query"):
            ids = parse_qs(urlsplit(self.path).query).get("id_list", [""])[0]
            body = (ARXIV / "normal.xml").read_bytes().replace(b"2101.00009", ids.encode())
            if ids == "2101.00600":
                long_title = b"Generating Radiology Reports " + b"at length " * 60
                body = body.replace(
                    b"Generating Radiology\n  Reports from Chest Radiographs", long_title
                )
            self._send(200, body, Content_Type="application/atom+xml")
        else:
            self._send(200, b"ok")

    def log_message(self, *args: object) -> None:
        pass


# ---------------------------------------------------------------- helpers that plant inputs


def edit(rel: str, old: str, new: str) -> Setup:
    def setup(root: Path, ctx: Context) -> None:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        if old not in text:
            raise SystemExit(f"setup: `{old}` not in {rel}")
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return setup


def write(rel: str, data: str | bytes) -> Setup:
    def setup(root: Path, ctx: Context) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))

    return setup


def both(*steps: Setup) -> Setup:
    def setup(root: Path, ctx: Context) -> None:
        for step in steps:
            step(root, ctx)

    return setup


def symlink(rel: str, target: str) -> Setup:
    def setup(root: Path, ctx: Context) -> None:
        (root / rel).symlink_to(target)

    return setup


def fifo(rel: str) -> Setup:
    def setup(root: Path, ctx: Context) -> None:
        os.mkfifo(root / rel)

    return setup


def outside(root: Path) -> Path:
    """A file outside the copy, holding a secret that must never be printed or published."""
    path = root.parent / "outside-secret.txt"
    path.write_text("SECRET-TOKEN-1234\n")
    return path


def link_outside(rel: str) -> Setup:
    def setup(root: Path, ctx: Context) -> None:
        (root / rel).symlink_to(outside(root))

    return setup


def local_links(target: str = "{base}/ok") -> Setup:
    """Point every URL of the catalog at the local server (code links dropped: they need a host)."""

    def setup(root: Path, ctx: Context) -> None:
        for path in (root / "catalog").rglob("*.yaml"):
            text = re.sub(r"^code: .*\n", "", path.read_text(encoding="utf-8"), flags=re.M)
            text = re.sub(r"https?://[^\s\]\),]+", f"{ctx.base}/ok", text)
            path.write_text(text, encoding="utf-8")
        data = root / "catalog/datasets/toy-cxr.yaml"
        data.write_text(
            data.read_text().replace(f"url: {ctx.base}/ok", f"url: {target.format(base=ctx.base)}")
        )

    return setup


def cache(data: bytes | str) -> Setup:
    return write(".cache/links.json", data)


def with_site(root: Path, ctx: Context) -> None:
    shutil.copytree(REPO / "site_src", root / "site_src")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")


def bib(text: str | bytes) -> Setup:
    return write("refs.bib", text)


BIB_ENTRY = "@article{doe2020,\n  title={Synthetic CT from MRI},\n  author={Doe, Jane},\n  year={2020},\n  doi={10.1000/test.42}\n}\n"


def added_paper(root: Path, ctx: Context) -> None:
    """2101.00009 added by add-paper itself, then its summary written, then its title aged."""
    run(["add-paper", "2101.00009", "-t", "x-ray-to-text", "--root", str(root)], ctx)
    path = root / "catalog/papers/2101.00009.yaml"
    text = path.read_text()
    text = re.sub(r"summary: TODO.*", "summary: Writes chest X-ray reports.", text)
    path.write_text(text.replace("title: Generating", "title: Old"))


def long_title_paper(root: Path, ctx: Context) -> None:
    """An added paper under the id whose arXiv record has a 600-character title."""
    added_paper(root, ctx)
    old = root / "catalog/papers/2101.00009.yaml"
    new = root / "catalog/papers/2101.00600.yaml"
    new.write_text(old.read_text().replace("2101.00009", "2101.00600"))
    old.unlink()


def chattr(rel: str) -> Setup:
    def setup(root: Path, ctx: Context) -> None:
        done = subprocess.run(["chattr", "+i", str(root / rel)], capture_output=True, check=False)
        if done.returncode:
            raise Skip("chattr +i is not available here")

    return setup


class Skip(Exception):
    """A case this machine cannot set up (no chattr, not allowed)."""


def unchanged(rel: str) -> Check:
    """The file `rel` is byte for byte what setup left, and no temporary file lies beside it."""

    def check(root: Path, output: str) -> str | None:
        path = root / rel
        before = BEFORE.get(path)
        if before is not None and path.read_bytes() != before:
            return f"{rel} changed"
        temps = [
            p.name for p in path.parent.iterdir() if p.name.startswith(".") and "tmp" in p.name
        ]
        return f"temporary files left: {temps}" if temps else None

    return check


def not_leaked(root: Path, output: str) -> str | None:
    if "SECRET-TOKEN" in output:
        return "the outside file's content was printed"
    for path in (root / "build").rglob("*") if (root / "build").exists() else []:
        if path.is_file() and b"SECRET-TOKEN" in path.read_bytes():
            return f"the outside file was copied to {path}"
    return None


def mode_is(rel: str, mode: int) -> Check:
    def check(root: Path, output: str) -> str | None:
        got = (root / rel).stat().st_mode & 0o777
        return None if got == mode else f"{rel} has mode {got:o}, not {mode:o}"

    return check


def keys_plain(root: Path, output: str) -> str | None:
    keys = re.findall(r"^@\w+\{([^,]*),", output, flags=re.M)
    papers = len(list((root / "catalog/papers").glob("*.yaml")))
    if len(keys) != papers or len(set(keys)) != papers:
        return f"{len(set(keys))} unique keys for {papers} papers"
    if not {"lovelace2021fixture", "lovelace2021fixture30"} <= set(keys):
        return "the colliding keys are not numbered"
    bad = [k for k in keys if not re.fullmatch(r"[a-z0-9]+", k)]
    return f"keys outside [a-z0-9]: {bad}" if bad else None


def feed_well_formed(root: Path, output: str) -> str | None:
    import xml.etree.ElementTree as ET

    try:
        ET.parse(root / "build/docs/feed.xml")
    except ET.ParseError as exc:
        return f"feed.xml is not well-formed: {exc}"
    return None


def many_twins(root: Path, ctx: Context) -> None:
    text = (root / PAPER).read_text()
    for i in range(2, 31):
        pid = f"2101.{i:05d}"
        twin = text.replace("2101.00001", pid).replace(
            "A Fixture Paper About Reports", f"A Fixture Paper About Reports, part {i}"
        )
        (root / f"catalog/papers/{pid}.yaml").write_text(twin)


def tamper_index_titles(root: Path, ctx: Context) -> None:
    (meta,) = (root / ".cache/search/index").rglob("technique.json")
    data = json.loads(meta.read_text())
    data["titles"] = ["\x1b[2J forged"] * len(data["titles"])
    meta.write_text(json.dumps(data))


def index_as_folder(root: Path, ctx: Context) -> None:
    (faiss_file,) = (root / ".cache/search/index").rglob("technique.faiss")
    faiss_file.unlink()
    faiss_file.mkdir()


BEFORE: dict[Path, bytes] = {}

# ---------------------------------------------------------------- the cases

DEEP_FLOW = "x: " + "[" * 980 + "]" * 980 + "\n"
DEEP_BLOCK = "".join(" " * i + "a:\n" for i in range(400)) + " " * 400 + "b: 1\n"


def cases() -> list[Case]:
    v = ["validate", "--root", "{root}"]
    links = ["check-links", "--no-cache", "--root", "{root}"]
    cached_links = ["check-links", "--allow-private", "--root", "{root}"]
    add = ["add-paper", "--root", "{root}"]
    from_bib = [
        "add-paper",
        "--from-bibtex",
        "{root}/refs.bib",
        "-t",
        "x-ray-to-text",
        "--root",
        "{root}",
    ]
    return [
        # validate: files that are not what they seem
        Case(
            "deep nesting (flow, 980 levels)",
            v,
            1,
            "nested more than 32 levels",
            write("catalog/papers/deep.yaml", "id: deep\n" + DEEP_FLOW),
            group="validate",
        ),
        Case(
            "deep nesting (block, 400 levels)",
            v,
            1,
            "nested more than 32 levels",
            write("catalog/papers/deep.yaml", "id: deep\n" + DEEP_BLOCK),
            group="validate",
        ),
        Case(
            "symlink loop",
            v,
            1,
            "symbolic link loop",
            both(
                symlink("catalog/papers/a.yaml", "b.yaml"),
                symlink("catalog/papers/b.yaml", "a.yaml"),
            ),
            group="validate",
        ),
        Case(
            "symlink out of the catalog",
            v,
            1,
            "symbolic link to a file outside catalog/",
            link_outside("catalog/papers/x.yaml"),
            check=not_leaked,
            group="validate",
        ),
        Case(
            "kind folder is a link loop",
            v,
            1,
            "catalog/datasets:1: -: not a folder",
            lambda r, c: (
                shutil.rmtree(r / "catalog/datasets"),
                (r / "catalog/datasets").symlink_to("datasets"),
            ),
            group="validate",
        ),
        Case(
            "FIFO named .yaml",
            v,
            1,
            "not a regular file but a FIFO",
            fifo("catalog/papers/pipe.yaml"),
            timeout=30,
            group="validate",
        ),
        Case(
            "malformed date hides nothing",
            v,
            1,
            "kind: Input should be",
            both(
                edit(PAPER, "added: 2026-11-21", "added: 2026-13-45"),
                edit(PAPER, "kind: method", "kind: bogus"),
            ),
            check=lambda r, o: (
                None if "added: Input should be a valid date" in o else "the date error is missing"
            ),
            group="validate",
        ),
        Case(
            "added in the future",
            v,
            1,
            "2099-01-01 is in the future",
            edit(PAPER, "added: 2026-11-21", "added: 2099-01-01"),
            group="validate",
        ),
        Case(
            "verified date in the future",
            v,
            1,
            "verified[0].date: 2099-06-30 is in the future",
            edit(PAPER, "date: 2026-11-20", "date: 2099-06-30"),
            group="validate",
        ),
        Case(
            "year in the future",
            v,
            1,
            "year 2099 is in the future",
            edit(PAPER, "year: 2021", "year: 2099"),
            group="validate",
        ),
        Case(
            "ESC in a title",
            v,
            1,
            "title: holds the invisible or control character U+001B",
            edit(
                PAPER,
                "title: A Fixture Paper About Reports",
                'title: "\\e[31mA Fixture Paper About Reports"',
            ),
            group="validate",
        ),
        Case(
            "BEL in an author",
            v,
            1,
            "authors[1]: holds the invisible or control character U+0007",
            edit(PAPER, "Alan Turing", '"Alan\\a Turing"'),
            group="validate",
        ),
        Case(
            "\\x01 in a keyword",
            v,
            1,
            "keywords[0]: holds the invisible or control character U+0001",
            edit(PAPER, "keywords: [fixture", 'keywords: ["fix\\x01ture"'),
            group="validate",
        ),
        Case(
            "bidi override in a summary",
            v,
            1,
            "U+202E (RIGHT-TO-LEFT OVERRIDE)",
            edit(
                PAPER,
                "summary: A fixture paper used by the site tests.",
                'summary: "\\u202eA fixture paper used by the site tests."',
            ),
            group="validate",
        ),
        Case(
            "U+FFFE in a description",
            v,
            1,
            "U+FFFE",
            edit(
                "catalog/techniques/x-ray-to-text.yaml",
                "A longer description",
                "A longer \ufffe description",
            ),
            group="validate",
        ),
        Case(
            "lone surrogate in a title",
            v,
            1,
            "invalid YAML: found invalid Unicode character escape code",
            edit(PAPER, "title: A Fixture Paper About Reports", 'title: "A \\ud800 Paper"'),
            group="validate",
        ),
        Case(
            "URL with user info",
            v,
            1,
            "url: must not hold a user name or password",
            edit(
                PAPER,
                "url: https://arxiv.org/abs/2101.00001",
                "url: https://arxiv.org@evil.example/abs/2101.00001",
            ),
            group="validate",
        ),
        Case(
            "URL with a control character",
            v,
            1,
            "url: holds the invisible or control character U+0007",
            edit(
                PAPER,
                "url: https://arxiv.org/abs/2101.00001",
                'url: "https://arxiv.org/abs/2101\\a00001"',
            ),
            group="validate",
        ),
        Case(
            "URL with a brace",
            v,
            1,
            "must not hold `}`",
            edit(
                PAPER,
                "url: https://arxiv.org/abs/2101.00001",
                "url: https://arxiv.org/abs/2101}00001",
            ),
            group="validate",
        ),
        Case(
            "URL with a bad host",
            v,
            1,
            "is not a valid domain name",
            edit(
                PAPER,
                "url: https://arxiv.org/abs/2101.00001",
                "url: https://arx_iv..org/abs/2101.00001",
            ),
            group="validate",
        ),
        Case(
            "mixed-script host (warning)",
            v,
            0,
            "mixes letters of different scripts",
            edit(
                PAPER,
                "url: https://arxiv.org/abs/2101.00001",
                "url: https://аrxiv.org/abs/2101.00001",
            ),
            group="validate",
        ),
        Case(
            "homoglyph duplicate title",
            v,
            1,
            "same title as",
            lambda r, c: (r / "catalog/papers/2102.00009.yaml").write_text(
                (r / PAPER)
                .read_text()
                .replace("2101.00001", "2102.00009")
                .replace("A Fixture Paper", "А Fiхture Pарer")
            ),
            group="validate",
        ),
        Case(
            "DOI breaking out of BibTeX",
            v,
            1,
            "doi: String should match pattern",
            edit(
                "catalog/papers/10-1234-fixture-2020-1.yaml",
                "doi: 10.1234/fixture.2020.1",
                'doi: "10.1234/fixture.2020.1},note={INJECTED}"',
            ),
            group="validate",
        ),
        Case(
            "demo figure ../../../../tmp",
            v,
            1,
            "figure: must be a path inside its folder",
            edit(
                "catalog/demos/toy-demo.yaml",
                "figure: figures/toy-demo.png",
                "figure: ../../../../tmp/x.png",
            ),
            group="validate",
        ),
        Case(
            "demo figure linked outside",
            v,
            1,
            "resolves outside catalog/demos/",
            both(
                link_outside("catalog/demos/figures/leak.png"),
                edit("catalog/demos/toy-demo.yaml", "figures/toy-demo.png", "figures/leak.png"),
            ),
            check=not_leaked,
            group="validate",
        ),
        Case(
            "model card linked outside",
            v,
            1,
            "model_card: demos/toy_demo/MODEL_CARD.md resolves outside demos/",
            lambda r, c: (
                (r / "demos/toy_demo/MODEL_CARD.md").unlink(),
                (r / "demos/toy_demo/MODEL_CARD.md").symlink_to(outside(r)),
            ),
            group="validate",
        ),
        Case(
            "alias bomb",
            v,
            1,
            "anchors and aliases are not allowed",
            write(
                "catalog/papers/bomb.yaml", "a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n"
            ),
            group="validate",
        ),
        Case(
            "ESC in a file name",
            v,
            1,
            "catalog/papers/\\x1b[31mred.yaml",
            write("catalog/papers/\x1b[31mred.yaml", "id: [\n"),
            check=lambda r, o: "raw ESC printed" if "\x1b" in o else None,
            group="validate",
        ),
        # render and export
        Case(
            "site_src file linked outside",
            ["render", "--no-search", "--root", "{root}"],
            1,
            "site_src/leak.txt is a symbolic link to",
            both(with_site, link_outside("site_src/leak.txt")),
            check=not_leaked,
            group="render",
        ),
        Case(
            "render into a file",
            ["render", "--no-search", "--root", "{root}", "--out", "{root}/PAPER.txt"],
            1,
            "is a file, not a folder",
            both(with_site, write("PAPER.txt", "mine")),
            check=unchanged("PAPER.txt"),
            group="render",
        ),
        Case(
            "render on a full disk",
            ["render", "--no-search", "--root", "{root}"],
            1,
            "File too large",
            with_site,
            full_disk=True,
            group="render",
        ),
        Case(
            "feed with awkward text",
            ["render", "--no-search", "--root", "{root}"],
            0,
            "rendered",
            both(
                with_site,
                edit(
                    PAPER,
                    "title: A Fixture Paper About Reports",
                    "title: \"R&D <b>]]> 'q' 😀 医学\"",
                ),
            ),
            check=feed_well_formed,
            group="render",
        ),
        Case(
            "export --out on a full disk",
            ["export", "-o", "{root}/out.json", "--root", "{root}"],
            1,
            "File too large; nothing was written",
            full_disk=True,
            check=lambda r, o: "out.json left" if (r / "out.json").exists() else None,
            group="export",
        ),
        Case(
            "30 colliding BibTeX keys",
            ["export", "-f", "bibtex", "--root", "{root}"],
            0,
            "@",
            many_twins,
            check=keys_plain,
            group="export",
        ),
        # check-links: options
        Case(
            "check-links --retries -1",
            [*links, "--retries", "-1"],
            2,
            "must be at least 0",
            group="check-links",
        ),
        Case(
            "check-links --per-host 0",
            [*links, "--per-host", "0"],
            2,
            "must be at least 1",
            timeout=30,
            group="check-links",
        ),
        Case(
            "check-links --per-host -1",
            [*links, "--per-host", "-1"],
            2,
            "must be at least 1",
            group="check-links",
        ),
        Case(
            "check-links --timeout 0",
            [*links, "--timeout", "0"],
            2,
            "must be above 0",
            group="check-links",
        ),
        Case(
            "check-links --timeout nan",
            [*links, "--timeout", "nan"],
            2,
            "must be above 0",
            group="check-links",
        ),
        Case(
            "check-links --max-age-days 1e308",
            [*links, "--max-age-days", "1e308"],
            2,
            "must be at least 0 and at most 3650",
            group="check-links",
        ),
        Case(
            "check-links --json missing folder",
            [*links, "--json", "{root}/no/such/r.json"],
            2,
            "does not exist; create it first",
            group="check-links",
        ),
        # check-links: where requests go
        Case(
            "link to loopback",
            links,
            1,
            "refused: 127.0.0.1 is a loopback address",
            local_links("{base}/ok"),
            group="check-links",
        ),
        Case(
            "link to localhost",
            links,
            1,
            "refused: localhost resolves to",
            local_links("http://localhost:9/x"),
            group="check-links",
        ),
        Case(
            "link to cloud metadata",
            links,
            1,
            "refused: 169.254.169.254 is a link-local address",
            local_links("http://169.254.169.254/latest/meta-data/"),
            group="check-links",
        ),
        Case(
            "link to a private address",
            links,
            1,
            "refused: 10.0.0.1 is a private address",
            local_links("http://10.0.0.1/admin"),
            group="check-links",
        ),
        Case(
            "trickling server",
            [*links, "--allow-private", "--timeout", "1", "--retries", "0"],
            1,
            "timed out after 1 s",
            local_links("{base}/trickle"),
            max_seconds=20,
            group="check-links",
        ),
        Case(
            "429 with Retry-After",
            [*links, "--allow-private", "--retries", "1"],
            0,
            "0 dead",
            local_links("{base}/limited"),
            group="check-links",
        ),
        Case(
            "userinfo in a catalog URL",
            links,
            1,
            "must not hold a user name or password",
            edit(
                PAPER,
                "url: https://arxiv.org/abs/2101.00001",
                "url: https://u@arxiv.org/abs/2101.00001",
            ),
            group="check-links",
        ),
        # check-links: its cache
        Case(
            "cache not UTF-8",
            cached_links,
            0,
            "is not UTF-8 text; rebuilt",
            both(local_links(), cache(b"\xff\xfe{")),
            group="link cache",
        ),
        Case(
            "cache `results: []`",
            cached_links,
            0,
            "is not a version-1 cache",
            both(local_links(), cache('{"version": 1, "results": []}')),
            group="link cache",
        ),
        Case(
            "cache naive timestamps",
            cached_links,
            0,
            "had 1 unreadable entry; rechecked",
            both(
                local_links(),
                lambda r, c: cache(
                    json.dumps(
                        {
                            "version": 1,
                            "results": {
                                f"{c.base}/ok": {
                                    "url": f"{c.base}/ok",
                                    "status": 200,
                                    "ok": True,
                                    "final_url": f"{c.base}/ok",
                                    "redirects": [],
                                    "error": None,
                                    "seconds": 0.1,
                                    "method": "HEAD",
                                    "checked": "2026-11-30T10:00:00",
                                }
                            },
                        }
                    )
                )(r, c),
            ),
            group="link cache",
        ),
        Case(
            "cache is a folder",
            cached_links,
            0,
            "is a folder, not a file",
            both(local_links(), write(".cache/links.json/mine.txt", "keep")),
            check=lambda r, o: (
                None
                if (r / ".cache/links.json/mine.txt").exists()
                else "the folder's file was removed"
            ),
            group="link cache",
        ),
        # add-paper
        Case(
            "add-paper --retries -5",
            [*add, "2101.00009", "-t", "x-ray-to-text", "--retries", "-5"],
            2,
            "must be at least 0",
            group="add-paper",
        ),
        Case(
            "add-paper --timeout 0",
            [*add, "2101.00009", "-t", "x-ray-to-text", "--timeout", "0"],
            2,
            "must be above 0",
            group="add-paper",
        ),
        Case(
            "BibTeX import loads (no anchors)",
            v,
            1,
            "summary: still holds the TODO placeholder",
            both(
                bib(BIB_ENTRY),
                lambda r, c: run(
                    [
                        "add-paper",
                        "--from-bibtex",
                        str(r / "refs.bib"),
                        "-t",
                        "x-ray-to-text",
                        "--root",
                        str(r),
                    ],
                    c,
                ),
            ),
            check=lambda r, o: "anchor error" if "anchors" in o else None,
            group="add-paper",
        ),
        Case(
            "new file mode 0644",
            [*add, "2101.00009", "-t", "x-ray-to-text"],
            0,
            "wrote catalog/papers/2101.00009.yaml",
            check=mode_is("catalog/papers/2101.00009.yaml", 0o644),
            group="add-paper",
        ),
        Case(
            "--update keeps mode 0640",
            [*add, "2101.00009", "--update"],
            0,
            "updated the machine-derived fields",
            both(added_paper, lambda r, c: (r / "catalog/papers/2101.00009.yaml").chmod(0o640)),
            check=mode_is("catalog/papers/2101.00009.yaml", 0o640),
            group="add-paper",
        ),
        Case(
            "--update with a 600-character title",
            [*add, "2101.00600", "--update"],
            1,
            "would make",
            long_title_paper,
            check=unchanged("catalog/papers/2101.00600.yaml"),
            group="add-paper",
        ),
        Case(
            "--update of a read-only file",
            [*add, "2101.00009", "--update"],
            1,
            "is read-only (or immutable)",
            both(added_paper, lambda r, c: (r / "catalog/papers/2101.00009.yaml").chmod(0o444)),
            check=unchanged("catalog/papers/2101.00009.yaml"),
            group="add-paper",
        ),
        Case(
            "--update of an immutable file",
            [*add, "2101.00009", "--update"],
            1,
            "is read-only (or immutable)",
            both(added_paper, chattr("catalog/papers/2101.00009.yaml")),
            check=unchanged("catalog/papers/2101.00009.yaml"),
            group="add-paper",
        ),
        Case(
            "add into an immutable folder",
            [*add, "2101.00009", "-t", "x-ray-to-text"],
            1,
            "Operation not permitted; nothing was written",
            chattr("catalog/papers"),
            check=unchanged("catalog/papers/2101.00001.yaml"),
            group="add-paper",
        ),
        Case(
            "--update on a full disk",
            [*add, "2101.00009", "--update"],
            1,
            "File too large; it is unchanged",
            added_paper,
            full_disk=True,
            check=unchanged("catalog/papers/2101.00009.yaml"),
            group="add-paper",
        ),
        Case(
            "BibTeX on a full disk",
            from_bib,
            1,
            "File too large; nothing was written",
            bib(BIB_ENTRY),
            full_disk=True,
            check=lambda r, o: (
                "file written" if (r / "catalog/papers/10-1000-test-42.yaml").exists() else None
            ),
            group="add-paper",
        ),
        Case(
            "non-UTF-8 .bib",
            from_bib,
            1,
            ":2: not valid UTF-8",
            bib(b"@article{x,\n  title={Caf\xe9},\n  doi={10.1000/x}}\n"),
            group="add-paper",
        ),
        Case(
            "FIFO as .bib",
            from_bib,
            1,
            "not a regular file but a FIFO",
            fifo("refs.bib"),
            timeout=30,
            group="add-paper",
        ),
        Case(
            "DOI with braces in a .bib",
            from_bib,
            1,
            "doi: String should match pattern",
            bib(BIB_ENTRY.replace("10.1000/test.42", "10.1000/a{b}c")),
            group="add-paper",
        ),
        # siblings: other commands that read or write files
        Case(
            "new technique on a full disk",
            ["new", "technique", "--input", "audio", "--output", "x-ray", "--root", "{root}"],
            1,
            "File too large; nothing was written",
            full_disk=True,
            check=lambda r, o: (
                "file left" if (r / "catalog/techniques/audio-to-x-ray.yaml").exists() else None
            ),
            group="siblings",
        ),
        Case(
            "schema into a file",
            ["schema", "--root", "{root}"],
            1,
            "error: could not write",
            write("catalog/schemas", "a file"),
            group="siblings",
        ),
        Case(
            "broken mkdocs.yml",
            ["render", "--no-search", "--root", "{root}"],
            1,
            "mkdocs.yml:",
            both(with_site, write("mkdocs.yml", "site_name: X\nnav: [unclosed\nmore: 1\n")),
            group="siblings",
        ),
        Case(
            "FIFO as --queries file",
            ["search", "--queries", "{root}/q.txt", "--mode", "keyword", "--root", "{root}"],
            2,
            "not a regular file but a FIFO",
            fifo("q.txt"),
            timeout=60,
            group="siblings",
        ),
        # search's index
        Case(
            "index titles tampered",
            ["search", "reports from radiographs", "--kind", "technique", "--root", "{root}"],
            0,
            "fails its checksum; rebuilt it",
            tamper_index_titles,
            check=lambda r, o: "forged title printed" if "forged" in o else None,
            search=True,
            group="search",
        ),
        Case(
            "index file is a folder",
            ["search", "reports from radiographs", "--kind", "technique", "--root", "{root}"],
            0,
            "unreadable (IsADirectoryError); rebuilt it",
            index_as_folder,
            search=True,
            group="search",
        ),
    ]


# ---------------------------------------------------------------- running


def run(
    args: list[str], ctx: Context, full_disk: bool = False, timeout: float = LIMIT_S
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MEDGEN_ARXIV_API": f"{ctx.base}/api/query?{{}}", "HF_HUB_OFFLINE": "1"}

    def limit() -> None:
        if full_disk:
            resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.RLIM_INFINITY))

    return subprocess.run(
        [sys.executable, "-m", "tools", *args],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="backslashreplace",
        timeout=timeout,
        preexec_fn=limit,
        check=False,
    )


def unlock(root: Path) -> None:
    """Undo `chattr +i` so the copy can be removed."""
    if shutil.which("chattr"):
        for path in [root, *root.rglob("*")]:
            if not path.is_symlink():
                subprocess.run(["chattr", "-i", str(path)], capture_output=True, check=False)


def search_template(ctx: Context, work: Path) -> Path:
    """A copy whose search index and embeddings are built once, for the search cases to copy."""
    template = work / "search-template"
    shutil.copytree(BASIC, template)
    run(["search", "warm up", "--root", str(template)], ctx, timeout=600)
    return template


def try_case(
    case: Case, ctx: Context, work: Path, template: Path | None
) -> tuple[int | None, str, str]:
    """(exit code, telling line, verdict) of one case in a fresh copy."""
    root = work / re.sub(r"[^a-z0-9]+", "-", case.name.lower()).strip("-") / "repo"
    shutil.copytree(template if case.search and template else BASIC, root)
    BEFORE.clear()
    try:
        case.setup(root, ctx)
    except Skip as exc:
        return None, str(exc), "skipped"
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink() and not stat_is_fifo(path):
            BEFORE[path] = path.read_bytes()
    argv = [a.replace("{root}", str(root)) for a in case.argv]
    start = time.perf_counter()
    try:
        done = run(argv, ctx, case.full_disk, case.timeout)
    except subprocess.TimeoutExpired:
        unlock(root)
        return None, f"(no answer in {case.timeout:g} s)", "HANG"
    seconds = time.perf_counter() - start
    output = done.stdout
    first = next((line for line in output.splitlines() if line.strip()), "(no output)")
    wanted = " ".join(case.expect.split())
    # show the line that holds the expected message where one does (boxed usage errors wrap)
    first = next((ln for ln in output.splitlines() if wanted in " ".join(ln.split())), first)
    problems = []
    if done.returncode != case.code:
        problems.append(f"exit {done.returncode}, expected {case.code}")
    flat = " ".join(output.replace("\u2502", " ").split())  # usage errors come boxed and wrapped
    if " ".join(case.expect.split()) not in flat:
        problems.append(f"no `{case.expect}`")
    if "Traceback" in output:
        problems.append("traceback")
    if case.max_seconds is not None and seconds > case.max_seconds:
        problems.append(f"took {seconds:.1f} s")
    if case.check is not None:
        extra = case.check(root, output)
        if extra:
            problems.append(extra)
    unlock(root)
    return done.returncode, first, "ok" if not problems else "UNEXPECTED: " + "; ".join(problems)


def stat_is_fifo(path: Path) -> bool:
    import stat

    return stat.S_ISFIFO(path.lstat().st_mode)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="Run only cases whose name holds this text.")
    parser.add_argument("--no-search", action="store_true", help="Skip the search cases.")
    args = parser.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    ctx = Context(f"http://127.0.0.1:{server.server_address[1]}")
    chosen = [
        c
        for c in cases()
        if (not args.only or args.only.lower() in c.name.lower())
        and not (c.search and args.no_search)
    ]
    rows: list[tuple[str, str, str, str]] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        work = Path(tmp)
        template = search_template(ctx, work) if any(c.search for c in chosen) else None
        for case in chosen:
            code, first, verdict = try_case(case, ctx, work, template)
            shown_code = "-" if code is None else str(code)
            rows.append((case.name, f"{shown_code} ({case.code})", first[:110], verdict))
            print(f"{verdict[:10]:<10} {case.name}", file=sys.stderr, flush=True)
    server.shutdown()
    width = max(len(r[0]) for r in rows)
    print(
        f"{'case':<{width}}  {'exit (expected)':<15}  {'verdict':<10}  line of output (the expected one, else the first)"
    )
    for name, code, first, verdict in rows:
        print(f"{name:<{width}}  {code:<15}  {verdict:<10}  {first}")
    bad = [r for r in rows if r[3] not in ("ok", "skipped")]
    skipped = sum(1 for r in rows if r[3] == "skipped")
    print(
        f"\n{len(rows)} cases: {len(rows) - len(bad) - skipped} as expected, {len(bad)} not, "
        f"{skipped} skipped, in {time.perf_counter() - started:.0f} s"
    )
    for name, _, _, verdict in bad:
        print(f"  {name}: {verdict}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
