"""Search and filters of the people list (one definition for the page and its download)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from presales import access
from presales.core.filters import StableOrderingFilter
from presales.people.models import Role, Team, User
from presales.staff.tables import PersonTable


def _teams(request: Any) -> QuerySet[Team]:
    if request is None:
        return Team.objects.none()
    return access.teams_visible_to(request.user, Team.objects.all()).order_by("name")


class PersonFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    role = django_filters.ChoiceFilter(label=_("Role"), choices=Role.choices)
    team = django_filters.ModelChoiceFilter(label=_("Team"), queryset=_teams)
    active = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[("yes", _("Active")), ("no", _("Deactivated"))],
        method="filter_active",
        empty_label=_("Everybody"),
    )
    ordering = StableOrderingFilter(fields=PersonTable.ordering_fields())

    class Meta:
        model = User
        fields: list[str] = []

    def search(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        for word in value.split():
            queryset = queryset.filter(
                Q(display_name__icontains=word)
                | Q(username__icontains=word)
                | Q(email__icontains=word)
                | Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
            )
        return queryset

    def filter_active(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        return queryset.filter(is_active=value == "yes")
