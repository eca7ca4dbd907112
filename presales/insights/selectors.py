"""Dashboard figures (docs/domain.md, Deal figures), each aggregated in the database over what the person can see.

Every function takes the person and an `InsightFilters` and returns a list of plain row dicts (one per bar,
month, person...). The rows are few (stages, months, people, kinds) whatever the number of deals; merging
two aggregated results by key is the only Python work, never a loop over deals, steps or activities.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.translation import gettext as _

from presales.core.dates import WeekStart
from presales.currencies.rates import in_company_currency
from presales.customers.models import Industry, Region
from presales.deals import health
from presales.deals.models import (
    OPEN_STATUSES,
    DealStep,
    Opportunity,
    OpportunityCompetitor,
    Outcome,
    OutcomeReason,
)
from presales.deals.selectors import model_weighted_amount, weighted_amount
from presales.insights.forms import InsightFilters
from presales.insights.scope import in_scope
from presales.people.models import Role, User
from presales.playbook.models import Stage, StepDefinition, StepRole
from presales.scoring.selectors import influenced_revenue_by_engineer
from presales.work.models import CLOSED_STATUSES, Activity, ActivityStatus, RequestStatus, SupportRequest, WorkType

MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=20, decimal_places=2)
ZERO = Value(Decimal(0), output_field=MONEY)
STALLED_AFTER_DAYS = 30
PRESALES_PEOPLE = (Role.PRESALES, Role.PRESALES_MANAGER)


def win_rate(won: int, lost: int) -> float | None:
    """Won / (won + lost) in percent, one decimal (abandoned deals do not count); None when nothing closed."""
    decided = won + lost
    return round(100 * won / decided, 1) if decided else None


def _weighted(use_model: bool = False) -> ExpressionWrapper:
    """amount × probability: the win model's where `use_model` (a model is in use: it beat the stage defaults on the
    hold-out), else each deal's own (its stage default unless changed)."""
    return model_weighted_amount() if use_model else weighted_amount()


def _pipeline(f: InsightFilters, expression: Any = "amount") -> Coalesce:
    """Σ of open amounts in the company currency, at today's rates (docs/domain.md, Money)."""
    return Coalesce(Sum(in_company_currency(expression, on=f.as_of), output_field=MONEY), ZERO)


def _closed_money(extra: Q) -> Coalesce:
    """Σ of closed amounts in the company currency, each at the rate of its close date."""
    return Coalesce(Sum(in_company_currency("amount", on="closed_on"), filter=extra, output_field=MONEY), ZERO)


# --- The querysets every figure starts from --------------------------------------------------------


def deals(user: User, f: InsightFilters) -> QuerySet[Opportunity]:
    """Deals the person can see, narrowed to the team, industry and region asked for."""
    return in_scope(Opportunity.objects.visible_to(user), f, team=("team", "presales_team"), account="account")


def closed_deals(user: User, f: InsightFilters) -> QuerySet[Opportunity]:
    """Deals won or lost (abandoned excluded: docs/domain.md, Deal figures) with a close date in the period."""
    return deals(user, f).filter(outcome__in=(Outcome.WON, Outcome.LOST), closed_on__range=(f.start, f.end))


def activities(user: User, f: InsightFilters) -> QuerySet[Activity]:
    queryset = Activity.objects.visible_to(user).filter(date__range=(f.start, f.end))
    return in_scope(queryset, f, team=("owner__team",), account="account")


def support_requests(user: User, f: InsightFilters) -> QuerySet[SupportRequest]:
    queryset = SupportRequest.objects.visible_to(user).filter(created_at__date__range=(f.start, f.end))
    team = ("assignee__team", "opportunity__team", "opportunity__presales_team")
    return in_scope(queryset, f, team=team, account="opportunity__account")


# --- Sales manager -----------------------------------------------------------------------------------


