"""Reads behind the scorecards: gather the facts for a set of engineers and a period in a fixed number of queries,
then hand them to the pure formulas; plus the to-do lists of ratings and debriefs still owed."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Q, QuerySet
from django.utils import timezone

from presales import access
from presales.currencies.rates import RateTable
from presales.deals.models import DealTeamMember, Opportunity, Outcome
from presales.people.models import PRESALES_ROLES, Role, User
from presales.scoring import formulas
from presales.scoring.models import (
    CapabilityDimension,
    CapabilityScore,
    PeriodStatus,
    SalesRating,
    ScorecardSnapshot,
    ScoringPeriod,
    ScoringWeights,
    VisitQuotaChange,
    WinLossDebrief,
)
from presales.winning.selectors import close_verdicts_by_lead
from presales.work.models import Activity, ActivityStatus, RequestStatus, SupportRequest, WorkType

if TYPE_CHECKING:
    from collections.abc import Iterable

# Ratings and debriefs are asked for work finished in this window; older ones are no longer chased.
OWED_WINDOW_DAYS = 90
TREND_PERIODS = 6
DECIMAL_FIELDS = (
    "revenue",
    "annual_target",
    "target",
    "attainment",
    "win_rate",
    "results_score",
    "expected_visits",
    "visits_score",
    "capability_mean",
    "capability_score",
    "rating_mean",
    "rating_score",
    "technical_score",
    "composite",
)


@dataclass
class Scorecard:
    """One engineer's scorecard for one period: raw figures, part scores, weights, composite, rank and the rows behind."""

    engineer_id: int
    engineer_name: str
    team_id: int | None
    team_name: str
    kind: str
    start: datetime.date
    end: datetime.date
    revenue: Decimal = Decimal(0)
    annual_target: Decimal | None = None  # None in snapshots frozen before it was kept
    target: Decimal = Decimal(0)
    attainment: Decimal | None = None
    win_rate: Decimal | None = None
    won: int = 0
    lost: int = 0
    abandoned: int = 0
    results_score: Decimal | None = None
    visits: int = 0
    expected_visits: Decimal = Decimal(0)
    visits_score: Decimal | None = None
    capability_mean: Decimal | None = None
    capability_score: Decimal | None = None
    rating_mean: Decimal | None = None
    rating_score: Decimal | None = None
    # The technical win rate: the engineer's verdicts at close recorded in the period, on the deals they lead.
    technical_wins: int = 0
    technical_ties: int = 0
    technical_losses: int = 0
    technical_assessed: int = 0
    technical_score: Decimal | None = None
    weights: dict[str, int] = field(default_factory=lambda: dict(formulas.DEFAULT_WEIGHTS))
    composite: Decimal | None = None
    rank: int | None = None
    team_size: int = 0
    frozen: bool = False
    deals: list[dict[str, Any]] = field(default_factory=list)
    visit_rows: list[dict[str, Any]] = field(default_factory=list)
    quota_weeks: list[dict[str, Any]] = field(default_factory=list)
    capability_rows: list[dict[str, Any]] = field(default_factory=list)
    rating_rows: list[dict[str, Any]] = field(default_factory=list)

    def part_scores(self) -> dict[str, Decimal | None]:
        """Each part's score (0–100, None without data), by the keys of formulas.PARTS."""
        return {
            "results": self.results_score,
            "visits": self.visits_score,
            "capability": self.capability_score,
            "rating": self.rating_score,
            "technical": self.technical_score,
        }

    @property
    def rating_count(self) -> int:
        return len(self.rating_rows)

    @property
    def capability_count(self) -> int:
        return len(self.capability_rows)

    def to_data(self) -> dict[str, Any]:
        """JSON-ready: decimals and dates as strings (the frozen snapshot keeps exactly these)."""

        def plain(value: Any) -> Any:
            if isinstance(value, Decimal):
                return str(value)
            if isinstance(value, datetime.date):
                return value.isoformat()
            if isinstance(value, dict):
                return {key: plain(item) for key, item in value.items()}
            if isinstance(value, list):
                return [plain(item) for item in value]
            return value

        return plain(asdict(self))

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Scorecard:
        values = dict(data)
        for name in DECIMAL_FIELDS:
            if values.get(name) is not None:
                values[name] = Decimal(values[name])
        # A card frozen before a part existed weighed it 0.
        values["weights"] = {**dict.fromkeys(formulas.PARTS, 0), **(values.get("weights") or formulas.DEFAULT_WEIGHTS)}
        values["start"] = datetime.date.fromisoformat(values["start"])
        values["end"] = datetime.date.fromisoformat(values["end"])
        # The rows behind the figures come back typed too: the explanation counts the quota weeks' days, the lists of
        # credited deals and visits add them up and show their dates.
        for name in ("deals", "visit_rows", "quota_weeks", "capability_rows", "rating_rows"):
            values[name] = [_typed_row(row) for row in values.get(name) or []]
        return cls(**values)


