"""Writes for deals, by subject: opportunities, the deal team, competitors, each deal's checklist (start, sync, move),
its gates, working one step with its typed answer (answers: the registry of answer kinds) and step reminders.

The public functions are re-exported here so callers write `services.opportunity_create(...)`; the modules import
only the ones listed before them, so importing any of them loads the package in this order without a cycle.
"""

from presales.deals.services.checklist import (
    actionable_since,
    deal_playbook_move,
    deal_playbook_start,
    deal_playbooks_start_bulk,
    deal_steps_done_before,
    deal_steps_sync,
    due_dates,
    ensure_deal_playbook,
)
from presales.deals.services.competitors import (
    competitor_create,
    competitor_update,
    deal_competitor_add,
    deal_competitor_remove,
    outcome_reason_create,
    outcome_reason_update,
)
from presales.deals.services.conflicts import deal_conflict_resolve, deal_conflicts_detect, deal_conflicts_for
from presales.deals.services.gates import (
    StageGate,
    StageGateClosed,
    StageGateHeld,
    StageGateNeedsReason,
    hold_gate,
    signed_gate,
    stage_gate,
)
from presales.deals.services.opportunities import (
    opportunity_change_stage,
    opportunity_close,
    opportunity_create,
    opportunity_reopen,
    opportunity_update,
)
from presales.deals.services.reminders import send_step_reminders
from presales.deals.services.responsibility import DealTeam, resolve_responsible
from presales.deals.services.steps import deal_step_complete, deal_step_reassign, deal_step_set_status
from presales.deals.services.team import deal_member_add, deal_member_remove

__all__ = [
    "DealTeam",
    "StageGate",
    "StageGateClosed",
    "StageGateHeld",
    "StageGateNeedsReason",
    "actionable_since",
    "competitor_create",
    "competitor_update",
    "deal_competitor_add",
    "deal_competitor_remove",
    "outcome_reason_create",
    "outcome_reason_update",
    "deal_conflict_resolve",
    "deal_conflicts_detect",
    "deal_conflicts_for",
    "deal_member_add",
    "deal_playbooks_start_bulk",
    "deal_steps_done_before",
    "deal_member_remove",
    "deal_playbook_move",
    "deal_playbook_start",
    "deal_step_complete",
    "deal_step_reassign",
    "deal_step_set_status",
    "deal_steps_sync",
    "due_dates",
    "ensure_deal_playbook",
    "hold_gate",
    "opportunity_change_stage",
    "opportunity_close",
    "opportunity_create",
    "opportunity_reopen",
    "opportunity_update",
    "resolve_responsible",
    "send_step_reminders",
    "signed_gate",
    "stage_gate",
]
