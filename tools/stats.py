"""Coverage figures for the catalog: papers per technique and group, gaps, years, code share, and
provenance (how many entries rest on a canonical source)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from tools.catalog.load import Catalog
from tools.catalog.provenance import Provenance, provenance
from tools.catalog.sources import HostClass


def coverage(cat: Catalog) -> dict[str, Any]:
    """Counts that show how deep the catalog is and where the gaps are."""
    per_technique = {tid: len(cat.papers_for(tid)) for tid in sorted(cat.techniques)}
    per_group = {
        gid: len({p.id for t in cat.techniques_in_group(gid) for p in cat.papers_for(t.id)})
        for gid in cat.groups
    }
    without = [tid for tid, n in per_technique.items() if n == 0]
    noted = [tid for tid in without if cat.techniques[tid].literature is not None]
    years = Counter(p.year for p in cat.papers.values())
    with_code = sum(1 for p in cat.papers.values() if p.code)
    kinds = Counter(p.kind.value for p in cat.papers.values())
    return {
        "techniques": len(cat.techniques),
        "papers": len(cat.papers),
        "datasets": len(cat.datasets),
        "demos": len(cat.demos),
        "modalities": len(cat.modalities),
        "techniques_with_papers": sum(1 for n in per_technique.values() if n),
        "techniques_without_papers": without,
        "techniques_without_papers_noted": noted,
        "techniques_without_papers_unexplained": [t for t in without if t not in noted],
        "papers_per_technique": per_technique,
        "papers_per_group": per_group,
        "papers_per_year": dict(sorted(years.items())),
        "papers_per_kind": dict(sorted(kinds.items())),
        "papers_with_code": with_code,
        "share_with_code": round(with_code / len(cat.papers), 3) if cat.papers else 0.0,
        "provenance": provenance_counts(cat),
    }


def format_coverage(stats: dict[str, Any]) -> str:
    """A readable report of `coverage`."""
    lines = [
        f"techniques  {stats['techniques']} ({stats['techniques_with_papers']} with papers)",
        f"papers      {stats['papers']} ({stats['papers_with_code']} with code, share {stats['share_with_code']:.0%})",
        f"datasets    {stats['datasets']}",
        f"demos       {stats['demos']}",
        f"modalities  {stats['modalities']}",
        "",
        "papers per group:",
    ]
    lines += [f"  {gid:<22}{n:>5}" for gid, n in stats["papers_per_group"].items()]
    lines += ["", "papers per year:"]
    lines += [f"  {year:<22}{n:>5}" for year, n in stats["papers_per_year"].items()]
    lines += ["", "papers per kind:"]
    lines += [f"  {kind:<22}{n:>5}" for kind, n in stats["papers_per_kind"].items()]
    lines += ["", "papers per technique (with papers):"]
    ranked = sorted(stats["papers_per_technique"].items(), key=lambda kv: (-kv[1], kv[0]))
    lines += [f"  {tid:<40}{n:>5}" for tid, n in ranked if n]
    lines += [
        "",
        f"techniques without papers, with a dated literature note: {len(stats['techniques_without_papers_noted'])}",
    ]
    unexplained = stats["techniques_without_papers_unexplained"]
    lines += [f"techniques without papers and no note: {len(unexplained)}"]
    lines += [f"  {tid}" for tid in unexplained]
    lines += ["", format_provenance(stats["provenance"])]
    return "\n".join(lines)


def provenance_counts(cat: Catalog) -> dict[str, Any]:
    """Papers and datasets by the kind of source behind them, and the most cited hosts per class."""
    hosts: dict[str, Counter[str]] = {cls.value: Counter() for cls in HostClass}
    out: dict[str, Any] = {}
    for kind, entries in (("papers", cat.papers), ("datasets", cat.datasets)):
        rows = Counter[str]()
        for entry in entries.values():
            found = provenance(cat.hosts, entry) if cat.hosts else Provenance()
            for _, _, c in found.sources:
                hosts[c.cls.value][c.host.removeprefix("www.")] += 1
            noted = entry.no_canonical_source is not None
            rows["canonical"] += found.canonical
            rows["canonical_title_authors"] += found.canonical_identity
            rows["secondary_only_noted"] += not found.canonical and noted
            rows["secondary_only_unnoted"] += not found.canonical and not noted
        total = len(entries)
        keys = [k for k in PROVENANCE_ROWS if kind == "papers" or k != "canonical_title_authors"]
        out[kind] = {"total": total} | {
            key: {"count": rows[key], "share": round(rows[key] / total, 3) if total else 0.0}
            for key in keys
        }
    out["top_hosts"] = {cls: dict(c.most_common(TOP_HOSTS)) for cls, c in hosts.items()}
    out["classified"] = cat.hosts is not None
    return out


PROVENANCE_ROWS = (
    "canonical",
    "canonical_title_authors",
    "secondary_only_noted",
    "secondary_only_unnoted",
)
_ROW_NAMES = {
    "canonical": "with a canonical source",
    "canonical_title_authors": "canonical source for title+authors",
    "secondary_only_noted": "secondary only, with a note",
    "secondary_only_unnoted": "secondary only, no note",
}
TOP_HOSTS = 5


def format_provenance(data: dict[str, Any]) -> str:
    """The provenance table of `provenance_counts`."""
    p, d = data["papers"], data["datasets"]
    lines = [
        f"provenance{'':<28}{'papers':>14}{'datasets':>14}",
        f"  {'total':<36}{p['total']:>14}{d['total']:>14}",
    ]
    for key in PROVENANCE_ROWS:
        cells = [f"{e[key]['count']} ({e[key]['share']:.0%})" if key in e else "-" for e in (p, d)]
        lines.append(f"  {_ROW_NAMES[key]:<36}{cells[0]:>14}{cells[1]:>14}")
    if not data["classified"]:
        lines.append("  (catalog/source_hosts.yaml is missing or invalid: no source is classified)")
    lines += ["", "most cited hosts:"]
    for cls, counts in data["top_hosts"].items():
        if counts:
            shown = ", ".join(f"{host} {n}" for host, n in counts.items())
            lines.append(f"  {cls:<14}{shown}")
    return "\n".join(lines)


def noted_without_canonical(cat: Catalog) -> list[str]:
    """Ids of the papers that carry a `no_canonical_source` note, sorted."""
    return sorted(pid for pid, p in cat.papers.items() if p.no_canonical_source is not None)