ROW_DATES = frozenset({"closed_on", "date", "week", "period_start", "rated_on"})
ROW_DECIMALS = frozenset({"amount", "company_amount", "my_hours", "total_hours", "share", "credited", "hours"})


def _typed_row(row: dict[str, Any]) -> dict[str, Any]:
    """A row of a frozen scorecard with its dates and decimals as `to_data` found them (it keeps them as text)."""
    typed = dict(row)
    for key, value in row.items():
        if isinstance(value, str) and value:
            if key in ROW_DATES:
                typed[key] = datetime.date.fromisoformat(value)
            elif key in ROW_DECIMALS:
                typed[key] = Decimal(value)
    return typed


def current_weights() -> dict[str, int]:
    weights = ScoringWeights.objects.order_by("pk").first()
    return weights.as_dict() if weights else dict(formulas.DEFAULT_WEIGHTS)


def scorable_engineers() -> Any:
    """Everybody who gets a scorecard: active presales engineers."""
    return User.objects.filter(role=Role.PRESALES, is_active=True).select_related("team")


def engineers_visible_to(user: User) -> Any:
    return access.scorecard_engineers_visible_to(user, scorable_engineers()).order_by("display_name", "username")


def period_for(kind: str, start: datetime.date) -> ScoringPeriod | None:
    return ScoringPeriod.objects.filter(kind=kind, start=start).first()


# --- gathering facts ------------------------------------------------------------------------------------------------


def _deal_facts(
    engineer_ids: set[int], start: datetime.date, end: datetime.date
) -> list[tuple[Any, formulas.DealFacts]]:
    """Closed deals in the period supported by any of the engineers, with every presales supporter's hours."""
    supported = (
        Q(presales_lead_id__in=engineer_ids)
        | Q(members__user_id__in=engineer_ids, members__role="presales_member")
        | Q(activities__owner_id__in=engineer_ids, activities__status=ActivityStatus.DONE)
        | Q(activities__participants__in=engineer_ids, activities__status=ActivityStatus.DONE)
    )
    deal_ids = (
        Opportunity.objects.closed()
        .filter(closed_on__gte=start, closed_on__lte=end)
        .filter(supported)
        .values("pk")
        .distinct()
    )
    return deal_facts(deal_ids)


def deal_facts(deal_ids: QuerySet[Any]) -> list[tuple[Opportunity, formulas.DealFacts]]:
    """The facts influenced revenue is computed from, for these closed deals (a queryset of their pks), with the deals
    themselves (for the scorecard's list of deals), in five queries."""
    deals = list(Opportunity.objects.filter(pk__in=deal_ids).select_related("account").order_by("closed_on", "pk"))
    rows = [
        (deal.pk, deal.amount, deal.currency, deal.closed_on, deal.outcome, deal.presales_lead_id) for deal in deals
    ]
    return list(zip(deals, _facts(rows, deal_ids), strict=True))


