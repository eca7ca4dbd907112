"""The win-probability model: point-in-time features of a deal, training on closed deals, a time-ordered hold-out.

Features are computed *as of a day*, from dated facts only: steps finished by then, activities done by then, POCs
ended by then, technical verdicts recorded by then, competitors added by then, contacts known by then, and the
stage the deal stood in that day (its own history). A closed deal is seen at three moments of its life (30 %, 60 %
and 90 % of the way from opening to close), never at its close, so nothing decided by the outcome (the final
stage, the probability set to 0 or 100, the reason, the steps done after signing) can leak into training. An open
deal is seen as of today, with exactly the same features. Two facts carry no date and are read as they are now:
a contact's attitude, and a competitor's threat level (docs/decisions.md says why that is acceptable).

The hold-out is later in time than the training: closed deals are ordered by their close date, the earliest three
quarters train the model, the deals closed after the last of those are the hold-out. The same hold-out scores the
stage-default probability, and the model is used only when its Brier score there is lower.
"""

from __future__ import annotations

import datetime
import io
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from presales.bids.models import Poc, PocStatus
from presales.currencies.rates import RateTable
from presales.customers.models import Attitude, Contact, DecisionRole
from presales.deals.models import DealStep, Opportunity, OpportunityCompetitor, Outcome, StepStatus, ThreatLevel
from presales.playbook.models import Stage
from presales.winning.models import TechnicalVerdict
from presales.work.models import Activity, ActivityStatus, WorkType

MIN_CLOSED_DEALS = 40
HOLDOUT_SHARE = 0.25
SNAPSHOT_FRACTIONS = (0.3, 0.6, 0.9)
RELIABILITY_BINS = 10
REGULARISATION_C = 0.5
# Why a training produced no model (WinModel.problem); the page words them.
TOO_FEW_DEALS = "too_few_deals"
ONE_CLASS = "one_class"
HOLDOUT_TOO_SMALL = "holdout_too_small"

# Activity kinds grouped into the mix the article cares about: hands-on proof, time with the customer, paperwork.
HANDS_ON = {WorkType.POC, WorkType.DEMO, WorkType.CONFIGURATION}
WITH_CUSTOMER = {WorkType.ON_SITE_VISIT, WorkType.REMOTE_MEETING, WorkType.BID_PRESENTATION, WorkType.TRAINING}
THREAT_ORDER: dict[str, int] = {ThreatLevel.LOW: 1, ThreatLevel.MEDIUM: 2, ThreatLevel.HIGH: 3}

NUMERIC = [
    "progress",
    "skipped_steps",
    "presales_hours",
    "hands_on_share",
    "customer_share",
    "competitors",
    "age_days",
    "amount",
]
CATEGORICAL = [
    "stage",
    "poc_result",
    "technical_verdict",
    "top_threat",
    "supporter_found",
    "decision_maker_met",
    "industry",
]
FEATURES = NUMERIC + CATEGORICAL


@dataclass
class DealFacts:
    """Everything dated about one deal, loaded in bulk, from which its features on any day are computed."""

    pk: int
    opened: datetime.date
    closed_on: datetime.date | None
    won: bool
    stage_now: int
    amount: float
    industry: str
    account_id: int
    stages: list[tuple[datetime.datetime, int]] = field(default_factory=list)
    steps: list[tuple[datetime.date | None, str, int]] = field(default_factory=list)
    activities: list[tuple[datetime.date, str, float]] = field(default_factory=list)
    pocs: list[tuple[datetime.date, datetime.date, str, str]] = field(default_factory=list)
    verdicts: list[tuple[datetime.date, str]] = field(default_factory=list)
    competitors: list[tuple[datetime.date, str]] = field(default_factory=list)


