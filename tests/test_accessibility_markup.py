"""The scroll regions of the dashboards are reachable by keyboard (issue 14, item 9), checked on the HTML alone.

A container that scrolls on its own (a dashboard panel's table, with its max-height; the tables of the accountability
board; the deal board's columns) must take the focus (tabindex="0") and be a named region, so a keyboard user can
scroll it and a screen reader says what it is. tests/browser/test_accessibility.py checks the same with axe-core in
a browser; this test needs none.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from tests.test_insights_dashboards import make_world

SCROLLING = ("insight-table", "table-wrap", "board")


class ScrollRegions(HTMLParser):
    """The opening tags whose class marks them as a scroll container, with their attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[dict[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "div" and any(name in classes for name in SCROLLING):
            self.found.append(attributes)


def scroll_regions(html: str) -> list[dict[str, str | None]]:
    parser = ScrollRegions()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize(
    ("username", "url_name", "args", "at_least"),
    [
        ("manager", "web:home", [], 4),
        ("manager", "insights:dashboard", ["sales"], 4),
        ("psm", "insights:dashboard", ["presales"], 5),
        ("engineer", "insights:dashboard", ["mine"], 2),
        ("owner", "insights:dashboard", ["winloss"], 4),
        ("manager", "deals:accountability", [], 3),
        ("manager", "deals:board", [], 1),
    ],
)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_dashboard_scroll_regions_take_the_focus_and_have_a_name(
    personas, login, username, url_name, args, at_least, language
):
    make_world(personas, copies=1)
    user = {
        "manager": personas.manager,
        "psm": personas.presales_manager,
        "engineer": personas.engineer,
        "owner": personas.owner,
    }[username]
    client = login(user)
    response = client.get(reverse(url_name, args=args), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'lang="{language}"' in html
    regions = scroll_regions(html)
    # Every panel of the dashboard has its table (or its empty state) in a region.
    assert len(regions) >= at_least
    for attributes in regions:
        assert attributes.get("tabindex") == "0", attributes
        assert attributes.get("role") == "region", attributes
        assert (attributes.get("aria-label") or "").strip(), attributes
    if url_name == "insights:dashboard":
        with translation.override(language):
            table = translation.gettext("%(title)s: table") % {"title": ""}
        assert all(table.strip() in (attributes["aria-label"] or "") for attributes in regions)
