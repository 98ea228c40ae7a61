"""Editing together, live, as `make run` runs Folio: the web process (runserver) on one
port and the real-time process (daphne) on another, each its own process, as in
Procfile.dev. Two editors, in two browsers, open the same article: each sees the other
there, and when one publishes, the other is told at once, with a toast to reload.

On the embedded default (SQLite, the local-memory cache, the in-memory channel layer) the
publish is made in the web process and reaches the other browser through the event log
that daphne's process reads (realtime.fanout), and presence through the cache they share
(content.services.presence). With CACHE_URL and CHANNEL_LAYER_URL set (the PostgreSQL
leg), the events go through Redis. The presence heartbeat over HTTP is slowed to ten
minutes: what the browsers see of each other comes from the WebSocket.

Screenshots: tests/e2e/screenshots/editors-live-*.png (desktop, and a 390px phone).
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, TIMEOUT
from tests.e2e.test_editorial_flow import log_in
from tests.integration.conftest import Process, child_env, django_shell, manage

playwright = pytest.importorskip("playwright.sync_api")
expect = playwright.expect

pytestmark = pytest.mark.e2e

WEB_PORT = int(os.environ.get("FOLIO_E2E_WEB_PORT", 8101))
REALTIME_PORT = int(os.environ.get("FOLIO_E2E_REALTIME_PORT", 8102))

SEED = """
import json
from governance.models import Workflow
from tests.accounts.factories import UserFactory
from tests.content.factories import ArticleFactory
Workflow.objects.update(is_active=False)  # these Editors publish straight away
UserFactory(role="Editor", email="ana@example.com", full_name="Ana Editor")
UserFactory(role="Editor", email="otto@example.com", full_name="Otto Other")
article = ArticleFactory(title="Harbour festival")
print("RESULT=" + json.dumps({"id": article.pk}))
"""


@contextlib.contextmanager
def _database(tmp_path: Path) -> Iterator[str]:
    """The children's database: a fresh SQLite file, or on a PostgreSQL run a fresh
    database beside the test run's (<name>_e2e), dropped afterwards, since both processes
    must open it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'folio.sqlite3'}"
        return
    import psycopg

    server, _, name = url.rpartition("/")
    name = f"{name}_e2e"

    def run(sql: str) -> None:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(sql)

    run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    run(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _wait_until_up(process: Process, port: int) -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/live/", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if process.popen.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{process.name} did not start:\n{process.log()}")
            time.sleep(0.2)


@pytest.fixture
def database(tmp_path) -> Iterator[str]:
    with _database(tmp_path) as url:
        yield url


@pytest.fixture
def folio(tmp_path, database) -> Iterator[dict]:
    """`make run`'s web and real-time processes on this run's ports, seeded."""
    env = child_env(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=database,
        FOLIO_PORT=str(WEB_PORT),
        FOLIO_REALTIME_PORT=str(REALTIME_PORT),
        CELERY_TASK_ALWAYS_EAGER="true",  # in place of make run's worker
        CELERY_QUEUE_DIR=str(tmp_path / "celery"),
        MEDIA_ROOT=str(tmp_path / "media"),
        # Its own, so no roster outlives the test (on Redis it would, for two heartbeats).
        PRESENCE_CACHE_URL=f"filecache://{tmp_path / 'presence'}",
        CONTENT_PRESENCE_HEARTBEAT_SECONDS="600",
        AXES_ENABLED="false",
    )
    for name in ("CACHE_URL", "CHANNEL_LAYER_URL"):
        if os.environ.get(name):
            env[name] = os.environ[name]
    manage("migrate", "--noinput", env=env, timeout=300)
    article = django_shell(SEED, env=env)["id"]
    python = sys.executable
    web = Process(
        "web",
        [python, "manage.py", "runserver", f"127.0.0.1:{WEB_PORT}", "--noreload"],
        env,
        tmp_path / "web.log",
    )
    realtime = Process(
        "realtime",
        [
            python,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(REALTIME_PORT),
            "config.asgi:application",
        ],
        env,
        tmp_path / "realtime.log",
    )
    started = []
    try:
        for process, port in ((web.start(), WEB_PORT), (realtime.start(), REALTIME_PORT)):
            started.append(process)
            _wait_until_up(process, port)
        yield {"url": f"http://127.0.0.1:{WEB_PORT}", "article": article, "processes": started}
    finally:
        for process in started:
            process.stop()


@pytest.fixture
def chromium() -> Iterator:
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        expect.set_options(timeout=TIMEOUT)
        yield browser
        browser.close()


def _page(browser, base_url: str, viewport: dict):
    """A browser of its own (its own cookies: another user) that records script errors."""
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    page.base_url = base_url
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    return page


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"editors-live-{name}.png", full_page=False)


