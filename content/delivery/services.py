"""Keep the delivery read model current. The only writes to DeliverySnapshot."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Exists, F, Min, OuterRef
from django.utils import timezone

from content.delivery import events, local
from content.delivery.payloads import Related, render
from content.delivery.registry import entry_delivery, entry_delivery_for
from content.models import PublishableCore, Reference, Revision, Status
from content.models.snapshots import (
    DeliverySnapshot,
    DeliveryState,
    SnapshotFacet,
    SnapshotValue,
)
from content.pgcopy import copy_instances, copy_rows, reserve_ids
from content.types import EntryType, entry_types
from core.rehearsal import rehearsing

if TYPE_CHECKING:
    from content.delivery.entries import EntryDelivery

logger = logging.getLogger(__name__)

_encoder = DjangoJSONEncoder(separators=(",", ":"), ensure_ascii=False)


def is_public(entry: PublishableCore, now=None) -> bool:
    """Published, live, not trashed and not expired: what the public may see."""
    now = now or timezone.now()
    return (
        entry.status == Status.PUBLISHED
        and entry.live_revision_id is not None
        and entry.deleted_at is None
        and (entry.expire_at is None or entry.expire_at > now)
    )


def content_version() -> tuple[int, datetime.datetime | None]:
    """The content version and when the first served item expires, as committed in the
    database: the one source every process keys its cached responses under."""
    row = DeliveryState.objects.filter(pk=1).values_list("version", "next_expiry").first()
    return row or (0, None)  # no row: a flushed database (tests); the first bump makes it


@transaction.atomic
def content_version_bump(*, expired: datetime.datetime | None = None) -> int:
    """Invalidate every cached delivery response, in the caller's transaction, so the change
    and its invalidation commit together (whatever the cache is doing), and note when the
    next served item expires. With `expired`, only if that expiry is still the noted one:
    of several processes that see it pass, one bumps. In a rehearsal (a release preview,
    always rolled back) nothing moves: the bump would hold the row every publish waits on."""
    if rehearsing():
        return content_version()[0]
    state = DeliveryState.objects.filter(pk=1)
    if expired is not None:
        state = state.filter(next_expiry=expired)
    # The row lock comes first: a concurrent bump waits, and reads our snapshots after it.
    if not state.update(version=F("version") + 1):
        if expired is not None:
            return content_version()[0]  # another process bumped it already
        DeliveryState.objects.get_or_create(pk=1)
        DeliveryState.objects.filter(pk=1).update(version=F("version") + 1)
    first = DeliverySnapshot.served.aggregate(first=Min("expire_at"))["first"]
    DeliveryState.objects.filter(pk=1).update(next_expiry=first)
    version = DeliveryState.objects.values_list("version", flat=True).get(pk=1)
    # This process sees its own change at once, once it is committed.
    transaction.on_commit(lambda: local.renew(version, first.timestamp() if first else None))
    return version


def snapshots_sync(entries: Sequence[PublishableCore], *, announce: bool = True) -> None:
    """Write the snapshot of each public entry and remove the others' (one model per call),
    and announce what changed for frontends (content.delivery.events) unless told not to,
    or rehearsing (core.rehearsal: nothing of it is kept, so there is nothing to announce)."""
    if not entries:
        return
    announce = announce and not rehearsing()
    delivery = entry_delivery_for(entries[0])
    now = timezone.now()
    ids = [e.pk for e in entries]
    before = events.seen(delivery.kind, ids) if announce else {}
    public = [e for e in entries if is_public(e, now)]
    offline = [e.pk for e in entries if not is_public(e, now)]
    if offline:
        DeliverySnapshot.objects.filter(kind=delivery.kind, object_id__in=offline).delete()
    if public:
        _write(delivery, public)
    version = content_version_bump()
    if announce:
        expired = {e.pk for e in entries if e.expire_at is not None and e.expire_at <= now}
        events.announce(delivery.kind, before, ids, version=version, expired=expired)


Facets = list[tuple[str, str]]
Values = list[tuple]  # (name, text, number, moment, boolean): SnapshotValue rows


def snapshot_rows(
    delivery: EntryDelivery, entries: Sequence[PublishableCore]
) -> Iterator[tuple[DeliverySnapshot, Facets, Values]]:
    """The snapshot row of each public entry (of `delivery`'s type), its facets and values,
    rendered from the live revision as stored (nothing written). The lookups run now;
    rendering is lazy, so a COPY can write rows while the next ones render."""
    revisions = Revision.objects.in_bulk([e.live_revision_id for e in entries])
    related = Related.load((revisions[e.live_revision_id].snapshot for e in entries), delivery)
    return _rendered(delivery, entries, revisions, related)


def _rendered(
    delivery: EntryDelivery, entries, revisions, related
) -> Iterator[tuple[DeliverySnapshot, Facets, Values]]:
    for entry in entries:
        revision = revisions[entry.live_revision_id]
        rendered = render(entry, revision, related, delivery)
        summary = rendered.summary
        row = DeliverySnapshot(
            kind=delivery.kind,
            object_id=entry.pk,
            revision_id=revision.pk,
            locale=summary["locale"],
            translation_key=entry.translation_key,
            slug=summary["slug"],
            url_path=summary["url"],
            title=summary["title"],
            published_at=entry.first_published_at or revision.created_at,
            updated_at=entry.last_published_at or revision.created_at,
            expire_at=entry.expire_at,
            search_text=rendered.search_text,
            summary_json=_encoder.encode(summary),
            detail_json=_encoder.encode(rendered.detail),
            **rendered.columns,
        )
        yield row, rendered.facets, rendered.values


# Every stored column but the key (and the search vector PostgreSQL generates).
_FIELDS = [f for f in DeliverySnapshot._meta.concrete_fields if f.name != "id"]
_FACET_COLUMNS = ("snapshot_id", "name", "value")
_VALUE_COLUMNS = ("snapshot_id", "name", "text", "number", "moment", "boolean")
# Below this many rows a plain upsert costs less than setting up a COPY.
COPY_MIN_ROWS = 50


def _write(delivery: EntryDelivery, entries: list[PublishableCore]) -> None:
    rendered = snapshot_rows(delivery, entries)
    kind = delivery.kind
    if connection.vendor == "postgresql" and len(entries) >= COPY_MIN_ROWS:
        _write_copy(delivery, entries, rendered)
        return
    rows, facets, values = [], {}, {}
    for row, row_facets, row_values in rendered:
        rows.append(row)
        facets[row.object_id] = row_facets
        values[row.object_id] = row_values
    DeliverySnapshot.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["kind", "object_id"],
        update_fields=[f.name for f in _FIELDS if f.name not in ("kind", "object_id")],
    )
    ids = dict(
        DeliverySnapshot.objects.filter(kind=kind, object_id__in=facets).values_list(
            "object_id", "id"
        )
    )
    SnapshotFacet.objects.filter(snapshot_id__in=ids.values()).delete()
    SnapshotFacet.objects.bulk_create(
        SnapshotFacet(snapshot_id=ids[object_id], name=name, value=value)
        for object_id, pairs in facets.items()
        for name, value in pairs
    )
    if delivery.indexes_values:
        SnapshotValue.objects.filter(snapshot_id__in=ids.values()).delete()
        SnapshotValue.objects.bulk_create(
            SnapshotValue(
                snapshot_id=ids[object_id], **dict(zip(_VALUE_COLUMNS[1:], v, strict=True))
            )
            for object_id, row_values in values.items()
            for v in row_values
        )


@transaction.atomic
def _write_copy(delivery: EntryDelivery, entries: list[PublishableCore], rendered) -> None:
    """PostgreSQL, many rows: COPY. Entries without a snapshot yet (seeding, a first
    build) stream straight into the table, so PostgreSQL parses each row's text for the
    search vector while the next rows render; otherwise the rows go through a staging
    table into one set-based upsert."""
    kind = delivery.kind
    has_row = DeliverySnapshot.objects.filter(kind=kind, object_id__in=[e.pk for e in entries])
    if has_row.exists():
        _upsert_staged(delivery, rendered)
        return
    ids = iter(reserve_ids(DeliverySnapshot, len(entries)))
    facets: list[tuple[int, str, str]] = []
    values: list[tuple] = []

    def rows() -> Iterator[DeliverySnapshot]:
        for row, row_facets, row_values in rendered:
            row.pk = next(ids)
            facets.extend((row.pk, name, value) for name, value in row_facets)
            values.extend((row.pk, *value) for value in row_values)
            yield row

    copy_instances(DeliverySnapshot._meta.db_table, rows(), DeliverySnapshot._meta.concrete_fields)
    copy_rows(SnapshotFacet._meta.db_table, _FACET_COLUMNS, facets)
    if values:
        copy_rows(SnapshotValue._meta.db_table, _VALUE_COLUMNS, values)


def _upsert_staged(delivery: EntryDelivery, rendered) -> None:
    """Update and insert from a staging table. Rows that would not change are left alone:
    writing a row makes PostgreSQL parse its text for the search vector again, the
    dearest part of a rebuild, and INSERT ... ON CONFLICT would do so for every row it is
    offered, hence an UPDATE of the changed rows and an INSERT of the missing ones.
    Facets follow from the same JSON, so only written rows get new ones. Typed values
    also follow the type's definition (a field made filterable changes no JSON), so a type
    that has them gets every row's again."""
    table = DeliverySnapshot._meta.db_table
    columns = ", ".join(f.column for f in _FIELDS)
    updates = [f.column for f in _FIELDS if f.name not in ("kind", "object_id")]
    assign = ", ".join(f"{c} = st.{c}" for c in updates)
    mine = ", ".join(f"s.{c}" for c in updates)
    theirs = ", ".join(f"st.{c}" for c in updates)
    same_item = "s.kind = st.kind AND s.object_id = st.object_id"
    facets: dict[int, Facets] = {}
    values: dict[int, Values] = {}

    def rows() -> Iterator[DeliverySnapshot]:
        for row, row_facets, row_values in rendered:
            facets[row.object_id] = row_facets
            values[row.object_id] = row_values
            yield row

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE snapshot_stage ON COMMIT DROP AS "  # noqa: S608 - column names
            f"SELECT {columns} FROM {table} WITH NO DATA"
        )
        copy_instances("snapshot_stage", rows(), _FIELDS)
        cursor.execute(
            f"UPDATE {table} AS s SET {assign} FROM snapshot_stage AS st "  # noqa: S608
            f"WHERE {same_item} AND ({mine}) IS DISTINCT FROM ({theirs}) "
            f"RETURNING s.id, s.object_id"
        )
        written = dict(cursor.fetchall())
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM snapshot_stage AS st "  # noqa: S608
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} AS s WHERE {same_item}) "
            f"ON CONFLICT (kind, object_id) DO NOTHING RETURNING id, object_id"
        )
        written.update(cursor.fetchall())
        cursor.execute("DROP TABLE snapshot_stage")
        if delivery.indexes_values:
            _replace_values(cursor, delivery.kind, values)
        if not written:
            return
        cursor.execute(
            f"DELETE FROM {SnapshotFacet._meta.db_table} WHERE snapshot_id = ANY(%s)",  # noqa: S608
            [list(written)],
        )
    copy_rows(
        SnapshotFacet._meta.db_table,
        _FACET_COLUMNS,
        (
            (pk, name, value)
            for pk, object_id in written.items()
            for name, value in facets[object_id]
        ),
    )


