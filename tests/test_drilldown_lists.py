"""The lists figures open (issue 13, item 5): the filters that narrow them to a figure's own rows, and the lists of a
scorecard's rows (credited deals, visits) with who may open them."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from presales.customers.models import Industry, Region
from presales.deals.health import refresh_health
from presales.deals.models import DealStep
from presales.people.models import Role
from presales.scoring import selectors
from presales.scoring import services as scoring_services
from presales.work import services as work_services
from presales.work.models import WorkType
from tests.factories import AccountFactory, OpportunityFactory
from tests.factories.people import TeamFactory, UserFactory
from tests.test_scoring_selectors import IN_MONTH, close, engineer_in, visit

QUERY = "?kind=month&start=2025-03-01"


def listed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def pks(response, name):
    return {row.pk for row in response.context[name]}


# --- the scorecard's rows --------------------------------------------------------------------------------------------


@pytest.fixture
def credited(personas):
    """The persona engineer's March: a won deal shared 2:1 with a colleague, a lost one, two visits."""
    engineer = personas.engineer
    colleague = engineer_in(engineer.team, "qian")
    won = OpportunityFactory(
        account=personas.account, sales_owner=personas.owner, presales_lead=engineer, amount=D("100000")
    )
    visit(engineer, IN_MONTH, deal=won, hours=D("2"))
    visit(colleague, IN_MONTH, deal=won, hours=D("1"), kind=WorkType.DEMO)
    close(won, "won")
    lost = OpportunityFactory(
        account=personas.account, sales_owner=personas.owner, presales_lead=engineer, amount=D("50000")
    )
    close(lost, "lost")
    visit(engineer, IN_MONTH + datetime.timedelta(days=1), deal=None, account=personas.account)
    return engineer, colleague, won, lost


def test_the_credited_list_adds_up_to_the_scorecards_influenced_revenue(personas, login, credited):
    engineer, _colleague, won, lost = credited
    card = selectors.scorecard_for(engineer, "month", IN_MONTH.replace(day=1))
    client = login(engineer)
    url = reverse("scoring:credited", args=[engineer.pk]) + QUERY
    everything = listed(client, url)
    assert [row["id"] for row in everything.context["deals"]] == [won.pk, lost.pk]
    total = everything.context["totals"][0]
    assert total["credited_sum"] == card.revenue == D("66666.67")  # 100,000 × 2/3, to the cent
    assert total["won"] == card.won == 1
    only_won = listed(client, url + "&outcome=won")
    assert [row["id"] for row in only_won.context["deals"]] == [won.pk]
    only_lost = listed(client, url + "&outcome=lost")
    assert [row["id"] for row in only_lost.context["deals"]] == [lost.pk]
    assert only_lost.context["totals"][0]["credited_sum"] == 0
    # The scorecard's figures open those lists, carrying what the lists must show.
    page = listed(client, reverse("scoring:scorecard", args=[engineer.pk]) + QUERY).content.decode()
    assert f'data-sum="credited_sum" data-value="{card.revenue}"' in page
    won_url = url.replace("&", "&amp;") + "&amp;outcome=won"
    assert f'href="{won_url}" data-count="1"' in page


def test_the_visits_list_is_what_the_scorecard_counts(personas, login, credited):
    engineer, colleague, _won, _lost = credited
    card = selectors.scorecard_for(engineer, "month", IN_MONTH.replace(day=1))
    response = listed(login(engineer), reverse("scoring:visits", args=[engineer.pk]) + QUERY)
    assert response.context["page_obj"].paginator.count == card.visits == 2
    # The colleague's demo is not an on-site visit: their list is empty.
    manager = login(personas.presales_manager)
    assert listed(manager, reverse("scoring:visits", args=[colleague.pk]) + QUERY).context["visits"] == []


@pytest.mark.parametrize("name", ["scoring:credited", "scoring:visits"])
def test_only_who_reads_the_scorecard_opens_its_rows(personas, login, credited, name):
    engineer, colleague, _won, _lost = credited
    url = reverse(name, args=[engineer.pk]) + QUERY
    assert login(personas.owner).get(url).status_code == 404  # a sales rep
    assert login(personas.outsider).get(url).status_code == 404
    assert login(colleague).get(url).status_code == 404  # another engineer
    assert login(personas.presales_manager).get(url).status_code == 200
    assert login(personas.admin).get(url).status_code == 200
    assert login(engineer).get(reverse(name, args=[colleague.pk]) + QUERY).status_code == 404


