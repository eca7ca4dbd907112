"""Support requests and activities created through the work services, with the values a test does not look at
filled in; a test names only what it is about."""

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from presales.work import services
from presales.work.models import Activity, RequestStatus, SupportRequest


def make_support_request(personas: Any, **overrides: Any) -> SupportRequest:
    """A POC request on the personas' deal, filed by its sales owner."""
    values = {
        "actor": personas.owner,
        "opportunity": personas.deal,
        "kind": "poc",
        "description": "POC of the backup appliance",
        "needed_by": timezone.localdate() + datetime.timedelta(days=14),
        "estimate_hours": Decimal("16"),
        "win_rate_answer": "The customer will not shortlist without a POC.",
        "expected_uplift": Decimal("10"),
    }
    return services.request_create(**{**values, **overrides})


def make_accepted_request(
    personas: Any, *, assignee: Any, reason: str = "Worth it", **overrides: Any
) -> SupportRequest:
    """A request the presales manager has triaged and accepted, given to `assignee`."""
    request = make_support_request(personas, **overrides)
    request = services.request_triage(actor=personas.presales_manager, request=request, assignee=assignee)
    return services.request_decide(
        actor=personas.presales_manager,
        request=request,
        decision=RequestStatus.ACCEPTED,
        reason=reason,
        assignee=assignee,
    )


def log_activity(personas: Any, **overrides: Any) -> Activity:
    """Two hours of demo on the personas' deal today, logged by the engineer."""
    values = {
        "actor": personas.engineer,
        "kind": "demo",
        "date": timezone.localdate(),
        "hours": Decimal("2"),
        "opportunity": personas.deal,
    }
    return services.activity_create(**{**values, **overrides})
