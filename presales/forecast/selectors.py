"""Forecast reads: each deal's category, the roll-up by team and person, the rows behind every figure, quotas, and
what moved between two weekly snapshots (or a snapshot and now)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Case, CharField, Count, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from presales import access
from presales.currencies.rates import MONEY, in_company_currency, on_deal_date
from presales.deals.models import Opportunity, Outcome
from presales.forecast.models import (
    DEFAULT_STAGE_CATEGORY,
    Category,
    CategoryOverride,
    ManagerCall,
    PeriodKind,
    Quota,
    Snapshot,
    SnapshotRow,
    StageCategory,
)
from presales.forecast.periods import Period
from presales.people.models import SALES_ROLES, Team, TeamKind, User
from presales.playbook.models import Stage

ZERO = Decimal("0")
BUCKETS = (Category.CLOSED, Category.COMMIT, Category.BEST_CASE, Category.PIPELINE)
NO_TEAM = "none"


# --- A deal's category ------------------------------------------------------------------------------------------


def stage_default_expression() -> Case:
    """The built-in category of the deal's stage (models.DEFAULT_STAGE_CATEGORY)."""
    whens = [
        When(stage__number=number, then=Value(str(category))) for number, category in DEFAULT_STAGE_CATEGORY.items()
    ]
    return Case(*whens, default=Value(str(Category.PIPELINE)), output_field=CharField())


def category_expression() -> Coalesce:
    """An open deal's forecast category in SQL: the override, else the stage's setting, else the stage's default."""
    override = CategoryOverride.objects.filter(opportunity=OuterRef("pk")).values("category")[:1]
    mapped = StageCategory.objects.filter(stage=OuterRef("stage")).values("category")[:1]
    return Coalesce(Subquery(override), Subquery(mapped), stage_default_expression(), output_field=CharField())


def bucket_expression() -> Case:
    """Where a deal counts in the roll-up: closed when won, else its category."""
    return Case(When(outcome=Outcome.WON, then=Value(str(Category.CLOSED))), default=category_expression())


def money_expression(today: datetime.date) -> Any:
    """The amount in the company currency: at the close date for a won deal, today's rate for an open one."""
    return in_company_currency("amount", on=on_deal_date(today))


def stage_categories() -> dict[int, str]:
    """Each stage's category (the administrator's setting or the default), by stage id."""
    chosen = dict(StageCategory.objects.values_list("stage_id", "category"))
    return {
        stage.pk: chosen.get(stage.pk, DEFAULT_STAGE_CATEGORY.get(stage.number, Category.PIPELINE))
        for stage in Stage.objects.all()
    }


def deal_category(opportunity: Opportunity) -> tuple[str, CategoryOverride | None]:
    """One deal's category and the override behind it (None: it follows its stage)."""
    if opportunity.outcome == Outcome.WON:
        return Category.CLOSED, None
    override = CategoryOverride.objects.select_related("set_by").filter(opportunity=opportunity).first()
    if override is not None:
        return override.category, override
    chosen = StageCategory.objects.filter(stage_id=opportunity.stage_id).values_list("category", flat=True).first()
    return chosen or DEFAULT_STAGE_CATEGORY.get(opportunity.stage.number, Category.PIPELINE), None


# --- The roll-up --------------------------------------------------------------------------------------------------


def forecast_deals(user: User) -> QuerySet[Opportunity]:
    return access.forecast_deals_visible_to(user, Opportunity.objects.all())


def period_deals(user: User, period: Period) -> QuerySet[Opportunity]:
    """The deals a period's roll-up counts: won in the period, or open and expected to close in it."""
    return forecast_deals(user).filter(
        Q(outcome=Outcome.WON, closed_on__range=(period.start, period.end))
        | Q(outcome=Outcome.OPEN, expected_close_date__range=(period.start, period.end))
    )


def figure_rows(
    user: User,
    period: Period,
    *,
    bucket: str,
    today: datetime.date,
    team: str | None = None,
    owner: int | None = None,
) -> QuerySet[Opportunity]:
    """The rows behind one figure of the roll-up (team: a team id or NO_TEAM; owner: a person's id)."""
    queryset = period_deals(user, period).annotate(
        forecast_bucket=bucket_expression(), company_amount=money_expression(today)
    )
    queryset = queryset.filter(forecast_bucket=bucket)
    if team == NO_TEAM:
        queryset = queryset.filter(team__isnull=True)
    elif team:
        queryset = queryset.filter(team_id=int(team))
    if owner:
        queryset = queryset.filter(sales_owner_id=owner)
    return queryset.select_related("account", "stage", "sales_owner", "team").order_by("expected_close_date", "pk")


