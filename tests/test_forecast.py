"""Forecast categories, quotas, the roll-up, managers' calls and weekly snapshots (issue 19, item 1)."""

from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from presales.deals.models import Opportunity, Outcome
from presales.forecast import selectors, services
from presales.forecast.models import Category, CategoryOverride, PeriodKind, Quota, Snapshot, SnapshotRow
from presales.forecast.periods import Period, week_start
from presales.forecast.tasks import take_snapshot
from presales.ops.schedule import JOBS
from presales.people.models import Role
from presales.playbook.models import Stage
from tests.factories import AccountFactory, OpportunityFactory, UserFactory
from tests.test_api_support import TokenClient

pytestmark = pytest.mark.django_db

DATA = re.compile(r'href="([^"]*forecast/deals/[^"]*)"[^>]*data-count="(\d+)" data-sum="([\d.]+)"')


def _today() -> datetime.date:
    return timezone.localdate()


def _quarter() -> Period:
    return Period.containing(PeriodKind.QUARTER, _today())


def _deal(owner, *, stage_number=2, amount="100000", close=None, **extra):
    account = AccountFactory(owner=owner)
    return OpportunityFactory(
        account=account,
        sales_owner=owner,
        amount=Decimal(amount),
        stage=Stage.objects.get(number=stage_number),
        expected_close_date=close or _quarter().start + datetime.timedelta(days=20),
        **extra,
    )


def _win(deal: Opportunity, day: datetime.date) -> None:
    # The signed gate (every step done) is tested elsewhere; here only the outcome matters.
    Opportunity.objects.filter(pk=deal.pk).update(outcome=Outcome.WON, closed_on=day, probability=100)


@pytest.fixture
def book(personas):
    """East: owner (3 deals: pipeline, best case, commit by stage), teammate (1 override to commit, 1 won);
    west: outsider (1 deal)."""
    p = personas
    start = _quarter().start
    deals = {
        "pipeline": _deal(p.owner, stage_number=3, amount="100000"),
        "best_case": _deal(p.owner, stage_number=4, amount="200000"),
        "commit": _deal(p.owner, stage_number=6, amount="300000"),
        "overridden": _deal(p.teammate, stage_number=2, amount="400000"),
        "won": _deal(p.teammate, stage_number=6, amount="500000"),
        "outside": _deal(p.outsider, stage_number=6, amount="700000"),
        "later": _deal(p.owner, stage_number=6, amount="900000", close=_quarter().shifted(1).start),
    }
    services.category_override_set(
        actor=p.teammate, opportunity=deals["overridden"], category=Category.COMMIT, note="客户口头确认本季度下单"
    )
    _win(deals["won"], start + datetime.timedelta(days=1) if start + datetime.timedelta(days=1) <= _today() else start)
    return deals


def test_category_defaults_from_stage_and_override_is_recorded(personas, book):
    p = personas
    categories = dict(Opportunity.objects.annotate(c=selectors.category_expression()).values_list("pk", "c"))
    assert categories[book["pipeline"].pk] == Category.PIPELINE
    assert categories[book["best_case"].pk] == Category.BEST_CASE
    assert categories[book["commit"].pk] == Category.COMMIT
    assert categories[book["overridden"].pk] == Category.COMMIT
    override = CategoryOverride.objects.get(opportunity=book["overridden"])
    assert override.history.count() == 1 and override.history.first().history_user == p.teammate
    # The administrator's stage setting replaces the default; the override still wins over it.
    services.stage_category_set(actor=p.admin, stage=Stage.objects.get(number=3), category=Category.BEST_CASE)
    assert selectors.deal_category(Opportunity.objects.get(pk=book["pipeline"].pk))[0] == Category.BEST_CASE
    services.category_override_clear(actor=p.teammate, opportunity=book["overridden"])
    assert selectors.deal_category(Opportunity.objects.get(pk=book["overridden"].pk)) == (Category.PIPELINE, None)
    assert CategoryOverride.history.filter(opportunity_id=book["overridden"].pk).count() == 2


