"""Pages: the technical verdict list, the deal page's verdict and probability section, recording a verdict, and
the retrain button with its progress (the model card itself is an insights page)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from presales import access
from presales.core.lookups import get_object_for_user
from presales.core.views import ObjectListView, requires, submit_form
from presales.deals.models import Opportunity
from presales.people.typing import AuthenticatedHttpRequest
from presales.winning import selectors, services, tasks
from presales.winning.filters import TechnicalVerdictFilter
from presales.winning.forms import TechnicalVerdictForm
from presales.winning.models import TechnicalVerdict
from presales.winning.tables import TechnicalVerdictTable


class TechnicalVerdictListView(ObjectListView):
    """Every technical verdict the person can see: the rows behind the technical win dashboard's figures."""

    queryset = TechnicalVerdict.objects.select_related("opportunity__presales_lead", "competitor")
    filterset_class = TechnicalVerdictFilter
    table_class = TechnicalVerdictTable
    template_name = "winning/verdict_list.html"
    context_object_name = "verdicts"
    export_basename = "technical-verdicts"


def _panel_context(request: AuthenticatedHttpRequest, opportunity: Opportunity, **extra: Any) -> dict[str, Any]:
    score = selectors.deal_probability(opportunity) if opportunity.is_open else None
    can_record = access.can_record_technical_verdict(request.user, opportunity)
    context: dict[str, Any] = {
        "deal": opportunity,
        "verdicts": selectors.deal_verdicts(opportunity),
        "can_record": can_record,
        "form": TechnicalVerdictForm(opportunity=opportunity) if can_record else None,
        "score": score,
        "reasons": selectors.reasons(score) if score is not None else [],
        "latest_model": selectors.latest_model() if score is None else score.model,
    }
    context.update(extra)
    return context


@login_required
def deal_panel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The deal page's technical verdict and win probability (loaded by htmx from deals/_extensions.html)."""
    opportunity = get_object_for_user(Opportunity.objects.select_related("stage"), request.user, pk=pk)
    return render(request, "winning/_deal_panel.html", _panel_context(request, opportunity))


@login_required
def verdict_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record or change the deal's technical verdict for a phase (the lead or a presales manager)."""
    opportunity = get_object_for_user(Opportunity.objects.select_related("stage"), request.user, pk=pk)
    if not access.can_record_technical_verdict(request.user, opportunity):
        raise PermissionDenied
    form = TechnicalVerdictForm(request.POST or None, opportunity=opportunity)
    recorded = submit_form(
        form,
        lambda: services.technical_verdict_record(actor=request.user, opportunity=opportunity, **form.cleaned_data),
    )
    if recorded.ok:
        messages.success(request, _("Technical verdict recorded."))
        return redirect(opportunity.get_absolute_url())
    return render(request, "winning/verdict_form.html", {"form": form, "deal": opportunity})


@require_POST
@login_required
@requires(access.can_retrain_win_model)
def retrain(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Queue a training for the worker (admins and presales managers); the model card shows its progress."""
    model = services.win_model_request(actor=request.user)
    model_id = model.pk
    transaction.on_commit(lambda: tasks.train_win_model(model_id))
    messages.success(request, _("Training queued: the worker trains the model; this page shows its progress."))
    return redirect("insights:win_model")


@login_required
def progress(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The latest training's status, polled by the model card while the worker trains."""
    return render(request, "winning/_progress.html", {"latest": selectors.latest_model()})
