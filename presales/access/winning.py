"""Technical verdicts and the win-probability model: who records, who sees, who retrains."""

from __future__ import annotations

from typing import Any

from presales.access.deals import deal_records_visible_to
from presales.access.scope import QS, has_role, is_active, scope_for
from presales.people.models import Role, User


def technical_verdicts_visible_to(user: User, queryset: QS) -> QS:
    """A verdict is seen by whoever sees its deal."""
    return deal_records_visible_to(user, queryset)


def can_record_technical_verdict(user: User, opportunity: Any) -> bool:
    """The deal's presales lead, a presales manager over the deal's presales team, or an administrator."""
    if not is_active(user):
        return False
    scope = scope_for(user)
    if scope.sees_everything or user.pk == opportunity.presales_lead_id:
        return True
    return bool(
        user.role == Role.PRESALES_MANAGER
        and opportunity.presales_team_id
        and opportunity.presales_team_id in scope.managed_team_ids
    )


def can_retrain_win_model(user: User) -> bool:
    """Training is the presales managers' and the administrators' button."""
    return has_role(user, {Role.ADMIN, Role.PRESALES_MANAGER})
