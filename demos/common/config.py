"""Typed dataclass configs with presets and ``key=value`` overrides.

A demo defines a (possibly nested) dataclass whose defaults are its own defaults. A preset is a
small TOML file or a dict of overrides; ``--set key=value`` overrides come last. Dotted keys reach
nested dataclasses (``model.channels=16,32``). Unknown keys and values that do not parse as the
field's type raise :class:`ConfigError` with a one-line message; a key that a demo renamed names
its new spelling.
"""

from __future__ import annotations

import copy
import dataclasses
import tomllib
import types
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar, Union, get_args, get_origin, get_type_hints

from .errors import DemoError

T = TypeVar("T")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class ConfigError(DemoError, ValueError):
    """A config key, value or preset is invalid; ``str(err)`` is a one-line message."""


def _field_types(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def _coerce(value: Any, tp: Any, key: str) -> Any:
    """Convert ``value`` (a string from the command line, or a TOML value) to type ``tp``."""
    origin = get_origin(tp)
    if origin is Literal:
        choices = get_args(tp)
        for choice in choices:
            if value == choice or (isinstance(value, str) and str(choice) == value):
                return choice
        raise ConfigError(f"{key}: {value!r} is not one of {', '.join(map(str, choices))}")
    if origin in (Union, types.UnionType):
        members = [a for a in get_args(tp) if a is not type(None)]
        is_none = value is None or (isinstance(value, str) and value.lower() in {"none", "null"})
        if is_none and len(members) < len(get_args(tp)):
            return None
        errors = []
        for arg in members:
            try:
                return _coerce(value, arg, key)
            except ConfigError as err:
                errors.append(str(err))
        raise ConfigError(errors[0] if errors else f"{key}: bad value {value!r}")
    if origin is tuple:
        args = get_args(tp)
        items = (
            [v.strip() for v in value.split(",") if v.strip()] if isinstance(value, str) else value
        )
        if not isinstance(items, list | tuple):
            raise ConfigError(f"{key}: expected a comma-separated list, got {value!r}")
        inner = args[0] if args else str
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_coerce(v, inner, key) for v in items)
        if len(args) != len(items):
            raise ConfigError(f"{key}: expected {len(args)} values, got {len(items)}")
        return tuple(_coerce(v, a, key) for v, a in zip(items, args, strict=True))
    if tp is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
            return value.lower() in _TRUE
        raise ConfigError(f"{key}: expected true or false, got {value!r}")
    if tp is int:
        if isinstance(value, bool):
            raise ConfigError(f"{key}: expected an integer, got {value!r}")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{key}: expected an integer, got {value!r}") from None
    if tp is float:
        if isinstance(value, bool):
            raise ConfigError(f"{key}: expected a number, got {value!r}")
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{key}: expected a number, got {value!r}") from None
    if tp is str:
        if not isinstance(value, str):
            raise ConfigError(f"{key}: expected a string, got {value!r}")
        return value
    raise ConfigError(f"{key}: unsupported field type {tp!r}")


def _resolve(cfg: Any, dotted: str) -> tuple[Any, str, Any]:
    """Return (owner dataclass, field name, field type) for a dotted key, or raise ConfigError."""
    parts = dotted.split(".")
    owner = cfg
    for i, part in enumerate(parts):
        hints = _field_types(type(owner))
        if part not in hints:
            prefix = ".".join(parts[:i])
            known = ", ".join(sorted(f"{prefix}.{h}" if prefix else h for h in hints))
            raise ConfigError(f"unknown config key {dotted!r} (known keys: {known})")
        if i == len(parts) - 1:
            return owner, part, hints[part]
        owner = getattr(owner, part)
        if not dataclasses.is_dataclass(owner):
            raise ConfigError(
                f"unknown config key {dotted!r}: {'.'.join(parts[: i + 1])} is a value"
            )
    raise ConfigError(f"empty config key {dotted!r}")  # pragma: no cover


def set_value(cfg: T, key: str, value: Any) -> T:
    """Return a copy of ``cfg`` with the (dotted) ``key`` set to ``value`` coerced to its type."""
    new = copy_config(cfg)
    _set_in_place(new, key, value)
    return new


