"""Safe YAML reading that keeps line numbers, so every problem can name its file and line.

The document is composed with PyYAML's C-accelerated safe composer, then turned into plain Python
values by hand: duplicate keys, anchors/aliases (the "billion laughs" bomb) and non-string keys are
refused, and the line of every key and list item is recorded by its path.
"""

from __future__ import annotations

import errno
import os
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

MAX_FILE_BYTES = 256 * 1024
"""Catalog entries are small; anything larger is a mistake (or an attack)."""

MAX_DEPTH = 32
"""Lists and mappings inside each other; entries use four or five levels."""

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_constructor = yaml.constructor.SafeConstructor()

Loc = tuple[str | int, ...]
_ALLOWED_TAGS = {"map", "seq", "str", "int", "float", "bool", "null", "timestamp", "merge"}


class YamlError(Exception):
    """A file that cannot be read as a catalog entry; carries the 1-based line and the field."""

    def __init__(self, message: str, line: int = 1, field: str = "-") -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.field = field


@dataclass
class SourceDoc:
    """A parsed YAML document with the line of every key and list item."""

    path: Path
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)

    def line_of(self, loc: Loc) -> int:
        """The line of the deepest known prefix of `loc` (1 when nothing matches)."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:end]))
            if line is not None:
                return line
        return 1


_FILE_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def read_regular(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most `max_bytes`; YamlError for anything else.

    The file is opened without blocking and checked after opening, so a FIFO or a device named like
    an entry is refused at once instead of hanging the run, whatever it was when listed.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise YamlError("symbolic link loop: it points back at itself") from None
        raise YamlError(f"cannot read file: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in _FILE_KINDS if test(info.st_mode)), "not a file")
            raise YamlError(f"not a regular file but {kind}")
        if info.st_size > max_bytes:
            raise YamlError(
                f"file is {info.st_size} bytes, over the {max_bytes}-byte limit for an entry"
            )
        with os.fdopen(os.dup(fd), "rb") as fh:
            raw = fh.read(max_bytes + 1)
    except OSError as exc:
        raise YamlError(f"cannot read file: {exc.strerror}") from None
    finally:
        os.close(fd)
    if len(raw) > max_bytes:
        raise YamlError(f"file is over the {max_bytes}-byte limit for an entry")
    return raw


def read_text(path: Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read a file as UTF-8 text, refusing oversized, binary, non-UTF-8 and non-regular files."""
    raw = read_regular(path, max_bytes)
    if b"\x00" in raw:
        raise YamlError("file is binary (holds NUL bytes), not YAML text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlError(
            f"not valid UTF-8 (byte {exc.start}): save the file as UTF-8", line
        ) from None
    return text.removeprefix("\ufeff")


def parse_yaml(text: str, path: Path) -> SourceDoc:
    """Parse one YAML document into plain values, recording line numbers by path."""
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise YamlError("file is empty: an entry needs at least its `id`")
    try:
        _scan_events(text)
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = exc.problem or "invalid YAML"
        if "\t" in text.splitlines()[line - 1 if line - 1 < len(text.splitlines()) else -1]:
            problem += " (tabs are not allowed for indentation: use spaces)"
        raise YamlError(f"invalid YAML: {problem}", line) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, e.g. U+FFFE
        line = text[: exc.position].count("\n") + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        name = unicodedata.name(chr(code), "")
        shown = f"U+{code:04X}" + (f" ({name})" if name else "")
        raise YamlError(
            f"holds the invisible or control character {shown}: remove it", line
        ) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}") from None
    if node is None:
        raise YamlError("file is empty: an entry needs at least its `id`")
    doc = SourceDoc(path=path, data=None)
    doc.data = _build(node, (), doc.lines, set())
    return doc


def _scan_events(text: str) -> None:
    """Refuse aliases and deep nesting from the event stream, before anything recursive runs.

    Composed nodes only know an anchor's line, so the alias is found here with its own; nesting is
    counted here because composing and building a document are recursive.
    """
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            raise YamlError(
                "YAML anchors and aliases are not allowed in catalog entries",
                event.start_mark.line + 1,
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlError(
                    f"nested more than {MAX_DEPTH} levels deep: an entry is a few levels at most",
                    event.start_mark.line + 1,
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def load_yaml(path: Path) -> SourceDoc:
    """Read and parse a YAML file (see `read_text` and `parse_yaml`)."""
    return parse_yaml(read_text(path), path)


def _build(node: yaml.Node, loc: Loc, lines: dict[Loc, int], seen: set[int]) -> Any:
    if id(node) in seen:
        raise YamlError(
            "YAML anchors and aliases are not allowed in catalog entries",
            node.start_mark.line + 1,
            _dotted(loc),
        )
    seen.add(id(node))
    lines.setdefault(loc, node.start_mark.line + 1)
    if str(node.tag).removeprefix("tag:yaml.org,2002:") not in _ALLOWED_TAGS:
        raise YamlError(
            f"YAML tag `{node.tag}` is not allowed", node.start_mark.line + 1, _dotted(loc)
        )
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlError("mapping keys must be plain strings", key_node.start_mark.line + 1)
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlError(
                    "YAML merge keys (<<) are not allowed",
                    key_node.start_mark.line + 1,
                    _dotted(loc),
                )
            key = str(key_node.value)
            if key in out:
                raise YamlError(
                    f"duplicate key `{key}` (first on line {lines[(*loc, key)]})",
                    key_node.start_mark.line + 1,
                    _dotted((*loc, key)),
                )
            lines[(*loc, key)] = key_node.start_mark.line + 1
            out[key] = _build(value_node, (*loc, key), lines, seen)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            lines[(*loc, index)] = item.start_mark.line + 1
            items.append(_build(item, (*loc, index), lines, seen))
        return items
    try:
        return _constructor.construct_object(node)
    except (yaml.constructor.ConstructorError, ValueError, OverflowError):
        # e.g. `added: 2026-13-45`: keep the text, so the schema reports it with the file's other
        # problems instead of this one value hiding them all
        return str(node.value)


def _dotted(loc: Loc) -> str:
    """`("applications", 0, "text")` -> `applications[0].text`."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "-"


dotted = _dotted
