"""Writes for approvals: flows and their approvers, delegations, requesting an approval and deciding it.

Every write goes through here (the pages, the demo data and the tests alike) and leaves a history row.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from presales import access
from presales.approvals.models import (
    DEFAULT_STEP_KEYS,
    ApprovalDelegation,
    ApprovalFlow,
    ApprovalFlowApprover,
    ApprovalMode,
    ApprovalRequest,
    ApprovalTask,
    RequestStatus,
    TaskStatus,
)
from presales.approvals.selectors import flow_for
from presales.core.concurrency import save_checked, save_with_version_check
from presales.core.history import delete_with_history, save_with_history
from presales.deals.models import Opportunity
from presales.notifications import kinds
from presales.notifications.services import notify
from presales.people.models import Role, User

FLOW_FIELDS = ("name", "kind", "step_key", "mode", "min_amount", "industries", "min_discount_percent", "is_active")


@dataclass(frozen=True)
class ApproverSpec:
    """One approver of a flow as a form gives it: a role or a person."""

    role: str = ""
    user: User | None = None


def _check_flow_editor(actor: User) -> None:
    if not access.can_manage_approval_flows(actor):
        raise PermissionDenied


def _check_approvers(approvers: Sequence[ApproverSpec]) -> None:
    if not approvers:
        raise ValidationError(_("A flow needs at least one approver."))
    for spec in approvers:
        if bool(spec.role) == bool(spec.user):
            raise ValidationError(_("Choose a role or a person for each approver, not both."))
        if spec.role and spec.role not in Role.values:
            raise ValidationError(_("Unknown role: %(roles)s") % {"roles": spec.role})


def _replace_approvers(flow: ApprovalFlow, approvers: Sequence[ApproverSpec], actor: User) -> None:
    for old in list(flow.approvers.all()):
        delete_with_history(old, actor=actor, reason="approvers changed")
    for order, spec in enumerate(approvers, start=1):
        row = ApprovalFlowApprover(flow=flow, order=order, role=spec.role, user=spec.user)
        save_checked(row, actor=actor)


@transaction.atomic
def approval_flow_create(*, actor: User, approvers: Sequence[ApproverSpec], **data: Any) -> ApprovalFlow:
    """Create a flow with its approvers in order; the step held defaults to the one its kind holds."""
    _check_flow_editor(actor)
    _check_approvers(approvers)
    unknown = set(data) - set(FLOW_FIELDS)
    if unknown:
        raise ValueError(f"Unknown fields: {', '.join(sorted(unknown))}")
    if not data.get("step_key"):
        data["step_key"] = DEFAULT_STEP_KEYS[data["kind"]]
    flow = ApprovalFlow(**data)
    save_checked(flow, actor=actor)
    _replace_approvers(flow, approvers, actor)
    return flow


@transaction.atomic
def approval_flow_update(
    *,
    actor: User,
    flow: ApprovalFlow,
    approvers: Sequence[ApproverSpec] | None = None,
    expected_version: int | None = None,
    **data: Any,
) -> ApprovalFlow:
    """Change a flow's conditions and (when given) its approvers; requests already made keep their approvers."""
    _check_flow_editor(actor)
    unknown = set(data) - set(FLOW_FIELDS)
    if unknown:
        raise ValueError(f"Unknown fields: {', '.join(sorted(unknown))}")
    if approvers is not None:
        _check_approvers(approvers)
    if "step_key" in data and not data["step_key"]:
        data["step_key"] = DEFAULT_STEP_KEYS[data.get("kind", flow.kind)]
    flow = save_with_version_check(flow, changes=data, expected_version=expected_version, actor=actor)
    if approvers is not None:
        _replace_approvers(flow, approvers, actor)
    return flow


# --- delegation -----------------------------------------------------------------------------------------------------


@transaction.atomic
def approval_delegation_create(
    *, actor: User, approver: User, delegate: User, starts_on: datetime.date, ends_on: datetime.date, note: str = ""
) -> ApprovalDelegation:
    """Let `delegate` decide for `approver` from `starts_on` to `ends_on` (both included)."""
    if not access.can_manage_delegation(actor, approver):
        raise PermissionDenied
    if delegate.pk == approver.pk:
        raise ValidationError({"delegate": _("Choose somebody else to stand in.")})
    if not delegate.is_active:
        raise ValidationError({"delegate": _("Choose an active person.")})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end comes before the start.")})
    delegation = ApprovalDelegation(
        approver=approver, delegate=delegate, starts_on=starts_on, ends_on=ends_on, note=note.strip()
    )
    save_with_history(delegation, actor=actor)
    return delegation


