"""Users log in by email; API keys authenticate machines with scopes."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.roles import ROLE_NAMES


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields):
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, email: str):
        # Emails are stored lower-case; people type them however they like.
        return self.get(email__iexact=email)

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="Can log in to the admin. Set for every user with a role."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def roles(self) -> list[str]:
        """Names of the Folio roles (groups) the user holds, in matrix order."""
        held = {group.name for group in self.groups.all()}
        return [name for name in ROLE_NAMES if name in held]


class ApiKeyScope(models.TextChoices):
    DELIVERY_READ = "delivery:read", "Read the delivery API"
    CONTENT_READ = "content:read", "Read the management API"
    CONTENT_WRITE = "content:write", "Write through the management API"


class ApiKey(models.Model):
    """A machine credential. Only the SHA-256 of the key is stored; it is shown once."""

    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(default=list)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_keys",
        help_text="Requests made with the key act as this user, limited to the key's scopes.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set through accounts.key_limits.api_key_set_limits, which validates and audits.
    rate_limit = models.CharField(
        max_length=32,
        blank=True,
        default="",
        db_default="",  # the running release inserts rows without it during a rollout
        help_text='Its own throttle, such as "600/min" (s, min, hour, day); empty: the default.',
    )
    allowed_networks = models.JSONField(
        default=list,
        db_default=[],
        blank=True,
        help_text="CIDR ranges the key may be used from (10.0.0.0/8, 2001:db8::/32); "
        "empty: anywhere.",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()


class UserSession(models.Model):
    """One place a user is signed in: a browser's admin session or an API refresh token.

    What "Sessions" lists and lets the user end (accounts.user_sessions). The row goes
    with what it describes: Django deletes it with its session (sign-out, expiry's
    clearsessions, a key cycled at sign-in) and simplejwt's flushexpiredtokens with its
    token. Sessions live in the database (cached in Redis: config/settings/sessions.py),
    so the foreign key holds.
    """

    class Kind(models.TextChoices):
        BROWSER = "browser", "Browser"
        API = "api", "API token"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions"
    )
    session = models.OneToOneField(
        "sessions.Session", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    refresh_token = models.OneToOneField(
        "token_blacklist.OutstandingToken",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    ip = models.GenericIPAddressField("address", null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    created_at = models.DateTimeField("signed in", default=timezone.now)
    last_seen_at = models.DateTimeField("last seen", default=timezone.now)

    class Meta:
        ordering = ["-last_seen_at"]
        verbose_name = "session"
        constraints = [
            # Exactly one of the two: a row describes a browser or a token, never both.
            models.CheckConstraint(
                condition=models.Q(session__isnull=False, refresh_token__isnull=True)
                | models.Q(session__isnull=True, refresh_token__isnull=False),
                name="user_session_one_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.user_id} ({self.pk})"

    @property
    def kind(self) -> str:
        return self.Kind.BROWSER if self.session_id else self.Kind.API

    def get_kind_display(self) -> str:
        return self.Kind(self.kind).label


class OidcIdentity(models.Model):
    """A user's account at an OpenID Connect issuer (accounts.oidc): the issuer's `sub`
    for them, which never changes, unlike an email. Sign-in matches on it first."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oidc_identities"
    )
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "single sign-on identity"
        verbose_name_plural = "single sign-on identities"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="oidc_identity_unique"),
            # One account per issuer: another `sub` claiming the same email is refused.
            models.UniqueConstraint(fields=["user", "issuer"], name="oidc_identity_one_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} at {self.issuer}"
