"""Template helpers shared by every page."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import escape, format_html
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
    return f"{_symbol(currency)}{number_format(Decimal(value), decimal_pos=0, use_l10n=True, force_grouping=True)}"


def _symbol(currency: str) -> str:
    """The currency's symbol (¥, $, €...), or its code and a space for a currency without one."""
    return CURRENCY_SYMBOLS.get(currency or "CNY", (currency or "") + " ")


@register.filter
def compact_money(value: Any, currency: str = "CNY") -> str:
    """Short amounts for cards and charts: ¥1.2M in English, ¥120万 in Chinese."""
    if value in (None, ""):
        return "—"
    amount, symbol = Decimal(value), _symbol(currency)
    if _is_chinese():
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


def _is_chinese() -> bool:
    return (get_language() or "").startswith("zh")


@register.filter
def list_money(value: Any, currency: str = "CNY") -> SafeString | str:
    """An amount in a list: in Chinese in 万/亿 as the cards show it, with the full figure as the hover text (and
    in the download); in English the full figure."""
    if value in (None, ""):
        return "—"
    full = money(value, currency)
    if not _is_chinese():
        return full
    return format_html('<span class="money" title="{}">{}</span>', full, compact_money(value, currency))


def zone_label(when: datetime.datetime | None = None) -> str:
    """The reader's time zone as an offset nobody misreads ("UTC+8", "UTC-5", "UTC+5:30", "UTC"), at `when`
    (summer time changes the offset) or now."""
    zone = timezone.get_current_timezone()
    moment = timezone.localtime(when, zone) if when is not None and timezone.is_aware(when) else timezone.now()
    offset = moment.astimezone(zone).utcoffset() or datetime.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


@register.filter
def deadline(value: Any, empty: str = "—") -> SafeString | str:
    """A deadline with the reader's time zone: "2026-12-15 17:00 UTC+8" for a moment (in the reader's zone),
    "2026-12-15 UTC+8" for a day (it ends at midnight there). The zone's name is the hover text."""
    if value in (None, ""):
        return empty
    zone = timezone.get_current_timezone()
    if isinstance(value, datetime.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        text, machine, label = date_format(local, "SHORT_DATETIME_FORMAT"), local.isoformat(), zone_label(value)
    else:
        noon = datetime.datetime.combine(value, datetime.time(12), tzinfo=zone)
        text, machine, label = date_format(value, "SHORT_DATE_FORMAT"), value.isoformat(), zone_label(noon)
    return format_html(
        '<time class="deadline" datetime="{}">{} <abbr class="tz" title="{}">{}</abbr></time>',
        machine,
        text,
        str(zone),
        label,
    )


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
