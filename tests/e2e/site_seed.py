"""A full site for test_every_page: the demo (seed_demo: users, types defined as data,
articles, pages, media, saved views, workflow), and one row of every model the admin lists
that the demo leaves empty, so each registered model has a change form to open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from io import StringIO

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from waffle.models import Flag, Sample, Switch

from accounts.services import api_key_create
from content.models import Article, BulkJob, Locale, MediaAsset, Page, Redirect, RoleGrant
from content.runtime.definitions import describe, type_update
from content.services import entry_create, entry_update
from content.services.bulk import bulk_job_run
from content.services.releases import release_create, release_item_add
from content.services.saved_views import saved_view_create
from flags.services import toggle_create
from governance.models import (
    ExternalLinkCheck,
    PolicyOverride,
    ReviewLink,
    Submission,
    Webhook,
    WebhookDelivery,
    WebhookEvent,
    Workflow,
    WorkflowBypass,
    WorkflowStep,
)
from governance.policies.kinds.links import url_hash
from tests.content.factories import ArticleFactory, make_image
from tests.eventapp.models import Event


@dataclass
class Site:
    article: Article  # a draft with two revisions (its diff), owned by the administrator
    page: Page  # has a parent to move under
    image: MediaAsset
    person_type_id: int  # the `person` type, with a removed field to purge
    removed_key: str


def seed_site(administrator) -> Site:
    _standard_review()
    call_command("seed_demo", "--articles", "0", stdout=StringIO())
    locale = Locale.objects.order_by("pk").first()
    article = ArticleFactory(title="Harbour opening", owner=administrator)
    entry_update(entry=article, actor=administrator, data={"summary": "When."}, message="Lead")
    image = make_image(actor=administrator, title="Harbour at dawn", width=640, height=400)
    person = _remove_a_field(administrator)
    _empty_models_filled(administrator, article, locale)
    return Site(
        article=Article.objects.get(pk=article.pk),
        page=Page.objects.exclude(parent=None).order_by("pk").first()
        or Page.objects.order_by("pk").first(),
        image=image,
        person_type_id=person[0],
        removed_key=person[1],
    )


def _standard_review() -> None:
    """The default workflow, as its data migration makes it: an earlier browser test's
    flush of the database removed that row."""
    workflow, created = Workflow.objects.get_or_create(
        name="Standard review", defaults={"scope_types": ["article", "page"]}
    )
    if created:
        WorkflowStep.objects.create(
            workflow=workflow, order=1, name="Review", role="Reviewer", approvals_required=1
        )


def _remove_a_field(administrator) -> tuple[int, str]:
    """Remove the `person` type's last field: its values are kept, and can be purged."""
    from content.models import TypeDefinition

    person = TypeDefinition.objects.get(api_id="person")
    fields = describe(person)["fields"]
    removed = person.fields.get(api_id=fields[-1]["api_id"]).key
    type_update(actor=administrator, definition=person, data={"fields": fields[:-1]})
    return person.pk, removed


def _empty_models_filled(administrator, article: Article, locale: Locale) -> None:
    now = timezone.now()
    revision = article.latest_revision
    token = OutstandingToken.objects.create(
        user=administrator, jti="e2e-jti", token="e2e.token", expires_at=now + timedelta(days=1)
    )
    BlacklistedToken.objects.create(token=token)
    # A live one too: it is the administrator's API session on their Sessions page.
    OutstandingToken.objects.create(
        user=administrator, jti="e2e-live", token="e2e.live", expires_at=now + timedelta(days=1)
    )
    request = {"user_agent": "Chromium", "http_accept": "text/html", "path_info": "/admin/login/"}
    AccessAttempt.objects.create(
        **request, username="mallory", get_data="", post_data="", failures_since_start=3
    )
    AccessLog.objects.create(**request, username=administrator.email)
    AccessFailureLog.objects.create(**request, username="mallory")
    api_key_create(actor=administrator, name="Search indexer", scopes=["content:read"])
    job = BulkJob.objects.create(
        actor=administrator,
        entry_type="article",
        action="publish",
        item_ids=[article.pk],
        total=1,
    )
    bulk_job_run(job_id=job.pk)
    release = release_create(actor=administrator, name="Harbour campaign")
    release_item_add(actor=administrator, release=release, entry=article)
    saved_view_create(
        owner=administrator,
        app_label="content",
        model_name="article",
        name="My drafts",
        query="status__exact=draft",
    )
    RoleGrant.objects.create(user=administrator, role="Editor", created_by=administrator)
    Redirect.objects.create(old_path="/old-harbour/", new_path="/harbour/", locale=locale)
    ClockedSchedule.objects.create(clocked_time=now + timedelta(days=1))
    # Beat's schedules come from data migrations, which an earlier browser test's flush of
    # the database removed.
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name="Publish scheduled content",
        defaults={"task": "content.tasks.publish_scheduled_task", "interval": every_minute},
    )
    CrontabSchedule.objects.get_or_create(minute="0", hour="3")
    SolarSchedule.objects.create(event="sunrise", latitude=Decimal(51), longitude=Decimal(0))
    PolicyOverride.objects.create(
        revision=revision, reason="Quoted on purpose", actor=administrator
    )
    url = "https://example.org/harbour"
    ExternalLinkCheck.objects.create(url=url, url_hash=url_hash(url), ok=False, checked_at=now)
    hook = Webhook.objects.create(name="Search index", url="https://hooks.example.com/")
    event = WebhookEvent.objects.create(event_type="content.published", payload={})
    WebhookDelivery.objects.create(webhook=hook, event=event, attempts=2, last_error="HTTP 502")
    submitted = ArticleFactory(title="In review", in_review=True)
    workflow = Workflow.objects.order_by("pk").first()
    ReviewLink.objects.create(
        submission=Submission.objects.filter(object_id=submitted.pk).order_by("pk").last(),
        token_hash="e2e" * 16,
        expires_at=now + timedelta(days=7),
        created_by=administrator,
    )
    WorkflowBypass.objects.create(
        content_type=ContentType.objects.get_for_model(Article),
        object_id=article.pk,
        revision=revision,
        workflow=workflow,
        actor=administrator,
        transition="publish",
    )
    entry_create(model=Event, actor=None, data={"title": "Harbour festival"})
    # A flag rolled out to a fifth of visitors, a switch and a sample (Folio's own switches
    # come from a data migration, which an earlier browser test's flush removed).
    flag = {"name": "checkout_v2", "percent": 20, "public": True, "note": "The new checkout"}
    toggle_create(actor=administrator, model=Flag, data=flag)
    toggle_create(actor=administrator, model=Switch, data={"name": "maintenance"})
    toggle_create(actor=administrator, model=Sample, data={"name": "log_some", "percent": 25})
