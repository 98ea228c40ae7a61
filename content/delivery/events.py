"""What frontends may hear about the delivery read model: one event per item whose public
state changed, worked out where the read model is written (content.delivery.services) by
comparing an item's snapshot before and after the write.

- no snapshot before, one after: `published`
- both, and the live revision or its rendering differs: `updated` (a draft saved on a live
  item renders the same snapshot, so it is never announced)
- a snapshot before, none after: `expired` when the item's expiry has passed, else
  `unpublished` (unpublish, archive, trash, delete)

The events go out through content.hooks.delivery_changed inside the transaction; the
realtime app sends them on after commit (docs/realtime.md).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.db.models.functions import MD5

from content import hooks
from content.models.snapshots import DeliverySnapshot, SnapshotFacet


@dataclass(frozen=True)
class Seen:
    """An item's snapshot as far as its events need it."""

    slug: str
    locale: str
    url: str
    revision_id: int
    digest: str  # of the rendered JSON: a re-render that changes nothing is no update
    tags: tuple[str, ...]


def seen(kind: str, object_ids: Collection[int]) -> dict[int, Seen]:
    """The snapshots of these items (of one type) as they stand, by item id."""
    if not object_ids:
        return {}
    # The database hashes the rendered JSON: publishing reads 64 bytes an item, not its body.
    rows = list(
        DeliverySnapshot.objects.filter(kind=kind, object_id__in=object_ids).values_list(
            "id", "object_id", "slug", "locale", "url_path", "revision_id", MD5("summary_json"),
            MD5("detail_json"),
        )
    )  # fmt: skip
    tags: dict[int, list[str]] = {}
    for snapshot_id, value in SnapshotFacet.objects.filter(
        snapshot_id__in=[row[0] for row in rows], name="tag"
    ).values_list("snapshot_id", "value"):
        tags.setdefault(snapshot_id, []).append(value)
    return {
        object_id: Seen(
            slug,
            locale,
            url,
            revision_id,
            f"{summary}{detail}",
            tuple(sorted(tags.get(pk, ()))),
        )
        for pk, object_id, slug, locale, url, revision_id, summary, detail in rows
    }


def announce(
    kind: str,
    before: dict[int, Seen],
    object_ids: Collection[int],
    *,
    version: int,
    expired: Collection[int] = (),
) -> None:
    """Compare the items' snapshots now with `before` and announce what changed."""
    after = seen(kind, object_ids)
    events = []
    for object_id in object_ids:
        old, new = before.get(object_id), after.get(object_id)
        if new and not old:
            name, item = "published", new
        elif new and old and (new.revision_id, new.digest) != (old.revision_id, old.digest):
            name, item = "updated", new
        elif old and not new:
            name, item = ("expired" if object_id in expired else "unpublished"), old
        else:
            continue
        events.append(
            {
                "event": name,
                "type": kind,
                "id": object_id,
                "slug": item.slug,
                "locale": item.locale,
                "url": item.url,
                "version": version,
                "surrogate_keys": [kind, f"{kind}-{object_id}"],
                "tags": list(item.tags),
            }
        )
    if events:
        hooks.delivery_changed.send(sender=None, events=events)