def _facts(rows: Iterable[tuple[Any, ...]], deal_ids: QuerySet[Any]) -> list[formulas.DealFacts]:
    """The facts of these deals (rows of pk, amount, currency, closed on, outcome, presales lead), in their order.

    Supporters: the presales lead, the presales members of the deal team, and every presales person who owned or
    joined a done activity on the deal; their hours are those activities' hours. Amounts are in the company currency
    at the rate of the close date (docs/domain.md, Money); a deal whose currency has no rate counts for 0 and says so
    (`DealFacts.converted` is False). The related rows are read by the deals' subquery, not a list of ids (a list
    as long as a large company's won deals costs more to pass than the subquery does to run).
    """
    rows = list(rows)
    supporters: dict[int, set[int]] = defaultdict(set)
    hours: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for pk, _amount, _currency, _closed_on, _outcome, presales_lead_id in rows:
        if presales_lead_id:
            supporters[pk].add(presales_lead_id)
    for opportunity_id, user_id in DealTeamMember.objects.filter(
        opportunity_id__in=deal_ids, role="presales_member"
    ).values_list("opportunity_id", "user_id"):
        supporters[opportunity_id].add(user_id)
    activities = Activity.objects.filter(opportunity_id__in=deal_ids, status=ActivityStatus.DONE)
    presales_roles = list(PRESALES_ROLES)
    for opportunity_id, owner_id, owner_role, activity_hours in activities.values_list(
        "opportunity_id", "owner_id", "owner__role", "hours"
    ):
        if owner_role in presales_roles:
            supporters[opportunity_id].add(owner_id)
            hours[opportunity_id][owner_id] += activity_hours
    # Hours are per person: every presales participant of an activity spent its hours too.
    through = Activity.participants.through.objects.filter(activity__in=activities, user__role__in=presales_roles)
    for opportunity_id, user_id, activity_hours in through.values_list(
        "activity__opportunity_id", "user_id", "activity__hours"
    ):
        supporters[opportunity_id].add(user_id)
        hours[opportunity_id][user_id] += activity_hours
    rates = RateTable.load()
    facts = []
    for pk, amount, currency, closed_on, outcome, _lead in rows:
        converted = rates.convert(amount, currency, closed_on or timezone.localdate())
        facts.append(
            formulas.DealFacts(
                deal_id=pk,
                amount=converted if converted is not None else Decimal(0),
                outcome=outcome,
                supporters=frozenset(supporters[pk]),
                hours=dict(hours[pk]),
                converted=converted is not None,
            )
        )
    return facts


def influenced_revenue_by_engineer(won_deal_ids: QuerySet[Any]) -> list[dict[str, Any]]:
    """Influenced revenue per presales person over these won deals: the one implementation behind the scorecards and
    the presales dashboard (docs/domain.md, Deal figures). Rows: engineer_id, engineer, deals, revenue; highest first.
    A fixed number of queries whatever the number of deals and people."""
    deals = (
        Opportunity.objects.filter(pk__in=won_deal_ids)
        .order_by("closed_on", "pk")
        .values_list("pk", "amount", "currency", "closed_on", "outcome", "presales_lead_id")
    )
    facts = _facts(deals, won_deal_ids)
    people = {person for fact in facts for person in fact.supporters}
    names = {user.pk: str(user) for user in User.objects.filter(pk__in=people)}
    by_person: dict[int, list[formulas.DealFacts]] = defaultdict(list)
    for fact in facts:
        for person in fact.supporters:
            by_person[person].append(fact)
    rows: list[dict[str, Any]] = []
    for person, mine in by_person.items():
        rows.append(
            {
                "engineer_id": person,
                "engineer": names.get(person, ""),
                "deals": sum(fact.outcome == Outcome.WON for fact in mine),
                "revenue": formulas.influenced_revenue(mine, person),
            }
        )
    rows.sort(key=lambda row: (-row["revenue"], row["engineer"]))
    return rows


def _visits(engineer_ids: set[int], start: datetime.date, end: datetime.date) -> dict[int, list[dict[str, Any]]]:
    visits = Activity.objects.filter(
        kind=WorkType.ON_SITE_VISIT, status=ActivityStatus.DONE, date__gte=start, date__lte=end
    ).filter(Q(owner_id__in=engineer_ids) | Q(participants__in=engineer_ids))
    rows = (
        Activity.objects.filter(pk__in=visits.values("pk"))
        .select_related("account", "opportunity")
        .prefetch_related("participants")
        .order_by("date", "pk")
    )
    by_engineer: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for visit in rows:
        people = {visit.owner_id} | {person.pk for person in visit.participants.all()}
        row = {
            "id": visit.pk,
            "date": visit.date,
            "account": str(visit.account),
            "opportunity_id": visit.opportunity_id,
            "opportunity": str(visit.opportunity) if visit.opportunity_id else "",
            "hours": visit.hours,
            "outcome": visit.outcome,
        }
        for person in people & engineer_ids:
            by_engineer[person].append(row)
    return by_engineer


