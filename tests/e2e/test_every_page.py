"""Every admin page, in one run, at a desktop's size (1280x800) and a phone's (390x844).

An Administrator (who reaches every page an editor can, and more) opens the dashboards,
each app's index, every registered model's changelist, add form and the change form of a
seeded row (admin.site._registry: a model registered later is covered without a word
here), then Folio's own pages: history, diff, schedule, reject, trash and restore
confirmations, move, the bulk confirmation and progress, the media library's grid and
list, the focal point, purge of a removed field, an item's Governance and History tabs,
"Save this view…", and the lifecycle buttons (submit, approve, publish, unpublish) as they
come back to the change form; then, signed out, the sign-in and password-reset pages.

Each page must answer 200, be drawn by unfold (its stylesheet, Folio's theme, no stock
admin stylesheet, Alpine started), log no console error, fail no request, and be no wider
than the window. Screenshots: tests/e2e/screenshots/page-<slug>-<w>x<h>.png (listed in
docs/admin-theme.md, "Pages and screenshots").
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.auth.tokens import default_token_generator
from django.test import RequestFactory
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from content.models import Article, MediaAsset, Page
from tests.accounts.factories import UserFactory
from tests.content.factories import ArticleFactory
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.site_seed import Site, seed_site
from tests.e2e.watched import VIEWPORTS, Watched, new_context, sign_in

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The lifecycle buttons, in the order a draft goes through them.
TRANSITIONS = ("submit", "approve", "publish", "unpublish")


def model_pages(user, site: Site) -> tuple[list[tuple[str, str]], list[str]]:
    """(slug, path) of every registered model's changelist, add and change form that
    `user` may open, and the models with no row to open a change form of."""
    request = RequestFactory().get("/admin/")
    request.user = user
    chosen = {Article: site.article, Page: site.page, MediaAsset: site.image}
    pages, empty = [], []
    registry = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
    for model, model_admin in registry:
        opts = model._meta
        name, slug = (
            f"admin:{opts.app_label}_{opts.model_name}",
            f"{opts.app_label}-{opts.model_name}",
        )
        if not model_admin.has_view_or_change_permission(request):
            continue
        pages.append((f"{slug}-list", reverse(f"{name}_changelist")))
        if model_admin.has_add_permission(request):
            pages.append((f"{slug}-add", reverse(f"{name}_add")))
        obj = chosen.get(model) or model_admin.get_queryset(request).order_by("pk").first()
        if obj is None:
            empty.append(opts.label)
        elif model_admin.has_view_or_change_permission(request, obj):
            pages.append((f"{slug}-change", reverse(f"{name}_change", args=[quote(obj.pk)])))
    return pages, empty


def folio_pages(site: Site) -> list[tuple[str, str]]:
    """Folio's own pages (the ModelAdmins' get_urls and the project's admin URLs)."""
    article = f"/admin/content/article/{site.article.pk}"
    typedef = reverse("admin:content_typedefinition_change", args=[site.person_type_id])
    media = reverse("admin:content_mediaasset_changelist")
    return [
        ("dashboard", reverse("admin:index")),
        ("governance-dashboard", reverse("governance-dashboard")),
        *(
            (f"app-{label}", reverse("admin:app_list", args=[label]))
            for label in sorted({m._meta.app_label for m in admin.site._registry})
        ),
        ("password-change", reverse("admin:password_change")),
        ("password-change-done", reverse("admin:password_change_done")),
        ("article-history", f"{article}/history/"),
        ("article-diff", f"{article}/revisions/2/diff/"),
        ("article-schedule", f"{article}/schedule/"),
        ("article-trash-confirm", f"{article}/transition/trash/"),
        ("articles-in-trash", reverse("admin:content_article_changelist") + "?trash=only"),
        ("page-move", reverse("admin:content_page_move", args=[site.page.pk])),
        ("media-library-list", f"{media}?layout=list"),
        ("media-library-grid", f"{media}?layout=grid"),
        ("type-purge-field", typedef.replace("/change/", f"/purge-field/{site.removed_key}/")),
    ]


class Tour:
    """Visits pages at one size, checks each and saves its screenshot."""

    def __init__(self, watched: Watched, viewport: str):
        self.watched = watched
        size = VIEWPORTS[viewport]
        self.size = f"{size['width']}x{size['height']}"
        self.seen: list[str] = []

    def check(self, slug: str, *, signed_in: bool = True) -> None:
        """The page now shown: themed, no wider than the window, and its screenshot."""
        watched, page = self.watched, self.watched.page
        watched.label = slug
        watched.settle()
        try:
            watched.assert_themed(signed_in=signed_in)
        except AssertionError as exc:
            watched.note(f"not in the theme: {exc}")
        if (extra := watched.overflow()) > 0:
            watched.note(f"{extra}px wider than the {self.size} window")
        page.screenshot(path=SCREENSHOTS / f"page-{slug}-{self.size}.png", full_page=True)
        self.seen.append(slug)

    def visit(self, slug: str, path: str, *, signed_in: bool = True) -> None:
        self.watched.label = slug
        response = self.watched.page.goto(self.watched.base_url + path)
        if response is None or response.status != 200:
            self.watched.note(f"answered {response and response.status} at {path}")
        self.check(slug, signed_in=signed_in)

    def click(self, slug: str, selector: str) -> None:
        """Follow a button or link of the page, then check the page it leads to."""
        self.watched.label = slug
        target = self.watched.page.locator(selector)
        if target.count() == 0:
            self.watched.note(f"no {selector} to click")
            return
        with self.watched.page.expect_navigation():
            target.first.click()
        self.check(slug)


