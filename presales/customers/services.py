"""Writes for accounts and contacts: every page, API call, import and the demo data goes through here."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from presales import access
from presales.core.concurrency import save_checked, save_with_version_check
from presales.core.history import attribute_change, delete_with_history
from presales.customers.models import Account, AccountMerge, Contact
from presales.customers.names import split_aliases
from presales.customers.selectors import account_relations
from presales.people.models import User

# The fields the services change, in the order the pages' forms show them.
ACCOUNT_FIELDS = (
    "name",
    "name_en",
    "short_name",
    "aliases",
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
    save_checked(account, actor=actor)
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
    return save_checked(Contact(account=account, **_pick(data, CONTACT_FIELDS)), actor=actor)


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
    delete_with_history(contact, actor=actor)


# --- Merging two accounts (客户合并) ----------------------------------------------------------------------------------

# Fields the kept account takes from the merged one when its own are empty.
MERGE_FILL_FIELDS = ("name_en", "short_name", "city", "website", "address")


def _merged_aliases(survivor: Account, merged: Account) -> str:
    """The kept account's aliases plus every name of the merged one, so searching the old name finds it."""
    names = split_aliases(survivor.aliases)
    taken = {n.casefold() for n in (survivor.name, survivor.name_en, survivor.short_name, *names) if n}
    for name in merged.all_names():
        if name and name.casefold() not in taken:
            names.append(name)
            taken.add(name.casefold())
    text = ", ".join(names)
    limit = Account._meta.get_field("aliases").max_length or 300
    while len(text) > limit and names:  # keep what fits: the first names are the most established
        names.pop()
        text = ", ".join(names)
    return text


@transaction.atomic
def account_merge(*, actor: User, survivor: Account, merged: Account, reason: str = "") -> AccountMerge:
    """Make two accounts one: every row pointing at `merged` moves to `survivor` (with a history row each), the
    survivor keeps the merged account's names as aliases and fills its empty fields, `merged` is deleted (its
    history records the deletion and why), and an AccountMerge records it all. One transaction."""
    if not access.can_merge_accounts(actor):
        raise PermissionDenied
    if survivor.pk == merged.pk:
        raise ValidationError(_("Choose two different accounts."))
    # Lock both rows in a fixed order, so two merges of the same accounts cannot interleave.
    locked = {
        a.pk: a for a in Account.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk]).order_by("pk")
    }
    if len(locked) != 2:
        raise ValidationError(_("One of the accounts no longer exists."))
    survivor, merged = locked[survivor.pk], locked[merged.pk]
    why = reason.strip() or _("Merged “%(merged)s” into “%(kept)s”.") % {"merged": merged.name, "kept": survivor.name}
    moved: dict[str, int] = {}
    for relation in account_relations():
        model = cast(type[models.Model], relation.related_model)
        field_name = relation.field.name
        rows = list(model._default_manager.filter(**{field_name: merged}))
        if not rows:
            continue
        for row in rows:
            setattr(row, field_name, survivor)
        if hasattr(model, "history"):
            bulk_update_with_history(
                rows, model, [field_name], batch_size=500, default_user=actor, default_change_reason=why[:100]
            )
        else:
            model._default_manager.filter(pk__in=[row.pk for row in rows]).update(**{field_name: survivor})
        moved[model._meta.label_lower] = len(rows)
    changes: dict[str, Any] = {"aliases": _merged_aliases(survivor, merged)}
    for name in MERGE_FILL_FIELDS:
        if not getattr(survivor, name) and getattr(merged, name):
            changes[name] = getattr(merged, name)
    if merged.is_key_account and not survivor.is_key_account:
        changes["is_key_account"] = True
    record = AccountMerge.objects.create(
        survivor=survivor,
        merged_account_id=merged.pk,
        merged_name=merged.name,
        moved=moved,
        reason=reason.strip(),
        merged_by=actor,
    )
    save_with_version_check(survivor, changes=changes, expected_version=None, actor=actor, reason=why[:100])
    delete_with_history(merged, actor=actor, reason=why[:100])
    return record
