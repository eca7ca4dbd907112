"""Opportunities and everything that hangs off one (team, competitors, checklist steps, tenders, POCs, gaps,
debriefs), and the process definitions behind the checklist."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from presales.access.scope import QS, has_role, is_active, related_model, scope_for
from presales.people.models import Role, User

CREATE_OPPORTUNITY_ROLES = {Role.SALES, Role.SALES_MANAGER, Role.ADMIN}
PLAYBOOK_EDITOR_ROLES = {Role.ADMIN, Role.PRESALES_MANAGER}
ACCOUNTABILITY_BOARD_ROLES = {Role.ADMIN, Role.SALES_MANAGER, Role.PRESALES_MANAGER}


def opportunities_visible_to(user: User, queryset: QS) -> QS:
    """Deals the person works on, deals of the teams they see into, or all of them for an admin."""
    if not is_active(user):
        return queryset.none()
    scope = scope_for(user)
    if scope.sees_everything:
        return queryset
    # The deal team's rows by the person, as a subquery on their own table (no join, so no repeated deals).
    members = queryset.model._meta.get_field("members")
    member_of = members.related_model._default_manager.filter(user=user).values(members.field.attname)
    condition = Q(sales_owner=user) | Q(presales_lead=user) | Q(pk__in=member_of)
    if scope.team_ids:
        condition |= Q(team_id__in=scope.team_ids) | Q(presales_team_id__in=scope.team_ids)
    return queryset.filter(condition)


def visible_opportunities(user: User, model: Any, field: str = "opportunity") -> Any:
    """The deals the person can see, as a queryset of the model `field` of `model` points to."""
    opportunities = related_model(model, field)
    return opportunities_visible_to(user, opportunities._default_manager.all())


def deal_records_visible_to(user: User, queryset: QS) -> QS:
    """Anything with an `opportunity` (checklist steps, tenders, POCs, gaps, debriefs): visible when the deal is."""
    if not is_active(user):
        return queryset.none()
    if scope_for(user).sees_everything:
        return queryset
    return queryset.filter(opportunity__in=visible_opportunities(user, queryset.model).values("pk"))


def can_create_opportunity(user: User) -> bool:
    return has_role(user, CREATE_OPPORTUNITY_ROLES)


def can_edit_opportunity(user: User, opportunity: Any) -> bool:
    """The sales owner, the presales lead, managers over the deal's teams, or an admin."""
    scope = scope_for(user)
    if scope.sees_everything or user.pk in (opportunity.sales_owner_id, opportunity.presales_lead_id):
        return True
    return bool(
        (opportunity.team_id and opportunity.team_id in scope.managed_team_ids)
        or (opportunity.presales_team_id and opportunity.presales_team_id in scope.managed_team_ids)
    )


def can_work_on_deal(user: User, opportunity: Any) -> bool:
    """Bid documents, POCs and gaps are kept by the deal team: owner, presales lead, members, managers, admin."""
    if can_edit_opportunity(user, opportunity):
        return True
    return bool(opportunity.members.filter(user=user).exists())


def can_edit_competitors(user: User) -> bool:
    """Shared competitor profiles: everyone who sells or supports a sale; after-sales only reads them."""
    return bool(user.is_authenticated and user.role != Role.AFTER_SALES)


# --- The checklist and the playbook behind it -------------------------------------------------------------------


def can_work_step(user: User, step: Any) -> bool:
    """Answer a step, change its status or hand it over: the person responsible, or anybody who may edit the deal
    (owner, lead, their managers, admin)."""
    return step.responsible_id == user.pk or can_edit_opportunity(user, step.opportunity)


def can_move_deal_playbook(user: User, opportunity: Any) -> bool:
    """Moving a deal to a newer playbook version is an edit of the deal."""
    return can_edit_opportunity(user, opportunity)


def can_edit_playbook(user: User) -> bool:
    """Admins and presales managers own the playbook and its responsibility matrix."""
    return has_role(user, PLAYBOOK_EDITOR_ROLES)


def can_see_accountability_board(user: User) -> bool:
    """Open and overdue steps by role and person: the managers' view."""
    return has_role(user, ACCOUNTABILITY_BOARD_ROLES)
