"""Optimistic locking: a save is refused when somebody else changed the record since it was read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models, router, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from presales.core.history import attribute_change
from presales.core.models import BaseModel

Versioned = TypeVar("Versioned", bound=BaseModel)
Record = TypeVar("Record", bound=models.Model)


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


def loaded_relations(instance: models.Model, unchanged: frozenset[str] | set[str] = frozenset()) -> set[str]:
    """Foreign keys whose target needs no existence query: the related object was passed in already saved, or (for
    `unchanged` names) the value was just read from the database, whose foreign-key constraint vouches for it."""
    names = set()
    for field in instance._meta.concrete_fields:
        if not field.many_to_one or field.remote_field.limit_choices_to or field.validators:  # type: ignore[union-attr]
            continue
        value = getattr(instance, field.attname)
        if value is None:
            continue  # nothing to look up; the null/blank check stays
        if field.name in unchanged:
            names.add(field.name)
            continue
        if field.is_cached(instance):  # type: ignore[attr-defined]
            related = field.get_cached_value(instance)  # type: ignore[attr-defined]
            target = field.target_field.attname  # type: ignore[attr-defined]
            if related is not None and not related._state.adding and getattr(related, target, None) == value:
                names.add(field.name)
    return names


def _constraint_fields(model: type[models.Model], constraint: Any) -> set[str] | None:
    """The field names a constraint reads, or None when that cannot be told (expressions)."""
    names: set[str] = set()
    if getattr(constraint, "expressions", None):
        return None
    names.update(getattr(constraint, "fields", ()) or ())
    condition = getattr(constraint, "condition", None)
    if condition is not None:
        if not isinstance(condition, Q):
            return None
        names.update(condition.referenced_base_fields)
    result = set()
    for name in names:
        try:
            result.add(model._meta.get_field(name).name)
        except FieldDoesNotExist:
            return None
    return result


def _validate_constraints_on(instance: models.Model, changed: set[str], exclude: set[str]) -> None:
    """Model.validate_constraints, for the constraints that read a changed field (the row satisfied the others)."""
    using = router.db_for_write(type(instance), instance=instance)
    errors: dict[str, Any] = {}
    for model_class, constraints in instance.get_constraints():
        for constraint in constraints:
            fields = _constraint_fields(model_class, constraint)
            if fields is not None and not fields & changed:
                continue
            try:
                constraint.validate(model_class, instance, exclude=exclude, using=using)  # type: ignore[attr-defined]
            except ValidationError as error:
                if getattr(error, "code", None) == "unique" and len(getattr(constraint, "fields", ())) == 1:
                    errors.setdefault(constraint.fields[0], []).append(error)  # type: ignore[attr-defined]
                else:
                    errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def full_clean(
    instance: models.Model, *, unchanged: frozenset[str] | set[str] = frozenset(), changed: set[str] | None = None
) -> None:
    """`instance.full_clean()` without a query per foreign key whose related object is known to exist.

    Everything else is validated as Django does (field values, `clean()`, unique checks and constraints, including
    those on the skipped foreign keys); only the per-field existence lookup of `loaded_relations` is left out.
    With `changed` (an update of a row read from the database), only the constraints that read one of those fields
    are checked: each check is a query, and the row as stored already satisfied the others.
    """
    trusted = loaded_relations(instance, unchanged)
    errors: dict[str, Any] = {}
    try:
        instance.clean_fields(exclude=trusted)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    try:
        instance.clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    # As Model.full_clean: unique checks and constraints only for the fields that passed validation.
    failed = {name for name in errors if name != NON_FIELD_ERRORS}
    try:
        instance.validate_unique(exclude=failed)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    failed = {name for name in errors if name != NON_FIELD_ERRORS}
    try:
        if changed is None:
            instance.validate_constraints(exclude=failed)
        else:
            _validate_constraints_on(instance, changed, failed)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def save_checked(
    instance: Record, *, actor: Any = None, reason: str = "", update_fields: Iterable[str] | None = None
) -> Record:
    """Validate `instance` (with `full_clean` above: a ValidationError saves nothing), name `actor` in its history,
    save it and return it: how services write a record they built, `return save_checked(Tender(...), actor=actor)`."""
    full_clean(instance)
    attribute_change(instance, actor=actor, reason=reason)
    instance.save(update_fields=update_fields)
    return instance


def upsert_row(model: type[Versioned], *, key: dict[str, Any], values: dict[str, Any], actor: Any = None) -> Versioned:
    """The one row of `model` matching `key`, locked, set to `values`: created when missing; otherwise the values that
    differ are saved with a version step (nothing is written when none differs). Both name `actor` in the history."""
    row = model._default_manager.select_for_update().filter(**key).first()
    if row is None:
        row = model(**key, **values)
        attribute_change(row, actor=actor)
        row.save()
        return row
    changed = {name: value for name, value in values.items() if getattr(row, name) != value}
    return save_changes(row, changed, actor=actor) if changed else row


def save_changes(row: Versioned, changes: dict[str, Any], *, actor: Any = None, reason: str = "") -> Versioned:
    """Set `changes` on `row` and save just those fields with a version step, naming `actor` (and `reason`) in the
    history: a change a service decided on, with no version of the person's to check (see save_with_version_check)."""
    for name, value in changes.items():
        setattr(row, name, value)
    row.version += 1
    attribute_change(row, actor=actor, reason=reason)
    row.save(update_fields=[*changes, "version", "updated_at"])
    return row


@transaction.atomic
def save_with_version_check(
    instance: Versioned,
    *,
    changes: dict[str, Any],
    expected_version: int | None,
    actor: Any = None,
    reason: str = "",
) -> Versioned:
    """Apply `changes` to `instance` if nobody saved it since `expected_version`; validate; save.

    The row is re-read under a lock (SELECT ... FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE
    transaction already serialises writers), so two concurrent saves cannot both pass the check.
    """
    model = type(instance)
    current = model._default_manager.select_for_update().get(pk=instance.pk)
    if expected_version is not None and current.version != expected_version:
        field_changes, changed_by = _changes_since(current, expected_version, list(changes))
        raise ConcurrentEditError(current, field_changes, changed_by)
    changed = {model._meta.get_field(name).name for name in changes}
    for name, value in changes.items():
        setattr(current, name, value)
    # Foreign keys not in `changes` come from the row just read under the lock: no need to look them up again.
    unchanged = {f.name for f in model._meta.concrete_fields if f.many_to_one and f.name not in changed}
    full_clean(current, unchanged=unchanged, changed=changed)
    current.version += 1
    attribute_change(current, actor=actor, reason=reason)
    update_fields = list(changed | {"version", "updated_at"})
    current.save(update_fields=update_fields)
    return current


def raise_as_validation_error(error: ConcurrentEditError) -> None:
    """Turn a conflict into a form-level validation error (the typed values stay in the form)."""
    raise ValidationError(error.message, code="conflict")