def test_the_team_page_links_revenue_and_visits_to_their_rows(personas, login, credited):
    engineer, _colleague, _won, _lost = credited
    page = listed(login(personas.presales_manager), reverse("scoring:team") + QUERY).content.decode()
    credited_url = reverse("scoring:credited", args=[engineer.pk])
    visits_url = reverse("scoring:visits", args=[engineer.pk])
    assert (
        f'href="{credited_url}?kind=month&amp;start=2025-03-01" data-sum="credited_sum" data-value="66666.67"' in page
    )
    assert f'href="{visits_url}?kind=month&amp;start=2025-03-01" data-count="2"' in page


# --- filters the dashboards' links need --------------------------------------------------------------------------------


@pytest.fixture
def west(personas):
    """A second sales team selling to manufacturing in the north-west, with a deal of its own led by an engineer of
    a second presales team."""
    team = TeamFactory(name="West", kind="sales")
    rep = UserFactory(username="westrep", display_name="West Rep", role=Role.SALES, team=team)
    west_engineer = engineer_in(TeamFactory(name="West presales", kind="presales"), "sun")
    account = AccountFactory(name="西部制造", owner=rep, industry=Industry.MANUFACTURING, region=Region.NORTHWEST)
    deal = OpportunityFactory(account=account, sales_owner=rep, presales_lead=west_engineer)
    return team, rep, account, deal


def test_activity_list_narrows_to_team_industry_region_and_owner(personas, login, west):
    _team, _rep, _account, deal = west
    today = timezone.localdate()
    east_visit = visit(personas.engineer, today, deal=personas.deal)
    west_visit = visit(deal.presales_lead, today, deal=deal)
    client = login(personas.admin)
    url = reverse("work:activity_list")
    assert pks(listed(client, f"{url}?industry={Industry.MANUFACTURING}"), "activities") == {west_visit.pk}
    assert pks(listed(client, f"{url}?region={Region.EAST}"), "activities") == {east_visit.pk}
    # The team is the owner's (the dashboards' workload is by engineer).
    assert pks(listed(client, f"{url}?team={personas.engineer.team_id}"), "activities") == {east_visit.pk}
    owned = listed(client, f"{url}?owner={deal.presales_lead_id}")
    assert pks(owned, "activities") == {west_visit.pk}
    # The hours total the dashboards' hour figures are checked against: every filtered row's hours.
    assert owned.context["totals"][0]["hours_sum"] == west_visit.hours
    assert listed(client, f"{url}?owner={deal.presales_lead_id}&status=planned").context["totals"] == []


def ask(actor, deal):
    return work_services.request_create(
        actor=actor,
        opportunity=deal,
        kind=WorkType.DEMO,
        description="demo",
        needed_by=timezone.localdate() + datetime.timedelta(days=7),
        estimate_hours=D("4"),
        win_rate_answer="shows the product",
        expected_uplift=None,
    )


def test_request_list_narrows_to_team_industry_and_region(personas, login, west):
    team, rep, _account, deal = west
    east_request = ask(personas.owner, personas.deal)
    west_request = ask(rep, deal)
    client = login(personas.admin)
    url = reverse("work:request_list")
    assert pks(listed(client, f"{url}?team={team.pk}"), "requests") == {west_request.pk}
    assert pks(listed(client, f"{url}?industry={Industry.FINANCE}"), "requests") == {east_request.pk}
    assert pks(listed(client, f"{url}?region={Region.NORTHWEST}"), "requests") == {west_request.pk}


def test_step_list_narrows_to_team_industry_region_and_keeps_upcoming_apart(personas, login, west):
    team, _rep, _account, deal = west
    client = login(personas.admin)
    url = reverse("deals:step_list")
    west_steps = set(DealStep.objects.open().filter(opportunity=deal).values_list("pk", flat=True))
    assert west_steps
    assert pks(listed(client, f"{url}?team={team.pk}"), "steps") == west_steps
    assert pks(listed(client, f"{url}?region={Region.NORTHWEST}"), "steps") == west_steps
    assert pks(listed(client, f"{url}?industry={Industry.MANUFACTURING}"), "steps") == west_steps
    actionable = listed(client, f"{url}?state=actionable&team={team.pk}").context["page_obj"].paginator.count
    upcoming = listed(client, f"{url}?state=upcoming&team={team.pk}").context["page_obj"].paginator.count
    assert actionable + upcoming == len(west_steps)
    assert actionable == DealStep.objects.actionable().filter(opportunity=deal).count()


