"""Evaluation pages: team scorecards, one engineer's scorecard with drill-down, scoring forms, to-do, set-up."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from presales import access
from presales.core.views import (
    ObjectEditView,
    ObjectListView,
    date_param,
    requires,
    run_action,
    run_service,
    submit_form,
)
from presales.currencies.models import company_currency
from presales.deals.models import Opportunity, Outcome
from presales.people.models import Role
from presales.people.typing import AuthenticatedHttpRequest
from presales.scoring import formulas, selectors, services
from presales.scoring.explain import explain
from presales.scoring.forms import (
    WEIGHT_FIELDS,
    CapabilityScoresForm,
    DebriefForm,
    DimensionForm,
    ReopenForm,
    SalesRatingForm,
    VisitQuotaForm,
    WeightsForm,
    requested_period,
)
from presales.scoring.models import CapabilityDimension, PeriodKind, ScoringPeriod, VisitQuotaChange
from presales.scoring.tables import (
    CreditedDealTable,
    DimensionTable,
    OwedDebriefTable,
    OwedRatingTable,
    ScorecardTable,
    VisitTable,
)
from presales.winning.models import Verdict
from presales.winning.selectors import lead_verdict_list_url
from presales.work.models import SupportRequest


def _period_nav(kind: str, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    previous = formulas.previous_period_start(kind, start)
    following = end + datetime.timedelta(days=1)
    return {
        "kind": kind,
        "start": start,
        "end": end,
        "kinds": PeriodKind.choices,
        "previous": urlencode({"kind": kind, "start": previous.isoformat()}),
        "next": urlencode({"kind": kind, "start": following.isoformat()}),
        "query": urlencode({"kind": kind, "start": start.isoformat()}),
        "is_future": following > timezone.localdate(),
    }


def _visible_engineer(request: AuthenticatedHttpRequest, pk: int) -> Any:
    engineer = selectors.engineers_visible_to(request.user).filter(pk=pk).first()
    if engineer is None:
        raise Http404
    return engineer


# --- team page and export ------------------------------------------------------------------------------------------


class TeamScorecardsView(ObjectListView):
    """All engineers the person may see, side by side for one period, sortable; CSV/XLSX download."""

    table_class = ScorecardTable
    template_name = "scoring/team.html"
    context_object_name = "cards"
    export_basename = "scorecards"
    paginated = False

    def get_queryset(self, request: AuthenticatedHttpRequest) -> list[selectors.Scorecard]:
        # The figures are computed, not stored: the cards are built for the period, then sorted in memory.
        kind, start, end = requested_period(request.GET)
        self.nav = _period_nav(kind, start, end)
        engineers = list(selectors.engineers_visible_to(request.user))
        cards, self.period = selectors.scorecards_for(engineers, kind, start)
        return ScorecardTable.sort_rows(cards, request.GET.get("ordering", ""), ScorecardTable.default_order)

    def get_export_basename(self, request: AuthenticatedHttpRequest) -> str:
        return f"scorecards-{self.nav['kind']}-{self.nav['start']}"

    def get_table(self, request: AuthenticatedHttpRequest, rows: list[Any]) -> ScorecardTable:
        return ScorecardTable(rows, request=request, query=self.nav["query"])

    def get_extra_context(self, request: AuthenticatedHttpRequest, rows: Any) -> dict[str, Any]:
        return {
            "period": self.period,
            "nav": self.nav,
            "weights": selectors.current_weights(),
            "can_manage": access.can_manage_scoring(request.user),
            "reopen_form": ReopenForm(),
            # The page has its own download links (they carry the period, not the sort).
            "exportable": False,
        }


team = TeamScorecardsView.as_view()


@login_required
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Engineers land on their own scorecard, managers on the team page."""
    if request.user.role == Role.PRESALES:
        return redirect("scoring:scorecard", pk=request.user.pk)
    return redirect("scoring:team")


