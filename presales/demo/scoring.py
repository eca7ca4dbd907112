"""Demo data for evaluation: last month's visits, capability scores, sales ratings, debriefs and deal results for every
presales engineer, then last month closed so its scorecards exist as frozen rows.

Runs after the work generator (presales.demo.company.GENERATORS), whose activities it reads.
The small size goes through the services; bigger sizes bulk-insert rows the services would accept.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from presales.core.bulkinsert import insert_objects
from presales.deals import services as deal_services
from presales.deals.models import Opportunity, Outcome
from presales.demo import names
from presales.demo.checklists import demo_clock
from presales.people.models import Role, User
from presales.scoring import formulas, services
from presales.scoring.models import CapabilityDimension, CapabilityScore, RatingOccasion, SalesRating
from presales.work import services as work_services
from presales.work.models import Activity, ActivityStatus, WorkType

if TYPE_CHECKING:
    from presales.demo.context import DemoContext

VISIT_OUTCOMES = [
    "与信息中心主任确认需求范围",
    "现场演示获客户认可,约定POC",
    "拜访分管副总,介绍行业案例",
    "技术交流,澄清招标参数",
]
RATING_COMMENTS = ["响应及时,方案专业", "演示效果好,客户认可", "资料准备稍慢", "POC支持到位,关键时刻顶上"]
DEBRIEF_GAPS = ["", "", "缺少国产化数据库适配", "不支持多租户计费"]


def _last_month(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    return formulas.period_bounds(formulas.MONTH, today.replace(day=1) - datetime.timedelta(days=1))


def _manager(ctx: DemoContext, engineer: User) -> User | None:
    manager = ctx.managers_by_team.get(engineer.team_id) if engineer.team_id else None
    return manager or ctx.logins.get("presalesmgr") or ctx.admin


def _ensure_results(ctx: DemoContext, engineers: list[User], start: datetime.date, end: datetime.date) -> None:
    """Each engineer needs a closed deal last month among the deals they lead.

    The deal generator plans a won and a lost one for every active engineer (deals.LAST_MONTH_RESULTS), walked
    through the services like every other deal. An engineer still without one (e.g. a generator list changed) gets
    an open deal of theirs marked lost by its sales owner through deals.services.opportunity_close, at a date last
    month: a lost deal stops where its checklist stopped, while a won one would need every step done first.
    """

    closed = set(
        Opportunity.objects.filter(presales_lead__in=engineers, closed_on__gte=start, closed_on__lte=end)
        .values_list("presales_lead_id", flat=True)
        .distinct()
    )
    for engineer in engineers:
        if engineer.pk in closed:
            continue
        deal = (
            Opportunity.objects.open()
            .filter(presales_lead=engineer, stage__number__gte=2, stage__is_after_sale=False)
            .select_related("sales_owner", "stage")
            .order_by("-pk")
            .first()
        )
        if deal is None:
            continue
        closed_on = start + datetime.timedelta(days=ctx.rng.randint(5, 24))
        moment = timezone.make_aware(datetime.datetime.combine(closed_on, datetime.time(17, 0)))
        with demo_clock(min(moment, timezone.now())):
            deal_services.opportunity_close(
                actor=deal.sales_owner,
                opportunity=deal,
                outcome=Outcome.LOST,
                reason=ctx.rng.choice(names.LOST_REASONS),
                closed_on=closed_on,
                expected_version=deal.version,
            )


def _visits(ctx: DemoContext, engineers: list[User], start: datetime.date, end: datetime.date) -> int:
    # (deal, account) ids per lead: the deals are only drawn from, and at the bulk sizes they are 150,000 objects.
    deals_by_lead: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for pk, lead_id, account_id in (
        Opportunity.objects.filter(presales_lead__in=engineers)
        .order_by("pk")
        .values_list("pk", "presales_lead_id", "account_id")
    ):
        deals_by_lead[lead_id].append((pk, account_id))
    rows = []
    count = 0
    for engineer in engineers:
        deals = deals_by_lead[engineer.pk]
        if not deals:
            continue
        for week in formulas.week_starts(start, end):
            for _ in range(ctx.rng.randint(1, 4)):
                day = week + datetime.timedelta(days=ctx.rng.randint(0, 4))
                if not start <= day <= end:
                    continue
                deal_id, account_id = ctx.rng.choice(deals)
                values = {
                    "kind": WorkType.ON_SITE_VISIT,
                    "date": day,
                    "hours": Decimal(ctx.rng.choice([2, 3, 4])),
                    "outcome": ctx.rng.choice(VISIT_OUTCOMES),
                }
                if ctx.spec.use_services:
                    deal = Opportunity.objects.get(pk=deal_id)
                    work_services.activity_create(actor=engineer, opportunity=deal, **values)
                else:
                    rows.append(
                        Activity(
                            owner=engineer,
                            opportunity_id=deal_id,
                            account_id=account_id,
                            status=ActivityStatus.DONE,
                            **values,
                        )
                    )
                count += 1
    insert_objects(rows, Activity, set_pks=False)
    return count


def _capability(ctx: DemoContext, engineers: list[User], start: datetime.date) -> int:
    dimensions = list(CapabilityDimension.objects.filter(is_active=True))
    rows = []
    for engineer in engineers:
        manager = _manager(ctx, engineer)
        if manager is None or manager.pk == engineer.pk:
            continue
        level = ctx.rng.randint(2, 4)
        marks = {dimension: (max(1, min(5, level + ctx.rng.randint(-1, 1))), "") for dimension in dimensions}
        if ctx.spec.use_services:
            services.capability_scores_save(
                actor=manager, engineer=engineer, period_kind=formulas.MONTH, period_start=start, scores=marks
            )
        else:
            rows += [
                CapabilityScore(
                    engineer=engineer,
                    dimension=dimension,
                    period_kind=formulas.MONTH,
                    period_start=start,
                    score=score,
                    comment=comment,
                    scored_by=manager,
                )
                for dimension, (score, comment) in marks.items()
            ]
    CapabilityScore.objects.bulk_create(rows, batch_size=ctx.spec.batch_size, ignore_conflicts=True)
    return len(engineers) * len(dimensions)


def _ratings_and_debriefs(ctx: DemoContext, engineers: list[User], start: datetime.date, end: datetime.date) -> int:
    deals = list(
        Opportunity.objects.closed()
        .filter(presales_lead__in=engineers, closed_on__gte=start, closed_on__lte=end)
        .exclude(pk__in=SalesRating.objects.filter(request__isnull=True).values("opportunity_id"))
        .select_related("sales_owner", "presales_lead")
        .order_by("pk")
    )
    rows = []
    for deal in deals:
        rated_on = min(end, deal.closed_on + datetime.timedelta(days=ctx.rng.randint(0, 4)))
        marks = {name: ctx.rng.choice([3, 4, 4, 5, 5]) for name in ("responsiveness", "quality", "impact")}
        comment = ctx.rng.choice(RATING_COMMENTS)
        if ctx.spec.use_services:
            services.sales_rating_create(
                actor=deal.sales_owner, opportunity=deal, comment=comment, rated_on=rated_on, **marks
            )
            # The deal team says why; the presales lead and the sales owner answer in their roles.
            for author in (deal.presales_lead, deal.sales_owner):
                services.debrief_create(
                    actor=author,
                    opportunity=deal,
                    main_reason=ctx.rng.choice(["price", "product_fit", "solution", "relationship", "competitor"]),
                    explanation=deal.outcome_reason,
                    product_gap=ctx.rng.choice(DEBRIEF_GAPS),
                )
        else:
            rows.append(
                SalesRating(
                    rater=deal.sales_owner,
                    engineer=deal.presales_lead,
                    opportunity=deal,
                    occasion=RatingOccasion.DEAL_CLOSED,
                    comment=comment,
                    rated_on=rated_on,
                    **marks,
                )
            )
    SalesRating.objects.bulk_create(rows, batch_size=ctx.spec.batch_size, ignore_conflicts=True)
    return len(deals)


def generate_scoring(ctx: DemoContext) -> None:
    """Last month's four scorecard parts for every presales engineer, a mid-month quota change, and the month closed."""
    engineers = [person for person in ctx.presales_people if person.role == Role.PRESALES and person.is_active]
    if not engineers:
        return
    start, end = _last_month(ctx.today)
    _ensure_results(ctx, engineers, start, end)
    ctx.counts["visits"] = _visits(ctx, engineers, start, end)
    # The visits are activities too: keep the work generator's count of all activities true.
    ctx.counts["activities"] = ctx.counts.get("activities", 0) + ctx.counts["visits"]
    ctx.counts["capability scores"] = _capability(ctx, engineers, start)
    ctx.counts["sales ratings"] = _ratings_and_debriefs(ctx, engineers, start, end)
    manager = ctx.logins.get("presalesmgr") or ctx.admin
    if manager is None:
        return
    # One engineer's quota went from 3 to 4 in the middle of last month: their scorecard shows both.
    services.visit_quota_set(
        actor=manager,
        engineer=engineers[0],
        quota=4,
        effective_from=start + datetime.timedelta(days=14),
        reason="负责重点行业,增加拜访",
    )
    period = services.period_close(actor=manager, kind=formulas.MONTH, start=start, note="月度评审")
    ctx.counts["scorecards"] = period.snapshots.count()
