"""Turn django-simple-history records into a readable audit trail: who, when, before, after."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _

HIDDEN_FIELDS = {"version", "updated_at", "created_at", "id", "password", "last_login"}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    date: datetime.datetime
    user: Any
    action: str
    changes: list[Change] = field(default_factory=list)
    reason: str = ""
    subject: str = ""  # for a child row's entry shown in its parent's history (a POC's criterion): which row


# Reasons services give for a change, as codes (`attribute_change(..., reason="stage")`), and how a person reads them.
# The app that writes a code registers its label (lazily translated) with `register_reasons`; a reason nobody
# registered is text a person typed and is shown as it is.
REASON_LABELS: dict[str, Any] = {}


def register_reasons(labels: dict[str, Any]) -> None:
    """Say how the reason codes of one app read in the history (values: lazily translated strings). The codes are one
    namespace for every app: a code another app gave another meaning is refused."""
    for code, label in labels.items():
        known = REASON_LABELS.get(code)
        if known is not None and str(known) != str(label):
            raise ImproperlyConfigured(f"History reason {code!r} already reads {str(known)!r}: choose another code.")
    REASON_LABELS.update(labels)


def reason_label(reason: str) -> str:
    if not reason:
        return ""
    label = REASON_LABELS.get(reason)
    if label is not None:
        return str(label)
    # "code: what the person typed" (a gate passed with a reason): the code's label, then the person's words.
    code, sep, rest = reason.partition(": ")
    if sep and code in REASON_LABELS:
        return f"{REASON_LABELS[code]}: {rest}"
    return reason


def attribute_change(instance: models.Model, *, actor: Any = None, reason: str = "") -> None:
    """Say who makes the next save or delete of `instance` (and why): simple_history writes both on the history row.

    Services call this before saving, so the audit trail names the person even where no request is around (imports,
    reminders, the demo data).
    """
    if actor is not None:
        instance._history_user = actor  # type: ignore[attr-defined]  # read by simple_history's HistoricalRecords
    if reason:
        instance._change_reason = reason  # type: ignore[attr-defined]  # read by simple_history's HistoricalRecords


def save_with_history(instance: models.Model, *, actor: Any = None, reason: str = "") -> None:
    """Save `instance`, its history row naming `actor` (and `reason`)."""
    attribute_change(instance, actor=actor, reason=reason)
    instance.save()


def delete_with_history(instance: models.Model, *, actor: Any = None, reason: str = "") -> None:
    """Delete `instance`; the history keeps the row as it was, with `actor` (and `reason`) as who deleted it and why."""
    attribute_change(instance, actor=actor, reason=reason)
    instance.delete()


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
    if isinstance(value, datetime.datetime):
        # In the reader's time zone and language, as every other date and time on the page.
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def _entries(model: type[models.Model], records: list[Any], limit: int, subjects: dict[Any, str]) -> list[Entry]:
    """Entries for history records of `model` (newest first, possibly of several rows): each change is compared with
    the previous record of the same row."""
    # Only the fields the history keeps (a model may leave some out, e.g. a POC's hashed share token).
    kept = {f.attname for f in type(records[0])._meta.concrete_fields} if records else set()
    fields = [f for f in model._meta.concrete_fields if f.name not in HIDDEN_FIELDS and f.attname in kept]
    history_by_id = {record.history_id: record for record in records}
    actions = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
    # The record just before each one, of the same row (the list is newest first).
    row_id = model._meta.pk.attname  # a history record's own pk is history_id; the row's id is this field
    previous_of: dict[int, Any] = {}
    last_seen: dict[Any, Any] = {}
    for record in reversed(records):
        previous_of[record.history_id] = last_seen.get(getattr(record, row_id))
        last_seen[getattr(record, row_id)] = record
    # The fields each shown record changed; then the names of the related rows those changes show, with one query
    # per related model (a deal's owner and presales lead are both people: one query).
    changed: dict[int, list[models.Field]] = {}
    for record in records[:limit]:
        previous = previous_of.get(record.history_id)
        if previous is not None and record.history_type == "~":
            changed[record.history_id] = [
                f for f in fields if getattr(record, f.attname) != getattr(previous, f.attname)
            ]
    wanted: dict[Any, set[Any]] = defaultdict(set)
    for history_id, changed_fields in changed.items():
        for f in changed_fields:
            if f.is_relation:
                for record in (history_by_id[history_id], previous_of[history_id]):
                    if (value := getattr(record, f.attname)) is not None:
                        wanted[f.related_model].add(value)
    names_by_model = {
        related_model: {obj.pk: str(obj) for obj in related_model._default_manager.filter(pk__in=ids)}
        for related_model, ids in wanted.items()
    }
    related_names: dict[tuple[str, Any], str] = {
        (f.name, pk): name
        for f in fields
        if f.is_relation
        for pk, name in names_by_model.get(f.related_model, {}).items()
    }
    entries = []
    for record in records[:limit]:
        previous = previous_of.get(record.history_id)
        changes = []
        reason = reason_label(getattr(record, "history_change_reason", None) or "")
        if record.history_id in changed:
            for f in changed[record.history_id]:
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
            Entry(
                record.history_date,
                record.history_user,
                str(actions.get(record.history_type, "")),
                changes,
                reason=reason,
                subject=subjects.get(getattr(record, row_id), ""),
            )
        )
    return entries


def history_entries(instance: models.Model, limit: int = 50, *, children: Iterable[models.Model] = ()) -> list[Entry]:
    """The newest `limit` changes of one record, with field-by-field differences (a fixed number of queries).

    `children`: rows that belong to the record and have their own history (a POC's criteria and their results);
    their changes are merged in, each naming its row, at one more query per child model.
    """
    history = instance.history  # type: ignore[attr-defined]  # added by simple_history's HistoricalRecords
    records = list(history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    entries = _entries(type(instance), records, limit, {})
    by_model: dict[type[models.Model], list[models.Model]] = {}
    for child in children:
        by_model.setdefault(type(child), []).append(child)
    for model, rows in by_model.items():
        child_records = list(
            model.history.filter(id__in=[r.pk for r in rows])  # type: ignore[attr-defined]
            .select_related("history_user")
            .order_by("-history_date", "-history_id")[: limit * 2]
        )
        entries += _entries(model, child_records, limit, {r.pk: str(r) for r in rows})
    entries.sort(key=lambda e: e.date, reverse=True)
    return entries[:limit]