def _day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def load_facts(deals: QuerySet[Opportunity], today: datetime.date) -> list[DealFacts]:
    """The dated facts of these deals in a fixed number of queries (one per kind of fact)."""
    rates = RateTable.load()
    stage_numbers = dict(Stage.objects.values_list("pk", "number"))
    facts: dict[int, DealFacts] = {}
    for pk, created, closed_on, outcome, stage_id, amount, currency, industry, account_id in deals.values_list(
        "pk", "created_at", "closed_on", "outcome", "stage_id", "amount", "currency", "account__industry", "account_id"
    ):
        converted = rates.convert(amount, currency, closed_on or today)
        facts[pk] = DealFacts(
            pk=pk,
            opened=min(_day(created), closed_on or today),
            closed_on=closed_on,
            won=outcome == Outcome.WON,
            stage_now=stage_numbers.get(stage_id, 0),
            amount=float(converted if converted is not None else amount),
            industry=industry or "",
            account_id=account_id,
        )
    ids = list(facts)
    history = (
        Opportunity.history.filter(id__in=ids).order_by("history_date").values_list("id", "history_date", "stage_id")
    )
    for pk, moment, stage_id in history.iterator():
        facts[pk].stages.append((moment, stage_numbers.get(stage_id, 0)))
    for pk, completed, updated, status, stage_number in (
        DealStep.objects.filter(opportunity_id__in=ids)
        .values_list("opportunity_id", "completed_at", "updated_at", "status", "definition__stage__number")
        .iterator()
    ):
        finished = completed or (updated if status == StepStatus.SKIPPED else None)
        facts[pk].steps.append((_day(finished) if finished else None, status, stage_number or 0))
    for pk, day, kind, hours in (
        Activity.objects.filter(opportunity_id__in=ids, status=ActivityStatus.DONE)
        .values_list("opportunity_id", "date", "kind", "hours")
        .iterator()
    ):
        facts[pk].activities.append((day, kind, float(hours)))
    for pk, start, end, status, outcome in Poc.objects.filter(opportunity_id__in=ids).values_list(
        "opportunity_id", "start_date", "end_date", "status", "outcome"
    ):
        facts[pk].pocs.append((start, end, status, outcome))
    for pk, day, verdict in TechnicalVerdict.objects.filter(opportunity_id__in=ids).values_list(
        "opportunity_id", "recorded_on", "verdict"
    ):
        facts[pk].verdicts.append((day, verdict))
    for pk, created, threat in OpportunityCompetitor.objects.filter(opportunity_id__in=ids).values_list(
        "opportunity_id", "created_at", "competitor__threat_level"
    ):
        facts[pk].competitors.append((_day(created), threat))
    return list(facts.values())


@dataclass
class Stakeholders:
    """Each account's contacts, with the day each became known."""

    by_account: dict[int, list[tuple[datetime.date, str, str]]]

    @classmethod
    def load(cls, account_ids: Iterable[int]) -> Stakeholders:
        by_account: dict[int, list[tuple[datetime.date, str, str]]] = defaultdict(list)
        for account_id, created, role, attitude in Contact.objects.filter(account_id__in=set(account_ids)).values_list(
            "account_id", "created_at", "decision_role", "attitude"
        ):
            by_account[account_id].append((_day(created), role, attitude))
        return cls(by_account)

    def on(self, account_id: int, day: datetime.date) -> tuple[bool, bool]:
        """(a supporter found, the decision maker met) among the contacts known on `day`."""
        known = [(role, attitude) for created, role, attitude in self.by_account.get(account_id, []) if created <= day]
        supporter = any(
            attitude in (Attitude.CHAMPION, Attitude.POSITIVE) or role == DecisionRole.SUPPORTER
            for role, attitude in known
        )
        decision_maker = any(
            role == DecisionRole.DECISION_MAKER and attitude != Attitude.UNKNOWN for role, attitude in known
        )
        return supporter, decision_maker


def _stage_on(facts: DealFacts, day: datetime.date) -> int:
    stage = facts.stages[0][1] if facts.stages else facts.stage_now
    for moment, number in facts.stages:
        if _day(moment) > day:
            break
        stage = number
    return stage


def _poc_result(facts: DealFacts, day: datetime.date) -> str:
    ended = [
        (end, outcome) for start, end, status, outcome in facts.pocs if status == PocStatus.COMPLETED and end <= day
    ]
    if ended:
        return max(ended)[1]
    if any(start <= day and status != PocStatus.CANCELLED for start, _end, status, _outcome in facts.pocs):
        return "running"
    return "none"


