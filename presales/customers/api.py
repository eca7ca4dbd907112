"""REST API for accounts and contacts: the same FilterSets, services and visibility as the pages.

Accounts are not deleted through the API (there is no delete service: an account carries deals and
history); contacts can be deleted by whoever may edit the account's stakeholders.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

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
from presales.customers import services
from presales.customers.filters import AccountFilterSet, ContactFilterSet, with_open_deals
from presales.customers.models import Account, Attitude, Contact, DecisionRole, Industry, Level, Region
from presales.people.models import User
from presales.people.typing import AuthenticatedHttpRequest

accounts_router = Router(tags=["accounts"])
contacts_router = Router(tags=["contacts"])


# --- Accounts ---------------------------------------------------------------------------------------


class AccountOut(VersionedOut):
    id: int
    name: str
    short_name: str
    industry: str
    region: str
    city: str
    is_key_account: bool
    owner: UserRef
    team: TeamRef | None
    website: str
    address: str
    notes: str
    external_id: str
    open_deal_count: int = Field(0, description="Open deals at this account that the caller can see.")
    open_pipeline: Decimal = Field(Decimal(0), description="Their total amount.")


class AccountIn(InputSchema):
    name: SafeStr = text(..., min_length=1)
    short_name: SafeStr = text(max_length=100)
    industry: Industry
    region: Region
    city: SafeStr = text(max_length=100)
    is_key_account: bool = False
    owner_id: Id | None = Field(None, description="Defaults to the caller.")
    website: SafeStr = text()
    address: SafeStr = text(max_length=300)
    notes: SafeStr = text(max_length=20_000)
    external_id: SafeStr = text(max_length=100)


class AccountPatch(InputSchema):
    version: int = Field(..., ge=0, description="The version you read; a stale one gets 409 and nothing is saved.")
    name: SafeStr | None = text(None, min_length=1)
    short_name: SafeStr | None = text(None, max_length=100)
    industry: Industry | None = None
    region: Region | None = None
    city: SafeStr | None = text(None, max_length=100)
    is_key_account: bool | None = None
    owner_id: Id | None = None
    website: SafeStr | None = text(None)
    address: SafeStr | None = text(None, max_length=300)
    notes: SafeStr | None = text(None, max_length=20_000)
    external_id: SafeStr | None = text(None, max_length=100)


def _accounts(request: AuthenticatedHttpRequest) -> Any:
    return with_open_deals(Account.objects.visible_to(request.user), request.user).select_related("owner", "team")


def _account_values(payload: Schema) -> dict[str, Any]:
    values = payload.dict(exclude_unset=True)
    values.pop("version", None)
    # Sending null for a field that has no "empty" simply leaves it alone.
    values = {name: value for name, value in values.items() if value is not None or name == "owner_id"}
    if "owner_id" in values:
        owner_id = values.pop("owner_id")
        if owner_id is not None:
            values["owner"] = resolve(
                User.objects.filter(is_active=True), owner_id, "owner_id", _("Choose an active person.")
            )
    return values


@list_endpoint(accounts_router, AccountFilterSet, AccountOut, summary="List accounts")
def list_accounts(request: AuthenticatedHttpRequest) -> Any:
    """Accounts the caller can see, filtered and sorted like the account list page."""
    return _accounts(request)


@accounts_router.get("/{account_id}", response={200: AccountOut, **READ_ERRORS}, summary="Get an account")
def get_account(request: AuthenticatedHttpRequest, account_id: int) -> Any:
    return get_visible(_accounts(request), request, account_id)


@accounts_router.post("/", response={201: AccountOut, **WRITE_ERRORS}, summary="Create an account")
def create_account(request: AuthenticatedHttpRequest, payload: AccountIn) -> Any:
    """Sales, sales managers, presales managers and admins create accounts; the team follows the owner."""
    account = services.account_create(actor=request.user, **_account_values(payload))
    return Status(201, get_visible(_accounts(request), request, account.pk))


@accounts_router.patch("/{account_id}", response={200: AccountOut, **UPDATE_ERRORS}, summary="Update an account")
def update_account(request: AuthenticatedHttpRequest, account_id: int, payload: AccountPatch) -> Any:
    """The owner, a manager over the account's team, or an admin; send the `version` you read."""
    account = get_visible(Account.objects.all(), request, account_id)
    services.account_update(
        actor=request.user,
        account=account,
        expected_version=payload.version,
        **_account_values(payload),
    )
    return get_visible(_accounts(request), request, account_id)


# --- Contacts ---------------------------------------------------------------------------------------