def pipeline_funnel(user: User, f: InsightFilters, *, use_model: bool = False) -> list[dict[str, Any]]:
    """Open deals per stage, both process views, closing in the period: count, amount, weighted amount (by the win
    model's probabilities with `use_model`)."""
    totals = {
        row["stage_id"]: row
        for row in deals(user, f)
        .filter(outcome=Outcome.OPEN, expected_close_date__range=(f.start, f.end))
        .values("stage_id")
        .annotate(count=Count("pk"), pipeline=_pipeline(f), weighted=_pipeline(f, _weighted(use_model)))
    }
    rows = []
    for stage in Stage.objects.order_by("number"):
        row = totals.get(stage.pk, {})
        rows.append(
            {
                "number": stage.number,
                "stage_id": stage.pk,
                "stage": stage.label,
                "customer": stage.customer,
                "vendor": stage.vendor,
                "count": row.get("count", 0),
                "amount": row.get("pipeline", Decimal(0)),
                "weighted": row.get("weighted", Decimal(0)),
            }
        )
    return rows


def forecast_by_month(user: User, f: InsightFilters, *, use_model: bool = False) -> list[dict[str, Any]]:
    """Open pipeline and weighted pipeline (Σ amount × probability) by expected close month (the win model's
    probabilities with `use_model`)."""
    return [
        {"month": row["month"], "count": row["count"], "amount": row["pipeline"], "weighted": row["weighted"]}
        for row in deals(user, f)
        .filter(outcome=Outcome.OPEN, expected_close_date__range=(f.start, f.end))
        .annotate(month=TruncMonth("expected_close_date"))
        .values("month")
        .annotate(count=Count("pk"), pipeline=_pipeline(f), weighted=_pipeline(f, _weighted(use_model)))
        .order_by("month")
    ]


def win_rate_trend(user: User, f: InsightFilters) -> list[dict[str, Any]]:
    """Won, lost and win rate by the month deals closed."""
    rows = (
        closed_deals(user, f)
        .annotate(month=TruncMonth("closed_on"))
        .values("month")
        .annotate(won=Count("pk", filter=Q(outcome=Outcome.WON)), lost=Count("pk", filter=Q(outcome=Outcome.LOST)))
        .order_by("month")
    )
    return [{**row, "win_rate": win_rate(row["won"], row["lost"])} for row in rows]


def deals_at_risk(user: User, f: InsightFilters, limit: int = 25) -> list[dict[str, Any]]:
    """Open deals with overdue steps, unanswered qualification steps of stages already reached, or a stalled stage.

    The risks are read from the deal's health columns (deals.health); the overdue steps of the rows shown are
    counted in one grouped query over those rows."""
    today = f.as_of
    stalled_before = datetime.datetime.combine(
        today - datetime.timedelta(days=STALLED_AFTER_DAYS), datetime.time.min, tzinfo=datetime.UTC
    )
    at_risk = list(
        deals(user, f)
        .filter(outcome=Outcome.OPEN)
        .filter(health.overdue(today) | health.missing_qualification() | health.stalled(stalled_before))
        .select_related("account", "stage", "sales_owner")
        .order_by("-amount", "pk")[:limit]
    )
    overdue = dict(
        DealStep.objects.filter(
            opportunity__in=[deal.pk for deal in at_risk], status__in=OPEN_STATUSES, due_date__lt=today
        )
        .values("opportunity")
        .annotate(count=Count("pk"))
        .values_list("opportunity", "count")
    )
    return [
        {
            "url": deal.get_absolute_url(),
            "name": deal.name,
            "account": str(deal.account),
            "stage": deal.stage.label,
            "owner": str(deal.sales_owner),
            "amount": deal.amount,
            "currency": deal.currency,
            "overdue": overdue.get(deal.pk, 0),
            "missing": deal.missing_qualification_steps,
            "stage_days": (today - deal.stage_entered_at.date()).days,
            "stalled": deal.stage_entered_at < stalled_before,
        }
        for deal in at_risk
    ]


def risk_counts(user: User, f: InsightFilters) -> dict[str, int]:
    """How many open deals carry each risk (a deal can carry several): the deal list's `risk` filter's conditions."""
    return (
        deals(user, f)
        .filter(outcome=Outcome.OPEN)
        .aggregate(
            open=Count("pk"),
            overdue=Count("pk", filter=health.overdue(f.as_of)),
            missing=Count("pk", filter=health.missing_qualification()),
        )
    )


# --- Presales manager ---------------------------------------------------------------------------------


