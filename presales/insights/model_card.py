"""The win-probability model card: what the latest training found on its time-ordered hold-out, read from the stored
results (the worker trains; this page never does)."""

from __future__ import annotations

from typing import Any

from django.utils.dateparse import parse_date
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from presales import access
from presales.insights import links
from presales.insights import selectors as insight_selectors
from presales.insights.charts import render_chart
from presales.insights.forms import InsightFilterForm
from presales.insights.links import Link
from presales.people.models import User
from presales.winning import learning, selectors
from presales.winning.models import ModelStatus, WinModel

PROBLEMS = {
    learning.TOO_FEW_DEALS: lambda: (
        _(
            "Too little history: at least %(minimum)s closed deals are needed to learn from; the stage defaults are used."
        )
        % {"minimum": learning.MIN_CLOSED_DEALS}
    ),
    learning.ONE_CLASS: lambda: _(
        "The earlier closed deals were all won or all lost: nothing to learn from; the stage defaults are used."
    ),
    learning.HOLDOUT_TOO_SMALL: lambda: _(
        "Too few later deals (or only one outcome among them) to test the model on; the stage defaults are used."
    ),
    "error": lambda: _("The training failed; the worker's log says why. The stage defaults are used."),
}


def problem_text(model: WinModel) -> str:
    words = PROBLEMS.get(model.problem)
    return words() if words else ""


def reliability_chart(rows: list[dict[str, Any]], title: str) -> SafeString:
    """Predicted against observed win rate in each bin of the prediction (a calibrated model follows the diagonal)."""
    labels = [f"{round(row['low'] * 100)}–{round(row['high'] * 100)}%" for row in rows]
    return render_chart(
        kind="line",
        labels=labels,
        series=[
            (_("Predicted"), [round(row["predicted"] * 100, 1) for row in rows]),
            (_("Observed"), [round(row["observed"] * 100, 1) for row in rows]),
        ],
        label=title,
        formatter=lambda value: f"{value:g}%",
        range=(0, 100),
        no_data=_("No hold-out deals"),
    )


def _dates(part: dict[str, Any]) -> dict[str, Any]:
    return {
        **part,
        "first_close": parse_date(part.get("first_close", "")) if part.get("first_close") else None,
        "last_close": parse_date(part.get("last_close", "")) if part.get("last_close") else None,
    }


def _bins(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "range": f"{round(row['low'] * 100)}–{round(row['high'] * 100)}%",
            "count": row["count"],
            "predicted": round(row["predicted"] * 100, 1),
            "observed": round(row["observed"] * 100, 1),
        }
        for row in rows
    ]


def context(user: User) -> dict[str, Any]:
    latest = selectors.latest_model()
    finished = (
        WinModel.objects.defer("fitted")
        .exclude(status__in=(ModelStatus.QUEUED, ModelStatus.RUNNING))
        .order_by("-version")
        .first()
    )
    result: dict[str, Any] = {
        "latest": latest,
        "model": finished,
        "in_use": selectors.model_in_use(),
        "can_retrain": access.can_retrain_win_model(user),
        "problem": problem_text(finished) if finished else "",
        "min_closed_deals": learning.MIN_CLOSED_DEALS,
        "features": [selectors.reason_words(name, _example(name)) for name in learning.FEATURES],
    }
    filters = InsightFilterForm().filters()
    forecast = insight_selectors.forecast_by_month_with_model(user, filters)
    for row in forecast:
        url = links.open_deals(filters, *links.month_within(row["month"], filters))
        row["links"] = {"count": Link(url, "count"), "weighted": Link(url, "weighted_sum")}
    result.update(forecast=forecast, forecast_filters=filters)
    metrics = finished.metrics if finished else {}
    if metrics:
        model_scores, stage_scores = metrics["model"], metrics["stage_default"]
        result.update(
            scores=[
                {"label": _("Learnt model"), "brier": model_scores["brier"], "auc": model_scores["auc"]},
                {"label": _("Stage default probability"), "brier": stage_scores["brier"], "auc": stage_scores["auc"]},
            ],
            train=_dates(metrics["train"]),
            holdout=_dates(metrics["holdout"]),
            model_chart=reliability_chart(model_scores["reliability"], _("Reliability of the learnt model")),
            stage_chart=reliability_chart(stage_scores["reliability"], _("Reliability of the stage defaults")),
            model_bins=_bins(model_scores["reliability"]),
            stage_bins=_bins(stage_scores["reliability"]),
        )
    return result


def _example(name: str) -> Any:
    """A value for the feature list's wording (what each feature looks like in a reason)."""
    examples: dict[str, Any] = {
        "progress": 0.5,
        "skipped_steps": 2,
        "presales_hours": 40,
        "hands_on_share": 0.4,
        "customer_share": 0.3,
        "competitors": 2,
        "age_days": 90,
        "amount": 1_000_000,
        "stage": "4",
        "poc_result": "passed",
        "technical_verdict": "win",
        "top_threat": "high",
        "supporter_found": "no",
        "decision_maker_met": "yes",
        "industry": "finance",
    }
    return examples.get(name, "")
