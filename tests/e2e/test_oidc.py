"""Single sign-on in a browser (issue 18 §2, done when): headless Chromium clicks "Sign in
with Test IdP" on the admin's sign-in page, the test issuer (tests/oidc_issuer.py, a real
server on 127.0.0.1) approves Ada, and she lands in the admin as an Editor, the role her
`groups` claim maps to. Screenshots: tests/e2e/screenshots/NN-oidc-*.png.
"""

from __future__ import annotations

import pytest

from accounts.models import OidcIdentity, User
from tests.accounts.factories import UserFactory
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.watched import Watched, sign_in
from tests.oidc_issuer import configure, running_issuer

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def issuer(e2e_settings):
    with running_issuer() as issuer:
        configure(e2e_settings, issuer, OIDC_CREATE_USERS=True)
        yield issuer


def test_a_new_user_signs_in_through_the_provider_as_an_editor(issuer, browser_page):
    page = browser_page
    page.goto(page.base_url + "/admin/")
    button = page.get_by_role("link", name="Sign in with Test IdP")
    expect(button).to_be_visible()
    page.shot("oidc-login-page")

    button.click()
    # Back from the issuer, in the admin: the Editor's sidebar, without Administrators' pages.
    expect(page.locator("#nav-sidebar, nav").first).to_be_attached()
    page.wait_for_url(page.base_url + "/admin/")
    sidebar = page.locator("#nav-sidebar, aside").first
    expect(sidebar.get_by_role("link", name="Categories")).to_be_visible()
    expect(sidebar.get_by_role("link", name="Users")).to_have_count(0)
    page.shot("oidc-signed-in-as-editor")

    ada = User.objects.get(email="ada@example.com")
    assert ada.roles == ["Editor"]
    assert OidcIdentity.objects.filter(user=ada, subject="sub-ada").exists()
    assert page.errors == []


def test_an_administrator_sees_the_link_on_the_users_page(issuer, browser, browser_page):
    browser_page.goto(browser_page.base_url + "/admin/login/")
    browser_page.get_by_role("link", name="Sign in with Test IdP").click()
    browser_page.wait_for_url(browser_page.base_url + "/admin/")
    ada = User.objects.get(email="ada@example.com")

    admin = UserFactory(email="root@example.com", role="Administrator")
    # Tall enough that the sticky Save bar sits below the panel in the screenshot.
    context = browser.new_context(viewport={"width": 1280, "height": 1300})
    watched = Watched(context, browser_page.base_url)
    sign_in(watched, admin.email)
    watched.open(f"/admin/accounts/user/{ada.pk}/change/")
    panel = watched.page.locator("#oidc-identities")
    expect(panel).to_contain_text("sub-ada")
    expect(panel.get_by_role("button", name="Unlink")).to_be_visible()
    watched.page.screenshot(path=SCREENSHOTS / "oidc-user-page.png")
    panel.get_by_role("button", name="Unlink").click()
    expect(watched.page.get_by_text("Unlinked ada@example.com")).to_be_visible()
    expect(watched.page.locator("#oidc-identities")).to_have_count(0)
    assert not OidcIdentity.objects.filter(user=ada).exists()
    context.close()


def test_a_refused_sign_in_comes_back_to_the_login_page_with_the_reason(issuer, browser_page):
    page = browser_page
    issuer.expired = True
    page.goto(page.base_url + "/admin/login/")
    page.get_by_role("link", name="Sign in with Test IdP").click()
    expect(page.get_by_text("Single sign-on failed. Please try again.")).to_be_visible()
    expect(page.locator("#login-form")).to_be_visible()
    page.shot("oidc-refused")
    assert not User.objects.filter(email="ada@example.com").exists()
