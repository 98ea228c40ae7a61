"""Edit locks: an Editor locks an item, and until it is unlocked or expires nobody else
saves it or moves it along its lifecycle, in the services, the API and the admin."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from content import services
from content.models import Article, Page, Status
from content.services import edit_locks
from core.exceptions import ItemLocked
from governance.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.assertions import assert_error
from tests.content.factories import ArticleFactory, PageFactory
from tests.content.test_admin import form_data, login, messages_of, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_editor(db):
    return UserFactory(role="Editor", email="otto@example.com", full_name="Otto Other")


def _audit(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


# --- Services ----------------------------------------------------------------------------


def test_a_lock_refuses_another_users_save_and_lets_its_holder_save(editor, other_editor):
    article = ArticleFactory(title="Draft")
    locked = edit_locks.entry_lock(entry=article, actor=editor)
    assert locked.locked_by == editor
    assert locked.lock_expires_at > timezone.now()

    with pytest.raises(ItemLocked) as refused:
        services.entry_update(entry=article, actor=other_editor, data={"title": "Theirs"})
    assert "locked by" in str(refused.value)
    assert refused.value.details["locked_by"] == editor.pk
    assert Article.objects.get(pk=article.pk).title == "Draft"

    services.entry_update(entry=article, actor=editor, data={"title": "Mine"})
    assert Article.objects.get(pk=article.pk).title == "Mine"


def test_a_lock_refuses_another_users_transitions_but_not_the_scheduler(editor, other_editor):
    article = ArticleFactory(title="News")
    edit_locks.entry_lock(entry=article, actor=editor)
    for transition in (services.entry_publish, services.entry_submit, services.entry_trash):
        with pytest.raises(ItemLocked):
            transition(entry=article, actor=other_editor)
    with pytest.raises(ItemLocked):
        services.entry_schedule(
            entry=article, actor=other_editor, publish_at=timezone.now() + timedelta(days=1)
        )
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT

    # The system (the scheduler, commands) is never refused; the holder publishes too.
    services.entry_publish(entry=article, actor=None)
    services.entry_unpublish(entry=article, actor=editor)
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT


def test_a_page_locked_by_someone_else_cannot_be_moved(editor, other_editor):
    parent = PageFactory(title="About")
    page = PageFactory(title="Team")
    edit_locks.entry_lock(entry=page, actor=editor)
    with pytest.raises(ItemLocked):
        services.page_move(page=page, actor=other_editor, parent=parent)
    assert Page.objects.get(pk=page.pk).parent_id is None


def test_locking_changes_neither_the_version_nor_the_update_time(editor):
    article = ArticleFactory()
    before = Article.objects.get(pk=article.pk)
    edit_locks.entry_lock(entry=article, actor=editor)
    edit_locks.entry_unlock(entry=article, actor=editor)
    after = Article.objects.get(pk=article.pk)
    assert (after.version, after.updated_at) == (before.version, before.updated_at)


def test_a_lock_expires_after_content_lock_seconds(editor, other_editor, settings):
    settings.CONTENT_LOCK_SECONDS = 600
    article = ArticleFactory(title="Draft")
    edit_locks.entry_lock(entry=article, actor=editor)
    early = timezone.now() + timedelta(seconds=500)
    with time_machine.travel(early), pytest.raises(ItemLocked):
        services.entry_update(entry=article, actor=other_editor, data={"title": "Early"})
    with time_machine.travel(timezone.now() + timedelta(seconds=700)):
        services.entry_update(entry=article, actor=other_editor, data={"title": "Later"})
        # Expired: another editor may take it, and there is nothing left to unlock.
        assert edit_locks.entry_lock(entry=article, actor=other_editor).locked_by == other_editor
    assert Article.objects.get(pk=article.pk).title == "Later"


def test_locking_again_renews_the_lock_but_no_one_takes_anothers(editor, other_editor):
    article = ArticleFactory()
    first = edit_locks.entry_lock(entry=article, actor=editor).lock_expires_at
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        renewed = edit_locks.entry_lock(entry=article, actor=editor).lock_expires_at
    assert renewed > first
    with pytest.raises(ItemLocked):
        edit_locks.entry_lock(entry=article, actor=other_editor)
    assert [e.metadata["renewed"] for e in _audit("article.lock")] == [False, True]


def test_every_lock_and_unlock_is_audited_and_a_forced_unlock_says_so(editor, other_editor):
    article = ArticleFactory(title="Audited")
    edit_locks.entry_lock(entry=article, actor=editor)
    edit_locks.entry_unlock(entry=article, actor=editor)
    edit_locks.entry_lock(entry=article, actor=editor)
    edit_locks.entry_unlock(entry=article, actor=other_editor)  # forced

    locks, unlocks = _audit("article.lock"), _audit("article.unlock")
    assert [e.actor for e in locks] == [editor, editor]
    assert all(e.target_id == str(article.pk) for e in locks + unlocks)
    assert [(e.actor, e.metadata["forced"]) for e in unlocks] == [
        (editor, False),
        (other_editor, True),
    ]
    assert unlocks[1].metadata["holder"] == editor.pk
    assert Article.objects.get(pk=article.pk).locked_by is None


def test_an_author_can_neither_lock_nor_unlock_someone_elses_lock(users, editor):
    author = users["Author"]
    own = ArticleFactory(owner=author)
    with pytest.raises(PermissionDenied):
        edit_locks.entry_lock(entry=own, actor=author)
    for role in ("Reviewer", "Viewer"):
        with pytest.raises(PermissionDenied):
            edit_locks.entry_lock(entry=own, actor=users[role])

    edit_locks.entry_lock(entry=own, actor=editor)
    with pytest.raises(PermissionDenied, match="Only"):
        edit_locks.entry_unlock(entry=own, actor=author)
    # ...and while the Editor holds it, the Author's own draft is theirs to read only.
    with pytest.raises(ItemLocked):
        services.entry_update(entry=own, actor=author, data={"title": "Mine"})
    assert Article.objects.get(pk=own.pk).locked_by == editor
    assert _audit("article.unlock") == []


def test_unlocking_an_item_that_is_not_locked_is_refused(editor):
    article = ArticleFactory()
    with pytest.raises(ValidationError, match="not locked"):
        edit_locks.entry_unlock(entry=article, actor=editor)


def test_an_item_in_the_trash_cannot_be_locked(editor):
    article = ArticleFactory(trashed=True)
    with pytest.raises(ValidationError, match="trash"):
        edit_locks.entry_lock(entry=article, actor=editor)


# --- API ---------------------------------------------------------------------------------

API = "/api/v1/articles/"


def test_api_lock_shows_in_the_item_and_refuses_others_with_423(client_for, editor):
    article = ArticleFactory(title="Locked news")
    response = client_for("Editor").post(f"{API}{article.pk}/lock/")
    assert response.status_code == 200, response.content
    lock = response.json()["lock"]
    assert lock["locked_by"] == editor.pk
    assert lock["locked_by_name"] == editor.get_full_name()
    assert set(lock) == {"locked_by", "locked_by_name", "locked_at", "expires_at"}
    assert client_for("Viewer").get(f"{API}{article.pk}/").json()["lock"] == lock
    listed = client_for("Viewer").get(API).json()["results"]
    assert [item["lock"]["locked_by"] for item in listed] == [editor.pk]

    admin = client_for("Administrator")
    patch = admin.patch(
        f"{API}{article.pk}/", {"title": "Theirs"}, format="json", HTTP_IF_MATCH='"1"'
    )
    error = assert_error(patch, 423, "locked")
    assert "locked by" in error["message"]
    assert error["details"]["locked_by"] == editor.pk
    assert error["details"]["expires_at"] == lock["expires_at"]
    assert_error(admin.post(f"{API}{article.pk}/publish/"), 423, "locked")
    assert_error(admin.post(f"{API}{article.pk}/lock/"), 423, "locked")
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT

    holder = client_for("Editor")
    saved = holder.patch(
        f"{API}{article.pk}/", {"title": "Mine"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert saved.status_code == 200, saved.content
    assert holder.post(f"{API}{article.pk}/publish/").json()["status"] == "published"

    unlocked = holder.post(f"{API}{article.pk}/unlock/")
    assert unlocked.status_code == 200
    assert unlocked.json()["lock"] is None
    assert client_for("Viewer").get(f"{API}{article.pk}/").json()["lock"] is None


def test_api_an_author_cannot_lock_or_unlock_someone_elses_lock(client_for, users):
    article = ArticleFactory(owner=users["Author"])
    assert_error(client_for("Author").post(f"{API}{article.pk}/lock/"), 403)
    client_for("Editor").post(f"{API}{article.pk}/lock/")
    assert_error(client_for("Author").post(f"{API}{article.pk}/unlock/"), 403)
    assert_error(client_for("Viewer").post(f"{API}{article.pk}/unlock/"), 403)
    # An Administrator may force it open.
    assert client_for("Administrator").post(f"{API}{article.pk}/unlock/").status_code == 200
    assert_error(client_for("Editor").post(f"{API}{article.pk}/unlock/"), 400, "validation_error")


def test_api_pages_have_the_same_lock_actions(client_for, editor):
    page = PageFactory(title="About")
    assert client_for("Editor").post(f"/api/v1/pages/{page.pk}/lock/").status_code == 200
    response = client_for("Administrator").post(f"/api/v1/pages/{page.pk}/trash/")
    assert_error(response, 423, "locked")
    assert Page.objects.get(pk=page.pk).deleted_at is None


def test_api_lock_of_a_missing_item_is_a_404(client_for):
    assert_error(client_for("Editor").post(f"{API}999999/lock/"), 404)


# --- Admin -------------------------------------------------------------------------------


def test_admin_lock_button_banner_and_a_refused_save(client, editor, other_editor):
    article = ArticleFactory(title="Locked in the admin")
    change = url("article_change", article.pk)

    login(client, editor)
    page = client.get(change).content.decode()
    assert 'data-lock-action="lock"' in page
    assert 'data-lock-action="unlock"' not in page
    response = client.post(url("article_lock", article.pk), follow=True)
    assert any("locked for your editing" in m for m in messages_of(response))
    page = response.content.decode()
    assert "You locked this article until" in page
    assert 'data-lock-action="unlock"' in page

    login(client, other_editor)
    form = client.get(change)
    page = form.content.decode()
    until = Article.objects.get(pk=article.pk).lock_expires_at
    assert f"Locked by {editor.get_full_name()} until {timezone.localtime(until):%H:%M}" in page
    assert 'data-transition="publish"' not in page  # no button the lock would refuse
    refused = client.post(change, form_data(form, title="Overwritten"))
    assert refused.status_code == 200
    assert "is locked by" in refused.content.decode()
    assert Article.objects.get(pk=article.pk).title == "Locked in the admin"

    # Another editor may force the lock open; the save then goes through.
    response = client.post(url("article_unlock", article.pk), follow=True)
    assert any("is unlocked" in m for m in messages_of(response))
    saved = client.post(change, form_data(client.get(change), title="Overwritten"))
    assert saved.status_code == 302
    assert Article.objects.get(pk=article.pk).title == "Overwritten"
    assert _audit("article.unlock")[0].metadata["forced"] is True


def test_admin_an_author_is_offered_no_lock_and_is_refused_one(client, users):
    author = users["Author"]
    article = ArticleFactory(owner=author)
    login(client, author)
    assert (
        'data-lock-action="lock"'
        not in client.get(url("article_change", article.pk)).content.decode()
    )
    response = client.post(url("article_lock", article.pk), follow=True)
    assert any("permission" in m for m in messages_of(response))
    assert Article.objects.get(pk=article.pk).locked_by is None
    assert client.get(url("article_lock", article.pk)).status_code == 405
