"""Filters for the activity and support request lists; the API can reuse the same definitions."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from presales.core.filters import StableOrderingFilter, date_range
from presales.core.pickers import PickerSelect
from presales.customers.filters import account_scope_filters, team_filter
from presales.deals.models import Opportunity
from presales.people.models import Team, User
from presales.work.models import (
    Activity,
    ActivityStatus,
    RequestStatus,
    SupportRequest,
    SupportRequestQuerySet,
    WorkType,
)
from presales.work.tables import ActivityTable, SupportRequestTable


class ActivityFilter(django_filters.FilterSet):
    """Type, person, date range, opportunity and planned/done."""

    kind = django_filters.ChoiceFilter(label=_("Type"), choices=WorkType.choices, empty_label=_("Any type"))
    # Who owned or joined it: the picker offers presales people (who log activities), but anybody who joins one (a
    # sales rep on a customer visit) can be asked for, as "my visits" on the My week dashboard does.
    person = django_filters.ModelChoiceFilter(
        label=_("Person"),
        queryset=User.objects.filter(is_active=True),
        method="filter_person",
        empty_label=_("Anybody"),
        widget=PickerSelect("people:person_pick", query="role=presales"),
    )
    date_from, date_to = date_range("date", _("From"), _("Until"))
    opportunity = django_filters.ModelChoiceFilter(
        label=_("Opportunity"), queryset=Opportunity.objects.all(), widget=forms.HiddenInput
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ActivityStatus.choices, empty_label=_("Any"))
    # The owner alone (not who joined): the workload and hours figures count the owner's hours.
    owner = django_filters.ModelChoiceFilter(
        label=_("Owner"), queryset=User.objects.all(), empty_label=_("Anybody"), widget=forms.HiddenInput
    )
    # The dashboards' scope (insights.selectors.activities): the owner's team, the account's industry and region.
    team = team_filter(field_name="owner__team")
    industry, region = account_scope_filters("account")
    ordering = StableOrderingFilter(fields=ActivityTable.ordering_fields())

    class Meta:
        model = Activity
        fields: list[str] = []

    def filter_person(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        if not value:
            return queryset
        joined = Activity.objects.filter(participants=value).values("pk")
        return queryset.filter(Q(owner=value) | Q(pk__in=joined))


class SupportRequestFilter(django_filters.FilterSet):
    """Status, type, forgotten, "mine" and the days the requests were asked."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=RequestStatus.choices, empty_label=_("Any status"))
    kind = django_filters.ChoiceFilter(label=_("Type"), choices=WorkType.choices, empty_label=_("Any type"))
    forgotten = django_filters.BooleanFilter(
        label=_("Only forgotten"), method="filter_forgotten", widget=forms.CheckboxInput
    )
    mine = django_filters.BooleanFilter(label=_("Only mine"), method="filter_mine", widget=forms.CheckboxInput)
    created_from, created_to = date_range("created_at", _("Asked from"), _("Asked until"), lookup="date__")
    # The dashboards' scope (insights.selectors.support_requests): the assignee's team or the deal's sales or presales
    # team, the deal's account industry and region.
    team = team_filter(method="filter_team")
    industry, region = account_scope_filters("opportunity__account")
    ordering = StableOrderingFilter(fields=SupportRequestTable.ordering_fields())

    class Meta:
        model = SupportRequest
        fields: list[str] = []

    def filter_forgotten(self, queryset: SupportRequestQuerySet, name: str, value: Any) -> QuerySet:
        return queryset.forgotten() if value else queryset

    def filter_team(self, queryset: QuerySet, name: str, value: Team) -> QuerySet:
        return queryset.filter(
            Q(assignee__team=value) | Q(opportunity__team=value) | Q(opportunity__presales_team=value)
        )

    def filter_mine(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        if not value or self.request is None:
            return queryset
        user = self.request.user
        return queryset.filter(Q(requester=user) | Q(assignee=user))
