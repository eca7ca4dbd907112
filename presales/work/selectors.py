"""Reads for presales work: the triage inputs, the value norm, the week grids and the workload, in few queries."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from presales import access
from presales.deals.models import OPEN_STATUSES, DealPlaybook, DealStep, Opportunity, Outcome, StepStatus
from presales.knowledge.selectors import suggestions_for_text
from presales.people.models import PRESALES_ROLES, Team, User, UserSkill
from presales.playbook.models import PlaybookVersion, StepDefinition, StepRole
from presales.work import triage, value
from presales.work.defaults import DEFAULT_PRESALES_STEPS, KIND_STEP_KEYS
from presales.work.models import (
    CLOSED_STATUSES,
    COMMITTED_STATUSES,
    WAITING_STATUSES,
    Activity,
    ActivityStatus,
    CannotRefuseRule,
    RequestStatus,
    SupportRequest,
)

ZERO = Decimal(0)
HOURS: DecimalField[Decimal, Decimal] = DecimalField(max_digits=10, decimal_places=1)
WORKLOAD_WEEKS = 8


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


# --- the playbook link ----------------------------------------------------------------------------


def _deal_step_definitions(opportunity: Opportunity) -> Any:
    """The step definitions of the playbook the deal follows (or the current one)."""

    link = DealPlaybook.objects.filter(opportunity=opportunity).values_list("playbook_id", flat=True).first()
    if link is None:
        current = PlaybookVersion.objects.current()
        link = current.pk if current else None
    return StepDefinition.objects.filter(playbook_id=link)


def is_presales_duty(kind: str, opportunity: Opportunity) -> bool:
    """A kind of work is a duty when a step it serves has presales as the responsible role in the matrix."""
    keys = KIND_STEP_KEYS.get(kind, ())
    if not keys:
        return False
    roles = list(_deal_step_definitions(opportunity).filter(key__in=keys).values_list("responsible_role", flat=True))
    if roles:
        return StepRole.PRESALES in roles
    return bool(DEFAULT_PRESALES_STEPS.intersection(keys))


def step_choices(opportunity: Opportunity | None) -> list[tuple[str, str]]:
    """The steps an activity on this deal can serve, in playbook order."""
    if opportunity is None:
        current = PlaybookVersion.objects.current()
        steps = StepDefinition.objects.filter(playbook=current) if current else StepDefinition.objects.none()
    else:
        steps = _deal_step_definitions(opportunity)
    return [(step.key, str(step)) for step in steps.order_by("order")]


def current_step_key(opportunity: Opportunity) -> str:
    """The deal's step in progress: the first open step of its checklist."""

    step = (
        DealStep.objects.filter(opportunity=opportunity, status__in=OPEN_STATUSES)
        .order_by("definition__order")
        .values_list("definition__key", flat=True)
        .first()
    )
    return step or ""


def solution_accepted(opportunity: Opportunity) -> bool:
    """Step 9 (方案是否得到认可) is done on this deal: more solution work is polishing."""

    return DealStep.objects.filter(
        opportunity=opportunity, definition__key=value.SOLUTION_ACCEPTED_STEP, status=StepStatus.DONE
    ).exists()


# --- value norm -----------------------------------------------------------------------------------

NORM_SAMPLE = 2000


def team_value_norm(today: datetime.date | None = None) -> Decimal | None:
    """Median value per hour of the open requests and planned activities (a recent sample), in two queries."""
    today = today or timezone.localdate()
    values: list[Decimal | None] = []
    requests = (
        SupportRequest.objects.filter(
            status__in=(*WAITING_STATUSES, *COMMITTED_STATUSES), expected_uplift__isnull=False
        )
        .order_by("-pk")
        .values_list("opportunity__amount", "expected_uplift", "estimate_hours")[:NORM_SAMPLE]
    )
    values += [value.value_per_hour(a, u, h) for a, u, h in requests]
    planned = (
        Activity.objects.filter(
            status=ActivityStatus.PLANNED, date__gte=today, expected_uplift__isnull=False, opportunity__isnull=False
        )
        .order_by("-pk")
        .values_list("opportunity__amount", "expected_uplift", "hours")[:NORM_SAMPLE]
    )
    values += [value.value_per_hour(a, u, h) for a, u, h in planned]
    return value.team_norm(values)


@dataclass
class ValueCheck:
    value_per_hour: Decimal | None
    norm: Decimal | None
    flags: list[value.ValueFlag]


