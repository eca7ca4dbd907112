"""Each role's dashboard in a real browser: the charts are drawn (SVG with data points), hovering shows a
value, and the page works on a phone in Chinese."""

import pytest

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.test_insights_dashboards import make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def charts_drawn(page) -> int:
    """How many charts on the page have at least one data point drawn."""
    page.wait_for_selector(".insight-chart svg .tooltip-trigger", state="attached")
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.insight-chart svg[role=img]'))
              .filter(svg => svg.querySelectorAll('.tooltip-trigger').length > 0).length"""
    )


def visible_point(page, scope: str):
    """A drawn data point with a real size (a zero value draws an empty bar) in `scope`."""
    index = page.evaluate(
        """(scope) => Array.from(document.querySelectorAll(scope + ' .insight-chart svg .tooltip-trigger'))
              .findIndex(node => { const box = node.getBoundingClientRect(); return box.width * box.height > 4; })""",
        scope,
    )
    assert index >= 0
    return page.locator(f"{scope} .insight-chart svg .tooltip-trigger").nth(index)


@pytest.mark.parametrize(
    ("username", "path", "panels"),
    [
        ("manager", "/insights/sales/", ("funnel", "forecast", "win_rate", "risk")),
        ("psm", "/insights/presales/", ("workload", "requests", "support", "influenced", "activity_mix")),
        ("engineer", "/insights/mine/", ("visits", "hours")),
        ("owner", "/insights/winloss/", ("reasons", "competitors", "industries", "regions")),
    ],
)
def test_role_dashboard_draws_its_charts(page, live_server, personas, username, path, panels):
    make_world(personas, copies=1)
    sign_in(page, live_server, username, PASSWORD)
    page.goto(f"{live_server.url}{path}")
    assert charts_drawn(page) >= len(panels) - 1
    for key in panels:
        assert page.locator(f"#panel-{key} table, #panel-{key} .empty").count() >= 1
    with_points = [
        key for key in panels if page.locator(f"#panel-{key} .insight-chart svg .tooltip-trigger").count() > 0
    ]
    assert with_points
    point = visible_point(page, f"#panel-{with_points[0]}")
    point.scroll_into_view_if_needed()
    point.hover()
    tip = page.locator(".chart-tip")
    tip.wait_for(state="visible")
    assert tip.inner_text().strip()


def test_home_dashboard_on_a_phone_in_chinese(phone_page, live_server, personas):
    make_world(personas, copies=1)
    sign_in(phone_page, live_server, "manager", PASSWORD)
    assert charts_drawn(phone_page) >= 3
    # The chart fits the phone's width.
    width = phone_page.evaluate("() => document.querySelector('.insight-chart svg').getBoundingClientRect().width")
    assert 0 < width <= 390
    point = visible_point(phone_page, "#panel-funnel")
    point.scroll_into_view_if_needed()
    point.tap()
    phone_page.locator(".chart-tip").wait_for(state="visible")
