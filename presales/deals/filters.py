"""Filters for the opportunity and competitor lists; the API reuses the same definitions."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from presales.core import search
from presales.core.filters import StableOrderingFilter, date_range, search_filter
from presales.core.forms import DATE_INPUT
from presales.core.pickers import PickerSelect
from presales.customers.filters import account_scope_filters, team_filter
from presales.customers.names import normalize_account_name
from presales.deals import health
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
from presales.people.models import PRESALES_ROLES, Role, Team, User
from presales.playbook.models import Stage, StepDefinition, StepRole

ANY_OUTCOME = "any"
DECIDED = "decided"  # won or lost: the deals a win rate counts


def _activity_model() -> Any:
    """work.Activity, looked up by name: work sits above deals and is not imported here."""
    return apps.get_model("work", "Activity")


def _activity_kinds() -> Any:
    return _activity_model()._meta.get_field("kind").choices


class OpportunityFilter(django_filters.FilterSet):
    """Search, filters and sorting of the opportunity list (only open deals unless another outcome is asked for)."""

    q = search_filter(_("Deal or account name"))
    outcome = django_filters.ChoiceFilter(
        label=_("Outcome"),
        choices=[*Outcome.choices, (DECIDED, _("Won or lost")), (ANY_OUTCOME, _("Any outcome"))],
        method="filter_outcome",
        empty_label=None,
    )
    stage = django_filters.ModelChoiceFilter(label=_("Stage"), queryset=Stage.objects.all(), empty_label=_("Any stage"))
    industry, region = account_scope_filters("account")
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
    team = team_filter(method="filter_team")
    close_from, close_to = date_range("expected_close_date", _("Closing from"), _("Closing until"))
    closed_from, closed_to = date_range("closed_on", _("Closed from"), _("Closed until"))
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
    # Deals that had an activity of this type, optionally one serving a step of this stage ("none": serving no step):
    # the rows behind the dashboard's win rate by activity type and stage. The types are work.WorkType's; the choices
    # are work's, looked up by name (work sits above deals).
    activity_kind = django_filters.ChoiceFilter(
        label=_("Had an activity of type"),
        choices=_activity_kinds,
        method="filter_activity_kind",
        empty_label=_("Any type"),
    )
    activity_stage = django_filters.CharFilter(
        label=_("Activity for a step of stage"), method="filter_nothing", widget=forms.HiddenInput
    )
    risk = django_filters.ChoiceFilter(
        label=_("Risk"),
        choices=(("overdue", _("Overdue steps")), ("missing", _("Missing qualification answers"))),
        method="filter_risk",
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
        # The list shows open deals until the person picks another outcome; after-sales people, whose work starts
        # when a deal is won, see won deals first.
        if data is not None and not data.get("outcome"):
            data = data.copy()
            request = kwargs.get("request")
            role = getattr(getattr(request, "user", None), "role", None)
            data["outcome"] = Outcome.WON if role == Role.AFTER_SALES else Outcome.OPEN
        super().__init__(data, *args, **kwargs)

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search.matching(queryset, ("name", "account__name", "account__short_name"), value)

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

    def filter_activity_kind(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Deals with an activity of this type (any status, as the dashboard counts them), and when `activity_stage` is
        given, that same activity served a step of that stage ("none": no step)."""
        activities = _activity_model().objects.filter(kind=value)
        stage = (self.form.cleaned_data.get("activity_stage") or "").strip()
        if stage == "none":
            activities = activities.exclude(step_key__in=StepDefinition.objects.values("key"))
        elif stage.isdigit():
            activities = activities.filter(
                step_key__in=StepDefinition.objects.filter(stage__number=stage).values("key")
            )
        return queryset.filter(pk__in=activities.values("opportunity_id"))

    def filter_risk(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """The sales dashboard's risks: a step past due, or an unanswered qualification step of a reached stage."""
        if value == "overdue":
            return queryset.filter(health.overdue(timezone.localdate()))
        if value == "missing":
            return queryset.filter(health.missing_qualification())
        return queryset

    def filter_nothing(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        """A parameter read by another filter's method (`activity_stage` narrows `activity_kind`)."""
        return queryset

    def filter_mine(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        user = getattr(self.request, "user", None)
        if not value or user is None or not user.is_authenticated:
            return queryset
        member_of = DealTeamMember.objects.filter(user=user).values("opportunity_id")
        return queryset.filter(Q(sales_owner=user) | Q(presales_lead=user) | Q(pk__in=member_of))


class CompetitorFilter(django_filters.FilterSet):
    """Search and sorting of the shared competitor profiles."""

    q = search_filter(_("Name in either language, alias, strength or weakness"))
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


STEP_STATES = (
    ("open", _("Open")),
    ("actionable", _("Actionable now")),
    ("upcoming", _("Upcoming")),
    ("overdue", _("Overdue")),
    # A past week of the accountability board's trend (with `week_end`): overdue at its end, finished during it.
    ("late_at", _("Overdue at the end of the week")),
    ("finished", _("Finished in the week")),
)


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
    # The dashboards' scope (insights.selectors.deals): the deal's sales or presales team, its account's industry and
    # region.
    team = team_filter(method="filter_team")
    industry, region = account_scope_filters("opportunity__account")
    week_end = django_filters.DateFilter(label=_("Week ending"), method="filter_nothing", widget=DATE_INPUT)
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

    def filter_team(self, queryset: QuerySet, name: str, value: Team) -> QuerySet:
        return queryset.filter(Q(opportunity__team=value) | Q(opportunity__presales_team=value))

    def filter_state(self, queryset: DealStepQuerySet, name: str, value: str) -> QuerySet:
        today = timezone.localdate()
        if value == "overdue":
            return queryset.overdue(today)
        if value == "actionable":
            return queryset.actionable()
        if value == "upcoming":
            return queryset.upcoming()
        if value in ("late_at", "finished"):
            week_end = self.form.cleaned_data.get("week_end") or today
            if value == "late_at":
                return queryset.late_at_end_of(week_end)
            return queryset.finished_in_week_ending(week_end)
        return queryset.open()

    def filter_nothing(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        """A parameter read by another filter's method (`week_end` dates the states "late_at" and "finished")."""
        return queryset