def _replace_values(cursor, kind: str, values: dict[int, Values]) -> None:
    """Every staged row's typed values afresh (PostgreSQL)."""
    ids = dict(
        DeliverySnapshot.objects.filter(kind=kind, object_id__in=values).values_list(
            "object_id", "id"
        )
    )
    cursor.execute(
        f"DELETE FROM {SnapshotValue._meta.db_table} WHERE snapshot_id = ANY(%s)",  # noqa: S608
        [list(ids.values())],
    )
    copy_rows(
        SnapshotValue._meta.db_table,
        _VALUE_COLUMNS,
        ((ids[o], *v) for o, row_values in values.items() if o in ids for v in row_values),
    )


def snapshot_refresh(*, model: type[PublishableCore], entry_ids: Iterable[int]) -> None:
    """Re-read the entries and bring their snapshots in line (publish, unpublish, trash...).

    Items whose snapshots follow theirs are refreshed too (EntryDelivery.refresh_ids: a
    page's live descendants, whose public paths and breadcrumbs follow an ancestor's slug
    or position).
    """
    delivery = entry_delivery_for(model)
    entry_ids = delivery.refresh_ids(list(entry_ids))
    entries = list(model.objects.filter(pk__in=entry_ids))
    found = {e.pk for e in entries}
    missing = [pk for pk in entry_ids if pk not in found]
    if missing:  # deleted outright
        before = events.seen(delivery.kind, missing)
        DeliverySnapshot.objects.filter(kind=delivery.kind, object_id__in=missing).delete()
        events.announce(delivery.kind, before, missing, version=content_version_bump())
    snapshots_sync(entries)


