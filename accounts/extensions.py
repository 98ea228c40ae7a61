"""What apps above accounts add to users and groups: the extension points of accounts.

Accounts imports no app above it, yet what those apps give a user belongs on the user's
admin page, and can be the user's reason to work in the admin. They register here from
their AppConfig.ready(), the way content registers its types with the roles
(accounts.roles.register_publishable):

- `register_staff_reason(reason)`: `reason(user) -> bool`, True while the app gives the
  user something to do in the admin (content: a role grant held directly or through a
  group). accounts.services keeps `is_staff` set while the user holds a role or any
  reason answers True.
- `register_user_panel(panel)`, `register_group_panel(panel)`: `panel(request, obj)`
  returns a dict `{"template": ..., ...}` for the user's (group's) admin change page, or
  None for no panel; the page includes the template with the dict as `panel`, as content's
  change form does with its `admin_panels` hook. Panels only read: their links lead to the
  registering app's own admin, whose services decide.

Registering the same callable twice keeps one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

StaffReason = Callable[[Any], bool]
Panel = Callable[[Any, Any], dict[str, Any] | None]

_staff_reasons: dict[StaffReason, None] = {}
_user_panels: dict[Panel, None] = {}
_group_panels: dict[Panel, None] = {}


def register_staff_reason(reason: StaffReason) -> None:
    """Keep users for whom `reason(user)` is True in the admin; call at app ready."""
    _staff_reasons[reason] = None


def register_user_panel(panel: Panel) -> None:
    """Add `panel(request, user)` to the user's admin change page; call at app ready."""
    _user_panels[panel] = None


def register_group_panel(panel: Panel) -> None:
    """Add `panel(request, group)` to the group's admin change page; call at app ready."""
    _group_panels[panel] = None


def staff_reason_holds(user: Any) -> bool:
    """Whether a registered reason keeps `user` in the admin besides a role."""
    return any(reason(user) for reason in _staff_reasons)


def _panels(registry: dict[Panel, None], request: Any, obj: Any) -> list[dict[str, Any]]:
    return [found for panel in registry if (found := panel(request, obj)) is not None]


def user_panels(request: Any, user: Any) -> list[dict[str, Any]]:
    """The registered panels for `user`'s admin change page, in registration order."""
    return _panels(_user_panels, request, user)


def group_panels(request: Any, group: Any) -> list[dict[str, Any]]:
    """The registered panels for `group`'s admin change page, in registration order."""
    return _panels(_group_panels, request, group)
