"""The demo's content types defined as data: `person` and `event`, with a dozen published
entries each.

The types are defined through `type_create` (as an Administrator would in the admin or
the API) and their entries written through entry_create and the review flow, so they have
revisions and an audit trail like the articles. A type that already exists (by api_id) is
left alone, entries and all: its fields may not be the demo's.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from content import services
from content.models import MediaAsset, TypeDefinition
from content.runtime.definitions import type_create
from content.seeding.demo import IMAGE_COUNT, Cast, through_review
from content.types import entry_type

ENTRIES_PER_TYPE = 12
PERSON = {
    "api_id": "person",
    "name": "Person",
    "name_plural": "People",
    "description": "Speakers, hosts and artists who appear at events.",
    "title_field": "name",
    "fields": [
        {"api_id": "name", "label": "Name", "type": "text", "required": True},
        {"api_id": "role", "label": "Role", "type": "text"},
        {
            "api_id": "photo",
            "label": "Photo",
            "type": "media",
            "options": {"media_kinds": ["image"]},
        },
        {"api_id": "bio", "label": "Biography", "type": "rich_text"},
    ],
}
CATEGORIES = ["talk", "workshop", "concert", "meetup", "exhibition"]
EVENT = {
    "api_id": "event",
    "name": "Event",
    "description": "Talks, workshops and shows, with where, when and how much.",
    "title_field": "title",
    "fields": [
        {"api_id": "title", "label": "Title", "type": "text", "required": True},
        *(
            {
                "api_id": name,
                "label": label,
                "type": "datetime",
                "required": True,
                "filterable": True,
                "sortable": True,
            }
            for name, label in (("starts_at", "Starts at"), ("ends_at", "Ends at"))
        ),
        {
            "api_id": "venue",
            "label": "Venue",
            "type": "text",
            "filterable": True,
            "sortable": True,
        },
        {
            "api_id": "price",
            "label": "Price (EUR)",
            "type": "decimal",
            "options": {"min_value": 0},
            "filterable": True,
            "sortable": True,
        },
        {
            "api_id": "category",
            "label": "Category",
            "type": "choice",
            "options": {"choices": CATEGORIES},
            "filterable": True,
        },
        {"api_id": "description", "label": "Description", "type": "rich_text", "searchable": True},
        {
            "api_id": "speaker",
            "label": "Speaker",
            "type": "reference",
            "options": {"types": ["person"]},
        },
    ],
}
# (name, role, what they talk about): the people, and what their events are about.
PEOPLE = [
    ("Amara Okafor", "Data journalist", "open data for local newsrooms"),
    ("Lucas Ferreira", "Urban planner", "streets designed for walking"),
    ("Mei Lin", "Accessibility lead", "accessible design systems"),
    ("Jonas Berg", "Jazz pianist", "improvisation"),
    ("Priya Raman", "Climate scientist", "heat maps of European cities"),
    ("Tomás Ruiz", "Photographer", "documentary photography"),
    ("Hannah Schulz", "Privacy engineer", "privacy by default"),
    ("Kofi Mensah", "Python developer", "testing Django applications"),
    ("Élise Moreau", "Museum curator", "digital archives"),
    ("Sofia Rossi", "Editor in chief", "editorial workflows"),
    ("Daniel Kim", "Sound designer", "field recording"),
    ("Ines Almeida", "Product designer", "design critique"),
]
# (title pattern, category, typical price): {topic} is the speaker's subject.
EVENTS = [
    ("Talk: {topic}", "talk", "0"),
    ("Hands-on workshop: {topic}", "workshop", "45"),
    ("An evening of {topic}", "concert", "25"),
    ("Meetup: {topic}", "meetup", "0"),
    ("Exhibition opening: {topic}", "exhibition", "12.50"),
    ("Masterclass: {topic}", "workshop", "90"),
]
VENUES = [
    "Main Hall, Folio House",
    "The Annex",
    "Riverside Library, Room 2",
    "Old Town Jazz Cellar",
    "City Museum Auditorium",
    "Harbour Warehouse 7",
]


def _paragraphs(*texts: str) -> list[dict[str, Any]]:
    return [{"type": "paragraph", "value": {"text": t}} for t in texts]


def _refreshed(cast: Cast) -> Cast:
    """The cast read afresh: a new type gives the roles permissions that users whose
    permissions were already checked (and cached) would not see."""
    return Cast(
        **{
            role: user and type(user).objects.get(pk=user.pk)
            for role, user in dataclasses.asdict(cast).items()
        }
    )


@transaction.atomic
def demo_types_create(*, cast: Cast, log: Callable[[str], None] = print) -> dict[str, int]:
    """Define the demo's types that do not exist yet and publish their entries; returns the
    entries made per type (none for a type that existed)."""
    rng = random.Random(2025)  # noqa: S311 - sample data, not secrets
    existing = set(TypeDefinition.objects.values_list("api_id", flat=True))
    made: dict[str, int] = {}
    people: list[Any] = []
    for data in (PERSON, EVENT):
        if data["api_id"] in existing:
            log(f"  content type “{data['name']}” ({data['api_id']}) exists; left as it is")
            continue
        type_create(actor=cast.admin, data=data)
        cast = _refreshed(cast)
        if data is PERSON:
            people = _people(cast)
            made["person"] = len(people)
        else:
            made["event"] = len(_events(cast, rng, people))
        log(
            f"  content type “{data['name']}” ({data['api_id']}): "
            f"{made[data['api_id']]} published entries"
        )
    return made


def _people(cast: Cast) -> list[Any]:
    model = entry_type("person").model
    photos = list(MediaAsset.objects.filter(kind="image").order_by("pk")[:IMAGE_COUNT])
    people = []
    for n, (name, role, topic) in enumerate(PEOPLE[:ENTRIES_PER_TYPE]):
        first = name.split()[0]
        data: dict[str, Any] = {
            "name": name,
            "role": role,
            "bio": _paragraphs(
                f"{name} works as a {role.lower()} and speaks often about {topic}.",
                f"Ask {first} about the projects behind the talks after each session.",
            ),
        }
        if photos:
            data["photo"] = photos[n % len(photos)].pk
        person = services.entry_create(model=model, actor=cast.author, data=data)
        people.append(through_review(person, cast, submitter=cast.author))
    return people


def _events(cast: Cast, rng: random.Random, people: list[Any]) -> list[Any]:
    model = entry_type("event").model
    # Evening starts spread over the coming months, on the hour, in UTC.
    today = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    day = 3
    events = []
    for n in range(ENTRIES_PER_TYPE):
        pattern, category, price = EVENTS[n % len(EVENTS)]
        name, _role, topic = PEOPLE[n % len(PEOPLE)]
        day += rng.randint(4, 14)
        starts = today + timedelta(days=day, hours=rng.choice([10, 14, 17, 18, 19]))
        ends = starts + timedelta(hours=rng.choice([1, 2, 3]))
        # Paid events vary around their typical price; free ones stay free.
        cost = Decimal(price) * Decimal(rng.choice(["0.8", "1", "1.2"]))
        data: dict[str, Any] = {
            "title": pattern.format(topic=topic),
            "starts_at": starts.isoformat(),
            "ends_at": ends.isoformat(),
            "venue": rng.choice(VENUES),
            "price": str(cost.quantize(Decimal("0.01"))),
            "category": category,
            "description": _paragraphs(
                f"{name} on {topic}: stories, examples and time for your questions.",
                "Doors open half an hour before the start; seats are first come, first served.",
            ),
        }
        if people:
            data["speaker"] = people[n % len(people)].pk
        event = services.entry_create(model=model, actor=cast.editor, data=data)
        events.append(through_review(event, cast, submitter=cast.editor))
    return events
