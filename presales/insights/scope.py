"""A dashboard's scope (the team, industry and region asked for), applied to the rows a figure counts and to the
list links behind the figures, so both narrow the same way."""

from __future__ import annotations

import functools
import operator
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from presales.insights.forms import InsightFilters

_Row = TypeVar("_Row", bound=Model)


def in_scope(queryset: QuerySet[_Row], f: InsightFilters, *, team: tuple[str, ...], account: str) -> QuerySet[_Row]:
    """The rows in the scope: `team` names the fields that put a row in a team (any of them), `account` the path to
    the row's account (its industry and region)."""
    if f.team is not None:
        queryset = queryset.filter(functools.reduce(operator.or_, (Q(**{field: f.team}) for field in team)))
    if f.industry:
        queryset = queryset.filter(**{f"{account}__industry": f.industry})
    if f.region:
        queryset = queryset.filter(**{f"{account}__region": f.region})
    return queryset


def scope_params(f: InsightFilters) -> dict[str, Any]:
    """The scope as a list page's query parameters."""
    params: dict[str, Any] = {}
    if f.team is not None:
        params["team"] = f.team.pk
    if f.industry:
        params["industry"] = f.industry
    if f.region:
        params["region"] = f.region
    return params
