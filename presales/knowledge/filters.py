"""Filters for the knowledge list; the API can reuse the same definition."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from presales.core.filters import StableOrderingFilter
from presales.customers.models import Industry
from presales.deals.models import Competitor
from presales.knowledge.models import KnowledgeItem, KnowledgeItemQuerySet, KnowledgeKind
from presales.knowledge.selectors import search
from presales.knowledge.tables import KnowledgeItemTable


class KnowledgeItemFilter(django_filters.FilterSet):
    """Search (ranked), kind, industry, competitor, and items due for review."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=KnowledgeKind.choices, empty_label=_("Any kind"))
    industry = django_filters.ChoiceFilter(
        label=_("Industry"), choices=Industry.choices, method="filter_industry", empty_label=_("Any industry")
    )
    competitor = django_filters.ModelChoiceFilter(
        label=_("Competitor"), queryset=Competitor.objects.all(), field_name="competitors", empty_label=_("Any")
    )
    review_due = django_filters.BooleanFilter(
        label=_("Due for review"), method="filter_review_due", widget=forms.CheckboxInput
    )
    ordering = StableOrderingFilter(fields=KnowledgeItemTable.ordering_fields())

    class Meta:
        model = KnowledgeItem
        fields: list[str] = []

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search(queryset, value) if value.strip() else queryset

    def filter_industry(self, queryset: KnowledgeItemQuerySet, name: str, value: Any) -> QuerySet:
        return queryset.for_industry(value) if value else queryset

    def filter_review_due(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        from django.utils import timezone

        return queryset.filter(review_date__lte=timezone.localdate()) if value else queryset
