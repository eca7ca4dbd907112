"""Presales work pages: quick activity log, lists, week and team views, support requests with triage, workload."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from presales import access
from presales.core import exports
from presales.core.concurrency import ConcurrentEditError
from presales.core.forms import apply_validation_error, show_conflict
from presales.core.history import history_entries
from presales.core.lookups import get_object_for_user
from presales.deals.models import Opportunity
from presales.people.models import PRESALES_ROLES, User
from presales.people.typing import AuthenticatedHttpRequest
from presales.work import selectors, services, triage
from presales.work.filters import ActivityFilter, SupportRequestFilter
from presales.work.forms import ActivityForm, CancelForm, DecisionForm, SupportRequestForm, TriageForm
from presales.work.models import Activity, ActivityStatus, RequestStatus, SupportRequest


def _week_from(request: AuthenticatedHttpRequest) -> datetime.date:
    day = parse_date(request.GET.get("week", "") or "") or timezone.localdate()
    return selectors.week_start(day)


# --- activities ---------------------------------------------------------------------------------

ACTIVITY_EXPORT_COLUMNS = [
    exports.Column(gettext_lazy("Date"), "date"),
    exports.Column(gettext_lazy("Type"), "kind"),
    exports.Column(gettext_lazy("Status"), "status"),
    exports.Column(gettext_lazy("Hours"), "hours"),
    exports.Column(gettext_lazy("Owner"), "owner"),
    exports.Column(gettext_lazy("Participants"), lambda a: ", ".join(str(p) for p in a.participants.all())),
    exports.Column(gettext_lazy("Opportunity"), "opportunity.name"),
    exports.Column(gettext_lazy("Account"), "account.name"),
    exports.Column(gettext_lazy("Step served"), "step_key"),
    exports.Column(gettext_lazy("Outcome"), "outcome"),
    exports.Column(gettext_lazy("How this raises the win rate"), "win_rate_answer"),
    exports.Column(gettext_lazy("Expected uplift (points)"), "expected_uplift"),
]
REQUEST_EXPORT_COLUMNS = [
    exports.Column(gettext_lazy("Type"), "kind"),
    exports.Column(gettext_lazy("Opportunity"), "opportunity.name"),
    exports.Column(gettext_lazy("Account"), "opportunity.account.name"),
    exports.Column(gettext_lazy("Status"), "status"),
    exports.Column(gettext_lazy("Presales duty"), "is_duty"),
    exports.Column(gettext_lazy("Needed by"), "needed_by"),
    exports.Column(gettext_lazy("Effort estimate (hours)"), "estimate_hours"),
    exports.Column(gettext_lazy("Requested by"), "requester"),
    exports.Column(gettext_lazy("Engineer"), "assignee"),
    exports.Column(gettext_lazy("What is needed"), "description"),
    exports.Column(gettext_lazy("How this raises the win rate"), "win_rate_answer"),
    exports.Column(gettext_lazy("Expected uplift (points)"), "expected_uplift"),
    exports.Column(gettext_lazy("Reason for the decision"), "decision_reason"),
    exports.Column(gettext_lazy("Created"), "created_at"),
    exports.Column(gettext_lazy("Escalated"), "escalated_at"),
]


@login_required
def activity_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """Activities the person can see, filtered by type, person, dates and deal."""
    visible = Activity.objects.visible_to(request.user).with_list_relations()
    filterset = ActivityFilter(request.GET, queryset=visible, request=request)
    if download := exports.export_if_requested(request, filterset.qs, ACTIVITY_EXPORT_COLUMNS, basename="activities"):
        return download
    page_obj = Paginator(filterset.qs, settings.PRESALES_PAGE_SIZE).get_page(request.GET.get("page"))
    filtered = any(value for key, value in request.GET.items() if key not in ("page", "ordering"))
    return render(
        request,
        "work/activity_list.html",
        {
            "filter": filterset,
            "page_obj": page_obj,
            "activities": page_obj.object_list,
            "filtered": filtered,
            "can_log": access.can_log_activity(request.user),
        },
    )


def _value_check_for(form: ActivityForm) -> selectors.ValueCheck | None:
    """The value check of a planned activity, from what the form holds."""
    data = form.cleaned_data if form.is_bound and hasattr(form, "cleaned_data") else form.initial
    opportunity = data.get("opportunity")
    if isinstance(opportunity, int | str):
        opportunity = Opportunity.objects.filter(pk=opportunity).first()
    if not opportunity or data.get("status", ActivityStatus.DONE) != ActivityStatus.PLANNED:
        return None
    return selectors.value_check(
        opportunity=opportunity,
        kind=data.get("kind") or "",
        uplift=data.get("expected_uplift"),
        hours=data.get("hours") or Decimal(2),
    )


@login_required
def activity_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Log (or plan) an activity in seconds: today, two hours, the deal's current step."""
    if not access.can_log_activity(request.user):
        raise PermissionDenied
    opportunity = None
    source = request.POST if request.method == "POST" else request.GET
    if source.get("opportunity", "").isdigit():
        opportunity = get_object_for_user(
            Opportunity.objects.select_related("account"), request.user, pk=int(source["opportunity"])
        )
    step_choices = selectors.step_choices(opportunity)
    support_request = None
    if source.get("request", "").isdigit():
        support_request = get_object_for_user(SupportRequest.objects.all(), request.user, pk=int(source["request"]))
    if request.method == "POST":
        form = ActivityForm(request.POST, user=request.user, step_choices=step_choices)
        if form.is_valid():
            data = form.cleaned_data
            try:
                activity = services.activity_create(
                    actor=request.user,
                    kind=data["kind"],
                    date=data["date"],
                    hours=data["hours"],
                    status=data["status"],
                    opportunity=data["opportunity"],
                    account=data["account"],
                    participants=data["participants"],
                    step_key=data["step_key"],
                    outcome=data["outcome"],
                    win_rate_answer=data["win_rate_answer"],
                    expected_uplift=data["expected_uplift"],
                    request=support_request,
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("Activity saved: %(activity)s.") % {"activity": activity})
                if request.POST.get("next") == "deal" and activity.opportunity_id and activity.opportunity:
                    return redirect(activity.opportunity.get_absolute_url())
                return redirect("work:activity_list")
    else:
        initial: dict[str, Any] = {
            "date": parse_date(request.GET.get("date", "") or "") or timezone.localdate(),
            "hours": Decimal(2),
            "status": ActivityStatus.DONE,
        }
        if opportunity is not None:
            initial["opportunity"] = opportunity.pk
            initial["step_key"] = selectors.current_step_key(opportunity)
        if support_request is not None:
            initial.update(kind=support_request.kind, opportunity=support_request.opportunity_id)
        if request.GET.get("status") == ActivityStatus.PLANNED:
            initial["status"] = ActivityStatus.PLANNED
        form = ActivityForm(initial=initial, user=request.user, step_choices=step_choices)
    return render(
        request,
        "work/activity_form.html",
        {
            "form": form,
            "opportunity": opportunity,
            "support_request": support_request,
            "value_check": _value_check_for(form) if not form.errors else None,
        },
    )


