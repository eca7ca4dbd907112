"""Bids pages: tenders (checklists, Q&A, deviation tables, submission), calendar, POCs and their customer link, gaps."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.forms import BaseForm, ChoiceField
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from presales import access
from presales.bids import selectors, services
from presales.bids.filters import PocFilter, ProductGapFilter, TenderFilter
from presales.bids.forms import (
    CriterionForm,
    DeviationForm,
    GapForm,
    ImportForm,
    PocForm,
    QuestionForm,
    ResultForm,
    SectionForm,
    ShareForm,
    SubmissionItemForm,
    TenderForm,
    TestCaseForm,
)
from presales.bids.models import (
    DeviationItem,
    DeviationTable,
    Poc,
    PocCriterion,
    ProductGap,
    SubmissionItem,
    Tender,
    TenderQuestion,
    TenderSection,
    TestCase,
)
from presales.bids.spreadsheets import export_deviations
from presales.bids.tables import PocTable, ProductGapTable, TenderTable, TestCaseTable
from presales.core.forms import apply_validation_error
from presales.core.history import history_entries
from presales.core.lookups import get_object_for_user
from presales.core.views import AttachmentDownloadView, ObjectEditView, ObjectListView, paginate, run_action
from presales.deals.models import Opportunity
from presales.knowledge.models import KnowledgeItem
from presales.people.typing import AuthenticatedHttpRequest


def _deal_from_request(request: AuthenticatedHttpRequest) -> Opportunity:
    source = request.POST if request.method == "POST" else request.GET
    pk = source.get("opportunity", "")
    if not pk.isdigit():
        raise Http404
    return get_object_for_user(Opportunity.objects.select_related("account"), request.user, pk=int(pk))


# --- Tenders ------------------------------------------------------------------------------------


class DealRecordEditView(ObjectEditView):
    """A tender, POC or product gap: created on a deal (`?opportunity=`), changed by whoever may work on the deal."""

    def get_object(self, request: AuthenticatedHttpRequest, **kwargs: Any) -> Any:
        if "pk" in kwargs:
            return super().get_object(request, **kwargs)
        return self.queryset.model(opportunity=_deal_from_request(request))

    def has_permission(self, request: AuthenticatedHttpRequest, obj: Any) -> bool:
        return access.can_work_on_deal(request.user, obj.opportunity)

    def get_extra_context(self, request: AuthenticatedHttpRequest, obj: Any, form: Any) -> dict[str, Any]:
        return {"opportunity": obj.opportunity}


class TenderListView(ObjectListView):
    """Tenders on deals the person can see, the nearest deadline first."""

    queryset = Tender.objects.select_related("opportunity__account")
    filterset_class = TenderFilter
    table_class = TenderTable
    template_name = "bids/tender_list.html"
    context_object_name = "tenders"
    export_basename = "tenders"


tender_list = TenderListView.as_view()


@login_required
def tender_calendar(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upcoming question deadlines, submissions and openings, day by day."""
    return render(request, "bids/tender_calendar.html", {"days": selectors.tender_calendar(request.user)})


def _tender_for(request: AuthenticatedHttpRequest, pk: int) -> Tender:
    return get_object_for_user(
        Tender.objects.select_related("opportunity__account", "winning_competitor"), request.user, pk=pk
    )


class TenderEditView(DealRecordEditView):
    """Open a tender on a deal, or change its dates, status and result; a concurrent edit is shown, never
    overwritten."""

    queryset = Tender.objects.select_related("opportunity__account", "winning_competitor")
    form_class = TenderForm
    template_name = "bids/tender_form.html"
    context_object_name = "tender"
    created_message = gettext_lazy("Tender created.")
    updated_message = gettext_lazy("Tender updated.")

    def get_initial(self, request: AuthenticatedHttpRequest, obj: Tender) -> dict[str, Any]:
        return {"title": obj.opportunity.name} if self.creating else {}

    def create(self, request: AuthenticatedHttpRequest, form: TenderForm, obj: Tender) -> Tender:
        return services.tender_create(actor=request.user, opportunity=obj.opportunity, **form.service_data())

    def update(self, request: AuthenticatedHttpRequest, form: TenderForm, obj: Tender) -> Tender:
        return services.tender_update(
            actor=request.user, tender=obj, expected_version=form.cleaned_data["version"], **form.service_data()
        )


