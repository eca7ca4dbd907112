"""Opportunity pages: list, board, detail with deal team, competitors and outcome, create and edit."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, QuerySet, Sum
from django.db.models.expressions import Window
from django.db.models.functions import RowNumber
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from presales import access
from presales.core.history import history_entries
from presales.core.lookups import get_object_for_user
from presales.core.redirects import safe_next
from presales.core.views import ObjectDeleteView, ObjectEditView, ObjectListView, run_action, submit_form
from presales.currencies.models import company_currency
from presales.currencies.rates import in_company_currency, on_deal_date
from presales.customers.models import Account
from presales.deals import selectors, services
from presales.deals.filters import OpportunityFilter
from presales.deals.forms import (
    CloseForm,
    DealCompetitorForm,
    DealConflictForm,
    DealMemberForm,
    OpportunityForm,
    StageForm,
)
from presales.deals.models import DealConflict, DealTeamMember, Opportunity, OpportunityCompetitor, Outcome
from presales.deals.tables import OpportunityTable
from presales.people.typing import AuthenticatedHttpRequest
from presales.playbook.models import Stage

# Cards per board column: enough to work with, few enough that a column of thousands stays fast.
BOARD_COLUMN_LIMIT = 50


# --- helpers ------------------------------------------------------------------------------------


def _version(request: AuthenticatedHttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


def _get_editable_opportunity(request: AuthenticatedHttpRequest, pk: int) -> Opportunity:
    """404 for a deal the person cannot see, 403 for one they can see but not change."""
    opportunity = get_object_for_user(Opportunity.objects.with_list_relations(), request.user, pk=pk)
    if not access.can_edit_opportunity(request.user, opportunity):
        raise PermissionDenied
    return opportunity


def _company_totals(queryset: QuerySet[Opportunity]) -> list[dict[str, Any]]:
    """Sum of amount and weighted amount in the company currency, in one SQL query (docs/domain.md, Money): each deal
    converts at the rate of its close date, an open one at today's; each row keeps its own amount and currency. With
    deals the win model in use scored, also the amount weighted by the model (`model_weighted_sum`: the dashboards'
    forecast when the model beats the stage probabilities)."""
    on = on_deal_date(timezone.localdate())
    totals = (
        queryset.order_by()
        .annotate(
            company_amount=in_company_currency("amount", on=on),
            company_weighted=in_company_currency(selectors.weighted_amount(), on=on),
            company_model_weighted=in_company_currency(selectors.model_weighted_amount(), on=on),
        )
        .aggregate(
            count=Count("pk"),
            amount_sum=Sum("company_amount"),
            weighted_sum=Sum("company_weighted"),
            model_weighted_sum=Sum("company_model_weighted"),
            scored=Count("win_probability"),
        )
    )
    if not totals["count"]:
        return []
    return [{"currency": company_currency(), **totals}]


# --- opportunity list ---------------------------------------------------------------------------


# The filters under "More filters" on the deal list.
MORE_FILTERS = (
    "industry",
    "region",
    "presales_lead",
    "supported_by",
    "presales",
    "team",
    "close_from",
    "close_to",
    "closed_from",
    "closed_to",
    "competitor",
    "amount_min",
    "amount_max",
    "activity_kind",
    "risk",
)


class OpportunityListView(ObjectListView):
    """Every deal the person can see: search, filters, sorting, totals and pages."""

    queryset = Opportunity.objects.with_list_relations()
    filterset_class = OpportunityFilter
    table_class = OpportunityTable
    template_name = "deals/opportunity_list.html"
    context_object_name = "deals"
    export_basename = "opportunities"

    def is_filtered(self, request: AuthenticatedHttpRequest, filterset: OpportunityFilter) -> bool:
        # The list shows open deals until asked otherwise: another outcome is a filter, "open" is not.
        filtered = any(value for key, value in request.GET.items() if key not in ("page", "ordering", "outcome"))
        return filtered or request.GET.get("outcome", Outcome.OPEN) != Outcome.OPEN

    def get_extra_context(self, request: AuthenticatedHttpRequest, rows: QuerySet[Opportunity]) -> dict[str, Any]:
        totals = _company_totals(rows)
        return {
            "totals": totals,
            # The totals' query counts the rows: the pages need not count them again.
            "row_count": totals[0]["count"] if totals else 0,
            "more_filters": f",{','.join(MORE_FILTERS)},",
            # Folded unless one of them is set.
            "more_filters_open": any(request.GET.get(name) for name in MORE_FILTERS),
        }


opportunity_list = OpportunityListView.as_view()


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
    currency = company_currency()
    for row in (
        deals.order_by("stage_id")
        .values("stage_id")
        .annotate(count=Count("pk"), amount=Sum(in_company_currency("amount", on=timezone.localdate())))
    ):
        column = columns[row["stage_id"]]
        column["count"] += row["count"]
        column["totals"].append({"currency": currency, "amount": row["amount"] or 0})

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


def _confirm_url(opportunity: Opportunity, stage: Any, next_url: str) -> str:
    return f"{reverse('deals:move_stage_confirm', args=[opportunity.pk])}?{urlencode({'stage': stage.pk, 'next': next_url})}"


@login_required
@require_POST
def opportunity_move_stage(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Move a deal to another stage from its card on the board (drag and drop or the select), the deal page or the
    confirmation page; a move past open steps goes to the confirmation page first (the stage gate)."""
    opportunity = _get_editable_opportunity(request, pk)
    form = StageForm(request.POST)
    next_url = safe_next(request, default=reverse("deals:board"))
    if not form.is_valid():
        messages.error(request, _("Choose a stage to move the deal to."))
    elif form.cleaned_data["stage"].pk != opportunity.stage_id:
        stage = form.cleaned_data["stage"]
        reason = form.cleaned_data["reason"]
        gate = services.stage_gate(opportunity, stage)
        if (gate.blocking or gate.held or gate.open_steps) and not reason.strip():
            # Ask before moving: the confirmation page lists the open steps and takes the reason (or says which
            # go/no-go decision blocks the move).
            if "reason" in request.POST:
                messages.error(request, _("Say why the deal moves on with these steps open."))
            confirm = _confirm_url(opportunity, stage, next_url)
            if request.htmx:
                return HttpResponse(headers={"HX-Redirect": confirm})
            return redirect(confirm)
        moved = run_action(
            request,
            lambda: services.opportunity_change_stage(
                actor=request.user,
                opportunity=opportunity,
                stage=stage,
                expected_version=form.cleaned_data["version"],
                reason=reason,
            ),
        )
        if moved.ok:
            messages.success(
                request, _("“%(deal)s” moved to %(stage)s.") % {"deal": opportunity.name, "stage": stage.label}
            )
        elif reason.strip() and not request.htmx:
            return redirect(_confirm_url(opportunity, stage, next_url))
    if request.htmx:
        return render(request, "deals/_board.html", _board_context(request))
    return redirect(next_url)


