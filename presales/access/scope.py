"""Whose teams a person sees into, and the small helpers every rule here shares.

The rules never import the apps above `people`: they name fields ("sales_owner", "opportunity", "opportunities")
and reach the related models through those relations, so the domain apps can call them without a cycle.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import cached_property
from typing import Any, TypeVar

from django.db import models

from presales.people.models import Role, Team, User

QS = TypeVar("QS", bound=models.QuerySet[Any])


class Scope:
    """The teams a person can see into, computed once per request."""

    def __init__(self, user: User):
        self.user = user

    @property
    def sees_everything(self) -> bool:
        return bool(self.user.is_authenticated and (self.user.is_superuser or self.user.role == Role.ADMIN))

    @cached_property
    def team_ids(self) -> frozenset[int]:
        """The person's own team plus every team (and sub-team) they manage."""
        own = {self.user.team_id} if self.user.team_id else set()
        return frozenset(own | self.managed_team_ids)

    @cached_property
    def managed_team_ids(self) -> frozenset[int]:
        """Teams the person manages, directly or through a parent team."""
        return frozenset(_managed_teams(self.user))

    def manages(self, team_id: int | None) -> bool:
        """Whether the team `team_id` (None: no team) is one the person manages, directly or through a parent team."""
        return team_id is not None and team_id in self.managed_team_ids


def _managed_teams(user: User) -> set[int]:
    """The teams the person manages and every team under them, from one read of the (small) team tree."""
    children: dict[int | None, list[int]] = defaultdict(list)
    frontier: list[int] = []
    for pk, parent_id, manager_id in Team.objects.order_by().values_list("pk", "parent_id", "manager_id"):
        children[parent_id].append(pk)
        if manager_id == user.pk:
            frontier.append(pk)
    ids: set[int] = set()
    while frontier:
        pk = frontier.pop()
        if pk not in ids:
            ids.add(pk)
            frontier.extend(children[pk])
    return ids


def scope_for(user: User) -> Scope:
    """The person's scope, cached on the user object for the rest of the request."""
    cached: Scope | None = getattr(user, "_presales_scope", None)
    if cached is None:
        cached = Scope(user)
        user._presales_scope = cached  # type: ignore[attr-defined]  # a per-request cache on the user object
    return cached


def is_active(user: User) -> bool:
    """Signed in with an account that is still active: everybody else sees nothing."""
    return bool(user.is_authenticated and user.is_active)


def is_owner_or_manager(user: User, owner_id: int | None, team_id: Callable[[], int | None]) -> bool:
    """The owner, a manager over the team `team_id()` names (read only when needed: it may cost a query), or an
    administrator."""
    scope = scope_for(user)
    return scope.sees_everything or owner_id == user.pk or scope.manages(team_id())


def has_role(user: User, roles: Iterable[str]) -> bool:
    """Signed in with one of `roles`; a superuser counts as every role."""
    return bool(user.is_authenticated and (user.is_superuser or user.role in set(roles)))


def related_model(model: type[models.Model], name: str) -> Any:
    """The model at the other end of the relation `name` (forward or reverse), without importing its app."""
    return model._meta.get_field(name).related_model


def rule_gated_by(
    allowed: Callable[[User], bool],
) -> Callable[[Callable[[User, QS, Scope], QS]], Callable[[User, QS], QS]]:
    """Make `rule(user, queryset, scope)` a visibility rule `(user, queryset) -> rows`: a person `allowed` refuses sees
    no row, an administrator every row, and `rule` decides for everybody else."""

    def decorate(rule: Callable[[User, QS, Scope], QS]) -> Callable[[User, QS], QS]:
        @functools.wraps(rule)
        def visible_to(user: User, queryset: QS) -> QS:
            if not allowed(user):
                return queryset.none()
            scope = scope_for(user)
            if scope.sees_everything:
                return queryset
            return rule(user, queryset, scope)

        return visible_to

    return decorate


# The common case: signed-out and deactivated people see no row.
row_rule = rule_gated_by(is_active)