def test_two_editors_see_each_other_and_a_publish_toasts_the_other(folio, chromium):
    change = f"/admin/content/article/{folio['article']}/change/"
    ana = _page(chromium, folio["url"], {"width": 1280, "height": 900})
    otto = _page(chromium, folio["url"], {"width": 390, "height": 844})

    # Ana opens the article first: nobody else is there.
    log_in(ana, "ana@example.com")
    ana.goto(ana.base_url + change)
    expect(ana.locator("[data-presence]")).to_be_hidden()

    # Otto opens it on his phone: each sees the other (Ana without reloading, and long
    # before her page's next heartbeat over HTTP).
    log_in(otto, "otto@example.com")
    otto.goto(otto.base_url + change)
    expect(otto.locator("[data-presence-people]")).to_contain_text("Ana Editor")
    expect(ana.locator("[data-presence-people]")).to_contain_text("Otto Other")
    _shot(ana, "01-desktop-presence")
    _shot(otto, "02-phone-presence")

    # Otto publishes: Ana is told who did what, and offered a reload.
    otto.click("[data-transition=publish]")
    expect(otto.locator(".messagelist")).to_contain_text("published")
    toast = ana.locator(".folio-toast")
    expect(toast).to_contain_text("Otto Other published this article — reload to see it.")
    expect(ana.locator("[data-changed-notice]")).to_contain_text("Someone changed this article")
    # Otto's page reloaded after his publish; Ana sees him there again.
    expect(ana.locator("[data-presence-people]")).to_contain_text("Otto Other")
    _shot(ana, "03-desktop-toast")

    # Ana reloads into the published article; Otto's page is told that she is back.
    toast.get_by_role("button", name="Reload").click()
    expect(ana.locator(".folio-toast")).to_have_count(0)
    expect(ana.locator("[data-transition=unpublish]")).to_be_visible()
    expect(otto.locator("[data-presence-people]")).to_contain_text("Ana Editor")

    # Ana unpublishes: the toast on Otto's phone fits the screen and can be dismissed.
    ana.click("[data-transition=unpublish]")
    phone_toast = otto.locator(".folio-toast")
    expect(phone_toast).to_contain_text("Ana Editor unpublished this article")
    box = phone_toast.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 390
    _shot(otto, "04-phone-toast")
    phone_toast.get_by_role("button", name="Dismiss").click()
    expect(phone_toast).to_have_count(0)

    assert ana.errors == []
    assert otto.errors == []


REVIEW = """
import json
from governance.models import Workflow
from tests.accounts.factories import UserFactory
from tests.content.factories import ArticleFactory
Workflow.objects.filter(name="Standard review").update(is_active=True)
UserFactory(role="Reviewer", email="rita@example.com", full_name="Rita Reviewer")
author = UserFactory(role="Author", email="aria@example.com", full_name="Aria Author")
article = ArticleFactory(title="Lantern parade", owner=author)
print("RESULT=" + json.dumps({"id": article.pk}))
"""

SUBMIT = """
import json
from content import services
from content.models import Article
article = Article.objects.get(pk={id})
services.entry_submit(entry=article, actor=article.owner)
print("RESULT=" + json.dumps({{"status": Article.objects.get(pk={id}).status}}))
"""


def test_the_review_queue_and_the_dashboard_update_themselves(folio, chromium):
    """A submission made by another process (a shell here; the web process or a worker in
    life) shows in the reviewer's open queue and dashboard without a reload."""
    env = folio["processes"][0].env
    article = django_shell(REVIEW, env=env)["id"]
    queue = _page(chromium, folio["url"], {"width": 1280, "height": 900})
    log_in(queue, "rita@example.com")
    dashboard = queue.context.new_page()  # the same reviewer, on a second tab
    dashboard.set_viewport_size({"width": 390, "height": 844})
    queue.goto(queue.base_url + "/admin/governance/submission/?queue=mine")
    dashboard.goto(queue.base_url + "/admin/")
    results = queue.locator("#review-queue-results")
    expect(results).not_to_contain_text("Lantern parade")
    card = dashboard.locator("#card-my_review_tasks")
    expect(card).not_to_contain_text("Lantern parade")

    assert django_shell(SUBMIT.format(id=article), env=env)["status"] == "in_review"
    expect(results).to_contain_text("Lantern parade")
    expect(card).to_contain_text("Lantern parade")
    _shot(queue, "05-desktop-review-queue")
    _shot(dashboard, "06-phone-dashboard")
    # The rows arrived with their action checkboxes working.
    queue.locator("#result_list input.action-select").first.check()
    expect(queue.locator("#changelist-actions-wrapper")).to_be_visible()
    assert queue.errors == []
