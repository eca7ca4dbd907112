"""Every number opens its rows: for every demo role, each figure on the home page, the dashboards, the
accountability board and the scorecards the role can read that links to a list equals what that list shows (its
row count, or its total)."""

from __future__ import annotations

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from presales import access
from presales.core.views.lists import RESULTS_ID
from presales.customers.models import Industry, Region
from presales.deals.selectors import accountability_board
from presales.demo.people import DEMO_LOGINS
from presales.insights import selectors
from presales.insights.forms import InsightFilterForm
from presales.insights.panels import DASHBOARDS, can_see
from presales.people.models import Team, User
from presales.scoring.selectors import engineers_visible_to

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_demo"), pytest.mark.xdist_group("demo")]

CENT = Decimal("0.01")
# Lists are opened as htmx re-renders them in place (their results alone: rows, count, totals, pages): the same view,
# FilterSet and rows as the whole page, without the filter form and the layout around them, which halves the time of
# this test's ~3,000 list requests.
RESULTS_ONLY = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": RESULTS_ID}
TAG = re.compile(r"<a\s[^>]*>", re.S)
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')


def figure_links(page: str) -> list[dict[str, str]]:
    """The links of a page that carry the figure they stand for (data-count, or data-sum with data-value)."""
    found = []
    for tag in TAG.findall(page):
        attrs = {name: html.unescape(value) for name, value in ATTRIBUTE.findall(tag)}
        if "data-count" in attrs or "data-sum" in attrs:
            found.append(attrs)
    return found


def pages_for(user: User) -> list[str]:
    pages = [reverse("web:home")]
    dashboards = [
        reverse("insights:dashboard", args=[key]) for key, board in DASHBOARDS.items() if can_see(user, board)
    ]
    pages += dashboards
    # Narrowed as a manager narrows them: the lists behind the figures take the same team, industry and region.
    if access.can_see_team_dashboards(user):
        team = user.team_id or Team.objects.order_by("pk").values_list("pk", flat=True).first()
        for narrowed in (f"?team={team}", f"?industry={Industry.FINANCE}", f"?region={Region.EAST}"):
            pages += [url + narrowed for url in dashboards]
    if access.can_see_accountability_board(user):
        pages.append(reverse("deals:accountability"))
    if access.can_read_scorecards(user):
        # This month (live) and the last (frozen when the demo closed it), on the team page and each scorecard the
        # person reads: their own, and their engineers' for a manager.
        this_month = timezone.localdate().replace(day=1)
        last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
        for start in (this_month, last_month):
            query = f"?kind=month&start={start.isoformat()}"
            pages.append(reverse("scoring:team") + query)
            pages += [
                reverse("scoring:scorecard", args=[pk]) + query
                for pk in engineers_visible_to(user).values_list("pk", flat=True)
            ]
    return pages


@pytest.mark.parametrize("username", list(DEMO_LOGINS))
def test_every_figure_equals_the_list_it_opens(username):
    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    opened: dict[str, object] = {}
    checked = 0
    for page in pages_for(user):
        response = client.get(page)
        assert response.status_code == 200, page
        for attrs in figure_links(response.content.decode()):
            url = attrs["href"]
            if url not in opened:
                opened[url] = client.get(url, **RESULTS_ONLY)
            listing = opened[url]
            assert listing.status_code == 200, url
            if "data-count" in attrs:
                shown = listing.context["page_obj"].paginator.count if listing.context["table"].rows else 0
                assert shown == int(attrs["data-count"]), f"{page}: {attrs}"
            else:
                totals = listing.context["totals"]
                total = totals[0][attrs["data-sum"]] if totals else Decimal(0)
                assert Decimal(total or 0).quantize(CENT) == Decimal(attrs["data-value"]).quantize(CENT), (
                    f"{page}: {url}"
                )
            checked += 1
    # Every role has figures that open their rows (the home page's open deals at least).
    assert checked > 0
    # The scorecards' figures were among them: each readable scorecard's credited deals and visits, and the board's
    # past weeks.
    if access.can_read_scorecards(user):
        for pk in engineers_visible_to(user).values_list("pk", flat=True):
            for name in ("scoring:credited", "scoring:visits"):
                assert any(url.startswith(reverse(name, args=[pk]) + "?") for url in opened), (name, pk)
    if access.can_see_accountability_board(user):
        assert any("state=late_at" in url for url in opened) and any("state=finished" in url for url in opened)


def test_the_board_trend_agrees_with_its_headline():
    manager = User.objects.get(username="presalesmgr")
    board = accountability_board(manager)
    assert board.trend[-1]["current"]
    assert board.trend[-1]["overdue"] == board.total_overdue
    assert board.total_overdue == sum(row.overdue for row in board.by_person)


def test_the_overseas_regions_usd_deals_count_in_won_revenue():
    """The demo's overseas deals are in USD: with the demo's exchange rates they count in the won amounts."""
    admin = User.objects.get(username="admin")
    f = InsightFilterForm().filters()
    overseas = next(row for row in selectors.win_rate_by(admin, f, "region") if row["key"] == "overseas")
    assert overseas["won"] > 0
    assert overseas["won_amount"] > 0
