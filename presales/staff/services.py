"""Writes for the people and teams pages: invite, change, set skills, deactivate, hand work over, edit teams.

Administrators manage everybody; a manager manages the members of the teams they manage (and their sub-teams),
cannot give the administrator role and cannot change their own account here. Every change is recorded in the
history of the row it touches (simple_history), naming who made it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from presales import access
from presales.core.concurrency import save_checked
from presales.core.history import attribute_change, delete_with_history, save_with_history
from presales.deals.services.opportunities import opportunity_update
from presales.people.invitations import invitation_send
from presales.people.models import PRESALES_ROLES, SALES_ROLES, Role, Skill, Team, User, UserSkill
from presales.staff.selectors import open_work

PERSON_FIELDS = (
    "display_name",
    "email",
    "role",
    "team",
    "title",
    "phone",
    "weekly_capacity_hours",
    "weekly_visit_quota",
    "revenue_target",
)
TEAM_FIELDS = ("name", "kind", "manager", "parent")


def _check_fields(data: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"Unknown fields: {', '.join(sorted(unknown))}")


def _check_role_and_team(actor: User, role: str, team: Team | None) -> None:
    if role not in access.assignable_roles(actor):
        raise ValidationError({"role": _("Only an administrator can give this role.")})
    if not access.can_manage_team_members(actor, team):
        raise ValidationError({"team": _("Choose one of the teams you manage.")})


def _check_email_free(email: str, person: User | None = None) -> None:
    if not email:
        return
    others = User.objects.filter(email__iexact=email, is_active=True)
    if person is not None:
        others = others.exclude(pk=person.pk)
    if others.exists():
        raise ValidationError({"email": _("Somebody active already uses this e-mail address.")})


@transaction.atomic
def person_invite(
    *,
    actor: User,
    username: str,
    base_url: str,
    skill_levels: dict[Skill, int | None] | None = None,
    **data: Any,
) -> User:
    """Add a person and e-mail them a link to choose their password (they have none until then)."""
    if not access.can_open_people_pages(actor):
        raise PermissionDenied
    _check_fields(data, PERSON_FIELDS)
    _check_role_and_team(actor, data.get("role") or Role.SALES, data.get("team"))
    if not data.get("email"):
        raise ValidationError({"email": _("The invitation goes to this address: enter it.")})
    _check_email_free(data["email"])
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This user name is taken.")})
    person = User(username=username, **data)
    person.set_unusable_password()
    person.full_clean(exclude=["password"])
    save_with_history(person, actor=actor, reason=_("Invited"))
    if skill_levels:
        _set_skills(actor=actor, person=person, levels=skill_levels)
    invitation_send(person=person, invited_by=actor, base_url=base_url)
    return person


@transaction.atomic
def person_invitation_resend(*, actor: User, person: User, base_url: str) -> None:
    """Send a new set-password link (to somebody who lost or let the first one expire)."""
    if not access.can_manage_person(actor, person):
        raise PermissionDenied
    if not person.is_active:
        raise ValidationError(_("Reactivate this person before inviting them again."))
    if not person.email:
        raise ValidationError(_("This person has no e-mail address."))
    invitation_send(person=person, invited_by=actor, base_url=base_url)


@transaction.atomic
def person_update(
    *, actor: User, person: User, skill_levels: dict[Skill, int | None] | None = None, **changes: Any
) -> User:
    """Change someone's role, team, contact details, capacity, quota, target and skill levels."""
    if not access.can_manage_person(actor, person):
        raise PermissionDenied
    _check_fields(changes, PERSON_FIELDS)
    changed = {name: value for name, value in changes.items() if getattr(person, name) != value}
    if {"role", "team"} & set(changed):
        _check_role_and_team(actor, changes.get("role", person.role), changes.get("team", person.team))
    if "email" in changed:
        _check_email_free(changed["email"], person)
    if changed:
        for name, value in changed.items():
            setattr(person, name, value)
        person.full_clean(exclude=["password"])
        attribute_change(person, actor=actor)
        person.save(update_fields=list(changed))
    if skill_levels is not None:
        _set_skills(actor=actor, person=person, levels=skill_levels)
    return person


def _set_skills(*, actor: User, person: User, levels: dict[Skill, int | None]) -> None:
    current = {held.skill_id: held for held in UserSkill.objects.filter(user=person)}
    for skill, level in levels.items():
        held = current.get(skill.pk)
        if not level:
            if held is not None:
                delete_with_history(held, actor=actor)
            continue
        if not 1 <= level <= 5:
            raise ValidationError({f"skill_{skill.pk}": _("A skill level is between 1 and 5.")})
        if held is None:
            held = UserSkill(user=person, skill=skill, level=level)
        elif held.level == level:
            continue
        held.level = level
        save_with_history(held, actor=actor)


@transaction.atomic
def person_deactivate(*, actor: User, person: User, reason: str = "") -> User:
    """Stop someone signing in; their records stay, and their open work is listed for hand-over."""
    if not access.can_manage_person(actor, person):
        raise PermissionDenied
    if person.pk == actor.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    if not person.is_active:
        return person
    person.is_active = False
    attribute_change(person, actor=actor, reason=reason or _("Deactivated"))
    person.save(update_fields=["is_active"])
    return person


@transaction.atomic
def person_reactivate(*, actor: User, person: User) -> User:
    """Let somebody sign in again (after leave, or a deactivation by mistake)."""
    if not access.can_manage_person(actor, person):
        raise PermissionDenied
    if person.is_active:
        return person
    person.is_active = True
    attribute_change(person, actor=actor, reason=_("Reactivated"))
    person.save(update_fields=["is_active"])
    return person


@transaction.atomic
def work_hand_over(
    *, actor: User, person: User, sales_owner: User | None = None, presales_lead: User | None = None
) -> int:
    """Give the person's open deals to colleagues: those they own to `sales_owner`, those they lead as presales to
    `presales_lead`. Returns how many deals moved (each change is in the deal's history)."""
    if not access.can_manage_person(actor, person):
        raise PermissionDenied
    if sales_owner is None and presales_lead is None:
        raise ValidationError(_("Choose who takes over."))
    if sales_owner is not None and (not sales_owner.is_active or sales_owner.role not in SALES_ROLES):
        raise ValidationError({"sales_owner": _("Choose an active sales rep or sales manager.")})
    if presales_lead is not None and (not presales_lead.is_active or presales_lead.role not in PRESALES_ROLES):
        raise ValidationError({"presales_lead": _("Choose an active presales engineer or presales manager.")})
    if person in (sales_owner, presales_lead):
        raise ValidationError(_("Choose somebody else to take over."))
    work = open_work(person)
    moved = 0
    if sales_owner is not None:
        for deal in work.owned_deals:
            opportunity_update(actor=actor, opportunity=deal, expected_version=None, sales_owner=sales_owner)
            moved += 1
    if presales_lead is not None:
        for deal in work.led_deals:
            opportunity_update(actor=actor, opportunity=deal, expected_version=None, presales_lead=presales_lead)
            moved += 1
    return moved


@transaction.atomic
def team_save(*, actor: User, team: Team | None = None, **data: Any) -> Team:
    """Create a team (no `team`) or change one: its name, kind, manager and the team it is part of."""
    if not access.can_manage_people(actor):
        raise PermissionDenied
    _check_fields(data, TEAM_FIELDS)
    team = team or Team()
    for name, value in data.items():
        setattr(team, name, value)
    save_checked(team, actor=actor)
    return team
