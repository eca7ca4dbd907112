"""The sales forecast: who reads whose figures, who sets a deal's category, quotas and a manager's call.

A rep sees their own deals' figures; a sales manager those of the teams they manage (and their own deals); an
administrator everything. Unlike the deal pages, the forecast does not follow the work: a presales engineer on a
deal, or a teammate, does not see another rep's forecast.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from presales.access.scope import QS, Scope, has_role, is_active, related_model, rule_gated_by, scope_for
from presales.people.models import Role, User

FORECAST_ROLES = {Role.SALES, Role.SALES_MANAGER, Role.ADMIN}


def can_see_forecast(user: User) -> bool:
    """The forecast pages: sales reps, sales managers and admins."""
    return is_active(user) and has_role(user, FORECAST_ROLES)


# Forecast rows: nothing for whoever does not see the forecast pages at all.
forecast_rule = rule_gated_by(can_see_forecast)


@forecast_rule
def forecast_deals_visible_to(user: User, queryset: QS, scope: Scope) -> QS:
    """Deals whose forecast figures the person reads: their own; a manager's teams'; everything for an admin."""
    condition = Q(sales_owner=user)
    if scope.managed_team_ids:
        condition |= Q(team_id__in=scope.managed_team_ids)
    return queryset.filter(condition)


@forecast_rule
def forecast_records_visible_to(user: User, queryset: QS, scope: Scope) -> QS:
    """Overrides and snapshot rows: visible when the deal's forecast is."""
    deals = related_model(queryset.model, "opportunity")._default_manager.all()
    return queryset.filter(opportunity__in=forecast_deals_visible_to(user, deals).values("pk"))


@forecast_rule
def forecast_teams_visible_to(user: User, queryset: QS, scope: Scope) -> QS:
    """Teams whose roll-up the person reads: the teams they manage (and below), every team for an admin."""
    return queryset.filter(pk__in=scope.managed_team_ids)


@forecast_rule
def forecast_people_visible_to(user: User, queryset: QS, scope: Scope) -> QS:
    """People whose figures the person reads: themselves, the members of the teams they manage; all for an admin."""
    return queryset.filter(Q(pk=user.pk) | Q(team_id__in=scope.managed_team_ids))


def can_set_forecast_category(user: User, opportunity: Any) -> bool:
    """The deal's sales owner, a manager over the deal's sales team, or an admin; only while the deal is open."""
    if not can_see_forecast(user) or opportunity.outcome != "open":
        return False
    scope = scope_for(user)
    if scope.sees_everything or opportunity.sales_owner_id == user.pk:
        return True
    return scope.manages(opportunity.team_id)


def can_make_forecast_call(user: User, team: Any) -> bool:
    """A team's call is its manager's (or a manager above, or an admin)."""
    if not is_active(user):
        return False
    scope = scope_for(user)
    return scope.sees_everything or team.pk in scope.managed_team_ids


def can_manage_quotas(user: User) -> bool:
    """The quota page: admins and managers of a team."""
    if not can_see_forecast(user):
        return False
    scope = scope_for(user)
    return scope.sees_everything or bool(scope.managed_team_ids)


def can_set_quota(user: User, *, person: Any = None, team: Any = None) -> bool:
    """A team's quota: its manager (or above) or an admin; a person's: the manager of their team (never their own)."""
    if not is_active(user):
        return False
    scope = scope_for(user)
    if scope.sees_everything:
        return True
    if team is not None:
        return team.pk in scope.managed_team_ids
    if person is not None:
        return person.pk != user.pk and scope.manages(person.team_id)
    return False


def can_edit_forecast_categories(user: User) -> bool:
    """Which category each stage gives its deals is an administrator's setting."""
    return is_active(user) and scope_for(user).sees_everything
