"""Declared tables: each list's columns written once, serving the page, its CSV/XLSX download and its sorting.

A table is a class with one `Column` per column, in the order the page and the download show them::

    class AccountTable(Table):
        name = Column(_("Name"), "name", sort="name", cell_classes="primary-cell")
        short_name = Column(_("Short name"), "short_name", page=False)      # download only
        owner = Column(_("Owner"), "owner", sort="owner__display_name", classes="hide-phone")
        open_pipeline = MoneyColumn(_("Open pipeline"), "open_pipeline", compact=True, sort="open_pipeline")

- `value` (a dotted path, or a callable taking the row) gives the typed value: what the download writes (dates as
  dates, numbers as numbers, a choice field as its label) and what the page shows unless the column has a cell.
- A cell is how the page shows the value: `cell=` (a function of the row), or a `render_<name>(self, row)` method
  on the table when it needs the request or the page's context. Cells return HTML built with `format_html`, never
  a template include per row: a page of rows renders in well under a millisecond.
- `sort` names the database field (or, for rows sorted in Python, a key function) behind the column's sort link;
  the list's FilterSet takes its ordering from `Table.ordering_fields()`, so the page, the API and the download
  sort alike.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar, cast

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils import formats, timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from presales.core import exports
from presales.core.exports import Accessor, resolve
from presales.core.templatetags.presales import compact_money, deadline, list_money, money, sort_link

MONEY_NUMBER_FORMAT = "#,##0.00"
INTEGER_NUMBER_FORMAT = "#,##0"


def display(value: Any, empty: str = "") -> SafeString:
    """A value as the page shows it, escaped: what `{{ value }}` would print, with dates in the short format."""
    if value is None or value == "":
        return conditional_escape(empty)
    if isinstance(value, bool):
        return conditional_escape(_("Yes") if value else _("No"))
    if isinstance(value, datetime.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return conditional_escape(formats.date_format(local, "SHORT_DATETIME_FORMAT"))
    if isinstance(value, datetime.date):
        return conditional_escape(formats.date_format(value, "SHORT_DATE_FORMAT"))
    if isinstance(value, int | float | Decimal):
        # Grouped here, where a number is shown; a plain {{ value }} is not (USE_THOUSAND_SEPARATOR is off).
        return conditional_escape(formats.number_format(value, use_l10n=True, force_grouping=True))
    return conditional_escape(formats.localize(value))


# --- Small cell builders (HTML the templates used to write out) ----------------------------------------------------


def link(url: str, text: Any) -> SafeString:
    return format_html('<a href="{}">{}</a>', url, text)


def badge(text: Any, tone: str = "") -> SafeString:
    if tone:
        return format_html('<span class="badge badge-{}">{}</span>', tone, text)
    return format_html('<span class="badge">{}</span>', text)


def muted(text: Any, tag: str = "span", extra: str = "") -> SafeString:
    classes = f"muted {extra}".strip()
    return format_html('<{} class="{}">{}</{}>', mark_safe(tag), classes, text, mark_safe(tag))  # noqa: S308 - tag is ours


def post_button(
    request: HttpRequest | None, url: str, text: Any, *, form_class: str = "inline-cell-form"
) -> SafeString:
    """A button in a cell that POSTs to `url` (a delete, say), carrying the CSRF token of the page's request."""
    return format_html(
        '<form class="{}" method="post" action="{}">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<button class="linklike" type="submit">{}</button></form>',
        form_class,
        url,
        get_token(cast(HttpRequest, request)),
        text,
    )


def join(*parts: Any, separator: str = " ") -> SafeString:
    """Pieces of a cell, each escaped unless it is already HTML, separated by a space; empty pieces are left out."""
    return mark_safe(separator.join(str(conditional_escape(part)) for part in parts if part not in (None, "")))  # noqa: S308 - escaped above


# --- Columns -------------------------------------------------------------------------------------------------------


