"""Who is the client, and which request id do we log: only a configured proxy is believed.

``X-Forwarded-For`` and ``X-Request-ID`` are plain request headers: anyone can send them. They
mean something only when a proxy we run put them there, so both are read only when the TCP peer
(``REMOTE_ADDR``) is one of ``settings.TRUSTED_PROXIES`` (addresses or networks, default none).

Client IP: ``REMOTE_ADDR`` — unless it is a trusted proxy; then ``X-Forwarded-For`` is walked from
the right (each proxy appends the peer it saw), skipping trusted proxies; the first other address
is the client. The entries to the left of it were written by the client and are ignored. The audit
trail, the log lines and django-axes (``AXES_CLIENT_IP_CALLABLE``) all use this one function.
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from functools import lru_cache

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Request ids a proxy may hand us: short, no spaces, quotes, control characters or markup
# (they end up in log lines, audit rows and a response header).
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")


def parse_networks(entries) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """``["10.0.0.5", "172.16.0.0/12", "::1"]`` → networks; ValueError on a malformed entry."""
    return tuple(ipaddress.ip_network(str(entry).strip(), strict=False) for entry in entries if str(entry).strip())


@lru_cache(maxsize=8)
def _trusted(entries: tuple[str, ...]):
    return parse_networks(entries)


def trusted_networks():
    return _trusted(tuple(settings.TRUSTED_PROXIES))


def parse_ip(value: str | None) -> IPAddress | None:
    """An address as a proxy writes it: ``1.2.3.4``, ``1.2.3.4:5678``, ``2001:db8::1``, ``[2001:db8::1]:443``."""
    if not value:
        return None
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1:value.index("]")]
    elif value.count(":") == 1:  # IPv4 with a port
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def is_trusted_proxy(address: IPAddress | None) -> bool:
    return address is not None and any(address in network for network in trusted_networks())


def client_ip(request) -> str | None:
    """The client's address under the trusted-proxy rule above (None when there is none)."""
    peer = parse_ip(request.META.get("REMOTE_ADDR"))
    if not is_trusted_proxy(peer):
        return str(peer) if peer else None
    address = peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed([part for part in forwarded.split(",") if part.strip()]):
        hop = parse_ip(entry)
        if hop is None:  # garbage where a proxy should have written an address: stop at what we know
            break
        address = hop
        if not is_trusted_proxy(hop):
            break
    return str(address)


def request_id(request) -> str:
    """The proxy's request id when a trusted proxy sent a well-formed one; a fresh one otherwise."""
    incoming = request.META.get("HTTP_X_REQUEST_ID", "")
    if incoming and REQUEST_ID_PATTERN.fullmatch(incoming) and is_trusted_proxy(parse_ip(request.META.get("REMOTE_ADDR"))):
        return incoming
    return uuid.uuid4().hex
