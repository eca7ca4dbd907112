"""Browser tests: Playwright drives Debian's Chromium against a live test server.

Where Chromium is not installed these tests are skipped with a message saying how to get it;
.ci/run installs it (apt-get install chromium fonts-wqy-microhei).
"""

from __future__ import annotations

import os
import shutil

import pytest

from presales.deals.services import ensure_deal_playbook
from presales.playbook.defaults import install_default_playbook
from presales.playbook.models import PlaybookVersion, Stage, StepDefinition

CHROMIUM = os.environ.get("PRESALES_CHROMIUM", "/usr/bin/chromium")
HAVE_CHROMIUM = os.path.exists(CHROMIUM) or shutil.which("chromium") is not None
SKIP_REASON = (
    "browser tests skipped: Chromium is not installed "
    "(apt-get install chromium fonts-wqy-microhei, or set PRESALES_CHROMIUM to its path)"
)

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make for set-up are
# still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if HAVE_CHROMIUM:
        return
    skip = pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter):
    if not HAVE_CHROMIUM:
        terminalreporter.write_line(SKIP_REASON, yellow=True)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, the browser tests' database is a file, not shared memory.

    With the in-memory database Django hands the live server's thread the test's own connection, so a write the
    test makes while the page's requests are still running (an htmx panel loading after the page) fails with
    "database table is locked" (the CI failure of stop 21). With a file each thread has its own connection and
    SQLite's busy timeout serialises the writes, as it does in production.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("browser-db") / "test.sqlite3")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def sign_in(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]:has-text('Sign in'), button[type=submit]:has-text('登录')")
    page.wait_for_url(f"{live_server.url}/")


@pytest.fixture
def playbook(personas):
    """The default playbook, and the personas' deal's checklist from it: a transactional test flushed the playbook
    the data migration installed, and a checklist (with its stage gate) is part of the journey."""
    if not PlaybookVersion.objects.exists():
        install_default_playbook(PlaybookVersion, StepDefinition, Stage)
    ensure_deal_playbook(personas.deal)
    return PlaybookVersion.objects.current()
