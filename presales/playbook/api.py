"""REST API for the sales stages (read only)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from presales.core.api_common import READ_ERRORS
from presales.playbook.models import Stage

stages_router = Router(tags=["stages"])


class StageOut(Schema):
    id: int
    number: int
    label: str
    customer: str
    vendor: str
    default_probability: int
    is_after_sale: bool


@stages_router.get("/", response={200: list[StageOut], **READ_ERRORS}, summary="List stages")
def list_stages(request: HttpRequest) -> Any:
    """The eight paired stages (customer procurement and our sales process), in order, in the request's language."""
    return list(Stage.objects.order_by("number"))