def _set_in_place(new: Any, key: str, value: Any) -> None:
    owner, name, tp = _resolve(new, key)
    if dataclasses.is_dataclass(getattr(owner, name)):
        raise ConfigError(f"{key}: is a section; set one of its keys instead")
    object.__setattr__(owner, name, _coerce(value, tp, key))


def copy_config(cfg: T) -> T:
    """Deep copy of a (nested) dataclass config."""
    return copy.deepcopy(cfg)


def _flatten(data: Mapping[str, Any], prefix: str = "") -> Iterable[tuple[str, Any]]:
    for k, v in data.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping):
            yield from _flatten(v, key + ".")
        else:
            yield key, v


def apply_overrides(
    cfg: T, overrides: Mapping[str, Any] | Iterable[str], renamed: Mapping[str, str] | None = None
) -> T:
    """Apply a (possibly nested) dict of values, or ``key=value`` strings, to a copy of ``cfg``.

    ``renamed`` maps keys a demo used to have to a hint naming what replaced them.
    """
    if isinstance(overrides, Mapping):
        pairs = list(_flatten(overrides))
    else:
        pairs = []
        for item in overrides:
            if "=" not in item:
                raise ConfigError(f"override {item!r} is not of the form key=value")
            key, value = item.split("=", 1)
            pairs.append((key.strip(), value.strip()))
    new = copy_config(cfg)
    for key, value in pairs:
        if renamed and key in renamed:
            raise ConfigError(f"config key {key!r} was renamed: use {renamed[key]}")
        _set_in_place(new, key, value)
    return new


def to_dict(cfg: Any) -> dict[str, Any]:
    """A JSON/TOML-friendly nested dict (tuples become lists)."""

    def conv(v: Any) -> Any:
        if dataclasses.is_dataclass(v) and not isinstance(v, type):
            return {f.name: conv(getattr(v, f.name)) for f in dataclasses.fields(v)}
        if isinstance(v, tuple | list):
            return [conv(x) for x in v]
        return v

    out = conv(cfg)
    assert isinstance(out, dict)
    return out


def from_dict(cls: type[T], data: Mapping[str, Any]) -> T:
    """Build ``cls`` from a nested dict; unknown keys and bad values raise ConfigError."""
    cfg = cls()
    return apply_overrides(cfg, data)


def load_preset_file(path: str | Path) -> dict[str, Any]:
    """Read a TOML preset; a syntax error names the file and line."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: preset file not found")
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: {err}") from None


def build_config(
    cls: type[T],
    preset: str | None = None,
    presets_dir: str | Path | None = None,
    overrides: Iterable[str] = (),
    renamed: Mapping[str, str] | None = None,
) -> T:
    """Defaults of ``cls``, then the preset ``presets_dir/<preset>.toml``, then ``key=value`` items.

    ``preset`` may also be a path to a ``.toml`` file; ``renamed`` as in :func:`apply_overrides`.
    """
    cfg = cls()
    if preset is not None:
        candidate = Path(preset)
        if candidate.suffix != ".toml":
            if presets_dir is None:
                raise ConfigError(f"preset {preset!r}: no presets folder given")
            candidate = Path(presets_dir) / f"{preset}.toml"
            if not candidate.is_file():
                names = sorted(p.stem for p in Path(presets_dir).glob("*.toml"))
                raise ConfigError(f"unknown preset {preset!r} (known presets: {', '.join(names)})")
        try:
            cfg = apply_overrides(cfg, load_preset_file(candidate), renamed)
        except ConfigError as err:
            msg = str(err)
            raise ConfigError(
                msg if msg.startswith(str(candidate)) else f"{candidate}: {msg}"
            ) from None
    return apply_overrides(cfg, list(overrides), renamed)


def check(ok: bool, key: str, message: str) -> None:
    """Raise ``ConfigError("key: message")`` unless ``ok`` (for range checks of config values)."""
    if not ok:
        raise ConfigError(f"{key}: {message}")


def describe(cfg: Any) -> list[str]:
    """``key = value`` lines for every leaf of a config (for ``--help``-like listings and logs)."""
    return [f"{k} = {v!r}" for k, v in _flatten(to_dict(cfg))]


__all__ = [
    "ConfigError",
    "apply_overrides",
    "build_config",
    "check",
    "copy_config",
    "describe",
    "from_dict",
    "load_preset_file",
    "set_value",
    "to_dict",
]
