"""Demo deals: shared competitor profiles and opportunities in every stage, with two years of closed history."""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from presales.core.bulkinsert import indexes_deferred, insert_objects
from presales.core.concurrency import save_with_version_check
from presales.customers.models import Account
from presales.deals import services
from presales.deals.health import refresh_health
from presales.deals.models import (
    Competitor,
    Currency,
    DealPlaybook,
    DealRole,
    DealStep,
    DealTeamMember,
    Opportunity,
    OpportunityCompetitor,
    Outcome,
    OutcomeReason,
)
from presales.demo import names
from presales.demo.checklists import BulkChecklists, ChecklistWalker
from presales.demo.context import DemoContext, Progress, SalesTeamInfo
from presales.people.models import PRESALES_ROLES, SALES_ROLES, Role, User
from presales.playbook.models import Stage

OPEN_STAGES = [1, 2, 3, 4, 5, 6]
OPEN_STAGE_WEIGHTS = [5, 22, 25, 20, 16, 12]
OUTCOMES = [Outcome.WON, Outcome.LOST, Outcome.ABANDONED]
OUTCOME_WEIGHTS = [40, 45, 15]
# Deal sizes in CNY: (low, high, weight). Most deals are mid-sized, a few are very large.
AMOUNT_BUCKETS = [
    (50_000, 300_000, 20),
    (300_000, 2_000_000, 45),
    (2_000_000, 10_000_000, 28),
    (10_000_000, 50_000_000, 7),
]
HISTORY_DAYS = 729  # closed deals spread over the past two years
SHOWCASE_DEALS = 12  # the first deals belong to the demo sales rep and presales engineer, so their pages are full
# After the showcase deals, every presales engineer leads one deal won and one lost last month, so last month's
# scorecards (presales.scoring's demo) have results made by the services like any other closed deal.
LAST_MONTH_RESULTS = (Outcome.WON, Outcome.LOST)
DESCRIPTIONS = [
    "客户计划年内完成建设,预算已申报。",
    "现有设备即将过保,需要整体替换。",
    "响应监管要求,需在年底前完成整改。",
    "集团统一规划,本项目为试点。",
    "",
]
DESCRIPTIONS_EN = ["Budget approved for this financial year.", "Replaces end-of-life equipment.", ""]


@dataclass
class OpportunityPlan:
    """One deal decided before anything is written; both the services path and the bulk path build from it."""

    account: Account
    name: str
    amount: Decimal
    currency: str
    expected_close_date: datetime.date
    stage_number: int
    probability: int
    probability_set_by_hand: bool
    sales_owner: User
    presales_lead: User | None
    outcome: str
    outcome_reason: str
    closed_on: datetime.date | None
    source: str
    description: str
    members: list[tuple[User, str]] = field(default_factory=list)
    competitors: list[tuple[Competitor, bool, str]] = field(default_factory=list)


def generate_competitors(ctx: DemoContext) -> None:
    """The shared competitor profiles, through deals.services.competitor_create."""
    for name, threat, strengths, weaknesses, website in names.COMPETITORS:
        name_en, aliases = names.COMPETITOR_OTHER_NAMES.get(name, ("", ""))
        competitor = Competitor.objects.filter(name=name).first() or services.competitor_create(
            actor=ctx.admin,
            name=name,
            name_en=name_en,
            aliases=aliases,
            threat_level=threat,
            strengths=strengths,
            weaknesses=weaknesses,
            website=website,
        )
        ctx.competitors.append(competitor)
    ctx.counts["competitors"] = len(ctx.competitors)


