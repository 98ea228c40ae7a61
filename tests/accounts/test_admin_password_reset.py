"""'Forgot password?' on the admin's sign-in page, end to end through the test client: the
email (locmem backend) links to the admin's own confirm page, the new password works
once, earlier tokens die, and everything is audited as the API's reset is."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from governance.models import AuditEvent
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-much-better-passphrase-42"
RESET = "/admin/password_reset/"


def ask_for_reset(client, email: str, capture):
    with capture(execute=True):
        return client.post(RESET, {"email": email})


def reset_link(message) -> str:
    found = re.search(r"https?://\S+(/admin/reset/\S+/)", message.body)
    assert found, message.body
    return found.group(1)


def sign_in(client, email: str, password: str):
    return client.post(reverse("admin:login"), {"username": email, "password": password})


def test_the_sign_in_page_offers_a_reset():
    html = Client().get(reverse("admin:login")).content.decode()
    assert f'<a href="{RESET}" class="password-reset-link">Forgot password?</a>' in html
    page = Client().get(RESET)
    assert page.status_code == 200
    assert 'name="email"' in page.content.decode()


def test_a_reset_from_the_sign_in_page_works_once(settings, django_capture_on_commit_callbacks):
    user = UserFactory(email="forgetful@example.com", role="Editor")
    client = Client()
    response = ask_for_reset(client, "Forgetful@Example.com", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert "Check your email" in client.get(response["Location"]).content.decode()
    assert [m.to for m in mail.outbox] == [["forgetful@example.com"]]
    body = mail.outbox[0].body
    link = reset_link(mail.outbox[0])
    assert f"{settings.FOLIO_BASE_URL}{link}" in body  # Folio's address, not the Host header

    # The link hides its token in the session, then asks for the new password.
    landing = client.get(link)
    assert landing.status_code == 302
    form_url = landing["Location"]
    assert "set-password" in form_url
    assert 'name="new_password1"' in client.get(form_url).content.decode()
    done = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == reverse("password_reset_complete")
    assert "Your password was changed" in client.get(done["Location"]).content.decode()

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert sign_in(Client(), user.email, NEW_PASSWORD).status_code == 302
    actions = set(
        AuditEvent.objects.filter(target_id=str(user.pk)).values_list("action", flat=True)
    )
    assert {"user.password_reset_request", "user.password_reset"} <= actions

    # The same link again: spent.
    again = Client().get(link, follow=True).content.decode()
    assert "This link no longer works" in again


def test_an_unknown_address_gets_the_same_answer_and_no_email(django_capture_on_commit_callbacks):
    UserFactory(email="gone@example.com", is_active=False)
    for email in ("nobody@example.com", "gone@example.com"):
        response = ask_for_reset(Client(), email, django_capture_on_commit_callbacks)
        assert response.status_code == 302
        assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_bad_input_is_refused_on_the_form(django_capture_on_commit_callbacks):
    response = ask_for_reset(Client(), "not an address", django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert mail.outbox == []
    broken = Client().get("/admin/reset/Mg/not-a-token/", follow=True)
    assert broken.status_code == 200
    assert "This link no longer works" in broken.content.decode()


def test_a_weak_new_password_is_refused_and_the_old_one_kept(django_capture_on_commit_callbacks):
    user = UserFactory(email="weak@example.com", role="Author")
    client = Client()
    ask_for_reset(client, user.email, django_capture_on_commit_callbacks)
    form_url = client.get(reset_link(mail.outbox[0]))["Location"]
    response = client.post(form_url, {"new_password1": "123", "new_password2": "123"})
    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)


def test_reset_requests_share_the_apis_throttle(django_capture_on_commit_callbacks):
    allowed = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["password_reset"].split("/")[0])
    UserFactory(email="spam@example.com")
    client = Client()
    for _ in range(allowed):
        response = ask_for_reset(client, "spam@example.com", django_capture_on_commit_callbacks)
        assert response.status_code == 302
    refused = ask_for_reset(client, "spam@example.com", django_capture_on_commit_callbacks)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Too many reset requests" in refused.content.decode()
    assert len(mail.outbox) == allowed
    # The budget is the API's: the page is no way around it, nor the API around the page.
    api = APIClient().post("/api/v1/auth/password/reset/", {"email": "spam@example.com"})
    assert api.status_code == 429
