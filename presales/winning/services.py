"""Writes: recording a technical verdict, queueing and running a training of the win-probability model."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from presales import access
from presales.core.concurrency import save_checked
from presales.core.history import attribute_change, save_with_history
from presales.deals.models import Competitor, Opportunity, Outcome
from presales.people.models import User
from presales.winning import learning
from presales.winning.models import (
    DealWinProbability,
    ModelStatus,
    TechnicalVerdict,
    TechnicalWinFigures,
    Verdict,
    VerdictPhase,
    WinModel,
)


@transaction.atomic
def technical_verdict_record(
    *,
    actor: User,
    opportunity: Opportunity,
    phase: str,
    verdict: str,
    competitor: Competitor | None = None,
    reasons: str = "",
    recorded_on: datetime.date | None = None,
) -> TechnicalVerdict:
    """Record (or change) the deal's technical verdict for a phase; every change stays in the verdict's history."""
    if not access.can_record_technical_verdict(actor, opportunity):
        raise PermissionDenied
    if phase == VerdictPhase.CLOSE and opportunity.is_open:
        raise ValidationError({"phase": _("The verdict at close is given once the deal is closed.")})
    if verdict in (Verdict.WIN, Verdict.TIE, Verdict.LOSS) and not reasons.strip():
        raise ValidationError({"reasons": _("Say why: what the customer compared and what decided it.")})
    row = TechnicalVerdict.objects.filter(opportunity=opportunity, phase=phase).first()
    if row is None:
        row = TechnicalVerdict(opportunity=opportunity, phase=phase)
    row.verdict = verdict
    row.competitor = competitor
    row.reasons = reasons.strip()
    row.recorded_on = recorded_on or timezone.localdate()
    row.recorded_by = actor
    save_checked(row, actor=actor)
    return row


def technical_figures_store(
    *, user: User, key: str, stamp: int, data: dict[str, Any], stale_before: datetime.datetime
) -> None:
    """Keep the person's dashboard figures for these filters (computed with their visibility); drop their stale ones.

    A derived result, so no history: the verdicts and deals it counts keep theirs."""
    TechnicalWinFigures.objects.filter(user=user, computed_at__lt=stale_before).delete()
    try:
        TechnicalWinFigures.objects.update_or_create(
            user=user, key=key, defaults={"changes_seen": stamp, "computed_at": timezone.now(), "data": data}
        )
    except IntegrityError:  # the same person's other request stored the same figures first
        pass


@transaction.atomic
def win_model_request(*, actor: User | None) -> WinModel:
    """Queue a training (the button for managers, and the weekly schedule with no actor); one at a time."""
    if actor is not None and not access.can_retrain_win_model(actor):
        raise PermissionDenied
    # Serialise concurrent requests: the newest row is locked while the next version is chosen.
    working = WinModel.objects.select_for_update().filter(status__in=(ModelStatus.QUEUED, ModelStatus.RUNNING))
    existing = working.first()
    if existing is not None:
        return existing
    version = (WinModel.objects.aggregate(top=Max("version"))["top"] or 0) + 1
    model = WinModel(version=version, requested_by=actor, requested_at=timezone.now())
    save_with_history(model, actor=actor)
    return model


def _set_progress(model: WinModel, percent: int) -> None:
    # Progress is written outside the training's transaction so the page polling it sees it move.
    WinModel.objects.filter(pk=model.pk).update(progress=percent)


def win_model_train(*, model: WinModel, today: datetime.date | None = None) -> WinModel:
    """Train a queued model in the worker: features of closed deals, time-ordered hold-out, then score open deals.

    The model is used (deal pages and the forecast) only when it beat the stage defaults on the hold-out.
    """
    today = today or timezone.localdate()
    model.status = ModelStatus.RUNNING
    model.progress = 5
    attribute_change(model, reason="training")
    model.save(update_fields=["status", "progress"])
    try:
        closed = Opportunity.objects.exclude(outcome=Outcome.OPEN).filter(closed_on__isnull=False)
        facts = learning.load_facts(closed, today)
        stakeholders = learning.Stakeholders.load(deal.account_id for deal in facts)
        _set_progress(model, 20)
        snapshots = learning.closed_snapshots(facts, stakeholders)
        result = learning.train(
            snapshots, learning.stage_defaults(), progress=lambda percent: _set_progress(model, percent)
        )
    except Exception:
        model.status = ModelStatus.FAILED
        model.problem = "error"
        model.progress = 100
        attribute_change(model, reason="training failed")
        model.save(update_fields=["status", "problem", "progress"])
        raise
    with transaction.atomic():
        model.closed_deals = result.closed_deals
        model.problem = result.problem
        model.metrics = result.metrics
        model.in_use = result.in_use
        model.trained_at = timezone.now()
        model.progress = 100
        if result.bundle is None:
            model.status = ModelStatus.TOO_LITTLE_HISTORY
        else:
            model.status = ModelStatus.READY
            model.fitted = learning.dump(result.bundle)
        save_with_history(model, reason="trained")
        if model.in_use and result.bundle is not None:
            WinModel.objects.exclude(pk=model.pk).filter(in_use=True).update(in_use=False)
            deal_probabilities_refresh(model=model, bundle=result.bundle, today=today)
        elif model.status == ModelStatus.READY or model.status == ModelStatus.TOO_LITTLE_HISTORY:
            # The newest training decides: a model that no longer beats the stage defaults stops being used.
            WinModel.objects.exclude(pk=model.pk).filter(in_use=True).update(in_use=False)
            DealWinProbability.objects.all().delete()
    return model


def deal_probabilities_refresh(
    *, model: WinModel, bundle: dict[str, Any] | None = None, today: datetime.date | None = None
) -> int:
    """Score every open deal with the model in use; the rows of closed deals go (their outcome is known)."""
    today = today or timezone.localdate()
    bundle = bundle or learning.load(bytes(model.fitted or b""))
    open_deals = Opportunity.objects.filter(outcome=Outcome.OPEN)
    facts = learning.load_facts(open_deals, today)
    stakeholders = learning.Stakeholders.load(deal.account_id for deal in facts)
    features = [learning.features_on(deal, today, stakeholders) for deal in facts]
    defaults = learning.stage_defaults()
    now = timezone.now()
    rows = [
        DealWinProbability(
            opportunity_id=deal.pk,
            model=model,
            probability=probability,
            stage_probability=defaults.get(str(deal.stage_now), 0),
            reasons=reasons,
            computed_at=now,
        )
        for deal, (probability, reasons) in zip(
            facts, learning.explain(bundle, features) if features else [], strict=True
        )
    ]
    DealWinProbability.objects.all().delete()
    DealWinProbability.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
