"""Demo approvals (审批): one flow of each kind, a delegation while the presales director is away, and requests on
open deals, some approved or rejected with comments and some waiting (for the demo logins among others).

Through the services at every size: a bounded number of rows, so the pages and the inbox have realistic content.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from presales.approvals import services
from presales.approvals.models import ApprovalKind, ApprovalMode, ApprovalRequest, ApprovalTask, TaskStatus
from presales.approvals.selectors import flow_for
from presales.approvals.services import ApproverSpec
from presales.deals import services as deal_services
from presales.deals.models import DealStep, Opportunity, Outcome, StepStatus
from presales.people.models import Role

if TYPE_CHECKING:
    from presales.demo.context import DemoContext

# (kind, name, mode, approvers as roles, conditions)
FLOWS: list[tuple[str, str, str, list[str], dict]] = [
    (
        ApprovalKind.GO_NO_GO,
        "立项评估:是否继续投入",
        ApprovalMode.SEQUENCE,
        [Role.SALES_MANAGER, Role.PRESALES_MANAGER],
        {"min_amount": Decimal("3000000")},
    ),
    (
        ApprovalKind.QUOTE,
        "最终报价:折扣超过 15%",
        ApprovalMode.PARALLEL,
        [Role.SALES_MANAGER, Role.COMMERCIAL],
        {"min_discount_percent": Decimal("15")},
    ),
    (
        ApprovalKind.BID,
        "投标审批:政府与金融行业",
        ApprovalMode.SEQUENCE,
        [Role.SALES_MANAGER, Role.COMMERCIAL],
        {"industries": ["government", "finance"]},
    ),
    (
        ApprovalKind.POC,
        "POC 资源投入",
        ApprovalMode.SEQUENCE,
        [Role.PRESALES_MANAGER],
        {"min_amount": Decimal("1000000")},
    ),
    (
        ApprovalKind.RISK,
        "项目风险评审",
        ApprovalMode.PARALLEL,
        [Role.SALES_MANAGER, Role.PRESALES_MANAGER],
        {"min_amount": Decimal("2000000")},
    ),
]

APPROVE_COMMENTS = [
    "同意,注意控制投入",
    "同意。客户关系扎实,可以推进",
    "Approved: margin still above target",
    "同意,请商务跟进付款条件",
]
REJECT_COMMENTS = [
    "不同意:预算未批,先确认预算再申请",
    "Rejected: the discount leaves no margin after services",
    "不同意:竞争对手已深度绑定客户,投入产出比低",
]
REQUEST_COMMENTS = [
    "客户高层已明确需求,申请继续投入",
    "竞争激烈,需要折扣支持",
    "招标文件已发布,请审批投标",
    "",
    "客户要求现场 POC",
]


def _candidates(kind: str, flow_step: str, limit: int) -> list[Opportunity]:
    """Open deals whose held step is still open, the demo sales rep's first."""
    deal_ids = DealStep.objects.filter(
        definition__key=flow_step,
        status__in=[StepStatus.NOT_STARTED, StepStatus.IN_PROGRESS],
        opportunity__outcome=Outcome.OPEN,
    ).values("opportunity_id")
    deals = (
        Opportunity.objects.filter(pk__in=deal_ids)
        .select_related("account", "sales_owner", "team__manager", "presales_team__manager", "presales_lead")
        .order_by("pk")
    )
    mine = list(deals.filter(sales_owner__username="sales")[:2])
    return mine + [deal for deal in deals.exclude(sales_owner__username="sales")[: limit * 4] if deal not in mine]


def _decide(ctx: DemoContext, request: ApprovalRequest, outcome: str) -> None:
    """Approve every waiting part in turn, or reject at the first one; 'partly' approves one part and leaves the rest
    waiting; 'waiting' decides nothing."""
    while True:
        task = (
            ApprovalTask.objects.filter(request=request, status=TaskStatus.PENDING)
            .select_related("approver")
            .order_by("order")
            .first()
        )
        if task is None:
            return
        if outcome == "reject":
            services.approval_decide(
                actor=task.approver, task=task, approve=False, comment=ctx.rng.choice(REJECT_COMMENTS)
            )
            return
        if outcome == "waiting":
            return
        services.approval_decide(actor=task.approver, task=task, approve=True, comment=ctx.rng.choice(APPROVE_COMMENTS))
        if outcome == "partly":
            return


def generate_approvals(ctx: DemoContext) -> None:
    """Five flows, one delegation, and about fifteen requests in every state."""
    admin = ctx.admin or ctx.logins.get("admin")
    if admin is None:
        return
    flows = []
    for kind, name, mode, roles, conditions in FLOWS:
        flows.append(
            services.approval_flow_create(
                actor=admin,
                approvers=[ApproverSpec(role=role) for role in roles],
                name=name,
                kind=kind,
                mode=mode,
                **conditions,
            )
        )
    presales_manager = ctx.logins.get("presalesmgr")
    presales = ctx.logins.get("presales")
    if presales_manager is not None and presales is not None:
        services.approval_delegation_create(
            actor=presales_manager,
            approver=presales_manager,
            delegate=presales,
            starts_on=ctx.today - datetime.timedelta(days=1),
            ends_on=ctx.today + datetime.timedelta(days=6),
            note="出差期间由张伟代审",
        )
    made = 0
    for flow in flows:
        outcomes = ["approve", "reject", "partly", "waiting"]
        for deal in _candidates(flow.kind, flow.step_key, len(outcomes)):
            if not outcomes:
                break
            if flow.kind == ApprovalKind.QUOTE:
                discount = Decimal(ctx.rng.choice([16, 18, 20, 25]))
                deal = deal_services.opportunity_update(
                    actor=deal.sales_owner, opportunity=deal, expected_version=None, discount_percent=discount
                )
            if flow_for(deal, flow.step_key) != flow:
                continue
            request = services.approval_request_create(
                actor=deal.sales_owner,
                opportunity=deal,
                step_key=flow.step_key,
                comment=ctx.rng.choice(REQUEST_COMMENTS),
            )
            _decide(ctx, request, outcomes.pop(0))
            made += 1
    ctx.counts["approval requests"] = made
