"""Running the company's data: managing people and importing from other systems."""

from __future__ import annotations

from presales.access.customers import STAKEHOLDER_EDITOR_ROLES, can_create_account
from presales.access.deals import can_create_opportunity
from presales.access.scope import QS, is_active, scope_for
from presales.access.work import can_log_activity
from presales.people.models import User


def can_manage_people(user: User) -> bool:
    return scope_for(user).sees_everything


def can_open_admin_site(user: User) -> bool:
    """Django's admin (/admin/): staff and superusers, as Django itself decides."""
    return bool(user.is_staff or user.is_superuser)


def can_import(user: User) -> bool:
    """Importing creates accounts and deals: the roles that may create them."""
    return bool(can_create_account(user) or can_create_opportunity(user))


def can_import_contacts(user: User) -> bool:
    """Stakeholders: whoever may import and keeps stakeholders up to date, or an admin."""
    return bool(can_import(user) and user.role in STAKEHOLDER_EDITOR_ROLES) or scope_for(user).sees_everything


def can_import_activities(user: User) -> bool:
    return bool(can_import(user) and can_log_activity(user))


def import_jobs_visible_to(user: User, queryset: QS) -> QS:
    """An import is the uploader's own business (it may hold rows others cannot see); admins see all."""
    if not is_active(user):
        return queryset.none()
    if scope_for(user).sees_everything:
        return queryset
    return queryset.filter(owner=user)
