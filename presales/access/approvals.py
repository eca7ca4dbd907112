"""Approvals (审批): who may configure flows, request an approval, decide one, and see requests and delegations.

Rules name fields of the approvals models ("approver", "tasks", "approval_delegations_given") instead of importing
the app, which sits far above this package.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from presales.access.deals import can_work_on_deal, opportunities_visible_to
from presales.access.scope import QS, Scope, has_role, is_active, related_model, row_rule, scope_for
from presales.people.models import Role, User

FLOW_EDITOR_ROLES = {Role.ADMIN, Role.SALES_MANAGER, Role.PRESALES_MANAGER}


def can_manage_approval_flows(user: User) -> bool:
    """Who sets the flows (conditions and approvers): administrators and the sales and presales managers."""
    return is_active(user) and has_role(user, FLOW_EDITOR_ROLES)


def can_request_approval(user: User, opportunity: Any) -> bool:
    """Whoever works on an open deal (owner, presales lead, managers over it, the people given work on it)."""
    return is_active(user) and opportunity.is_open and can_work_on_deal(user, opportunity)


def delegators_of(user: User, day: datetime.date | None = None) -> QuerySet[Any]:
    """The ids of the approvers the person stands in for on `day` (today by default), as a subquery."""
    delegations = related_model(User, "approval_delegations_received")._default_manager
    day = day or timezone.localdate()
    return delegations.filter(delegate=user, starts_on__lte=day, ends_on__gte=day).values("approver_id")


def can_decide_approval(user: User, task: Any, day: datetime.date | None = None) -> bool:
    """Only the task's approver, or their delegate while the approver is away; only while it is the task's turn and
    the request waits; and nobody decides two parts of one request (a person both approver and delegate on it)."""
    if not is_active(user) or task.status != "pending" or task.request.status != "pending":
        return False
    if task.approver_id != user.pk and not delegators_of(user, day).filter(approver_id=task.approver_id).exists():
        return False
    return not task.request.tasks.filter(decided_by=user).exists()


@row_rule
def approval_requests_visible_to(user: User, queryset: QS, scope: Scope) -> QS:
    """Requests the person made, must decide (as approver or delegate), or whose deal they can see; all for an
    admin."""
    tasks = related_model(queryset.model, "tasks")._default_manager
    deciding = tasks.filter(Q(approver=user) | Q(approver_id__in=delegators_of(user)) | Q(decided_by=user))
    deals = opportunities_visible_to(user, related_model(queryset.model, "opportunity")._default_manager.all())
    return queryset.filter(
        Q(requested_by=user) | Q(pk__in=deciding.values("request_id")) | Q(opportunity_id__in=deals.values("pk"))
    )


def can_manage_delegation(user: User, approver: User) -> bool:
    """An approver sets who stands in for them; an administrator may set it for anybody."""
    return is_active(user) and (user.pk == approver.pk or scope_for(user).sees_everything)


@row_rule
def approval_delegations_visible_to(user: User, queryset: QS, scope: Scope) -> QS:
    """The delegations the person gave or received; all for an admin."""
    return queryset.filter(Q(approver=user) | Q(delegate=user))
