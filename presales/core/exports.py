"""The one export mechanism for every list: CSV and XLSX of exactly the rows the list shows, streamed.

A list view passes the queryset it already filtered (its FilterSet over `visible_to(user)`), a list of `Column`s
and the requested format; `export_response` streams the rows in chunks so a list of 100,000 deals neither loads
into memory nor issues a query per row (give the queryset its `select_related`). Usage in a list view::

    if response := exports.export_if_requested(request, filterset.qs, COLUMNS, basename="accounts"):
        return response
"""

from __future__ import annotations

import csv
import datetime
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone, translation
from django.utils.translation import gettext as _

FORMATS = ("csv", "xlsx")
CHUNK_SIZE = 2000
# Spreadsheet programs run a cell that starts with one of these as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_NUMBER_FORMAT = "yyyy-mm-dd"
DATETIME_NUMBER_FORMAT = "yyyy-mm-dd hh:mm"
# Amounts and measures without a column format of their own: grouped, two decimals (a count stays "General").
DECIMAL_NUMBER_FORMAT = "#,##0.00"

# Where a column's value is in a row: a dotted path ("account.name") or a function of the row.
Accessor = str | Callable[[Any], Any]


def resolve(row: Any, accessor: Accessor, *, labels: bool = True) -> Any:
    """The value at `accessor` in `row`: a callable's result, or a dotted path through attributes and dict keys.

    A path ending in a field with choices gives the choice's label in the person's language (`labels=False`: the
    stored code).
    """
    if callable(accessor):
        return accessor(row)
    target = row
    parts = accessor.split(".")
    for index, part in enumerate(parts):
        if target is None:
            return None
        if isinstance(target, Mapping):
            target = target.get(part)
            continue
        if labels and index == len(parts) - 1 and isinstance(target, models.Model):
            display = getattr(target, f"get_{part}_display", None)
            if display is not None:
                return display()
        target = getattr(target, part)
        if callable(target) and not isinstance(target, models.Model):
            target = target()
    return target


@dataclass(frozen=True)
class Column:
    """One exported column: its header (translatable) and how to get the value from a row.

    `value` is a dotted path ("account.name", "stage.label") or a callable taking the row. A path ending in a
    field with choices gives the choice's label in the person's language. `number_format` is the spreadsheet's
    format for the cell (a string, or a function of the value); without it dates get a date format and decimal
    numbers a grouped one.
    A list page declares its columns once as a `core.tables.Table`, whose `export_columns()` gives these.
    """

    label: Any
    value: Accessor
    number_format: str | Callable[[Any], str | None] | None = None

    def get(self, row: Any) -> Any:
        return resolve(row, self.value)

    def format_for(self, value: Any) -> str | None:
        """The spreadsheet number format of one value of this column (None: the spreadsheet's default)."""
        if callable(self.number_format):
            return self.number_format(value)
        if self.number_format:
            return self.number_format
        if isinstance(value, datetime.datetime):
            return DATETIME_NUMBER_FORMAT
        if isinstance(value, datetime.date):
            return DATE_NUMBER_FORMAT
        if isinstance(value, Decimal | float):
            return DECIMAL_NUMBER_FORMAT
        return None


def requested_format(request: HttpRequest) -> str | None:
    """'csv' or 'xlsx' when the list was asked for a download (`?export=`), else None."""
    value = request.GET.get("export", "").lower()
    return value if value in FORMATS else None


def safe_text(text: str) -> str:
    """Text a spreadsheet shows as text: a leading formula character gets a quote in front."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def cell_value(value: Any) -> Any:
    """A value as a spreadsheet cell: numbers stay numbers, dates ISO, yes/no and labels translated."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, (int, float, Decimal)):
        return value
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return safe_text(str(value))


def spreadsheet_value(value: Any) -> Any:
    """A value as a typed spreadsheet cell: numbers and dates stay numbers and dates (date-times in the person's
    time zone, which a spreadsheet cannot store), yes/no and labels translated, text safe from formulas."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0, tzinfo=None)
    if isinstance(value, datetime.date):
        return value
    return cell_value(value)


def _source(queryset: Any) -> Iterable[Any]:
    return queryset.iterator(chunk_size=CHUNK_SIZE) if hasattr(queryset, "iterator") else queryset


def _rows(queryset: Any, columns: list[Column]) -> Iterator[list[Any]]:
    for row in _source(queryset):
        yield [cell_value(column.get(row)) for column in columns]


def _typed_rows(sheet: Any, queryset: Any, columns: list[Column]) -> Iterator[list[Any]]:
    # Lazy on purpose, like the Workbook below: only XLSX downloads need openpyxl.
    from openpyxl.cell import WriteOnlyCell

    for row in _source(queryset):
        values = []
        for column in columns:
            raw = column.get(row)
            value = spreadsheet_value(raw)
            number_format = column.format_for(raw) if value != "" else None
            if number_format:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = number_format
                values.append(cell)
            else:
                values.append(value)
        yield values


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def _csv_stream(queryset: Any, columns: list[Column], language: str | None, zone: Any) -> Iterator[str]:
    # The response body is produced after the view returns: keep the person's language and time zone.
    with translation.override(language), timezone.override(zone):
        writer = csv.writer(_Echo())
        # A byte order mark makes Excel read the file as UTF-8, so Chinese names survive.
        yield "\ufeff" + writer.writerow([safe_text(str(column.label)) for column in columns])
        for values in _rows(queryset, columns):
            yield writer.writerow(values)


def _filename(basename: str, fmt: str) -> str:
    return f"{basename}-{timezone.localdate().isoformat()}.{fmt}"


def export_response(*, queryset: Any, columns: list[Column], fmt: str, basename: str) -> HttpResponseBase:
    """Download `queryset` (already filtered for the person) as a dated CSV or XLSX attachment."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown export format: {fmt}")
    filename = _filename(basename, fmt)
    if fmt == "csv":
        response = StreamingHttpResponse(
            _csv_stream(queryset, columns, translation.get_language(), timezone.get_current_timezone()),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    # Lazy on purpose: openpyxl is heavy and only XLSX downloads need it (every list page imports this module).
    from openpyxl import Workbook

    # write_only streams rows to a temporary file instead of keeping every cell object in memory.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=basename[:31] or "export")
    sheet.append([safe_text(str(column.label)) for column in columns])
    for values in _typed_rows(sheet, queryset, columns):
        sheet.append(values)
    output = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    workbook.save(output)
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


def export_if_requested(
    request: HttpRequest, queryset: Any, columns: list[Column], *, basename: str
) -> HttpResponseBase | None:
    """The download when the list URL carries `?export=csv|xlsx`, else None (render the page as usual)."""
    fmt = requested_format(request)
    if fmt is None:
        return None
    return export_response(queryset=queryset, columns=columns, fmt=fmt, basename=basename)
