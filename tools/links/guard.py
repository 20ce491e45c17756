"""HTTP sessions for checking links that cannot be turned against the machine running them.

`GuardedSession` resolves every host itself and refuses loopback, private, link-local and other
non-public addresses (unless `allow_private`), then connects to the address it checked, so a
redirect or a DNS answer that changes between the check and the connection cannot reach an internal
service. `deadline()` bounds the total time of one request: a server that trickles its answer a byte
at a time is cut off when the time is up, not only when it falls silent. Environment proxies and
`.netrc` are not used (a proxy would connect on our behalf where the guard cannot see).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import ipaddress
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NameResolutionError, NewConnectionError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class BlockedAddress(Exception):
    """A host resolves to an address the checker must not reach; the message says which and why."""


def address_kind(ip: IPAddress) -> str | None:
    """Why an address is not public (`loopback`, `private`, `link-local`, ...), or None if it is."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for kind, hit in (
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("private", ip.is_private),
        ("multicast", ip.is_multicast),
        ("unspecified", ip.is_unspecified),
        ("reserved", ip.is_reserved),
    ):
        if hit:
            return kind
    return None if ip.is_global else "non-public"


def check_addresses(host: str, addresses: list[str]) -> None:
    """Raise BlockedAddress when any address of `host` is not public."""
    for text in addresses:
        ip = ipaddress.ip_address(text.split("%", 1)[0])  # drop an IPv6 zone (`fe80::1%eth0`)
        kind = address_kind(ip)
        if kind is not None:
            shown = f"{host} is" if host == text else f"{host} resolves to {text},"
            raise BlockedAddress(
                f"refused: {shown} a {kind} address (pass --allow-private to check internal links)"
            )


class _Guard:
    """The policy and the open sockets of one session, so a deadline can close them."""

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        self.expired = False

    def connect(self, conn: HTTPConnection, connect: Any) -> socket.socket:
        """Resolve `conn`'s host, check every address, then connect to a checked one."""
        host = conn._dns_host  # urllib3 would resolve this name; we do
        try:
            infos = socket.getaddrinfo(host, conn.port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise NameResolutionError(conn.host, conn, exc) from exc
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        if not self.allow_private:
            check_addresses(conn.host, addresses)
        error: Exception | None = None
        for address in addresses:
            conn._dns_host = address  # connect to the address we checked
            try:
                sock: socket.socket = connect()
            except NewConnectionError as exc:
                error = exc
                continue
            finally:
                conn._dns_host = host
            with self.lock:
                self.sockets.append(sock)
                if self.expired:
                    _shut(sock)
            return sock
        assert error is not None
        raise error

    def expire(self) -> None:
        """Time is up: cut every connection of this session."""
        with self.lock:
            self.expired = True
            for sock in self.sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed
        sock.shutdown(socket.SHUT_RDWR)


def _pool_classes(guard: _Guard) -> dict[str, type[HTTPConnectionPool]]:
    class Conn(HTTPConnection):
        def _new_conn(self) -> socket.socket:
            return guard.connect(self, super()._new_conn)

    class TLSConn(HTTPSConnection):
        def _new_conn(self) -> socket.socket:
            return guard.connect(self, super()._new_conn)

    class Pool(HTTPConnectionPool):
        ConnectionCls = Conn

    class TLSPool(HTTPSConnectionPool):
        ConnectionCls = TLSConn

    return {"http": Pool, "https": TLSPool}


class _GuardedAdapter(HTTPAdapter):
    def __init__(self, guard: _Guard) -> None:
        self._guard = guard
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _pool_classes(self._guard)


class GuardedSession(requests.Session):
    """A requests session that refuses non-public addresses and can bound a request's total time."""

    def __init__(self, allow_private: bool = False) -> None:
        super().__init__()
        self.trust_env = False
        self._guard = _Guard(allow_private)
        adapter = _GuardedAdapter(self._guard)
        self.mount("http://", adapter)
        self.mount("https://", adapter)

    @property
    def expired(self) -> bool:
        """Whether the last `deadline` ran out (its request was cut off)."""
        return self._guard.expired

    @contextmanager
    def deadline(self, seconds: float) -> Iterator[None]:
        """Cut the connections of requests made inside the block once `seconds` have passed."""
        with self._guard.lock:
            self._guard.expired = False
        timer = threading.Timer(seconds, self._guard.expire)
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()


def retry_after(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds a `Retry-After` header asks for (a number or an HTTP date), None when unusable."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())
