"""The link checker's guard: which addresses count as internal, and how `Retry-After` is read."""

from __future__ import annotations

import datetime as dt
import ipaddress

import pytest

from tools.links.guard import BlockedAddress, address_kind, check_addresses, retry_after


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("fd00::1", "private"),
        ("169.254.169.254", "link-local"),  # cloud metadata service
        ("fe80::1", "link-local"),
        ("0.0.0.0", "private"),
        ("224.0.0.1", "multicast"),
        ("100.64.0.1", "non-public"),  # carrier-grade NAT
        ("8.8.8.8", None),
        ("2606:4700:4700::1111", None),
    ],
)
def test_address_kind(address: str, kind: str | None) -> None:
    assert address_kind(ipaddress.ip_address(address)) == kind


def test_check_addresses_names_the_host_and_the_address() -> None:
    check_addresses("example.org", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"])
    with pytest.raises(
        BlockedAddress, match=r"refused: db\.example resolves to 10\.0\.0\.7, a private"
    ):
        check_addresses("db.example", ["93.184.215.14", "10.0.0.7"])
    with pytest.raises(BlockedAddress, match=r"^refused: fe80::1%eth0 is a link-local address"):
        check_addresses("fe80::1%eth0", ["fe80::1%eth0"])


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 7 ", 7.0),
        ("Wed, 02 Dec 2026 00:00:30 GMT", 30.0),
        ("Tue, 01 Dec 2026 00:00:00 GMT", 0.0),  # in the past: no wait
        ("-5", None),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after(header: str | None, seconds: float | None) -> None:
    now = dt.datetime(2026, 12, 2, tzinfo=dt.UTC)
    assert retry_after(header, now) == seconds