def value_check(
    *, opportunity: Opportunity | None, kind: str, uplift: Decimal | None, hours: Decimal, norm: Decimal | None = None
) -> ValueCheck:
    """The value check for one request or planned activity, ready for a page."""
    if opportunity is None:
        return ValueCheck(None, None, [])
    norm = norm if norm is not None else team_value_norm()
    per_hour = value.value_per_hour(opportunity.amount, uplift, hours)
    flags = value.value_flags(
        value=per_hour,
        norm=norm,
        is_open=opportunity.outcome == Outcome.OPEN,
        probability=opportunity.probability,
        kind=kind,
        solution_accepted=kind in value.SOLUTION_KINDS and solution_accepted(opportunity),
    )
    return ValueCheck(per_hour, norm, flags)


# --- triage inputs --------------------------------------------------------------------------------


def _outstanding(request_row: dict[str, Any]) -> Decimal:
    return max(ZERO, Decimal(request_row["estimate_hours"]) - Decimal(request_row["logged"] or 0))


def _managers_by_team() -> dict[int, frozenset[int]]:
    """Everybody who manages each team, directly or through a parent team, from one query."""
    teams = {row["pk"]: row for row in Team.objects.values("pk", "manager_id", "parent_id")}
    result: dict[int, frozenset[int]] = {}
    for team_id in teams:
        managers: set[int] = set()
        seen: set[int] = set()
        current: int | None = team_id
        while current is not None and current not in seen and current in teams:
            seen.add(current)
            if teams[current]["manager_id"]:
                managers.add(teams[current]["manager_id"])
            current = teams[current]["parent_id"]
        result[team_id] = frozenset(managers)
    return result


def _commitments(
    engineer_ids: list[int], today: datetime.date, until: datetime.date, exclude_request: int | None
) -> tuple[dict[int, Decimal], dict[int, list[triage.WorkItem]]]:
    """Committed hours in [today, until] per engineer and the work items behind them (two queries)."""
    hours: dict[int, Decimal] = defaultdict(lambda: ZERO)
    items: dict[int, list[triage.WorkItem]] = defaultdict(list)
    requests = (
        SupportRequest.objects.committed()
        .filter(assignee_id__in=engineer_ids)
        .exclude(pk=exclude_request)  # type: ignore[misc]  # pk=None excludes nothing; stubs reject None
        .annotate(logged=Sum("activities__hours", filter=Q(activities__status=ActivityStatus.DONE)))
        .values(
            "pk",
            "assignee_id",
            "kind",
            "needed_by",
            "estimate_hours",
            "logged",
            "expected_uplift",
            "opportunity__name",
            "opportunity__amount",
        )
    )
    window_days = triage.working_days(today, until)
    for row in requests:
        outstanding = _outstanding(row)
        if outstanding <= 0:
            continue
        # Work due later than the window only takes its share of the days until it is due.
        their_days = triage.working_days(today, row["needed_by"])
        share = outstanding if their_days <= window_days or their_days == 0 else outstanding * window_days / their_days
        hours[row["assignee_id"]] += share
        items[row["assignee_id"]].append(
            triage.WorkItem(
                label=f"{row['opportunity__name']} · {dict(SupportRequest._meta.get_field('kind').choices or ())[row['kind']]}",
                hours=share.quantize(Decimal("0.1")),
                value_per_hour=value.value_per_hour(row["opportunity__amount"], row["expected_uplift"], outstanding),
                url=f"/work/requests/{row['pk']}/",
            )
        )
    planned = (
        Activity.objects.planned()
        .filter(owner_id__in=engineer_ids, date__gte=today, date__lte=until)
        .exclude(request__status__in=COMMITTED_STATUSES)
        .values("pk", "owner_id", "kind", "hours", "expected_uplift", "opportunity__name", "opportunity__amount")
    )
    kinds = dict(Activity._meta.get_field("kind").choices or ())
    for activity_row in planned:
        hours[activity_row["owner_id"]] += activity_row["hours"]
        items[activity_row["owner_id"]].append(
            triage.WorkItem(
                label=f"{activity_row['opportunity__name'] or '—'} · {kinds[activity_row['kind']]}",
                hours=activity_row["hours"],
                value_per_hour=value.value_per_hour(
                    activity_row["opportunity__amount"] or ZERO, activity_row["expected_uplift"], activity_row["hours"]
                ),
                url=f"/work/activities/{activity_row['pk']}/",
            )
        )
    return hours, items


def _rules_matching(request: SupportRequest) -> tuple[str, ...]:
    deal = request.opportunity
    names = []
    for rule in CannotRefuseRule.objects.filter(is_active=True):
        if rule.requester_id and rule.requester_id != request.requester_id:
            continue
        if rule.requester_role and rule.requester_role != request.requester.role:
            continue
        if rule.account_id and rule.account_id != deal.account_id:
            continue
        if rule.industry and rule.industry != deal.account.industry:
            continue
        if rule.min_amount is not None and deal.amount < rule.min_amount:
            continue
        names.append(rule.name)
    return tuple(names)


