"""The exchange-rates page: the rates in force and past, a form to add one, and who changed what."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from presales import access
from presales.core.views import requires, run_action, submit_form
from presales.currencies import services
from presales.currencies.forms import ExchangeRateForm
from presales.currencies.models import ExchangeRate, company_currency
from presales.currencies.tables import ExchangeRateTable
from presales.people.typing import AuthenticatedHttpRequest

RECENT_CHANGES = 20


@login_required
@requires(access.can_manage_exchange_rates)
def rates(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ExchangeRateForm(request.POST or None)
    saved = submit_form(form, lambda: services.rate_create(actor=request.user, **form.service_data()), keep_typed=False)
    if saved.ok:
        messages.success(request, _("Exchange rate saved."))
        return redirect("currencies:rates")
    changes = list(ExchangeRate.history.select_related("history_user").order_by("-history_date")[:RECENT_CHANGES])
    return render(
        request,
        "currencies/rates.html",
        {
            "table": ExchangeRateTable(ExchangeRate.objects.all(), request=request, sortable=False),
            "form": form,
            "company_currency": company_currency(),
            "changes": changes,
        },
    )


@login_required
@require_POST
@requires(access.can_manage_exchange_rates)
def rate_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    exchange_rate = get_object_or_404(ExchangeRate, pk=pk)
    if run_action(request, lambda: services.rate_delete(actor=request.user, exchange_rate=exchange_rate)).ok:
        messages.success(request, _("Exchange rate deleted."))
    return redirect("currencies:rates")
