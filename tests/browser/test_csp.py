"""No page breaks its own Content-Security-Policy in a real browser (issue 16, item 5).

Chromium enforces the policy and reports each refusal as a `securitypolicyviolation` event and a console error. The
test listens to both (the listener is installed by Playwright before any page script, outside the policy) while
each role opens the main pages: every entry of its navigation, a deal, an account, the profile, the API docs (Swagger
UI from the django-ninja package), the administration for the administrator; and it sorts a list, so an htmx swap
happens too. Any violation fails the test with the page and what was refused.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.test_insights_dashboards import make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline") + " " + event.sample);
});
"""


class ViolationLog:
    """CSP refusals seen by the page: its securitypolicyviolation events and Chromium's console errors."""

    def __init__(self, page):
        self.page = page
        self.console: list[str] = []
        page.add_init_script(LISTEN)
        page.on("console", self._on_console)

    def _on_console(self, message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.console.append(message.text)

    def visit(self, url: str) -> list[str]:
        self.console.clear()
        self.page.goto(url)
        self.page.wait_for_load_state("load")
        return self.collect()

    def collect(self) -> list[str]:
        self.page.wait_for_timeout(150)  # events fire asynchronously after the refusal
        events = self.page.evaluate("() => window.__cspViolations || []")
        found = list(events) + list(self.console)
        self.console.clear()
        self.page.evaluate("() => { window.__cspViolations = []; }")
        return found


def _nav_links(page, base: str) -> list[str]:
    hrefs = page.evaluate(
        "() => Array.from(document.querySelectorAll('nav.mainnav a[href]')).map(a => a.getAttribute('href'))"
    )
    return [f"{base}{href}" for href in dict.fromkeys(hrefs) if href.startswith("/")]


@pytest.mark.parametrize("username", ["admin", "manager", "psm", "engineer", "owner"])
def test_main_pages_log_no_csp_violation(page, live_server, personas, username):
    make_world(personas, copies=1)
    log = ViolationLog(page)
    base = live_server.url
    assert not log.visit(f"{base}/login/"), "the sign-in page"
    sign_in(page, live_server, username, PASSWORD)
    pages = _nav_links(page, base) + [
        f"{base}/deals/{personas.deal.pk}/",
        f"{base}/accounts/{personas.account.pk}/",
        f"{base}/me/",
        f"{base}/api/v1/docs",
    ]
    if username == "admin":
        pages.append(f"{base}/admin/")
    violations = {}
    for url in pages:
        found = log.visit(url)
        if found:
            violations[url.removeprefix(base)] = found
    # An htmx swap: sorting the deal list re-renders only the results.
    page.goto(f"{base}/deals/")
    sort_link = page.locator("th a[href*='ordering']").first
    if sort_link.count():
        sort_link.click()
        page.wait_for_load_state("networkidle")
        found = log.collect()
        if found:
            violations["/deals/ (sorted)"] = found
    assert len(pages) >= 8
    assert not violations, violations


def test_api_docs_render_under_the_policy(page, live_server, personas):
    log = ViolationLog(page)
    sign_in(page, live_server, "admin", PASSWORD)
    found = log.visit(f"{live_server.url}/api/v1/docs")
    # Swagger UI drew the operations from the schema, offline, with nothing refused.
    page.wait_for_selector(".opblock", timeout=20_000)
    assert page.locator(".opblock").count() > 10
    assert not found + log.collect()
