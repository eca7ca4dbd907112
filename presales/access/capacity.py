"""Engineer bookings, leave, travel times and the capacity forecast: who sees and changes them."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from presales.access.scope import QS, Scope, is_active, row_rule, scope_for
from presales.people.models import PRESALES_ROLES, Role, User


def _manages(user: User, person: Any) -> bool:
    scope = scope_for(user)
    return scope.sees_everything or (scope.manages(person.team_id))


@row_rule
def bookings_visible_to(user: User, queryset: QS, scope: Scope) -> QS:
    """One's own bookings, those of the teams one manages or belongs to (presales), and those for one's requests."""
    condition = Q(engineer=user) | Q(request__requester=user)
    if user.role in PRESALES_ROLES and scope.team_ids:
        condition |= Q(engineer__team_id__in=scope.team_ids)
    elif scope.managed_team_ids:
        condition |= Q(engineer__team_id__in=scope.managed_team_ids)
    return queryset.filter(condition)


def can_book(user: User, engineer: Any) -> bool:
    """An engineer books their own time; a presales manager books the engineers of the teams they manage."""
    if not is_active(user) or engineer is None:
        return False
    if engineer.pk == user.pk:
        return user.role in PRESALES_ROLES
    return bool(scope_for(user).sees_everything or (user.role == Role.PRESALES_MANAGER and _manages(user, engineer)))


def can_book_someone(user: User) -> bool:
    """Whether a page offers "Book an engineer" (a support request, a planned activity): whoever may book at least
    one engineer (presales people book themselves, managers their teams, admins everybody; see bookable_engineers)."""
    return is_active(user) and (scope_for(user).sees_everything or user.role in PRESALES_ROLES)


def can_change_booking(user: User, booking: Any) -> bool:
    """Moving or cancelling: whoever could book that engineer."""
    return can_book(user, booking.engineer)


def bookable_engineers(user: User, queryset: QS) -> QS:
    """The presales people a person may book: themselves, or the people of the teams they manage (all: admins)."""
    queryset = queryset.filter(is_active=True, role__in=PRESALES_ROLES)
    scope = scope_for(user)
    if scope.sees_everything:
        return queryset
    if user.role == Role.PRESALES_MANAGER:
        return queryset.filter(Q(pk=user.pk) | Q(team_id__in=scope.managed_team_ids))
    if user.role in PRESALES_ROLES:
        return queryset.filter(pk=user.pk)
    return queryset.none()


def can_see_team_calendar(user: User) -> bool:
    return is_active(user) and (scope_for(user).sees_everything or user.role == Role.PRESALES_MANAGER)


def calendar_engineers(user: User, queryset: QS) -> QS:
    """The engineers shown on the team calendar: those the manager may book (all presales people for an admin)."""
    return bookable_engineers(user, queryset)


@row_rule
def leave_visible_to(user: User, queryset: QS, scope: Scope) -> QS:
    """One's own leave; a manager the leave of people in the teams they manage; an admin everybody's."""
    return queryset.filter(Q(person=user) | Q(person__team_id__in=scope.managed_team_ids))


def can_record_leave_for(user: User, person: Any) -> bool:
    """One's own leave, or (a manager) that of people in the teams they manage."""
    if not is_active(user) or person is None:
        return False
    return person.pk == user.pk or _manages(user, person)


def can_edit_travel_times(user: User) -> bool:
    return is_active(user) and (scope_for(user).sees_everything or user.role == Role.PRESALES_MANAGER)


def can_see_capacity_forecast(user: User) -> bool:
    """The forecast shows every presales team's load: presales managers and admins."""
    return is_active(user) and (scope_for(user).sees_everything or user.role == Role.PRESALES_MANAGER)
