"""Competitor pages: the shared profiles (list, detail with the deals you can see, create, edit)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy

from presales import access
from presales.core.history import history_entries
from presales.core.views import ObjectEditView, ObjectListView, paginate
from presales.deals import services
from presales.deals.filters import CompetitorFilter
from presales.deals.forms import (
    CompetitorForm,
)
from presales.deals.models import Competitor, Opportunity, OpportunityCompetitor
from presales.deals.tables import CompetitorDealTable, CompetitorTable
from presales.people.typing import AuthenticatedHttpRequest


class CompetitorListView(ObjectListView):
    """The shared competitor profiles (everybody sees them)."""

    filterset_class = CompetitorFilter
    table_class = CompetitorTable
    template_name = "deals/competitor_list.html"
    context_object_name = "competitors"
    export_basename = "competitors"

    def get_queryset(self, request: AuthenticatedHttpRequest) -> QuerySet[Competitor]:
        return Competitor.objects.with_threat_rank()

    def get_extra_context(self, request: AuthenticatedHttpRequest, rows: QuerySet[Competitor]) -> dict[str, Any]:
        return {"can_edit_competitors": access.can_edit_competitors(request.user)}


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
    page_obj = paginate(request, links)
    return render(
        request,
        "deals/competitor_detail.html",
        {
            "competitor": competitor,
            "page_obj": page_obj,
            "links": page_obj.object_list,
            "links_table": CompetitorDealTable(page_obj.object_list),
            "can_edit_competitors": access.can_edit_competitors(request.user),
            "history": history_entries(competitor),
        },
    )


class CompetitorEditView(ObjectEditView):
    """Add a shared competitor profile or change one; a change is refused with the differences shown if somebody
    else saved it meanwhile."""

    queryset = Competitor.objects.all()
    visible_to_everyone = True  # the profiles are shared
    form_class = CompetitorForm
    template_name = "deals/competitor_form.html"
    context_object_name = "competitor"
    created_message = gettext_lazy("The competitor was added.")
    updated_message = gettext_lazy("The competitor was saved.")

    def has_permission(self, request: AuthenticatedHttpRequest, obj: Competitor) -> bool:
        return access.can_edit_competitors(request.user)

    def create(self, request: AuthenticatedHttpRequest, form: CompetitorForm, obj: Competitor) -> Competitor:
        return services.competitor_create(actor=request.user, **form.service_data())

    def update(self, request: AuthenticatedHttpRequest, form: CompetitorForm, obj: Competitor) -> Competitor:
        return services.competitor_update(
            actor=request.user, competitor=obj, expected_version=form.cleaned_data["version"], **form.service_data()
        )

    def get_success_url(self, request: AuthenticatedHttpRequest, obj: Competitor) -> str:
        return reverse("deals:competitor_detail", args=[obj.pk])


competitor_list = CompetitorListView.as_view()
competitor_create = competitor_edit = CompetitorEditView.as_view()
