"""Content types as data, end to end in a real browser, as a new team would use them: an
Administrator defines a `meetup` type with six fields in the type form (the issue's
`event`: here the tests' code model tests.eventapp.Event holds that name, which a type may
not take); an Author writes a meetup (refused on the required field left empty, then
saved) and submits it; a Reviewer sees it read-only and approves it, and an Editor
publishes it; the delivery API finds it by a date range on `starts_at` (and not by one
that excludes it); the Administrator renames `venue` to `place`, and the published
meetup's delivery shows its value under the new name.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from content.models import Entry, Status
from tests.accounts.factories import UserFactory
from tests.e2e.conftest import SCREENSHOTS, TIMEOUT
from tests.e2e.test_editorial_flow import log_in, log_out

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The six fields as the Administrator enters them, one inline row each.
FIELDS = [
    {"api_id": "title", "kind": "text", "flags": ["required"]},
    {"api_id": "starts_at", "kind": "datetime", "flags": ["required", "filterable", "sortable"]},
    {"api_id": "venue", "kind": "text", "flags": ["filterable"]},
    {"api_id": "price", "kind": "decimal", "options": {"decimal_places": "2"}},
    {"api_id": "category", "kind": "choice", "options": {"choices": "music\ntalk\nfilm"}},
    {"api_id": "description", "kind": "long_text"},
]
DELIVERY = "/api/v1/delivery/entries/meetup/"


def fill_field_row(page, index: int, field: dict) -> None:
    row = f"#id_fields-{index}"
    page.fill(f"{row}-api_id", field["api_id"])
    page.select_option(f"{row}-kind", field["kind"])
    for flag in field.get("flags", []):
        page.check(f"{row}-{flag}")
    for name, value in field.get("options", {}).items():
        page.fill(f"{row}-{name}", value)


def define_meetup_type(page) -> None:
    page.goto(page.base_url + "/admin/content/typedefinition/add/")
    page.fill("#id_name", "Meetup")
    page.fill("#id_api_id", "meetup")
    page.fill("#id_description", "Something happening somewhere, at some time.")
    page.fill("#id_title_api_id", "title")
    # One blank row is there; "Add another Field" gives the next.
    for index, field in enumerate(FIELDS):
        if index:
            page.get_by_role("link", name="Add another Field").click()
        expect(page.locator(f"#id_fields-{index}-api_id")).to_be_visible()
        fill_field_row(page, index, field)
    page.shot("admin-meetup-type-filled")
    page.click("[name=_save]")
    expect(page.locator(".messagelist .success")).to_contain_text("Meetup")
    page.shot("admin-meetup-type-saved")


def delivered(page, path: str, until, **params) -> dict:
    """The delivery API's answer once `until(answer)` holds. What the admin saves is
    served at once, but a busy machine may take a moment, so this asks again (a tenth of
    a second apart) until it holds or TIMEOUT has passed, then shows the last answer."""
    deadline = time.monotonic() + TIMEOUT / 1000
    while True:
        response = page.request.get(page.base_url + path, params=params)
        assert response.status == 200, response.text()
        answer = response.json()
        if until(answer) or time.monotonic() > deadline:
            return answer
        page.wait_for_timeout(100)


def titles(answer: dict) -> list[str]:
    return [item["title"] for item in answer["results"]]


def test_a_type_defined_in_the_admin_goes_from_author_to_delivery(browser_page):
    page = browser_page
    failed = []  # every answer of 400 or more the browser got, but the missing favicon
    page.on(
        "response",
        lambda r: (
            failed.append((r.status, r.url))
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    admin = UserFactory(role="Administrator", email="ann@example.com", full_name="Ann Admin")
    author = UserFactory(role="Author", email="ada@example.com", full_name="Ada Author")
    UserFactory(role="Reviewer", email="rex@example.com", full_name="Rex Reviewer")
    UserFactory(role="Editor", email="eve@example.com", full_name="Eve Editor")

    # 1. The Administrator defines the type.
    log_in(page, admin.email)
    define_meetup_type(page)
    log_out(page)

    # 2. The Author writes a meetup, forgetting when it starts: refused on that field.
    log_in(page, author.email)
    page.goto(page.base_url + "/admin/entries/meetup/add/")
    page.fill("#id_title", "Jazz on the pier")
    page.fill("#id_venue", "Pier 9")
    page.fill("#id_price", "12.50")
    page.select_option("#id_category", "music")
    page.fill("#id_description", "Three sets, one long evening.")
    page.click("[name=_continue]")
    expect(page.locator(".field-starts_at")).to_contain_text("This field is required")
    page.shot("author-meetup-refused")

    # Fixed, it saves; then it goes for review.
    page.fill("#id_starts_at_0", "2027-03-14")
    page.fill("#id_starts_at_1", "19:30:00")
    page.click("[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    page.shot("author-meetup-saved")
    page.click("[data-transition=submit]")
    expect(page.get_by_text("was submitted for review")).to_be_visible()
    assert page.locator("[data-transition=publish]").count() == 0
    page.shot("author-meetup-submitted")
    log_out(page)

    # 3. The Reviewer approves; the Editor publishes.
    log_in(page, "rex@example.com")
    page.goto(page.base_url + "/admin/entries/meetup/")
    page.locator("#result_list").get_by_role("link", name="Jazz on the pier").click()
    # The Reviewer may not change it: the page shows its values read-only.
    expect(page.locator(".field-shown__venue .readonly")).to_have_text("Pier 9")
    expect(page.locator(".field-shown__category .readonly")).to_have_text("music")
    page.shot("reviewer-meetup-read-only")
    page.click("[data-transition=approve]")
    expect(page.get_by_text("was approved")).to_be_visible()
    log_out(page)
    log_in(page, "eve@example.com")
    page.goto(page.base_url + "/admin/entries/meetup/")
    page.locator("#result_list").get_by_role("link", name="Jazz on the pier").click()
    page.click("[data-transition=publish]")
    expect(page.get_by_text("was published")).to_be_visible()
    expect(page.locator(".folio-badge--published")).to_be_visible()
    page.shot("editor-meetup-published")
    log_out(page)
    meetup = Entry.objects.get(title="Jazz on the pier")
    assert meetup.status == Status.PUBLISHED

    # 4. Delivery finds it by a range that holds its start, and not by one that doesn't.
    found = delivered(
        page, DELIVERY, titles, starts_at__gte="2027-03-14", starts_at__lt="2027-03-15"
    )
    assert titles(found) == ["Jazz on the pier"]
    item = found["results"][0]
    assert datetime.fromisoformat(item["starts_at"]) == datetime(2027, 3, 14, 19, 30, tzinfo=UTC)
    assert item["venue"] == "Pier 9"
    assert item["price"] == "12.50"
    assert item["category"] == "music"
    missed = delivered(
        page, DELIVERY, lambda a: True, starts_at__gte="2027-03-15", starts_at__lt="2027-04-01"
    )
    assert titles(missed) == []
    before = delivered(page, DELIVERY, lambda a: True, starts_at__lt="2027-03-14T19:30:00Z")
    assert titles(before) == []  # __lt excludes the very start

    # 5. The Administrator renames venue to place; delivery shows the value under place.
    log_in(page, admin.email)
    page.goto(page.base_url + "/admin/content/typedefinition/")
    page.locator("#result_list").get_by_role("link", name="Meetup").click()
    venue = page.locator("input[name$='-api_id'][value='venue']")
    expect(venue).to_be_visible()
    venue = page.locator("#" + venue.get_attribute("id"))  # its row, whatever it is named
    venue.fill("place")
    # The type's page is long (every row has every option): the renamed row alone.
    row = page.locator("#fields-group .form-group", has=venue)
    row.screenshot(path=SCREENSHOTS / "99-admin-rename-venue-row.png")
    page.click("[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    detail = delivered(page, f"{DELIVERY}{meetup.slug}/", lambda a: "place" in a)
    assert detail["place"] == "Pier 9"
    assert "venue" not in detail
    renamed = delivered(page, DELIVERY, titles, place="Pier 9")
    assert titles(renamed) == ["Jazz on the pier"]
    assert not failed, failed
    assert not [e for e in page.errors if "Failed to load resource" not in e], page.errors
