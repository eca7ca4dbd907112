"""Opportunities and everything that hangs off one (team, competitors, checklist steps, tenders, POCs, gaps,
debriefs), and the process definitions behind the checklist."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from presales.access.scope import QS, Scope, has_role, is_active, related_model, row_rule, scope_for
from presales.people.models import Role, User

CREATE_OPPORTUNITY_ROLES = {Role.SALES, Role.SALES_MANAGER, Role.ADMIN}
PLAYBOOK_EDITOR_ROLES = {Role.ADMIN, Role.PRESALES_MANAGER}
ACCOUNTABILITY_BOARD_ROLES = {Role.ADMIN, Role.SALES_MANAGER, Role.PRESALES_MANAGER}


@row_rule
def opportunities_visible_to(user: User, queryset: QS, scope: Scope) -> QS:
    """Deals the person works on (owner, lead, or given any work on it: see WORK_RELATIONS), deals of the teams they
    see into, or all of them for an admin."""
    condition = Q(sales_owner=user) | Q(presales_lead=user)
    for deal_ids in _deals_given_to(user, queryset.model):
        condition |= Q(pk__in=deal_ids)
    if scope.team_ids:
        condition |= Q(team_id__in=scope.team_ids) | Q(presales_team_id__in=scope.team_ids)
    return queryset.filter(condition)


# Access follows the work (docs/decisions.md): every way of giving somebody work on a deal, as (relation from the
# deal, field naming the person, path from that row back to the deal). Each becomes a subquery on its own table (no
# join, so no repeated deals), so a person given work can open the deal however they were given it.
WORK_RELATIONS: tuple[tuple[str, str, str], ...] = (
    ("members", "user", "opportunity_id"),  # deal-team member, in any recorded role
    ("steps", "responsible", "opportunity_id"),  # a checklist step's owner
    ("support_requests", "assignee", "opportunity_id"),  # the engineer a support request is assigned to
    ("pocs", "lead", "opportunity_id"),  # a POC's lead
    ("tenders.sections", "owner", "tender__opportunity_id"),  # a tender section's owner
)


def _deals_given_to(user: User, opportunity_model: Any) -> list[Any]:
    """One subquery of deal ids per way of giving `user` work on a deal."""
    subqueries = []
    for relation, person, back in WORK_RELATIONS:
        model = opportunity_model
        for name in relation.split("."):
            model = related_model(model, name)
        subqueries.append(model._default_manager.filter(**{person: user}).values(back))
    return subqueries


def visible_opportunities(user: User, model: Any, field: str = "opportunity") -> Any:
    """The deals the person can see, as a queryset of the model `field` of `model` points to."""
    opportunities = related_model(model, field)
    return opportunities_visible_to(user, opportunities._default_manager.all())


@row_rule
def deal_records_visible_to(user: User, queryset: QS, scope: Scope) -> QS:
    """Anything with an `opportunity` (checklist steps, tenders, POCs, gaps, debriefs): visible when the deal is."""
    return queryset.filter(opportunity__in=visible_opportunities(user, queryset.model).values("pk"))


def can_create_opportunity(user: User) -> bool:
    return has_role(user, CREATE_OPPORTUNITY_ROLES)


def can_edit_opportunity(user: User, opportunity: Any) -> bool:
    """The sales owner, the presales lead, managers over the deal's teams, or an admin."""
    scope = scope_for(user)
    if scope.sees_everything or user.pk in (opportunity.sales_owner_id, opportunity.presales_lead_id):
        return True
    return scope.manages(opportunity.team_id) or scope.manages(opportunity.presales_team_id)


def can_resolve_deal_conflict(user: User, conflict: Any) -> bool:
    """撞单 is settled above the two reps: a manager over either deal's sales team, or an admin."""
    scope = scope_for(user)
    if scope.sees_everything:
        return True
    teams = {conflict.first.team_id, conflict.second.team_id} - {None}
    return bool(teams & set(scope.managed_team_ids))


