"""Inserting many new rows, and their "created" history rows, without Django's per-value preparation.

`bulk_create_with_history` prepares every value of every row through the fields (and builds a historical model
instance per row); for the import's bulk path (100,000 deals with 2.4 million checklist steps) that preparation
was most of the time. Here a model's INSERT is laid out once (`Layout`: columns, constants, one converter per
column, `None` where the value goes to the database as it is) and the rows are plain tuples. Values of other field
types still go through the field's `get_db_prep_save`, as bulk_create does; the database checks foreign keys and
constraints. Callers validate the records first (full_clean), exactly as before a bulk_create.

`create_with_history` is the drop-in for `bulk_create_with_history(objs, model, default_user=actor)`: the same
rows, the same history rows (type "+", history_user = actor, the change reason set on the object), primary keys set
on the objects (one multi-row INSERT ... RETURNING per chunk, as bulk_create does on SQLite and PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connections, models, router
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, get_change_reason_from_object

# At most this many rows in one multi-row INSERT (fewer when the database allows fewer parameters).
MAX_ROWS_PER_INSERT = 500
EXECUTEMANY_CHUNK = 5000


def fast_converter(field: Any, connection: Any) -> Any:
    """How a value of this field becomes a query parameter: None when it is passed as it is (ids, text, numbers,
    booleans), the backend's adapter for dates and times, the field's own preparation otherwise."""
    if isinstance(
        field, (models.ForeignKey, models.IntegerField, models.CharField, models.TextField, models.BooleanField)
    ):
        return None
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    return lambda value: field.get_db_prep_save(value, connection)


def _needs_pre_save(field: Any) -> bool:
    """auto_now / auto_now_add dates and other fields whose value is decided at save time."""
    if isinstance(field, models.DateField):
        return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))
    return type(field).pre_save is not models.Field.pre_save


class Layout:
    """One model's INSERT: its columns (an auto-increment primary key left to the database), converters and SQL."""

    def __init__(self, model: Any, *, using: str | None = None):
        self.model = model
        self.connection = connections[using or router.db_for_write(model)]
        self.fields = [f for f in model._meta.concrete_fields if not (f.primary_key and isinstance(f, AutoFieldMixin))]
        self.index = {f.attname: i for i, f in enumerate(self.fields)}
        self.converters = [fast_converter(f, self.connection) for f in self.fields]
        quote = self.connection.ops.quote_name
        self.table = quote(model._meta.db_table)
        self.columns = ", ".join(quote(f.column) for f in self.fields)
        self.marks = "(" + ", ".join(["%s"] * len(self.fields)) + ")"

    def prepare(self, values: Sequence[Any]) -> tuple:
        """Python values in column order -> query parameters."""
        return tuple(
            value if convert is None or value is None else convert(value)
            for value, convert in zip(values, self.converters, strict=True)
        )

    def prepare_one(self, attname: str, value: Any) -> Any:
        convert = self.converters[self.index[attname]]
        return value if convert is None or value is None else convert(value)

    def defaults(self) -> list[Any]:
        """Every column's default, prepared: the template a row starts from."""
        return [f.get_db_prep_save(f.get_default(), self.connection) for f in self.fields]

    def executemany(self, rows: Sequence[tuple]) -> None:
        # Table and column names from the model's metadata, quoted; every value is a parameter.
        sql = f"INSERT INTO {self.table} ({self.columns}) VALUES {self.marks}"  # noqa: S608
        with self.connection.cursor() as cursor:
            for start in range(0, len(rows), EXECUTEMANY_CHUNK):
                cursor.executemany(sql, rows[start : start + EXECUTEMANY_CHUNK])

    def rows_per_insert(self) -> int:
        limit = self.connection.features.max_query_params
        if self.connection.vendor == "sqlite":
            import sqlite3

            self.connection.ensure_connection()
            limit = self.connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        if limit is None:
            return MAX_ROWS_PER_INSERT
        return max(1, min(MAX_ROWS_PER_INSERT, limit // len(self.fields)))

    def insert_returning_pks(self, rows: Sequence[tuple]) -> list[Any]:
        """Insert the rows with multi-row INSERT ... RETURNING; their primary keys in the rows' order."""
        pk_column = self.connection.ops.quote_name(self.model._meta.pk.column)
        per_insert = self.rows_per_insert()
        pks: list[Any] = []
        with self.connection.cursor() as cursor:
            for start in range(0, len(rows), per_insert):
                chunk = rows[start : start + per_insert]
                values = ", ".join([self.marks] * len(chunk))
                sql = f"INSERT INTO {self.table} ({self.columns}) VALUES {values} RETURNING {pk_column}"  # noqa: S608
                cursor.execute(sql, [value for row in chunk for value in row])
                pks.extend(pk for (pk,) in cursor.fetchall())
        return pks


class RowBuilder:
    """New rows of a model as query parameters, built from the values that differ from the defaults, with no model
    instance per row: for generated rows by the hundred thousand (the demo's deal steps), where building the
    instances cost more than inserting them. auto_now dates take `now`; the database checks constraints."""

    def __init__(self, model: Any, *, now: Any):
        self.layout = Layout(model)
        self.template = self.layout.defaults()
        for position, f in enumerate(self.layout.fields):
            if isinstance(f, models.DateField) and _needs_pre_save(f):
                self.template[position] = self.layout.prepare_one(f.attname, now)

    def row(self, values: dict[str, Any]) -> tuple:
        row = self.template.copy()
        index, prepare = self.layout.index, self.layout.prepare_one
        for name, value in values.items():
            row[index[name]] = prepare(name, value)
        return tuple(row)

    def insert(self, rows: Sequence[tuple]) -> None:
        self.layout.executemany(rows)


@contextmanager
def indexes_deferred(*models_: Any, using: str | None = None) -> Iterator[None]:
    """Drop the plain (non-unique) indexes of the models' tables, and build them again on the way out, failing or
    not: for loading rows by the million into new tables (the demo's bulk sizes), where keeping every index up to
    date row by row costs more than building it once from the loaded rows. Unique indexes and the indexes behind
    constraints stay, so the database still refuses what it would refuse."""
    connection = connections[using or router.db_for_write(models_[0])]
    statements: list[tuple[str, str]] = []
    with connection.cursor() as cursor:
        for model in models_:
            table = model._meta.db_table
            if connection.vendor == "sqlite":
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL "
                    "AND sql NOT LIKE 'CREATE UNIQUE%%'",
                    [table],
                )
            elif connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
                    "AND i.indexdef NOT LIKE 'CREATE UNIQUE%%' AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                    "WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)",
                    [table],
                )
            else:
                continue
            statements.extend(cursor.fetchall())
        for name, _sql in statements:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        if statements and connection.vendor == "postgresql" and connection.in_atomic_block:
            # PostgreSQL refuses CREATE INDEX on a table with deferred foreign-key checks pending in this
            # transaction: run them now (as at commit; a broken reference fails here) and defer again.
            connection.check_constraints()
        with connection.cursor() as cursor:
            for _name, sql in statements:
                cursor.execute(sql)


