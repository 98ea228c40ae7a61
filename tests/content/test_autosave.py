"""Autosave: the change form is kept in the editor's own slot while they type, offered back
on their next visit, and cleared by their explicit save; it never writes a revision."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from content import services
from content.models import Article, AutosaveDraft, Revision
from content.services import autosave
from core.exceptions import PreconditionFailed
from tests.accounts.factories import UserFactory
from tests.assertions import assert_error
from tests.content.factories import ArticleFactory
from tests.content.test_admin import form_data, login, url

pytestmark = pytest.mark.django_db

FORM = {"title": "Half-written title", "summary": "Typed so far", "tags": ["3", "4"]}


def _endpoint(article) -> str:
    return url("article_autosave", article.pk)


def _post(client, article, payload) -> object:
    body = payload if isinstance(payload, str | bytes) else json.dumps(payload)
    return client.post(_endpoint(article), body, content_type="application/json")


# --- Service -----------------------------------------------------------------------------


def test_autosave_keeps_one_slot_per_user_and_item_and_writes_no_revision(editor):
    article = ArticleFactory()
    revisions = Revision.objects.count()
    autosave.autosave_save(entry=article, user=editor, data={"title": "One"}, base_version=1)
    autosave.autosave_save(entry=article, user=editor, data=FORM, base_version=1)
    other = UserFactory(role="Editor")
    autosave.autosave_save(entry=article, user=other, data={"title": "Theirs"}, base_version=1)

    assert AutosaveDraft.objects.count() == 2
    assert autosave.autosave_get(entry=article, user=editor).data == FORM
    assert autosave.autosave_get(entry=article, user=other).data == {"title": "Theirs"}
    assert Revision.objects.count() == revisions
    assert Article.objects.get(pk=article.pk).version == 1


def test_an_explicit_save_clears_the_savers_slot_only(editor):
    article = ArticleFactory()
    other = UserFactory(role="Editor")
    for user in (editor, other):
        autosave.autosave_save(entry=article, user=user, data=FORM, base_version=1)
    services.entry_update(entry=article, actor=editor, data={"title": "Saved"}, expected_version=1)
    assert autosave.autosave_get(entry=article, user=editor) is None
    assert autosave.autosave_get(entry=article, user=other) is not None


def test_a_refused_save_keeps_the_slot(editor):
    article = ArticleFactory()
    autosave.autosave_save(entry=article, user=editor, data=FORM, base_version=1)
    services.entry_update(entry=article, actor=None, data={"title": "Someone else"})
    with pytest.raises(PreconditionFailed):
        services.entry_update(entry=article, actor=editor, data=FORM, expected_version=1)
    assert autosave.autosave_get(entry=article, user=editor).data == FORM


@pytest.mark.parametrize(
    ("data", "base_version"),
    [
        (["title"], 1),
        ({"title": 3}, 1),
        ({"title": {"nested": "x"}}, 1),
        ({"": "x"}, 1),
        ({"title": ["ok", 2]}, 1),
        (FORM, 0),
        (FORM, 2),
        (FORM, "1"),
        (FORM, None),
    ],
)
def test_autosave_refuses_what_no_form_holds(editor, data, base_version):
    article = ArticleFactory()
    with pytest.raises(ValidationError):
        autosave.autosave_save(entry=article, user=editor, data=data, base_version=base_version)
    assert not AutosaveDraft.objects.exists()


def test_only_a_user_who_may_edit_the_item_has_a_slot(users):
    article = ArticleFactory(published=True)
    for role in ("Author", "Reviewer", "Viewer"):
        with pytest.raises(PermissionDenied):
            autosave.autosave_save(entry=article, user=users[role], data=FORM, base_version=1)


# --- Admin endpoints -----------------------------------------------------------------------


def test_endpoint_save_fetch_and_discard(client, editor):
    article = ArticleFactory()
    login(client, editor)
    assert client.get(_endpoint(article)).json() == {"draft": None, "version": 1}

    saved = _post(client, article, {"data": FORM, "base_version": 1})
    assert saved.status_code == 200, saved.content
    assert saved.json()["saved_at_display"]

    state = client.get(_endpoint(article)).json()
    assert state["draft"]["data"] == FORM
    assert state["draft"]["base_version"] == 1
    assert state["conflict"] is False

    assert client.delete(_endpoint(article)).status_code == 204
    assert client.get(_endpoint(article)).json()["draft"] is None


def test_endpoint_tells_of_a_conflict_when_someone_saved_since(client, editor):
    article = ArticleFactory()
    login(client, editor)
    _post(client, article, {"data": FORM, "base_version": 1})
    rival = UserFactory(role="Editor", full_name="Rita Rival")
    services.entry_update(entry=article, actor=rival, data={"title": "Rita's"}, expected_version=1)

    state = client.get(_endpoint(article)).json()
    assert state["conflict"] is True
    assert state["version"] == 2
    assert state["changed_by"] == "Rita Rival"
    assert state["draft"]["base_version"] == 1


def test_the_admins_explicit_save_clears_the_slot(client, editor):
    article = ArticleFactory(title="Before")
    login(client, editor)
    _post(client, article, {"data": FORM, "base_version": 1})
    change = url("article_change", article.pk)
    response = client.post(change, form_data(client.get(change), title="After"))
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).title == "After"
    assert client.get(_endpoint(article)).json()["draft"] is None


@pytest.mark.parametrize(
    "payload",
    [
        "{not json",
        b"\xff\xfe",
        "[1, 2]",
        {"data": "title=x", "base_version": 1},
        {"data": {"title": 5}, "base_version": 1},
        {"data": FORM},
        {"data": FORM, "base_version": 99},
    ],
)
def test_endpoint_bad_input_is_a_400_in_the_error_format(client, editor, payload):
    article = ArticleFactory()
    login(client, editor)
    assert_error(_post(client, article, payload), 400, "validation_error")
    assert not AutosaveDraft.objects.exists()


def test_endpoint_refuses_users_who_cannot_change_the_item(client, users):
    article = ArticleFactory(published=True)  # an Author edits only their own drafts
    for role in ("Author", "Viewer"):
        login(client, users[role])
        assert_error(_post(client, article, {"data": FORM, "base_version": 1}), 403)
        assert_error(client.get(_endpoint(article)), 403)
        assert_error(client.delete(_endpoint(article)), 403)
    assert not AutosaveDraft.objects.exists()


def test_endpoint_of_a_missing_item_is_a_404_and_other_methods_a_405(client, editor):
    article = ArticleFactory()
    login(client, editor)
    assert_error(client.get(url("article_autosave", 999999)), 404, "not_found")
    assert_error(client.put(_endpoint(article)), 405)


def test_the_change_form_offers_autosave_only_to_who_may_edit(client, users, editor):
    article = ArticleFactory(published=True)
    login(client, editor)
    assert (
        f'data-autosave-url="{_endpoint(article)}"'
        in client.get(url("article_change", article.pk)).content.decode()
    )
    login(client, users["Viewer"])
    page = client.get(url("article_change", article.pk)).content.decode()
    assert 'id="folio-editing"' in page  # presence still shows
    assert "data-autosave-url" not in page
    # The add form has no slot: autosave and presence start once the item exists.
    login(client, editor)
    assert 'id="folio-editing"' not in client.get(url("article_add")).content.decode()