@login_required
def opportunity_move_stage_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The stage gate's question: the open steps a move passes, and the reason to move on anyway (or the go/no-go
    decision that blocks it)."""
    opportunity = _get_editable_opportunity(request, pk)
    stage = get_object_or_404(Stage, pk=request.GET.get("stage") or 0)
    gate = services.stage_gate(opportunity, stage)
    form = StageForm(initial={"stage": stage.pk, "version": opportunity.version})
    return render(
        request,
        "deals/stage_confirm.html",
        {
            "deal": opportunity,
            "stage": stage,
            "gate": gate,
            "form": form,
            "next_url": safe_next(request, default=opportunity.get_absolute_url()),
        },
    )


# --- detail and actions -------------------------------------------------------------------------


def _render_detail(request: AuthenticatedHttpRequest, opportunity: Opportunity, **overrides: Any) -> HttpResponse:
    can_edit = access.can_edit_opportunity(request.user, opportunity)
    stages = list(Stage.objects.order_by("number"))
    summary = selectors.deal_summary(request.user, opportunity)
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
        "deal_conflicts": services.deal_conflicts_for(opportunity),
        "summary": summary,
        # The quick actions: each shown only to whoever may do it (the views behind them check again).
        "can_log": access.can_log_activity(request.user),
        "can_ask": opportunity.is_open and access.can_create_request(request.user),
        "can_complete_my_step": summary.my_step is not None and access.can_work_step(request.user, summary.my_step),
    }
    if can_edit:
        context.update(
            {
                "stage_form": StageForm(
                    initial={"stage": opportunity.stage_id, "version": opportunity.version}
                ).show_stages(stages),
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
    closed = submit_form(
        form,
        lambda: services.opportunity_close(actor=request.user, opportunity=opportunity, **form.service_data()),
        field_map={"win_loss_reason": "reason", "outcome_reason": "details"},
    )
    if closed.ok:
        messages.success(request, _("The result was recorded."))
        return redirect(opportunity)
    return _render_detail(request, opportunity, close_form=form, conflict=closed.conflict)


@login_required
@require_POST
def opportunity_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Put a closed deal back in play."""
    opportunity = _get_editable_opportunity(request, pk)
    reopened = run_action(
        request,
        lambda: services.opportunity_reopen(
            actor=request.user, opportunity=opportunity, expected_version=_version(request)
        ),
    )
    if reopened.ok:
        messages.success(request, _("The deal is open again."))
    return redirect(opportunity)