@dataclass
class TriageInputs:
    request: triage.RequestFacts
    engineers: list[triage.EngineerFacts] = field(default_factory=list)

    def engineer(self, engineer_id: int | None) -> triage.EngineerFacts | None:
        return next((e for e in self.engineers if e.engineer_id == engineer_id), None)


def triage_inputs(request: SupportRequest, today: datetime.date | None = None) -> TriageInputs:
    """Everything the three looks need for every presales engineer, in a fixed number of queries."""
    today = today or timezone.localdate()
    deal = request.opportunity
    account = deal.account
    skills = list(request.skills.all())
    engineers = list(User.objects.filter(is_active=True, role__in=PRESALES_ROLES).order_by("display_name", "pk"))
    ids = [e.pk for e in engineers]
    levels: dict[int, dict[int, int]] = defaultdict(dict)
    for user_id, skill_id, level in UserSkill.objects.filter(user_id__in=ids).values_list(
        "user_id", "skill_id", "level"
    ):
        levels[user_id][skill_id] = level
    committed, items = _commitments(ids, today, request.needed_by, request.pk)
    same_kind = dict(
        SupportRequest.objects.filter(status=RequestStatus.DONE, kind=request.kind, assignee_id__in=ids)
        .values("assignee_id")
        .annotate(n=Count("pk"))
        .values_list("assignee_id", "n")
    )
    familiarity = dict(
        Activity.objects.filter(owner_id__in=ids, status=ActivityStatus.DONE)
        .filter(Q(account__industry=account.industry) | Q(account__region=account.region))
        .values("owner_id")
        .annotate(n=Count("pk"))
        .values_list("owner_id", "n")
    )
    won = dict(
        Activity.objects.filter(owner_id__in=ids, opportunity__outcome=Outcome.WON)
        .values("owner_id")
        .annotate(n=Count("opportunity_id", distinct=True))
        .values_list("owner_id", "n")
    )
    managers = _managers_by_team()
    per_hour = value.value_per_hour(deal.amount, request.expected_uplift, request.estimate_hours)
    facts = triage.RequestFacts(
        estimate_hours=request.estimate_hours,
        needed_by=request.needed_by,
        today=today,
        skill_ids=tuple(s.pk for s in skills),
        skill_names={s.pk: str(s) for s in skills},
        requester_id=request.requester_id,
        requester_name=str(request.requester),
        requester_is_executive=request.requester.is_executive,
        is_key_account=account.is_key_account,
        rule_names=_rules_matching(request),
        is_duty=request.is_duty,
        value_per_hour=per_hour,
    )
    engineer_facts = [
        triage.EngineerFacts(
            engineer_id=e.pk,
            name=str(e),
            weekly_capacity=e.weekly_capacity_hours,
            committed_hours=committed.get(e.pk, ZERO),
            skill_levels=levels.get(e.pk, {}),
            past_same_kind_done=same_kind.get(e.pk, 0),
            manager_ids=managers.get(e.team_id, frozenset()) if e.team_id else frozenset(),
            familiarity=familiarity.get(e.pk, 0),
            won_supported=won.get(e.pk, 0),
            commitments=tuple(items.get(e.pk, [])),
        )
        for e in engineers
    ]
    return TriageInputs(facts, engineer_facts)


def plan_knowledge(user: User, request: SupportRequest, limit: int = 5) -> list[Any]:
    """Knowledge items that help with an accepted-with-a-plan request: its words, its type and the deal's industry.

    Only items the person deciding can see (restricted items stay hidden), so the plan never links to a 404.
    """

    text = f"{request.description} {request.get_kind_display()}"
    return suggestions_for_text(user, text, request.opportunity.account.industry, limit=limit)


# --- the deal page's presales work panel -------------------------------------------------------

DEAL_PANEL_ACTIVITIES = 5


def deal_work(opportunity: Opportunity) -> dict[str, Any]:
    """The last activities and the open support requests of a deal the person has opened (all visible to them), in
    two queries."""

    activities = list(
        access.work_on_opened_deal(opportunity, Activity.objects.all())
        .select_related("owner")
        .order_by("-date", "-pk")[:DEAL_PANEL_ACTIVITIES]
    )
    requests = list(
        access.work_on_opened_deal(opportunity, SupportRequest.objects.all())
        .exclude(status__in=CLOSED_STATUSES)
        .select_related("assignee", "requester")
        .order_by("needed_by", "pk")
    )
    return {"activities": activities, "open_requests": requests}