class DealPlanner:
    """Decides deals one at a time from the context's random source (deterministic for a given seed)."""

    def __init__(self, ctx: DemoContext):
        self.ctx = ctx
        self.rng = ctx.rng
        self.stages = ctx.stages
        self.team_info: dict[int, SalesTeamInfo] = {info.team.pk: info for info in ctx.sales_teams}
        # Key accounts see three times as many deals.
        self.account_weights = list(
            itertools.accumulate(3 if account.is_key_account else 1 for account in ctx.accounts)
        )
        self.sales_login = ctx.logins.get("sales")
        self.presales_login = ctx.logins.get("presales")
        self.commercial_login = ctx.logins.get("commercial")
        self.showcase_accounts = [
            account for account in ctx.accounts if account.owner_id == getattr(self.sales_login, "pk", None)
        ]
        self.international_competitors = [c for c in ctx.competitors if c.name.isascii()]
        self.presales_engineers = [user for user in ctx.presales_people if user.role == Role.PRESALES]
        last_month_end = ctx.today.replace(day=1) - datetime.timedelta(days=1)
        self.last_month = (last_month_end.replace(day=1), last_month_end)
        self.results: dict[int, tuple[User, str]] = {}
        active = [user for user in self.presales_engineers if user.is_active]
        for position, (engineer, outcome) in enumerate(
            (engineer, outcome) for engineer in active for outcome in LAST_MONTH_RESULTS
        ):
            self.results[SHOWCASE_DEALS + position] = (engineer, outcome)

    def _amount(self, account: Account) -> Decimal:
        low, high, _weight = self.rng.choices(AMOUNT_BUCKETS, [bucket[2] for bucket in AMOUNT_BUCKETS])[0]
        amount = self.rng.uniform(low, high) * (1.5 if account.is_key_account else 1)
        if account.region == "overseas":
            amount /= 7  # priced in US dollars
        return Decimal(round(amount, -3)).quantize(Decimal("0.01"))

    def _name(self, account: Account) -> str:
        rng = self.rng
        projects = names.PROJECTS
        if account.industry in names.INDUSTRY_PROJECTS and rng.random() < 0.35:
            projects = names.INDUSTRY_PROJECTS[account.industry]
        project_zh, project_en = rng.choice(projects)
        if account.region == "overseas":
            return f"{account.short_name or account.name} – {project_en}"[:200]
        return f"{account.short_name or account.name}{project_zh}{rng.choice(names.PHASES)}"[:200]

    def plan(self, index: int) -> OpportunityPlan:
        rng, ctx = self.rng, self.ctx
        showcase = index < SHOWCASE_DEALS and self.showcase_accounts and self.sales_login is not None
        if showcase:
            account = self.showcase_accounts[index % len(self.showcase_accounts)]
        else:
            account = rng.choices(ctx.accounts, cum_weights=self.account_weights)[0]
        team = self.team_info[account.team_id]
        owner: User = account.owner if rng.random() < 0.8 else rng.choice(team.sellers)
        english = account.region == "overseas"
        result = self.results.get(index)
        if result is not None:
            outcome = result[1]
        elif showcase or rng.random() < 0.4:
            outcome = Outcome.OPEN
        else:
            outcome = rng.choices(OUTCOMES, OUTCOME_WEIGHTS)[0]
        closed_on = None
        reason = ""
        set_by_hand = False
        if outcome == Outcome.OPEN:
            stage_number = (index % 5) + 2 if showcase else rng.choices(OPEN_STAGES, OPEN_STAGE_WEIGHTS)[0]
            probability = self.stages[stage_number].default_probability
            if rng.random() < 0.25:
                set_by_hand = True
                probability = min(95, max(1, probability + rng.choice([-10, -5, 5, 10])))
            # A tenth of the pipeline is overdue: the close date passed and nobody updated it.
            close_date = ctx.today + datetime.timedelta(
                days=rng.randint(-30, -1) if rng.random() < 0.1 else rng.randint(7, 270)
            )
        else:
            if result is not None:
                start, end = self.last_month
                days_ago = (ctx.today - start).days - rng.randint(5, min(24, (end - start).days))
            else:
                days_ago = rng.randint(1, HISTORY_DAYS)
            closed_on = ctx.days_ago(days_ago)
            close_date = closed_on + datetime.timedelta(days=rng.randint(-45, 20))
            if outcome == Outcome.WON:
                probability = 100
                stage_number = self._won_stage(days_ago)
                reason = rng.choice(names.WON_REASONS_EN if english else names.WON_REASONS)
            else:
                probability = 0
                if outcome == Outcome.LOST:
                    stage_number = rng.choices([3, 4, 5, 6], [20, 30, 35, 15])[0]
                    reason = rng.choice(names.LOST_REASONS_EN if english else names.LOST_REASONS)
                else:
                    stage_number = rng.choices([2, 3, 4], [40, 35, 25])[0]
                    reason = rng.choice(names.ABANDONED_REASONS_EN if english else names.ABANDONED_REASONS)
        lead = result[0] if result is not None else self._lead(stage_number, outcome, showcase)
        plan = OpportunityPlan(
            account=account,
            name=self._name(account),
            amount=self._amount(account),
            currency=Currency.USD if english else Currency.CNY,
            expected_close_date=close_date,
            stage_number=stage_number,
            probability=probability,
            probability_set_by_hand=set_by_hand,
            sales_owner=self.sales_login if showcase else owner,
            presales_lead=lead,
            outcome=outcome,
            outcome_reason=reason,
            closed_on=closed_on,
            source=rng.choice(names.SOURCES_EN if english else names.SOURCES),
            description=rng.choice(DESCRIPTIONS_EN if english else DESCRIPTIONS),
        )
        self._deal_team(plan, showcase)
        self._competitors(plan, english)
        return plan

    def _won_stage(self, days_ago: int) -> int:
        # Older wins have moved on to implementation and collection.
        if days_ago > 200:
            return self.rng.choices([6, 7, 8], [10, 20, 70])[0]
        if days_ago > 60:
            return self.rng.choices([6, 7, 8], [15, 55, 30])[0]
        return self.rng.choices([6, 7], [55, 45])[0]

    def _lead(self, stage_number: int, outcome: str, showcase: bool) -> User | None:
        if showcase or (self.presales_login is not None and self.rng.random() < 0.02):
            return self.presales_login
        chance = 0.45 if (outcome == Outcome.OPEN and stage_number <= 2) else 0.88
        if self.rng.random() >= chance:
            return None
        # Managers lead a few strategic deals themselves.
        pool = self.presales_engineers if self.rng.random() < 0.9 else self.ctx.presales_people
        return self.rng.choice(pool or self.ctx.presales_people)

    def _deal_team(self, plan: OpportunityPlan, showcase: bool) -> None:
        rng = self.rng
        if plan.presales_lead is not None:
            extra = rng.choices([0, 1, 2], [55, 33, 12])[0]
            others = [user for user in rng.sample(self.ctx.presales_people, min(3, len(self.ctx.presales_people)))]
            for user in [user for user in others if user != plan.presales_lead][:extra]:
                plan.members.append((user, DealRole.PRESALES_MEMBER))
        late = plan.stage_number >= 5
        if (
            (plan.outcome == Outcome.OPEN and late)
            or plan.outcome == Outcome.WON
            or (plan.outcome == Outcome.LOST and late)
        ):
            commercial = self.commercial_login if showcase else rng.choice(self.ctx.commercial_people)
            plan.members.append((commercial, DealRole.COMMERCIAL))
        if plan.outcome == Outcome.WON and plan.stage_number >= 7:
            plan.members.append((rng.choice(self.ctx.after_sales_people), DealRole.AFTER_SALES))

    def _competitors(self, plan: OpportunityPlan, english: bool) -> None:
        rng = self.rng
        count = rng.choices([0, 1, 2, 3], [20, 40, 28, 12])[0]
        pool = self.international_competitors if english and rng.random() < 0.7 else self.ctx.competitors
        for position, competitor in enumerate(rng.sample(pool, min(count, len(pool)))):
            ahead = (plan.outcome == Outcome.LOST and position == 0) or rng.random() < 0.2
            plan.competitors.append((competitor, ahead, rng.choice(names.COMPETITOR_NOTES)))


