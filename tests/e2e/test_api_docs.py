"""The API docs pages in Chromium, under the production settings' CSP: they render, log no
CSP violation, and load nothing from any host but Folio's own.

The browser reaches the live server by a name (folio.test) rather than 127.0.0.1: Swagger
UI skips its online validator badge on loopback addresses only, as a real host would not.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, sync_playwright
from tests.integration.conftest import BASE_DIR
from tests.integration.test_production_settings import production

expect = pytest.importorskip("playwright.sync_api").expect
SLOW = 60_000  # ms: the first request for the schema generates it, slowly on a busy machine

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
HOST = "folio.test"


def production_csp() -> dict:
    """CONTENT_SECURITY_POLICY as config.settings.production has it, read in a fresh
    process as gunicorn would (no service is contacted)."""
    code = (
        "import json; import config.settings.production as s; "
        "print(json.dumps(s.CONTENT_SECURITY_POLICY))"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=production(),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


@pytest.fixture
def docs_browser(live_server, settings):
    """A Chromium page that resolves folio.test to the live server, and records every
    request and every console error."""
    settings.CONTENT_SECURITY_POLICY = production_csp()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]
    port = urlsplit(live_server.url).port
    origin = f"http://{HOST}:{port}"
    args = [
        *CHROMIUM_ARGS,
        f"--host-resolver-rules=MAP {HOST} 127.0.0.1",
        # Production serves over HTTPS: a trustworthy origin, where COOP applies.
        f"--unsafely-treat-insecure-origin-as-secure={origin}",
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(SLOW)
        page = context.new_page()
        page.base_url = origin
        page.requests, page.errors = [], []
        page.on("request", lambda request: page.requests.append(request.url))
        page.on(
            "console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None
        )
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        yield page
        context.close()
        browser.close()


def _outside(page) -> list[str]:
    own = urlsplit(page.base_url).netloc
    return [
        url
        for url in page.requests
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).netloc != own
    ]


def test_redoc_loads_nothing_from_outside(docs_browser):
    page = docs_browser
    page.goto(f"{page.base_url}/api/redoc/")
    # Rendered: the API's title and an operation from the schema, and the sidebar footer
    # whose logo used to come from cdn.redoc.ly.
    expect(page.get_by_role("heading", name="Folio API")).to_be_visible(timeout=SLOW)
    expect(page.get_by_text("API docs by Redocly")).to_be_visible()
    logo = page.locator("img[alt='redocly logo']")
    expect(logo).to_have_attribute("src", re.compile(r"^data:image/svg"))
    page.wait_for_load_state("networkidle")
    assert _outside(page) == []
    assert page.errors == []


def test_swagger_ui_loads_nothing_from_outside(docs_browser):
    page = docs_browser
    page.goto(f"{page.base_url}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Folio API", timeout=SLOW)
    expect(page.locator(".opblock").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert _outside(page) == []
    assert page.errors == []