@login_required
def activity_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Change an activity: mark planned work done, fix hours, write the outcome."""
    activity = get_object_for_user(Activity.objects.with_list_relations(), request.user, pk=pk)
    if not access.can_edit_activity(request.user, activity):
        raise PermissionDenied
    step_choices = selectors.step_choices(activity.opportunity)
    conflict = None
    if request.method == "POST":
        form = ActivityForm(request.POST, instance=activity, user=request.user, step_choices=step_choices)
        if form.is_valid():
            data = dict(form.cleaned_data)
            participants = data.pop("participants")
            version = data.pop("version")
            try:
                services.activity_update(
                    actor=request.user,
                    activity=Activity.objects.get(pk=pk),
                    expected_version=version,
                    participants=participants,
                    **data,
                )
            except ConcurrentEditError as error:
                conflict = error
                show_conflict(form, error)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("Activity updated."))
                return redirect("work:activity_list")
    else:
        form = ActivityForm(
            instance=activity, initial={"version": activity.version}, user=request.user, step_choices=step_choices
        )
    return render(
        request,
        "work/activity_form.html",
        {
            "form": form,
            "activity": activity,
            "opportunity": activity.opportunity,
            "conflict": conflict,
            "history": history_entries(activity),
            "value_check": _value_check_for(form) if not form.errors else None,
        },
    )


@login_required
def activity_week(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One person's week, Monday to Sunday, like a calendar."""
    start = _week_from(request)
    person: User = request.user
    if request.GET.get("person", "").isdigit():
        candidate = User.objects.filter(pk=int(request.GET["person"]), is_active=True).first()
        if candidate is None:
            raise PermissionDenied
        if not access.can_see_week_of(request.user, candidate):
            raise PermissionDenied
        person = candidate
    days = selectors.person_week(Activity.objects.visible_to(request.user), person, start)
    return render(
        request,
        "work/activity_week.html",
        {
            "person": person,
            "days": days,
            "week": start,
            "previous_week": start - datetime.timedelta(days=7),
            "next_week": start + datetime.timedelta(days=7),
            "total": sum((d["hours"] for d in days), Decimal(0)),
            "today": timezone.localdate(),
            "can_log": access.can_log_activity(request.user),
        },
    )


