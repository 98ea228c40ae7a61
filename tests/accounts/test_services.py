"""accounts.services: every write, allowed and refused."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts import services
from accounts.audit import audit_requested
from accounts.models import ApiKey, User
from accounts.roles import ROLE_NAMES
from tests.accounts.factories import PASSWORD, ApiKeyFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase-42"


@pytest.fixture
def audit_events():
    """The audit events the services ask for (governance records them)."""
    events: list[dict] = []

    def receiver(sender, **kwargs):
        events.append(kwargs)

    audit_requested.connect(receiver, dispatch_uid="tests.accounts.audit_events")
    yield events
    audit_requested.disconnect(dispatch_uid="tests.accounts.audit_events")


def _actions(events) -> list[str]:
    return [e["action"] for e in events]


# --- user_create ----------------------------------------------------------------------------


def test_user_create(admin_user, audit_events):
    user = services.user_create(
        actor=admin_user,
        email=" Rhea@Example.COM",
        password=NEW_PASSWORD,
        full_name="Rhea",
        roles=["Reviewer", "Reviewer", "Viewer"],
    )
    assert user.email == "rhea@example.com"
    assert user.roles == ["Reviewer", "Viewer"]
    assert user.is_staff
    assert user.is_active
    assert not user.is_superuser
    assert user.check_password(NEW_PASSWORD)
    assert _actions(audit_events) == ["user.create"]
    assert audit_events[0]["actor"] == admin_user
    assert audit_events[0]["target"] == user
    assert "password" not in str(audit_events[0]["changes"])


def test_user_create_without_roles_is_not_staff():
    user = services.user_create(actor=None, email="plain@example.com", password=NEW_PASSWORD)
    assert user.roles == []
    assert not user.is_staff


@pytest.mark.parametrize("role", ROLE_NAMES[1:])
def test_user_create_refused_for_non_administrators(role, audit_events):
    actor = UserFactory(role=role)
    with pytest.raises(PermissionDenied):
        services.user_create(actor=actor, email="x@example.com", password=NEW_PASSWORD)
    assert not User.objects.filter(email="x@example.com").exists()
    assert audit_events == []


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"roles": ["Overlord"]}, "roles"),
        ({"email": "TAKEN@example.com"}, "email"),
        ({"password": "short"}, "password"),
        ({"password": "12345678901234"}, "password"),
    ],
)
def test_user_create_validation(admin_user, kwargs, field):
    UserFactory(email="taken@example.com")
    params = {"email": "ok@example.com", "password": NEW_PASSWORD, **kwargs}
    with pytest.raises(ValidationError) as exc:
        services.user_create(actor=admin_user, **params)
    assert field in exc.value.message_dict
    assert User.objects.count() == 2


# --- user_update ----------------------------------------------------------------------------


def test_users_edit_their_own_profile(audit_events):
    user = UserFactory(full_name="Old", role="Author")
    services.user_update(actor=user, user=user, data={"full_name": "New", "email": "N@E.com"})
    user.refresh_from_db()
    assert (user.full_name, user.email) == ("New", "n@e.com")
    assert audit_events[0]["changes"]["full_name"] == ["Old", "New"]


@pytest.mark.parametrize(("data", "roles"), [({}, ["Administrator"]), ({"is_active": False}, None)])
def test_users_cannot_change_their_own_roles_or_status(data, roles):
    user = UserFactory(role="Author")
    with pytest.raises(PermissionDenied):
        services.user_update(actor=user, user=user, data=data, roles=roles)
    user.refresh_from_db()
    assert user.roles == ["Author"]
    assert user.is_active


def test_users_cannot_edit_someone_else():
    user, other = UserFactory(role="Editor"), UserFactory(full_name="Other")
    with pytest.raises(PermissionDenied):
        services.user_update(actor=user, user=other, data={"full_name": "Hacked"})
    other.refresh_from_db()
    assert other.full_name == "Other"


def test_unchanged_update_is_not_audited(admin_user, audit_events):
    user = UserFactory(full_name="Same", role="Viewer")
    services.user_update(actor=admin_user, user=user, data={"full_name": "Same"}, roles=["Viewer"])
    assert audit_events == []


def test_admin_changes_roles(admin_user, audit_events):
    user = UserFactory(role="Viewer")
    services.user_update(actor=admin_user, user=user, data={}, roles=["Editor"])
    assert user.roles == ["Editor"]
    assert audit_events[0]["changes"]["roles"] == [["Viewer"], ["Editor"]]
    services.user_update(actor=admin_user, user=user, data={}, roles=[])
    user.refresh_from_db()
    assert user.roles == []
    assert not user.is_staff


def test_admin_cannot_lock_themselves_out(admin_user):
    with pytest.raises(ValidationError):
        services.user_deactivate(actor=admin_user, user=admin_user)
    with pytest.raises(ValidationError):
        services.user_update(actor=admin_user, user=admin_user, data={}, roles=["Editor"])
    admin_user.refresh_from_db()
    assert admin_user.is_active
    assert admin_user.roles == ["Administrator"]


def test_another_admin_can_be_demoted(admin_user):
    other = UserFactory(role="Administrator")
    services.user_update(actor=admin_user, user=other, data={}, roles=["Editor"])
    assert other.roles == ["Editor"]


def test_deactivation_blacklists_every_refresh_token(admin_user):
    user = UserFactory()
    tokens = [RefreshToken.for_user(user) for _ in range(3)]
    RefreshToken.for_user(admin_user)
    services.user_deactivate(actor=admin_user, user=user)
    assert not User.objects.get(pk=user.pk).is_active
    blacklisted = set(BlacklistedToken.objects.values_list("token__jti", flat=True))
    assert blacklisted == {t["jti"] for t in tokens}


# --- Sessions -------------------------------------------------------------------------------


def test_session_logout_blacklists_the_refresh_token_and_audits_its_user(audit_events):
    user, other = UserFactory(), UserFactory()
    token, kept = RefreshToken.for_user(user), RefreshToken.for_user(user)
    RefreshToken.for_user(other)
    assert services.session_logout(refresh_token=str(token)) == user
    blacklisted = set(BlacklistedToken.objects.values_list("token__jti", flat=True))
    assert blacklisted == {token["jti"]}  # that session only: the user's others stay valid
    assert [(e["action"], e["actor"], e["target"]) for e in audit_events] == [
        ("auth.logout", user, user)
    ]
    RefreshToken(str(kept))  # still accepted


@pytest.mark.parametrize("which", ["blacklisted", "access", "garbage"])
def test_session_logout_refuses_a_token_that_is_not_a_live_refresh_token(which, audit_events):
    user = UserFactory()
    refresh = RefreshToken.for_user(user)
    if which == "blacklisted":
        services.session_logout(refresh_token=str(refresh))
        audit_events.clear()
    presented = {
        "blacklisted": str(refresh),
        "access": str(refresh.access_token),
        "garbage": "not-a-token",
    }[which]
    before = BlacklistedToken.objects.count()
    with pytest.raises(InvalidToken) as exc:
        services.session_logout(refresh_token=presented)
    assert exc.value.status_code == 401
    assert exc.value.detail["code"] == "token_not_valid"
    assert BlacklistedToken.objects.count() == before
    assert audit_events == []


# --- Passwords --------------------------------------------------------------------------------


def test_password_change(audit_events):
    user = UserFactory()
    RefreshToken.for_user(user)
    services.user_change_password(user=user, old_password=PASSWORD, new_password=NEW_PASSWORD)
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True).exists()
    assert _actions(audit_events) == ["user.password_change"]


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [("wrong", NEW_PASSWORD, "old_password"), (PASSWORD, "abc", "new_password")],
)
def test_password_change_refused(old, new, field, audit_events):
    user = UserFactory()
    with pytest.raises(ValidationError) as exc:
        services.user_change_password(user=user, old_password=old, new_password=new)
    assert field in exc.value.message_dict
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert audit_events == []


def test_password_reset_request_for_unknown_email_does_nothing(
    django_capture_on_commit_callbacks, audit_events
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.password_reset_request(email="nobody@example.com")
    assert callbacks == []
    assert mail.outbox == []
    assert audit_events == []


def test_password_reset_email_waits_for_commit(django_capture_on_commit_callbacks):
    UserFactory(email="reset@example.com", full_name="Rose Reset")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.password_reset_request(email="RESET@example.com")
    assert mail.outbox == []  # nothing is sent until the transaction commits
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Reset your Folio password"
    assert mail.outbox[0].body.startswith("Hello Rose,")


def test_password_reset_confirm_once(django_capture_on_commit_callbacks):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = UserFactory()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    services.password_reset_confirm(uid=uid, token=token, new_password=NEW_PASSWORD)
    with pytest.raises(ValidationError):
        services.password_reset_confirm(uid=uid, token=token, new_password="another-passphrase-9")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


# --- API keys -------------------------------------------------------------------------------


def test_api_key_create(admin_user, audit_events):
    key, raw = services.api_key_create(
        actor=admin_user, name="CI", scopes=["content:write", "content:read", "content:write"]
    )
    assert key.user == admin_user
    assert key.created_by == admin_user
    assert key.scopes == ["content:write", "content:read"]
    assert raw.startswith(f"folio_{key.prefix}_")
    assert key.key_hash == services.api_key_hash(raw)
    assert raw not in str(audit_events)
    assert _actions(audit_events) == ["api_key.create"]


def test_api_keys_are_unique(admin_user):
    raws = {services.api_key_create(actor=admin_user, name="k", scopes=["content:read"])[1]}
    raws |= {services.api_key_create(actor=admin_user, name="k", scopes=["content:read"])[1]}
    assert len(raws) == 2
    assert len(set(ApiKey.objects.values_list("prefix", flat=True))) == 2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"scopes": []}, "scopes"),
        ({"scopes": ["content:read", "root"]}, "scopes"),
        ({"expires_at": timezone.now() - timedelta(minutes=1)}, "expires_at"),
    ],
)
def test_api_key_create_validation(admin_user, kwargs, field):
    params = {"name": "k", "scopes": ["content:read"], **kwargs}
    with pytest.raises(ValidationError) as exc:
        services.api_key_create(actor=admin_user, **params)
    assert field in exc.value.message_dict
    assert not ApiKey.objects.exists()


@pytest.mark.parametrize("role", ROLE_NAMES[1:])
def test_api_keys_are_for_administrators(role):
    actor = UserFactory(role=role)
    with pytest.raises(PermissionDenied):
        services.api_key_create(actor=actor, name="k", scopes=["delivery:read"])
    key = ApiKeyFactory()
    with pytest.raises(PermissionDenied):
        services.api_key_revoke(actor=actor, api_key=key)
    key.refresh_from_db()
    assert key.revoked_at is None


def test_api_key_revoke_is_idempotent(admin_user, audit_events):
    key = ApiKeyFactory()
    services.api_key_revoke(actor=admin_user, api_key=key)
    first = ApiKey.objects.get(pk=key.pk).revoked_at
    services.api_key_revoke(actor=admin_user, api_key=ApiKey.objects.get(pk=key.pk))
    assert ApiKey.objects.get(pk=key.pk).revoked_at == first
    assert _actions(audit_events).count("api_key.revoke") == 1


def test_api_key_authenticate():
    key = ApiKeyFactory()
    assert services.api_key_authenticate(key.raw_key) == key
    prefix = key.raw_key.rsplit("_", 1)[0]
    for raw in [f"{prefix}_wrong", key.raw_key[:-1], "folio_x", "", key.raw_key + "x"]:
        assert services.api_key_authenticate(raw) is None, raw


def test_api_key_authenticate_refuses_unusable_keys():
    revoked, expired, orphaned = ApiKeyFactory(), ApiKeyFactory(), ApiKeyFactory()
    ApiKey.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    ApiKey.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    User.objects.filter(pk=orphaned.user_id).update(is_active=False)
    for key in (revoked, expired, orphaned):
        assert services.api_key_authenticate(key.raw_key) is None


def test_api_key_last_used_is_written_at_most_once_a_minute(django_assert_num_queries):
    key = ApiKeyFactory()
    services.api_key_authenticate(key.raw_key)
    first = ApiKey.objects.get(pk=key.pk).last_used_at
    assert first is not None
    with django_assert_num_queries(1):  # the lookup, no write
        services.api_key_authenticate(key.raw_key)
    assert ApiKey.objects.get(pk=key.pk).last_used_at == first
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=first - timedelta(minutes=2))
    services.api_key_authenticate(key.raw_key)
    assert ApiKey.objects.get(pk=key.pk).last_used_at > first


# --- Roles and seeding -------------------------------------------------------------------------


def test_roles_sync_restores_the_matrix():
    editor = Group.objects.get(name="Editor")
    expected = set(editor.permissions.all())
    editor.permissions.add(Permission.objects.get(codename="delete_user"))
    Group.objects.get(name="Viewer").delete()
    services.roles_sync()
    assert set(editor.permissions.all()) == expected
    assert Group.objects.filter(name="Viewer").exists()


def test_seed_demo_creates_a_user_per_role_once():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    first = out.getvalue()
    password = first.split("password:", 1)[1].split()[0]
    for role in ROLE_NAMES:
        local = "admin" if role == "Administrator" else role.lower()
        user = User.objects.get(email=f"{local}@folio.local")
        assert user.roles == [role]
        assert user.check_password(password)

    again = StringIO()
    call_command("seed_demo", stdout=again)
    assert password not in again.getvalue()
    assert User.objects.count() == len(ROLE_NAMES)
