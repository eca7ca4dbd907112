"""Writes for accounts and contacts: every page, API call, import and the demo data goes through here."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from presales import access
from presales.core.concurrency import full_clean, save_with_version_check
from presales.core.history import attribute_change
from presales.customers.models import Account, Contact
from presales.people.models import User

# The fields the services change, in the order the pages' forms show them.
ACCOUNT_FIELDS = (
    "name",
    "short_name",
    "industry",
    "region",
    "city",
    "owner",
    "website",
    "is_key_account",
    "address",
    "notes",
    "external_id",
)
CONTACT_FIELDS = (
    "name",
    "title",
    "department",
    "reports_to",
    "level",
    "decision_role",
    "attitude",
    "influence",
    "phone",
    "email",
    "notes",
    "external_id",
)


def _pick(data: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"Unknown fields: {', '.join(sorted(unknown))}")
    return dict(data)


@transaction.atomic
def account_create(*, actor: User, **data: Any) -> Account:
    """Create an account; its team is the owner's team (who can see it follows from that)."""
    if not access.can_create_account(actor):
        raise PermissionDenied
    values = _pick(data, ACCOUNT_FIELDS)
    values.setdefault("owner", actor)
    account = Account(**values)
    account.team_id = account.owner.team_id
    full_clean(account)
    attribute_change(account, actor=actor)
    account.save()
    return account


@transaction.atomic
def account_update(*, actor: User, account: Account, expected_version: int | None, **data: Any) -> Account:
    """Change an account unless somebody else saved it since `expected_version`."""
    if not access.can_edit_account(actor, account):
        raise PermissionDenied
    changes = _pick(data, ACCOUNT_FIELDS)
    if "owner" in changes:
        changes["team_id"] = changes["owner"].team_id
    return save_with_version_check(account, changes=changes, expected_version=expected_version, actor=actor)


@transaction.atomic
def contact_create(*, actor: User, account: Account, **data: Any) -> Contact:
    """Add a stakeholder to an account."""
    if not access.can_edit_contacts(actor, account):
        raise PermissionDenied
    contact = Contact(account=account, **_pick(data, CONTACT_FIELDS))
    full_clean(contact)
    attribute_change(contact, actor=actor)
    contact.save()
    return contact


@transaction.atomic
def contact_update(*, actor: User, contact: Contact, expected_version: int | None, **data: Any) -> Contact:
    """Change a stakeholder unless somebody else saved them since `expected_version`."""
    if not access.can_edit_contact(actor, contact):
        raise PermissionDenied
    changes = _pick(data, CONTACT_FIELDS)
    return save_with_version_check(contact, changes=changes, expected_version=expected_version, actor=actor)


@transaction.atomic
def contact_delete(*, actor: User, contact: Contact) -> None:
    """Remove a stakeholder; people who reported to them keep their place one level up."""
    if not access.can_edit_contact(actor, contact):
        raise PermissionDenied
    # Row by row, not .update() or the database's SET NULL: each change is in the history with who made it.
    for subordinate in Contact.objects.filter(reports_to=contact):
        subordinate.reports_to = contact.reports_to
        attribute_change(subordinate, actor=actor, reason=str(_("Reported to a removed contact")))
        subordinate.save(update_fields=["reports_to"])
    # Steps that named this contact as their answer (the reverse relation: the deals app sits above this one).
    for step in contact.deal_steps.all():
        step.answer_contact = None
        attribute_change(step, actor=actor, reason=str(_("The contact was removed")))
        step.save(update_fields=["answer_contact"])
    attribute_change(contact, actor=actor)
    contact.delete()
