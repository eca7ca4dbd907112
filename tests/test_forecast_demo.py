"""The demo company's forecast (issue 19, item 1): quotas for every rep and team, categories some reps set with a
note, the managers' calls, eight weekly snapshots that differ, and figures that open exactly their rows."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from presales.forecast import selectors
from presales.forecast.models import CategoryOverride, ManagerCall, PeriodKind, Quota, Snapshot
from presales.forecast.periods import Period
from presales.people.models import Role, Team, TeamKind, User
from tests.test_forecast import _follow

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_demo"), pytest.mark.xdist_group("demo")]


def test_demo_has_quotas_categories_calls_and_eight_snapshots(small_demo):
    quarter = Period.containing(PeriodKind.QUARTER, timezone.localdate())
    forecast_line = next(line for line in small_demo.output.splitlines() if line.strip().startswith("forecast:"))
    print(forecast_line)  # how long the forecast part of the seed took (seen with -s)
    reps = User.objects.filter(role=Role.SALES, team__kind=TeamKind.SALES, is_active=True)
    teams = Team.objects.filter(kind=TeamKind.SALES)
    for rep in reps:
        assert Quota.objects.filter(person=rep, period_kind="quarter", period_start=quarter.start).exists(), rep
        assert Quota.objects.filter(person=rep, period_kind="month").count() >= 3, rep
    for team in teams:
        assert Quota.objects.filter(team=team, period_kind="quarter", period_start=quarter.start).exists(), team
    overrides = CategoryOverride.objects.all()
    assert overrides.count() >= 5 and all(override.note for override in overrides)
    assert overrides.first().history.exists()
    # Each regional team's manager made a call (the department above them is the director's: no call there).
    regional = Team.objects.filter(kind=TeamKind.SALES, members__role=Role.SALES).distinct()
    calls = ManagerCall.objects.filter(period_kind="quarter", period_start=quarter.start)
    assert set(calls.values_list("team", flat=True)) >= set(regional.values_list("pk", flat=True))
    snapshots = list(Snapshot.objects.order_by("week_start"))
    assert len(snapshots) == 8
    assert all(snapshot.rows.exists() for snapshot in snapshots)
    admin = User.objects.get(username="admin")
    for older, newer in zip(snapshots, snapshots[1:], strict=False):
        comparison = selectors.compare(admin, older, newer, timezone.localdate())
        moved = sum(len(moves) for moves in comparison.moves.values())
        assert moved >= 3, (older, newer)
    last = selectors.compare(admin, snapshots[-1], None, timezone.localdate())
    assert sum(len(moves) for moves in last.moves.values()) >= 1


@pytest.mark.parametrize("username", ["admin", "salesmgr", "sales"])
def test_demo_forecast_figures_open_their_rows(small_demo, login, username):
    user = User.objects.get(username=username)
    client = login(user)
    page = client.get(reverse("forecast:index")).content.decode()
    assert _follow(client, page) >= 4
    assert client.get(reverse("forecast:moves")).status_code == 200
    rollup = selectors.rollup(user, Period.containing(PeriodKind.QUARTER, timezone.localdate()), timezone.localdate())
    if username == "sales":
        assert {line.person for block in rollup.blocks for line in block.people} == {user}
    else:
        assert rollup.total is not None and rollup.total.amounts["closed"] + rollup.total.amounts["commit"] > Decimal(0)
    assert re.search(r"data-count=\"[1-9]", page)
