"""Feature flags in a real browser: an Administrator rolls a public flag out to a fifth of
visitors (the site's fetch of delivery/flags/ answers each visitor the same way every time)
and switches releases off, and an Editor's release page says so until it is on again."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps
from waffle.models import Flag

from content.models import ReleaseStatus
from content.services import releases as rel
from flags.audience import bucket
from flags.selectors import flag_is_public
from governance.models import AuditEvent, Workflow
from tests.accounts.factories import UserFactory
from tests.content.factories import ArticleFactory
from tests.e2e.test_editorial_flow import log_in, log_out

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FETCH_FLAGS = """async (visitor) => {
    const response = await fetch(`/api/v1/delivery/flags/?audience=${visitor}`);
    const { results } = await response.json();
    return Object.fromEntries(results.map((f) => [f.name, f.active]));
}"""


def test_administrator_rolls_out_a_flag_and_switches_releases_off(browser_page):
    page = browser_page
    # The capability switches as their data migration makes them: an earlier browser
    # test's flush (transaction=True) removed them.
    import_module("flags.migrations.0002_capability_switches").create(apps, None)
    Workflow.objects.update(is_active=False)
    administrator = UserFactory(role="Administrator", email="ada@example.com")
    editor = UserFactory(role="Editor", email="eve@example.com")
    release = rel.release_create(actor=editor, name="Spring campaign")
    rel.release_item_add(actor=editor, release=release, entry=ArticleFactory())
    log_in(page, administrator.email)

    page.goto(f"{page.base_url}/admin/waffle/flag/add/")
    page.fill("#id_name", "checkout_v2")
    page.check("#id_public", force=True)  # unfold draws the checkbox as a toggle
    page.fill("#id_percent", "20")
    page.shot("flag-add")
    page.click("button[name=_save]")
    expect(page.locator("#result_list")).to_contain_text("checkout_v2")
    assert flag_is_public(Flag.objects.get(name="checkout_v2"))
    page.shot("flag-list")

    visitors = [f"visitor-{n}" for n in range(12)]
    seen = {v: page.evaluate(FETCH_FLAGS, v)["checkout_v2"] for v in visitors}
    assert seen == {v: bucket("checkout_v2", f"audience:{v}") < 20 for v in visitors}
    assert seen == {v: page.evaluate(FETCH_FLAGS, v)["checkout_v2"] for v in visitors}

    page.goto(f"{page.base_url}/admin/waffle/switch/")
    row = page.locator("#result_list tr", has_text="folio_releases")
    row.locator("input[name=_selected_action]").check(force=True)
    page.select_option("select[name=action]", "turn_off")
    page.click("button[name=index]")
    expect(page.locator("body")).to_contain_text("Turned off: 1.")
    page.shot("releases-switched-off")
    assert AuditEvent.objects.filter(action="switch.update", actor=administrator).exists()
    log_out(page)

    log_in(page, editor.email)
    page.goto(f"{page.base_url}/admin/content/release/{release.pk}/change/")
    page.click("[data-release-action=publish]")
    expect(page.locator("body")).to_contain_text("Releases are switched off")
    page.shot("release-refused")
    release.refresh_from_db()
    assert release.status == ReleaseStatus.DRAFT
    assert not page.errors, page.errors