def _quota_changes(engineer_ids: set[int]) -> dict[int, list[tuple[datetime.date, int, int]]]:
    changes: dict[int, list[tuple[datetime.date, int, int]]] = defaultdict(list)
    for row in VisitQuotaChange.objects.filter(engineer_id__in=engineer_ids).values_list(
        "engineer_id", "effective_from", "quota", "previous_quota"
    ):
        changes[row[0]].append((row[1], row[2], row[3]))
    return changes


def _capability(engineer_ids: set[int], start: datetime.date, end: datetime.date) -> dict[int, list[dict[str, Any]]]:
    """Scores whose own week or month overlaps the period (a week scorecard sees its month's score too)."""
    candidates = (
        CapabilityScore.objects.filter(
            engineer_id__in=engineer_ids, period_start__lte=end, period_start__gte=start - datetime.timedelta(days=31)
        )
        .select_related("dimension", "scored_by")
        .order_by("period_start", "dimension__order", "pk")
    )
    by_engineer: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for score in candidates:
        own_start, own_end = formulas.period_bounds(score.period_kind, score.period_start)
        if own_end < start or own_start > end:
            continue
        by_engineer[score.engineer_id].append(
            {
                "id": score.pk,
                "dimension": str(score.dimension),
                "period_kind": score.period_kind,
                "period_start": score.period_start,
                "score": score.score,
                "comment": score.comment,
                "scored_by": str(score.scored_by),
            }
        )
    return by_engineer


def _ratings(engineer_ids: set[int], start: datetime.date, end: datetime.date) -> dict[int, list[dict[str, Any]]]:
    ratings = (
        SalesRating.objects.filter(engineer_id__in=engineer_ids, rated_on__gte=start, rated_on__lte=end)
        .select_related("rater", "opportunity")
        .order_by("rated_on", "pk")
    )
    by_engineer: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for rating in ratings:
        by_engineer[rating.engineer_id].append(
            {
                "id": rating.pk,
                "rated_on": rating.rated_on,
                "rater": str(rating.rater),
                "opportunity_id": rating.opportunity_id,
                "opportunity": str(rating.opportunity),
                "request_id": rating.request_id,
                "occasion": rating.get_occasion_display(),
                "responsiveness": rating.responsiveness,
                "quality": rating.quality,
                "impact": rating.impact,
                "comment": rating.comment,
            }
        )
    return by_engineer


# --- computing ------------------------------------------------------------------------------------------------------


