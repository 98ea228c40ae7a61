from __future__ import annotations

from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "content"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core.signals import setting_changed
        from django.db.models.signals import post_delete, post_save

        from content import frontend, hooks
        from content.builtin_types import register_builtin_types
        from content.delivery import locales, receivers
        from content.models import Locale

        # Article and Page, the built-in entries of the type registry (content.types).
        register_builtin_types()
        # The delivery read model follows every change that affects what the public sees.
        for signal, uid in (
            (hooks.entry_published, "published"),
            (hooks.entry_unpublished, "unpublished"),
            (hooks.entry_changed, "changed"),
        ):
            signal.connect(receivers.on_entry_state_changed, dispatch_uid=f"delivery.{uid}")
        hooks.references_changed.connect(
            receivers.on_references_changed, dispatch_uid="delivery.references"
        )
        # A search engine (SEARCH_BACKEND=opensearch) hears what delivery changed.
        from content.delivery.search import receivers as search_receivers

        hooks.delivery_changed.connect(
            search_receivers.on_delivery_changed, dispatch_uid="delivery.search"
        )
        # A front cache (FRONT_CACHE_PURGE_URLS) is purged of what delivery changed.
        from content.delivery import front_cache

        hooks.delivery_changed.connect(
            front_cache.on_delivery_changed, dispatch_uid="delivery.front_cache"
        )
        # Delivery's in-process list of locale codes (content.delivery.locales).
        for signal in (post_save, post_delete):
            signal.connect(locales.forget, sender=Locale, dispatch_uid="delivery.locales")
        # The frontend's bases, read once per process (content.frontend); tests change them.
        setting_changed.connect(frontend.forget, dispatch_uid="content.frontend")
        # Role grants on the users' and groups' admin pages, and a grant keeps its holder in
        # the admin as a role does (accounts.extensions).
        from accounts import extensions
        from content.admin import grant_panels
        from content.selectors import user_holds_role_grant

        extensions.register_staff_reason(user_holds_role_grant)
        extensions.register_user_panel(grant_panels.user_grants_panel)
        extensions.register_group_panel(grant_panels.group_grants_panel)
