"""Lifecycle services: every transition, allowed and refused, and the draft/live split."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from content import guards, hooks, services
from content.models import Article, Page, Redirect, Reference, Revision, Status
from content.services.revisions import revision_diff, revision_list
from core.exceptions import PreconditionFailed
from tests.content.factories import ArticleFactory, PageFactory, make_category, make_image

pytestmark = pytest.mark.django_db

BODY = [{"type": "paragraph", "value": {"text": "Live text"}}]


def test_create_derives_unique_slug_and_writes_first_revision(editor):
    a = services.entry_create(model=Article, actor=editor, data={"title": "Hello World"})
    b = services.entry_create(model=Article, actor=editor, data={"title": "Hello World"})
    assert (a.slug, b.slug) == ("hello-world", "hello-world-2")
    assert a.status == Status.DRAFT
    assert a.version == 1
    assert a.owner == editor
    assert a.latest_revision.number == 1
    assert a.live_revision is None
    assert list(a.authors.all()) == [editor]


def test_create_refuses_explicit_duplicate_slug(editor):
    services.entry_create(model=Article, actor=editor, data={"title": "A", "slug": "same"})
    with pytest.raises(ValidationError) as exc:
        services.entry_create(model=Article, actor=editor, data={"title": "B", "slug": "same"})
    assert "slug" in exc.value.message_dict


def test_create_needs_a_title_and_add_permission(users):
    with pytest.raises(ValidationError):
        services.entry_create(model=Article, actor=users["Editor"], data={"title": ""})
    for role in ("Viewer", "Reviewer"):
        with pytest.raises(PermissionDenied):
            services.entry_create(model=Article, actor=users[role], data={"title": "x"})


def test_update_bumps_version_writes_revision_and_checks_version(editor):
    article = ArticleFactory()
    updated = services.entry_update(
        entry=article, actor=editor, data={"title": "New"}, expected_version=1
    )
    assert updated.version == 2
    assert updated.latest_revision.number == 2
    with pytest.raises(PreconditionFailed) as exc:
        services.entry_update(entry=article, actor=editor, data={"title": "X"}, expected_version=1)
    assert exc.value.details == {"current_version": 2}
    assert Article.objects.get(pk=article.pk).title == "New"


def test_editing_published_item_keeps_live_revision(editor):
    article = ArticleFactory(published=True, body=BODY)
    live = article.live_revision
    services.entry_update(
        entry=article,
        actor=editor,
        data={"body": [{"type": "paragraph", "value": {"text": "Draft text"}}]},
    )
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    assert article.live_revision == live
    assert article.live_revision.snapshot["body"] == BODY
    assert article.has_unpublished_changes
    services.entry_publish(entry=article, actor=editor)
    article.refresh_from_db()
    assert article.live_revision.snapshot["body"][0]["value"]["text"] == "Draft text"
    assert not article.has_unpublished_changes


def test_publish_refused_without_changes_and_for_non_publishers(users):
    article = ArticleFactory(published=True)
    with pytest.raises(ValidationError):
        services.entry_publish(entry=article, actor=users["Editor"])
    draft = ArticleFactory(owner=users["Author"])
    for role in ("Author", "Reviewer", "Viewer"):
        with pytest.raises(PermissionDenied):
            services.entry_publish(entry=draft, actor=users[role])


def test_publish_sets_timestamps_but_not_the_editors_date(editor):
    article = services.entry_publish(entry=ArticleFactory(), actor=editor)
    assert article.first_published_at == article.last_published_at
    assert Article.objects.get(pk=article.pk).published_date is None  # nobody entered one
    first = article.first_published_at
    services.entry_update(entry=article, actor=editor, data={"title": "Changed"})
    article = services.entry_publish(entry=Article.objects.get(pk=article.pk), actor=editor)
    assert article.first_published_at == first < article.last_published_at


def test_author_edits_only_own_drafts(users):
    author = users["Author"]
    own = ArticleFactory(owner=author)
    services.entry_update(entry=own, actor=author, data={"title": "Mine"})
    other = ArticleFactory(owner=users["Editor"])
    with pytest.raises(PermissionDenied):
        services.entry_update(entry=other, actor=author, data={"title": "Not mine"})
    published = ArticleFactory(owner=author, published=True)
    with pytest.raises(PermissionDenied):
        services.entry_update(entry=published, actor=author, data={"title": "Live"})
    with pytest.raises(PermissionDenied):
        services.entry_trash(entry=other, actor=author)
    with pytest.raises(PermissionDenied):
        services.entry_update(entry=own, actor=author, data={"owner": users["Editor"]})
    services.entry_trash(entry=own, actor=author)


def test_author_cannot_publish_unpublish_or_schedule(users):
    author = users["Author"]
    own = ArticleFactory(owner=author)
    live = ArticleFactory(owner=author, published=True)
    soon = timezone.now() + timedelta(hours=1)
    with pytest.raises(PermissionDenied):
        services.entry_publish(entry=own, actor=author)
    with pytest.raises(PermissionDenied):
        services.entry_unpublish(entry=live, actor=author)
    with pytest.raises(PermissionDenied):
        services.entry_schedule(entry=own, actor=author, publish_at=soon)
    with pytest.raises(PermissionDenied):
        services.entry_archive(entry=own, actor=author)


def test_viewer_cannot_write_anything(users):
    viewer, article = users["Viewer"], ArticleFactory()
    for call in (
        lambda: services.entry_update(entry=article, actor=viewer, data={"title": "x"}),
        lambda: services.entry_submit(entry=article, actor=viewer),
        lambda: services.entry_trash(entry=article, actor=viewer),
        lambda: services.entry_publish(entry=article, actor=viewer),
    ):
        with pytest.raises(PermissionDenied):
            call()


def test_review_flow(users):
    author, editor = users["Author"], users["Editor"]
    article = ArticleFactory(owner=author)
    with pytest.raises(ValidationError):
        services.entry_approve(entry=article, actor=editor)  # not in review
    article = services.entry_submit(entry=article, actor=author)
    assert article.status == Status.IN_REVIEW
    with pytest.raises(ValidationError):
        services.entry_submit(entry=article, actor=editor)
    with pytest.raises(PermissionDenied):
        services.entry_approve(entry=article, actor=author)
    article = services.entry_reject(entry=article, actor=editor, message="Needs work")
    assert article.status == Status.DRAFT
    services.entry_submit(entry=article, actor=author)
    article = services.entry_approve(entry=Article.objects.get(pk=article.pk), actor=editor)
    assert article.status == Status.APPROVED
    # Editing approved content voids the approval.
    article = services.entry_update(entry=article, actor=editor, data={"title": "Edited"})
    assert article.status == Status.DRAFT


def test_unpublish_and_archive(editor):
    article = ArticleFactory(published=True)
    article = services.entry_unpublish(entry=article, actor=editor)
    assert article.status == Status.DRAFT
    assert article.live_revision is None
    with pytest.raises(ValidationError):
        services.entry_unpublish(entry=article, actor=editor)
    live = ArticleFactory(published=True)
    archived = services.entry_archive(entry=live, actor=editor)
    assert archived.status == Status.ARCHIVED
    assert archived.live_revision is None
    with pytest.raises(ValidationError):
        services.entry_archive(entry=archived, actor=editor)
    revived = services.entry_publish(entry=archived, actor=editor)
    assert revived.status == Status.PUBLISHED


def test_a_rejection_needs_a_comment(editor):
    article = ArticleFactory(in_review=True)
    for message in ("", "   "):
        with pytest.raises(ValidationError, match="needs a comment"):
            services.entry_reject(entry=article, actor=editor, message=message)
    assert Article.objects.get(pk=article.pk).status == Status.IN_REVIEW


def test_schedule_rules(editor):
    article = ArticleFactory()
    past = timezone.now() - timedelta(minutes=1)
    future = timezone.now() + timedelta(hours=1)
    with pytest.raises(ValidationError):
        services.entry_schedule(entry=article, actor=editor, publish_at=past)
    with pytest.raises(ValidationError):
        services.entry_schedule(entry=article, actor=editor, publish_at=future, expire_at=future)
    with pytest.raises(ValidationError):
        services.entry_schedule(entry=article, actor=editor, publish_at=None, expire_at=future)
    article = services.entry_schedule(entry=article, actor=editor, publish_at=future)
    assert article.status == Status.SCHEDULED
    assert article.publish_at == future
    article = services.entry_schedule(entry=article, actor=editor, publish_at=None)
    assert article.status == Status.DRAFT
    assert article.publish_at is None


def test_trash_hides_and_restore_brings_back(editor):
    article = ArticleFactory(published=True, title="Gone")
    article = services.entry_trash(entry=article, actor=editor)
    assert article.deleted_at is not None
    assert article.live_revision is None
    with pytest.raises(ValidationError):
        services.entry_update(entry=article, actor=editor, data={"title": "x"})
    with pytest.raises(ValidationError):
        services.entry_trash(entry=article, actor=editor)
    # The slug is free while the item is in the trash; restore renames rather than clash.
    taker = services.entry_create(model=Article, actor=editor, data={"title": "Gone"})
    assert taker.slug == "gone"
    restored = services.entry_restore(entry=article, actor=editor)
    assert restored.deleted_at is None
    assert restored.slug == "gone-2"
    with pytest.raises(ValidationError):
        services.entry_restore(entry=restored, actor=editor)


def test_revert_writes_a_new_revision(editor):
    article = ArticleFactory(title="One")
    services.entry_update(entry=article, actor=editor, data={"title": "Two"})
    reverted = services.revision_revert(entry=article, actor=editor, number=1)
    assert reverted.title == "One"
    numbers = list(revision_list(entry=article).values_list("number", flat=True))
    assert numbers == [3, 2, 1]
    with pytest.raises(ValidationError):
        services.revision_revert(entry=article, actor=editor, number=99)
    revisions = {r.number: r for r in revision_list(entry=article)}
    assert revision_diff(old=revisions[1], new=revisions[2]) == {
        "title": {"from": "One", "to": "Two"}
    }


def test_revisions_are_immutable():
    revision = ArticleFactory().latest_revision
    revision.message = "rewrite history"
    with pytest.raises(Exception, match="immutable"):
        revision.save()


def test_publish_hook_can_block(editor):
    article = ArticleFactory()

    class Refuse(guards.PublishingGuard):
        def check_publish(self, **kwargs):
            raise ValidationError("Policy says no.")

    guard = Refuse()
    guards.register(guard)
    try:
        with pytest.raises(ValidationError, match="Policy says no"):
            services.entry_publish(entry=article, actor=editor)
    finally:
        guards.unregister(guard)
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    assert article.live_revision is None


def test_schedule_hook_is_asked_only_when_something_new_would_go_live(editor):
    asked = []

    class Refuse(guards.PublishingGuard):
        def check_schedule(self, *, entry, revision, publish_at, **kwargs):
            asked.append((entry.pk, revision.pk, publish_at))
            raise ValidationError("Not approved.")

    article = ArticleFactory()
    live = ArticleFactory(published=True)
    soon = timezone.now() + timedelta(hours=1)
    guard = Refuse()
    guards.register(guard)
    try:
        with pytest.raises(ValidationError, match="Not approved"):
            services.entry_schedule(entry=article, actor=editor, publish_at=soon)
        # An expiry alone, clearing, or re-timing an unchanged live item: nothing goes live.
        services.entry_schedule(entry=live, actor=editor, publish_at=None, expire_at=soon)
        services.entry_schedule(entry=article, actor=editor, publish_at=None)
        services.entry_schedule(entry=live, actor=editor, publish_at=soon)
    finally:
        guards.unregister(guard)
    assert asked == [(article.pk, article.latest_revision_id, soon)]
    article.refresh_from_db()
    assert (article.status, article.publish_at) == (Status.DRAFT, None)


def test_published_signal_is_sent_inside_the_transaction(editor):
    """Receivers (read model, webhook outbox) commit or roll back with the publish."""
    from django.db import connection

    seen = []
    hooks.entry_published.connect(
        lambda **kw: seen.append((kw["entry_id"], connection.in_atomic_block)),
        weak=False,
        dispatch_uid="test-seen",
    )
    try:
        article = ArticleFactory()
        services.entry_publish(entry=article, actor=editor)
    finally:
        hooks.entry_published.disconnect(dispatch_uid="test-seen")
    assert seen == [(article.pk, True)]


def test_audit_hook_called_for_every_transition(editor):
    from accounts.audit import audit_requested

    actions = []
    audit_requested.connect(
        lambda **kw: actions.append(kw["action"]), weak=False, dispatch_uid="test-audit"
    )
    try:
        article = services.entry_create(model=Article, actor=editor, data={"title": "T"})
        services.entry_update(entry=article, actor=editor, data={"title": "U"})
        services.entry_publish(entry=article, actor=editor)
        services.entry_unpublish(entry=article, actor=editor)
        services.entry_trash(entry=article, actor=editor)
        services.entry_restore(entry=article, actor=editor)
    finally:
        audit_requested.disconnect(dispatch_uid="test-audit")
    assert actions == [
        "article.create",
        "article.update",
        "article.publish",
        "article.unpublish",
        "article.trash",
        "article.restore",
    ]


def test_article_slug_change_redirects_on_publish(editor):
    article = ArticleFactory(published=True, title="Old name")
    services.entry_update(entry=article, actor=editor, data={"slug": "new-name"})
    assert not Redirect.objects.exists()  # the public URL has not changed yet
    services.entry_publish(entry=article, actor=editor)
    redirect = Redirect.objects.get()
    assert (redirect.old_path, redirect.new_path) == ("/articles/old-name/", "/articles/new-name/")
    assert redirect.is_auto


def test_references_track_media_and_category(editor):
    image, cover = make_image(), make_image()
    category = make_category()
    article = services.entry_create(
        model=Article,
        actor=editor,
        data={
            "title": "Refs",
            "body": [{"type": "image", "value": {"image": image.pk}}],
            "cover_image": cover,
            "category": category,
        },
    )
    fields = set(
        Reference.objects.filter(source_object_id=article.pk).values_list("field", flat=True)
    )
    assert fields == {"body", "cover_image", "category"}


def test_body_with_missing_image_is_refused(editor):
    with pytest.raises(ValidationError, match="does not exist"):
        services.entry_create(
            model=Article,
            actor=editor,
            data={"title": "x", "body": [{"type": "image", "value": {"image": 999}}]},
        )


# --- Pages -----------------------------------------------------------------------------


def test_page_tree_paths_and_urls(editor):
    root = PageFactory(title="About")
    team = PageFactory(title="Team", parent=root)
    jobs = PageFactory(title="Jobs", parent=root)
    assert root.depth == 1
    assert team.depth == 2
    assert team.path.startswith(root.path)
    assert team.path < jobs.path
    assert team.url_path == "/about/team/"
    assert (team.sort_order, jobs.sort_order) == (0, 1)
    with pytest.raises(ValidationError):
        services.entry_create(
            model=Page, actor=editor, data={"title": "Team", "slug": "team", "parent": root}
        )


def test_page_slug_change_redirects_subtree_on_publish(editor):
    root = PageFactory(title="About", published=True)
    team = PageFactory(title="Team", parent=root, published=True)
    services.entry_update(entry=root, actor=editor, data={"slug": "company"})
    team.refresh_from_db()
    assert team.url_path == "/about/team/"  # nothing public changed yet
    services.entry_publish(entry=Page.objects.get(pk=root.pk), actor=editor)
    team.refresh_from_db()
    assert team.url_path == "/company/team/"
    assert set(Redirect.objects.values_list("old_path", "new_path")) == {
        ("/about/", "/company/"),
        ("/about/team/", "/company/team/"),
    }


def test_page_move_recomputes_subtree(editor):
    a = PageFactory(title="A", published=True)
    b = PageFactory(title="B")
    child = PageFactory(title="C", parent=a, published=True)
    grandchild = PageFactory(title="D", parent=child)
    services.page_move(page=child, actor=editor, parent=b)
    child.refresh_from_db()
    grandchild.refresh_from_db()
    assert child.url_path == "/b/c/"
    assert grandchild.url_path == "/b/c/d/"
    assert grandchild.path.startswith(child.path)
    assert child.path.startswith(b.path)
    assert grandchild.depth == 3
    assert Redirect.objects.filter(old_path="/a/c/", new_path="/b/c/").exists()
    with pytest.raises(ValidationError):
        services.page_move(page=b, actor=editor, parent=grandchild)


def test_trash_page_takes_subtree(editor):
    root = PageFactory(title="Root")
    child = PageFactory(title="Child", parent=root)
    services.entry_trash(entry=root, actor=editor)
    child.refresh_from_db()
    assert child.deleted_at is not None
    with pytest.raises(ValidationError):
        services.entry_restore(entry=child, actor=editor)
    services.entry_restore(entry=root, actor=editor)
    child.refresh_from_db()
    assert child.deleted_at is None


def test_preview_token_bound_to_revision(editor):
    article = ArticleFactory()
    link = services.preview_link_create(entry=article, actor=editor)
    assert services.preview_token_load(link["token"]) == article.latest_revision
    with pytest.raises(ValidationError):
        services.preview_token_load(link["token"] + "x")
    assert Revision.objects.count() == 1