def _team_people(user: User) -> list[User]:
    """The presales people a person can look at: their own team and the teams they manage."""
    people = User.objects.filter(is_active=True, role__in=PRESALES_ROLES).select_related("team")
    return list(access.colleagues_visible_to(user, people).order_by("display_name", "username"))


@login_required
def activity_team(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The team's week: hours per engineer per day."""
    if not access.can_see_workload(request.user):
        raise PermissionDenied
    start = _week_from(request)
    people = _team_people(request.user)
    grid = selectors.team_week(Activity.objects.visible_to(request.user), people, start)
    return render(
        request,
        "work/activity_team.html",
        {
            "grid": grid,
            "days": selectors.week_days(start),
            "week": start,
            "previous_week": start - datetime.timedelta(days=7),
            "next_week": start + datetime.timedelta(days=7),
        },
    )


@login_required
def workload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Committed hours against capacity per engineer per week for the next eight weeks."""
    if not access.can_see_workload(request.user):
        raise PermissionDenied
    data = selectors.workload(_team_people(request.user))
    return render(request, "work/workload.html", data)


# --- support requests ---------------------------------------------------------------------------


@login_required
def request_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """Requests the person can see; the presales managers' queue shows forgotten ones first."""
    visible = SupportRequest.objects.visible_to(request.user).with_list_relations()
    filterset = SupportRequestFilter(request.GET, queryset=visible, request=request)
    rows = filterset.qs
    if not request.GET.get("ordering"):
        rows = rows.order_by("escalated_at", "needed_by", "pk")
    if download := exports.export_if_requested(request, rows, REQUEST_EXPORT_COLUMNS, basename="support-requests"):
        return download
    page_obj = Paginator(rows, settings.PRESALES_PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for row in page_obj.object_list:
        row.forgotten = row.is_forgotten(now)
    filtered = any(value for key, value in request.GET.items() if key not in ("page", "ordering"))
    return render(
        request,
        "work/request_list.html",
        {
            "filter": filterset,
            "page_obj": page_obj,
            "requests": page_obj.object_list,
            "filtered": filtered,
            "forgotten_count": visible.forgotten(now).count() if access.watches_request_queue(request.user) else None,
            "can_create": access.can_create_request(request.user),
        },
    )


@login_required
def request_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Sales asks presales for help on a deal."""
    if not access.can_create_request(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = SupportRequestForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                support = services.request_create(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("Request sent to presales."))
                return redirect(support)
    else:
        initial: dict[str, Any] = {"needed_by": timezone.localdate() + datetime.timedelta(days=7)}
        if request.GET.get("opportunity", "").isdigit():
            deal = get_object_for_user(Opportunity.objects.all(), request.user, pk=int(request.GET["opportunity"]))
            initial["opportunity"] = deal.pk
        form = SupportRequestForm(initial=initial, user=request.user)
    return render(request, "work/request_form.html", {"form": form})


def _request_context(request: AuthenticatedHttpRequest, support: SupportRequest, **forms: Any) -> dict[str, Any]:
    user = request.user
    can_decide = access.can_decide_request(user, support)
    context: dict[str, Any] = {
        "support": support,
        "forgotten": support.is_forgotten(),
        "history": history_entries(support),
        "activities": support.activities.select_related("owner").order_by("-date"),
        "can_decide": can_decide,
        "can_work": access.can_work_request(user, support),
        "can_cancel": access.can_cancel_request(user, support) and support.status in services.ALLOWED_FROM["cancelled"],
        "statuses": RequestStatus,
        "value_check": selectors.value_check(
            opportunity=support.opportunity,
            kind=support.kind,
            uplift=support.expected_uplift,
            hours=support.estimate_hours,
        ),
    }
    if can_decide and support.status in (RequestStatus.NEW, RequestStatus.TRIAGED):
        inputs = selectors.triage_inputs(support)
        chosen_id = int(request.GET["engineer"]) if request.GET.get("engineer", "").isdigit() else None
        chosen_id = chosen_id or support.assignee_id or support.opportunity.presales_lead_id
        ranked = triage.rank_engineers(inputs.request, inputs.engineers)
        engineer = inputs.engineer(chosen_id) or (ranked[0].engineer if ranked else None)
        verdict = triage.recommend(inputs.request, engineer, inputs.engineers) if engineer else None
        plan_knowledge = (
            selectors.plan_knowledge(user, support)
            if verdict is not None and verdict.recommendation == triage.Recommendation.ACCEPT_WITH_PLAN
            else []
        )
        context.update(ranked=ranked, engineer=engineer, verdict=verdict, plan_knowledge=plan_knowledge)
        initial: dict[str, Any] = {"version": support.version, "assignee": engineer.engineer_id if engineer else None}
        context["triage_form"] = forms.get("triage_form") or TriageForm(initial=initial)
        if verdict is not None:
            initial["decision"] = {
                triage.Recommendation.DECLINE: RequestStatus.DECLINED,
                triage.Recommendation.ACCEPT_WITH_PLAN: RequestStatus.ACCEPTED_WITH_PLAN,
            }.get(verdict.recommendation, RequestStatus.ACCEPTED)
            initial["decision_reason"] = " ".join(verdict.reasons)
            plan_lines = [
                _("Move: %(item)s (%(hours)s h)") % {"item": i.label, "hours": i.hours} for i in verdict.work_to_move
            ]
            plan_lines += [_("Ask for help: %(name)s") % {"name": r.engineer.name} for r in verdict.colleagues]
            plan_lines += [
                _("Use: %(item)s (%(url)s)")
                % {"item": item.title, "url": request.build_absolute_uri(item.get_absolute_url())}
                for item in plan_knowledge
            ]
            initial["plan"] = "\n".join(plan_lines)
        context["decision_form"] = forms.get("decision_form") or DecisionForm(initial=initial)
    context["cancel_form"] = forms.get("cancel_form") or CancelForm(initial={"version": support.version})
    context["conflict"] = forms.get("conflict")
    return context


@login_required
def request_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Where a request stands, who works on it, its history; for deciders the three looks and suggestions."""
    support = get_object_for_user(
        SupportRequest.objects.with_list_relations().select_related("decided_by"), request.user, pk=pk
    )
    return render(request, "work/request_detail.html", _request_context(request, support))


@login_required
@require_POST
def request_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    """One status change: triage, decide, start, finish or cancel."""
    support = get_object_for_user(SupportRequest.objects.with_list_relations(), request.user, pk=pk)
    permission = {
        "triage": access.can_decide_request,
        "decide": access.can_decide_request,
        "start": access.can_work_request,
        "done": access.can_work_request,
        "cancel": access.can_cancel_request,
    }.get(action)
    if permission is None or not permission(request.user, support):
        raise PermissionDenied
    version = int(request.POST["version"]) if request.POST.get("version", "").isdigit() else None
    forms: dict[str, Any] = {}
    form: BaseForm  # one of the action's forms
    try:
        if action == "triage":
            form = TriageForm(request.POST)
            forms["triage_form"] = form
            if form.is_valid():
                services.request_triage(
                    actor=request.user,
                    request=support,
                    assignee=form.cleaned_data["assignee"],
                    recommendation=request.POST.get("recommendation", "")[:30],
                    expected_version=version,
                )
                return redirect(support)
        elif action == "decide":
            form = DecisionForm(request.POST)
            forms["decision_form"] = form
            if form.is_valid():
                data = form.cleaned_data
                services.request_decide(
                    actor=request.user,
                    request=support,
                    decision=data["decision"],
                    reason=data["decision_reason"],
                    plan=data["plan"],
                    assignee=data["assignee"],
                    expected_version=version,
                )
                return redirect(support)
        elif action == "cancel":
            form = CancelForm(request.POST)
            forms["cancel_form"] = form
            if form.is_valid():
                services.request_cancel(
                    actor=request.user,
                    request=support,
                    reason=form.cleaned_data["decision_reason"],
                    expected_version=version,
                )
                return redirect(support)
        elif action == "start":
            services.request_start(actor=request.user, request=support, expected_version=version)
            return redirect(support)
        else:
            services.request_complete(actor=request.user, request=support, expected_version=version)
            messages.success(request, _("Marked done: the requester sees it."))
            return redirect(support)
    except ConcurrentEditError as error:
        messages.error(request, error.message)
        forms["conflict"] = error
        support = SupportRequest.objects.with_list_relations().get(pk=pk)
    except ValidationError as error:
        target = next((f for f in forms.values() if hasattr(f, "add_error")), None)
        if target is None:
            messages.error(request, " ".join(error.messages))
        else:
            apply_validation_error(target, error)
    return render(request, "work/request_detail.html", _request_context(request, support, **forms), status=400)
