"""The checklist pages: each deal's checklist and qualification, one step (answer, status, hand-over, history),
my next steps and the managers' accountability board."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from presales import access
from presales.core.history import history_entries
from presales.core.lookups import get_object_for_user
from presales.core.redirects import safe_next
from presales.core.views import ObjectListView, requires, run_action, submit_form
from presales.deals import selectors, services
from presales.deals.filters import DealStepFilter
from presales.deals.forms import DealMoveForm, ReassignForm, StepStatusForm
from presales.deals.models import DealPlaybook, DealStep, Opportunity
from presales.deals.services.answers import answer_form
from presales.deals.tables import MyStepTable, StepTable, UnassignedStepTable
from presales.notifications.models import Notification
from presales.people.models import User
from presales.people.typing import AuthenticatedHttpRequest
from presales.playbook import gates as step_holds
from presales.playbook.models import STEP_ROLE_TAKERS, PlaybookVersion


def _deal(request: AuthenticatedHttpRequest, pk: int) -> Opportunity:
    queryset = Opportunity.objects.select_related(
        "account", "stage", "sales_owner", "presales_lead", "team__manager", "presales_team__manager"
    )
    return get_object_for_user(queryset, request.user, pk=pk)


def _step(request: AuthenticatedHttpRequest, pk: int) -> DealStep:
    queryset = DealStep.objects.select_related(
        "definition__stage",
        "definition__playbook",
        "responsible",
        "answer_contact",
        "opportunity__account",
        "opportunity__stage",
    )
    return get_object_for_user(queryset, request.user, pk=pk)


@login_required
def deal_checklist(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Every step of one deal with its owner, due date, status and answer, and the qualification summary."""
    opportunity = _deal(request, pk)
    services.ensure_deal_playbook(opportunity)
    steps = selectors.deal_checklist(opportunity)
    deal_playbook = DealPlaybook.objects.select_related("playbook").filter(opportunity=opportunity).first()
    current = PlaybookVersion.objects.current()
    can_move = (
        deal_playbook is not None
        and current is not None
        and current.pk != deal_playbook.playbook_id
        and access.can_move_deal_playbook(request.user, opportunity)
    )
    context = {
        "opportunity": opportunity,
        "groups": selectors.group_by_stage(steps),
        "qualification": selectors.qualification(opportunity, steps),
        "deal_playbook": deal_playbook,
        "current_playbook": current,
        "move_form": DealMoveForm(initial={"playbook": current}) if can_move else None,
        "can_edit": access.can_edit_opportunity(request.user, opportunity),
    }
    template = "deals/_deal_checklist.html" if request.htmx else "deals/deal_checklist.html"
    return render(request, template, context)


@login_required
@require_POST
def deal_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Move a deal to another published playbook version (answers of steps that still exist are kept)."""
    opportunity = _deal(request, pk)
    if not access.can_move_deal_playbook(request.user, opportunity):
        raise PermissionDenied
    form = DealMoveForm(request.POST)
    if form.is_valid():
        version = form.cleaned_data["playbook"]
        moved = run_action(
            request,
            lambda: services.deal_playbook_move(actor=request.user, opportunity=opportunity, version=version),
        )
        if moved.ok:
            messages.success(request, _("The deal now follows %(version)s.") % {"version": version})
    return redirect("deals:checklist", pk=opportunity.pk)


def _step_context(request: AuthenticatedHttpRequest, step: DealStep, **extra: object) -> dict[str, object]:
    can_work = access.can_work_step(request.user, step)
    can_reassign = step.is_open and access.can_assign_step(request.user, step)
    return {
        "step": step,
        "opportunity": step.opportunity,
        "can_work": can_work and step.opportunity.is_open,
        "form": extra.pop("form", None) or (answer_form(step) if can_work else None),
        "status_form": extra.pop("status_form", None)
        or StepStatusForm(
            initial={
                "status": step.status if step.status != "done" else "in_progress",
                "reason": step.reason,
                "version": step.version,
            }
        ),
        "reassign_form": extra.pop("reassign_form", None) or (ReassignForm(step=step) if can_reassign else None),
        "history": history_entries(step),
        "overdue": step.is_overdue(),
        # An approval (or anything an app above the playbook registered) the step waits for: its message and action.
        "hold": step_holds.holds_for(step.opportunity_id, [step.definition.key]).get(step.definition.key)
        if step.is_open and step.opportunity.is_open
        else None,
        **extra,
    }


def _render_step(request: AuthenticatedHttpRequest, step: DealStep, **extra: object) -> HttpResponse:
    """The step's page (again, with the form that was sent and what the service said, after a refused change)."""
    return render(request, "deals/step_detail.html", _step_context(request, step, **extra))