tender_create = tender_edit = TenderEditView.as_view()


def _tender_context(request: AuthenticatedHttpRequest, tender: Tender, **forms: Any) -> dict[str, Any]:
    summary = services.compliance_summary(tender)
    return {
        "tender": tender,
        "table_rows": [(code, label, summary.get(code, {})) for code, label in DeviationTable.choices],
        "sections": tender.sections.select_related("owner"),
        "questions": tender.questions.select_related("asked_by", "knowledge_item"),
        "submission_items": tender.submission_items.select_related("owner", "done_by"),
        "can_work": access.can_work_on_deal(request.user, tender.opportunity),
        "section_form": forms.get("section_form") or SectionForm(),
        "question_form": forms.get("question_form") or QuestionForm(),
        "submission_form": forms.get("submission_form") or SubmissionItemForm(),
        "history": history_entries(tender),
    }


@login_required
def tender_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Everything about one tender on one page: deadlines, sections, Q&A, deviation summary, submission checklist."""
    tender = _tender_for(request, pk)
    return render(request, "bids/tender_detail.html", _tender_context(request, tender))


@login_required
@require_POST
def tender_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    """The small writes of the tender page: sections, Q&A, submission checklist."""
    tender = _tender_for(request, pk)
    actor = request.user
    target = request.POST.get("target", "")
    forms: dict[str, Any] = {}
    form: BaseForm  # one of the action's forms
    try:
        if action == "add_section":
            form = forms["section_form"] = SectionForm(request.POST)
            if form.is_valid():
                services.tender_section_add(actor=actor, tender=tender, **form.cleaned_data)
                return redirect(tender.get_absolute_url() + "#sections")
        elif action == "toggle_section":
            section = TenderSection.objects.get(pk=target, tender=tender) if target.isdigit() else None
            if section is None:
                raise Http404
            services.tender_section_toggle(actor=actor, section=section)
            return redirect(tender.get_absolute_url() + "#sections")
        elif action == "add_question":
            form = forms["question_form"] = QuestionForm(request.POST)
            if form.is_valid():
                item = None
                if form.cleaned_data["knowledge_item"]:
                    item = get_object_for_user(
                        KnowledgeItem.objects.all(), actor, pk=form.cleaned_data["knowledge_item"]
                    )
                services.tender_question_add(
                    actor=actor,
                    tender=tender,
                    question=form.cleaned_data["question"],
                    answer=form.cleaned_data["answer"],
                    knowledge_item=item,
                )
                return redirect(tender.get_absolute_url() + "#questions")
        elif action in ("answer_question", "save_answer"):
            entry = TenderQuestion.objects.filter(pk=target, tender=tender).first() if target.isdigit() else None
            if entry is None:
                raise Http404
            if action == "answer_question":
                services.tender_question_answer(actor=actor, entry=entry, answer=request.POST.get("answer", ""))
            else:
                item = services.tender_question_save_to_knowledge(actor=actor, entry=entry)
                messages.success(request, _("Saved to the knowledge base: %(item)s.") % {"item": item})
            return redirect(tender.get_absolute_url() + "#questions")
        elif action == "add_submission_item":
            form = forms["submission_form"] = SubmissionItemForm(request.POST)
            if form.is_valid():
                services.submission_item_add(actor=actor, tender=tender, **form.cleaned_data)
                return redirect(tender.get_absolute_url() + "#submission")
        elif action in ("tick", "untick"):
            item = SubmissionItem.objects.filter(pk=target, tender=tender).first() if target.isdigit() else None
            if item is None:
                raise Http404
            if action == "tick":
                services.submission_item_tick(actor=actor, item=item, upload=request.FILES.get("attachment"))
            else:
                services.submission_item_untick(actor=actor, item=item)
            return redirect(tender.get_absolute_url() + "#submission")
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(tender.get_absolute_url())
    context = _tender_context(request, tender, **forms)
    return render(request, "bids/tender_detail.html", context, status=400)


class SubmissionDownloadView(AttachmentDownloadView):
    """A submission checklist file, for people who can see the tender (else 404)."""

    queryset = SubmissionItem.objects.all()
    file_field = "attachment"
    name_field = "attachment_name"
    type_field = "attachment_type"


submission_download = SubmissionDownloadView.as_view()


def _table_or_404(table: str) -> str:
    if table not in DeviationTable.values:
        raise Http404
    return table


@login_required
def deviation_table(request: AuthenticatedHttpRequest, pk: int, table: str) -> HttpResponse:
    """One deviation table: every requirement and our response; add, edit and import rows."""
    tender = _tender_for(request, pk)
    table = _table_or_404(table)
    can_work = access.can_work_on_deal(request.user, tender.opportunity)
    form = DeviationForm()
    import_form = ImportForm()
    editing = None
    status = 200
    if request.method == "POST":
        if not can_work:
            raise PermissionDenied
        action = request.POST.get("action", "")
        try:
            if action == "import":
                import_form = ImportForm(request.POST, request.FILES)
                if import_form.is_valid():
                    count = services.deviation_import(
                        actor=request.user, tender=tender, table=table, upload=import_form.cleaned_data["file"]
                    )
                    messages.success(request, _("%(count)s requirements imported.") % {"count": count})
                    return redirect(request.path)
            elif action == "delete":
                row = DeviationItem.objects.filter(pk=request.POST.get("row"), tender=tender).first()  # type: ignore[misc]  # pk=None matches no row (Django: exact None -> IS NULL); stubs reject None
                if row is None:
                    raise Http404
                services.deviation_delete(actor=request.user, row=row)
                return redirect(request.path)
            else:
                row_pk = request.POST.get("row", "")
                editing = DeviationItem.objects.filter(pk=row_pk, tender=tender).first() if row_pk.isdigit() else None
                form = DeviationForm(request.POST, instance=editing)
                if form.is_valid():
                    data = dict(form.cleaned_data)
                    if editing is None:
                        services.deviation_add(actor=request.user, tender=tender, table=table, **data)
                    else:
                        if data.get("position") is None:
                            data["position"] = editing.position
                        services.deviation_update(actor=request.user, row=editing, **data)
                    return redirect(request.path)
        except ValidationError as error:
            target = import_form if action == "import" else form
            apply_validation_error(target, error)
        status = 400
    elif request.GET.get("edit", "").isdigit():
        editing = DeviationItem.objects.filter(pk=request.GET["edit"], tender=tender).first()
        form = DeviationForm(instance=editing)
    rows = tender.deviations.filter(table=table).select_related("owner")
    return render(
        request,
        "bids/deviation_table.html",
        {
            "tender": tender,
            "table": table,
            "table_label": DeviationTable(table).label,
            "rows": rows,
            "form": form,
            "import_form": import_form,
            "editing": editing,
            "can_work": can_work,
            "summary": services.compliance_summary(tender).get(table),
        },
        status=status,
    )


@login_required
def deviation_export(request: AuthenticatedHttpRequest, pk: int, table: str) -> HttpResponse:
    """The table as XLSX in the usual layout (序号, 条款号, 招标文件要求, 投标文件响应, 偏离情况, 说明)."""
    tender = _tender_for(request, pk)
    table = _table_or_404(table)
    content = export_deviations(tender, table)
    name = f"{'technical' if table == DeviationTable.TECHNICAL else 'commercial'}-deviations-{tender.pk}.xlsx"
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- POCs ---------------------------------------------------------------------------------------


class PocListView(ObjectListView):
    queryset = Poc.objects.select_related("opportunity__account", "lead").order_by("end_date", "pk")
    filterset_class = PocFilter
    table_class = PocTable
    template_name = "bids/poc_list.html"
    context_object_name = "pocs"
    export_basename = "pocs"


class PocEditView(DealRecordEditView):
    """Plan a POC on a deal, starting from library test cases, or change one."""

    queryset = Poc.objects.select_related("opportunity__account", "lead")
    form_class = PocForm
    template_name = "bids/poc_form.html"
    context_object_name = "poc"
    created_message = gettext_lazy("POC planned.")
    updated_message = gettext_lazy("POC updated.")

    def get_initial(self, request: AuthenticatedHttpRequest, obj: Poc) -> dict[str, Any]:
        if self.creating:
            return {"title": _("POC: %(deal)s") % {"deal": obj.opportunity.name}, "lead": request.user.pk}
        return {}

    def create(self, request: AuthenticatedHttpRequest, form: PocForm, obj: Poc) -> Poc:
        return services.poc_create(
            actor=request.user,
            opportunity=obj.opportunity,
            test_cases=form.cleaned_data["test_cases"],
            **form.service_data(),
        )

    def update(self, request: AuthenticatedHttpRequest, form: PocForm, obj: Poc) -> Poc:
        return services.poc_update(
            actor=request.user, poc=obj, expected_version=form.cleaned_data["version"], **form.service_data()
        )


poc_list = PocListView.as_view()
poc_create = poc_edit = PocEditView.as_view()


def _poc_for(request: AuthenticatedHttpRequest, pk: int) -> Poc:
    return get_object_for_user(Poc.objects.select_related("opportunity__account", "lead"), request.user, pk=pk)


@login_required
def poc_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A POC: plan, criteria with results, sign-off and the customer link."""
    poc = _poc_for(request, pk)
    criteria = list(poc.criteria.select_related("test_case"))
    return render(
        request,
        "bids/poc_detail.html",
        {
            "poc": poc,
            "criteria": criteria,
            "result_choices": cast(ChoiceField, ResultForm().fields["result"]).choices,
            "criterion_form": CriterionForm(),
            "share_form": ShareForm(),
            "can_work": access.can_work_on_deal(request.user, poc.opportunity),
            "share_url": request.session.pop(f"poc-share-{poc.pk}", None),
            "history": history_entries(poc, children=criteria),
        },
    )


