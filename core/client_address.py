"""The client's address: one answer for the throttles, django-axes, the audit log and the
request logs.

`X-Forwarded-For` is a header the client can write. It is believed only when the peer that
sent the request is one of our own proxies (`TRUSTED_PROXIES`, by default gunicorn's
`FORWARDED_ALLOW_IPS`), and then only as far back as the chain of our own proxies goes:
walking it from the right, the first address that is not a trusted proxy is the client.
Whatever a client puts further left is ignored. `ClientAddressMiddleware` writes the answer
to `REMOTE_ADDR` before anything reads it (gunicorn's access log too, which reads the same
environ), and keeps the peer in `FOLIO_PEER_ADDR`.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.utils.deprecation import MiddlewareMixin

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...] | None:
    """The trusted proxies as networks; None when every peer is trusted ("*")."""
    if "*" in proxies:
        return None
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _trusted(address: str, networks: tuple[Network, ...] | None) -> bool:
    if networks is None:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(meta: dict) -> str | None:
    """The client's address, from the peer and the trusted part of X-Forwarded-For."""
    peer = meta.get("REMOTE_ADDR")
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not peer or not _trusted(peer, networks):
        return peer
    hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    address = peer
    for hop in reversed([hop for hop in hops if hop]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # garbage: whoever wrote it is not a proxy of ours
        address = hop
        if not _trusted(hop, networks):
            break
    return address


def request_ip(request) -> str | None:
    """The client's IP address as stored (audit log, lockouts, sessions), or None when the
    peer has none: gunicorn on a Unix socket gives "unix:/run/folio.sock", which an IP
    column refuses (PostgreSQL's inet)."""
    return _stored_ip(request.META.get("REMOTE_ADDR") or "")


@lru_cache(maxsize=1024)
def _stored_ip(address: str) -> str | None:
    """The address in its canonical form (a few hundred clients at a time: parsed once)."""
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


# django-axes' AXES_CLIENT_IP_CALLABLE: the address the middleware settled on.
axes_client_address = request_ip


class ClientAddressMiddleware(MiddlewareMixin):
    """Resolve the client's address once, first, for everything after it."""

    def process_request(self, request) -> None:
        meta = request.META
        if "HTTP_X_FORWARDED_FOR" in meta:
            meta["FOLIO_PEER_ADDR"] = meta.get("REMOTE_ADDR")
            meta["REMOTE_ADDR"] = client_address(meta)
