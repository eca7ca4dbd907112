"""WCAG 2.2 AA in a real browser (issue 14, item 9): axe-core checks the main pages of every role in both languages.

Each role signs in once (one browser context) and opens its main pages: home, the deal list, a deal, the board, my
steps, the accounts, an account, the requests, the activities, knowledge, every dashboard the role may see, the
accountability board and the scorecards where the role has them, and the settings (profile; the playbook settings
for the roles that edit it); then it switches the interface to Chinese with the language button and opens them
again on a phone. On each page the vendored axe-core (tests/browser/vendor/axe.min.js, never fetched at run time)
runs with the WCAG 2.0/2.1/2.2 A and AA rules (on a desktop in English, then on a phone in Chinese); any violation of
impact serious or critical fails the test, listed with its rule, the page and the elements' selectors.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from presales import access
from presales.deals.services import team as deal_services
from presales.insights import panels as dashboards
from presales.knowledge import services as knowledge_services
from presales.knowledge.models import KnowledgeKind
from presales.people.models import Role
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.factories.people import UserFactory
from tests.test_insights_dashboards import make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_VERSION = "4.14.1"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
FAILING_IMPACTS = {"serious", "critical"}

RUN_AXE = """
async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map((violation) => ({
    rule: violation.id,
    impact: violation.impact,
    help: violation.help,
    // For a contrast failure, the colours and the ratio axe measured.
    targets: violation.nodes.map((node) => {
      const data = (node.any[0] || {}).data || {};
      const colours = data.fgColor ? ` (${data.fgColor} on ${data.bgColor}: ${data.contrastRatio})` : "";
      return node.target.join(" ") + colours;
    }),
  }));
}
"""


def test_vendored_axe_is_the_noted_version():
    head = AXE.read_text(encoding="utf-8")[:200]
    assert re.search(r"axe v(\S+)", head).group(1) == AXE_VERSION


def main_pages(user, personas) -> list[str]:
    """The paths of the role's main pages (each must open for the role: the test checks the status)."""
    paths = [
        "/",
        "/deals/",
        f"/deals/{personas.deal.pk}/",
        "/deals/board/",
        "/deals/my-steps/",
        "/accounts/",
        f"/accounts/{personas.account.pk}/",
        "/work/requests/",
        "/knowledge/",
        "/me/",
    ]
    if access.can_log_activity(user):
        paths.append("/work/activities/")
    paths += [
        f"/insights/{dashboard.key}/"
        for dashboard in dashboards.DASHBOARDS.values()
        if dashboards.can_see(user, dashboard)
    ]
    if access.can_see_accountability_board(user):
        paths.append("/deals/accountability/")
    if access.can_read_scorecards(user):
        paths.append("/scoring/")
    if access.can_edit_playbook(user):
        paths.append("/playbook/settings/")
    return paths


def axe_violations(page, url: str) -> list[str]:
    """Open `url`, let its htmx panels load, run axe; the serious and critical violations, one line each."""
    response = page.goto(url)
    assert response is not None and response.ok, f"{url} answered {response.status if response else 'nothing'}"
    if page.locator("[hx-trigger~='load']").count():
        page.wait_for_load_state("networkidle")  # the panels htmx loads after the page (a deal's checklist)
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(RUN_AXE, WCAG_TAGS)
    return [
        f"{item['rule']} ({item['impact']}: {item['help']}) on {url}: {', '.join(item['targets'])}"
        for item in found
        if item["impact"] in FAILING_IMPACTS
    ]


def deal_team_member(personas, username: str, role: str):
    """A commercial or after-sales colleague on the persona deal's team: they see the deals they work on."""
    user = UserFactory(username=username, display_name=username.title(), role=role, password=PASSWORD)
    deal_services.deal_member_add(actor=personas.owner, opportunity=personas.deal, user=user, role=role)
    return user


@pytest.mark.parametrize("username", ["admin", "manager", "psm", "engineer", "owner", "commercial", "aftersales"])
def test_main_pages_have_no_serious_accessibility_violation(browser, live_server, personas, playbook, username):
    make_world(personas, copies=1)
    knowledge_services.knowledge_item_create(
        actor=personas.engineer, kind=KnowledgeKind.SOLUTION, title="Core banking migration", industries=["finance"]
    )
    user = {
        "admin": lambda: personas.admin,
        "manager": lambda: personas.manager,
        "psm": lambda: personas.presales_manager,
        "engineer": lambda: personas.engineer,
        "owner": lambda: personas.owner,
        "commercial": lambda: deal_team_member(personas, "commercial", Role.COMMERCIAL),
        "aftersales": lambda: deal_team_member(personas, "aftersales", Role.AFTER_SALES),
    }[username]()
    paths = main_pages(user, personas)
    base = live_server.url
    violations = []
    # bypass_csp only lets the test add axe's <script>; test_csp checks the pages under their policy.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US", bypass_csp=True)
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, live_server, username, PASSWORD)
        for path in paths:
            violations += axe_violations(page, f"{base}{path}")
        # Chinese, switched the way a person does it: the language button in the top bar (the phone pass below checks
        # the pages in Chinese; the same pages on a desktop in Chinese differ only in their words).
        page.goto(f"{base}/")
        page.click(".langswitch button[value='zh-hans']")
        page.wait_for_selector("html[lang='zh-hans']")
    finally:
        context.close()
    # On a phone (the bottom tab bar, the brand without its name, tables narrower than their rows), in Chinese: the
    # language the person chose above stays with them.
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True, bypass_csp=True
    )
    try:
        page = phone.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, live_server, username, PASSWORD)
        for path in paths:
            violations += [f"[phone, zh-hans] {line}" for line in axe_violations(page, f"{base}{path}")]
    finally:
        phone.close()
    assert len(paths) >= 11
    assert not violations, "\n".join(violations)
