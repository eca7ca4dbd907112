"""The capacity forecast: presales hours per step learned from history, applied to the open pipeline week by week.

The rules (docs/domain.md, Capacity forecast), kept simple enough to check by hand:

- History: done activities dated up to the as-of day (the forecast knows what happened by its end) on deals
  closed by then. A deal's hours on a step are the sum of its
  activities that served the step (`step_key`); hours logged without a step count as the deal's "other work".
- A deal's size band comes from its amount in the company currency; its industry from its account.
- Hours of a step for a deal = the median over past deals' hours on that step in the same size band and industry;
  with fewer than MIN_SAMPLES such deals, the median over the size band; else over every deal.
- A deal open at the end of the as-of day (created by then, not closed by then) will still need its steps not
  finished by then, less what it already logged on each. A step with a due date from the as-of day on takes place on it;
  the others are spread evenly, in playbook order and other work last, between the as-of day and the expected
  close date (at least a week away): the i-th of n on day as_of + floor(span * i / (n + 1)).
- Demand of a week = those hours falling in it, per presales team (the deal's, else its lead's) and per skill (the
  skills its support requests ask for, and the skill named like its product line). Capacity = the engineers'
  weekly hours less leave days (a fifth a weekday) less time already booked.
- Backtest: the same forecast made as of the Sunday N weeks ago, with only what was known then, against the hours
  logged in the N weeks from the next Monday.
"""

from __future__ import annotations

import datetime
import math
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from presales.capacity.models import Booking, Leave
from presales.currencies.rates import in_company_currency
from presales.deals.models import DealStep, Opportunity, StepStatus
from presales.people.models import PRESALES_ROLES, Skill, User, UserSkill
from presales.playbook.models import PlaybookVersion, StepDefinition
from presales.work.models import Activity, ActivityStatus, SupportRequest

WEEKS = 12
MIN_SAMPLES = 3
BACKTEST_WEEKS = 12
OTHER_WORK = ""  # the step key of hours logged without a step
# Size bands by amount in the company currency: (key, lower bound included).
SIZE_BANDS: tuple[tuple[str, Decimal], ...] = (
    ("large", Decimal("5000000")),
    ("medium", Decimal("1000000")),
    ("small", Decimal("0")),
)
TOP_DEALS = 5


