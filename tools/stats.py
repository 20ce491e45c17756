"""Coverage figures for the catalog: papers per technique and group, gaps, years, code share."""

from __future__ import annotations

from collections import Counter
from typing import Any

from tools.catalog.load import Catalog


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
    return "\n".join(lines)