def compute_scorecards(
    engineers: Iterable[User], kind: str, start: datetime.date, *, weights: dict[str, int] | None = None
) -> list[Scorecard]:
    """Live scorecards of these engineers for the period starting on `start`; ranks are within each engineer's team.

    The number of queries does not depend on the number of engineers.
    """
    engineers = list(engineers)
    start, end = formulas.period_bounds(kind, start)
    # A part missing from the weights given weighs 0.
    weights = {**dict.fromkeys(formulas.PARTS, 0), **(weights or current_weights())}
    ids = {engineer.pk for engineer in engineers}
    deal_facts = _deal_facts(ids, start, end)
    visits = _visits(ids, start, end)
    quotas = _quota_changes(ids)
    capability = _capability(ids, start, end)
    ratings = _ratings(ids, start, end)
    verdicts = close_verdicts_by_lead(ids, start, end)
    cards = []
    for engineer in engineers:
        card = Scorecard(
            engineer_id=engineer.pk,
            engineer_name=str(engineer),
            team_id=engineer.team_id,
            team_name=str(engineer.team) if engineer.team_id else "",
            kind=kind,
            start=start,
            end=end,
            weights=dict(weights),
        )
        mine = [(deal, facts) for deal, facts in deal_facts if engineer.pk in facts.supporters]
        facts_only = [facts for _deal, facts in mine]
        card.revenue = formulas.influenced_revenue(facts_only, engineer.pk)
        card.annual_target = engineer.revenue_target
        card.target = formulas.prorated_target(engineer.revenue_target, start, end)
        card.win_rate = formulas.win_rate(facts_only, engineer.pk)
        card.won = sum(facts.outcome == Outcome.WON for facts in facts_only)
        card.lost = sum(facts.outcome == Outcome.LOST for facts in facts_only)
        card.abandoned = sum(facts.outcome == Outcome.ABANDONED for facts in facts_only)
        if card.target > 0:
            card.attainment = formulas.quantize(formulas.HUNDRED * card.revenue / card.target)
        card.results_score = formulas.results_score(card.revenue, card.target, card.win_rate)
        for deal, facts in mine:
            share = formulas.credit_share(facts, engineer.pk)
            card.deals.append(
                {
                    "id": deal.pk,
                    "name": deal.name,
                    "account": str(deal.account),
                    "outcome": deal.outcome,
                    "outcome_label": deal.get_outcome_display(),
                    "closed_on": deal.closed_on,
                    "amount": deal.amount,
                    "currency": deal.currency,
                    "company_amount": facts.amount,
                    "converted": facts.converted,
                    "my_hours": facts.hours.get(engineer.pk, Decimal(0)),
                    "total_hours": sum(facts.hours.values(), Decimal(0)),
                    "supporters": len(facts.supporters),
                    "share": formulas.quantize(share * 100),
                    "credited": formulas.credited(facts, engineer.pk),
                }
            )
        card.visit_rows = visits.get(engineer.pk, [])
        card.visits = len(card.visit_rows)
        changes = quotas.get(engineer.pk, [])
        card.expected_visits = formulas.expected_visits(start, end, changes, engineer.weekly_visit_quota)
        card.quota_weeks = [
            {"week": week, "quota": formulas.quota_for_week(week, changes, engineer.weekly_visit_quota)}
            for week in formulas.week_starts(start, end)
        ]
        card.visits_score = formulas.visits_score(card.visits, card.expected_visits)
        card.capability_rows = capability.get(engineer.pk, [])
        card.capability_mean, card.capability_score = formulas.scale_score(row["score"] for row in card.capability_rows)
        card.rating_rows = ratings.get(engineer.pk, [])
        card.rating_mean, card.rating_score = formulas.scale_score(
            mark for row in card.rating_rows for mark in (row["responsiveness"], row["quality"], row["impact"])
        )
        counts = verdicts.get(engineer.pk, {})
        card.technical_wins = counts.get("wins", 0)
        card.technical_ties = counts.get("ties", 0)
        card.technical_losses = counts.get("losses", 0)
        card.technical_assessed = counts.get("assessed", 0)
        card.technical_score = formulas.technical_score(card.technical_wins, card.technical_assessed)
        card.composite = formulas.composite(card.part_scores(), weights)
        cards.append(card)
    _rank_within_teams(cards)
    return cards


def _rank_within_teams(cards: list[Scorecard]) -> None:
    by_team: dict[int | None, list[Scorecard]] = defaultdict(list)
    for card in cards:
        by_team[card.team_id].append(card)
    for members in by_team.values():
        ranking = formulas.ranks({card.engineer_id: card.composite for card in members})
        for card in members:
            card.rank = ranking[card.engineer_id]
            card.team_size = len(members)


def scorecards_for(
    engineers: Iterable[User], kind: str, start: datetime.date
) -> tuple[list[Scorecard], ScoringPeriod | None]:
    """The period's scorecards: frozen snapshots when the period is closed, else computed live."""
    engineers = list(engineers)
    start, _end = formulas.period_bounds(kind, start)
    period = period_for(kind, start)
    if period is not None and period.status == PeriodStatus.CLOSED:
        snapshots = ScorecardSnapshot.objects.filter(period=period, engineer_id__in=[e.pk for e in engineers])
        cards = [Scorecard.from_data(snapshot.data) for snapshot in snapshots]
        for card in cards:
            card.frozen = True
        return cards, period
    if not engineers:
        return [], period
    # Ranks are within the whole team, even when the person sees only part of it (an engineer sees only themselves).
    team_ids = {engineer.team_id for engineer in engineers if engineer.team_id}
    visible_ids = {engineer.pk for engineer in engineers}
    teammates = list(scorable_engineers().filter(team_id__in=team_ids).exclude(pk__in=visible_ids))
    cards = compute_scorecards([*engineers, *teammates], kind, start)
    return [card for card in cards if card.engineer_id in visible_ids], period


def scorecard_for(engineer: User, kind: str, start: datetime.date) -> Scorecard:
    cards, _period = scorecards_for([engineer], kind, start)
    return cards[0] if cards else compute_scorecards([engineer], kind, start)[0]


