"""Opportunity pages: list, board, detail with deal team, competitors and outcome, create and edit."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, DecimalField, ExpressionWrapper, F, QuerySet, Sum
from django.db.models.expressions import Window
from django.db.models.functions import RowNumber
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from presales import access
from presales.core import exports
from presales.core.concurrency import ConcurrentEditError
from presales.core.forms import apply_validation_error, show_conflict
from presales.core.history import history_entries
from presales.core.lookups import get_object_for_user
from presales.core.redirects import safe_next
from presales.customers.models import Account
from presales.deals import services
from presales.deals.filters import OpportunityFilter
from presales.deals.forms import (
    CloseForm,
    DealCompetitorForm,
    DealMemberForm,
    OpportunityForm,
    StageForm,
)
from presales.deals.models import DealTeamMember, Opportunity, OpportunityCompetitor, Outcome
from presales.people.typing import AuthenticatedHttpRequest
from presales.playbook.models import Stage

# Cards per board column: enough to work with, few enough that a column of thousands stays fast.
BOARD_COLUMN_LIMIT = 50

WEIGHTED_AMOUNT = ExpressionWrapper(
    F("amount") * F("probability") / Decimal(100), output_field=DecimalField(max_digits=20, decimal_places=2)
)


# --- helpers ------------------------------------------------------------------------------------


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _version(request: AuthenticatedHttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


def _get_editable_opportunity(request: AuthenticatedHttpRequest, pk: int) -> Opportunity:
    """404 for a deal the person cannot see, 403 for one they can see but not change."""
    opportunity = get_object_for_user(Opportunity.objects.with_list_relations(), request.user, pk=pk)
    if not access.can_edit_opportunity(request.user, opportunity):
        raise PermissionDenied
    return opportunity


def _totals_by_currency(queryset: QuerySet[Opportunity]) -> list[dict[str, Any]]:
    """Sum of amount and weighted amount per currency, in one SQL query (amounts in different currencies never add up)."""
    return list(
        queryset.order_by("currency")
        .values("currency")
        .annotate(count=Count("pk"), amount_sum=Sum("amount"), weighted_sum=Sum(WEIGHTED_AMOUNT))
    )


# --- opportunity list ---------------------------------------------------------------------------

OPPORTUNITY_EXPORT_COLUMNS = [
    exports.Column(gettext_lazy("Opportunity"), "name"),
    exports.Column(gettext_lazy("Account"), "account.name"),
    exports.Column(gettext_lazy("Stage"), "stage.label"),
    exports.Column(gettext_lazy("Amount"), "amount"),
    exports.Column(gettext_lazy("Currency"), "currency"),
    exports.Column(gettext_lazy("Probability (%)"), "probability"),
    exports.Column(gettext_lazy("Weighted"), "weighted_amount"),
    exports.Column(gettext_lazy("Close date"), "expected_close_date"),
    exports.Column(gettext_lazy("Outcome"), "outcome"),
    exports.Column(gettext_lazy("Closed on"), "closed_on"),
    exports.Column(gettext_lazy("Sales owner"), "sales_owner"),
    exports.Column(gettext_lazy("Presales lead"), "presales_lead"),
    exports.Column(gettext_lazy("Source"), "source"),
    exports.Column(gettext_lazy("External ID"), "external_id"),
]


@login_required
def opportunity_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """Every deal the person can see: search, filters, sorting, totals and pages."""
    visible = Opportunity.objects.visible_to(request.user).with_list_relations()
    filterset = OpportunityFilter(request.GET, queryset=visible, request=request)
    rows = filterset.qs
    if download := exports.export_if_requested(request, rows, OPPORTUNITY_EXPORT_COLUMNS, basename="opportunities"):
        return download
    page_obj = Paginator(rows, settings.PRESALES_PAGE_SIZE).get_page(request.GET.get("page"))
    filtered = any(value for key, value in request.GET.items() if key not in ("page", "ordering", "outcome"))
    filtered = filtered or request.GET.get("outcome", Outcome.OPEN) != Outcome.OPEN
    return render(
        request,
        "deals/opportunity_list.html",
        {
            "filter": filterset,
            "page_obj": page_obj,
            "deals": page_obj.object_list,
            "totals": _totals_by_currency(rows),
            "filtered": filtered,
        },
    )


# --- board --------------------------------------------------------------------------------------


def _board_context(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    """Open deals by stage: per-column count and sum, and the first cards of every column, in three queries."""
    data = request.GET.copy()
    data["outcome"] = Outcome.OPEN
    data.pop("ordering", None)
    filterset = OpportunityFilter(data, queryset=Opportunity.objects.visible_to(request.user), request=request)
    deals = filterset.qs
    stages = list(Stage.objects.order_by("number"))

    columns: dict[int, dict[str, Any]] = {
        stage.pk: {"stage": stage, "deals": [], "count": 0, "totals": []} for stage in stages
    }
    for row in (
        deals.order_by("stage_id", "currency")
        .values("stage_id", "currency")
        .annotate(count=Count("pk"), amount=Sum("amount"))
    ):
        column = columns[row["stage_id"]]
        column["count"] += row["count"]
        column["totals"].append({"currency": row["currency"], "amount": row["amount"]})

    # The first cards of every column in one query: number the deals within each stage, keep the first few.
    ranked = (
        deals.with_list_relations()
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("stage_id")],
                order_by=[F("expected_close_date").asc(), F("pk").asc()],
            )
        )
        .filter(position__lte=BOARD_COLUMN_LIMIT)
        .order_by("stage__number", "expected_close_date", "pk")
    )
    for deal in ranked:
        deal.can_edit = access.can_edit_opportunity(request.user, deal)
        columns[deal.stage_id]["deals"].append(deal)

    query = data.copy()
    query.pop("outcome", None)
    board_query = query.urlencode()
    list_base = reverse("deals:list")
    for column in columns.values():
        column["hidden"] = column["count"] - len(column["deals"])
        list_query = query.copy()
        list_query["stage"] = column["stage"].pk
        list_query["ordering"] = "expected_close_date"
        column["list_url"] = f"{list_base}?{list_query.urlencode()}"
    return {
        "filter": filterset,
        "columns": list(columns.values()),
        "stages": stages,
        "board_query": board_query,
        "board_path": reverse("deals:board") + (f"?{board_query}" if board_query else ""),
        "column_limit": BOARD_COLUMN_LIMIT,
    }


@login_required
def board(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The kanban board: open deals in one column per stage."""
    return render(request, "deals/board.html", _board_context(request))