def can_work_on_deal(user: User, opportunity: Any) -> bool:
    """Bid documents, POCs and gaps are kept by the deal team: owner, presales lead, managers, admin, and everybody
    given work on the deal (members, step owners, request engineers, POC leads, tender section owners)."""
    if can_edit_opportunity(user, opportunity):
        return True
    given = Q()
    for deal_ids in _deals_given_to(user, type(opportunity)):
        given |= Q(pk__in=deal_ids)
    return bool(type(opportunity)._default_manager.filter(given, pk=opportunity.pk).exists())


def can_edit_competitors(user: User) -> bool:
    """Shared competitor profiles: everyone who sells or supports a sale; after-sales only reads them."""
    return bool(user.is_authenticated and user.role != Role.AFTER_SALES)


def can_manage_outcome_reasons(user: User) -> bool:
    """The list of win/loss reasons every report groups by: administrators keep it."""
    return is_active(user) and scope_for(user).sees_everything


# --- The checklist and the playbook behind it -------------------------------------------------------------------


def can_work_step(user: User, step: Any) -> bool:
    """Answer a step, change its status or hand it over: the person responsible, or anybody who may edit the deal
    (owner, lead, their managers, admin)."""
    return step.responsible_id == user.pk or can_edit_opportunity(user, step.opportunity)


# Steps nobody on the deal can take wait on the queue of the manager matching the step's role (step roles use the
# people's role values). Commercial and after-sales steps go to whoever manages a commercial / after-sales team.
UNASSIGNED_QUEUES: dict[str, set[str]] = {
    Role.PRESALES_MANAGER: {Role.PRESALES, Role.PRESALES_MANAGER},
    Role.SALES_MANAGER: {Role.SALES, Role.SALES_MANAGER},
    Role.COMMERCIAL: {Role.COMMERCIAL},
    Role.AFTER_SALES: {Role.AFTER_SALES},
}


def unassigned_queue_roles(user: User) -> set[str]:
    """The step roles whose unassigned steps this person's queue shows (empty: the person has no such queue)."""
    if not is_active(user):
        return set()
    scope = scope_for(user)
    if scope.sees_everything:
        return {str(role) for roles in UNASSIGNED_QUEUES.values() for role in roles}
    if user.role in (Role.COMMERCIAL, Role.AFTER_SALES) and not scope.managed_team_ids:
        return set()  # the functional teams' managers, not every commercial or after-sales person
    return {str(role) for role in UNASSIGNED_QUEUES.get(user.role, set())}


def unassigned_steps_visible_to(user: User, queryset: QS) -> QS:
    """Unassigned steps on the person's queue: of the roles they manage, on deals of the teams they manage (a presales
    manager also gets deals without a presales team, as with support requests), everything for an admin."""
    roles = unassigned_queue_roles(user)
    if not roles:
        return queryset.none()
    scope = scope_for(user)
    if scope.sees_everything:
        return queryset
    queryset = queryset.filter(definition__responsible_role__in=roles)
    if user.role == Role.SALES_MANAGER:
        return queryset.filter(opportunity__team_id__in=scope.managed_team_ids)
    if user.role == Role.PRESALES_MANAGER:
        return queryset.filter(
            Q(opportunity__presales_team__isnull=True) | Q(opportunity__presales_team_id__in=scope.managed_team_ids)
        )
    return queryset


def can_assign_step(user: User, step: Any) -> bool:
    """Hand a step over: whoever may work it, or, for a step nobody has, the manager whose queue shows it."""
    if can_work_step(user, step):
        return True
    if step.responsible_id is not None:
        return False
    return bool(unassigned_steps_visible_to(user, type(step)._default_manager.filter(pk=step.pk)).exists())


def can_move_deal_playbook(user: User, opportunity: Any) -> bool:
    """Moving a deal to a newer playbook version is an edit of the deal."""
    return can_edit_opportunity(user, opportunity)


def can_edit_playbook(user: User) -> bool:
    """Admins and presales managers own the playbook and its responsibility matrix."""
    return has_role(user, PLAYBOOK_EDITOR_ROLES)


def can_see_accountability_board(user: User) -> bool:
    """Open and overdue steps by role and person: the managers' view."""
    return has_role(user, ACCOUNTABILITY_BOARD_ROLES)