@login_required
def scorecard(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One engineer's scorecard: parts, weights, composite, rank, trend, and every row behind every number."""
    engineer = _visible_engineer(request, pk)
    kind, start, end = requested_period(request.GET)
    card = selectors.scorecard_for(engineer, kind, start)
    trend = selectors.trend_for(engineer, kind, start)
    explanation = explain(card)
    history = VisitQuotaChange.objects.filter(engineer=engineer).select_related("changed_by")[:10]
    return render(
        request,
        "scoring/scorecard.html",
        {
            "engineer": engineer,
            "card": card,
            "parts": explanation.parts,
            "explanation": explanation,
            "company_currency": company_currency(),
            "trend": trend,
            "trend_max": max([point["composite"] or 0 for point in trend] + [1]),
            "nav": _period_nav(kind, start, end),
            "quota_history": history,
            # The technical verdict list with the verdicts each technical win figure counts.
            "technical_links": {
                verdict: lead_verdict_list_url(engineer.pk, card.start, card.end, verdict)
                for verdict in ("assessed", Verdict.WIN, Verdict.TIE, Verdict.LOSS)
            },
            "can_score": access.can_score_capability(request.user, engineer),
            "can_manage": access.can_manage_scoring(request.user),
        },
    )


# --- the rows behind a scorecard's figures ------------------------------------------------------------------------------
# Lists of the scorecard's own rows (live, or the frozen snapshot of a closed period), so each figure equals its list
# whoever reads it: the deal list shows only the deals the reader sees, the scorecard counts every deal the engineer
# supported. Who may open them is who may read the scorecard (access.scorecard_engineers_visible_to): 404 otherwise.


class ScorecardRowsView(ObjectListView):
    paginated = True
    card: selectors.Scorecard

    def get_card(self, request: AuthenticatedHttpRequest) -> selectors.Scorecard:
        self.engineer = _visible_engineer(request, self.kwargs["pk"])
        kind, start, end = requested_period(request.GET)
        self.nav = _period_nav(kind, start, end)
        return selectors.scorecard_for(self.engineer, kind, start)

    def get_extra_context(self, request: AuthenticatedHttpRequest, rows: Any) -> dict[str, Any]:
        return {"engineer": self.engineer, "card": self.card, "nav": self.nav}


CREDITED_OUTCOMES = ("won", "lost", "abandoned")


class CreditedDealsView(ScorecardRowsView):
    """The closed deals behind a scorecard's results (all, or one outcome): share, credit and the influenced revenue."""

    table_class = CreditedDealTable
    template_name = "scoring/credited_deals.html"
    context_object_name = "deals"

    def get_queryset(self, request: AuthenticatedHttpRequest) -> list[dict[str, Any]]:
        self.card = self.get_card(request)
        self.outcome = request.GET.get("outcome", "")
        if self.outcome not in CREDITED_OUTCOMES:
            self.outcome = ""
        return [deal for deal in self.card.deals if not self.outcome or deal["outcome"] == self.outcome]

    def get_extra_context(self, request: AuthenticatedHttpRequest, rows: Any) -> dict[str, Any]:
        credited = sum((Decimal(str(row["credited"])) for row in rows), Decimal(0))
        won = sum(row["outcome"] == "won" for row in rows)
        return {
            **super().get_extra_context(request, rows),
            "outcome": self.outcome,
            "outcomes": [(value, label) for value, label in Outcome.choices if value in CREDITED_OUTCOMES],
            "totals": [{"currency": company_currency(), "count": len(rows), "won": won, "credited_sum": credited}]
            if rows
            else [],
        }


class ScorecardVisitsView(ScorecardRowsView):
    """The on-site visits a scorecard counts against the quota."""

    table_class = VisitTable
    template_name = "scoring/visits.html"
    context_object_name = "visits"

    def get_queryset(self, request: AuthenticatedHttpRequest) -> list[dict[str, Any]]:
        self.card = self.get_card(request)
        return list(self.card.visit_rows)


credited_deals = CreditedDealsView.as_view()
scorecard_visits = ScorecardVisitsView.as_view()


# --- capability scores and visit quota ---------------------------------------------------------------------------------


@login_required
def capability(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The manager scores the rubric for one engineer and one week or month."""
    engineer = _visible_engineer(request, pk)
    if not access.can_score_capability(request.user, engineer):
        raise PermissionDenied
    dimensions = selectors.active_dimensions()
    if request.method == "POST":
        form = CapabilityScoresForm(request.POST, dimensions=dimensions)
        saved = submit_form(
            form,
            lambda: services.capability_scores_save(
                actor=request.user,
                engineer=engineer,
                period_kind=form.cleaned_data["period_kind"],
                period_start=form.cleaned_data["period_start"],
                scores=form.scores(),
            ),
        )
        if saved.ok:
            messages.success(request, _("Capability scores saved."))
            kind = form.cleaned_data["period_kind"]
            query = urlencode({"kind": kind, "start": form.cleaned_data["period_start"].isoformat()})
            return redirect(f"{reverse('scoring:scorecard', args=[engineer.pk])}?{query}")
    else:
        kind = request.GET.get("kind", "month") if request.GET.get("kind") in ("week", "month") else "month"
        start = formulas.period_bounds(kind, date_param(request.GET, "start"))[0]
        initial: dict[str, Any] = {"period_kind": kind, "period_start": start}
        for score in engineer.capability_scores.filter(period_kind=kind, period_start=start):
            initial[f"score_{score.dimension_id}"] = str(score.score)
            initial[f"comment_{score.dimension_id}"] = score.comment
        form = CapabilityScoresForm(initial=initial, dimensions=dimensions)
    return render(request, "scoring/capability_form.html", {"form": form, "engineer": engineer})


@login_required
def quota(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Set an engineer's weekly visit quota from a given week; the earlier weeks keep theirs."""
    engineer = _visible_engineer(request, pk)
    if not access.can_manage_scoring(request.user):
        raise PermissionDenied
    form = VisitQuotaForm(request.POST or None, initial={"quota": engineer.weekly_visit_quota})
    saved = submit_form(
        form, lambda: services.visit_quota_set(actor=request.user, engineer=engineer, **form.cleaned_data)
    )
    if saved.ok:
        messages.success(request, _("Visit quota saved."))
        return redirect("scoring:scorecard", pk=engineer.pk)
    history = VisitQuotaChange.objects.filter(engineer=engineer).select_related("changed_by")
    return render(request, "scoring/quota_form.html", {"form": form, "engineer": engineer, "history": history})


# --- ratings and debriefs ---------------------------------------------------------------------------------------------


@login_required
def todo(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ratings and debriefs the person still owes."""
    return render(
        request,
        "scoring/todo.html",
        {
            "ratings_table": OwedRatingTable(selectors.owed_ratings(request.user)),
            "debriefs_table": OwedDebriefTable(selectors.owed_debriefs(request.user)),
        },
    )


@login_required
def rate(request: AuthenticatedHttpRequest, deal_pk: int) -> HttpResponse:
    """The sales owner rates the presales support on a done request (`?request=`) or on the closed deal."""
    opportunity = get_object_or_404(
        Opportunity.objects.visible_to(request.user).select_related("presales_lead"), pk=deal_pk
    )
    support_request = None
    if request_pk := request.GET.get("request"):
        support_request = get_object_or_404(
            SupportRequest.objects.filter(opportunity=opportunity).select_related("assignee"), pk=request_pk
        )
    if opportunity.sales_owner_id != request.user.pk:
        raise PermissionDenied
    engineer = support_request.assignee if support_request else opportunity.presales_lead
    form = SalesRatingForm(request.POST or None)
    rated = submit_form(
        form,
        lambda: services.sales_rating_create(
            actor=request.user, opportunity=opportunity, request=support_request, **form.cleaned_data
        ),
    )
    if rated.ok:
        messages.success(request, _("Thank you: your rating is saved."))
        return redirect("scoring:todo")
    return render(
        request,
        "scoring/rating_form.html",
        {"form": form, "opportunity": opportunity, "support_request": support_request, "engineer": engineer},
    )


@login_required
def debrief(request: AuthenticatedHttpRequest, deal_pk: int) -> HttpResponse:
    """A deal-team member's win/loss debrief, asked in their role on the deal."""
    opportunity = get_object_or_404(Opportunity.objects.visible_to(request.user).select_related("account"), pk=deal_pk)
    role = selectors.debrief_role(request.user, opportunity, opportunity.members.filter(user=request.user))
    if role is None:
        raise PermissionDenied
    form = DebriefForm(request.POST or None, role=role, opportunity=opportunity)
    saved = submit_form(
        form, lambda: services.debrief_create(actor=request.user, opportunity=opportunity, **form.cleaned_data)
    )
    if saved.ok:
        messages.success(request, _("Thank you: your debrief is saved."))
        return redirect("scoring:todo")
    debriefs = opportunity.debriefs.select_related("author", "competitor")
    return render(
        request,
        "scoring/debrief_form.html",
        {"form": form, "opportunity": opportunity, "role": role, "debriefs": debriefs},
    )


# --- set-up: rubric, weights, periods -------------------------------------------------------------------------------------


@login_required
@requires(access.can_manage_scoring)
def setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The rubric (presales managers) and the weights (admin)."""
    weights = services.weights_get()
    weights_form = WeightsForm(instance=weights, initial={"version": weights.version})
    conflict = None
    if request.method == "POST" and "weights" in request.POST:
        if not access.can_edit_scoring_weights(request.user):
            raise PermissionDenied
        weights_form = WeightsForm(request.POST, instance=services.weights_get())
        if weights_form.is_valid():
            data = {name: weights_form.cleaned_data[name] for name in WEIGHT_FIELDS}
            saved = run_service(
                weights_form,
                lambda: services.weights_update(
                    actor=request.user, expected_version=weights_form.cleaned_data.get("version"), **data
                ),
            )
            conflict = saved.conflict
            if saved.ok:
                messages.success(request, _("Weights saved."))
                return redirect("scoring:setup")
    return render(
        request,
        "scoring/setup.html",
        {
            "dimensions": DimensionTable(CapabilityDimension.objects.all()),
            "weights_form": weights_form,
            "can_edit_weights": access.can_edit_scoring_weights(request.user),
            "conflict": conflict,
        },
    )


class DimensionEditView(ObjectEditView):
    """Add or change a rubric line."""

    queryset = CapabilityDimension.objects.all()
    visible_to_everyone = True  # the rubric is the same for everybody
    form_class = DimensionForm
    template_name = "scoring/dimension_form.html"
    context_object_name = "dimension"
    created_message = updated_message = gettext_lazy("Rubric saved.")

    def has_permission(self, request: AuthenticatedHttpRequest, obj: CapabilityDimension) -> bool:
        return access.can_manage_scoring(request.user)

    def create(self, request: AuthenticatedHttpRequest, form: DimensionForm, obj: CapabilityDimension) -> Any:
        return services.dimension_create(actor=request.user, **form.service_data())

    def update(self, request: AuthenticatedHttpRequest, form: DimensionForm, obj: CapabilityDimension) -> Any:
        return services.dimension_update(
            actor=request.user, dimension=obj, expected_version=form.cleaned_data.get("version"), **form.service_data()
        )

    def get_success_url(self, request: AuthenticatedHttpRequest, obj: Any) -> str:
        return reverse("scoring:setup")


dimension_edit = DimensionEditView.as_view()


@login_required
@require_POST
def period_close(request: AuthenticatedHttpRequest) -> HttpResponse:
    kind = request.POST.get("kind", "")
    start = parse_date(request.POST.get("start", "") or "")
    if kind not in formulas.PERIOD_KINDS or start is None:
        raise Http404
    if run_action(request, lambda: services.period_close(actor=request.user, kind=kind, start=start)).ok:
        messages.success(request, _("Period closed: its scorecards are frozen."))
    return redirect(f"{reverse('scoring:team')}?{urlencode({'kind': kind, 'start': start.isoformat()})}")


@login_required
@require_POST
def period_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:

    period = get_object_or_404(ScoringPeriod, pk=pk)
    form = ReopenForm(request.POST)
    if not access.can_manage_scoring(request.user):
        raise PermissionDenied
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        if run_action(request, lambda: services.period_reopen(actor=request.user, period=period, reason=reason)).ok:
            messages.success(request, _("Period reopened: its scorecards are live again."))
    else:
        messages.error(request, _("Say why the period is reopened."))
    query = urlencode({"kind": period.kind, "start": period.start.isoformat()})
    return redirect(f"{reverse('scoring:team')}?{query}")
