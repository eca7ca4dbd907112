"""The forecast pages: the roll-up by team and person, the deals behind each figure, what moved between two weekly
snapshots, quotas, the stage categories, a manager's call, and the small category panel of the deal page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from presales import access
from presales.core.lookups import get_object_for_user
from presales.core.views import requires, run_action, run_service, submit_form
from presales.currencies.models import company_currency
from presales.deals.models import Opportunity, Outcome
from presales.forecast import selectors, services
from presales.forecast.forms import CallForm, CategoryForm, PeriodForm, QuotaForm, StageCategoryForm
from presales.forecast.models import Category, CategoryOverride, Snapshot
from presales.forecast.periods import Period, period_choices
from presales.forecast.tables import ForecastDealTable, MoveTable
from presales.people.models import Team, User
from presales.people.typing import AuthenticatedHttpRequest
from presales.playbook.models import Stage

MOVE_LABELS = {
    "new": gettext_lazy("New deals"),
    "won": gettext_lazy("Won"),
    "lost": gettext_lazy("Lost or abandoned"),
    "pulled_in": gettext_lazy("Pulled in"),
    "pushed_out": gettext_lazy("Pushed out"),
    "amount_up": gettext_lazy("Amount up"),
    "amount_down": gettext_lazy("Amount down"),
    "category_changed": gettext_lazy("Category changed"),
}


def _period(request: AuthenticatedHttpRequest) -> tuple[Period, PeriodForm]:
    today = timezone.localdate()
    period = Period.parse(request.GET.get("period") or request.POST.get("period"), today)
    choices = period_choices(today)
    if period.key not in dict(choices):
        choices.append((period.key, period.label))
    return period, PeriodForm({"period": period.key}, choices=choices)


@login_required
@requires(access.can_see_forecast)
def forecast(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Closed, commit, best case and pipeline against quota, by team and person, with the managers' calls."""
    period, form = _period(request)
    rollup = selectors.rollup(request.user, period, timezone.localdate())
    return render(
        request,
        "forecast/forecast.html",
        {
            "period": period,
            "period_form": form,
            "rollup": rollup,
            "buckets": [(str(c.value), c.label) for c in selectors.BUCKETS],
            "deals_url": f"{reverse('forecast:deals')}?period={period.key}",
            "company_currency": company_currency(),
            "can_manage_quotas": access.can_manage_quotas(request.user),
            "can_edit_categories": access.can_edit_forecast_categories(request.user),
        },
    )


