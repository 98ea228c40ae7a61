"""Seed N published entries of an `event` type defined as data, for the benchmark.

The type is defined through its service (content.runtime.definitions.type_create), as an
Administrator would. Entries are written in bulk as publishing leaves them (the row,
revision 1 as its live and latest revision), one transaction per batch, and their
snapshots and typed values by the delivery service's own writer (snapshots_sync), so
they are what publishing writes. Like bench/seed.py it skips the audit log.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from content.delivery.services import snapshots_sync
from content.models import (
    DeliverySnapshot,
    Entry,
    Revision,
    SnapshotValue,
    Status,
    TypeDefinition,
)
from content.runtime.definitions import type_create
from content.services import locale_default
from content.services.revisions import entry_snapshot
from content.types import entry_type

VENUES = [f"Hall {letter}" for letter in "ABCDEFGHIJKLMNOPQRST"]  # 20: 5% each
GENRES = ["rock", "jazz", "folk", "classical", "electronic"]
EVENT = {
    "api_id": "event",
    "name": "Event",
    "title_field": "title",
    "fields": [
        {"api_id": "title", "type": "text", "required": True, "searchable": True},
        {"api_id": "venue", "type": "text", "filterable": True, "sortable": True},
        {"api_id": "starts_at", "type": "datetime", "filterable": True, "sortable": True},
        {"api_id": "price", "type": "decimal", "filterable": True, "sortable": True},
        {"api_id": "genre", "type": "choice", "filterable": True, "options": {"choices": GENRES}},
        {"api_id": "blurb", "type": "long_text", "searchable": True},
    ],
}
START = datetime(2027, 1, 1, tzinfo=UTC)  # events spread over three years from here


def seed_events(total: int, batch_size: int = 2000) -> int:
    """Top up to `total` published events; returns how many there are."""
    if not TypeDefinition.objects.filter(api_id="event").exists():
        type_create(actor=None, data=EVENT)
    event = entry_type("event")
    fields = {f.api_id: f.key for f in event.extra["fields"]}
    have = DeliverySnapshot.objects.filter(kind="event").count()
    rng = random.Random(have)
    locale = locale_default()
    content_type = ContentType.objects.get_for_model(event.model)  # as revision_create
    now = timezone.now()
    for start in range(have, total, batch_size):
        numbers = range(start, min(total, start + batch_size))
        with transaction.atomic():
            entries = []
            for n in numbers:
                published = now - timedelta(minutes=n)
                starts = START + timedelta(hours=rng.randrange(3 * 365 * 24))
                entries.append(
                    event.model(
                        definition=event.extra["definition"],
                        title=f"Event {n}",
                        slug=f"event-{n}",
                        locale=locale,
                        status=Status.PUBLISHED,
                        first_published_at=published,
                        last_published_at=published,
                        has_unpublished_changes=False,
                        body=[],
                        data={
                            fields["title"]: f"Event {n}",
                            fields["venue"]: rng.choice(VENUES),
                            fields["starts_at"]: starts.isoformat(timespec="seconds"),
                            fields["price"]: f"{rng.randrange(0, 20000) / 100:.2f}",
                            fields["genre"]: rng.choice(GENRES),
                            fields["blurb"]: "An evening of music and talk. " * 8,
                        },
                    )
                )
            Entry.objects.bulk_create(entries)
            revisions = Revision.objects.bulk_create(
                Revision(
                    content_type=content_type,
                    object_id=e.pk,
                    number=1,
                    snapshot=entry_snapshot(e),
                    message="Seeded",
                )
                for e in entries
            )
            for e, revision in zip(entries, revisions, strict=True):
                e.live_revision_id = e.latest_revision_id = revision.pk
            Entry.objects.bulk_update(entries, ["live_revision", "latest_revision"])
            snapshots_sync(
                list(event.model.objects.filter(pk__in=[e.pk for e in entries])), announce=False
            )
    if connection.vendor == "postgresql" and have < total:
        # Fresh statistics and visibility maps now, as autovacuum would leave them: without
        # them the planner expects one row per value and index-only scans visit the heap.
        with connection.cursor() as cursor:
            for model in (Entry, Revision, DeliverySnapshot, SnapshotValue):
                cursor.execute(
                    f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}"
                )
    return DeliverySnapshot.objects.filter(kind="event").count()
