"""Server-rendered SVG charts (pygal) inlined in the page: no CDN script, hover values from presales/charts.js.

pygal's own tooltip script lives on a CDN, so charts are rendered with `js=[]`; every data point keeps pygal's
`tooltip-trigger` class and `<desc class="value">`, which charts.js reads to show the value on hover or tap.
The inline configuration `<script>` and the generator comments pygal writes are removed: nothing runs inside
the SVG, and the page stays light on a phone. pygal writes the same 5 KB stylesheet into every chart (scoped to the
chart's id); it is taken out of each chart and written once per page instead (`chart_stylesheet()`, scoped to the
`pygal-chart` class every chart carries), with the request's CSP nonce (`{% chart_stylesheet %}`, insights tags).
"""

from __future__ import annotations

import functools
import html
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import pygal
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from pygal.style import Style

# The colours of app.css (primary, ok, warn, danger, then muted tones) and its CJK-capable font list.
FONT = (
    '-apple-system, BlinkMacSystemFont, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", '
    '"Noto Sans CJK SC", "WenQuanYi Micro Hei", Roboto, "Helvetica Neue", Arial, sans-serif'
)
COLOURS = ("#1f5eff", "#107a4d", "#a15c00", "#c62b32", "#7a5af8", "#0e9384", "#5f6b7a", "#e04f9a")

STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#1c2330",
    foreground_strong="#1c2330",
    foreground_subtle="#5f6b7a",
    opacity=".85",
    opacity_hover="1",
    transition="120ms ease-in",
    colors=COLOURS,
    font_family=FONT,
    label_font_family=FONT,
    major_label_font_family=FONT,
    value_font_family=FONT,
    value_label_font_family=FONT,
    tooltip_font_family=FONT,
    title_font_family=FONT,
    legend_font_family=FONT,
    no_data_font_family=FONT,
    label_font_size=14,
    major_label_font_size=14,
    legend_font_size=14,
    value_font_size=12,
    no_data_font_size=20,
    guide_stroke_color="#dfe3e8",
    major_guide_stroke_color="#dfe3e8",
)

BASE_CONFIG: dict[str, Any] = {
    "js": [],
    "disable_xml_declaration": True,
    "style": STYLE,
    # A small viewBox: the SVG is scaled to the card's width (CSS width: 100%), so the text stays readable when a
    # phone shrinks it (~0.7x) and is not oversized on a desktop card (~1.2x).
    "width": 460,
    "height": 270,
    "margin": 8,
    "legend_at_bottom": True,
    "truncate_label": 18,
    "truncate_legend": 20,
    "show_y_guides": True,
    "max_scale": 6,  # at most ~6 value ticks: their labels must not run into each other
    "print_values": False,
    "explicit_size": False,
}

_SCRIPT = re.compile(r"<script.*?</script>", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_SVG_OPEN = re.compile(r"<svg ")
# pygal hides its (unused) tooltip with a style attribute, which the Content-Security-Policy refuses: an SVG
# presentation attribute does the same.
_HIDDEN_STYLE = 'style="opacity: 0"'

_VIEWBOX = re.compile(r'viewBox="0 0 ([\d.]+) ([\d.]+)"')
_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S)
_CHART_ID = re.compile(r"#chart-[0-9a-f-]+")


def _text_width(text: str, font_size: float) -> float:
    """A closer estimate than pygal's (0.6 em a character): CJK characters are a full em wide."""
    return sum(font_size if unicodedata.east_asian_width(ch) in "WF" else 0.6 * font_size for ch in text)


def compact_number(value: float) -> str:
    """Axis labels, the compact_money rule without the symbol: 1.2M / 350K in English, 1.2亿 / 350万 in Chinese."""
    amount = float(value)
    steps: tuple[tuple[int, str], ...]
    if (get_language() or "").startswith("zh"):
        steps = ((100_000_000, "亿"), (10_000, "万"))
    else:
        steps = ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "K"))
    for size, suffix in steps:
        if abs(amount) >= size:
            return f"{amount / size:.2f}".rstrip("0").rstrip(".") + suffix
    return f"{amount:,.0f}"


def _axis_formatter(formatter: Callable[[float], str] | None) -> Callable[[float], str]:
    def axis(value: float) -> str:
        if value is not None and abs(value) >= 10_000:
            return compact_number(value)
        if formatter is not None:
            return formatter(value)
        return f"{value:g}"

    return axis


