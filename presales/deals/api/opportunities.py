"""REST API for opportunities (with their deal team and competitors) and the shared competitor profiles.

Deals are not deleted through the API: a deal that will not happen is closed as lost or abandoned
(POST /opportunities/{id}/close), which keeps the history the win/loss analysis needs.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from presales.core.api_common import (
    READ_ERRORS,
    UPDATE_ERRORS,
    WRITE_ERRORS,
    Id,
    InputSchema,
    SafeStr,
    TeamRef,
    UserRef,
    VersionedOut,
    get_visible,
    list_endpoint,
    resolve,
    text,
)
from presales.customers.models import Account
from presales.deals import services
from presales.deals.filters import CompetitorFilter, OpportunityFilter
from presales.deals.models import (
    Competitor,
    Currency,
    DealRole,
    DealTeamMember,
    Opportunity,
    OpportunityCompetitor,
    ThreatLevel,
)
from presales.people.models import User
from presales.people.typing import AuthenticatedHttpRequest
from presales.playbook.models import Stage

opportunities_router = Router(tags=["opportunities"])
competitors_router = Router(tags=["competitors"])

Money = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2)]
VERSION = Field(..., ge=0, description="The version you read; a stale one gets 409 and nothing is saved.")


class AccountRef(Schema):
    id: int
    name: str


class StageRef(Schema):
    id: int
    number: int
    label: str


class CompetitorRef(Schema):
    id: int
    name: str
    threat_level: str


class MemberOut(Schema):
    id: int
    user: UserRef
    role: str


class DealCompetitorOut(Schema):
    id: int
    competitor: CompetitorRef
    notes: str
    is_ahead: bool


class OpportunityOut(VersionedOut):
    id: int
    name: str
    account: AccountRef
    amount: Decimal
    currency: str
    expected_close_date: datetime.date
    stage: StageRef
    probability: int
    sales_owner: UserRef
    presales_lead: UserRef | None
    team: TeamRef | None
    presales_team: TeamRef | None
    outcome: str
    win_loss_reason: str | None = Field(
        None, description="The reason from the managed win/loss list, named in the request's language."
    )
    outcome_reason: str = Field(description="The details given with the result (a typed reason).")
    closed_on: datetime.date | None
    source: str
    description: str
    external_id: str

    @staticmethod
    def resolve_win_loss_reason(obj: Opportunity) -> str | None:
        return str(obj.win_loss_reason) if obj.win_loss_reason_id else None


class OpportunityDetailOut(OpportunityOut):
    members: list[MemberOut]
    competitors: list[DealCompetitorOut]

    @staticmethod
    def resolve_members(obj: Opportunity) -> list[DealTeamMember]:
        return list(obj.members.all())

    @staticmethod
    def resolve_competitors(obj: Opportunity) -> list[OpportunityCompetitor]:
        return list(obj.competitor_links.all())


class OpportunityIn(InputSchema):
    account_id: Id
    name: SafeStr = text(..., min_length=1)
    amount: Money = Decimal(0)
    currency: Currency = Currency.CNY
    expected_close_date: datetime.date
    stage_id: Id | None = Field(None, description="A sales stage; defaults to the first one.")
    probability: int | None = Field(None, ge=0, le=100, description="Defaults to the stage's probability.")
    sales_owner_id: Id | None = Field(None, description="Defaults to the caller.")
    presales_lead_id: Id | None = None
    source: SafeStr = text(max_length=100)
    description: SafeStr = text(max_length=20_000)
    external_id: SafeStr = text(max_length=100)
    competitor_ids: list[Id] = Field(default_factory=list, max_length=50)


class OpportunityPatch(InputSchema):
    version: int = VERSION
    account_id: Id | None = None
    name: SafeStr | None = text(None, min_length=1)
    amount: Money | None = None
    currency: Currency | None = None
    expected_close_date: datetime.date | None = None
    probability: int | None = Field(None, ge=0, le=100)
    sales_owner_id: Id | None = None
    presales_lead_id: Id | None = Field(None, description="null removes the presales lead.")
    source: SafeStr | None = text(None, max_length=100)
    description: SafeStr | None = text(None, max_length=20_000)
    external_id: SafeStr | None = text(None, max_length=100)


class StageChangeIn(InputSchema):
    version: int = VERSION
    stage_id: Id
    reason: SafeStr = text(
        max_length=500,
        description="Needed when the move passes steps still open (kept in the deal's history); a go/no-go not "
        "passed refuses the move whatever the reason.",
    )


class CloseIn(InputSchema):
    version: int = VERSION
    outcome: Literal["won", "lost", "abandoned"]
    reason: SafeStr = text(
        max_length=20_000,
        description="Required for lost and abandoned deals. A text naming a reason of the managed win/loss list (its "
        "Chinese or English name) records that reason; any text is kept as the details.",
    )
    closed_on: datetime.date | None = Field(None, description="Defaults to today.")


class ReopenIn(InputSchema):
    version: int = VERSION


class MemberIn(InputSchema):
    user_id: Id
    role: DealRole


class DealCompetitorIn(InputSchema):
    competitor_id: Id
    notes: SafeStr = text(max_length=20_000)
    is_ahead: bool = False


def _opportunities(request: AuthenticatedHttpRequest) -> Any:
    return Opportunity.objects.visible_to(request.user).with_list_relations().select_related("presales_team")


def _act(request: AuthenticatedHttpRequest, pk: int, service: Callable[..., Any], **arguments: Any) -> Opportunity:
    """Run `service` (e.g. services.opportunity_close) on a deal the caller can see; answer with the deal as it is now.
    Arguments that need resolving (and may answer 422) are resolved by the endpoint after the visibility check."""
    opportunity = get_visible(_opportunities(request), request, pk)
    service(actor=request.user, opportunity=opportunity, **arguments)
    return _detail(request, pk)


def _detail(request: AuthenticatedHttpRequest, pk: int) -> Opportunity:
    queryset = _opportunities(request).prefetch_related(
        Prefetch("members", queryset=DealTeamMember.objects.select_related("user")),
        Prefetch("competitor_links", queryset=OpportunityCompetitor.objects.select_related("competitor")),
    )
    return get_visible(queryset, request, pk)


def _people() -> Any:
    return User.objects.filter(is_active=True)


def _opportunity_values(request: AuthenticatedHttpRequest, payload: Schema) -> dict[str, Any]:
    values = payload.dict(exclude_unset=True)
    values.pop("version", None)
    values.pop("competitor_ids", None)
    nullable = ("presales_lead_id", "stage_id", "probability")
    values = {name: value for name, value in values.items() if value is not None or name in nullable}
    if "account_id" in values:
        values["account"] = resolve(
            Account.objects.visible_to(request.user),
            values.pop("account_id"),
            "account_id",
            _("Choose an account you can see."),
        )
    if "stage_id" in values:
        values["stage"] = resolve(
            Stage.objects.filter(is_after_sale=False), values.pop("stage_id"), "stage_id", _("Choose a sales stage.")
        )
    if "sales_owner_id" in values:
        values["sales_owner"] = resolve(
            _people(), values.pop("sales_owner_id"), "sales_owner_id", _("Choose an active person.")
        )
    if "presales_lead_id" in values:
        values["presales_lead"] = resolve(
            _people(), values.pop("presales_lead_id"), "presales_lead_id", _("Choose an active person.")
        )
    return values


@list_endpoint(opportunities_router, OpportunityFilter, OpportunityOut, summary="List opportunities")
def list_opportunities(request: AuthenticatedHttpRequest) -> Any:
    """Deals the caller can see, filtered and sorted like the deal list; open deals only unless `outcome` is given."""
    return _opportunities(request)


@opportunities_router.get(
    "/{opportunity_id}", response={200: OpportunityDetailOut, **READ_ERRORS}, summary="Get an opportunity"
)
def get_opportunity(request: AuthenticatedHttpRequest, opportunity_id: int) -> Any:
    """One deal with its deal team and competitors."""
    return _detail(request, opportunity_id)


@opportunities_router.post("/", response={201: OpportunityDetailOut, **WRITE_ERRORS}, summary="Create an opportunity")
def create_opportunity(request: AuthenticatedHttpRequest, payload: OpportunityIn) -> Any:
    """Sales, sales managers and admins open deals at accounts they can see."""
    values = _opportunity_values(request, payload)
    competitors = []
    for competitor_id in payload.competitor_ids:
        competitors.append(
            resolve(Competitor.objects.all(), competitor_id, "competitor_ids", _("Choose a known competitor."))
        )
    opportunity = services.opportunity_create(
        actor=request.user, competitors=list(dict.fromkeys(competitors)), **values
    )
    return Status(201, _detail(request, opportunity.pk))


@opportunities_router.patch(
    "/{opportunity_id}", response={200: OpportunityDetailOut, **UPDATE_ERRORS}, summary="Update an opportunity"
)
def update_opportunity(request: AuthenticatedHttpRequest, opportunity_id: int, payload: OpportunityPatch) -> Any:
    """The sales owner, the presales lead, their managers or an admin. Stage and outcome have their own actions."""
    opportunity = get_visible(_opportunities(request), request, opportunity_id)
    services.opportunity_update(
        actor=request.user,
        opportunity=opportunity,
        expected_version=payload.version,
        **_opportunity_values(request, payload),
    )
    return _detail(request, opportunity_id)


@opportunities_router.post(
    "/{opportunity_id}/stage", response={200: OpportunityDetailOut, **UPDATE_ERRORS}, summary="Move to a stage"
)
def change_stage(request: AuthenticatedHttpRequest, opportunity_id: int, payload: StageChangeIn) -> Any:
    opportunity = get_visible(_opportunities(request), request, opportunity_id)
    stage = resolve(Stage.objects.all(), payload.stage_id, "stage_id", _("Choose a stage."))
    services.opportunity_change_stage(
        actor=request.user,
        opportunity=opportunity,
        stage=stage,
        expected_version=payload.version,
        reason=payload.reason,
    )
    return _detail(request, opportunity_id)


@opportunities_router.post(
    "/{opportunity_id}/close", response={200: OpportunityDetailOut, **UPDATE_ERRORS}, summary="Close (won/lost)"
)
def close_opportunity(request: AuthenticatedHttpRequest, opportunity_id: int, payload: CloseIn) -> Any:
    return _act(
        request,
        opportunity_id,
        services.opportunity_close,
        outcome=payload.outcome,
        reason=payload.reason,
        closed_on=payload.closed_on,
        expected_version=payload.version,
    )


@opportunities_router.post(
    "/{opportunity_id}/reopen", response={200: OpportunityDetailOut, **UPDATE_ERRORS}, summary="Reopen"
)
def reopen_opportunity(request: AuthenticatedHttpRequest, opportunity_id: int, payload: ReopenIn) -> Any:
    return _act(request, opportunity_id, services.opportunity_reopen, expected_version=payload.version)


@opportunities_router.get(
    "/{opportunity_id}/members", response={200: list[MemberOut], **READ_ERRORS}, summary="List the deal team"
)
def list_members(request: AuthenticatedHttpRequest, opportunity_id: int) -> Any:
    return list(_detail(request, opportunity_id).members.all())


@opportunities_router.post(
    "/{opportunity_id}/members", response={201: MemberOut, **WRITE_ERRORS}, summary="Add to the deal team"
)
def add_member(request: AuthenticatedHttpRequest, opportunity_id: int, payload: MemberIn) -> Any:
    opportunity = get_visible(_opportunities(request), request, opportunity_id)
    user = resolve(_people(), payload.user_id, "user_id", _("Choose an active person."))
    member = services.deal_member_add(actor=request.user, opportunity=opportunity, user=user, role=payload.role)
    return Status(201, member)


@opportunities_router.delete(
    "/{opportunity_id}/members/{member_id}", response={204: None, **WRITE_ERRORS}, summary="Remove from the deal team"
)
def remove_member(request: AuthenticatedHttpRequest, opportunity_id: int, member_id: int) -> Any:
    opportunity = get_visible(_opportunities(request), request, opportunity_id)
    member = get_visible_child(DealTeamMember.objects.filter(opportunity=opportunity), member_id)
    member.opportunity = opportunity
    services.deal_member_remove(actor=request.user, member=member)
    return Status(204, None)


@opportunities_router.get(
    "/{opportunity_id}/competitors",
    response={200: list[DealCompetitorOut], **READ_ERRORS},
    summary="List competitors in the deal",
)
def list_deal_competitors(request: AuthenticatedHttpRequest, opportunity_id: int) -> Any:
    return list(_detail(request, opportunity_id).competitor_links.all())


@opportunities_router.post(
    "/{opportunity_id}/competitors",
    response={201: DealCompetitorOut, **WRITE_ERRORS},
    summary="Add or update a competitor in the deal",
)
def add_deal_competitor(request: AuthenticatedHttpRequest, opportunity_id: int, payload: DealCompetitorIn) -> Any:
    opportunity = get_visible(_opportunities(request), request, opportunity_id)
    competitor = resolve(
        Competitor.objects.all(), payload.competitor_id, "competitor_id", _("Choose a known competitor.")
    )
    link = services.deal_competitor_add(
        actor=request.user,
        opportunity=opportunity,
        competitor=competitor,
        notes=payload.notes,
        is_ahead=payload.is_ahead,
    )
    return Status(201, link)


@opportunities_router.delete(
    "/{opportunity_id}/competitors/{link_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Remove a competitor from the deal",
)
def remove_deal_competitor(request: AuthenticatedHttpRequest, opportunity_id: int, link_id: int) -> Any:
    opportunity = get_visible(_opportunities(request), request, opportunity_id)
    link = get_visible_child(OpportunityCompetitor.objects.filter(opportunity=opportunity), link_id)
    link.opportunity = opportunity
    services.deal_competitor_remove(actor=request.user, link=link)
    return Status(204, None)


def get_visible_child(queryset: Any, pk: int) -> Any:
    """A row that belongs to a deal the caller can already see (the deal was looked up with visibility)."""
    from django.http import Http404

    if not 1 <= pk <= 2**63 - 1:
        raise Http404
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


# --- Competitor profiles (shared by every deal) -------------------------------------------------------


class CompetitorOut(VersionedOut):
    id: int
    name: str
    threat_level: str
    strengths: str
    weaknesses: str
    website: str


class CompetitorIn(InputSchema):
    name: SafeStr = text(..., min_length=1, max_length=100)
    threat_level: ThreatLevel = ThreatLevel.MEDIUM
    strengths: SafeStr = text(max_length=20_000)
    weaknesses: SafeStr = text(max_length=20_000)
    website: SafeStr = text()


class CompetitorPatch(InputSchema):
    version: int = VERSION
    name: SafeStr | None = text(None, min_length=1, max_length=100)
    threat_level: ThreatLevel | None = None
    strengths: SafeStr | None = text(None, max_length=20_000)
    weaknesses: SafeStr | None = text(None, max_length=20_000)
    website: SafeStr | None = text(None)


def _competitors() -> Any:
    return Competitor.objects.with_threat_rank()


@list_endpoint(competitors_router, CompetitorFilter, CompetitorOut, summary="List competitors")
def list_competitors(request: AuthenticatedHttpRequest) -> Any:
    # Everybody sees the shared profiles; without a sort asked for, by name.
    return _competitors().order_by("name", "pk")


@competitors_router.get("/{competitor_id}", response={200: CompetitorOut, **READ_ERRORS}, summary="Get a competitor")
def get_competitor(request: AuthenticatedHttpRequest, competitor_id: int) -> Any:
    return get_visible_child(Competitor.objects.all(), competitor_id)


@competitors_router.post("/", response={201: CompetitorOut, **WRITE_ERRORS}, summary="Create a competitor")
def create_competitor(request: AuthenticatedHttpRequest, payload: CompetitorIn) -> Any:
    if Competitor.objects.filter(name__iexact=payload.name.strip()).exists():
        from django.core.exceptions import ValidationError

        raise ValidationError({"name": [_("A competitor with this name exists already.")]})
    competitor = services.competitor_create(actor=request.user, **payload.dict())
    return Status(201, competitor)


@competitors_router.patch(
    "/{competitor_id}", response={200: CompetitorOut, **UPDATE_ERRORS}, summary="Update a competitor"
)
def update_competitor(request: AuthenticatedHttpRequest, competitor_id: int, payload: CompetitorPatch) -> Any:
    competitor = get_visible_child(Competitor.objects.all(), competitor_id)
    values = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None and k != "version"}
    return services.competitor_update(
        actor=request.user,
        competitor=competitor,
        expected_version=payload.version,
        **values,
    )