def workload_by_week(user: User, f: InsightFilters) -> list[dict[str, Any]]:
    """Hours of presales work (done and planned) per engineer and week, against the engineer's weekly capacity."""
    # Summed per engineer and week (from Monday) in SQL with the database's own date functions (core.dates.WeekStart;
    # TruncWeek calls back into Python once per row on SQLite).
    weeks = (
        activities(user, f)
        .filter(owner__role__in=PRESALES_PEOPLE)
        .annotate(week=WeekStart("date"))
        .values("owner_id", "owner__display_name", "owner__username", "owner__weekly_capacity_hours", "week")
        .annotate(
            total_hours=Sum("hours"),
            done=Coalesce(Sum("hours", filter=Q(status=ActivityStatus.DONE)), Decimal(0)),
            planned=Coalesce(Sum("hours", filter=Q(status=ActivityStatus.PLANNED)), Decimal(0)),
        )
        .order_by()
    )
    ordered = sorted(weeks, key=lambda w: (w["week"], w["owner__display_name"], w["owner__username"], w["owner_id"]))
    result = []
    for week in ordered:
        capacity = week["owner__weekly_capacity_hours"] or Decimal(0)
        hours = week["total_hours"] or Decimal(0)
        result.append(
            {
                "engineer_id": week["owner_id"],
                "engineer": week["owner__display_name"] or week["owner__username"],
                "week": week["week"],
                "hours": hours,
                "done": week["done"],
                "planned": week["planned"],
                "capacity": capacity,
                "load": round(100 * hours / capacity) if capacity else None,
            }
        )
    return result


def request_volume(user: User, f: InsightFilters) -> list[dict[str, Any]]:
    """Requests per month asked: how many, how many done/declined, average hours to triage and to finish."""
    history = SupportRequest.history.model
    finished = history.objects.filter(id=OuterRef("pk"), status=RequestStatus.DONE).order_by("history_date")
    rows = (
        support_requests(user, f)
        .annotate(
            month=TruncMonth("created_at"),
            finished_at=Subquery(finished.values("history_date")[:1]),
        )
        .values("month")
        .annotate(
            count=Count("pk"),
            done=Count("pk", filter=Q(status=RequestStatus.DONE)),
            declined=Count("pk", filter=Q(status=RequestStatus.DECLINED)),
            waiting=Count("pk", filter=Q(status__in=(RequestStatus.NEW, RequestStatus.TRIAGED))),
            triage_total=Sum(_duration("triaged_at", "created_at"), filter=Q(triaged_at__isnull=False)),
            triaged=Count("pk", filter=Q(triaged_at__isnull=False)),
            finish_total=Sum(_duration("finished_at", "created_at"), filter=Q(finished_at__isnull=False)),
            finished=Count("pk", filter=Q(finished_at__isnull=False)),
        )
        .order_by("month")
    )
    result = []
    for row in rows:
        result.append(
            {
                "month": row["month"],
                "count": row["count"],
                "done": row["done"],
                "declined": row["declined"],
                "waiting": row["waiting"],
                "hours_to_triage": _average_hours(row["triage_total"], row["triaged"]),
                "hours_to_finish": _average_hours(row["finish_total"], row["finished"]),
            }
        )
    return result


def _duration(later: str, earlier: str) -> Any:
    from django.db.models import DurationField

    return ExpressionWrapper(F(later) - F(earlier), output_field=DurationField())


def _average_hours(total: datetime.timedelta | None, count: int) -> float | None:
    if not count or total is None:
        return None
    return round(total.total_seconds() / 3600 / count, 1)


