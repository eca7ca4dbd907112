"""The knowledge base: everybody reads it, except restricted items outside their team's reach."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from presales.access.scope import QS, Scope, has_role, is_owner_or_manager, row_rule
from presales.people.models import Role, User

KNOWLEDGE_AUTHOR_ROLES = {Role.PRESALES, Role.PRESALES_MANAGER, Role.SALES_MANAGER, Role.COMMERCIAL, Role.ADMIN}


@row_rule
def knowledge_items_visible_to(user: User, queryset: QS, scope: Scope) -> QS:
    """Every signed-in person reads the knowledge base, except restricted items outside their team's reach."""
    condition = Q(restricted=False) | Q(owner=user)
    if scope.team_ids:
        # The owner's team, and managers over it (their scope holds the teams they manage).
        condition |= Q(owner__team_id__in=scope.team_ids)
    return queryset.filter(condition)


def can_create_knowledge(user: User) -> bool:
    return has_role(user, KNOWLEDGE_AUTHOR_ROLES)


def can_edit_knowledge(user: User, item: Any) -> bool:
    """The owner, a manager over the owner's team, or an admin."""
    return is_owner_or_manager(user, item.owner_id, lambda: item.owner.team_id)