@login_required
@requires(access.can_see_forecast)
def figure_deals(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The deals behind one figure of the roll-up: exactly the rows it sums."""
    period, _form = _period(request)
    bucket = request.GET.get("bucket", "")
    if bucket not in {str(c.value) for c in Category}:
        bucket = str(Category.COMMIT)
    team_key: str | None = request.GET.get("team") or None
    if team_key is not None and team_key != selectors.NO_TEAM and not team_key.isdigit():
        team_key = None
    owner_key = request.GET.get("owner", "")
    owner = int(owner_key) if owner_key.isdigit() else None
    rows = selectors.figure_rows(
        request.user, period, bucket=bucket, today=timezone.localdate(), team=team_key, owner=owner
    )
    deals = list(rows)
    team = Team.objects.filter(pk=int(team_key)).first() if team_key and team_key.isdigit() else None
    person = User.objects.filter(pk=owner).first() if owner else None
    return render(
        request,
        "forecast/deals.html",
        {
            "period": period,
            "bucket_label": Category(bucket).label,
            "bucket": bucket,
            "team": team,
            "no_team": team_key == selectors.NO_TEAM,
            "person": person,
            "table": ForecastDealTable(deals, request=request, sortable=False),
            "count": len(deals),
            "total": sum((getattr(deal, "company_amount", None) or Decimal(0) for deal in deals), Decimal(0)),
            "company_currency": company_currency(),
        },
    )


@login_required
@require_POST
@requires(access.can_see_forecast)
def call(request: AuthenticatedHttpRequest, team_pk: int) -> HttpResponse:
    """A manager's call for their team and the period."""
    team = get_object_or_404(Team, pk=team_pk)
    if not access.can_make_forecast_call(request.user, team):
        raise PermissionDenied
    period, _form = _period(request)
    form = CallForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        done = run_action(
            request,
            lambda: services.manager_call_set(
                actor=request.user, team=team, period=period, amount=data["amount"], note=data["note"]
            ),
        )
        if done.ok:
            messages.success(request, _("Your call for %(team)s is saved.") % {"team": team})
    else:
        messages.error(request, _("Enter the call as an amount of zero or more."))
    return redirect(f"{reverse('forecast:index')}?{urlencode({'period': period.key})}#team-{team.pk}")


@login_required
@requires(access.can_see_forecast)
def moves(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What moved between two weekly snapshots (by default the latest one and now), with the deals behind each
    figure."""
    snapshots = list(Snapshot.objects.order_by("-week_start")[:60])
    by_key = {snapshot.week_start.isoformat(): snapshot for snapshot in snapshots}
    before = by_key.get(request.GET.get("from", "")) or (snapshots[0] if snapshots else None)
    after_key = request.GET.get("to", "now")
    after = by_key.get(after_key)
    if before is not None and after is not None and after.week_start <= before.week_start:
        before, after = after, before
        if before.week_start == after.week_start:
            after = None
    kind = request.GET.get("kind", "")
    context: dict[str, Any] = {
        "snapshots": snapshots,
        "before": before,
        "after": after,
        "kind": kind if kind in MOVE_LABELS else "",
        "company_currency": company_currency(),
    }
    if before is not None:
        comparison = selectors.compare(request.user, before, after, timezone.localdate())
        base = {"from": before.week_start.isoformat(), "to": after.week_start.isoformat() if after else "now"}
        context["comparison"] = comparison
        context["figures"] = [
            {
                "kind": key,
                "label": label,
                "count": len(comparison.moves[key]),
                "total": comparison.totals[key],
                "url": f"{reverse('forecast:moves')}?{urlencode({**base, 'kind': key})}#moved",
            }
            for key, label in MOVE_LABELS.items()
        ]
        if context["kind"]:
            stages = {stage.pk: stage for stage in Stage.objects.all()}
            context["kind_label"] = MOVE_LABELS[context["kind"]]
            context["table"] = MoveTable(
                comparison.moves[context["kind"]],
                request=request,
                sortable=False,
                deals=comparison.deals,
                stages=stages,
            )
            context["kind_total"] = comparison.totals[context["kind"]]
    return render(request, "forecast/moves.html", context)


@login_required
@requires(access.can_manage_quotas)
def quotas(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Quotas of the teams a manager manages (every team for an admin) and their people, per month or quarter."""
    period, period_form = _period(request)
    rows = selectors.quota_table(request.user, period)
    form = QuotaForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():

        def save_all() -> int:
            with transaction.atomic():
                for kind, target, amount in form.changes():
                    services.quota_set(
                        actor=request.user,
                        period=period,
                        amount=amount,
                        person=target if kind == "person" else None,
                        team=target if kind == "team" else None,
                    )
            return len(form.changes())

        saved = run_service(form, save_all, keep_typed=False)
        if saved.ok:
            messages.success(request, _("Quotas for %(period)s saved.") % {"period": period.label})
            return redirect(f"{reverse('forecast:quotas')}?{urlencode({'period': period.key})}")
    lines = []
    for row in rows:
        lines.append({"team": row["team"], "field": form[f"team_{row['team'].pk}"], "is_team": True})
        for line in row["people"]:
            lines.append({"person": line["person"], "field": form[f"person_{line['person'].pk}"], "is_team": False})
    return render(
        request,
        "forecast/quotas.html",
        {
            "period": period,
            "period_form": period_form,
            "form": form,
            "lines": lines,
            "company_currency": company_currency(),
        },
    )


@login_required
@requires(access.can_edit_forecast_categories)
def stage_categories(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Which forecast category each stage gives its open deals (an administrator's setting)."""
    stages = list(Stage.objects.all())
    current = selectors.stage_categories()
    form = StageCategoryForm(request.POST or None, stages=stages, current=current)
    if request.method == "POST" and form.is_valid():

        def save_all() -> None:
            with transaction.atomic():
                for stage in stages:
                    chosen = form.cleaned_data[f"stage_{stage.pk}"]
                    if chosen != current.get(stage.pk):
                        services.stage_category_set(actor=request.user, stage=stage, category=chosen)

        if run_service(form, save_all, keep_typed=False).ok:
            messages.success(request, _("Stage categories saved."))
            return redirect("forecast:categories")
    return render(request, "forecast/categories.html", {"form": form})


def _panel_context(
    request: AuthenticatedHttpRequest, deal: Opportunity, form: CategoryForm | None = None
) -> dict[str, Any]:
    category, override = selectors.deal_category(deal)
    can_set = access.can_set_forecast_category(request.user, deal)
    if form is None and can_set:
        form = CategoryForm(initial={"category": category, "note": override.note if override else ""})
    history = list(
        CategoryOverride.history.filter(opportunity_id=deal.pk)
        .select_related("history_user")
        .order_by("-history_date")[:5]
    )
    return {
        "deal": deal,
        "category": Category(category),
        "override": override,
        "can_set": can_set,
        "form": form,
        "history": history,
    }


@login_required
def deal_panel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The deal page's forecast category (loaded by htmx from deals/_extensions.html); empty for people who do not
    read this deal's forecast."""
    deal = get_object_for_user(Opportunity.objects.select_related("stage"), request.user, pk=pk)
    if deal.outcome not in (Outcome.OPEN, Outcome.WON):
        return HttpResponse("")  # a lost or abandoned deal is in no forecast
    if not access.forecast_deals_visible_to(request.user, Opportunity.objects.filter(pk=deal.pk)).exists():
        return HttpResponse("")
    return render(request, "forecast/_deal_panel.html", _panel_context(request, deal))


@login_required
@require_POST
def deal_category(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Set the deal's category with a note, or (`clear`) let it follow its stage again."""
    deal = get_object_for_user(Opportunity.objects.select_related("stage"), request.user, pk=pk)
    if not access.can_set_forecast_category(request.user, deal):
        raise PermissionDenied
    if "clear" in request.POST:
        if run_action(request, lambda: services.category_override_clear(actor=request.user, opportunity=deal)).ok:
            messages.success(request, _("The deal follows its stage's forecast category again."))
        return redirect(deal.get_absolute_url())
    form = CategoryForm(request.POST)
    saved = submit_form(
        form,
        lambda: services.category_override_set(actor=request.user, opportunity=deal, **form.cleaned_data),
        keep_typed=False,
    )
    if saved.ok:
        messages.success(request, _("Forecast category saved."))
        return redirect(deal.get_absolute_url())
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    return redirect(deal.get_absolute_url())
