"""Writes for opportunities: create, edit, move stage, close and reopen; the checklist follows in the same transaction."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from presales import access
from presales.core.concurrency import save_checked, save_with_version_check
from presales.customers.models import Account
from presales.deals.events import deal_event_data
from presales.deals.health import refresh_health
from presales.deals.models import Competitor, Opportunity, OpportunityCompetitor, Outcome, OutcomeReason
from presales.deals.services.checklist import deal_playbook_start, deal_steps_sync
from presales.deals.services.gates import check_stage_gate, signed_gate
from presales.notifications.models import WebhookEvent
from presales.notifications.webhooks import emit_event
from presales.people.models import User
from presales.playbook.models import Stage

# The fields the services change, in the order the deal form shows them.
OPPORTUNITY_FIELDS = (
    "account",
    "name",
    "amount",
    "currency",
    "discount_percent",
    "expected_close_date",
    "stage",
    "probability",
    "source",
    "sales_owner",
    "presales_lead",
    "product_line",
    "description",
    "external_id",
)


def _check_fields(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(OPPORTUNITY_FIELDS)
    if unknown:
        raise ValueError(f"Unknown fields: {', '.join(sorted(unknown))}")
    return dict(data)


def derive_teams(values: dict[str, Any], current: Opportunity | None = None) -> None:
    """The deal's teams follow its sales owner and presales lead: that is who can see it."""
    if "sales_owner" in values:
        values["team_id"] = values["sales_owner"].team_id
    if "presales_lead" in values:
        lead = values["presales_lead"]
        values["presales_team_id"] = lead.team_id if lead else None


@transaction.atomic
def opportunity_create(*, actor: User, competitors: list[Competitor] | None = None, **data: Any) -> Opportunity:
    """Open a new deal; stage and probability default to the first sales stage."""
    if not access.can_create_opportunity(actor):
        raise PermissionDenied
    values = _check_fields(data)
    account: Account = values["account"]
    if not access.accounts_visible_to(actor, Account.objects.filter(pk=account.pk)).exists():
        raise PermissionDenied
    values.setdefault("sales_owner", actor)
    if values.get("stage") is None:
        values["stage"] = Stage.objects.filter(is_after_sale=False, number__gte=2).order_by("number").first()
    if "probability" not in values or values["probability"] is None:
        values["probability"] = values["stage"].default_probability
    derive_teams(values)
    opportunity = Opportunity(**values)
    save_checked(opportunity, actor=actor)
    for competitor in competitors or []:
        OpportunityCompetitor.objects.create(opportunity=opportunity, competitor=competitor)
    # Every deal carries the playbook's step checklist from its first moment (docs/domain.md, The 24-step playbook);
    # starting it refreshes the deal's health, which without a playbook is refreshed here.
    if deal_playbook_start(opportunity=opportunity, actor=actor) is None:
        refresh_health([opportunity.pk])
    _detect_conflicts(opportunity, actor)
    return opportunity


def _detect_conflicts(opportunity: Opportunity, actor: User) -> None:
    # Imported here: conflicts close deals through this module.
    from presales.deals.services.conflicts import deal_conflicts_detect

    deal_conflicts_detect(opportunity=opportunity, actor=actor)


@transaction.atomic
def opportunity_update(
    *,
    actor: User,
    opportunity: Opportunity,
    expected_version: int | None,
    enforce_permission: bool = True,
    **data: Any,
) -> Opportunity:
    """Edit a deal's fields unless somebody else saved it since `expected_version`.

    `enforce_permission=False` is only for the checklist, which has already checked that the actor may work the step
    whose answer is written here.
    """
    if enforce_permission and not access.can_edit_opportunity(actor, opportunity):
        raise PermissionDenied
    changes = _check_fields(data)
    derive_teams(changes)
    updated = save_with_version_check(opportunity, changes=changes, expected_version=expected_version, actor=actor)
    if {"sales_owner", "presales_lead", "expected_close_date"} & set(changes):
        # Step owners and due dates follow the deal team and the close date (the deal's health with them).
        deal_steps_sync(opportunity=updated, actor=actor)
    else:
        # Also without a new stage: the first history record of a deal made in bulk without one is its stage entry.
        refresh_health([updated.pk])
    if {"account", "product_line", "sales_owner"} & set(changes):
        _detect_conflicts(updated, actor)
    return updated


