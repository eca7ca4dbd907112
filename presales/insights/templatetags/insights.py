"""Formatting one table cell of a dashboard panel by its column kind."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import date_format, number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from presales.core.templatetags.presales import money
from presales.insights.charts import chart_stylesheet as _chart_stylesheet

register = template.Library()


@register.simple_tag(takes_context=True)
def chart_stylesheet(context: template.Context) -> SafeString:
    """The charts' one stylesheet, with the request's CSP nonce: once on each page that shows charts."""
    # django-csp's lazy nonce is falsy until read, and reading it is what puts it in the header: compare its text.
    nonce = context.get("CSP_NONCE")
    nonce = str(nonce) if nonce is not None else ""
    css = mark_safe(_chart_stylesheet())  # noqa: S308 - pygal's CSS for our own constant style, no user input
    if not nonce:
        return format_html("<style>{}</style>", css)
    return format_html('<style nonce="{}">{}</style>', nonce, css)


@register.filter
def linked_cell(row: dict[str, Any], column: Any) -> Any:
    """The cell, as a link to the rows behind it when the panel gave one (`row["links"][column key]`)."""
    text = cell(row, column)
    link = (row.get("links") or {}).get(column.key)
    if link is None:
        return text
    value = row.get(column.key)
    if link.check == "count":
        return format_html('<a href="{}" data-count="{}">{}</a>', link.url, value, text)
    if link.check:
        return format_html('<a href="{}" data-sum="{}" data-value="{}">{}</a>', link.url, link.check, value, text)
    return format_html('<a href="{}">{}</a>', link.url, text)


@register.filter
def cell(row: dict[str, Any], column: Any) -> Any:
    value = row.get(column.key)
    if value is None or value == "":
        return "—"
    kind = column.kind
    if kind == "money":
        return number_format(Decimal(value).quantize(Decimal("1")), force_grouping=True)
    if kind == "deal_money":
        return money(value, row.get("currency", ""))
    if kind == "percent":
        return f"{value:g}%" if isinstance(value, (int, float)) else f"{value}%"
    if kind == "hours":
        return number_format(value, decimal_pos=1)
    if kind in ("month", "week", "date") and isinstance(value, (datetime.date, datetime.datetime)):
        return date_format(value, "YEAR_MONTH_FORMAT" if kind == "month" else "SHORT_DATE_FORMAT")
    return value