@login_required
@require_POST
def deal_member_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Put somebody on the deal team."""
    opportunity = _get_editable_opportunity(request, pk)
    form = DealMemberForm(request.POST)
    added = submit_form(
        form, lambda: services.deal_member_add(actor=request.user, opportunity=opportunity, **form.service_data())
    )
    if added.value is not None:
        messages.success(request, _("%(person)s joined the deal team.") % {"person": added.value.user})
        return redirect(opportunity)
    return _render_detail(request, opportunity, member_form=form)


class DealRowRemoveView(ObjectDeleteView):
    """Take a row off a deal (a team member, a competitor) from a button on the deal page: whoever may edit the deal."""

    row_kwarg: str

    def get_object(self, request: AuthenticatedHttpRequest, **kwargs: Any) -> Any:
        opportunity = _get_editable_opportunity(request, kwargs["pk"])
        return get_object_or_404(self.queryset, pk=kwargs[self.row_kwarg], opportunity=opportunity)

    def has_permission(self, request: AuthenticatedHttpRequest, obj: Any) -> bool:
        return True  # checked with the deal in get_object (403 for a deal the person sees but may not change)

    def get_success_url(self, request: AuthenticatedHttpRequest, obj: Any) -> str:
        return obj.opportunity.get_absolute_url()


class DealMemberRemoveView(DealRowRemoveView):
    """Take somebody off the deal team."""

    queryset = DealTeamMember.objects.select_related("user", "opportunity")
    row_kwarg = "member_pk"

    def get_success_message(self, obj: DealTeamMember) -> str:
        return _("%(person)s left the deal team.") % {"person": obj.user}

    def delete(self, request: AuthenticatedHttpRequest, obj: DealTeamMember) -> None:
        services.deal_member_remove(actor=request.user, member=obj)


class DealCompetitorRemoveView(DealRowRemoveView):
    """Take a competitor off the deal."""

    queryset = OpportunityCompetitor.objects.select_related("competitor", "opportunity")
    row_kwarg = "link_pk"

    def get_success_message(self, obj: OpportunityCompetitor) -> str:
        return _("%(competitor)s was removed from this deal.") % {"competitor": obj.competitor}

    def delete(self, request: AuthenticatedHttpRequest, obj: OpportunityCompetitor) -> None:
        services.deal_competitor_remove(actor=request.user, link=obj)


deal_member_remove = DealMemberRemoveView.as_view()
deal_competitor_remove = DealCompetitorRemoveView.as_view()


@login_required
@require_POST
def deal_competitor_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record a competitor in the deal, or update how they stand."""
    opportunity = _get_editable_opportunity(request, pk)
    form = DealCompetitorForm(request.POST)
    added = submit_form(
        form, lambda: services.deal_competitor_add(actor=request.user, opportunity=opportunity, **form.service_data())
    )
    if added.value is not None:
        messages.success(
            request, _("%(competitor)s is recorded in this deal.") % {"competitor": added.value.competitor}
        )
        return redirect(opportunity)
    return _render_detail(request, opportunity, competitor_form=form)


