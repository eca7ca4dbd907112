"""Approval pages: what waits for me and what I asked, one request with its decision form, asking for an approval
from a deal's step, the deal page's approvals panel, the flows and the delegations."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from presales import access
from presales.approvals import selectors, services
from presales.approvals.forms import (
    ApproverFormSet,
    DecisionForm,
    DelegationForm,
    FlowForm,
    RequestForm,
    approver_initial,
)
from presales.approvals.models import ApprovalDelegation, ApprovalFlow, ApprovalRequest, ApprovalTask
from presales.core.history import history_entries
from presales.core.lookups import get_object_for_user
from presales.core.views import requires, run_action, run_service, submit_form
from presales.deals.models import DealStep, Opportunity
from presales.people.typing import AuthenticatedHttpRequest

PAGE_ROWS = 100


def _visible_requests(user: object) -> object:
    return access.approval_requests_visible_to(user, ApprovalRequest.objects.all())  # type: ignore[arg-type]


@login_required
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What waits for my decision (mine, or an away approver's I stand in for), and what I asked."""
    tab = "mine" if request.GET.get("tab") == "mine" else "waiting"
    waiting = selectors.tasks_waiting_for(request.user).select_related(
        "approver", "request__opportunity__account", "request__requested_by", "request__flow"
    )
    mine = ApprovalRequest.objects.filter(requested_by=request.user).select_related("opportunity", "flow")
    waiting_count = waiting.count()
    mine_count = mine.count()
    return render(
        request,
        "approvals/inbox.html",
        {
            "tab": tab,
            "waiting": list(waiting.order_by("created_at", "pk")[:PAGE_ROWS]) if tab == "waiting" else [],
            "mine": list(mine.prefetch_related("tasks__approver")[:PAGE_ROWS]) if tab == "mine" else [],
            "waiting_count": waiting_count,
            "mine_count": mine_count,
            "can_manage_flows": access.can_manage_approval_flows(request.user),
        },
    )


@login_required
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One request: what was asked, each approver's decision and comment, the decision form when it is my turn."""
    approval = get_object_or_404(
        _visible_requests(request.user).select_related(  # type: ignore[attr-defined]
            "opportunity__account", "opportunity__sales_owner", "opportunity__stage", "flow", "requested_by"
        ),
        pk=pk,
    )
    tasks = list(approval.tasks.select_related("approver", "decided_by"))
    mine = next((task for task in tasks if _can_decide(request, task, approval)), None)
    return render(
        request,
        "approvals/request_detail.html",
        {
            "approval": approval,
            "tasks": tasks,
            "my_task": mine,
            "form": DecisionForm(initial={"version": mine.version}) if mine else None,
            "can_open_deal": Opportunity.objects.visible_to(request.user).filter(pk=approval.opportunity_id).exists(),
            "history": history_entries(approval, children=tasks),
        },
    )


def _can_decide(request: AuthenticatedHttpRequest, task: ApprovalTask, approval: ApprovalRequest) -> bool:
    task.request = approval
    return access.can_decide_approval(request.user, task)


@login_required
@require_POST
def decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Approve or reject my part of a request, with a comment."""
    task = get_object_or_404(ApprovalTask.objects.select_related("request"), pk=pk)
    if not _visible_requests(request.user).filter(pk=task.request_id).exists():  # type: ignore[attr-defined]
        raise Http404
    if not access.can_decide_approval(request.user, task):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    approve = request.POST.get("decision") == "approve"
    decided = submit_form(
        form, lambda: services.approval_decide(actor=request.user, task=task, approve=approve, **form.service_data())
    )
    if decided.ok:
        messages.success(request, _("Approved.") if approve else _("Rejected."))
        return redirect("approvals:detail", pk=task.request_id)
    approval = task.request
    tasks = list(approval.tasks.select_related("approver", "decided_by"))
    return render(
        request,
        "approvals/request_detail.html",
        {
            "approval": approval,
            "tasks": tasks,
            "my_task": task,
            "form": form,
            "can_open_deal": Opportunity.objects.visible_to(request.user).filter(pk=approval.opportunity_id).exists(),
            "history": history_entries(approval, children=tasks),
        },
        status=200,
    )


@login_required
def request_create(request: AuthenticatedHttpRequest, deal_pk: int, step_key: str) -> HttpResponse:
    """Ask for the approval a deal's step waits for (the quick action on the step)."""
    opportunity = get_object_for_user(Opportunity.objects.select_related("account", "stage"), request.user, pk=deal_pk)
    if not access.can_request_approval(request.user, opportunity):
        raise PermissionDenied
    step = (
        DealStep.objects.filter(opportunity=opportunity, definition__key=step_key).select_related("definition").first()
    )
    if step is None:
        raise Http404
    flow = selectors.flow_for(opportunity, step_key)
    form = RequestForm(request.POST or None)
    created = submit_form(
        form,
        lambda: services.approval_request_create(
            actor=request.user, opportunity=opportunity, step_key=step_key, **form.service_data()
        ),
    )
    if created.ok and created.value is not None:
        messages.success(request, _("Approval requested: the approvers are told."))
        return redirect(created.value)
    approvers = list(flow.approvers.select_related("user")) if flow else []
    return render(
        request,
        "approvals/request_form.html",
        {"deal": opportunity, "step": step, "flow": flow, "approvers": approvers, "form": form},
    )