def test_override_needs_a_note_and_an_allowed_person(personas, book):
    p = personas
    with pytest.raises(ValidationError):
        services.category_override_set(actor=p.owner, opportunity=book["pipeline"], category="commit", note=" ")
    # A teammate and a presales lead cannot put another rep's deal in a category; the manager and the owner can.
    for stranger in (p.teammate, p.outsider, p.engineer):
        with pytest.raises(PermissionDenied):
            services.category_override_set(actor=stranger, opportunity=book["pipeline"], category="commit", note="x")
    services.category_override_set(actor=p.manager, opportunity=book["pipeline"], category="commit", note="ok")
    with pytest.raises(PermissionDenied):
        services.stage_category_set(actor=p.manager, stage=Stage.objects.get(number=2), category="commit")


def _follow(client, page: str) -> int:
    """Every figure link of the page opens a list whose count and total equal the figure; returns how many."""
    links = DATA.findall(page)
    for url, count, total in links:
        listed = client.get(url.replace("&amp;", "&")).content.decode()
        found = re.search(r'id="forecast-deals-total" data-count="(\d+)" data-sum="([\d.]+)"', listed)
        assert found, url
        assert int(found.group(1)) == int(count), url
        assert Decimal(found.group(2)) == Decimal(total), url
    return len(links)


def test_rollup_figures_equal_their_rows(personas, book, login):
    p = personas
    rollup = selectors.rollup(p.manager, _quarter(), _today())
    east = next(block for block in rollup.blocks if block.team == p.owner.team)
    assert east.total.amounts == {
        Category.CLOSED: Decimal("500000"),
        Category.COMMIT: Decimal("700000"),
        Category.BEST_CASE: Decimal("200000"),
        Category.PIPELINE: Decimal("100000"),
    }
    by_person = {line.person: line.figures for line in east.people}
    assert by_person[p.teammate].amounts[Category.COMMIT] == Decimal("400000")
    # The rows behind each figure are exactly the deals it adds up.
    rows = selectors.figure_rows(
        p.manager, _quarter(), bucket=Category.COMMIT, today=_today(), team=str(east.team.pk), owner=p.owner.pk
    )
    assert {deal.pk for deal in rows} == {book["commit"].pk}
    client = login(p.manager)
    page = client.get(reverse("forecast:index"), {"period": _quarter().key}).content.decode()
    assert _follow(client, page) >= 12


def test_visibility_rep_sees_own_manager_team_admin_all(personas, book, login):
    p = personas
    rep = selectors.rollup(p.owner, _quarter(), _today())
    people = {line.person for block in rep.blocks for line in block.people}
    assert people == {p.owner}
    assert all(block.total is None for block in rep.blocks) and rep.total is None
    manager = selectors.rollup(p.manager, _quarter(), _today())
    assert {block.team for block in manager.blocks} == {p.owner.team}
    admin = selectors.rollup(p.admin, _quarter(), _today())
    assert admin.total.amounts[Category.COMMIT] == Decimal("1400000")
    # A rep's link to a teammate's figures shows nothing of theirs.
    client = login(p.owner)
    page = client.get(
        reverse("forecast:deals"), {"period": _quarter().key, "bucket": "commit", "owner": p.teammate.pk}
    ).content.decode()
    assert 'data-count="0"' in page
    assert client.get(reverse("forecast:quotas")).status_code == 403
    assert login(p.engineer).get(reverse("forecast:index")).status_code == 403
    # The deal panel: empty for a teammate (no forecast of others), the form for the owner; posting as a
    # teammate is refused.
    assert login(p.teammate).get(reverse("forecast:deal_panel", args=[book["pipeline"].pk])).content == b""
    assert b"forecast-category" in client.get(reverse("forecast:deal_panel", args=[book["pipeline"].pk])).content
    response = login(p.teammate).post(
        reverse("forecast:deal_category", args=[book["pipeline"].pk]), {"category": "commit", "note": "x"}
    )
    assert response.status_code == 403
    assert not CategoryOverride.objects.filter(opportunity=book["pipeline"]).exists()


def test_owner_changes_category_on_the_deal_page(personas, book, login):
    p = personas
    client = login(p.owner)
    response = client.post(
        reverse("forecast:deal_category", args=[book["pipeline"].pk]), {"category": "best_case", "note": "POC 通过"}
    )
    assert response.status_code == 302
    override = CategoryOverride.objects.get(opportunity=book["pipeline"])
    assert (override.category, override.note, override.set_by) == ("best_case", "POC 通过", p.owner)
    panel = client.get(reverse("forecast:deal_panel", args=[book["pipeline"].pk])).content.decode()
    assert "POC 通过" in panel