def _manager_of(ctx: DemoContext, user: User) -> User | None:
    return ctx.managers_by_team.get(user.team_id) if user.team_id else None


def _create_with_services(ctx: DemoContext, plan: OpportunityPlan, walker: ChecklistWalker) -> Opportunity:
    """Walk the deal through its life with the services, by the people who would do each step.

    The stage is not set by hand: the responsible people complete the deal's playbook steps and the playbook
    moves the deal to the stage of its first unfinished step (won deals close when the last step is done).
    """
    rng = ctx.rng
    owner, lead = plan.sales_owner, plan.presales_lead
    steps_plan = walker.planner.plan_steps(plan)
    opened = walker.planner.opened_on(plan, steps_plan)
    with walker.at(opened):
        opportunity = _open_deal(ctx, plan)
    closed = walker.walk(opportunity, plan, steps_plan, opened)
    if plan.outcome == Outcome.OPEN:
        if plan.probability_set_by_hand:
            current = Opportunity.objects.get(pk=opportunity.pk)
            opportunity = services.opportunity_update(
                actor=owner, opportunity=current, expected_version=current.version, probability=plan.probability
            )
        return opportunity
    closer = owner if rng.random() < 0.7 else (_manager_of(ctx, owner) or owner)
    with walker.at(plan.closed_on or ctx.today):
        if closed is None:
            # Lost, or abandoned after the go decision: the owner (or their manager) records it.
            current = Opportunity.objects.get(pk=opportunity.pk)
            opportunity = services.opportunity_close(
                actor=closer,
                opportunity=current,
                outcome=plan.outcome,
                reason=plan.outcome_reason,
                closed_on=plan.closed_on,
                expected_version=current.version,
            )
        elif plan.outcome == Outcome.WON and plan.outcome_reason:
            # The playbook closed it on the last step with no reason, and no service sets one afterwards: write
            # it through the versioned, audited save the services use, as the person closing the deal would.
            opportunity = save_with_version_check(
                closed,
                changes={
                    "outcome_reason": plan.outcome_reason,
                    "win_loss_reason": OutcomeReason.objects.active().matching(plan.outcome_reason),
                },
                expected_version=None,
                actor=closer,
                reason="close",
            )
            # A history row written at the plan's close date, maybe before the last stage move: the stage entry
            # is read from the history again.
            refresh_health([opportunity.pk])
        else:
            opportunity = closed
    for number in range(7, plan.stage_number + 1):
        moved = min(ctx.today, (plan.closed_on or ctx.today) + datetime.timedelta(days=30 * (number - 6)))
        with walker.at(moved):
            opportunity = services.opportunity_change_stage(
                actor=rng.choice([owner, lead or owner]),
                opportunity=opportunity,
                stage=ctx.stages[number],
                expected_version=opportunity.version,
            )
    return opportunity


