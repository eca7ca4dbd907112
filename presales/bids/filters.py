"""Filters for the tender, POC and gap lists; the API can reuse the same definitions."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from presales.bids.models import (
    GapSeverity,
    GapStatus,
    Poc,
    PocStatus,
    ProcurementMethod,
    ProductGap,
    Tender,
    TenderStatus,
)
from presales.bids.tables import PocTable, TenderTable
from presales.core import search
from presales.core.filters import StableOrderingFilter


class TenderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=TenderStatus.choices, empty_label=_("Any status"))
    procurement_method = django_filters.ChoiceFilter(
        label=_("Method"), choices=ProcurementMethod.choices, empty_label=_("Any method")
    )
    ordering = StableOrderingFilter(fields=TenderTable.ordering_fields())

    class Meta:
        model = Tender
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search.matching(
            queryset, ("title", "reference", "opportunity__name", "opportunity__account__name"), value
        )


class PocFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=PocStatus.choices, empty_label=_("Any status"))
    ordering = StableOrderingFilter(fields=PocTable.ordering_fields())

    class Meta:
        model = Poc
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search.matching(queryset, ("title", "opportunity__name", "opportunity__account__name"), value)


class ProductGapFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    severity = django_filters.ChoiceFilter(label=_("Severity"), choices=GapSeverity.choices, empty_label=_("Any"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=GapStatus.choices, empty_label=_("Any status"))
    product = django_filters.CharFilter(label=_("Product"), lookup_expr="icontains")

    class Meta:
        model = ProductGap
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search.matching(queryset, ("title", "description", "product"), value)
