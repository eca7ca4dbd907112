"""The data of the deals' webhook events (notifications.webhooks): plain JSON, ids and codes, absolute links."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from presales.deals.models import DealStep, Opportunity


def absolute(path: str) -> str:
    return settings.PRESALES_BASE_URL.rstrip("/") + path


def deal_event_data(deal: Opportunity) -> dict[str, Any]:
    """A deal as integrators see it in `deal.*` events."""
    return {
        "deal": {
            "id": deal.pk,
            "name": deal.name,
            "account_id": deal.account_id,
            "amount": str(deal.amount),
            "currency": deal.currency,
            "stage": {"id": deal.stage_id, "number": deal.stage.number, "name": deal.stage.short_name},
            "outcome": deal.outcome,
            "closed_on": deal.closed_on.isoformat() if deal.closed_on else None,
            "sales_owner_id": deal.sales_owner_id,
            "presales_lead_id": deal.presales_lead_id,
            "url": absolute(deal.get_absolute_url()),
        }
    }


def step_event_data(step: DealStep) -> dict[str, Any]:
    """An overdue checklist step in the `step.overdue` event."""
    return {
        "step": {
            "id": step.pk,
            "key": step.definition.key,
            "name": step.definition.name_en or step.definition.name_zh,
            "due_date": step.due_date.isoformat() if step.due_date else None,
            "responsible_id": step.responsible_id,
            "url": absolute(step.get_absolute_url()),
        },
        "deal": {"id": step.opportunity_id, "name": step.opportunity.name},
    }
