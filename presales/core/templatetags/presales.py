"""Template helpers shared by every page."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import HttpRequest, QueryDict
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

CURRENCY_SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "HKD": "HK$"}


@register.simple_tag(takes_context=True)
def query_replace(context: dict[str, Any], **kwargs: Any) -> str:
    """The current query string with some parameters replaced (for sorting and paging links)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


_STYLE_TAG = re.compile(r"<style(?=[\s>])")


@register.filter
def style_nonce(markup: Any, nonce: Any) -> Any:
    """Give every `<style>` element of trusted, already-safe markup (a pygal chart) the request's CSP nonce, so the
    Content-Security-Policy lets it apply without allowing inline styles in general."""
    # django-csp's lazy nonce is falsy until read, and reading it is what puts it in the header: compare its text.
    value = str(nonce) if nonce is not None else ""
    if not value or not isinstance(markup, SafeString):
        return markup
    return mark_safe(_STYLE_TAG.sub(f'<style nonce="{escape(value)}"', markup))  # noqa: S308 - markup was safe


@register.filter
def money(value: Any, currency: str = "CNY") -> str:
    """An amount with its currency symbol; large amounts in 万 for Chinese readers."""
    if value in (None, ""):
        return "—"
    amount = Decimal(value)
    symbol = CURRENCY_SYMBOLS.get(currency or "CNY", (currency or "") + " ")
    return f"{symbol}{number_format(amount, decimal_pos=0, use_l10n=True, force_grouping=True)}"


@register.filter
def compact_money(value: Any, currency: str = "CNY") -> str:
    """Short amounts for cards and charts: ¥1.2M in English, ¥120万 in Chinese."""
    if value in (None, ""):
        return "—"
    amount = Decimal(value)
    symbol = CURRENCY_SYMBOLS.get(currency or "CNY", (currency or "") + " ")
    if (get_language() or "").startswith("zh"):
        if abs(amount) >= 100_000_000:
            return f"{symbol}{number_format(amount / 100_000_000, decimal_pos=2)}亿"
        if abs(amount) >= 10_000:
            return f"{symbol}{number_format(amount / 10_000, decimal_pos=1)}万"
        return f"{symbol}{intcomma(int(amount))}"
    if abs(amount) >= 1_000_000:
        return f"{symbol}{number_format(amount / 1_000_000, decimal_pos=1)}M"
    if abs(amount) >= 1_000:
        return f"{symbol}{number_format(amount / 1_000, decimal_pos=0)}K"
    return f"{symbol}{intcomma(int(amount))}"


def sort_link(request: HttpRequest | None, name: str) -> tuple[str, str]:
    """The query string that sorts by `name` (toggling the direction, back to the first page) and the current
    direction ("", "asc" or "desc"). Declared tables (core.tables) draw their headers with it."""
    params = request.GET.copy() if request is not None else QueryDict(mutable=True)
    current = params.get("ordering", "")
    if current == name:
        next_ordering, direction = f"-{name}", "asc"
    elif current == f"-{name}":
        next_ordering, direction = name, "desc"
    else:
        next_ordering, direction = name, ""
    params["ordering"] = next_ordering
    params.pop("page", None)
    return params.urlencode(), direction


@register.inclusion_tag("components/sort_header.html", takes_context=True)
def sort_header(context: dict[str, Any], field: str, label: str) -> dict[str, Any]:
    """A column header that sorts a hand-written table by `field`, toggling the direction."""
    query, direction = sort_link(context["request"], field)
    return {"label": label, "query": query, "direction": direction}
