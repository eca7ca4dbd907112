"""Filters for the opportunity and competitor lists; the API reuses the same definitions."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from presales.core.filters import StableOrderingFilter
from presales.core.pickers import PickerSelect
from presales.customers.models import Industry, Region
from presales.customers.names import normalize_account_name
from presales.deals.models import (
    Competitor,
    DealRole,
    DealStep,
    DealStepQuerySet,
    DealTeamMember,
    Opportunity,
    Outcome,
    ThreatLevel,
)
from presales.deals.tables import CompetitorTable, OpportunityTable, StepTable
from presales.people.models import PRESALES_ROLES, Team, User
from presales.playbook.models import Stage, StepRole

ANY_OUTCOME = "any"
DECIDED = "decided"  # won or lost: the deals a win rate counts
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _search(queryset: QuerySet, fields: list[str], value: str) -> QuerySet:
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": value.strip()})
    return queryset.filter(condition)


class OpportunityFilter(django_filters.FilterSet):
    """Search, filters and sorting of the opportunity list (only open deals unless another outcome is asked for)."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Deal or account name")}),
    )
    outcome = django_filters.ChoiceFilter(
        label=_("Outcome"),
        choices=[*Outcome.choices, (DECIDED, _("Won or lost")), (ANY_OUTCOME, _("Any outcome"))],
        method="filter_outcome",
        empty_label=None,
    )
    stage = django_filters.ModelChoiceFilter(label=_("Stage"), queryset=Stage.objects.all(), empty_label=_("Any stage"))
    industry = django_filters.ChoiceFilter(
        label=_("Industry"), field_name="account__industry", choices=Industry.choices, empty_label=_("Any industry")
    )
    region = django_filters.ChoiceFilter(
        label=_("Region"), field_name="account__region", choices=Region.choices, empty_label=_("Any region")
    )
    # Type-ahead pickers: at scale these lists hold thousands of people (the page sends only the chosen one).
    sales_owner = django_filters.ModelChoiceFilter(
        label=_("Sales owner"),
        queryset=User.objects.filter(is_active=True),
        empty_label=_("Anybody"),
        widget=PickerSelect("people:person_pick"),
    )
    presales_lead = django_filters.ModelChoiceFilter(
        label=_("Presales lead"),
        queryset=User.objects.filter(is_active=True, role__in=PRESALES_ROLES),
        empty_label=_("Anybody"),
        widget=PickerSelect("people:person_pick", query="role=presales"),
    )
    team = django_filters.ModelChoiceFilter(
        label=_("Team"),
        queryset=Team.objects.all(),
        method="filter_team",
        empty_label=_("Any team"),
        widget=PickerSelect("people:team_pick"),
    )
    close_from = django_filters.DateFilter(
        label=_("Closing from"), field_name="expected_close_date", lookup_expr="gte", widget=DATE_INPUT
    )
    close_to = django_filters.DateFilter(
        label=_("Closing until"), field_name="expected_close_date", lookup_expr="lte", widget=DATE_INPUT
    )
    closed_from = django_filters.DateFilter(
        label=_("Closed from"), field_name="closed_on", lookup_expr="gte", widget=DATE_INPUT
    )
    closed_to = django_filters.DateFilter(
        label=_("Closed until"), field_name="closed_on", lookup_expr="lte", widget=DATE_INPUT
    )
    supported_by = django_filters.ModelChoiceFilter(
        label=_("Supported by"),
        queryset=User.objects.filter(role__in=PRESALES_ROLES),
        method="filter_supported_by",
        empty_label=_("Anybody"),
    )
    competitor = django_filters.ModelChoiceFilter(
        label=_("Competitor"),
        queryset=Competitor.objects.all(),
        field_name="competitor_links__competitor",
        empty_label=_("Any competitor"),
        distinct=True,
    )
    # A win/loss reason of the managed list (its id), or "none": closed with a typed reason that names no listed one.
    reason = django_filters.CharFilter(label=_("Reason"), method="filter_reason", widget=forms.HiddenInput)
    presales = django_filters.ChoiceFilter(
        label=_("Presales support"),
        choices=(("with", _("With presales")), ("without", _("Without presales"))),
        method="filter_presales",
        empty_label=_("Any"),
    )
    amount_min = django_filters.NumberFilter(label=_("Amount from"), field_name="amount", lookup_expr="gte")
    amount_max = django_filters.NumberFilter(label=_("Amount up to"), field_name="amount", lookup_expr="lte")
    mine = django_filters.BooleanFilter(label=_("Only mine"), method="filter_mine", widget=forms.CheckboxInput)
    ordering = StableOrderingFilter(label=_("Sort by"), fields=OpportunityTable.ordering_fields())

    class Meta:
        model = Opportunity
        fields: list[str] = []

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any):
        # The list shows open deals until the person picks another outcome.
        if data is not None and not data.get("outcome"):
            data = data.copy()
            data["outcome"] = Outcome.OPEN
        super().__init__(data, *args, **kwargs)

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value.strip():
            return queryset
        return _search(queryset, ["name", "account__name", "account__short_name"], value)

    def filter_outcome(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == ANY_OUTCOME:
            return queryset
        if value == DECIDED:
            return queryset.filter(outcome__in=(Outcome.WON, Outcome.LOST))
        return queryset.filter(outcome=value)

    def filter_team(self, queryset: QuerySet, name: str, value: Team) -> QuerySet:
        # A deal belongs to its sales team and, through the presales lead, to a presales team.
        return queryset.filter(Q(team=value) | Q(presales_team=value))

    def filter_reason(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "none":
            return queryset.filter(win_loss_reason__isnull=True).exclude(outcome_reason="")
        if value.isdigit():
            return queryset.filter(win_loss_reason_id=int(value))
        return queryset.none()

    def filter_presales(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """With presales: a presales lead or at least one activity (the dashboard's with / without split)."""
        worked = Opportunity.objects.filter(activities__isnull=False).values("pk")
        supported = Q(presales_lead__isnull=False) | Q(pk__in=worked)
        if value == "with":
            return queryset.filter(supported)
        if value == "without":
            return queryset.exclude(supported)
        return queryset

    def filter_supported_by(self, queryset: QuerySet, name: str, value: User) -> QuerySet:
        """Deals the engineer supported, as the scorecards count them (docs/domain.md, Deal figures): presales lead,
        presales member of the deal team, or owner or participant of a done activity on the deal."""
        members = DealTeamMember.objects.filter(user=value, role=DealRole.PRESALES_MEMBER).values("opportunity_id")
        # Through the reverse relation: work sits above deals ("done" is work.ActivityStatus.DONE).
        worked = Opportunity.objects.filter(
            Q(activities__status="done") & (Q(activities__owner=value) | Q(activities__participants=value))
        ).values("pk")
        return queryset.filter(Q(presales_lead=value) | Q(pk__in=members) | Q(pk__in=worked))

    def filter_mine(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        user = getattr(self.request, "user", None)
        if not value or user is None or not user.is_authenticated:
            return queryset
        member_of = DealTeamMember.objects.filter(user=user).values("opportunity_id")
        return queryset.filter(Q(sales_owner=user) | Q(presales_lead=user) | Q(pk__in=member_of))


class CompetitorFilter(django_filters.FilterSet):
    """Search and sorting of the shared competitor profiles."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name in either language, alias, strength or weakness")}
        ),
    )
    threat_level = django_filters.ChoiceFilter(
        label=_("Threat level"), choices=ThreatLevel.choices, empty_label=_("Any threat level")
    )
    ordering = StableOrderingFilter(label=_("Sort by"), fields=CompetitorTable.ordering_fields())

    class Meta:
        model = Competitor
        fields: list[str] = []

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value.strip():
            return queryset
        # Any of its names in either language or an alias ("Huawei" finds 华为), or its strengths and weaknesses.
        condition = Q(name_keys__contains=normalize_account_name(value)) if normalize_account_name(value) else Q()
        for field in ("name", "strengths", "weaknesses"):
            condition |= Q(**{f"{field}__icontains": value.strip()})
        return queryset.filter(condition)


STEP_STATES = (("open", _("Open")), ("overdue", _("Overdue")))


class DealStepFilter(django_filters.FilterSet):
    """The steps behind the accountability board's figures: open or overdue, by responsible role and person."""

    state = django_filters.ChoiceFilter(label=_("Steps"), choices=STEP_STATES, method="filter_state", empty_label=None)
    role = django_filters.ChoiceFilter(
        label=_("Responsible role"),
        field_name="definition__responsible_role",
        choices=StepRole.choices,
        empty_label=_("Any role"),
    )
    responsible = django_filters.ModelChoiceFilter(
        label=_("Responsible"), queryset=User.objects.all(), empty_label=_("Anybody")
    )
    unassigned = django_filters.BooleanFilter(
        label=_("Unassigned"),
        field_name="responsible",
        lookup_expr="isnull",
        widget=django_filters.widgets.BooleanWidget,
    )
    ordering = StableOrderingFilter(label=_("Sort by"), fields=StepTable.ordering_fields())

    class Meta:
        model = DealStep
        fields: list[str] = []

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any):
        # Open steps unless overdue ones are asked for: the board counts only steps still to do on open deals.
        if data is not None and not data.get("state"):
            data = data.copy()
            data["state"] = "open"
        super().__init__(data, *args, **kwargs)

    def filter_state(self, queryset: DealStepQuerySet, name: str, value: str) -> QuerySet:
        if value == "overdue":
            return queryset.overdue(timezone.localdate())
        return queryset.open()