@login_required
@require_POST
def poc_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    """Criteria, results and the customer link."""
    poc = _poc_for(request, pk)
    actor = request.user
    form: BaseForm  # one of the action's forms
    try:
        if action == "add_criterion":
            form = CriterionForm(request.POST)
            if not form.is_valid():
                messages.error(request, " ".join(str(e) for e in form.non_field_errors()) or _("Check the criterion."))
            else:
                services.poc_criterion_add(actor=actor, poc=poc, **form.cleaned_data)
        elif action == "record":
            criterion = PocCriterion.objects.filter(pk=request.POST.get("target"), poc=poc).first()  # type: ignore[misc]  # pk=None matches no row; stubs reject None
            if criterion is None:
                raise Http404
            form = ResultForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Choose a result."))
            else:
                services.poc_criterion_record(
                    actor=actor,
                    criterion=criterion,
                    result=form.cleaned_data["result"],
                    notes=form.cleaned_data["notes"],
                    agreed=form.cleaned_data["agreed"],
                )
        elif action == "share":
            form = ShareForm(request.POST)
            days = form.cleaned_data["days"] if form.is_valid() else 14
            token = services.poc_share_create(actor=actor, poc=poc, days=days)
            # Shown once, on the next page: only the hash is stored.
            request.session[f"poc-share-{poc.pk}"] = request.build_absolute_uri(reverse("bids:poc_share", args=[token]))
        elif action == "revoke":
            services.poc_share_revoke(actor=actor, poc=poc)
            messages.success(request, _("The customer link no longer works."))
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(poc.get_absolute_url())