KINDS: dict[str, Callable[..., Any]] = {
    "bar": pygal.Bar,
    "stacked_bar": pygal.StackedBar,
    "horizontal_bar": pygal.HorizontalBar,
    "line": pygal.Line,
    "funnel": pygal.HorizontalBar,
}


def _number(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    return value


def render_chart(
    *,
    kind: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Any]]],
    label: str,
    formatter: Callable[[float], str] | None = None,
    no_data: str = "",
    **options: Any,
) -> SafeString:
    """An accessible inline SVG chart: `series` is [(name, values per label)], `label` its aria-label."""
    config = {**BASE_CONFIG, **options}
    if no_data:
        config["no_data_text"] = no_data
    horizontal = kind in ("horizontal_bar", "funnel")
    if horizontal:
        # Long lists need height: about 30 units a bar group.
        config.setdefault("height", max(180, 30 * len(labels) + 90))
    if len(series) <= 1:
        config.setdefault("show_legend", False)
    else:
        # pygal reserves n // columns legend rows under the chart (one too few when they do not divide evenly,
        # which clipped the legend): ask for the missing rows as extra bottom margin.
        columns = min(len(series), 3)
        config.setdefault("legend_at_bottom_columns", columns)
        missing_rows = math.ceil(len(series) / columns) - len(series) // columns
        config.setdefault("margin_bottom", config["margin"] + missing_rows * 1.5 * STYLE.legend_font_size)
    chart = KINDS[kind](**config)
    # The axis gets compact numbers (no 100,000,000 running into each other); hover values stay exact.
    chart.value_formatter = _axis_formatter(formatter)
    if formatter is not None:
        chart.formatter = formatter
    chart.x_labels = [str(text) for text in labels]
    if kind in ("line", "bar", "stacked_bar") and len(labels) > 7:
        # Label every n-th month or week so the labels stay flat and apart; hover gives each point's own label.
        chart.x_labels_major_every = math.ceil(len(labels) / 6)
        chart.show_minor_x_labels = False
    elif kind in ("bar", "stacked_bar") and max((len(str(text)) for text in labels), default=0) * len(labels) > 48:
        chart.x_label_rotation = 30
    for name, values in series:
        chart.add(str(name), [_number(value) for value in values])
    svg = chart.render(is_unicode=True)
    if horizontal and labels:
        svg = _widen_left(svg, [str(text) for text in labels], config)
    svg = _SCRIPT.sub("", svg)
    svg = _STYLE.sub("", svg)  # the page has it once: chart_stylesheet()
    svg = _COMMENT.sub("", svg)
    svg = svg.replace(_HIDDEN_STYLE, 'opacity="0"')
    # pygal titles an untitled chart "Pygal" (a tooltip in some browsers): the chart's own label instead.
    svg = svg.replace("<title>Pygal</title>", f"<title>{escape(label)}</title>", 1)
    # The chart is one image for assistive technology; its numbers are in the table beside it.
    svg = _SVG_OPEN.sub(f'<svg role="img" aria-label="{escape(label)}" focusable="false" ', svg, count=1)
    return mark_safe(svg)  # noqa: S308 - pygal escapes the labels and values it writes; we add an escaped label


@functools.cache
def chart_stylesheet() -> str:
    """The stylesheet pygal writes into each chart, once for the page: every chart shares the style (STYLE) and the
    configuration's CSS files, so they differ only in the id that scopes them, replaced by the class all charts
    carry. Rendered with more series than any panel draws, so every series colour has its rule."""
    chart = pygal.Bar(**BASE_CONFIG)
    for index in range(16):
        chart.add(str(index), [1])
    css = _STYLE.search(chart.render(is_unicode=True))
    # In the SVG the stylesheet is XML text ("&gt;" for ">"); an HTML <style> takes it as it is.
    return _CHART_ID.sub(".pygal-chart", html.unescape(css.group(1)) if css else "")


def _widen_left(svg: str, labels: list[str], config: dict[str, Any]) -> str:
    """Grow the viewBox to the left by what pygal under-estimated of the widest category label (CJK names were cut)."""
    size = STYLE.label_font_size
    limit = config.get("truncate_label") or 25
    shown = [text if len(text) <= limit else text[: limit - 1] + "…" for text in labels]
    extra = max(_text_width(text, size) - 0.6 * size * len(text) for text in shown)
    if extra <= 0:
        return svg

    def grow(match: re.Match[str]) -> str:
        width, height = float(match.group(1)), float(match.group(2))
        return f'viewBox="{-extra - 4:g} 0 {width + extra + 4:g} {height:g}"'

    return _VIEWBOX.sub(grow, svg, count=1)
