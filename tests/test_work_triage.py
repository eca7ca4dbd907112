"""The three looks (docs/domain.md, Support requests and the three looks) checked over many capacity / skill / requester combinations."""

import datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from presales.work import triage
from presales.work.triage import Recommendation

TODAY = datetime.date(2025, 3, 3)  # a Monday

skill_ids = st.lists(st.integers(min_value=1, max_value=6), max_size=4, unique=True)
levels = st.dictionaries(st.integers(min_value=1, max_value=6), st.integers(min_value=1, max_value=5), max_size=6)


@st.composite
def cases(draw):
    needed = draw(skill_ids)
    request = triage.RequestFacts(
        estimate_hours=Decimal(draw(st.integers(min_value=1, max_value=120))),
        needed_by=TODAY + datetime.timedelta(days=draw(st.integers(min_value=0, max_value=60))),
        today=TODAY,
        skill_ids=tuple(needed),
        skill_names={s: f"skill {s}" for s in needed},
        requester_id=draw(st.sampled_from([10, 11])),
        requester_name="Requester",
        requester_is_executive=draw(st.booleans()),
        is_key_account=draw(st.booleans()),
        rule_names=tuple(draw(st.lists(st.sampled_from(["VIP"]), max_size=1))),
        is_duty=draw(st.booleans()),
        value_per_hour=Decimal(draw(st.integers(min_value=0, max_value=10000))),
    )
    engineer = triage.EngineerFacts(
        engineer_id=1,
        name="E",
        weekly_capacity=Decimal(draw(st.integers(min_value=0, max_value=60))),
        committed_hours=Decimal(draw(st.integers(min_value=0, max_value=200))),
        skill_levels=draw(levels),
        past_same_kind_done=draw(st.integers(min_value=0, max_value=5)),
        manager_ids=frozenset(draw(st.lists(st.sampled_from([10, 12]), max_size=2))),
    )
    return request, engineer


def expected_has_time(request, engineer):
    days = sum(
        1
        for i in range((request.needed_by - request.today).days + 1)
        if (request.today + datetime.timedelta(days=i)).weekday() < 5
    )
    return engineer.weekly_capacity * days / 5 - engineer.committed_hours >= request.estimate_hours


def expected_confident(request, engineer):
    found = [engineer.skill_levels.get(s, 0) for s in request.skill_ids]
    lowest = min(found) if found else 5
    return lowest >= 3 or (lowest >= 2 and engineer.past_same_kind_done >= 2)


def expected_cannot_refuse(request, engineer):
    return (
        request.requester_id in engineer.manager_ids
        or request.requester_is_executive
        or request.is_key_account
        or bool(request.rule_names)
    )


@settings(max_examples=400, deadline=None)
@given(cases())
def test_recommendation_follows_the_three_looks(case):
    request, engineer = case
    verdict = triage.recommend(request, engineer)
    has_time = expected_has_time(request, engineer)
    confident = expected_confident(request, engineer)
    cannot_refuse = expected_cannot_refuse(request, engineer)
    assert verdict.time.ok == has_time
    assert verdict.matter.ok == confident
    assert verdict.person.ok == (not cannot_refuse)
    assert verdict.reasons, "every recommendation explains itself"
    if request.is_duty:
        assert verdict.recommendation == Recommendation.SCHEDULE
    elif has_time and confident:
        assert verdict.recommendation == Recommendation.MAY_ACCEPT
    elif cannot_refuse:
        assert verdict.recommendation == Recommendation.ACCEPT_WITH_PLAN
    else:
        assert verdict.recommendation == Recommendation.DECLINE
    if verdict.recommendation in (Recommendation.DECLINE, Recommendation.ACCEPT_WITH_PLAN):
        assert set(verdict.failed_looks) == {n for n, ok in (("time", has_time), ("matter", confident)) if not ok}
        wording = {"time": "time", "matter": "the matter"}
        assert all(wording[name] in verdict.reasons[0] for name in verdict.failed_looks)


@settings(max_examples=200, deadline=None)
@given(cases(), st.integers(min_value=0, max_value=40))
def test_more_capacity_never_loses_time(case, extra):
    request, engineer = case
    more = triage.EngineerFacts(**{**engineer.__dict__, "weekly_capacity": engineer.weekly_capacity + extra})
    assert triage.time_look(request, more).score >= triage.time_look(request, engineer).score
    if triage.time_look(request, engineer).ok:
        assert triage.time_look(request, more).ok


@settings(max_examples=200, deadline=None)
@given(cases())
def test_plan_only_moves_lower_value_work_and_never_offers_the_engineer_themselves(case):
    request, engineer = case
    commitments = (
        triage.WorkItem("cheap", Decimal(4), Decimal(1)),
        triage.WorkItem("dear", Decimal(4), Decimal(10**9)),
    )
    engineer = triage.EngineerFacts(**{**engineer.__dict__, "commitments": commitments})
    colleague = triage.EngineerFacts(
        engineer_id=2,
        name="C",
        weekly_capacity=Decimal(40),
        committed_hours=Decimal(0),
        skill_levels={s: 5 for s in request.skill_ids},
        past_same_kind_done=0,
    )
    verdict = triage.recommend(request, engineer, [engineer, colleague])
    if verdict.recommendation == Recommendation.ACCEPT_WITH_PLAN:
        assert all(r.engineer.engineer_id != engineer.engineer_id for r in verdict.colleagues)
        assert all(item.label != "dear" for item in verdict.work_to_move)
    else:
        assert verdict.work_to_move == [] and verdict.colleagues == []


def test_working_days_counts_weekdays_only():
    assert triage.working_days(TODAY, TODAY) == 1
    assert triage.working_days(TODAY, TODAY + datetime.timedelta(days=6)) == 5
    assert triage.working_days(TODAY, TODAY + datetime.timedelta(days=13)) == 10
    assert triage.working_days(TODAY, TODAY - datetime.timedelta(days=1)) == 0


def test_ranking_prefers_skill_then_time_and_explains():
    request = triage.RequestFacts(
        estimate_hours=Decimal(16),
        needed_by=TODAY + datetime.timedelta(days=11),
        today=TODAY,
        skill_ids=(1,),
        skill_names={1: "Database"},
        requester_id=9,
        requester_name="R",
        requester_is_executive=False,
        is_key_account=False,
        rule_names=(),
        is_duty=False,
    )
    expert_busy = triage.EngineerFacts(1, "Busy expert", Decimal(40), Decimal(75), {1: 5}, 3)
    expert_free = triage.EngineerFacts(
        2, "Free expert", Decimal(40), Decimal(0), {1: 5}, 3, familiarity=4, won_supported=2
    )
    novice = triage.EngineerFacts(3, "Novice", Decimal(40), Decimal(0), {}, 0)
    ranked = triage.rank_engineers(request, [novice, expert_busy, expert_free])
    assert [r.engineer.name for r in ranked] == ["Free expert", "Busy expert", "Novice"]
    assert any("Database" in reason for reason in ranked[2].reasons)
    assert any("won deal" in reason for reason in ranked[0].reasons)
