"""Demo data for the forecast: quotas for every sales rep and team (this quarter and last, and their months), forecast
categories some reps set themselves with a note, the managers' calls, and eight weekly snapshots that differ as a real
pipeline does from week to week (deals pulled in and pushed out, amounts revised, categories moved, new deals, deals
won and lost).

Everything goes through presales.forecast.services under the demo clock (presales.demo.checklists.demo_clock), so
the stamps and the history fall on the days the work happened; at the bulk sizes the quotas and categories (tens of
thousands) are the rows and history rows those services would write, inserted in batches (`_Writer`). The past snapshots are the pipeline of today wound
back week by week: a deal closed since a week was still open in it, a deal that is new since was not there yet, and
a few deals each week had another close date, amount or category.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from presales.core.bulkinsert import create_with_history
from presales.core.history import attribute_change
from presales.deals.models import Opportunity, Outcome
from presales.demo.checklists import demo_clock
from presales.forecast import selectors, services
from presales.forecast.models import OPEN_CATEGORIES, Category, CategoryOverride, PeriodKind, Quota
from presales.forecast.periods import Period, week_start
from presales.people.models import Role, Team, TeamKind, User

if TYPE_CHECKING:
    from presales.demo.context import DemoContext

WEEKS = 8
HUNDRED_K = Decimal("100000")
OVERRIDE_NOTES = {
    Category.COMMIT: [
        "客户口头确认本季度下单",
        "采购流程已启动,合同在法务审核",
        "预算已批,只等签字",
        "PO expected next week",
    ],
    Category.BEST_CASE: ["POC 通过,等客户内部评审", "竞争对手报价更低,仍有机会", "决策人支持,预算待确认"],
    Category.PIPELINE: ["客户预算推迟到下季度", "关键人调岗,需重新建立关系", "招标时间未定"],
}
CALL_NOTES = [
    "两个大单有风险,保守估计",
    "承诺类商机把握较大,另加部分最佳情况",
    "考虑季度末冲刺,上调判断",
    "Commit is solid",
]


def _round(amount: Decimal) -> Decimal:
    return max(HUNDRED_K, (amount / HUNDRED_K).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * HUNDRED_K)


def _at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))
    return min(moment, timezone.now())


def _quota_setter(ctx: DemoContext, team_parent_manager: User | None) -> User:
    return team_parent_manager or ctx.admin or User.objects.filter(role=Role.ADMIN).first()  # type: ignore[return-value]


class _Writer:
    """Sets quotas and categories through the services (the small demo), or, at the bulk sizes (tens of thousands of
    them), writes the rows those services would write: the same values and the same history row naming who set it and
    when (core.bulkinsert.create_with_history), in batches grouped by the demo clock's moment."""

    def __init__(self, ctx: DemoContext):
        self.bulk = not ctx.spec.use_services
        self.pending: dict[tuple[type, datetime.datetime], list[Any]] = defaultdict(list)

    def quota(self, moment: datetime.datetime, *, actor: User, period: Period, amount: Decimal, **whose: Any) -> None:
        if not self.bulk:
            with demo_clock(moment):
                services.quota_set(actor=actor, period=period, amount=amount, **whose)
            return
        row = Quota(person=whose.get("person"), team=whose.get("team"), period_kind=period.kind)
        row.period_start, row.amount = period.start, amount
        self._add(moment, row, actor)

    def category(
        self, moment: datetime.datetime, *, actor: User, opportunity: Opportunity, category: str, note: str
    ) -> None:
        if not self.bulk:
            with demo_clock(moment):
                services.category_override_set(actor=actor, opportunity=opportunity, category=category, note=note)
            return
        self._add(moment, CategoryOverride(opportunity=opportunity, category=category, note=note, set_by=actor), actor)

    def _add(self, moment: datetime.datetime, row: Any, actor: User) -> None:
        attribute_change(row, actor=actor)
        row._history_date = moment
        self.pending[(type(row), moment)].append(row)

    def flush(self) -> None:
        for (model, moment), rows in self.pending.items():
            with demo_clock(moment):  # the rows' created and updated stamps
                create_with_history(rows, model, actor=None, now=moment)
        self.pending.clear()