def _back_to_checklist(request: AuthenticatedHttpRequest, step: DealStep) -> HttpResponse:
    """After a change to a step: where the person came from, else the deal's checklist."""
    return redirect(safe_next(request, reverse("deals:checklist", args=[step.opportunity_id])))


@login_required
def step_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One step: what it asks, who owns it, its answer form, status, hand-over and history."""
    return _render_step(request, _step(request, pk))


@login_required
def step_complete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Complete a step with its typed answer; from "my next steps" this works inline through htmx."""
    step = _step(request, pk)
    if not access.can_work_step(request.user, step):
        raise PermissionDenied
    inline = bool(request.htmx) and request.GET.get("inline") != "0"
    if request.method != "POST":
        return render(request, "deals/_answer_form.html", {"step": step, "form": answer_form(step), "inline": True})
    form = answer_form(step, request.POST)
    completed = submit_form(
        form,
        lambda: services.deal_step_complete(
            actor=request.user, step=step, answer=form.answer(), expected_version=form.cleaned_data.get("version")
        ),
    )
    if completed.ok and inline:
        return render(request, "deals/_step_done.html", {"step": step})
    if completed.ok:
        messages.success(request, _("Step done: %(step)s") % {"step": step.definition})
        return _back_to_checklist(request, step)
    if inline:
        context = {"step": step, "form": form, "inline": True, "conflict": completed.conflict}
        return render(request, "deals/_answer_form.html", context)
    return _render_step(request, step, form=form, conflict=completed.conflict)


@login_required
@require_POST
def step_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Start, block, skip or reopen a step (skip and block need a reason)."""
    step = _step(request, pk)
    if not access.can_work_step(request.user, step):
        raise PermissionDenied
    form = StepStatusForm(request.POST)
    saved = submit_form(
        form, lambda: services.deal_step_set_status(actor=request.user, step=step, **form.service_data())
    )
    if saved.ok:
        messages.success(request, _("Status saved: %(step)s") % {"step": step.definition})
        return _back_to_checklist(request, step)
    return _render_step(request, step, status_form=form, conflict=saved.conflict)


@login_required
@require_POST
def step_reassign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Hand the step over to somebody else who can see the deal."""
    step = _step(request, pk)
    if not access.can_assign_step(request.user, step):
        raise PermissionDenied
    form = ReassignForm(request.POST, step=step)
    handed_over = submit_form(
        form, lambda: services.deal_step_reassign(actor=request.user, step=step, **form.service_data())
    )
    if handed_over.ok:
        messages.success(request, _("Handed over to %(person)s.") % {"person": form.cleaned_data["responsible"]})
        return redirect("deals:step", pk=step.pk)
    return _render_step(request, step, reassign_form=form, conflict=handed_over.conflict)


# --- People's pages -----------------------------------------------------------------------------------------------


class MyStepsView(ObjectListView):
    """The steps a person can act on now, grouped by deal, overdue first, each completable in place; the upcoming
    steps (stages not reached yet) one click away (`?show=upcoming`)."""

    table_class = MyStepTable
    template_name = "deals/my_steps.html"
    context_object_name = "steps"
    export_basename = "my-steps"

    def _upcoming(self, request: AuthenticatedHttpRequest) -> bool:
        return request.GET.get("show") == "upcoming"

    def get_queryset(self, request: AuthenticatedHttpRequest) -> Any:
        return selectors.my_next_steps(request.user, upcoming=self._upcoming(request))

    def prepare_rows(self, request: AuthenticatedHttpRequest, rows: list[DealStep]) -> list[DealStep]:
        return selectors.mark_overdue(rows)

    def get_extra_context(self, request: AuthenticatedHttpRequest, rows: Any) -> dict[str, Any]:
        mine = DealStep.objects.visible_to(request.user).filter(responsible=request.user)
        counts = mine.open().aggregate(
            actionable=Count("pk", filter=Q(actionable_since__isnull=False)),
            upcoming=Count("pk", filter=Q(actionable_since__isnull=True)),
            overdue=Count("pk", filter=Q(actionable_since__isnull=False, due_date__lt=timezone.localdate())),
        )
        return {
            "showing_upcoming": self._upcoming(request),
            "actionable_count": counts["actionable"],
            "upcoming_count": counts["upcoming"],
            "overdue_count": counts["overdue"],
            "unread": Notification.objects.filter(recipient=request.user, read_at__isnull=True).count(),
        }


