"""Turn django-simple-history records into a readable audit trail: who, when, before, after."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

HIDDEN_FIELDS = {"version", "updated_at", "created_at", "id", "password", "last_login"}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    date: datetime
    user: Any
    action: str
    changes: list[Change] = field(default_factory=list)


def attribute_change(instance: models.Model, *, actor: Any = None, reason: str = "") -> None:
    """Say who makes the next save or delete of `instance` (and why): simple_history writes both on the history row.

    Services call this before saving, so the audit trail names the person even where no request is around (imports,
    reminders, the demo data).
    """
    if actor is not None:
        instance._history_user = actor  # type: ignore[attr-defined]  # read by simple_history's HistoricalRecords
    if reason:
        instance._change_reason = reason  # type: ignore[attr-defined]  # read by simple_history's HistoricalRecords


def _display(record: Any, field_obj: models.Field, related_names: dict[tuple[str, Any], str]) -> str:
    value = getattr(record, field_obj.attname)
    if value is None or value == "":
        return "—"
    if field_obj.choices:
        return str(dict(field_obj.flatchoices).get(value, value))
    if field_obj.is_relation:
        return related_names.get((field_obj.name, value), f"#{value}")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def history_entries(instance: models.Model, limit: int = 50) -> list[Entry]:
    """The newest `limit` changes of one record, with field-by-field differences (a fixed number of queries)."""
    history = instance.history  # type: ignore[attr-defined]  # added by simple_history's HistoricalRecords
    records = list(history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    model = type(instance)
    # Only the fields the history keeps (a model may exclude some, such as a secret's hash).
    kept = {f.attname for f in history.model._meta.concrete_fields}
    fields = [f for f in model._meta.concrete_fields if f.name not in HIDDEN_FIELDS and f.attname in kept]
    # Resolve every related id that appears in these records with one query per related model.
    related_names: dict[tuple[str, Any], str] = {}
    for f in fields:
        if not f.is_relation:
            continue
        ids = {getattr(r, f.attname) for r in records} - {None}
        if ids:
            related_model = f.related_model
            for obj in related_model._default_manager.filter(pk__in=ids):  # type: ignore[union-attr]
                related_names[(f.name, obj.pk)] = str(obj)
    actions = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
    entries = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            for f in fields:
                if getattr(record, f.attname) != getattr(previous, f.attname):
                    changes.append(
                        Change(
                            str(f.verbose_name),
                            _display(previous, f, related_names),
                            _display(record, f, related_names),
                        )
                    )
            if not changes:
                continue
        entries.append(
            Entry(record.history_date, record.history_user, str(actions.get(record.history_type, "")), changes)
        )
    return entries
