"""Knowledge pages: search and browse, item detail with files and uses, create/edit, downloads."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from presales import access
from presales.core.history import history_entries
from presales.core.lookups import get_object_for_user
from presales.core.views import (
    AttachmentDownloadView,
    AttachmentUploadView,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
)
from presales.deals.models import Opportunity
from presales.knowledge import selectors, services
from presales.knowledge.filters import KnowledgeItemFilter
from presales.knowledge.forms import AttachmentForm, KnowledgeItemForm, UseForm
from presales.knowledge.models import KnowledgeAttachment, KnowledgeItem
from presales.knowledge.tables import KnowledgeItemTable
from presales.people.typing import AuthenticatedHttpRequest


class KnowledgeItemListView(ObjectListView):
    """The knowledge home: search in Chinese or English, or browse with the most useful items first."""

    queryset = (
        KnowledgeItem.objects.with_usefulness()
        .select_related("owner")
        .order_by("-won_uses", "-use_count", "-updated_at", "pk")
    )
    filterset_class = KnowledgeItemFilter
    table_class = KnowledgeItemTable
    template_name = "knowledge/item_list.html"
    context_object_name = "items"
    export_basename = "knowledge"

    def prepare_rows(self, request: AuthenticatedHttpRequest, rows: list[Any]) -> list[Any]:
        # Highlights for the shown page only: done in Python, after the database picked the page.
        return selectors.decorate(rows, request.GET.get("q", ""))

    def get_extra_context(self, request: AuthenticatedHttpRequest, rows: Any) -> dict[str, Any]:
        return {"query": request.GET.get("q", ""), "can_create": access.can_create_knowledge(request.user)}


def _detail_context(request: AuthenticatedHttpRequest, item: KnowledgeItem, **overrides: Any) -> dict[str, Any]:
    visible_deals = Opportunity.objects.visible_to(request.user).values("pk")
    return {
        "item": item,
        "attachments": item.attachments.all(),
        "uses": item.uses.filter(opportunity__in=visible_deals).select_related("opportunity", "used_by")[:20],
        "use_form": UseForm(user=request.user, initial={"opportunity": request.GET.get("opportunity")}),
        "attachment_form": AttachmentForm(),
        "can_edit": access.can_edit_knowledge(request.user, item),
        "history": history_entries(item),
        **overrides,
    }


@login_required
def item_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One item with its files, where it was used, and a form to record using it on a deal."""
    item = get_object_for_user(
        KnowledgeItem.objects.select_related("owner").prefetch_related("competitors"), request.user, pk=pk
    )
    return render(request, "knowledge/item_detail.html", _detail_context(request, item))


class KnowledgeItemEditView(ObjectEditView):
    """Write up something worth reusing, or keep an item current; a concurrent edit is shown, never overwritten."""

    queryset = KnowledgeItem.objects.select_related("owner")
    form_class = KnowledgeItemForm
    template_name = "knowledge/item_form.html"
    context_object_name = "item"
    created_message = gettext_lazy("Knowledge item saved.")
    updated_message = gettext_lazy("Knowledge item updated.")

    def has_permission(self, request: AuthenticatedHttpRequest, obj: KnowledgeItem) -> bool:
        if self.creating:
            return access.can_create_knowledge(request.user)
        return access.can_edit_knowledge(request.user, obj)

    def get_initial(self, request: AuthenticatedHttpRequest, obj: KnowledgeItem) -> dict[str, Any]:
        return {"kind": request.GET.get("kind", "")} if self.creating else {}

    @staticmethod
    def _service_data(form: KnowledgeItemForm) -> dict[str, Any]:
        data = form.cleaned_data
        return {"competitors": data["competitors"], "industries": data["industry_codes"], **form.service_data()}

    def create(self, request: AuthenticatedHttpRequest, form: KnowledgeItemForm, obj: KnowledgeItem) -> KnowledgeItem:
        return services.knowledge_item_create(actor=request.user, **self._service_data(form))

    def update(self, request: AuthenticatedHttpRequest, form: KnowledgeItemForm, obj: KnowledgeItem) -> KnowledgeItem:
        return services.knowledge_item_update(
            actor=request.user,
            item=obj,
            expected_version=form.cleaned_data["version"],
            **self._service_data(form),
        )