def features_on(facts: DealFacts, day: datetime.date, stakeholders: Stakeholders) -> dict[str, Any]:
    """The deal's features as they stood at the end of `day`."""
    stage = _stage_on(facts, day)
    # Progress is measured against the steps due by the stage the deal stood in (how far along it is, the stage
    # says): the share of those steps done by then.
    due = [(finished, status) for finished, status, number in facts.steps if number <= stage]
    done = sum(1 for finished, status in due if status == StepStatus.DONE and finished and finished <= day)
    skipped = sum(
        1 for finished, status, _number in facts.steps if status == StepStatus.SKIPPED and finished and finished <= day
    )
    hours = [(kind, spent) for worked, kind, spent in facts.activities if worked <= day]
    total_hours = sum(spent for _kind, spent in hours)
    hands_on = sum(spent for kind, spent in hours if kind in HANDS_ON)
    with_customer = sum(spent for kind, spent in hours if kind in WITH_CUSTOMER)
    verdicts = sorted((recorded, verdict) for recorded, verdict in facts.verdicts if recorded <= day)
    competitors = [threat for added, threat in facts.competitors if added <= day]
    supporter, decision_maker = stakeholders.on(facts.account_id, day)
    top_threat = max(competitors, key=lambda threat: THREAT_ORDER.get(threat, 0)) if competitors else "none"
    return {
        "progress": done / len(due) if due else 0.0,
        "skipped_steps": float(skipped),
        "presales_hours": total_hours,
        "hands_on_share": hands_on / total_hours if total_hours else 0.0,
        "customer_share": with_customer / total_hours if total_hours else 0.0,
        "competitors": float(len(competitors)),
        "age_days": float(max(0, (day - facts.opened).days)),
        "amount": facts.amount,
        "stage": str(stage),
        "poc_result": _poc_result(facts, day),
        "technical_verdict": verdicts[-1][1] if verdicts else "none",
        "top_threat": top_threat,
        "supporter_found": "yes" if supporter else "no",
        "decision_maker_met": "yes" if decision_maker else "no",
        "industry": facts.industry or "none",
    }


def active_end(facts: DealFacts) -> datetime.date:
    """The last day the deal moved (changed stage or anything else) before the day it closed; its close if none.

    A deal often waits months between its last step and its close (signature, budget); seen in that wait it is
    already decided in all but name, so its life is sampled over the time it was being worked.
    """
    closed_on = facts.closed_on or facts.opened
    moved = [_day(moment) for moment, _stage in facts.stages if facts.opened < _day(moment) < closed_on]
    return max(moved) if moved else closed_on


def snapshot_days(facts: DealFacts) -> list[datetime.date]:
    """The moments a closed deal is seen at: through the time it was worked, before its close."""
    length = (active_end(facts) - facts.opened).days
    if length <= 1:
        return [facts.opened]
    days = {
        facts.opened + datetime.timedelta(days=min(length - 1, int(length * share))) for share in SNAPSHOT_FRACTIONS
    }
    return sorted(days)


@dataclass
class Snapshot:
    deal: int
    day: datetime.date
    closed_on: datetime.date | None
    won: bool
    features: dict[str, Any]


def closed_snapshots(facts: list[DealFacts], stakeholders: Stakeholders) -> list[Snapshot]:
    return [
        Snapshot(deal.pk, day, deal.closed_on, deal.won, features_on(deal, day, stakeholders))
        for deal in facts
        if deal.closed_on is not None
        for day in snapshot_days(deal)
    ]


@dataclass
class Split:
    """Training and hold-out by close date: every hold-out deal closed after every training deal."""

    train: list[Snapshot]
    holdout: list[Snapshot]
    cutoff: datetime.date | None


def time_split(snapshots: list[Snapshot], holdout_share: float = HOLDOUT_SHARE) -> Split:
    close_days = sorted({snap.closed_on for snap in snapshots if snap.closed_on is not None})
    deals_by_day: dict[datetime.date, set[int]] = defaultdict(set)
    for snap in snapshots:
        if snap.closed_on is not None:
            deals_by_day[snap.closed_on].add(snap.deal)
    total = sum(len(deals) for deals in deals_by_day.values())
    wanted = total * (1 - holdout_share)
    counted = 0
    cutoff: datetime.date | None = None
    for day in close_days:
        counted += len(deals_by_day[day])
        cutoff = day
        if counted >= wanted:
            break
    train = [snap for snap in snapshots if cutoff is not None and snap.closed_on and snap.closed_on <= cutoff]
    holdout = [snap for snap in snapshots if cutoff is not None and snap.closed_on and snap.closed_on > cutoff]
    return Split(train=train, holdout=holdout, cutoff=cutoff)


