"""Reads for the checklist pages: a deal's checklist and qualification, my next steps, the accountability board."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from presales.core.templatetags.presales import money
from presales.customers.models import Attitude, Contact, DecisionRole
from presales.deals.models import (
    FINISHED_STATUSES,
    DealStep,
    Opportunity,
    OpportunityCompetitor,
    Outcome,
    StepStatus,
    finished_in_week_ending,
    late_at_end_of,
)
from presales.people.models import User
from presales.playbook.answer_choices import CHOICES_BY_KIND, INVESTMENT, RISK_LEVEL, SOLVABLE, label
from presales.playbook.models import AnswerKind, StepRole


def _money(amount: Any, currency: str) -> str:
    return str(money(amount, currency)) if amount is not None else ""


def answer_summary(step: DealStep) -> str:
    """One line saying what the step captured; reads the deal's own records where the answer lives there."""
    kind = step.definition.answer_kind
    opp = step.opportunity
    parts: list[str] = []
    if kind in CHOICES_BY_KIND and step.answer_choice:
        parts.append(label(CHOICES_BY_KIND[AnswerKind(kind)], step.answer_choice))
    if kind == AnswerKind.ANALYSIS and opp.source:
        parts.insert(0, opp.source)
    if kind == AnswerKind.GO_NO_GO and step.answer_data.get("investment"):
        parts.append(_("investment: %(level)s") % {"level": label(INVESTMENT, step.answer_data["investment"])})
    if step.answer_contact_id:
        parts.append(str(step.answer_contact))
    if step.answer_date and kind != AnswerKind.SIGNED:
        parts.append(date_format(step.answer_date, "SHORT_DATE_FORMAT"))
    if step.answer_amount is not None:
        parts.append(_money(step.answer_amount, opp.currency))
    if kind == AnswerKind.PAIN_POINTS:
        parts.append("; ".join(step.answer_data.get("pains", [])))
    if kind == AnswerKind.PAIN_SOLVABLE:
        parts.append(
            "; ".join(f"{p['pain']}: {label(SOLVABLE, p['solvable'])}" for p in step.answer_data.get("pains", []))
        )
    if kind == AnswerKind.POC and step.answer_data.get("criteria"):
        parts.append(step.answer_data["criteria"])
    if kind == AnswerKind.COMPETITORS and step.status == StepStatus.DONE:
        links = list(opp.competitor_links.all())
        parts.append(
            ", ".join(f"{link.competitor}{' ▲' if link.is_ahead else ''}" for link in links) or _("no competitor")
        )
    if kind == AnswerKind.RISKS:
        parts.append(
            "; ".join(f"{r['risk']} ({label(RISK_LEVEL, r['level'])})" for r in step.answer_data.get("risks", []))
        )
    if kind == AnswerKind.ORDER_DATE and step.status == StepStatus.DONE:
        parts.append(date_format(opp.expected_close_date, "SHORT_DATE_FORMAT"))
    if kind == AnswerKind.ORDER and step.answer_data.get("order_number"):
        parts.append(_("order %(number)s") % {"number": step.answer_data["order_number"]})
    if kind == AnswerKind.SIGNED and step.status == StepStatus.DONE:
        if step.answer_date:
            parts.append(date_format(step.answer_date, "SHORT_DATE_FORMAT"))
        parts.append(_money(opp.amount, opp.currency))
    if step.answer_text and kind in (AnswerKind.SOLUTION, AnswerKind.QUOTE, AnswerKind.ORDER):
        parts.append(step.answer_text)
    return " · ".join(p for p in parts if p)


def _decorate(steps: list[DealStep], today: datetime.date) -> list[DealStep]:
    for step in steps:
        step.overdue = step.is_overdue(today)  # type: ignore[attr-defined]
        step.summary = answer_summary(step)  # type: ignore[attr-defined]
    return steps


@dataclass
class StageGroup:
    stage: Any
    steps: list[DealStep]

    @property
    def done(self) -> int:
        return sum(1 for s in self.steps if s.status in FINISHED_STATUSES)