@login_required
def deal_panel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The deal page's approvals (loaded by htmx from deals/_extensions.html): each request, its decisions and
    comments, and its history."""
    opportunity = get_object_for_user(Opportunity.objects.all(), request.user, pk=pk)
    requests = selectors.requests_of_deal(opportunity)
    return render(request, "approvals/_deal_panel.html", {"deal": opportunity, "approvals": requests})


# --- flows ----------------------------------------------------------------------------------------------------------


@login_required
@requires(access.can_manage_approval_flows)
def flow_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The approval flows: decision, step held, conditions, approvers."""
    flows = ApprovalFlow.objects.prefetch_related("approvers__user").order_by("kind", "pk")
    return render(request, "approvals/flow_list.html", {"flows": flows})


@login_required
@requires(access.can_manage_approval_flows)
def flow_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    """Create or change a flow and its approvers (in order; each a role or a person)."""
    flow = get_object_or_404(ApprovalFlow, pk=pk) if pk else None
    if request.method == "POST":
        form = FlowForm(request.POST, instance=flow)
        formset = ApproverFormSet(request.POST, prefix="approvers")
        if form.is_valid() and formset.is_valid():
            approvers = [spec for spec in (row.spec() for row in formset.forms) if spec is not None]
            data = form.service_data()
            if flow is None:
                saved = run_service(
                    form,
                    lambda: services.approval_flow_create(actor=request.user, approvers=approvers, **data),
                    keep_typed=False,
                )
            else:
                current = flow
                saved = run_service(
                    form,
                    lambda: services.approval_flow_update(
                        actor=request.user,
                        flow=current,
                        approvers=approvers,
                        expected_version=form.cleaned_data.get("version"),
                        **data,
                    ),
                )
            if saved.ok:
                messages.success(request, _("Flow saved."))
                return redirect("approvals:flow_list")
    else:
        form = FlowForm(instance=flow)
        formset = ApproverFormSet(initial=approver_initial(flow), prefix="approvers")
    return render(request, "approvals/flow_form.html", {"flow": flow, "form": form, "formset": formset})


# --- delegations ----------------------------------------------------------------------------------------------------


@login_required
def delegations(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Who stands in for me (and for whom I stand in); an administrator sets them for anybody."""
    for_anybody = (
        access.can_manage_delegation(request.user, request.user) and access.scope_for(request.user).sees_everything
    )
    form = DelegationForm(request.POST or None, user=request.user, for_anybody=for_anybody)
    created = submit_form(form, lambda: services.approval_delegation_create(actor=request.user, **form.service_data()))
    if created.ok:
        messages.success(request, _("Delegation saved."))
        return redirect("approvals:delegations")
    rows = access.approval_delegations_visible_to(
        request.user, ApprovalDelegation.objects.select_related("approver", "delegate")
    ).filter(Q(ends_on__gte=timezone.localdate() - datetime.timedelta(days=90)))
    return render(
        request,
        "approvals/delegations.html",
        {"form": form, "delegations": list(rows[:PAGE_ROWS]), "today": timezone.localdate()},
    )


@login_required
@require_POST
def delegation_end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    delegation = get_object_or_404(
        access.approval_delegations_visible_to(request.user, ApprovalDelegation.objects.all()), pk=pk
    )
    if not access.can_manage_delegation(request.user, delegation.approver):
        raise PermissionDenied
    if run_action(request, lambda: services.approval_delegation_end(actor=request.user, delegation=delegation)).ok:
        messages.success(request, _("Delegation ended."))
    return redirect(reverse("approvals:delegations"))
