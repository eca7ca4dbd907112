"""Writes for the deal team: who else works on a deal (presales members, commercial, after-sales)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from presales import access
from presales.core.concurrency import save_checked
from presales.core.history import delete_with_history
from presales.deals.models import DealRole, DealTeamMember, Opportunity
from presales.deals.services.checklist import deal_steps_sync
from presales.people.models import User


@transaction.atomic
def deal_member_add(*, actor: User, opportunity: Opportunity, user: User, role: str) -> DealTeamMember:
    """Put somebody on the deal team in a role."""
    if not access.can_edit_opportunity(actor, opportunity):
        raise PermissionDenied
    if role not in DealRole.values:
        raise ValidationError({"role": _("Choose a deal team role.")})
    if DealTeamMember.objects.filter(opportunity=opportunity, user=user, role=role).exists():
        raise ValidationError(_("%(person)s is already on the deal team in this role.") % {"person": user})
    member = DealTeamMember(opportunity=opportunity, user=user, role=role)
    save_checked(member, actor=actor)
    # Step owners follow the deal team.
    deal_steps_sync(opportunity=opportunity, actor=actor)
    return member


@transaction.atomic
def deal_member_remove(*, actor: User, member: DealTeamMember) -> None:
    """Take somebody off the deal team."""
    if not access.can_edit_opportunity(actor, member.opportunity):
        raise PermissionDenied
    opportunity = member.opportunity
    delete_with_history(member, actor=actor)
    deal_steps_sync(opportunity=opportunity, actor=actor)
