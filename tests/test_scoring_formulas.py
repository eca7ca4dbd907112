"""The scorecard arithmetic, checked against figures worked out by hand, plus properties over many cases."""

from __future__ import annotations

import datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from presales.scoring import formulas
from presales.scoring.formulas import DealFacts

D = Decimal
A, B, C = 1, 2, 3


def test_period_bounds_week_month_quarter():
    day = datetime.date(2025, 3, 13)  # a Thursday
    assert formulas.period_bounds("week", day) == (datetime.date(2025, 3, 10), datetime.date(2025, 3, 16))
    assert formulas.period_bounds("month", day) == (datetime.date(2025, 3, 1), datetime.date(2025, 3, 31))
    assert formulas.period_bounds("quarter", day) == (datetime.date(2025, 1, 1), datetime.date(2025, 3, 31))
    assert formulas.previous_period_start("month", datetime.date(2025, 3, 1)) == datetime.date(2025, 2, 1)
    assert formulas.previous_period_start("quarter", datetime.date(2025, 1, 1)) == datetime.date(2024, 10, 1)
    assert formulas.previous_period_start("week", datetime.date(2025, 3, 10)) == datetime.date(2025, 3, 3)


# --- results -----------------------------------------------------------------------------------------------------


def test_three_engineers_with_hours_share_by_hours():
    deal = DealFacts(1, D("900000"), "won", frozenset({A, B, C}), {A: D("6"), B: D("3")})
    assert formulas.influenced_revenue([deal], A) == D("600000.00")
    assert formulas.influenced_revenue([deal], B) == D("300000.00")
    assert formulas.influenced_revenue([deal], C) == D("0.00")


def test_three_engineers_without_hours_share_equally():
    deal = DealFacts(1, D("900000"), "won", frozenset({A, B, C}), {})
    for engineer in (A, B, C):
        assert formulas.influenced_revenue([deal], engineer) == D("300000.00")


def test_lost_and_abandoned_deals_credit_nothing_and_abandoned_is_left_out_of_the_win_rate():
    deals = [
        DealFacts(1, D("100000"), "won", frozenset({A})),
        DealFacts(2, D("500000"), "lost", frozenset({A})),
        DealFacts(3, D("700000"), "abandoned", frozenset({A})),
        DealFacts(4, D("800000"), "won", frozenset({B})),  # not A's
    ]
    assert formulas.influenced_revenue(deals, A) == D("100000.00")
    assert formulas.win_rate(deals, A) == D("50.00")


def test_no_closed_deals():
    assert formulas.influenced_revenue([], A) == D("0.00")
    assert formulas.win_rate([], A) is None
    # With a target the revenue half still judges (0 of the target); without one nothing can be judged.
    assert formulas.results_score(D("0"), D("70000"), None) == D("0.00")
    assert formulas.results_score(D("0"), D("0"), None) is None


def test_target_is_prorated_to_the_period():
    week = formulas.period_bounds("week", datetime.date(2025, 3, 13))
    assert formulas.prorated_target(D("3650000"), *week) == D("70000.00")
    month = formulas.period_bounds("month", datetime.date(2025, 3, 13))
    assert formulas.prorated_target(D("3650000"), *month) == D("310000.00")
    # 2024 is a leap year: 366 days.
    assert formulas.prorated_target(D("3660000"), datetime.date(2024, 2, 1), datetime.date(2024, 2, 29)) == D(
        "290000.00"
    )


def test_results_score_is_the_mean_of_attainment_and_win_rate():
    # 35,000 of a 70,000 target = 50; one won and one lost = 50 -> 50.
    assert formulas.results_score(D("35000"), D("70000"), D("50")) == D("50.00")
    # Attainment is capped at 100 so one huge deal cannot hide a poor win rate: (100 + 25) / 2.
    assert formulas.results_score(D("700000"), D("70000"), D("25")) == D("62.50")
    # No target: the win rate alone.
    assert formulas.results_score(D("10"), D("0"), D("80")) == D("80.00")


# --- visits ------------------------------------------------------------------------------------------------------


def test_week_owes_its_quota():
    monday = datetime.date(2025, 3, 10)
    assert formulas.expected_visits(monday, monday + datetime.timedelta(days=6), [], 3) == D("3.00")
    assert formulas.visits_score(2, D("3")) == D("66.67")
    assert formulas.visits_score(5, D("3")) == D("100.00")


def test_no_visits_scores_zero_and_no_quota_is_not_applicable():
    assert formulas.visits_score(0, D("3")) == D("0.00")
    assert formulas.visits_score(4, D("0")) is None


