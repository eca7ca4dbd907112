"""Filters of the technical verdict list: the rows behind every technical win figure."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from presales.core.filters import StableOrderingFilter, date_range
from presales.core.pickers import PickerSelect
from presales.customers.filters import account_scope_filters, team_filter
from presales.deals.models import Competitor, Outcome, ProductLine
from presales.people.models import PRESALES_ROLES, Team, User
from presales.winning.models import ASSESSED, TechnicalVerdict, Verdict, VerdictPhase
from presales.winning.tables import TechnicalVerdictTable


class TechnicalVerdictFilter(django_filters.FilterSet):
    """Phase, verdict, who led, which team, product line and competitor, and the deal's outcome."""

    phase = django_filters.ChoiceFilter(label=_("Phase"), choices=VerdictPhase.choices, empty_label=_("Any phase"))
    verdict = django_filters.ChoiceFilter(
        label=_("Technical verdict"),
        choices=[*Verdict.choices, ("assessed", _("Assessed (win, tie or loss)"))],
        method="filter_verdict",
        empty_label=_("Any verdict"),
    )
    lead = django_filters.ModelChoiceFilter(
        label=_("Presales lead"),
        queryset=User.objects.filter(role__in=PRESALES_ROLES),
        field_name="opportunity__presales_lead",
        empty_label=_("Anybody"),
        widget=PickerSelect("people:person_pick", query="role=presales"),
    )
    # The dashboards' scope: the deal's sales or presales team (as on the deal list), industry, region, dates.
    team = team_filter(method="filter_team")
    presales_team = django_filters.ModelChoiceFilter(
        label=_("Presales team"),
        queryset=Team.objects.all(),
        field_name="opportunity__presales_team",
        empty_label=_("Any team"),
        widget=PickerSelect("people:team_pick"),
    )
    industry, region = account_scope_filters("opportunity__account")
    recorded_from, recorded_to = date_range("recorded_on", _("Recorded from"), _("Recorded until"))
    product_line = django_filters.ModelChoiceFilter(
        label=_("Product line"),
        queryset=ProductLine.objects.all(),
        field_name="opportunity__product_line",
        empty_label=_("Any product line"),
    )
    competitor = django_filters.ModelChoiceFilter(
        label=_("Against"), queryset=Competitor.objects.all(), empty_label=_("Any competitor")
    )
    outcome = django_filters.ChoiceFilter(
        label=_("Deal outcome"),
        choices=Outcome.choices,
        field_name="opportunity__outcome",
        empty_label=_("Any outcome"),
    )
    ordering = StableOrderingFilter(label=_("Sort by"), fields=TechnicalVerdictTable.ordering_fields())

    class Meta:
        model = TechnicalVerdict
        fields: list[str] = []

    def filter_team(self, queryset: QuerySet, name: str, value: Team) -> QuerySet:
        return queryset.filter(Q(opportunity__team=value) | Q(opportunity__presales_team=value))

    def filter_verdict(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "assessed":
            return queryset.filter(verdict__in=ASSESSED)
        return queryset.filter(verdict=value)
