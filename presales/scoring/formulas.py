"""The scorecard arithmetic (docs/domain.md, Deal figures and Scorecards) as pure functions: no database, so every rule is testable by hand.

Scale: every part is normalised to 0–100. A part without any data to judge (no quota, no rating received, no
capability score, neither a target nor a closed deal) is "not applicable" (None): it is left out of the composite
and the remaining weights are renormalised, because an engineer should not lose points for a rating nobody gave.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

WEEK, MONTH, QUARTER = "week", "month", "quarter"
PERIOD_KINDS = (WEEK, MONTH, QUARTER)
PARTS = ("results", "visits", "capability", "rating", "technical")
# The technical win rate is an optional fifth part: weight 0 unless an administrator gives it one.
DEFAULT_WEIGHTS = {"results": 40, "visits": 20, "capability": 20, "rating": 20, "technical": 0}
HUNDRED = Decimal(100)
ZERO = Decimal(0)


def quantize(value: Decimal, places: str = "0.01") -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


# --- periods -------------------------------------------------------------------------------------------------------


def period_bounds(kind: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """First and last day of the ISO week, calendar month or calendar quarter holding `day`."""
    if kind == WEEK:
        start = day - datetime.timedelta(days=day.weekday())
        return start, start + datetime.timedelta(days=6)
    if kind == MONTH:
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if kind == QUARTER:
        first_month = 3 * ((day.month - 1) // 3) + 1
        last_month = first_month + 2
        return (
            datetime.date(day.year, first_month, 1),
            datetime.date(day.year, last_month, calendar.monthrange(day.year, last_month)[1]),
        )
    raise ValueError(f"Unknown period kind: {kind}")


def previous_period_start(kind: str, start: datetime.date) -> datetime.date:
    """The first day of the period before the one starting on `start`."""
    return period_bounds(kind, start - datetime.timedelta(days=1))[0]


def week_starts(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The Mondays of the ISO weeks that overlap [start, end]."""
    monday = start - datetime.timedelta(days=start.weekday())
    weeks = []
    while monday <= end:
        weeks.append(monday)
        monday += datetime.timedelta(days=7)
    return weeks


# --- visits --------------------------------------------------------------------------------------------------------


def quota_for_week(week_start: datetime.date, changes: Iterable[tuple[datetime.date, int, int]], current: int) -> int:
    """The weekly quota in force on `week_start`.

    `changes` are (effective_from, new quota, quota before) rows. The latest change in force wins; before the first
    change the quota it replaced applied; without any change the person's current quota applies.
    """
    ordered = sorted(changes)
    in_force = [change for change in ordered if change[0] <= week_start]
    if in_force:
        return in_force[-1][1]
    if ordered:
        return ordered[0][2]
    return current


def expected_visits(
    start: datetime.date, end: datetime.date, changes: Iterable[tuple[datetime.date, int, int]], current: int
) -> Decimal:
    """Visits owed in [start, end]: each working day (Mon–Fri) owes a fifth of its week's quota.

    An ISO week owes exactly its quota; a month owes its share of the weeks it cuts, and a quota changed in the
    middle of the period counts with the old figure before the change and the new one after it.
    """
    changes = list(changes)
    total = ZERO
    day = start
    while day <= end:
        if day.weekday() < 5:
            week = day - datetime.timedelta(days=day.weekday())
            total += Decimal(quota_for_week(week, changes, current)) / Decimal(5)
        day += datetime.timedelta(days=1)
    return quantize(total)


def visits_score(visits: int, expected: Decimal) -> Decimal | None:
    """Visits against the quota, capped at 100; not applicable without a quota."""
    if expected <= 0:
        return None
    return quantize(min(HUNDRED, HUNDRED * Decimal(visits) / expected))


# --- results -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DealFacts:
    """A supported deal closed in the period: its result and the presales hours each supporter logged on it."""

    deal_id: int
    amount: Decimal
    outcome: str  # won / lost / abandoned
    supporters: frozenset[int]
    hours: Mapping[int, Decimal] = field(default_factory=dict)
    converted: bool = True  # False: its currency has no exchange rate, so `amount` is 0 (docs/domain.md, Money)


def credit_share(deal: DealFacts, engineer_id: int) -> Decimal:
    """The engineer's share of the deal (0–1): their presales hours over all supporters' hours, equal if none logged."""
    if engineer_id not in deal.supporters:
        return ZERO
    total = sum((deal.hours.get(person, ZERO) for person in deal.supporters), ZERO)
    if total > 0:
        return deal.hours.get(engineer_id, ZERO) / total
    return Decimal(1) / Decimal(len(deal.supporters))


def credited(deal: DealFacts, engineer_id: int) -> Decimal:
    """What one deal credits the engineer: amount × share to the cent if won, else nothing."""
    if deal.outcome != "won":
        return ZERO
    return quantize(deal.amount * credit_share(deal, engineer_id))


def influenced_revenue(deals: Iterable[DealFacts], engineer_id: int) -> Decimal:
    """Σ amount × share over the won deals the engineer supported (docs/domain.md, Deal figures): the sum of each
    deal's credit to the cent, so the total equals the sum of the lines the credited-deals list shows."""
    return quantize(sum((credited(deal, engineer_id) for deal in deals), ZERO))