def _open_deal(ctx: DemoContext, plan: OpportunityPlan) -> Opportunity:
    """Create the deal with its team and competitors (its checklist comes with it)."""
    owner, lead = plan.sales_owner, plan.presales_lead
    opportunity = services.opportunity_create(
        actor=owner,
        account=plan.account,
        name=plan.name,
        amount=plan.amount,
        currency=plan.currency,
        expected_close_date=plan.expected_close_date,
        stage=ctx.stages[1 if plan.stage_number == 1 else 2],
        sales_owner=owner,
        presales_lead=lead,
        source=plan.source,
        description=plan.description,
    )
    for user, role in plan.members:
        services.deal_member_add(actor=owner, opportunity=opportunity, user=user, role=role)
    for competitor, ahead, notes in plan.competitors:
        services.deal_competitor_add(
            actor=lead or owner, opportunity=opportunity, competitor=competitor, notes=notes, is_ahead=ahead
        )
    return opportunity


def _listed_reasons(plans: list[OpportunityPlan]) -> dict[str, OutcomeReason | None]:
    """The reason from the managed list each distinct typed reason names (as opportunity_close picks it)."""
    listed = OutcomeReason.objects.active()
    return {text: listed.matching(text) for text in {plan.outcome_reason for plan in plans if plan.outcome_reason}}


def build_opportunity_row(
    ctx: DemoContext, plan: OpportunityPlan, reasons: dict[str, OutcomeReason | None] | None = None
) -> Opportunity:
    """The row opportunity_create + change_stage + close would have produced, for bulk insertion."""
    lead = plan.presales_lead
    return Opportunity(
        account=plan.account,
        name=plan.name,
        amount=plan.amount,
        currency=plan.currency,
        expected_close_date=plan.expected_close_date,
        stage=ctx.stages[plan.stage_number],
        probability=plan.probability,
        sales_owner=plan.sales_owner,
        presales_lead=lead,
        # As deals.services.derive_teams: who can see a deal follows its owner's and lead's teams.
        team_id=plan.sales_owner.team_id,
        presales_team_id=lead.team_id if lead else None,
        outcome=plan.outcome,
        outcome_reason=plan.outcome_reason,
        win_loss_reason=(reasons if reasons is not None else _listed_reasons([plan])).get(plan.outcome_reason),
        closed_on=plan.closed_on,
        source=plan.source,
        description=plan.description,
    )


def _create_in_bulk(ctx: DemoContext, planner: DealPlanner) -> None:
    checklists = BulkChecklists(ctx)
    progress = ctx.progress("opportunities", ctx.spec.opportunities)
    # The steps' plain indexes are built once from the loaded rows (keeping seven indexes up to date row by row was
    # most of the time at the enterprise size); their unique (deal, step) index stays and serves the reads below.
    with indexes_deferred(DealStep):
        _insert_batches(ctx, planner, checklists, progress)
    progress.finish()
    ctx.counts["deal steps"] = checklists.count


