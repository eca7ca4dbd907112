"""The process pages: the stages and the playbook editor (settings). Each deal's checklist pages are in deals."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from presales import access
from presales.core.views import requires, run_action, run_service
from presales.people.typing import AuthenticatedHttpRequest
from presales.playbook import services
from presales.playbook.forms import StepDefinitionForm
from presales.playbook.models import PlaybookVersion, Stage, StepDefinition
from presales.playbook.tables import PlaybookVersionTable, StageTable, StepDefinitionTable


@login_required
def stages(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The paired stages (docs/domain.md, Stages) as a table, with how many of the person's visible open deals sit in
    each stage."""
    # The deals are reached through the stage's reverse relation: the playbook sits below the deals app.
    visible = access.visible_opportunities(request.user, Stage, "opportunities").open().values("pk")
    rows = Stage.objects.annotate(open_deals=Count("opportunities", filter=Q(opportunities__in=visible)))
    return render(
        request,
        "playbook/stages.html",
        {
            "stages": rows,
            "table": StageTable(rows),
            "can_edit_playbook": access.can_edit_playbook(request.user),
            "perms_board": access.can_see_accountability_board(request.user),
        },
    )


# --- Editing the playbook -----------------------------------------------------------------------------------------


@login_required
@requires(access.can_edit_playbook)
def playbook_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The playbook's versions, the current steps and the draft being edited (admins and presales managers)."""
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
        {
            "versions": versions,
            "versions_table": PlaybookVersionTable(versions, current=current),
            "draft": draft,
            "current": current,
            "shown": shown,
            "steps": steps,
            "steps_table": StepDefinitionTable(steps, request=request, draft=draft),
        },
    )


@login_required
@require_POST
@requires(access.can_edit_playbook)
def draft_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    services.playbook_draft_create(actor=request.user, notes=request.POST.get("notes", ""))
    return redirect("playbook:settings")


@login_required
@require_POST
@requires(access.can_edit_playbook)
def draft_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    draft = get_object_or_404(PlaybookVersion, pk=pk)
    published = run_action(
        request,
        lambda: services.playbook_publish(actor=request.user, playbook=draft, notes=request.POST.get("notes", "")),
    )
    if published.ok:
        messages.success(request, _("%(version)s is published: new deals start on it.") % {"version": draft})
    return redirect("playbook:settings")


@login_required
@requires(access.can_edit_playbook)
def step_definition_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    """Add or change a step of the draft: wording, order, owner, consulted roles, stage, answer and due rule."""
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
            saved = run_service(
                form,
                lambda: (
                    services.step_definition_update(
                        actor=request.user,
                        step=StepDefinition.objects.get(pk=pk),
                        expected_version=form.cleaned_data.get("version"),
                        **data,
                    )
                    if pk
                    else services.step_definition_create(actor=request.user, playbook=draft, **data)
                ),
            )
            conflict = saved.conflict
            if saved.ok:
                return redirect("playbook:settings")
    else:
        form = StepDefinitionForm(instance=instance)
    return render(
        request, "playbook/step_form.html", {"form": form, "draft": draft, "instance": instance, "conflict": conflict}
    )


@login_required
@require_POST
@requires(access.can_edit_playbook)
def step_definition_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    step = get_object_or_404(StepDefinition, pk=pk)
    run_action(request, lambda: services.step_definition_delete(actor=request.user, step=step))
    return redirect("playbook:settings")