def poc_share(request: HttpRequest, token: str) -> HttpResponse:
    """The customer's read-only page: the agreed criteria and their results, nothing else; 404 once expired or revoked."""
    poc = services.poc_for_share_token(token)
    if poc is None:
        raise Http404
    criteria = poc.criteria.filter(agreed=True).only("title", "validation", "result", "tested_on", "poc_id")
    response = render(request, "bids/poc_share.html", {"poc": poc, "criteria": criteria})
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def test_case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The library of reusable test cases; presales people add to it."""
    can_add = access.can_log_activity(request.user)
    form = TestCaseForm()
    status = 200
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied
        form = TestCaseForm(request.POST)
        if form.is_valid():
            services.test_case_create(actor=request.user, **form.cleaned_data)
            messages.success(request, _("Test case added to the library."))
            return redirect("bids:test_cases")
        status = 400
    cases = TestCase.objects.annotate(use_count=Count("uses")).order_by("category", "title", "pk")
    page_obj = paginate(request, cases)
    return render(
        request,
        "bids/test_case_list.html",
        {
            "page_obj": page_obj,
            "cases": page_obj.object_list,
            "table": TestCaseTable(page_obj.object_list),
            "form": form,
            "can_add": can_add,
        },
        status=status,
    )


# --- Product gaps -------------------------------------------------------------------------------


class ProductGapListView(ObjectListView):
    """Gaps ranked by open pipeline plus lost revenue at stake, over the deals the person can see."""

    queryset = ProductGap.objects.all()
    filterset_class = ProductGapFilter
    table_class = ProductGapTable
    template_name = "bids/gap_list.html"
    export_basename = "product-gaps"

    def get_rows(self, request: AuthenticatedHttpRequest, filterset: ProductGapFilter, queryset: Any) -> Any:
        return selectors.gap_ranking(filterset.qs)


class ProductGapCreateView(DealRecordEditView):
    """Record a product gap on a deal."""

    queryset = ProductGap.objects.all()
    form_class = GapForm
    template_name = "bids/gap_form.html"
    created_message = gettext_lazy("Product gap recorded.")

    def get_extra_context(self, request: AuthenticatedHttpRequest, obj: ProductGap, form: GapForm) -> dict[str, Any]:
        known = ProductGap.objects.values_list("title", flat=True).distinct().order_by("title")[:200]
        return {**super().get_extra_context(request, obj, form), "known_titles": known}

    def create(self, request: AuthenticatedHttpRequest, form: GapForm, obj: ProductGap) -> ProductGap:
        return services.product_gap_create(actor=request.user, opportunity=obj.opportunity, **form.cleaned_data)

    def get_success_url(self, request: AuthenticatedHttpRequest, obj: ProductGap) -> str:
        return obj.opportunity.get_absolute_url()


gap_list = ProductGapListView.as_view()
gap_create = ProductGapCreateView.as_view()


@login_required
@require_POST
def gap_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    gap = get_object_for_user(ProductGap.objects.select_related("opportunity"), request.user, pk=pk)
    status = request.POST.get("status", "")
    run_action(request, lambda: services.product_gap_set_status(actor=request.user, gap=gap, status=status))
    return redirect(gap.opportunity.get_absolute_url())


# --- Deal page ----------------------------------------------------------------------------------


@login_required
def deal_panel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The deal page's knowledge and bids section (loaded by htmx from deals/_extensions.html)."""
    opportunity = get_object_for_user(Opportunity.objects.select_related("account"), request.user, pk=pk)
    context = selectors.deal_panel(request.user, opportunity)
    context.update(
        deal=opportunity,
        can_work=access.can_work_on_deal(request.user, opportunity),
        gap_statuses=ProductGap._meta.get_field("status").choices,
    )
    return render(request, "bids/_deal_panel.html", context)