def test_quotas_and_calls(personas, book, login):
    p = personas
    quarter = _quarter()
    client = login(p.manager)
    team = p.owner.team
    response = client.post(
        reverse("forecast:quotas") + f"?period={quarter.key}",
        {"period": quarter.key, f"team_{team.pk}": "2000000", f"person_{p.owner.pk}": "800000"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Quota.objects.get(team=team, period_kind="quarter", period_start=quarter.start).amount == Decimal("2000000")
    # A manager does not set their own quota; a rep sets none.
    with pytest.raises(PermissionDenied):
        services.quota_set(actor=p.manager, period=quarter, amount=Decimal(1), person=p.manager)
    with pytest.raises(PermissionDenied):
        services.quota_set(actor=p.owner, period=quarter, amount=Decimal(1), person=p.teammate)
    # Monthly quotas add up to a quarter that has none; the annual target gives the rest their share.
    for month in quarter.month_periods():
        services.quota_set(actor=p.manager, period=month, amount=Decimal("100000"), person=p.teammate)
    p.outsider.revenue_target = Decimal("1200000")
    p.outsider.save(update_fields=["revenue_target"])
    rollup = selectors.rollup(p.admin, quarter, _today())
    figures = {line.person: line.figures for block in rollup.blocks for line in block.people}
    assert (figures[p.owner].quota, figures[p.owner].quota_source) == (Decimal("800000"), "set")
    assert (figures[p.teammate].quota, figures[p.teammate].quota_source) == (Decimal("300000"), "months")
    assert (figures[p.outsider].quota, figures[p.outsider].quota_source) == (Decimal("300000.00"), "target")
    assert figures[p.teammate].attainment == Decimal("166.7")
    # The manager's call beside the reps' figures; a rep cannot make one.
    response = client.post(
        reverse("forecast:call", args=[team.pk]), {"period": quarter.key, "amount": "1500000", "note": "保守估计"}
    )
    assert response.status_code == 302
    with pytest.raises(PermissionDenied):
        services.manager_call_set(actor=p.owner, team=team, period=quarter, amount=Decimal(1))
    page = client.get(reverse("forecast:index"), {"period": quarter.key}).content.decode()
    assert "保守估计" in page
    assert login(p.owner).post(reverse("forecast:call", args=[team.pk]), {"amount": "1"}).status_code == 403


def test_snapshot_task_is_idempotent_and_scheduled(personas, book):
    assert JOBS["take_forecast_snapshot"].run == take_snapshot.call_local
    first = take_snapshot.call_local()
    again = take_snapshot.call_local()
    assert "taken" in first and "already" in again
    snapshot = Snapshot.objects.get()
    assert snapshot.week_start == week_start(_today())
    open_deals = Opportunity.objects.filter(outcome=Outcome.OPEN).count()
    assert SnapshotRow.objects.filter(snapshot=snapshot).count() == open_deals
    assert snapshot.history.count() == 1


def test_snapshot_diff_lists_exactly_the_deals_that_moved(personas, book, login):
    p = personas
    last_week = _today() - datetime.timedelta(days=7)
    services.snapshot_record(week=last_week, entries=selectors.live_entries(Opportunity.objects.all(), _today()))
    before = Snapshot.objects.get()
    # Moves: one pulled in, one pushed out and bigger, one category changed, one won, one lost, one new.
    pulled = Opportunity.objects.get(pk=book["pipeline"].pk)
    pulled.expected_close_date -= datetime.timedelta(days=5)
    pulled.save(update_fields=["expected_close_date"])
    pushed = Opportunity.objects.get(pk=book["best_case"].pk)
    pushed.expected_close_date += datetime.timedelta(days=30)
    pushed.amount = Decimal("250000")
    pushed.save(update_fields=["expected_close_date", "amount"])
    services.category_override_set(actor=p.owner, opportunity=book["commit"], category="best_case", note="预算延后")
    _win(book["overridden"], _today())
    Opportunity.objects.filter(pk=book["outside"].pk).update(outcome=Outcome.LOST, closed_on=_today(), probability=0)
    new = _deal(p.owner, amount="50000")
    comparison = selectors.compare(p.admin, before, None, _today())
    ids = {kind: {move.opportunity_id for move in moves} for kind, moves in comparison.moves.items()}
    assert ids == {
        "new": {new.pk},
        "won": {book["overridden"].pk},
        "lost": {book["outside"].pk},
        "pulled_in": {book["pipeline"].pk},
        "pushed_out": {book["best_case"].pk},
        "amount_up": {book["best_case"].pk},
        "amount_down": set(),
        "category_changed": {book["commit"].pk},
    }
    assert comparison.totals["amount_up"] == Decimal("50000")
    # The page: each figure's link lists exactly those deals; a rep sees only their own moves.
    client = login(p.admin)
    page = client.get(reverse("forecast:moves")).content.decode()
    for kind, expected in ids.items():
        listed = client.get(reverse("forecast:moves"), {"from": before.week_start.isoformat(), "kind": kind})
        body = listed.content.decode()
        assert f'id="moved-total" data-count="{len(expected)}"' in body
        for pk in expected:
            assert f"/deals/{pk}/" in body
    assert "moves-figures" in page
    rep = selectors.compare(p.outsider, before, None, _today())
    assert {m.opportunity_id for moves in rep.moves.values() for m in moves} == {book["outside"].pk}


def test_pages_have_bounded_queries(personas, book, login, django_assert_max_num_queries):
    p = personas
    services.snapshot_record(
        week=_today() - datetime.timedelta(days=7), entries=selectors.live_entries(Opportunity.objects.all(), _today())
    )
    # Something moved already (a new deal, a lost one), so the counts below compare like with like.
    _deal(p.owner, stage_number=3)
    Opportunity.objects.filter(pk=book["outside"].pk).update(outcome=Outcome.LOST, closed_on=_today(), probability=0)
    client = login(p.admin)
    client.get(reverse("forecast:index"))  # warm the session and caches

    def counted(url: str, **params: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, params).status_code == 200
        return len(queries)

    pages = [
        (reverse("forecast:index"), {}),
        (reverse("forecast:deals"), {"bucket": "commit"}),
        (reverse("forecast:moves"), {"kind": "new"}),
        (reverse("forecast:quotas"), {}),
    ]
    before = [counted(url, **params) for url, params in pages]
    extra_team_owner = UserFactory(role=Role.SALES, team=p.outsider.team)
    for _ in range(6):
        _deal(extra_team_owner, stage_number=6)
        _deal(p.teammate, stage_number=4)
    after = [counted(url, **params) for url, params in pages]
    assert after == before
    with django_assert_max_num_queries(40):
        client.get(reverse("forecast:index"))


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_pages_in_both_languages(personas, book, login, language):
    client = login(personas.admin)
    client.cookies["django_language"] = language
    services.snapshot_record(week=_today(), entries={})
    for url in ("forecast:index", "forecast:moves", "forecast:quotas", "forecast:categories"):
        response = client.get(reverse(url), HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, url
    page = client.get(reverse("forecast:index"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert ("承诺" in page) == (language == "zh-hans")


def test_api_category_and_rollup(personas, book):
    p = personas
    owner = TokenClient(p.owner)
    path = f"/forecast/deals/{book['pipeline'].pk}/category"
    assert owner.get(path).json()["category"] == "pipeline"
    response = owner.client.put(
        f"/api/v1{path}", json.dumps({"category": "commit", "note": "签约在即"}), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["overridden"] is True and response.json()["set_by"]["id"] == p.owner.pk
    assert CategoryOverride.objects.get(opportunity=book["pipeline"]).note == "签约在即"
    # A teammate sees the deal but not its forecast: refused; an outsider does not see the deal at all.
    teammate = TokenClient(p.teammate)
    refused = teammate.client.put(
        f"/api/v1{path}", json.dumps({"category": "pipeline", "note": "x"}), content_type="application/json"
    )
    assert refused.status_code in (403, 404)
    assert TokenClient(p.outsider).get(path).status_code == 404
    missing_note = owner.client.put(
        f"/api/v1{path}", json.dumps({"category": "commit", "note": ""}), content_type="application/json"
    )
    assert missing_note.status_code == 422
    assert owner.delete(path).json()["overridden"] is False
    rollup = owner.get("/forecast/rollup", period=_quarter().key).json()
    assert [person["person"]["id"] for team in rollup["teams"] for person in team["people"]] == [p.owner.pk]
    assert rollup["total"] is None
    admin = TokenClient(p.admin).get("/forecast/rollup", period=_quarter().key).json()
    assert Decimal(admin["total"]["commit"]) == Decimal("1400000")
    assert TokenClient(p.engineer).get("/forecast/rollup").status_code == 403