def build_pipeline() -> Any:
    """Standardised numbers and one-hot categories into an L2-regularised logistic regression."""
    # scikit-learn is only needed by the worker's training and scoring, never by a page.
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    columns = ColumnTransformer(
        [
            ("num", StandardScaler(), list(range(len(NUMERIC)))),
            (
                "cat",
                OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                list(range(len(NUMERIC), len(FEATURES))),
            ),
        ]
    )
    return Pipeline([("columns", columns), ("model", LogisticRegression(C=REGULARISATION_C, max_iter=2000))])


def _matrix(rows: list[dict[str, Any]]) -> Any:
    """Rows of features as one array, numbers first then categories, in FEATURES order."""
    import numpy as np  # with scikit-learn, only the worker needs it

    return np.array([[row[name] for name in FEATURES] for row in rows], dtype=object)


def _frame(snapshots: list[Snapshot]) -> Any:
    return _matrix([snap.features for snap in snapshots])


def _brier(probabilities: list[float], outcomes: list[bool]) -> float:
    return sum((p - float(y)) ** 2 for p, y in zip(probabilities, outcomes, strict=True)) / len(outcomes)


def _auc(probabilities: list[float], outcomes: list[bool]) -> float | None:
    """Area under the ROC curve (ties count half); None when the hold-out has one class only."""
    positives = [p for p, y in zip(probabilities, outcomes, strict=True) if y]
    negatives = [p for p, y in zip(probabilities, outcomes, strict=True) if not y]
    if not positives or not negatives:
        return None
    wins = sum(1.0 if pos > neg else 0.5 if pos == neg else 0.0 for pos in positives for neg in negatives)
    return wins / (len(positives) * len(negatives))


def reliability(probabilities: list[float], outcomes: list[bool], bins: int = RELIABILITY_BINS) -> list[dict]:
    """Predicted against observed, in equal-width bins of the prediction (empty bins left out)."""
    grouped: dict[int, list[tuple[float, bool]]] = defaultdict(list)
    for p, y in zip(probabilities, outcomes, strict=True):
        grouped[min(bins - 1, int(p * bins))].append((p, y))
    rows = []
    for index in sorted(grouped):
        pairs = grouped[index]
        rows.append(
            {
                "bin": index,
                "low": index / bins,
                "high": (index + 1) / bins,
                "count": len(pairs),
                "predicted": sum(p for p, _y in pairs) / len(pairs),
                "observed": sum(1 for _p, y in pairs if y) / len(pairs),
            }
        )
    return rows


def score_set(probabilities: list[float], outcomes: list[bool]) -> dict[str, Any]:
    return {
        "brier": _brier(probabilities, outcomes),
        "auc": _auc(probabilities, outcomes),
        "reliability": reliability(probabilities, outcomes),
    }


@dataclass
class TrainingResult:
    """What a training produced: a problem code, or the hold-out metrics and the fitted bundle."""

    closed_deals: int
    problem: str = ""
    metrics: dict[str, Any] = field(default_factory=dict)
    in_use: bool = False
    bundle: dict[str, Any] | None = None


def _bundle(pipeline: Any, frame: Any) -> dict[str, Any]:
    """The fitted pipeline plus what explaining a prediction needs: the training mean of every encoded column."""
    encoded = pipeline.named_steps["columns"].transform(frame)
    columns = pipeline.named_steps["columns"]
    groups: list[str] = list(NUMERIC)
    encoder = columns.named_transformers_["cat"]
    for name, categories in zip(CATEGORICAL, encoder.categories_, strict=True):
        groups.extend([name] * len(categories))
    return {"pipeline": pipeline, "mean": encoded.mean(axis=0).tolist(), "groups": groups}


