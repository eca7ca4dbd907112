"""Optimistic locking: a save is refused when somebody else changed the record since it was read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _


@dataclass
class FieldChange:
    """One field that somebody else changed while you were editing."""

    field: str
    label: str
    theirs: str
    yours: str | None = None


class ConcurrentEditError(Exception):
    """Raised when the version a person edited is no longer the current one."""

    def __init__(self, instance: models.Model, changes: list[FieldChange], changed_by: Any = None):
        self.instance = instance
        self.changes = changes
        self.changed_by = changed_by
        super().__init__(self.message)

    @property
    def message(self) -> str:
        who = str(self.changed_by) if self.changed_by else _("someone else")
        if self.changes:
            fields = "; ".join(f"{c.label}: {c.theirs}" for c in self.changes)
            return _(
                "%(who)s changed this record while you were editing it (%(fields)s). Nothing was saved: review their changes, then save again."
            ) % {"who": who, "fields": fields}
        return _(
            "%(who)s changed this record while you were editing it. Nothing was saved: review their changes, then save again."
        ) % {"who": who}


def display_value(instance: models.Model, field_name: str) -> str:
    """How a field's value reads to a person (choice labels, related objects, blanks)."""
    field = instance._meta.get_field(field_name)
    if getattr(field, "choices", None):
        return str(getattr(instance, f"get_{field_name}_display")())
    value = getattr(instance, field_name)
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _changes_since(instance: models.Model, expected_version: int, fields: list[str]) -> tuple[list[FieldChange], Any]:
    """Fields that differ between the version the person started from and the current row."""
    history = getattr(instance, "history", None)
    if history is None:
        return [], None
    old = history.filter(version=expected_version).order_by("-history_date").first()
    latest = history.order_by("-history_date").first()
    changed_by = latest.history_user if latest is not None else None
    if old is None:
        return [], changed_by
    changes = []
    for name in fields:
        field = instance._meta.get_field(name)
        attname = field.attname  # type: ignore[union-attr]
        if getattr(old, attname, None) != getattr(instance, attname, None):
            changes.append(FieldChange(field=name, label=str(field.verbose_name), theirs=display_value(instance, name)))  # type: ignore[union-attr]
    return changes, changed_by


@transaction.atomic
def save_with_version_check(
    instance: models.Model,
    *,
    changes: dict[str, Any],
    expected_version: int | None,
    actor: Any = None,
    reason: str = "",
) -> models.Model:
    """Apply `changes` to `instance` if nobody saved it since `expected_version`; validate; save.

    The row is re-read under a lock (SELECT ... FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE
    transaction already serialises writers), so two concurrent saves cannot both pass the check.
    """
    model = type(instance)
    current = model._default_manager.select_for_update().get(pk=instance.pk)
    if expected_version is not None and current.version != expected_version:  # type: ignore[attr-defined]
        field_changes, changed_by = _changes_since(current, expected_version, list(changes))
        raise ConcurrentEditError(current, field_changes, changed_by)
    for name, value in changes.items():
        setattr(current, name, value)
    current.full_clean()
    current.version += 1  # type: ignore[attr-defined]
    if actor is not None:
        current._history_user = actor  # type: ignore[attr-defined]
    if reason:
        current._change_reason = reason  # type: ignore[attr-defined]
    update_fields = list({model._meta.get_field(n).name for n in changes} | {"version", "updated_at"})
    current.save(update_fields=update_fields)
    return current


def raise_as_validation_error(error: ConcurrentEditError) -> None:
    """Turn a conflict into a form-level validation error (the typed values stay in the form)."""
    raise ValidationError(error.message, code="conflict")
