"""Server-rendered SVG charts (pygal) inlined in the page: no CDN script, hover values from presales/charts.js.

pygal's own tooltip script lives on a CDN, so charts are rendered with `js=[]`; every data point keeps pygal's
`tooltip-trigger` class and `<desc class="value">`, which charts.js reads to show the value on hover or tap.
The inline configuration `<script>` and the generator comments pygal writes are removed: nothing runs inside
the SVG, and the page stays light on a phone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import pygal
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
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
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=13,
    value_font_size=12,
    no_data_font_size=20,
    guide_stroke_color="#dfe3e8",
    major_guide_stroke_color="#dfe3e8",
)

BASE_CONFIG: dict[str, Any] = {
    "js": [],
    "disable_xml_declaration": True,
    "style": STYLE,
    "width": 640,
    "height": 320,
    "margin": 8,
    "legend_at_bottom": True,
    "legend_at_bottom_columns": 3,
    "truncate_label": 18,
    "truncate_legend": 24,
    "show_y_guides": True,
    "print_values": False,
    "explicit_size": False,
}

_SCRIPT = re.compile(r"<script.*?</script>", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_SVG_OPEN = re.compile(r"<svg ")

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
    if kind == "horizontal_bar" or kind == "funnel":
        # Long stage names need room on the left; long lists need height.
        config.setdefault("height", max(220, 34 * len(labels) + 80))
    if len(series) == 1:
        config.setdefault("show_legend", False)
    chart = KINDS[kind](**config)
    if formatter is not None:
        chart.value_formatter = formatter
    chart.x_labels = [str(text) for text in labels]
    if kind == "line":
        chart.x_label_rotation = 30 if len(labels) > 6 else 0
    elif len(labels) > 5 and kind in ("bar", "stacked_bar"):
        chart.x_label_rotation = 30
    for name, values in series:
        chart.add(str(name), [_number(value) for value in values])
    svg = chart.render(is_unicode=True)
    svg = _SCRIPT.sub("", svg)
    svg = _COMMENT.sub("", svg)
    # The chart is one image for assistive technology; its numbers are in the table beside it.
    svg = _SVG_OPEN.sub(f'<svg role="img" aria-label="{escape(label)}" focusable="false" ', svg, count=1)
    return mark_safe(svg)  # noqa: S308 - pygal escapes the labels and values it writes; we add an escaped label
