"""The page tree: materialised paths, public URL paths, moves and subtree redirects."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.fields.json import KeyTextTransform

from accounts.audit import audit_record
from content.hooks import announce, entry_changed
from content.models import Page
from content.models.pages import PAGE_STEPLEN
from content.services import rules
from content.services.redirects import redirect_auto_create
from content.types import EntryBehaviour

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MAX_STEP = len(ALPHABET) ** PAGE_STEPLEN - 1


def _encode(number: int) -> str:
    digits = []
    for _ in range(PAGE_STEPLEN):
        number, rest = divmod(number, len(ALPHABET))
        digits.append(ALPHABET[rest])
    return "".join(reversed(digits))


def _decode(step: str) -> int:
    value = 0
    for char in step:
        value = value * len(ALPHABET) + ALPHABET.index(char)
    return value


def page_next_path(parent: Page | None) -> tuple[str, int]:
    """The path and depth of a new last child of `parent` (or a new root)."""
    prefix = parent.path if parent else ""
    depth = (parent.depth if parent else 0) + 1
    # Trashed siblings keep their paths, so they count too (paths are unique).
    last = (
        Page.objects.filter(path__startswith=prefix, depth=depth)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    number = _decode(last[-PAGE_STEPLEN:]) + 1 if last else 1
    if number > MAX_STEP:
        raise ValidationError({"parent": ["This page has too many children."]})
    return prefix + _encode(number), depth


def page_next_sort_order(parent: Page | None) -> int:
    siblings = Page.objects.filter(parent=parent, deleted_at=None)
    last = siblings.order_by("-sort_order").values_list("sort_order", flat=True).first()
    return 0 if last is None else last + 1


def descendants(page: Page) -> Any:
    return Page.objects.filter(path__startswith=page.path, depth__gt=page.depth)


def _public_slugs(pages: Any) -> Any:
    # A live page keeps its published slug in URLs until its pending change is published.
    return pages.annotate(live_slug=KeyTextTransform("slug", "live_revision__snapshot"))


def page_refresh_url_paths(*, page: Page, publishing: Page | None = None) -> list[Page]:
    """Recompute url_path for `page` and its subtree; redirect every live path that moved.

    `publishing` is the page being published now: its draft slug becomes its public one.
    Returns the pages whose url_path changed.
    """
    ancestors_paths = [page.path[:i] for i in range(PAGE_STEPLEN, len(page.path), PAGE_STEPLEN)]
    ancestors = _public_slugs(Page.objects.filter(path__in=ancestors_paths)).order_by("depth")
    base = "/" + "".join(f"{a.live_slug or a.slug}/" for a in ancestors)
    subtree = _public_slugs(Page.objects.filter(path__startswith=page.path)).order_by("path")
    by_path: dict[str, str] = {}
    changed: list[Page] = []
    for node in subtree.select_related("locale"):
        parent_url = by_path.get(node.path[:-PAGE_STEPLEN], base)
        slug = node.slug if (publishing and node.pk == publishing.pk) else node.live_slug
        url_path = f"{parent_url}{slug or node.slug}/"
        by_path[node.path] = url_path
        if node.url_path != url_path:
            if node.live_revision_id and node.deleted_at is None and node.url_path:
                redirect_auto_create(
                    old_path=node.url_path, new_path=url_path, locale=node.locale, target=node
                )
            node.url_path = url_path
            changed.append(node)
    Page.objects.bulk_update(changed, ["url_path"], batch_size=500)
    if page in changed:
        page.url_path = next(p.url_path for p in changed if p.pk == page.pk)
    return changed


def _ensure_slug_free(page: Page, parent: Page | None) -> None:
    clash = Page.objects.filter(locale_id=page.locale_id, parent=parent, slug=page.slug)
    if clash.filter(deleted_at=None).exclude(pk=page.pk).exists():
        raise ValidationError({"slug": ["A page with this slug already exists under that parent."]})


def ensure_can_move(actor: Any, page: Page) -> None:
    """Edit rights on the page; publish rights too when it or a page under it is live."""
    rules.ensure_not_trashed(page)
    rules.ensure_can_edit(actor, page)
    if rules.has_perm(actor, Page, "publish"):
        return
    if page.live_revision_id or descendants(page).filter(live_revision__isnull=False).exists():
        raise PermissionDenied("Moving a published page needs the publish permission.")


@transaction.atomic
def page_move(
    *, page: Page, actor: Any, parent: Page | None, sort_order: int | None = None
) -> Page:
    """Move a page (and its subtree) under `parent`; live URLs change at once and redirect."""
    page = Page.objects.select_for_update().get(pk=page.pk)
    ensure_can_move(actor, page)
    if parent is not None:
        if parent.path.startswith(page.path):
            raise ValidationError({"parent": ["A page cannot move under itself."]})
        if parent.deleted_at is not None:
            raise ValidationError({"parent": ["The new parent is in the trash."]})
        if parent.locale_id != page.locale_id:
            raise ValidationError({"parent": ["The new parent is in another locale."]})
    old_parent_id = page.parent_id
    same_parent = (parent.pk if parent else None) == page.parent_id
    if same_parent:
        page.sort_order = page.sort_order if sort_order is None else sort_order
    else:
        _ensure_slug_free(page, parent)
        old_path, (new_path, depth) = page.path, page_next_path(parent)
        shift = depth - page.depth
        moved = list(descendants(page))
        for node in moved:
            node.path = new_path + node.path[len(old_path) :]
            node.depth += shift
        page.path, page.depth, page.parent = new_path, depth, parent
        page.sort_order = page_next_sort_order(parent) if sort_order is None else sort_order
        page.save(update_fields=["path", "depth", "parent", "sort_order"])
        Page.objects.bulk_update(moved, ["path", "depth"], batch_size=500)
    page.version += 1
    page.save(update_fields=["sort_order", "version", "updated_at"])
    changed = page_refresh_url_paths(page=page)
    audit_record(
        actor=actor,
        action="page.move",
        target=page,
        changes={
            "parent": [old_parent_id, page.parent_id],
            "url_path_changed": len(changed),
        },
    )
    announce(entry_changed, page, action="move")
    return page


class PageBehaviour(EntryBehaviour):
    """The page tree: slugs unique among siblings, paths from the ancestors, subtrees."""

    def section(self, entry):
        return entry.path or None, None