# --- create and edit ----------------------------------------------------------------------------


class OpportunityEditView(ObjectEditView):
    """Open a new deal (optionally for the account given in `?account=`), or change one; a change is refused with the
    differences shown if somebody else saved the deal meanwhile."""

    queryset = Opportunity.objects.with_list_relations()
    form_class = OpportunityForm
    template_name = "deals/opportunity_form.html"
    context_object_name = "deal"
    created_message = gettext_lazy("The opportunity was created.")
    updated_message = gettext_lazy("The opportunity was saved.")

    def has_permission(self, request: AuthenticatedHttpRequest, obj: Opportunity) -> bool:
        if self.creating:
            return access.can_create_opportunity(request.user)
        return access.can_edit_opportunity(request.user, obj)

    def _account(self, request: AuthenticatedHttpRequest) -> Account | None:
        account_pk = request.GET.get("account", "")
        if not account_pk.isdigit():
            return None
        return Account.objects.visible_to(request.user).filter(pk=account_pk).first()

    def get_form_kwargs(self, request: AuthenticatedHttpRequest, obj: Opportunity) -> dict[str, Any]:
        return {"user": request.user}

    def get_initial(self, request: AuthenticatedHttpRequest, obj: Opportunity) -> dict[str, Any]:
        account = self._account(request) if self.creating else None
        return {"account": account} if account is not None else {}

    def get_extra_context(
        self, request: AuthenticatedHttpRequest, obj: Opportunity, form: OpportunityForm
    ) -> dict[str, Any]:
        return {"account": self._account(request)} if self.creating else {}

    def create(self, request: AuthenticatedHttpRequest, form: OpportunityForm, obj: Opportunity) -> Opportunity:
        return services.opportunity_create(
            actor=request.user, competitors=list(form.cleaned_data["competitors"]), **form.service_data()
        )

    @transaction.atomic
    def update(self, request: AuthenticatedHttpRequest, form: OpportunityForm, obj: Opportunity) -> Opportunity:
        """Fields through opportunity_update, a new stage through opportunity_change_stage (its rules apply)."""
        current = Opportunity.objects.select_related("stage").get(pk=obj.pk)
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
            try:
                updated = services.opportunity_change_stage(
                    actor=request.user,
                    opportunity=updated,
                    stage=new_stage,
                    expected_version=updated.version,
                    reason=form.cleaned_data.get("stage_reason", ""),
                )
            except (services.StageGateNeedsReason, services.StageGateClosed, services.StageGateHeld) as error:
                # On the field where the reason is typed (a closed gate: on the stage chosen).
                field = "stage_reason" if isinstance(error, services.StageGateNeedsReason) else "stage"
                raise ValidationError({field: error.messages}) from error
        return updated


opportunity_create = opportunity_edit = OpportunityEditView.as_view()


# --- deal conflicts (撞单) -------------------------------------------------------------------------


@login_required
def deal_conflict(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Two reps' open deals for one account and product line: both deals (the ones the person may open linked), and
    for a manager over either, the form that resolves it with a reason."""
    conflict = get_object_or_404(
        DealConflict.objects.select_related(
            "first__account", "first__sales_owner", "second__sales_owner", "first__product_line", "resolved_by"
        ),
        pk=pk,
    )
    visible = set(
        Opportunity.objects.visible_to(request.user)
        .filter(pk__in=[conflict.first_id, conflict.second_id])
        .values_list("pk", flat=True)
    )
    if not visible:
        raise PermissionDenied
    can_resolve = conflict.is_open and access.can_resolve_deal_conflict(request.user, conflict)
    form = DealConflictForm(request.POST or None) if can_resolve else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        done = submit_form(
            form, lambda: services.deal_conflict_resolve(actor=request.user, conflict=conflict, **form.service_data())
        )
        if done.ok:
            messages.success(request, _("The deal conflict was resolved."))
            return redirect(conflict)
    return render(
        request,
        "deals/deal_conflict.html",
        {
            "conflict": conflict,
            "deals": [(deal, deal.pk in visible) for deal in (conflict.first, conflict.second)],
            "form": form,
            "history": history_entries(conflict),
        },
    )