@dataclass
class Figures:
    """Closed, commit, best case and pipeline of a person or team, against a quota."""

    amounts: dict[str, Decimal] = field(default_factory=lambda: {str(b): ZERO for b in BUCKETS})
    counts: dict[str, int] = field(default_factory=lambda: {str(b): 0 for b in BUCKETS})
    quota: Decimal | None = None
    quota_source: str = ""  # "set", "months" (sum of the months'), "target" (share of the annual target), "people"

    def add(self, bucket: str, amount: Decimal, count: int) -> None:
        self.amounts[bucket] += amount
        self.counts[bucket] += count

    @property
    def cells(self) -> list[dict[str, Any]]:
        """The four figures in page order, for the template."""
        return [{"bucket": str(b), "amount": self.amounts[b], "count": self.counts[b]} for b in BUCKETS]

    @property
    def attainment(self) -> Decimal | None:
        """Closed against quota, in percent."""
        if not self.quota:
            return None
        return (self.amounts[Category.CLOSED] * 100 / self.quota).quantize(Decimal("0.1"))

    @property
    def reps_forecast(self) -> Decimal:
        """What the reps' categories add up to: closed plus commit."""
        return self.amounts[Category.CLOSED] + self.amounts[Category.COMMIT]


@dataclass
class PersonLine:
    person: User
    figures: Figures


@dataclass
class TeamBlock:
    team: Team | None
    people: list[PersonLine]
    total: Figures | None  # None when the reader does not see the whole team (a rep: only their own line)
    call: ManagerCall | None = None
    can_call: bool = False

    @property
    def key(self) -> str:
        return str(self.team.pk) if self.team is not None else NO_TEAM


@dataclass
class Rollup:
    period: Period
    blocks: list[TeamBlock]
    total: Figures | None


