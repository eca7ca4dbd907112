"""Accounts and their stakeholders (contacts): who sees them, who changes them."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from presales.access.deals import opportunities_visible_to
from presales.access.scope import QS, Scope, has_role, is_active, is_owner_or_manager, row_rule, scope_for
from presales.people.models import Role, User

CREATE_ACCOUNT_ROLES = {Role.SALES, Role.SALES_MANAGER, Role.PRESALES_MANAGER, Role.ADMIN}
STAKEHOLDER_EDITOR_ROLES = {Role.SALES, Role.SALES_MANAGER, Role.PRESALES, Role.PRESALES_MANAGER, Role.ADMIN}


@row_rule
def accounts_visible_to(user: User, queryset: QS, scope: Scope) -> QS:
    """Accounts the person owns, owned in a team they see into, or with a deal they can see."""
    deals = queryset.model._meta.get_field("opportunities")
    deal_accounts = opportunities_visible_to(user, deals.related_model._default_manager.all()).values(
        deals.field.attname
    )
    condition = Q(owner=user) | Q(pk__in=deal_accounts)
    if scope.team_ids:
        condition |= Q(team_id__in=scope.team_ids)
    return queryset.filter(condition)


def can_merge_accounts(user: User) -> bool:
    """Merging moves everything of one account onto another, whoever owns them: administrators only."""
    return bool(is_active(user) and scope_for(user).sees_everything)


def contacts_visible_to(user: User, queryset: QS) -> QS:
    """A stakeholder is visible exactly when their account is."""
    accounts = queryset.model._meta.get_field("account").related_model
    return queryset.filter(account__in=accounts_visible_to(user, accounts._default_manager.all()).values("pk"))


def can_create_account(user: User) -> bool:
    return has_role(user, CREATE_ACCOUNT_ROLES)


def can_edit_account(user: User, account: Any) -> bool:
    """The owner, a manager over the account's team, or an admin."""
    return is_owner_or_manager(user, account.owner_id, lambda: account.team_id)


def can_edit_contacts(user: User, account: Any) -> bool:
    """Stakeholders are kept up to date by whoever sells to the account: sales and presales who can see it."""
    return bool(scope_for(user).sees_everything or user.role in STAKEHOLDER_EDITOR_ROLES)


def can_edit_contact(user: User, contact: Any) -> bool:
    return can_edit_contacts(user, contact.account)