@transaction.atomic
def approval_delegation_end(*, actor: User, delegation: ApprovalDelegation) -> ApprovalDelegation:
    """End a delegation today (a future one is cancelled: it ends the day before it starts would break the dates, so
    it is deleted, which the history keeps)."""
    if not access.can_manage_delegation(actor, delegation.approver):
        raise PermissionDenied
    today = timezone.localdate()
    if delegation.starts_on > today:
        delete_with_history(delegation, actor=actor, reason="delegation cancelled")
        return delegation
    if delegation.ends_on >= today:
        yesterday = today - datetime.timedelta(days=1)
        ends_on = max(yesterday, delegation.starts_on)
        delegation = save_with_version_check(
            delegation, changes={"ends_on": ends_on}, expected_version=None, actor=actor, reason="ended"
        )
    return delegation


# --- requesting and deciding ------------------------------------------------------------------------------------------


def _team_managers(opportunity: Opportunity) -> list[User]:
    """The managers over the deal's sales and presales teams, nearest first."""
    managers: list[User] = []
    for team in (opportunity.team, opportunity.presales_team):
        seen: set[int] = set()
        while team is not None and team.pk not in seen:
            seen.add(team.pk)
            if team.manager is not None:
                managers.append(team.manager)
            team = team.parent
    return managers


def resolve_role(role: str, opportunity: Opportunity) -> User:
    """The person who approves for a role on this deal: the nearest manager of that role over the deal's teams, the
    deal's own owner or presales lead of that role, else the first active person with the role."""
    candidates = [*_team_managers(opportunity), opportunity.sales_owner, opportunity.presales_lead]
    for person in candidates:
        if person is not None and person.is_active and person.role == role:
            return person
    person = User.objects.filter(role=role, is_active=True).order_by("pk").first()
    if person is None:
        raise ValidationError(_("Nobody active has the role %(role)s to approve.") % {"role": Role(role).label})
    return person


def _notify_turn(task: ApprovalTask, actor: User) -> None:
    """Tell the approver (and whoever stands in for them today) that a decision waits for them."""
    request = task.request
    deal = request.opportunity
    params = {
        "requester": str(request.requested_by),
        "approver": str(task.approver),
        "decision": kinds.in_each_language(request.get_kind_display),
        "deal": deal.name,
        "amount": f"{request.amount:,.2f} {request.currency}",
    }
    notify(
        recipient=task.approver,
        kind=kinds.APPROVAL_REQUESTED,
        params=params,
        target_type="approval_request",
        target_id=request.pk,
        dedupe_key=f"approval-task-{task.pk}",
    )
    today = timezone.localdate()
    for delegation in ApprovalDelegation.objects.filter(
        approver=task.approver, starts_on__lte=today, ends_on__gte=today
    ).select_related("delegate"):
        notify(
            recipient=delegation.delegate,
            kind=kinds.APPROVAL_REQUESTED,
            params=params,
            variant="delegate",
            target_type="approval_request",
            target_id=request.pk,
            dedupe_key=f"approval-task-{task.pk}-delegate-{delegation.delegate_id}",
        )