def win_rate_by_support(user: User, f: InsightFilters) -> list[dict[str, Any]]:
    """Win rate of closed deals with presales support against those without (docs/domain.md, Deal figures)."""
    totals = (
        closed_deals(user, f)
        .annotate(supported=Exists(Activity.objects.filter(opportunity=OuterRef("pk"))))
        .aggregate(
            won_with=Count("pk", filter=Q(outcome=Outcome.WON) & (Q(presales_lead__isnull=False) | Q(supported=True))),
            lost_with=Count(
                "pk", filter=Q(outcome=Outcome.LOST) & (Q(presales_lead__isnull=False) | Q(supported=True))
            ),
            won_without=Count("pk", filter=Q(outcome=Outcome.WON, presales_lead__isnull=True, supported=False)),
            lost_without=Count("pk", filter=Q(outcome=Outcome.LOST, presales_lead__isnull=True, supported=False)),
        )
    )
    return [
        {
            "key": "with",
            "won": totals["won_with"],
            "lost": totals["lost_with"],
            "win_rate": win_rate(totals["won_with"], totals["lost_with"]),
        },
        {
            "key": "without",
            "won": totals["won_without"],
            "lost": totals["lost_without"],
            "win_rate": win_rate(totals["won_without"], totals["lost_without"]),
        },
    ]


def influenced_revenue(user: User, f: InsightFilters) -> list[dict[str, Any]]:
    """Influenced revenue per engineer over the won deals closed in the period that the person sees, in the company
    currency: the scorecards' own computation (`scoring.selectors.influenced_revenue_by_engineer`), not a copy."""
    won = closed_deals(user, f).filter(outcome=Outcome.WON).values("pk")
    return influenced_revenue_by_engineer(won)


def _step_stage() -> Subquery:
    return Subquery(StepDefinition.objects.filter(key=OuterRef("step_key")).values("stage__number")[:1])


def activity_mix(user: User, f: InsightFilters) -> list[dict[str, Any]]:
    """Per activity type: activities and hours in the period, and the win rate of closed deals that had one."""
    mix = {
        row["kind"]: row
        for row in activities(user, f).values("kind").annotate(count=Count("pk"), total_hours=Sum("hours"))
    }
    closed = closed_deals(user, f).values("pk")
    results = {
        row["kind"]: row
        for row in Activity.objects.filter(opportunity__in=closed)
        .values("kind")
        .annotate(
            won=Count("opportunity", distinct=True, filter=Q(opportunity__outcome=Outcome.WON)),
            lost=Count("opportunity", distinct=True, filter=Q(opportunity__outcome=Outcome.LOST)),
        )
    }
    rows = []
    for kind, label in WorkType.choices:
        activity_row = mix.get(kind, {})
        result_row = results.get(kind, {})
        if not activity_row and not result_row:
            continue
        won, lost = result_row.get("won", 0), result_row.get("lost", 0)
        rows.append(
            {
                "kind": kind,
                "label": str(label),
                "count": activity_row.get("count", 0),
                "hours": activity_row.get("total_hours") or Decimal(0),
                "won": won,
                "lost": lost,
                "win_rate": win_rate(won, lost),
            }
        )
    return rows


def win_rate_by_activity_stage(user: User, f: InsightFilters) -> list[dict[str, Any]]:
    """Win rate of closed deals by the activity type and the stage of the playbook step the activity served."""
    closed = closed_deals(user, f).values("pk")
    labels = dict(WorkType.choices)
    rows = (
        Activity.objects.filter(opportunity__in=closed)
        .annotate(stage_number=_step_stage())
        .values("kind", "stage_number")
        .annotate(
            won=Count("opportunity", distinct=True, filter=Q(opportunity__outcome=Outcome.WON)),
            lost=Count("opportunity", distinct=True, filter=Q(opportunity__outcome=Outcome.LOST)),
        )
        .order_by("stage_number", "kind")
    )
    return [
        {
            "kind": row["kind"],
            "label": str(labels.get(row["kind"], row["kind"])),
            "stage": row["stage_number"],
            "won": row["won"],
            "lost": row["lost"],
            "win_rate": win_rate(row["won"], row["lost"]),
        }
        for row in rows
    ]


def overdue_steps_by_person(user: User, f: InsightFilters) -> list[dict[str, Any]]:
    """Open steps past their due date on open deals, per responsible role and person."""

    roles = dict(StepRole.choices)
    rows = (
        DealStep.objects.overdue(f.as_of)
        .filter(opportunity__in=deals(user, f).values("pk"))
        .values("definition__responsible_role", "responsible_id", "responsible__display_name", "responsible__username")
        .annotate(count=Count("pk"))
        .order_by("-count", "responsible__display_name")
    )
    return [
        {
            "role": str(roles.get(row["definition__responsible_role"], row["definition__responsible_role"])),
            "role_key": row["definition__responsible_role"],
            "person_id": row["responsible_id"],
            "person": row["responsible__display_name"] or row["responsible__username"],
            "count": row["count"],
        }
        for row in rows
    ]


