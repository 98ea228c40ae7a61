"""Writing an entry of a type defined as data against writing an article of the same size.

Creates and then updates ROUNDS articles and ROUNDS `event` entries through the shared
services (content.services.entries: validation, revision, references, audit), in
alternation so the machine's drift falls on both alike, and prints the median and p90 of
each, and the ratio. The event carries the article's text in its own fields (a title, a
summary-sized long text and a body-sized rich text), so both write the same amount.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/folio_bench ROUNDS=300 \\
        .venv/bin/python bench/writes.py

or `make bench-writes`.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.models import User  # noqa: E402
from content.models import Article, TypeDefinition  # noqa: E402
from content.runtime.definitions import type_create  # noqa: E402
from content.seeding.text import body, paragraph_text  # noqa: E402
from content.services import entries  # noqa: E402
from content.types import entry_type  # noqa: E402

ROUNDS = int(os.environ.get("ROUNDS", "300"))
TYPE = {
    "api_id": "write_probe",
    "name": "Write probe",
    "title_field": "title",
    "fields": [
        {"api_id": "title", "type": "text", "required": True},
        {"api_id": "teaser", "type": "long_text"},
        {"api_id": "text", "type": "rich_text"},
        {"api_id": "venue", "type": "text", "filterable": True},
        {"api_id": "starts_at", "type": "datetime", "filterable": True},
    ],
}
_rng = random.Random(7)
BODY = body(_rng, paragraphs=4)  # an article's body of the bench's usual size
TEASER = paragraph_text(_rng, 40)[:300]


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    call_command("migrate", verbosity=0)
    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        email="bench-writes@folio.local", password=None
    )
    if not TypeDefinition.objects.filter(api_id=TYPE["api_id"]).exists():
        type_create(actor=admin, data=TYPE)
    event = entry_type(TYPE["api_id"])
    times: dict[str, list[float]] = {
        "article create": [],
        "entry create": [],
        "article update": [],
        "entry update": [],
    }
    for n in range(ROUNDS):
        made: dict[str, object] = {}

        def article(n=n, made=made):
            made["article"] = entries.entry_create(
                model=Article,
                actor=admin,
                data={"title": f"Write probe {n}", "summary": TEASER, "body": BODY},
            )

        def entry(n=n, made=made):
            made["entry"] = entries.entry_create(
                model=event.model,
                actor=admin,
                data={
                    "title": f"Write probe {n}",
                    "teaser": TEASER,
                    "text": BODY,
                    "venue": "Hall A",
                    "starts_at": "2027-03-01T19:00:00+00:00",
                },
            )

        times["article create"].append(_timed(article))
        times["entry create"].append(_timed(entry))
        times["article update"].append(
            _timed(
                lambda m=made, n=n: entries.entry_update(
                    entry=m["article"], actor=admin, data={"summary": f"{TEASER} {n}"}
                )
            )
        )
        times["entry update"].append(
            _timed(
                lambda m=made, n=n: entries.entry_update(
                    entry=m["entry"], actor=admin, data={"teaser": f"{TEASER} {n}"}
                )
            )
        )
    print(f"{connection.vendor}, {ROUNDS} rounds; milliseconds per write, through the services")
    print(f"{'write':<16}{'median':>10}{'p90':>10}")
    for name, values in times.items():
        p90 = statistics.quantiles(values, n=10)[-1]
        print(f"{name:<16}{statistics.median(values):>10.2f}{p90:>10.2f}")
    for action in ("create", "update"):
        ratio = statistics.median(times[f"entry {action}"]) / statistics.median(
            times[f"article {action}"]
        )
        print(f"entry / article {action}: {ratio:.2f}")


if __name__ == "__main__":
    main()
