"""Type-ahead search for people, teams and skills (core/pickers.py).

Every signed-in person may pick any active colleague (as a deal owner, a participant, a filter): the same people the
long selects listed before. `?role=sales|presales` narrows people to those roles. The person's own team comes first.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from presales.core.pickers import PickerView, mine_first
from presales.people.models import PRESALES_ROLES, SALES_ROLES, Skill, Team, User

ROLE_GROUPS = {"sales": SALES_ROLES, "presales": PRESALES_ROLES}


class PersonPickerView(PickerView):
    search_fields = ("display_name", "username", "first_name", "last_name", "email")

    def get_queryset(self, request: Any) -> QuerySet[User]:
        people = User.objects.active().select_related("team")
        roles = ROLE_GROUPS.get(request.GET.get("role", ""))
        return people.filter(role__in=roles) if roles else people

    def rank(self, request: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        own_team = Q(pk=request.user.pk) | (Q(team_id=request.user.team_id) if request.user.team_id else Q(pk=None))
        return mine_first(queryset, own_team, then=("display_name", "username"))

    def hint(self, row: User) -> str:
        return " · ".join(part for part in (row.team.name if row.team else "", row.get_role_display()) if part)


class TeamPickerView(PickerView):
    search_fields = ("name",)

    def get_queryset(self, request: Any) -> QuerySet[Team]:
        return Team.objects.all()

    def rank(self, request: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return mine_first(queryset, Q(pk=request.user.team_id) | Q(manager=request.user), then=("name",))


class SkillPickerView(PickerView):
    search_fields = ("name", "name_en")

    def get_queryset(self, request: Any) -> QuerySet[Skill]:
        return Skill.objects.order_by("name")
