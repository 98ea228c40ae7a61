"""A passkey in headless Chromium (issue 18, done when): Chromium's virtual authenticator
(the DevTools protocol's WebAuthn domain: CTAP2, built in, discoverable credentials, user
verification, presence answered by itself) stands in for the device's screen lock. An
Editor adds a passkey on their Security page, signs out, and signs back in with the
passkey alone. Screenshots land in tests/e2e/screenshots/passkeys-*.png.
"""

from __future__ import annotations

import re

import pytest
from django_otp_webauthn.models import WebAuthnCredential

from governance.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_editorial_flow import PASSWORD, log_in, log_out

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def passkey_site(e2e_settings, live_server):
    """Passkeys for the live server's address: http://localhost:<port> (browsers refuse
    passkeys on an IP address, and allow them on plain http only for localhost)."""
    assert live_server.url.startswith("http://localhost:")
    e2e_settings.OTP_WEBAUTHN_RP_ID = "localhost"
    e2e_settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    return live_server


def security_page(user) -> str:
    return f"/admin/accounts/user/{user.pk}/security/"


def add_passkey(page, user) -> None:
    """Signed in with the password, `user` adds a passkey on their Security page."""
    log_in(page, user.email)
    page.goto(page.base_url + security_page(user))
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.locator("#passkey-list tbody tr")).to_have_count(1)


def add_virtual_authenticator(page) -> tuple[object, str]:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def test_an_editor_adds_a_passkey_and_signs_in_with_it_alone(browser_page, passkey_site):
    page = browser_page
    editor = UserFactory(role="Editor", email="eve@example.com", full_name="Eve Editor")
    cdp, authenticator_id = add_virtual_authenticator(page)

    # 1. Signed in with the password, the editor adds a passkey on the panel.
    log_in(page, editor.email)
    page.goto(page.base_url + security_page(editor))
    expect(page.locator("#passkey-list-empty")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "passkeys-none.png", full_page=True)
    page.get_by_role("button", name="Add a passkey").click()
    # The panel reloads once the passkey is saved, and lists it.
    row = page.locator("#passkey-list tbody tr")
    expect(row).to_have_count(1)
    expect(row.first).to_contain_text("Chrome")
    expect(row.first).to_contain_text("Never")
    page.screenshot(path=SCREENSHOTS / "passkeys-added.png", full_page=True)
    passkey = WebAuthnCredential.objects.get(user=editor)
    assert passkey.discoverable is True
    stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert len(stored["credentials"]) == 1
    assert stored["credentials"][0]["isResidentCredential"] is True
    assert stored["credentials"][0]["rpId"] == "localhost"

    # 2. Signed out, the editor signs in with the passkey: no email, no password.
    log_out(page)
    page.goto(page.base_url + "/admin/login/")
    button = page.get_by_role("button", name="Sign in with a passkey")
    expect(button).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "passkeys-sign-in.png", full_page=True)
    button.click()
    page.wait_for_url(page.base_url + "/admin/")
    expect(page.locator("#content-main")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "passkeys-signed-in.png", full_page=True)

    # The panel now says when the passkey was last used; the sign-in is audited.
    page.goto(page.base_url + security_page(editor))
    expect(row.first).not_to_contain_text("Never")
    event = AuditEvent.objects.filter(action="auth.login").latest("id")
    assert event.actor == editor
    assert event.metadata == {"via": "admin", "factor": "passkey"}
    assert page.errors == []


def test_a_passkey_sign_in_goes_on_to_the_page_asked_for(browser_page, passkey_site):
    page = browser_page
    editor = UserFactory(role="Editor", email="eve@example.com")
    add_virtual_authenticator(page)
    add_passkey(page, editor)
    log_out(page)

    page.goto(page.base_url + "/admin/content/article/")  # sent to sign in, with ?next=
    expect(page.locator("#login-form")).to_be_visible()
    page.get_by_role("button", name="Sign in with a passkey").click()
    page.wait_for_url(page.base_url + "/admin/content/article/")
    assert page.errors == []


def test_removing_the_passkey_on_the_panel(browser_page, passkey_site):
    page = browser_page
    editor = UserFactory(role="Editor", email="eve@example.com")
    add_virtual_authenticator(page)
    add_passkey(page, editor)
    page.get_by_role("button", name="Remove the passkey").click()
    expect(page.locator("#passkey-list-empty")).to_be_visible()
    expect(page.get_by_text("Removed the passkey")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "passkeys-removed.png", full_page=True)
    assert not WebAuthnCredential.objects.exists()
    assert page.errors == []


def test_a_passkey_passes_the_second_step_after_the_password(browser_page, passkey_site):
    page = browser_page
    editor = UserFactory(role="Editor", email="eve@example.com")
    add_virtual_authenticator(page)
    add_passkey(page, editor)
    log_out(page)

    # The password: now the second step asks for a factor.
    page.goto(page.base_url + "/admin/login/")
    page.fill("#id_username", editor.email)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form [type=submit]")
    expect(page).to_have_url(re.compile(r"/admin/login/verify/"))
    page.screenshot(path=SCREENSHOTS / "passkeys-second-step.png", full_page=True)
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url(page.base_url + "/admin/")
    event = AuditEvent.objects.filter(action="auth.login").latest("id")
    assert (event.actor, event.metadata) == (editor, {"via": "admin", "factor": "passkey"})
    assert page.errors == []