def snapshots_for_references(*, target_model: type, target_ids: Iterable[int]) -> int:
    """Rebuild the snapshots of live items that use any of the targets; returns how many."""
    target_type = ContentType.objects.get_for_model(target_model)
    refs = Reference.objects.filter(
        target_content_type=target_type, target_object_id__in=list(target_ids)
    ).values_list("source_content_type_id", "source_object_id")
    by_model: dict[type, set[int]] = {}
    for type_id, object_id in refs:
        by_model.setdefault(ContentType.objects.get_for_id(type_id).model_class(), set()).add(
            object_id
        )
    count = 0
    for model, ids in by_model.items():
        kind = entry_delivery_for(model).kind
        live = DeliverySnapshot.objects.filter(kind=kind, object_id__in=ids)
        live_ids = list(live.values_list("object_id", flat=True))
        snapshot_refresh(model=model, entry_ids=live_ids)
        count += len(live_ids)
    return count


def snapshots_for_type(entry_type: EntryType, *, batch_size: int = 1000) -> int:
    """Re-render the published items of a type whose definition changed (a field renamed,
    removed, restored or made filterable), in the caller's transaction; returns how many.
    The content version moves even when none is published: a cached response may name a
    field (`fields=`, a filter) that the change renamed."""
    kind = entry_delivery(entry_type).kind
    live = list(
        DeliverySnapshot.objects.filter(kind=kind)
        .order_by("object_id")
        .values_list("object_id", flat=True)
    )
    for start in range(0, len(live), batch_size):
        snapshots_sync(
            list(entry_type.model.objects.filter(pk__in=live[start : start + batch_size]))
        )
    content_version_bump()
    return len(live)


def snapshots_rebuild_all(*, batch_size: int = 1000, progress: Any = None) -> int:
    """Rebuild the whole read model from the live revisions; returns how many are public."""
    total = 0
    for entry_type in entry_types():
        model, kind = entry_type.model, entry_delivery(entry_type).kind
        candidates = model.objects.filter(
            status=Status.PUBLISHED, deleted_at__isnull=True, live_revision__isnull=False
        )
        with transaction.atomic():
            # NOT EXISTS rather than NOT IN: an anti-join stays linear at a million rows.
            DeliverySnapshot.objects.filter(kind=kind).exclude(
                Exists(candidates.filter(pk=OuterRef("object_id")))
            ).delete()
        # Keyset batches; the body is not read (snapshots render the live revision's).
        last = 0
        while batch := list(
            candidates.filter(pk__gt=last).order_by("pk").defer("body")[:batch_size]
        ):
            with transaction.atomic():  # the same content again: nothing to announce
                snapshots_sync(batch, announce=False)
            last = batch[-1].pk
            total += len(batch)
            if progress:
                progress(total)
    content_version_bump()
    return total
