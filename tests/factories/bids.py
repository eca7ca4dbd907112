"""Tenders and POCs created through the bids services on the personas' deal, by its presales engineer."""

import datetime
from typing import Any

from django.utils import timezone

from presales.bids import services
from presales.bids.models import Poc, Tender


def make_tender(personas: Any, days: int = 10, **fields: Any) -> Tender:
    """A tender due for submission in `days` days."""
    fields.setdefault("title", "数据中心招标")
    fields.setdefault("submission_deadline", timezone.now() + datetime.timedelta(days=days))
    return services.tender_create(actor=personas.engineer, opportunity=personas.deal, **fields)


def make_poc(personas: Any, **fields: Any) -> Poc:
    """A storage POC from today for ten days."""
    today = timezone.localdate()
    fields.setdefault("title", "存储 POC")
    fields.setdefault("start_date", today)
    fields.setdefault("end_date", today + datetime.timedelta(days=10))
    return services.poc_create(actor=personas.engineer, opportunity=personas.deal, **fields)