def deal_checklist(opportunity: Opportunity) -> list[DealStep]:
    """Every step of the deal in order, with its owner, answer summary and overdue flag (fixed query count)."""
    steps = list(
        DealStep.objects.filter(opportunity=opportunity)
        .select_related("definition__stage", "responsible", "answer_contact")
        .order_by("definition__order")
    )
    # The steps' summaries read the deal's own records: load them once and share the deal instance.
    prefetch_related_objects(
        [opportunity], Prefetch("competitor_links", queryset=OpportunityCompetitor.objects.select_related("competitor"))
    )
    for step in steps:
        step.opportunity = opportunity
    return _decorate(steps, timezone.localdate())


def group_by_stage(steps: list[DealStep]) -> list[StageGroup]:
    return [StageGroup(stage, list(rows)) for stage, rows in groupby(steps, key=lambda s: s.definition.stage)]


@dataclass
class Qualification:
    """What the deal's answers say about it: what is known, what is missing, and the risks that follow."""

    known: list[tuple[str, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    risks: list[str] = field(default_factory=list)
    done: int = 0
    total: int = 0
    overdue: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def qualification(opportunity: Opportunity, steps: list[DealStep]) -> Qualification:
    """Budget, decision maker, champion, competitors, pains, solution and procurement: known or missing."""
    result = Qualification(total=len(steps))
    result.done = sum(1 for s in steps if s.status in FINISHED_STATUSES)
    result.overdue = sum(1 for s in steps if getattr(s, "overdue", False))
    by_kind: dict[str, DealStep] = {}
    for step in steps:
        by_kind.setdefault(step.definition.answer_kind, step)

    def answered(kind: str) -> DealStep | None:
        step = by_kind.get(kind)
        return step if step is not None and step.status == StepStatus.DONE else None

    budget = answered(AnswerKind.BUDGET)
    if budget:
        result.known.append((_("Budget"), budget.summary))  # type: ignore[attr-defined]
        if budget.answer_choice != "approved":
            result.risks.append(_("No approved budget."))
    else:
        result.missing.append(_("Budget"))
        result.risks.append(_("No approved budget."))
    contacts = list(
        Contact.objects.filter(account_id=opportunity.account_id).only("name", "title", "decision_role", "attitude")
    )
    deciders = [c for c in contacts if c.decision_role == DecisionRole.DECISION_MAKER]
    champions = [c for c in contacts if c.attitude == Attitude.CHAMPION]
    if deciders:
        result.known.append((_("Decision maker"), ", ".join(str(c) for c in deciders)))
    else:
        result.missing.append(_("Decision maker"))
        result.risks.append(_("No decision maker known."))
    if champions:
        result.known.append((_("Champion"), ", ".join(str(c) for c in champions)))
    else:
        result.missing.append(_("Champion"))
        result.risks.append(_("No champion inside the customer."))
    links = list(opportunity.competitor_links.all())
    if links or answered(AnswerKind.COMPETITORS):
        result.known.append((_("Competitors"), ", ".join(str(link.competitor) for link in links) or _("none known")))
    else:
        result.missing.append(_("Competitors"))
    ahead = [str(link.competitor) for link in links if link.is_ahead]
    if ahead:
        result.risks.append(_("Competitor ahead: %(names)s.") % {"names": ", ".join(ahead)})
    for kind, title in (
        (AnswerKind.PAIN_POINTS, _("Pain points")),
        (AnswerKind.SOLUTION, _("Solution accepted")),
        (AnswerKind.PROCUREMENT, _("Procurement method")),
    ):
        answer_step = answered(kind)
        if answer_step:
            result.known.append((title, answer_step.summary))  # type: ignore[attr-defined]
        elif kind in by_kind:
            result.missing.append(title)
    go = answered(AnswerKind.GO_NO_GO)
    if go is None and AnswerKind.GO_NO_GO in by_kind:
        result.missing.append(_("Go / no-go decision"))
    return result


def my_next_steps(user: User, *, upcoming: bool = False) -> Any:
    """The person's open steps on open deals they can see, grouped by deal.

    Actionable steps (their stage reached), the deal with the earliest due step first, so deals with overdue steps
    lead and within a deal the overdue steps come first; with `upcoming`, the steps of stages not reached yet (no
    due date), by the deal's close date and the playbook's order. A queryset: the page pages it.
    """
    mine = DealStep.objects.visible_to(user).filter(responsible=user)
    rows = mine.upcoming() if upcoming else mine.actionable()
    rows = rows.select_related("definition__stage", "opportunity__account", "opportunity__stage")
    if upcoming:
        return rows.order_by("opportunity__expected_close_date", "opportunity_id", "definition__order")
    first_due = (
        DealStep.objects.actionable()
        .filter(responsible=user, opportunity=OuterRef("opportunity"))
        .order_by()
        .values("opportunity")
        .annotate(first=Min("due_date"))
        .values("first")
    )
    return rows.annotate(deal_first_due=Subquery(first_due[:1])).order_by(
        F("deal_first_due").asc(nulls_last=True),
        "opportunity_id",
        F("due_date").asc(nulls_last=True),
        "definition__order",
    )


def mark_overdue(steps: list[DealStep], today: datetime.date | None = None) -> list[DealStep]:
    """Flag each step `overdue` and the first step of each deal `first_of_deal` (the page groups rows by deal)."""
    today = today or timezone.localdate()
    previous = None
    for step in steps:
        step.overdue = step.is_overdue(today)  # type: ignore[attr-defined]
        step.first_of_deal = step.opportunity_id != previous  # type: ignore[attr-defined]
        previous = step.opportunity_id
    return steps


@dataclass
class BoardRow:
    label: str
    open: int
    overdue: int
    user: User | None = None
    role: str = ""  # the responsible role's value (rows by role)
    upcoming: int = 0  # of the open steps, those of stages not reached yet (no due date)

    @property
    def actionable(self) -> int:
        return self.open - self.upcoming

    @property
    def query(self) -> str:
        """The step list's filter for this row (the list behind its figures)."""
        if self.role:
            return f"role={self.role}"
        return f"responsible={self.user.pk}" if self.user else "unassigned=true"

    @property
    def overdue_percent(self) -> int:
        return round(100 * self.overdue / self.open) if self.open else 0


@dataclass
class Board:
    by_role: list[BoardRow]
    by_person: list[BoardRow]
    trend: list[dict[str, Any]]
    total_open: int
    total_overdue: int
    total_upcoming: int = 0

    @property
    def total_actionable(self) -> int:
        return self.total_open - self.total_upcoming


def accountability_board(user: User, *, today: datetime.date | None = None, weeks: int = 8) -> Board:
    """Open and overdue steps by role and by person over the deals the manager sees, and an 8-week trend."""
    today = today or timezone.localdate()
    visible = DealStep.objects.visible_to(user)
    open_steps = visible.open()
    # The same rule as DealStep.objects.overdue (and the step list's "overdue"): open steps on open deals, past due.
    overdue = Q(due_date__lt=today)
    # Upcoming: of a stage the deal has not reached (no due date yet); the step list's "upcoming" state.
    upcoming = Q(actionable_since__isnull=True)
    role_labels = dict(StepRole.choices)
    by_role = [
        BoardRow(
            str(role_labels.get(row["definition__responsible_role"], row["definition__responsible_role"])),
            row["n"],
            row["late"],
            role=row["definition__responsible_role"],
            upcoming=row["later"],
        )
        for row in open_steps.values("definition__responsible_role")
        .annotate(n=Count("pk"), late=Count("pk", filter=overdue), later=Count("pk", filter=upcoming))
        .order_by("-late", "-n")
    ]
    person_rows = list(
        open_steps.values("responsible")
        .annotate(n=Count("pk"), late=Count("pk", filter=overdue), later=Count("pk", filter=upcoming))
        .order_by("-late", "-n")
    )
    people = User.objects.in_bulk([row["responsible"] for row in person_rows if row["responsible"] is not None])
    by_person = [
        BoardRow(
            str(people[row["responsible"]]), row["n"], row["late"], people[row["responsible"]], upcoming=row["later"]
        )
        if row["responsible"] is not None
        else BoardRow(_("Unassigned"), row["n"], row["late"], upcoming=row["later"])  # waiting on a manager's queue
        for row in person_rows
    ]
    # Trend: at the end of each of the last weeks, how many steps were past due and not yet finished,
    # and how many were finished that week. One query with two conditional counts per week.
    week_end = today - datetime.timedelta(days=today.weekday()) + datetime.timedelta(days=6)
    ends = [week_end - datetime.timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    aggregates = {}
    for index, end in enumerate(ends):
        # The same conditions as the step list's states "late_at" and "finished" (DealStepQuerySet).
        aggregates[f"late{index}"] = Count("pk", filter=late_at_end_of(end))
        aggregates[f"done{index}"] = Count("pk", filter=finished_in_week_ending(end))
    counts = visible.filter(opportunity__outcome=Outcome.OPEN).aggregate(**aggregates) if aggregates else {}
    total_overdue = sum(row.overdue for row in by_role)
    if ends:
        # This week is not over: its point is "overdue now", the headline's own figure, not a count of steps due by
        # Sunday (which would call steps due later this week late, and disagree with the headline).
        counts[f"late{len(ends) - 1}"] = total_overdue
    peak = max([counts.get(f"late{i}", 0) for i in range(len(ends))] + [1])
    trend = [
        {
            "week_end": end,
            "overdue": counts.get(f"late{i}", 0),
            "done": counts.get(f"done{i}", 0),
            "height": round(100 * counts.get(f"late{i}", 0) / peak),
            "current": i == len(ends) - 1,
        }
        for i, end in enumerate(ends)
    ]
    return Board(
        by_role=by_role,
        by_person=by_person,
        trend=trend,
        total_open=sum(r.open for r in by_role),
        total_overdue=total_overdue,
        total_upcoming=sum(r.upcoming for r in by_role),
    )


@dataclass
class DealSummary:
    """The top of the deal page: the step the deal waits on and the viewer's own step (one query)."""

    next_step: DealStep | None
    my_step: DealStep | None


def deal_summary(user: User, opportunity: Opportunity) -> DealSummary:
    """The deal's next open step (actionable, the earliest due, then the playbook's order) and the viewer's first
    such step, in one query over the deal's open steps (a deal has a few dozen at most)."""
    steps = list(
        DealStep.objects.filter(opportunity=opportunity)
        .actionable()
        .select_related("definition", "responsible")
        .order_by(F("due_date").asc(nulls_last=True), "definition__order")
    )
    today = timezone.localdate()
    for step in steps:
        step.opportunity = opportunity
        step.overdue = step.is_overdue(today)  # type: ignore[attr-defined]
    mine = next((step for step in steps if step.responsible_id == user.pk), None)
    return DealSummary(next_step=steps[0] if steps else None, my_step=mine)


def weighted_amount() -> ExpressionWrapper:
    """amount × the deal's own probability (its stage default unless changed): the deal list's `weighted_sum` and the
    dashboards' figures weighted by stage probability use this one expression."""
    return ExpressionWrapper(
        F("amount") * F("probability") / Decimal(100), output_field=DecimalField(max_digits=20, decimal_places=2)
    )


def model_weighted_amount() -> ExpressionWrapper:
    """amount × the win model's probability where the model scored the deal, else the deal's own probability.

    The scores (winning's `DealWinProbability`, which holds only the model in use's: a training that does not beat the
    stage defaults deletes them) are reached through their relation `win_probability`, since winning sits above deals.
    The deal list's `model_weighted_sum` and the dashboards' figures weighted by the model use this one expression."""
    percent: DecimalField = DecimalField(max_digits=7, decimal_places=3)
    probability = Coalesce(
        Cast(F("win_probability__probability") * Value(100.0), percent), Cast("probability", percent)
    )
    return ExpressionWrapper(
        F("amount") * probability / Decimal(100), output_field=DecimalField(max_digits=20, decimal_places=2)
    )
