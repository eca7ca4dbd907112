"""REST API for the people directory (read only).

The directory lists every active colleague with minimal fields (name, role, team): choosing a
presales lead or a deal team member needs it, and nothing private (phone, targets, capacity) is shown.
"""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import Q
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from presales.core.api_common import MAX_ID, READ_ERRORS, Id, PageParams, SafeStr, TeamRef, page_schema, paginate
from presales.people.models import Role, User

users_router = Router(tags=["users"])


class UserOut(Schema):
    id: int
    username: str
    name: str
    role: str
    title: str
    team: TeamRef | None

    @staticmethod
    def resolve_name(obj: User) -> str:
        return str(obj)


UserPage = page_schema(UserOut, "UserPage")


class UserFilters(Schema):
    q: SafeStr | None = Field(None, max_length=100, description="Search name or username.")
    role: Literal[tuple(Role.values)] | None = None  # type: ignore[valid-type]
    team: Id | None = Field(None, description="Team id.")


def _directory() -> Any:
    return User.objects.filter(is_active=True).select_related("team").order_by("display_name", "username", "pk")


@users_router.get("/", response={200: UserPage, **READ_ERRORS}, summary="List people")
def list_users(request: HttpRequest, filters: Query[UserFilters], page: Query[PageParams]) -> Any:
    """Active colleagues, for choosing owners, presales leads and deal team members."""
    people = _directory()
    if filters.q:
        for word in filters.q.split():
            people = people.filter(Q(display_name__icontains=word) | Q(username__icontains=word))
    if filters.role:
        people = people.filter(role=filters.role)
    if filters.team:
        people = people.filter(team_id=filters.team)
    return paginate(people, page)


@users_router.get("/me", response={200: UserOut, **READ_ERRORS}, summary="Who am I")
def me(request: HttpRequest) -> Any:
    """The caller: handy to check which account a token acts as."""
    return request.user


@users_router.get("/{user_id}", response={200: UserOut, **READ_ERRORS}, summary="Get a person")
def get_user(request: HttpRequest, user_id: int) -> Any:
    if not 1 <= user_id <= MAX_ID:
        raise Http404
    return get_object_or_404(_directory(), pk=user_id)