@transaction.atomic
def approval_request_create(
    *, actor: User, opportunity: Opportunity, step_key: str, comment: str = ""
) -> ApprovalRequest:
    """Ask for the approval a deal's step waits for: the flow that applies to the deal, its approvers resolved to
    people; in sequence the first approver is asked, in parallel all of them."""
    opportunity = Opportunity.objects.select_related(
        "account", "team__manager", "presales_team__manager", "sales_owner", "presales_lead"
    ).get(pk=opportunity.pk)
    if not access.can_request_approval(actor, opportunity):
        raise PermissionDenied
    flow = flow_for(opportunity, step_key)
    if flow is None:
        raise ValidationError(_("No approval flow applies to this step of this deal."))
    if ApprovalRequest.objects.filter(
        opportunity=opportunity, step_key=step_key, status=RequestStatus.PENDING
    ).exists():
        raise ValidationError(_("An approval for this step is already waiting."))
    approvers: list[tuple[str, User]] = []
    for spec in flow.approvers.select_related("user").order_by("order", "pk"):
        person = spec.user if spec.user is not None else resolve_role(spec.role, opportunity)
        if person is None or not person.is_active:
            raise ValidationError(_("An approver of this flow is no longer active: ask an administrator."))
        # One person approves once per request, however many of the flow's approvers they are.
        if all(person.pk != chosen.pk for _role, chosen in approvers):
            approvers.append((spec.role, person))
    if not approvers:
        raise ValidationError(_("A flow needs at least one approver."))
    request = ApprovalRequest(
        flow=flow,
        kind=flow.kind,
        step_key=step_key,
        opportunity=opportunity,
        requested_by=actor,
        comment=comment.strip(),
        amount=opportunity.amount,
        currency=opportunity.currency,
        discount_percent=opportunity.discount_percent,
    )
    save_with_history(request, actor=actor, reason="requested")
    parallel = flow.mode == ApprovalMode.PARALLEL
    tasks = []
    for order, (role, person) in enumerate(approvers, start=1):
        task = ApprovalTask(
            request=request,
            order=order,
            role=role,
            approver=person,
            status=TaskStatus.PENDING if parallel or order == 1 else TaskStatus.QUEUED,
        )
        save_with_history(task, actor=actor)
        tasks.append(task)
    for task in tasks:
        if task.status == TaskStatus.PENDING:
            _notify_turn(task, actor)
    return request


def _finish(request: ApprovalRequest, status: str, actor: User, comment: str) -> None:
    now = timezone.now()
    for other in request.tasks.filter(status__in=[TaskStatus.PENDING, TaskStatus.QUEUED]):
        save_with_version_check(
            other, changes={"status": TaskStatus.CANCELLED}, expected_version=None, actor=actor, reason="not needed"
        )
    save_with_version_check(
        request, changes={"status": status, "decided_at": now}, expected_version=None, actor=actor, reason=status
    )
    notify(
        recipient=request.requested_by,
        kind=kinds.APPROVAL_DECIDED,
        params={
            "decision": kinds.in_each_language(request.get_kind_display),
            "deal": request.opportunity.name,
            "decider": str(actor),
            "comment": f"“{comment}”" if comment else "",
        },
        variant="rejected" if status == RequestStatus.REJECTED else kinds.DEFAULT_VARIANT,
        target_type="approval_request",
        target_id=request.pk,
        dedupe_key=f"approval-request-{request.pk}-{status}",
    )


@transaction.atomic
def approval_decide(
    *, actor: User, task: ApprovalTask, approve: bool, comment: str = "", expected_version: int | None = None
) -> ApprovalTask:
    """Approve or reject one's part of a request, with a comment (required to reject). A rejection rejects the
    request; the last approval approves it; in sequence an approval passes the request to the next approver."""
    # Lock the request: two approvers deciding at once see each other's decision.
    request = (
        ApprovalRequest.objects.select_for_update()
        .select_related("opportunity", "requested_by")
        .get(pk=task.request_id)
    )
    task = ApprovalTask.objects.select_related("approver").get(pk=task.pk)
    task.request = request
    if not access.can_decide_approval(actor, task):
        raise PermissionDenied
    comment = comment.strip()
    if not approve and not comment:
        raise ValidationError({"comment": _("Say why the request is rejected.")})
    status = TaskStatus.APPROVED if approve else TaskStatus.REJECTED
    task = save_with_version_check(
        task,
        changes={"status": status, "decided_by": actor, "comment": comment, "decided_at": timezone.now()},
        expected_version=expected_version,
        actor=actor,
        reason="delegate" if actor.pk != task.approver_id else status,
    )
    task.request = request
    if not approve:
        _finish(request, RequestStatus.REJECTED, actor, comment)
        return task
    if request.tasks.filter(status__in=[TaskStatus.PENDING, TaskStatus.QUEUED]).exclude(pk=task.pk).count() == 0:
        _finish(request, RequestStatus.APPROVED, actor, comment)
        return task
    following = request.tasks.filter(status=TaskStatus.QUEUED).order_by("order", "pk").first()
    if following is not None and not request.tasks.filter(status=TaskStatus.PENDING).exists():
        following = save_with_version_check(
            following, changes={"status": TaskStatus.PENDING}, expected_version=None, actor=actor, reason="turn"
        )
        following.request = request
        _notify_turn(following, actor)
    return task
