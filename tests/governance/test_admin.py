"""Governance changelists through the Django test client: workflow bypasses (read-only), the
dashboard's review queue, external link checks with their revision counts, and beat's
schedule admins, whose saves, deletes and bulk actions are audited.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from content import services
from governance.models import (
    AuditEvent,
    ExternalLinkCheck,
    Submission,
    Workflow,
    WorkflowBypass,
)
from governance.policies.kinds.links import url_hash
from governance.workflows import configuration as workflow_config
from governance.workflows.bypass import bypass_record
from tests.content.factories import ArticleFactory, PageFactory
from tests.governance import workflow_fixtures
from tests.governance.workflow_fixtures import change_url

pytestmark = pytest.mark.django_db
users, admin_for = workflow_fixtures.users, workflow_fixtures.admin_for

DASHBOARD = "/admin/governance/dashboard/"
BYPASSES = "/admin/governance/workflowbypass/"
LINK_CHECKS = "/admin/governance/externallinkcheck/"
SWEEP = "governance.tasks.webhook_sweep_task"


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def audit_rows(prefix: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action__startswith=prefix).order_by("id"))


# --- Workflow bypasses --------------------------------------------------------------------


def bypass(users, title: str, transition: str = "publish") -> WorkflowBypass:
    entry = (PageFactory if transition == "schedule" else ArticleFactory)(title=title)
    return bypass_record(
        entry=entry,
        actor=users["Administrator"],
        workflow=Workflow.objects.get(name="Standard review"),
        revision=entry.latest_revision,
        transition=transition,
    )


def test_bypasses_are_listed_read_only_with_the_item_and_revision(
    users, admin_for, django_assert_max_num_queries
):
    published = bypass(users, "Launch notes")
    client = admin_for("Administrator")
    baseline = queries_for(client, BYPASSES)
    for n in range(4):
        bypass(users, f"More {n}", transition="schedule" if n % 2 else "publish")
    with django_assert_max_num_queries(baseline):
        html = client.get(BYPASSES).content.decode()
    assert f'<a href="{change_url(published.entry)}">Launch notes</a>' in html
    assert "administrator@example.com" in html
    assert ">r1<" in html
    assert "Standard review" in html

    scheduled = client.get(BYPASSES, {"transition": "schedule"}).content.decode()
    assert "More 1" in scheduled
    assert "Launch notes" not in scheduled
    assert "More 0" not in scheduled
    found = client.get(BYPASSES, {"q": "administrator@"}).content.decode()
    assert "Launch notes" in found

    detail = client.get(f"{BYPASSES}{published.pk}/change/")
    assert detail.status_code == 200
    assert b'name="_save"' not in detail.content  # nothing to save
    assert client.get(f"{BYPASSES}add/").status_code == 403
    refused = client.post(f"{BYPASSES}{published.pk}/change/", {"transition": "schedule"})
    assert refused.status_code == 403
    assert client.post(f"{BYPASSES}{published.pk}/delete/", {"post": "yes"}).status_code == 403
    published.refresh_from_db()
    assert published.transition == "publish"


@pytest.mark.parametrize("who", ["Editor", "Reviewer", "Author", "Viewer"])
def test_only_administrators_see_bypasses_and_link_checks(users, admin_for, who):
    record = bypass(users, "Launch notes")
    client = admin_for(who)
    assert client.get(BYPASSES).status_code == 403
    assert client.get(f"{BYPASSES}{record.pk}/change/").status_code == 403
    assert client.get(LINK_CHECKS).status_code == 403


# --- The dashboard's review queue ---------------------------------------------------------


def submit(users, factory, title: str):
    entry = factory(title=title, owner=users["Author"])
    return services.entry_submit(entry=entry, actor=users["Author"])


def test_my_review_queue_shows_title_type_revision_and_step(
    users, admin_for, django_assert_max_num_queries
):
    # A step named after its group (no name of its own): the group is read for each row.
    legal = Group.objects.create(name="Legal")
    users["Reviewer"].groups.add(legal)
    workflow_config.workflow_update(
        workflow=Workflow.objects.get(name="Standard review"),
        actor=None,
        data={"steps": [{"order": 1, "group": legal, "approvals_required": 1}]},
    )
    article = submit(users, ArticleFactory, "Spring schedule")
    client = admin_for("Reviewer")
    baseline = queries_for(client, DASHBOARD)
    page = submit(users, PageFactory, "About the team")
    for n in range(3):
        submit(users, ArticleFactory, f"Queued {n}")
    with django_assert_max_num_queries(baseline):
        response = client.get(DASHBOARD)
    html = response.content.decode()
    assert f'<a href="{change_url(article)}">Spring schedule</a>' in html
    assert f'<a href="{change_url(page)}">About the team</a>' in html
    # The "My review tasks" card: each item's type, revision under review and step.
    assert "Article · revision 1 · step 1. Legal" in html
    assert "Page · revision 1 · step 1. Legal" in html
    assert f"article {article.pk} r1" not in html  # no more raw submission labels


def test_submissions_stay_read_only(users, admin_for):
    article = submit(users, ArticleFactory, "Spring schedule")
    submission = Submission.objects.get(object_id=article.pk)
    client = admin_for("Administrator")
    detail = client.get(f"/admin/governance/submission/{submission.pk}/change/")
    assert detail.status_code == 200
    assert b'name="_save"' not in detail.content
    refused = client.post(f"/admin/governance/submission/{submission.pk}/change/", {})
    assert refused.status_code == 403
    assert client.get("/admin/governance/submission/add/").status_code == 403


# --- External link checks -----------------------------------------------------------------


def link_check(url: str, *revisions, ok: bool = True) -> ExternalLinkCheck:
    check = ExternalLinkCheck.objects.create(
        url=url, url_hash=url_hash(url), ok=ok, checked_at=timezone.now()
    )
    check.revisions.add(*revisions)
    return check


def test_link_checks_count_the_revisions_using_each_link(
    users, admin_for, django_assert_max_num_queries
):
    first, second = ArticleFactory(), ArticleFactory()
    used = link_check("https://example.org/used", first.latest_revision, second.latest_revision)
    unused = link_check("https://example.org/unused", ok=False)
    client = admin_for("Administrator")
    baseline = queries_for(client, LINK_CHECKS)
    for n in range(5):
        link_check(f"https://example.org/{n}", first.latest_revision, second.latest_revision)
    with django_assert_max_num_queries(baseline):
        html = client.get(LINK_CHECKS).content.decode()
    # unfold's cells carry layout classes and their column's label (for the phone layout).
    assert re.search(r'<td class="field-revision_count[ "][^>]*>2</td>', html)
    assert re.search(r'<td class="field-revision_count[ "][^>]*>0</td>', html)

    by_count = client.get(LINK_CHECKS, {"o": "6"}).content.decode()  # 6th column, ascending
    assert by_count.index("/unused") < by_count.index("/used")

    detail = client.get(f"{LINK_CHECKS}{used.pk}/change/").content.decode()
    assert "Revisions" in detail
    assert re.search(r'<div class="readonly[^"]*">2</div>', detail)
    assert "article " not in detail  # no list of revisions (nor a widget to edit it)
    assert client.get(f"{LINK_CHECKS}{unused.pk}/change/").status_code == 200
    assert client.post(f"{LINK_CHECKS}{used.pk}/change/", {"ok": ""}).status_code == 403


# --- Beat schedules -----------------------------------------------------------------------


@pytest.fixture
def every_ten_minutes() -> IntervalSchedule:
    return IntervalSchedule.objects.create(every=10, period=IntervalSchedule.MINUTES)


@pytest.fixture
def sweep_task(every_ten_minutes) -> PeriodicTask:
    return PeriodicTask.objects.create(name="Extra sweep", task=SWEEP, interval=every_ten_minutes)


def beat_url(model: str, *args) -> str:
    name = "changelist" if not args else args[0]
    return reverse(f"admin:django_celery_beat_{model}_{name}", args=args[1:])


def task_form(task: PeriodicTask, **changes) -> dict:
    """The periodic task form as the admin renders it for `task`, with `changes`."""
    data = {
        "name": task.name,
        "regtask": "",
        "task": task.task,
        "description": task.description,
        "interval": task.interval_id or "",
        "crontab": task.crontab_id or "",
        "args": task.args,
        "kwargs": task.kwargs,
        "headers": task.headers,
        "_save": "Save",
        **({"enabled": "on"} if task.enabled else {}),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


NO_INLINE_TASKS = {"periodictask_set-TOTAL_FORMS": "0", "periodictask_set-INITIAL_FORMS": "0"}


def test_editing_a_periodic_task_audits_the_changed_fields(users, admin_for, sweep_task):
    client = admin_for("Administrator")
    nightly = CrontabSchedule.objects.create(minute="0", hour="3")
    response = client.post(
        beat_url("periodictask", "change", sweep_task.pk),
        task_form(sweep_task, interval="", crontab=nightly.pk, description="Nightly"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    (event,) = audit_rows("periodic_task.")
    assert event.action == "periodic_task.update"
    assert event.actor == users["Administrator"]
    assert event.target_id == str(sweep_task.pk)
    assert event.changes == {
        "interval": [sweep_task.interval_id, None],
        "crontab": [None, nightly.pk],
        "description": ["", "Nightly"],
    }

    # Saving without a change writes nothing; neither does beat's own bookkeeping.
    sweep_task.refresh_from_db()
    client.post(beat_url("periodictask", "change", sweep_task.pk), task_form(sweep_task))
    sweep_task.last_run_at = timezone.now()
    sweep_task.total_run_count += 1
    sweep_task.save()
    assert len(audit_rows("periodic_task.")) == 1


def test_creating_and_deleting_schedules_is_audited(users, admin_for, every_ten_minutes):
    client = admin_for("Administrator")
    created = client.post(
        beat_url("intervalschedule", "add"),
        {"every": "15", "period": "minutes", "_save": "Save", **NO_INLINE_TASKS},
    )
    assert created.status_code == 302
    schedule = IntervalSchedule.objects.get(every=15)
    add = client.post(
        beat_url("periodictask", "add"),
        {
            "name": "Quarter-hourly sweep",
            "task": SWEEP,
            "interval": schedule.pk,
            "enabled": "on",
            "args": "[]",
            "kwargs": "{}",
            "headers": "{}",
            "_save": "Save",
        },
    )
    assert add.status_code == 302
    task = PeriodicTask.objects.get(name="Quarter-hourly sweep")
    changed = client.post(
        beat_url("intervalschedule", "change", schedule.pk),
        {
            "every": "20",
            "period": "minutes",
            "_save": "Save",
            "periodictask_set-TOTAL_FORMS": "1",
            "periodictask_set-INITIAL_FORMS": "1",
            "periodictask_set-0-id": task.pk,
            "periodictask_set-0-interval": schedule.pk,
        },
    )
    assert changed.status_code == 302
    deleted = client.post(beat_url("intervalschedule", "delete", schedule.pk), {"post": "yes"})
    assert deleted.status_code == 302
    assert not PeriodicTask.objects.filter(pk=task.pk).exists()  # deleted with its schedule

    events = audit_rows("interval_schedule.") + audit_rows("periodic_task.")
    assert [(e.action, e.changes.get("every")) for e in events] == [
        ("interval_schedule.create", 15),
        ("interval_schedule.update", [15, 20]),
        ("interval_schedule.delete", 20),
        ("periodic_task.create", None),
    ]
    assert events[2].metadata == {"periodic_tasks_deleted": ["Quarter-hourly sweep"]}
    assert events[3].changes["task"] == SWEEP
    assert events[3].changes["interval"] == schedule.pk
    assert all(e.actor == users["Administrator"] for e in events)

    crontab = CrontabSchedule.objects.create(minute="5")
    client.post(
        beat_url("crontabschedule", "changelist"),
        {"action": "delete_selected", "_selected_action": [crontab.pk], "post": "yes"},
    )
    assert not CrontabSchedule.objects.filter(pk=crontab.pk).exists()
    (event,) = audit_rows("crontab_schedule.")
    assert event.action == "crontab_schedule.delete"
    assert event.changes["minute"] == "5"


def test_bulk_actions_on_periodic_tasks_are_audited(users, admin_for, sweep_task):
    client = admin_for("Administrator")
    other = PeriodicTask.objects.create(
        name="Disabled sweep", task=SWEEP, interval=sweep_task.interval, enabled=False
    )
    changelist = beat_url("periodictask")

    def act(action: str, *tasks: PeriodicTask, **query) -> None:
        url = f"{changelist}?enabled__exact=1" if query.get("only_enabled") else changelist
        selected = [t.pk for t in tasks]
        response = client.post(url, {"action": action, "_selected_action": selected})
        assert response.status_code == 302

    act("disable_tasks", sweep_task, only_enabled=True)
    act("enable_tasks", sweep_task, other)
    act("toggle_tasks", sweep_task, other)
    act("disable_tasks", sweep_task, other)  # both are disabled already: nothing to record
    act("run_tasks", other)
    client.post(
        changelist, {"action": "delete_selected", "_selected_action": [other.pk], "post": "yes"}
    )

    extra, disabled, on, off = "Extra sweep", "Disabled sweep", [False, True], [True, False]
    assert [
        (e.action, e.target_repr.split(":")[0], e.changes.get("enabled"), e.metadata)
        for e in audit_rows("periodic_task.")
    ] == [
        ("periodic_task.update", extra, off, {"admin_action": "disable_tasks"}),
        ("periodic_task.update", extra, on, {"admin_action": "enable_tasks"}),
        ("periodic_task.update", disabled, on, {"admin_action": "enable_tasks"}),
        ("periodic_task.update", extra, off, {"admin_action": "toggle_tasks"}),
        ("periodic_task.update", disabled, off, {"admin_action": "toggle_tasks"}),
        ("periodic_task.run", disabled, None, {"task": SWEEP}),
        ("periodic_task.delete", disabled, False, {}),
    ]
    assert all(len(e.changes) == 1 for e in audit_rows("periodic_task.update"))
    assert not PeriodicTask.objects.filter(pk=other.pk).exists()


def test_running_an_unknown_task_runs_nothing_and_audits_nothing(admin_for, every_ten_minutes):
    ghost = PeriodicTask.objects.create(
        name="Ghost", task="nowhere.tasks.missing", interval=every_ten_minutes
    )
    admin_for("Administrator").post(
        beat_url("periodictask"), {"action": "run_tasks", "_selected_action": [ghost.pk]}
    )
    assert audit_rows("periodic_task.") == []


@pytest.mark.parametrize("who", ["Editor", "Reviewer", "Viewer"])
def test_only_administrators_reach_or_change_beat_schedules(users, admin_for, sweep_task, who):
    client = admin_for(who)
    for model in ("periodictask", "intervalschedule", "crontabschedule"):
        assert client.get(beat_url(model)).status_code == 403
    edit = client.post(
        beat_url("periodictask", "change", sweep_task.pk), task_form(sweep_task, name="Hijacked")
    )
    assert edit.status_code == 403
    bulk = client.post(
        beat_url("periodictask"), {"action": "disable_tasks", "_selected_action": [sweep_task.pk]}
    )
    assert bulk.status_code == 403
    add = client.post(
        beat_url("intervalschedule", "add"),
        {"every": "1", "period": "seconds", "_save": "Save", **NO_INLINE_TASKS},
    )
    assert add.status_code == 403
    sweep_task.refresh_from_db()
    assert (sweep_task.name, sweep_task.enabled) == ("Extra sweep", True)
    assert not IntervalSchedule.objects.filter(every=1, period="seconds").exists()
    assert audit_rows("periodic_task.") == audit_rows("interval_schedule.") == []
