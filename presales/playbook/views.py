"""The process pages: stages, each deal's checklist, my next steps, the accountability board and the playbook
editor."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from presales import access
from presales.core import exports
from presales.core.concurrency import ConcurrentEditError
from presales.core.history import history_entries
from presales.core.lookups import get_object_for_user
from presales.deals.models import Opportunity, Outcome
from presales.notifications.models import Notification
from presales.people.typing import AuthenticatedHttpRequest
from presales.playbook import selectors, services
from presales.playbook.forms import (
    DealMoveForm,
    ReassignForm,
    StepDefinitionForm,
    StepStatusForm,
    answer_form,
)
from presales.playbook.models import DealPlaybook, DealStep, PlaybookVersion, Stage, StepDefinition


@login_required
def stages(request: AuthenticatedHttpRequest) -> HttpResponse:
    """PRODUCT.md §3.1 as a table, with how many of the person's visible open deals sit in each stage."""
    visible = Opportunity.objects.visible_to(request.user).filter(outcome=Outcome.OPEN).values("pk")
    rows = Stage.objects.annotate(open_deals=Count("opportunities", filter=Q(opportunities__in=visible)))
    return render(
        request,
        "playbook/stages.html",
        {
            "stages": rows,
            "can_edit_playbook": access.can_edit_playbook(request.user),
            "perms_board": access.can_see_accountability_board(request.user),
        },
    )


# --- A deal's checklist -------------------------------------------------------------------------------------------


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


