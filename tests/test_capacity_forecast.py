"""The capacity forecast (issue 18, item 2): on a hand-built history it equals the hand computation; its backtest
error is shown; the worker stores it and the page reads it; what-if; access; bounded queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from presales.capacity import forecast, services, tasks
from presales.capacity.models import BookingMode, ForecastRun, ForecastStatus, LeaveKind
from presales.deals import services as deal_services
from presales.deals.models import DealStep, Opportunity, Outcome, StepStatus
from presales.people.models import User
from presales.work import services as work_services
from presales.work.models import WorkType
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db

STEP_A, STEP_B = "pain_points", "pains_solvable"


# --- the rules, by hand ------------------------------------------------------------------------------------------


def test_medians_and_ranges_by_hand():
    cells = forecast.learn({(STEP_A, "medium", "finance"): [2.0, 4.0, 9.0], (STEP_A, "small", "finance"): [1.0]})
    # p25/p75 interpolate between ranks: [2, 4, 9] -> 3, 4, 6.5
    assert cells["pain_points|medium|finance"] == [3, 3.0, 4.0, 6.5]
    assert cells["pain_points|small|finance"] == [1, 1.0, 1.0, 1.0]
    assert cells["pain_points||"][0] == 4  # every deal: 1, 2, 4, 9
    assert cells["pain_points||"][2] == 3.0
    # Enough deals in the cell: its median; too few: the band's (here also 1 deal), then everything.
    assert forecast.estimate(cells, STEP_A, "medium", "finance") == 4.0
    assert forecast.estimate(cells, STEP_A, "small", "finance") == 3.0
    assert forecast.estimate(cells, STEP_B, "medium", "finance") is None


def test_size_bands():
    assert forecast.size_band(Decimal("999999.99")) == "small"
    assert forecast.size_band(Decimal("1000000")) == "medium"
    assert forecast.size_band(Decimal("5000000")) == "large"


def test_undated_steps_are_spread_evenly_up_to_the_close():
    as_of = datetime.date(2026, 3, 2)  # a Monday
    placed = forecast.place(as_of, as_of + datetime.timedelta(days=30), [("a", 3.0, None), ("b", 5.0, None)])
    assert [day for _key, _hours, day in placed] == [
        as_of + datetime.timedelta(days=10),
        as_of + datetime.timedelta(days=20),
    ]
    # A due date known on the as-of day is kept; an overdue close is pushed a week out.
    due = as_of + datetime.timedelta(days=3)
    placed = forecast.place(as_of, as_of - datetime.timedelta(days=5), [("a", 1.0, due), ("b", 1.0, None)])
    assert placed == [("a", 1.0, due), ("b", 1.0, as_of + datetime.timedelta(days=3))]


# --- a hand-built history through the database -------------------------------------------------------------------


def _log(engineer: User, deal: Opportunity, day: datetime.date, hours: str, step: str = "") -> None:
    work_services.activity_create(
        actor=engineer, kind=WorkType.DEMO, date=day, hours=Decimal(hours), opportunity=deal, step_key=step
    )


def _close(deal: Opportunity, day: datetime.date) -> None:
    deal.refresh_from_db()
    deal_services.opportunity_close(
        actor=deal.sales_owner,
        opportunity=deal,
        outcome=Outcome.LOST,
        reason="price",
        closed_on=day,
        expected_version=deal.version,
    )


def _undated(deal: Opportunity) -> None:
    # Test set-up: every step of the deal still ahead and without a due date, so the spreading rule places them.
    DealStep.objects.filter(opportunity=deal).update(
        status=StepStatus.NOT_STARTED, due_date=None, actionable_since=None, completed_at=None
    )


@pytest.fixture
def world(personas):
    """Three past deals (same size band and industry) logged 2, 4 and 9 h on step A and 3, 5, 7 h on step B; one
    open deal already logged 1 h on A and closes in 30 days; the engineer works 4 h a week, their manager none."""
    today = timezone.localdate()
    _close(personas.deal, today - datetime.timedelta(days=1))
    engineer = personas.engineer
    User.objects.filter(pk=engineer.pk).update(weekly_capacity_hours=Decimal("4"))
    User.objects.filter(pk=personas.presales_manager.pk).update(weekly_capacity_hours=Decimal("0"))
    past = today - datetime.timedelta(days=40)
    for hours_a, hours_b in (("2", "3"), ("4", "5"), ("9", "7")):
        deal = OpportunityFactory(account=personas.account, sales_owner=personas.owner, presales_lead=engineer)
        _log(engineer, deal, past, hours_a, STEP_A)
        _log(engineer, deal, past, hours_b, STEP_B)
        _close(deal, today - datetime.timedelta(days=20))
    open_deal = OpportunityFactory(
        name="华夏银行核心升级",
        account=personas.account,
        sales_owner=personas.owner,
        presales_lead=engineer,
        expected_close_date=today + datetime.timedelta(days=30),
    )
    _undated(open_deal)
    _log(engineer, open_deal, today - datetime.timedelta(days=2), "1", STEP_A)
    return personas, open_deal


def test_forecast_equals_the_hand_computation(world):
    personas, open_deal = world
    today = timezone.localdate()
    team = personas.engineer.team
    # Leave on two weekdays of the week the first step falls in, and a 1-hour booking in the second step's week.
    week_a = (today.weekday() + 10) // 7  # step A: day today + floor(30 * 1/3) = +10
    week_b = (today.weekday() + 20) // 7  # step B: day today + floor(30 * 2/3) = +20
    monday = today - datetime.timedelta(days=today.weekday())
    leave_monday = monday + datetime.timedelta(days=7 * week_a)
    services.leave_create(
        actor=personas.engineer,
        person=personas.engineer,
        start_date=leave_monday,
        end_date=leave_monday + datetime.timedelta(days=1),
        kind=LeaveKind.ANNUAL,
    )
    services.booking_create(
        actor=personas.engineer,
        engineer=personas.engineer,
        date=monday + datetime.timedelta(days=7 * week_b + 2),
        start=datetime.time(9),
        duration_minutes=60,
        mode=BookingMode.REMOTE,
        kind=WorkType.DEMO,
        account=personas.account,
        opportunity=open_deal,
    )

    result = forecast.compute(today)

    # Step A: median of 2, 4, 9 = 4, less the 1 h logged = 3 h. Step B: median of 3, 5, 7 = 5 h.
    expected_demand = [0.0] * forecast.WEEKS
    expected_demand[week_a] += 3.0
    expected_demand[week_b] += 5.0
    # The engineer's 4 h a week, less 2 days of 5 on leave (1.6 h) and the 1 h booked; plus the presales manager's.
    manager_hours = 0.0
    expected_capacity = [round(4.0 + manager_hours, 1)] * forecast.WEEKS
    expected_capacity[week_a] = round(2.4 + manager_hours, 1)
    expected_capacity[week_b] = round(3.0 + manager_hours, 1)
    row = next(entry for entry in result["teams"] if entry["id"] == team.pk)
    assert row["demand"] == expected_demand
    assert row["capacity"] == expected_capacity
    assert result["open_deals"] == 1
    # Both weeks are short, and the deal causing it is named.
    assert row["deals"][week_a] == [{"id": open_deal.pk, "name": "华夏银行核心升级", "hours": 3.0}]
    assert row["deals"][week_b] == [{"id": open_deal.pk, "name": "华夏银行核心升级", "hours": 5.0}]
    # Learned from the closed deals only: the open deal's 1 h so far is not a whole step.
    assert result["step_cells"]["pain_points|medium|finance"] == [3, 3.0, 4.0, 6.5]


def test_what_if_adds_a_hypothetical_deal_without_saving_it(world):
    today = timezone.localdate()
    result = forecast.compute(today)
    deals_before = Opportunity.objects.count()
    added = forecast.what_if(
        result, band="medium", industry="finance", close=today + datetime.timedelta(days=30), team_id=None
    )
    # A new deal needs every step: A (4 h) and B (5 h), the 1st and 2nd of 2 undated steps.
    expected = [0.0] * forecast.WEEKS
    expected[(today.weekday() + 10) // 7] += 4.0
    expected[(today.weekday() + 20) // 7] += 5.0
    assert added == expected
    assert Opportunity.objects.count() == deals_before


def test_backtest_error_by_hand(personas):
    """As of the Sunday 12 weeks ago: one open deal whose step A (median 4 h) falls in week 1; 2 h logged in week 0
    and 6 h in week 1. MAE = (2 + 2) / 12 weeks; MAPE = (100% + 33.3%) / 2 weeks with hours."""
    today = timezone.localdate()
    then = today - datetime.timedelta(days=today.weekday()) - datetime.timedelta(weeks=12)
    known = then - datetime.timedelta(days=1)
    _close(personas.deal, known - datetime.timedelta(days=30))
    engineer = personas.engineer
    for hours in ("2", "4", "9"):
        deal = OpportunityFactory(account=personas.account, sales_owner=personas.owner, presales_lead=engineer)
        _log(engineer, deal, known - datetime.timedelta(days=20), hours, STEP_A)
        _close(deal, known - datetime.timedelta(days=10))
    deal = OpportunityFactory(
        account=personas.account,
        sales_owner=personas.owner,
        presales_lead=engineer,
        expected_close_date=known + datetime.timedelta(days=21),
    )
    _undated(deal)
    # Test set-up: the deal existed back then.
    Opportunity.objects.filter(pk=deal.pk).update(created_at=timezone.now() - datetime.timedelta(weeks=14))
    _log(engineer, deal, then + datetime.timedelta(days=1), "2")
    _log(engineer, deal, then + datetime.timedelta(days=8), "6", STEP_A)

    result = forecast.backtest(today)

    assert result["as_of"] == known.isoformat()
    assert [week["forecast"] for week in result["weeks"]][:3] == [0.0, 4.0, 0.0]  # day known + floor(21/2) = then + 9
    assert [week["actual"] for week in result["weeks"]][:3] == [2.0, 6.0, 0.0]
    assert result["mae"] == round(4 / 12, 1)
    assert result["mape"] == round(100 * (1 + 2 / 6) / 2, 1)


# --- the worker, the page ----------------------------------------------------------------------------------------


def test_worker_stores_the_result_and_the_page_shows_it(world, client, django_capture_on_commit_callbacks):
    personas, open_deal = world
    client.force_login(personas.presales_manager)
    assert client.get(reverse("capacity:forecast")).status_code == 200  # nothing computed yet
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("capacity:forecast_run"))
    assert response.status_code == 302
    run = ForecastRun.objects.get()
    assert run.status == ForecastStatus.DONE and run.progress == 100  # the queue runs tasks at once in tests
    page = client.get(reverse("capacity:forecast")).content.decode()
    backtest = run.result["backtest"]
    assert "Mean absolute error" in page
    assert (f"{backtest['mae']} h" if backtest["mae"] is not None else "—") in page
    assert reverse("deals:detail", args=[open_deal.pk]) in page  # the deal behind a short week
    medians = client.get(reverse("capacity:medians")).content.decode()
    assert "3.0–6.5" in medians and "4.0–6.0" in medians  # step A (2, 4, 9) and B (3, 5, 7)


def test_nightly_job_is_scheduled_and_computes(world):
    from presales.ops.schedule import JOBS

    assert JOBS["refresh_capacity_forecast"].run is tasks.refresh_forecast
    summary = tasks.refresh_forecast()
    assert "1 open deal" in summary
    assert ForecastRun.objects.filter(status=ForecastStatus.DONE).count() == 1


def test_what_if_on_the_page(world, client):
    personas, _deal = world
    tasks.refresh_forecast()
    client.force_login(personas.presales_manager)
    close = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    team = personas.engineer.team
    page = client.get(
        reverse("capacity:forecast"),
        {"amount": "2000000", "industry": "finance", "expected_close": close, "team": team.pk},
    ).content.decode()
    assert "This deal would need 9.0 h in the next 12 weeks." in page


def test_only_presales_managers_and_admins_see_the_forecast(personas, client):
    for person, status in (
        (personas.presales_manager, 200),
        (personas.admin, 200),
        (personas.engineer, 403),
        (personas.owner, 403),
        (personas.outsider, 403),
    ):
        client.force_login(person)
        assert client.get(reverse("capacity:forecast")).status_code == status
        assert client.get(reverse("capacity:medians")).status_code == status
        assert client.get(reverse("capacity:forecast_status")).status_code == status
    client.force_login(personas.engineer)
    assert client.post(reverse("capacity:forecast_run")).status_code == 403


def test_forecast_page_reads_one_stored_row(world, client, django_assert_max_num_queries):
    personas, _deal = world
    tasks.refresh_forecast()
    client.force_login(personas.presales_manager)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("capacity:forecast")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("capacity:medians")).status_code == 200
