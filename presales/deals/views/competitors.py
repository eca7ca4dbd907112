"""Competitor pages: the shared profiles (list, detail with the deals you can see, create, edit)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from presales import access
from presales.core import exports
from presales.core.concurrency import ConcurrentEditError
from presales.core.forms import apply_validation_error, show_conflict
from presales.core.history import history_entries
from presales.deals import services
from presales.deals.filters import CompetitorFilter
from presales.deals.forms import (
    CompetitorForm,
)
from presales.deals.models import Competitor, Opportunity, OpportunityCompetitor, ThreatLevel
from presales.people.typing import AuthenticatedHttpRequest

COMPETITOR_EXPORT_COLUMNS = [
    exports.Column(gettext_lazy("Name"), "name"),
    exports.Column(gettext_lazy("Threat level"), "threat_level"),
    exports.Column(gettext_lazy("Strengths"), "strengths"),
    exports.Column(gettext_lazy("Weaknesses"), "weaknesses"),
    exports.Column(gettext_lazy("Website"), "website"),
]


THREAT_RANK = Case(
    When(threat_level=ThreatLevel.LOW, then=Value(1)),
    When(threat_level=ThreatLevel.MEDIUM, then=Value(2)),
    When(threat_level=ThreatLevel.HIGH, then=Value(3)),
    default=Value(0),
    output_field=IntegerField(),
)


@login_required
def competitor_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The shared competitor profiles."""
    filterset = CompetitorFilter(
        request.GET, queryset=Competitor.objects.annotate(threat_rank=THREAT_RANK), request=request
    )
    if download := exports.export_if_requested(
        request, filterset.qs, COMPETITOR_EXPORT_COLUMNS, basename="competitors"
    ):
        return download
    page_obj = Paginator(filterset.qs, settings.PRESALES_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "deals/competitor_list.html",
        {
            "filter": filterset,
            "page_obj": page_obj,
            "competitors": page_obj.object_list,
            "can_edit_competitors": access.can_edit_competitors(request.user),
            "filtered": any(value for key, value in request.GET.items() if key not in ("page", "ordering")),
        },
    )


@login_required
def competitor_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A competitor profile and the deals the person can see where it appears."""
    competitor = get_object_or_404(Competitor, pk=pk)
    visible_deals = Opportunity.objects.visible_to(request.user)
    links = (
        OpportunityCompetitor.objects.filter(competitor=competitor, opportunity__in=visible_deals)
        .select_related("opportunity__account", "opportunity__stage", "opportunity__sales_owner")
        .order_by("opportunity__outcome", "opportunity__expected_close_date", "pk")
    )
    page_obj = Paginator(links, settings.PRESALES_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "deals/competitor_detail.html",
        {
            "competitor": competitor,
            "page_obj": page_obj,
            "links": page_obj.object_list,
            "can_edit_competitors": access.can_edit_competitors(request.user),
            "history": history_entries(competitor),
        },
    )


@login_required
def competitor_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Add a shared competitor profile."""
    if not access.can_edit_competitors(request.user):
        raise PermissionDenied
    form = CompetitorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            competitor = services.competitor_create(actor=request.user, **form.service_data())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The competitor was added."))
            return redirect("deals:competitor_detail", pk=competitor.pk)
    return render(request, "deals/competitor_form.html", {"form": form})


@login_required
def competitor_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Change a competitor profile; refused with the differences shown if somebody else saved it meanwhile."""
    competitor = get_object_or_404(Competitor, pk=pk)
    if not access.can_edit_competitors(request.user):
        raise PermissionDenied
    form = CompetitorForm(request.POST or None, instance=competitor)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.competitor_update(
                actor=request.user,
                competitor=Competitor.objects.get(pk=pk),
                expected_version=form.cleaned_data["version"],
                **form.service_data(),
            )
        except ConcurrentEditError as error:
            conflict = error
            show_conflict(form, error)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The competitor was saved."))
            return redirect("deals:competitor_detail", pk=pk)
    return render(
        request,
        "deals/competitor_form.html",
        {"form": form, "competitor": Competitor.objects.get(pk=pk), "conflict": conflict},
    )
