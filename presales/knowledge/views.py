"""Knowledge pages: search and browse, item detail with files and uses, create/edit, downloads."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from presales import access
from presales.core import exports
from presales.core.concurrency import ConcurrentEditError
from presales.core.forms import apply_validation_error, show_conflict
from presales.core.history import history_entries
from presales.core.lookups import get_object_for_user
from presales.core.uploads import download_response
from presales.deals.models import Opportunity
from presales.knowledge import selectors, services
from presales.knowledge.filters import KnowledgeItemFilter
from presales.knowledge.forms import AttachmentForm, KnowledgeItemForm, UseForm
from presales.knowledge.models import KnowledgeAttachment, KnowledgeItem
from presales.people.typing import AuthenticatedHttpRequest

ITEM_EXPORT_COLUMNS = [
    exports.Column(gettext_lazy("Title"), "title"),
    exports.Column(gettext_lazy("Kind"), "kind"),
    exports.Column(gettext_lazy("Summary"), "summary"),
    exports.Column(gettext_lazy("Industries"), lambda item: ", ".join(str(label) for label in item.industry_labels)),
    exports.Column(gettext_lazy("Products"), "products"),
    exports.Column(gettext_lazy("Tags"), "tags"),
    exports.Column(gettext_lazy("Owner"), "owner"),
    exports.Column(gettext_lazy("Restricted"), "restricted"),
    exports.Column(gettext_lazy("Review by"), "review_date"),
    exports.Column(gettext_lazy("Used on won deals"), "won_uses"),
    exports.Column(gettext_lazy("Uses"), "use_count"),
    exports.Column(gettext_lazy("Updated"), "updated_at"),
]


@login_required
def item_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The knowledge home: search in Chinese or English, or browse with the most useful items first."""
    visible = (
        KnowledgeItem.objects.visible_to(request.user)
        .with_usefulness()
        .select_related("owner")
        .order_by("-won_uses", "-use_count", "-updated_at", "pk")
    )
    filterset = KnowledgeItemFilter(request.GET, queryset=visible, request=request)
    if download := exports.export_if_requested(request, filterset.qs, ITEM_EXPORT_COLUMNS, basename="knowledge"):
        return download
    page_obj = Paginator(filterset.qs, settings.PRESALES_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.get("q", "")
    items = selectors.decorate(page_obj.object_list, query)
    filtered = any(value for key, value in request.GET.items() if key not in ("page", "ordering"))
    return render(
        request,
        "knowledge/item_list.html",
        {
            "filter": filterset,
            "page_obj": page_obj,
            "items": items,
            "query": query,
            "filtered": filtered,
            "can_create": access.can_create_knowledge(request.user),
        },
    )


@login_required
def item_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One item with its files, where it was used, and a form to record using it on a deal."""
    item = get_object_for_user(
        KnowledgeItem.objects.select_related("owner").prefetch_related("competitors"), request.user, pk=pk
    )
    visible_deals = Opportunity.objects.visible_to(request.user).values("pk")
    uses = item.uses.filter(opportunity__in=visible_deals).select_related("opportunity", "used_by")[:20]
    return render(
        request,
        "knowledge/item_detail.html",
        {
            "item": item,
            "attachments": item.attachments.all(),
            "uses": uses,
            "use_form": UseForm(user=request.user, initial={"opportunity": request.GET.get("opportunity")}),
            "attachment_form": AttachmentForm(),
            "can_edit": access.can_edit_knowledge(request.user, item),
            "history": history_entries(item),
        },
    )


@login_required
def item_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Write up something worth reusing."""
    if not access.can_create_knowledge(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = KnowledgeItemForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data.pop("version", None)
            try:
                item = services.knowledge_item_create(
                    actor=request.user,
                    competitors=data.pop("competitors"),
                    industries=data.pop("industry_codes"),
                    **data,
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("Knowledge item saved."))
                return redirect(item.get_absolute_url())
    else:
        form = KnowledgeItemForm(initial={"kind": request.GET.get("kind", "")})
    return render(request, "knowledge/item_form.html", {"form": form})


@login_required
def item_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Keep an item current; a concurrent edit is shown, never overwritten."""
    item = get_object_for_user(KnowledgeItem.objects.select_related("owner"), request.user, pk=pk)
    if not access.can_edit_knowledge(request.user, item):
        raise PermissionDenied
    conflict = None
    if request.method == "POST":
        form = KnowledgeItemForm(request.POST, instance=KnowledgeItem.objects.get(pk=pk))
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.knowledge_item_update(
                    actor=request.user,
                    item=item,
                    expected_version=data.pop("version"),
                    competitors=data.pop("competitors"),
                    industries=data.pop("industry_codes"),
                    **data,
                )
            except ConcurrentEditError as error:
                conflict = error
                show_conflict(form, error)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("Knowledge item updated."))
                return redirect(item.get_absolute_url())
    else:
        form = KnowledgeItemForm(instance=item, initial={"version": item.version})
    return render(request, "knowledge/item_form.html", {"form": form, "item": item, "conflict": conflict})


@login_required
@require_POST
def item_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = get_object_for_user(KnowledgeItem.objects.select_related("owner"), request.user, pk=pk)
    if not access.can_edit_knowledge(request.user, item):
        raise PermissionDenied
    services.knowledge_item_delete(actor=request.user, item=item)
    messages.success(request, _("Knowledge item deleted."))
    return redirect("knowledge:list")


@login_required
@require_POST
def attachment_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Attach a file; a refused file shows why on the item page."""
    item = get_object_for_user(KnowledgeItem.objects.select_related("owner"), request.user, pk=pk)
    if not access.can_edit_knowledge(request.user, item):
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.knowledge_attachment_add(actor=request.user, item=item, upload=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("File attached."))
            return redirect(item.get_absolute_url())
    visible_deals = Opportunity.objects.visible_to(request.user).values("pk")
    return render(
        request,
        "knowledge/item_detail.html",
        {
            "item": item,
            "attachments": item.attachments.all(),
            "uses": item.uses.filter(opportunity__in=visible_deals).select_related("opportunity", "used_by")[:20],
            "use_form": UseForm(user=request.user),
            "attachment_form": form,
            "can_edit": True,
            "history": history_entries(item),
        },
        status=400,
    )


@login_required
@require_POST
def attachment_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    attachment = get_object_for_user(KnowledgeAttachment.objects.select_related("item__owner"), request.user, pk=pk)
    if not access.can_edit_knowledge(request.user, attachment.item):
        raise PermissionDenied
    item = attachment.item
    services.knowledge_attachment_delete(actor=request.user, attachment=attachment)
    messages.success(request, _("File removed."))
    return redirect(item.get_absolute_url())


@login_required
def attachment_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """The only way to a stored file: the person must be able to see the item (else 404)."""
    attachment = get_object_for_user(KnowledgeAttachment.objects.all(), request.user, pk=pk)
    return download_response(attachment.file, filename=attachment.original_name, content_type=attachment.content_type)


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
