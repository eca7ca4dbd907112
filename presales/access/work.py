"""Presales work: activities, support requests, people's weeks and the team's workload."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from presales.access.customers import accounts_visible_to
from presales.access.deals import visible_opportunities
from presales.access.scope import QS, Scope, has_role, is_owner_or_manager, related_model, row_rule, scope_for
from presales.people.models import Role, User

PRESALES_WORK_ROLES = {Role.PRESALES, Role.PRESALES_MANAGER, Role.ADMIN}
REQUEST_CREATOR_ROLES = {Role.SALES, Role.SALES_MANAGER, Role.COMMERCIAL, Role.ADMIN}


@row_rule
def activities_visible_to(user: User, queryset: QS, scope: Scope) -> QS:
    """Activities the person took part in, on deals or accounts they can see, or of people in teams they manage.

    Written as a union of one index search per reason (the activity's owner, its participants, its deal, its account,
    its owner's team) rather than one OR over a join of activities and participants, which made the database scan
    every activity: 35 -> 8 ms for a sales rep at 64,000 activities, 50 -> 17 ms for a presales engineer.
    """
    model = queryset.model
    accounts = related_model(model, "account")
    rows = model._default_manager.order_by()  # the parts of a UNION may not be ordered
    deals = visible_opportunities(user, model).values("pk")
    visible_accounts = accounts_visible_to(user, accounts._default_manager.all()).values("pk")
    reasons = [
        rows.filter(owner=user).values("pk"),
        model.participants.through.objects.filter(user=user).values("activity_id"),
        rows.filter(opportunity__in=deals).values("pk"),
        rows.filter(opportunity__isnull=True, account__in=visible_accounts).values("pk"),
    ]
    if scope.managed_team_ids:
        reasons.append(rows.filter(owner__team_id__in=scope.managed_team_ids).values("pk"))
    return queryset.filter(pk__in=reasons[0].union(*reasons[1:]))


@row_rule
def support_requests_visible_to(user: User, queryset: QS, scope: Scope) -> QS:
    """Requests the person asked or works on, on deals they can see, or (presales managers) their queue."""
    deals = visible_opportunities(user, queryset.model).values("pk")
    condition = Q(requester=user) | Q(assignee=user) | Q(opportunity__in=deals)
    if scope.managed_team_ids:
        condition |= Q(requester__team_id__in=scope.managed_team_ids) | Q(assignee__team_id__in=scope.managed_team_ids)
    if watches_request_queue(user):
        # Deals without a presales team land in the shared presales queue every presales manager triages.
        condition |= Q(opportunity__presales_team__isnull=True)
    return queryset.filter(condition)


def work_on_opened_deal(deal: Any, queryset: QS) -> QS:
    """The activities or support requests (`queryset`) of a deal the person has opened, i.e. a deal that
    `get_object_for_user` gave them: every one of them is visible to that person, since both rules above let whoever
    sees a deal see the work on it (`opportunity__in=deals`). Filtering by the deal alone spares the visibility
    subquery, which the database would otherwise evaluate over every activity (tests/test_access_work_on_deal.py
    checks that the two agree for each role)."""
    return queryset.filter(opportunity=deal)


def can_log_activity(user: User) -> bool:
    return has_role(user, PRESALES_WORK_ROLES)


def can_log_activity_for(user: User, owner: User) -> bool:
    """Logging work in somebody else's name: a presales manager or an admin."""
    return owner == user or scope_for(user).sees_everything or user.role == Role.PRESALES_MANAGER


def can_edit_activity(user: User, activity: Any) -> bool:
    """The owner, a manager over the owner's team, or an admin."""
    return is_owner_or_manager(user, activity.owner_id, lambda: activity.owner.team_id)


def can_create_request(user: User) -> bool:
    return has_role(user, REQUEST_CREATOR_ROLES)


def watches_request_queue(user: User) -> bool:
    """Presales managers triage the shared queue and are told about requests nobody picked up."""
    return user.role == Role.PRESALES_MANAGER


def can_decide_request(user: User, request: Any) -> bool:
    """Presales managers and admins triage and decide; the assigned engineer may decide their own request."""
    if scope_for(user).sees_everything or user.role == Role.PRESALES_MANAGER:
        return True
    return bool(user.role == Role.PRESALES and request.assignee_id == user.pk)


def can_work_request(user: User, request: Any) -> bool:
    """Starting and finishing the work: the assigned engineer, a presales manager or an admin."""
    return bool(scope_for(user).sees_everything or user.role == Role.PRESALES_MANAGER or request.assignee_id == user.pk)


def can_cancel_request(user: User, request: Any) -> bool:
    return bool(
        scope_for(user).sees_everything or request.requester_id == user.pk or user.role == Role.PRESALES_MANAGER
    )


def can_see_workload(user: User) -> bool:
    return has_role(user, PRESALES_WORK_ROLES)


def can_see_week_of(user: User, person: User) -> bool:
    """One's own week; a manager the weeks of people in the teams they manage; an admin everybody's."""
    if person == user:
        return True
    scope = scope_for(user)
    return scope.sees_everything or person.team_id in scope.managed_team_ids


def colleagues_visible_to(user: User, queryset: QS) -> QS:
    """People of the person's own team and of the teams they manage (everybody for an admin)."""
    scope = scope_for(user)
    if scope.sees_everything:
        return queryset
    return queryset.filter(team_id__in=scope.team_ids)