@transaction.atomic
def opportunity_change_stage(
    *,
    actor: User,
    opportunity: Opportunity,
    stage: Stage,
    expected_version: int | None,
    reason: str = "",
    enforce_permission: bool = True,
) -> Opportunity:
    """Move a deal to another sales stage (the board, the form, the API and the playbook's checklist call this).

    A forward move past open steps needs `reason` (kept in the deal's history); past a go/no-go not passed it is
    refused (gates.check_stage_gate). The checklist follows: steps of the stages now reached get their due dates.
    """
    if enforce_permission and not access.can_edit_opportunity(actor, opportunity):
        raise PermissionDenied
    if not opportunity.is_open and not stage.is_after_sale:
        raise ValidationError(_("A closed deal cannot move back into the sales stages. Reopen it first."))
    if stage.is_after_sale and opportunity.outcome != Outcome.WON:
        raise ValidationError(_("Only a won deal moves on to implementation and collection."))
    gate = check_stage_gate(opportunity, stage, reason)
    changes: dict[str, Any] = {"stage": stage}
    if opportunity.is_open and opportunity.probability == opportunity.stage.default_probability:
        # The probability was never set by hand: let it follow the stage.
        changes["probability"] = stage.default_probability
    previous_stage_id = opportunity.stage_id
    history_reason = f"stage gate: {reason.strip()}" if gate.open_steps else "stage"
    moved = save_with_version_check(
        opportunity, changes=changes, expected_version=expected_version, actor=actor, reason=history_reason
    )
    if moved.is_open:
        deal_steps_sync(opportunity=moved, actor=actor, reason="due dates")  # refreshes the deal's health
    else:
        refresh_health([moved.pk])
    if moved.stage_id != previous_stage_id:
        emit_event(
            event=WebhookEvent.DEAL_STAGE_CHANGED,
            data={**deal_event_data(moved), "previous_stage_id": previous_stage_id},
        )
    return moved


@transaction.atomic
def opportunity_close(
    *,
    actor: User,
    opportunity: Opportunity,
    outcome: str,
    reason: str = "",
    win_loss_reason: OutcomeReason | None = None,
    closed_on: datetime.date | None = None,
    expected_version: int | None,
    enforce_permission: bool = True,
) -> Opportunity:
    """Record the result of a deal: won, lost or abandoned, with the reason from the managed list (`win_loss_reason`)
    and any details (`reason`); won only once the signing step is done. Without a listed reason, a `reason` text that
    names one (the API, imports) picks it."""
    if enforce_permission and not access.can_edit_opportunity(actor, opportunity):
        raise PermissionDenied
    if outcome not in (Outcome.WON, Outcome.LOST, Outcome.ABANDONED):
        raise ValidationError({"outcome": _("Choose won, lost or abandoned.")})
    if not opportunity.is_open:
        raise ValidationError(_("This deal is already closed."))
    if outcome == Outcome.WON:
        signed_gate(opportunity)
    if win_loss_reason is None:
        win_loss_reason = OutcomeReason.objects.active().for_outcome(outcome).matching(reason)
    elif not OutcomeReason.objects.active().for_outcome(outcome).filter(pk=win_loss_reason.pk).exists():
        raise ValidationError({"win_loss_reason": _("Choose one of the reasons offered for this result.")})
    changes: dict[str, Any] = {
        "outcome": outcome,
        "win_loss_reason": win_loss_reason,
        "outcome_reason": reason,
        "closed_on": closed_on or timezone.localdate(),
        "probability": 100 if outcome == Outcome.WON else 0,
    }
    closed = save_with_version_check(
        opportunity, changes=changes, expected_version=expected_version, actor=actor, reason="close"
    )
    refresh_health([closed.pk])  # the steps and stage are unchanged, but see opportunity_update
    # Abandoned deals are lost to integrators too; `outcome` in the data tells them apart.
    emit_event(
        event=WebhookEvent.DEAL_WON if outcome == Outcome.WON else WebhookEvent.DEAL_LOST, data=deal_event_data(closed)
    )
    return closed


@transaction.atomic
def opportunity_reopen(*, actor: User, opportunity: Opportunity, expected_version: int | None) -> Opportunity:
    """Put a closed deal back in play, at the stage it had, with that stage's default probability."""
    if not access.can_edit_opportunity(actor, opportunity):
        raise PermissionDenied
    if opportunity.is_open:
        raise ValidationError(_("This deal is open already."))
    stage = opportunity.stage
    if stage.is_after_sale:
        stage = Stage.objects.filter(is_after_sale=False).order_by("-number").first() or stage
    changes: dict[str, Any] = {
        "outcome": Outcome.OPEN,
        "win_loss_reason": None,
        "outcome_reason": "",
        "closed_on": None,
        "stage": stage,
        "probability": stage.default_probability,
    }
    reopened = save_with_version_check(
        opportunity, changes=changes, expected_version=expected_version, actor=actor, reason="reopen"
    )
    # Steps of the stages reached are actionable again, with due dates from today (the deal's health follows).
    deal_steps_sync(opportunity=reopened, actor=actor, reason="due dates")
    _detect_conflicts(reopened, actor)
    return reopened
