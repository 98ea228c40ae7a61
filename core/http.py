"""Outbound HTTP for webhooks and link checks, with an SSRF guard.

The target host is resolved once, every address is checked, and the connection goes to
that checked address (with the original Host and TLS server name), so DNS rebinding
cannot swap in an internal address between the check and the request.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.core.exceptions import ValidationError


class UnsafeTarget(ValidationError):
    """The URL points somewhere Folio must not call (private, loopback, link-local...)."""


@dataclass(frozen=True)
class HttpResult:
    status: int
    body: str
    duration_ms: int


def _forbidden(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def resolve_safe(url: str) -> tuple[str, str, int, str]:
    """Return (scheme, host, port, ip) for `url`, refusing unsafe schemes and addresses."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeTarget({"url": ["Only http and https URLs with a host are allowed."]})
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UnsafeTarget({"url": [f"Cannot resolve {parts.hostname}."]}) from exc
    addresses = {ipaddress.ip_address(info[4][0]) for info in infos}
    if not settings.WEBHOOK_ALLOW_PRIVATE_TARGETS and any(_forbidden(a) for a in addresses):
        raise UnsafeTarget({"url": ["Private, loopback and link-local addresses are not allowed."]})
    return parts.scheme, parts.hostname, port, str(sorted(addresses, key=str)[0])


def validate_public_url(url: str) -> None:
    """Raise UnsafeTarget if `url` is not a safe outbound target."""
    resolve_safe(url)


@dataclass(frozen=True)
class _Target:
    pool: urllib3.HTTPConnectionPool
    path: str
    host_header: str


def _connect(url: str, timeout: float) -> _Target:
    """A connection pool pinned to the checked address of `url`, with its path and Host."""
    scheme, host, port, ip = resolve_safe(url)
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    pool_kwargs = {"timeout": urllib3.Timeout(connect=timeout, read=timeout), "retries": False}
    if scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            ip, port, server_hostname=host, assert_hostname=host, **pool_kwargs
        )
    else:
        pool = urllib3.HTTPConnectionPool(ip, port, **pool_kwargs)
    return _Target(pool, path, host if port in (80, 443) else f"{host}:{port}")


def post_json(url: str, body: bytes, headers: dict[str, str], timeout: float) -> HttpResult:
    """POST `body` to `url` through the checked address; redirects are not followed."""
    target = _connect(url, timeout)
    started = time.monotonic()
    with target.pool:
        response = target.pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers={**headers, "Host": target.host_header},
            redirect=False,
            preload_content=False,
        )
        # Read at most 4 KB: the log keeps a sample, not whatever the receiver sends.
        sample = response.read(4096, decode_content=True)
        response.release_conn()
    elapsed_ms = int((time.monotonic() - started) * 1000)
    return HttpResult(response.status, sample.decode("utf-8", "replace"), elapsed_ms)


def head_or_get(url: str, timeout: float) -> int:
    """The status of `url` through the checked address: HEAD, or GET when HEAD is refused.

    Redirects are not followed (a 3xx means the link still leads somewhere); at most
    4 KB of a GET body is read. Raises UnsafeTarget for refused targets, and urllib3's
    errors for network failures and timeouts.
    """
    target = _connect(url, timeout)
    headers = {"Host": target.host_header, "User-Agent": "Folio-LinkCheck/1.0"}
    with target.pool:
        for method in ("HEAD", "GET"):
            response = target.pool.urlopen(
                method, target.path, headers=headers, redirect=False, preload_content=False
            )
            if method == "GET":
                response.read(4096)
            response.release_conn()
            if response.status not in (405, 501):
                break
    return response.status