# --- My week ----------------------------------------------------------------------------------------


def week_bounds(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    monday = today - datetime.timedelta(days=today.weekday())
    return monday, monday + datetime.timedelta(days=6)


def my_steps_due(user: User, f: InsightFilters, limit: int = 20) -> list[DealStep]:
    """My actionable steps due by the end of this week (overdue ones first; upcoming steps have no due date)."""
    _monday, sunday = week_bounds(f.as_of)
    return list(
        DealStep.objects.actionable()
        .filter(responsible=user, due_date__lte=sunday)
        .select_related("opportunity", "definition")
        .order_by("due_date", "pk")[:limit]
    )


def my_requests(user: User, f: InsightFilters, limit: int = 20) -> list[SupportRequest]:
    """Requests I work on or asked for that are not finished."""

    return list(
        SupportRequest.objects.filter(Q(assignee=user) | Q(requester=user))
        .exclude(status__in=CLOSED_STATUSES)
        .select_related("opportunity", "requester", "assignee")
        .order_by("needed_by", "pk")[:limit]
    )


def my_visits(user: User, f: InsightFilters, weeks: int = 8) -> list[dict[str, Any]]:
    """On-site customer visits I owned or joined per week for the last weeks, against my weekly quota."""
    monday, sunday = week_bounds(f.as_of)
    first = monday - datetime.timedelta(weeks=weeks - 1)
    counts = {
        row["week"]: row["count"]
        for row in Activity.objects.filter(
            Q(owner=user) | Q(participants=user),
            kind=WorkType.ON_SITE_VISIT,
            status=ActivityStatus.DONE,
            date__range=(first, sunday),
        )
        .annotate(week=WeekStart("date"))
        .values("week")
        .annotate(count=Count("pk", distinct=True))
    }
    return [
        {
            "week": first + datetime.timedelta(weeks=index),
            "visits": counts.get(first + datetime.timedelta(weeks=index), 0),
            "quota": user.weekly_visit_quota,
        }
        for index in range(weeks)
    ]


def my_hours(user: User, f: InsightFilters) -> dict[str, Any]:
    """This week's hours of my activities (done and planned) against my capacity."""
    monday, sunday = week_bounds(f.as_of)
    totals = Activity.objects.filter(owner=user, date__range=(monday, sunday)).aggregate(
        done=Coalesce(Sum("hours", filter=Q(status=ActivityStatus.DONE)), Decimal(0)),
        planned=Coalesce(Sum("hours", filter=Q(status=ActivityStatus.PLANNED)), Decimal(0)),
    )
    return {**totals, "capacity": user.weekly_capacity_hours}


# --- Win / loss -------------------------------------------------------------------------------------


def outcome_reasons(user: User, f: InsightFilters, limit: int = 15) -> list[dict[str, Any]]:
    """Closed deals grouped by their reason from the managed list (named in the reader's language), most frequent
    first, with how many were won and lost for each. Deals closed with only a typed reason that names no listed one
    form one row, "Not from the list" (`reason_id` "none"); deals with no reason at all are left out."""
    counts = {
        "count": Count("pk"),
        "won": Count("pk", filter=Q(outcome=Outcome.WON)),
        "lost": Count("pk", filter=Q(outcome=Outcome.LOST)),
    }
    closed = closed_deals(user, f)
    grouped = list(closed.filter(win_loss_reason__isnull=False).values("win_loss_reason").annotate(**counts).order_by())
    names = {
        reason.pk: str(reason)
        for reason in OutcomeReason.objects.filter(pk__in=[row["win_loss_reason"] for row in grouped])
    }
    rows = [
        {
            "reason": names[row["win_loss_reason"]],
            "reason_id": str(row["win_loss_reason"]),
            **{k: row[k] for k in counts},
        }
        for row in grouped
    ]
    typed = closed.filter(win_loss_reason__isnull=True).exclude(outcome_reason="").aggregate(**counts)
    if typed["count"]:
        rows.append({"reason": str(_("Not from the list")), "reason_id": "none", **typed})
    rows.sort(key=lambda row: (-row["count"], row["reason"]))
    return rows[:limit]


def competitor_win_rates(user: User, f: InsightFilters) -> list[dict[str, Any]]:
    """Each competitor faced in closed deals: deals, won, lost and our win rate against them."""
    rows = (
        OpportunityCompetitor.objects.filter(opportunity__in=closed_deals(user, f).values("pk"))
        .values("competitor_id", "competitor__name")
        .annotate(
            won=Count("opportunity", filter=Q(opportunity__outcome=Outcome.WON)),
            lost=Count("opportunity", filter=Q(opportunity__outcome=Outcome.LOST)),
        )
        .order_by("competitor__name")
    )
    result = [
        {
            "competitor_id": row["competitor_id"],
            "competitor": row["competitor__name"],
            "won": row["won"],
            "lost": row["lost"],
        }
        | _rate(row)
        for row in rows
    ]
    result.sort(key=lambda row: (-(row["won"] + row["lost"]), row["competitor"]))
    return result


def _rate(row: dict[str, Any]) -> dict[str, Any]:
    return {"deals": row["won"] + row["lost"], "win_rate": win_rate(row["won"], row["lost"])}


def win_rate_by(user: User, f: InsightFilters, field: str) -> list[dict[str, Any]]:
    """Won, lost and win rate of closed deals by the account's industry or region."""

    assert field in ("industry", "region")  # noqa: S101 - a programming error, not input
    labels = dict(Industry.choices if field == "industry" else Region.choices)
    rows = (
        closed_deals(user, f)
        .values(f"account__{field}")
        .annotate(
            won=Count("pk", filter=Q(outcome=Outcome.WON)),
            lost=Count("pk", filter=Q(outcome=Outcome.LOST)),
            won_amount=_closed_money(Q(outcome=Outcome.WON)),
        )
        .order_by(f"account__{field}")
    )
    return [
        {
            "key": row[f"account__{field}"],
            "label": str(labels.get(row[f"account__{field}"], row[f"account__{field}"])),
            "won": row["won"],
            "lost": row["lost"],
            "won_amount": row["won_amount"],
        }
        | _rate(row)
        for row in rows
    ]


# --- POCs (when the bids app is installed) ------------------------------------------------------------

OPEN_POC_STATUSES = ("planned", "running")


def open_pocs(poc_model: Any, user: User, f: InsightFilters, limit: int = 50) -> list[dict[str, Any]]:
    """Planned and running POCs on deals the person sees (in the team/industry/region asked), soonest end first."""
    queryset = (
        poc_model.objects.visible_to(user)
        .filter(status__in=OPEN_POC_STATUSES, opportunity__in=deals(user, f).values("pk"))
        .select_related("opportunity")
        .order_by("end_date", "pk")[:limit]
    )
    today = f.as_of
    return [
        {
            "url": poc.get_absolute_url(),
            "name": poc.title,
            "opportunity": poc.opportunity.name,
            "end_date": poc.end_date,
            "days_left": (poc.end_date - today).days,
        }
        for poc in queryset
    ]


def forecast_by_month_with_model(user: User, f: InsightFilters) -> list[dict[str, Any]]:
    """The weighted forecast by close month twice: with each deal's probability, and with the learnt model's (only
    deals the model in use scored; the others keep their own probability)."""
    return [
        {
            "month": row["month"],
            "count": row["count"],
            "amount": row["pipeline"],
            "weighted": row["weighted"],
            "model_weighted": row["model_weighted"],
        }
        for row in deals(user, f)
        .filter(outcome=Outcome.OPEN, expected_close_date__range=(f.start, f.end))
        .annotate(month=TruncMonth("expected_close_date"))
        .values("month")
        .annotate(
            count=Count("pk"),
            pipeline=_pipeline(f),
            weighted=_pipeline(f, _weighted()),
            model_weighted=_pipeline(f, _weighted(use_model=True)),
        )
        .order_by("month")
    ]