my_steps = MyStepsView.as_view()


class StepListView(ObjectListView):
    """Open or overdue steps of the deals the person sees, by role and person: where the board's figures lead."""

    queryset = DealStep.objects.select_related("definition", "opportunity", "responsible")
    filterset_class = DealStepFilter
    table_class = StepTable
    template_name = "deals/step_list.html"
    context_object_name = "steps"
    export_basename = "steps"

    def get_extra_context(self, request: AuthenticatedHttpRequest, rows: Any) -> dict[str, Any]:
        return {"can_see_board": access.can_see_accountability_board(request.user)}


step_list = StepListView.as_view()


def _candidates(user: Any, steps: list[DealStep]) -> None:
    """Put on each step the active people who can take it (the manager first when they can): one query."""
    wanted = {role for step in steps for role in STEP_ROLE_TAKERS.get(step.definition.responsible_role, ())}
    people = list(User.objects.active().filter(role__in=wanted).order_by("display_name", "username"))
    for step in steps:
        roles = STEP_ROLE_TAKERS.get(step.definition.responsible_role, ())
        fitting = [p for p in people if p.role in roles]
        fitting.sort(key=lambda p: p.pk != user.pk)  # "assign to me" is the one click when it fits
        step.candidates = fitting  # type: ignore[attr-defined]


class UnassignedStepsView(ObjectListView):
    """The manager's queue of steps nobody on the deal can take ("unassigned: needs a presales lead"), each assigned
    in one click."""

    table_class = UnassignedStepTable
    template_name = "deals/unassigned_steps.html"
    context_object_name = "steps"
    export_basename = "unassigned-steps"

    def has_permission(self, request: AuthenticatedHttpRequest) -> bool:
        return bool(access.unassigned_queue_roles(request.user))

    def get_queryset(self, request: AuthenticatedHttpRequest) -> Any:
        return (
            DealStep.objects.in_unassigned_queue_of(request.user)
            .select_related("definition__stage", "opportunity__account", "opportunity__stage")
            .order_by(F("due_date").asc(nulls_last=True), "opportunity_id", "definition__order")
        )

    def prepare_rows(self, request: AuthenticatedHttpRequest, rows: list[DealStep]) -> list[DealStep]:
        _candidates(request.user, rows)
        token = get_token(request)
        for step in rows:
            step.csrf_token = token  # type: ignore[attr-defined]
        return rows


unassigned_steps = UnassignedStepsView.as_view()


@login_required
@require_POST
def step_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Give an unassigned step its owner from the manager's queue (one click: the row's form)."""
    step = get_object_or_404(
        DealStep.objects.in_unassigned_queue_of(request.user).select_related("definition", "opportunity"), pk=pk
    )
    form = ReassignForm(request.POST, step=step)
    if form.is_valid():
        assigned = run_action(
            request, lambda: services.deal_step_reassign(actor=request.user, step=step, **form.service_data())
        )
        if assigned.ok:
            text = _("%(step)s on %(deal)s is now %(person)s's.") % {
                "step": step.definition,
                "deal": step.opportunity,
                "person": form.cleaned_data["responsible"],
            }
            if request.htmx:
                return HttpResponse(format_html('<tr id="unassigned-{}"><td colspan="7">✓ {}</td></tr>', step.pk, text))
            messages.success(request, text)
    else:
        messages.error(request, _("Choose who takes the step."))
    return redirect("deals:unassigned")


@login_required
@requires(access.can_see_accountability_board)
def accountability_board(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Managers' accountability board: open and overdue steps by role and by person, with the trend."""
    return render(request, "deals/accountability_board.html", {"board": selectors.accountability_board(request.user)})