class KnowledgeItemDeleteView(ObjectDeleteView):
    queryset = KnowledgeItem.objects.select_related("owner")
    success_message = gettext_lazy("Knowledge item deleted.")

    def has_permission(self, request: AuthenticatedHttpRequest, obj: KnowledgeItem) -> bool:
        return access.can_edit_knowledge(request.user, obj)

    def delete(self, request: AuthenticatedHttpRequest, obj: KnowledgeItem) -> None:
        services.knowledge_item_delete(actor=request.user, item=obj)

    def get_success_url(self, request: AuthenticatedHttpRequest, obj: KnowledgeItem) -> str:
        return reverse("knowledge:list")


class KnowledgeAttachmentUploadView(AttachmentUploadView):
    """Attach a file; a refused file shows why on the item page."""

    queryset = KnowledgeItem.objects.select_related("owner")
    form_class = AttachmentForm
    success_message = gettext_lazy("File attached.")

    def has_permission(self, request: AuthenticatedHttpRequest, obj: KnowledgeItem) -> bool:
        return access.can_edit_knowledge(request.user, obj)

    def attach(self, request: AuthenticatedHttpRequest, obj: KnowledgeItem, upload: Any) -> Any:
        return services.knowledge_attachment_add(actor=request.user, item=obj, upload=upload)

    def render_invalid(self, request: AuthenticatedHttpRequest, obj: KnowledgeItem, form: Any) -> HttpResponse:
        context = _detail_context(request, obj, attachment_form=form, can_edit=True)
        return render(request, "knowledge/item_detail.html", context)


class KnowledgeAttachmentDeleteView(ObjectDeleteView):
    queryset = KnowledgeAttachment.objects.select_related("item__owner")
    success_message = gettext_lazy("File removed.")

    def has_permission(self, request: AuthenticatedHttpRequest, obj: KnowledgeAttachment) -> bool:
        return access.can_edit_knowledge(request.user, obj.item)

    def delete(self, request: AuthenticatedHttpRequest, obj: KnowledgeAttachment) -> None:
        services.knowledge_attachment_delete(actor=request.user, attachment=obj)

    def get_success_url(self, request: AuthenticatedHttpRequest, obj: KnowledgeAttachment) -> str:
        return obj.item.get_absolute_url()


class KnowledgeAttachmentDownloadView(AttachmentDownloadView):
    """The only way to a stored file: the person must be able to see the item (else 404)."""

    queryset = KnowledgeAttachment.objects.all()


item_list = KnowledgeItemListView.as_view()
item_create = item_edit = KnowledgeItemEditView.as_view()
item_delete = KnowledgeItemDeleteView.as_view()
attachment_upload = KnowledgeAttachmentUploadView.as_view()
attachment_delete = KnowledgeAttachmentDeleteView.as_view()
attachment_download = KnowledgeAttachmentDownloadView.as_view()


@login_required
@require_POST
def item_use(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record that the item was used on a deal."""
    item = get_object_for_user(KnowledgeItem.objects.all(), request.user, pk=pk)
    form = UseForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose an opportunity you can see."))
        return redirect(item.get_absolute_url())
    opportunity = form.cleaned_data["opportunity"]
    services.knowledge_use_record(
        actor=request.user, item=item, opportunity=opportunity, note=form.cleaned_data["note"]
    )
    messages.success(request, _("Recorded: used on %(deal)s.") % {"deal": opportunity})
    if request.POST.get("next") == "deal":
        return redirect(opportunity.get_absolute_url())
    return redirect(item.get_absolute_url())
