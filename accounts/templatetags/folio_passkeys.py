"""For the Security page's passkeys panel: `{% passkeys_owner as owner %}` (whose page it
is) and `{% passkeys_of owner as passkeys %}` (their passkeys)."""

from __future__ import annotations

from typing import Any

from django import template

from accounts.passkeys.selectors import passkey_list

register = template.Library()


@register.simple_tag
def passkeys_of(user: Any) -> list[Any]:
    """`user`'s passkeys, newest first; none for a user who is not signed in."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return list(passkey_list(user=user))


@register.simple_tag(takes_context=True)
def passkeys_owner(context: template.Context) -> Any:
    """The user whose page it is: `target_user`, or the Security page's `subject`; the
    signed-in user where neither is given."""
    for name in ("target_user", "subject"):
        if context.get(name):
            return context[name]
    return context["request"].user


@register.simple_tag(takes_context=True)
def passkeys_manageable(context: template.Context, owner: Any) -> bool:
    """Whether the viewer may remove `owner`'s passkeys (accounts.passkeys.services)."""
    viewer = context["request"].user
    return bool(owner.pk == viewer.pk or viewer.has_perm("accounts.change_user"))
