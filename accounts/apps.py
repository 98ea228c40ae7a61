from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save


def _sync_roles(sender, **kwargs) -> None:
    from accounts.services import roles_sync

    roles_sync()


class AccountsConfig(AppConfig):
    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

        from accounts import schema  # noqa: F401  (registers OpenAPI auth extensions)
        from accounts.extensions import register_user_panel
        from accounts.jwt_backend import install as install_jwt_backend
        from accounts.mfa import checks as mfa_checks  # noqa: F401  (registers its check)
        from accounts.mfa.admin_security import security_panel
        from accounts.mfa.audit import on_user_locked_out
        from accounts.oidc import checks  # noqa: F401  (registers the OIDC settings check)
        from accounts.oidc.admin_panel import oidc_identities_panel
        from accounts.session_activity import record_refresh_token

        # Tokens signed with the configured keys (with a kid under RS256 / ES256); an unfit
        # key stops start-up here, in every process, rather than failing a request.
        install_jwt_backend()

        # Two-factor sign-in on each user's change page, and an audit row per lockout
        # (passwords and second factors alike).
        register_user_panel(security_panel)
        user_locked_out.connect(on_user_locked_out, dispatch_uid="accounts.audit_lockout")

        # Permissions are created after migrate; give the roles theirs once they exist.
        post_migrate.connect(_sync_roles, dispatch_uid="accounts.sync_roles")
        # simplejwt stores every refresh token it issues (sign-in, rotation); each is an
        # API session on its user's Sessions page.
        post_save.connect(
            record_refresh_token, sender=OutstandingToken, dispatch_uid="accounts.refresh_token"
        )
        # A user's single sign-on links, on their admin page.
        register_user_panel(oidc_identities_panel)
