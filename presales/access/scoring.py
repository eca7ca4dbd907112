"""Scorecards and evaluation: whose scorecards a person reads, who scores and rates, who sets the weights; and the
team dashboards built on the same figures."""

from __future__ import annotations

from django.db.models import Q

from presales.access.scope import QS, Scope, has_role, is_active, row_rule, scope_for
from presales.people.models import Role, User

SCORING_MANAGER_ROLES = {Role.PRESALES_MANAGER, Role.ADMIN}
# Sales reps have neither scorecards of their own nor a team of engineers: the pages would be empty for them.
SCORECARD_READER_ROLES = {Role.PRESALES, Role.PRESALES_MANAGER, Role.SALES_MANAGER, Role.ADMIN}
TEAM_READER_ROLES = {Role.SALES_MANAGER, Role.PRESALES_MANAGER}
TEAM_DASHBOARD_ROLES = {Role.SALES_MANAGER, Role.PRESALES_MANAGER, Role.ADMIN}


@row_rule
def scorecard_engineers_visible_to(user: User, queryset: QS, scope: Scope) -> QS:
    """Whose scorecards the person reads: their own; a manager their team and department; an admin everybody."""
    condition = Q(pk=user.pk)
    if user.role in TEAM_READER_ROLES and scope.team_ids:
        condition |= Q(team_id__in=scope.team_ids)
    return queryset.filter(condition)


def can_see_scorecard(user: User, engineer: User) -> bool:
    """Same rule as `scorecard_engineers_visible_to`, for one engineer already loaded."""
    if not is_active(user):
        return False
    scope = scope_for(user)
    if scope.sees_everything or engineer.pk == user.pk:
        return True
    return bool(user.role in TEAM_READER_ROLES and engineer.team_id and engineer.team_id in scope.team_ids)


def can_read_scorecards(user: User) -> bool:
    """Whether the scorecard pages are offered at all."""
    return has_role(user, SCORECARD_READER_ROLES)


@row_rule
def scorecard_records_visible_to(user: User, queryset: QS, scope: Scope) -> QS:
    """Capability scores and other per-engineer records: visible when the engineer's scorecard is."""
    return queryset.filter(engineer__in=scorecard_engineers_visible_to(user, User.objects.all()).values("pk"))


@row_rule
def sales_ratings_visible_to(user: User, queryset: QS, scope: Scope) -> QS:
    """Ratings the person gave, plus ratings of engineers whose scorecards they read."""
    engineers = scorecard_engineers_visible_to(user, User.objects.all()).values("pk")
    return queryset.filter(Q(rater=user) | Q(engineer__in=engineers))


def can_score_capability(user: User, engineer: User) -> bool:
    """The engineer's manager (directly or over their department) or an admin; nobody scores themselves."""
    if not user.is_authenticated or engineer.pk == user.pk:
        return False
    scope = scope_for(user)
    if scope.sees_everything:
        return True
    return scope.manages(engineer.team_id)


def can_manage_scoring(user: User) -> bool:
    """Rubric, visit quotas and closing/reopening periods: presales managers and admins."""
    return has_role(user, SCORING_MANAGER_ROLES)


def can_edit_scoring_weights(user: User) -> bool:
    """The weights of the scorecard parts are an admin setting (docs/domain.md, Roles)."""
    return scope_for(user).sees_everything


def can_see_team_dashboards(user: User) -> bool:
    """The sales pipeline and presales team dashboards: managers and admins (figures stay within what they see)."""
    return has_role(user, TEAM_DASHBOARD_ROLES)
