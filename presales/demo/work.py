"""Demo data for presales work: skills for engineers, activities on deals, and support requests in every status.

The small size goes through the services (so the history exists and the issue's journey can be walked: the demo
sales rep's request waits for the demo presales manager); bigger sizes bulk-insert activities the services would
accept.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, cast

from presales.core.bulkinsert import insert_objects
from presales.deals.models import Opportunity, Outcome
from presales.people.models import SALES_ROLES, User, UserSkill
from presales.work import services
from presales.work.models import Activity, ActivityStatus, WorkType

if TYPE_CHECKING:
    from presales.demo.context import DemoContext

KINDS = [choice for choice, _label in WorkType.choices]
HOURS = [Decimal("1"), Decimal("2"), Decimal("2"), Decimal("3"), Decimal("4"), Decimal("8")]


def _skills(ctx: DemoContext) -> None:
    rows = [
        UserSkill(user=person, skill=skill, level=ctx.rng.randint(1, 5))
        for person in ctx.presales_people
        for skill in ctx.rng.sample(ctx.skills, k=min(3, len(ctx.skills)))
    ]
    UserSkill.objects.bulk_create(rows, ignore_conflicts=True)


def generate_work(ctx: DemoContext) -> None:
    """Activities over the last eight weeks and the next two, plus support requests in every status."""
    if not ctx.presales_people:
        return
    _skills(ctx)
    deals = list(
        Opportunity.objects.filter(presales_lead__isnull=False)
        .select_related("account", "presales_lead", "sales_owner")
        .order_by("pk")[: 40 if ctx.spec.use_services else 5000]
    )
    activities = 0
    if ctx.spec.use_services:
        for deal in deals:
            for _ in range(ctx.rng.randint(1, 4)):
                offset = ctx.rng.randint(-56, 14)
                services.activity_create(
                    actor=cast(User, deal.presales_lead),  # the query keeps deals with a lead
                    kind=ctx.rng.choice(KINDS),
                    date=ctx.today + datetime.timedelta(days=offset),
                    hours=ctx.rng.choice(HOURS),
                    opportunity=deal,
                    status=ActivityStatus.PLANNED
                    if offset > 0 and deal.outcome == Outcome.OPEN
                    else ActivityStatus.DONE,
                    outcome="" if offset > 0 else "客户认可演示内容,约定下次沟通",
                    expected_uplift=Decimal(ctx.rng.randint(1, 10)) if offset > 0 else None,
                    win_rate_answer="让客户看到差异化" if offset > 0 else "",
                )
                activities += 1
    else:
        rows = []
        for deal in deals:
            for _ in range(ctx.rng.randint(1, 4)):
                offset = ctx.rng.randint(-56, 0)
                rows.append(
                    Activity(
                        kind=ctx.rng.choice(KINDS),
                        date=ctx.today + datetime.timedelta(days=offset),
                        hours=ctx.rng.choice(HOURS),
                        owner=deal.presales_lead,
                        opportunity=deal,
                        account=deal.account,
                        status=ActivityStatus.DONE,
                    )
                )
        insert_objects(rows, Activity, set_pks=False)
        activities = len(rows)
    requests = _requests(ctx, [d for d in deals if d.outcome == Outcome.OPEN][:12])
    ctx.counts["activities"] = activities
    ctx.counts["support requests"] = requests


def _requests(ctx: DemoContext, deals: list[Opportunity]) -> int:
    """A few requests per status through the services; the demo sales rep's first request stays new."""
    manager = ctx.logins.get("presalesmgr")
    sales = ctx.logins.get("sales")
    count = 0
    for index, deal in enumerate(deals):
        requester = sales if (index == 0 and sales) else deal.sales_owner
        if not deal.account or requester.role not in SALES_ROLES:
            continue
        request = services.request_create(
            actor=requester,
            opportunity=deal,
            kind=KINDS[index % len(KINDS)],
            description="客户要求针对核心业务做一次方案演示和配置说明",
            needed_by=ctx.today + datetime.timedelta(days=5 + index * 2),
            estimate_hours=Decimal(4 + (index % 5) * 6),
            win_rate_answer="客户评估小组需要看到我们与竞争对手的差异",
            expected_uplift=Decimal(3 + index % 8),
            skills=ctx.skills[index % max(1, len(ctx.skills)) :][:1],
        )
        count += 1
        if manager is None or index % 4 == 0:
            continue  # left new: the presales manager's queue
        engineer = deal.presales_lead
        request = services.request_triage(actor=manager, request=request, assignee=engineer)
        if index % 4 == 1:
            continue
        decision = "declined" if index % 4 == 3 else "accepted"
        request = services.request_decide(
            actor=manager,
            request=request,
            decision=decision,
            reason="三看:时间和把握都具备" if decision == "accepted" else "三看:时间不够,可以拒绝",
        )
        if decision == "accepted" and index % 8 == 2:
            request = services.request_start(actor=cast(User, engineer), request=request)
    return count
