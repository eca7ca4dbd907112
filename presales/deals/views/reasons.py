"""The win/loss reasons page: the managed list every close form offers and every report groups by (administrators)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from presales import access
from presales.core.history import history_entries
from presales.core.views import ObjectEditView, requires, run_service
from presales.deals import services
from presales.deals.forms import OutcomeReasonForm
from presales.deals.models import OutcomeReason
from presales.deals.tables import OutcomeReasonTable
from presales.people.typing import AuthenticatedHttpRequest

RECENT_CHANGES = 20


@login_required
@requires(access.can_manage_outcome_reasons)
def outcome_reason_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The reasons with how many deals use each, a form to add one, and the recent changes."""
    form = OutcomeReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, lambda: services.outcome_reason_create(actor=request.user, **form.service_data()))
        if saved.ok:
            messages.success(request, _("The reason was added."))
            return redirect("deals:outcome_reasons")
    reasons = OutcomeReason.objects.annotate(deal_count=Count("opportunities")).order_by("order", "pk")
    changes = OutcomeReason.history.select_related("history_user").order_by("-history_date")[:RECENT_CHANGES]
    return render(
        request,
        "deals/outcome_reason_list.html",
        {
            "table": OutcomeReasonTable(reasons, request=request, sortable=False),
            "form": form,
            "changes": list(changes),
        },
    )


class OutcomeReasonEditView(ObjectEditView):
    """Change one reason; a change is refused with the differences shown if somebody else saved it meanwhile."""

    queryset = OutcomeReason.objects.all()
    visible_to_everyone = True  # the managed list every closing form offers
    form_class = OutcomeReasonForm
    template_name = "deals/outcome_reason_form.html"
    context_object_name = "reason"
    updated_message = gettext_lazy("The reason was saved.")

    def has_permission(self, request: AuthenticatedHttpRequest, obj: OutcomeReason) -> bool:
        return access.can_manage_outcome_reasons(request.user)

    def update(self, request: AuthenticatedHttpRequest, form: OutcomeReasonForm, obj: OutcomeReason) -> OutcomeReason:
        return services.outcome_reason_update(
            actor=request.user, reason=obj, expected_version=form.cleaned_data["version"], **form.service_data()
        )

    def get_extra_context(self, request: AuthenticatedHttpRequest, obj: OutcomeReason, form: Any) -> dict[str, Any]:
        return {"history": history_entries(obj)}

    def get_success_url(self, request: AuthenticatedHttpRequest, obj: OutcomeReason) -> str:
        return reverse("deals:outcome_reasons")


outcome_reason_edit = OutcomeReasonEditView.as_view()