def _insert_batches(ctx: DemoContext, planner: DealPlanner, checklists: BulkChecklists, progress: Progress) -> None:
    total, batch = ctx.spec.opportunities, ctx.spec.batch_size
    for start in range(0, total, batch):
        plans = [planner.plan(index) for index in range(start, min(total, start + batch))]
        with transaction.atomic():
            reasons = _listed_reasons(plans)
            rows = [build_opportunity_row(ctx, plan, reasons) for plan in plans]
            insert_objects(rows, Opportunity)
            members = [
                DealTeamMember(opportunity=row, user=user, role=role)
                for row, plan in zip(rows, plans, strict=True)
                for user, role in plan.members
            ]
            insert_objects(members, DealTeamMember, set_pks=False)
            links = [
                OpportunityCompetitor(opportunity=row, competitor=competitor, notes=notes, is_ahead=ahead)
                for row, plan in zip(rows, plans, strict=True)
                for competitor, ahead, notes in plan.competitors
            ]
            insert_objects(links, OpportunityCompetitor, set_pks=False)
            # Open deals carry their checklist, so my next steps and the accountability board have data at scale.
            insert_objects(
                [
                    DealPlaybook(opportunity=row, playbook=checklists.version)
                    for row, plan in zip(rows, plans, strict=True)
                    if plan.outcome == Outcome.OPEN and checklists.version
                ],
                DealPlaybook,
                set_pks=False,
            )
            checklists.builder.insert(checklists.rows(rows, plans))
            # Rows made without the services: their health columns from their steps (and, for lack of history,
            # their creation time as the stage entry), as the services would have left them.
            refresh_health([row.pk for row in rows])
        _count(ctx, plans)
        progress.update(start + len(plans))


def _count(ctx: DemoContext, plans: list[OpportunityPlan]) -> None:
    for plan in plans:
        ctx.counts["opportunities"] = ctx.counts.get("opportunities", 0) + 1
        ctx.counts[f"deals {plan.outcome}"] = ctx.counts.get(f"deals {plan.outcome}", 0) + 1


def generate_deals(ctx: DemoContext) -> None:
    """Opportunities: through the services for the small demo (with audit trail), in bulk for scale sizes."""
    ctx.stages = {stage.number: stage for stage in Stage.objects.all()}
    planner = DealPlanner(ctx)
    if not ctx.spec.use_services:
        _create_in_bulk(ctx, planner)
        return
    walker = ChecklistWalker(ctx)
    progress = ctx.progress("opportunities", ctx.spec.opportunities)
    for index in range(ctx.spec.opportunities):
        plan = planner.plan(index)
        _create_with_services(ctx, plan, walker)
        _count(ctx, [plan])
        if index % 25 == 0:
            progress.update(index)
    progress.finish()
    ctx.counts["deal steps"] = DealStep.objects.count()


def opportunity_problems(opportunity: Opportunity, today: datetime.date) -> list[str]:
    """Why the deals services would not have produced this row (empty when it is a valid deal)."""
    problems = []
    try:
        opportunity.full_clean()
    except ValidationError as error:
        problems.append(f"full_clean: {error.message_dict}")
    owner, lead = opportunity.sales_owner, opportunity.presales_lead
    if opportunity.team_id != owner.team_id:
        problems.append("team is not the sales owner's team")
    if opportunity.presales_team_id != (lead.team_id if lead else None):
        problems.append("presales team is not the presales lead's team")
    if owner.role not in SALES_ROLES:
        problems.append("sales owner is not in sales")
    if lead is not None and lead.role not in PRESALES_ROLES:
        problems.append("presales lead is not in presales")
    if opportunity.amount < 0:
        problems.append("negative amount")
    if opportunity.is_open:
        if opportunity.closed_on is not None or opportunity.outcome_reason:
            problems.append("an open deal has a close date or reason")
        if opportunity.stage.is_after_sale:
            problems.append("an open deal is in an after-sale stage")
    else:
        if opportunity.closed_on is None or opportunity.closed_on > today:
            problems.append("a closed deal needs a past closed_on date")
        if opportunity.stage.is_after_sale and opportunity.outcome != Outcome.WON:
            problems.append("only won deals move to after-sale stages")
        if opportunity.outcome == Outcome.WON and opportunity.probability != 100:
            problems.append("won deals have probability 100")
        if opportunity.outcome != Outcome.WON and (opportunity.probability != 0 or not opportunity.outcome_reason):
            problems.append("lost/abandoned deals have probability 0 and a reason")
    return problems
