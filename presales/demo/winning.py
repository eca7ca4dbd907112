"""Demo technical verdicts, presales hours through each closed deal's life, and a first win-probability model.

Verdicts follow the outcome the way they do in life, loosely: a deal won is usually a technical win, a deal lost
more often a technical loss, and some deals are won technically and lost all the same (price, relationships).
The presales lead records one at the POC or bid (about 40 % of the way through the deal) and one at close; open
deals past the solution stage have the first. Closed deals also get the presales hours spent on them, dated
through their life (won deals had a little more hands-on work), before last month so the frozen scorecards stay
as they were. The small size then trains the model as the worker would, so the model card has results.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from presales.core.bulkinsert import RowBuilder
from presales.deals.models import Competitor, Opportunity, OpportunityCompetitor, Outcome
from presales.demo.checklists import demo_clock
from presales.demo.context import DemoContext
from presales.people.models import Role, User
from presales.winning import services
from presales.winning.models import TechnicalVerdict, Verdict, VerdictPhase
from presales.work import services as work_services
from presales.work.models import WorkType

VERDICT_WEIGHTS = {
    Outcome.WON: [62, 18, 8, 12],
    Outcome.LOST: [22, 20, 46, 12],
    Outcome.ABANDONED: [20, 20, 20, 40],
    Outcome.OPEN: [40, 25, 20, 15],
}
VERDICTS = [Verdict.WIN, Verdict.TIE, Verdict.LOSS, Verdict.NOT_ASSESSED]
REASONS = {
    Verdict.WIN: [
        ("POC 全部测试项通过,性能指标领先对手约 20%", "Passed every POC test; about 20% ahead on performance"),
        ("技术评分第一,客户认可国产化适配方案", "Scored first technically; the customer liked our localisation"),
        ("方案架构更简洁,运维工作量明显更低", "Simpler architecture; clearly less operations work"),
    ],
    Verdict.TIE: [
        ("技术评分与对手持平,差异主要在价格", "Level with the competitor on the technical score; price decides"),
        ("双方均满足需求,客户无明显倾向", "Both meet the requirements; no clear preference"),
    ],
    Verdict.LOSS: [
        ("对手在兼容性测试中表现更好", "The competitor did better in the compatibility tests"),
        ("缺少客户要求的一项关键功能", "We lack a key feature the customer requires"),
        ("技术评分落后,客户更认可对手的行业案例", "Behind on the technical score; the competitor's references won"),
    ],
    Verdict.NOT_ASSESSED: [("", "")],
}
HANDS_ON = [WorkType.POC, WorkType.DEMO, WorkType.CONFIGURATION]
OTHER_WORK = [WorkType.ON_SITE_VISIT, WorkType.REMOTE_MEETING, WorkType.SOLUTION_DESIGN, WorkType.BID_DOCUMENT]


def _actor(ctx: DemoContext, deal: Opportunity, leads: dict[int, User]) -> User | None:
    lead = leads.get(deal.presales_lead_id or 0)
    if lead is not None and lead.is_active:
        return lead
    return ctx.admin


def _at(ctx: DemoContext, day: datetime.date) -> datetime.datetime:
    """Mid-morning of `day`, never later than now: when the verdict was written down."""
    return min(timezone.now(), timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 30))))


def _reason(rng: random.Random, verdict: str, english: bool) -> str:
    zh, en = rng.choice(REASONS[verdict])
    return en if english else zh


def generate_winning(ctx: DemoContext) -> None:
    """Technical verdicts on most deals with a presales lead, presales hours on closed deals, and a trained model."""
    # Its own random source: the generators after this one draw the same numbers as before it existed.
    rng = random.Random(f"winning-{ctx.spec.name}")  # noqa: S311 - demo data, not security
    deals = (
        Opportunity.objects.filter(presales_lead__isnull=False)
        .exclude(outcome=Outcome.OPEN, stage__number__lt=4)
        .order_by("pk")
    )
    first_competitor: dict[int, int] = {}
    for deal_id, competitor_id in OpportunityCompetitor.objects.order_by("-pk").values_list(
        "opportunity_id", "competitor_id"
    ):
        first_competitor[deal_id] = competitor_id
    if not ctx.spec.use_services:
        _bulk(ctx, rng, deals, first_competitor)
        return
    deals = deals.select_related("account")
    competitors = {competitor.pk: competitor for competitor in Competitor.objects.all()}
    leads = {user.pk: user for user in User.objects.filter(role__in=(Role.PRESALES, Role.PRESALES_MANAGER))}
    # The last day each deal moved before it closed: the verdict and the hours fall in the time it was worked.
    moved: dict[int, list[datetime.date]] = defaultdict(list)
    for deal_id, moment in Opportunity.history.values_list("id", "history_date"):
        moved[deal_id].append(timezone.localtime(moment).date())
    last_month_start = (ctx.today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    verdicts = activities = 0
    for deal in deals:
        actor = _actor(ctx, deal, leads)
        if actor is None:
            continue
        english = deal.account.region == "overseas"
        opened = deal.created_at.date()
        closed = deal.closed_on or ctx.today
        worked = [day for day in moved[deal.pk] if opened < day < closed]
        length = max(1, ((max(worked) if worked else closed) - opened).days)
        evaluated_on = min(ctx.today, opened + datetime.timedelta(days=int(length * 0.4)))
        verdict = rng.choices(VERDICTS, VERDICT_WEIGHTS[deal.outcome])[0]
        competitor_id = first_competitor.get(deal.pk)
        competitor = competitors.get(competitor_id) if competitor_id else None
        # The verdict at the evaluation and, once the deal is closed, the one at the close (now and then changed).
        phases = [(VerdictPhase.EVALUATION, evaluated_on)]
        if deal.outcome != Outcome.OPEN and deal.closed_on is not None:
            phases.append((VerdictPhase.CLOSE, deal.closed_on))
        for phase, recorded_on in phases:
            if phase == VerdictPhase.CLOSE and rng.random() < 0.25:
                verdict = rng.choices(VERDICTS, VERDICT_WEIGHTS[deal.outcome])[0]
            with demo_clock(_at(ctx, recorded_on)):
                services.technical_verdict_record(
                    actor=actor,
                    opportunity=deal,
                    phase=phase,
                    verdict=verdict,
                    competitor=competitor,
                    reasons=_reason(rng, verdict, english),
                    recorded_on=recorded_on,
                )
            verdicts += 1
        if len(phases) == 1:  # not closed: no presales hours to log yet
            continue
        if actor.role not in (Role.PRESALES, Role.PRESALES_MANAGER):
            continue
        hands_on_share = 0.5 if deal.outcome == Outcome.WON else 0.3
        for _ in range(rng.randint(2, 5)):
            day = opened + datetime.timedelta(days=rng.randint(0, max(0, length - 1)))
            if day >= last_month_start:
                continue
            kind = rng.choice(HANDS_ON) if rng.random() < hands_on_share else rng.choice(OTHER_WORK)
            work_services.activity_create(
                actor=actor,
                kind=kind,
                date=day,
                hours=Decimal(rng.choice([2, 3, 4, 6, 8])),
                opportunity=deal,
                outcome="客户认可方案" if not english else "The customer accepted the approach",
            )
            activities += 1
    ctx.counts["technical verdicts"] = verdicts
    ctx.counts["deal-life activities"] = activities
    model = services.win_model_request(actor=None)
    services.win_model_train(model=model, today=ctx.today)


def _bulk(ctx: DemoContext, rng: random.Random, deals: QuerySet[Opportunity], first_competitor: dict[int, int]) -> None:
    """The larger sizes: the same verdicts as rows the service would accept, inserted in batches (no training: the
    worker's first scheduled run trains the model). The deals are read as the five values used, the verdicts built
    as rows (core.bulkinsert.RowBuilder): objects by the hundred thousand cost more than the inserts."""
    recorder = ctx.admin
    if recorder is None:
        return
    builder = RowBuilder(TechnicalVerdict, now=timezone.now())
    rows = []
    for pk, created_at, closed_on, outcome, region in deals.values_list(
        "pk", "created_at", "closed_on", "outcome", "account__region"
    ).iterator(chunk_size=5000):
        opened = created_at.date()
        closed = closed_on or ctx.today
        evaluated_on = min(ctx.today, opened + datetime.timedelta(days=int(max(1, (closed - opened).days) * 0.4)))
        verdict = rng.choices(VERDICTS, VERDICT_WEIGHTS[outcome])[0]
        english = region == "overseas"
        common = {"opportunity_id": pk, "competitor_id": first_competitor.get(pk), "recorded_by_id": recorder.pk}
        rows.append(
            builder.row(
                {
                    "phase": VerdictPhase.EVALUATION,
                    "verdict": verdict,
                    "reasons": _reason(rng, verdict, english),
                    "recorded_on": evaluated_on,
                    **common,
                }
            )
        )
        if outcome != Outcome.OPEN and closed_on is not None:
            rows.append(
                builder.row(
                    {
                        "phase": VerdictPhase.CLOSE,
                        "verdict": verdict,
                        "reasons": _reason(rng, verdict, english),
                        "recorded_on": closed_on,
                        **common,
                    }
                )
            )
    builder.insert(rows)
    ctx.counts["technical verdicts"] = len(rows)
