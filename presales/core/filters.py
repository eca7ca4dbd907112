"""Filter pieces shared by every list's FilterSet (the pages and the API use the same FilterSets)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet


class StableOrderingFilter(django_filters.OrderingFilter):
    """Sorting by a column that has equal values must still page deterministically: add the primary key."""

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        qs = super().filter(qs, value)
        if value:
            return qs.order_by(*qs.query.order_by, "pk")
        return qs
