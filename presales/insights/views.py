"""Dashboard pages: the filter bar, the role's panels, and each panel's table as CSV/XLSX."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from presales.core import exports
from presales.currencies.models import Currency
from presales.currencies.rates import missing_rates
from presales.deals.models import Opportunity
from presales.insights import model_card
from presales.insights import panels as dashboards
from presales.insights.forms import InsightFilterForm
from presales.people.typing import AuthenticatedHttpRequest


def dashboard_context(request: AuthenticatedHttpRequest, key: str) -> dict[str, Any]:
    """The filter form, the dashboard and its panels; shared by the dashboard page and the home page."""
    dashboard = dashboards.DASHBOARDS[key]
    form = InsightFilterForm(request.GET or None)
    filters = form.filters()
    visible = [d for d in dashboards.DASHBOARDS.values() if dashboards.can_see(request.user, d)]
    return {
        "dashboard": dashboard,
        "dashboards": visible,
        "filter_form": form,
        "filters": filters,
        "panels": dashboard.build(request.user, filters),
        "company_currency": filters.currency,
        "missing_rates": _missing_rates(),
    }


def _missing_rates() -> list[str]:
    """The currencies of some deal that have no exchange rate. Asked from the few currencies without a rate (usually
    none) rather than from the deals' distinct currencies, which read every deal (12 ms at 50,000 deals)."""
    lacking = missing_rates(Currency.values)
    return [code for code in lacking if Opportunity.objects.filter(currency=code).exists()]


def _row_getter(key: str) -> Callable[[dict[str, Any]], Any]:
    """A value getter for one panel column (a function, so each column keeps its own key)."""
    return lambda row: row.get(key)


# The spreadsheet format of each kind of dashboard column (what the page shows as 1,234 / 45% / 2026-11 / 3.5 h).
PANEL_NUMBER_FORMATS: dict[str, str | Callable[[Any], str | None]] = {
    "money": exports.DECIMAL_NUMBER_FORMAT,
    "deal_money": exports.DECIMAL_NUMBER_FORMAT,
    "percent": lambda value: '0"%"' if isinstance(value, int) else '0.0"%"',  # the figure is 45 for 45%
    "hours": "0.0",
    "month": "yyyy-mm",
    "week": exports.DATE_NUMBER_FORMAT,
    "date": exports.DATE_NUMBER_FORMAT,
}


def _export(
    request: AuthenticatedHttpRequest, panels: list[dashboards.Panel], fmt: str, dashboard_key: str
) -> HttpResponseBase:
    panel = next((p for p in panels if p.key == request.GET.get("panel")), None)
    if panel is None:
        raise Http404
    columns = [
        exports.Column(col.label, _row_getter(col.key), PANEL_NUMBER_FORMATS.get(col.kind))
        for col in panel.export_columns or panel.columns
    ]
    return exports.export_response(
        queryset=panel.export_rows if panel.export_rows is not None else panel.rows,
        columns=columns,
        fmt=fmt,
        basename=f"{dashboard_key}-{panel.key}".replace("_", "-"),
    )


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    return redirect("insights:dashboard", key=dashboards.dashboard_for_role(request.user))


@login_required
def dashboard(request: AuthenticatedHttpRequest, key: str) -> HttpResponseBase:
    if key not in dashboards.DASHBOARDS:
        raise Http404
    if not dashboards.can_see(request.user, dashboards.DASHBOARDS[key]):
        raise PermissionDenied
    context = dashboard_context(request, key)
    if fmt := exports.requested_format(request):
        return _export(request, context["panels"], fmt, key)
    return render(request, "insights/dashboard.html", context)


@login_required
def win_model(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The win-probability model card: hold-out calibration, Brier score and AUC beside the stage defaults'."""
    return render(request, "insights/win_model.html", model_card.context(request.user))
