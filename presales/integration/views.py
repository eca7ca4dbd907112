"""Import pages (upload, columns, check/preview, progress, result) and the calendar feed (profile panel, .ics)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from presales import access
from presales.core import workers
from presales.core.lookups import get_object_for_user
from presales.core.views import paginate, requires, run_action, submit_form
from presales.integration import calendar, runner, services, values
from presales.integration.forms import MappingForm, StartForm, UploadForm, ValuesForm
from presales.integration.mapping import fields_for
from presales.integration.models import QUEUED_FOR, ImportJob, ImportStatus
from presales.integration.tables import ImportJobTable, ImportRowErrorTable
from presales.people.typing import AuthenticatedHttpRequest


@login_required
@require_http_methods(["GET", "POST"])
@requires(access.can_import)
def import_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload a file and say what it holds; the person's earlier imports are listed below."""
    kinds = services.allowed_kinds(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_job_create(
                actor=request.user, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect(job)
    jobs = list(ImportJob.objects.visible_to(request.user).filter(owner=request.user)[:20])
    return render(
        request, "integration/import_start.html", {"form": form, "jobs": jobs, "jobs_table": ImportJobTable(jobs)}
    )


def _job(request: AuthenticatedHttpRequest, pk: int) -> ImportJob:
    job = get_object_for_user(ImportJob.objects.select_related("owner"), request.user, pk=pk)
    if job.owner_id != request.user.pk:
        # An admin may look at anybody's import but only the uploader runs it.
        if request.method == "POST":
            raise PermissionDenied
    return job


@login_required
@require_http_methods(["GET", "POST"])
def import_mapping(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Which column feeds which field: preset to the automatic matches, with the first rows to judge by."""
    job = _job(request, pk)
    if not job.headers:  # not read yet (or refused): the job page shows why
        return redirect(job)
    form = MappingForm(request.POST if request.method == "POST" else None, job=job)
    mapped = submit_form(
        form,
        lambda: services.import_job_set_mapping(
            actor=request.user, job=job, mapping=form.mapping(), defaults=form.defaults()
        ),
    )
    if mapped.ok:
        return redirect("integration:import_values", pk=job.pk)
    return render(
        request,
        "integration/import_mapping.html",
        {"job": job, "form": form, "sample": job.sample_rows, "auto_count": len(job.mapping)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_values(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """What each value in the file becomes (people, stages, industries ...): automatic matches, changeable; what
    matches nothing gets the default this page announces. Saving queues the check."""
    job = _job(request, pk)
    if not job.headers:
        return redirect(job)
    if not job.mapping:
        return redirect("integration:import_mapping", pk=job.pk)
    fields = values.value_fields(job)
    form = ValuesForm(request.POST if request.method == "POST" else None, job=job, fields=fields, actor=request.user)
    saved = submit_form(
        form, lambda: services.import_job_set_values(actor=request.user, job=job, value_map=form.value_map())
    )
    if saved.ok:
        return redirect(job)
    unmatched = {fv.key: sum(row.rows for row in fv.unmatched) for fv in fields}
    return render(
        request,
        "integration/import_values.html",
        {
            "job": job,
            "form": form,
            "unmatched_owners": unmatched.get("owner", 0),
            "unmatched_industries": unmatched.get("industry", 0),
            "unmatched_stages": unmatched.get("stage", 0),
            "formula_count": job.formula_count,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_job(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The job's page: progress while it runs, the preview with every row's errors, then the result."""
    job = _job(request, pk)
    if job.status == ImportStatus.MAPPING and job.headers:
        return redirect("integration:import_mapping", pk=job.pk)
    form = StartForm(request.POST if request.method == "POST" else None)
    if submit_form(form, lambda: services.import_job_start(actor=request.user, job=job, **form.cleaned_data)).ok:
        return redirect(job)
    errors = paginate(request, job.row_errors.all())
    return render(
        request,
        "integration/import_job.html",
        {
            "job": job,
            "form": form,
            "page_obj": errors,
            "row_errors": errors.object_list,
            "row_errors_table": ImportRowErrorTable(errors.object_list),
            "progress": _progress(job),
            "worker": _worker_state(job),
            "field_labels": [
                (spec.label, job.headers[job.mapping[spec.key]])
                for spec in fields_for(job.kind)
                if spec.key in job.mapping
            ],
            "formula_cells": [
                (row, job.headers[column] if column < len(job.headers) else column + 1, text)
                for row, column, text in job.formulas
            ],
        },
    )


def _progress(job: ImportJob) -> dict[str, int]:
    done = runner.read_progress(job) if job.is_running else job.total_rows
    total = job.total_rows or 1
    return {"done": done, "total": job.total_rows, "percent": min(100, round(100 * done / total))}


def _worker_state(job: ImportJob) -> str:
    """What the page says about the worker of a job that has not ended: "cancelling", "stopped" (its worker died;
    the job is taken over within a minute), "no_worker" (none running: nothing will happen), or ""."""
    if not job.is_running:
        return ""
    if runner.cancel_requested(job):
        return "cancelling"
    if job.status in QUEUED_FOR:
        return "" if workers.is_alive(job.worker) else "stopped"
    if not any(
        heartbeat.kind == "worker" and heartbeat.seconds_ago() < workers.ALIVE_SECONDS
        for heartbeat in workers.heartbeats()
    ):
        return "no_worker"
    return ""


@login_required
@require_POST
def import_retry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Run a failed or cancelled import again from where it stopped."""
    job = _job(request, pk)
    if run_action(request, lambda: services.import_job_retry(actor=request.user, job=job)).ok:
        messages.success(request, _("The import was queued again."))
    return redirect(job)


@login_required
@require_POST
def import_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Cancel an import that has not ended; a running one stops at its next progress point, keeping nothing."""
    job = _job(request, pk)
    cancelled = run_action(request, lambda: services.import_job_cancel(actor=request.user, job=job))
    if cancelled.value is not None:
        job = cancelled.value
        if job.status == ImportStatus.CANCELLED:
            messages.success(request, _("The import was cancelled. Nothing was imported."))
        else:
            messages.success(request, _("The import is stopping. Nothing of it will be kept."))
    return redirect(job)


@login_required
@require_GET
def import_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The progress bar, polled every second by htmx; once the job stops, the browser reloads the job page."""
    job = _job(request, pk)
    if not job.is_running:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = job.get_absolute_url()
        return response
    return render(
        request,
        "integration/_import_progress.html",
        {"job": job, "progress": _progress(job), "worker": _worker_state(job)},
    )


# --- calendar feed ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def calendar_feed_manage(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Create, regenerate (the old address stops working) or revoke the person's calendar address."""
    new_url = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action in ("create", "regenerate"):
            secret = calendar.calendar_feed_regenerate(user=request.user)
            new_url = request.build_absolute_uri(reverse("integration:calendar_feed", args=[secret]))
            messages.success(request, _("Your calendar address was created. Copy it now: it is shown only once."))
        elif action == "revoke":
            calendar.calendar_feed_revoke(user=request.user)
            messages.success(request, _("Your calendar address was revoked; calendar apps can no longer read it."))
        else:
            raise Http404
        if not request.htmx and not new_url:
            return redirect(reverse("people:profile") + "#calendar-feed")
    context = {"feed": calendar.feed_for(request.user), "new_url": new_url}
    template = "integration/_calendar_panel.html" if request.htmx else "integration/calendar_feed.html"
    return render(request, template, context)


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar file itself; the secret in the address is the only credential (calendar apps cannot sign in)."""
    user = calendar.user_for_token(token)
    if user is None:
        raise Http404
    response = HttpResponse(calendar.feed_text(user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="presales-hub.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