def history_enabled() -> bool:
    return getattr(settings, "SIMPLE_HISTORY_ENABLED", True)


class HistoryLayout(Layout):
    """The "created" history row of a model's records: the tracked fields' values, then who, when and why."""

    def __init__(self, model: Any, *, actor: Any, now: Any, using: str | None = None):
        self.history_model = model.history.model
        super().__init__(self.history_model, using=using)
        tracked = {f.attname for f in self.history_model.tracked_fields}
        self.template = self.defaults()
        constants = {
            "history_date": now,
            "history_type": "+",
            "history_user_id": actor.pk if actor is not None else None,
            "history_change_reason": None,
        }
        for name, value in constants.items():
            if name in self.index:
                self.template[self.index[name]] = self.prepare_one(name, value)
        self.reason_index = self.index.get("history_change_reason")
        self.relation_index = self.index.get("history_relation_id")
        # (position in this row, position in the record's row or None for its primary key)
        self.tracked_positions = [(self.index[name], name) for name in tracked if name in self.index]

    def from_record(self, record_values: dict[str, Any]) -> list[Any]:
        row = self.template.copy()
        for position, name in self.tracked_positions:
            row[position] = record_values[name]
        return row


def insert_objects(objs: Sequence[models.Model], model: Any, *, set_pks: bool = True) -> list[tuple]:
    """`model.objects.bulk_create(objs)` for new, validated records, without Django compiling every value: the rows
    as `Layout` lays them out (auto_now dates set on the objects as bulk_create does), returned in column order.

    With `set_pks` each object gets its primary key (multi-row INSERT ... RETURNING); without, the rows go in with
    `executemany`, the fastest way, for records nothing refers to afterwards. Falls back to bulk_create on a database
    that cannot return keys from a multi-row insert."""
    if not objs:
        return []
    layout = Layout(model)
    columns = [
        (f.attname, f, _needs_pre_save(f), convert) for f, convert in zip(layout.fields, layout.converters, strict=True)
    ]
    rows = []
    for obj in objs:
        values = []
        for attname, f, pre_save, convert in columns:
            value = f.pre_save(obj, True) if pre_save else getattr(obj, attname)
            values.append(value if convert is None or value is None else convert(value))
        rows.append(tuple(values))
    if not set_pks:
        layout.executemany(rows)
        return rows
    if not layout.connection.features.can_return_rows_from_bulk_insert:
        model.objects.bulk_create(objs)
        return rows
    pks = layout.insert_returning_pks(rows)
    pk_attname = model._meta.pk.attname
    for obj, pk in zip(objs, pks, strict=True):
        setattr(obj, pk_attname, pk)
        obj._state.adding = False
        obj._state.db = layout.connection.alias
    return rows


