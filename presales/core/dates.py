"""Date expressions the database computes itself on SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any

from django.db.models import DateField, Func


class WeekStart(Func):
    """The Monday of a date's week, as a date (what `day - timedelta(days=day.weekday())` gives in Python).

    Django's TruncWeek does the same, but on SQLite it calls back into Python once per row; grouping tens of
    thousands of rows by week cost more than the query. Here SQLite computes it with its own date functions: the
    Sunday on or after the date ("weekday 0"), less six days.
    """

    output_field = DateField()
    arity = 1

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="date(%(expressions)s, 'weekday 0', '-6 days')", **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="(date_trunc('week', (%(expressions)s)::timestamp))::date", **extra
        )
