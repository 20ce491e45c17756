"""Stats of a catalog that may not validate (the before state): tools.stats on validate()'s catalog."""

import sys
from pathlib import Path

from tools.catalog.load import validate
from tools.stats import coverage, format_coverage, format_provenance, provenance_counts

cat, problems = validate(Path(sys.argv[1]))
errors = sum(p.severity == "error" for p in problems)
print(f"(validate: {errors} errors, {len(problems) - errors} warnings)")
print(format_coverage(coverage(cat)).split("\n\n")[0])
print(format_provenance(provenance_counts(cat)))
