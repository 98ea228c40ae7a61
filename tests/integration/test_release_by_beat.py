"""A scheduled release goes live by itself, as `make run` runs it: beat fires the scheduler,
a worker in another process publishes all of its items in one go, and delivery, search and
the sitemap show them together; reverting brings them all back.

The embedded default (SQLite file, filesystem broker), as in test_embedded_default; beat's
"publish scheduled" task is set to every second so the test does not wait a minute.
"""

from __future__ import annotations

import time

import pytest

from tests.integration.conftest import Process, celery, child_env, django_shell, manage, worker_args

pytestmark = pytest.mark.integration

SETUP = """
import json
from datetime import timedelta
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from content import services
from content.services import releases
from content.services.release_publishing import release_schedule
from governance.models import Workflow
from tests.accounts.factories import UserFactory
from tests.content.factories import ArticleFactory, PageFactory
from tests.governance.policy_fixtures import banned

Workflow.objects.update(is_active=False)
banned(terms=("vaporware",))
editor = UserFactory(role="Editor", email="release-editor@example.com")
articles = [ArticleFactory(title=f"Campaign launch {{n}}") for n in range(20)]
pages = [PageFactory(title=f"Campaign page {{n}}") for n in range(2)]
services.entry_update(entry=articles[7], actor=editor, data={{"title": "Campaign vaporware"}})
release = releases.release_create(actor=editor, name="Campaign")
for entry in articles + pages:
    releases.release_item_add(actor=editor, release=release, entry=entry)
blocked = releases.release_validate(release=release, actor=editor)
# The editor fixes the blocked article: the release follows the item's latest revision.
services.entry_update(entry=articles[7], actor=editor, data={{"title": "Campaign launch 7"}})
ready = releases.release_validate(release=release, actor=editor)
every, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
PeriodicTask.objects.filter(task="content.tasks.publish_scheduled_task").update(
    interval=every, crontab=None
)
release_schedule(
    release=release, actor=editor, publish_at=timezone.now() + timedelta(seconds={delay})
)
print("RESULT=" + json.dumps({{
    "release": release.pk, "blocked": len(blocked), "ready": len(ready),
    "ids": [a.pk for a in articles] + [p.pk for p in pages],
}}))
"""

STATE = """
import json
from content.models import Article, Page, Release
release = Release.objects.get(pk={release})
print("RESULT=" + json.dumps({{"status": release.status}}))
"""

PUBLIC = """
import json
from django.test import Client
from content.models import Article, Page
client = Client()
listed = client.get("/api/v1/delivery/articles/?limit=50").json()
found = client.get("/api/v1/delivery/articles/?search=campaign&limit=50").json()
sitemap = client.get("/sitemap.xml").content.decode()
fields = ("last_published_at", "status")
live = [
    *Article.objects.filter(title__startswith="Campaign").values_list(*fields),
    *Page.objects.filter(title__startswith="Campaign").values_list(*fields),
]
stamps = [at.timestamp() for at, status in live if status == "published"]
print("RESULT=" + json.dumps({
    "listed": len(listed["results"]), "found": len(found["results"]),
    "in_sitemap": sitemap.count("/campaign-"), "published": len(stamps),
    "spread": (max(stamps) - min(stamps)) if stamps else None,
}))
"""

REVERT = """
import json
from content.models import Release
from content.services.release_publishing import release_revert
from accounts.models import User
release = release_revert(
    release=Release.objects.get(pk={release}),
    actor=User.objects.get(email="release-editor@example.com"),
)
print("RESULT=" + json.dumps({{"status": release.status}}))
"""


def test_a_scheduled_release_goes_live_together_by_itself_and_reverts(tmp_path, processes):
    env = child_env(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=f"sqlite:///{tmp_path / 'folio.sqlite3'}",
        CELERY_QUEUE_DIR=str(tmp_path / "celery"),
    )
    manage("migrate", "--noinput", env=env, timeout=180)
    made = django_shell(SETUP.format(delay=15), env=env)
    assert (made["blocked"], made["ready"]) == (1, 0)
    assert django_shell(PUBLIC, env=env)["published"] == 0

    worker = Process("celery worker", worker_args(), env, tmp_path / "worker.log").start()
    processes.append(worker)
    beat = Process(
        "celery beat",
        celery("beat", "--scheduler=django_celery_beat.schedulers:DatabaseScheduler"),
        env,
        tmp_path / "beat.log",
    ).start()
    processes.append(beat)

    state = STATE.format(release=made["release"])
    deadline = time.monotonic() + 120
    while (status := django_shell(state, env=env)["status"]) == "scheduled":
        if time.monotonic() > deadline:
            pytest.fail(f"still scheduled after 120 s:\n{worker.log()[-3000:]}")
        time.sleep(1)
    assert status == "published", worker.log()[-3000:]

    public = django_shell(PUBLIC, env=env)
    assert public["published"] == 22
    assert public["spread"] < 1  # one transaction: all in the same second
    assert (public["listed"], public["found"], public["in_sitemap"]) == (20, 20, 22)

    assert django_shell(REVERT.format(release=made["release"]), env=env)["status"] == "reverted"
    after = django_shell(PUBLIC, env=env)
    assert (after["published"], after["listed"], after["in_sitemap"]) == (0, 0, 0)