def test_step_list_shows_a_past_weeks_late_and_finished_steps(personas, login):
    step = DealStep.objects.actionable().filter(opportunity=personas.deal).first()
    week_end = timezone.localdate() - datetime.timedelta(days=14)
    DealStep.objects.filter(pk=step.pk).update(
        due_date=week_end - datetime.timedelta(days=3),
        completed_at=timezone.make_aware(datetime.datetime.combine(week_end, datetime.time(12))),
        status="done",
    )
    client = login(personas.admin)
    url = reverse("deals:step_list")
    # Finished during that week: not late at its end, but late at the end of the week before.
    assert step.pk in pks(listed(client, f"{url}?state=finished&week_end={week_end}"), "steps")
    assert step.pk not in pks(listed(client, f"{url}?state=late_at&week_end={week_end}"), "steps")
    before = week_end - datetime.timedelta(days=1)
    assert step.pk in pks(listed(client, f"{url}?state=late_at&week_end={before}"), "steps")


def test_deal_list_narrows_to_deals_with_an_activity_of_a_type_and_stage(personas, login):
    supported = close(
        OpportunityFactory(account=personas.account, sales_owner=personas.owner, presales_lead=personas.engineer), "won"
    )
    visit(personas.engineer, IN_MONTH, deal=supported, kind=WorkType.POC)
    other = close(
        OpportunityFactory(account=personas.account, sales_owner=personas.owner, presales_lead=personas.engineer), "won"
    )
    visit(personas.engineer, IN_MONTH, deal=other, kind=WorkType.DEMO)
    client = login(personas.admin)
    url = reverse("deals:list") + "?outcome=won"
    assert pks(listed(client, f"{url}&activity_kind={WorkType.POC}"), "deals") == {supported.pk}
    # The POC served no playbook step: it counts under "none", not under a stage.
    assert pks(listed(client, f"{url}&activity_kind={WorkType.POC}&activity_stage=none"), "deals") == {supported.pk}
    assert pks(listed(client, f"{url}&activity_kind={WorkType.POC}&activity_stage=3"), "deals") == set()


def test_a_closed_periods_scorecard_and_its_rows_read_the_frozen_snapshot(personas, login, credited):
    """A frozen scorecard keeps its rows as text: the page explains them and the lists add them up as when live."""
    engineer, _colleague, won, _lost = credited
    scoring_services.period_close(actor=personas.presales_manager, kind="month", start=IN_MONTH.replace(day=1))
    client = login(engineer)
    page = listed(client, reverse("scoring:scorecard", args=[engineer.pk]) + QUERY)
    assert page.context["card"].frozen
    assert 'data-sum="credited_sum" data-value="66666.67"' in page.content.decode()
    rows = listed(client, reverse("scoring:credited", args=[engineer.pk]) + QUERY)
    assert rows.context["totals"][0]["credited_sum"] == D("66666.67")
    assert rows.context["deals"][0]["closed_on"] == IN_MONTH and rows.context["deals"][0]["id"] == won.pk
    visits = listed(client, reverse("scoring:visits", args=[engineer.pk]) + QUERY)
    assert visits.context["page_obj"].paginator.count == 2


def test_deal_list_narrows_to_the_sales_dashboards_risks(personas, login):
    calm = OpportunityFactory(account=personas.account, sales_owner=personas.owner)
    DealStep.objects.filter(opportunity=calm).update(status="done")
    late = DealStep.objects.actionable().filter(opportunity=personas.deal).first()
    DealStep.objects.filter(pk=late.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=2))
    # Steps written past the services: the deals' health columns are refreshed, as the nightly check would.
    refresh_health([calm.pk, personas.deal.pk])
    client = login(personas.admin)
    url = reverse("deals:list") + "?outcome=open"
    assert pks(listed(client, f"{url}&risk=overdue"), "deals") == {personas.deal.pk}
    # A new deal has unanswered qualification steps of the stage it stands at; one with every step done has none.
    assert pks(listed(client, f"{url}&risk=missing"), "deals") == {personas.deal.pk}
    assert pks(listed(client, url), "deals") == {personas.deal.pk, calm.pk}


def test_the_lists_filter_bars_keep_the_figures_filters(personas, login, west):
    """Filtering again from a list a figure opened keeps the figure's scope: the fields are on the form."""
    team = west[0]
    client = login(personas.admin)
    for name in ("work:activity_list", "work:request_list", "deals:step_list"):
        page = listed(client, f"{reverse(name)}?team={team.pk}&region={Region.NORTHWEST}").content.decode()
        assert f'value="{Region.NORTHWEST}" selected' in page, name
        assert f'<option value="{team.pk}" selected' in page, name