def create_with_history(objs: Sequence[models.Model], model: Any, *, actor: Any, now: Any = None) -> None:
    """`bulk_create_with_history(objs, model, default_user=actor)` for new, validated records, faster.

    Sets each object's primary key (and auto_now dates) as bulk_create does. Falls back to bulk_create_with_history
    on a database that cannot return keys from a multi-row insert."""
    if not objs:
        return
    layout = Layout(model)
    if not layout.connection.features.can_return_rows_from_bulk_insert:
        bulk_create_with_history(objs, model, default_user=actor, default_date=now)
        return
    now = now or timezone.now()
    rows = insert_objects(objs, model)
    if not history_enabled():
        return
    history = HistoryLayout(model, actor=actor, now=now)
    history_rows = []
    names = [f.attname for f in layout.fields]
    pk_attname = model._meta.pk.attname
    user_index, date_index = history.index.get("history_user_id"), history.index.get("history_date")
    for obj, row in zip(objs, rows, strict=True):
        record = dict(zip(names, row, strict=True))
        record[pk_attname] = obj.pk
        values = history.from_record(record)
        # Who and when for this record, where the object says (as simple_history reads them): attribute_change's
        # `_history_user`, a `_history_date`.
        user = getattr(obj, "_history_user", None)
        if user is not None and user_index is not None:
            values[user_index] = user.pk
        moment = getattr(obj, "_history_date", None)
        if moment is not None and date_index is not None:
            values[date_index] = history.prepare_one("history_date", moment)
        reason = get_change_reason_from_object(obj)
        if reason and history.reason_index is not None:
            values[history.reason_index] = reason
        if history.relation_index is not None:
            values[history.relation_index] = obj.pk
        history_rows.append(tuple(values))
    history.executemany(history_rows)


def history_from_table(
    model: Any, *, column: str, values: Sequence[Any], actor: Any, now: Any, using: str | None = None
) -> None:
    """The "created" history rows of the records of `model` whose `column` is one of `values`, written by the
    database from the rows just inserted (`INSERT INTO history (...) SELECT ... FROM table WHERE ...`), in the
    records' id order: the same rows as HistoryLayout would build in Python, without reading the records back
    or sending every value again. For records inserted in bulk (the import's checklist steps): the tracked
    columns are copied, history_date, history_type "+", history_user (actor) and the rest of the history
    columns take the same values as in `create_with_history` (no change reason)."""
    if not values or not history_enabled():
        return
    history = HistoryLayout(model, actor=actor, now=now, using=using)
    connection = history.connection
    quote = connection.ops.quote_name
    tracked = {name for _position, name in history.tracked_positions}
    source_columns = {f.attname: f.column for f in model._meta.concrete_fields}
    selected, constants = [], []
    for position, field in enumerate(history.fields):
        if field.attname in tracked:
            selected.append(quote(source_columns[field.attname]))
        elif field.attname == "history_relation_id":  # as create_with_history: the record's own id
            selected.append(quote(model._meta.pk.column))
        elif connection.vendor == "postgresql":
            # A bare parameter in a SELECT list has no type on PostgreSQL: say which.
            selected.append(f"CAST(%s AS {field.cast_db_type(connection)})")
            constants.append(history.template[position])
        else:
            selected.append("%s")
            constants.append(history.template[position])
    table, pk_column = quote(model._meta.db_table), quote(model._meta.pk.column)
    # Parameters per statement: the constants and one per value, within the database's limit.
    per_statement = max(1, min(2000, history.rows_per_insert() * len(history.fields) - len(constants)))
    with connection.cursor() as cursor:
        for start in range(0, len(values), per_statement):
            chunk = values[start : start + per_statement]
            marks = ", ".join(["%s"] * len(chunk))
            # Table and column names from the models' metadata, quoted; every value is a parameter.
            sql = (
                f"INSERT INTO {history.table} ({history.columns}) SELECT {', '.join(selected)} "  # noqa: S608
                f"FROM {table} WHERE {quote(column)} IN ({marks}) ORDER BY {pk_column}"
            )
            cursor.execute(sql, [*constants, *chunk])
