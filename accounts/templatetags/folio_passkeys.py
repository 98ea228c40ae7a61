"""`{% passkeys_of user as passkeys %}`: a user's passkeys, for the Security page's list."""

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