def _quotas(ctx: DemoContext) -> int:
    """Quarter quotas from the annual targets (this quarter and the last), the months' as thirds; a team's is its
    people's plus a stretch."""
    this_quarter = Period.containing(PeriodKind.QUARTER, ctx.today)
    count = 0
    writer = _Writer(ctx)
    for info in ctx.sales_teams:
        team = info.team
        parent_manager = team.parent.manager if team.parent_id and team.parent else None
        team_manager = ctx.managers_by_team.get(team.pk)
        for quarter in (this_quarter.shifted(-1), this_quarter):
            team_total = Decimal(0)
            for person in info.sellers:
                target = person.revenue_target or Decimal("12000000")
                quarterly = _round(target / 4 * Decimal(ctx.rng.choice(["0.9", "1", "1", "1.1"])))
                setter = team_manager if team_manager and team_manager.pk != person.pk else None
                setter = setter or _quota_setter(ctx, parent_manager)
                moment = _at(quarter.start - datetime.timedelta(days=3))
                writer.quota(moment, actor=setter, period=quarter, amount=quarterly, person=person)
                for month in quarter.month_periods():
                    writer.quota(moment, actor=setter, period=month, amount=_round(quarterly / 3), person=person)
                team_total += quarterly
                count += 4
            writer.quota(
                _at(quarter.start - datetime.timedelta(days=4)),
                actor=_quota_setter(ctx, parent_manager),
                period=quarter,
                amount=_round(team_total * Decimal("1.05")),
                team=team,
            )
            count += 1
    writer.flush()  # the departments' quotas below are the sums of these
    # The departments above the regional teams: the sum of their teams' quotas, set by the administrator.
    parents: dict[int, list[Team]] = {}
    for info in ctx.sales_teams:
        if info.team.parent_id and info.team.parent is not None and info.team.parent.kind == TeamKind.SALES:
            parents.setdefault(info.team.parent_id, []).append(info.team)
    for children in parents.values():
        parent = children[0].parent
        for quarter in (this_quarter.shifted(-1), this_quarter):
            total = sum(
                (
                    quota.amount
                    for quota in Quota.objects.filter(
                        team__in=children, period_kind=quarter.kind, period_start=quarter.start
                    )
                ),
                Decimal(0),
            )
            with demo_clock(_at(quarter.start - datetime.timedelta(days=5))):
                services.quota_set(actor=_quota_setter(ctx, None), period=quarter, amount=_round(total), team=parent)
            count += 1
    return count