def size_band(amount: Decimal | None) -> str:
    value = amount or Decimal("0")
    for key, lower in SIZE_BANDS:
        if value >= lower:
            return key
    return "small"


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def quartiles(values: list[float]) -> tuple[float, float, float]:
    """p25, median, p75 (linear interpolation between the closest ranks; one value is all three)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0], ordered[0], ordered[0]
    p25, p50, p75 = statistics.quantiles(ordered, n=4, method="inclusive")
    return p25, p50, p75


def cell_key(step: str, band: str = "", industry: str = "") -> str:
    return f"{step}|{band}|{industry}"


def learn(samples: dict[tuple[str, str, str], list[float]]) -> dict[str, list[float]]:
    """Per (key, band, industry) deal totals -> cells "key|band|industry", "key|band|" and "key||": [n, p25, median,
    p75]."""
    grouped: dict[str, list[float]] = defaultdict(list)
    for (key, band, industry), values in samples.items():
        grouped[cell_key(key, band, industry)].extend(values)
        grouped[cell_key(key, band)].extend(values)
        grouped[cell_key(key)].extend(values)
    cells = {}
    for key, values in grouped.items():
        p25, median, p75 = quartiles(values)
        cells[key] = [len(values), round(p25, 2), round(median, 2), round(p75, 2)]
    return cells


def estimate(cells: dict[str, list[float]], step: str, band: str, industry: str) -> float | None:
    """The hours a step takes on a deal of this band and industry: the narrowest cell with enough deals."""
    for key in (cell_key(step, band, industry), cell_key(step, band)):
        cell = cells.get(key)
        if cell is not None and cell[0] >= MIN_SAMPLES:
            return float(cell[2])
    cell = cells.get(cell_key(step))
    return float(cell[2]) if cell is not None else None


@dataclass
class History:
    """What was known on the as-of day: deal-step hour totals and the learned cells."""

    step_cells: dict[str, list[float]]
    kind_cells: dict[str, list[float]]
    logged: dict[tuple[int, str], float]  # (deal, step key) -> hours logged before the as-of day
    activities: int


@dataclass
class DealInfo:
    pk: int
    name: str
    band: str
    industry: str
    team_id: int | None
    close: datetime.date
    closed_on: datetime.date | None = None
    skills: set[int] = field(default_factory=set)


def load_deals(as_of: datetime.date, deal_filter: Q | None = None) -> dict[int, DealInfo]:
    """Every deal with its size band, industry, presales team and expected close (one query)."""
    rows = (
        Opportunity.objects.filter(deal_filter or Q())
        .annotate(size=in_company_currency(on=as_of))
        .values_list(
            "pk",
            "name",
            "size",
            "account__industry",
            "presales_team_id",
            "presales_lead__team_id",
            "expected_close_date",
            "closed_on",
        )
        .order_by()
    )
    deals = {}
    for pk, name, size, industry, team_id, lead_team_id, close, closed_on in rows.iterator(chunk_size=2000):
        deals[pk] = DealInfo(pk, name, size_band(size), industry or "", team_id or lead_team_id, close, closed_on)
    return deals


def load_history(as_of: datetime.date, deals: dict[int, DealInfo]) -> History:
    """Sum each deal's done hours per step and per activity kind up to the as-of day, then learn the cells from the
    deals closed by then (an open deal's hours are not its whole story yet; they are what it already logged)."""
    by_step: dict[tuple[int, str], float] = defaultdict(float)
    by_kind: dict[tuple[int, str], float] = defaultdict(float)
    activities = 0
    rows = (
        Activity.objects.filter(status=ActivityStatus.DONE, date__lte=as_of, opportunity__isnull=False)
        .values_list("opportunity_id", "step_key", "kind", "hours")
        .order_by()
    )
    for deal_id, step_key, kind, hours in rows.iterator(chunk_size=5000):
        if deal_id not in deals:
            continue
        by_step[(deal_id, step_key)] += float(hours)
        by_kind[(deal_id, kind)] += float(hours)
        activities += 1

    def closed_deal_samples(totals: dict[tuple[int, str], float]) -> dict[tuple[str, str, str], list[float]]:
        """(step or kind, size band, industry) -> the hours each deal closed by the as-of day spent on it."""
        samples: dict[tuple[str, str, str], list[float]] = defaultdict(list)
        for (deal_id, key), hours in totals.items():
            deal = deals[deal_id]
            if deal.closed_on is not None and deal.closed_on <= as_of:
                samples[(key, deal.band, deal.industry)].append(hours)
        return samples

    return History(learn(closed_deal_samples(by_step)), learn(closed_deal_samples(by_kind)), dict(by_step), activities)


@dataclass
class Demand:
    """Hours one deal will need in one week."""

    deal: DealInfo
    week: int
    hours: float


def upcoming_steps(
    as_of: datetime.date, deal_ids: Iterable[int]
) -> dict[int, list[tuple[str, int, datetime.date | None]]]:
    """Per deal, its steps not finished by the end of the as-of day: (key, order, due date if known then and ahead)."""
    end_of_day = end_of(as_of)
    steps: dict[int, list[tuple[str, int, datetime.date | None]]] = defaultdict(list)
    ids = list(deal_ids)
    for chunk_start in range(0, len(ids), 900):
        chunk = ids[chunk_start : chunk_start + 900]
        rows = (
            DealStep.objects.filter(opportunity_id__in=chunk)
            .filter(
                Q(
                    completed_at__isnull=True,
                    status__in=[StepStatus.NOT_STARTED, StepStatus.IN_PROGRESS, StepStatus.BLOCKED],
                )
                | Q(completed_at__gte=end_of_day)
            )
            .values_list("opportunity_id", "definition__key", "definition__order", "due_date", "actionable_since")
            .order_by()
        )
        for deal_id, key, order, due, actionable in rows:
            known = due is not None and due >= as_of and actionable is not None and actionable <= as_of
            known_due = due if known else None
            steps[deal_id].append((key, order, known_due))
    return steps


def place(
    as_of: datetime.date, close: datetime.date, items: list[tuple[str, float, datetime.date | None]]
) -> list[tuple[str, float, datetime.date]]:
    """Give each item a day: its due date, else spread evenly (in the order given) up to the close date."""
    end = max(close, as_of + datetime.timedelta(days=7))
    span = (end - as_of).days
    undated = [item for item in items if item[2] is None]
    placed = []
    position = 0
    for key, hours, due in items:
        if due is not None:
            placed.append((key, hours, due))
            continue
        position += 1
        offset = math.floor(span * position / (len(undated) + 1))
        placed.append((key, hours, as_of + datetime.timedelta(days=offset)))
    return placed


def deal_demand(
    *,
    as_of: datetime.date,
    deal: DealInfo,
    steps: list[tuple[str, int, datetime.date | None]],
    cells: dict[str, list[float]],
    logged: dict[tuple[int, str], float],
    first_monday: datetime.date | None = None,
) -> list[Demand]:
    """The hours a deal still needs, by week from the as-of day's Monday (weeks outside 0..WEEKS-1 dropped)."""
    items: list[tuple[str, float, datetime.date | None]] = []
    for key, _order, due in sorted(steps, key=lambda step: step[1]):
        hours = estimate(cells, key, deal.band, deal.industry)
        if hours is None:
            continue
        remaining = max(0.0, hours - logged.get((deal.pk, key), 0.0))
        if remaining > 0:
            items.append((key, remaining, due))
    other = estimate(cells, OTHER_WORK, deal.band, deal.industry)
    if other is not None:
        remaining = max(0.0, other - logged.get((deal.pk, OTHER_WORK), 0.0))
        if remaining > 0:
            items.append((OTHER_WORK, remaining, None))
    first_monday = first_monday or monday_of(as_of)
    demand = []
    for _key, hours, day in place(as_of, deal.close, items):
        week = (day - first_monday).days // 7
        if 0 <= week < WEEKS:
            demand.append(Demand(deal, week, hours))
    return demand


def end_of(day: datetime.date) -> datetime.datetime:
    """The first moment after the day, in the server's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def open_on(as_of: datetime.date) -> Q:
    """Deals open at the end of the as-of day: created by then and not closed by then."""
    return Q(created_at__lt=end_of(as_of)) & (Q(closed_on__isnull=True) | Q(closed_on__gt=as_of))


def pipeline_demand(
    as_of: datetime.date, deals: dict[int, DealInfo], history: History, first_monday: datetime.date | None = None
) -> list[Demand]:
    open_ids = set(Opportunity.objects.filter(open_on(as_of)).values_list("pk", flat=True))
    steps = upcoming_steps(as_of, open_ids)
    demand: list[Demand] = []
    for deal_id in sorted(open_ids):
        deal = deals.get(deal_id)
        if deal is None:
            continue
        demand.extend(
            deal_demand(
                as_of=as_of,
                deal=deal,
                steps=steps.get(deal_id, []),
                cells=history.step_cells,
                logged=history.logged,
                first_monday=first_monday,
            )
        )
    return demand


def attach_skills(deals: dict[int, DealInfo], deal_ids: set[int]) -> dict[int, str]:
    """Each deal's skills: those its support requests ask for, and the skill named like its product line."""
    skills = {skill.pk: skill for skill in Skill.objects.all()}
    by_name: dict[str, int] = {}
    for skill in skills.values():
        by_name[skill.name.casefold()] = skill.pk
        if skill.name_en:
            by_name[skill.name_en.casefold()] = skill.pk
    asked = SupportRequest.skills.through.objects.filter(supportrequest__opportunity_id__in=deal_ids).values_list(
        "supportrequest__opportunity_id", "skill_id"
    )
    for deal_id, skill_id in asked.iterator(chunk_size=2000):
        deals[deal_id].skills.add(skill_id)
    lines = Opportunity.objects.filter(pk__in=deal_ids, product_line__isnull=False).values_list(
        "pk", "product_line__name", "product_line__name_en"
    )
    for deal_id, name, name_en in lines.iterator(chunk_size=2000):
        for candidate in (name, name_en):
            if candidate and candidate.casefold() in by_name:
                deals[deal_id].skills.add(by_name[candidate.casefold()])
    return {pk: skill.name_en or skill.name for pk, skill in skills.items()} | {
        -pk: skill.name for pk, skill in skills.items()
    }


def capacity_by_week(as_of: datetime.date) -> tuple[dict[int, list[float]], dict[int, list[float]], dict[int, str]]:
    """Available hours per presales team and per skill for each of the WEEKS weeks: weekly hours less leave less
    bookings."""
    first_monday = monday_of(as_of)
    last_day = first_monday + datetime.timedelta(days=7 * WEEKS - 1)
    engineers = list(
        User.objects.filter(is_active=True, role__in=PRESALES_ROLES, team__isnull=False).select_related("team")
    )
    team_names = {person.team.pk: person.team.name for person in engineers if person.team is not None}
    leave_days: dict[tuple[int, int], int] = defaultdict(int)
    for leave in Leave.objects.filter(person__in=engineers).overlapping(first_monday, last_day):
        for week in range(WEEKS):
            monday = first_monday + datetime.timedelta(days=7 * week)
            leave_days[(leave.person_id, week)] += leave.working_days_between(
                monday, monday + datetime.timedelta(days=6)
            )
    booked: dict[tuple[int, int], float] = defaultdict(float)
    for booking in Booking.objects.filter(engineer__in=engineers, date__range=(first_monday, last_day)):
        booked[(booking.engineer_id, (booking.date - first_monday).days // 7)] += booking.blocked_hours
    skills_of: dict[int, list[int]] = defaultdict(list)
    for user_id, skill_id in UserSkill.objects.filter(user__in=engineers).values_list("user_id", "skill_id"):
        skills_of[user_id].append(skill_id)
    teams: dict[int, list[float]] = defaultdict(lambda: [0.0] * WEEKS)
    skills: dict[int, list[float]] = defaultdict(lambda: [0.0] * WEEKS)
    for person in engineers:
        for week in range(WEEKS):
            days = max(0, 5 - leave_days[(person.pk, week)])
            free = float(person.weekly_capacity_hours) * days / 5 - booked[(person.pk, week)]
            teams[person.team_id][week] += free  # type: ignore[index]
            for skill_id in skills_of[person.pk]:
                skills[skill_id][week] += free
    return dict(teams), dict(skills), team_names


def _round(values: list[float]) -> list[float]:
    return [round(value, 1) for value in values]


def _top(contributions: dict[int, float], deals: dict[int, DealInfo]) -> list[dict[str, Any]]:
    ranked = sorted(contributions.items(), key=lambda item: (-item[1], item[0]))[:TOP_DEALS]
    return [{"id": pk, "name": deals[pk].name, "hours": round(hours, 1)} for pk, hours in ranked]


def backtest(as_of: datetime.date, weeks_back: int = BACKTEST_WEEKS) -> dict[str, Any]:
    """The forecast made `weeks_back` weeks before the as-of day's Monday (known: everything up to the Sunday before
    that Monday), against the hours logged in those weeks (every done activity: what the activity list shows for the week). MAE in hours a week; MAPE over the weeks
    with hours logged."""
    then = monday_of(as_of) - datetime.timedelta(days=7 * weeks_back)
    known = then - datetime.timedelta(days=1)
    deals = load_deals(known)
    history = load_history(known, deals)
    forecast = [0.0] * WEEKS
    for item in pipeline_demand(known, deals, history, first_monday=then):
        forecast[item.week] += item.hours
    actual = [0.0] * WEEKS
    rows = Activity.objects.filter(
        status=ActivityStatus.DONE,
        date__gte=then,
        date__lt=then + datetime.timedelta(days=7 * min(weeks_back, WEEKS)),
    ).values_list("date", "hours")
    for day, hours in rows.iterator(chunk_size=5000):
        actual[(day - then).days // 7] += float(hours)
    weeks = min(weeks_back, WEEKS)
    errors = [abs(forecast[week] - actual[week]) for week in range(weeks)]
    relative = [abs(forecast[week] - actual[week]) / actual[week] for week in range(weeks) if actual[week] > 0]
    return {
        "as_of": known.isoformat(),
        "weeks": [
            {
                "monday": (then + datetime.timedelta(days=7 * week)).isoformat(),
                "sunday": (then + datetime.timedelta(days=7 * week + 6)).isoformat(),
                "forecast": round(forecast[week], 1),
                "actual": round(actual[week], 1),
            }
            for week in range(weeks)
        ],
        "mae": round(sum(errors) / len(errors), 1) if errors else None,
        "mape": round(100 * sum(relative) / len(relative), 1) if relative else None,
        "history_activities": history.activities,
    }


def compute(as_of: datetime.date, progress: Callable[[int], None] = lambda percent: None) -> dict[str, Any]:
    """The whole stored result: learned medians, 12 weeks of demand and capacity per team and skill, shortfalls with
    the deals causing them, what a hypothetical deal needs (the playbook's steps) and the backtest."""
    deals = load_deals(as_of)
    history = load_history(as_of, deals)
    progress(25)
    demand = pipeline_demand(as_of, deals, history)
    progress(50)
    open_ids = {item.deal.pk for item in demand}
    skill_names = attach_skills(deals, open_ids)
    team_capacity, skill_capacity, team_names = capacity_by_week(as_of)
    team_demand: dict[int | None, list[float]] = defaultdict(lambda: [0.0] * WEEKS)
    skill_demand: dict[int, list[float]] = defaultdict(lambda: [0.0] * WEEKS)
    team_deals: dict[tuple[int | None, int], dict[int, float]] = defaultdict(lambda: defaultdict(float))
    skill_deals: dict[tuple[int, int], dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for item in demand:
        team_demand[item.deal.team_id][item.week] += item.hours
        team_deals[(item.deal.team_id, item.week)][item.deal.pk] += item.hours
        for skill_id in item.deal.skills:
            skill_demand[skill_id][item.week] += item.hours
            skill_deals[(skill_id, item.week)][item.deal.pk] += item.hours
    first_monday = monday_of(as_of)
    teams = []
    for team_id in sorted(set(team_capacity) | {key for key in team_demand if key is not None}):
        hours = team_demand.get(team_id, [0.0] * WEEKS)
        capacity = team_capacity.get(team_id, [0.0] * WEEKS)
        teams.append(
            {
                "id": team_id,
                "name": team_names.get(team_id, ""),
                "demand": _round(hours),
                "capacity": _round(capacity),
                "deals": [_top(team_deals.get((team_id, week), {}), deals) for week in range(WEEKS)],
            }
        )
    skills = []
    for skill_id in sorted(set(skill_demand)):
        skills.append(
            {
                "id": skill_id,
                "name": skill_names.get(-skill_id, ""),
                "name_en": skill_names.get(skill_id, ""),
                "demand": _round(skill_demand[skill_id]),
                "capacity": _round(skill_capacity.get(skill_id, [0.0] * WEEKS)),
                "deals": [_top(skill_deals.get((skill_id, week), {}), deals) for week in range(WEEKS)],
            }
        )
    progress(70)
    current = PlaybookVersion.objects.current()
    definitions = {
        key: (order, name_zh, name_en)
        for key, order, name_zh, name_en in StepDefinition.objects.filter(playbook=current).values_list(
            "key", "order", "name_zh", "name_en"
        )
    }
    result = {
        "as_of": as_of.isoformat(),
        "weeks": [(first_monday + datetime.timedelta(days=7 * week)).isoformat() for week in range(WEEKS)],
        "teams": teams,
        "unassigned": _round(team_demand.get(None, [0.0] * WEEKS)),
        "skills": skills,
        "step_cells": history.step_cells,
        "kind_cells": history.kind_cells,
        "steps": {key: list(value) for key, value in definitions.items()},
        "history_activities": history.activities,
        "open_deals": len(open_ids),
        "backtest": backtest(as_of),
    }
    progress(100)
    return result


def what_if(
    result: dict[str, Any], *, band: str, industry: str, close: datetime.date, team_id: int | None
) -> list[float]:
    """The weekly hours a hypothetical new deal would add (every playbook step still ahead, undated), from the
    stored medians: nothing is saved."""
    as_of = datetime.date.fromisoformat(result["as_of"])
    steps: list[tuple[str, int, datetime.date | None]] = [
        (key, value[0], None) for key, value in result["steps"].items()
    ]
    deal = DealInfo(0, "", band, industry, team_id, close)
    weekly = [0.0] * WEEKS
    for item in deal_demand(as_of=as_of, deal=deal, steps=steps, cells=result["step_cells"], logged={}):
        weekly[item.week] += item.hours
    return weekly
