"""The few settings of `mkdocs.yml` that generated pages need: repository links and the site URL.

`mkdocs.yml` is the one place these live (both site engines read it); render reads it with a safe
loader that ignores unknown YAML tags.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tools.catalog.errors import CatalogError
from tools.site.markdown import safe_url


class IgnoreTagsLoader(yaml.SafeLoader):
    """A safe loader that reads `!!python/...` and `!ENV` tags as plain values instead of failing."""


def _plain(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


IgnoreTagsLoader.add_multi_constructor("", _plain)


@dataclass(frozen=True)
class SiteConfig:
    """Settings shared by every generated page."""

    site_name: str = "MedGen Atlas"
    site_description: str = ""
    site_url: str | None = None
    repo_url: str | None = None
    edit_uri: str | None = None

    def edit_link(self, repo_path: str) -> str | None:
        """The "Edit this entry" URL of a file in the repository, or None without a repo_url."""
        if not self.repo_url or self.edit_uri is None:
            return None
        base = self.repo_url.rstrip("/") + "/" + self.edit_uri.strip("/") + "/"
        return safe_url(base + repo_path.lstrip("/"))

    def repo_link(self, repo_path: str) -> str | None:
        """A link to view a file in the repository (`blob` next to the configured `edit` path)."""
        link = self.edit_link(repo_path)
        return link.replace("/edit/", "/blob/", 1) if link else None


class SiteConfigError(CatalogError):
    """`mkdocs.yml` cannot be read; the message names the file and, where known, the line."""


def read_site_config(mkdocs_yml: Path) -> SiteConfig:
    """Read the settings from `mkdocs.yml`; a missing file gives the defaults."""
    if not mkdocs_yml.is_file():
        return SiteConfig()
    try:
        data = yaml.load(mkdocs_yml.read_text(encoding="utf-8"), Loader=IgnoreTagsLoader) or {}
    except UnicodeDecodeError:
        raise SiteConfigError(f"{mkdocs_yml}: not UTF-8 text") from None
    except OSError as exc:
        raise SiteConfigError(f"{mkdocs_yml}: cannot read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise SiteConfigError(f"{mkdocs_yml}{where}: {problem}") from None
    if not isinstance(data, dict):
        return SiteConfig()
    return SiteConfig(
        site_name=str(data.get("site_name") or "MedGen Atlas"),
        site_description=str(data.get("site_description") or ""),
        site_url=safe_url(data.get("site_url")),
        repo_url=safe_url(data.get("repo_url")),
        edit_uri=str(data["edit_uri"]) if data.get("edit_uri") is not None else None,
    )