# --- week grids and workload ----------------------------------------------------------------------


def week_days(start: datetime.date) -> list[datetime.date]:
    return [start + datetime.timedelta(days=i) for i in range(7)]


def person_week(activities: Any, person: User, start: datetime.date) -> list[dict[str, Any]]:
    """One person's activities (owned or joined) from Monday to Sunday, one cell per day, in one query."""
    end = start + datetime.timedelta(days=6)
    rows = list(
        activities.filter(Q(owner=person) | Q(participants=person), date__gte=start, date__lte=end)
        .distinct()
        .select_related("opportunity", "account")
        .order_by("date", "pk")
    )
    days = []
    for day in week_days(start):
        entries = [a for a in rows if a.date == day]
        days.append({"date": day, "activities": entries, "hours": sum((a.hours for a in entries), ZERO)})
    return days


def team_week(activities: Any, people: list[User], start: datetime.date) -> list[dict[str, Any]]:
    """Hours per person per day for a week, from one aggregated query."""
    end = start + datetime.timedelta(days=6)
    totals: dict[tuple[int, datetime.date], dict[str, Any]] = {}
    for row in (
        activities.filter(owner__in=people, date__gte=start, date__lte=end)
        .order_by()
        .values("owner_id", "date")
        .annotate(hours=Sum("hours"), count=Count("pk"))
    ):
        totals[(row["owner_id"], row["date"])] = row
    grid = []
    for person in people:
        cells = [totals.get((person.pk, day), {"hours": ZERO, "count": 0}) for day in week_days(start)]
        grid.append({"person": person, "cells": cells, "hours": sum((c["hours"] for c in cells), ZERO)})
    return grid


def load_level(committed: Decimal, capacity: Decimal) -> str:
    """The colour of a workload cell: free, busy (over 80 %), or over capacity."""
    if capacity <= 0:
        return "over" if committed > 0 else "free"
    ratio = committed / capacity
    if ratio > 1:
        return "over"
    if ratio >= Decimal("0.8"):
        return "busy"
    return "free"


def workload(engineers: list[User], today: datetime.date | None = None, weeks: int = WORKLOAD_WEEKS) -> dict[str, Any]:
    """Committed hours against capacity per engineer per week for the next weeks (two aggregated queries)."""
    today = today or timezone.localdate()
    first = week_start(today)
    starts = [first + datetime.timedelta(weeks=i) for i in range(weeks)]
    last = starts[-1] + datetime.timedelta(days=6)
    ids = [e.pk for e in engineers]
    hours: dict[tuple[int, datetime.date], Decimal] = defaultdict(lambda: ZERO)
    # Activities (planned and done) count in their week; planned work of a committed request counts with it.
    for row in (
        Activity.objects.filter(owner_id__in=ids, date__gte=first, date__lte=last)
        .exclude(status=ActivityStatus.PLANNED, request__status__in=COMMITTED_STATUSES)
        .order_by()
        .values("owner_id", "date")
        .annotate(hours=Sum("hours"))
    ):
        hours[(row["owner_id"], week_start(row["date"]))] += row["hours"]
    # Outstanding hours of committed requests spread over the working days until they are due.
    for row in (
        SupportRequest.objects.committed()
        .filter(assignee_id__in=ids)
        .annotate(
            logged=Coalesce(
                Sum("activities__hours", filter=Q(activities__status=ActivityStatus.DONE)),
                Value(ZERO),
                output_field=HOURS,
            )
        )
        .values("assignee_id", "needed_by", "estimate_hours", "logged")
    ):
        outstanding = _outstanding(row)
        if outstanding <= 0:
            continue
        due = max(row["needed_by"], today)
        total_days = triage.working_days(today, due) or 1
        for start in starts:
            window_from = max(start, today)
            window_to = min(start + datetime.timedelta(days=6), due)
            days = triage.working_days(window_from, window_to) if window_from <= window_to else 0
            if row["needed_by"] < today and start == first:
                days = total_days  # overdue work lands in the current week
            if days:
                hours[(row["assignee_id"], start)] += outstanding * days / total_days
    rows = []
    for engineer in engineers:
        cells = []
        for start in starts:
            committed = hours[(engineer.pk, start)].quantize(Decimal("0.1"))
            capacity = engineer.weekly_capacity_hours
            cells.append(
                {"week": start, "committed": committed, "capacity": capacity, "level": load_level(committed, capacity)}
            )
        rows.append({"engineer": engineer, "cells": cells})
    return {"weeks": starts, "rows": rows}