def _overrides(ctx: DemoContext) -> int:
    """About one open deal in eight put in another category by its owner, with a note, in the last weeks."""
    rng = ctx.rng
    categories = selectors.stage_categories()
    deals = list(
        Opportunity.objects.filter(outcome=Outcome.OPEN, stage__is_after_sale=False)
        .select_related("sales_owner", "stage")
        .order_by("pk")
    )
    chosen = rng.sample(deals, k=max(3, len(deals) // 8)) if deals else []
    writer = _Writer(ctx)
    for deal in chosen:
        default = categories[deal.stage_id]
        category = rng.choice([c for c in OPEN_CATEGORIES if c != default])
        writer.category(
            _at(ctx.today - datetime.timedelta(days=rng.randint(1, 20)), rng.randint(9, 18)),
            actor=deal.sales_owner,
            opportunity=deal,
            category=category,
            note=rng.choice(OVERRIDE_NOTES[category]),
        )
    writer.flush()
    return len(chosen)


def _calls(ctx: DemoContext) -> int:
    """Each team manager's call for this quarter and this month: the reps' closed and commit, adjusted."""
    count = 0
    quarter = Period.containing(PeriodKind.QUARTER, ctx.today)
    month = Period.containing(PeriodKind.MONTH, ctx.today)
    for info in ctx.sales_teams:
        manager = ctx.managers_by_team.get(info.team.pk)
        if manager is None:
            continue
        for period in (quarter, month):
            rollup = selectors.rollup(manager, period, ctx.today)
            block = next((b for b in rollup.blocks if b.team is not None and b.team.pk == info.team.pk), None)
            if block is None or block.total is None:
                continue
            best_case = block.total.amounts[Category.BEST_CASE]
            amount = block.total.reps_forecast * Decimal(ctx.rng.choice(["0.85", "0.9", "1"])) + best_case * Decimal(
                ctx.rng.choice(["0.2", "0.3", "0.5"])
            )
            with demo_clock(_at(ctx.today - datetime.timedelta(days=ctx.rng.randint(0, 6)), 17)):
                services.manager_call_set(
                    actor=manager, team=info.team, period=period, amount=_round(amount), note=ctx.rng.choice(CALL_NOTES)
                )
            count += 1
    return count


def _wind_back(
    ctx: DemoContext, entries: dict[int, selectors.Entry], since: datetime.date, until: datetime.date, closed: dict
) -> dict[int, selectors.Entry]:
    """The pipeline a week earlier: deals closed in [since, until) open again, a few new ones not there yet, a few
    with another close date, amount or category."""
    rng = ctx.rng
    earlier = dict(entries)
    for pk, (outcome, closed_on, entry) in closed.items():
        if since <= closed_on < until:
            category = (
                Category.COMMIT if outcome == Outcome.WON else rng.choice([Category.PIPELINE, Category.BEST_CASE])
            )
            earlier[pk] = dataclasses.replace(
                entry, category=category, expected_close_date=closed_on + datetime.timedelta(days=rng.randint(0, 20))
            )
    keys = sorted(pk for pk in entries)
    if not keys:
        return earlier
    for pk in rng.sample(keys, k=min(len(keys), rng.randint(1, 3))):
        earlier.pop(pk, None)  # new since that week
    for pk in rng.sample(keys, k=min(len(keys), rng.randint(3, 6))):
        entry = earlier.get(pk)
        if entry is None:
            continue
        change = rng.choice(["date", "amount", "category", "date_amount"])
        if "date" in change:
            shift = datetime.timedelta(days=rng.choice([-30, -21, -14, 14, 21, 30, 45]))
            entry = dataclasses.replace(entry, expected_close_date=entry.expected_close_date + shift)
        if "amount" in change:
            factor = Decimal(rng.choice(["0.8", "0.9", "1.1", "1.2", "1.25"]))
            entry = dataclasses.replace(entry, amount=(entry.amount * factor).quantize(Decimal("0.01")))
        if change == "category":
            entry = dataclasses.replace(entry, category=rng.choice([c for c in OPEN_CATEGORIES if c != entry.category]))
        earlier[pk] = entry
    return earlier


def _snapshots(ctx: DemoContext) -> int:
    """The snapshots of the last eight weeks, oldest first, each recorded on its Monday morning."""
    this_week = week_start(ctx.today)
    first_week = this_week - datetime.timedelta(weeks=WEEKS)
    now = selectors.live_entries(Opportunity.objects.all(), ctx.today)
    closed = {}
    for deal in (
        Opportunity.objects.filter(outcome__in=(Outcome.WON, Outcome.LOST), closed_on__gte=first_week)
        .annotate(
            forecast_category=selectors.category_expression(), company_amount=selectors.money_expression(ctx.today)
        )
        .order_by("pk")
    ):
        entry = selectors.Entry(
            deal.forecast_category,  # type: ignore[attr-defined]  # annotated above
            deal.company_amount or Decimal(0),  # type: ignore[attr-defined]  # annotated above
            deal.expected_close_date,
            deal.stage_id,
            deal.sales_owner_id,
            deal.team_id,
        )
        closed[deal.pk] = (deal.outcome, deal.closed_on, entry)
    weeks: list[tuple[datetime.date, dict[int, selectors.Entry]]] = []
    entries = now
    until = ctx.today + datetime.timedelta(days=1)
    for back in range(1, WEEKS + 1):
        monday = this_week - datetime.timedelta(weeks=back)
        entries = _wind_back(ctx, entries, monday, until, closed)
        until = monday
        weeks.append((monday, entries))
    for monday, week_entries in reversed(weeks):
        with demo_clock(_at(monday, 6)):
            services.snapshot_record(week=monday, entries=week_entries, taken_at=_at(monday, 6))
    return len(weeks)


def generate_forecast(ctx: DemoContext) -> None:
    ctx.counts["quotas"] = _quotas(ctx)
    ctx.counts["forecast overrides"] = _overrides(ctx)
    ctx.counts["manager calls"] = _calls(ctx)
    ctx.counts["forecast snapshots"] = _snapshots(ctx)