def train(
    snapshots: list[Snapshot],
    stage_defaults: dict[str, int],
    progress: Callable[[int], None] = lambda percent: None,
    fit: Callable[[], Any] = build_pipeline,
) -> TrainingResult:
    """Fit on the earlier closed deals, score the later ones against the stage defaults, refit on all to deploy."""
    deals = {snap.deal for snap in snapshots}
    result = TrainingResult(closed_deals=len(deals))
    if len(deals) < MIN_CLOSED_DEALS:
        result.problem = TOO_FEW_DEALS
        return result
    split = time_split(snapshots)
    if {snap.won for snap in split.train} != {True, False}:
        result.problem = ONE_CLASS
        return result
    holdout_deals = {snap.deal for snap in split.holdout}
    if len(holdout_deals) < 10 or {snap.won for snap in split.holdout} != {True, False}:
        result.problem = HOLDOUT_TOO_SMALL
        return result
    progress(40)
    pipeline = fit()
    pipeline.fit(_frame(split.train), [snap.won for snap in split.train])
    predicted = [float(p) for p in pipeline.predict_proba(_frame(split.holdout))[:, 1]]
    outcomes = [snap.won for snap in split.holdout]
    defaults = [stage_defaults.get(snap.features["stage"], 0) / 100 for snap in split.holdout]
    progress(70)
    model_scores = score_set(predicted, outcomes)
    stage_scores = score_set(defaults, outcomes)
    result.in_use = model_scores["brier"] < stage_scores["brier"]
    train_days = [snap.closed_on for snap in split.train if snap.closed_on]
    holdout_days = [snap.closed_on for snap in split.holdout if snap.closed_on]
    result.metrics = {
        "model": model_scores,
        "stage_default": stage_scores,
        "train": {
            "deals": len({snap.deal for snap in split.train}),
            "snapshots": len(split.train),
            "won": sum(1 for snap in split.train if snap.won),
            "first_close": min(train_days).isoformat(),
            "last_close": max(train_days).isoformat(),
        },
        "holdout": {
            "deals": len(holdout_deals),
            "snapshots": len(split.holdout),
            "won": sum(1 for snap in split.holdout if snap.won),
            "first_close": min(holdout_days).isoformat(),
            "last_close": max(holdout_days).isoformat(),
        },
    }
    # The deployed model learns from every closed deal, the latest included, with the settings just tested.
    deployed = fit()
    everything = _frame(snapshots)
    deployed.fit(everything, [snap.won for snap in snapshots])
    result.bundle = _bundle(deployed, everything)
    progress(85)
    return result


def dump(bundle: dict[str, Any]) -> bytes:
    import joblib  # the worker's serialiser (scikit-learn's own); pages never load a model

    buffer = io.BytesIO()
    joblib.dump(bundle, buffer)
    return buffer.getvalue()


def load(data: bytes) -> dict[str, Any]:
    import joblib

    return joblib.load(io.BytesIO(bytes(data)))  # our own bytes, from our database


def _sigmoid(value: float) -> float:
    return 1 / (1 + math.exp(-value))


def explain(bundle: dict[str, Any], features: list[dict[str, Any]], top: int = 4) -> list[tuple[float, list[dict]]]:
    """Each deal's probability and its largest reasons in percentage points.

    A feature's effect is its coefficients times how far the deal's encoded values stand from the training mean;
    in points, it is the probability with the effect minus the probability without it (the feature at the mean).
    """
    pipeline = bundle["pipeline"]
    frame = _matrix(features)
    encoded = pipeline.named_steps["columns"].transform(frame)
    model = pipeline.named_steps["model"]
    coefficients = model.coef_[0]
    mean = bundle["mean"]
    groups = bundle["groups"]
    explained = []
    for row, raw in zip(encoded, features, strict=True):
        effects: dict[str, float] = defaultdict(float)
        for coefficient, value, average, group in zip(coefficients, row, mean, groups, strict=True):
            effects[group] += float(coefficient) * (float(value) - float(average))
        logit = float(model.intercept_[0]) + sum(float(c) * float(v) for c, v in zip(coefficients, row, strict=True))
        probability = _sigmoid(logit)
        reasons = []
        for group, effect in effects.items():
            points = round((probability - _sigmoid(logit - effect)) * 100)
            if points:
                value = raw[group]
                reasons.append({"feature": group, "value": value, "points": points})
        reasons.sort(key=lambda reason: (-abs(reason["points"]), reason["feature"]))
        explained.append((probability, reasons[:top]))
    return explained


def stage_defaults() -> dict[str, int]:
    return {
        str(number): probability for number, probability in Stage.objects.values_list("number", "default_probability")
    }
