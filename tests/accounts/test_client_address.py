"""One client address for throttles, lockouts and the audit log: X-Forwarded-For is believed
only from our own proxies, and only as far back as their chain goes."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail
from rest_framework.test import APIClient

from core.client_address import client_address
from governance.models import AuditEvent
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
PROXY = "10.0.0.5"  # our load balancer, in TRUSTED_PROXIES below


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]


def _allowed(scope: str) -> int:
    return int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope].split("/")[0])


def _login(client, email, password, **meta):
    return client.post("/api/v1/auth/token/", {"email": email, "password": password}, **meta)


def test_a_spoofed_header_from_a_direct_client_changes_nothing():
    """15 logins, each claiming another address, from one client: capped at the rate."""
    client, user = APIClient(), UserFactory()
    statuses = [
        _login(client, user.email, PASSWORD, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code
        for i in range(15)
    ]
    assert statuses == [200] * _allowed("login") + [429] * (15 - _allowed("login"))
    ips = AuditEvent.objects.filter(action="auth.login").values_list("ip", flat=True)
    assert set(ips) == {"127.0.0.1"}


def test_password_resets_cannot_be_multiplied_with_spoofed_headers(
    django_capture_on_commit_callbacks,
):
    client, user = APIClient(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(12):
            client.post(
                "/api/v1/auth/password/reset/",
                {"email": user.email},
                HTTP_X_FORWARDED_FOR=f"198.51.100.{i}",
            )
    assert len(mail.outbox) == _allowed("password_reset")


def test_behind_our_proxy_the_client_is_the_address_it_appended(behind_proxy):
    """The proxy appends the peer it saw; whatever the client wrote to the left is ignored."""
    client, user = APIClient(), UserFactory()
    statuses = []
    for i in range(15):
        chain = f"198.51.100.{i}, 203.0.113.7"  # a spoofed hop, then the real client
        statuses.append(
            _login(
                client, user.email, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=chain
            ).status_code
        )
    assert statuses == [200] * _allowed("login") + [429] * (15 - _allowed("login"))
    ips = set(AuditEvent.objects.filter(action="auth.login").values_list("ip", flat=True))
    assert ips == {"203.0.113.7"}  # the client, not the proxy, not the spoof
    # Another client through the same proxy has its own budget.
    other = _login(
        client, user.email, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.8"
    )
    assert other.status_code == 200


def test_lockouts_key_on_the_client_behind_the_proxy(behind_proxy, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client, user = APIClient(), UserFactory()
    for _ in range(3):
        _login(client, user.email, "wrong", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")
    locked = _login(
        client, user.email, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    assert locked.status_code == 429
    elsewhere = _login(
        client, user.email, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert elsewhere.status_code == 200


@pytest.mark.parametrize(
    ("peer", "header", "trusted", "expected"),
    [
        ("203.0.113.7", "198.51.100.1", ["10.0.0.0/8"], "203.0.113.7"),  # not our proxy
        ("10.0.0.5", "198.51.100.1, 203.0.113.7", ["10.0.0.0/8"], "203.0.113.7"),
        ("10.0.0.5", "203.0.113.7, 10.0.0.9", ["10.0.0.0/8"], "203.0.113.7"),  # two proxies
        ("10.0.0.5", "10.0.0.8, 10.0.0.9", ["10.0.0.0/8"], "10.0.0.8"),  # all ours
        ("10.0.0.5", "not-an-ip, 203.0.113.7", ["10.0.0.0/8"], "203.0.113.7"),
        ("10.0.0.5", "203.0.113.7, not-an-ip", ["10.0.0.0/8"], "10.0.0.5"),
        ("10.0.0.5", "", ["10.0.0.0/8"], "10.0.0.5"),
        ("::1", "2001:db8::7", ["::1"], "2001:db8::7"),
        ("192.0.2.1", "203.0.113.7", ["*"], "203.0.113.7"),
        ("127.0.0.1", "203.0.113.7", [], "127.0.0.1"),  # nobody trusted: direct clients
    ],
)
def test_the_address_is_read_from_the_trusted_end_of_the_chain(
    settings, peer, header, trusted, expected
):
    settings.TRUSTED_PROXIES = trusted
    assert client_address({"REMOTE_ADDR": peer, "HTTP_X_FORWARDED_FOR": header}) == expected


def test_a_unix_socket_peer_signs_in_and_is_locked_out_by_name_alone(client, settings):
    """gunicorn on a Unix socket gives no IP address: sign-in works (no 500 from the
    lockout table's IP column) and failures still lock the account out."""
    user = UserFactory(is_staff=True)
    socket_peer = {"REMOTE_ADDR": "unix:/run/folio.sock"}
    good = client.post(
        "/admin/login/", {"username": user.email, "password": PASSWORD}, **socket_peer
    )
    assert good.status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": user.email, "password": "wrong"}, **socket_peer)
    locked = client.post(
        "/admin/login/", {"username": user.email, "password": PASSWORD}, **socket_peer
    )
    assert locked.status_code in (403, 429)