class Column:
    """One column of a list: its header, its typed value, how the page shows it, how it sorts, where it appears."""

    _counter = 0  # declaration order: the page and the download show the columns in the order they are written

    def __init__(
        self,
        label: Any,
        value: Accessor | None = None,
        *,
        cell: Callable[[Any], Any] | None = None,
        sort: str | Callable[[Any], Any] | None = None,
        classes: str = "",
        cell_classes: str = "",
        export_label: Any = None,
        page: bool = True,
        export: bool = True,
        number_format: str | None = None,
        empty: str = "",
    ) -> None:
        self.label = label
        self.value = value
        self.cell = cell
        self.sort = sort
        self.classes = classes
        self.cell_classes = " ".join(part for part in (classes, cell_classes) if part)
        self.export_label = export_label
        self.page = page
        self.export = export
        self.number_format = number_format
        self.empty = empty
        self.name = ""  # set by the table
        Column._counter += 1
        self.order = Column._counter

    def get(self, row: Any) -> Any:
        """The typed value (what the download writes)."""
        return resolve(row, self.value if self.value is not None else self.name)

    def render(self, row: Any) -> str:
        """The cell's HTML on the page."""
        if self.cell is not None:
            return str(conditional_escape(self.cell(row)))
        return display(self.get(row), self.empty)


class DateColumn(Column):
    """A date or date-time, in the short format on the page (never wrapped), a real date in the download."""

    def __init__(self, label: Any, value: Accessor | None = None, *, cell_classes: str = "nowrap", **kwargs: Any):
        super().__init__(label, value, cell_classes=cell_classes, **kwargs)


class DeadlineColumn(DateColumn):
    """A deadline (a due day or moment): on the page with the reader's time zone ("2026-12-15 UTC+8"), a real date
    in the download."""

    def render(self, row: Any) -> str:
        if self.cell is not None:
            return super().render(row)
        return str(deadline(self.get(row), self.empty or "—"))


class NumberColumn(Column):
    """A count or measure, right-aligned."""

    def __init__(self, label: Any, value: Accessor | None = None, *, classes: str = "num", **kwargs: Any):
        super().__init__(label, value, classes=classes, **kwargs)


