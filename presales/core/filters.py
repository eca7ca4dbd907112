"""Filter pieces shared by every list's FilterSet (the pages and the API use the same FilterSets)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from presales.core.forms import DATE_INPUT


def search_filter(placeholder: Any) -> django_filters.CharFilter:
    """A list's search box (`?q=`), saying what it searches; the FilterSet's `filter_search` does the searching."""
    return django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": placeholder}),
    )


def date_range(
    field_name: str, from_label: Any, until_label: Any, *, lookup: str = ""
) -> tuple[django_filters.DateFilter, django_filters.DateFilter]:
    """The two ends of a date range, both days included (`lookup="date__"` compares the day of a date-time)::

    close_from, close_to = date_range("expected_close_date", _("Closing from"), _("Closing until"))
    """
    return (
        django_filters.DateFilter(
            label=from_label, field_name=field_name, lookup_expr=f"{lookup}gte", widget=DATE_INPUT
        ),
        django_filters.DateFilter(
            label=until_label, field_name=field_name, lookup_expr=f"{lookup}lte", widget=DATE_INPUT
        ),
    )


class StableOrderingFilter(django_filters.OrderingFilter):
    """Sorting by a column that has equal values must still page deterministically: add the primary key."""

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        qs = super().filter(qs, value)
        if value:
            return qs.order_by(*qs.query.order_by, "pk")
        return qs
