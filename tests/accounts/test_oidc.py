"""Single sign-on (accounts.oidc): who signs in, with which roles, and the audit rows.

Against a real issuer on 127.0.0.1 (tests/oidc_issuer.py); nothing of Authlib is mocked.
"""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import OidcIdentity, User
from governance.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.accounts.oidc_flow import last_refusal, login_page_message, sign_in

pytestmark = pytest.mark.django_db


def signed_in_user(client: Client) -> User | None:
    response = client.get("/admin/")
    return response.wsgi_request.user if response.status_code == 200 else None


def test_an_existing_user_signs_in_by_verified_email_with_the_mapped_role(issuer, client):
    ada = UserFactory(email="ada@example.com", role="Author")
    response = sign_in(client, next_url="/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/accounts/user/"
    assert signed_in_user(client) == ada
    ada.refresh_from_db()
    # Editor from the claim; Author was never mapped, so an Administrator's grant stays.
    assert ada.roles == ["Editor", "Author"]
    assert client.session["auth_method"] == "oidc"
    identity = OidcIdentity.objects.get(user=ada)
    assert (identity.issuer, identity.subject) == (issuer.issuer, "sub-ada")
    login = AuditEvent.objects.filter(action="auth.sso_login").latest("id")
    assert login.actor == ada
    assert login.metadata["factor"] == "oidc"
    assert login.metadata["roles"] == ["Editor", "Author"]
    session_login = AuditEvent.objects.filter(action="auth.login").latest("id")
    assert session_login.metadata == {"via": "admin", "factor": "oidc"}


def test_the_pkce_verifier_and_secret_reach_the_token_endpoint(issuer, client):
    UserFactory(email="ada@example.com")
    sign_in(client)
    (request,) = issuer.token_requests
    assert len(request["code_verifier"]) >= 43
    assert request["grant_type"] == "authorization_code"


def test_the_link_is_matched_first_even_after_the_email_changes(issuer, client):
    ada = UserFactory(email="ada@example.com")
    sign_in(client)
    client.logout()
    issuer.user["email"] = "ada.lovelace@example.com"
    issuer.user["email_verified"] = False
    assert sign_in(client).status_code == 302
    assert signed_in_user(client) == ada


def test_an_unverified_email_matches_nobody(issuer, client):
    UserFactory(email="ada@example.com")
    issuer.user["email_verified"] = False
    response = sign_in(client)
    assert response["Location"] == "/admin/login/"
    assert signed_in_user(client) is None
    assert "did not share a verified email" in login_page_message(client)
    assert last_refusal().metadata["reason"] == "email_unverified"
    assert not OidcIdentity.objects.exists()


def test_a_string_true_is_not_a_verified_email(issuer, client):
    UserFactory(email="ada@example.com")
    issuer.user["email_verified"] = "true"
    sign_in(client)
    assert signed_in_user(client) is None


def test_unknown_users_are_refused_unless_creation_is_allowed(issuer, client, settings):
    response = sign_in(client)
    assert response["Location"] == "/admin/login/"
    assert "There is no Folio account for this email" in login_page_message(client)
    assert last_refusal().metadata == {
        "factor": "oidc",
        "reason": "no_account",
        "issuer": issuer.issuer,
        "subject": "sub-ada",
        "email": "ada@example.com",
    }
    assert not User.objects.filter(email="ada@example.com").exists()

    settings.OIDC_CREATE_USERS = True
    assert sign_in(client)["Location"] == "/admin/"
    ada = User.objects.get(email="ada@example.com")
    assert (ada.full_name, ada.roles, ada.is_staff) == ("Ada Lovelace", ["Editor"], True)
    assert not ada.has_usable_password()
    assert signed_in_user(client) == ada
    created = AuditEvent.objects.get(action="user.create")
    assert created.metadata["via"] == "oidc"


def test_a_new_user_without_a_mapped_role_is_not_created(issuer, client, settings):
    settings.OIDC_CREATE_USERS = True
    issuer.user["groups"] = ["marketing"]
    sign_in(client)
    assert not User.objects.filter(email="ada@example.com").exists()
    assert last_refusal().metadata["reason"] == "no_role"


def test_an_inactive_user_is_refused(issuer, client):
    UserFactory(email="ada@example.com", role="Editor", is_active=False)
    sign_in(client)
    assert signed_in_user(client) is None
    assert "This account is deactivated" in login_page_message(client)
    refusal = last_refusal()
    assert (refusal.metadata["reason"], refusal.target_repr) == ("inactive", "ada@example.com")


def test_roles_follow_the_claim_on_every_sign_in(issuer, client, caplog):
    ada = UserFactory(email="ada@example.com", role="Editor")
    issuer.user["groups"] = ["folio-admins", "no-such-team"]
    sign_in(client)
    ada.refresh_from_db()
    assert ada.roles == ["Administrator"]  # Editor is mapped, and no longer claimed
    assert "no-such-team" in caplog.text
    login = AuditEvent.objects.filter(action="auth.sso_login").latest("id")
    assert login.metadata["ignored_roles"] == ["no-such-team"]
    update = AuditEvent.objects.filter(action="user.update").latest("id")
    assert update.changes == {"roles": [["Editor"], ["Administrator"]]}


def test_a_claim_naming_no_role_only_leaves_a_user_without_access(issuer, client):
    ada = UserFactory(email="ada@example.com", role="Editor")
    issuer.user["groups"] = ["Administrator", "folio-superusers"]  # neither is mapped
    sign_in(client)
    ada.refresh_from_db()
    assert (ada.roles, ada.is_staff) == ([], False)  # the withdrawn Editor role stays withdrawn
    assert signed_in_user(client) is None
    assert last_refusal().metadata["reason"] == "no_role"


def test_an_email_outside_the_allowed_domains_is_refused(issuer, client, settings):
    settings.OIDC_ALLOWED_EMAIL_DOMAINS = ["folio.example"]
    UserFactory(email="ada@example.com", role="Editor")
    sign_in(client)
    assert signed_in_user(client) is None
    assert last_refusal().metadata["reason"] == "email_domain"


def test_another_subject_with_a_linked_email_does_not_take_the_account(issuer, client):
    ada = UserFactory(email="ada@example.com", role="Editor")
    OidcIdentity.objects.create(user=ada, issuer=issuer.issuer, subject="sub-original")
    sign_in(client)  # sub-ada now claims ada@example.com
    assert signed_in_user(client) is None
    assert last_refusal().metadata["reason"] == "identity_conflict"


def test_an_unsafe_next_address_is_replaced_by_the_admin(issuer, client):
    UserFactory(email="ada@example.com")
    assert sign_in(client, next_url="https://evil.example/")["Location"] == "/admin/"


def test_the_pages_do_not_exist_without_an_issuer(client, settings):
    settings.OIDC_ISSUER = ""
    assert client.get("/admin/oidc/login/").status_code == 404
    assert client.get("/admin/oidc/callback/").status_code == 404
    assert "/admin/oidc/login/" not in login_page_message(client)


def test_the_login_page_offers_the_provider(issuer, client):
    page = login_page_message(client)
    assert "Sign in with Test IdP" in page
    assert 'href="/admin/oidc/login/?next=' in page


def test_an_administrator_sees_and_unlinks_a_users_sso_link(issuer, client):
    ada = UserFactory(email="ada@example.com", role="Editor")
    sign_in(client)
    admin = UserFactory(role="Administrator")
    admin_client = Client()
    admin_client.force_login(admin)
    page = admin_client.get(f"/admin/accounts/user/{ada.pk}/change/").content.decode()
    assert "Single sign-on" in page
    assert "sub-ada" in page
    identity = OidcIdentity.objects.get(user=ada)

    # An Editor may not unlink (the admin refuses non-staff; the service, non-Administrators).
    editor_client = Client()
    editor_client.force_login(UserFactory(role="Editor"))
    editor_client.post(f"/admin/oidc/unlink/{identity.pk}/")
    assert OidcIdentity.objects.filter(pk=identity.pk).exists()

    response = admin_client.post(f"/admin/oidc/unlink/{identity.pk}/")
    assert response["Location"] == f"/admin/accounts/user/{ada.pk}/change/"
    assert not OidcIdentity.objects.filter(user=ada).exists()
    unlink = AuditEvent.objects.get(action="user.oidc_unlink")
    assert (unlink.actor, unlink.metadata["subject"]) == (admin, "sub-ada")
    page = admin_client.get(f"/admin/accounts/user/{ada.pk}/change/").content.decode()
    assert "sub-ada" not in page