class MoneyColumn(NumberColumn):
    """An amount in its row's currency, a number in the download. On the page: "¥1,000,000" in English ("¥1.0M"
    when compact), "¥100万" in Chinese as the cards show it, the full figure as the hover text.

    `currency` is where the row keeps its currency; None: the company currency (setting COMPANY_CURRENCY), for
    totals already converted to it."""

    def __init__(
        self,
        label: Any,
        value: Accessor | None = None,
        *,
        currency: Accessor | None = "currency",
        compact: bool = False,
        strong: bool = False,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("number_format", MONEY_NUMBER_FORMAT)
        super().__init__(label, value, **kwargs)
        self.currency = currency
        self.compact = compact
        self.strong = strong

    def render(self, row: Any) -> str:
        if self.cell is not None:
            return super().render(row)
        currency = (
            resolve(row, self.currency, labels=False)
            if self.currency is not None
            else getattr(settings, "COMPANY_CURRENCY", "CNY")
        )
        value = self.get(row)
        text: SafeString | str
        if self.compact and value not in (None, ""):
            text = format_html(
                '<span class="money" title="{}">{}</span>', money(value, currency), compact_money(value, currency)
            )
        else:
            text = list_money(value, currency)
        return str(format_html("<strong>{}</strong>", text) if self.strong else conditional_escape(text))


# --- Tables --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Header:
    label: Any
    classes: str
    query: str = ""  # the query string that sorts by this column ("" when it does not sort)
    direction: str = ""  # "asc" or "desc" when the list is sorted by it now


class Table:
    """The columns of one list (declared as class attributes) and the rows the page shows."""

    columns: ClassVar[list[Column]] = []
    html_id: ClassVar[str] = ""
    # The <table>'s classes ("table compact" for the denser tables inside cards).
    css_class: ClassVar[str] = "table"
    # A template drawing the table's <tfoot> (totals), with the page's context.
    footer_template: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        declared: dict[str, Column] = {}
        for klass in reversed(cls.__mro__):
            for name, attribute in vars(klass).items():
                if isinstance(attribute, Column):
                    attribute.name = name
                    declared[name] = attribute
        cls.columns = sorted(declared.values(), key=lambda column: column.order)

    def __init__(
        self,
        rows: Iterable[Any],
        *,
        request: HttpRequest | None = None,
        only: Sequence[str] | None = None,
        sortable: bool = True,
        **context: Any,
    ) -> None:
        """`only` shows a subset of the columns (a detail page's smaller table); `sortable=False` shows plain headers
        (a table that is not a list with sorting); `context` is what the table's render methods may need."""
        self.rows = rows
        self.request = request
        self.only = only
        self.sortable = sortable
        self.context = context

    # --- what the download and the FilterSet take ---

    @classmethod
    def export_columns(cls) -> list[exports.Column]:
        """The download's columns: every column with a value, labelled for a spreadsheet, typed."""
        return [
            exports.Column(column.export_label or column.label, column.get, column.number_format)
            for column in cls.columns
            if column.export
        ]

    @classmethod
    def ordering_fields(cls, *extra: tuple[str, str]) -> tuple[tuple[str, str], ...]:
        """`(database field, parameter)` pairs for the list's OrderingFilter: one per sortable column, plus `extra`."""
        fields = [(column.sort, column.name) for column in cls.columns if isinstance(column.sort, str)]
        return (*fields, *extra)

    @classmethod
    def sort_rows(cls, rows: Sequence[Any], ordering: str, default: Callable[[Any], Any]) -> list[Any]:
        """Rows already in memory sorted by a column whose `sort` is a key function; rows without a value go last
        whatever the direction ("n/a" is neither the worst nor the best). An unknown column sorts by `default`."""
        column = next((c for c in cls.columns if c.name == ordering.lstrip("-") and callable(c.sort)), None)
        if column is None:
            return sorted(rows, key=default)
        key = cast(Callable[[Any], Any], column.sort)
        present = [row for row in rows if key(row) is not None]
        missing = [row for row in rows if key(row) is None]
        return sorted(present, key=key, reverse=ordering.startswith("-")) + missing

    # --- what the page shows ---

    @property
    def page_columns(self) -> list[Column]:
        if self.only is not None:
            by_name = {column.name: column for column in self.columns}
            return [by_name[name] for name in self.only]
        return [column for column in self.columns if column.page]

    def headers(self) -> list[Header]:
        headers = []
        for column in self.page_columns:
            if column.sort is None or not self.sortable:
                headers.append(Header(column.label, column.classes))
            else:
                query, direction = sort_link(self.request, column.name)
                headers.append(Header(column.label, column.classes, query, direction))
        return headers

    def row_attributes(self, row: Any) -> dict[str, str]:
        """Attributes of a row's <tr> (a class, an id); none by default."""
        return {}

    def cell(self, column: Column, row: Any) -> str:
        renderer = getattr(self, f"render_{column.name}", None)
        if renderer is not None:
            return str(conditional_escape(renderer(row)))
        return column.render(row)

    def body(self) -> SafeString:
        """Every shown row as <tr> elements: built in Python, a page of 25 rows costs well under a millisecond."""
        columns = self.page_columns
        opening = [format_html('<td class="{}">', c.cell_classes) if c.cell_classes else "<td>" for c in columns]
        html: list[str] = []
        for row in self.rows:
            attributes = self.row_attributes(row)
            html.append(
                "<tr"
                + "".join(str(format_html(' {}="{}"', name, value)) for name, value in attributes.items() if value)
                + ">"
            )
            for column, start in zip(columns, opening, strict=True):
                html.append(f"{start}{self.cell(column, row)}</td>")
            html.append("</tr>")
        return mark_safe("".join(html))  # noqa: S308 - every cell is escaped or built with format_html
