"""Presales work pages: quick activity log, lists, week and team views, support requests with triage, workload."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from presales import access
from presales.core.history import history_entries
from presales.core.lookups import get_object_for_user
from presales.core.views import ObjectEditView, ObjectListView, date_param, requires, run_action, run_service
from presales.deals.models import Opportunity
from presales.people.models import PRESALES_ROLES, User
from presales.people.typing import AuthenticatedHttpRequest
from presales.work import selectors, services, triage
from presales.work.filters import ActivityFilter, SupportRequestFilter
from presales.work.forms import ActivityForm, CancelForm, DecisionForm, SupportRequestForm, TriageForm
from presales.work.models import Activity, ActivityStatus, RequestStatus, SupportRequest
from presales.work.tables import ActivityTable, SupportRequestTable


def _week_from(request: AuthenticatedHttpRequest) -> datetime.date:
    return selectors.week_start(date_param(request.GET, "week"))


# --- activities ---------------------------------------------------------------------------------


class ActivityListView(ObjectListView):
    """Activities the person can see, filtered by type, person, dates and deal."""

    queryset = Activity.objects.with_list_relations()
    filterset_class = ActivityFilter
    table_class = ActivityTable
    template_name = "work/activity_list.html"
    context_object_name = "activities"
    export_basename = "activities"

    def get_extra_context(self, request: AuthenticatedHttpRequest, rows: Any) -> dict[str, Any]:
        # The hours of every filtered row (not only this page): what the dashboards' hour figures open.
        totals = rows.order_by().aggregate(count=Count("pk"), hours_sum=Sum("hours"))
        return {
            "can_log": access.can_log_activity(request.user),
            "totals": [totals] if totals["count"] else [],
            "row_count": totals["count"],  # the pages need not count the rows again
        }


activity_list = ActivityListView.as_view()


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


class ActivityEditView(ObjectEditView):
    """Log (or plan) an activity in seconds (today, two hours, the deal's current step), or change one: mark planned
    work done, fix hours, write the outcome."""

    queryset = Activity.objects.with_list_relations()
    form_class = ActivityForm
    template_name = "work/activity_form.html"
    context_object_name = "activity"
    updated_message = gettext_lazy("Activity updated.")

    def has_permission(self, request: AuthenticatedHttpRequest, obj: Activity) -> bool:
        if self.creating:
            return access.can_log_activity(request.user)
        return access.can_edit_activity(request.user, obj)

    def _sources(self, request: AuthenticatedHttpRequest) -> tuple[Opportunity | None, SupportRequest | None]:
        """The deal (`?opportunity=`) and the support request (`?request=`) a new activity is logged for."""
        if not hasattr(self, "_source_objects"):
            source = request.POST if request.method == "POST" else request.GET
            opportunity = support_request = None
            if source.get("opportunity", "").isdigit():
                opportunity = get_object_for_user(
                    Opportunity.objects.select_related("account"), request.user, pk=int(source["opportunity"])
                )
            if source.get("request", "").isdigit():
                support_request = get_object_for_user(
                    SupportRequest.objects.all(), request.user, pk=int(source["request"])
                )
            self._source_objects = (opportunity, support_request)
        return self._source_objects

    def _opportunity(self, request: AuthenticatedHttpRequest, obj: Activity) -> Opportunity | None:
        return self._sources(request)[0] if self.creating else obj.opportunity

    def get_form_kwargs(self, request: AuthenticatedHttpRequest, obj: Activity) -> dict[str, Any]:
        return {"user": request.user, "step_choices": selectors.step_choices(self._opportunity(request, obj))}

    def get_initial(self, request: AuthenticatedHttpRequest, obj: Activity) -> dict[str, Any]:
        if not self.creating:
            return {}
        opportunity, support_request = self._sources(request)
        initial: dict[str, Any] = {
            "date": date_param(request.GET, "date"),
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
        return initial

    def get_extra_context(self, request: AuthenticatedHttpRequest, obj: Activity, form: ActivityForm) -> dict[str, Any]:
        context: dict[str, Any] = {
            "opportunity": self._opportunity(request, obj),
            "value_check": _value_check_for(form) if not form.errors else None,
        }
        if self.creating:
            context["support_request"] = self._sources(request)[1]
        else:
            context["history"] = history_entries(obj)
        return context

    def create(self, request: AuthenticatedHttpRequest, form: ActivityForm, obj: Activity) -> Activity:
        return services.activity_create(actor=request.user, request=self._sources(request)[1], **form.service_data())

    def update(self, request: AuthenticatedHttpRequest, form: ActivityForm, obj: Activity) -> Activity:
        return services.activity_update(
            actor=request.user, activity=obj, expected_version=form.cleaned_data["version"], **form.service_data()
        )

    def success_message(self, obj: Activity, created: bool) -> str | None:
        return (
            _("Activity saved: %(activity)s.") % {"activity": obj} if created else super().success_message(obj, created)
        )

    def get_success_url(self, request: AuthenticatedHttpRequest, obj: Activity) -> str:
        if self.creating and request.POST.get("next") == "deal" and obj.opportunity_id and obj.opportunity:
            return obj.opportunity.get_absolute_url()
        return reverse("work:activity_list")


activity_create = activity_edit = ActivityEditView.as_view()


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
            "can_book": access.can_book_someone(request.user),
        },
    )


def _team_people(user: User) -> list[User]:
    """The presales people a person can look at: their own team and the teams they manage."""
    people = User.objects.filter(is_active=True, role__in=PRESALES_ROLES).select_related("team")
    return list(access.colleagues_visible_to(user, people).order_by("display_name", "username"))


@login_required
@requires(access.can_see_workload)
def activity_team(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The team's week: hours per engineer per day."""
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
@requires(access.can_see_workload)
def workload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Committed hours against capacity per engineer per week for the next eight weeks."""
    data = selectors.workload(_team_people(request.user))
    return render(request, "work/workload.html", data)


# --- support requests ---------------------------------------------------------------------------


class SupportRequestListView(ObjectListView):
    """Requests the person can see; the presales managers' queue shows forgotten ones first."""

    queryset = SupportRequest.objects.with_list_relations()
    filterset_class = SupportRequestFilter
    table_class = SupportRequestTable
    template_name = "work/request_list.html"
    context_object_name = "requests"
    export_basename = "support-requests"

    def get_rows(self, request: AuthenticatedHttpRequest, filterset: Any, queryset: Any) -> Any:
        rows = filterset.qs
        return rows if request.GET.get("ordering") else rows.order_by("escalated_at", "needed_by", "pk")

    def prepare_rows(self, request: AuthenticatedHttpRequest, rows: list[Any]) -> list[Any]:
        now = timezone.now()
        for row in rows:
            row.forgotten = row.is_forgotten(now)
        return rows

    def get_extra_context(self, request: AuthenticatedHttpRequest, rows: Any) -> dict[str, Any]:
        watches = access.watches_request_queue(request.user)
        visible = self.get_queryset(request)
        return {
            "forgotten_count": visible.forgotten(timezone.now()).count() if watches else None,
            "can_create": access.can_create_request(request.user),
        }


class SupportRequestCreateView(ObjectEditView):
    """Sales asks presales for help on a deal."""

    queryset = SupportRequest.objects.all()
    form_class = SupportRequestForm
    template_name = "work/request_form.html"
    created_message = gettext_lazy("Request sent to presales.")

    def has_permission(self, request: AuthenticatedHttpRequest, obj: SupportRequest) -> bool:
        return access.can_create_request(request.user)

    def get_form_kwargs(self, request: AuthenticatedHttpRequest, obj: SupportRequest) -> dict[str, Any]:
        return {"user": request.user}

    def get_initial(self, request: AuthenticatedHttpRequest, obj: SupportRequest) -> dict[str, Any]:
        initial: dict[str, Any] = {"needed_by": timezone.localdate() + datetime.timedelta(days=7)}
        if request.GET.get("opportunity", "").isdigit():
            deal = get_object_for_user(Opportunity.objects.all(), request.user, pk=int(request.GET["opportunity"]))
            initial["opportunity"] = deal.pk
        return initial

    def create(
        self, request: AuthenticatedHttpRequest, form: SupportRequestForm, obj: SupportRequest
    ) -> SupportRequest:
        return services.request_create(actor=request.user, **form.cleaned_data)


request_list = SupportRequestListView.as_view()
request_create = SupportRequestCreateView.as_view()


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
                % {"item": item.title_text, "url": request.build_absolute_uri(item.get_absolute_url())}
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


# The status changes that take a form (the others are one button): the form's name on the page and its class.
ACTION_FORMS: dict[str, tuple[str, Any]] = {
    "triage": ("triage_form", TriageForm),
    "decide": ("decision_form", DecisionForm),
    "cancel": ("cancel_form", CancelForm),
}


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
    actor = request.user
    forms: dict[str, Any] = {}
    if action in ACTION_FORMS:
        name, form_class = ACTION_FORMS[action]
        form = forms[name] = form_class(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            change = {
                "triage": lambda: services.request_triage(
                    actor=actor,
                    request=support,
                    assignee=data["assignee"],
                    recommendation=request.POST.get("recommendation", "")[:30],
                    expected_version=version,
                ),
                "decide": lambda: services.request_decide(
                    actor=actor,
                    request=support,
                    decision=data["decision"],
                    reason=data["decision_reason"],
                    plan=data["plan"],
                    assignee=data["assignee"],
                    expected_version=version,
                ),
                "cancel": lambda: services.request_cancel(
                    actor=actor, request=support, reason=data["decision_reason"], expected_version=version
                ),
            }[action]
            result = run_service(form, change)
            if result.ok:
                return redirect(support)
            if result.conflict is not None:
                forms["conflict"] = result.conflict
                support = SupportRequest.objects.with_list_relations().get(pk=pk)
    else:
        service = services.request_start if action == "start" else services.request_complete
        result = run_action(request, lambda: service(actor=actor, request=support, expected_version=version))
        if result.ok:
            if action == "done":
                messages.success(request, _("Marked done: the requester sees it."))
            return redirect(support)
        if result.conflict is not None:
            forms["conflict"] = result.conflict
            support = SupportRequest.objects.with_list_relations().get(pk=pk)
    return render(request, "work/request_detail.html", _request_context(request, support, **forms), status=400)
