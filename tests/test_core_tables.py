"""Declared tables (core.tables): one declaration gives the page's cells, the download's typed columns and the sorting."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.utils.html import format_html
from openpyxl import load_workbook

from presales.core import exports
from presales.core.tables import Column, DateColumn, MoneyColumn, NumberColumn, Table, display, join
from presales.customers.filters import AccountFilterSet
from presales.customers.tables import AccountTable
from presales.deals.filters import OpportunityFilter
from presales.deals.tables import OpportunityTable


@dataclass
class Row:
    name: str
    amount: Decimal | None
    currency: str
    due: datetime.date | None
    note: str = ""


class RowTable(Table):
    html_id = "rows"

    name = Column("Name", sort="name", cell_classes="primary-cell")
    amount = MoneyColumn("Amount", sort=lambda row: row.amount)
    currency = Column("Currency", page=False)
    due = DateColumn("Due", sort="due_date", empty="—")
    note = Column("Note", export=False)
    hours = NumberColumn("Hours", lambda row: 2, page=False, export_label="Hours (h)")

    def render_note(self, row: Row) -> str:
        return row.note.upper()


ROWS = [
    Row("<b>Alpha</b>", Decimal("1200.50"), "CNY", datetime.date(2030, 1, 2), "x"),
    Row("Beta", None, "USD", None),
    Row("Gamma", Decimal("5"), "USD", datetime.date(2030, 1, 1)),
]


def test_page_columns_headers_and_escaped_cells():
    request = RequestFactory().get("/list/", {"ordering": "name", "page": "3", "q": "a"})
    table = RowTable(ROWS, request=request)
    assert [column.name for column in table.page_columns] == ["name", "amount", "due", "note"]
    headers = table.headers()
    assert [str(header.label) for header in headers] == ["Name", "Amount", "Due", "Note"]
    name = headers[0]
    assert name.direction == "asc" and "ordering=-name" in name.query and "page" not in name.query
    assert "q=a" in name.query, "sorting keeps the filters"
    assert headers[3].query == "", "a column without a sort key has a plain header"
    body = str(table.body())
    assert "&lt;b&gt;Alpha&lt;/b&gt;" in body, "values are escaped"
    assert '<td class="primary-cell">' in body and '<td class="num">¥1,200</td>' in body
    assert "<td>X</td>" in body, "a render_<name> method draws the cell"
    assert '<td class="nowrap">—</td>' in body, "an empty date shows the column's empty mark"


def test_only_and_unsortable_tables_for_detail_pages():
    table = RowTable(ROWS, only=("due", "name"), sortable=False)
    assert [column.name for column in table.page_columns] == ["due", "name"]
    assert all(header.query == "" for header in table.headers())


def test_row_attributes_are_escaped():
    class Flagged(RowTable):
        def row_attributes(self, row: Row) -> dict[str, str]:
            return {"class": "late" if row.due is None else "", "data-name": row.name}

    body = str(Flagged(ROWS[:2]).body())
    assert '<tr data-name="&lt;b&gt;Alpha&lt;/b&gt;">' in body
    assert '<tr class="late" data-name="Beta">' in body


def test_export_columns_are_typed_and_labelled_for_spreadsheets():
    columns = RowTable.export_columns()
    assert [str(column.label) for column in columns] == ["Name", "Amount", "Currency", "Due", "Hours (h)"]
    response = exports.export_response(queryset=ROWS, columns=columns, fmt="xlsx", basename="rows")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    first = [cell for cell in sheet[2]]
    assert first[0].value == "<b>Alpha</b>"
    assert first[1].value == Decimal("1200.50") or first[1].value == 1200.5
    assert first[1].number_format == "#,##0.00", "money has a number format"
    assert first[3].value == datetime.datetime.combine(datetime.date(2030, 1, 2), datetime.time()), "dates are dates"
    assert first[3].number_format == "yyyy-mm-dd"
    assert first[4].value == 2
    assert sheet[3][1].value in (None, ""), "a missing amount is an empty cell"


def test_sort_rows_in_memory_puts_missing_values_last_both_ways():
    default = lambda row: row.name  # noqa: E731
    assert [row.name for row in RowTable.sort_rows(ROWS, "amount", default)] == ["Gamma", "<b>Alpha</b>", "Beta"]
    assert [row.name for row in RowTable.sort_rows(ROWS, "-amount", default)] == ["<b>Alpha</b>", "Gamma", "Beta"]
    assert [row.name for row in RowTable.sort_rows(ROWS, "nonsense", default)] == ["<b>Alpha</b>", "Beta", "Gamma"]


def test_ordering_fields_come_from_the_sortable_columns():
    assert RowTable.ordering_fields() == (("name", "name"), ("due_date", "due"))
    assert RowTable.ordering_fields(("created_at", "created")) == (
        ("name", "name"),
        ("due_date", "due"),
        ("created_at", "created"),
    )


@pytest.mark.parametrize(
    ("table", "filterset"), [(AccountTable, AccountFilterSet), (OpportunityTable, OpportunityFilter)]
)
def test_list_filtersets_sort_by_exactly_the_tables_sortable_columns(table, filterset):
    """The page's sort links, the API's `ordering` parameter and the download sort by the same declared names."""
    sortable = {column.name for column in table.columns if isinstance(column.sort, str)}
    assert set(filterset.base_filters["ordering"].param_map) == sortable


def test_display_and_join_helpers():
    assert display(None, "—") == "—"
    assert display(True) == "Yes"
    assert display("<x>") == "&lt;x&gt;"
    assert str(join("a", "", format_html("<b>{}</b>", "b"), None)) == "a <b>b</b>"
