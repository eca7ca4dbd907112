"""REST API for evaluation: sales ratings of the presales support (list, read, give) and scorecards (read only).

Scorecards are the same numbers as the scorecard pages: live for an open period, the frozen snapshot for a closed
one; whose scorecards a caller reads follows presales.access (own; managers their teams; admins all).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from presales import access
from presales.core.api_common import (
    MAX_ID,
    READ_ERRORS,
    WRITE_ERRORS,
    Id,
    InputSchema,
    PageParams,
    SafeStr,
    UserRef,
    get_visible,
    page_schema,
    paginate,
    resolve,
    text,
)
from presales.deals.models import Opportunity
from presales.scoring import formulas, selectors, services
from presales.scoring.models import SalesRating
from presales.work.models import SupportRequest

ratings_router = Router(tags=["ratings"])
scorecards_router = Router(tags=["scorecards"])

Mark = Field(..., ge=1, le=5)


class DealRef(Schema):
    id: int
    name: str


class SalesRatingOut(Schema):
    id: int
    rater: UserRef
    engineer: UserRef
    opportunity: DealRef
    request_id: int | None
    occasion: str
    responsiveness: int
    quality: int
    impact: int
    mean: float
    comment: str
    rated_on: datetime.date
    created_at: datetime.datetime


SalesRatingPage = page_schema(SalesRatingOut, "SalesRatingPage")


class SalesRatingFilters(Schema):
    engineer: Id | None = Field(None, description="Ratings of this engineer.")
    opportunity: Id | None = Field(None, description="Ratings on this deal.")
    given: bool | None = Field(None, description="true: only the ratings the caller gave.")
    ordering: Literal["rated_on", "-rated_on"] | None = Field(None, description="Default: newest first.")


class SalesRatingIn(InputSchema):
    opportunity_id: Id
    request_id: Id | None = Field(None, description="A finished request on the deal; without it, the closed deal.")
    responsiveness: int = Mark
    quality: int = Mark
    impact: int = Mark
    comment: SafeStr = text(max_length=20_000)


def _ratings(request: HttpRequest) -> Any:
    return SalesRating.objects.visible_to(request.user).select_related("rater", "engineer", "opportunity")  # type: ignore[arg-type]


@ratings_router.get("/", response={200: SalesRatingPage, **READ_ERRORS}, summary="List sales ratings")
def list_ratings(request: HttpRequest, filters: Query[SalesRatingFilters], page: Query[PageParams]) -> Any:
    """Ratings the caller gave, plus ratings of engineers whose scorecards the caller reads."""
    ratings = _ratings(request)
    if filters.engineer:
        ratings = ratings.filter(engineer_id=filters.engineer)
    if filters.opportunity:
        ratings = ratings.filter(opportunity_id=filters.opportunity)
    if filters.given:
        ratings = ratings.filter(rater=request.user)
    ratings = (
        ratings.order_by("rated_on", "pk") if filters.ordering == "rated_on" else ratings.order_by("-rated_on", "-pk")
    )
    return paginate(ratings, page)


@ratings_router.get("/{rating_id}", response={200: SalesRatingOut, **READ_ERRORS}, summary="Get a sales rating")
def get_rating(request: HttpRequest, rating_id: int) -> Any:
    return get_visible(_ratings(request), request, rating_id)


@ratings_router.post("/", response={201: SalesRatingOut, **WRITE_ERRORS}, summary="Rate the presales support")
def create_rating(request: HttpRequest, payload: SalesRatingIn) -> Any:
    """The deal's sales owner rates a finished request or the closed supported deal, once each."""
    opportunity = get_visible(Opportunity.objects.all(), request, payload.opportunity_id)
    if opportunity.sales_owner_id != request.user.pk:
        raise PermissionDenied
    support = resolve(
        SupportRequest.objects.filter(opportunity=opportunity),
        payload.request_id,
        "request_id",
        _("Choose a request on this deal."),
    )
    rating = services.sales_rating_create(
        actor=request.user,
        opportunity=opportunity,
        request=support,
        responsiveness=payload.responsiveness,
        quality=payload.quality,
        impact=payload.impact,
        comment=payload.comment,
    )
    return Status(201, _ratings(request).get(pk=rating.pk))


# --- Scorecards --------------------------------------------------------------------------------------------------------


class ScorecardOut(Schema):
    engineer_id: int
    engineer_name: str
    team_id: int | None
    team_name: str
    kind: str
    start: datetime.date
    end: datetime.date
    revenue: Decimal
    target: Decimal
    attainment: Decimal | None
    win_rate: Decimal | None
    won: int
    lost: int
    abandoned: int
    results_score: Decimal | None
    visits: int
    expected_visits: Decimal
    visits_score: Decimal | None
    capability_mean: Decimal | None
    capability_score: Decimal | None
    rating_mean: Decimal | None
    rating_score: Decimal | None
    technical_wins: int = Field(0, description="Technical wins at close recorded in the period, on deals led.")
    technical_assessed: int = Field(0, description="Verdicts at close assessed (win, tie or loss), on deals led.")
    technical_score: Decimal | None = Field(None, description="100 × technical wins ÷ assessed; null without any.")
    weights: dict[str, int]
    composite: Decimal | None
    rank: int | None = Field(description="Rank within the engineer's team for the period.")
    team_size: int
    frozen: bool = Field(description="True when the period is closed and these are the frozen numbers.")


class ScorecardDetailOut(ScorecardOut):
    deals: list[dict[str, Any]]
    visit_rows: list[dict[str, Any]]
    quota_weeks: list[dict[str, Any]]
    capability_rows: list[dict[str, Any]]
    rating_rows: list[dict[str, Any]]


class PeriodParams(Schema):
    period: Literal[tuple(formulas.PERIOD_KINDS)] = Field(formulas.MONTH, description="week, month or quarter.")  # type: ignore[valid-type]
    start: datetime.date | None = Field(
        None,
        ge=datetime.date(2000, 1, 1),
        le=datetime.date(2100, 12, 31),
        description="Any day in the period; defaults to today.",
    )


def _bounds(params: PeriodParams) -> tuple[str, datetime.date]:
    start, _end = formulas.period_bounds(params.period, params.start or timezone.localdate())
    return params.period, start


def _engineers(request: HttpRequest) -> Any:
    return access.scorecard_engineers_visible_to(request.user, selectors.scorable_engineers())  # type: ignore[arg-type]


@scorecards_router.get("/", response={200: list[ScorecardOut], **READ_ERRORS}, summary="List scorecards")
def list_scorecards(request: HttpRequest, params: Query[PeriodParams]) -> Any:
    """Scorecards of the engineers the caller may see for one period, best composite first."""
    kind, start = _bounds(params)
    engineers = list(_engineers(request).order_by("display_name", "username"))
    cards, _period = selectors.scorecards_for(engineers, kind, start)
    cards.sort(key=lambda c: (c.composite is None, -(c.composite or 0), c.engineer_name))
    return [card.to_data() for card in cards]


@scorecards_router.get(
    "/{engineer_id}", response={200: ScorecardDetailOut, **READ_ERRORS}, summary="Get an engineer's scorecard"
)
def get_scorecard(request: HttpRequest, engineer_id: int, params: Query[PeriodParams]) -> Any:
    """One engineer's scorecard with the deals, visits, capability scores and ratings behind every number."""
    engineer = _engineers(request).filter(pk=engineer_id).first() if 1 <= engineer_id <= MAX_ID else None
    if engineer is None:
        raise Http404
    kind, start = _bounds(params)
    return selectors.scorecard_for(engineer, kind, start).to_data()
