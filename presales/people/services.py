"""Writes for people and teams."""

from __future__ import annotations

import logging
from typing import Any

from axes.utils import reset as axes_reset
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from presales.core.concurrency import save_checked
from presales.core.history import attribute_change, delete_with_history, save_with_history
from presales.people.models import MfaRequirement, Skill, Team, User, UserSkill

logger = logging.getLogger("presales.signin")

USER_FIELDS = (
    "display_name",
    "first_name",
    "last_name",
    "email",
    "role",
    "team",
    "title",
    "phone",
    "language",
    "timezone",
    "weekly_capacity_hours",
    "weekly_visit_quota",
    "revenue_target",
    "is_executive",
    "is_staff",
    "is_superuser",
)
PREFERENCE_FIELDS = ("display_name", "email", "phone", "language", "timezone")


@transaction.atomic
def user_create(*, username: str, password: str | None, **data: Any) -> User:
    """Create a person who can sign in (admin pages, the demo data and tests use this)."""
    unknown = set(data) - set(USER_FIELDS)
    if unknown:
        raise ValueError(f"Unknown fields: {', '.join(sorted(unknown))}")
    user = User(username=username, **data)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def user_update_preferences(*, user: User, **data: Any) -> User:
    """A person changes their own display name, contact details, language and time zone."""
    unknown = set(data) - set(PREFERENCE_FIELDS)
    if unknown:
        raise ValueError(f"Unknown fields: {', '.join(sorted(unknown))}")
    for name, value in data.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    attribute_change(user, actor=user)
    user.save(update_fields=list(data))
    return user


@transaction.atomic
def team_create(
    *, name: str, kind: str, manager: User | None = None, parent: Team | None = None, actor: User | None = None
) -> Team:
    """Create a team; its manager sees everything its members work on."""
    return save_checked(Team(name=name, kind=kind, manager=manager, parent=parent), actor=actor)


@transaction.atomic
def user_set_skill(*, user: User, skill: Skill, level: int, actor: User | None = None) -> UserSkill:
    """Set how well somebody masters a skill (1-5)."""
    if not 1 <= level <= 5:
        raise ValidationError({"level": _("A skill level is between 1 and 5.")})
    user_skill = UserSkill.objects.filter(user=user, skill=skill).first() or UserSkill(user=user, skill=skill)
    if user_skill.pk is not None and user_skill.level == level:
        return user_skill
    user_skill.level = level
    save_with_history(user_skill, actor=actor)
    return user_skill


@transaction.atomic
def user_signin_unlock(*, actor: User, user: User) -> int:
    """An administrator lifts the lockout of `user`'s account (failed passwords); logged and kept in its history.

    Returns how many failure records were cleared. A locked address is unlocked in the admin's "Access attempts".
    """
    if not actor.is_admin_role:
        raise PermissionDenied
    cleared = axes_reset(username=user.username)
    attribute_change(user, actor=actor, reason="sign-in unlocked")
    user.save(update_fields=["username"])  # writes the history row that names who unlocked it
    logger.warning("sign-in unlocked", extra={"user_id": user.pk, "actor_id": actor.pk, "cleared": cleared})
    return cleared


@transaction.atomic
def mfa_requirement_set(*, actor: User, role: str, required: bool) -> None:
    """Require (or stop requiring) two-factor sign-in for everyone with `role`, from their next sign-in."""
    if not actor.is_admin_role:
        raise PermissionDenied
    existing = MfaRequirement.objects.filter(role=role).first()
    if required and existing is None:
        requirement = MfaRequirement(role=role)
        save_checked(requirement, actor=actor)
    elif not required and existing is not None:
        delete_with_history(existing, actor=actor)
    logger.warning("mfa requirement changed", extra={"role": role, "required": required, "actor_id": actor.pk})
