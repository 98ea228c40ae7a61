"""The role matrix: the one place that says what each role may do.

Roles are Django groups (created by a data migration). Each role's permissions are
Django permission names ("app_label.codename"), so `user.has_perm()` answers the same
question in the admin, the API, tasks and commands. `roles_sync()` writes this matrix
onto the groups after every migrate; permissions of models that do not exist yet are
skipped and picked up once they do. See docs/permissions.md.

The publishable types are not listed here: accounts knows no content. Each type's app
registers it (`register_publishable`, called by content.types.register), and every role
gets its `PUBLISHABLE_ACTIONS` on every registered type.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

ADMINISTRATOR = "Administrator"
EDITOR = "Editor"
AUTHOR = "Author"
REVIEWER = "Reviewer"
VIEWER = "Viewer"
ROLE_NAMES = (ADMINISTRATOR, EDITOR, AUTHOR, REVIEWER, VIEWER)

ALL = "*"  # every permission that exists
DENIED = "You do not have permission to perform this action."


def _perms(app: str, models: tuple[str, ...], actions: tuple[str, ...]) -> frozenset[str]:
    return frozenset(f"{app}.{action}_{model}" for model in models for action in actions)


TAXONOMY = ("category", "tag", "locale", "redirect")
MEDIA = ("mediaasset",)
# Every role reads the content types (a frontend discovers them); Administrators define them.
RELEASES = ("release", "releaseitem")
CONTENT_MODELS = (
    TAXONOMY + MEDIA + RELEASES + ("revision", "reference", "typedefinition", "typerevision")
)
GOVERNANCE_READ = (
    "workflow",
    "workflowstep",
    "contentpolicy",
    "reviewtask",
    "comment",
    "submission",
)

READ_CONTENT = _perms("content", CONTENT_MODELS, ("view",)) | _perms(
    "governance", GOVERNANCE_READ, ("view",)
)

MATRIX: dict[str, frozenset[str] | str] = {
    ADMINISTRATOR: ALL,
    EDITOR: READ_CONTENT
    | _perms("content", TAXONOMY + MEDIA, ("add", "change", "delete"))
    # Releases: build, schedule, publish and revert (each item also needs publish rights).
    | _perms("content", RELEASES, ("add", "change", "delete"))
    | frozenset({"governance.add_comment"})
    # Review links for outside reviewers: create, list and revoke.
    | _perms("governance", ("reviewlink",), ("add", "view", "change")),
    AUTHOR: READ_CONTENT
    | _perms("content", MEDIA, ("add", "change"))
    | frozenset({"governance.add_comment"}),
    REVIEWER: READ_CONTENT | frozenset({"governance.review_content", "governance.add_comment"}),
    VIEWER: READ_CONTENT,
}


# What each role may do on every publishable type (Administrators: everything anyway).
# Authors create and edit; services limit them to their own drafts. `lock` takes an
# item's edit lock and releases anyone's (content.services.edit_locks).
PUBLISHABLE_ACTIONS: dict[str, tuple[str, ...]] = {
    EDITOR: ("view", "add", "change", "delete", "publish", "lock"),
    AUTHOR: ("view", "add", "change", "delete"),
    REVIEWER: ("view",),
    VIEWER: ("view",),
}

# (app_label, model_name) of every publishable type, in registration order.
_publishable: dict[tuple[str, str], None] = {}


def register_publishable(app_label: str, model_name: str) -> None:
    """Give the roles their PUBLISHABLE_ACTIONS on a publishable model; call at app ready."""
    _publishable[(app_label, model_name)] = None


def unregister_publishable(app_label: str, model_name: str) -> None:
    """Forget a publishable model (a runtime type removed or reloaded)."""
    _publishable.pop((app_label, model_name), None)


def role_permissions(role: str) -> frozenset[str] | str:
    """The permission names the matrix grants to `role` (or ALL), registered types included."""
    granted = MATRIX[role]
    if granted == ALL:
        return ALL
    actions = PUBLISHABLE_ACTIONS.get(role, ())
    return granted | frozenset(
        f"{app}.{action}_{model}" for app, model in _publishable for action in actions
    )


# --- Section-limited grants (content.RoleGrant) -----------------------------------------

# Roles an Administrator may grant within a section: every role but Administrator, whose
# rights (users, keys, settings) have no section.
GRANTABLE_ROLES = tuple(role for role in ROLE_NAMES if role != ADMINISTRATOR)

# Beyond reading, what a grant confers that is asked per item or changes nothing shared:
# reviewing and commenting on the section's items, and uploading new media for them.
SECTION_EXTRAS = frozenset(
    {"governance.review_content", "governance.add_comment", "content.add_mediaasset"}
)


def _publishable_perm(perm: str) -> bool:
    app, _, codename = perm.partition(".")
    model = codename.partition("_")[2]
    return (app, model) in _publishable


def grant_permissions(role: str) -> frozenset[str]:
    """What a grant of `role` limited to a section confers: the role's rights on the
    publishable types (held on the section's items only), its read rights, and
    SECTION_EXTRAS. Changing what has no section (taxonomy, media in use, redirects,
    review links) stays with the global roles, so a section's editor cannot rename the
    site's categories."""
    if role not in GRANTABLE_ROLES:
        return frozenset()
    granted = role_permissions(role)
    return frozenset(
        perm
        for perm in granted
        if _publishable_perm(perm)
        or perm.partition(".")[2].startswith("view_")
        or perm in SECTION_EXTRAS
    )


def require_perm(actor, perm: str, message: str = DENIED) -> None:
    """Refuse unless `actor` holds `perm`; the system (actor None) acts with every right."""
    if actor is not None and not actor.has_perm(perm):
        raise PermissionDenied(message)
