"""Check every URL in the catalog (`tools check-links`).

Concurrent with a per-host limit; HEAD first, GET where HEAD is refused; a total time bound per
request; retries with exponential backoff on timeouts, connection errors and 429/5xx (obeying
Retry-After); redirects followed one hop at a time so chains and loops are reported; loopback,
private and link-local addresses refused unless allowed; results cached with dates.
"""

from tools.links.cache import LinkCache
from tools.links.checker import Checker, LinkResult, host_key
from tools.links.report import Location, Report, catalog_urls, check_links

__all__ = [
    "Checker",
    "LinkCache",
    "LinkResult",
    "Location",
    "Report",
    "catalog_urls",
    "check_links",
    "host_key",
]
