"""Reads for approvals: which flow applies to a deal's step, the hold it puts on the step, and the lists of what
waits for a person and what they asked."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from presales import access
from presales.approvals.models import ApprovalFlow, ApprovalRequest, ApprovalTask, RequestStatus, TaskStatus
from presales.currencies.rates import RateTable, company_currency
from presales.deals.models import Opportunity
from presales.people.models import User
from presales.playbook.gates import StepHold


def amount_in_company_currency(opportunity: Opportunity) -> Decimal:
    """The deal's amount in the company currency today (as it is when its currency has no rate)."""
    if opportunity.currency == company_currency():
        return opportunity.amount
    converted = RateTable.load().convert(opportunity.amount, opportunity.currency, timezone.localdate())
    return opportunity.amount if converted is None else converted


def flow_applies(flow: ApprovalFlow, opportunity: Opportunity, amount: Decimal | None = None) -> bool:
    """Whether the flow's conditions (amount, industries, discount) take in the deal."""
    if flow.industries and opportunity.account.industry not in flow.industries:
        return False
    if flow.min_discount_percent is not None and opportunity.discount_percent <= flow.min_discount_percent:
        return False
    if flow.min_amount is not None:
        amount = amount if amount is not None else amount_in_company_currency(opportunity)
        if amount < flow.min_amount:
            return False
    return True


def flows_for(opportunity: Opportunity, step_keys: list[str]) -> dict[str, ApprovalFlow]:
    """For each step key, the first active flow (by decision, then age) holding it that applies to the deal."""
    found: dict[str, ApprovalFlow] = {}
    amount: Decimal | None = None
    for flow in ApprovalFlow.objects.active().filter(step_key__in=step_keys).order_by("kind", "pk"):
        if flow.step_key in found:
            continue
        if flow.min_amount is not None and amount is None:
            amount = amount_in_company_currency(opportunity)
        if flow_applies(flow, opportunity, amount):
            found[flow.step_key] = flow
    return found


def flow_for(opportunity: Opportunity, step_key: str) -> ApprovalFlow | None:
    return flows_for(opportunity, [step_key]).get(step_key)


def step_holds(opportunity_id: int, step_keys: list[str]) -> list[StepHold]:
    """The playbook gate check (registered in AppConfig.ready): a step held by a flow that applies to the deal waits
    until a request for it is approved (for a quote, at a discount at least as deep as the deal's)."""
    if not ApprovalFlow.objects.active().filter(step_key__in=step_keys).exists():
        return []
    opportunity = Opportunity.objects.select_related("account").get(pk=opportunity_id)
    flows = flows_for(opportunity, step_keys)
    if not flows:
        return []
    latest: dict[str, ApprovalRequest] = {}
    for request in ApprovalRequest.objects.filter(opportunity_id=opportunity_id, step_key__in=list(flows)).order_by(
        "-created_at", "-pk"
    ):
        latest.setdefault(request.step_key, request)
    holds = []
    for key, flow in flows.items():
        last = latest.get(key)
        action_url = reverse("approvals:request_create", args=[opportunity_id, key])
        if last is None:
            message = _("This step waits for approval (%(flow)s): request it before completing the step.") % {
                "flow": flow.name
            }
            holds.append(StepHold(key, message, action_url, _("Request approval")))
        elif last.status == RequestStatus.PENDING:
            message = _("This step waits for the approval requested on %(date)s (%(flow)s).") % {
                "date": timezone.localtime(last.created_at).date().isoformat(),
                "flow": flow.name,
            }
            holds.append(StepHold(key, message, last.get_absolute_url(), _("See the approval")))
        elif last.status == RequestStatus.REJECTED:
            message = _("The approval for this step was rejected (%(flow)s): change the deal and request it again.") % {
                "flow": flow.name
            }
            holds.append(StepHold(key, message, action_url, _("Request approval again")))
        elif not last.covers_discount(opportunity.discount_percent):
            message = _(
                "The approval covers a discount up to %(approved)s%%; the deal now has %(discount)s%%: request it again."
            ) % {"approved": last.discount_percent, "discount": opportunity.discount_percent}
            holds.append(StepHold(key, message, action_url, _("Request approval again")))
    return holds


def tasks_waiting_for(user: User) -> QuerySet[ApprovalTask]:
    """The decisions the person must make now: their own turn, or an approver's they stand in for today."""
    return (
        ApprovalTask.objects.filter(status=TaskStatus.PENDING, request__status=RequestStatus.PENDING)
        .filter(Q(approver=user) | Q(approver_id__in=access.delegators_of(user)))
        .exclude(request__tasks__decided_by=user)
    )


def waiting_count(user: User) -> int:
    """How many decisions wait for the person (the navigation's figure; the inbox lists them)."""
    return tasks_waiting_for(user).count()


def requests_of_deal(opportunity: Opportunity) -> list[ApprovalRequest]:
    """A deal's requests, newest first, with their tasks and people (a fixed number of queries)."""
    return list(
        ApprovalRequest.objects.filter(opportunity=opportunity)
        .select_related("flow", "requested_by")
        .prefetch_related("tasks__approver", "tasks__decided_by")
        .order_by("-created_at", "-pk")
    )