def test_mid_period_quota_change():
    # March 2025: working days in the weeks of 3, 10, 17, 24 March (5 each) and 31 March (1 day).
    # Quota 3 until the week of 17 March, 5 from then: 3 + 3 + 5 + 5 + 5/5 = 17 visits owed.
    changes = [(datetime.date(2025, 3, 17), 5, 3)]
    start, end = datetime.date(2025, 3, 1), datetime.date(2025, 3, 31)
    assert formulas.expected_visits(start, end, changes, current=5) == D("17.00")
    assert formulas.visits_score(10, D("17")) == D("58.82")
    # Before the first change the quota it replaced applies; the person's current quota does not leak backwards.
    assert formulas.quota_for_week(datetime.date(2025, 3, 10), changes, current=5) == 3
    assert formulas.quota_for_week(datetime.date(2025, 3, 24), changes, current=5) == 5
    assert formulas.quota_for_week(datetime.date(2025, 3, 24), [], current=4) == 4


def test_month_without_change_owes_its_working_days_share():
    # February 2025 has 20 working days: 4 weeks of quota 3 = 12.
    assert formulas.expected_visits(datetime.date(2025, 2, 1), datetime.date(2025, 2, 28), [], 3) == D("12.00")


# --- capability and ratings ---------------------------------------------------------------------------------------


def test_scale_score_maps_one_to_zero_and_five_to_hundred():
    assert formulas.scale_score([1, 1]) == (D("1.00"), D("0.00"))
    assert formulas.scale_score([5]) == (D("5.00"), D("100.00"))
    assert formulas.scale_score([4, 3, 5, 4]) == (D("4.00"), D("75.00"))
    assert formulas.scale_score([]) == (None, None)


def test_no_ratings_is_not_applicable():
    assert formulas.scale_score([]) == (None, None)


# --- composite -----------------------------------------------------------------------------------------------------


def test_composite_with_all_parts():
    scores = {"results": D("50"), "visits": D("100"), "capability": D("75"), "rating": D("25")}
    # 0.4 × 50 + 0.2 × 100 + 0.2 × 75 + 0.2 × 25 = 20 + 20 + 15 + 5 = 60
    assert formulas.composite(scores, formulas.DEFAULT_WEIGHTS) == D("60.00")


def test_composite_leaves_out_a_part_without_data_and_renormalises():
    scores = {"results": D("50"), "visits": D("100"), "capability": None, "rating": D("75")}
    # (0.4 × 50 + 0.2 × 100 + 0.2 × 75) / 0.8 = 55 / 0.8 = 68.75
    assert formulas.composite(scores, formulas.DEFAULT_WEIGHTS) == D("68.75")
    assert formulas.composite(dict.fromkeys(formulas.PARTS), formulas.DEFAULT_WEIGHTS) is None


def test_composite_with_edited_weights():
    scores = {"results": D("80"), "visits": D("40"), "capability": D("60"), "rating": D("20")}
    # 70/10/10/10: 56 + 4 + 6 + 2 = 68
    assert formulas.composite(scores, {"results": 70, "visits": 10, "capability": 10, "rating": 10}) == D("68.00")


def test_ranks_share_places_and_skip():
    assert formulas.ranks({1: D("80"), 2: D("90"), 3: D("80"), 4: None, 5: D("10")}) == {
        1: 2,
        2: 1,
        3: 2,
        4: None,
        5: 4,
    }


scores_strategy = st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=2))
weights_strategy = st.fixed_dictionaries({part: st.integers(min_value=0, max_value=100) for part in formulas.PARTS})


@given(st.fixed_dictionaries({part: scores_strategy for part in formulas.PARTS}), weights_strategy)
def test_composite_always_within_the_range_of_its_parts(scores, weights):
    value = formulas.composite(scores, weights)
    present = [score for score in scores.values() if score is not None]
    if value is None:
        return
    assert D(0) <= value <= D(100)
    assert min(present) - D("0.01") <= value <= max(present) + D("0.01")


@given(weights_strategy)
def test_weights_are_normalised_to_one(weights):
    fractions = formulas.normalise_weights(weights)
    assert abs(sum(fractions.values()) - 1) < D("1e-20")
    assert all(fraction >= 0 for fraction in fractions.values())


@given(
    st.decimals(min_value=0, max_value=10_000_000, places=2),
    st.lists(st.decimals(min_value=0, max_value=40, places=1), min_size=1, max_size=6),
)
def test_shares_of_a_won_deal_add_up_to_its_amount(amount, hours):
    people = list(range(1, len(hours) + 1))
    deal = DealFacts(1, amount, "won", frozenset(people), dict(zip(people, hours, strict=True)))
    total = sum(formulas.influenced_revenue([deal], person) for person in people)
    assert abs(total - amount) <= D("0.01") * len(people)


@given(st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=20))
def test_visits_score_is_within_range(visits, quota):
    score = formulas.visits_score(visits, D(quota))
    assert score is None if quota == 0 else D(0) <= score <= D(100)