@login_required
@require_POST
def opportunity_move_stage(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Move a deal to another stage from its card on the board (drag and drop or the select) or the deal page."""
    opportunity = _get_editable_opportunity(request, pk)
    form = StageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a stage to move the deal to."))
    elif form.cleaned_data["stage"].pk != opportunity.stage_id:
        stage = form.cleaned_data["stage"]
        try:
            services.opportunity_change_stage(
                actor=request.user, opportunity=opportunity, stage=stage, expected_version=form.cleaned_data["version"]
            )
        except ConcurrentEditError as error:
            messages.error(request, error.message)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request, _("“%(deal)s” moved to %(stage)s.") % {"deal": opportunity.name, "stage": stage.label}
            )
    if request.htmx:
        return render(request, "deals/_board.html", _board_context(request))
    return redirect(safe_next(request, default=reverse("deals:board")))


# --- detail and actions -------------------------------------------------------------------------


def _render_detail(request: AuthenticatedHttpRequest, opportunity: Opportunity, **overrides: Any) -> HttpResponse:
    can_edit = access.can_edit_opportunity(request.user, opportunity)
    stages = list(Stage.objects.order_by("number"))
    context: dict[str, Any] = {
        "deal": opportunity,
        "can_edit": can_edit,
        "stages": stages,
        "members": list(opportunity.members.select_related("user").order_by("role", "user__display_name")),
        "competitor_links": list(
            opportunity.competitor_links.select_related("competitor").order_by("-is_ahead", "competitor__name")
        ),
        "history": history_entries(opportunity),
        "conflict": overrides.pop("conflict", None),
    }
    if can_edit:
        context.update(
            {
                "stage_form": StageForm(initial={"stage": opportunity.stage_id, "version": opportunity.version}),
                "close_form": CloseForm(initial={"version": opportunity.version}),
                "member_form": DealMemberForm(),
                "competitor_form": DealCompetitorForm(),
            }
        )
    context.update(overrides)
    return render(request, "deals/opportunity_detail.html", context)


@login_required
def opportunity_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One deal: value, both process views, deal team, competitors, outcome and history."""
    opportunity = get_object_for_user(Opportunity.objects.with_list_relations(), request.user, pk=pk)
    return _render_detail(request, opportunity)


@login_required
@require_POST
def opportunity_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record won, lost or abandoned with the reason."""
    opportunity = _get_editable_opportunity(request, pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.opportunity_close(
                actor=request.user,
                opportunity=opportunity,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"].strip(),
                closed_on=form.cleaned_data["closed_on"],
                expected_version=form.cleaned_data["version"],
            )
        except ConcurrentEditError as error:
            show_conflict(form, error)
            return _render_detail(request, opportunity, close_form=form, conflict=error)
        except ValidationError as error:
            apply_validation_error(form, error, {"outcome_reason": "reason"})
        else:
            messages.success(request, _("The result was recorded."))
            return redirect(opportunity)
    return _render_detail(request, opportunity, close_form=form)


@login_required
@require_POST
def opportunity_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Put a closed deal back in play."""
    opportunity = _get_editable_opportunity(request, pk)
    try:
        services.opportunity_reopen(actor=request.user, opportunity=opportunity, expected_version=_version(request))
    except ConcurrentEditError as error:
        messages.error(request, error.message)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The deal is open again."))
    return redirect(opportunity)


@login_required
@require_POST
def deal_member_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Put somebody on the deal team."""
    opportunity = _get_editable_opportunity(request, pk)
    form = DealMemberForm(request.POST)
    if form.is_valid():
        try:
            member = services.deal_member_add(
                actor=request.user,
                opportunity=opportunity,
                user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("%(person)s joined the deal team.") % {"person": member.user})
            return redirect(opportunity)
    return _render_detail(request, opportunity, member_form=form)


@login_required
@require_POST
def deal_member_remove(request: AuthenticatedHttpRequest, pk: int, member_pk: int) -> HttpResponse:
    """Take somebody off the deal team."""
    opportunity = _get_editable_opportunity(request, pk)
    member = get_object_or_404(
        DealTeamMember.objects.select_related("user", "opportunity"), pk=member_pk, opportunity=opportunity
    )
    services.deal_member_remove(actor=request.user, member=member)
    messages.success(request, _("%(person)s left the deal team.") % {"person": member.user})
    return redirect(opportunity)


@login_required
@require_POST
def deal_competitor_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record a competitor in the deal, or update how they stand."""
    opportunity = _get_editable_opportunity(request, pk)
    form = DealCompetitorForm(request.POST)
    if form.is_valid():
        try:
            link = services.deal_competitor_add(actor=request.user, opportunity=opportunity, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("%(competitor)s is recorded in this deal.") % {"competitor": link.competitor})
            return redirect(opportunity)
    return _render_detail(request, opportunity, competitor_form=form)


@login_required
@require_POST
def deal_competitor_remove(request: AuthenticatedHttpRequest, pk: int, link_pk: int) -> HttpResponse:
    """Take a competitor off the deal."""
    opportunity = _get_editable_opportunity(request, pk)
    link = get_object_or_404(
        OpportunityCompetitor.objects.select_related("competitor", "opportunity"), pk=link_pk, opportunity=opportunity
    )
    services.deal_competitor_remove(actor=request.user, link=link)
    messages.success(request, _("%(competitor)s was removed from this deal.") % {"competitor": link.competitor})
    return redirect(opportunity)


# --- create and edit ----------------------------------------------------------------------------


@login_required
def opportunity_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Open a new deal, optionally for the account given in `?account=`."""
    if not access.can_create_opportunity(request.user):
        raise PermissionDenied
    initial: dict[str, Any] = {}
    account_pk = request.GET.get("account", "")
    account = None
    if account_pk.isdigit():
        account = Account.objects.visible_to(request.user).filter(pk=account_pk).first()
        if account is not None:
            initial["account"] = account
    form = OpportunityForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            opportunity = services.opportunity_create(
                actor=request.user, competitors=list(form.cleaned_data["competitors"]), **form.service_data()
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The opportunity was created."))
            return redirect(opportunity)
    return render(request, "deals/opportunity_form.html", {"form": form, "account": account})


@login_required
def opportunity_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Change a deal; refused with the differences shown if somebody else saved it meanwhile."""
    opportunity = _get_editable_opportunity(request, pk)
    form = OpportunityForm(request.POST or None, instance=opportunity, user=request.user)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            _save_opportunity(request, pk, form)
        except ConcurrentEditError as error:
            conflict = error
            show_conflict(form, error)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The opportunity was saved."))
            return redirect("deals:detail", pk=pk)
    # The form wrote the typed values into the instance while validating; show the saved ones in the header.
    saved = Opportunity.objects.with_list_relations().get(pk=pk)
    return render(request, "deals/opportunity_form.html", {"form": form, "deal": saved, "conflict": conflict})


@transaction.atomic
def _save_opportunity(request: AuthenticatedHttpRequest, pk: int, form: OpportunityForm) -> None:
    """Fields through opportunity_update, a new stage through opportunity_change_stage (its rules apply)."""
    # Re-read: validating the form wrote the typed values into its instance.
    current = Opportunity.objects.select_related("stage").get(pk=pk)
    data = form.service_data()
    new_stage = data.pop("stage")
    # Passing the stage unchanged keeps it in the conflict report if somebody else moved the deal.
    updated = services.opportunity_update(
        actor=request.user,
        opportunity=current,
        expected_version=form.cleaned_data["version"],
        stage=current.stage,
        **data,
    )
    if new_stage.pk != updated.stage_id:
        services.opportunity_change_stage(
            actor=request.user, opportunity=updated, stage=new_stage, expected_version=updated.version
        )
