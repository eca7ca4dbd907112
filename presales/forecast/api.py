"""REST API for the forecast: a deal's forecast category (read, set with a note, clear) and the roll-up of a period
by team and person, the same figures as the forecast page; who reads and sets what follows presales.access."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from presales import access
from presales.core.api_common import WRITE_ERRORS, InputSchema, TeamRef, UserRef, errors, get_visible, text
from presales.deals.models import Opportunity
from presales.forecast import selectors, services
from presales.forecast.models import OPEN_CATEGORIES
from presales.forecast.periods import Period

forecast_router = Router(tags=["forecast"])


class CategoryOut(Schema):
    opportunity_id: int
    category: str = Field(description="pipeline, best_case, commit, or closed (won)")
    overridden: bool = Field(description="Set by the owner or their manager; false: it follows the deal's stage.")
    note: str
    set_by: UserRef | None
    updated_at: datetime.datetime | None


class CategoryIn(InputSchema):
    category: Literal[tuple(str(c) for c in OPEN_CATEGORIES)]  # type: ignore[valid-type]
    note: str = text(max_length=1000, min_length=1, description="Why the deal belongs in this category.")


def _category_out(deal: Opportunity) -> dict[str, Any]:
    category, override = selectors.deal_category(deal)
    return {
        "opportunity_id": deal.pk,
        "category": str(category),
        "overridden": override is not None,
        "note": override.note if override else "",
        "set_by": override.set_by if override else None,
        "updated_at": override.updated_at if override else None,
    }


def _forecast_deal(request: HttpRequest, pk: int) -> Opportunity:
    deal = get_visible(Opportunity.objects.select_related("stage"), request, pk)
    if not access.forecast_deals_visible_to(request.user, Opportunity.objects.filter(pk=deal.pk)).exists():  # type: ignore[arg-type]  # an API call is signed in (the router's auth)
        raise PermissionDenied
    return deal


@forecast_router.get(
    "/deals/{opportunity_id}/category",
    response={200: CategoryOut, **errors(401, 403, 404, 422)},
    summary="Get a deal's forecast category",
)
def get_category(request: HttpRequest, opportunity_id: int) -> Any:
    return _category_out(_forecast_deal(request, opportunity_id))


@forecast_router.put(
    "/deals/{opportunity_id}/category",
    response={200: CategoryOut, **WRITE_ERRORS},
    summary="Put a deal in a forecast category, with a note",
)
def set_category(request: HttpRequest, opportunity_id: int, payload: CategoryIn) -> Any:
    deal = _forecast_deal(request, opportunity_id)
    services.category_override_set(actor=request.user, opportunity=deal, category=payload.category, note=payload.note)  # type: ignore[arg-type]  # an API call is signed in (the router's auth)
    return _category_out(deal)


@forecast_router.delete(
    "/deals/{opportunity_id}/category",
    response={200: CategoryOut, **WRITE_ERRORS},
    summary="Let a deal follow its stage's forecast category again",
)
def clear_category(request: HttpRequest, opportunity_id: int) -> Any:
    deal = _forecast_deal(request, opportunity_id)
    services.category_override_clear(actor=request.user, opportunity=deal)  # type: ignore[arg-type]  # an API call is signed in (the router's auth)
    return _category_out(deal)


class FiguresOut(Schema):
    closed: Decimal
    commit: Decimal
    best_case: Decimal
    pipeline: Decimal
    quota: Decimal | None
    attainment_percent: Decimal | None


class PersonOut(Schema):
    person: UserRef
    figures: FiguresOut


class TeamOut(Schema):
    team: TeamRef | None
    people: list[PersonOut]
    total: FiguresOut | None
    manager_call: Decimal | None
    manager_call_note: str


class RollupOut(Schema):
    period: str
    start: datetime.date
    end: datetime.date
    teams: list[TeamOut]
    total: FiguresOut | None


class RollupParams(Schema):
    period: str | None = Field(None, pattern=r"^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$", description="2026-12 or 2026-Q4")


def _figures(figures: selectors.Figures | None) -> dict[str, Any] | None:
    if figures is None:
        return None
    return {**figures.amounts, "quota": figures.quota, "attainment_percent": figures.attainment}


@forecast_router.get(
    "/rollup", response={200: RollupOut, **errors(401, 403, 404, 422)}, summary="Forecast roll-up of a period"
)
def rollup(request: HttpRequest, params: Query[RollupParams]) -> Any:
    if not access.can_see_forecast(request.user):  # type: ignore[arg-type]  # an API call is signed in (the router's auth)
        raise PermissionDenied
    today = timezone.localdate()
    period = Period.parse(params.period, today)
    result = selectors.rollup(request.user, period, today)  # type: ignore[arg-type]  # an API call is signed in (the router's auth)
    return {
        "period": period.key,
        "start": period.start,
        "end": period.end,
        "teams": [
            {
                "team": block.team,
                "people": [{"person": line.person, "figures": _figures(line.figures)} for line in block.people],
                "total": _figures(block.total),
                "manager_call": block.call.amount if block.call else None,
                "manager_call_note": block.call.note if block.call else "",
            }
            for block in result.blocks
        ],
        "total": _figures(result.total),
    }