def _safe_next(request: AuthenticatedHttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


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
    template = "playbook/_deal_checklist.html" if request.htmx else "playbook/deal_checklist.html"
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
        try:
            services.deal_playbook_move(
                actor=request.user, opportunity=opportunity, version=form.cleaned_data["playbook"]
            )
            messages.success(
                request, _("The deal now follows %(version)s.") % {"version": form.cleaned_data["playbook"]}
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect("playbook:deal", pk=opportunity.pk)


def _step_context(request: AuthenticatedHttpRequest, step: DealStep, **extra: object) -> dict[str, object]:
    can_work = access.can_work_step(request.user, step)
    can_reassign = step.is_open and can_work
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
        **extra,
    }


@login_required
def step_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One step: what it asks, who owns it, its answer form, status, hand-over and history."""
    step = _step(request, pk)
    return render(request, "playbook/step_detail.html", _step_context(request, step))


@login_required
def step_complete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Complete a step with its typed answer; from "my next steps" this works inline through htmx."""
    step = _step(request, pk)
    if not access.can_work_step(request.user, step):
        raise PermissionDenied
    inline = bool(request.htmx) and request.GET.get("inline") != "0"
    if request.method != "POST":
        return render(request, "playbook/_answer_form.html", {"step": step, "form": answer_form(step), "inline": True})
    form = answer_form(step, request.POST)
    conflict = None
    if form.is_valid():
        try:
            services.deal_step_complete(
                actor=request.user, step=step, answer=form.answer(), expected_version=form.cleaned_data.get("version")
            )
        except ConcurrentEditError as error:
            form.add_error(None, error.message)
            conflict = error
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            if inline:
                return render(request, "playbook/_step_done.html", {"step": step})
            messages.success(request, _("Step done: %(step)s") % {"step": step.definition})
            return redirect(_safe_next(request, reverse("playbook:deal", args=[step.opportunity_id])))
    if inline:
        return render(
            request, "playbook/_answer_form.html", {"step": step, "form": form, "inline": True, "conflict": conflict}
        )
    return render(request, "playbook/step_detail.html", _step_context(request, step, form=form, conflict=conflict))


@login_required
@require_POST
def step_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Start, block, skip or reopen a step (skip and block need a reason)."""
    step = _step(request, pk)
    if not access.can_work_step(request.user, step):
        raise PermissionDenied
    form = StepStatusForm(request.POST)
    conflict = None
    if form.is_valid():
        try:
            services.deal_step_set_status(
                actor=request.user,
                step=step,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data.get("version"),
            )
        except ConcurrentEditError as error:
            form.add_error(None, error.message)
            conflict = error
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Status saved: %(step)s") % {"step": step.definition})
            return redirect(_safe_next(request, reverse("playbook:deal", args=[step.opportunity_id])))
    return render(
        request, "playbook/step_detail.html", _step_context(request, step, status_form=form, conflict=conflict)
    )


@login_required
@require_POST
def step_reassign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Hand the step over to somebody else who can see the deal."""
    step = _step(request, pk)
    if not access.can_work_step(request.user, step):
        raise PermissionDenied
    form = ReassignForm(request.POST, step=step)
    conflict = None
    if form.is_valid():
        try:
            services.deal_step_reassign(
                actor=request.user,
                step=step,
                user=form.cleaned_data["responsible"],
                expected_version=form.cleaned_data.get("version"),
            )
        except ConcurrentEditError as error:
            form.add_error(None, error.message)
            conflict = error
        except ValidationError as error:
            for message in error.messages:
                form.add_error("responsible", message)
        else:
            messages.success(request, _("Handed over to %(person)s.") % {"person": form.cleaned_data["responsible"]})
            return redirect("playbook:step", pk=step.pk)
    return render(
        request, "playbook/step_detail.html", _step_context(request, step, reassign_form=form, conflict=conflict)
    )


# --- People's pages -----------------------------------------------------------------------------------------------


MY_STEPS_EXPORT_COLUMNS = [
    exports.Column(gettext_lazy("Due"), "due_date"),
    exports.Column(gettext_lazy("Overdue"), "overdue"),
    exports.Column(gettext_lazy("No."), "definition.order"),
    exports.Column(gettext_lazy("Step"), lambda step: str(step.definition)),
    exports.Column(gettext_lazy("Status"), "status"),
    exports.Column(gettext_lazy("Opportunity"), "opportunity.name"),
    exports.Column(gettext_lazy("Account"), "opportunity.account.name"),
    exports.Column(gettext_lazy("Stage"), lambda step: step.opportunity.stage.label),
]


@login_required
def my_steps(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """Every open step the person is responsible for, overdue first, each completable in place."""
    steps = selectors.my_next_steps(request.user)
    if download := exports.export_if_requested(request, steps, MY_STEPS_EXPORT_COLUMNS, basename="my-steps"):
        return download
    return render(
        request,
        "playbook/my_steps.html",
        {
            "steps": steps,
            "overdue_count": sum(1 for s in steps if getattr(s, "overdue", False)),
            "unread": Notification.objects.filter(recipient=request.user, read_at__isnull=True).count(),
        },
    )


@login_required
def board(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Managers' accountability board: open and overdue steps by role and by person, with the trend."""
    if not access.can_see_accountability_board(request.user):
        raise PermissionDenied
    return render(request, "playbook/board.html", {"board": selectors.accountability_board(request.user)})


# --- Editing the playbook -----------------------------------------------------------------------------------------


def _require_editor(request: AuthenticatedHttpRequest) -> None:
    if not access.can_edit_playbook(request.user):
        raise PermissionDenied


@login_required
def playbook_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The playbook's versions, the current steps and the draft being edited (admins and presales managers)."""
    _require_editor(request)
    versions = PlaybookVersion.objects.annotate(
        deals=Count("dealplaybook", distinct=True), step_count=Count("steps", distinct=True)
    )
    draft = PlaybookVersion.objects.filter(published_at__isnull=True).first()
    current = PlaybookVersion.objects.current()
    shown = draft or current
    steps = shown.steps.select_related("stage").order_by("order") if shown else []
    return render(
        request,
        "playbook/settings.html",
        {"versions": versions, "draft": draft, "current": current, "shown": shown, "steps": steps},
    )


@login_required
@require_POST
def draft_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_editor(request)
    services.playbook_draft_create(actor=request.user, notes=request.POST.get("notes", ""))
    return redirect("playbook:settings")


@login_required
@require_POST
def draft_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    draft = get_object_or_404(PlaybookVersion, pk=pk)
    try:
        services.playbook_publish(actor=request.user, playbook=draft, notes=request.POST.get("notes", ""))
        messages.success(request, _("%(version)s is published: new deals start on it.") % {"version": draft})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("playbook:settings")


@login_required
def step_definition_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    """Add or change a step of the draft: wording, order, owner, consulted roles, stage, answer and due rule."""
    _require_editor(request)
    draft = PlaybookVersion.objects.filter(published_at__isnull=True).first()
    if draft is None:
        messages.error(request, _("Start a draft first."))
        return redirect("playbook:settings")
    instance = get_object_or_404(StepDefinition, pk=pk, playbook=draft) if pk else StepDefinition(playbook=draft)
    conflict = None
    if request.method == "POST":
        form = StepDefinitionForm(request.POST, instance=instance)
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in services.STEP_FIELDS}
            try:
                if pk:
                    services.step_definition_update(
                        actor=request.user,
                        step=StepDefinition.objects.get(pk=pk),
                        expected_version=form.cleaned_data.get("version"),
                        **data,
                    )
                else:
                    services.step_definition_create(actor=request.user, playbook=draft, **data)
            except ConcurrentEditError as error:
                form.add_error(None, error.message)
                conflict = error
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                return redirect("playbook:settings")
    else:
        form = StepDefinitionForm(instance=instance)
    return render(
        request, "playbook/step_form.html", {"form": form, "draft": draft, "instance": instance, "conflict": conflict}
    )


@login_required
@require_POST
def step_definition_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    step = get_object_or_404(StepDefinition, pk=pk)
    try:
        services.step_definition_delete(actor=request.user, step=step)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("playbook:settings")