def trend_for(engineer: User, kind: str, start: datetime.date, periods: int = TREND_PERIODS) -> list[dict[str, Any]]:
    """Composite and part scores of the engineer over the past periods, oldest first (frozen ones from snapshots)."""
    starts = [formulas.period_bounds(kind, start)[0]]
    for _ in range(periods - 1):
        starts.append(formulas.previous_period_start(kind, starts[-1]))
    frozen = {
        snapshot.period.start: Scorecard.from_data(snapshot.data)
        for snapshot in ScorecardSnapshot.objects.filter(
            engineer=engineer, period__kind=kind, period__start__in=starts, period__status=PeriodStatus.CLOSED
        ).select_related("period")
    }
    trend = []
    for period_start in reversed(starts):
        card = frozen.get(period_start) or compute_scorecards([engineer], kind, period_start)[0]
        trend.append({"start": period_start, "composite": card.composite, "card": card})
    return trend


# --- owed ratings and debriefs ----------------------------------------------------------------------------------------


@dataclass
class OwedRating:
    """A rating the sales owner still owes: for a finished request or for a supported deal that closed."""

    opportunity: Opportunity
    engineer: User
    request: SupportRequest | None
    since: datetime.date


def owed_ratings(rater: User, today: datetime.date | None = None) -> list[OwedRating]:
    """Requests done and supported deals closed in the window, on the person's deals, not yet rated by them."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=OWED_WINDOW_DAYS)
    owed: list[OwedRating] = []
    rated_requests = SalesRating.objects.filter(rater=rater, request__isnull=False).values("request_id")
    requests = (
        SupportRequest.objects.filter(
            opportunity__sales_owner=rater,
            status=RequestStatus.DONE,
            assignee__isnull=False,
            updated_at__date__gte=since,
        )
        .exclude(pk__in=rated_requests)
        .select_related("opportunity", "opportunity__account", "assignee")
        .order_by("updated_at")
    )
    for request in requests:
        # assignee__isnull=False above: every request here has an assignee.
        assignee = cast(User, request.assignee)
        owed.append(OwedRating(request.opportunity, assignee, request, timezone.localdate(request.updated_at)))
    rated_deals = SalesRating.objects.filter(rater=rater, request__isnull=True).values("opportunity_id")
    deals = (
        Opportunity.objects.closed()
        .filter(sales_owner=rater, presales_lead__isnull=False, closed_on__gte=since)
        .exclude(pk__in=rated_deals)
        .select_related("account", "presales_lead")
        .order_by("closed_on")
    )
    for deal in deals:
        # presales_lead__isnull=False and closed_on__gte above: both are set.
        owed.append(OwedRating(deal, cast(User, deal.presales_lead), None, cast(datetime.date, deal.closed_on)))
    return owed


@dataclass
class OwedDebrief:
    """A closed deal a deal-team member has not debriefed yet, and the role they are asked in."""

    opportunity: Opportunity
    role: str


def debrief_role(user: User, opportunity: Opportunity, memberships: Iterable[DealTeamMember] = ()) -> str | None:
    """The role the person is asked in: sales owner, presales lead, or their deal-team role; None if not on the team."""
    if opportunity.sales_owner_id == user.pk:
        return "sales_owner"
    if opportunity.presales_lead_id == user.pk:
        return "presales_lead"
    for member in memberships:
        if member.user_id == user.pk and member.opportunity_id == opportunity.pk:
            return member.role
    return None


def owed_debriefs(user: User, today: datetime.date | None = None) -> list[OwedDebrief]:
    """Deals closed in the window where the person is on the deal team and has not written a debrief."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=OWED_WINDOW_DAYS)
    memberships = list(DealTeamMember.objects.filter(user=user, opportunity__closed_on__gte=since))
    deals = (
        Opportunity.objects.closed()
        .filter(closed_on__gte=since)
        .filter(Q(sales_owner=user) | Q(presales_lead=user) | Q(pk__in=[m.opportunity_id for m in memberships]))
        .exclude(pk__in=WinLossDebrief.objects.filter(author=user).values("opportunity_id"))
        .select_related("account")
        .order_by("closed_on")
    )
    owed = []
    for deal in deals:
        role = debrief_role(user, deal, memberships)
        if role:
            owed.append(OwedDebrief(deal, role))
    return owed


def active_dimensions() -> list[CapabilityDimension]:
    return list(CapabilityDimension.objects.filter(is_active=True))
