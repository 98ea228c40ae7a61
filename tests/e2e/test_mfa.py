"""Two-factor sign-in in the browser (issue 18 §1, done when): an Administrator signs in
with a password, is made to enrol an authenticator app, signs out, and signs in again
with the password and a code. The codes are computed here from the key the page shows, as
an authenticator app would (django_otp.oath). Screenshots: tests/e2e/screenshots/*-mfa-*.png.
"""

from __future__ import annotations

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from governance.models import AuditEvent
from tests.accounts.factories import PASSWORD, UserFactory

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def app_code(secret: str, steps: int = 0) -> str:
    """What an authenticator app shows for `secret` now (or `steps` windows later)."""
    totp = TOTP(b32decode(secret), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time() + 30 * steps
    return f"{totp.token():06d}"


def password_step(page, email: str) -> None:
    page.goto(page.base_url + "/admin/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form [type=submit]")


def test_an_administrator_is_made_to_enrol_then_signs_in_with_a_code(browser_page, e2e_settings):
    e2e_settings.MFA_REQUIRED_ROLES = ["Administrator"]
    # No wait after the wrong code below (django-otp's 1 s; tests/accounts covers it).
    e2e_settings.OTP_TOTP_THROTTLE_FACTOR = 0
    page = browser_page
    admin = UserFactory(role="Administrator", email="ada@example.com", full_name="Ada Admin")
    security = f"/admin/accounts/user/{admin.pk}/security/"

    # 1. The password alone leads to enrolment, and nowhere else.
    password_step(page, admin.email)
    page.wait_for_url(f"**{security}")
    expect(page.get_by_text("set it up before anything else")).to_be_visible()
    expect(page.get_by_text("Your role requires it.")).to_be_visible()
    page.shot("mfa-must-enrol")
    page.goto(page.base_url + "/admin/content/article/")
    page.wait_for_url(f"**{security}")

    # 2. Enrol: the QR code and the key; the app's code confirms it.
    page.click("#mfa-totp-begin")
    qr = page.locator("[data-totp-qr] svg")
    expect(qr).to_be_visible()
    secret = page.locator("[data-totp-secret]").inner_text().strip()
    page.shot("mfa-enrol-qr")
    page.fill("#mfa-totp-confirm input[name=code]", app_code(secret))
    page.click("#mfa-totp-confirm [type=submit]")
    expect(page.get_by_text("Your authenticator app is set up.")).to_be_visible()
    expect(page.locator("[data-recovery-codes] li")).to_have_count(10)
    expect(page.locator("tr[data-device^=totp-]")).to_have_count(1)
    page.shot("mfa-enrolled-recovery-codes")

    # 3. The admin is open now.
    page.goto(page.base_url + "/admin/content/article/")
    expect(page.locator("#content-main")).to_be_visible()
    assert "/security/" not in page.url

    # 4. Sign out (the user menu at the foot of the sidebar).
    page.click("[x-data*=openUserLinks] > div")
    page.click("#logout-form button")
    page.wait_for_selector("text=Logged out")

    # 5. The password alone is not enough any more: the second step asks for a code.
    password_step(page, admin.email)
    page.wait_for_url("**/admin/login/verify/")
    expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
    page.goto(page.base_url + "/admin/")
    page.wait_for_url("**/admin/login/**")  # not signed in on the password
    password_step(page, admin.email)
    page.wait_for_url("**/admin/login/verify/")
    page.fill("#id_code", "000000" if app_code(secret, 1) != "000000" else "111111")
    page.click("#mfa-verify-form [type=submit]")
    expect(page.get_by_text("The code is not correct")).to_be_visible()
    page.shot("mfa-wrong-code")
    # The window after the enrolment's: its code was used, and a used code is refused.
    page.fill("#id_code", app_code(secret, 1))
    page.shot("mfa-verify")
    page.click("#mfa-verify-form [type=submit]")
    expect(page.locator("#content-main")).to_be_visible()
    assert page.url.rstrip("/").endswith("/admin")
    page.shot("mfa-signed-in")
    login = AuditEvent.objects.filter(action="auth.login").latest("id")
    assert login.metadata == {"via": "admin", "factor": "totp"}
    assert page.errors == []