def opened_parts_tour(tour: Tour, site: Site) -> None:
    """What opens in place: an item's Governance and History tabs, "Save this view…"."""
    page = tour.watched.page
    tour.visit("article-content-tab", f"/admin/content/article/{site.article.pk}/change/")
    for key in ("governance", "history"):
        tour.watched.label = f"article-{key}-tab"
        page.click(f"[data-tab={key}]")
        expect(page.locator(f"[data-tab-pane={key}]")).to_be_visible()
        tour.check(f"article-{key}-tab")
    tour.visit("save-view-form", reverse("admin:content_article_changelist"))
    page.click("details.folio-save-view summary")
    expect(page.locator("details.folio-save-view input[name=name]")).to_be_visible()
    tour.check("save-view-form")


def lifecycle_tour(tour: Tour, draft: Article, submitted: Article) -> None:
    """The header's buttons as they come back to the change form, the pages that ask
    first, and the trash: the administrator submits a draft of theirs, and reviews one
    someone else submitted (no one approves their own)."""
    page = tour.watched.page
    tour.visit("article-draft", f"/admin/content/article/{draft.pk}/change/")
    tour.click("after-submit", "#entry-actions [data-transition=submit]")
    tour.visit("article-in-review", f"/admin/content/article/{submitted.pk}/change/")
    tour.click("article-reject", "#entry-actions [data-transition=reject]")
    page.go_back()
    for name in TRANSITIONS[1:]:
        tour.click(f"after-{name}", f"#entry-actions [data-transition={name}]")
    tour.click("article-trash", "#entry-actions [data-transition=trash]")
    tour.click("after-trash", "[data-choice]")
    tour.click("article-restore-confirm", "#entry-actions [data-transition=restore]")


def bulk_tour(tour: Tour) -> None:
    """Ticks two articles, picks "Publish": the page that asks before the job starts."""
    page = tour.watched.page
    tour.visit("bulk-select", reverse("admin:content_article_changelist"))
    for box in page.locator("#result_list .action-select").all()[:2]:
        box.check()
    page.select_option("select[name=action]", "bulk_publish")
    tour.click("bulk-confirm", "button[name=index]")


def signed_out_tour(tour: Tour, user) -> None:
    page = tour.watched.page
    with page.expect_navigation():
        page.evaluate("document.getElementById('logout-form').submit()")
    tour.check("logged-out", signed_in=False)
    tour.visit("login", "/admin/login/", signed_in=False)
    tour.visit("password-reset", reverse("admin_password_reset"), signed_in=False)
    page.fill("#id_email", user.email)
    tour.watched.label = "password-reset-done"
    with page.expect_navigation():
        page.locator("#password-reset-form [type=submit]").click()
    tour.check("password-reset-done", signed_in=False)
    user.refresh_from_db()  # the token is made from the last sign-in, among others
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    confirm = reverse("password_reset_confirm", args=[uid, token])
    tour.visit("password-reset-confirm", confirm, signed_in=False)
    if page.locator("#id_new_password1").count() == 0:
        tour.watched.note("the reset link was refused")
    tour.visit("password-reset-complete", reverse("password_reset_complete"), signed_in=False)


@pytest.fixture(scope="module", autouse=True)
def _fresh_screenshots(screenshots_dir):
    """This module's screenshots, from this run only (the other tests' stay; the run's
    emptying of the folder, screenshots_dir, comes first, or a later test would wipe these)."""
    for old in SCREENSHOTS.glob("page-*.png"):
        old.unlink()


def test_every_admin_page_at_a_desktops_and_a_phones_size(browser, live_server):
    administrator = UserFactory(
        role="Administrator", email="ann@example.com", full_name="Ann Admin"
    )
    site = seed_site(administrator)
    models, empty = model_pages(administrator, site)
    assert empty == [], f"no row to open the change form of: {empty} (see site_seed.py)"
    pages = [*folio_pages(site), *models]
    problems, seen = [], {}
    for viewport in VIEWPORTS:
        context = new_context(browser, viewport)
        watched = Watched(context, live_server.url)
        sign_in(watched, administrator.email)
        tour = Tour(watched, viewport)
        for slug, path in pages:
            tour.visit(slug, path)
        opened_parts_tour(tour, site)
        lifecycle_tour(
            tour,
            ArticleFactory(title=f"Draft {viewport}", owner=administrator),
            ArticleFactory(title=f"Submitted {viewport}", in_review=True),
        )
        bulk_tour(tour)
        signed_out_tour(tour, administrator)
        problems += [f"{viewport} {problem}" for problem in watched.problems]
        seen[viewport] = tour.seen
        context.close()

    assert seen["desktop"] == seen["phone"]
    assert len(seen["phone"]) > len(admin.site._registry) * 2  # lists, forms and the rest
    assert problems == [], "\n".join(problems)
