"""Folio's own capabilities, switched off: releases and runtime types refuse through their
services (so the API, the admin and the scheduler agree) with a clear 503 in the API, and
come back as they were once switched on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from content.models import Release, ReleaseStatus, Status
from content.runtime.definitions import type_create
from content.services import releases as rel
from content.services.release_preview import release_preview_token_create
from content.services.release_publishing import releases_publish_due
from core.exceptions import SwitchedOff
from flags.capabilities import RELEASES, RUNTIME_TYPES
from governance.models import Workflow
from tests.assertions import assert_error
from tests.content.factories import ArticleFactory
from tests.runtime.test_admin import definition_post, errors_of

pytestmark = pytest.mark.django_db
RELEASES_URL = "/api/v1/releases/"
TYPES_URL = "/api/v1/content-types/"
GIG = {
    "api_id": "show",
    "name": "Show",
    "title_field": "headline",
    "fields": [{"api_id": "headline", "type": "text", "required": True}],
}


@pytest.fixture(autouse=True)
def _no_review_workflow(db):
    Workflow.objects.update(is_active=False)


def client_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def assert_switched_off(response, capability) -> None:
    error = assert_error(response, 503, "switched_off")
    assert error["details"] == {"switch": capability.switch}
    assert error["message"] == capability.off


def test_releases_switched_off_answer_503_then_work_again(editor, switch):
    api = client_as(editor)
    made = api.post(RELEASES_URL, {"name": "Spring"}, format="json")
    assert made.status_code == 201

    switch(RELEASES, False)
    assert_switched_off(api.get(RELEASES_URL), RELEASES)
    assert_switched_off(api.post(RELEASES_URL, {"name": "Autumn"}, format="json"), RELEASES)
    assert_switched_off(api.post(f"{RELEASES_URL}{made.json()['id']}/publish/"), RELEASES)
    with pytest.raises(SwitchedOff):  # the service itself, whoever calls it
        rel.release_create(actor=editor, name="Autumn")
    assert Release.objects.count() == 1

    switch(RELEASES, True)
    assert api.get(RELEASES_URL).json()["count"] == 1
    assert api.post(RELEASES_URL, {"name": "Autumn"}, format="json").status_code == 201


def test_the_admins_release_actions_say_it_is_switched_off(client, editor, switch):
    release = rel.release_create(actor=editor, name="Spring")
    rel.release_item_add(actor=editor, release=release, entry=ArticleFactory())
    switch(RELEASES, False)
    client.force_login(editor)
    response = client.post(reverse("admin:content_release_publish", args=[release.pk]), follow=True)
    assert RELEASES.off in [str(m) for m in response.context["messages"]]
    release.refresh_from_db()
    assert release.status == ReleaseStatus.DRAFT


def test_scheduled_releases_wait_while_switched_off(editor, switch):
    article = ArticleFactory()
    release = rel.release_create(actor=editor, name="Spring")
    rel.release_item_add(actor=editor, release=release, entry=article)
    # Due a minute ago (scheduling checks the time is ahead; the clock has since moved on).
    Release.objects.filter(pk=release.pk).update(
        status=ReleaseStatus.SCHEDULED, publish_at=timezone.now() - timedelta(minutes=1)
    )
    switch(RELEASES, False)
    assert releases_publish_due() == {"published": [], "failed": []}
    release.refresh_from_db()
    assert release.status == ReleaseStatus.SCHEDULED

    switch(RELEASES, True)
    assert releases_publish_due() == {"published": [release.pk], "failed": []}
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED


def test_runtime_types_switched_off_refuse_definitions_not_reads(administrator, switch):
    api = client_as(administrator)
    assert api.post(TYPES_URL, GIG, format="json").status_code == 201
    switch(RUNTIME_TYPES, False)

    assert_switched_off(
        api.post(TYPES_URL, {**GIG, "api_id": "band", "name": "Band"}, format="json"),
        RUNTIME_TYPES,
    )
    patched = api.patch(
        f"{TYPES_URL}show/", {"description": "Live"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert_switched_off(patched, RUNTIME_TYPES)
    assert api.get(TYPES_URL).status_code == 200  # frontends still discover the types
    assert api.get(f"{TYPES_URL}show/").json()["description"] == ""
    # The entries of a type already defined still work (a user read afresh: the type's
    # permissions are new since this one was loaded).
    api = client_as(User.objects.get(pk=administrator.pk))
    entry = api.post("/api/v1/entries/show/", {"headline": "Friday"}, format="json")
    assert entry.status_code == 201, entry.content

    switch(RUNTIME_TYPES, True)
    patched = api.patch(
        f"{TYPES_URL}show/", {"description": "Live"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert patched.status_code == 200, patched.content


def test_the_admin_shows_the_refusal_on_the_type_form(client, administrator, switch):
    switch(RUNTIME_TYPES, False)
    with pytest.raises(PermissionDenied, match="switched off"):
        type_create(actor=administrator, data=GIG)
    client.force_login(administrator)
    rows = [{"api_id": "headline", "kind": "text"}]
    page = client.post(reverse("admin:content_typedefinition_add"), definition_post(rows))
    assert page.status_code == 200
    assert errors_of(page) == [RUNTIME_TYPES.off]


def test_the_schema_documents_the_503_where_it_can_happen(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert "503" in paths["/api/v1/releases/"]["get"]["responses"]
    assert "503" in paths["/api/v1/releases/{id}/publish/"]["post"]["responses"]
    assert "503" in paths["/api/v1/content-types/"]["post"]["responses"]
    assert "503" not in paths["/api/v1/content-types/"]["get"]["responses"]


def test_a_release_preview_refuses_while_releases_are_switched_off(editor, switch):
    release = rel.release_create(actor=editor, name="Spring")
    rel.release_item_add(actor=editor, release=release, entry=ArticleFactory(title="Teaser"))
    token = release_preview_token_create(release=release, actor=editor)["token"]
    frontend = APIClient(HTTP_X_FOLIO_RELEASE_PREVIEW=token)
    assert len(frontend.get("/api/v1/delivery/articles/").json()["results"]) == 1

    switch(RELEASES, False)
    assert_switched_off(frontend.get("/api/v1/delivery/articles/"), RELEASES)
    assert (
        APIClient().get("/api/v1/delivery/articles/").json()["results"] == []
    )  # live is untouched

    switch(RELEASES, True)
    assert len(frontend.get("/api/v1/delivery/articles/").json()["results"]) == 1
    flags = frontend.get("/api/v1/delivery/flags/")  # releases never change flags
    assert flags.status_code == 200
    assert "X-Folio-Release" not in flags
