"""Running the company's data: managing people and importing from other systems."""

from __future__ import annotations

from presales.access.customers import STAKEHOLDER_EDITOR_ROLES, can_create_account
from presales.access.deals import can_create_opportunity
from presales.access.scope import QS, Scope, is_active, row_rule, scope_for
from presales.access.work import can_log_activity
from presales.people.models import Role, Team, User


def can_manage_people(user: User) -> bool:
    """Everybody and every team: administrators (roles, the team tree, the admin role itself)."""
    return is_active(user) and scope_for(user).sees_everything


def can_open_people_pages(user: User) -> bool:
    """The people and teams pages: administrators, and managers for the teams they manage."""
    return is_active(user) and (scope_for(user).sees_everything or bool(scope_for(user).managed_team_ids))


@row_rule
def people_visible_to(user: User, queryset: QS, scope: Scope) -> QS:
    """Whom the people pages list: everybody for an administrator; a manager's own teams' members (and sub-teams')."""
    return queryset.filter(team_id__in=scope.managed_team_ids)


@row_rule
def teams_visible_to(user: User, queryset: QS, scope: Scope) -> QS:
    """The teams on the team tree: all of them for an administrator, the ones a manager manages for a manager."""
    return queryset.filter(pk__in=scope.managed_team_ids)


def can_manage_team_members(user: User, team: Team | None) -> bool:
    """Add people to `team` and change its members: an administrator, or the team's manager (directly or above)."""
    if not is_active(user):
        return False
    if scope_for(user).sees_everything:
        return True
    return team is not None and team.pk in scope_for(user).managed_team_ids


def can_manage_person(user: User, person: User) -> bool:
    """Change someone's role, team, targets and skills, or deactivate them: an administrator, or the manager of their
    team; a manager cannot change an administrator's account, nor their own."""
    if not is_active(user):
        return False
    if scope_for(user).sees_everything:
        return True
    if person.pk == user.pk or person.is_superuser or person.role == Role.ADMIN:
        return False
    return scope_for(user).manages(person.team_id)


def assignable_roles(user: User) -> list[str]:
    """The roles `user` may give: every role for an administrator, every role but administrator for a manager."""
    if scope_for(user).sees_everything:
        return list(Role.values)
    return [role for role in Role.values if role != Role.ADMIN]


def can_open_admin_site(user: User) -> bool:
    """Django's admin (/admin/): staff and superusers, as Django itself decides."""
    return bool(user.is_staff or user.is_superuser)


def can_manage_webhooks(user: User) -> bool:
    """Outbound webhooks send the company's deals to other systems: administrators only."""
    return is_active(user) and scope_for(user).sees_everything


def webhook_deliveries_visible_to(user: User, queryset: QS) -> QS:
    """The webhook delivery log holds what was sent to other systems: administrators only."""
    return queryset if can_manage_webhooks(user) else queryset.none()


def can_manage_team_channels(user: User, team: Team) -> bool:
    """A team's chat robots: its manager, or an administrator."""
    return is_active(user) and (team.manager_id == user.pk or scope_for(user).sees_everything)


def can_change_chat_robot(user: User, *, owner_id: int | None, team: Team | None) -> bool:
    """A chat robot: a person's own is theirs alone; a team's, whoever manages the team's channels."""
    if owner_id is not None:
        return is_active(user) and owner_id == user.pk
    return team is not None and can_manage_team_channels(user, team)


def can_import(user: User) -> bool:
    """Importing creates accounts and deals: the roles that may create them."""
    return bool(can_create_account(user) or can_create_opportunity(user))


def can_import_contacts(user: User) -> bool:
    """Stakeholders: whoever may import and keeps stakeholders up to date, or an admin."""
    return bool(can_import(user) and user.role in STAKEHOLDER_EDITOR_ROLES) or scope_for(user).sees_everything


def can_import_activities(user: User) -> bool:
    return bool(can_import(user) and can_log_activity(user))


@row_rule
def import_jobs_visible_to(user: User, queryset: QS, scope: Scope) -> QS:
    """An import is the uploader's own business (it may hold rows others cannot see); admins see all."""
    return queryset.filter(owner=user)


def can_manage_exchange_rates(user: User) -> bool:
    """The company's exchange rates change every total: an administrator keeps them (docs/domain.md, Money)."""
    return scope_for(user).sees_everything
