"""The page tree: materialised paths, public URL paths, moves and subtree redirects, and
`PageBehaviour`, where the tree plugs into the shared services (content.types)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.db.models.fields.json import KeyTextTransform

from accounts.audit import audit_record
from content.hooks import announce, entry_changed
from content.models import Page, Revision
from content.models.pages import PAGE_STEPLEN
from content.services import rules
from content.services.entries import to_instance
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
    rules.ensure_not_locked(actor, page)
    if rules.has_perm(actor, page, "publish"):
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
        # Where it lands must be within the actor's rights too (a section's editor).
        rules.ensure_perm(actor, page, "change")
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

    def slug_clashes(self, entry: Page, queryset: QuerySet) -> QuerySet:
        return queryset.filter(parent_id=entry.parent_id)

    def prepare_create(self, entry: Page, data: dict[str, Any], actor: Any) -> None:
        """A new page is the last child of its parent (a root without one)."""
        parent = to_instance(Page, data.pop("parent", None), "parent")
        if parent is not None:
            parent = Page.objects.select_for_update().get(pk=parent.pk)
            if parent.deleted_at is not None or parent.locale_id != entry.locale_id:
                raise ValidationError({"parent": ["The parent is in the trash or another locale."]})
        entry.parent = parent
        entry.path, entry.depth = page_next_path(parent)
        entry.sort_order = page_next_sort_order(parent)

    def after_save(self, entry: Page, changes: dict[str, Any], created: bool) -> None:
        if created or "slug" in changes:
            page_refresh_url_paths(page=entry)

    def after_publish(self, entry: Page, revision: Revision, previous: Revision | None) -> None:
        # The published slug becomes public now (the draft's, when the latest goes live);
        # the subtree's URLs follow, with redirects.
        latest = revision.pk == entry.latest_revision_id
        page_refresh_url_paths(page=entry, publishing=entry if latest else None)

    def trashes_with(self, entry: Page) -> QuerySet:
        return descendants(entry).filter(deleted_at=None).order_by("path")

    def trashed_with(self, entry: Page) -> QuerySet:
        if entry.deleted_at is None:
            return Page.objects.none()
        # Trashed at that very moment: subpages trashed earlier on their own stay there.
        return descendants(entry).filter(deleted_at=entry.deleted_at).order_by("path")

    def check_trash(self, entry: Page, *, restricted: bool) -> None:
        if restricted and self.trashes_with(entry).exists():
            raise ValidationError("This page has subpages; ask an editor to trash it.")

    def check_restore(self, entry: Page) -> None:
        if (
            entry.parent_id
            and Page.objects.filter(pk=entry.parent_id, deleted_at__isnull=False).exists()
        ):
            raise ValidationError(
                {"parent": ["The parent page is in the trash; restore it first."]}
            )

    def after_restore(self, entry: Page) -> None:
        page_refresh_url_paths(page=entry)

    def items_at(
        self, model: type[Page], paths: set[str], locale_code: str
    ) -> Iterable[tuple[str, int]]:
        pages = model.objects.filter(url_path__in=paths, locale__code=locale_code, deleted_at=None)
        return pages.values_list("url_path", "pk")

    def export_items(self, queryset: QuerySet) -> QuerySet:
        # Parents first, so an import always finds a page's parent; a parent is exported
        # by its translation key.
        return queryset.annotate(parent_key=F("parent__translation_key")).order_by("path")

    def export_record(self, entry: Page, record: dict[str, Any]) -> None:
        parent_key = getattr(entry, "parent_key", None)
        record["parent"] = str(parent_key) if parent_key else None
        record["sort_order"] = entry.sort_order

    def import_data(self, record: dict[str, Any], data: dict[str, Any], locale: Any) -> None:
        # Imported here: the exchange package imports the services this module belongs to.
        from content.exchange.keys import UnknownKey

        if record.get("parent"):
            parent = Page.objects.filter(
                locale=locale, translation_key=uuid.UUID(record["parent"]), deleted_at=None
            ).first()
            if parent is None:
                raise UnknownKey(f"parent page {record['parent']!r} is not defined before")
            data["parent"] = parent.pk

    def after_import(self, entry: Page, record: dict[str, Any]) -> Page:
        if record.get("sort_order") not in (None, entry.sort_order):
            entry = page_move(
                page=entry, actor=None, parent=entry.parent, sort_order=int(record["sort_order"])
            )
        return entry
