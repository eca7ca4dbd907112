"""Insights dashboards: every figure against the same figure computed from the rows, pages, rights, exports, queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from presales.bids.models import Poc
from presales.currencies.models import ExchangeRate
from presales.deals.health import refresh_health
from presales.deals.models import (
    DealRole,
    DealStep,
    DealTeamMember,
    Opportunity,
    OpportunityCompetitor,
    Outcome,
    OutcomeReason,
)
from presales.insights import selectors
from presales.insights.forms import InsightFilterForm, InsightFilters, default_period
from presales.people.models import Role
from presales.playbook.models import Stage
from presales.scoring.selectors import scorecard_for
from presales.work import services as work_services
from presales.work.models import Activity, ActivityStatus, SupportRequest, WorkType
from tests.factories import AccountFactory, CompetitorFactory, OpportunityFactory, UserFactory

TODAY = timezone.localdate()


def make_world(personas, copies: int = 1) -> None:
    """Deals open in several stages, won and lost in two months, activities, competitors, requests, overdue steps."""
    engineer, owner = personas.engineer, personas.owner
    second_engineer = UserFactory(
        username=f"eng2-{copies}-{Opportunity.objects.count()}", role=Role.PRESALES, team=engineer.team
    )
    rival = CompetitorFactory(name=f"Rival {Opportunity.objects.count()}")
    stages = {stage.number: stage for stage in Stage.objects.all()}
    for copy in range(copies):
        account = AccountFactory(
            name=f"Acct {copy}-{Opportunity.objects.count()}",
            owner=owner,
            industry="finance" if copy % 2 else "government",
            region="east" if copy % 3 else "north",
        )
        specs = [
            # (stage, amount, currency, outcome, closed days ago, lead, close in days, reason)
            (2, "100000", "CNY", Outcome.OPEN, None, engineer, 20, ""),
            (3, "250000", "CNY", Outcome.OPEN, None, None, 50, ""),
            (4, "400000", "USD", Outcome.OPEN, None, engineer, 80, ""),
            # A reason is a name of the managed list (the deal points at it) or a typed text that names none.
            (5, "300000", "CNY", Outcome.WON, 5, engineer, -5, "Won the POC"),
            (5, "150000", "CNY", Outcome.LOST, 40, None, -40, "Price too high"),
            (4, "90000", "CNY", Outcome.LOST, 10, engineer, -10, "价格偏高"),
            (3, "50000", "CNY", Outcome.ABANDONED, 12, None, -12, "Customer budget cancelled"),
            (6, "500000", "CNY", Outcome.WON, 35, None, -35, "They liked us"),
        ]
        for stage, amount, currency, outcome, closed_ago, lead, close_in, reason in specs:
            deal = OpportunityFactory(
                account=account,
                sales_owner=owner,
                presales_lead=lead,
                stage=stages[stage],
                amount=Decimal(amount),
                currency=currency,
                expected_close_date=TODAY + datetime.timedelta(days=close_in),
            )
            if outcome != Outcome.OPEN:
                Opportunity.objects.filter(pk=deal.pk).update(
                    outcome=outcome,
                    outcome_reason=reason,
                    win_loss_reason=OutcomeReason.objects.matching(reason),
                    closed_on=TODAY - datetime.timedelta(days=closed_ago),
                    probability=100 if outcome == Outcome.WON else 0,
                )
                OpportunityCompetitor.objects.create(opportunity=deal, competitor=rival)
            if lead is None and outcome == Outcome.WON:
                # A won deal with presales work but no lead: supported through activities, hours split 3:1.
                for person, hours in ((engineer, "6"), (second_engineer, "2")):
                    work_services.activity_create(
                        actor=personas.admin,
                        owner=person,
                        kind=WorkType.DEMO,
                        date=TODAY - datetime.timedelta(days=40),
                        hours=Decimal(hours),
                        opportunity=deal,
                        step_key="competitors",
                    )
            if lead is not None and outcome == Outcome.WON:
                DealTeamMember.objects.create(opportunity=deal, user=second_engineer, role=DealRole.PRESALES_MEMBER)
            if outcome == Outcome.OPEN and stage == 2:
                work_services.activity_create(
                    actor=engineer,
                    kind=WorkType.ON_SITE_VISIT,
                    date=TODAY,
                    hours=Decimal("3"),
                    opportunity=deal,
                )
                work_services.activity_create(
                    actor=engineer,
                    kind=WorkType.POC,
                    date=TODAY + datetime.timedelta(days=7),
                    hours=Decimal("5"),
                    opportunity=deal,
                    status=ActivityStatus.PLANNED,
                )
                work_services.request_create(
                    actor=owner,
                    opportunity=deal,
                    kind=WorkType.DEMO,
                    description="Demo please",
                    needed_by=TODAY + datetime.timedelta(days=5),
                    estimate_hours=Decimal("4"),
                    win_rate_answer="Shows the product",
                    expected_uplift=Decimal("5"),
                )
                # Two overdue steps on this deal.
                step_ids = list(
                    DealStep.objects.filter(opportunity=deal)
                    .order_by("definition__order")
                    .values_list("pk", flat=True)[:2]
                )
                DealStep.objects.filter(pk__in=step_ids).update(due_date=TODAY - datetime.timedelta(days=3))
            # Rows written past the services: their health columns are refreshed, as the nightly check would.
            refresh_health([deal.pk])


def filters(**kwargs) -> InsightFilters:
    start, end = default_period(TODAY)
    return InsightFilters(start=start, end=end, today=TODAY, **kwargs)


def in_period(day, f: InsightFilters) -> bool:
    return day is not None and f.start <= day <= f.end


# --- Each figure against the rows -------------------------------------------------------------------


def test_funnel_and_forecast_match_the_rows(personas):
    make_world(personas, copies=2)
    f = filters()
    rows = [d for d in Opportunity.objects.all() if d.outcome == Outcome.OPEN and in_period(d.expected_close_date, f)]
    funnel = {row["number"]: row for row in selectors.pipeline_funnel(personas.admin, f)}
    assert len(funnel) == Stage.objects.count()
    for number, row in funnel.items():
        stage_rows = [d for d in rows if d.stage.number == number]
        assert row["count"] == len(stage_rows)
        assert row["amount"] == sum((d.amount for d in stage_rows if d.currency == "CNY"), Decimal(0))
        assert row["weighted"] == sum((d.weighted_amount for d in stage_rows if d.currency == "CNY"), Decimal(0))
    forecast = selectors.forecast_by_month(personas.admin, f)
    assert sum(row["count"] for row in forecast) == len(rows)
    for row in forecast:
        month_rows = [d for d in rows if d.expected_close_date.replace(day=1) == row["month"]]
        assert row["weighted"] == sum((d.weighted_amount for d in month_rows if d.currency == "CNY"), Decimal(0))
        assert row["amount"] == sum((d.amount for d in month_rows if d.currency == "CNY"), Decimal(0))


def test_win_rate_trend_and_support_split_match_the_rows(personas):
    make_world(personas, copies=2)
    f = filters()
    closed = [d for d in Opportunity.objects.all() if d.outcome in ("won", "lost") and in_period(d.closed_on, f)]
    trend = selectors.win_rate_trend(personas.admin, f)
    for row in trend:
        month = [d for d in closed if d.closed_on.replace(day=1) == row["month"]]
        won = sum(1 for d in month if d.outcome == "won")
        assert (row["won"], row["lost"]) == (won, len(month) - won)
        assert row["win_rate"] == round(100 * won / len(month), 1)
    assert sum(row["won"] + row["lost"] for row in trend) == len(closed)

    with_activity = set(Activity.objects.values_list("opportunity_id", flat=True))
    supported = [d for d in closed if d.presales_lead_id or d.pk in with_activity]
    unsupported = [d for d in closed if d not in supported]
    split = {row["key"]: row for row in selectors.win_rate_by_support(personas.admin, f)}
    assert split["with"]["won"] == sum(1 for d in supported if d.outcome == "won")
    assert split["with"]["lost"] == sum(1 for d in supported if d.outcome == "lost")
    assert split["without"]["won"] == sum(1 for d in unsupported if d.outcome == "won")
    assert split["without"]["lost"] == sum(1 for d in unsupported if d.outcome == "lost")


def test_influenced_revenue_follows_hour_shares_and_equal_shares(personas):
    make_world(personas, copies=1)
    f = filters()
    expected: dict[int, Decimal] = {}
    for deal in Opportunity.objects.filter(outcome="won"):
        hours: dict[int, Decimal] = {}
        for activity in Activity.objects.filter(opportunity=deal):
            hours[activity.owner_id] = hours.get(activity.owner_id, Decimal(0)) + activity.hours
        if hours:
            total = sum(hours.values())
            shares = {person: deal.amount * h / total for person, h in hours.items()}
        else:
            people = {deal.presales_lead_id} | set(
                deal.members.filter(role="presales_member").values_list("user_id", flat=True)
            )
            people.discard(None)
            shares = {person: deal.amount / len(people) for person in people}
        for person, share in shares.items():
            expected[person] = expected.get(person, Decimal(0)) + share
    rows = {row["engineer_id"]: row["revenue"] for row in selectors.influenced_revenue(personas.admin, f)}
    assert rows == {person: value.quantize(Decimal("0.01")) for person, value in expected.items()}
    assert len(rows) == 2


def test_activity_mix_workload_and_overdue_match_the_rows(personas):
    make_world(personas, copies=2)
    f = filters()
    acts = [a for a in Activity.objects.all() if in_period(a.date, f)]
    mix = {row["kind"]: row for row in selectors.activity_mix(personas.admin, f)}
    closed = {d.pk: d for d in Opportunity.objects.filter(outcome__in=("won", "lost")) if in_period(d.closed_on, f)}
    for kind, row in mix.items():
        assert row["count"] == sum(1 for a in acts if a.kind == kind)
        assert row["hours"] == sum((a.hours for a in acts if a.kind == kind), Decimal(0))
        deal_ids = {a.opportunity_id for a in Activity.objects.filter(kind=kind) if a.opportunity_id in closed}
        assert row["won"] == sum(1 for pk in deal_ids if closed[pk].outcome == "won")
        assert row["lost"] == sum(1 for pk in deal_ids if closed[pk].outcome == "lost")
    demo_by_stage = [r for r in selectors.win_rate_by_activity_stage(personas.admin, f) if r["kind"] == WorkType.DEMO]
    assert demo_by_stage and demo_by_stage[0]["stage"] == 4  # the "competitors" step belongs to vendor stage 4

    workload = selectors.workload_by_week(personas.admin, f)
    for row in workload:
        monday = row["week"].date() if isinstance(row["week"], datetime.datetime) else row["week"]
        assert monday.weekday() == 0
        mine = [
            a for a in acts if a.owner_id == row["engineer_id"] and monday <= a.date <= monday + datetime.timedelta(6)
        ]
        assert row["hours"] == sum((a.hours for a in mine), Decimal(0))
        assert row["load"] == round(100 * row["hours"] / row["capacity"])
    engineers = {row["engineer_id"] for row in workload}
    assert sum(row["hours"] for row in workload) == sum((a.hours for a in acts if a.owner_id in engineers), Decimal(0))
    assert [(row["week"], row["engineer"]) for row in workload] == sorted(
        (row["week"], row["engineer"]) for row in workload
    )

    overdue = selectors.overdue_steps_by_person(personas.admin, f)
    expected = [s for s in DealStep.objects.all() if s.is_overdue(TODAY) and s.opportunity.outcome == "open"]
    assert sum(row["count"] for row in overdue) == len(expected) > 0
    for row in overdue:
        assert row["count"] == sum(
            1
            for s in expected
            if s.responsible_id == row["person_id"] and str(s.definition.get_responsible_role_display()) == row["role"]
        )


def test_deals_at_risk_and_risk_counts_match_the_rows(personas):
    make_world(personas, copies=1)
    f = filters()
    with_overdue = {s.opportunity_id for s in DealStep.objects.all() if s.is_overdue(TODAY)}
    rows = selectors.deals_at_risk(personas.admin, f)
    assert {row["name"] for row in rows if row["overdue"]} == {
        d.name for d in Opportunity.objects.filter(pk__in=with_overdue)
    }
    counts = selectors.risk_counts(personas.admin, f)
    assert counts["open"] == Opportunity.objects.filter(outcome="open").count()
    assert counts["overdue"] == len(with_overdue)
    # New deals stand at stage 2+ with unanswered budget steps: every open deal misses a qualification answer.
    assert counts["missing"] == counts["open"]


def test_win_loss_figures_match_the_rows(personas):
    make_world(personas, copies=3)
    f = filters()
    closed = [d for d in Opportunity.objects.select_related("account") if d.outcome in ("won", "lost")]
    reasons = {row["reason"]: row for row in selectors.outcome_reasons(personas.admin, f)}
    # Grouped by the listed reason, whichever language it was typed in, and named in the reader's language.
    price = sum(1 for d in closed if d.outcome_reason in ("Price too high", "价格偏高"))
    assert reasons["Price too high"]["lost"] == price and "价格偏高" not in reasons
    assert reasons["Not from the list"]["won"] == sum(1 for d in closed if d.outcome_reason == "They liked us")
    assert "Customer budget cancelled" not in reasons  # abandoned deals are not in win/loss
    competitors = selectors.competitor_win_rates(personas.admin, f)
    links = list(OpportunityCompetitor.objects.select_related("opportunity", "competitor"))
    for row in competitors:
        mine = [link.opportunity for link in links if link.competitor.name == row["competitor"]]
        won = sum(1 for d in mine if d.outcome == "won")
        lost = sum(1 for d in mine if d.outcome == "lost")
        assert (row["won"], row["lost"]) == (won, lost)
        assert row["win_rate"] == round(100 * won / (won + lost), 1)
    for field in ("industry", "region"):
        for row in selectors.win_rate_by(personas.admin, f, field):
            group = [d for d in closed if getattr(d.account, field) == row["key"]]
            won = [d for d in group if d.outcome == "won"]
            assert (row["won"], row["lost"]) == (len(won), len(group) - len(won))
            assert row["won_amount"] == sum((d.amount for d in won if d.currency == "CNY"), Decimal(0))


def test_my_week_figures(personas):
    make_world(personas, copies=2)
    f = filters()
    visits = selectors.my_visits(personas.engineer, f)
    this_week = visits[-1]
    monday = TODAY - datetime.timedelta(days=TODAY.weekday())
    assert this_week["week"] == monday
    assert (
        this_week["visits"]
        == Activity.objects.filter(
            owner=personas.engineer, kind="on_site_visit", status="done", date__gte=monday
        ).count()
        == 2
    )
    assert this_week["quota"] == personas.engineer.weekly_visit_quota
    steps = selectors.my_steps_due(personas.owner, f)
    assert steps and all(s.responsible_id == personas.owner.pk for s in steps)
    requests = selectors.my_requests(personas.owner, f)
    assert len(requests) == SupportRequest.objects.filter(requester=personas.owner).count() == 2


def test_filters_narrow_every_figure(personas):
    make_world(personas, copies=3)
    finance = filters(industry="finance")
    closed = Opportunity.objects.filter(outcome__in=("won", "lost"), account__industry="finance")
    trend = selectors.win_rate_trend(personas.admin, finance)
    assert sum(r["won"] + r["lost"] for r in trend) == closed.count()
    north = filters(region="north")
    assert (
        sum(r["count"] for r in selectors.pipeline_funnel(personas.admin, north))
        == Opportunity.objects.filter(outcome="open", account__region="north").count()
    )
    cny_only = sum(r["amount"] for r in selectors.pipeline_funnel(personas.admin, filters()))
    # Without a rate the USD deals are left out; with one they count in the company currency at today's rate.
    ExchangeRate.objects.create(currency="USD", rate=Decimal("7.1"), valid_from=TODAY - datetime.timedelta(days=400))
    ExchangeRate.objects.create(currency="USD", rate=Decimal("7.2"), valid_from=TODAY)
    converted = sum(r["amount"] for r in selectors.pipeline_funnel(personas.admin, filters()))
    assert converted == cny_only + Decimal("400000") * Decimal("7.2") * 3
    short = InsightFilters(start=TODAY - datetime.timedelta(days=20), end=TODAY, today=TODAY)
    assert sum(r["won"] + r["lost"] for r in selectors.win_rate_trend(personas.admin, short)) == 2 * 3


def test_visibility_limits_the_figures(personas):
    make_world(personas, copies=1)
    f = filters()
    assert sum(r["count"] for r in selectors.pipeline_funnel(personas.outsider, f)) == 0
    assert selectors.win_rate_trend(personas.outsider, f) == []
    assert sum(r["count"] for r in selectors.pipeline_funnel(personas.manager, f)) > 0


# --- Pages, rights, exports ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "key"),
    [
        ("manager", "sales"),
        ("presales_manager", "presales"),
        ("engineer", "mine"),
        ("owner", "mine"),
        ("admin", "sales"),
    ],
)
def test_home_shows_the_role_dashboard(personas, login, persona, key):
    make_world(personas, copies=1)
    response = login(getattr(personas, persona)).get(reverse("web:home"))
    assert response.status_code == 200
    assert response.context["dashboard"].key == key
    body = response.content.decode()
    assert 'role="img"' in body and "tooltip-trigger" in body
    assert "//cdn" not in body.lower()  # charts are drawn on the server, no script from a CDN
    assert "My open deals" in body


@pytest.mark.parametrize("key", ["sales", "presales", "mine", "winloss"])
def test_every_dashboard_renders_for_a_manager_with_tables_and_downloads(personas, login, key):
    make_world(personas, copies=1)
    response = login(personas.presales_manager).get(reverse("insights:dashboard", args=[key]))
    assert response.status_code == 200
    body = response.content.decode()
    for panel in response.context["panels"]:
        assert f"export=csv&amp;panel={panel.key}" in body or f"panel={panel.key}&amp;export=csv" in body
        if panel.chart:
            assert 'role="img"' in panel.chart and "aria-label" in panel.chart
    assert "<table" in body


def test_team_dashboards_are_forbidden_to_reps(personas, login):
    client = login(personas.owner)
    assert client.get(reverse("insights:dashboard", args=["sales"])).status_code == 403
    assert client.get(reverse("insights:dashboard", args=["presales"])).status_code == 403
    assert client.get(reverse("insights:dashboard", args=["winloss"])).status_code == 200
    assert client.get(reverse("insights:dashboard", args=["nothing"])).status_code == 404
    assert client.get(reverse("insights:index")).url == reverse("insights:dashboard", args=["mine"])


def test_anonymous_is_sent_to_login(db, client):
    response = client.get(reverse("insights:dashboard", args=["sales"]))
    assert response.status_code == 302 and "/login/" in response.url


def test_outsider_sees_no_figures_of_others(personas, login):
    make_world(personas, copies=1)
    response = login(personas.outsider).get(reverse("insights:dashboard", args=["winloss"]))
    assert response.status_code == 200
    assert all(not panel.rows for panel in response.context["panels"])
    assert "Acct 0" not in response.content.decode()


def test_panel_downloads_csv_and_xlsx_with_the_filters(personas, login):
    make_world(personas, copies=2)
    client = login(personas.manager)
    url = reverse("insights:dashboard", args=["winloss"])
    response = client.get(url, {"export": "csv", "panel": "industries", "region": "east"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("Industry,Won,Lost,Win rate")
    rows = selectors.win_rate_by(personas.manager, filters(region="east"), "industry")
    assert len(lines) == 1 + len(rows)
    response = client.get(url, {"export": "xlsx", "panel": "competitors"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(url, {"export": "csv", "panel": "nope"}).status_code == 404


def test_filter_form_keeps_typed_values_and_reports_a_reversed_period(personas, login):
    response = login(personas.manager).get(
        reverse("insights:dashboard", args=["sales"]), {"start": "2030-05-01", "end": "2030-01-01"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="2030-05-01"' in body
    assert "The end of the period comes after its start." in body
    form = InsightFilterForm({"start": "2030-01-01", "end": "2030-02-01", "industry": "finance"})
    chosen = form.filters(TODAY)
    assert (chosen.start, chosen.end, chosen.industry) == (
        datetime.date(2030, 1, 1),
        datetime.date(2030, 2, 1),
        "finance",
    )


# --- Bounded queries ------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["sales", "presales", "mine", "winloss"])
def test_dashboard_query_count_does_not_grow_with_data(personas, login, key):
    client = login(personas.presales_manager if key != "mine" else personas.engineer)
    url = reverse("insights:dashboard", args=[key])
    make_world(personas, copies=1)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    make_world(personas, copies=6)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small)
    assert len(large) <= 40


def test_my_week_shows_my_score_for_an_engineer_only(personas, login):
    make_world(personas, copies=1)

    response = login(personas.engineer).get(reverse("insights:dashboard", args=["mine"]))
    panels = {panel.key: panel for panel in response.context["panels"]}
    card = scorecard_for(personas.engineer, "month", TODAY.replace(day=1))
    total = next(row for row in panels["score"].rows if row["weight"] is None)
    assert total["score"] == (float(card.composite) if card.composite is not None else None)
    response = login(personas.owner).get(reverse("insights:dashboard", args=["mine"]))
    assert "score" not in {panel.key for panel in response.context["panels"]}


def test_open_pocs_with_days_left(personas, login):

    Poc.objects.create(
        opportunity=personas.deal, title="Trial", start_date=TODAY, end_date=TODAY + datetime.timedelta(days=9)
    )
    Poc.objects.create(
        opportunity=personas.deal,
        title="Old trial",
        start_date=TODAY,
        end_date=TODAY,
        status="completed",
    )
    response = login(personas.presales_manager).get(reverse("insights:dashboard", args=["presales"]))
    panel = next(panel for panel in response.context["panels"] if panel.key == "pocs")
    assert [(row["name"], row["days_left"]) for row in panel.rows] == [("Trial", 9)]
    response = login(personas.outsider).get(reverse("insights:dashboard", args=["winloss"]))
    assert "Trial" not in response.content.decode()


# --- The workload panel: the last weeks per engineer, the most loaded first; long tables and the charts' stylesheet -


def test_the_workload_panel_pivots_the_last_weeks_and_downloads_every_week(personas, login, monkeypatch):
    from presales.insights import panels

    make_world(personas, copies=2)
    f = filters()
    workload = selectors.workload_by_week(personas.admin, f)
    panel = panels.workload_panel(personas.admin, f)
    weeks = sorted({row["week"] for row in workload})[-panels.WORKLOAD_WEEKS :]
    assert weeks and [col.key for col in panel.columns[4:]] == [f"week_{i}" for i in range(len(weeks))]
    by_key = {(row["engineer_id"], row["week"]): row for row in workload}
    engineers = {row["engineer_id"] for row in workload if row["week"] in weeks}
    assert len(panel.rows) == len(engineers)
    for row in panel.rows:
        engineer_id = row["engineer_id"]
        mine = [by_key[(engineer_id, week)] for week in weeks if (engineer_id, week) in by_key]
        for index, week in enumerate(weeks):
            source = by_key.get((engineer_id, week))
            assert row.get(f"week_{index}") == (source["load"] if source else None)
        # The hours of the weeks shown equal the engineer's activities of those days, which their links open.
        acts = Activity.objects.filter(
            owner_id=engineer_id, date__gte=weeks[0], date__lte=min(weeks[-1] + datetime.timedelta(6), f.end)
        )
        assert (
            row["done"] == sum(r["done"] for r in mine) == sum(a.hours for a in acts if a.status == ActivityStatus.DONE)
        )
        assert row["planned"] == sum(r["planned"] for r in mine)
        assert row["links"]["done"].check == "hours_sum" and f"owner={engineer_id}" in row["links"]["done"].url
    peaks = [row["peak"] for row in panel.rows]
    assert peaks == sorted(peaks, reverse=True)
    # The download has every week of the period with the hours.
    assert panel.export_rows == workload
    assert [col.key for col in panel.export_columns or []] == [
        "week",
        "engineer",
        "done",
        "planned",
        "capacity",
        "load",
    ]

    monkeypatch.setattr(panels, "LONG_TABLE_ROWS", 1)
    client = login(personas.presales_manager)
    response = client.get(reverse("insights:dashboard", args=["presales"]))
    shown = next(p for p in response.context["panels"] if p.key == "workload")
    assert len(shown.shown_rows) == 1 and shown.hidden_count == len(shown.rows) - 1 > 0
    html = response.content.decode()
    section = html[html.index('id="panel-workload"') : html.index('id="panel-requests"')]
    assert section.count("<tr>") == 2  # the header and one row
    assert f'data-hidden-rows="{shown.hidden_count}"' in section
    export = client.get(reverse("insights:dashboard", args=["presales"]), {"export": "csv", "panel": "workload"})
    assert export.status_code == 200
    assert (
        len(
            b"".join(export.streaming_content if export.streaming else [export.content])
            .decode("utf-8-sig")
            .strip()
            .splitlines()
        )
        == len(workload) + 1
    )


def test_the_charts_share_one_stylesheet(personas, login):
    from presales.insights.charts import chart_stylesheet

    make_world(personas, copies=1)
    html = login(personas.presales_manager).get(reverse("insights:dashboard", args=["presales"])).content.decode()
    assert html.count("<svg") >= 3
    assert html.count("<style") == 1  # pygal's stylesheet, once, not once per chart
    css = chart_stylesheet()
    assert "#chart-" not in css and ".pygal-chart .color-7" in css
    assert css in html
