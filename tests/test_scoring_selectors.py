"""Scorecards computed from the database: each part against hand-worked figures, ratings, debriefs, closing periods."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from presales.deals.models import Opportunity
from presales.deals.services import deal_member_add
from presales.notifications.models import Notification
from presales.people.models import Role
from presales.scoring import selectors, services
from presales.scoring.models import CapabilityDimension, PeriodStatus, ScorecardSnapshot
from presales.work import services as work_services
from presales.work.models import WorkType
from tests.factories import OpportunityFactory, UserFactory
from tests.factories.work import make_accepted_request

D = Decimal
# A past, complete month so every date used is before today.
MONTH = datetime.date(2025, 3, 1)
IN_MONTH = datetime.date(2025, 3, 12)
TWO_HOURS = D("2")


def close(deal: Opportunity, outcome: str, on: datetime.date = IN_MONTH) -> Opportunity:
    """Close a deal for a test without walking its playbook (the signing gate is tested with the deals)."""
    Opportunity.objects.filter(pk=deal.pk).update(
        outcome=outcome, closed_on=on, probability=100 if outcome == "won" else 0, outcome_reason="test"
    )
    deal.refresh_from_db()
    return deal


def engineer_in(team, name: str, **extra):
    return UserFactory(username=name, display_name=name.title(), role=Role.PRESALES, team=team, **extra)


def visit(actor, day, deal=None, account=None, participants=(), hours=TWO_HOURS, kind=WorkType.ON_SITE_VISIT):
    return work_services.activity_create(
        actor=actor,
        kind=kind,
        date=day,
        hours=hours,
        opportunity=deal,
        account=account,
        participants=participants,
    )


def rated_team(personas, count: int, **marks) -> None:
    """`count` engineers in the engineer's team, each leading a deal won this month with a visit and a sales rating
    of `marks`."""
    team = personas.engineer.team
    for index in range(count):
        person = engineer_in(team, f"eng{index}")
        deal = OpportunityFactory(account=personas.account, sales_owner=personas.owner, presales_lead=person)
        visit(person, IN_MONTH, deal=deal, participants=[personas.engineer])
        close(deal, "won")
        services.sales_rating_create(actor=personas.owner, opportunity=deal, rated_on=IN_MONTH, **marks)


def card_of(cards, engineer):
    return next(card for card in cards if card.engineer_id == engineer.pk)


@pytest.fixture
def trio(personas):
    """The persona engineer plus two colleagues, all presales members of a 900,000 deal."""
    team = personas.engineer.team
    second = engineer_in(team, "qian")
    third = engineer_in(team, "sun")
    deal = OpportunityFactory(
        name="三人支持",
        account=personas.account,
        sales_owner=personas.owner,
        presales_lead=personas.engineer,
        amount=D("900000"),
    )
    for person in (second, third):
        deal_member_add(actor=personas.owner, opportunity=deal, user=person, role="presales_member")
    return personas.engineer, second, third, deal


def test_deal_supported_by_three_engineers_with_logged_hours(trio):
    first, second, third, deal = trio
    visit(first, IN_MONTH, deal=deal, hours=D("6"), kind=WorkType.POC)
    visit(second, IN_MONTH, deal=deal, hours=D("3"), kind=WorkType.DEMO)
    close(deal, "won")
    cards = selectors.compute_scorecards([first, second, third], "month", MONTH)
    assert card_of(cards, first).revenue == D("600000.00")
    assert card_of(cards, second).revenue == D("300000.00")
    assert card_of(cards, third).revenue == D("0.00")
    assert card_of(cards, third).win_rate == D("100.00")  # still supported it
    row = card_of(cards, first).deals[0]
    assert (row["my_hours"], row["total_hours"], row["share"]) == (D("6"), D("9"), D("66.67"))


def test_deal_supported_by_three_engineers_without_hours_shares_equally(trio):
    first, second, third, deal = trio
    close(deal, "won")
    cards = selectors.compute_scorecards([first, second, third], "month", MONTH)
    assert [card_of(cards, person).revenue for person in (first, second, third)] == [D("300000.00")] * 3


def test_participant_hours_count_for_each_person(trio):
    first, second, third, deal = trio
    visit(first, IN_MONTH, deal=deal, hours=D("4"), participants=[second])
    close(deal, "won")
    cards = selectors.compute_scorecards([first, second, third], "month", MONTH)
    assert card_of(cards, first).revenue == card_of(cards, second).revenue == D("450000.00")
    assert card_of(cards, first).visits == card_of(cards, second).visits == 1


def test_results_against_prorated_target_and_win_rate(personas):
    engineer = personas.engineer
    engineer.revenue_target = D("3650000")  # 310,000 for March
    engineer.save(update_fields=["revenue_target"])
    won = OpportunityFactory(
        account=personas.account, sales_owner=personas.owner, presales_lead=engineer, amount=D("155000")
    )
    lost = OpportunityFactory(account=personas.account, sales_owner=personas.owner, presales_lead=engineer)
    close(won, "won")
    close(lost, "lost")
    close(personas.deal, "abandoned")
    card = selectors.compute_scorecards([engineer], "month", MONTH)[0]
    assert card.target == D("310000.00")
    assert card.revenue == D("155000.00")
    assert card.attainment == D("50.00")
    assert card.win_rate == D("50.00")
    assert (card.won, card.lost, card.abandoned) == (1, 1, 1)
    assert card.results_score == D("50.00")


def test_empty_period_no_deals_no_visits_no_ratings(personas):
    engineer = personas.engineer
    card = selectors.compute_scorecards([engineer], "week", datetime.date(2025, 3, 10))[0]
    assert card.revenue == D("0.00") and card.win_rate is None
    assert card.results_score is None  # no target and no closed deal: nothing to judge
    assert card.visits == 0 and card.expected_visits == D("3.00") and card.visits_score == D("0.00")
    assert card.rating_score is None and card.capability_score is None
    # Only visits can be judged: the composite is the visits score.
    assert card.composite == D("0.00")


def test_mid_period_quota_change_through_the_service(personas):
    engineer = personas.engineer
    services.visit_quota_set(
        actor=personas.presales_manager, engineer=engineer, quota=5, effective_from=datetime.date(2025, 3, 19)
    )
    for day in range(3, 13):  # ten visits from 3 to 12 March
        visit(engineer, datetime.date(2025, 3, day), deal=personas.deal)
    card = selectors.compute_scorecards([engineer], "month", MONTH)[0]
    assert card.expected_visits == D("17.00")  # 3 + 3 + 5 + 5 + 1
    assert card.visits == 10
    assert card.visits_score == D("58.82")
    assert [row["quota"] for row in card.quota_weeks] == [3, 3, 3, 5, 5, 5]
    engineer.refresh_from_db()
    assert engineer.weekly_visit_quota == 5  # in force today


def test_quota_is_set_only_by_managers(personas):
    with pytest.raises(PermissionDenied):
        services.visit_quota_set(actor=personas.engineer, engineer=personas.engineer, quota=9, effective_from=IN_MONTH)


def test_capability_and_ratings_and_composite(personas):
    engineer = personas.engineer
    dimensions = list(CapabilityDimension.objects.all())
    assert [d.name for d in dimensions] == [
        "技术深度",
        "方案设计与写作",
        "讲解与演示",
        "行业洞察",
        "客户引导",
        "销售意识",
    ]
    marks = [4, 4, 4, 5, 3, 4]  # mean 4 -> 75
    services.capability_scores_save(
        actor=personas.presales_manager,
        engineer=engineer,
        period_kind="month",
        period_start=MONTH,
        scores={dimension: (mark, "ok") for dimension, mark in zip(dimensions, marks, strict=True)},
    )
    close(personas.deal, "lost")
    services.sales_rating_create(
        actor=personas.owner, opportunity=personas.deal, responsiveness=5, quality=4, impact=3, rated_on=IN_MONTH
    )
    card = selectors.compute_scorecards([engineer], "month", MONTH)[0]
    assert card.capability_mean == D("4.00") and card.capability_score == D("75.00")
    assert card.rating_mean == D("4.00") and card.rating_score == D("75.00")
    assert card.results_score == D("0.00")  # one lost deal, no target
    assert card.visits_score == D("0.00")
    # 0.4 × 0 + 0.2 × 0 + 0.2 × 75 + 0.2 × 75 = 30
    assert card.composite == D("30.00")
    # A week scorecard sees the monthly capability score of its month.
    week = selectors.compute_scorecards([engineer], "week", datetime.date(2025, 3, 10))[0]
    assert week.capability_score == D("75.00")


def test_only_the_manager_scores_capability(personas):
    dimension = CapabilityDimension.objects.first()
    for actor in (personas.engineer, personas.outsider, personas.manager):
        with pytest.raises(PermissionDenied):
            services.capability_scores_save(
                actor=actor,
                engineer=personas.engineer,
                period_kind="month",
                period_start=MONTH,
                scores={dimension: (3, "")},
            )


def _done_request(personas):
    request = make_accepted_request(personas, assignee=personas.engineer, reason="duty", kind=WorkType.DEMO)
    request = work_services.request_start(actor=personas.engineer, request=request)
    return work_services.request_complete(actor=personas.engineer, request=request)


def test_owed_ratings_one_per_request_per_rater_and_reminders(personas):
    request = _done_request(personas)
    close(personas.deal, "won", on=timezone.localdate())
    owed = selectors.owed_ratings(personas.owner)
    assert {(item.request.pk if item.request else None) for item in owed} == {request.pk, None}
    assert selectors.owed_ratings(personas.teammate) == []

    call_command("send_rating_reminders", verbosity=0)
    # Only this command's reminders (other features notify the owner about the request too).
    reminders = Notification.objects.filter(recipient=personas.owner).filter(
        Q(dedupe_key__startswith="rate-") | Q(dedupe_key__startswith="debrief:")
    )
    assert reminders.filter(dedupe_key__startswith="rate-").count() == 2
    assert set(reminders.values_list("kind", flat=True)) == {"rating_owed", "debrief_owed"}  # not "assigned to you"
    assert reminders.filter(dedupe_key__startswith="debrief:").count() == 1  # the owner debriefs the closed deal
    call_command("send_rating_reminders", verbosity=0)
    assert reminders.count() == 3  # idempotent

    with pytest.raises(PermissionDenied):
        services.sales_rating_create(
            actor=personas.teammate, opportunity=personas.deal, request=request, responsiveness=3, quality=3, impact=3
        )
    services.sales_rating_create(
        actor=personas.owner, opportunity=personas.deal, request=request, responsiveness=5, quality=5, impact=4
    )
    with pytest.raises(ValidationError):
        services.sales_rating_create(
            actor=personas.owner, opportunity=personas.deal, request=request, responsiveness=1, quality=1, impact=1
        )
    assert [item.request for item in selectors.owed_ratings(personas.owner)] == [None]


def test_debriefs_owed_by_each_member_in_their_role(personas):
    colleague = engineer_in(personas.engineer.team, "zhou")
    deal_member_add(actor=personas.owner, opportunity=personas.deal, user=colleague, role="presales_member")
    assert selectors.owed_debriefs(personas.owner) == []  # still open
    close(personas.deal, "lost", on=timezone.localdate())
    roles = {
        person.username: [item.role for item in selectors.owed_debriefs(person)]
        for person in (personas.owner, personas.engineer, colleague, personas.outsider)
    }
    assert roles == {
        "owner": ["sales_owner"],
        "engineer": ["presales_lead"],
        "zhou": ["presales_member"],
        "outsider": [],
    }
    services.debrief_create(
        actor=colleague, opportunity=personas.deal, main_reason="price", product_gap="缺少国产化适配"
    )
    assert selectors.owed_debriefs(colleague) == []
    with pytest.raises(ValidationError):
        services.debrief_create(actor=colleague, opportunity=personas.deal, main_reason="price")
    with pytest.raises(PermissionDenied):
        services.debrief_create(actor=personas.outsider, opportunity=personas.deal, main_reason="price")
    call_command("send_rating_reminders", verbosity=0)
    assert Notification.objects.filter(recipient=personas.engineer, dedupe_key__startswith="debrief:").count() == 1
    assert not Notification.objects.filter(recipient=colleague, dedupe_key__startswith="debrief:").exists()


def test_closing_freezes_and_reopening_is_recorded(personas):
    engineer = personas.engineer
    visit(engineer, IN_MONTH, deal=personas.deal)
    period = services.period_close(actor=personas.presales_manager, kind="month", start=IN_MONTH)
    assert period.status == PeriodStatus.CLOSED and period.start == MONTH
    assert ScorecardSnapshot.objects.filter(period=period, engineer=engineer).exists()
    visit(engineer, IN_MONTH + datetime.timedelta(days=1), deal=personas.deal)  # logged after closing
    cards, _ = selectors.scorecards_for([engineer], "month", MONTH)
    assert cards[0].frozen and cards[0].visits == 1
    with pytest.raises(PermissionDenied):
        services.period_reopen(actor=personas.engineer, period=period, reason="x")
    with pytest.raises(ValidationError):
        services.period_reopen(actor=personas.presales_manager, period=period, reason=" ")
    period = services.period_reopen(actor=personas.presales_manager, period=period, reason="late visit logs")
    cards, _ = selectors.scorecards_for([engineer], "month", MONTH)
    assert not cards[0].frozen and cards[0].visits == 2
    reasons = list(period.history.order_by("history_date").values_list("history_change_reason", flat=True))
    assert reasons[-2:] == ["close", "reopen: late visit logs"]


def test_rank_is_within_the_team(trio):
    first, second, third, deal = trio
    for day in (10, 11, 12):
        visit(first, datetime.date(2025, 3, day), deal=deal)
    visit(second, IN_MONTH, deal=deal)
    cards = selectors.compute_scorecards([first, second, third], "week", datetime.date(2025, 3, 10))
    assert [card_of(cards, person).rank for person in (first, second, third)] == [1, 2, 3]
    assert card_of(cards, first).team_size == 3


def test_weights_must_add_up_to_100_and_only_admin_edits(personas):
    weights = services.weights_get()
    four = {"results": 70, "visits": 10, "capability": 10, "rating": 10}
    with pytest.raises(PermissionDenied):
        services.weights_update(actor=personas.presales_manager, expected_version=weights.version, **four)
    with pytest.raises(ValidationError):
        services.weights_update(actor=personas.admin, expected_version=weights.version, **{**four, "rating": 5})
    services.weights_update(actor=personas.admin, expected_version=weights.version, **four)
    # The technical win rate's weight is optional: left out, it is 0.
    assert selectors.current_weights() == {"results": 70, "visits": 10, "capability": 10, "rating": 10, "technical": 0}
    weights.refresh_from_db()
    with pytest.raises(ValidationError):  # the five weights together must still make 100
        services.weights_update(actor=personas.admin, expected_version=weights.version, **four, technical=10)
    services.weights_update(
        actor=personas.admin, expected_version=weights.version, **{**four, "results": 60}, technical=10
    )
    assert selectors.current_weights()["technical"] == 10