def _quotas(period: Period, people: list[User], teams: list[Team]) -> tuple[dict[Any, Figures], dict[Any, Figures]]:
    """Quota figures by person and team id: the period's own quota, else (a quarter) the sum of its months', else
    (a person) the share of their annual revenue target."""
    months = [p.start for p in period.month_periods()] if period.kind == PeriodKind.QUARTER else []
    rows = Quota.objects.filter(
        Q(person__in=[p.pk for p in people]) | Q(team__in=[t.pk for t in teams]),
        Q(period_kind=period.kind, period_start=period.start)
        | Q(period_kind=PeriodKind.MONTH, period_start__in=months),
    )
    own: dict[tuple[str, int], Decimal] = {}
    summed: dict[tuple[str, int], Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        key = ("person", row.person_id) if row.person_id else ("team", row.team_id)
        if row.period_kind == period.kind and row.period_start == period.start:
            own[key] = row.amount  # type: ignore[index]
        else:
            summed[key] += row.amount  # type: ignore[index]

    def quota_of(key: tuple[str, int], annual_target: Decimal | None = None) -> Figures:
        figures = Figures()
        if key in own:
            figures.quota, figures.quota_source = own[key], "set"
        elif key in summed:
            figures.quota, figures.quota_source = summed[key], "months"
        elif annual_target:
            share = annual_target * period.months / 12
            figures.quota, figures.quota_source = share.quantize(Decimal("0.01")), "target"
        return figures

    people_quota = {person.pk: quota_of(("person", person.pk), person.revenue_target) for person in people}
    team_quota = {team.pk: quota_of(("team", team.pk)) for team in teams}
    return people_quota, team_quota


def rollup(user: User, period: Period, today: datetime.date) -> Rollup:
    """Closed, commit, best case and pipeline by team and person for the period, with quotas and the managers'
    calls; each figure equals the rows `figure_rows` gives for it. A fixed number of queries."""
    grouped = (
        period_deals(user, period)
        .annotate(forecast_bucket=bucket_expression())
        .values("team_id", "sales_owner_id", "forecast_bucket")
        .annotate(total=Coalesce(Sum(money_expression(today), output_field=MONEY), ZERO), count=Count("pk"))
        .order_by()
    )
    sums: dict[tuple[int | None, int], Figures] = defaultdict(Figures)
    for row in grouped:
        sums[(row["team_id"], row["sales_owner_id"])].add(row["forecast_bucket"], row["total"], row["count"])

    managed = list(access.forecast_teams_visible_to(user, Team.objects.filter(kind=TeamKind.SALES)))
    managed_ids = {team.pk for team in managed}
    team_ids = managed_ids | {team_id for team_id, _owner in sums if team_id is not None}
    teams = {team.pk: team for team in Team.objects.filter(pk__in=team_ids).select_related("manager")}
    members = access.forecast_people_visible_to(
        user, User.objects.filter(is_active=True, role__in=SALES_ROLES, team_id__in=managed_ids)
    )
    # The owners of the deals counted (the reader sees those deals), and the members of the teams they manage.
    owner_ids = {owner for _team, owner in sums} | {user.pk}
    people = {person.pk: person for person in User.objects.filter(Q(pk__in=owner_ids) | Q(pk__in=members.values("pk")))}
    people_quota, team_quota = _quotas(period, list(people.values()), managed)
    calls = {
        call.team_id: call
        for call in ManagerCall.objects.filter(
            team_id__in=managed_ids, period_kind=period.kind, period_start=period.start
        ).select_related("made_by")
    }

    lines: dict[int | None, dict[int, Figures]] = defaultdict(dict)
    for (team_id, owner_id), figures in sums.items():
        lines[team_id][owner_id] = figures
    for person in people.values():
        if person.team_id in managed_ids or (person.pk == user.pk and person.is_sales):
            lines[person.team_id].setdefault(person.pk, Figures())
    for team_id in managed_ids:
        lines.setdefault(team_id, {})

    blocks: list[TeamBlock] = []
    grand = Figures() if managed_ids or access.scope_for(user).sees_everything else None
    for team_id, by_person in lines.items():
        team = teams.get(team_id) if team_id is not None else None
        people_lines = []
        for owner_id, figures in by_person.items():
            owner = people.get(owner_id)
            if owner is None:
                continue
            if owner.team_id == team_id and owner_id in people_quota:
                figures.quota = people_quota[owner_id].quota
                figures.quota_source = people_quota[owner_id].quota_source
            people_lines.append(PersonLine(owner, figures))
        people_lines.sort(key=lambda line: str(line.person))
        total = None
        sees_team = team_id in managed_ids or (team_id is None and access.scope_for(user).sees_everything)
        if sees_team:
            total = Figures()
            for figures in by_person.values():
                for bucket in BUCKETS:
                    total.add(bucket, figures.amounts[bucket], figures.counts[bucket])
            if team_id in team_quota and team_quota[team_id].quota is not None:
                total.quota, total.quota_source = team_quota[team_id].quota, team_quota[team_id].quota_source
            elif any(line.figures.quota for line in people_lines):
                total.quota = sum((line.figures.quota or ZERO for line in people_lines), ZERO)
                total.quota_source = "people"
        if not people_lines and total is None:
            continue
        blocks.append(
            TeamBlock(
                team=team,
                people=people_lines,
                total=total,
                call=calls.get(team_id) if team_id is not None else None,
                can_call=team is not None and team_id in managed_ids,
            )
        )
    if grand is not None:
        # Every deal counted, whichever block shows it: the total's link lists the same rows.
        for figures in sums.values():
            for bucket in BUCKETS:
                grand.add(bucket, figures.amounts[bucket], figures.counts[bucket])
        # The quota of the whole: the top teams' (a department's quota already covers its teams').
        top_quotas = [
            block.total.quota
            for block in blocks
            if block.total is not None
            and block.total.quota is not None
            and block.team is not None
            and block.team.parent_id not in managed_ids
        ]
        grand.quota = sum(top_quotas, ZERO) if top_quotas else None
    blocks.sort(key=lambda block: (block.team is None, str(block.team or "")))
    if grand is not None and not any(block.total for block in blocks):
        grand = None
    return Rollup(period=period, blocks=blocks, total=grand)


# --- Quotas -------------------------------------------------------------------------------------------------------


def quota_table(user: User, period: Period) -> list[dict[str, Any]]:
    """The quota page: each team the person may set quotas for, its quota and its people's, for the period."""
    teams = list(
        access.forecast_teams_visible_to(user, Team.objects.filter(kind=TeamKind.SALES)).select_related("manager")
    )
    people = list(
        User.objects.filter(is_active=True, role__in=SALES_ROLES, team__in=teams).order_by("display_name", "username")
    )
    set_rows = Quota.objects.filter(period_kind=period.kind, period_start=period.start).filter(
        Q(team__in=teams) | Q(person__in=people)
    )
    by_team = {row.team_id: row for row in set_rows if row.team_id}
    by_person = {row.person_id: row for row in set_rows if row.person_id}
    result = []
    for team in teams:
        result.append(
            {
                "team": team,
                "quota": by_team.get(team.pk),
                "can_set": access.can_set_quota(user, team=team),
                "people": [
                    {
                        "person": person,
                        "quota": by_person.get(person.pk),
                        "can_set": access.can_set_quota(user, person=person),
                    }
                    for person in people
                    if person.team_id == team.pk
                ],
            }
        )
    return result


# --- Snapshots and what moved -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """A deal as a snapshot holds it."""

    category: str
    amount: Decimal
    expected_close_date: datetime.date
    stage_id: int
    owner_id: int
    team_id: int | None


def live_entries(queryset: QuerySet[Opportunity], today: datetime.date) -> dict[int, Entry]:
    """The open deals of `queryset` as a snapshot would hold them now."""
    rows = (
        queryset.filter(outcome=Outcome.OPEN)
        .annotate(forecast_category=category_expression(), company_amount=money_expression(today))
        .values_list(
            "pk", "forecast_category", "company_amount", "expected_close_date", "stage_id", "sales_owner_id", "team_id"
        )
    )
    return {
        pk: Entry(category, amount if amount is not None else ZERO, close, stage, owner, team)
        for pk, category, amount, close, stage, owner, team in rows
    }


def snapshot_entries(user: User, snapshot: Snapshot) -> dict[int, Entry]:
    rows = SnapshotRow.objects.visible_to(user).filter(snapshot=snapshot)
    return {
        row[0]: Entry(*row[1:])
        for row in rows.values_list(
            "opportunity_id", "category", "amount", "expected_close_date", "stage_id", "owner_id", "team_id"
        )
    }


MOVE_KINDS = ("new", "won", "lost", "pulled_in", "pushed_out", "amount_up", "amount_down", "category_changed")


@dataclass
class Move:
    opportunity_id: int
    before: Entry | None
    after: Entry | None

    @property
    def change(self) -> Decimal:
        return (self.after.amount if self.after else ZERO) - (self.before.amount if self.before else ZERO)


def diff(before: dict[int, Entry], after: dict[int, Entry], outcomes: dict[int, str]) -> dict[str, list[Move]]:
    """What moved from `before` to `after`: a deal can move in several ways at once (pulled in and up)."""
    moves: dict[str, list[Move]] = {kind: [] for kind in MOVE_KINDS}
    for pk, entry in after.items():
        old = before.get(pk)
        if old is None:
            moves["new"].append(Move(pk, None, entry))
            continue
        if entry.expected_close_date < old.expected_close_date:
            moves["pulled_in"].append(Move(pk, old, entry))
        elif entry.expected_close_date > old.expected_close_date:
            moves["pushed_out"].append(Move(pk, old, entry))
        if entry.amount > old.amount:
            moves["amount_up"].append(Move(pk, old, entry))
        elif entry.amount < old.amount:
            moves["amount_down"].append(Move(pk, old, entry))
        if entry.category != old.category:
            moves["category_changed"].append(Move(pk, old, entry))
    for pk, old in before.items():
        if pk not in after:
            # Gone from the open pipeline: won, or lost / abandoned (or since reopened: it closed in between).
            moves["won" if outcomes.get(pk) == Outcome.WON else "lost"].append(Move(pk, old, None))
    return moves


def move_total(kind: str, moves: list[Move]) -> Decimal:
    """The amount a move figure shows: the change for amounts, what was there before for won and lost, else after."""
    if kind in ("amount_up", "amount_down"):
        return sum((move.change for move in moves), ZERO)
    if kind in ("won", "lost"):
        return sum((move.before.amount for move in moves if move.before), ZERO)
    return sum((move.after.amount for move in moves if move.after), ZERO)


@dataclass
class Comparison:
    before: Snapshot
    after: Snapshot | None  # None: now
    moves: dict[str, list[Move]]
    totals: dict[str, Decimal]
    deals: dict[int, Opportunity]


def compare(user: User, before: Snapshot, after: Snapshot | None, today: datetime.date) -> Comparison:
    """What moved between two snapshots (after None: the live pipeline now), among the deals the person's forecast
    shows. A fixed number of queries."""
    old = snapshot_entries(user, before)
    new = snapshot_entries(user, after) if after is not None else live_entries(forecast_deals(user), today)
    gone = [pk for pk in old if pk not in new]
    outcomes = dict(Opportunity.objects.filter(pk__in=gone).values_list("pk", "outcome"))
    moves = diff(old, new, outcomes)
    moved_ids = {move.opportunity_id for kind_moves in moves.values() for move in kind_moves}
    deals = Opportunity.objects.filter(pk__in=moved_ids).select_related("account", "sales_owner").in_bulk()
    return Comparison(
        before=before,
        after=after,
        moves=moves,
        totals={kind: move_total(kind, kind_moves) for kind, kind_moves in moves.items()},
        deals=deals,
    )