class AccountRef(Schema):
    id: int
    name: str


class ContactOut(VersionedOut):
    id: int
    account: AccountRef
    name: str
    title: str
    department: str
    level: str
    decision_role: str
    attitude: str
    influence: int
    reports_to_id: int | None
    phone: str
    email: str
    notes: str
    external_id: str


class ContactIn(InputSchema):
    account_id: Id
    name: SafeStr = text(..., min_length=1, max_length=100)
    title: SafeStr = text(max_length=100)
    department: SafeStr = text(max_length=100)
    level: Level = Level.STAFF
    decision_role: DecisionRole = DecisionRole.USER
    attitude: Attitude = Attitude.UNKNOWN
    influence: int = Field(3, ge=1, le=5)
    reports_to_id: Id | None = Field(None, description="Another contact at the same account.")
    phone: SafeStr = text(max_length=40)
    email: SafeStr | None = text(None, max_length=254)
    notes: SafeStr = text(max_length=20_000)
    external_id: SafeStr = text(max_length=100)


class ContactPatch(InputSchema):
    version: int = Field(..., ge=0, description="The version you read; a stale one gets 409 and nothing is saved.")
    name: SafeStr | None = text(None, min_length=1, max_length=100)
    title: SafeStr | None = text(None, max_length=100)
    department: SafeStr | None = text(None, max_length=100)
    level: Level | None = None
    decision_role: DecisionRole | None = None
    attitude: Attitude | None = None
    influence: int | None = Field(None, ge=1, le=5)
    reports_to_id: Id | None = Field(None, description="null takes the contact out of the reporting line.")
    phone: SafeStr | None = text(None, max_length=40)
    email: SafeStr | None = text(None, max_length=254)
    notes: SafeStr | None = text(None, max_length=20_000)
    external_id: SafeStr | None = text(None, max_length=100)


def _contacts(request: AuthenticatedHttpRequest) -> Any:
    return Contact.objects.visible_to(request.user).select_related("account")


def _contact_values(payload: Schema, account: Account) -> dict[str, Any]:
    values = payload.dict(exclude_unset=True)
    for name in ("version", "account_id"):
        values.pop(name, None)
    values = {name: value for name, value in values.items() if value is not None or name in ("reports_to_id", "email")}
    if "email" in values:
        values["email"] = values["email"] or ""
    if "reports_to_id" in values:
        values["reports_to"] = resolve(
            Contact.objects.filter(account=account),
            values.pop("reports_to_id"),
            "reports_to_id",
            _("Choose someone at the same account."),
        )
    return values


@list_endpoint(contacts_router, ContactFilterSet, ContactOut, summary="List contacts")
def list_contacts(request: AuthenticatedHttpRequest) -> Any:
    """Stakeholders at accounts the caller can see, filtered and sorted like the contact list page."""
    return _contacts(request)


@contacts_router.get("/{contact_id}", response={200: ContactOut, **READ_ERRORS}, summary="Get a contact")
def get_contact(request: AuthenticatedHttpRequest, contact_id: int) -> Any:
    return get_visible(_contacts(request), request, contact_id)


@contacts_router.post("/", response={201: ContactOut, **WRITE_ERRORS}, summary="Create a contact")
def create_contact(request: AuthenticatedHttpRequest, payload: ContactIn) -> Any:
    """Add a stakeholder to an account the caller can see (sales and presales roles)."""
    account = resolve(
        Account.objects.visible_to(request.user), payload.account_id, "account_id", _("Choose an account you can see.")
    )
    contact = services.contact_create(actor=request.user, account=account, **_contact_values(payload, account))
    return Status(201, get_visible(_contacts(request), request, contact.pk))


@contacts_router.patch("/{contact_id}", response={200: ContactOut, **UPDATE_ERRORS}, summary="Update a contact")
def update_contact(request: AuthenticatedHttpRequest, contact_id: int, payload: ContactPatch) -> Any:
    contact = get_visible(_contacts(request), request, contact_id)
    services.contact_update(
        actor=request.user,
        contact=contact,
        expected_version=payload.version,
        **_contact_values(payload, contact.account),
    )
    return get_visible(_contacts(request), request, contact_id)


@contacts_router.delete("/{contact_id}", response={204: None, **WRITE_ERRORS}, summary="Delete a contact")
def delete_contact(request: AuthenticatedHttpRequest, contact_id: int) -> Any:
    """Whoever may edit the account's stakeholders; their direct reports move up one level."""
    contact = get_visible(_contacts(request), request, contact_id)
    services.contact_delete(actor=request.user, contact=contact)
    return Status(204, None)