def win_rate(deals: Iterable[DealFacts], engineer_id: int) -> Decimal | None:
    """Won / (won + lost) over supported deals, abandoned excluded, as a percentage; None without closed deals."""
    won = lost = 0
    for deal in deals:
        if engineer_id not in deal.supporters:
            continue
        won += deal.outcome == "won"
        lost += deal.outcome == "lost"
    if won + lost == 0:
        return None
    return quantize(HUNDRED * Decimal(won) / Decimal(won + lost))


def prorated_target(annual_target: Decimal, start: datetime.date, end: datetime.date) -> Decimal:
    """The annual revenue target scaled to the days of the period (leap years count 366 days)."""
    days_in_year = 366 if calendar.isleap(start.year) else 365
    return quantize(annual_target * Decimal((end - start).days + 1) / Decimal(days_in_year))


def results_score(revenue: Decimal, target: Decimal, rate: Decimal | None) -> Decimal | None:
    """Mean of revenue attainment (capped at 100) and the win rate, over the halves that can be judged."""
    halves = []
    if target > 0:
        halves.append(min(HUNDRED, HUNDRED * revenue / target))
    if rate is not None:
        halves.append(rate)
    if not halves:
        return None
    return quantize(sum(halves, ZERO) / Decimal(len(halves)))


# --- capability and sales rating -----------------------------------------------------------------------------------


def scale_score(values: Iterable[int | Decimal]) -> tuple[Decimal | None, Decimal | None]:
    """Mean of 1–5 marks and that mean on 0–100 (1 → 0, 3 → 50, 5 → 100); (None, None) without marks."""
    marks = [Decimal(value) for value in values]
    if not marks:
        return None, None
    mean = sum(marks, ZERO) / Decimal(len(marks))
    return quantize(mean), quantize((mean - 1) * HUNDRED / Decimal(4))


# --- technical win rate --------------------------------------------------------------------------------------------


def technical_score(wins: int, assessed: int) -> Decimal | None:
    """Technical wins ÷ assessed verdicts (win, tie or loss) at close, as 0–100; None without an assessed verdict.

    The same rate as the technical win dashboard's (winning.selectors.technical_win_rate), to two decimals."""
    if assessed <= 0:
        return None
    return quantize(HUNDRED * Decimal(wins) / Decimal(assessed))


# --- composite -----------------------------------------------------------------------------------------------------


def normalise_weights(weights: Mapping[str, int | Decimal]) -> dict[str, Decimal]:
    """Weights as fractions summing to 1; all-zero weights fall back to the defaults."""
    cleaned = {part: max(ZERO, Decimal(weights.get(part, 0))) for part in PARTS}
    total = sum(cleaned.values(), ZERO)
    if total <= 0:
        return normalise_weights(DEFAULT_WEIGHTS)
    return {part: value / total for part, value in cleaned.items()}


def composite(scores: Mapping[str, Decimal | None], weights: Mapping[str, int | Decimal]) -> Decimal | None:
    """Weighted mean of the applicable parts, weights renormalised over them; None when no part applies."""
    fractions = normalise_weights(weights)
    applicable = {part: scores[part] for part in PARTS if scores.get(part) is not None and fractions[part] > 0}
    weight_total = sum((fractions[part] for part in applicable), ZERO)
    if not applicable or weight_total <= 0:
        return None
    value = sum((fractions[part] * applicable[part] for part in applicable), ZERO) / weight_total  # type: ignore[operator]
    return quantize(min(HUNDRED, max(ZERO, value)))


def ranks(values: Mapping[int, Decimal | None]) -> dict[int, int | None]:
    """Competition ranking (1, 2, 2, 4) by composite, highest first; no composite, no rank."""
    scored = sorted((value for value in values.values() if value is not None), reverse=True)
    return {key: (scored.index(value) + 1 if value is not None else None) for key, value in values.items()}


# --- explaining the figures ----------------------------------------------------------------------------------------


def quota_days(
    start: datetime.date, end: datetime.date, weekly_quotas: Iterable[tuple[datetime.date, int]]
) -> list[tuple[int, int]]:
    """(weekly quota, working days owed at it) over [start, end] from each week's quota (Monday, quota): the terms of
    `expected_visits`, so expected = Σ days × quota ÷ 5."""
    terms: dict[int, int] = {}
    for monday, quota in weekly_quotas:
        for offset in range(5):
            day = monday + datetime.timedelta(days=offset)
            if start <= day <= end:
                terms[quota] = terms.get(quota, 0) + 1
    return list(terms.items())


def effective_weights(
    scores: Mapping[str, Decimal | None], weights: Mapping[str, int | Decimal]
) -> dict[str, Decimal | None]:
    """Each part's share of the composite after re-weighting (fractions summing to 1 over the applicable parts);
    None for a part left out (no data or weight 0). Σ share × score is the composite before rounding."""
    fractions = normalise_weights(weights)
    applicable = [part for part in PARTS if scores.get(part) is not None and fractions[part] > 0]
    total = sum((fractions[part] for part in applicable), ZERO)
    return {part: (fractions[part] / total if part in applicable and total > 0 else None) for part in PARTS}
